"""A region's inventory shaped for reading: the sector × fuel matrix grouped by key industry
keeps every tonne (subtotals, column totals, grand total), the trend keeps the largest key
industries and gathers the rest, a figure's regions add up to it, and the default factor behind
a fuel is the one the accounting uses."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carbonctl import refdata
from carbonctl.accounting.inventory import ceads_sectors
from carbonctl.accounting.matrix import (
    OTHERS,
    breakdown,
    default_factor,
    fuel_order,
    key_industry_trend,
    sector_fuel_matrix,
)
from carbonctl.errors import InputError, UnknownNameError

STEEL = "Smelting and Pressing of Ferrous Metals"
STEEL_MINING = "Ferrous Metals Mining and Dressing"
POWER = "Production and Supply of Electric Power, Steam and Hot Water"


def _cells(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["sector", "fuel", "tco2"])


def test_sectors_are_grouped_by_their_key_industry_largest_first():
    cells = _cells(
        [
            (STEEL, "焦炭", 300.0),
            (STEEL, "原煤", 10.0),
            (STEEL_MINING, "柴油", 5.0),
            (POWER, "原煤", 200.0),
            (POWER, "天然气", 20.0),
            (POWER, "焦炭", 0.0),  # nothing burnt: no cell
            (STEEL, "原煤", 2.0),  # a second row of one cell is added
        ]
    )
    matrix = sector_fuel_matrix(cells)
    keys = ceads_sectors().set_index("sector")["key_industry"]
    assert [g.key_industry for g in matrix.groups] == [keys[STEEL], keys[POWER]]
    steel = matrix.groups[0]
    assert [s.sector for s in steel.sectors] == [STEEL, STEEL_MINING]
    # columns in the CEADs order, only fuels with any emission
    assert matrix.fuels == ("原煤", "焦炭", "柴油", "天然气")
    assert steel.sectors[0].values == (12.0, 300.0, None, None)
    assert steel.values == (12.0, 300.0, 5.0, None)
    assert steel.total == 317.0
    assert matrix.fuel_totals == (212.0, 300.0, 5.0, 20.0)
    assert matrix.total == 537.0


def test_a_sector_the_layout_does_not_map_is_in_the_ungrouped_group():
    matrix = sector_fuel_matrix(
        _cells([("Somewhere new", "原煤", 1.0), (STEEL, "原煤", 2.0)]), {STEEL: "钢铁 steel"}
    )
    assert [(g.key_industry, g.total) for g in matrix.groups] == [("钢铁 steel", 2.0), ("", 1.0)]


def test_cells_without_the_columns_are_refused_by_name():
    with pytest.raises(InputError, match="tco2"):
        sector_fuel_matrix(pd.DataFrame({"sector": ["x"], "fuel": ["原煤"]}))


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([STEEL, STEEL_MINING, POWER, "Nonmetal Mineral Products", "Urban"]),
            st.sampled_from(["原煤", "焦炭", "天然气", "Process", "柴油"]),
            st.floats(0.0, 1e7, allow_nan=False),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_every_tonne_is_in_one_sector_one_group_and_the_totals(rows):
    matrix = sector_fuel_matrix(_cells(rows))
    total = sum(r[2] for r in rows)
    assert math.isclose(matrix.total, total, rel_tol=1e-9, abs_tol=1e-6)
    assert math.isclose(sum(g.total for g in matrix.groups), total, rel_tol=1e-9, abs_tol=1e-6)
    assert math.isclose(sum(matrix.fuel_totals), total, rel_tol=1e-9, abs_tol=1e-6)
    for group in matrix.groups:
        assert math.isclose(
            group.total, sum(s.total for s in group.sectors), rel_tol=1e-9, abs_tol=1e-6
        )
        for column, subtotal in enumerate(group.values):
            summed = sum(s.values[column] or 0.0 for s in group.sectors)
            assert math.isclose(subtotal or 0.0, summed, rel_tol=1e-9, abs_tol=1e-6)


def test_fuels_follow_the_ceads_columns_with_process_last():
    assert fuel_order(["Process", "天然气", "某种新燃料", "焦炭", "Raw_Coal", "洗精煤"]) == [
        "Raw_Coal",
        "洗精煤",
        "焦炭",
        "天然气",
        "Process",
        "某种新燃料",
    ]


def test_the_trend_keeps_the_largest_key_industries_and_adds_up_the_rest():
    totals = pd.DataFrame(
        [
            (2020, "钢铁 steel", 50.0),
            (2020, "电力热力 power & heat", 60.0),
            (2020, "化工 chemicals", 5.0),
            (2020, "农业 agriculture", 1.0),
            (2021, "钢铁 steel", 70.0),  # the latest year decides the order
            (2021, "电力热力 power & heat", 65.0),
            (2021, "化工 chemicals", 4.0),
            (2021, "农业 agriculture", 2.0),
        ],
        columns=["year", "key_industry", "tco2"],
    )
    trend = key_industry_trend(totals, top=2)
    assert trend.years == (2020, 2021)
    assert [s.key for s in trend.series] == ["钢铁 steel", "电力热力 power & heat", OTHERS]
    assert trend.series[2].values == (6.0, 6.0)
    for position, year in enumerate(trend.years):
        assert sum(s.values[position] for s in trend.series) == pytest.approx(
            totals.loc[totals["year"] == year, "tco2"].sum()
        )
    assert [s.key for s in key_industry_trend(totals, top=4).series][-1] != OTHERS
    assert key_industry_trend(totals.iloc[:0]).series == ()


def test_a_figure_breaks_down_into_its_regions_with_shares():
    cells = pd.DataFrame(
        {
            "region": ["140105", "140106", "140121"],
            "amount": [100.0, 300.0, 100.0],
            "unit": ["t", "t", "t"],
            "tco2": [280.0, 840.0, 280.0],
        }
    )
    figure = breakdown(cells)
    assert [r.region for r in figure.rows] == ["140106", "140105", "140121"]
    assert figure.tco2 == 1400.0
    assert sum(r.share for r in figure.rows) == pytest.approx(1.0)
    assert figure.rows[0].share == pytest.approx(0.6)
    assert (figure.amount, figure.unit, figure.implied_factor) == (500.0, "t", 2.8)
    mixed = breakdown(cells.assign(unit=["t", "万t", "t"]))
    assert (mixed.amount, mixed.unit, mixed.implied_factor) == (None, None, None)


def test_the_default_factor_is_what_the_accounting_uses_for_one_unit():
    coke = default_factor("焦炭", "GB/T 32150-2015")
    row = refdata.fuel_factors("GB/T 32150-2015").loc["coke"]
    assert (coke.ncv, coke.carbon_content, coke.oxidation_rate) == (
        row["ncv_GJ_per_unit"],
        row["cc_tC_per_GJ"],
        row["oxidation_rate"],
    )
    # E = AD × NCV × CC × OF × 44/12 with AD = 1 t
    expected = row["ncv_GJ_per_unit"] * row["cc_tC_per_GJ"] * row["oxidation_rate"] * 44 / 12
    assert coke.emission_factor == pytest.approx(expected)
    assert coke.factor_unit == "tCO2/t"
    assert (coke.status, coke.source) == (row["status"], row["source"])
    assert coke.missing == () and not coke.process
    gas = default_factor("Natural_Gas", "GB/T 32150-2015")
    assert gas.factor_unit == "tCO2/10^4 Nm3" and gas.activity_unit == "10^4 Nm3"


def test_a_fuel_without_defaults_names_what_the_set_lacks():
    raw = default_factor("原煤", "GB/T 32150-2015")
    assert raw.missing == ("ncv", "carbon_content", "oxidation_rate")
    assert raw.emission_factor is None


def test_the_process_column_is_the_cement_factor_the_inventory_uses():
    cement = default_factor("Process")
    value, status, source = refdata.process_factor(
        "cement (CEADs)", "水泥 cement output (province inventory)"
    )
    assert (cement.emission_factor, cement.status, cement.source) == (value, status, source)
    assert cement.process and cement.factor_unit == "tCO2/t cement"


def test_an_unknown_fuel_is_refused_with_suggestions():
    with pytest.raises(UnknownNameError):
        default_factor("某种新燃料")
