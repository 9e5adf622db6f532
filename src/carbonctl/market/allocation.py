"""Power-sector allowance allocation by the benchmark method (全国碳市场发电行业配额分配, 基准法).

For a unit in year Y (notes/policy_rules.md 1.1; ets_rules.csv)::

    allocation = B_e × Q_e × F + B_h × Q_h
      Q_e  electricity supplied (供电量) in 2019–2022, generated (发电量) from 2023
      Q_h  heat supplied, GJ;  B_e, B_h the year's benchmarks of the unit's category
      F    coal: cooling × heat-supply × load-factor corrections (2019–2022); gas: heat-supply
           only; 2023–2024: 1.0 assumed (the plan "simplified" them; which remain is unconfirmed)
    pre-allocation (预分配) = 70 % × allocation on the output given

The final allocation is the same computation on verified output, and the settlement
(多退少补) is final − pre-allocation. Values the reference data does not have (the 2023–2024
unconventional-coal and heat benchmarks, the 2021–2022 heat-supply correction) are never made
up: the user gives them in the input (``electricity_benchmark``, ``heat_benchmark``,
``correction``) or the unit is refused with a message naming unit and value.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

import carbonctl.market.rules as rules
from carbonctl.errors import InputError, InputErrors, UnknownNameError
from carbonctl.io.records import Column, read_records, validate_records
from carbonctl.market.rules import RefValue

__all__ = [
    "UNIT_COLUMNS",
    "AllocationResult",
    "UnitAllocation",
    "allocate",
    "load_factor_correction",
    "read_units",
]

#: The columns of a units table (the ``carbonctl ets allocate`` contract).
UNIT_COLUMNS: tuple[Column, ...] = (
    Column("unit_id", "text", aliases=("机组编号", "unit")),
    Column("enterprise", "text", aliases=("企业", "企业名称")),
    Column("unit_category", "text", aliases=("机组类别", "category")),
    Column("capacity_mw", blank=True, aliases=("装机容量",)),
    Column("generation_mwh", blank=True, aliases=("发电量",)),
    Column("supplied_mwh", blank=True, aliases=("供电量",)),
    Column("heat_supplied_gj", blank=True, aliases=("供热量",)),
    Column("cooling", "text", required=False, blank=True, aliases=("冷却方式",),
           expected="water or air (水冷/空冷)"),
    Column("heat_supply_ratio", required=False, blank=True, maximum=1.0, aliases=("供热比",)),
    Column("load_factor", required=False, blank=True, maximum=1.5, aliases=("负荷率", "负荷系数")),
    Column("electricity_benchmark", required=False, blank=True,
           aliases=("供电基准值", "发电基准值")),
    Column("heat_benchmark", required=False, blank=True, aliases=("供热基准值",)),
    Column("correction", required=False, blank=True, aliases=("修正系数",)),
)  # fmt: skip

COOLING = {"water": "water", "水冷": "water", "air": "air", "空冷": "air"}


@dataclass(frozen=True)
class UnitAllocation:
    """One unit's allowances for a year, with every value and flag behind them (tCO2)."""

    unit_id: str
    enterprise: str
    unit_category: str
    year: int
    period: str
    output_basis: str
    output_mwh: float
    heat_gj: float
    electricity_benchmark: float
    heat_benchmark: float | None
    correction: float
    electricity_t: float
    heat_t: float
    allocation_t: float
    pre_allocation_share: float
    pre_allocation_t: float
    flags: tuple[str, ...]
    sources: tuple[str, ...]

    def as_dict(self) -> dict:
        out = asdict(self)
        out["flags"] = list(self.flags)
        out["sources"] = list(self.sources)
        return out


@dataclass(frozen=True)
class AllocationResult:
    """The allocation of a table of units for one year."""

    year: int
    units: tuple[UnitAllocation, ...]

    @property
    def total_t(self) -> float:
        return math.fsum(u.allocation_t for u in self.units)

    @property
    def pre_allocation_total_t(self) -> float:
        return math.fsum(u.pre_allocation_t for u in self.units)

    def by_enterprise(self) -> dict[str, float]:
        """Enterprise -> the sum of its units' allocations (配额按企业汇总)."""
        out: dict[str, float] = {}
        for u in self.units:
            out[u.enterprise] = out.get(u.enterprise, 0.0) + u.allocation_t
        return out

    def table(self) -> pd.DataFrame:
        return pd.DataFrame([u.as_dict() for u in self.units])

    def settlement(self, pre_allocated_t: dict[str, float]) -> dict[str, float]:
        """Unit -> top-up (> 0) or claw-back (< 0) when this result is the final allocation on
        verified output and ``pre_allocated_t`` what each unit received in advance (多退少补)."""
        return {u.unit_id: u.allocation_t - pre_allocated_t.get(u.unit_id, 0.0) for u in self.units}

    def to_json(self) -> dict:
        """The ``carbonctl ets allocate --json`` object."""
        return {
            "year": self.year,
            "units": {
                u.unit_id: {
                    "benchmark": u.electricity_benchmark,
                    "allocation_t": u.allocation_t,
                    "pre_allocation_t": u.pre_allocation_t,
                    "enterprise": u.enterprise,
                    "unit_category": u.unit_category,
                    "output_basis": u.output_basis,
                    "output_mwh": u.output_mwh,
                    "heat_benchmark": u.heat_benchmark,
                    "correction": u.correction,
                    "flags": list(u.flags),
                }
                for u in self.units
            },
            "total_t": self.total_t,
            "pre_allocation_total_t": self.pre_allocation_total_t,
        }


def read_units(path: str | Path, *, sheet: str | None = None) -> pd.DataFrame:
    """Read a units table (CSV or XLSX) with :data:`UNIT_COLUMNS`."""
    return read_records(path, UNIT_COLUMNS, sheet=sheet)


def load_factor_correction(load: float) -> float:
    """The coal units' load (output) factor correction of the 2019–2022 plans (UNCONFIRMED
    values, ets_rules.csv): 1 at F ≥ 0.85, rising as the load falls."""
    if load >= 0.85:
        return 1.0
    if load >= 0.80:
        return 1.0 + 0.0014 * (85.0 - 100.0 * load)
    if load >= 0.75:
        return 1.007 + 0.0016 * (80.0 - 100.0 * load)
    return 1.015 ** (16.0 - 20.0 * load)


class _Unit:
    """Collects one unit's values, flags and problems while it is computed."""

    def __init__(self, row: pd.Series, row_number: int, source: str) -> None:
        self.row = row
        self.number = row_number
        self.source = source
        self.flags: list[str] = []
        self.sources: list[str] = []
        self.errors: list[InputError] = []

    def given(self, column: str) -> float | None:
        value = self.row.get(column)
        return None if value is None or pd.isna(value) else float(value)

    def use(self, value: RefValue | None) -> float | None:
        if value is None:
            return None
        flag = value.flag()
        if flag:
            self.flags.append(flag)
        if value.source not in self.sources:
            self.sources.append(value.source)
        return value.value

    def error(self, message: str, column: str, expected: str) -> None:
        self.errors.append(
            InputError(
                f"unit {self.row['unit_id']!r}: {message}",
                file=self.source,
                row=self.number,
                column=column,
                expected=expected,
            )
        )


def allocate(units: pd.DataFrame, year: int, *, source: str = "<table>") -> AllocationResult:
    """Allocate allowances to each unit of ``units`` (:data:`UNIT_COLUMNS`) for ``year``.

    Raises :class:`InputErrors` naming each unit, column and value that is missing, with
    nothing computed for any unit."""
    table = validate_records(units, UNIT_COLUMNS, source=source)
    errors: list[InputError] = []
    seen: dict[str, int] = {}
    done = []
    for number, row in table.iterrows():
        unit = _Unit(row, int(number), source)
        first = seen.setdefault(row["unit_id"], int(number))
        if first != number:
            unit.error(f"repeated (first in row {first})", "unit_id", "one row per unit")
        result = _allocate_unit(unit, year)
        errors += unit.errors
        if result is not None:
            done.append(result)
    if errors:
        raise InputErrors(errors)
    return AllocationResult(year, tuple(done))


def _allocate_unit(unit: _Unit, year: int) -> UnitAllocation | None:
    try:
        category = rules.category(unit.row["unit_category"])
    except UnknownNameError as exc:
        unit.error(str(exc), "unit_category", "a category of ets_power_benchmarks.csv")
        return None
    found = rules.benchmark(year, category, "electricity")
    first, last = rules.plan_years()
    if found is None:
        period, reference, basis = f"{year}", None, "generation"
        unit.flags.append(
            f"no power-sector plan for {year} in the reference data ({first}-{last}): "
            "output basis generation (发电量) as in the latest plan; UNCONFIRMED"
        )
    else:
        period, reference, basis = found
    electricity_bm = _benchmark_value(unit, reference, "electricity_benchmark", year, category)
    output_column = "supplied_mwh" if basis == "supply" else "generation_mwh"
    output = unit.given(output_column)
    if output is None:
        word = "电力供应量 supplied" if basis == "supply" else "发电量 generated"
        unit.error(
            f"{year} allocates on electricity {word}, which is blank",
            output_column,
            "MWh of the year",
        )
    generation, supplied = unit.given("generation_mwh"), unit.given("supplied_mwh")
    if generation is not None and supplied is not None and supplied > generation:
        unit.error(
            f"supplied {supplied:g} MWh is more than generated {generation:g} MWh",
            "supplied_mwh",
            "supplied <= generation",
        )
    heat = unit.given("heat_supplied_gj") or 0.0
    heat_bm = None
    if heat > 0:
        heat_found = rules.benchmark(year, category, "heat")
        heat_bm = _benchmark_value(
            unit, heat_found[1] if heat_found else None, "heat_benchmark", year, category
        )
    correction = _correction(unit, year, category)
    share_rule = rules.rule("pre_allocation_share", year)
    share = unit.use(share_rule)
    if share is None:
        unit.error("no pre-allocation share for the year", "unit_id", "a year of the plans")
    if unit.errors or electricity_bm is None or output is None or correction is None:
        return None
    electricity_t = electricity_bm * output * correction
    heat_t = (heat_bm or 0.0) * heat
    allocation = electricity_t + heat_t
    return UnitAllocation(
        unit_id=str(unit.row["unit_id"]),
        enterprise=str(unit.row["enterprise"]),
        unit_category=category,
        year=year,
        period=period,
        output_basis=basis,
        output_mwh=output,
        heat_gj=heat,
        electricity_benchmark=electricity_bm,
        heat_benchmark=heat_bm,
        correction=correction,
        electricity_t=electricity_t,
        heat_t=heat_t,
        allocation_t=allocation,
        pre_allocation_share=share or 0.0,
        pre_allocation_t=(share or 0.0) * allocation,
        flags=tuple(dict.fromkeys(unit.flags)),
        sources=tuple(unit.sources),
    )


def _benchmark_value(
    unit: _Unit, reference: RefValue | None, column: str, year: int, category: str
) -> float | None:
    given = unit.given(column)
    if given is not None:
        if given <= 0:
            unit.error(f"{column} {given:g}", column, "a benchmark > 0")
            return None
        unit.flags.append(f"{column} {given:g} given by the user")
        return given
    if reference is not None:
        return unit.use(reference)
    what = "electricity" if column == "electricity_benchmark" else "heat"
    first, last = rules.plan_years()
    why = (
        f"there is no allocation plan for {year} in the reference data ({first}-{last})"
        if not first <= year <= last
        else "ets_power_benchmarks.csv: value not found"
    )
    unit.error(
        f"the {year} {what} benchmark of {category!r} is not in the reference data ({why}); "
        "it is not made up",
        column,
        f"the {what} benchmark in {'tCO2/MWh' if what == 'electricity' else 'tCO2/GJ'} "
        "from the allocation plan",
    )
    return None


def _correction(unit: _Unit, year: int, category: str) -> float | None:
    given = unit.given("correction")
    if given is not None:
        if given <= 0:
            unit.error(f"correction {given:g}", "correction", "a factor > 0")
            return None
        unit.flags.append(f"correction {given:g} given by the user")
        return given
    assumed = rules.rule("correction_2023", year)
    if assumed is not None:
        ignored = [c for c in ("cooling", "heat_supply_ratio", "load_factor") if _filled(unit, c)]
        if ignored:
            unit.flags.append(
                f"{', '.join(ignored)} not used: the {year} plan's corrections are not in the "
                "reference data"
            )
        return unit.use(assumed)
    fuel = rules.category_fuel(category)
    factor = 1.0
    heat_factor = _heat_supply_factor(unit, year, fuel)
    if heat_factor is None:
        return None
    factor *= heat_factor
    if fuel == "coal":
        cooling = _cooling_factor(unit, year)
        if cooling is None:
            return None
        factor *= cooling
        factor *= _load_factor(unit, year)
    return factor


def _filled(unit: _Unit, column: str) -> bool:
    value = unit.row.get(column)
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _heat_supply_factor(unit: _Unit, year: int, fuel: str) -> float | None:
    ratio = unit.given("heat_supply_ratio")
    if not ratio:
        return 1.0
    coefficient = rules.rule(f"heat_supply_{fuel}", year)
    if coefficient is None:
        unit.error(
            f"heat-supply ratio {ratio:g} given, but the {year} heat-supply correction is not in "
            "the reference data (the 2021-22 plan changed it; value not found)",
            "correction",
            "the unit's correction factor product from the allocation plan",
        )
        return None
    return 1.0 - unit.use(coefficient) * ratio


def _cooling_factor(unit: _Unit, year: int) -> float | None:
    text = unit.row.get("cooling")
    if text is None or (isinstance(text, float) and math.isnan(text)):
        unit.flags.append("cooling not given: no cooling correction (1.0)")
        return 1.0
    kind = COOLING.get(str(text).strip().lower())
    if kind is None:
        unit.error(f"cooling {text!r}", "cooling", "water or air (水冷/空冷)")
        return None
    value = rules.rule(f"cooling_{kind}", year)
    return 1.0 if value is None else unit.use(value)


def _load_factor(unit: _Unit, year: int) -> float:
    load = unit.given("load_factor")
    applies = rules.rule("load_factor", year)
    if load is None or applies is None:
        if applies is not None:
            unit.flags.append("load factor not given: no load correction (1.0)")
        return 1.0
    unit.use(applies)
    return load_factor_correction(load)
