"""The project pages (固定资产投资项目节能审查): the list of projects in the user's scope, the
filing form, one project with its assessment, impact, opinion and acceptance forms, and the
downloads (the signed opinion as PDF, the calculation workbook, the filing template).

Every page shows only :func:`carbonctl.web.projects.services.projects_for` of its user; a
project outside it is answered 404 and written to the audit log as a denial, as for a role
without the project pages. A step the user may not take is refused 403, audited."""

from __future__ import annotations

import json
import tempfile
from io import BytesIO
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carbonctl import projects as core
from carbonctl.errors import CarbonctlError, InputErrors
from carbonctl.web.accounts.permissions import can_file_project, can_view_projects
from carbonctl.web.accounts.scope import regions_for
from carbonctl.web.audit.services import record_denial
from carbonctl.web.exports import XLSX, pdf_response
from carbonctl.web.forms import public_message, query, saved_upload
from carbonctl.web.projects import labels, services
from carbonctl.web.projects.forms import (
    AcceptanceForm,
    FilingForm,
    ListQuery,
    OpinionForm,
    WithdrawForm,
)
from carbonctl.web.projects.models import Opinion, Project

PER_PAGE = 50
WAN = "10^4 t"


def _may_view(request) -> None:
    if not can_view_projects(request.user):
        record_denial(request, "projects.Project", "", "role without projects")
        raise Http404


def _project_or_404(request, project_id: int) -> Project:
    _may_view(request)
    found = (
        services.projects_for(request.user)
        .select_related("enterprise", "region", "city", "filed_by")
        .filter(pk=project_id)
        .first()
    )
    if found is None:
        if Project.objects.filter(pk=project_id).exists():
            record_denial(request, "projects.Project", str(project_id), "outside the user's scope")
        raise Http404
    return found


def _refused(request, project: Project, what: str) -> HttpResponse:
    record_denial(request, "projects.Project", str(project.pk), what)
    return HttpResponse(
        _("您无权执行此操作。") + f" ({what})", status=403, content_type="text/plain; charset=utf-8"
    )


# --- list ---------------------------------------------------------------------------------------


@login_required
def project_list(request):
    """The projects in scope with filters, counts by status and by review level."""
    _may_view(request)
    params = query(request, ListQuery)
    visible = services.projects_for(request.user)
    rows = visible.select_related("enterprise", "region", "city")
    if params["status"]:
        rows = rows.filter(status=params["status"])
    if params["city"]:
        rows = rows.filter(city_id=params["city"])
    if params["level"]:
        rows = rows.filter(review_level=params["level"])
    counts = dict(visible.values_list("status").annotate(n=Count("id")).order_by())
    statuses = [(code, name, counts.get(code, 0)) for code, name in Project.Status.choices]
    paginator = Paginator(rows, PER_PAGE)
    page = paginator.get_page(params["page"] or 1)
    cities = [r for r in regions_for(request.user) if r.level == "city"]
    waiting = visible.filter(status=Project.Status.ASSESSED).count()
    return render(
        request,
        "projects/list.html",
        {
            "page": page,
            "params": params,
            "statuses": statuses,
            "cities": cities,
            "levels": Project.Level.choices,
            "total": visible.count(),
            "waiting": waiting,
            "may_file": can_file_project(request.user),
        },
    )


# --- filing -------------------------------------------------------------------------------------


def _read_upload(upload) -> core.ProjectFiling | dict:
    """A JSON mapping, or the filing read from an Excel upload (through a temporary file, whose
    path never reaches a message)."""
    name = Path(upload.name).name
    if name.lower().endswith(".json"):
        try:
            return json.loads(upload.read().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CarbonctlError(f"{name}: not valid JSON ({exc})") from None
    with saved_upload(upload) as path:  # .xlsx: the form takes .json or .xlsx
        try:
            return core.read_project(path)
        except CarbonctlError as exc:
            raise type(exc)(public_message(exc).replace(str(path), name)) from None


@login_required
def new(request):
    """The filing form (GET) and the filing (POST): every problem of the file is listed with
    its field, row and column; nothing is stored then."""
    _may_view(request)
    if not can_file_project(request.user):
        record_denial(request, "projects.Project", "", "role may not file projects")
        raise Http404
    errors: list[str] = []
    form = FilingForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        name = Path(upload.name).name
        try:
            data = _read_upload(upload)
            project = services.file_project(request.user, data, file_name=name)
        except InputErrors as exc:
            errors = [public_message(e) for e in exc.errors]
        except CarbonctlError as exc:
            errors = [public_message(exc)]
        else:
            return redirect("projects:detail", project.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "projects/new.html", {"form": form, "errors": errors}, status=status)


@login_required
def template(request):
    """The Excel template of a project file (申报模板), with the guide sheet."""
    _may_view(request)
    with tempfile.TemporaryDirectory() as folder:
        path = core.write_template(Path(folder) / "template.xlsx")
        content = path.read_bytes()
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="project-template.xlsx"'
    return response


# --- one project --------------------------------------------------------------------------------


def _benchmark_rows(project: Project) -> list[dict]:
    stored = project.assessment or {}
    result = stored.get("result", {})
    detail = stored.get("benchmark", {})
    rows = []
    for name, entry in result.get("benchmark", {}).items():
        extra = detail.get(name, {})
        rows.append(
            {
                "product": name,
                **entry,
                "grade_name": labels.GRADES.get(entry["grade"], entry["grade"]),
                "unit": extra.get("unit", ""),
                "status": extra.get("status", ""),
                "computed": extra.get("computed"),
                "co2_per_unit": extra.get("co2_per_unit"),
            }
        )
    return rows


def _co2_rows(project: Project) -> list[dict]:
    stored = project.assessment or {}
    co2 = stored.get("result", {}).get("co2_t", {})
    return [{"name": labels.CO2_PARTS[k], "value": co2.get(k)} for k in core.CO2_PARTS]


def _history(project: Project):
    from carbonctl.web.audit.models import AuditEntry

    return AuditEntry.objects.filter(object_type="projects.Project", object_id=str(project.pk))


def _detail_context(request, project: Project, **forms) -> dict:
    user = request.user
    stored = project.assessment or {}
    may_review = services.may_review(user, project)
    opinion = project.opinions.select_related("reviewer").first()
    impact = stored.get("impact")
    return {
        "project": project,
        "filing": project.filing,
        "stored": stored,
        "result": stored.get("result"),
        "co2_rows": _co2_rows(project),
        "benchmark_rows": _benchmark_rows(project),
        "impact": impact,
        "barometer_before": labels.BAROMETER.get((impact or {}).get("barometer_before") or ""),
        "barometer_after": labels.BAROMETER.get((impact or {}).get("barometer_after") or ""),
        "coal_rate_status": labels.COAL_RATE.get(
            stored.get("coal_rate_status", ""), stored.get("coal_rate_status", "")
        ),
        "opinion": opinion,
        "opinions": project.opinions.select_related("reviewer"),
        "acceptances": project.acceptances.select_related("recorded_by"),
        "history": _history(project),
        "may_assess": may_review
        and project.status
        in (Project.Status.SUBMITTED, Project.Status.HELD, Project.Status.RE_REVIEW),
        "may_decide": may_review
        and project.status in (Project.Status.ASSESSED, Project.Status.HELD),
        "may_accept": may_review
        and project.status
        in (Project.Status.APPROVED, Project.Status.CONDITIONAL, Project.Status.ACCEPTED),
        "may_withdraw": services.may_withdraw(user, project),
        "may_revise": services.may_revise(user, project),
        "revise_form": forms.get("revise_form") or FilingForm(),
        "own_filing": project.filed_by_id == user.pk,
        "opinion_form": forms.get("opinion_form") or OpinionForm(),
        "acceptance_form": forms.get("acceptance_form")
        or AcceptanceForm(initial={"year": project.year}),
        "withdraw_form": WithdrawForm(),
        "error": forms.get("error", ""),
        "budget_url": reverse("budget:region", args=[project.city_id]) + f"?year={project.year}",
    }


@login_required
def detail(request, project_id: int):
    project = _project_or_404(request, project_id)
    return render(request, "projects/detail.html", _detail_context(request, project))


def _step(request, project: Project, step, *, status: int = 422, **forms):
    """Run a workflow step; its errors are shown on the project's page."""
    try:
        step()
    except services.WorkflowError as exc:
        if "may not" in str(exc):
            return _refused(request, project, str(exc))
        forms["error"] = public_message(exc)
    except InputErrors as exc:
        forms["error"] = "；".join(public_message(e) for e in exc.errors)
    except CarbonctlError as exc:
        forms["error"] = public_message(exc)
    else:
        return redirect("projects:detail", project.pk)
    project.refresh_from_db()
    return render(
        request, "projects/detail.html", _detail_context(request, project, **forms), status=status
    )


def _invalid(request, project: Project, **forms) -> HttpResponse:
    """The project page again with a form's errors beside its fields (422)."""
    return render(
        request, "projects/detail.html", _detail_context(request, project, **forms), status=422
    )


@login_required
@require_POST
def assess(request, project_id: int):
    project = _project_or_404(request, project_id)
    if not services.may_review(request.user, project):
        return _refused(request, project, "may not review this project")
    return _step(request, project, lambda: services.assess_project(request.user, project))


@login_required
@require_POST
def decide(request, project_id: int):
    project = _project_or_404(request, project_id)
    if not services.may_review(request.user, project):
        return _refused(request, project, "may not review this project")
    form = OpinionForm(request.POST)
    if not form.is_valid():
        return _invalid(request, project, opinion_form=form)
    data = form.cleaned_data
    return _step(
        request,
        project,
        lambda: services.decide(
            request.user,
            project,
            outcome=data["outcome"],
            reasons=data["reasons"],
            conditions=data["conditions"],
        ),
        opinion_form=form,
    )


@login_required
@require_POST
def revise(request, project_id: int):
    """A revised project file (修改申报) from the filer or the owner: errors listed as for a new
    filing, nothing changed then."""
    project = _project_or_404(request, project_id)
    if not services.may_revise(request.user, project):
        return _refused(request, project, "may not revise this project")
    form = FilingForm(request.POST, request.FILES)
    if not form.is_valid():
        return _invalid(request, project, revise_form=form)
    upload = form.cleaned_data["file"]
    name = Path(upload.name).name

    def step():
        services.revise(request.user, project, _read_upload(upload), file_name=name)

    return _step(request, project, step, revise_form=form)


@login_required
@require_POST
def withdraw(request, project_id: int):
    project = _project_or_404(request, project_id)
    if not services.may_withdraw(request.user, project):
        return _refused(request, project, "may not withdraw this project")
    form = WithdrawForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return _step(request, project, lambda: services.withdraw(request.user, project, note=note))


@login_required
@require_POST
def acceptance(request, project_id: int):
    project = _project_or_404(request, project_id)
    if not services.may_review(request.user, project):
        return _refused(request, project, "may not review this project")
    form = AcceptanceForm(request.POST)
    if not form.is_valid():
        return _invalid(request, project, acceptance_form=form)
    data = form.cleaned_data
    return _step(
        request,
        project,
        lambda: services.record_acceptance(
            request.user,
            project,
            year=data["year"],
            actual_co2_t=data["actual_co2_wan_t"] * 1e4,
            actual_energy_tce=data["actual_energy_tce"],
            note=data["note"],
        ),
        acceptance_form=form,
    )


# --- downloads ----------------------------------------------------------------------------------


@login_required
def opinion_pdf(request, project_id: int):
    """The signed opinion (审查意见) with the calculation behind it, as PDF."""
    project = _project_or_404(request, project_id)
    opinion: Opinion | None = project.opinions.select_related("reviewer").first()
    if opinion is None:
        raise Http404
    context = _detail_context(request, project)
    context.update(opinion=opinion, sheets=_sheets(project, opinion))
    return pdf_response(request, f"opinion-{project.ref}.pdf", "projects/opinion_pdf.html", context)


def _cell(value: object) -> str:
    """A cell of the PDF's appendix: numbers to at most 4 decimals with thousands separators
    (the workbook keeps full precision), blanks empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, int | float):
        text = f"{value:,.4f}".rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text
    return str(value)


def _sheets(project: Project, opinion: Opinion | None) -> list[dict]:
    """The calculation's tables (core :func:`carbonctl.projects.calculation_sheets`) with their
    cells as text for the PDF."""
    sheets = core.calculation_sheets(
        services.run_assessment(project),
        impact=services.stored_impact(project),
        decision=services.decision_of(opinion) if opinion is not None else None,
    )
    return [
        {
            "title": sheet.title,
            "note": sheet.note,
            "header": sheet.header,
            "rows": [[_cell(v) for v in row] for row in sheet.rows],
        }
        for sheet in sheets
    ]


@login_required
def calculation(request, project_id: int):
    """The calculation workbook (计算书) of an assessed project."""
    project = _project_or_404(request, project_id)
    if project.assessment is None:
        raise Http404
    opinion = project.opinions.select_related("reviewer").first()
    buffer = BytesIO()
    core.write_calculation(
        services.run_assessment(project),
        buffer,
        impact=services.stored_impact(project),
        decision=services.decision_of(opinion) if opinion is not None else None,
    )
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="calculation-{project.ref}.xlsx"'
    return response
