"""Writing audit entries. Every service that changes official data calls :func:`record` inside
the same transaction as the change, so the log and the data cannot disagree."""

from __future__ import annotations

import ipaddress
import logging

from django.conf import settings
from django.forms.models import model_to_dict

from carbonctl.web.audit.models import AuditEntry

security = logging.getLogger("carbonctl.security")


def snapshot(instance) -> dict:
    """The fields of a model instance as JSON-able values (for before/after)."""
    return model_to_dict(instance)


def client_address(request) -> str | None:
    """The client's IP address: ``REMOTE_ADDR``, or behind the platform's TLS proxy
    (``CARBONCTL_SECURE_PROXY``) the address that proxy appended last to ``X-Forwarded-For``
    (earlier entries come from the client and prove nothing)."""
    remote = request.META.get("REMOTE_ADDR") or None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and forwarded:
        last = forwarded.split(",")[-1].strip()
        try:
            return str(ipaddress.ip_address(last))
        except ValueError:
            pass
    return remote


def record(
    user,
    action: str,
    instance=None,
    *,
    object_type: str | None = None,
    object_id: str = "",
    before: dict | None = None,
    after: dict | None = None,
    summary: str = "",
    request=None,
) -> AuditEntry:
    """Append one entry: who (``user``), what (``action`` on ``instance`` or the given type/id),
    before and after. ``request`` adds the path and the client address."""
    if instance is not None:
        object_type = object_type or instance._meta.label
        object_id = object_id or str(instance.pk)
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    return AuditEntry.objects.create(
        user=user if authenticated else None,
        username=user.get_username() if authenticated else "",
        action=action,
        object_type=object_type or "",
        object_id=object_id,
        summary=summary[:300],
        before=before,
        after=after,
        path=request.path[:300] if request is not None else "",
        address=client_address(request) if request is not None else None,
    )


def record_denial(request, object_type: str, object_id: str, reason: str) -> AuditEntry:
    """Log a refused request (outside the user's role or region) in the audit log and the
    security log."""
    user = getattr(request, "user", None)
    security.warning(
        "denied %s %s:%s to %s (%s)",
        request.path,
        object_type,
        object_id,
        getattr(user, "username", "") or "anonymous",
        reason,
    )
    return record(
        user,
        AuditEntry.Action.DENY,
        object_type=object_type,
        object_id=object_id,
        summary=reason,
        request=request,
    )
