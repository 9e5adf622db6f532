"""Regional CO2 inventory in the CEADs layout (区域碳排放清单): 17 fossil fuels × 47 sectors plus
cement process emissions, from sector × fuel physical quantities, rolled up to key industries."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from carbonctl import refdata
from carbonctl.accounting import OPTIONAL_INPUTS, compress_ids
from carbonctl.accounting.combustion import combustion
from carbonctl.frames import ensure_columns, map_unique_checked, raise_row_errors
from carbonctl.io import PROCESS_ROW_NAMES
from carbonctl.units import conversion_factor

#: CEADs puts process (cement) emissions in this sector.
PROCESS_SECTOR = "Nonmetal Mineral Products"
#: The process-factor row (process_factors.csv: sector, material) behind the Process column.
CEMENT_FACTOR_ROW = ("cement (CEADs)", "水泥 cement output (province inventory)")
NON_ENERGY = frozenset({"non-energy", "nonenergy", "非能源", "原料", "feedstock", "原材料"})


def ceads_fuels() -> list[str]:
    """The 17 CEADs fuel columns, in CEADs order."""
    layout = refdata.load_table("ceads_layout")
    fuels = layout[layout["kind"] == "fuel"]
    return list(fuels.sort_values("index", key=lambda s: s.astype(int))["name"])


def ceads_sectors() -> pd.DataFrame:
    """The 47 CEADs sectors with their index and key industry (重点行业)."""
    layout = refdata.load_table("ceads_layout")
    sectors = layout[layout["kind"] == "sector"].copy()
    sectors["index"] = sectors["index"].astype(int)
    sectors = sectors.rename(
        columns={"name": "sector", "platform_key_industry_mapping": "key_industry"}
    )
    return sectors.sort_values("index")[["index", "sector", "key_industry"]].reset_index(drop=True)


@dataclass(frozen=True)
class InventoryResult:
    """Row results plus the CEADs matrix and the key-industry roll-up, all in tCO2."""

    rows: pd.DataFrame
    factor_set: str

    @property
    def total_tco2(self) -> float:
        return float(self.rows["tco2"].sum())

    def matrix(self) -> pd.DataFrame:
        """region, period, 47 sector rows × (17 fuels, Process, Scope_1_Total), tCO2."""
        columns = [*ceads_fuels(), "Process"]
        counted = self.rows[~self.rows["excluded"]]
        table = counted.pivot_table(
            index=["region", "period", "sector"],
            columns="ceads_column",
            values="tco2",
            aggfunc="sum",
            fill_value=0.0,
        )
        table = table.reindex(columns=columns, fill_value=0.0)
        table["Scope_1_Total"] = table.sum(axis=1)
        sectors = ceads_sectors()["sector"]
        frames = []
        for (region, period), block in table.groupby(level=["region", "period"]):
            block = block.droplevel(["region", "period"]).reindex(sectors, fill_value=0.0)
            frames.append(block.assign(region=region, period=period).reset_index())
        columns_out = ["region", "period", "sector", *columns, "Scope_1_Total"]
        if not frames:
            return pd.DataFrame(columns=columns_out)
        return pd.concat(frames, ignore_index=True)[columns_out]

    def by_key_industry(self) -> pd.DataFrame:
        """tCO2 by region, period and key industry, with the input rows behind each figure."""
        counted = self.rows[~self.rows["excluded"]]
        grouped = counted.groupby(["region", "period", "key_industry"], sort=True)
        table = grouped["tco2"].sum().to_frame()
        table["input_row_ids"] = grouped["row_id"].agg(compress_ids)
        table["share"] = table["tco2"] / table.groupby(level=["region", "period"])[
            "tco2"
        ].transform("sum")
        table["factor_set"] = self.factor_set
        return table.reset_index().sort_values(
            ["region", "period", "tco2"], ascending=[True, True, False]
        )

    def by_fuel(self) -> dict[str, float]:
        counted = self.rows[~self.rows["excluded"]]
        sums = counted.groupby("ceads_column")["tco2"].sum()
        return {c: float(sums.get(c, 0.0)) for c in [*ceads_fuels(), "Process"]}

    def summary(self) -> dict[str, object]:
        """The CLI's ``inventory --json`` object."""
        counted = self.rows[~self.rows["excluded"]]
        key = counted.groupby("key_industry")["tco2"].sum().sort_values(ascending=False)
        return {
            "factor_set": self.factor_set,
            "rows": len(self.rows),
            "excluded_non_energy_rows": int(self.rows["excluded"].sum()),
            "total_tco2": self.total_tco2,
            "by_fuel": self.by_fuel(),
            "by_key_industry": {str(k): float(v) for k, v in key.items()},
        }


def inventory(table: pd.DataFrame, *, factor_set: str | None = None) -> InventoryResult:
    """Account a sector × fuel table (validated by :func:`carbonctl.io.read_inventory`).

    Combustion rows use :func:`carbonctl.accounting.combustion.combustion` (E = AD × NCV × CC × OF
    × 44/12) and land in their CEADs fuel column (anthracite, bituminous and lignite count as
    Raw_Coal; blast-furnace and converter gas as Other_Gas …; fuels.csv ``ceads_group``). Rows
    marked non-energy use (用途 = 非能源/原料) are excluded, as in CEADs. Cement output rows give
    the Process column: E = cement (t) × 0.2906 tCO2/t, the factor implied by the CEADs Shanxi
    tables (INFERRED), in sector 27 Nonmetal Mineral Products.
    """
    set_id = refdata.resolve_factor_set(factor_set)
    rows = ensure_columns(table, {**OPTIONAL_INPUTS, "use": "energy"}).reset_index(drop=True)
    if "row_id" not in rows.columns:
        rows = rows.assign(row_id=np.arange(2, len(rows) + 2))
    rows.attrs = table.attrs
    names = rows["fuel"].map(refdata.normalise_name)
    is_process = names.isin(PROCESS_ROW_NAMES).to_numpy()
    uses = rows["use"].fillna("energy").map(refdata.normalise_name)
    excluded = uses.isin(NON_ENERGY).to_numpy() & ~is_process

    tco2 = np.zeros(len(rows))
    ceads_column = np.full(len(rows), "Process", dtype=object)
    key_by_sector = ceads_sectors().set_index("sector")["key_industry"]
    sector = (
        rows["sector"]
        .astype(object)
        .where(~pd.Series(is_process) | rows["sector"].notna(), PROCESS_SECTOR)
    )
    sector = sector.where(sector.astype(str) != "", PROCESS_SECTOR)

    fuel_rows = rows[~is_process].assign(
        category="combustion", item=rows["fuel"], subject=rows["region"]
    )
    if len(fuel_rows):
        fuel_rows.attrs = table.attrs
        computed = combustion(fuel_rows, set_id)
        tco2[~is_process] = computed["tco2"]
        groups = refdata.load_table("fuels").set_index("fuel_id")["ceads_group"]
        ceads_column[~is_process] = groups.reindex(computed["item_id"]).to_numpy(dtype=object)

    if is_process.any():
        cement = rows[is_process]
        value, _status, _source = refdata.process_factor(*CEMENT_FACTOR_ROW)
        to_t, bad = map_unique_checked(
            [cement["unit"]], lambda unit: conversion_factor(unit, "t"), dtype=float
        )
        raise_row_errors(
            cement,
            bad,
            lambda r: f"cement output unit {r['unit']!r} is not a mass",
            "unit",
            "t, 万t …",
        )
        tco2[is_process] = cement["amount"].to_numpy(float) * to_t * value

    result = pd.DataFrame(
        {
            "row_id": rows["row_id"].to_numpy(),
            "region": rows["region"].astype(str).to_numpy(),
            "period": rows["period"].astype(str).to_numpy(),
            "sector": sector.to_numpy(dtype=object),
            "fuel": rows["fuel"].to_numpy(dtype=object),
            "amount": rows["amount"].to_numpy(dtype=float),
            "unit": rows["unit"].to_numpy(dtype=object),
            "ceads_column": ceads_column,
            "key_industry": sector.map(key_by_sector).fillna("").to_numpy(dtype=object),
            "excluded": excluded,
            "tco2": np.where(excluded, 0.0, tco2),
            "factor_set": set_id,
        }
    )
    return InventoryResult(rows=result, factor_set=set_id)
