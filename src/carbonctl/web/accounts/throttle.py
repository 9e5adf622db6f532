"""Guessing costs (防暴力破解): failed logins lock a username from an address, and an address, for a
while; invalid API tokens from one address are answered 429 until the window ends.

The counts live in the database, not in a worker's memory: gunicorn runs several workers and
each must see the same count. Every failed login, every lockout and (once per address and
window) invalid tokens are written to the audit log.
"""

from __future__ import annotations

import logging
import math
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from carbonctl.web.accounts.models import BadTokenWindow, LoginFailure, LoginLock
from carbonctl.web.audit.models import AuditEntry
from carbonctl.web.audit.services import client_address, record

security = logging.getLogger("carbonctl.security")

#: Where a request without a client address is counted (never a real client).
UNKNOWN_ADDRESS = "0.0.0.0"
#: The object type of login events in the audit log (the tried username is the object id).
LOGIN = "auth.login"
#: The object type of invalid-token events in the audit log (the address is the object id).
BEARER = "auth.token"


def address_of(request: HttpRequest) -> str:
    """The address guesses are counted for."""
    return client_address(request) or UNKNOWN_ADDRESS


def login_key(username: str | None) -> str:
    """The username as counted: ``Admin`` and ``admin `` are one target for a guesser."""
    return (username or "").strip().casefold()[:150]


def retry_after(until: datetime, now: datetime | None = None) -> int:
    """Whole seconds until ``until`` (at least 1), for a ``Retry-After`` header."""
    return max(1, math.ceil((until - (now or timezone.now())).total_seconds()))


# --- logins ------------------------------------------------------------------------------------


def active_lock(username: str, address: str, now: datetime) -> LoginLock | None:
    """The lock (of this username from this address, or of the whole address) in force at
    ``now``, the longest first; None when logins may be tried."""
    return (
        LoginLock.objects.filter(Q(username=username) | Q(username=""), address=address)
        .filter(until__gt=now)
        .order_by("-until")
        .first()
    )


def login_failed(request: HttpRequest, username: str, now: datetime) -> LoginLock | None:
    """Count one failed login of ``username`` from the request's address, audit it, and lock
    the pair (``CARBONCTL_LOGIN_FAILURES`` within the window) or the whole address
    (``CARBONCTL_LOGIN_ADDRESS_FAILURES``); returns the lock made, if any."""
    address = address_of(request)
    since = now - timedelta(seconds=settings.CARBONCTL_LOGIN_WINDOW)
    LoginFailure.objects.filter(at__lt=since).delete()  # no longer counts towards anything
    LoginFailure.objects.create(username=username, address=address, at=now)
    security.warning("failed login as %r from %s", username, address)
    record(
        None,
        AuditEntry.Action.LOGIN_FAILED,
        object_type=LOGIN,
        object_id=username[:100],
        summary=f"failed login as {username!r} from {address}",
        request=request,
    )
    recent = LoginFailure.objects.filter(address=address, at__gte=since)
    lock = None
    if recent.filter(username=username).count() >= settings.CARBONCTL_LOGIN_FAILURES:
        lock = _lock(request, username, address, now)
    if recent.count() >= settings.CARBONCTL_LOGIN_ADDRESS_FAILURES:
        lock = _lock(request, "", address, now)
    return lock


def _lock(request: HttpRequest, username: str, address: str, now: datetime) -> LoginLock:
    until = now + timedelta(seconds=settings.CARBONCTL_LOGIN_LOCKOUT)
    LoginLock.objects.filter(until__lt=now).delete()  # locks that are over
    lock = LoginLock.objects.create(username=username, address=address, until=until)
    what = f"{username!r} from {address}" if username else f"every login from {address}"
    local = timezone.localtime(until)
    security.warning("locked %s until %s", what, local.isoformat(timespec="seconds"))
    record(
        None,
        AuditEntry.Action.LOCKED_OUT,
        object_type=LOGIN,
        object_id=(username or address)[:100],
        summary=f"locked {what} until {local:%Y-%m-%d %H:%M:%S %Z} after repeated failed logins",
        request=request,
    )
    return lock


def login_succeeded(username: str, address: str) -> None:
    """A right password resets the count of this username from this address."""
    LoginFailure.objects.filter(username=username, address=address).delete()


class ThrottledModelBackend(ModelBackend):
    """Django's username/password check behind the lockout: while a lock is in force the login is
    refused without looking at the password, the same for any username (existing or not), so a
    lock tells a guesser nothing. Covers every login form (the site's and the admin's).

    The lock's end is left on the request (``login_locked_until``) for the login page's message
    and :class:`LoginLockMiddleware`. Logins without a request (the shell, tests'
    ``client.login``) are not counted: only HTTP clients guess."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None or username is None or password is None:
            return super().authenticate(request, username, password, **kwargs)
        key, address, now = login_key(username), address_of(request), timezone.now()
        lock = active_lock(key, address, now)
        if lock is not None:
            request.login_locked_until = lock.until
            security.warning("refused login as %r from %s: locked", key, address)
            raise PermissionDenied  # stops Django trying other backends
        user = super().authenticate(request, username, password, **kwargs)
        if user is None:
            lock = login_failed(request, key, now)
            if lock is not None:
                request.login_locked_until = lock.until
            return None
        login_succeeded(key, address)
        return user


class LoginLockMiddleware:
    """A login refused because of a lock is answered 429 with ``Retry-After`` (the page still
    shows the form and says until when)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        until = getattr(request, "login_locked_until", None)
        if until is not None and response.status_code == 200:
            response.status_code = 429
            response["Retry-After"] = str(retry_after(until))
        return response


# --- API tokens --------------------------------------------------------------------------------


def window_start(now: datetime) -> datetime:
    """The start of the fixed window of ``CARBONCTL_BAD_TOKEN_WINDOW`` seconds holding ``now``."""
    seconds = settings.CARBONCTL_BAD_TOKEN_WINDOW
    return datetime.fromtimestamp(now.timestamp() // seconds * seconds, tz=now.tzinfo)


def token_throttle_wait(address: str, now: datetime) -> int | None:
    """Seconds this address must wait before a bearer token is looked at again (None: go on)."""
    start = window_start(now)
    blocked = BadTokenWindow.objects.filter(
        address=address, start=start, failures__gte=settings.CARBONCTL_BAD_TOKEN_LIMIT
    ).exists()
    if not blocked:
        return None
    return retry_after(start + timedelta(seconds=settings.CARBONCTL_BAD_TOKEN_WINDOW), now)


def bad_token(request: HttpRequest, reason: str) -> None:
    """Count an invalid bearer token (unknown, expired, revoked, of an inactive user) from the
    request's address. The audit log gets the first one of each address and window, and the one
    that reaches the limit; a flood adds no more rows than that."""
    address, now = address_of(request), timezone.now()
    start = window_start(now)
    failures = _count_bad_token(address, start)
    limit = settings.CARBONCTL_BAD_TOKEN_LIMIT
    if failures == 1:
        BadTokenWindow.objects.filter(start__lt=start).delete()  # windows that are over
        summary = f"invalid API token from {address} ({reason})"
    elif failures == limit:
        end = timezone.localtime(start + timedelta(seconds=settings.CARBONCTL_BAD_TOKEN_WINDOW))
        summary = f"{failures} invalid API tokens from {address}: 429 until {end:%H:%M:%S}"
    else:
        return
    security.warning(summary)
    record(
        None,
        AuditEntry.Action.BAD_TOKEN,
        object_type=BEARER,
        object_id=address,
        summary=summary,
        request=request,
    )


def _count_bad_token(address: str, start: datetime) -> int:
    """Add one to the address's window (made on its first failure) and return the new count."""
    window = BadTokenWindow.objects.filter(address=address, start=start)
    if not window.update(failures=F("failures") + 1):
        try:
            with transaction.atomic():
                BadTokenWindow.objects.create(address=address, start=start, failures=1)
            return 1
        except IntegrityError:  # another worker made it meanwhile
            window.update(failures=F("failures") + 1)
    return window.values_list("failures", flat=True).get()


def has_bearer(request: HttpRequest) -> bool:
    return request.headers.get("Authorization", "").lower().startswith("bearer ")


class BadTokenThrottleMiddleware:
    """A request with a bearer token from an address over the limit of invalid tokens is answered
    429 (JSON, with ``Retry-After``) before its token is looked at."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if has_bearer(request):
            wait = token_throttle_wait(address_of(request), timezone.now())
            if wait is not None:
                message = _("无效的 API 令牌过多，请于 %(seconds)d 秒后重试。") % {"seconds": wait}
                return JsonResponse(
                    {"detail": message},
                    status=429,
                    headers={"Retry-After": str(wait)},
                    json_dumps_params={"ensure_ascii": False},
                )
        return self.get_response(request)
