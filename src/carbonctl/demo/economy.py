"""GDP and population of the demo (演示地区生产总值与人口, step 6): province series from the bundled
statistics, split to cities and counties."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from carbonctl.demo import params
from carbonctl.demo.regions import (
    Cities,
    county_type,
)
from carbonctl.demo.sources import (
    ALL_YEARS,
    PROVINCE,
    DemoDataError,
    region_table,
)

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
    macro = region_table("macro")
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
    census_table = region_table("cities").assign(city_code=lambda t: t["city_code"].astype(str))
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
