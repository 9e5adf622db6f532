"""What each role's home page (首页) shows, gathered from the apps that compute it.

Province roles and officials: headline figures (stat panels) of their region, the barometer
grades of the regions below it with their numbers, what needs attention, the latest nowcast.
Enterprise reporters: their reports, warnings and projects. The public: published figures.
No figure is computed here: each is asked of the app that owns it (inventories, warnings,
budget, electricity, projects, submissions) and only put into words, units and colours.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from django.core.cache import cache
from django.db.models import Case, Count, IntegerField, Max, Value, When
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from carbonctl import budget as budget_core
from carbonctl import refdata
from carbonctl.display import MISSING, format_quantity, to_display
from carbonctl.errors import CarbonctlError, InputError
from carbonctl.indicators import co2_intensity, year_on_year_change
from carbonctl.web.accounts.permissions import (
    Capability,
    can_file_project,
    can_view_budget,
    can_view_electricity,
    can_view_projects,
    can_view_warnings,
    has,
    sees_whole_province,
)
from carbonctl.web.accounts.scope import regions_for, submissions_for
from carbonctl.web.budget import pages as budget_pages
from carbonctl.web.budget import services as budgets
from carbonctl.web.budget.models import LedgerEntry
from carbonctl.web.electricity import services as electricity
from carbonctl.web.electricity.models import Estimate
from carbonctl.web.inventories import services as inventories
from carbonctl.web.inventories.models import Dataset, Disclosure
from carbonctl.web.labels import label
from carbonctl.web.projects import services as projects
from carbonctl.web.projects.models import Project
from carbonctl.web.regions.models import Region
from carbonctl.web.submissions.models import Submission
from carbonctl.web.targets.services import region_figures
from carbonctl.web.warnings import labels as warning_labels
from carbonctl.web.warnings import services as warnings
from carbonctl.web.warnings.models import Warning, WarningRule

#: Tones of a status (the colour of its word): good (green), warn (amber), bad (red), none.
GOOD, WARN, BAD, NONE = "good", "warn", "bad", "none"
#: The tone of each barometer level.
LEVEL_TONE = {Warning.Level.GREEN: GOOD, Warning.Level.YELLOW: WARN, Warning.Level.RED: BAD}
#: A change on last year shown as 0.0 % (one decimal) is no change.
FLAT = 0.0005
#: Warnings listed by name on the home page (the rest are counted and linked).
TOP_WARNINGS = 6
#: Warnings the large screen's ticker runs through.
TICKER_WARNINGS = 20
#: Rows of each list on an enterprise's home page (the full lists are a link away).
LIST_ROWS = 10
#: The reviewer's steps a project waits for (评估, 审查决定, 重新审查).
AWAITING_REVIEW = (Project.Status.SUBMITTED, Project.Status.ASSESSED, Project.Status.RE_REVIEW)


#: Seconds the figures of a loaded dataset, assessment or ledger state are kept between
#: requests: they do not change under their key (a new load is a new record, the ledger only
#: grows), so the time only bounds the memory.
KEPT_SECONDS = 3600


def kept(key: str, compute):
    """``compute()``, kept in the cache under ``key`` for :data:`KEPT_SECONDS`."""
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, KEPT_SECONDS)
    return found


@dataclass
class Stat:
    """One stat panel (指标卡, as Grafana's): a big number with its unit, the change on last
    year, a status word with its tone (the colour), smaller lines, and the page that explains
    the figure (None when the role may not open one)."""

    key: str
    title: str
    value: str
    unit: str = ""
    change: str = ""
    status: str = ""
    tone: str = NONE
    notes: list[str] = field(default_factory=list)
    link: str | None = None
    link_label: str = ""
    extra: list[dict] = field(default_factory=list)  # further links: {"label", "url", "tone"}


def _url(name: str, *args, **params) -> str:
    url = reverse(name, args=args)
    shown = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{url}?{urlencode(shown)}" if shown else url


def signed_percent(fraction: float | None, decimals: int = 1) -> str:
    """A change as "+2.1%" / "-3.8%" / "0.0%" (format_quantity, with the sign of a rise)."""
    if fraction is None:
        return MISSING
    text = format_quantity(fraction, "%", decimals)
    return f"+{text}" if float(text.rstrip("%")) > 0 else text


def _direction(change: float | None, rise: str, *, to_date: bool = False) -> tuple[str, str]:
    """The word and tone of a change on last year (``to_date``: of the year to date on the
    same months of last year); ``rise`` is the tone of a rise."""
    if change is None:
        return (_("无上年同期数据") if to_date else _("无上年数据")), NONE
    if change > FLAT:
        return (_("累计同比上升") if to_date else _("比上年上升")), rise
    if change < -FLAT:
        return (_("累计同比下降") if to_date else _("比上年下降")), GOOD
    return (_("累计同比持平") if to_date else _("与上年持平")), GOOD


def yearly_changes(trend: list[dict], year: int) -> tuple[float | None, float | None]:
    """The change on the year before of CO2 and of intensity in ``year``, from a region's
    trend (:func:`carbonctl.indicators.year_on_year_change`)."""
    table = pd.DataFrame(
        [("focus", t["year"], t["tco2"], t["intensity"]) for t in trend],
        columns=["region", "year", "co2", "intensity"],
    )
    if year not in set(table["year"]):
        return None, None
    at = table.index[table["year"] == year][0]
    out = []
    for column in ("co2", "intensity"):
        values = pd.to_numeric(table[column], errors="coerce").astype(float).rename(column)
        change = year_on_year_change(table, values).loc[at]
        out.append(None if pd.isna(change) else float(change))
    return out[0], out[1]


# --- the stat panels ---------------------------------------------------------------------------


def co2_stat(total: dict | None, change: float | None, year: int, link: str | None) -> Stat:
    status, tone = _direction(change, WARN)
    return Stat(
        "co2",
        _("%(year)s年二氧化碳排放总量") % {"year": year},
        format_quantity(total["tco2"], "万吨", 1, grouping=True) if total else MISSING,
        _("万吨"),
        change=signed_percent(change),
        status=status,
        tone=tone,
        link=link,
    )


def intensity_stat(total: dict | None, change: float | None, year: int, link: str | None) -> Stat:
    intensity = total.get("intensity") if total else None
    status, tone = _direction(change, BAD)
    return Stat(
        "intensity",
        _("%(year)s年碳排放强度") % {"year": year},
        floatformat(intensity, 3) if intensity is not None else MISSING,
        _("吨/万元"),
        change=signed_percent(change),
        status=status,
        tone=tone,
        notes=[_("按可比价地区生产总值计算")],
        link=link,
    )


def progress_stat(grade: dict | None, link: str | None) -> Stat:
    """Progress of the five-year intensity target against the schedule (时序进度), as the
    carbon barometer graded it: cumulative reduction achieved and required by now."""
    title = _("强度下降目标进度")
    if grade is None:
        return Stat(
            "progress",
            title,
            MISSING,
            status=_("尚无评级"),
            notes=[_("碳排放晴雨表发布后显示。")],
            link=link,
        )
    achieved, required = grade["value"], grade["threshold"]
    level = Warning.Level(grade["level"])
    try:
        plan = label("plan", budget_core.plan_of_year(int(grade["period"])).plan)
    except (InputError, ValueError):
        plan = ""
    return Stat(
        "progress",
        title,
        format_quantity(achieved, "%", 2),
        _("累计下降"),
        status=_("达到进度") if achieved >= required else _("滞后"),
        tone=LEVEL_TONE[level],
        notes=[
            _("进度要求累计下降 %(required)s") % {"required": format_quantity(required, "%", 2)},
            f"{plan} · {grade['period']} · {level.label}",
        ],
        link=link,
    )


def budget_figures(focus: Region) -> dict | None:
    """The focus region's carbon budget of the current year (the latest year with monthly
    data): the budget app's record (:func:`carbonctl.web.budget.services.overview`: regions
    without a budget have none), the last month with data and the use of the pro-rated budget
    (:func:`carbonctl.web.budget.pages.pro_rata_use`); None without monthly data or budget,
    ``{"year", "unknown": True}`` when the budget app cannot compute the record (too little
    monthly history for its forecast)."""
    monthly = budgets.monthly_table([focus.adcode])
    year = budgets.current_year(monthly)
    if year is None:
        return None
    try:
        shown = budgets.overview(year, [focus])
    except CarbonctlError:
        return {"year": year, "unknown": True}
    if not shown:
        return None
    record = shown[0]
    return {
        "year": year,
        "budget_tco2": record["budget_tco2"],
        "actual_tco2": record["actual_tco2"],
        "headroom_tco2": record["headroom_tco2"],
        "month": budget_pages.data_month(monthly, focus.adcode, year),
        "use": budget_pages.pro_rata_use(monthly, focus.adcode, year, record["budget_tco2"]),
    }


def budget_stat(figures: dict | None, link: str | None) -> Stat:
    """The year's carbon budget used: emissions to date over the year's budget, beside the
    share of the year elapsed (months with data); the status follows the budget app's use of
    the pro-rated budget (:func:`budget_figures`)."""
    year = figures["year"] if figures else None
    title = _("%(year)s年碳排放预算使用") % {"year": year} if year else _("碳排放预算使用")
    if figures is not None and figures.get("unknown"):
        notes = [_("月度数据不足以预测全年，见预算页面。")]
        return Stat("budget", title, MISSING, status=_("暂无法计算"), notes=notes, link=link)
    if figures is None or not figures["budget_tco2"]:
        return Stat("budget", title, MISSING, status=_("尚无预算"), link=link)
    budget, month, use = figures["budget_tco2"], figures["month"], figures["use"]
    if figures["headroom_tco2"] < 0:
        status, tone = _("超出预算"), BAD
    elif use is not None and use > 1:
        status, tone = _("超进度使用"), WARN
    else:
        status, tone = _("在进度内"), GOOD
    notes = []
    if month:
        elapsed = format_quantity(month / budget_pages.MONTHS, "%", 1)
        notes.append(
            _("时间进度 %(elapsed)s（1–%(month)s月）") % {"elapsed": elapsed, "month": month}
        )
    notes.append(
        _("已排放 %(actual)s / 预算 %(budget)s 万吨")
        % {
            "actual": format_quantity(figures["actual_tco2"], "万吨", 0, grouping=True),
            "budget": format_quantity(budget, "万吨", 0, grouping=True),
        }
    )
    return Stat(
        "budget",
        title,
        format_quantity(figures["actual_tco2"] / budget, "%", 1),
        _("已用"),
        status=status,
        tone=tone,
        notes=notes,
        link=link,
    )


def warnings_stat(red: int, yellow: int, links: dict[str, str | None]) -> Stat:
    if red:
        status, tone = _("需处置"), BAD
    elif yellow:
        status, tone = _("需关注"), WARN
    else:
        status, tone = _("无待处理预警"), GOOD
    return Stat(
        "warnings",
        _("待处理的红色预警"),
        str(red),
        _("条"),
        status=status,
        tone=tone,
        notes=[_("黄色预警 %(count)s 条") % {"count": yellow}],
        link=links.get("red"),
        link_label=_("查看红色预警"),
        extra=[{"label": _("查看黄色预警"), "url": links["yellow"], "tone": WARN}]
        if links.get("yellow")
        else [],
    )


def nowcast_stat(nowcast: dict | None, link: str | None) -> Stat:
    """The latest month's electricity–carbon estimate and the year to date on last year."""
    if nowcast is None:
        return Stat("nowcast", _("电碳快速评估"), MISSING, status=_("尚无评估"), link=link)
    growth = nowcast["ytd_growth"]
    status, tone = _direction(growth, WARN, to_date=True)
    year, month = nowcast["month"][:4], int(nowcast["month"][5:])
    notes = [
        _("90%%区间 %(lo)s–%(hi)s 万吨")
        % {
            "lo": format_quantity(nowcast["lo"], "万吨", 0, grouping=True),
            "hi": format_quantity(nowcast["hi"], "万吨", 0, grouping=True),
        }
    ]
    if nowcast["ytd"] is not None:
        notes.append(
            _("%(year)s年1–%(month)s月累计 %(ytd)s 万吨")
            % {
                "year": year,
                "month": month,
                "ytd": format_quantity(nowcast["ytd"], "万吨", 0, grouping=True),
            }
        )
    return Stat(
        "nowcast",
        _("%(month)s 月度排放估算") % {"month": nowcast["month"]},
        format_quantity(nowcast["tco2"], "万吨", 1, grouping=True),
        _("万吨"),
        change=signed_percent(growth),
        status=status,
        tone=tone,
        notes=notes,
        link=link,
    )


# --- the regions below the focus, graded by the barometer ---------------------------------------


def barometer_grades() -> tuple[str | None, dict[str, dict]]:
    """The latest barometer period and every region's grade in it (the warnings app's stored
    results, :func:`carbonctl.web.warnings.services.level_of_regions`), kept while the
    barometer's warnings and the rules stay as they are (a run or an action changes a
    warning's time stamp; a rule's change is a new version)."""
    state = Warning.objects.filter(rule__kind="barometer").aggregate(
        changed=Max("updated_at"), count=Count("pk")
    )
    changed = state["changed"].timestamp() if state["changed"] else None
    rules = WarningRule.objects.aggregate(n=Max("pk"))["n"]
    key = f"home:grades:{changed}:{state['count']}:{rules}"
    return kept(key, latest_grades)


def latest_grades() -> tuple[str | None, dict[str, dict]]:
    latest = warnings.level_of_regions()
    if not latest:
        return None, {}
    period = max(g["period"] for g in latest.values())
    return period, {code: g for code, g in latest.items() if g["period"] == period}


def shown_regions(focus: Region) -> tuple[list[Region], str, str]:
    """The regions the home page grades below the focus: the province's cities, a city's
    counties, or the county itself; with their level and the parent whose regions they are."""
    if focus.level == Region.Level.PROVINCE:
        return list(Region.objects.filter(level=Region.Level.CITY)), "city", ""
    if focus.level == Region.Level.CITY:
        return list(Region.objects.filter(parent=focus)), "county", focus.adcode
    return [focus], "county", focus.parent_id or ""


def region_figures_of(dataset: Dataset, year: int, regions: list[Region]) -> dict:
    """CO2 of ``year`` (the regions' inventory trends) and the change of intensity on the year
    before (where both years have a GDP), by adcode: ``{"tco2": …, "change": …}``."""
    years = (year - 1, year)
    co2 = {
        (region.adcode, t["year"]): t["tco2"]
        for region in regions
        for t in inventories.region_trend(dataset, region)
        if t["year"] in years
    }
    level = regions[0].level
    parent = regions[0].parent_id if level == Region.Level.COUNTY else ""
    gdp = region_figures(dataset, list(years), level=level, parent=parent or "")
    table = pd.DataFrame(
        [
            (row.region, row.year, co2[(row.region, row.year)], row.gdp_constant)
            for row in gdp.itertuples(index=False)
            if (row.region, row.year) in co2
            and not pd.isna(row.gdp_constant)
            and row.gdp_constant > 0
        ],
        columns=["region", "year", "co2_tco2", "gdp_constant"],
    )
    change: dict[str, float] = {}
    if not table.empty:
        values = year_on_year_change(table, co2_intensity(table, gdp_unit="亿元"))
        for row, value in zip(table.itertuples(index=False), values, strict=True):
            if row.year == year and not pd.isna(value):
                change[row.region] = float(value)
    return {
        "tco2": {code: amount for (code, y), amount in co2.items() if y == year},
        "change": change,
    }


def region_rows(
    dataset: Dataset | None, year: int | None, regions: list[Region], grades: dict[str, dict]
) -> list[dict]:
    """Each region's figures for the map and its table: CO2 of ``year`` (万吨), the change of
    its intensity on the year before (:func:`region_figures_of`, kept for the dataset), and
    its barometer grade (level, achieved and required reduction); a link to the region's
    inventory page."""
    tco2: dict[str, float] = {}
    intensity_change: dict[str, float] = {}
    if dataset is not None and year is not None and regions:
        key = ":".join(
            [
                "home:regions",
                str(dataset.pk),
                str(dataset.loaded_at.timestamp()),
                str(year),
                ",".join(r.adcode for r in regions),
            ]
        )
        found = kept(key, lambda: region_figures_of(dataset, year, regions))
        tco2, intensity_change = found["tco2"], found["change"]
    rows = []
    for region in regions:
        grade = grades.get(region.adcode)
        level = grade["level"] if grade else ""
        rows.append(
            {
                "adcode": region.adcode,
                "name": region.name,
                "level": level,
                "level_label": str(Warning.Level(level).label) if level else _("未评级"),
                "tco2": to_display(tco2.get(region.adcode), "万吨", 1),
                "tco2_text": format_quantity(tco2.get(region.adcode), "万吨", 1, grouping=True),
                "change_text": signed_percent(intensity_change.get(region.adcode)),
                "achieved_text": format_quantity(grade["value"], "%", 2) if grade else MISSING,
                "required_text": format_quantity(grade["threshold"], "%", 2) if grade else MISSING,
                "url": _url("inventories:region", region.adcode, year=year),
            }
        )
    return rows


# --- what needs attention -----------------------------------------------------------------------

_SEVERITY = Case(
    When(level=Warning.Level.RED, then=Value(2)),
    When(level=Warning.Level.YELLOW, then=Value(1)),
    default=Value(0),
    output_field=IntegerField(),
)


def subject_of(warning: Warning) -> str:
    """A warning's subject in the active language: a region's or an enterprise's name, else
    the stored name (a project's, as filed)."""
    if warning.subject_kind == Warning.SubjectKind.REGION and warning.subject.isdigit():
        return label("region", warning.subject)
    if warning.enterprise_id is not None:
        return warning.enterprise.name
    return warning.subject_name or warning.subject


def warning_line(warning: Warning) -> dict:
    return {
        "level": warning.level,
        "level_label": warning.get_level_display(),
        "kind": str(warning_labels.kind_label(warning.rule.kind)),
        "subject": subject_of(warning),
        "period": warning.period,
        "url": reverse("warnings:detail", args=[warning.pk]),
    }


def open_warnings(user, limit: int) -> list[dict]:
    """The user's open red and yellow warnings, red first, newest period first."""
    rows = (
        warnings.warnings_for(user)
        .filter(status=Warning.Status.OPEN, level__in=[Warning.Level.RED, Warning.Level.YELLOW])
        .select_related("enterprise")
        .annotate(severity=_SEVERITY)
        .order_by("-severity", "-period", "subject", "pk")
    )
    return [warning_line(w) for w in rows[:limit]]


def warning_counts(user) -> dict[str, int]:
    opened = warnings.warnings_for(user).filter(status=Warning.Status.OPEN)
    counts = dict(opened.values_list("level").annotate(n=Count("id")).order_by())
    return {level: counts.get(level, 0) for level in (Warning.Level.RED, Warning.Level.YELLOW)}


def attention(user, counts: dict[str, int] | None = None) -> list[dict]:
    """What needs attention (本月待办 / 需关注), each a count and a link the user may open: open
    red and yellow warnings, late reports (the late-data rule's open warnings), projects
    waiting for the user's review and submissions waiting for review. Only what the role has.
    ``counts``: the open warnings by level, when the caller has counted them already."""
    items = []
    if can_view_warnings(user):
        counts = counts or warning_counts(user)
        for level, tone, words in (
            (Warning.Level.RED, BAD, _("未处理的红色预警")),
            (Warning.Level.YELLOW, WARN, _("未处理的黄色预警")),
        ):
            items.append(
                {
                    "label": words,
                    "count": counts[level],
                    "tone": tone,
                    "url": _url("warnings:centre", level=level, status=Warning.Status.OPEN),
                }
            )
        late = (
            warnings.warnings_for(user)
            .filter(status=Warning.Status.OPEN, rule__kind="late_data")
            .values_list("rule_id_text")
            .annotate(n=Count("id"))
            .order_by("rule_id_text")
        )
        for rule_id, count in late:
            items.append(
                {
                    "label": _("数据逾期未报送"),
                    "count": count,
                    "tone": WARN,
                    "url": _url("warnings:centre", rule=rule_id, status=Warning.Status.OPEN),
                }
            )
    if can_view_projects(user):
        waiting = [
            p
            for p in projects.projects_for(user).filter(status__in=AWAITING_REVIEW)
            if projects.may_review(user, p)
        ]
        for status in AWAITING_REVIEW:
            count = sum(1 for p in waiting if p.status == status)
            if count:
                items.append(
                    {
                        "label": _("待审查的项目：%(status)s")
                        % {"status": Project.Status(status).label},
                        "count": count,
                        "tone": WARN,
                        "url": _url("projects:list", status=status),
                    }
                )
    if has(user, Capability.REVIEW):
        pending = (
            submissions_for(user)
            .filter(status=Submission.Status.PENDING)
            .exclude(uploaded_by=user)
            .order_by("uploaded_at", "pk")
        )
        first = pending.first()
        if first is not None:
            items.append(
                {
                    "label": _("待审核的报送数据"),
                    "count": pending.count(),
                    "tone": WARN,
                    "url": reverse("submissions:detail", args=[first.pk]),
                }
            )
    return items


# --- the pages ---------------------------------------------------------------------------------


def _chart_labels() -> dict[str, str]:
    return {
        "co2": _("排放量"),
        "intensity": _("碳排放强度"),
        "wan": _("万吨"),
        "intensity_unit": _("吨/万元"),
        "nowcast": _("本年估算"),
        "band": _("90%区间"),
        "previous": _("上年同期"),
        "level": _("晴雨表等级"),
        "tco2": _("排放量"),
        "change": _("强度同比"),
        "achieved": _("累计下降"),
        "required": _("进度要求"),
        "open": _("点击查看"),
    }


def nowcast_figures(assessment, focus: Region) -> tuple[dict | None, dict | None]:
    """The latest nowcast of the focus region and the monthly series of its year."""
    nowcast = electricity.latest_nowcast(assessment, focus.adcode)
    return nowcast, this_year(electricity.monthly_series(assessment, focus.adcode), nowcast)


def this_year(series: dict, nowcast: dict | None) -> dict | None:
    """The months of the electricity page's monthly series in the latest nowcast's year (one
    year against the same months of the year before, as the chart says)."""
    if nowcast is None:
        return None
    keep = [i for i, month in enumerate(series["months"]) if month[:4] == nowcast["month"][:4]]
    return {
        key: [series[key][i] for i in keep] for key in ("months", "tco2", "lo", "hi", "previous")
    }


def comparison_text(comparison: dict | None) -> dict | None:
    """An official's comparison figures (the province's total and average, its intensity) as
    people read them (万吨 with separators, intensity with three decimals)."""
    if not comparison:
        return None
    return {
        "level": comparison["level"],
        "province": format_quantity(comparison["province_tco2"], "万吨", 1, grouping=True),
        "average": format_quantity(comparison["average_tco2"], "万吨", 1, grouping=True),
        "intensity": floatformat(comparison["province_intensity"], 3)
        if comparison["province_intensity"] is not None
        else None,
    }


def region_home(user, focus: Region, year: int | None = None) -> dict:
    """The home page of a province role or an official: the focus region's stat panels,
    its regions below graded by the barometer, what needs attention and the latest nowcast."""
    dataset = inventories.current_dataset()
    if dataset is not None and year is None:
        year = inventories.latest_year(dataset)
    data = None
    if dataset is not None and year is not None:
        data = inventories.overview(dataset, year, regions_for(user), focus=focus)
    inventory_link = _url("inventories:region", focus.adcode, year=year)
    stats: list[Stat] = []
    if data is not None:
        key = f"home:changes:{dataset.pk}:{dataset.loaded_at.timestamp()}:{year}:{focus.adcode}"
        co2_change, intensity_change = kept(key, lambda: yearly_changes(data["trend"], year))
        stats += [
            co2_stat(data["total"], co2_change, year, inventory_link),
            intensity_stat(data["total"], intensity_change, year, inventory_link),
        ]
    period, grades = barometer_grades()
    warnings_link = can_view_warnings(user)
    stats.append(
        progress_stat(
            grades.get(focus.adcode),
            _url("warnings:barometer", period=period) if warnings_link and period else None,
        )
    )
    if can_view_budget(user):
        # the ledger only grows and estimates come in new rows: their last ids name the state
        ledger = LedgerEntry.objects.aggregate(n=Max("pk"))["n"]
        estimates = Estimate.objects.aggregate(last=Max("pk"), count=Count("pk"))
        estimates = f"{estimates['last']}-{estimates['count']}"  # an assessment may be deleted
        figures = kept(
            f"home:budget:{focus.adcode}:{ledger}:{estimates}", lambda: budget_figures(focus)
        )
        year_of_budget = figures["year"] if figures else None
        stats.append(budget_stat(figures, _url("budget:region", focus.adcode, year=year_of_budget)))
    counts = warning_counts(user) if warnings_link else None
    if counts is not None:
        stats.append(
            warnings_stat(
                counts[Warning.Level.RED],
                counts[Warning.Level.YELLOW],
                {
                    level: _url("warnings:centre", level=level, status=Warning.Status.OPEN)
                    for level in ("red", "yellow")
                },
            )
        )
    nowcast, series = None, None
    assessment = electricity.current_assessment() if can_view_electricity(user) else None
    if assessment is not None:
        nowcast, series = kept(
            f"home:nowcast:{assessment.pk}:{focus.adcode}",
            lambda: nowcast_figures(assessment, focus),
        )
        stats.append(nowcast_stat(nowcast, _url("electricity:page", region=focus.adcode)))
    regions, level, parent = shown_regions(focus)
    rows = region_rows(dataset, year, regions, grades)
    map_shown = focus.level != Region.Level.COUNTY and any(r["tco2"] is not None for r in rows)
    chart = {
        "map": {
            "level": level,
            "url": reverse("inventories:map", args=[level]),
            "regions": rows,
            "colours": {"red": "#c0392b", "yellow": "#f1c40f", "green": "#2e8b57", "": "#b0b8bf"},
        }
        if map_shown
        else None,
        "trend": inventories.overview_chart(data)["trend"] if data else [],
        "nowcast": series if series and series["months"] else None,
        "labels": _chart_labels(),
    }
    return {
        "focus": focus,
        "dataset": dataset,
        "year": year,
        "data": data,
        "comparison": comparison_text(data["comparison"]) if data else None,
        "stats": stats,
        "period": period,
        "rows": rows,
        "level_counts": {
            key: sum(1 for r in rows if r["level"] == key) for key in ("red", "yellow", "green", "")
        },
        "map_shown": map_shown,
        "map_level": level,
        "attention": attention(user, counts),
        "warnings": open_warnings(user, TOP_WARNINGS) if warnings_link else [],
        "warnings_url": reverse("warnings:centre") if warnings_link else None,
        "nowcast": nowcast,
        "assessment": assessment,
        "chart": chart,
        "screen_url": reverse("home:screen") if sees_whole_province(user) else None,
        "parent": parent,
    }


def screen(user, year: int | None = None) -> dict:
    """The large screen (数据大屏): the province's home figures and a ticker of open warnings."""
    province = Region.objects.get(adcode=refdata.PROVINCE)
    context = region_home(user, province, year)
    context["ticker"] = open_warnings(user, TICKER_WARNINGS)
    context["updated"] = timezone.localtime()
    return context


def enterprise_home(user) -> dict:
    """An enterprise reporter's home: the reports the enterprise owes (received, due, late),
    its submissions with their status, its warnings and its projects."""
    enterprise = user.profile.enterprise
    today = timezone.localdate()
    reports = []
    for owed in warnings.obligations_for(user)[:LIST_ROWS]:
        if owed.received_at is not None:
            status, tone = _("已报送（%(date)s）") % {"date": owed.received_at.isoformat()}, GOOD
        elif owed.deadline < today:
            days = (today - owed.deadline).days
            status, tone = _("逾期 %(days)s 天未报送") % {"days": days}, BAD
        else:
            status, tone = _("待报送"), WARN
        reports.append(
            {
                "report": owed.report,
                "period": owed.period,
                "deadline": owed.deadline.isoformat(),
                "status": status,
                "tone": tone,
            }
        )
    stats = enterprise_stats(user, today)
    submissions = [
        {
            "file": s.file_name,
            "version": s.version,
            "status": s.get_status_display(),
            "tone": {
                Submission.Status.APPROVED: GOOD,
                Submission.Status.REJECTED: BAD,
                Submission.Status.PENDING: WARN,
            }.get(s.status, NONE),
            "uploaded": timezone.localtime(s.uploaded_at).date().isoformat(),
            "tco2": s.total_tco2,
            "url": reverse("submissions:detail", args=[s.pk]),
        }
        for s in submissions_for(user)[:LIST_ROWS]
    ]
    own_warnings = []
    if can_view_warnings(user):
        rows = (
            warnings.warnings_for(user)
            .exclude(status=Warning.Status.RESOLVED)
            .annotate(severity=_SEVERITY)
            .order_by("-severity", "-period", "pk")
        )
        own_warnings = [warning_line(w) for w in rows[:LIST_ROWS]]
    own_projects = []
    if can_view_projects(user):
        own_projects = [
            {
                "name": p.name,
                "ref": p.ref,
                "status": p.get_status_display(),
                "url": reverse("projects:detail", args=[p.pk]),
            }
            for p in projects.projects_for(user)[:LIST_ROWS]
        ]
    return {
        "enterprise": enterprise,
        "stats": stats,
        "reports": reports,
        "submissions": submissions,
        "warnings": own_warnings,
        "warnings_url": reverse("warnings:centre") if can_view_warnings(user) else None,
        "projects": own_projects,
        "projects_url": reverse("projects:list") if can_view_projects(user) else None,
        "new_project_url": reverse("projects:new") if can_file_project(user) else None,
        "submissions_url": reverse("submissions:list"),
    }


def enterprise_stats(user, today) -> list[Stat]:
    """The figures at the top of an enterprise's home: reports overdue and due, submissions
    waiting for review, open warnings, projects under review."""
    owed = warnings.obligations_for(user).filter(received_at__isnull=True)
    overdue = owed.filter(deadline__lt=today).count()
    due = owed.filter(deadline__gte=today).count()
    pending = submissions_for(user).filter(status=Submission.Status.PENDING).count()
    stats = [
        Stat(
            "overdue",
            _("逾期未报送"),
            str(overdue),
            _("项"),
            status=_("请尽快报送") if overdue else _("无逾期"),
            tone=BAD if overdue else GOOD,
        ),
        Stat("due", _("待报送"), str(due), _("项"), tone=WARN if due else NONE),
        Stat(
            "pending",
            _("待审核的报送数据"),
            str(pending),
            _("份"),
            tone=WARN if pending else NONE,
            link=reverse("submissions:list"),
            link_label=_("数据报送"),
        ),
    ]
    if can_view_warnings(user):
        count = warnings.warnings_for(user).filter(status=Warning.Status.OPEN).count()
        stats.append(
            Stat(
                "warnings",
                _("未处理的预警"),
                str(count),
                _("条"),
                tone=BAD if count else GOOD,
                status=_("需处置") if count else _("无待处理预警"),
                link=reverse("warnings:centre"),
                link_label=_("进入预警中心"),
            )
        )
    if can_view_projects(user):
        count = (
            projects.projects_for(user)
            .filter(status__in=[*AWAITING_REVIEW, Project.Status.HELD])
            .count()
        )
        stats.append(
            Stat(
                "projects",
                _("审查中的项目"),
                str(count),
                _("个"),
                tone=WARN if count else NONE,
                link=reverse("projects:list"),
                link_label=_("全部项目"),
            )
        )
    return stats


def published() -> dict:
    """Published figures (信息公开) for the public home: the latest published year's province
    figure with its change on the year before (when that year was published too) and the
    cities' figures, with the chart of the cities; nothing that was not published."""
    rows = Disclosure.objects.select_related("region", "dataset")
    year = rows.aggregate(y=Max("year"))["y"]
    if year is None:
        return {"year": None, "province": None, "regions": [], "change": None, "chart": None}
    latest = list(rows.filter(year=year).order_by("region_id"))
    province = next((d for d in latest if d.region_id == refdata.PROVINCE), None)
    before = rows.filter(year=year - 1, region_id=refdata.PROVINCE).first()
    change = None
    if province is not None and before is not None:
        change, _unused = yearly_changes(
            [
                {"year": year - 1, "tco2": before.tco2, "intensity": before.intensity},
                {"year": year, "tco2": province.tco2, "intensity": province.intensity},
            ],
            year,
        )
    cities = [
        {
            "name": d.region.name,
            "tco2_text": format_quantity(d.tco2, "万吨", 1, grouping=True),
            "intensity_text": floatformat(d.intensity, 3) if d.intensity is not None else MISSING,
            "value": to_display(d.tco2, "万吨", 1),
        }
        for d in latest
        if d.region_id != refdata.PROVINCE
    ]
    return {
        "year": year,
        "province": province,
        "tco2_text": format_quantity(province.tco2, "万吨", 1, grouping=True) if province else "",
        "change": change,
        "change_text": signed_percent(change),
        "published_at": max(d.published_at for d in latest),
        "regions": cities,
        "chart": {"published": cities, "labels": _chart_labels()} if cities else None,
    }
