"""Deterministic synthetic Shanxi demo dataset (山西演示数据集, 2015–2025): county sector × fuel
energy, cement, GDP, population and ~300 key enterprises, calibrated to the CEADs province figures.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from carbonctl import refdata
from carbonctl.accounting.inventory import PROCESS_SECTOR, ceads_fuels, ceads_sectors, inventory
from carbonctl.demo import params
from carbonctl.enterprises.uscc import check_character
from carbonctl.errors import CarbonctlError

__all__ = [
    "DemoDataError",
    "DemoDataset",
    "build_dataset",
    "ceads_table",
    "city_inputs",
    "city_matrix",
    "credit_code",
    "inventory_input",
    "province_by_fuel",
    "province_matrix",
    "province_targets",
    "shanxi_regions",
    "split_cities",
    "write_dataset",
]

PROVINCE = refdata.PROVINCE
ALL_YEARS = range(params.FIRST_YEAR, params.LAST_YEAR + 1)
PROCESS = "Process"
MT = 1e6  # tCO2 per MtCO2

CEADS_FILES = {
    "by_fuel": "ceads_shanxi_province_totals_by_fuel_MtCO2.csv",
    "totals": "ceads_shanxi_totals_1998_2022_MtCO2.csv",
    "matrix_2015": "ceads_shanxi_2015_sector_by_fuel_MtCO2.csv",
    "matrix_2019": "ceads_shanxi_2019_sector_by_fuel_MtCO2.csv",
    "cities": "ceads_shanxi_cities_MtCO2.csv",
}
REGION_FILES = {"macro": "shanxi_macro.csv", "cities": "shanxi_cities.csv"}


class DemoDataError(CarbonctlError, ValueError):
    """A request the demo generator cannot serve (years outside 2015–2025, a broken data file)."""


@dataclass(frozen=True)
class DemoDataset:
    """The synthetic Shanxi demo tables (long form) and how they were made.

    ``energy`` and ``process`` are county-level; cities and the province are their sums. Every
    table that is not a published statistic carries ``status`` = ``SYNTHETIC (demo)``.
    """

    regions: pd.DataFrame
    energy: pd.DataFrame
    process: pd.DataFrame
    macro: pd.DataFrame
    enterprises: pd.DataFrame
    enterprise_energy: pd.DataFrame
    meta: dict[str, Any] = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Name -> table, in the order :func:`write_dataset` writes them."""
        return {
            "regions": self.regions,
            "energy": self.energy,
            "process": self.process,
            "macro": self.macro,
            "enterprises": self.enterprises,
            "enterprise_energy": self.enterprise_energy,
        }


# --- package data -------------------------------------------------------------------------------


def _read(folder: str, file: str) -> pd.DataFrame:
    path = resources.files("carbonctl.demo").joinpath("data", folder, file)
    with path.open("rb") as handle:
        return pd.read_csv(handle)


def ceads_table(name: str) -> pd.DataFrame:
    """A CEADs Shanxi table bundled with the demo (``by_fuel``, ``totals``, ``matrix_2015``,
    ``matrix_2019``, ``cities``), unchanged with its ``source`` column."""
    return _read("ceads", CEADS_FILES[name])


def _region_table(name: str) -> pd.DataFrame:
    return _read("regions", REGION_FILES[name])


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


# --- step 3: cities (地市) ---------------------------------------------------------------------


@dataclass(frozen=True)
class Cities:
    """The 11 cities, their prior (population × profile) and the CEADs city figures in use."""

    adcodes: list[str]
    short_names: list[str]
    census: np.ndarray
    prior: np.ndarray  # [city, 48 columns: 47 sectors + Process]
    ceads: pd.DataFrame  # year × CEADs city (adcode), MtCO2, NaN where CEADs has no figure


def city_inputs(regions: pd.DataFrame) -> Cities:
    """Cities in adcode order with census population and the prior for the city split."""
    cities = regions[regions["level"] == "city"].sort_values("adcode")
    adcodes = list(cities["adcode"])
    census_table = _region_table("cities").assign(city_code=lambda t: t["city_code"].astype(str))
    census = census_table.set_index("city_code").loc[adcodes, "pop_2020_census"].to_numpy(float)
    groups = params.profile_groups(ceads_sectors()["sector"])
    process_group = params.profile_groups(pd.Series([PROCESS_SECTOR])).iloc[0]
    column_groups = [*groups, process_group]  # cement goes with its sector's profile
    position = {g: i for i, g in enumerate(params.PROFILE_GROUPS)}
    profile = np.array([params.CITY_PROFILES[a] for a in adcodes])
    prior = census[:, None] * profile[:, [position[g] for g in column_groups]]
    short = dict(zip(regions["adcode"], regions["short_name"], strict=True))
    by_short = {short[a]: a for a in adcodes}
    ceads = ceads_table("cities")
    unknown = sorted(set(ceads["city"]) - set(by_short))
    if unknown:
        raise DemoDataError(f"CEADs city names {unknown} are not Shanxi cities in regions.csv")
    ceads = ceads.assign(adcode=ceads["city"].map(by_short)).pivot(
        index="year", columns="adcode", values="emission_MtCO2"
    )
    return Cities(adcodes, [short[a] for a in adcodes], census, prior, ceads)


def chain_city_series(ceads: pd.DataFrame, years: range) -> tuple[pd.DataFrame, pd.DataFrame]:
    """CEADs city figures for ``years`` with the gaps of the covered cities filled.

    A city CEADs stops covering (忻州, 晋城 after 2017, 朔州 after 2018) moves with the cities
    CEADs covers in both years: E_c(y) = E_c(y−1) × Σ_common E(y) / Σ_common E(y−1).
    Returns (series, True where the value is estimated). Years without any figure stay NaN.
    """
    series = ceads.reindex(list(years)).copy()
    estimated = pd.DataFrame(False, index=series.index, columns=series.columns)
    for year in list(years)[1:]:
        now, before = ceads.reindex([year]).iloc[0], series.loc[year - 1]
        if now.notna().sum() == 0:
            continue
        common = now.notna() & ceads.reindex([year - 1]).iloc[0].notna()
        ratio = now[common].sum() / before[common].sum()
        for city in series.columns[now.isna() & before.notna()]:
            series.loc[year, city] = before[city] * ratio
            estimated.loc[year, city] = True
    return series, estimated


def rake(
    prior: np.ndarray, rows: np.ndarray, columns: np.ndarray, tolerance: float = 1e-13
) -> np.ndarray:
    """Iterative proportional fitting (RAS, 双比例平衡): the matrix closest to ``prior`` (in the
    Kullback–Leibler sense) whose row sums are ``rows`` and column sums ``columns``.

    Ends with a column step, so the column sums (the province figures) hold to rounding.
    """
    active = columns > 0
    matrix = np.where(active[None, :], prior, 0.0)
    for _ in range(10_000):
        matrix *= (rows / matrix.sum(axis=1))[:, None]
        sums = matrix.sum(axis=0)
        matrix[:, active] *= columns[active] / sums[active]
        if np.abs(matrix.sum(axis=1) - rows).max() <= tolerance * rows.sum():
            return matrix
    raise DemoDataError("city split did not converge: row and column totals are inconsistent")


@dataclass(frozen=True)
class CitySplit:
    shares: np.ndarray  # [year, city, 48]: each city's share of the province column
    targets: pd.DataFrame  # year × city: totals aimed at (MtCO2), CEADs years only
    covered_share: dict[int, float]
    ceads_series: pd.DataFrame
    estimated: pd.DataFrame


def split_cities(province: np.ndarray, cities: Cities) -> CitySplit:
    """Shares of each city in each province (sector, Process) column, by year.

    CEADs years: the covered cities together get the share their prior gives them of the
    province (Σ_covered E0 / Σ_all E0, E0 = province columns split by the prior) and within it
    their CEADs proportions (README rule: city inventories are a separate product and exceed
    the province, so they are used as proportions only); the other cities share the rest by
    prior. Raking then gives each city a sector mix close to its prior. Later years keep the
    last CEADs year's shares, so a city's total follows the province trend of its sectors.
    """
    columns = _city_columns(province)
    prior_shares = cities.prior / cities.prior.sum(axis=0)
    city_years = [y for y in ALL_YEARS if y in cities.ceads.index]
    series, estimated = chain_city_series(cities.ceads, range(ALL_YEARS.start, max(city_years) + 1))
    covered = np.isin(cities.adcodes, list(cities.ceads.columns))
    shares = np.zeros((len(ALL_YEARS), len(cities.adcodes), columns.shape[1]))
    targets, covered_share = {}, {}
    for i, year in enumerate(ALL_YEARS):
        total = columns[i].sum()
        if year in city_years:
            e0 = prior_shares @ columns[i]
            share = e0[covered].sum() / e0.sum()
            ceads = series.loc[year].reindex(np.array(cities.adcodes)[covered]).to_numpy(float)
            if np.isnan(ceads).any():
                raise DemoDataError(f"CEADs city figures for {year} have a gap not bridged")
            rows = total * e0 / e0.sum()
            rows[covered] = share * total * ceads / ceads.sum()
            matrix = rake(cities.prior, rows, columns[i])
            targets[year] = rows
            covered_share[year] = float(share)
            shares[i] = _column_shares(matrix, prior_shares)
        else:
            # ALL_YEARS starts with a CEADs city year (2015), so an earlier one always exists
            source = max(y for y in city_years if y <= year)
            shares[i] = shares[ALL_YEARS.index(source)]
    target_frame = pd.DataFrame(targets, index=cities.adcodes).T
    return CitySplit(shares, target_frame, covered_share, series, estimated)


def _city_columns(province: np.ndarray) -> np.ndarray:
    """[year, 48]: the province's 47 sector totals of fuel CO2 and the Process total."""
    process_row = ceads_sectors()["sector"].tolist().index(PROCESS_SECTOR)
    return np.concatenate(
        [province[:, :, :-1].sum(axis=2), province[:, process_row, -1][:, None]], axis=1
    )


def _column_shares(matrix: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    sums = matrix.sum(axis=0)
    return np.where(sums > 0, matrix / np.where(sums > 0, sums, 1.0), fallback)


def city_matrix(province: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """[year, city, sector, column]: each city's share of a sector applied to every fuel of it
    (the city keeps the province fuel mix within a sector); Process by its own share."""
    process_row = ceads_sectors()["sector"].tolist().index(PROCESS_SECTOR)
    out = shares[:, :, :-1, None] * province[:, None, :, :]
    out[:, :, :, -1] = 0.0
    out[:, :, process_row, -1] = shares[:, :, -1] * province[:, None, process_row, -1]
    return out


# --- step 4: counties (区县) ------------------------------------------------------------------


def county_type(name: str) -> str:
    """district (区), city (县级市) or county (县, 旗) from the name's last character."""
    return {"区": "district", "市": "city"}.get(name[-1], "county")


def county_weights(rng: np.random.Generator, counties: pd.DataFrame, cities: Cities) -> np.ndarray:
    """[year, county, sector] positive weights for splitting a city's sector among its counties.

    Size by county type × lognormal; districts weigh more in urban sectors, less in rural
    ones; an industrial sector is present only in some counties (more likely where the city's
    profile for it is high; always in at least one county of the city). Each (county, sector)
    drifts by a drawn yearly rate around 2020. Draw order is fixed, so a seed gives one answer.
    """
    sectors = ceads_sectors()["sector"]
    groups = params.profile_groups(sectors).to_numpy()
    n, s = len(counties), len(sectors)
    kinds = counties["name_zh"].map(county_type).to_numpy()
    city_of = counties["city_index"].to_numpy()
    size = np.array([params.COUNTY_TYPE_SIZE[k] for k in kinds]) * rng.lognormal(
        0.0, params.COUNTY_SIZE_SIGMA, n
    )
    noise = rng.lognormal(0.0, params.SECTOR_WEIGHT_SIGMA, (n, s))
    draws = rng.random((n, s))
    drift = rng.normal(0.0, params.COUNTY_DRIFT_SIGMA, (n, s))

    district = (kinds == "district")[:, None]
    factor = np.ones((n, s))
    factor = np.where(district & (groups == "urban"), params.URBAN_DISTRICT_FACTOR, factor)
    factor = np.where(district & (groups == "rural"), params.RURAL_DISTRICT_FACTOR, factor)
    position = {g: i for i, g in enumerate(params.PROFILE_GROUPS)}
    profile = np.array([params.CITY_PROFILES[a] for a in cities.adcodes])[city_of]
    chance = np.full((n, s), params.OTHER_INDUSTRY_PRESENCE)
    low, high = params.PRESENCE_RANGE
    for j, group in enumerate(groups):
        if group in params.ALWAYS_PRESENT:
            chance[:, j] = 1.0
            continue
        if group != "other":
            value = params.PRESENCE_BASE + params.PRESENCE_SLOPE * profile[:, position[group]]
            chance[:, j] = np.clip(value, low, high)
        chance[district[:, 0], j] *= params.DISTRICT_PRESENCE
    present = draws < chance
    for city in np.unique(city_of):
        mine = city_of == city
        lonely = ~present[mine].any(axis=0)  # sector in no county of the city: the likeliest
        best = np.flatnonzero(mine)[np.argmin(draws[mine] / chance[mine], axis=0)]
        present[best[lonely], np.flatnonzero(lonely)] = True
    base = size[:, None] * factor * noise * present
    offsets = np.array([y - params.CONSTANT_PRICE_YEAR for y in ALL_YEARS], dtype=float)
    return base[None, :, :] * np.exp(drift[None, :, :] * offsets[:, None, None])


def split_counties(city: np.ndarray, weights: np.ndarray, city_of: np.ndarray) -> np.ndarray:
    """[year, county, sector, column] = city cell × county weight / Σ weights of the city's
    counties for that sector (Process follows sector 27). Sums over counties give the city."""
    n_cities = city.shape[1]
    totals = np.zeros((weights.shape[0], n_cities, weights.shape[2]))
    for c in range(n_cities):
        totals[:, c, :] = weights[:, city_of == c, :].sum(axis=1)
    normalised = weights / totals[:, city_of, :]
    return city[:, city_of, :, :] * normalised[:, :, :, None]


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


# --- step 6: GDP and population (地区生产总值、人口) ----------------------------------------------


@dataclass(frozen=True)
class ProvinceEconomy:
    table: pd.DataFrame  # year: gdp_current, gdp_constant, population, *_status
    deflator: pd.Series  # 2020 = 1


def _macro_value(macro: pd.DataFrame, indicator: str, year: str) -> tuple[float, pd.Series]:
    hit = macro[(macro["indicator"] == indicator) & (macro["year"].astype(str) == year)]
    if hit.empty:
        raise DemoDataError(f"shanxi_macro.csv has no {indicator!r} for {year}")
    row = hit.iloc[0]
    return float(row["value"]), row


def province_economy() -> ProvinceEconomy:
    """Province GRP (current and 2020 prices) and population, 2015–2025.

    Real: GRP 2020–2022 (NBS yearbook table 3-9), 2023 preliminary (山西省统计局); the real
    growth indices of 2020–2023; census 2020 and year-end 2021 population. Derived: GRP at 2020
    prices for 2021–2023 from the indices, hence the deflator = nominal / real. Everything else
    follows params.REAL_GROWTH, DEFLATOR_CHANGE and POPULATION_CHANGE and is labelled synthetic.
    """
    macro = _region_table("macro")
    base = params.CONSTANT_PRICE_YEAR
    nominal: dict[int, float] = {}
    growth: dict[int, float] = {}
    gdp_status: dict[int, str] = {}
    constant_status: dict[int, str] = {}
    for year in (2020, 2021, 2022, 2023):
        value, row = _macro_value(macro, "GRP", str(year))
        nominal[year] = value
        gdp_status[year] = f"REAL: {row['source']}"
    for year in (2020, 2021, 2022):
        index, row = _macro_value(macro, "GRP index", str(year))
        growth[year] = index / 100.0 - 1.0
        constant_status[year] = f"DERIVED (GRP index, previous year = 100): {row['source']}"
    last_row = _macro_value(macro, "GRP", "2023")[1]
    found = re.search(r"\+([0-9.]+)% real", str(last_row["unit"]))
    if found is None:
        raise DemoDataError("shanxi_macro.csv: the 2023 GRP row does not give its real growth")
    growth[2023] = float(found.group(1)) / 100.0
    constant_status[2023] = f"DERIVED (real growth +{found.group(1)}%): {last_row['source']}"
    constant_status[base] = "REAL (base year: constant = current prices)"

    real = {base: nominal[base]}
    deflator = {base: 1.0}
    for year in range(base + 1, max(nominal) + 1):
        real[year] = real[year - 1] * (1.0 + growth[year])
        deflator[year] = nominal[year] / real[year]
    assumed = {**params.REAL_GROWTH, **growth}
    for year in range(base - 1, params.FIRST_YEAR - 1, -1):
        real[year] = real[year + 1] / (1.0 + assumed[year + 1])
        deflator[year] = deflator[year + 1] / (1.0 + params.DEFLATOR_CHANGE[year + 1])
    for year in range(max(nominal) + 1, params.LAST_YEAR + 1):
        real[year] = real[year - 1] * (1.0 + params.REAL_GROWTH[year])
        deflator[year] = deflator[year - 1] * (1.0 + params.DEFLATOR_CHANGE[year])
    for year in ALL_YEARS:
        nominal.setdefault(year, real[year] * deflator[year])

    census, census_row = _macro_value(macro, "resident population (census)", "2020-11-01")
    year_end, year_end_row = _macro_value(macro, "resident population (year-end)", "2021")
    population = {2020: census / 1e4, 2021: year_end}
    pop_status = {
        2020: f"REAL (census 2020-11-01): {census_row['source']}",
        2021: f"REAL (year-end): {year_end_row['source']}",
    }
    for year in range(2019, params.FIRST_YEAR - 1, -1):
        population[year] = population[year + 1] / (1.0 + params.POPULATION_CHANGE["before_2020"])
    for year in range(2022, params.LAST_YEAR + 1):
        population[year] = population[year - 1] * (1.0 + params.POPULATION_CHANGE["after_2021"])
    table = pd.DataFrame(
        {
            "year": list(ALL_YEARS),
            "gdp_current_100m_yuan": [nominal[y] for y in ALL_YEARS],
            "gdp_constant_2020_100m_yuan": [nominal[y] / deflator[y] for y in ALL_YEARS],
            "population_10k": [population[y] for y in ALL_YEARS],
            "gdp_status": [gdp_status.get(y, params.SYNTHETIC) for y in ALL_YEARS],
            "gdp_constant_status": [constant_status.get(y, params.SYNTHETIC) for y in ALL_YEARS],
            "population_status": [pop_status.get(y, params.SYNTHETIC) for y in ALL_YEARS],
        }
    )
    return ProvinceEconomy(table, pd.Series(deflator).sort_index())


STATUS_COLUMNS = ["gdp_status", "gdp_constant_status", "population_status"]


def macro_table(
    rng: np.random.Generator, economy: ProvinceEconomy, cities: Cities, counties: pd.DataFrame
) -> pd.DataFrame:
    """GDP and population of the province, cities and counties; cities and counties add up.

    City population: census 2020 and year-end 2021 (real); other years the province figure split
    by the census (to 2019) or 2021 shares. City GDP: province GDP split by population ×
    params.CITY_PRODUCTIVITY. Counties: seeded weights. Constant prices: the province deflator.
    ``status`` is REAL, SYNTHETIC (demo) or MIXED; the three ``*_status`` columns say which.
    """
    census_table = _region_table("cities").assign(city_code=lambda t: t["city_code"].astype(str))
    census_table = census_table.set_index("city_code").loc[cities.adcodes]
    year_end = census_table["pop_2021_yearend_10k"].to_numpy(float)
    census_source = census_table["source"].str.split(" | ", regex=False)
    city_of = counties["city_index"].to_numpy()
    district = counties["name_zh"].map(county_type).to_numpy() == "district"
    pop_weight = rng.lognormal(0.0, params.COUNTY_POPULATION_SIGMA, len(counties))
    pop_weight *= np.where(district, params.DISTRICT_POPULATION_FACTOR, 1.0)
    gdp_weight = pop_weight * rng.lognormal(0.0, params.COUNTY_PRODUCTIVITY_SIGMA, len(counties))
    gdp_weight *= np.where(district, params.DISTRICT_PRODUCTIVITY_FACTOR, 1.0)
    productivity = np.array([params.CITY_PRODUCTIVITY[a] for a in cities.adcodes])
    n_local = len(cities.adcodes) + len(counties)
    frames = []
    for row in economy.table.itertuples(index=False):
        year = int(row.year)
        if year == 2020:
            city_pop = cities.census / 1e4
            status = [f"REAL (census 2020-11-01): {s[0]}" for s in census_source]
        elif year == 2021:
            city_pop = year_end
            status = [f"REAL (year-end): {s[1]}" for s in census_source]
        else:
            shares = cities.census if year < 2020 else year_end
            city_pop = row.population_10k * shares / shares.sum()
            status = [params.SYNTHETIC] * len(shares)
        city_weight = city_pop * productivity
        city_gdp = row.gdp_current_100m_yuan * city_weight / city_weight.sum()
        county_pop = city_pop[city_of] * _within(pop_weight, city_of)
        county_gdp = city_gdp[city_of] * _within(gdp_weight, city_of)
        frames.append(
            pd.DataFrame(
                {
                    "adcode": [PROVINCE, *cities.adcodes, *counties["adcode"]],
                    "year": year,
                    "gdp_current_100m_yuan": [row.gdp_current_100m_yuan, *city_gdp, *county_gdp],
                    "gdp_constant_2020_100m_yuan": np.array(
                        [row.gdp_current_100m_yuan, *city_gdp, *county_gdp]
                    )
                    / economy.deflator[year],
                    "population_10k": [row.population_10k, *city_pop, *county_pop],
                    "gdp_status": [row.gdp_status] + [params.SYNTHETIC] * n_local,
                    "gdp_constant_status": [row.gdp_constant_status] + [params.SYNTHETIC] * n_local,
                    "population_status": [row.population_status, *status]
                    + [params.SYNTHETIC] * len(counties),
                }
            )
        )
    table = pd.concat(frames, ignore_index=True)
    synthetic = np.column_stack(
        [table[c].str.startswith(params.SYNTHETIC).to_numpy() for c in STATUS_COLUMNS]
    )
    table.insert(
        5,
        "status",
        np.select(
            [synthetic.all(axis=1), ~synthetic.any(axis=1)],
            [params.SYNTHETIC, "REAL"],
            "MIXED (see gdp_status, gdp_constant_status, population_status)",
        ),
    )
    return table


def _within(weights: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Each weight as a share of its group's total."""
    totals = np.bincount(groups, weights=weights)
    return weights / totals[groups]


# --- step 7: key enterprises (重点企业) -----------------------------------------------------------

CHINESE_ORDINALS = "一二三四五六七八九十"


def organisation_code(body: str) -> str:
    """An organisation code (组织机构代码, GB 11714-1997): 8 characters and a check character
    C9 = 11 − (Σ c_i × w_i mod 11), w = 3 7 9 10 5 8 4 2, written X for 10 and 0 for 11."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c, 36) * w for c, w in zip(body, weights, strict=True))
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def credit_code(adcode: str, body: str) -> str:
    """A unified social credit code (统一社会信用代码, GB 32100-2015) of an enterprise (9 1)
    registered in ``adcode``, with the check character of GB 32100 Annex A."""
    first17 = "91" + adcode + organisation_code(body)
    return first17 + check_character(first17)


def _enterprise_name(county: str, city: str, word: str, number: int) -> str:
    short = county[:-1] if len(county) > 2 else county
    place = city + short if county.endswith("区") else short
    ordinal = "" if number == 1 else "第" + _chinese_number(number)
    return f"示例{place}{ordinal}{word}有限公司"


def _chinese_number(n: int) -> str:
    if n <= 10:
        return CHINESE_ORDINALS[n - 1]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else CHINESE_ORDINALS[tens - 1]
    return head + "十" + (CHINESE_ORDINALS[ones - 1] if ones else "")


def place_enterprises(
    rng: np.random.Generator, county: np.ndarray, counties: pd.DataFrame, cities: Cities
) -> tuple[pd.DataFrame, np.ndarray]:
    """About 300 key enterprises placed in counties that have their sector, more where the
    county's sector emits more (2020), and each one's yearly share of its county sector.

    Returns the enterprise table and shares [enterprise, year] (ALL_YEARS). The enterprises of
    one county and sector together take params.ENTERPRISE_COVERAGE of it (Dirichlet split),
    varied by up to ±params.ENTERPRISE_YEAR_VARIATION a year, always less than all of it.
    """
    sectors = ceads_sectors()
    sector_names = sectors["sector"].tolist()
    key_of = dict(zip(sectors["sector"], sectors["key_industry"], strict=True))
    reference = county[ALL_YEARS.index(params.CONSTANT_PRICE_YEAR)].sum(axis=2)  # [county, sector]
    placed = []
    for industry, (sector, count, _zh, _en) in params.ENTERPRISE_INDUSTRIES.items():
        weight = reference[:, sector_names.index(sector)]
        picks = rng.choice(len(counties), size=count, p=weight / weight.sum())
        placed += [(industry, sector, int(k)) for k in np.sort(picks)]
    frame = pd.DataFrame(placed, columns=["industry", "sector", "county_index"])
    shares = np.zeros(len(frame))
    for _, members in frame.groupby(["sector", "county_index"], sort=True).groups.items():
        coverage = rng.uniform(*params.ENTERPRISE_COVERAGE)
        shares[list(members)] = coverage * rng.dirichlet(
            np.full(len(members), params.ENTERPRISE_SPLIT_CONCENTRATION)
        )
    variation = rng.uniform(-1.0, 1.0, (len(frame), len(ALL_YEARS)))
    yearly = shares[:, None] * (1.0 + params.ENTERPRISE_YEAR_VARIATION * variation)

    codes: list[str] = []
    while len(codes) < len(frame):
        adcode = counties["adcode"].iloc[frame["county_index"].iloc[len(codes)]]
        code = credit_code(adcode, "".join(map(str, rng.integers(0, 10, 8))))
        if code not in codes:
            codes.append(code)
    city_names = dict(zip(cities.adcodes, cities.short_names, strict=True))
    english = counties["city_name_en"].to_numpy()
    names_zh, names_en, seen = [], [], {}
    for i, row in enumerate(frame.itertuples(index=False)):
        info = counties.iloc[row.county_index]
        _s, _c, word_zh, word_en = params.ENTERPRISE_INDUSTRIES[row.industry]
        key = (row.industry, info["adcode"])
        seen[key] = seen.get(key, 0) + 1
        city = city_names[info["parent_adcode"]]
        names_zh.append(_enterprise_name(info["name_zh"], city, word_zh, seen[key]))
        names_en.append(
            f"Demo {english[row.county_index]} {word_en} Co., Ltd. No. {i + 1:03d} (synthetic)"
        )
    table = pd.DataFrame(
        {
            "enterprise_id": [f"DEMO-E{i + 1:03d}" for i in range(len(frame))],
            "credit_code": codes,
            "name_zh": names_zh,
            "name_en": names_en,
            "adcode": counties["adcode"].to_numpy()[frame["county_index"]],
            "sector": frame["sector"].to_numpy(),
            "key_industry": frame["sector"].map(key_of).to_numpy(),
            "status": params.SYNTHETIC,
        }
    )
    return table, yearly


def enterprise_energy_rows(
    enterprises: pd.DataFrame,
    yearly: np.ndarray,
    county: np.ndarray,
    counties: pd.DataFrame,
    years: list[int],
) -> pd.DataFrame:
    """Each enterprise's fuel use: its share × its county sector's amount of each fuel (fuels
    below params.ENTERPRISE_MIN_FUEL_SHARE of the county sector's CO2 left out); ``tco2`` is
    what :func:`carbonctl.accounting.account` gives for the row."""
    from carbonctl.accounting import account

    factors = [params.fuel_factors(params.DEMO_FACTOR_SET)[f] for f in ceads_fuels()]
    ef = np.array([f.tco2_per_unit for f in factors])
    position = {a: i for i, a in enumerate(counties["adcode"])}
    sector_names = ceads_sectors()["sector"].tolist()
    k = enterprises["adcode"].map(position).to_numpy()
    s = enterprises["sector"].map(sector_names.index).to_numpy()
    picks = np.array([ALL_YEARS.index(y) for y in years])
    fuel_co2 = county[picks][:, k, s, :-1]  # [year, enterprise, fuel], Mt
    share_of_sector = fuel_co2 / np.maximum(fuel_co2.sum(axis=2, keepdims=True), 1e-300)
    keep = (fuel_co2 > 0) & (share_of_sector >= params.ENTERPRISE_MIN_FUEL_SHARE)
    year_i, ent_i, fuel_i = np.nonzero(keep)
    amount = yearly[ent_i, picks[year_i]] * fuel_co2[year_i, ent_i, fuel_i] * MT / ef[fuel_i]
    given = np.array([f.given_in_row for f in factors])
    rows = pd.DataFrame(
        {
            "enterprise_id": enterprises["enterprise_id"].to_numpy()[ent_i],
            "year": np.array(years)[year_i],
            "fuel": np.array([f.fuel for f in factors])[fuel_i],
            "amount": amount,
            "unit": np.array([f.unit for f in factors])[fuel_i],
            "ncv": np.where(given, [f.ncv for f in factors], np.nan)[fuel_i],
            "carbon_content": np.where(given, [f.carbon_content for f in factors], np.nan)[fuel_i],
            "oxidation_rate": np.where(given, [f.oxidation_rate for f in factors], np.nan)[fuel_i],
        }
    ).sort_values(["enterprise_id", "year"], kind="stable", ignore_index=True)
    activities = rows.assign(
        subject=rows["enterprise_id"],
        period=rows["year"].astype(str),
        category="combustion",
        item=rows["fuel"],
    )
    rows["tco2"] = account(activities, factor_set=params.DEMO_FACTOR_SET).rows["tco2"].to_numpy()
    rows["status"] = params.SYNTHETIC
    return rows


# --- the dataset ----------------------------------------------------------------------------------


def shanxi_regions() -> pd.DataFrame:
    """Shanxi's province, 11 cities and 117 county-level units from refdata ``regions``."""
    table = refdata.load_table("regions")
    cities = table[(table["level"] == "city") & (table["parent_adcode"] == PROVINCE)]
    counties = table[(table["level"] == "county") & table["parent_adcode"].isin(cities["adcode"])]
    shanxi = pd.concat([table[table["adcode"] == PROVINCE], cities, counties])
    order = shanxi["level"].map({"province": 0, "city": 1, "county": 2})
    shanxi = shanxi.assign(order=order).sort_values(["order", "adcode"])
    return shanxi[
        ["adcode", "level", "name_zh", "short_name", "name_en", "parent_adcode"]
    ].reset_index(drop=True)


def _county_frame(regions: pd.DataFrame, cities: Cities) -> pd.DataFrame:
    counties = regions[regions["level"] == "county"].reset_index(drop=True)
    city_index = {a: i for i, a in enumerate(cities.adcodes)}
    english = dict(zip(regions["adcode"], regions["name_en"], strict=True))
    return counties.assign(
        city_index=counties["parent_adcode"].map(city_index),
        city_name_en=counties["parent_adcode"].map(english),
    )


def build_dataset(seed: int = 20240101, years: range = range(2015, 2026)) -> DemoDataset:
    """Build the synthetic Shanxi dataset for ``years`` (within 2015–2025).

    The same seed gives identical tables; a different seed changes the county split, the
    county economy and the enterprises, never the province or city figures. A shorter range of
    years gives the same rows for those years as the full build.
    """
    wanted = sorted(set(years))
    if not wanted or wanted[0] < ALL_YEARS.start or wanted[-1] >= ALL_YEARS.stop:
        raise DemoDataError(
            f"years {list(years)!r}: the demo covers {ALL_YEARS.start}–{ALL_YEARS.stop - 1}"
        )
    regions = shanxi_regions()
    targets = province_targets()
    province = province_matrix(targets)
    cities = city_inputs(regions)
    split = split_cities(province, cities)
    city = city_matrix(province, split.shares)
    counties = _county_frame(regions, cities)
    rng = np.random.default_rng(seed)
    weights = county_weights(rng, counties, cities)
    county = split_counties(city, weights, counties["city_index"].to_numpy())
    cement = params.cement_factor()
    energy, process = energy_rows(county, counties, wanted, cement)
    economy = province_economy()
    macro = macro_table(rng, economy, cities, counties)
    macro = macro[macro["year"].isin(wanted)].reset_index(drop=True)
    enterprises, yearly = place_enterprises(rng, county, counties, cities)
    enterprise_energy = enterprise_energy_rows(enterprises, yearly, county, counties, wanted)
    meta = _meta(seed, wanted, targets, split, cities, economy, energy, process, cement)
    return DemoDataset(
        regions=regions[["adcode", "level", "name_zh", "name_en", "parent_adcode"]],
        energy=energy,
        process=process,
        macro=macro,
        enterprises=enterprises,
        enterprise_energy=enterprise_energy,
        meta=meta,
    )


def province_by_fuel(energy: pd.DataFrame, process: pd.DataFrame) -> pd.DataFrame:
    """MtCO2 by year × (CEADs fuel column, Process) from the county tables' ``tco2``."""
    column_of = {fuel: column for column, fuel in params.CEADS_TO_FUEL.items()}
    fuels = energy.assign(column=energy["fuel"].map(column_of))
    table = fuels.pivot_table(
        index="year", columns="column", values="tco2", aggfunc="sum", fill_value=0.0
    )
    table[PROCESS] = process.groupby("year")["tco2"].sum()
    return table.reindex(columns=[*ceads_fuels(), PROCESS], fill_value=0.0).fillna(0.0) / MT


def _meta(
    seed: int,
    years: list[int],
    targets: ProvinceTargets,
    split: CitySplit,
    cities: Cities,
    economy: ProvinceEconomy,
    energy: pd.DataFrame,
    process: pd.DataFrame,
    cement: float,
) -> dict[str, Any]:
    built = province_by_fuel(energy, process)
    wanted = targets.by_fuel.loc[years]
    published = ceads_table("by_fuel").set_index("year")[built.columns]
    common = [y for y in years if y in published.index]
    matrix_residual = {}
    for year in (y for y in params.MATRIX_YEARS if y in years):
        cells = energy[energy["year"] == year].groupby(["sector", "fuel"])["tco2"].sum() / MT
        ceads = targets.matrices[year].rename(columns=params.CEADS_TO_FUEL)
        ceads = ceads.drop(columns=PROCESS).stack()
        matrix_residual[str(year)] = float(
            (cells.reindex(ceads.index, fill_value=0) - ceads).abs().max()
        )
    city_years = [y for y in years if y in split.targets.index]
    return {
        "label": (
            "SYNTHETIC demo data for carbonctl, not statistics. Province CO2 by fuel equals the "
            "CEADs Shanxi inventory for 2015-2022 (sector x fuel for 2015 and 2019); cities, "
            "counties, enterprises, 2023-2025 and most GDP/population figures are generated."
        ),
        "seed": seed,
        "years": years,
        "factor_set": params.DEMO_FACTOR_SET,
        "cement_factor_tco2_per_t": cement,
        "demo_parameters": {k: list(v) for k, v in params.DEMO_PARAMETERS.items()},
        "calibration": {
            "province_by_fuel_MtCO2": {
                str(y): {c: _mt(v) for c, v in wanted.loc[y].items()} for y in years
            },
            "province_by_fuel_basis": {str(y): targets.basis[y] for y in years},
            "sector_by_fuel_years": [y for y in params.MATRIX_YEARS if y in years],
            "city_totals_MtCO2": {
                str(y): dict(zip(cities.adcodes, map(_mt, split.targets.loc[y]), strict=True))
                for y in city_years
            },
            "covered_cities_share_of_province": {
                str(y): round(split.covered_share[y], 6) for y in city_years
            },
            "ceads_city_MtCO2_used": {
                str(y): {a: float(v) for a, v in split.ceads_series.loc[y].dropna().items()}
                for y in city_years
            },
            "ceads_city_estimated": {
                str(y): sorted(split.estimated.columns[split.estimated.loc[y]]) for y in city_years
            },
        },
        "residuals": {
            "province_by_fuel_max_abs_MtCO2": float((built - wanted).abs().to_numpy().max()),
            "sector_by_fuel_max_abs_MtCO2": matrix_residual,
            "vs_published_by_fuel_table_max_abs_MtCO2": float(
                (built.loc[common] - published.loc[common]).abs().to_numpy().max()
            )
            if common
            else None,
            "note": (
                "the by-fuel table rounds to 4 decimals; 2015 and 2019 follow the 6-decimal "
                "sector x fuel tables, whose column sums differ from it by up to 5e-5 Mt"
            ),
        },
        "sources": {
            "ceads_province": sorted(set(ceads_table("by_fuel")["source"])),
            "ceads_matrices": sorted(
                {ceads_table(f"matrix_{y}")["source"].iloc[0] for y in params.MATRIX_YEARS}
            ),
            "ceads_cities": sorted(set(ceads_table("cities")["source"])),
            "macro": sorted(set(_region_table("macro")["source"])),
        },
        "assumptions": {
            "trend": {
                "window": list(params.TREND_WINDOW),
                "cap": params.TREND_CAP,
                "damping": params.TREND_DAMPING,
                "share_damping": params.SHARE_DAMPING,
            },
            "city_profiles": {k: list(v) for k, v in params.CITY_PROFILES.items()},
            "profile_groups": list(params.PROFILE_GROUPS),
            "city_productivity": dict(params.CITY_PRODUCTIVITY),
            "real_growth": {str(k): v for k, v in params.REAL_GROWTH.items()},
            "deflator_change": {str(k): v for k, v in params.DEFLATOR_CHANGE.items()},
            "deflator_2020_is_1": {str(k): float(v) for k, v in economy.deflator.items()},
            "population_change": dict(params.POPULATION_CHANGE),
        },
        "counts": {
            "energy_rows": len(energy),
            "process_rows": len(process),
        },
    }


def _mt(value: float) -> float:
    """MtCO2 for meta.json: 9 decimals (1 kg) is finer than any source."""
    return round(float(value), 9)


def write_dataset(dataset: DemoDataset, folder: Path) -> None:
    """Write one UTF-8 CSV per table (``energy.csv`` …) and ``meta.json`` into ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, table in dataset.tables().items():
        table.to_csv(folder / f"{name}.csv", index=False, encoding="utf-8")
    with (folder / "meta.json").open("w", encoding="utf-8") as handle:
        json.dump(dataset.meta, handle, ensure_ascii=False, indent=2)
        handle.write("\n")
