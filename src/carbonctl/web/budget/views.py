"""The budget pages (碳排放预算): the overview of the regions in scope with Excel export, a
region's page (headline figures, waterfall, forecast chart, ledger with replay, adjustments)
and its monthly situation report (形势分析) as PDF.

Who sees what: roles with budget access (:data:`Capability.VIEW_BUDGET`) see the budgets of
their regions (:mod:`carbonctl.web.accounts.scope`): province roles every region, a city's
official the city and its counties, a county's official the county. Others, and regions
outside the scope, get 404 and a denial in the audit log. Adjustments are requested by the
province's staff and approved or returned by someone else (two people, docs/budget.md § 1).
"""

from __future__ import annotations

from datetime import datetime, time

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carbonctl import budget as core
from carbonctl.display import format_quantity, to_display
from carbonctl.errors import CarbonctlError, InputError
from carbonctl.web.accounts.permissions import (
    Capability,
    can_approve_adjustment,
    can_request_adjustment,
    can_view_budget,
    can_view_warnings,
    has,
)
from carbonctl.web.accounts.scope import overview_focus, region_or_404, regions_for
from carbonctl.web.audit.services import record_denial
from carbonctl.web.budget import charts, pages, services
from carbonctl.web.budget.forms import (
    FIELD_OF_COLUMN,
    AdjustmentForm,
    DecisionForm,
    OverviewQuery,
    RegionQuery,
    ReportQuery,
)
from carbonctl.web.budget.models import AdjustmentRequest, LedgerEntry
from carbonctl.web.exports import pdf_response, xlsx_response
from carbonctl.web.forms import public_message, query
from carbonctl.web.regions.models import Region

PLAIN_TEXT = "text/plain; charset=utf-8"
WAN = "10^4 t"

#: The overview's Excel columns: Chinese first, with the English beside (UI.md: the same labels
#: as the page, never an internal key).
EXPORT_HEADER = [
    "区划代码 adcode",
    "地区 region",
    "预算（万吨）budget (10^4 t)",
    "实际排放（万吨）actual (10^4 t)",
    "已批项目（万吨）committed (10^4 t)",
    "省级预留（万吨）reserve (10^4 t)",
    "余量（万吨）headroom (10^4 t)",
    "年末预测（万吨）forecast (10^4 t)",
    "预测下限（万吨）forecast low (10^4 t)",
    "预测上限（万吨）forecast high (10^4 t)",
    "预计耗尽日期 exhaustion date",
    "进度预算使用率（%）use of pro-rated budget (%)",
]


def _allowed(request, what: str) -> None:
    if not can_view_budget(request.user):
        record_denial(request, what, "", "role without budget access")
        raise Http404


def _refusal(message: str, status: int) -> HttpResponse:
    """A refused action's message as plain text (never read as HTML), without server paths."""
    return HttpResponse(message, status=status, content_type=PLAIN_TEXT)


def _plan(year: int | None) -> core.FiveYearPlan | None:
    if year is None:
        return None
    try:
        return core.plan_of_year(year)
    except InputError:
        return None


def _default_year(codes: list[str] | None = None) -> int | None:
    """The latest year with monthly data (never the wall clock), else the latest budget year."""
    current = services.current_year()
    if current is not None:
        return current
    budgets = LedgerEntry.objects.filter(kind="budget", year__isnull=False)
    if codes is not None:
        budgets = budgets.filter(region_id__in=codes)
    return budgets.order_by("-year").values_list("year", flat=True).first()


def _years(codes: list[str], year: int | None) -> list[int]:
    """Years to choose from: those with a budget for the regions, and the current one."""
    years = set(
        LedgerEntry.objects.filter(kind="budget", region_id__in=codes, year__isnull=False)
        .values_list("year", flat=True)
        .distinct()
    )
    years |= {y for y in (services.current_year(), year) if y is not None}
    return sorted(years, reverse=True)


def _warnings_url(user, adcode: str) -> str | None:
    """The warning centre filtered to the region, for users who may see warnings."""
    if not can_view_warnings(user):
        return None
    return f"{reverse('warnings:centre')}?region={adcode}"


# --- the overview -----------------------------------------------------------------------------


def _overview_regions(focus: Region, visible, city: Region | None) -> list[Region]:
    """Province → its cities → the chosen city's counties, of the regions the user sees."""
    if focus.level == Region.Level.COUNTY:
        return [focus]
    if focus.level == Region.Level.CITY:
        return [focus, *visible.filter(parent=focus).order_by("adcode")]
    chosen = [focus, *visible.filter(level=Region.Level.CITY).order_by("adcode")]
    if city is not None:
        chosen += list(visible.filter(parent=city).order_by("adcode"))
    return chosen


@login_required
def overview(request):
    """碳排放预算: headline figures of the user's top region and the table of the regions in
    scope for a year."""
    _allowed(request, "budget.overview")
    asked = query(request, OverviewQuery)
    focus = overview_focus(request.user)
    if focus is None:  # a regional role without a region in its profile
        raise Http404
    visible = regions_for(request.user)
    city = None
    if asked["city"]:
        city = region_or_404(request, asked["city"])
        if city.level != Region.Level.CITY:
            city = None
    regions = _overview_regions(focus, visible, city)
    codes = [r.adcode for r in regions]
    year = asked["year"] or _default_year(codes)
    plan = _plan(year)
    rows = []
    if plan is not None:
        monthly = services.monthly_table(codes)
        for shown in services.overview(year, regions):
            rows.append(
                {
                    **pages.headline(
                        shown,
                        pages.pro_rata_use(monthly, shown["region"], year, shown["budget_tco2"]),
                    ),
                    "adcode": shown["region"],
                    "name": shown["name"],
                    "level": shown["level"],
                }
            )
    if asked["format"] == "xlsx":
        return xlsx_response(
            f"budget-{year}.xlsx",
            f"预算 {year}",
            EXPORT_HEADER,
            [_export_row(r) for r in rows],
        )
    top = next((r for r in rows if r["adcode"] == focus.adcode), None)
    pending = AdjustmentRequest.objects.none()
    if can_request_adjustment(request.user) or has(request.user, Capability.APPROVE_ADJUSTMENT):
        pending = AdjustmentRequest.objects.filter(
            status=AdjustmentRequest.Status.PENDING, region__in=visible
        ).select_related("region", "requested_by")
    return render(
        request,
        "budget/overview.html",
        {
            "focus": focus,
            "year": year,
            "years": _years(codes, year),
            "plan": plan,
            "top": top,
            "rows": rows,
            "city": city,
            "cities": visible.filter(level=Region.Level.CITY) if focus.level == "province" else [],
            "pending": pending,
        },
    )


def _export_row(row: dict) -> list:
    def wan(value):
        return to_display(value, "万吨", 1)

    return [
        row["adcode"],
        row["name"],
        wan(row["budget"]),
        wan(row["actual"]),
        wan(row["committed"]),
        wan(row["reserve"]),
        wan(row["headroom"]),
        wan(row["forecast"]),
        wan(row["lo"]),
        wan(row["hi"]),
        row["exhaustion"].isoformat() if row["exhaustion"] else _("预计年内不超预算"),
        to_display(row["use"], "%", 1),
    ]


# --- a region's budget ------------------------------------------------------------------------


def _end_of_day(day) -> datetime | None:
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, time.max))


@login_required
def region_page(request, adcode: str):
    """A region's budget for a year: figures, waterfall, forecast, ledger (replayed to
    ``as_of``), adjustments and the link to its warnings."""
    _allowed(request, "budget.region")
    region = region_or_404(request, adcode)
    asked = query(request, RegionQuery)
    return _region(request, region, asked["year"], asked["as_of"])


def _region(request, region: Region, year, as_of, *, form=None, status: int = 200):
    year = year or _default_year([region.adcode])
    plan = _plan(year)
    context = {
        "region": region,
        "year": year,
        "plan": plan,
        "years": _years([region.adcode], year),
        "as_of": as_of,
        "warnings_url": _warnings_url(request.user, region.adcode),
        "parent": region.parent
        if region.parent_id and regions_for(request.user).filter(pk=region.parent_id).exists()
        else None,
    }
    if plan is None:
        return render(request, "budget/region.html", context, status=status)
    moment = _end_of_day(as_of)
    entries = services.ledger([region.adcode])
    monthly = services.monthly_table([region.adcode])
    shown = services.show(region.adcode, year, as_of=moment, monthly=monthly, entries=entries)
    position = core.state(entries, region.adcode, year, moment)
    found = pages.forecast(monthly, region.adcode, year)
    months = sorted(monthly.loc[monthly["year"] == year, "month"].unique().tolist())
    rows = LedgerEntry.objects.filter(region=region, year=year).select_related("author", "approver")
    if moment is not None:
        rows = rows.filter(recorded_at__lte=moment)
    requests = AdjustmentRequest.objects.filter(region=region, year=year).select_related(
        "requested_by", "decided_by"
    )
    may_request = can_request_adjustment(request.user)
    if form is None and may_request:
        form = AdjustmentForm(initial={"year": year})
    context.update(
        {
            "budget_set": position.budget_set,
            "figures": pages.headline(
                shown, pages.pro_rata_use(monthly, region.adcode, year, shown["budget_tco2"])
            ),
            "limit": position.actual_limit,
            "entries": rows,
            "requests": [
                {
                    "request": r,
                    "may_decide": r.status == AdjustmentRequest.Status.PENDING
                    and can_approve_adjustment(request.user, r.requested_by_id),
                    "own": r.requested_by_id == request.user.pk,
                }
                for r in requests
            ],
            "form": form if may_request else None,
            "report_month": months[-1] if months else None,
            "chart": {
                "waterfall": pages.waterfall(shown),
                "cumulative": pages.cumulative(shown, found),
            },
        }
    )
    return render(request, "budget/region.html", context, status=status)


@login_required
@require_POST
def request_adjustment(request, adcode: str):
    """Propose an adjustment of the region's budget (REQUEST_ADJUSTMENT); errors are shown
    beside their fields."""
    _allowed(request, "budget.AdjustmentRequest")
    region = region_or_404(request, adcode)
    if not can_request_adjustment(request.user):
        record_denial(request, "budget.AdjustmentRequest", "", "role may not request adjustments")
        raise PermissionDenied
    form = AdjustmentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.request_adjustment(
                request.user,
                region=region.adcode,
                year=data["year"],
                reason_code=data["reason_code"],
                amount_tco2=form.amount_tco2(),
                reason=data["reason"],
                adjusts=data["adjusts"] or None,
            )
        except CarbonctlError as exc:
            field = FIELD_OF_COLUMN.get(getattr(exc, "column", None))
            form.add_error(field, public_message(exc))
        else:
            url = reverse("budget:region", args=[region.adcode])
            return redirect(f"{url}?year={data['year']}#adjustments")
    year = form.cleaned_data.get("year")  # the page of the year asked, if it is a plan's
    return _region(request, region, year if _plan(year) else None, None, form=form, status=422)


@login_required
@require_POST
def decide(request, request_id: int):
    """Approve (the entry enters the ledger, approved by this user) or return a request; never
    by its author (refused with the reason, audited)."""
    _allowed(request, "budget.AdjustmentRequest")
    found = get_object_or_404(AdjustmentRequest, pk=request_id)
    region_or_404(request, found.region_id)
    asked = query(request, DecisionForm, request.POST)
    if not has(request.user, Capability.APPROVE_ADJUSTMENT):
        record_denial(
            request, "budget.AdjustmentRequest", str(found.pk), "role may not approve adjustments"
        )
        return _refusal(_("您的角色无权批准预算调整。"), 403)
    if not can_approve_adjustment(request.user, found.requested_by_id):
        record_denial(
            request, "budget.AdjustmentRequest", str(found.pk), "the author may not approve"
        )
        return _refusal(_("预算调整须由申请人以外的人批准：您不能批准或退回自己的申请。"), 403)
    try:
        services.decide_adjustment(
            request.user, found, approve=asked["decision"] == "approve", note=asked["note"]
        )
    except CarbonctlError as exc:
        return _refusal(public_message(exc), 409)
    url = reverse("budget:region", args=[found.region_id])
    return redirect(f"{url}?year={found.year}#adjustments" if found.year else url)


# --- the monthly situation report --------------------------------------------------------------


def _wan(value: float | None) -> str:
    return format_quantity(value, "万吨", 1, grouping=True)


def _percent(value: float | None) -> str:
    return format_quantity(value, "%", 1)


def _report_text(region: Region, year: int, month: int, facts: dict) -> list[str]:
    """The summary paragraph of the situation report, in Chinese, with the numbers."""
    name = region.name_zh
    span = f"{year}年1月" if month == 1 else f"{year}年1—{month}月"
    lines = []
    if facts["to_date"] is None:
        lines.append(f"{name}{span}尚无月度排放估算数据。")
    else:
        first = f"{name}{span}碳排放估算为{_wan(facts['to_date'])}万吨"
        previous = facts["previous"]
        if previous:
            change = facts["to_date"] / previous - 1.0
            word = "增长" if change >= 0 else "下降"
            first += f"，比上年同期{word}{_percent(abs(change))}（上年同期{_wan(previous)}万吨）"
        lines.append(first + "。")
    record = facts["record"]
    if not facts["budget_set"]:
        lines.append(f"尚未下达{year}年碳排放预算。")
    else:
        text = f"{year}年碳排放预算{_wan(record['budget_tco2'])}万吨"
        if facts["to_date"] is not None and record["budget_tco2"] > 0:
            text += f"，已使用{_percent(facts['to_date'] / record['budget_tco2'])}"
            if facts["use"] is not None:
                text += f"，为按往年进度折算的进度预算的{_percent(facts['use'])}"
        text += (
            f"；已批项目{_wan(record['committed_tco2'])}万吨，"
            f"省级预留{_wan(record['reserve_tco2'])}万吨，"
        )
        headroom = record["headroom_tco2"]
        if headroom < 0:
            text += f"余量为负，已超出预算{_wan(-headroom)}万吨。"
        else:
            text += f"余量{_wan(headroom)}万吨。"
        lines.append(text)
    if record["forecast_tco2"] is None:
        lines.append("月度数据不足（需要至少两个完整年度的月度数据），暂不能预测全年排放。")
    else:
        text = (
            f"按月度数据预测，{year}年全年排放约{_wan(record['forecast_tco2'])}万吨"
            f"（90%区间{_wan(record['forecast_lo'])}—{_wan(record['forecast_hi'])}万吨）"
        )
        if facts["budget_set"]:
            exhausted = record["exhaustion_date"]
            if exhausted:
                day = datetime.strptime(exhausted, "%Y-%m-%d").date()
                text += f"，预计{day.year}年{day.month}月{day.day}日耗尽预算"
                text += f"（预算扣除已批项目和省级预留后为{_wan(facts['limit'])}万吨）"
            else:
                text += "，预计年内不超预算"
        lines.append(text + "。")
    return lines


def _month_warnings(user, region: Region, year: int, month: int):
    """The warnings of the month (period YYYY-MM, or a day of it) of the region and the regions
    under it, of those the user may see."""
    from carbonctl.web.warnings.services import warnings_for

    codes = [region.adcode]
    children = list(Region.objects.filter(parent=region).values_list("adcode", flat=True))
    codes += children + list(
        Region.objects.filter(parent__in=children).values_list("adcode", flat=True)
    )
    period = f"{year:04d}-{month:02d}"
    return (
        warnings_for(user)
        .filter(region_id__in=codes)
        .filter(Q(period=period) | Q(period__startswith=period + "-"))
        .select_related("rule", "region")
        .order_by("region_id", "-level", "rule_id_text")
    )


@login_required
def report(request, adcode: str):
    """The monthly situation report (碳排放形势分析) of a region as PDF."""
    _allowed(request, "budget.report")
    region = region_or_404(request, adcode)
    asked = query(request, ReportQuery)
    all_months = services.monthly_table([region.adcode])
    year = asked["year"] or _default_year([region.adcode])
    plan = _plan(year)
    if plan is None:
        raise Http404
    month = asked["month"] or pages.data_month(all_months, region.adcode, year) or 12
    monthly = pages.through_month(all_months, year, month)
    entries = services.ledger([region.adcode])
    shown = services.show(region.adcode, year, monthly=monthly, entries=entries)
    position = core.state(entries, region.adcode, year)
    seen = pages.data_month(monthly, region.adcode, year)
    to_date = pages.to_date(monthly, region.adcode, year) if seen else None
    previous = pages.to_date(monthly, region.adcode, year - 1, seen) if seen else None
    facts = {
        "record": shown,
        "budget_set": position.budget_set,
        "limit": position.actual_limit,
        "to_date": to_date,
        "previous": previous,
        "use": pages.pro_rata_use(monthly, region.adcode, year, shown["budget_tco2"]),
    }
    found = pages.forecast(monthly, region.adcode, year)

    def by_month(y):
        rows = monthly[(monthly["region"] == region.adcode) & (monthly["year"] == y)]
        values = dict(zip(rows["month"], rows["tco2"], strict=True))
        return [pages.wan(values.get(m)) for m in range(1, 13)]

    title = f"{region.name_zh}{year}年{month}月碳排放形势分析"
    with translation.override("zh-hans"):
        context = {
            "title": title,
            "region": region,
            "year": year,
            "month": month,
            "plan": plan,
            "summary": _report_text(region, year, month, facts),
            "figures": pages.headline(shown, facts["use"]),
            "budget_set": position.budget_set,
            "warnings": list(_month_warnings(request.user, region, year, month)),
            "charts": {
                "cumulative": charts.cumulative_chart(pages.cumulative(shown, found), year),
                "monthly": charts.monthly_chart(by_month(year), by_month(year - 1), year),
            },
            "made": timezone.localtime(),
        }
        return pdf_response(
            request,
            f"situation-{region.adcode}-{year}-{month:02d}.pdf",
            "budget/report_pdf.html",
            context,
        )
