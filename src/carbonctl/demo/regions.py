"""Shanxi's regions in the demo (演示地区): the region table, and the split of the province's
emissions to its 11 cities (step 3) and 117 county-level units (step 4)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from carbonctl import refdata
from carbonctl.accounting.inventory import PROCESS_SECTOR, ceads_sectors
from carbonctl.demo import params
from carbonctl.demo.sources import (
    ALL_YEARS,
    PROVINCE,
    DemoDataError,
    ceads_table,
    region_table,
)

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
    census_table = region_table("cities").assign(city_code=lambda t: t["city_code"].astype(str))
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


def county_frame(regions: pd.DataFrame, cities: Cities) -> pd.DataFrame:
    counties = regions[regions["level"] == "county"].reset_index(drop=True)
    city_index = {a: i for i, a in enumerate(cities.adcodes)}
    english = dict(zip(regions["adcode"], regions["name_en"], strict=True))
    return counties.assign(
        city_index=counties["parent_adcode"].map(city_index),
        city_name_en=counties["parent_adcode"].map(english),
    )
