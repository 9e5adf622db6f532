"""Creating users with a role and scope (used by `carbonctl createuser` and the demo); every
password passes Django's validators (settings.AUTH_PASSWORD_VALIDATORS) first."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from carbonctl.web.accounts.models import Profile, Role
from carbonctl.web.accounts.permissions import Capability, role_may
from carbonctl.web.audit.models import AuditEntry
from carbonctl.web.audit.services import record, snapshot


def create_user(
    username: str,
    password: str,
    role: str,
    *,
    region: str | None = None,
    enterprise_code: str | None = None,
    created_by=None,
):
    """Create a user with a role, tied to a region (adcode) or an enterprise (credit code).
    A taken username or a weak password (too short, common, all digits, like the username)
    raises Django's ValidationError with the validators' messages."""
    from carbonctl.web.enterprises.models import Enterprise

    if role not in Role.values:
        raise ValueError(f"unknown role {role!r}; expected one of {', '.join(Role.values)}")
    users = get_user_model()
    if users.objects.filter(username=username).exists():
        raise ValidationError({"username": [_("该用户名已被使用。")]})
    try:
        validate_password(password, user=users(username=username))
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    administers = role_may(role, Capability.ADMINISTER)
    with transaction.atomic():
        user = users.objects.create_user(
            username=username, password=password, is_staff=administers, is_superuser=administers
        )
        enterprise = (
            Enterprise.objects.get(credit_code=enterprise_code) if enterprise_code else None
        )
        profile = Profile.objects.create(
            user=user, role=role, region_id=region, enterprise=enterprise
        )
        record(
            created_by,
            AuditEntry.Action.CREATE,
            profile,
            after=snapshot(profile),
            summary=f"user {username} as {role}",
        )
    return user


def verifiers():
    """The users with the verifier role (核查机构), by user name: those a unit-year or a
    footprint study may be assigned to."""
    return get_user_model().objects.filter(profile__role=Role.VERIFIER).order_by("username")
