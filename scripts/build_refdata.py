"""Rebuild the package's reference tables from the research tables in ../shared/refdata.

Run from the repository root: ``python scripts/build_refdata.py [SHARED_REFDATA_DIR]``. The output
CSVs in src/carbonctl/refdata/data/ are committed; this script documents how they were made and
lets a maintainer refresh them when the research tables change. Hand-written tables (fuels.csv
apart from its ``coal`` column, which :func:`mark_coal_fuels` derives from ``ceads_group``,
process_materials.csv, factor_sets.csv, uncertainty_defaults.csv, shanxi_county_names_en.csv and the
sector tables gbt4754_2017.csv, electricity_use_classes.csv, sector_mappings.csv) are not touched;
regions.csv takes the counties' English names from shanxi_county_names_en.csv.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "carbonctl" / "refdata" / "data"


def _first_token(label: str) -> str:
    return str(label).split(" ")[0]


def build_fuel_factors(shared: Path) -> None:
    fuels = pd.read_csv(OUT / "fuels.csv")
    by_zh = dict(zip(fuels["name_zh"], fuels["fuel_id"], strict=True))
    raw = pd.read_csv(shared / "accounting" / "fuel_defaults.csv")
    raw["fuel_id"] = raw["fuel"].map(lambda label: by_zh[_first_token(label)])
    table = raw.rename(columns={"ef_tCO2_per_unit(=NCV*CC*OF*44/12)": "ef_tCO2_per_unit"})[
        [
            "factor_set",
            "fuel_id",
            "fuel",
            "unit",
            "ncv_GJ_per_unit",
            "cc_tC_per_GJ",
            "oxidation_rate",
            "ef_tCO2_per_unit",
            "corroboration",
            "status",
            "note",
            "source",
        ]
    ]
    table.to_csv(OUT / "fuel_factors.csv", index=False)


def build_standard_coal(shared: Path) -> None:
    raw = pd.read_csv(shared / "accounting" / "standard_coal_coefficients.csv")
    fuels = pd.read_csv(OUT / "fuels.csv")
    fuel_by_energy = dict(zip(fuels["standard_coal_name"], fuels["fuel_id"], strict=False))
    special = {
        "热力 heat (当量值)": "heat",
        "电力 electricity (当量值, calorific-equivalent)": "electricity_equivalent",
        "电力 electricity (等价值, fossil-equivalent)": "electricity_equal_value",
        "蒸汽(低压) low-pressure steam": "low_pressure_steam",
        "标准煤 standard coal (definition)": "standard_coal",
        "其他洗煤-煤泥 slime": "slime",
    }
    raw.insert(0, "energy_id", raw["energy"].map(lambda e: special.get(e, fuel_by_energy.get(e))))
    missing = raw[raw["energy_id"].isna()]["energy"].tolist()
    if missing:
        raise SystemExit(f"standard-coal rows without an id: {missing}")
    raw.to_csv(OUT / "standard_coal.csv", index=False)


def _county_status(code_status: str) -> str:
    if "verify" in code_status:
        return f"UNCONFIRMED (code changed after 2018, recalled: {code_status})"
    return f"CONFIRMED (GB/T 2260 code {code_status})"


COUNTY_NAME_EN_STATUS = "name_en DESIGN PROPOSAL (pinyin, shanxi_county_names_en.csv)"


def _county_names_en(adcodes: pd.Series) -> dict[str, str]:
    """English county names from the hand-kept shanxi_county_names_en.csv, one for every adcode."""
    names = pd.read_csv(OUT / "shanxi_county_names_en.csv", dtype=str)
    by_adcode = dict(zip(names["adcode"], names["name_en"], strict=True))
    missing = sorted(set(adcodes) - set(by_adcode))
    if missing:
        raise SystemExit(
            f"counties without an English name in shanxi_county_names_en.csv: {missing}"
        )
    return by_adcode


def build_regions(shared: Path) -> None:
    provinces = pd.read_csv(shared / "regions" / "china_provinces.csv")
    provinces = provinces.assign(level="province", parent_adcode="100000")
    cities = pd.read_csv(shared / "regions" / "shanxi_cities.csv")
    city_en = {
        "140100": "Taiyuan",
        "140200": "Datong",
        "140300": "Yangquan",
        "140400": "Changzhi",
        "140500": "Jincheng",
        "140600": "Shuozhou",
        "140700": "Jinzhong",
        "140800": "Yuncheng",
        "140900": "Xinzhou",
        "141000": "Linfen",
        "141100": "Lüliang",
    }
    cities = pd.DataFrame(
        {
            "adcode": cities["city_code"].astype(str),
            "name_zh": cities["city"],
            "short_name": cities["city"].str.removesuffix("市"),
            "name_en": cities["city_code"].astype(str).map(city_en),
            "grid_region": "华北",
            "level": "city",
            "parent_adcode": "140000",
            "status": "CONFIRMED (adcode, GB/T 2260; census 2020)",
            "source": cities["source"],
        }
    )
    counties = pd.read_csv(shared / "regions" / "shanxi_counties.csv")
    adcodes = counties["county_code"].astype(str)
    counties = pd.DataFrame(
        {
            "adcode": adcodes,
            "name_zh": counties["county"],
            "short_name": "",
            "name_en": adcodes.map(_county_names_en(adcodes)),
            "grid_region": "华北",
            "level": "county",
            "parent_adcode": counties["city_code"].astype(str),
            "status": counties["code_status"].map(_county_status) + "; " + COUNTY_NAME_EN_STATUS,
            "source": counties["source"],
        }
    )
    country = pd.DataFrame(
        [
            {
                "adcode": "100000",
                "name_zh": "全国",
                "short_name": "中国",
                "name_en": "China",
                "grid_region": "",
                "level": "country",
                "parent_adcode": "",
                "status": "CONFIRMED",
                "source": "GB/T 2260",
            }
        ]
    )
    columns = [
        "adcode",
        "level",
        "name_zh",
        "short_name",
        "name_en",
        "parent_adcode",
        "grid_region",
        "status",
        "source",
    ]
    provinces["adcode"] = provinces["adcode"].astype(str)
    table = pd.concat([country, provinces, cities, counties], ignore_index=True)[columns]
    table.to_csv(OUT / "regions.csv", index=False)


#: CEADs fuel groups counted as coal (煤炭) for the non-coal share of CO2 (非煤排放占比): the solid
#: coal fuels of the CEADs fuel list (shared/refdata/ceads/sectors_and_fuels.csv, fuels 1-5:
#: Raw_Coal, Cleaned_Coal, Other_Washed_Coal, Briquettes, Coke). Coke-oven gas, other gas and
#: other coking products (CEADs fuels 6-8) are coal-derived but not counted: carbonctl's reading
#: (UNCONFIRMED), the grouping the allocation workbench has always used.
COAL_GROUPS = ("Raw_Coal", "Cleaned_Coal", "Other_Washed_Coal", "Briquettes", "Coke")
COAL_SOURCE = "coal: CEADs solid-coal groups (scripts/build_refdata.py COAL_GROUPS, UNCONFIRMED)"


def mark_coal_fuels() -> None:
    """Write the ``coal`` column (``yes``/``no``) of the hand-written fuels.csv from its
    ``ceads_group`` and :data:`COAL_GROUPS`, and say so in each row's ``source``."""
    fuels = pd.read_csv(OUT / "fuels.csv", dtype=str, keep_default_na=False)
    fuels["coal"] = fuels["ceads_group"].isin(COAL_GROUPS).map({True: "yes", False: "no"})
    sources = fuels["source"].str.split("; ").map(lambda parts: [p for p in parts if p])
    fuels["source"] = sources.map(
        lambda parts: "; ".join([p for p in parts if not p.startswith("coal: ")] + [COAL_SOURCE])
    )
    columns = [c for c in fuels.columns if c != "coal"]
    columns.insert(columns.index("ceads_group") + 1, "coal")
    fuels[columns].to_csv(OUT / "fuels.csv", index=False)


def build_ceads_sectors(shared: Path) -> None:
    raw = pd.read_csv(shared / "ceads" / "sectors_and_fuels.csv", dtype=str)
    raw.to_csv(OUT / "ceads_layout.csv", index=False)


def copy_verbatim(shared: Path) -> None:
    for folder, name, target in [
        ("accounting", "grid_emission_factors.csv", "grid_factors.csv"),
        ("accounting", "heat_emission_factors.csv", "heat_factors.csv"),
        ("accounting", "process_factors.csv", "process_factors.csv"),
        ("accounting", "gwp.csv", "gwp.csv"),
        ("ceads", "shanxi_key_industries_2022.csv", "ceads_shanxi_key_industries.csv"),
        ("policy", "gb_energy_quota_levels.csv", "gb_energy_quota_levels.csv"),
    ]:
        pd.read_csv(shared / folder / name, dtype=str, keep_default_na=False).to_csv(
            OUT / target, index=False
        )


def main(argv: list[str]) -> None:
    shared = Path(argv[1]) if len(argv) > 1 else ROOT.parent / "shared" / "refdata"
    mark_coal_fuels()
    build_fuel_factors(shared)
    build_standard_coal(shared)
    build_regions(shared)
    build_ceads_sectors(shared)
    copy_verbatim(shared)
    print(f"reference tables written to {OUT}")


if __name__ == "__main__":
    main(sys.argv)
