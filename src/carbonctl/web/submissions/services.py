"""The submission workflow: upload → validate → account → pending → approved or rejected;
corrections as new versions. Each step is audited.

Imports (导入) never block other users:

- the upload is saved under a random name with only its (whitelisted) suffix — the user's file
  name is shown, never used on the file system — and refused with :class:`UploadTooLarge` above
  ``CARBONCTL_UPLOAD_MAX_BYTES``;
- a file of at most ``CARBONCTL_UPLOAD_SYNC_ROWS`` rows is imported at once in one transaction
  (the caller gets the submission); the rows are counted cheaply without parsing: the line
  breaks of a CSV, the ``<row>`` elements of the XLSX sheet (both count at least the data rows,
  so nothing larger is ever taken for small);
- a larger file becomes an :class:`~carbonctl.web.submissions.models.ImportJob` that
  ``carbonctl worker`` runs (:mod:`.jobs`): the rows are read in chunks, accounted and written
  in short transactions to a hidden ``importing`` submission, and one short final transaction
  publishes it (``pending``) with its audit entry. A failed or stopped import deletes its
  staged rows; nothing is ever partly visible.

Every row must lie inside the submitter's scope (:func:`allowed_row_regions`).
"""

from __future__ import annotations

import secrets
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from carbonctl import refdata
from carbonctl.errors import CarbonctlError, InputError, InputErrors
from carbonctl.io import ReadLimits, count_rows
from carbonctl.io.limits import describe_size
from carbonctl.io.problems import no_data_rows
from carbonctl.web.accounts.models import Role
from carbonctl.web.accounts.permissions import can_submit, role_of
from carbonctl.web.accounts.scope import enterprises_for, regions_for, scope_of
from carbonctl.web.audit.models import AuditEntry
from carbonctl.web.audit.services import record, snapshot
from carbonctl.web.regions.models import Region
from carbonctl.web.reviews import check_reviewer, decide_pending
from carbonctl.web.submissions import reading, staging
from carbonctl.web.submissions.models import FactorSet, ImportJob, Submission

#: Suffixes an upload may have; the stored file keeps only this part of the user's name.
SUFFIXES = (".csv", ".xlsx", ".xlsm")
#: A workbook whose rows cannot be counted is imported at once only up to this size.
UNCOUNTED_SYNC_BYTES = 256 * 2**10


@dataclass(frozen=True)
class UploadLimits:
    """Limits of an upload, from the settings ``CARBONCTL_UPLOAD_*`` (environment variables of
    the same names): file size, data rows, uncompressed size of an XLSX's parts, row errors
    listed, and the most rows imported at once (larger files go to the worker)."""

    max_bytes: int
    max_rows: int
    max_xlsx_uncompressed: int
    max_errors: int
    sync_rows: int


def upload_limits() -> UploadLimits:
    return UploadLimits(
        max_bytes=settings.CARBONCTL_UPLOAD_MAX_BYTES,
        max_rows=settings.CARBONCTL_UPLOAD_MAX_ROWS,
        max_xlsx_uncompressed=settings.CARBONCTL_UPLOAD_MAX_XLSX_UNCOMPRESSED,
        max_errors=settings.CARBONCTL_UPLOAD_MAX_ERRORS,
        sync_rows=settings.CARBONCTL_UPLOAD_SYNC_ROWS,
    )


class UploadTooLarge(InputErrors):
    """An upload over ``CARBONCTL_UPLOAD_MAX_BYTES`` (HTTP 413); nothing was kept of it."""

    def __init__(self, name: str, limit: int, size: int | None = None) -> None:
        found = describe_size(size) if size is not None else f"more than {describe_size(limit)}"
        super().__init__(
            [
                InputError(
                    f"the file is too large: {found}",
                    file=name,
                    expected=f"at most {describe_size(limit)} (CARBONCTL_UPLOAD_MAX_BYTES)",
                )
            ]
        )


class ImportInterrupted(Exception):
    """The worker was asked to stop during an import; the staged rows were discarded."""


def display_name(name: object) -> str:
    """The user's file name for pages and messages: the last path component, control and
    format characters removed, at most 255 characters with the suffix kept. Never a path."""
    text = str(name or "")
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp"))
    text = PurePath(text.replace("\\", "/")).name.strip() or "upload"
    if len(text) > 255:
        suffix = PurePath(text).suffix[:20]
        text = text[: 255 - len(suffix)] + suffix
    return text


def uploads_dir() -> Path:
    """Where uploads wait for the worker (``DATA_DIR/uploads``), under random names."""
    return Path(settings.DATA_DIR) / "uploads"


def receive(upload, name: str, limits: UploadLimits) -> Path:
    """Save an upload under ``uploads_dir()`` with a random name and the checked suffix of
    ``name``; refuse it (:class:`UploadTooLarge`) as soon as it is over the byte limit."""
    suffix = PurePath(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise InputErrors(
            [
                InputError(
                    f"cannot read {suffix or 'a file without suffix'} files",
                    file=name,
                    expected="a .csv or .xlsx file",
                )
            ]
        )
    size = getattr(upload, "size", None)
    if size is not None and size > limits.max_bytes:
        raise UploadTooLarge(name, limits.max_bytes, size)
    folder = uploads_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{secrets.token_hex(16)}{suffix}"
    written = 0
    try:
        with path.open("xb") as handle:
            for chunk in upload.chunks() if hasattr(upload, "chunks") else [upload.read()]:
                written += len(chunk)
                if written > limits.max_bytes:
                    raise UploadTooLarge(name, limits.max_bytes)
                handle.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


# --- counting rows without parsing -------------------------------------------------------------


def check_xlsx_size(path: Path, name: str, limits: UploadLimits) -> None:
    """Refuse an XLSX whose parts expand beyond ``max_xlsx_uncompressed`` (a zip bomb), from the
    zip's directory alone, before any sheet is read."""
    if path.suffix.lower() == ".csv":
        return
    try:
        with zipfile.ZipFile(path) as book:
            expanded = sum(i.file_size for i in book.infolist())
    except (zipfile.BadZipFile, OSError):
        return  # not a workbook: the reader says so
    if expanded > limits.max_xlsx_uncompressed:
        raise InputErrors(
            [
                InputError(
                    f"the workbook expands to {describe_size(expanded)} of sheet data",
                    file=name,
                    expected=f"at most {describe_size(limits.max_xlsx_uncompressed)} uncompressed "
                    "(CARBONCTL_UPLOAD_MAX_XLSX_UNCOMPRESSED)",
                )
            ]
        )


# --- scope of the rows ------------------------------------------------------------------------


def allowed_row_regions(user, region: Region) -> frozenset[str] | None:
    """Adcodes a row's ``region`` may name in a submission of ``user`` for ``region`` (None: any).

    Province roles: any region. Others: the regions of their scope (a city official's city and
    its counties, a county official's county; none of its own for an enterprise reporter) plus
    the submission's region and the regions enclosing it (its city, the province) — a coarser
    name for the same place, e.g. 山西省 for the provincial grid factor — never another city or
    county.
    """
    scope = scope_of(user)
    if scope.everything:
        return None
    codes = set(scope.region_codes)
    node: Region | None = region
    while node is not None:
        codes.add(node.adcode)
        node = node.parent
    return frozenset(codes)


def scope_listing(allowed: frozenset[str] | None) -> str:
    """How a row error names the regions a submitter's rows may lie in."""
    if allowed is None:
        return ""
    regions = Region.objects.filter(adcode__in=allowed).order_by("adcode")
    return "a region in your scope: " + ", ".join(f"{r.adcode} {r.name_zh}" for r in regions)


# --- the import ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportRequest:
    """What an upload is to become: for whom, with which factors, from which sheet."""

    user: object
    region: Region
    enterprise: object | None
    supersedes: Submission | None
    factor_set: FactorSet
    grid_basis: str
    sheet: str | None
    file_name: str


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
    """Row-level errors as records for pages and the API; a file is named by its last part
    only (uploads are stored under names that are the server's business)."""
    return [
        {
            "file": PurePath(e.file).name if e.file else e.file,
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


def _check_supersedes(supersedes: Submission | None, region, enterprise) -> None:
    if supersedes is None:
        return
    if (
        supersedes.status != Submission.Status.APPROVED
        or supersedes.enterprise_id != (enterprise.pk if enterprise else None)
        or supersedes.region_id != region.pk
    ):
        raise InputErrors(
            [InputError("only an approved submission of the same subject can be corrected")]
        )
    taken = Submission.all_objects.filter(supersedes=supersedes).first()
    if taken is not None:
        raise InputErrors(
            [InputError(f"submission {supersedes.pk} already has a correction ({taken.pk})")]
        )


def _request(
    user, upload_name, *, region, enterprise, supersedes, factor_set_code, grid_basis, sheet
) -> ImportRequest:
    if enterprise is not None:
        region = enterprise.county
    if region is None:
        raise InputErrors([InputError("a submission needs a region or an enterprise")])
    _check_may_submit(user, enterprise, region)
    _check_supersedes(supersedes, region, enterprise)
    try:
        used = factor_set(factor_set_code)
    except CarbonctlError as exc:
        raise InputErrors(
            [InputError(str(exc), column="factor_set", expected="a factor set of the platform")]
        ) from None
    try:
        refdata.grid_factor(region.adcode[:2] + "0000", 2023, grid_basis)
    except CarbonctlError as exc:
        raise InputErrors(
            [InputError(str(exc), column="grid_basis", expected="provincial, national or ets")]
        ) from None
    return ImportRequest(
        user, region, enterprise, supersedes, used, grid_basis, sheet or None, upload_name
    )


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
) -> Submission | ImportJob:
    """Validate, account and store an upload as a pending submission — all rows or none.

    A small file (≤ ``CARBONCTL_UPLOAD_SYNC_ROWS`` rows) is imported now and the submission
    returned; a larger one is queued and its :class:`ImportJob` returned (``carbonctl worker``
    imports it). Raises :class:`InputErrors` (row-level errors; nothing written),
    :class:`UploadTooLarge` or ``PermissionDenied``. ``supersedes`` names the approved
    submission this one corrects.
    """
    name = display_name(getattr(upload, "name", "upload.csv"))
    wanted = _request(
        user,
        name,
        region=region,
        enterprise=enterprise,
        supersedes=supersedes,
        factor_set_code=factor_set_code,
        grid_basis=grid_basis,
        sheet=sheet,
    )
    limits = upload_limits()
    stored: Path | None = receive(upload, name, limits)
    try:
        check_xlsx_size(stored, name, limits)
        rows = count_rows(stored, wanted.sheet, limits.sync_rows + 1, limits.max_xlsx_uncompressed)
        if rows is None:  # a workbook laid out unusually: judge by its size
            small = stored.stat().st_size <= UNCOUNTED_SYNC_BYTES
        else:
            small = rows <= limits.sync_rows + 1  # the header and at most sync_rows data rows
        if small:
            with transaction.atomic():
                return import_file(wanted, stored)
        job = ImportJob.objects.create(
            file_name=name,
            stored_name=stored.name,
            sheet=wanted.sheet or "",
            region=wanted.region,
            enterprise=wanted.enterprise,
            supersedes=wanted.supersedes,
            factor_set=wanted.factor_set.code,
            grid_basis=grid_basis,
            created_by=user,
        )
        stored = None  # the job owns the file now
        return job
    finally:
        if stored is not None:
            stored.unlink(missing_ok=True)


def import_file(
    wanted: ImportRequest,
    path: Path,
    *,
    job: ImportJob | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> Submission:
    """Import the stored upload ``path``: stage its rows chunk by chunk, then publish.

    For a ``job`` (the worker, outside any transaction) every chunk is its own short
    transaction and a failure discards the staged rows; without one (a small upload, inside the
    caller's transaction) the caller's rollback does. Raises
    :class:`InputErrors` with the row errors of the whole file, or :class:`ImportInterrupted`
    when ``should_stop()`` turned true.
    """
    limits = upload_limits()
    supersedes = wanted.supersedes
    with transaction.atomic():
        submission = Submission.all_objects.create(
            status=Submission.Status.IMPORTING,
            enterprise=wanted.enterprise,
            region=wanted.region,
            file_name=wanted.file_name,
            factor_set=wanted.factor_set,
            grid_basis=wanted.grid_basis,
            uploaded_by=wanted.user,
            supersedes=supersedes,
            version=supersedes.version + 1 if supersedes else 1,
        )
        if job is not None:
            ImportJob.objects.filter(pk=job.pk).update(submission=submission)
    try:
        rows, total, warnings = _stage(wanted, path, submission, limits, job, should_stop)
        return _publish(wanted, submission, rows, total, warnings, job)
    except BaseException:
        if job is not None:
            discard(submission.pk)
        raise


def _plan(wanted: ImportRequest, path: Path, limits: UploadLimits) -> reading.Plan:
    allowed = allowed_row_regions(wanted.user, wanted.region)
    return reading.Plan(
        path=path,
        sheet=wanted.sheet,
        name=wanted.file_name,
        limits=ReadLimits(
            max_bytes=limits.max_bytes,
            max_rows=limits.max_rows,
            max_xlsx_uncompressed=limits.max_xlsx_uncompressed,
            max_errors=limits.max_errors,
        ),
        chunk_rows=settings.CARBONCTL_IMPORT_CHUNK_ROWS,
        factor_set=wanted.factor_set.code,
        grid_basis=wanted.grid_basis,
        default_region=wanted.region.adcode[:2] + "0000",
        allowed=allowed,
        scope_listing=scope_listing(allowed),
    )


def _stage(wanted, path, submission, limits, job, should_stop) -> tuple[int, float, list[dict]]:
    """Read, check, account and write the upload's rows to the hidden submission, chunk by
    chunk; returns the rows, the total tCO2 and the plausibility warnings. A job reads in a
    helper process (:func:`.reading.in_background`) while this one writes."""
    plan = _plan(wanted, path, limits)
    chunks = reading.in_background(plan) if job is not None else reading.ready_chunks(plan)
    warnings: list[dict] = []
    rows, total = 0, 0.0
    try:
        for ready in chunks:
            if should_stop is not None and should_stop():
                raise ImportInterrupted(wanted.file_name)
            staging.write_ready(submission.pk, ready)
            warnings += ready.warnings
            rows += ready.rows
            total += ready.total
            if job is not None:
                ImportJob.objects.filter(pk=job.pk).update(
                    rows_done=rows, heartbeat_at=timezone.now()
                )
    except InputErrors as exc:
        raise InputErrors(_capped(exc.errors, limits.max_errors, wanted.file_name)) from None
    finally:
        chunks.close()  # stops a helper process still reading
    name = wanted.file_name
    if not rows:
        raise no_data_rows(name, expected=None)
    if total != total or abs(total) == float("inf"):
        raise InputErrors(
            [InputError("the total emission is not a finite number", file=name, column="amount")]
        )
    return rows, total, warnings


def _capped(errors: list[InputError], most: int, name: str) -> list[InputError]:
    errors = sorted(errors, key=lambda e: (e.row is not None, e.row or 0))
    if len(errors) <= most:
        return errors
    more = len(errors) - most
    return [*errors[:most], InputError(f"… and {more:,} more row errors not listed", file=name)]


def _publish(wanted, submission, rows: int, total: float, warnings: list[dict], job) -> Submission:
    """Make a staged submission visible (``pending``) with its audit entry: one short
    transaction."""
    with transaction.atomic():
        if wanted.supersedes is not None:
            current = Submission.objects.select_for_update().get(pk=wanted.supersedes.pk)
            if current.status != Submission.Status.APPROVED:
                raise InputErrors(
                    [InputError(f"submission {current.pk} was {current.status} meanwhile")]
                )
        locked = Submission.all_objects.select_for_update().get(pk=submission.pk)
        locked.status = Submission.Status.PENDING
        locked.rows = rows
        locked.total_tco2 = total
        locked.warnings = warnings
        locked.save(update_fields=["status", "rows", "total_tco2", "warnings"])
        record(
            wanted.user,
            AuditEntry.Action.CREATE,
            locked,
            after=snapshot(locked),
            summary=f"{wanted.file_name}: {rows} rows, {total:,.1f} tCO2",
        )
        if job is not None:
            now = timezone.now()
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportJob.Status.DONE,
                rows_done=rows,
                rows_total=rows,
                finished_at=now,
                heartbeat_at=now,
                errors=[],
            )
    return locked


def discard(submission_id: int) -> None:
    """Remove a submission that was never published, with its staged rows."""
    staging.discard(submission_id)
    Submission.all_objects.filter(pk=submission_id, status=Submission.Status.IMPORTING).delete()


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
