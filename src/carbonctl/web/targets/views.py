"""The allocation workbench: methods side by side for the current data (province roles)."""

from __future__ import annotations

import pandas as pd
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from carbonctl.errors import CarbonctlError
from carbonctl.targets import method_summary, pivot
from carbonctl.targets.compare import COMPARISON_COLUMNS
from carbonctl.web.accounts.permissions import (
    can_adopt_allocation,
    can_view_allocation,
    can_view_assessment,
    can_view_targets,
)
from carbonctl.web.accounts.scope import region_or_404, regions_for
from carbonctl.web.audit.services import record_denial
from carbonctl.web.exports import xlsx_response
from carbonctl.web.inventories.services import current_dataset, latest_year
from carbonctl.web.regions.models import Region
from carbonctl.web.targets import services
from carbonctl.web.targets.models import Proposal


def _number(request, name: str, default: float) -> float:
    try:
        return float(request.GET.get(name, default))
    except ValueError:
        return default


@login_required
def workbench(request):
    if not can_view_allocation(request.user):
        record_denial(request, "targets.workbench", "", "province roles only")
        raise Http404
    dataset = current_dataset()
    if dataset is None:
        raise Http404
    defaults = services.plan_defaults()
    target = _number(request, "target", defaults["target"])
    growth = _number(request, "growth", defaults["growth"])
    base_year = int(_number(request, "base_year", defaults["base_year"]))
    error = ""
    try:
        comparison = services.comparison(dataset, base_year, growth, target)
    except CarbonctlError as exc:
        error, comparison = str(exc), pd.DataFrame(columns=list(COMPARISON_COLUMNS))
    summary = method_summary(comparison)
    reductions = pivot(comparison)  # region x method, the methods that served the table
    names = dict(Region.objects.filter(level="city").values_list("adcode", "name_zh"))
    table = reductions.reset_index()
    table.insert(1, "name", table["region"].map(names).fillna(table["region"]))
    lines = table.to_numpy().tolist()  # adcode, name, one reduction per method
    methods = list(reductions.columns)
    if request.GET.get("format") == "xlsx":
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
            "plan": defaults["plan"],
            "methods": methods,
            "rows": lines,
            "fairness": summary[summary["error"].isna()].to_dict("records"),
            "problems": dict(zip(failed["method"], failed["error"], strict=True)),
            "error": error,
            "chart": {
                "methods": methods,
                "cities": table["name"].tolist(),
                "adcodes": table["region"].tolist(),
                "values": reductions.T.to_numpy().tolist(),
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
    defaults = services.plan_defaults()
    try:
        proposal = services.propose(
            request.user,
            dataset,
            method=request.POST.get("method", ""),
            target=float(request.POST.get("target", defaults["target"])),
            base_year=int(request.POST.get("base_year", defaults["base_year"])),
            growth=float(request.POST.get("growth", defaults["growth"])),
            plan=request.POST.get("plan", defaults["plan"]),
        )
    except PermissionDenied as exc:
        record_denial(request, "targets.Proposal", "", str(exc))
        raise
    except (CarbonctlError, ValueError) as exc:
        return HttpResponse(str(exc), status=422)
    return redirect("targets:proposal", proposal.pk)


@login_required
def proposal_detail(request, proposal_id: int):
    _province_only(request)
    proposal = get_object_or_404(Proposal, pk=proposal_id)
    names = dict(Region.objects.filter(level="city").values_list("adcode", "name_zh"))
    rows = [{"name": names.get(k, k), "reduction": v} for k, v in proposal.reductions.items()]
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
        return HttpResponse(str(exc), status=409)
    return redirect("targets:proposal", proposal.pk)


@login_required
def target_tree(request):
    """Adopted targets of the regions the user may see, with schedule progress."""
    if not can_view_targets(request.user):
        raise Http404
    dataset = current_dataset()
    plan = request.GET.get("plan", services.plan_defaults()["plan"])
    latest = latest_year(dataset) if dataset else None
    year = int(_number(request, "year", latest or services.plan_defaults()["base_year"]))
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
    year = int(_number(request, "year", latest_year(dataset)))
    try:
        table, result = services.assess(dataset, year)
    except CarbonctlError as exc:
        return render(request, "targets/assessment.html", {"error": str(exc), "year": year})
    names = dict(Region.objects.filter(level="city").values_list("adcode", "name_zh"))
    system = services.assessment_indicators()
    indicators, labels = list(system.names), list(system.labels.values())
    ranking = result.regions.merge(table, on="region").sort_values("rank")
    ranking["name"] = ranking["region"].map(names).fillna(ranking["region"])
    ranking["rank"] = ranking["rank"].astype(int)
    lines = ranking[["rank", "name", "score", *indicators]].to_numpy().tolist()
    if request.GET.get("format") == "xlsx":
        header = ["排名 rank", "城市 city", "得分 score", *labels]
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
    if request.GET.get("format") == "pdf":
        from django.template.loader import render_to_string
        from weasyprint import HTML

        html = render_to_string("targets/assessment_pdf.html", context, request=request)
        response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="assessment-{year}.pdf"'
        return response
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
        return HttpResponse(str(exc), status=422)
    return redirect(f"{reverse('targets:tree')}?plan={target.plan}")
