"""Region pages: the province with its cities and their counties, each with its emissions (for
users who may see them) and the way to its inventory."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext

from carbonctl import refdata
from carbonctl.web.accounts.permissions import can_view_overview
from carbonctl.web.accounts.scope import enterprises_for, region_or_404, regions_for
from carbonctl.web.exports import xlsx_response
from carbonctl.web.forms import ExportQuery, query
from carbonctl.web.inventories import presentation, services
from carbonctl.web.labels import label
from carbonctl.web.regions.models import Region


def _figures(user, regions) -> tuple[object, int | None, dict[str, dict]]:
    """The current dataset, its latest year and the totals (with their change) of those of
    ``regions`` the user may see figures of: none for users without region figures."""
    dataset = services.current_dataset()
    year = services.latest_year(dataset) if dataset else None
    if year is None or not can_view_overview(user):
        return dataset, year, {}
    visible = set(regions_for(user).values_list("adcode", flat=True))
    codes = [r.adcode for r in regions if r.adcode in visible]
    return dataset, year, services.region_totals(dataset, year, codes)


def region_list(request):
    """Shanxi's cities and their counties by name (in both languages), with each city's total
    when the user may see it."""
    if query(request, ExportQuery)["format"] == "xlsx":
        regions = Region.objects.select_related("parent")
        return xlsx_response(
            "regions.xlsx",
            "regions",
            [
                gettext("区划代码"),
                gettext("级别"),
                gettext("中文名称"),
                gettext("英文名称"),
                gettext("上级"),
                gettext("数据状态"),
                gettext("数据状态说明"),
                gettext("来源"),
            ],
            [
                [
                    r.adcode,
                    label("region_level", r.level),
                    r.name_zh,
                    r.name_en,
                    r.parent.name if r.parent else "",
                    label("status", refdata.status_label(r.status)),
                    r.status,
                    r.source,
                ]
                for r in regions
            ],
        )
    cities = list(Region.objects.filter(level=Region.Level.CITY).prefetch_related("children"))
    province = Region.objects.filter(level=Region.Level.PROVINCE).first()
    dataset, year, totals = _figures(request.user, [*cities, *([province] if province else [])])
    visible = set(regions_for(request.user).values_list("adcode", flat=True))
    rows = [
        {
            "region": city,
            "figure": totals.get(city.adcode),
            "change": presentation.change_words((totals.get(city.adcode) or {}).get("change")),
            "inventory": request.user.is_authenticated and city.adcode in visible,
        }
        for city in cities
    ]
    return render(
        request,
        "regions/list.html",
        {
            "province": province,
            "province_figure": totals.get(province.adcode) if province else None,
            "cities": cities,
            "rows": rows,
            "year": year,
            "figures": bool(totals),
            "partial": bool(totals) and any(r["figure"] is None for r in rows),
            "dataset": dataset,
        },
    )


@login_required
def region_detail(request, adcode: str):
    """A region the user may see: its names, headline figures and the link to its inventory,
    its counties with their totals, and the enterprises within the user's scope."""
    region = region_or_404(request, adcode)
    counties = list(region.children.all())
    dataset, year, totals = _figures(request.user, [region, *counties])
    own = totals.get(region.adcode, {}).get("tco2")
    rows = sorted(
        (
            {
                "region": county,
                "figure": totals.get(county.adcode),
                "share": (totals[county.adcode]["tco2"] / own)
                if own and county.adcode in totals
                else None,
                "change": presentation.change_words(
                    (totals.get(county.adcode) or {}).get("change")
                ),
            }
            for county in counties
        ),
        key=lambda r: -(r["figure"] or {}).get("tco2", 0.0),
    )
    headline = (
        services.region_headline(dataset, region, year)
        if dataset and year is not None and can_view_overview(request.user)
        else None
    )
    enterprises = (
        enterprises_for(request.user)
        .filter(county__in=[region, *counties])
        .select_related("county")
    )
    return render(
        request,
        "regions/detail.html",
        {
            "region": region,
            "level": label("region_level", region.level),
            "parent_visible": region.parent_id is not None
            and regions_for(request.user).filter(adcode=region.parent_id).exists(),
            "counties": rows,
            "enterprises": enterprises,
            "year": year,
            "dataset": dataset,
            **presentation.headline_page(headline),
        },
    )
