"""Region inventory pages with Excel export and drill-down, the map boundaries, and the published
figures (信息公开). The province overview is the home page (:mod:`carbonctl.web.home`)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from carbonctl.web.accounts.permissions import can_publish
from carbonctl.web.accounts.scope import region_or_404
from carbonctl.web.audit.services import record_denial
from carbonctl.web.exports import xlsx_response
from carbonctl.web.forms import query
from carbonctl.web.inventories import maps, services
from carbonctl.web.inventories.forms import CellsQuery, PublishForm, YearQuery
from carbonctl.web.inventories.models import Disclosure


def _dataset_year(year: int | None):
    """The current dataset and ``year`` (its latest year when None)."""
    dataset = services.current_dataset()
    if dataset is None:
        return None, None
    return dataset, year if year is not None else services.latest_year(dataset)


@login_required
def region_inventory(request, adcode: str):
    params = query(request, YearQuery)
    region = region_or_404(request, adcode)
    dataset, year = _dataset_year(params["year"])
    matrix = services.region_matrix(dataset, region, year) if dataset else []
    if params["format"] == "xlsx":
        return xlsx_response(
            f"inventory-{region.adcode}-{year}.xlsx",
            str(year),
            ["部门 sector", "品种 fuel", "排放量 tCO2"],
            [[r["sector"], r["fuel"], r["tco2"]] for r in matrix],
        )
    return render(
        request,
        "inventories/region.html",
        {
            "region": region,
            "year": year,
            "matrix": matrix,
            "dataset": dataset,
            "trend": services.region_trend(dataset, region) if dataset else [],
            "years": services.years(dataset) if dataset else [],
        },
    )


@login_required
def region_cells(request, adcode: str):
    """Drill-down: the county cells (amount, unit, CO2) behind one sector × fuel figure."""
    params = query(request, CellsQuery)
    region = region_or_404(request, adcode)
    dataset, year = _dataset_year(params["year"])
    if dataset is None:
        raise Http404
    sector, fuel = params["sector"], params["fuel"]
    cells, total = services.cells_behind(dataset, region, year, sector, fuel)
    return render(
        request,
        "inventories/cells.html",
        {
            "region": region,
            "year": year,
            "sector": sector,
            "fuel": fuel,
            "cells": cells,
            "total": total,
            "dataset": dataset,
        },
    )


@cache_control(max_age=86400, public=True)
def map_geojson(request, level: str):
    if level not in maps.FILES:
        raise Http404
    return HttpResponse(maps.shanxi_geojson(level), content_type="application/geo+json")


def disclosures(request):
    """Published figures: open to everyone, including the public and anonymous visitors."""
    params = query(request, YearQuery)
    published = Disclosure.objects.select_related("region", "dataset")
    if params["format"] == "xlsx":
        return xlsx_response(
            "disclosures.xlsx",
            "disclosures",
            [
                "年份 year",
                "区划代码 adcode",
                "地区 region",
                "排放量 tCO2",
                "强度 t/10^4 yuan",
                "数据集 dataset",
                "发布时间 published",
            ],
            [
                [
                    d.year,
                    d.region_id,
                    d.region.name_zh,
                    d.tco2,
                    d.intensity,
                    d.dataset.label,
                    d.published_at.isoformat(),
                ]
                for d in published
            ],
        )
    _dataset, year = _dataset_year(params["year"])
    return render(
        request,
        "inventories/disclosures.html",
        {"disclosures": published, "can_publish": can_publish(request.user), "year": year},
    )


@login_required
@require_POST
def publish(request):
    dataset, year = _dataset_year(query(request, PublishForm, request.POST)["year"])
    if dataset is None:
        raise Http404
    try:
        services.publish(request.user, dataset, year)
    except PermissionDenied as exc:
        record_denial(request, "inventories.Disclosure", "", str(exc))
        raise
    return redirect("inventories:disclosures")
