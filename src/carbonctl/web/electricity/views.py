"""The electricity–carbon page (电碳快速评估): daily electricity and estimated CO2 of a region and
sector, the monthly nowcast with its band, a county map of the change on last year, the sector
table and the cities' bulletins (HTML and PDF). Users see the regions their role allows."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string

from carbonctl import refdata
from carbonctl.electricity.schema import model_sectors
from carbonctl.web.accounts.models import Role
from carbonctl.web.accounts.scope import region_or_404, regions_for, scope_of
from carbonctl.web.audit.services import record_denial
from carbonctl.web.electricity import charts, services
from carbonctl.web.electricity.models import Bulletin, Estimate
from carbonctl.web.exports import xlsx_response
from carbonctl.web.regions.models import Region

ALLOWED = {
    Role.PROVINCE_ADMIN,
    Role.PROVINCE_ANALYST,
    Role.REVIEWER,
    Role.CITY_OFFICIAL,
    Role.COUNTY_OFFICIAL,
}


def _allowed(request) -> None:
    if scope_of(request.user).role not in ALLOWED:
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
    region = region_or_404(request, request.GET.get("region") or _default_region(request))
    sectors = {s.code: s.name_zh for s in model_sectors()}
    sector = request.GET.get("sector", services.ALL)
    if sector != services.ALL and sector not in sectors:
        sector = services.ALL
    months = list(
        Estimate.objects.filter(assessment=assessment, basis=Estimate.Basis.NOWCAST)
        .values_list("month", flat=True)
        .distinct()
        .order_by("month")
    )
    month = request.GET.get("month") if request.GET.get("month") in months else months[-1]
    table = services.sector_table(assessment, region.adcode, month)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            f"electricity-carbon-{region.adcode}-{month}.xlsx",
            month,
            ["部门 sector", "名称 name", "估算 tCO2", "下限 low", "上限 high", "kWh", "同比 %"],
            [
                [r["sector"], r["name"], r["tco2"], r["lo"], r["hi"], r["kwh"], r["growth"]]
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


def _display(item) -> dict:
    """A ranked sector or county in the units the tables show (万吨, %)."""
    return {
        "name": item.name,
        "tco2": item.tco2 / 1e4,
        "previous": item.previous / 1e4,
        "growth": item.growth * 100,
        "share": item.share * 100,
    }


@login_required
def bulletin(request, bulletin_id: int):
    record = _bulletin_or_404(request, bulletin_id)
    content = services.bulletin_of(record)
    context = {
        "record": record,
        "bulletin": content,
        "sectors": [_display(r) for r in content.fastest("sectors", top=10)],
        "counties": [_display(r) for r in content.fastest("counties", top=10)],
        "assessment": record.assessment,
    }
    if request.GET.get("format") == "pdf":
        from weasyprint import HTML

        context["charts"] = charts.bulletin_charts(content)
        html = render_to_string("electricity/bulletin_pdf.html", context, request=request)
        response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="bulletin-{record.city_id}-{record.month}.pdf"'
        )
        return response
    return render(request, "electricity/bulletin.html", context)
