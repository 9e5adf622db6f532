"""The demo inventory (演示清单): province CO2 by fuel and year calibrated to CEADs (step 1), the
province sector × fuel matrix (step 2), and physical amounts that account back to it (step 5)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from carbonctl.accounting.inventory import PROCESS_SECTOR, ceads_fuels, ceads_sectors, inventory
from carbonctl.demo import params
from carbonctl.demo.sources import (
    ALL_YEARS,
    MT,
    PROCESS,
    ceads_table,
)

# --- step 1: province CO2 by fuel and year (省级分品种排放) ---------------------------------


@dataclass(frozen=True)
class ProvinceTargets:
    """Province CO2 (Mt) by year × (17 fuels + Process), where each year's figures come from,
    and the CEADs sector × fuel matrices (47 sectors × 18 columns) of the matrix years."""

    by_fuel: pd.DataFrame
    basis: dict[int, str]
    matrices: dict[int, pd.DataFrame]


def province_targets() -> ProvinceTargets:
    """Province by-fuel targets for 2015–2025.

    Matrix years (2015, 2019): the column sums of the CEADs sector × fuel table, so the cells
    hold exactly (the by-fuel workbook rounds the same figures to 4 decimals). Other CEADs years
    (to 2022): the by-fuel table. Later years: each fuel's 2019–2022 average growth rate, capped
    and damped (params.TREND_*).
    """
    columns = [*ceads_fuels(), PROCESS]
    by_fuel = ceads_table("by_fuel").set_index("year")[columns].astype(float)
    matrices = {}
    for year in params.MATRIX_YEARS:
        table = ceads_table(f"matrix_{year}").set_index("sector")
        matrices[year] = table.drop(index="TotalEmissions")[columns].astype(float)
    targets = by_fuel.reindex(ALL_YEARS)
    basis = {int(y): "CEADs by-fuel table (Shan et al.)" for y in by_fuel.index}
    for year, matrix in matrices.items():
        targets.loc[year] = matrix.sum()
        basis[year] = "CEADs sector × fuel table (Shan et al.), cells exact"
    last = int(by_fuel.index.max())
    start, end = params.TREND_WINDOW
    ratio = (targets.loc[end] / targets.loc[start]).where(targets.loc[start] > 0, 1.0)
    growth = (ratio ** (1.0 / (end - start)) - 1.0).clip(-params.TREND_CAP, params.TREND_CAP)
    for year in range(last + 1, params.LAST_YEAR + 1):
        damped = growth * params.TREND_DAMPING ** (year - last)
        targets.loc[year] = targets.loc[year - 1] * (1.0 + damped)
        basis[year] = (
            f"{params.SYNTHETIC}: {start}–{end} growth by fuel, damped ×{params.TREND_DAMPING}/yr"
        )
    return ProvinceTargets(targets, dict(sorted(basis.items())), matrices)


# --- step 2: province sector × fuel (省级分部门分品种) -----------------------------------------


def _shares(matrix: pd.DataFrame) -> pd.DataFrame:
    totals = matrix.sum()
    return (matrix / totals.where(totals > 0)).fillna(0.0)


def province_matrix(targets: ProvinceTargets) -> np.ndarray:
    """Province CO2 (Mt) as [year, sector, column] for ALL_YEARS, 47 sectors, 17 fuels + Process.

    Matrix years are CEADs cell by cell. In between, the sector shares within each fuel are
    interpolated linearly; after 2019 the 2015→2019 yearly change continues, damped
    (params.SHARE_DAMPING), clipped at 0. Each year's shares are renormalised per fuel and
    multiplied by that fuel's target, so the by-fuel totals hold exactly.
    """
    first, second = (targets.matrices[y] for y in params.MATRIX_YEARS)
    s1, s2 = _shares(first), _shares(second)
    span = params.MATRIX_YEARS[1] - params.MATRIX_YEARS[0]
    step = (s2 - s1) / span
    fallback = _shares(first + second)
    out = np.zeros((len(ALL_YEARS), len(first.index), len(first.columns)))
    for i, year in enumerate(ALL_YEARS):
        if year in targets.matrices:
            out[i] = targets.matrices[year].to_numpy()
            continue
        if year < params.MATRIX_YEARS[1]:
            shares = s1 + step * (year - params.MATRIX_YEARS[0])
        else:
            ahead = year - params.MATRIX_YEARS[1]
            damped_years = sum(params.SHARE_DAMPING**n for n in range(1, ahead + 1))
            shares = (s2 + step * damped_years).clip(lower=0.0)
        sums = shares.sum()
        shares = (shares / sums.where(sums > 0)).fillna(fallback)
        out[i] = (shares * targets.by_fuel.loc[year]).to_numpy()
    return out


# --- step 5: physical amounts and the inventory check (实物量) ----------------------------------


def energy_rows(
    county: np.ndarray, counties: pd.DataFrame, years: list[int], cement: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Long county tables from the county array: fuel amounts = CO2 / EF (t or 万Nm3), cement
    output = Process CO2 / 0.2906; ``tco2`` is what :func:`inventory` gives for each row."""
    factors = params.fuel_factors(params.DEMO_FACTOR_SET)
    fuels = ceads_fuels()
    sectors = ceads_sectors()["sector"].to_numpy()
    picks = [ALL_YEARS.index(y) for y in years]
    block = county[picks]
    year_i, county_i, sector_i, column_i = np.nonzero(block[..., :-1] > 0)
    tco2 = block[year_i, county_i, sector_i, column_i] * MT
    fuel_of = [factors[f] for f in fuels]
    ef = np.array([f.tco2_per_unit for f in fuel_of])
    given = np.array([f.given_in_row for f in fuel_of])
    adcodes = counties["adcode"].to_numpy()
    year_values = np.array(years)
    energy = pd.DataFrame(
        {
            "adcode": adcodes[county_i],
            "year": year_values[year_i],
            "sector": sectors[sector_i],
            "fuel": np.array([f.fuel for f in fuel_of])[column_i],
            "amount": tco2 / ef[column_i],
            "unit": np.array([f.unit for f in fuel_of])[column_i],
            "use": "energy",
            "ncv": np.where(given, [f.ncv for f in fuel_of], np.nan)[column_i],
            "carbon_content": np.where(given, [f.carbon_content for f in fuel_of], np.nan)[
                column_i
            ],
            "oxidation_rate": np.where(given, [f.oxidation_rate for f in fuel_of], np.nan)[
                column_i
            ],
        }
    )
    process_row = list(sectors).index(PROCESS_SECTOR)
    cement_co2 = block[:, :, process_row, -1]
    p_year, p_county = np.nonzero(cement_co2 > 0)
    process = pd.DataFrame(
        {
            "adcode": adcodes[p_county],
            "year": year_values[p_year],
            "cement_t": cement_co2[p_year, p_county] * MT / cement,
        }
    )
    energy["tco2"], process["tco2"] = _account(energy, process)
    energy["status"] = params.SYNTHETIC
    process["status"] = params.SYNTHETIC
    return energy, process


def inventory_input(energy: pd.DataFrame, process: pd.DataFrame | None = None) -> pd.DataFrame:
    """The energy (and cement) rows as a table for :func:`carbonctl.accounting.inventory`."""
    table = energy.rename(columns={"adcode": "region"}).assign(period=energy["year"].astype(str))[
        [
            "region",
            "period",
            "sector",
            "fuel",
            "amount",
            "unit",
            "use",
            "ncv",
            "carbon_content",
            "oxidation_rate",
        ]
    ]
    if process is None or process.empty:
        return table
    cement = pd.DataFrame(
        {
            "region": process["adcode"].to_numpy(),
            "period": process["year"].astype(str).to_numpy(),
            "sector": PROCESS_SECTOR,
            "fuel": "水泥",
            "amount": process["cement_t"].to_numpy(),
            "unit": "t",
            "use": "energy",
        }
    )
    return pd.concat([table, cement], ignore_index=True)


def _account(energy: pd.DataFrame, process: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    result = inventory(inventory_input(energy, process), factor_set=params.DEMO_FACTOR_SET)
    tco2 = result.rows["tco2"].to_numpy()
    return tco2[: len(energy)], tco2[len(energy) :]


def province_by_fuel(energy: pd.DataFrame, process: pd.DataFrame) -> pd.DataFrame:
    """MtCO2 by year × (CEADs fuel column, Process) from the county tables' ``tco2``."""
    column_of = {fuel: column for column, fuel in params.CEADS_TO_FUEL.items()}
    fuels = energy.assign(column=energy["fuel"].map(column_of))
    table = fuels.pivot_table(
        index="year", columns="column", values="tco2", aggfunc="sum", fill_value=0.0
    )
    table[PROCESS] = process.groupby("year")["tco2"].sum()
    return table.reindex(columns=[*ceads_fuels(), PROCESS], fill_value=0.0).fillna(0.0) / MT
