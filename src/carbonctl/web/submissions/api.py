"""Submissions API: upload (validated, all-or-nothing), list, status, review; import jobs."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from carbonctl import refdata
from carbonctl.errors import InputErrors, UnknownNameError
from carbonctl.refdata import GRID_BASES
from carbonctl.web.accounts.scope import (
    enterprise_or_404,
    region_or_404,
    scope_of,
    submission_or_404,
    submissions_for,
)
from carbonctl.web.api_auth import API_AUTH
from carbonctl.web.api_errors import AUTH_ERRORS, errors, unknown_name
from carbonctl.web.api_params import Adcode, FactorSetCode, Name, Note, ObjectId
from carbonctl.web.audit.services import record_denial
from carbonctl.web.submissions import services
from carbonctl.web.submissions.models import ImportJob, Submission

router = Router(tags=["submissions 数据报送"], auth=API_AUTH)
imports_router = Router(tags=["submissions 数据报送"], auth=API_AUTH)


class PlausibilityWarning(Schema):
    """A row whose amount is above the soft plausibility bound (合理性提示): not an error, a
    point for the reviewer to check."""

    row: int
    column: str
    message: str


class SubmissionOut(Schema):
    id: int
    file_name: str
    region: str
    enterprise: int | None
    status: str
    version: int
    supersedes: int | None
    factor_set: str
    rows: int
    total_tco2: float
    uploaded_at: datetime
    reviewed_by: str | None
    reviewed_at: datetime | None
    review_note: str
    warnings: list[PlausibilityWarning]

    @staticmethod
    def resolve_reviewed_by(s: Submission) -> str | None:
        return s.reviewed_by.get_username() if s.reviewed_by_id else None

    @staticmethod
    def resolve_region(s: Submission) -> str:
        return s.region_id

    @staticmethod
    def resolve_enterprise(s: Submission) -> int | None:
        return s.enterprise_id

    @staticmethod
    def resolve_supersedes(s: Submission) -> int | None:
        return s.supersedes_id

    @staticmethod
    def resolve_factor_set(s: Submission) -> str:
        return s.factor_set.code


class RowError(Schema):
    file: str | None
    row: int | None
    column: str | None
    message: str
    expected: str | None


class ImportAccepted(Schema):
    """A large upload queued for the worker (202): poll ``url`` for its progress."""

    job: int
    status: str
    url: str


class ImportJobOut(Schema):
    """An import job: status (queued, running, done, failed), rows done of the estimated total,
    the row errors of a failed import, and the submission it produced."""

    id: int
    status: str
    file_name: str
    rows_done: int
    rows_total: int | None
    errors: list[RowError]
    message: str
    submission: int | None
    created_at: datetime
    finished_at: datetime | None

    @staticmethod
    def resolve_submission(job: ImportJob) -> int | None:
        return job.submission_id if job.status == ImportJob.Status.DONE else None


class ReviewIn(Schema):
    approve: bool
    note: Note = ""


#: A submission's states (the choices of ``status``).
SubmissionStatus = Literal[tuple(Submission.Status.values)]
#: The electricity factor bases (``grid_basis``), see :data:`carbonctl.refdata.GRID_BASES`.
GridBasis = Literal[GRID_BASES]


@router.get("", response={200: list[SubmissionOut], **errors(*AUTH_ERRORS)})
def list_submissions(request, status: SubmissionStatus | None = None):
    """Submissions within the caller's scope, newest first."""
    submissions = submissions_for(request.user).select_related("reviewed_by")
    return submissions.filter(status=status) if status else submissions


def _accepted(job: ImportJob) -> dict:
    return {
        "job": job.pk,
        "status": job.status,
        "url": reverse("api:get_import", kwargs={"job_id": job.pk}),
    }


@router.post(
    "",
    response={201: SubmissionOut, 202: ImportAccepted, **errors(*AUTH_ERRORS, 403, 404, 413)},
)
def upload(
    request,
    file: File[UploadedFile],
    region: Form[Adcode | None] = None,
    enterprise: Form[ObjectId | None] = None,
    supersedes: Form[ObjectId | None] = None,
    factor_set: Form[FactorSetCode | None] = None,
    grid_basis: Form[GridBasis] = "provincial",
    sheet: Form[Name | None] = None,
):
    """Upload activity data (CSV/XLSX). Valid files become a pending submission (201); invalid
    ones write nothing and answer 422 with every row-level error. A file of more rows than
    CARBONCTL_UPLOAD_SYNC_ROWS is imported by the worker: 202 with the job to poll. Over
    CARBONCTL_UPLOAD_MAX_BYTES: 413."""
    try:  # before the file is read: an unknown set is a 422 naming the known ones
        refdata.resolve_factor_set(factor_set)
    except UnknownNameError as exc:
        return Status(422, unknown_name(exc, "form.factor_set"))
    try:
        submitted = services.submit(
            request.user,
            file,
            region=region_or_404(request, region) if region else None,
            enterprise=enterprise_or_404(request, enterprise) if enterprise else None,
            supersedes=submission_or_404(request, supersedes) if supersedes else None,
            factor_set_code=factor_set,
            grid_basis=grid_basis,
            sheet=sheet,
        )
    except services.UploadTooLarge as exc:
        return Status(413, {"detail": str(exc)})
    except InputErrors as exc:
        return Status(
            422,
            {"detail": "invalid upload: nothing was written", "errors": services.error_list(exc)},
        )
    except PermissionDenied as exc:
        record_denial(request, "submissions.Submission", "", str(exc))
        return Status(403, {"detail": str(exc)})
    if isinstance(submitted, ImportJob):
        return Status(202, _accepted(submitted))
    return Status(201, submitted)


@router.get("/{submission_id}", response={200: SubmissionOut, **errors(*AUTH_ERRORS, 404)})
def get_submission(request, submission_id: ObjectId):
    """One submission and its status."""
    return submission_or_404(request, submission_id)


@router.post(
    "/{submission_id}/review",
    response={200: SubmissionOut, **errors(*AUTH_ERRORS, 403, 404, 409)},
)
def review_submission(request, submission_id: ObjectId, decision: ReviewIn):
    """Approve or reject a pending submission (reviewers, province administrators)."""
    submission = submission_or_404(request, submission_id)
    try:
        reviewed = services.review(
            request.user, submission, approve=decision.approve, note=decision.note
        )
    except PermissionDenied as exc:
        record_denial(request, "submissions.Submission", str(submission_id), str(exc))
        return Status(403, {"detail": str(exc)})
    except InputErrors as exc:
        return Status(409, {"detail": str(exc)})
    return Status(200, reviewed)


def import_job_or_404(request, job_id: int) -> ImportJob:
    """The import job if the user may see it — its uploader and the province roles — else 404,
    with an audited denial when the job exists (as :mod:`carbonctl.web.accounts.scope` does)."""
    job = ImportJob.objects.select_related("submission").filter(pk=job_id).first()
    if job is None:
        raise Http404
    if job.created_by_id != request.user.pk and not scope_of(request.user).everything:
        record_denial(request, "submissions.ImportJob", str(job_id), "not the uploader")
        raise Http404
    return job


@imports_router.get("/{job_id}", response={200: ImportJobOut, **errors(*AUTH_ERRORS, 404)})
def get_import(request, job_id: ObjectId):
    """An import job: its status and progress, its row errors once failed, and the submission
    it produced once done (the uploader and province roles only)."""
    return import_job_or_404(request, job_id)
