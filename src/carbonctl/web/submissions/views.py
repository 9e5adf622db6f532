"""Submission pages: list and upload, one submission with its rows and results (paged), review,
export (streamed), and the page of an import job that the worker runs."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.core.validators import MaxValueValidator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from carbonctl.errors import InputErrors
from carbonctl.web.accounts.permissions import can_review
from carbonctl.web.accounts.scope import submission_or_404, submissions_for
from carbonctl.web.audit.services import record_denial
from carbonctl.web.exports import xlsx_response, xlsx_stream_response
from carbonctl.web.forms import format_field, query
from carbonctl.web.labels import factor_filter, item_label, label, status_text
from carbonctl.web.submissions import services
from carbonctl.web.submissions.api import import_job_or_404
from carbonctl.web.submissions.forms import UploadForm
from carbonctl.web.submissions.models import ActivityRecord, ImportJob, Submission

#: Rows of a submission per page, and submissions per page of the list.
ROWS_PER_PAGE = 100
SUBMISSIONS_PER_PAGE = 50
#: Seconds between reloads of the page of an import in progress (an HTTP Refresh header).
REFRESH_SECONDS = 2


class PageQuery(forms.Form):
    """``page`` (1 … the last page) and, on the list, ``format=xlsx``."""

    format = format_field("xlsx")
    page = forms.IntegerField(required=False, min_value=1)

    def __init__(self, data, *, pages: int) -> None:
        super().__init__(data)
        self.fields["page"].validators.append(MaxValueValidator(max(pages, 1)))


def _page(request, items, per_page: int):
    """One page of ``items`` by the validated ``?page=`` (400 for a bad or missing page)."""
    paginator = Paginator(items, per_page)
    chosen = query(request, PageQuery, pages=paginator.num_pages)
    return paginator.page(chosen["page"] or 1), chosen


@login_required
def submission_list(request):
    form = UploadForm(request.user)
    errors: list[dict] = []
    status = 200
    if request.method == "POST":
        form = UploadForm(request.user, request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                submitted = services.submit(
                    request.user,
                    data["file"],
                    region=data["region"],
                    enterprise=data["enterprise"],
                    supersedes=data["supersedes"],
                    factor_set_code=data["factor_set"],
                    grid_basis=data["grid_basis"],
                    sheet=data["sheet"] or None,
                )
            except services.UploadTooLarge as exc:
                errors, status = services.error_list(exc), 413
            except InputErrors as exc:
                errors, status = services.error_list(exc), 422
            except PermissionDenied as exc:
                record_denial(request, "submissions.Submission", "", str(exc))
                raise
            else:
                if isinstance(submitted, ImportJob):
                    return redirect("submissions:import", submitted.pk)
                return redirect("submissions:detail", submitted.pk)
        else:
            status = 422
    visible = submissions_for(request.user).select_related(
        "reviewed_by", "uploaded_by", "region", "enterprise", "factor_set"
    )
    page, chosen = _page(request, visible, SUBMISSIONS_PER_PAGE)
    if request.method == "GET" and chosen["format"] == "xlsx":
        return xlsx_response(
            "submissions.xlsx",
            "submissions",
            SUBMISSION_HEADER,
            [_submission_row(s) for s in visible.iterator(chunk_size=2000)],
        )
    jobs = ImportJob.objects.filter(created_by=request.user).exclude(status=ImportJob.Status.DONE)[
        :20
    ]
    return render(
        request,
        "submissions/list.html",
        {"form": form, "errors": errors, "submissions": page, "page": page, "jobs": jobs},
        status=status,
    )


SUBMISSION_HEADER = [
    "编号 id",
    "文件 file",
    "地区 region",
    "企业 enterprise",
    "统一社会信用代码 credit code",
    "版本 version",
    "状态 status",
    "排放因子集 factor set",
    "行数 rows",
    "排放量 tCO2",
    "报送时间 uploaded",
    "报送人 uploaded by",
    "审核人 reviewer",
    "审核时间 reviewed",
    "审核意见 review note",
]


def _submission_row(s: Submission) -> list[object]:
    return [
        s.pk,
        s.file_name,
        s.region.name,
        s.enterprise.name if s.enterprise else "",
        s.enterprise.credit_code if s.enterprise else "",
        s.version,
        s.get_status_display(),
        s.factor_set.code,
        s.rows,
        s.total_tco2,
        s.uploaded_at.isoformat(),
        s.uploaded_by.get_username() if s.uploaded_by_id else "",
        s.reviewed_by.get_username() if s.reviewed_by_id else "",
        s.reviewed_at.isoformat() if s.reviewed_at else "",
        s.review_note,
    ]


@login_required
def submission_detail(request, submission_id: int):
    submission = submission_or_404(request, submission_id)
    rows = submission.activities.order_by("row_id")
    page, _chosen = _page(request, rows, ROWS_PER_PAGE)
    versions = []
    older = submission.supersedes
    while older is not None:
        versions.append(older)
        older = older.supersedes
    newer = getattr(submission, "superseded_by", None)
    if newer is not None and newer.status == Submission.Status.IMPORTING:
        newer = None  # a correction still being imported is nobody's business yet
    may_review = (
        can_review(request.user, author_id=submission.uploaded_by_id)
        and submission.status == Submission.Status.PENDING
    )
    return render(
        request,
        "submissions/detail.html",
        {
            "submission": submission,
            "rows": page,
            "page": page,
            "versions": versions,
            "newer": newer,
            "can_review": may_review,
        },
    )


@login_required
@require_POST
def submission_review(request, submission_id: int):
    submission = submission_or_404(request, submission_id)
    try:
        services.review(
            request.user,
            submission,
            approve=request.POST.get("decision") == "approve",
            note=request.POST.get("note", ""),
        )
    except PermissionDenied as exc:
        record_denial(request, "submissions.Submission", str(submission_id), str(exc))
        raise
    except InputErrors as exc:
        return HttpResponse(str(exc), status=409)
    return redirect("submissions:detail", submission.pk)


@login_required
def submission_export(request, submission_id: int):
    submission = submission_or_404(request, submission_id)
    header = [
        "行号 row",
        "主体 subject",
        "期间 period",
        "类别 category",
        "品种 item",
        "数量 amount",
        "单位 unit",
        "排放量 tCO2",
        "市场法 tCO2 market",
        "标准煤 tce",
        "排放因子 EF",
        "因子单位 EF unit",
        "因子 factor",
        "因子状态 status",
        "备注 note",
    ]
    rows = (
        ActivityRecord.objects.filter(submission=submission)
        .order_by("row_id")
        .values_list(
            "row_id",
            "subject",
            "period",
            "category",
            "item",
            "item_id",
            "amount",
            "unit",
            "tco2",
            "tco2_market",
            "tce",
            "emission_factor",
            "ef_unit",
            "factor_id",
            "factor_status",
            "note",
        )
        .iterator(chunk_size=5000)
    )
    return xlsx_stream_response(
        f"submission-{submission.pk}-v{submission.version}.xlsx",
        "submission",
        header,
        (_labelled_row(row) for row in rows),
    )


def _labelled_row(row: tuple) -> tuple:
    """An exported activity row with its category, fuel, factor status and note in words."""
    (row_id, subject, period, category, item, item_id, *numbers, factor_id, status, note) = row
    return (
        row_id,
        subject,
        period,
        label("category", category),
        item_label(item_id, item),
        *numbers,
        factor_filter(factor_id),
        status_text(status),
        status_text(note),
    )


@login_required
def import_detail(request, job_id: int):
    """An import job: status, progress, row errors; reloads itself until it has finished."""
    job = import_job_or_404(request, job_id)
    response = render(
        request,
        "submissions/import.html",
        {"job": job, "refresh": REFRESH_SECONDS if not job.finished else None},
    )
    if not job.finished:
        response["Refresh"] = str(REFRESH_SECONDS)
    return response
