"""The budget kinds of rule (碳排放预算预警): use beyond the pro-rated budget (预算超序时进度) and a
budget projected to run out before the year ends (预算预计提前用尽).

``budget_overuse``, per region and month (:data:`BUDGET_USE_COLUMNS`)::

    value = actual / (budget × share) − 1        excess over the pro-rated budget (序时进度)

red when value > ``red_excess`` (0.10: the issue's "more than 10 %"); yellow when value >
``yellow_excess`` (blank: no yellow); quiet otherwise.

``budget_exhaustion``, per region at its data month (:data:`BUDGET_FORECAST_COLUMNS`): red when
the year-end forecast exceeds the limit (budget − committed − reserve: what actual emissions may
still use); yellow when only the upper end of its 90 % interval does (``yellow_on_upper`` = 1);
quiet otherwise.

Comparisons are strict with the barometer's tolerance (:func:`~carbonctl.warning.barometer.
exceeds`). Both rules are DESIGN PROPOSALS (docs/warnings.md): the 110 % line follows the ledger
note of shared/refdata (notes/policy_rules.md § 8: "warning if … pro-rated use > 110 %").
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from carbonctl.errors import RefdataError
from carbonctl.warning.barometer import exceeds
from carbonctl.warning.model import EarlyWarning, Level, Rule
from carbonctl.warning.tables import (
    Cells,
    check_templates,
    date_zh,
    flag_parameter,
    fraction_parameter,
    headline,
    month_zh,
    region_name,
    rows_of,
    wan_tonnes,
    warning,
)

__all__ = [
    "BUDGET_FORECAST_COLUMNS",
    "BUDGET_USE_COLUMNS",
    "budget_exhaustion_warnings",
    "budget_overuse_warnings",
    "check_budget_exhaustion_rule",
    "check_budget_overuse_rule",
]

#: Input of ``budget_overuse``: one row per region and month. actual_tco2 = emissions of the
#: year through ``month``; share = the share of the year's budget expected by the end of
#: ``month`` (0 < share ≤ 1; blank = month / 12).
BUDGET_USE_COLUMNS = ("region", "year", "month", "budget_tco2", "actual_tco2", "share")

#: Input of ``budget_exhaustion``: one row per region at its latest data month. limit_tco2 =
#: budget − committed − reserve; forecast_tco2 the year-end forecast with its 90 % interval
#: (forecast_lo, forecast_hi); exhaustion_date ISO or blank.
BUDGET_FORECAST_COLUMNS = (
    "region",
    "year",
    "month",
    "limit_tco2",
    "forecast_tco2",
    "forecast_lo",
    "forecast_hi",
    "exhaustion_date",
)

_TONNES = "tonnes of CO2, a finite number"


# --- budget_overuse -----------------------------------------------------------------------------


def _overuse_parameters(rule: Rule) -> tuple[float, float | None]:
    red = fraction_parameter(rule, "red_excess")
    yellow = fraction_parameter(rule, "yellow_excess", required=False)
    assert red is not None
    if yellow is not None and yellow >= red:
        raise RefdataError(
            f"warning rule {rule.rule_id!r}: yellow_excess {yellow!r} is not below "
            f"red_excess {red!r}"
        )
    return red, yellow


def _overuse_findings(yellow: float | None) -> tuple[str, ...]:
    return ("over_red",) if yellow is None else ("over_red", "over_yellow")


def _overuse_values(
    rule: Rule, region: str, year: int, month: int, budget: float, actual: float, share: float
) -> dict[str, Any]:
    red, yellow = _overuse_parameters(rule)
    pro_rated = budget * share
    period = f"{year:04d}-{month:02d}"
    return {
        "subject": region,
        "region": region,
        "region_name": region_name(region),
        "period": period,
        "period_zh": month_zh(period),
        "year": year,
        "month": month,
        "indicator_zh": rule.indicator_zh,
        "budget_tco2": budget,
        "actual_tco2": actual,
        "share": share,
        "pro_rated_tco2": pro_rated,
        "excess": actual / pro_rated - 1.0,
        "budget_wt": wan_tonnes(budget),
        "actual_wt": wan_tonnes(actual),
        "pro_rated_wt": wan_tonnes(pro_rated),
        "over_wt": wan_tonnes(actual - pro_rated),
        "red_excess": red,
        "yellow_excess": yellow,
    }


def check_budget_overuse_rule(rule: Rule) -> None:
    """Raise RefdataError unless ``rule`` is a usable ``budget_overuse`` rule: ``red_excess`` a
    fraction ≥ 0, ``yellow_excess`` blank or below it, a template for each level it can give,
    filled from the kind's fields."""
    _, yellow = _overuse_parameters(rule)
    values = _overuse_values(rule, "140100", 2026, 6, 3.0e7, 1.8e7, 0.5)
    check_templates(rule, _overuse_findings(yellow), values)


def _use_row(cells: Cells) -> tuple[str, int, int, float, float, float]:
    region = cells.text("region")
    year = cells.year()
    month = cells.month()
    budget = cells.number("budget_tco2", "the year's budget in tCO2, greater than 0")
    assert budget is not None
    if budget <= 0:
        raise cells.error(
            "budget_tco2", f"budget {budget!r} is not greater than 0", "a budget greater than 0"
        )
    actual = cells.number("actual_tco2", _TONNES + " ≥ 0")
    assert actual is not None
    if actual < 0:
        raise cells.error("actual_tco2", f"{actual!r} is negative", _TONNES + " ≥ 0")
    share = cells.number("share", "a share in (0, 1], or blank for month/12", required=False)
    if share is None:
        share = month / 12
    elif not 0 < share <= 1:
        raise cells.error(
            "share", f"share {share!r} is outside (0, 1]", "a share in (0, 1], blank = month/12"
        )
    return region, year, month, budget, actual, share


def budget_overuse_warnings(rule: Rule, table: Any) -> list[EarlyWarning]:
    """Warnings of ``rule`` (kind ``budget_overuse``) on ``table`` (:data:`BUDGET_USE_COLUMNS`),
    in row order; a region within its pro-rated budget (or above it by no more than the
    thresholds) gives none. value = actual / (budget × share) − 1, threshold = the level's
    excess; subject = region, period = "YYYY-MM"."""
    check_budget_overuse_rule(rule)
    red, yellow = _overuse_parameters(rule)
    warnings = []
    for cells in rows_of(table, BUDGET_USE_COLUMNS):
        region, year, month, budget, actual, share = _use_row(cells)
        values = _overuse_values(rule, region, year, month, budget, actual, share)
        excess = values["excess"]
        if exceeds(excess, red):
            level, threshold, finding = Level.RED, red, "over_red"
        elif yellow is not None and exceeds(excess, yellow):
            level, threshold, finding = Level.YELLOW, yellow, "over_yellow"
        else:
            continue
        warnings.append(
            warning(
                rule,
                subject=region,
                period=values["period"],
                level=level,
                value=excess,
                threshold=threshold,
                head=headline(rule, values["region_name"], values["period_zh"], level),
                finding=finding,
                values=values,
                details={
                    "region": region,
                    "year": year,
                    "month": month,
                    "budget_tco2": budget,
                    "actual_tco2": actual,
                    "share": share,
                    "pro_rated_tco2": values["pro_rated_tco2"],
                    "excess": excess,
                },
            )
        )
    return warnings


# --- budget_exhaustion --------------------------------------------------------------------------


def _exhaustion_findings(on_upper: bool) -> tuple[str, ...]:
    return ("over", "upper") if on_upper else ("over",)


def _exhaustion_values(
    rule: Rule,
    region: str,
    year: int,
    month: int,
    limit: float,
    forecast: float,
    low: float,
    high: float,
    when: dt.date | None,
) -> dict[str, Any]:
    period = f"{year:04d}-{month:02d}"
    exhaustion_zh = "用尽日期未能估算" if when is None else f"预计于{date_zh(when)}用尽"
    return {
        "subject": region,
        "region": region,
        "region_name": region_name(region),
        "period": period,
        "period_zh": month_zh(period),
        "year": year,
        "month": month,
        "indicator_zh": rule.indicator_zh,
        "limit_tco2": limit,
        "forecast_tco2": forecast,
        "forecast_lo": low,
        "forecast_hi": high,
        "limit_wt": wan_tonnes(limit),
        "forecast_wt": wan_tonnes(forecast),
        "lo_wt": wan_tonnes(low),
        "hi_wt": wan_tonnes(high),
        "over_wt": wan_tonnes(forecast - limit),
        "hi_over_wt": wan_tonnes(high - limit),
        "exhaustion_date": "" if when is None else when.isoformat(),
        "exhaustion_zh": exhaustion_zh,
    }


def check_budget_exhaustion_rule(rule: Rule) -> None:
    """Raise RefdataError unless ``rule`` is a usable ``budget_exhaustion`` rule:
    ``yellow_on_upper`` 1 or 0, a template for each level it can give, filled from the kind's
    fields."""
    on_upper = flag_parameter(rule, "yellow_on_upper")
    values = _exhaustion_values(
        rule, "140100", 2026, 6, 3.0e7, 3.2e7, 2.9e7, 3.5e7, dt.date(2026, 11, 20)
    )
    check_templates(rule, _exhaustion_findings(on_upper), values)


def _forecast_row(cells: Cells) -> tuple[str, int, int, float, float, float, float, dt.date | None]:
    region = cells.text("region")
    year = cells.year()
    month = cells.month()
    figures = {}
    for column in ("limit_tco2", "forecast_tco2", "forecast_lo", "forecast_hi"):
        figures[column] = cells.number(column, _TONNES)
    limit, forecast, low, high = figures.values()
    assert limit is not None and forecast is not None and low is not None and high is not None
    if forecast < 0:
        raise cells.error("forecast_tco2", f"{forecast!r} is negative", _TONNES + " ≥ 0")
    if exceeds(low, forecast):
        raise cells.error(
            "forecast_lo",
            f"the interval's lower end {low!r} is above the forecast {forecast!r}",
            "forecast_lo ≤ forecast_tco2 ≤ forecast_hi",
        )
    if exceeds(forecast, high):
        raise cells.error(
            "forecast_hi",
            f"the interval's upper end {high!r} is below the forecast {forecast!r}",
            "forecast_lo ≤ forecast_tco2 ≤ forecast_hi",
        )
    when = cells.date("exhaustion_date", required=False)
    if when is not None and when.year != year:
        raise cells.error(
            "exhaustion_date",
            f"{when.isoformat()} is not in {year}",
            f"a date in {year}, or blank when the budget lasts the year",
        )
    return region, year, month, limit, forecast, low, high, when


def budget_exhaustion_warnings(rule: Rule, table: Any) -> list[EarlyWarning]:
    """Warnings of ``rule`` (kind ``budget_exhaustion``) on ``table``
    (:data:`BUDGET_FORECAST_COLUMNS`), in row order: red when the forecast exceeds the limit,
    yellow when only the interval's upper end does (``yellow_on_upper``), none otherwise.
    value = forecast, threshold = limit (tCO2); subject = region, period = "YYYY-MM"."""
    check_budget_exhaustion_rule(rule)
    on_upper = flag_parameter(rule, "yellow_on_upper")
    warnings = []
    for cells in rows_of(table, BUDGET_FORECAST_COLUMNS):
        region, year, month, limit, forecast, low, high, when = _forecast_row(cells)
        if exceeds(forecast, limit):
            level, finding = Level.RED, "over"
        elif on_upper and exceeds(high, limit):
            level, finding = Level.YELLOW, "upper"
        else:
            continue
        values = _exhaustion_values(rule, region, year, month, limit, forecast, low, high, when)
        warnings.append(
            warning(
                rule,
                subject=region,
                period=values["period"],
                level=level,
                value=forecast,
                threshold=limit,
                head=headline(rule, values["region_name"], values["period_zh"], level),
                finding=finding,
                values=values,
                details={
                    "region": region,
                    "year": year,
                    "month": month,
                    "limit_tco2": limit,
                    "forecast_tco2": forecast,
                    "forecast_lo": low,
                    "forecast_hi": high,
                    "exhaustion_date": values["exhaustion_date"] or None,
                },
            )
        )
    return warnings
