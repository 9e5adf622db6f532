"""What the budget pages and the situation report show, computed from the services' records:
use against the pro-rated budget, the year-end forecast path, the waterfall (budget → actual →
committed → reserve → headroom) and the cumulative chart, in the display unit (万吨) so that no
script or template scales a number. The figures themselves are the core's (docs/budget.md)."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
from django.utils.translation import gettext as _

from carbonctl import budget as core
from carbonctl.display import to_display
from carbonctl.errors import CarbonctlError
from carbonctl.web.budget import services

UNIT = "万吨"
#: Decimals of the chart numbers (万吨).
CHART_DECIMALS = 2
MONTHS = 12


def own_series(monthly: pd.DataFrame, region: str) -> pd.DataFrame:
    """The monthly rows (year, month, tco2) of one region."""
    return monthly.loc[monthly["region"] == region, ["year", "month", "tco2"]]


def through_month(monthly: pd.DataFrame, year: int, month: int) -> pd.DataFrame:
    """The monthly data as they stood at the end of ``year``-``month``: earlier years whole, the
    year to ``month``, later years left out (a report of a past month shows what was known)."""
    keep = (monthly["year"] < year) | ((monthly["year"] == year) & (monthly["month"] <= month))
    return monthly[keep]


def data_month(monthly: pd.DataFrame, region: str, year: int) -> int | None:
    """The last month of ``year`` with data for ``region``."""
    rows = monthly[(monthly["region"] == region) & (monthly["year"] == year)]
    return None if rows.empty else int(rows["month"].max())


def to_date(monthly: pd.DataFrame, region: str, year: int, month: int | None = None) -> float:
    """Emissions of ``region`` from January to ``month`` (default: the last month with data)."""
    rows = monthly[(monthly["region"] == region) & (monthly["year"] == year)]
    if month is not None:
        rows = rows[rows["month"] <= month]
    return math.fsum(rows["tco2"])


def pro_rata_use(monthly: pd.DataFrame, region: str, year: int, budget: float) -> float | None:
    """Emissions to date over the pro-rated budget (budget × the share of a year usually
    reached by the last month with data: the last complete earlier year's months, else
    month/12), as a fraction (1.12: 12 % ahead of the budget's pace); None without data or
    budget. The same share as the warning rule on budget use."""
    month = data_month(monthly, region, year)
    if month is None or not budget or budget <= 0:
        return None
    share = 1.0 if month == MONTHS else services.pro_rata_share(monthly, region, year, month)
    if share is None or share <= 0:
        share = month / MONTHS
    return to_date(monthly, region, year, month) / (budget * share)


def forecast(monthly: pd.DataFrame, region: str, year: int) -> core.YearEndForecast | None:
    """The year-end forecast of ``region`` and ``year`` with its monthly path, under the rules of
    :func:`carbonctl.budget.budget_show` (the current year: the model; an earlier complete
    year: its months; otherwise None)."""
    series = own_series(monthly, region)
    if series.empty or year > int(series["year"].max()):
        return None
    months = int((series["year"] == year).sum())
    if year != int(series["year"].max()) and months < MONTHS:
        return None
    try:
        return core.forecast_year_end(series, year)
    except CarbonctlError:
        return None


def wan(value: float | None, decimals: int = CHART_DECIMALS) -> float | None:
    """tCO2 as 万吨 for a chart (None stays None)."""
    return to_display(value, UNIT, decimals)


def headline(record: dict, use: float | None) -> dict:
    """The figures at the top of a budget page: budget, actual to date, headroom (and whether it
    is negative), the forecast with its interval, the exhaustion date, use of the pro-rated
    budget. tCO2 and fractions; templates format them."""
    exhausted = record.get("exhaustion_date")
    return {
        "budget": record["budget_tco2"],
        "actual": record["actual_tco2"],
        "committed": record["committed_tco2"],
        "pipeline": record["pipeline_tco2"],
        "reserve": record["reserve_tco2"],
        "headroom": record["headroom_tco2"],
        "over": record["headroom_tco2"] < 0,
        "forecast": record["forecast_tco2"],
        "lo": record["forecast_lo"],
        "hi": record["forecast_hi"],
        "exhaustion": date.fromisoformat(exhausted) if exhausted else None,
        "use": use,
    }


def waterfall(record: dict) -> dict:
    """The waterfall (瀑布图) budget → actual → committed → reserve → headroom as four stacked
    bar series for ECharts: a transparent base and the visible step, above and below zero
    apart (ECharts stacks positive and negative values separately), so that a step that
    crosses zero (a headroom that turns negative) is drawn right. 万吨."""
    budget, actual = record["budget_tco2"], record["actual_tco2"]
    committed = record["committed_tco2"]
    levels = [budget, budget - actual, budget - actual - committed, record["headroom_tco2"]]
    steps = [
        ("budget", _("预算"), 0.0, budget),
        ("actual", _("实际排放"), levels[0], levels[1]),
        ("committed", _("已批项目"), levels[1], levels[2]),
        ("reserve", _("省级预留"), levels[2], levels[3]),
        ("headroom", _("余量") if levels[3] >= 0 else _("超出预算"), 0.0, levels[3]),
    ]
    out = {
        "keys": [],
        "labels": [],
        "base_pos": [],
        "step_pos": [],
        "base_neg": [],
        "step_neg": [],
        "values": [],
    }
    for key, label, start, end in steps:
        low, high = min(start, end), max(start, end)
        top, bottom = max(high, 0.0), max(low, 0.0)  # the part above zero: bottom..top
        upper, lower = min(high, 0.0), min(low, 0.0)  # the part below zero: lower..upper
        out["keys"].append(key)
        out["labels"].append(label)
        out["base_pos"].append(wan(bottom))
        out["step_pos"].append(wan(top - bottom))
        out["base_neg"].append(wan(upper))
        out["step_neg"].append(wan(lower - upper))
        out["values"].append(wan(end - start if key != "headroom" else end))
    out["negative"] = levels[3] < 0
    return out


def cumulative(record: dict, found: core.YearEndForecast | None) -> dict:
    """The cumulative emissions of the year (observed months, then the forecast path), the
    90 % interval of the year-end total fanned out from the last observed month, the budget
    line and budget − committed − reserve, and the exhaustion month. 万吨."""
    budget = record["budget_tco2"]
    limit = budget - record["committed_tco2"] - record["reserve_tco2"]
    chart = {
        "months": list(range(1, MONTHS + 1)),
        "observed": [None] * MONTHS,
        "forecast": [None] * MONTHS,
        "lo": [None] * MONTHS,
        "width": [None] * MONTHS,
        "budget": [wan(budget)] * MONTHS,
        "limit": [wan(limit)] * MONTHS,
        "exhaustion": record.get("exhaustion_date"),
        "exhaustion_month": None,
        "labels": {
            "observed": _("实际累计"),
            "forecast": _("预测累计"),
            "band": _("年末总量90%区间"),
            "budget": _("年度预算"),
            "limit": _("预算−已批项目−预留"),
            "exhaustion": _("预计耗尽"),
            "unit": _("万吨"),
            "month": _("月"),
        },
    }
    if found is None:
        return chart
    total = 0.0
    seen = found.months_observed
    for index, amount in enumerate(found.path):
        total += amount
        if index < seen:
            chart["observed"][index] = wan(total)
        if index >= seen - 1 and seen < MONTHS:
            chart["forecast"][index] = wan(total)
    if seen < MONTHS:
        rest = MONTHS - seen
        running = math.fsum(found.path[:seen])
        for index in range(seen - 1, MONTHS):
            running_at = running + math.fsum(found.path[seen : index + 1])
            part = (index - seen + 1) / rest
            low = running_at - (found.forecast_tco2 - found.lo) * part
            high = running_at + (found.hi - found.forecast_tco2) * part
            chart["lo"][index] = wan(low)
            chart["width"][index] = wan(high - low)
    if chart["exhaustion"]:
        chart["exhaustion_month"] = date.fromisoformat(chart["exhaustion"]).month
    return chart
