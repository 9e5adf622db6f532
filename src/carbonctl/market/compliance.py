"""Compliance (配额清缴) of ETS units: the required surrender, CCER offsets, shortfall, surplus,
banking and borrowing, by the rules of each year (ets_rules.csv; notes/policy_rules.md 1.3).

For verified emissions V, free allocation A and CCER offered c in year Y::

    S = V                                      required surrender (应清缴量)
    if V − A > g·V:  S = A + g·V               gap cap (履约缺口上限), g = 20 %
    gas units:       S = min(S, A)             obligation capped at the free allocation
    max CCER        = 5 % × S
    CCER used       = min(c − stock refused, 5 % × S, max(S − A, 0))
    shortfall       = max(S − A − CCER used, 0)        surplus = max(A − S, 0)
    2023–2024: bankable = 10,000 t + 1.5 × net allowances sold 2019–2024; banked = min(surplus,
               bankable)
    2021–2022: a gap ≥ 10 % of A may borrow 50 % of it from the 2023 allowances

The gas cap comes after the gap cap: capping a gas unit at A + 20 % V would undo its exemption.
Stock CCER (项目始于2017年前的存量CCER) is refused for years from 2025.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

import carbonctl.market.rules as rules
from carbonctl.errors import InputError, InputErrors, UnknownNameError
from carbonctl.io.records import Column, read_records, validate_records
from carbonctl.market.rules import RefValue

__all__ = [
    "COMPLIANCE_COLUMNS",
    "ComplianceResult",
    "UnitCompliance",
    "comply",
    "read_compliance",
]

COMPLIANCE_COLUMNS: tuple[Column, ...] = (
    Column("unit_id", "text", aliases=("机组编号", "unit")),
    Column("year", "year", aliases=("年度",)),
    Column("unit_category", "text", aliases=("机组类别", "category")),
    Column("allocation_t", aliases=("配额量", "免费配额")),
    Column("verified_t", aliases=("核查排放量",)),
    Column("ccer_t", blank=True, aliases=("ccer",)),
    Column("ccer_project_start", "date", required=False, blank=True, aliases=("ccer项目开始",)),
    Column("net_sold_t", required=False, blank=True, minimum=None, aliases=("净卖出量",)),
)


@dataclass(frozen=True)
class UnitCompliance:
    """One unit-year's compliance figures (tCO2) and the rules' flags."""

    unit_id: str
    year: int
    unit_category: str
    allocation_t: float
    verified_t: float
    gap_t: float
    gap_capped: bool
    gas_capped: bool
    required_surrender_t: float
    max_ccer_t: float
    ccer_offered_t: float
    ccer_refused_t: float
    ccer_used_t: float
    shortfall_t: float
    surplus_t: float
    bankable_t: float | None
    banked_t: float | None
    borrowable_t: float | None
    flags: tuple[str, ...]
    sources: tuple[str, ...]

    @property
    def status(self) -> str:
        """``shortfall`` (a gap remains after CCER), ``surplus`` or ``complied``."""
        if self.shortfall_t > 0:
            return "shortfall"
        return "surplus" if self.surplus_t > 0 else "complied"

    def as_dict(self) -> dict:
        out = asdict(self)
        out["flags"] = list(self.flags)
        out["sources"] = list(self.sources)
        out["status"] = self.status
        return out


@dataclass(frozen=True)
class ComplianceResult:
    units: tuple[UnitCompliance, ...]

    def table(self) -> pd.DataFrame:
        return pd.DataFrame([u.as_dict() for u in self.units])

    def to_json(self) -> dict:
        """The ``carbonctl ets comply --json`` object; units keyed by unit id, or by
        ``unit_id:year`` when a table holds several years of one unit."""
        years = {}
        for u in self.units:
            years.setdefault(u.unit_id, set()).add(u.year)
        out = {}
        for u in self.units:
            key = u.unit_id if len(years[u.unit_id]) == 1 else f"{u.unit_id}:{u.year}"
            entry = u.as_dict()
            for name in ("unit_id", "sources"):
                entry.pop(name)
            out[key] = entry
        return {"units": out}


def read_compliance(path: str | Path, *, sheet: str | None = None) -> pd.DataFrame:
    """Read a compliance table (CSV or XLSX) with :data:`COMPLIANCE_COLUMNS`."""
    return read_records(path, COMPLIANCE_COLUMNS, sheet=sheet)


def comply(rows: pd.DataFrame, *, source: str = "<table>") -> ComplianceResult:
    """Compliance of each unit-year of ``rows`` (:data:`COMPLIANCE_COLUMNS`). Raises
    :class:`InputErrors` for unknown categories and repeated unit-years."""
    table = validate_records(rows, COMPLIANCE_COLUMNS, source=source)
    errors: list[InputError] = []
    seen: dict[tuple[str, int], int] = {}
    done = []
    for number, row in table.iterrows():
        year = int(row["year"])
        key = (row["unit_id"], year)
        first = seen.setdefault(key, int(number))
        if first != number:
            errors.append(
                InputError(
                    f"unit {row['unit_id']!r} {year} repeated (first in row {first})",
                    file=source,
                    row=int(number),
                    column="unit_id",
                    expected="one row per unit and year",
                )
            )
            continue
        try:
            category = rules.category(row["unit_category"])
        except UnknownNameError as exc:
            errors.append(
                InputError(
                    str(exc),
                    file=source,
                    row=int(number),
                    column="unit_category",
                    expected="a category of ets_power_benchmarks.csv",
                )
            )
            continue
        done.append(unit_compliance(row, category))
    if errors:
        raise InputErrors(errors)
    return ComplianceResult(tuple(done))


def _number(row: pd.Series, column: str) -> float | None:
    value = row.get(column)
    return None if value is None or pd.isna(value) else float(value)


def unit_compliance(row: pd.Series, category: str) -> UnitCompliance:
    """The compliance of one validated row (see the module's formulas)."""
    year = int(row["year"])
    allocation = float(row["allocation_t"])
    verified = float(row["verified_t"])
    offered = _number(row, "ccer_t") or 0.0
    flags: list[str] = []
    sources: list[str] = []

    def use(value: RefValue | None) -> float | None:
        if value is None:
            return None
        if value.flag():
            flags.append(value.flag())
        if value.source not in sources:
            sources.append(value.source)
        return value.value

    gap = verified - allocation
    required = verified
    gap_share = use(rules.rule("gap_cap_share", year))
    gap_capped = gap_share is not None and gap > gap_share * verified
    if gap_capped:
        required = allocation + gap_share * verified
    gas_capped = False
    if rules.category_fuel(category) == "gas" and use(rules.rule("gas_cap", year)):
        gas_capped = required > allocation
        required = min(required, allocation)
    ccer_share = use(rules.rule("ccer_share", year)) or 0.0
    max_ccer = ccer_share * required
    refused = 0.0
    start = row.get("ccer_project_start")
    if offered and isinstance(start, dt.date):
        before = rules.rule("stock_ccer_before", year)
        if use(rules.rule("stock_ccer_refused", year)) and before and start.year < before.value:
            use(before)
            refused = offered
            flags.append(
                f"CCER from a project started {start.isoformat()} (before {before.value:g}) "
                f"is stock CCER, refused for {year}"
            )
    ccer_used = min(offered - refused, max_ccer, max(required - allocation, 0.0))
    shortfall = max(required - allocation - ccer_used, 0.0)
    surplus = max(allocation - required, 0.0)
    bankable = banked = None
    base = use(rules.rule("banking_base_t", year))
    if base is not None:
        multiple = use(rules.rule("banking_sold_multiple", year)) or 0.0
        sold = _number(row, "net_sold_t")
        if sold is None:
            flags.append("net_sold_t not given: net allowances sold 2019-2024 taken as 0")
        bankable = base + multiple * max(sold or 0.0, 0.0)
        banked = min(surplus, bankable)
    borrowable = None
    threshold = use(rules.rule("borrowing_threshold", year))
    if threshold is not None:
        share = use(rules.rule("borrowing_share", year)) or 0.0
        borrowable = share * gap if allocation > 0 and gap >= threshold * allocation else 0.0
    return UnitCompliance(
        unit_id=str(row["unit_id"]),
        year=year,
        unit_category=category,
        allocation_t=allocation,
        verified_t=verified,
        gap_t=gap,
        gap_capped=gap_capped,
        gas_capped=gas_capped,
        required_surrender_t=required,
        max_ccer_t=max_ccer,
        ccer_offered_t=offered,
        ccer_refused_t=refused,
        ccer_used_t=ccer_used,
        shortfall_t=shortfall,
        surplus_t=surplus,
        bankable_t=bankable,
        banked_t=banked,
        borrowable_t=borrowable,
        flags=tuple(dict.fromkeys(flags)),
        sources=tuple(sources),
    )
