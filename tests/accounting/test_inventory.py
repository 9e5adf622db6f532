"""The CEADs-layout regional inventory: the demo's 2019 quantities (back-calculated from CEADs)
must give back the published CEADs Shanxi 2019 matrix and the key-industry split."""

from __future__ import annotations

import pandas as pd
import pytest

from carbonctl import refdata
from carbonctl.accounting.inventory import ceads_fuels, ceads_sectors, inventory
from carbonctl.demo import INVENTORY, demo_file


@pytest.fixture(scope="module")
def shanxi_2019():
    table = pd.read_csv(demo_file(INVENTORY), dtype={"period": str})
    return inventory(table, factor_set="GB/T 32150-2015")


def test_layout_has_17_fuels_and_47_sectors():
    assert len(ceads_fuels()) == 17
    sectors = ceads_sectors()
    assert list(sectors["index"]) == list(range(1, 48))
    assert (sectors["key_industry"] != "").all()


def test_matrix_reproduces_ceads_2019_cell_by_cell(shanxi_2019, data_dir):
    ceads = pd.read_csv(data_dir / "ceads_shanxi_2019_sector_by_fuel_MtCO2.csv")
    ceads = ceads[ceads["sector"] != "TotalEmissions"].set_index("sector")
    matrix = shanxi_2019.matrix().set_index("sector")
    assert list(matrix.index) == list(ceads.index)
    columns = [*ceads_fuels(), "Process", "Scope_1_Total"]
    # quantities were rounded to 0.001 t or 10^4 Nm3: agreement to 1e-6 Mt per cell
    pd.testing.assert_frame_equal(
        matrix[columns] / 1e6,
        ceads[columns],
        check_exact=False,
        atol=1e-5,
        check_dtype=False,
        check_names=False,
    )


def test_total_matches_the_published_2019_total(shanxi_2019, data_dir):
    totals = pd.read_csv(data_dir / "ceads_shanxi_totals_1998_2022_MtCO2.csv").set_index("year")
    assert shanxi_2019.total_tco2 / 1e6 == pytest.approx(totals.loc[2019, "total_MtCO2"], abs=1e-3)


def test_non_energy_use_is_excluded(shanxi_2019):
    excluded = shanxi_2019.rows[shanxi_2019.rows["excluded"]]
    assert len(excluded) == 1
    assert excluded.iloc[0]["tco2"] == 0.0
    assert shanxi_2019.summary()["excluded_non_energy_rows"] == 1


def test_key_industry_rollup_matches_the_published_2019_split(shanxi_2019):
    published = refdata.load_table("ceads_shanxi_key_industries")
    published = published[published["year"] == "2019"].set_index("key_industry")["co2_Mt"]
    ours = shanxi_2019.by_key_industry().set_index("key_industry")["tco2"] / 1e6
    assert set(ours.index) == set(published.index)
    for industry, value in published.items():
        assert ours[industry] == pytest.approx(float(value), abs=1e-3), industry


def test_fuels_outside_the_17_land_in_their_ceads_group():
    table = pd.DataFrame(
        [
            {
                "region": "山西省",
                "period": "2023",
                "sector": "Smelting and Pressing of Ferrous Metals",
                "fuel": "高炉煤气",
                "amount": 10,
                "unit": "万Nm3",
            },
            {
                "region": "山西省",
                "period": "2023",
                "sector": "Smelting and Pressing of Ferrous Metals",
                "fuel": "烟煤",
                "amount": 100,
                "unit": "t",
            },
        ]
    )
    rows = inventory(table).rows
    assert list(rows["ceads_column"]) == ["Other_Gas", "Raw_Coal"]
    assert rows["key_industry"].str.contains("钢铁").all()
