"""API tokens for machine clients: ``Authorization: Bearer <token>``. A token is shown once,
stored only as its SHA-256, expires after ``CARBONCTL_TOKEN_DAYS`` (or the days asked for) and
can be revoked (吊销); issuing and revoking are audited."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from carbonctl.web.accounts.models import ApiToken
from carbonctl.web.accounts.throttle import bad_token
from carbonctl.web.audit.models import AuditEntry
from carbonctl.web.audit.services import record, snapshot

#: ``last_used_at`` is written at most this often per token, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_lifetime(days: int | None) -> timedelta:
    """The lifetime of a new token: ``days`` (1 to ``CARBONCTL_TOKEN_MAX_DAYS``) or the default;
    a ValueError names the allowed range."""
    longest = settings.CARBONCTL_TOKEN_MAX_DAYS
    if days is None:
        days = min(settings.CARBONCTL_TOKEN_DAYS, longest)
    if not 1 <= days <= longest:
        raise ValueError(f"a token lives 1 to {longest} days, not {days}")
    return timedelta(days=days)


def issue_token(user, name: str = "api", *, days: int | None = None, by=None) -> str:
    """Create a token for ``user`` valid for ``days`` and return it; it is shown once and stored
    only hashed. ``by`` is who issued it (None: the command line)."""
    lifetime = token_lifetime(days)
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, key_hash=_digest(key), expires_at=timezone.now() + lifetime
    )
    record(
        by,
        AuditEntry.Action.CREATE,
        token,
        after=_public(token),
        summary=f"API token {name!r} for {user.get_username()} until {token.expires_at:%Y-%m-%d}",
    )
    return key


def revoke_tokens(tokens: Iterable[ApiToken], *, by=None) -> list[ApiToken]:
    """Revoke each token not yet revoked (audited, one entry per token); returns those revoked."""
    now, revoked = timezone.now(), []
    for token in tokens:
        if token.revoked_at is not None:
            continue
        before = _public(token)
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        record(
            by,
            AuditEntry.Action.TOKEN_REVOKED,
            token,
            before=before,
            after=_public(token),
            summary=f"API token {token.name!r} of {token.user.get_username()} revoked",
        )
        revoked.append(token)
    return revoked


def _public(token: ApiToken) -> dict:
    """The token's fields for the audit log, without its hash."""
    fields = snapshot(token)
    fields.pop("key_hash", None)
    return fields


class TokenAuth(HttpBearer):
    """Bearer-token authentication; the request then acts as the token's user. An unknown,
    expired or revoked token counts towards the address's throttle (see
    :func:`carbonctl.web.accounts.throttle.bad_token`); expired and revoked ones are refused
    with a 401 that says so, for their owner to renew."""

    def authenticate(self, request, token: str):
        found = ApiToken.objects.select_related("user").filter(key_hash=_digest(token)).first()
        now = timezone.now()
        if found is None or not found.user.is_active:
            bad_token(request, "unknown token" if found is None else "inactive user")
            return None
        state = found.state(now)
        if state != "active":
            bad_token(request, f"{state} token {found.pk}")
            if state == "expired":
                raise AuthenticationError(message=_("API 令牌已过期，请申请新令牌。"))
            raise AuthenticationError(message=_("API 令牌已被吊销。"))
        if found.last_used_at is None or now - found.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user
