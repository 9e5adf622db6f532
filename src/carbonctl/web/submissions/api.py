"""Submissions API: upload (validated, all-or-nothing), list, status, review."""

from __future__ import annotations

from typing import Literal

from django.core.exceptions import PermissionDenied
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from carbonctl import refdata
from carbonctl.errors import InputErrors, UnknownNameError
from carbonctl.refdata import GRID_BASES
from carbonctl.web.accounts.scope import (
    enterprise_or_404,
    region_or_404,
    submission_or_404,
    submissions_for,
)
from carbonctl.web.api_auth import API_AUTH
from carbonctl.web.api_errors import AUTH_ERRORS, errors, unknown_name
from carbonctl.web.api_params import Adcode, FactorSetCode, Name, Note, ObjectId
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
    submissions = submissions_for(request.user)
    return submissions.filter(status=status) if status else submissions


@router.post(
    "",
    response={201: SubmissionOut, **errors(*AUTH_ERRORS, 403, 404, 413)},
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
    """Upload activity data (CSV/XLSX). Valid files become a pending submission; invalid ones
    write nothing and answer 422 with every row-level error."""
    try:  # before the file is read: an unknown set is a 422 naming the known ones
        refdata.resolve_factor_set(factor_set)
    except UnknownNameError as exc:
        return Status(422, unknown_name(exc, "form.factor_set"))
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
