"""Budget rules (预算核定规则): a region's annual carbon budgets over a five-year plan, from its
intensity target along the plan's annual path or from an absolute cap; the five-year budget is
the sum of the annual ones. DESIGN PROPOSAL (carbon_budget_ledger_fields.csv, budget_total_B).

Intensity path, with base year b, five-year CO2-intensity reduction R and constant-price GDP:

    I_b = E_b / GDP_b
    budget_t = I_b × (1 − R)^((t − b)/5) × GDP_t        t = b + 1 … b + 5

(1 − R)^((t − b)/5) is 1 − :func:`~carbonctl.indicators.required_cumulative`, the schedule of
``progress_schedule.csv``: a region that emits exactly its budget meets the schedule every year.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from numbers import Real

import pandas as pd
import pint

from carbonctl.budget.ledger import TCO2, to_tco2
from carbonctl.budget.plans import FiveYearPlan, find_plan
from carbonctl.errors import InputError
from carbonctl.indicators.schedule import required_cumulative, year_index

__all__ = [
    "BUDGET_PATH_COLUMNS",
    "AbsoluteCap",
    "IntensityPath",
    "annual_budget",
    "budget_path",
    "plan_budget",
    "project_gdp",
]

#: Columns of :func:`budget_path`: year, GDP (constant prices; NaN for a cap), the intensity
#: allowed (tCO2 per unit of GDP; NaN for a cap) and the budget in tCO2.
BUDGET_PATH_COLUMNS = ("year", "gdp", "intensity_limit", "budget_tco2")


def _positive(value: object, column: str, expected: str) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise InputError(
            f"{column} {value!r} is not a finite number", column=column, expected=expected
        )
    if value <= 0:
        raise InputError(
            f"{column} {value!r} is not greater than 0", column=column, expected=expected
        )
    return float(value)


def annual_budget(
    base_emissions_tco2: float,
    base_gdp: float,
    gdp: float,
    target: float,
    base_year: int,
    year: int,
) -> float:
    """The year's budget on the intensity path (年度碳排放预算), tCO2:
    E_b / GDP_b × (1 − R)^((t − b)/5) × GDP_t.

    ``base_gdp`` and ``gdp`` are GDP at constant prices of the base year, in any one unit;
    ``target`` R is a fraction (0.17). t − b must lie in 0..5.
    """
    emissions = _positive(base_emissions_tco2, "base_emissions_tco2", "tCO2 greater than 0")
    gdp_base = _positive(base_gdp, "base_gdp", "GDP at constant prices greater than 0")
    gdp_year = _positive(gdp, "gdp", "GDP at constant prices greater than 0")
    remaining = 1.0 - required_cumulative(target, year_index(base_year, year))
    return emissions / gdp_base * remaining * gdp_year


def project_gdp(
    base_gdp: float, growth: float | Mapping[int, float], plan: str | FiveYearPlan
) -> dict[int, float]:
    """Constant-price GDP of each plan year from the base year's: GDP_t = GDP_{t−1} × (1 + g_t).

    ``growth`` is one real growth rate for every year (0.05) or one per plan year.
    """
    chosen = plan if isinstance(plan, FiveYearPlan) else find_plan(plan)
    value = _positive(base_gdp, "base_gdp", "GDP at constant prices greater than 0")
    projected = {}
    for year in chosen.years:
        rate = growth.get(year) if isinstance(growth, Mapping) else growth
        if isinstance(rate, bool) or not isinstance(rate, Real) or not math.isfinite(rate):
            raise InputError(
                f"growth rate of {year} {rate!r} is not a finite number",
                column="growth",
                expected="a real growth rate as a fraction above −1, e.g. 0.05",
            )
        if rate <= -1.0:
            raise InputError(
                f"growth rate of {year} {rate!r} is −100 % or less",
                column="growth",
                expected="a fraction above −1, e.g. 0.05 (give 0.05, not 5)",
            )
        value *= 1.0 + float(rate)
        projected[year] = value
    return projected


@dataclass(frozen=True)
class IntensityPath:
    """The intensity rule (强度目标折算): the plan's target R applied to the base year's intensity
    E_b / GDP_b along the annual path. ``base_emissions_tco2`` from the base year's inventory."""

    plan: str
    target: float
    base_emissions_tco2: float
    base_gdp: float

    @classmethod
    def of(
        cls,
        plan: str,
        target: float,
        base_emissions: float | pint.Quantity,
        base_gdp: float,
        *,
        unit: str = TCO2,
    ) -> IntensityPath:
        """The rule with base-year emissions in ``unit`` (``万tCO2`` …) or as a pint quantity."""
        return cls(find_plan(plan).plan, target, to_tco2(base_emissions, unit), base_gdp)

    @property
    def intensity_base(self) -> float:
        """I_b = E_b / GDP_b, tCO2 per unit of GDP."""
        return _positive(self.base_emissions_tco2, "base_emissions_tco2", "tCO2") / _positive(
            self.base_gdp, "base_gdp", "GDP at constant prices greater than 0"
        )


@dataclass(frozen=True)
class AbsoluteCap:
    """The absolute rule (总量上限): a cap in tCO2 for each year of the plan, as after the peak
    (晋政办发〔2024〕53号: intensity first, total auxiliary; after peaking, total first)."""

    plan: str
    caps_tco2: Mapping[int, float]


def budget_path(
    rule: IntensityPath | AbsoluteCap, gdp: Mapping[int, float] | None = None
) -> pd.DataFrame:
    """The annual budgets of a plan under ``rule``: one row per plan year
    (:data:`BUDGET_PATH_COLUMNS`). An intensity rule needs ``gdp``, the projected constant-price
    GDP of every plan year (:func:`project_gdp`), in the unit of its ``base_gdp``."""
    plan = find_plan(rule.plan)
    rows = []
    if isinstance(rule, IntensityPath):
        if gdp is None:
            raise InputError(
                "the intensity rule needs the projected GDP of each plan year", column="gdp"
            )
        for year in plan.years:
            if year not in gdp:
                raise InputError(
                    f"no projected GDP for {year}",
                    column="gdp",
                    expected=f"GDP for {plan.first_year}–{plan.last_year}",
                )
            budget = annual_budget(
                rule.base_emissions_tco2,
                rule.base_gdp,
                gdp[year],
                rule.target,
                plan.base_year,
                year,
            )
            rows.append((year, float(gdp[year]), budget / float(gdp[year]), budget))
    elif isinstance(rule, AbsoluteCap):
        for year in plan.years:
            if year not in rule.caps_tco2:
                raise InputError(
                    f"no cap for {year}",
                    column="caps_tco2",
                    expected=f"a cap for each of {plan.first_year}–{plan.last_year}",
                )
            cap = rule.caps_tco2[year]
            if (
                isinstance(cap, bool)
                or not isinstance(cap, Real)
                or not math.isfinite(cap)
                or cap < 0
            ):
                raise InputError(
                    f"cap of {year} {cap!r} is not a number ≥ 0",
                    column="caps_tco2",
                    expected="tCO2",
                )
            rows.append((year, math.nan, math.nan, float(cap)))
    else:
        raise TypeError(f"{rule!r} is not a budget rule")
    frame = pd.DataFrame(rows, columns=list(BUDGET_PATH_COLUMNS))
    frame["year"] = frame["year"].astype(int)
    return frame


def plan_budget(rule: IntensityPath | AbsoluteCap, gdp: Mapping[int, float] | None = None) -> float:
    """The five-year budget (五年碳排放预算) = the sum of the plan's annual budgets, tCO2."""
    return math.fsum(budget_path(rule, gdp)["budget_tco2"])
