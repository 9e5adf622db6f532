"""The national ETS's reference values (全国碳市场参数): power-sector benchmarks by year and unit
category, the unit categories with their Chinese names, and the rules of each year (pre-allocation
share, gap cap, CCER limit, gas-unit cap, banking, borrowing, correction factors, deadlines).

Every value comes with its status and source (refdata ``ets_power_benchmarks``,
``ets_unit_categories``, ``ets_rules``). A value whose status is not plainly CONFIRMED is used as
a default and carried as a *flag* into the result, so a user sees what rests on recalled or
secondary figures. A value the reference data does not have is never invented: the lookups
return None and the caller asks the user for it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

from carbonctl.errors import UnknownNameError
from carbonctl.refdata import close_matches, load_table, normalise_name
from carbonctl.refdata.loader import status_label

__all__ = [
    "CARRIED",
    "RefValue",
    "benchmark",
    "category",
    "category_fuel",
    "category_names",
    "deadline",
    "plan_years",
    "rule",
]


@dataclass(frozen=True)
class RefValue:
    """A reference value with what it rests on."""

    name: str
    value: float
    unit: str
    status: str
    source: str
    text: str = ""

    @property
    def confirmed(self) -> bool:
        return status_label(self.status) == "CONFIRMED" and "UNCONFIRMED" not in self.status

    def flag(self) -> str | None:
        """``"<what the value says>: <status>"`` unless the value is plainly CONFIRMED."""
        if self.confirmed:
            return None
        what = self.text or f"{self.name} {self.value:g} {self.unit}"
        return f"{what}: {self.status}"


@cache
def _categories() -> dict[str, tuple[str, str, str, str]]:
    """normalised spelling -> (canonical, fuel, name_zh, name_en)."""
    found: dict[str, tuple[str, str, str, str]] = {}
    for r in load_table("ets_unit_categories").itertuples(index=False):
        entry = (r.unit_category, r.fuel, r.name_zh, r.name_en)
        for spelling in (r.unit_category, r.name_zh, r.name_en, *r.aliases.split("|")):
            if spelling.strip():
                found[normalise_name(spelling)] = entry
    return found


def category(text: object) -> str:
    """The canonical unit category (``conventional coal >300MW`` …) of a spelling in English or
    Chinese; :class:`UnknownNameError` with the closest names otherwise."""
    found = _categories().get(normalise_name(text))
    if found is None:
        names = category_names()
        raise UnknownNameError("ETS unit category", text, close_matches(str(text), names))
    return found[0]


def category_names() -> list[str]:
    """The canonical categories, then their Chinese names (what a user may type)."""
    table = load_table("ets_unit_categories")
    return [*table["unit_category"], *table["name_zh"]]


def category_fuel(canonical: str) -> str:
    """``coal`` or ``gas``."""
    return _categories()[normalise_name(canonical)][1]


@cache
def _benchmarks() -> dict[tuple[int, str, str], tuple[str, RefValue | None, str]]:
    """(year, category, metric) -> (period, value or None when not found, output basis)."""
    table = load_table("ets_power_benchmarks")
    found = {}
    for r in table.itertuples(index=False):
        value = None
        if r.value.strip():
            value = RefValue(
                f"{r.metric} benchmark {r.year}", float(r.value), r.unit, r.status, r.source
            )
        found[(int(r.year), r.unit_category, r.metric)] = (r.period, value, r.output_basis)
    return found


def benchmark(
    year: int, unit_category: str, metric: str
) -> tuple[str, RefValue | None, str] | None:
    """(period, benchmark, output basis) of ``metric`` (``electricity`` or ``heat``) for a unit
    category in ``year``; heat benchmarks are by fuel (coal, gas). The value is None where the
    period is known but its value was not found; None altogether for a year with no plan in the
    reference data."""
    key = unit_category if metric == "electricity" else category_fuel(unit_category)
    return _benchmarks().get((year, key, metric))


def plan_years() -> tuple[int, int]:
    """First and last year with power benchmarks in the reference data."""
    years = [y for y, _c, _m in _benchmarks()]
    return min(years), max(years)


@cache
def _rules() -> dict[str, list[tuple[int, int | None, RefValue]]]:
    found: dict[str, list[tuple[int, int | None, RefValue]]] = {}
    for r in load_table("ets_rules").itertuples(index=False):
        if r.rule == "surrender_deadline":
            continue
        value = RefValue(r.rule, float(r.value), r.unit, r.status, r.source, r.text)
        last = int(r.last_year) if r.last_year.strip() else None
        found.setdefault(r.rule, []).append((int(r.first_year), last, value))
    return found


#: Rules that hold until a later plan says otherwise: after their last listed year they are
#: carried forward, flagged. Others (borrowing, the 2019-2022 corrections) ended with their plan.
CARRIED = frozenset(
    {
        "pre_allocation_share",
        "gap_cap_share",
        "gas_cap",
        "banking_base_t",
        "banking_sold_multiple",
        "correction_2023",
    }
)


def rule(name: str, year: int) -> RefValue | None:
    """The value of rule ``name`` for ``year``: the period covering it; for a rule of
    :data:`CARRIED` and a year after its last period, the last period's value with a status
    saying so; else None."""
    periods = _rules().get(name, [])
    for first, last, value in periods:
        if first <= year and (last is None or year <= last):
            return value
    if name in CARRIED and periods:
        first, last, value = max(periods, key=lambda p: p[0])
        if last is not None and year > last:
            carried = f"{value.status}; carried forward from {first}-{last} to {year}: UNCONFIRMED"
            return RefValue(name, value.value, value.unit, carried, value.source, value.text)
    return None


def deadline(year: int) -> tuple[dt.date, RefValue] | None:
    """The surrender deadline of ``year``'s allowances, when the reference data has it."""
    for r in load_table("ets_rules").itertuples(index=False):
        if r.rule == "surrender_deadline" and int(r.first_year) <= year <= int(r.last_year):
            day = dt.date.fromisoformat(r.value)
            return day, RefValue(
                "surrender deadline", float(day.year), "year", r.status, r.source, r.text
            )
    return None
