"""The allocation workbench: methods side by side for the current data (province roles)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from carbonctl.errors import CarbonctlError
from carbonctl.web.accounts.models import Role
from carbonctl.web.accounts.scope import scope_of
from carbonctl.web.audit.services import record_denial
from carbonctl.web.exports import xlsx_response
from carbonctl.web.inventories.services import current_dataset
from carbonctl.web.regions.models import Region
from carbonctl.web.targets import services

PROVINCE_ROLES = {Role.PROVINCE_ADMIN, Role.PROVINCE_ANALYST, Role.REVIEWER}


def _number(request, name: str, default: float) -> float:
    try:
        return float(request.GET.get(name, default))
    except ValueError:
        return default


@login_required
def workbench(request):
    if scope_of(request.user).role not in PROVINCE_ROLES:
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
