"""API tokens for machine clients: ``Authorization: Bearer <token>``."""

from __future__ import annotations

import hashlib
import secrets

from ninja.security import HttpBearer

from carbonctl.web.accounts.models import ApiToken


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_token(user, name: str = "api") -> str:
    """Create a token for ``user`` and return it; it is shown once and stored only hashed."""
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, key_hash=_digest(key))
    return key


class TokenAuth(HttpBearer):
    """Bearer-token authentication; the request then acts as the token's user."""

    def authenticate(self, request, token: str):
        found = ApiToken.objects.select_related("user").filter(key_hash=_digest(token)).first()
        if found is None or not found.user.is_active:
            return None
        request.user = found.user
        return found.user
