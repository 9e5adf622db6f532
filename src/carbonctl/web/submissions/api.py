"""Submissions API: upload (validated, all-or-nothing), list, status, review."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from carbonctl.errors import InputErrors
from carbonctl.web.accounts.scope import (
    enterprise_or_404,
    region_or_404,
    submission_or_404,
    submissions_for,
)
from carbonctl.web.api_auth import API_AUTH, ErrorOut
from carbonctl.web.audit.services import record_denial
from carbonctl.web.submissions import services
from carbonctl.web.submissions.models import Submission

router = Router(tags=["submissions 数据报送"], auth=API_AUTH)


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


class InvalidUpload(Schema):
    detail: str
    errors: list[RowError]


class ReviewIn(Schema):
    approve: bool
    note: str = ""


@router.get("", response={200: list[SubmissionOut], 401: ErrorOut})
def list_submissions(request, status: str | None = None):
    """Submissions within the caller's scope, newest first."""
    submissions = submissions_for(request.user)
    return submissions.filter(status=status) if status else submissions


@router.post(
    "",
    response={201: SubmissionOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: InvalidUpload},
)
def upload(
    request,
    file: File[UploadedFile],
    region: Form[str | None] = None,
    enterprise: Form[int | None] = None,
    supersedes: Form[int | None] = None,
    factor_set: Form[str | None] = None,
    grid_basis: Form[str] = "provincial",
    sheet: Form[str | None] = None,
):
    """Upload activity data (CSV/XLSX). Valid files become a pending submission; invalid ones
    write nothing and answer 422 with every row-level error."""
    try:
        submission = services.submit(
            request.user,
            file,
            region=region_or_404(request, region) if region else None,
            enterprise=enterprise_or_404(request, enterprise) if enterprise else None,
            supersedes=submission_or_404(request, supersedes) if supersedes else None,
            factor_set_code=factor_set,
            grid_basis=grid_basis,
            sheet=sheet,
        )
    except InputErrors as exc:
        return Status(
            422,
            {"detail": "invalid upload: nothing was written", "errors": services.error_list(exc)},
        )
    except PermissionDenied as exc:
        record_denial(request, "submissions.Submission", "", str(exc))
        return Status(403, {"detail": str(exc)})
    return Status(201, submission)


@router.get("/{submission_id}", response={200: SubmissionOut, 401: ErrorOut, 404: ErrorOut})
def get_submission(request, submission_id: int):
    """One submission and its status."""
    return submission_or_404(request, submission_id)


@router.post(
    "/{submission_id}/review",
    response={200: SubmissionOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def review_submission(request, submission_id: int, decision: ReviewIn):
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
