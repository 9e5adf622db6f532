"""Five-year-plan schedule arithmetic (时序进度): how much of a five-year intensity-reduction
target should be done by a given year, how much is left, and how far along a region is.

All rates are fractions (0.17 for −17 %). Reductions are positive numbers: a cumulative reduction
of 0.05 means intensity is 5 % below the base year. The compounding convention follows the
statistics bureaus' method (Qinghai statistics bureau; the Chongqing example 14 % → 2.97 %/yr),
see ``shared/refdata/notes/policy_rules.md`` § 5.
"""

from __future__ import annotations

import math
from enum import StrEnum
from numbers import Integral, Real
from typing import TypedDict

import pandas as pd

from carbonctl.errors import InputError

__all__ = [
    "PLAN_LENGTH",
    "ROUNDING_TOLERANCE",
    "Progress",
    "ScheduleStatus",
    "completion_rate",
    "progress",
    "remaining_required_rate",
    "required_annual_rate",
    "required_cumulative",
    "required_cumulative_midyear",
    "schedule_status",
    "schedule_table",
    "year_index",
]

#: Years in a five-year plan (五年规划). The plan's base year is year 0, its last year is year 5.
PLAN_LENGTH = 5

#: Default tolerance of :func:`schedule_status`, in fraction points of cumulative reduction.
#: Cumulative reductions are published to one decimal of a percent (e.g. 4.9 %, targets.csv), so
#: a gap below half of that last digit (0.05 pp) cannot be told from rounding.
ROUNDING_TOLERANCE = 0.0005


class ScheduleStatus(StrEnum):
    """Where a region stands against the schedule (时序进度): 超前 / 符合 / 滞后."""

    AHEAD = "ahead"
    ON_TRACK = "on track"
    BEHIND = "behind"


class Progress(TypedDict):
    """The JSON that ``carbonctl progress`` prints (fractions, not percents)."""

    annual_required: float
    required_cumulative: float
    remaining_required: float | None
    completion_rate: float | None


def _check_target(target_r: float) -> float:
    if isinstance(target_r, bool) or not isinstance(target_r, Real):
        raise InputError(
            f"five-year reduction target {target_r!r} is not a number",
            column="target_r",
            expected="a fraction between 0 and 1, e.g. 0.17 for −17 %",
        )
    if not math.isfinite(target_r) or not 0.0 < target_r < 1.0:
        hint = " (give a fraction: 0.17, not 17)" if target_r >= 1.0 else ""
        raise InputError(
            f"five-year reduction target {target_r!r} is outside (0, 1){hint}",
            column="target_r",
            expected="a fraction between 0 and 1, e.g. 0.17 for −17 %",
        )
    return float(target_r)


def _check_index(t: float, *, low: float = 0.0) -> float:
    if isinstance(t, bool) or not isinstance(t, Real) or not math.isfinite(t):
        raise InputError(f"plan year index {t!r} is not a number", expected="a year index 0..5")
    if not low <= t <= PLAN_LENGTH:
        raise InputError(
            f"plan year index {t!r} is outside {low:g}..{PLAN_LENGTH}",
            expected=f"a year index between {low:g} and {PLAN_LENGTH}",
        )
    return float(t)


def _check_achieved(achieved: float) -> float:
    if isinstance(achieved, bool) or not isinstance(achieved, Real):
        raise InputError(
            f"achieved cumulative reduction {achieved!r} is not a number",
            column="achieved",
            expected="a fraction below 1, e.g. 0.05 for −5 % since the base year",
        )
    if not math.isfinite(achieved) or achieved >= 1.0:
        hint = " (give a fraction: 0.05, not 5)" if math.isfinite(achieved) else ""
        raise InputError(
            f"achieved cumulative reduction {achieved!r} is not below 1{hint}",
            column="achieved",
            expected="a fraction below 1, e.g. 0.05 for −5 % since the base year",
        )
    return float(achieved)


def year_index(base_year: int, year: int) -> int:
    """Plan year index t = year − base_year, checked to lie in 0..5.

    For the 15th plan (base year 2025) 2026 is t = 1 and 2030 is t = 5.
    """
    for name, value in (("base_year", base_year), ("year", year)):
        if isinstance(value, bool) or not isinstance(value, Integral):
            raise InputError(f"{name} {value!r} is not a whole year", column=name)
    t = int(year) - int(base_year)
    if not 0 <= t <= PLAN_LENGTH:
        raise InputError(
            f"year {year} is outside the five-year plan with base year {base_year}",
            column="year",
            expected=f"a year from {base_year} to {base_year + PLAN_LENGTH}",
        )
    return t


def required_annual_rate(target_r: float) -> float:
    """Required annual reduction rate (年均下降率) r* = 1 − (1 − R)^(1/5).

    The constant yearly fall that compounds to the five-year target R:
    17 % → 3.658 %/yr, 18 % → 3.891 %/yr, 13.5 % → 2.859 %/yr.
    """
    r = _check_target(target_r)
    return 1.0 - (1.0 - r) ** (1.0 / PLAN_LENGTH)


def required_cumulative(target_r: float, t: float) -> float:
    """Cumulative reduction required by the end of plan year t (时序进度要求): 1 − (1 − R)^(t/5).

    t = 0 gives 0 and t = 5 gives R. Fractional t is allowed (e.g. 2.5 for mid-year 3).
    """
    r = _check_target(target_r)
    return 1.0 - (1.0 - r) ** (_check_index(t) / PLAN_LENGTH)


def required_cumulative_midyear(target_r: float, t: int) -> float:
    """Cumulative reduction required by the middle of plan year t: 1 − (1 − R)^((t − 0.5)/5).

    For half-year (上半年) figures, t = 1..5. **UNCONFIRMED convention**: this is the convention of
    ``progress_schedule.csv`` (column ``required_cumulative_by_midyear``); no official text for
    half-year progress was found. Verify before using it in an assessment.
    """
    _check_index(t, low=1.0)
    return required_cumulative(target_r, t - 0.5)


def remaining_required_rate(target_r: float, t: int, achieved: float) -> float | None:
    """Annual rate needed over the years left (剩余年份年均需下降) to still meet the target:
    1 − [(1 − R)/(1 − achieved)]^(1/(5 − t)).

    ``achieved`` is the cumulative reduction since the base year at the end of year t. None when
    no years are left (t = 5). Negative when the target is already exceeded (intensity may rise
    by that much a year and the target is still met).
    """
    r = _check_target(target_r)
    index = _check_index(t)
    a = _check_achieved(achieved)
    years_left = PLAN_LENGTH - index
    if years_left == 0:
        return None
    return 1.0 - ((1.0 - r) / (1.0 - a)) ** (1.0 / years_left)


def completion_rate(
    target_r: float, t: float, achieved: float, *, midyear: bool = False
) -> float | None:
    """Schedule completion rate (进度完成率) = achieved cumulative / required cumulative by t.

    1.0 means exactly on schedule, above 1 ahead, below 1 behind; negative when intensity has
    risen since the base year. None at t = 0, where nothing is required yet. With ``midyear``,
    the denominator is :func:`required_cumulative_midyear` (UNCONFIRMED convention).

    This is a share of the schedule, not of the five-year target: 0.0366 achieved after one year
    of a 17 % target is a completion rate of 1.0 (on schedule), not 0.0366/0.17 = 0.215.
    """
    a = _check_achieved(achieved)
    if midyear:
        required = required_cumulative_midyear(target_r, int(t))
    else:
        required = required_cumulative(target_r, t)
    if required == 0.0:
        return None
    return a / required


def schedule_status(
    target_r: float, t: float, achieved: float, *, tolerance: float = ROUNDING_TOLERANCE
) -> ScheduleStatus:
    """Ahead / on track / behind the schedule (超前 / 符合 / 滞后于时序进度).

    Compares achieved with required cumulative reduction by t: *on track* when
    |achieved − required| ≤ ``tolerance`` (fraction points; default 0.0005 = 0.05 pp, the rounding
    of a one-decimal published percentage), *ahead* above that, *behind* below. At t = 0 a
    region is on track unless its figure differs from 0 by more than the tolerance.
    """
    if not math.isfinite(tolerance) or tolerance < 0.0:
        raise InputError(f"tolerance {tolerance!r} is negative", expected="a fraction ≥ 0")
    gap = _check_achieved(achieved) - required_cumulative(target_r, t)
    if gap > tolerance:
        return ScheduleStatus.AHEAD
    if gap < -tolerance:
        return ScheduleStatus.BEHIND
    return ScheduleStatus.ON_TRACK


def progress(target_r: float, base_year: int, year: int, achieved: float | None) -> Progress:
    """Schedule progress of a five-year target R in ``year`` — the ``carbonctl progress`` JSON.

    ``{"annual_required": r*, "required_cumulative": 1 − (1 − R)^(t/5),
    "remaining_required": 1 − [(1 − R)/(1 − achieved)]^(1/(5 − t)) or None,
    "completion_rate": achieved / required cumulative or None}`` with t = year − base_year.

    ``remaining_required`` is None when no years are left or ``achieved`` is not given;
    ``completion_rate`` is None at t = 0 or when ``achieved`` is not given. A year outside
    base_year..base_year+5 or R outside (0, 1) raises :class:`~carbonctl.errors.InputError`.
    """
    r = _check_target(target_r)
    t = year_index(base_year, year)
    if achieved is not None:
        achieved = _check_achieved(achieved)
    return {
        "annual_required": required_annual_rate(r),
        "required_cumulative": required_cumulative(r, t),
        "remaining_required": None if achieved is None else remaining_required_rate(r, t, achieved),
        "completion_rate": None if achieved is None else completion_rate(r, t, achieved),
    }


#: Columns of :func:`schedule_table` besides the targets' own.
SCHEDULE_COLUMNS = ("achieved", "status", *Progress.__annotations__)
#: The status of a target that lets intensity rise or fall by 100 % or more: no schedule.
NO_SCHEDULE = "—"


def schedule_table(targets: pd.DataFrame, figures: pd.DataFrame, year: int) -> pd.DataFrame:
    """Schedule progress (时序进度) of many regions' targets in ``year``.

    ``targets``: region, base_year, reduction (R, a fraction). ``figures``: region, year, tco2,
    gdp (GDP at constant prices, any one unit). The achieved reduction of intensity I = CO2 / GDP
    is 1 − I(year) / I(base year), None where either year lacks CO2 or a non-zero GDP; the other
    columns are :func:`progress` and :func:`schedule_status` (its value; empty without an
    achieved figure). A target with R outside (0, 1) has no schedule: its status is
    :data:`NO_SCHEDULE` and its progress figures are None. One row per target, in their order.
    """
    co2 = pd.to_numeric(figures["tco2"], errors="coerce")
    gdp = pd.to_numeric(figures["gdp"], errors="coerce")
    usable = co2.notna() & gdp.notna() & (gdp != 0)
    keys = pd.MultiIndex.from_arrays(
        [figures["region"][usable], figures["year"][usable].astype(int)]
    )
    by_year = pd.Series((co2 / gdp)[usable].to_numpy(), index=keys).to_dict()
    rows = []
    for target in targets.itertuples(index=False):
        before = by_year.get((target.region, int(target.base_year)))
        now = by_year.get((target.region, int(year)))
        achieved = None if before is None or now is None else 1.0 - now / before
        if not 0.0 < target.reduction < 1.0:
            figures_of = dict.fromkeys(Progress.__annotations__)
            rows.append({"achieved": achieved, "status": NO_SCHEDULE, **figures_of})
            continue
        figures_of = progress(target.reduction, int(target.base_year), int(year), achieved)
        t = year - int(target.base_year)
        status = "" if achieved is None else schedule_status(target.reduction, t, achieved).value
        rows.append({"achieved": achieved, "status": status, **figures_of})
    return pd.DataFrame(rows, columns=list(SCHEDULE_COLUMNS), dtype=object)
