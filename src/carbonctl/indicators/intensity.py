"""Intensity indicators over long tables (region, year, co2_tco2, gdp_constant, energy_tce …):
carbon intensity (碳排放强度), energy intensity (能耗强度), their year-on-year change and their
cumulative reduction since a five-year plan's base year.

GDP must be at constant prices of the plan's base year (e.g. 2020 prices for the 14th plan, 2025
prices for the 15th); this module cannot check that, the loader must. Method: statistical-bulletin
method (NBS; Hunan statistics bureau), ``shared/refdata/notes/policy_rules.md`` § 5.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from carbonctl.errors import InputError

__all__ = [
    "GDP_UNITS",
    "co2_intensity",
    "cumulative_reduction",
    "energy_intensity",
    "indicator_table",
    "intensity",
    "year_on_year_change",
]

#: Money units of GDP and their size in yuan. Money is not in the pint registry (units.py), so the
#: three scales Chinese statistics print are listed here; 元 / 万元 (10^4) / 亿元 (10^8).
GDP_UNITS: dict[str, float] = {
    "元": 1.0,
    "yuan": 1.0,
    "万元": 1e4,
    "10^4 yuan": 1e4,
    "亿元": 1e8,
    "10^8 yuan": 1e8,
}

REGION = "region"
YEAR = "year"


def _gdp_scale(unit: str, what: str) -> float:
    try:
        return GDP_UNITS[unit.strip()]
    except (KeyError, AttributeError):
        raise InputError(
            f"unknown {what} {unit!r}", expected=f"one of {', '.join(GDP_UNITS)}"
        ) from None


def _require(table: pd.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise InputError(
            f"table has no column {missing[0]!r}",
            column=missing[0],
            expected=f"columns {', '.join(columns)}",
        )


def _spreadsheet_row(table: pd.DataFrame, position: int) -> int:
    return position + 2  # header is row 1


def _positive(table: pd.DataFrame, column: str) -> np.ndarray:
    values = pd.to_numeric(table[column], errors="coerce").to_numpy(dtype=float)
    bad = np.flatnonzero(~(values > 0.0) & ~np.isnan(values))
    not_number = np.flatnonzero(np.isnan(values) & table[column].notna().to_numpy())
    if len(not_number):
        position = int(not_number[0])
        raise InputError(
            f"{table[column].iloc[position]!r} is not a number",
            row=_spreadsheet_row(table, position),
            column=column,
            expected="a positive number",
        )
    if len(bad):
        position = int(bad[0])
        raise InputError(
            f"{values[position]!r} is not positive",
            row=_spreadsheet_row(table, position),
            column=column,
            expected="a positive number (intensity divides by it)",
        )
    return values


def intensity(
    table: pd.DataFrame,
    numerator: str,
    *,
    gdp: str = "gdp_constant",
    gdp_unit: str = "万元",
    per: str = "万元",
    decimals: int | None = None,
) -> pd.Series:
    """Intensity I = numerator / GDP (constant prices), per ``per`` of GDP, row by row.

    ``gdp_unit`` is the unit the ``gdp`` column is in; the result does not depend on it (GDP in
    亿元 or 万元 gives the same tCO2/万元). ``decimals`` rounds I the way statistical bulletins do
    before taking ratios (4 decimals, NBS method); None keeps full precision. Missing values stay
    missing; a GDP that is zero or negative is an :class:`~carbonctl.errors.InputError`.
    """
    _require(table, [numerator, gdp])
    scale = _gdp_scale(gdp_unit, "GDP unit") / _gdp_scale(per, "intensity unit")
    amount = pd.to_numeric(table[numerator], errors="coerce").to_numpy(dtype=float)
    result = amount / (_positive(table, gdp) * scale)
    if decimals is not None:
        result = np.round(result, decimals)
    return pd.Series(result, index=table.index, name=f"{numerator}_intensity")


def co2_intensity(
    table: pd.DataFrame,
    *,
    co2: str = "co2_tco2",
    gdp: str = "gdp_constant",
    gdp_unit: str = "万元",
    per: str = "万元",
    decimals: int | None = None,
) -> pd.Series:
    """Carbon intensity (碳排放强度, 单位GDP二氧化碳排放) in tCO2 per ``per`` of constant-price GDP:
    I_t = C_t / GDP_t. See :func:`intensity`."""
    result = intensity(table, co2, gdp=gdp, gdp_unit=gdp_unit, per=per, decimals=decimals)
    return result.rename("co2_intensity")


def energy_intensity(
    table: pd.DataFrame,
    *,
    energy: str = "energy_tce",
    gdp: str = "gdp_constant",
    gdp_unit: str = "万元",
    per: str = "万元",
    decimals: int | None = None,
) -> pd.Series:
    """Energy intensity (能耗强度, 单位GDP能耗) in tce per ``per`` of constant-price GDP:
    E_t / GDP_t. See :func:`intensity`."""
    result = intensity(table, energy, gdp=gdp, gdp_unit=gdp_unit, per=per, decimals=decimals)
    return result.rename("energy_intensity")


def _keyed(table: pd.DataFrame, values: pd.Series) -> pd.Series:
    """``values`` indexed by (region, year), after checking each pair occurs once."""
    _require(table, [REGION, YEAR])
    years = pd.to_numeric(table[YEAR], errors="coerce")
    if years.isna().any() or (years != np.floor(years)).any():
        position = int(np.flatnonzero((years.isna() | (years != np.floor(years))).to_numpy())[0])
        raise InputError(
            f"{table[YEAR].iloc[position]!r} is not a year",
            row=_spreadsheet_row(table, position),
            column=YEAR,
            expected="a whole year such as 2025",
        )
    key = pd.MultiIndex.from_arrays(
        [table[REGION].astype(str).to_numpy(), years.astype("int64").to_numpy()],
        names=[REGION, YEAR],
    )
    duplicated = key.duplicated()
    if duplicated.any():
        position = int(np.flatnonzero(duplicated)[0])
        raise InputError(
            f"region {key[position][0]!r} has year {key[position][1]} twice",
            row=_spreadsheet_row(table, position),
            column=YEAR,
            expected="one row per region and year",
        )
    return pd.Series(np.asarray(values, dtype=float), index=key)


def year_on_year_change(table: pd.DataFrame, values: pd.Series) -> pd.Series:
    """Year-on-year change (同比变化) of a per-row indicator: I_t / I_{t−1} − 1, by region.

    Negative means the indicator fell (−0.038 = a 3.8 % fall). Missing (NaN) where the region has
    no row for the year before. ``values`` is aligned with ``table`` (e.g. :func:`co2_intensity`).
    """
    keyed = _keyed(table, values)
    previous_key = pd.MultiIndex.from_arrays(
        [keyed.index.get_level_values(REGION), keyed.index.get_level_values(YEAR) - 1]
    )
    previous = keyed.reindex(previous_key).to_numpy()
    name = f"{values.name}_change" if values.name else "change"
    return pd.Series(keyed.to_numpy() / previous - 1.0, index=table.index, name=name)


def cumulative_reduction(table: pd.DataFrame, values: pd.Series, base_year: int) -> pd.Series:
    """Cumulative reduction since the base year (累计下降): 1 − I_t / I_0 = 1 − Π_k (1 + change_k).

    Positive means the indicator fell (0.05 = 5 % below the base year). 0 in the base year,
    missing where the region has no base-year row.
    """
    if isinstance(base_year, bool) or not isinstance(base_year, int | np.integer):
        raise InputError(f"base year {base_year!r} is not a whole year", column="base_year")
    keyed = _keyed(table, values)
    base_key = pd.MultiIndex.from_arrays(
        [keyed.index.get_level_values(REGION), np.full(len(keyed), int(base_year))]
    )
    base = keyed.reindex(base_key).to_numpy()
    name = f"{values.name}_reduction" if values.name else "reduction"
    return pd.Series(1.0 - keyed.to_numpy() / base, index=table.index, name=name)


def indicator_table(
    table: pd.DataFrame,
    base_year: int,
    *,
    gdp_unit: str = "万元",
    per: str = "万元",
    decimals: int | None = None,
) -> pd.DataFrame:
    """The table with intensity indicators added, for every intensity whose inputs are present:
    ``co2_intensity`` (tCO2/``per``) and ``energy_intensity`` (tce/``per``), each with
    ``*_change`` (year on year) and ``*_reduction`` (cumulative since ``base_year``).
    """
    out = table.copy()
    columns = {
        "co2_intensity": ("co2_tco2", co2_intensity),
        "energy_intensity": ("energy_tce", energy_intensity),
    }
    found = False
    for name, (source, compute) in columns.items():
        if source not in table.columns:
            continue
        found = True
        values = compute(table, gdp_unit=gdp_unit, per=per, decimals=decimals)
        out[name] = values
        out[f"{name}_change"] = year_on_year_change(table, values)
        out[f"{name}_reduction"] = cumulative_reduction(table, values, base_year)
    if not found:
        raise InputError(
            "table has neither co2_tco2 nor energy_tce", expected="at least one of the two"
        )
    return out
