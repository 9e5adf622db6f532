"""The allocation workbench: methods side by side for the current data (province roles)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from carbonctl.errors import CarbonctlError
from carbonctl.web.accounts.permissions import (
    can_adopt_allocation,
    can_view_allocation,
    can_view_assessment,
    can_view_targets,
)
from carbonctl.web.accounts.scope import region_or_404, regions_for
from carbonctl.web.audit.services import record_denial
from carbonctl.web.exports import xlsx_response
from carbonctl.web.inventories.services import current_dataset
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
    target = _number(request, "target", 0.17)
    growth = _number(request, "growth", 0.05)
    base_year = int(_number(request, "base_year", 2020))
    error, rows, methods, fairness, chart = "", [], [], [], {}
    try:
        table = services.city_table(dataset, base_year, growth)
        comparison = services.compare(table, target)
    except CarbonctlError as exc:
        error, comparison = str(exc), {"results": {}, "problems": {}}
    names = dict(Region.objects.filter(level="city").values_list("adcode", "name_zh"))
    results = comparison["results"]
    methods = list(results)
    for adcode in sorted({r for a in results.values() for r in a.regions["region"]}):
        rows.append(
            {
                "adcode": adcode,
                "name": names.get(adcode, adcode),
                "reductions": [
                    float(results[m].regions.set_index("region").loc[adcode, "reduction"])
                    for m in methods
                ],
            }
        )
    fairness = [
        {"method": m, "achieved": results[m].achieved, **results[m].fairness} for m in methods
    ]
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            "allocation.xlsx",
            "allocation",
            ["区划代码 adcode", "城市 city", *methods],
            [[r["adcode"], r["name"], *r["reductions"]] for r in rows],
        )
    chart = {
        "methods": methods,
        "cities": [r["name"] for r in rows],
        "adcodes": [r["adcode"] for r in rows],
        "values": [[round(r["reductions"][i] * 100, 2) for r in rows] for i in range(len(methods))],
    }
    return render(
        request,
        "targets/workbench.html",
        {
            "target": target,
            "growth": growth,
            "base_year": base_year,
            "methods": methods,
            "rows": rows,
            "fairness": fairness,
            "problems": comparison["problems"],
            "error": error,
            "chart": chart,
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
    try:
        proposal = services.propose(
            request.user,
            dataset,
            method=request.POST.get("method", ""),
            target=float(request.POST.get("target", 0.17)),
            base_year=int(request.POST.get("base_year", 2020)),
            growth=float(request.POST.get("growth", 0.05)),
            plan=request.POST.get("plan", "14th FYP"),
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
    plan = request.GET.get("plan", "14th FYP")
    year = int(_number(request, "year", 2025))
    rows = services.target_tree(dataset, plan, year, regions_for(request.user)) if dataset else []
    return render(
        request,
        "targets/tree.html",
        {"rows": rows, "plan": plan, "year": year, "county_methods": services.COUNTY_METHODS},
    )


@login_required
def assessment(request):
    """City assessment (综合评价): entropy-TOPSIS ranking, radar charts, Excel and PDF export."""
    _province_only(request, can_view_assessment)
    dataset = current_dataset()
    if dataset is None:
        raise Http404
    year = int(_number(request, "year", 2020))
    try:
        table, result = services.assess(dataset, year)
    except CarbonctlError as exc:
        return render(request, "targets/assessment.html", {"error": str(exc), "year": year})
    names = dict(Region.objects.filter(level="city").values_list("adcode", "name_zh"))
    ranking = result.regions.merge(table, on="region").sort_values("rank")
    rows = [
        {
            "adcode": r.region,
            "name": names.get(r.region, r.region),
            "score": r.score,
            "rank": int(r.rank),
            "values": [getattr(r, k) for k in services.ASSESSMENT_INDICATORS],
        }
        for r in ranking.itertuples(index=False)
    ]
    indicators = list(services.ASSESSMENT_INDICATORS)
    header = ["排名 rank", "城市 city", "得分 score", *indicators]
    lines = [[r["rank"], r["name"], r["score"], *r["values"]] for r in rows]
    if request.GET.get("format") == "xlsx":
        return xlsx_response(f"assessment-{year}.xlsx", str(year), header, lines)
    context = {
        "year": year,
        "rows": rows,
        "indicators": indicators,
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
    normalised = services.radar_values(ranking, indicators)
    context["radar"] = {
        "indicators": indicators,
        "cities": [
            {"name": row["name"], "values": values}
            for row, values in zip(rows, normalised, strict=True)
        ],
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
        return HttpResponse(str(exc), status=422)
    return redirect(f"{reverse('targets:tree')}?plan={target.plan}")
