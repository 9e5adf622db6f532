"""Regions and the one county -> city -> province roll-up (县 -> 市 -> 省 汇总) that the meter
pipeline and the web's inventory totals share."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carbonctl import refdata
from carbonctl.electricity import pipeline
from carbonctl.errors import UnknownNameError

XIAODIAN, YINGZE, XINRONG = "140105", "140106", "140212"  # 小店区, 迎泽区 (太原); 新荣区 (大同)
TAIYUAN, DATONG = "140100", "140200"


def _cells() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "county": [XIAODIAN, XIAODIAN, YINGZE, XINRONG, XINRONG],
            "industry": ["steel", "power", "steel", "steel", "steel"],
            "month": ["2024-01", "2024-01", "2024-01", "2024-01", "2024-02"],
            "kwh": [1.0, 2.0, 4.0, 8.0, 16.0],
        }
    )


def _by(result: pd.DataFrame, *columns: str) -> dict:
    return result.set_index(["level", "region", *columns])["kwh"].to_dict()


def test_county_cells_sum_to_their_city_and_the_province_by_key_and_for_all():
    result = refdata.roll_up(_cells(), by=["industry", "month"], values=["kwh"], total="industry")
    sums = _by(result, "industry", "month")
    assert sums[("county", XIAODIAN, "ALL", "2024-01")] == 3.0
    assert sums[("city", TAIYUAN, "steel", "2024-01")] == 5.0
    assert sums[("city", TAIYUAN, "ALL", "2024-01")] == 7.0
    assert sums[("city", DATONG, "steel", "2024-02")] == 16.0
    assert sums[("province", refdata.PROVINCE, "steel", "2024-01")] == 13.0
    assert sums[("province", refdata.PROVINCE, "ALL", "2024-01")] == 15.0
    assert sums[("province", refdata.PROVINCE, "ALL", "2024-02")] == 16.0
    assert list(result.columns) == ["level", "region", "industry", "month", "kwh"]


def test_rows_come_county_then_city_then_province_each_by_key_before_all():
    result = refdata.roll_up(_cells(), by=["industry", "month"], values=["kwh"], total="industry")
    assert list(dict.fromkeys(result["level"])) == ["county", "city", "province"]
    for _, rows in result.groupby("level", sort=False):
        is_all = (rows["industry"] == refdata.ALL).to_numpy()
        assert not is_all[: (~is_all).sum()].any() and is_all[(~is_all).sum() :].all()
    county = result[(result["level"] == "county") & (result["industry"] != refdata.ALL)]
    assert list(county["region"]) == [XIAODIAN, XIAODIAN, YINGZE, XINRONG, XINRONG]


def test_without_total_there_are_no_all_rows_and_levels_can_be_chosen():
    result = refdata.roll_up(
        _cells(), by=["month", "industry"], values=["kwh"], levels=("city", "province")
    )
    assert set(result["level"]) == {"city", "province"}
    assert refdata.ALL not in set(result["industry"])
    assert _by(result, "month", "industry") == {
        ("city", TAIYUAN, "2024-01", "steel"): 5.0,
        ("city", TAIYUAN, "2024-01", "power"): 2.0,
        ("city", DATONG, "2024-01", "steel"): 8.0,
        ("city", DATONG, "2024-02", "steel"): 16.0,
        ("province", refdata.PROVINCE, "2024-01", "steel"): 13.0,
        ("province", refdata.PROVINCE, "2024-01", "power"): 2.0,
        ("province", refdata.PROVINCE, "2024-02", "steel"): 16.0,
    }


def test_a_county_without_a_city_adds_to_itself_and_the_province_only():
    cells = _cells().assign(county=["999999", XIAODIAN, XIAODIAN, XIAODIAN, XIAODIAN])
    result = refdata.roll_up(cells, by=["month"], values=["kwh"])
    sums = _by(result, "month")
    assert sums[("county", "999999", "2024-01")] == 1.0
    assert sums[("city", TAIYUAN, "2024-01")] == 14.0
    assert sums[("province", refdata.PROVINCE, "2024-01")] == 15.0
    assert len(result[result["level"] == "city"]) == 2


def test_given_cities_replace_the_regions_table():
    result = refdata.roll_up(
        _cells(), by=["month"], values=["kwh"], levels=("city",), cities={XIAODIAN: "X"}
    )
    assert _by(result, "month") == {("city", "X", "2024-01"): 3.0}


def test_no_cells_give_no_rows():
    result = refdata.roll_up(_cells().iloc[:0], by=["month"], values=["kwh"], total="month")
    assert result.empty
    assert list(result.columns) == ["level", "region", "month", "kwh"]


def test_unknown_levels_and_totals_are_refused():
    with pytest.raises(UnknownNameError, match="region level 'town'"):
        refdata.roll_up(_cells(), by=["month"], values=["kwh"], levels=("town",))
    with pytest.raises(UnknownNameError, match="roll-up column 'industry'"):
        refdata.roll_up(_cells(), by=["month"], values=["kwh"], total="industry")


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([XIAODIAN, YINGZE, XINRONG]),
            st.sampled_from(["a", "b", "c"]),
            st.integers(min_value=0, max_value=10**6),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_every_level_keeps_the_total(rows):
    cells = pd.DataFrame(rows, columns=["county", "sector", "kwh"])
    result = refdata.roll_up(cells, by=["sector"], values=["kwh"], total="sector")
    # county, city and province, each by sector and for all sectors: six sums of the same total
    sums = result.groupby(["level", result["sector"] == refdata.ALL])["kwh"].sum()
    assert len(sums) == 6
    assert (sums == cells["kwh"].sum()).all()


def test_every_county_of_the_regions_table_has_one_of_the_eleven_cities():
    regions = refdata.load_table("regions")
    cities = refdata.county_city()
    counties = regions[regions["level"] == "county"]
    assert set(cities) == set(counties["adcode"]) and len(cities) == 117
    city_codes = set(regions.loc[regions["level"] == "city", "adcode"])
    assert set(cities.values()) == city_codes and len(city_codes) == 11
    assert cities[XIAODIAN] == TAIYUAN


def test_the_pipeline_rolls_up_with_the_core_roll_up():
    cells = _cells().assign(n_readings=1, n_flagged=0)
    expected = refdata.roll_up(
        cells, by=["industry", "month"], values=["kwh", "n_readings", "n_flagged"], total="industry"
    )
    got = pipeline.rollup(cells)
    assert got["level"].iloc[0] == "province"  # province first, then cities, then counties
    key = ["level", "region", "industry", "month"]
    pd.testing.assert_frame_equal(
        got.sort_values(key, ignore_index=True), expected.sort_values(key, ignore_index=True)
    )
    assert (
        _by(got, "industry", "month")[("province", refdata.PROVINCE, refdata.ALL, "2024-01")] == 15
    )


def test_the_province_constant_is_shanxi_in_the_regions_table():
    assert refdata.find_region(refdata.PROVINCE).name_zh == "山西省"
    assert refdata.find_region(refdata.NATIONAL).level == "country"


def test_every_exported_name_exists():
    missing = [name for name in refdata.__all__ if not hasattr(refdata, name)]
    assert missing == []
