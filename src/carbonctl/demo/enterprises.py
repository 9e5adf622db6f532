"""Key enterprises of the demo (演示重点企业, step 7): about 300 synthetic enterprises with valid
unified social credit codes, placed in counties, with their energy rows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from carbonctl.accounting.inventory import ceads_fuels, ceads_sectors
from carbonctl.demo import params
from carbonctl.demo.regions import (
    Cities,
)
from carbonctl.demo.sources import (
    ALL_YEARS,
    MT,
)
from carbonctl.enterprises.uscc import check_character

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
