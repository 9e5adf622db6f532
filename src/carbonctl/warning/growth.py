"""The fast-growth kind of rule (排放快速增长): a region, or a sector of it, whose CO2 grows fast
year on year — faster than the threshold, faster than its output, and persistently so.

Input (:data:`GROWTH_COLUMNS`): one row per region × sector × month with the year-on-year CO2
growth (the electricity–carbon signals, :meth:`carbonctl.electricity.bulletin.Bulletin.signals`)
and, where known, the year-on-year growth of the sector's output. Each (region, sector) series is
judged at its latest month. It fires (yellow) only when all hold:

1. latest growth > ``threshold``;
2. latest growth > output growth of that month (when known): emissions growing with output is
   not a warning of this rule;
3. over the months of the last ``window`` (calendar months ending at the latest; at least
   ``min_months`` of them with data, else quiet), the one-sided t-test that the mean growth
   exceeds ``threshold`` is significant at ``alpha`` (``scipy.stats.ttest_1samp``,
   ``alternative="greater"``): one spike among calm months does not fire.

Red when, in addition, the window's mean growth > ``red_threshold``. A DESIGN PROPOSAL
(docs/warnings.md): issue 14 asks for "growth above a threshold and above its output growth, with
a trend test"; the figures are ours.
"""

from __future__ import annotations

import math
import warnings as _warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from carbonctl.electricity.bulletin import ALL
from carbonctl.electricity.schema import model_sectors
from carbonctl.refdata import close_matches
from carbonctl.warning.barometer import RELATIVE_TOLERANCE, exceeds
from carbonctl.warning.model import EarlyWarning, Level, Rule
from carbonctl.warning.tables import (
    check_templates,
    fraction_parameter,
    headline,
    integer_parameter,
    month_zh,
    number_parameter,
    region_name,
    rows_of,
    warning,
)

__all__ = [
    "GROWTH_COLUMNS",
    "GrowthTest",
    "check_fast_growth_rule",
    "fast_growth_warnings",
    "growth_test",
]

#: Input of ``fast_growth``: region, sector (a model sector code of the electricity model, or
#: ``ALL`` for the region as a whole), month ("YYYY-MM"), growth (y/y CO2 growth, a fraction),
#: output_growth (y/y growth of the sector's output, blank when unknown).
GROWTH_COLUMNS = ("region", "sector", "month", "growth", "output_growth")

_GROWTH = "a year-on-year growth as a fraction (0.12 for +12 %), above −1"


@cache
def _sector_names() -> dict[str, str]:
    return {s.code: s.name_zh for s in model_sectors()}


def sector_zh(code: str) -> str:
    """The Chinese name of a model sector; ``ALL`` is 全社会 (the region as a whole)."""
    return "全社会" if code == ALL else _sector_names()[code]


@dataclass(frozen=True)
class GrowthTest:
    """The trend test over one series' window: the months used, their mean growth and the
    one-sided p-value of "mean > threshold"."""

    months: tuple[str, ...]
    mean: float
    p_value: float


def growth_test(months: Sequence[str], growth: Sequence[float], threshold: float) -> GrowthTest:
    """One-sided one-sample t-test that the mean of ``growth`` exceeds ``threshold``.

    A window whose values are equal within floating point has no spread for the test: its
    p-value is 0 when the common value exceeds the threshold and 1 otherwise (so 0.1 − 0.09
    noise around the threshold does not decide).
    """
    values = np.asarray(growth, dtype="float64")
    mean = float(values.mean())
    spread = float(np.ptp(values))
    scale = float(np.abs(values).max()) if len(values) else 0.0
    if spread <= max(RELATIVE_TOLERANCE * scale, 1e-12):
        p_value = 0.0 if exceeds(mean, threshold) else 1.0
    else:
        from scipy import stats  # imported here: scipy.stats takes a second or more to import

        with _warnings.catch_warnings(), np.errstate(all="ignore"):
            # near-equal values: scipy warns of precision loss, the result stays usable
            _warnings.simplefilter("ignore", RuntimeWarning)
            result = stats.ttest_1samp(values, threshold, alternative="greater")
        p_value = float(result.pvalue)
    return GrowthTest(tuple(months), mean, p_value)


@dataclass(frozen=True)
class _Parameters:
    threshold: float
    red_threshold: float | None
    window: int
    min_months: int
    alpha: float


def _parameters(rule: Rule) -> _Parameters:
    threshold = number_parameter(
        rule, "threshold", check=lambda v: -1 < v < 10, expected="a growth fraction above −1"
    )
    assert threshold is not None
    red = number_parameter(
        rule,
        "red_threshold",
        required=False,
        check=lambda v: threshold <= v < 10,
        expected=f"a growth fraction ≥ threshold ({threshold:g}), or blank for no red",
    )
    window = integer_parameter(rule, "window", 2, 36)
    min_months = integer_parameter(rule, "min_months", 2, window)
    alpha = fraction_parameter(rule, "alpha", low=1e-6, high=0.5)
    assert alpha is not None
    return _Parameters(threshold, red, window, min_months, alpha)


def _findings(parameters: _Parameters) -> tuple[str, ...]:
    return ("fast",) if parameters.red_threshold is None else ("fast", "fast_sustained")


def _values(
    rule: Rule,
    parameters: _Parameters,
    region: str,
    sector: str,
    month: str,
    growth: float,
    output: float | None,
    test: GrowthTest,
) -> dict[str, Any]:
    return {
        "subject": region,
        "region": region,
        "region_name": region_name(region),
        "sector": sector,
        "sector_zh": sector_zh(sector),
        "period": month,
        "period_zh": month_zh(month),
        "indicator_zh": rule.indicator_zh,
        "growth": growth,
        "output_growth": output,
        "output_text": (
            "产出增速未知" if output is None else f"同期产出增长{output:.1%}，排放增速高于产出增速"
        ),
        "threshold": parameters.threshold,
        "red_threshold": parameters.red_threshold,
        "window": parameters.window,
        "alpha": parameters.alpha,
        "n_months": len(test.months),
        "first_month_zh": month_zh(test.months[0]),
        "window_mean": test.mean,
        "p_value": test.p_value,
        "p_text": "p<0.001" if test.p_value < 0.001 else f"p={test.p_value:.3f}",
    }


def check_fast_growth_rule(rule: Rule) -> None:
    """Raise RefdataError unless ``rule`` is a usable ``fast_growth`` rule: ``threshold`` above
    −1, ``red_threshold`` blank or ≥ it, 2 ≤ ``min_months`` ≤ ``window`` ≤ 36, ``alpha`` in
    (0, 0.5), templates for the levels it can give filled from the kind's fields."""
    parameters = _parameters(rule)
    test = GrowthTest(("2026-04", "2026-05", "2026-06"), 0.18, 0.01)
    values = _values(rule, parameters, "140100", "A02.2.19", "2026-06", 0.2, 0.05, test)
    check_templates(rule, _findings(parameters), values)
    values = _values(rule, parameters, "140100", ALL, "2026-06", 0.2, None, test)
    check_templates(rule, _findings(parameters), values)


def _month_number(month: str) -> int:
    year, number = month.split("-")
    return int(year) * 12 + int(number) - 1


def _read(table: Any) -> dict[tuple[str, str], list[tuple[str, float, float | None]]]:
    series: dict[tuple[str, str], list[tuple[str, float, float | None]]] = {}
    seen: dict[tuple[str, str, str], int] = {}
    codes = [ALL, *_sector_names()]
    for cells in rows_of(table, GROWTH_COLUMNS):
        region = cells.text("region")
        sector = cells.text("sector")
        if sector not in codes:
            raise cells.error(
                "sector",
                f"unknown sector {sector!r}; closest: {', '.join(close_matches(sector, codes))}",
                "ALL or a model sector code of the electricity model (A02.2.19 …)",
            )
        month = cells.year_month("month")
        growth = cells.number("growth", _GROWTH)
        output = cells.number("output_growth", _GROWTH + ", or blank", required=False)
        for column, value in (("growth", growth), ("output_growth", output)):
            if value is not None and value <= -1:
                raise cells.error(column, f"{value!r} is not above −1", _GROWTH)
        key = (region, sector, month)
        if key in seen:
            raise cells.error(
                "month",
                f"region {region!r}, sector {sector!r} and month {month} are already in row "
                f"{seen[key]}",
                "one row per region, sector and month",
            )
        seen[key] = cells.row
        assert growth is not None
        series.setdefault((region, sector), []).append((month, growth, output))
    return series


def fast_growth_warnings(rule: Rule, table: Any) -> list[EarlyWarning]:
    """Warnings of ``rule`` (kind ``fast_growth``) on ``table`` (:data:`GROWTH_COLUMNS`), one
    per fast-growing (region, sector) at its latest month, in the order the series first
    appear. value = latest growth, threshold = ``threshold``; subject = region, period =
    the latest month; details hold the sector, the window's mean, the p-value and the months."""
    check_fast_growth_rule(rule)
    p = _parameters(rule)
    warnings = []
    for (region, sector), rows in _read(table).items():
        rows.sort()
        month, growth, output = rows[-1]
        last = _month_number(month)
        window = [r for r in rows if last - _month_number(r[0]) < p.window]
        if len(window) < p.min_months:
            continue
        if not exceeds(growth, p.threshold):
            continue
        if output is not None and not exceeds(growth, output):
            continue
        test = growth_test([r[0] for r in window], [r[1] for r in window], p.threshold)
        if not (math.isfinite(test.p_value) and test.p_value < p.alpha):
            continue
        red = p.red_threshold is not None and exceeds(test.mean, p.red_threshold)
        level, finding = (Level.RED, "fast_sustained") if red else (Level.YELLOW, "fast")
        values = _values(rule, p, region, sector, month, growth, output, test)
        who = f"{values['region_name']}{values['sector_zh']}"
        warnings.append(
            warning(
                rule,
                subject=region,
                period=month,
                level=level,
                value=growth,
                threshold=p.threshold,
                head=headline(rule, who, values["period_zh"], level),
                finding=finding,
                values=values,
                details={
                    "region": region,
                    "sector": sector,
                    "sector_zh": values["sector_zh"],
                    "month": month,
                    "growth": growth,
                    "output_growth": output,
                    "window_mean": test.mean,
                    "p_value": test.p_value,
                    "months": list(test.months),
                    "window_growth": [r[1] for r in window],
                },
            )
        )
    return warnings
