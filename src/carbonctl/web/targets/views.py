"""The allocation workbench: methods side by side for the current data (province roles)."""

from __future__ import annotations

import pandas as pd
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from carbonctl.display import to_display_table
from carbonctl.errors import CarbonctlError
from carbonctl.targets import method_summary
from carbonctl.targets.compare import COMPARISON_COLUMNS
from carbonctl.web.accounts.aggregates import AggregateLevel
from carbonctl.web.accounts.permissions import (
    can_adopt_allocation,
    can_view_allocation,
    can_view_assessment,
)
from carbonctl.web.accounts.scope import region_or_404, regions_for, require_aggregates
from carbonctl.web.audit.services import record_denial
from carbonctl.web.exports import pdf_response, xlsx_response
from carbonctl.web.forms import public_message, query
from carbonctl.web.inventories.services import current_dataset, latest_year
from carbonctl.web.targets import services
from carbonctl.web.targets.forms import (
    AssessmentQuery,
    ProposeForm,
    TreeQuery,
    WorkbenchQuery,
)
from carbonctl.web.targets.models import Proposal

PLAIN_TEXT = "text/plain; charset=utf-8"


def _refusal(error: Exception, status: int) -> HttpResponse:
    """A refused action's message as plain text (it may quote what the user sent, which must not
    be read as HTML), without server paths."""
    return HttpResponse(public_message(error), status=status, content_type=PLAIN_TEXT)


def _or_default(value: object, default: object) -> object:
    return default if value is None else value


@login_required
def workbench(request):
    if not can_view_allocation(request.user):
        record_denial(request, "targets.workbench", "", "province roles only")
        raise Http404
    dataset = current_dataset()
    if dataset is None:
        raise Http404
    asked = query(request, WorkbenchQuery)
    chosen = services.plan_choice(
        target=asked["target"], base_year=asked["base_year"], growth=asked["growth"]
    )
    target, growth, base_year = chosen["target"], chosen["growth"], chosen["base_year"]
    error = ""
    try:
        comparison = services.comparison(dataset, base_year, growth, target)
    except CarbonctlError as exc:
        error, comparison = public_message(exc), pd.DataFrame(columns=list(COMPARISON_COLUMNS))
    summary = method_summary(comparison)
    table = services.named_reductions(comparison)  # adcode, name, one reduction per method
    methods = list(table.columns[2:])
    lines = table.to_numpy().tolist()
    if asked["format"] == "xlsx":
        header = ["区划代码 adcode", "城市 city", *methods]
        return xlsx_response("allocation.xlsx", "allocation", header, lines)
    failed = summary[summary["error"].notna()]
    return render(
        request,
        "targets/workbench.html",
        {
            "target": target,
            "growth": growth,
            "base_year": base_year,
            "plan": chosen["plan"],
            "methods": methods,
            "rows": lines,
            "fairness": summary[summary["error"].isna()].to_dict("records"),
            "problems": dict(zip(failed["method"], failed["error"], strict=True)),
            "error": error,
            "chart": {
                "methods": methods,
                "cities": table["name"].tolist(),
                "adcodes": table["region"].tolist(),
                "values": to_display_table(table[methods].T, "%", 2),
            },
            "dataset": dataset,
        },
    )


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
    chosen = services.plan_choice(
        target=asked["target"], base_year=asked["base_year"], growth=asked["growth"]
    )
    try:
        proposal = services.propose(
            request.user,
            dataset,
            method=asked["method"],
            target=chosen["target"],
            base_year=chosen["base_year"],
            growth=chosen["growth"],
            plan=asked["plan"] or chosen["plan"],
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
    rows = services.proposal_rows(proposal)
    can_review = (
        can_adopt_allocation(request.user, author_id=proposal.proposed_by_id)
        and proposal.status == Proposal.Status.PENDING
    )
    return render(
        request,
        "targets/proposal.html",
        {"proposal": proposal, "rows": rows, "can_review": can_review},
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
    return render(
        request,
        "targets/tree.html",
        {"rows": rows, "plan": plan, "year": year, "county_methods": services.county_methods()},
    )


@login_required
def assessment(request):
    """City assessment (综合评价): entropy-TOPSIS ranking, radar charts, Excel and PDF export."""
    _province_only(request, can_view_assessment)
    dataset = current_dataset()
    if dataset is None:
        raise Http404
    asked = query(request, AssessmentQuery)
    year = _or_default(asked["year"], latest_year(dataset))
    try:
        ranking, result = services.ranking(dataset, year)
    except CarbonctlError as exc:
        return render(
            request, "targets/assessment.html", {"error": public_message(exc), "year": year}
        )
    system = services.assessment_indicators()
    indicators, labels = list(system.names), list(system.labels.values())
    if asked["format"] == "xlsx":
        header = ["排名 rank", "城市 city", "得分 score", *labels]
        lines = ranking[["rank", "name", "score", *indicators]].to_numpy().tolist()
        return xlsx_response(f"assessment-{year}.xlsx", str(year), header, lines)
    rows = (
        ranking.assign(adcode=ranking["region"], values=ranking[indicators].to_numpy().tolist())
        .loc[:, ["adcode", "name", "score", "rank", "values"]]
        .to_dict("records")
    )
    context = {
        "year": year,
        "rows": rows,
        "indicators": labels,
        "weights": result.weights,
        "dataset": dataset,
        "error": "",
    }
    if asked["format"] == "pdf":
        return pdf_response(
            request, f"assessment-{year}.pdf", "targets/assessment_pdf.html", context
        )
    radar = pd.DataFrame({"name": ranking["name"], "values": services.radar_values(ranking)})
    context["radar"] = {"indicators": labels, "cities": radar.to_dict("records")}
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
