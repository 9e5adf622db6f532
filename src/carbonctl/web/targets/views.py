"""The allocation workbench: methods side by side for the current data (province roles)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from carbonctl.budget.plans import find_plan, plans
from carbonctl.errors import CarbonctlError
from carbonctl.web.accounts.aggregates import AggregateLevel
from carbonctl.web.accounts.permissions import (
    can_adopt_allocation,
    can_propose_allocation,
    can_view_allocation,
    can_view_assessment,
)
from carbonctl.web.accounts.scope import region_or_404, regions_for, require_aggregates
from carbonctl.web.audit.services import record_denial
from carbonctl.web.exports import pdf_response, xlsx_response
from carbonctl.web.forms import public_message, query
from carbonctl.web.inventories.services import current_dataset, latest_year
from carbonctl.web.labels import label
from carbonctl.web.targets import pages, services
from carbonctl.web.targets.forms import (
    AssessmentQuery,
    ProposeForm,
    TreeQuery,
    WorkbenchForm,
    percent,
)
from carbonctl.web.targets.models import Proposal

PLAIN_TEXT = "text/plain; charset=utf-8"
#: Schedule progress (时序进度) in words, :class:`carbonctl.indicators.schedule` statuses.
SCHEDULE_WORDS = {
    "ahead": gettext_lazy("超前于时序进度"),
    "on track": gettext_lazy("符合时序进度"),
    "behind": gettext_lazy("滞后于时序进度"),
}
#: The workbench's question, as its form and its export link carry it.
WORKBENCH_FIELDS = ("plan", "target", "growth", "floor", "ceiling")


def _refusal(error: Exception, status: int) -> HttpResponse:
    """A refused action's message as plain text (it may quote what the user sent, which must not
    be read as HTML), without server paths."""
    return HttpResponse(public_message(error), status=status, content_type=PLAIN_TEXT)


def _or_default(value: object, default: object) -> object:
    return default if value is None else value


def _workbench_form(data) -> WorkbenchForm:
    """The workbench's form bound to the query and validated (its errors are shown)."""
    form = WorkbenchForm(data)
    form.is_valid()
    return form


def _shown(form: WorkbenchForm, chosen: dict) -> dict:
    """What the form's fields show: what the user typed (kept as typed where the form refused
    it), else the chosen values in % (the plan's target, the growth assumption)."""
    cleaned = {} if form.errors else form.cleaned_data
    defaults = {
        "plan": chosen["plan"],
        "target": percent(chosen["target"]),
        "growth": percent(chosen["growth"]),
        "floor": percent(cleaned.get("floor")),
        "ceiling": percent(cleaned.get("ceiling")),
    }
    if not form.errors:
        return defaults
    return {name: form.data.get(name) or defaults[name] for name in WORKBENCH_FIELDS}


def _workbench_query(form: WorkbenchForm) -> str:
    """The query string of the workbench as shown (for the export link)."""
    from urllib.parse import urlencode

    given = {k: form.data.get(k) for k in WORKBENCH_FIELDS}
    return urlencode({k: v for k, v in given.items() if v not in (None, "")})


@login_required
def workbench(request):
    """The allocation workbench (目标分解工作台): the plan's target split among the cities by
    every method the data serve, side by side with flags, bounds and fairness figures."""
    if not can_view_allocation(request.user):
        record_denial(request, "targets.workbench", "", "province roles only")
        raise Http404
    dataset = current_dataset()
    if dataset is None:
        raise Http404
    form = _workbench_form(request.GET)
    asked = form.cleaned_data if not form.errors else {}
    try:
        chosen = services.plan_choice(
            plan=asked.get("plan") or None, target=asked.get("target"), growth=asked.get("growth")
        )
    except CarbonctlError:  # an unknown plan: the form has refused it already
        chosen = services.plan_choice()
    plan = find_plan(chosen["plan"])
    context = {
        "form": form,
        "shown": _shown(form, chosen),
        "plans": [(p.plan, label("plan", p.plan)) for p in reversed(plans())],
        "plan": plan,
        "plan_name": label("plan", plan.plan),
        "chosen": chosen,
        "dataset": dataset,
        "query": _workbench_query(form),
        "error": "",
        "no_data": None,
        "can_propose": can_propose_allocation(request.user),
        "colon": pages.colon(),
    }
    if form.errors:
        return render(request, "targets/workbench.html", context, status=400)
    years = services.city_years(dataset)
    if plan.base_year not in years:
        context["no_data"] = {
            "year": plan.base_year,
            "first": years[0] if years else None,
            "last": years[-1] if years else None,
        }
        return render(request, "targets/workbench.html", context)
    try:
        bench = services.workbench(
            dataset,
            plan.base_year,
            chosen["growth"],
            chosen["target"],
            floor=asked.get("floor"),
            ceiling=asked.get("ceiling"),
        )
    except CarbonctlError as exc:
        context["error"] = public_message(exc)
        return render(request, "targets/workbench.html", context)
    table = pages.workbench_table(bench)
    if asked.get("format") == "xlsx":
        headings = {
            "adcode": _("区划代码"),
            "city": _("城市"),
            "province": _("全省实现下降"),
            "gini": _("人均配额基尼系数"),
            "max_min_cap": _("人均配额最大/最小（倍）"),
        }
        header, lines = pages.workbench_sheet(table, {k: str(v) for k, v in headings.items()})
        return xlsx_response("allocation.xlsx", str(_("目标分解")), header, lines)
    record = bench.record
    context.update(
        {
            "bench": bench,
            "table": table,
            "record": record,
            "record_city": pages.city_name(record.region) if record else "",
            "unavailable": pages.unavailable(bench),
            "shapley": pages.shapley_tables(bench),
            "chart": {
                **pages.chart(table),
                "title": str(_("各市碳排放强度下降目标（%），按分解方法")),
                "map_title": str(_("各市下降目标（%）")),
            },
        }
    )
    return render(request, "targets/workbench.html", context)


def _province_only(request, allowed=can_view_allocation) -> None:
    if not allowed(request.user):
        record_denial(request, "targets.Proposal", "", "province roles only")
        raise Http404


@login_required
@require_POST
def propose(request):
    """Propose the workbench's allocation for adoption (recomputed on the server)."""
    _province_only(request)
    dataset = current_dataset()
    if dataset is None:
        raise Http404
    asked = query(request, ProposeForm, request.POST)
    try:
        chosen = services.plan_choice(
            plan=asked["plan"] or None, target=asked["target"], growth=asked["growth"]
        )
        proposal = services.propose(
            request.user,
            dataset,
            method=asked["method"],
            target=chosen["target"],
            base_year=chosen["base_year"],
            growth=chosen["growth"],
            plan=chosen["plan"],
            floor=asked["floor"],
            ceiling=asked["ceiling"],
        )
    except PermissionDenied as exc:
        record_denial(request, "targets.Proposal", "", str(exc))
        raise
    except CarbonctlError as exc:
        return _refusal(exc, 422)
    return redirect("targets:proposal", proposal.pk)


@login_required
def proposal_detail(request, proposal_id: int):
    _province_only(request)
    proposal = get_object_or_404(Proposal, pk=proposal_id)
    rows = [
        {"name": pages.city_name(adcode), "reduction": reduction}
        for adcode, reduction in proposal.reductions.items()
    ]
    can_review = (
        can_adopt_allocation(request.user, author_id=proposal.proposed_by_id)
        and proposal.status == Proposal.Status.PENDING
    )
    return render(
        request,
        "targets/proposal.html",
        {
            "proposal": proposal,
            "rows": rows,
            "can_review": can_review,
            "plan_name": label("plan", proposal.plan),
            "method_name": pages.method_name(proposal.method),
        },
    )


@login_required
@require_POST
def proposal_review(request, proposal_id: int):
    _province_only(request)
    proposal = get_object_or_404(Proposal, pk=proposal_id)
    try:
        services.decide(request.user, proposal, approve=request.POST.get("decision") == "approve")
    except PermissionDenied as exc:
        record_denial(request, "targets.Proposal", str(proposal_id), str(exc))
        raise
    except CarbonctlError as exc:
        return _refusal(exc, 409)
    return redirect("targets:proposal", proposal.pk)


@login_required
def target_tree(request):
    """Adopted targets of the regions the user may see, with schedule progress (roles with
    region aggregates, :mod:`carbonctl.web.accounts.aggregates`)."""
    require_aggregates(request, AggregateLevel.OWN_REGION, "targets.tree")
    dataset = current_dataset()
    asked = query(request, TreeQuery)
    plan = asked["plan"] or services.plan_defaults()["plan"]
    latest = latest_year(dataset) if dataset else None
    year = _or_default(asked["year"], latest or services.plan_defaults()["base_year"])
    rows = services.target_tree(dataset, plan, year, regions_for(request.user)) if dataset else []
    for row in rows:
        row["status_words"] = SCHEDULE_WORDS.get(row.get("status"), "")
    return render(
        request,
        "targets/tree.html",
        {
            "rows": rows,
            "plan": plan,
            "plan_name": label("plan", plan),
            "year": year,
            "county_methods": [(m, pages.method_name(m)) for m in services.county_methods()],
        },
    )


@login_required
def assessment(request):
    """City assessment (综合评价): the latest year by default, the ranking with scores and every
    indicator's name and unit, one city's radar against the cities' average, Excel and PDF."""
    _province_only(request, can_view_assessment)
    dataset = current_dataset()
    if dataset is None:
        raise Http404
    asked = query(request, AssessmentQuery)
    years = services.assessment_years(dataset)
    year = _or_default(asked["year"], years[-1] if years else latest_year(dataset))
    context = {
        "year": year,
        "years": years,
        "dataset": dataset,
        "error": "",
        "separator": pages.separator(),
    }
    try:
        ranking, result = services.ranking(dataset, year)
    except CarbonctlError as exc:
        context["error"] = public_message(exc)
        return render(request, "targets/assessment.html", context)
    columns = pages.indicator_columns(services.assessment_indicators())
    rows = [
        {
            "adcode": row["region"],
            "name": pages.city_name(row["region"]),
            "rank": row["rank"],
            "score": row["score"],
            "values": [pages.indicator_value(row[c["key"]], c) for c in columns],
            "texts": [pages.indicator_text(row[c["key"]], c) for c in columns],
        }
        for row in ranking.to_dict("records")
    ]
    weights = [{"name": c["name"], "weight": result.weights[c["key"]]} for c in columns]
    headings = [c["heading"] for c in columns]
    if asked["format"] == "xlsx":
        header = [_("排名"), _("城市"), _("综合得分（0–100）"), *headings]
        lines = [[r["rank"], r["name"], round(r["score"], 1), *r["values"]] for r in rows]
        return xlsx_response(f"assessment-{year}.xlsx", str(year), header, lines)
    scores = [r["score"] for r in rows]
    context.update(
        {
            "rows": rows,
            "columns": columns,
            "headings": headings,
            "weights": weights,
            "first": rows[0],
            "last": rows[-1],
            "mean_score": sum(scores) / len(scores),
        }
    )
    if asked["format"] == "pdf":
        return pdf_response(
            request, f"assessment-{year}.pdf", "targets/assessment_pdf.html", context
        )
    values, average = services.radar(ranking)
    context["radar"] = {
        "indicators": [c["name"] for c in columns],
        "cities": [{"name": r["name"], "values": v} for r, v in zip(rows, values, strict=True)],
        "average": average,
        "average_name": _("各市平均"),
    }
    return render(request, "targets/assessment.html", context)


@login_required
@require_POST
def decompose_target(request, target_id: int):
    """Split an adopted city target among its counties."""
    from carbonctl.web.targets.models import Target

    target = get_object_or_404(Target.objects.select_related("region"), pk=target_id)
    region_or_404(request, target.region_id)
    try:
        services.decompose_city(
            request.user, current_dataset(), target, request.POST.get("method", "equal")
        )
    except PermissionDenied as exc:
        record_denial(request, "targets.Target", str(target_id), str(exc))
        raise
    except CarbonctlError as exc:
        return _refusal(exc, 422)
    return redirect(f"{reverse('targets:tree')}?plan={target.plan}")
