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
from carbonctl.web.inventories import maps, presentation, services
from carbonctl.web.inventories.forms import CellsQuery, PublishForm, YearQuery
from carbonctl.web.inventories.models import Disclosure
from carbonctl.web.labels import label
from carbonctl.web.regions.models import Region


def _dataset_year(year: int | None):
    """The current dataset and ``year`` (its latest year when None)."""
    dataset = services.current_dataset()
    if dataset is None:
        return None, None
    return dataset, year if year is not None else services.latest_year(dataset)


@login_required
def region_inventory(request, adcode: str):
    """A region's inventory, answer first: headline figures, the trend by key industry, then
    the sector × fuel matrix grouped by key industry (also as Excel, same layout and names)."""
    params = query(request, YearQuery)
    region = region_or_404(request, adcode)
    dataset, year = _dataset_year(params["year"])
    matrix = services.region_matrix_grouped(dataset, region, year) if dataset else None
    if matrix is not None and not matrix.groups:
        matrix = None  # a year without figures: the page says so
    if params["format"] == "xlsx":
        if matrix is None:
            raise Http404
        header, rows = presentation.matrix_sheet(matrix)
        return xlsx_response(
            f"inventory-{region.adcode}-{year}.xlsx", f"{region.name} {year}", header, rows
        )
    headline = services.region_headline(dataset, region, year) if dataset else None
    trend = services.region_key_industry_trend(dataset, region) if dataset else None
    return render(
        request,
        "inventories/region.html",
        {
            "region": region,
            "year": year,
            "years": services.years(dataset) if dataset else [],
            "dataset": dataset,
            **presentation.headline_page(headline),
            "matrix": matrix,
            "table": presentation.matrix_page(matrix, region, year) if matrix else None,
            "chart": presentation.trend_chart(trend) if trend and trend.series else None,
        },
    )


@login_required
def region_cells(request, adcode: str):
    """Drill-down: the counties behind one sector × fuel figure (activity amount, CO2, share),
    their total (the matrix cell) and the default factor of the fuel behind it."""
    params = query(request, CellsQuery)
    region = region_or_404(request, adcode)
    dataset, year = _dataset_year(params["year"])
    if dataset is None:
        raise Http404
    sector, fuel = params["sector"], params["fuel"]
    figure, counties, factor = services.cell_breakdown(dataset, region, year, sector, fuel)
    if not figure.rows:
        raise Http404
    cities = (
        Region.objects.in_bulk({c.parent_id for c in counties.values()})
        if region.level == Region.Level.PROVINCE
        else {}
    )
    rows = [
        {
            "region": counties[r.region],
            "city": cities.get(counties[r.region].parent_id),
            "amount": r.amount,
            "unit": presentation.unit_words(r.unit),
            "tco2": r.tco2,
            "share": r.share,
        }
        for r in figure.rows
    ]
    return render(
        request,
        "inventories/cells.html",
        {
            "region": region,
            "year": year,
            "sector": label("sector_ceads", sector),
            "key_industry": presentation.key_industry_name(
                presentation.sector_key_industry(sector)
            ),
            "fuel": label("fuel", fuel),
            "rows": rows,
            "total": figure.tco2,
            "amount": figure.amount,
            "unit": presentation.unit_words(figure.unit) if figure.unit else "",
            "implied_factor": figure.implied_factor,
            "factor_check": presentation.factor_check(figure.implied_factor, factor),
            "factor": factor,
            "parameters": presentation.factor_rows(factor) if factor else [],
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
