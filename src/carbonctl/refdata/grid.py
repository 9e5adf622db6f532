"""Grid emission factors (电网排放因子): the electricity CO2 factor for a region, year and basis
(provincial, national, ETS, residual), with the fall-backs when a year is not yet published."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from carbonctl.errors import UnknownNameError
from carbonctl.refdata.loader import cached_table, extra_dirs, load_table
from carbonctl.refdata.regions import NATIONAL, base_name, find_region


@dataclass(frozen=True)
class GridFactor:
    """The electricity CO2 factor chosen for a region, year and basis (电网排放因子)."""

    factor_id: str
    value_tco2_per_mwh: float
    data_year: int
    basis: str
    region: str
    provisional: bool
    note: str
    status: str
    source: str


GRID_BASES = ("provincial", "national", "ets", "residual")


@lru_cache(maxsize=8)
def _grid_table(extras: tuple[Path, ...]) -> pd.DataFrame:
    table = cached_table("grid_factors", extras).copy()
    table["data_year"] = table["data_year"].astype(int)
    table["value"] = table["value_tCO2_per_MWh"].astype(float)
    return table


def _pick_year(candidates: pd.DataFrame, year: int, ets: bool) -> tuple[pd.Series, bool, str]:
    earlier = candidates[candidates["data_year"] <= year]
    if not earlier.empty:
        row = earlier.loc[earlier["data_year"].idxmax()]
        if row["data_year"] == year:
            return row, False, ""
        if ets:  # after the last listed reporting year the ETS keeps its last value
            return row, False, f"ETS reporting factor of {row['data_year']} still in force"
        return row, True, f"provisional: {year} not yet published, {row['data_year']} used"
    row = candidates.loc[candidates["data_year"].idxmin()]
    return row, True, f"provisional: no factor before {row['data_year']}, {row['data_year']} used"


def grid_factor(region: str | None, year: int, basis: str = "provincial") -> GridFactor:
    """Choose the grid emission factor for electricity used in ``year`` in ``region``.

    Rules (refdata README): provincial/national factors by ``data_year`` = year of use, newest
    earlier year when not yet published (provisional); provincial falls back to the grid region,
    then national. ``ets`` factors are by reporting year, the last value after the last year.
    ``residual`` is the national factor excluding market-traded non-fossil power (market-based).
    """
    if basis not in GRID_BASES:
        raise UnknownNameError("grid basis", basis, list(GRID_BASES))
    key = None if region is None else str(region)
    return _grid_factor(key, int(year), basis, extra_dirs())


@lru_cache(maxsize=4096)
def _grid_factor(region: str | None, year: int, basis: str, extras: tuple[Path, ...]) -> GridFactor:
    table = _grid_table(extras)
    scope_rows = {
        "national": table[
            (table["scope"] == "national") & table["basis"].str.startswith("电力平均")
        ],
        "residual": table[
            (table["scope"] == "national") & table["basis"].str.startswith("不包括市场化交易")
        ],
        "ets": table[table["scope"] == "ets"],
    }
    notes: list[str] = []
    if basis == "provincial":
        place = find_region(region if region is not None else NATIONAL)
        regions = load_table("regions").set_index("adcode")
        short = base_name(regions.loc[place.province_adcode, "name_zh"])
        levels = [
            (short, table[(table["scope"] == "province") & (table["region"] == short)]),
            (
                place.grid_region,
                table[(table["scope"] == "regional") & (table["region"] == place.grid_region)],
            ),
            ("全国", scope_rows["national"]),
        ]
    else:
        levels = [("全国", scope_rows[basis])]
    levels = [(label, rows) for label, rows in levels if not rows.empty]
    # The first level with a factor for the year or an earlier one; else the first level's earliest.
    label, candidates = next(
        ((lab, rows) for lab, rows in levels if (rows["data_year"] <= int(year)).any()), levels[0]
    )
    if basis == "provincial" and label != levels[0][0]:
        notes.append(f"no factor for {levels[0][0]} in {year}: {label} used")
    row, provisional, note = _pick_year(candidates, int(year), basis == "ets")
    if note:
        notes.append(note)
    return GridFactor(
        factor_id=row["factor_id"],
        value_tco2_per_mwh=float(row["value"]),
        data_year=int(row["data_year"]),
        basis=basis,
        region=label,
        provisional=provisional,
        note="; ".join(notes),
        status=row["status"],
        source=row["source"],
    )
