"""The demo history written as a province publishes it (issue 16): the four tables read back by
the province reader, with the NEA release's classes adding up, January–February only as a
year-to-date block, units as published, and the figures equal to the history's."""

from __future__ import annotations

import pytest

from carbonctl.demo.province import province_tables, write_province_folder
from carbonctl.electricity.province import period_total, read_province_data


@pytest.fixture(scope="module")
def folder(tmp_path_factory, electricity_history):
    out = tmp_path_factory.mktemp("province")
    written = write_province_folder(electricity_history, out, level="province", detail="three")
    assert set(written) == {"annual", "electricity", "generation", "output"}
    return out


def test_the_tables_read_back_with_jan_feb_as_one_block(folder, electricity_history):
    data = read_province_data(folder)
    power = data.electricity
    january = power[(power["first_month"] == 1) & (power["months"] == 2)]
    assert not power[(power["first_month"] == 1) & (power["months"] == 1)].any(axis=None)
    assert set(january["year"]) == set(range(2015, 2026))
    monthly = electricity_history.monthly
    kwh_2020 = monthly.loc[monthly["month"].str.startswith("2020"), "kwh"].sum()
    # 亿kWh to two decimals: 12 months each off by at most 0.005 亿kWh
    assert period_total(power, "140000", "ALL", 2020) == pytest.approx(kwh_2020, abs=6e6)
    annual = electricity_history.annual
    total_2020 = annual.loc[annual["year"] == 2020, "tco2"].sum()
    shown = data.annual[(data.annual["year"] == 2020)]["tco2"].sum()
    assert shown == pytest.approx(total_2020, abs=20)  # sector rows rounded to the tonne


def test_the_release_classes_add_up_to_all_use(electricity_history):
    table = province_tables(electricity_history, level="province", detail="three")["electricity"]
    wide = table.pivot_table(index="period", columns="sector", values="amount", aggfunc="sum")
    parts = wide[["第一产业", "第二产业", "第三产业", "城乡居民生活用电"]].sum(axis=1)
    assert (abs(parts - wide["全社会用电量"]) <= 0.02).all()  # four roundings of 0.005
    assert (wide["工业"] < wide["第二产业"]).all()
    assert set(table["unit"]) == {"亿千瓦时"}
    assert set(table.loc[table["period"].str.endswith("-02"), "basis"]) == {"ytd"}
    assert not table["period"].str.endswith("-01").any()


@pytest.mark.parametrize(
    ("level", "regions", "unit", "output"),
    [("city", 11, "亿千瓦时", 11), ("county", 117, "万千瓦时", 11)],
)
def test_levels_name_their_regions_and_units(electricity_history, level, regions, unit, output):
    tables = province_tables(electricity_history, level=level, detail="total")
    assert tables["electricity"]["region"].nunique() == regions
    assert set(tables["electricity"]["unit"]) == {unit}
    assert set(tables["electricity"]["sector"]) == {"全社会用电量"}
    assert tables["output"]["region"].nunique() == output  # output is published by city


def test_totals_only_inventories_and_bad_options(electricity_history):
    totals = province_tables(electricity_history, annual_by_sector=False)["annual"]
    assert set(totals["sector"]) == {"ALL"} and len(totals) == 11
    with pytest.raises(ValueError, match="level 'town'"):
        province_tables(electricity_history, level="town")
    with pytest.raises(ValueError, match="detail 'fine'"):
        province_tables(electricity_history, detail="fine")
