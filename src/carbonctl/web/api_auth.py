"""Authentication accepted by the API: a browser session (with CSRF) or a bearer token."""

from ninja.security import django_auth

from carbonctl.web.accounts.tokens import TokenAuth

API_AUTH = [TokenAuth(), django_auth]
