"""Sector classifications: GB/T 4754-2017, the electricity-use classes and the CEADs sectors, the
mappings between them, key industries, and the English names of Shanxi's counties."""

from __future__ import annotations

import pandas as pd
import pytest

from carbonctl import refdata
from carbonctl.errors import UnknownNameError

NEW_TABLES = [
    "gbt4754_2017",
    "electricity_use_classes",
    "sector_mappings",
    "shanxi_county_names_en",
]


@pytest.fixture(scope="module")
def gbt() -> pd.DataFrame:
    return refdata.sector_scheme("gbt4754_2017")


@pytest.fixture(scope="module")
def ceads() -> pd.DataFrame:
    return refdata.sector_scheme("ceads").set_index("code")


@pytest.fixture(scope="module")
def mappings() -> pd.DataFrame:
    table = refdata.load_table("sector_mappings")
    return table.assign(weight=table["weight"].astype(float))


def test_gbt4754_has_20_sections_and_97_divisions_with_unique_codes(gbt):
    sections = gbt[gbt["level"] == "section"]
    divisions = gbt[gbt["level"] == "division"]
    assert list(sections["code"]) == list("ABCDEFGHIJKLMNOPQRST")
    assert list(divisions["code"]) == [f"{n:02d}" for n in range(1, 98)]
    assert gbt["code"].is_unique
    assert set(divisions["parent"]) == set(sections["code"])  # every section has a division
    assert (sections["parent"] == "").all()


@pytest.mark.parametrize(
    ("division", "section", "name"),
    [
        ("06", "B", "煤炭开采和洗选业"),
        ("25", "C", "石油、煤炭及其他燃料加工业"),
        ("44", "D", "电力、热力生产和供应业"),
        ("96", "S", "基层群众自治组织及其他组织"),
        ("97", "T", "国际组织"),
    ],
)
def test_divisions_sit_in_their_section(gbt, division, section, name):
    row = gbt.set_index("code").loc[division]
    assert (row["parent"], row["name_zh"]) == (section, name)


def test_every_division_maps_to_existing_ceads_sectors(gbt, ceads, mappings):
    to_ceads = mappings[
        (mappings["from_scheme"] == "gbt4754_2017") & (mappings["to_scheme"] == "ceads")
    ]
    divisions = gbt.loc[gbt["level"] == "division", "code"]
    assert set(divisions) == set(to_ceads["from_code"])
    assert set(to_ceads["to_code"]) <= set(ceads.index)
    assert len(ceads) == 47


def test_part_of_weights_sum_to_one_per_source_code(mappings):
    part_of = mappings[mappings["relation"] == "part_of"]
    totals = part_of.groupby(["from_scheme", "from_code", "to_scheme"])["weight"].sum()
    assert totals.to_numpy() == pytest.approx(1.0)
    assert (mappings["weight"] > 0).all() and (mappings["weight"] <= 1).all()
    assert set(mappings["relation"]) == {"part_of", "consists_of"}


def test_rubber_and_plastics_is_split_between_two_ceads_sectors():
    split = refdata.map_sectors("29", "gbt4754_2017", "ceads").set_index("to_code")["weight"]
    assert set(split.index) == {"Rubber Products", "Plastic Products"}
    assert split.sum() == pytest.approx(1.0)


def test_every_mapped_code_exists_in_its_scheme(mappings):
    for scheme in refdata.SECTOR_SCHEMES:
        codes = set(refdata.sector_scheme(scheme)["code"])
        assert set(mappings.loc[mappings["from_scheme"] == scheme, "from_code"]) <= codes
        assert set(mappings.loc[mappings["to_scheme"] == scheme, "to_code"]) <= codes


def test_every_electricity_class_maps_somewhere(mappings):
    classes = refdata.sector_scheme("electricity_use")
    mapped = set(mappings.loc[mappings["from_scheme"] == "electricity_use", "from_code"])
    assert set(classes["code"]) == mapped
    assert classes["code"].is_unique
    assert set(classes["parent"]) - {""} <= set(classes["code"])


def test_three_sectors_cover_every_division_once():
    covered = refdata.map_sectors(["P1", "P2", "P3"], "electricity_use", "gbt4754_2017")
    assert sorted(covered["to_code"]) == [f"{n:02d}" for n in range(1, 98)]
    tertiary = set(covered.loc[covered["from_code"] == "P3", "to_code"])
    assert {"05", "11", "43"} <= tertiary  # support and repair activities are services


def test_industry_classes_partition_the_divisions():
    industries = refdata.sector_scheme("electricity_use").query("level == 'industry'")
    covered = refdata.map_sectors(industries["code"], "electricity_use", "gbt4754_2017")
    assert sorted(covered["to_code"]) == [f"{n:02d}" for n in range(1, 98)]


def test_four_energy_intensive_industries_are_chemicals_building_materials_and_metals():
    members = refdata.map_sectors("四大高载能行业", "electricity_use", "gbt4754_2017")
    assert list(members["to_code"]) == ["26", "30", "31", "32"]


def test_key_industries_of_divisions_agree_with_their_ceads_sectors(gbt, ceads, mappings):
    key = gbt.set_index("code")["key_industry"]
    to_ceads = mappings[
        (mappings["from_scheme"] == "gbt4754_2017") & (mappings["to_scheme"] == "ceads")
    ]
    for row in to_ceads.itertuples(index=False):
        assert key[row.from_code] == ceads.loc[row.to_code, "key_industry"], row.from_code
    labels = set(ceads["key_industry"])
    assert set(gbt.loc[gbt["level"] == "division", "key_industry"]) <= labels


@pytest.mark.parametrize(
    ("division", "ceads_sector", "key_industry"),
    [
        ("06", "Coal Mining and Dressing", "煤炭开采 coal mining"),
        ("25", "Petroleum Processing and Coking", "焦化(含炼油) coking & refining"),
        (
            "44",
            "Production and Supply of Electric Power, Steam and Hot Water",
            "电力热力 power & heat",
        ),
        ("31", "Smelting and Pressing of Ferrous Metals", "钢铁 steel"),
        (
            "54",
            "Transportation, Storage, Post and Telecommunication Services",
            "交通运输 transport",
        ),
    ],
)
def test_key_industry_divisions_map_directly(gbt, division, ceads_sector, key_industry):
    mapped = refdata.map_sectors(division, "GB/T 4754-2017", "CEADs")
    assert list(mapped["to_code"]) == [ceads_sector]
    assert gbt.set_index("code").loc[division, "key_industry"] == key_industry


def test_mappings_are_read_backwards_with_the_relation_turned():
    construction = refdata.map_sectors("Construction", "ceads", "gbt4754_2017")
    assert list(construction["to_code"]) == ["47", "48", "49", "50"]
    assert set(construction["relation"]) == {"consists_of"}
    residents = refdata.map_sectors("Urban", "ceads", "electricity_use")
    assert set(residents["to_code"]) >= {"B1", "B", "ALL"}


def test_sectors_are_found_by_name_and_short_code():
    mapped = refdata.map_sectors(
        [6, "煤炭开采和洗选业", "Mining and Washing of Coal"], "gbt4754_2017", "ceads"
    )
    assert list(mapped["from_code"]) == ["06"]  # one division, given three ways
    industry = refdata.map_sectors("工业", "electricity_use", "gbt4754_2017")  # 二、工业
    assert list(industry["to_code"]) == [f"{n:02d}" for n in range(6, 47)]


def test_unknown_sector_lists_the_closest_codes():
    with pytest.raises(UnknownNameError) as caught:
        refdata.map_sectors(["06", "煤炭开采洗选业"], "gbt4754_2017", "ceads")
    assert "煤炭开采和洗选业" in caught.value.suggestions
    with pytest.raises(UnknownNameError):
        refdata.sector_scheme("NACE")


def test_every_shanxi_county_has_a_distinct_english_name():
    regions = refdata.load_table("regions")
    counties = regions[regions["level"] == "county"].set_index("adcode")
    assert len(counties) == 117
    assert (counties["name_en"] != "").all() and counties["name_en"].is_unique
    assert counties.loc["140105", "name_en"] == "Xiaodian District"
    assert counties.loc["140121", "name_en"] == "Qingxu County"
    assert counties.loc["140181", "name_en"] == "Gujiao City"
    assert counties.loc["140302", "name_en"] == "Chengqu District, Yangquan"
    assert counties.loc["140502", "name_en"] == "Chengqu District, Jincheng"
    names = refdata.load_table("shanxi_county_names_en").set_index("adcode")
    assert (counties["name_en"] == names["name_en"].reindex(counties.index)).all()


def test_the_two_chengqu_are_found_by_their_english_names():
    assert refdata.find_region("Chengqu District, Jincheng").adcode == "140502"
    assert refdata.find_region("Chengqu District, Yangquan").adcode == "140302"


def test_refdata_list_labels_the_new_tables():
    listed = refdata.describe_tables().set_index("table")
    for name in NEW_TABLES:
        labels = listed.loc[name, "status"].split(", ")
        assert labels != [""] and "UNLABELLED" not in labels, name
    assert listed.loc["shanxi_county_names_en", "status"] == "DESIGN PROPOSAL"
