"""Five-year plans (五年规划) as the budget ledger knows them: name, base year, the five plan years
and the national CO2-intensity target, read from the reference table ``five_year_plans``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from numbers import Integral

from carbonctl.errors import InputError, RefdataError, UnknownNameError
from carbonctl.indicators.schedule import PLAN_LENGTH
from carbonctl.refdata import close_matches, load_table

__all__ = ["DEFAULT_PLAN", "FiveYearPlan", "find_plan", "plan_of_year", "plans"]

#: The plan the ledger uses when none is named: the 15th (2026–2030, base year 2025), issue 14.
DEFAULT_PLAN = "15th"


@dataclass(frozen=True)
class FiveYearPlan:
    """A five-year plan: ``plan`` ("15th"), its base year (year 0 of the schedule) and its years
    ``first_year``..``last_year`` (base year + 1 .. base year + 5). ``co2_intensity_target`` is
    the national five-year CO2-intensity reduction R (a fraction), the default until a region's
    adopted allocation gives its own; ``status`` and ``source`` travel with it."""

    plan: str
    name_zh: str
    base_year: int
    first_year: int
    last_year: int
    co2_intensity_target: float
    status: str
    source: str

    @property
    def years(self) -> range:
        """The plan's five years, e.g. range(2026, 2031)."""
        return range(self.first_year, self.last_year + 1)


@lru_cache(maxsize=1)
def plans() -> tuple[FiveYearPlan, ...]:
    """Every five-year plan of the reference table, oldest first as stored."""
    table = load_table("five_year_plans")
    found = []
    for row in table.itertuples(index=False):
        try:
            plan = FiveYearPlan(
                plan=row.plan,
                name_zh=row.name_zh,
                base_year=int(row.base_year),
                first_year=int(row.first_year),
                last_year=int(row.last_year),
                co2_intensity_target=float(row.co2_intensity_target),
                status=row.status,
                source=row.source,
            )
        except ValueError as exc:
            raise RefdataError(
                f"five_year_plans: plan {row.plan!r} has a malformed number"
            ) from exc
        if plan.first_year != plan.base_year + 1 or plan.last_year != plan.base_year + PLAN_LENGTH:
            raise RefdataError(
                f"five_year_plans: plan {plan.plan!r} does not run base year + 1 .. base year + 5"
            )
        found.append(plan)
    return tuple(found)


def find_plan(name: object) -> FiveYearPlan:
    """The plan called ``name`` ("15th", "14th"); an unknown name lists the known ones."""
    for plan in plans():
        if plan.plan == str(name).strip():
            return plan
    names = [p.plan for p in plans()]
    raise UnknownNameError("five-year plan", name, close_matches(str(name), names) or names)


def plan_of_year(year: int) -> FiveYearPlan:
    """The plan whose five years contain ``year`` (2026 → 15th; 2025, the 15th's base year, is the
    last year of the 14th)."""
    if isinstance(year, bool) or not isinstance(year, Integral):
        raise InputError(f"year {year!r} is not a whole year", column="year")
    for plan in plans():
        if year in plan.years:
            return plan
    known = ", ".join(f"{p.plan} {p.first_year}–{p.last_year}" for p in plans())
    raise InputError(f"year {year} is in no known five-year plan", column="year", expected=known)
