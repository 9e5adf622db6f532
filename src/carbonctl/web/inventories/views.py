"""The province overview with its map, and region inventory pages with Excel export."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control

from carbonctl.web.accounts.scope import region_or_404, regions_for, scope_of
from carbonctl.web.exports import xlsx_response
from carbonctl.web.inventories import maps, services


def _dataset_year(request):
    dataset = services.current_dataset()
    if dataset is None:
        return None, None
    year = request.GET.get("year")
    return dataset, int(year) if year and year.isdigit() else services.latest_year(dataset)


@login_required
def overview(request):
    if scope_of(request.user).role == "public":
        raise Http404
    dataset, year = _dataset_year(request)
    data = services.overview(dataset, year, regions_for(request.user)) if dataset else None
    return render(
        request, "inventories/overview.html", {"data": data, "dataset": dataset, "year": year}
    )


@login_required
def region_inventory(request, adcode: str):
    region = region_or_404(request, adcode)
    dataset, year = _dataset_year(request)
    matrix = services.region_matrix(dataset, region, year) if dataset else []
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            f"inventory-{region.adcode}-{year}.xlsx",
            str(year),
            ["部门 sector", "品种 fuel", "排放量 tCO2"],
            [[r["sector"], r["fuel"], r["tco2"]] for r in matrix],
        )
    return render(
        request,
        "inventories/region.html",
        {"region": region, "year": year, "matrix": matrix, "dataset": dataset},
    )


@cache_control(max_age=86400, public=True)
def map_geojson(request, level: str):
    if level not in maps.FILES:
        raise Http404
    return HttpResponse(maps.shanxi_geojson(level), content_type="application/geo+json")
