"""The electricity–carbon page (电碳快速评估): daily electricity and estimated CO2 of a region and
sector, the monthly nowcast with its band, a county map of the change on last year, the sector
table and the cities' bulletins (HTML and PDF). Users see the regions their role allows."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from carbonctl import refdata
from carbonctl.display import to_display
from carbonctl.web.accounts.permissions import can_view_electricity
from carbonctl.web.accounts.scope import region_or_404, regions_for, scope_of
from carbonctl.web.audit.services import record_denial
from carbonctl.web.electricity import charts, services
from carbonctl.web.electricity.forms import BulletinQuery, PageQuery
from carbonctl.web.electricity.models import Bulletin, Estimate
from carbonctl.web.exports import pdf_response, xlsx_response
from carbonctl.web.forms import query
from carbonctl.web.regions.models import Region


def _allowed(request) -> None:
    if not can_view_electricity(request.user):
        record_denial(request, "electricity.page", "", "role without region data")
        raise Http404


def _default_region(request) -> str:
    scope = scope_of(request.user)
    if scope.everything:
        return refdata.PROVINCE
    visible = Region.objects.filter(adcode__in=scope.region_codes)
    top = visible.filter(level="city").first() or visible.first()
    if top is None:
        raise Http404
    return top.adcode


@login_required
def page(request):
    _allowed(request)
    assessment = services.current_assessment()
    if assessment is None:
        return render(request, "electricity/page.html", {"assessment": None})
    sectors = services.sector_names()
    months = list(
        Estimate.objects.filter(assessment=assessment, basis=Estimate.Basis.NOWCAST)
        .values_list("month", flat=True)
        .distinct()
        .order_by("month")
    )
    params = query(request, PageQuery, sectors=sectors, months=months, everything=services.ALL)
    region = region_or_404(request, params["region"] or _default_region(request))
    sector = params["sector"] or services.ALL
    month = params["month"] or months[-1]
    table = services.sector_table(assessment, region.adcode, month)
    if params["format"] == "xlsx":
        return xlsx_response(
            f"electricity-carbon-{region.adcode}-{month}.xlsx",
            month,
            ["部门 sector", "估算 tCO2", "下限 low", "上限 high", "用电量 kWh", "同比 %"],
            [
                [
                    str(_("全部门")) if r["sector"] == services.ALL else r["name"],
                    *(r[k] for k in ("tco2", "lo", "hi", "kwh")),
                    to_display(r["growth"], "%"),
                ]
                for r in table
            ],
        )
    visible = regions_for(request.user)
    if region.level == "county":
        counties = [region.adcode]
    else:
        counties = visible.filter(level="county")
        if region.level == "city":
            counties = counties.filter(parent=region)
        counties = list(counties.values_list("adcode", flat=True))
    bulletins = Bulletin.objects.filter(assessment=assessment, month=month, city__in=visible)
    if region.level != "province":  # a city's page lists its own bulletin; a county has none
        bulletins = bulletins.filter(city=region)
    chart = {
        "monthly": services.monthly_series(assessment, region.adcode, sector),
        "daily": services.daily_series(assessment, region.adcode, sector),
        "counties": services.county_growth(assessment, month, counties),
        "level": region.level,
        "city": region.adcode if region.level == "city" else "",
    }
    context = {
        "assessment": assessment,
        "region": region,
        "regions": visible.exclude(level="county") if region.level != "county" else [region],
        "county_regions": visible.filter(level="county", parent=region)
        if region.level == "city"
        else [],
        "sector": sector,
        "sectors": sectors,
        "month": month,
        "months": months,
        "table": table,
        "chart": chart,
        "bulletins": bulletins.select_related("city"),
    }
    return render(request, "electricity/page.html", context)


def _bulletin_or_404(request, bulletin_id: int) -> Bulletin:
    _allowed(request)
    found = get_object_or_404(Bulletin, pk=bulletin_id)
    region_or_404(request, found.city_id)  # a city the user may not see: 404 and a denial
    return found


@login_required
def bulletin(request, bulletin_id: int):
    params = query(request, BulletinQuery)
    record = _bulletin_or_404(request, bulletin_id)
    content = services.bulletin_of(record)
    context = {
        "record": record,
        "bulletin": content,
        "sectors": content.fastest("sectors", top=10),
        "counties": content.fastest("counties", top=10),
        "assessment": record.assessment,
    }
    if params["format"] == "pdf":
        context["charts"] = charts.bulletin_charts(content)
        return pdf_response(
            request,
            f"bulletin-{record.city_id}-{record.month}.pdf",
            "electricity/bulletin_pdf.html",
            context,
        )
    return render(request, "electricity/bulletin.html", context)
