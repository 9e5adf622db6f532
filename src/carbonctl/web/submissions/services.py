"""The submission workflow: upload → validate → account → pending → approved or rejected;
corrections as new versions. Each step is one transaction with its audit entry."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
from django.core.exceptions import PermissionDenied
from django.db import transaction

from carbonctl import refdata
from carbonctl.accounting import account
from carbonctl.errors import CarbonctlError, InputError, InputErrors
from carbonctl.io import ACTIVITY_COLUMNS, read_activities
from carbonctl.web.accounts.models import Role
from carbonctl.web.accounts.permissions import can_submit, role_of
from carbonctl.web.accounts.scope import enterprises_for, regions_for
from carbonctl.web.audit.models import AuditEntry
from carbonctl.web.audit.services import record, snapshot
from carbonctl.web.reviews import check_reviewer, decide_pending
from carbonctl.web.submissions.models import ActivityRecord, EmissionResult, FactorSet, Submission

#: Measured parameters of an activity row, kept with the row (the optional input columns).
PARAMETERS = tuple(ACTIVITY_COLUMNS[ACTIVITY_COLUMNS.index("region") + 1 :])


def factor_set(code: str | None = None) -> FactorSet:
    """The database row of a factor set from the reference data (created on first use)."""
    set_id = refdata.resolve_factor_set(code)
    described = next(d for d in refdata.factor_sets() if d["code"] == set_id)
    found, _created = FactorSet.objects.get_or_create(
        code=set_id,
        defaults={k: described[k] for k in ("title_zh", "title_en", "status", "source")},
    )
    return found


def error_list(errors: InputErrors) -> list[dict[str, object]]:
    """Row-level errors as records for pages and the API. The file is named as the user named
    it: the upload is read from a temporary folder whose path is the server's business."""
    return [
        {
            "file": Path(e.file).name if e.file else e.file,
            "row": e.row,
            "column": e.column,
            "message": e.detail,
            "expected": e.expected,
        }
        for e in errors.errors
    ]


def _check_may_submit(user, enterprise, region) -> None:
    if not can_submit(user):
        raise PermissionDenied("this role does not submit data")
    if enterprise is not None and not enterprises_for(user).filter(pk=enterprise.pk).exists():
        raise PermissionDenied("enterprise outside the user's scope")
    if role_of(user) == Role.ENTERPRISE_REPORTER and enterprise is None:
        raise PermissionDenied("enterprise reporters submit for their enterprise")
    if not regions_for(user).filter(pk=region.pk).exists() and enterprise is None:
        raise PermissionDenied("region outside the user's scope")


def _read(upload, sheet: str | None):
    """Validate an uploaded file under its own name, so messages name the file users know."""
    name = Path(getattr(upload, "name", "upload.csv")).name
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        with path.open("wb") as handle:
            for chunk in upload.chunks() if hasattr(upload, "chunks") else [upload.read()]:
                handle.write(chunk)
        table = read_activities(path, sheet=sheet)
    table.attrs["source_file"] = name
    return name, table


def submit(
    user,
    upload,
    *,
    region=None,
    enterprise=None,
    supersedes: Submission | None = None,
    factor_set_code: str | None = None,
    grid_basis: str = "provincial",
    sheet: str | None = None,
) -> Submission:
    """Validate, account and store an upload as a pending submission — all rows or none.

    Raises :class:`InputErrors` (row-level errors; nothing written) or ``PermissionDenied``.
    ``supersedes`` names the approved submission this one corrects.
    """
    if enterprise is not None:
        region = enterprise.county
    if region is None:
        raise InputErrors([InputError("a submission needs a region or an enterprise")])
    _check_may_submit(user, enterprise, region)
    if supersedes is not None and (
        supersedes.status != Submission.Status.APPROVED
        or supersedes.enterprise_id != (enterprise.pk if enterprise else None)
        or supersedes.region_id != region.pk
    ):
        raise InputErrors(
            [InputError("only an approved submission of the same subject can be corrected")]
        )
    name, table = _read(upload, sheet)
    used = factor_set(factor_set_code)
    try:
        result = account(
            table,
            factor_set=used.code,
            grid_basis=grid_basis,
            default_region=region.adcode[:2] + "0000",
        )
    except CarbonctlError as exc:
        if isinstance(exc, InputErrors):
            raise
        raise InputErrors([InputError(str(exc), file=name)]) from exc
    with transaction.atomic():
        submission = Submission.objects.create(
            enterprise=enterprise,
            region=region,
            file_name=name,
            factor_set=used,
            grid_basis=grid_basis,
            uploaded_by=user,
            rows=len(table),
            total_tco2=result.total_tco2,
            supersedes=supersedes,
            version=supersedes.version + 1 if supersedes else 1,
        )
        activities = ActivityRecord.objects.bulk_create(
            [_activity(submission, row) for row in table.to_dict(orient="records")]
        )
        rows = result.rows
        EmissionResult.objects.bulk_create(
            [
                _result(activity, used, row)
                for activity, row in zip(activities, rows.to_dict(orient="records"), strict=True)
            ]
        )
        record(
            user,
            AuditEntry.Action.CREATE,
            submission,
            after=snapshot(submission),
            summary=f"{name}: {len(table)} rows, {result.total_tco2:,.1f} tCO2",
        )
    return submission


def _clean(value):
    if isinstance(value, float | np.floating) and np.isnan(value):
        return None
    if value is None or (hasattr(value, "__class__") and str(value) == "<NA>"):
        return None
    return value.item() if isinstance(value, np.generic) else value


def _activity(submission: Submission, row: dict) -> ActivityRecord:
    return ActivityRecord(
        submission=submission,
        row_id=int(row["row_id"]),
        subject=str(row["subject"]),
        period=str(row["period"]),
        year=int(row["year"]),
        category=str(row["category"]),
        item=str(row["item"]),
        amount=float(row["amount"]),
        unit=str(row["unit"]),
        region=_clean(row.get("region")) or "",
        parameters={k: _clean(row.get(k)) for k in PARAMETERS if _clean(row.get(k)) is not None},
    )


def _result(activity: ActivityRecord, used: FactorSet, row: dict) -> EmissionResult:
    return EmissionResult(
        activity=activity,
        factor_set=used,
        item_id=_clean(row["item_id"]) or "",
        activity_amount=_clean(row["activity"]),
        activity_unit=_clean(row["activity_unit"]) or "",
        emission_factor=_clean(row["emission_factor"]),
        ef_unit=_clean(row["ef_unit"]) or "",
        tco2=float(row["tco2"]),
        tco2_market=float(row["tco2_market"]),
        tce=_clean(row["tce"]),
        parameters=_clean(row["parameters"]) or "",
        factor_id=_clean(row["factor_id"]) or "",
        factor_status=(_clean(row["factor_status"]) or "")[:200],
        provisional=bool(row["provisional"]),
        note=(_clean(row["note"]) or "")[:300],
    )


def review(user, submission: Submission, *, approve: bool, note: str = "") -> Submission:
    """Approve or reject a pending submission (reviewers and province administrators; not one's
    own). Approving a correction marks the version it corrects as superseded; both remain."""
    check_reviewer(user, submission.uploaded_by_id, "submissions")
    with transaction.atomic():
        locked = decide_pending(user, submission, approve=approve, note=note)
        if approve and locked.supersedes_id:
            old = Submission.objects.select_for_update().get(pk=locked.supersedes_id)
            old_before = snapshot(old)
            old.status = Submission.Status.SUPERSEDED
            old.save(update_fields=["status"])
            record(
                user,
                AuditEntry.Action.SUPERSEDE,
                old,
                before=old_before,
                after=snapshot(old),
                summary=f"corrected by submission {locked.pk} (v{locked.version})",
            )
    return locked
