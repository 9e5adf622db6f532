"""Submission pages: list and upload, one submission with its rows and results, review, export."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from carbonctl.errors import InputErrors
from carbonctl.web.accounts.permissions import can_review
from carbonctl.web.accounts.scope import submission_or_404, submissions_for
from carbonctl.web.audit.services import record_denial
from carbonctl.web.exports import xlsx_response
from carbonctl.web.forms import ExportQuery, query
from carbonctl.web.submissions import services
from carbonctl.web.submissions.forms import UploadForm
from carbonctl.web.submissions.models import Submission


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
                submission = services.submit(
                    request.user,
                    data["file"],
                    region=data["region"],
                    enterprise=data["enterprise"],
                    supersedes=data["supersedes"],
                    factor_set_code=data["factor_set"],
                    grid_basis=data["grid_basis"],
                    sheet=data["sheet"] or None,
                )
            except InputErrors as exc:
                errors, status = services.error_list(exc), 422
            except PermissionDenied as exc:
                record_denial(request, "submissions.Submission", "", str(exc))
                raise
            else:
                return redirect("submissions:detail", submission.pk)
        else:
            status = 422
    if request.method == "GET" and query(request, ExportQuery)["format"] == "xlsx":
        return xlsx_response(
            "submissions.xlsx",
            "submissions",
            SUBMISSION_HEADER,
            [_submission_row(s) for s in submissions_for(request.user)],
        )
    submissions = submissions_for(request.user)[:200]
    return render(
        request,
        "submissions/list.html",
        {"form": form, "errors": errors, "submissions": submissions},
        status=status,
    )


SUBMISSION_HEADER = [
    "编号 id",
    "文件 file",
    "地区 region",
    "企业 enterprise",
    "版本 version",
    "状态 status",
    "排放因子集 factor set",
    "行数 rows",
    "排放量 tCO2",
    "报送时间 uploaded",
]


def _submission_row(s: Submission) -> list[object]:
    return [
        s.pk,
        s.file_name,
        s.region_id,
        s.enterprise.credit_code if s.enterprise else "",
        s.version,
        s.status,
        s.factor_set.code,
        s.rows,
        s.total_tco2,
        s.uploaded_at.isoformat(),
    ]


@login_required
def submission_detail(request, submission_id: int):
    submission = submission_or_404(request, submission_id)
    rows = submission.activities.select_related("result").order_by("row_id")
    versions = []
    older = submission.supersedes
    while older is not None:
        versions.append(older)
        older = older.supersedes
    newer = getattr(submission, "superseded_by", None)
    may_review = (
        can_review(request.user, author_id=submission.uploaded_by_id)
        and submission.status == Submission.Status.PENDING
    )
    return render(
        request,
        "submissions/detail.html",
        {
            "submission": submission,
            "rows": rows,
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
    rows = [
        [
            a.row_id,
            a.subject,
            a.period,
            a.category,
            a.item,
            a.amount,
            a.unit,
            a.result.tco2,
            a.result.tco2_market,
            a.result.tce,
            a.result.emission_factor,
            a.result.ef_unit,
            a.result.factor_id,
            a.result.factor_status,
            a.result.note,
        ]
        for a in submission.activities.select_related("result").order_by("row_id")
    ]
    return xlsx_response(
        f"submission-{submission.pk}-v{submission.version}.xlsx", "submission", header, rows
    )
