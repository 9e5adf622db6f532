"""Deciding on something pending review (审核): submissions and allocation proposals share it.

Reviewers and province administrators decide, never on their own item; the row is locked, must
still be pending, gets its status, reviewer and time, and the decision is audited with before
and after — all in the caller's transaction.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from carbonctl.errors import InputError, InputErrors
from carbonctl.web.accounts.permissions import can_review
from carbonctl.web.audit.models import AuditEntry
from carbonctl.web.audit.services import record, snapshot


def check_reviewer(user, author_id: int, what: str, may_decide=can_review) -> None:
    """Refuse anyone without the capability to decide (``may_decide``, a function of the user
    from :mod:`carbonctl.web.accounts.permissions`), and the author of the item."""
    if not may_decide(user):
        raise PermissionDenied(f"only reviewers decide on {what}")
    if author_id == user.pk:
        raise PermissionDenied(f"{what} are reviewed by someone other than their author")


def decide_pending(user, item, *, approve: bool, note: str | None = None):
    """Lock ``item`` (a model with ``status``, ``reviewed_by``, ``reviewed_at`` and the
    pending/approved/rejected choices), set the decision and audit it; returns the locked row.
    Call inside ``transaction.atomic()``."""
    model = type(item)
    locked = model.objects.select_for_update().get(pk=item.pk)
    if locked.status != model.Status.PENDING:
        raise InputErrors(
            [InputError(f"{model._meta.verbose_name} {locked.pk} is {locked.status}, not pending")]
        )
    before = snapshot(locked)
    locked.status = model.Status.APPROVED if approve else model.Status.REJECTED
    locked.reviewed_by, locked.reviewed_at = user, timezone.now()
    fields = ["status", "reviewed_by", "reviewed_at"]
    if note is not None:
        locked.review_note = note
        fields.append("review_note")
    locked.save(update_fields=fields)
    action = AuditEntry.Action.APPROVE if approve else AuditEntry.Action.REJECT
    record(user, action, locked, before=before, after=snapshot(locked), summary=note or "")
    return locked
