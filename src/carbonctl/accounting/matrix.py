"""A region's inventory shaped for reading (清单的读法): the sector × fuel matrix grouped by key
industry (重点行业) with subtotals and totals, the largest key industries over the years, the
regions behind one figure with their shares, and the default factor behind a fuel's figures.

Pure: long tables (``sector, fuel, tco2`` …) in, frozen dataclasses out; pages, charts and the
Excel export show them and compute nothing themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from carbonctl import refdata
from carbonctl.accounting import OPTIONAL_INPUTS
from carbonctl.accounting.combustion import combustion
from carbonctl.accounting.inventory import CEMENT_FACTOR_ROW, ceads_fuels, ceads_sectors
from carbonctl.errors import InputError
from carbonctl.frames import ensure_columns
from carbonctl.io import PROCESS_ROW_NAMES

__all__ = [
    "COMBUSTION_FORMULA",
    "OTHERS",
    "PROCESS_FORMULA",
    "Breakdown",
    "DefaultFactor",
    "KeyIndustryGroup",
    "KeyIndustrySeries",
    "KeyIndustryTrend",
    "RegionShare",
    "SectorFuelMatrix",
    "SectorRow",
    "breakdown",
    "default_factor",
    "fuel_order",
    "is_process",
    "key_industry_trend",
    "sector_fuel_matrix",
]

#: Key of the trend series that gathers the key industries outside the largest few (其他).
OTHERS = "others"
#: GB/T 32150-2015 formulas (2)–(4): fuel combustion; process emissions of cement output.
COMBUSTION_FORMULA = "E = AD × NCV × CC × OF × 44/12"
PROCESS_FORMULA = "E = AD × EF"


def is_process(fuel: object) -> bool:
    """Whether ``fuel`` is the process column (CEADs ``Process``, cement output 水泥)."""
    return refdata.normalise_name(fuel) in PROCESS_ROW_NAMES


def _fuel_id(fuel: object) -> str | None:
    return refdata.fuel_index().get(refdata.normalise_name(fuel))


def fuel_order(fuels: Iterable[object]) -> list[str]:
    """``fuels`` (as stored: Chinese or English names, CEADs codes, ids) in the CEADs column
    order (原煤 raw coal first … 天然气 natural gas), the process column last and fuels the
    catalogue does not know after it, by name."""
    columns = {name: position for position, name in enumerate(ceads_fuels())}
    groups = refdata.load_table("fuels").set_index("fuel_id")["ceads_group"]

    def rank(fuel: object) -> tuple[int, int, str]:
        if is_process(fuel):
            return (1, 0, "")
        fuel_id = _fuel_id(fuel)
        if fuel_id is None or groups.get(fuel_id) not in columns:
            return (2, 0, str(fuel))
        return (0, columns[groups[fuel_id]], fuel_id)

    return sorted(dict.fromkeys(str(f) for f in fuels), key=rank)


# --- the sector × fuel matrix ------------------------------------------------------------------


@dataclass(frozen=True)
class SectorRow:
    """One sector (部门) of the matrix: tCO2 by fuel (None where it has none) and its total."""

    sector: str
    values: tuple[float | None, ...]
    total: float


@dataclass(frozen=True)
class KeyIndustryGroup:
    """A key industry (重点行业): the subtotal of its sectors by fuel, its total, its sectors."""

    key_industry: str
    values: tuple[float | None, ...]
    total: float
    sectors: tuple[SectorRow, ...]


@dataclass(frozen=True)
class SectorFuelMatrix:
    """Sector × fuel tCO2 grouped by key industry: ``fuels`` are the columns (only those with
    any emission), groups and their sectors largest first, column totals and the grand total."""

    fuels: tuple[str, ...]
    groups: tuple[KeyIndustryGroup, ...]
    fuel_totals: tuple[float, ...]
    total: float


def _values(row: pd.Series) -> tuple[float | None, ...]:
    return tuple(float(v) if v != 0 else None for v in row.to_numpy(dtype=float))


def sector_fuel_matrix(
    cells: pd.DataFrame, key_industry_of: Mapping[str, str] | None = None
) -> SectorFuelMatrix:
    """The matrix of ``cells`` (long: ``sector``, ``fuel``, ``tco2``; several rows of one
    sector and fuel are added). Sectors are grouped by ``key_industry_of`` (sector -> key
    industry; the CEADs layout's mapping when None, "" for a sector it does not map).

    Subtotal of a group = Σ its sectors; column total = Σ groups; total = Σ cells (unrounded)."""
    missing = {"sector", "fuel", "tco2"} - set(cells.columns)
    if missing:
        raise InputError(
            f"inventory cells lack column(s) {', '.join(sorted(missing))}",
            column=", ".join(sorted(missing)),
            expected="sector, fuel and tco2",
        )
    if key_industry_of is None:
        key_industry_of = ceads_sectors().set_index("sector")["key_industry"].to_dict()
    table = cells.pivot_table(
        index="sector", columns="fuel", values="tco2", aggfunc="sum", fill_value=0.0
    )
    fuels = [f for f in fuel_order(table.columns) if table[f].abs().sum() > 0]
    table = table.reindex(columns=fuels, fill_value=0.0)
    table = table.loc[table.abs().sum(axis=1) > 0]
    sector_totals = table.sum(axis=1)
    industry = pd.Series(
        [key_industry_of.get(str(s), "") for s in table.index], index=table.index, dtype=object
    )
    subtotals = table.groupby(industry).sum()
    groups = []
    for key in subtotals.sum(axis=1).sort_values(ascending=False, kind="stable").index:
        members = sector_totals[industry == key].sort_values(ascending=False, kind="stable")
        rows = tuple(
            SectorRow(str(s), _values(table.loc[s]), float(members[s])) for s in members.index
        )
        groups.append(
            KeyIndustryGroup(
                str(key), _values(subtotals.loc[key]), float(subtotals.loc[key].sum()), rows
            )
        )
    column_totals = table.sum(axis=0)
    return SectorFuelMatrix(
        fuels=tuple(fuels),
        groups=tuple(groups),
        fuel_totals=tuple(float(v) for v in column_totals.to_numpy()),
        total=float(cells["tco2"].sum()),
    )


# --- the key industries over the years ---------------------------------------------------------


@dataclass(frozen=True)
class KeyIndustrySeries:
    """tCO2 of one key industry (or :data:`OTHERS`) in each year of the trend."""

    key: str
    values: tuple[float, ...]


@dataclass(frozen=True)
class KeyIndustryTrend:
    years: tuple[int, ...]
    series: tuple[KeyIndustrySeries, ...]


def key_industry_trend(totals: pd.DataFrame, top: int = 6) -> KeyIndustryTrend:
    """The ``top`` key industries of ``totals`` (long: ``year``, ``key_industry``, ``tco2``) by
    their tCO2 in the latest year, one series each, largest first, and the rest summed into one
    :data:`OTHERS` series (absent when nothing is left). Σ series = the region's total each year."""
    if totals.empty:
        return KeyIndustryTrend((), ())
    table = totals.pivot_table(
        index="year", columns="key_industry", values="tco2", aggfunc="sum", fill_value=0.0
    ).sort_index()
    latest = table.iloc[-1].sort_values(ascending=False, kind="stable")
    kept = list(latest.index[:top])
    rest = [k for k in table.columns if k not in kept]
    series = [KeyIndustrySeries(str(k), tuple(float(v) for v in table[k])) for k in kept]
    if rest:
        others = table[rest].sum(axis=1)
        series.append(KeyIndustrySeries(OTHERS, tuple(float(v) for v in others)))
    return KeyIndustryTrend(tuple(int(y) for y in table.index), tuple(series))


# --- the regions behind one figure -------------------------------------------------------------


@dataclass(frozen=True)
class RegionShare:
    """One region's part of a figure: its activity amount (in ``unit``), tCO2 and share."""

    region: str
    amount: float | None
    unit: str
    tco2: float
    share: float


@dataclass(frozen=True)
class Breakdown:
    """A figure and the regions it is the sum of (largest first). ``amount`` and
    ``implied_factor`` (tCO2 per unit of activity, ΣE / ΣAD) only when every row has the same
    unit."""

    rows: tuple[RegionShare, ...]
    tco2: float
    amount: float | None
    unit: str | None
    implied_factor: float | None


def breakdown(cells: pd.DataFrame) -> Breakdown:
    """The figure of ``cells`` (long: ``region``, ``amount``, ``unit``, ``tco2``; one row per
    region and unit) with each region's share of it."""
    total = float(cells["tco2"].sum())
    ordered = cells.sort_values(["tco2", "region"], ascending=[False, True], kind="stable")
    rows = tuple(
        RegionShare(
            str(r.region),
            None if pd.isna(r.amount) else float(r.amount),
            str(r.unit or ""),
            float(r.tco2),
            float(r.tco2) / total if total else 0.0,
        )
        for r in ordered.itertuples(index=False)
    )
    units = set(cells["unit"].fillna(""))
    amount = None
    if len(units) == 1 and cells["amount"].notna().all() and len(cells):
        amount = float(cells["amount"].sum())
    return Breakdown(
        rows=rows,
        tco2=total,
        amount=amount,
        unit=units.pop() if len(units) == 1 else None,
        implied_factor=total / amount if amount else None,
    )


# --- the factor behind a fuel's figures --------------------------------------------------------


@dataclass(frozen=True)
class DefaultFactor:
    """The default factor of a fuel (or of cement output, the process column) in a factor set
    (排放因子集): NCV (GJ per unit), carbon content CC (tC/GJ), oxidation rate OF and the emission
    factor they give (``factor_unit``), with the status and source of the set's row.
    ``missing`` names the parameters the set gives no default for (the emission factor is then
    None: rows must carry measured values)."""

    fuel: str
    fuel_id: str | None
    factor_set: str
    activity_unit: str
    ncv: float | None
    carbon_content: float | None
    oxidation_rate: float | None
    emission_factor: float | None
    factor_unit: str
    status: str
    source: str
    formula: str
    missing: tuple[str, ...]

    @property
    def process(self) -> bool:
        return self.formula == PROCESS_FORMULA


def _number(value: object) -> float | None:
    return None if pd.isna(value) else float(value)


def default_factor(fuel: str, factor_set: str | None = None) -> DefaultFactor:
    """The default factor behind ``fuel`` (as an inventory stores it: name, CEADs code or id;
    ``Process`` for cement) in ``factor_set`` (the default set when None).

    Combustion: the set's NCV, CC and OF, and EF = NCV × CC × OF × 44/12 (GB/T 32150-2015
    formulas (2)–(4)) as :func:`carbonctl.accounting.combustion.combustion` computes it for one
    unit of the fuel. Process: the CEADs cement factor the inventory uses (tCO2/t cement).
    Raises :class:`carbonctl.errors.UnknownNameError` for a fuel the catalogue does not know."""
    set_id = refdata.resolve_factor_set(factor_set)
    if is_process(fuel):
        value, status, source = refdata.process_factor(*CEMENT_FACTOR_ROW)
        table = refdata.load_table("process_factors")
        unit = table.loc[
            (table["sector"] == CEMENT_FACTOR_ROW[0]) & (table["material"] == CEMENT_FACTOR_ROW[1]),
            "unit",
        ].iloc[0]
        return DefaultFactor(
            fuel=str(fuel),
            fuel_id=None,
            factor_set=set_id,
            activity_unit="t",
            ncv=None,
            carbon_content=None,
            oxidation_rate=None,
            emission_factor=value,
            factor_unit=unit,
            status=status,
            source=source,
            formula=PROCESS_FORMULA,
            missing=() if value is not None else ("emission_factor",),
        )
    found = refdata.find_fuel(fuel)
    defaults = refdata.fuel_factors(set_id)
    row = defaults.loc[found.fuel_id] if found.fuel_id in defaults.index else None
    parameters = {
        name: _number(row[column]) if row is not None else None
        for name, column in (
            ("ncv", "ncv_GJ_per_unit"),
            ("carbon_content", "cc_tC_per_GJ"),
            ("oxidation_rate", "oxidation_rate"),
        )
    }
    missing = tuple(name for name, value in parameters.items() if value is None)
    factor, factor_unit = None, f"tCO2/{found.physical_unit}"
    if not missing:
        one_unit = ensure_columns(
            pd.DataFrame({"row_id": [1], "item": [found.fuel_id], "amount": [1.0]}).assign(
                unit=found.physical_unit
            ),
            OPTIONAL_INPUTS,
        )
        computed = combustion(one_unit, set_id)
        factor = float(computed["emission_factor"][0])
        factor_unit = str(computed["ef_unit"][0])
    if row is None:
        status = source = ""
    else:
        status, source = str(row["status"]), str(row["source"])
    return DefaultFactor(
        fuel=str(fuel),
        fuel_id=found.fuel_id,
        factor_set=set_id,
        activity_unit=found.physical_unit,
        **parameters,
        emission_factor=factor,
        factor_unit=factor_unit,
        status=status,
        source=source,
        formula=COMBUSTION_FORMULA,
        missing=missing,
    )
