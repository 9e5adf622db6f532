"""What every API router shares: the authentication accepted (a browser session with CSRF, or a
bearer token) and the body of an error answer."""

from ninja import Schema
from ninja.security import django_auth

from carbonctl.web.accounts.tokens import TokenAuth

API_AUTH = [TokenAuth(), django_auth]


class ErrorOut(Schema):
    """An error answer (401, 404, 422 …): what went wrong, in the user's terms."""

    detail: str
