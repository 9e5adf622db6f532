"""The method registry (targets.METHODS), the side-by-side comparison as a long table, and the
allocation table built from a platform's figures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from carbonctl.errors import InputError, InputErrors
from carbonctl.targets import (
    BASE_COLUMNS,
    DEA_INPUT_COLUMNS,
    METHODS,
    allocate,
    allocation_table,
    compare,
    county_methods,
    method_summary,
    pivot,
    workbench_methods,
)

FIGURES = pd.DataFrame(
    {
        "region": ["140200", "140100", "140300", "140400"],
        "population": [310.0, 530.0, 140.0, 0.0],  # 万人; the last region has no population
        "gdp_constant": [1200.0, 5000.0, 900.0, 800.0],  # 亿元, constant prices
        "co2_tco2": [9.0e7, 1.2e8, 4.0e7, 3.0e7],
        "coal_tco2": [6.3e7, 7.2e7, None, 2.0e7],
    }
)


@pytest.mark.parametrize("name", list(METHODS))
def test_every_method_is_labelled_in_chinese_and_english_and_names_its_inputs(name):
    method = METHODS[name]
    assert method.name == name and method.cli_name == name.replace("_", "-")
    assert method.label_zh and method.label_en
    assert set(BASE_COLUMNS) <= set(method.inputs)


def test_the_workbench_runs_what_the_platform_has_data_for():
    # ZSG-DEA needs labour and capital stock, the weighted index weights a person sets
    assert set(DEA_INPUT_COLUMNS) <= set(METHODS["zsg_dea"].inputs)
    assert workbench_methods() == ("equal", "grandfather", "per_capita", "gdp", "entropy_index")
    assert county_methods() == ("equal", "grandfather", "per_capita", "gdp")


def test_an_unknown_method_is_refused_with_the_registry_named():
    with pytest.raises(InputErrors, match="zsg_dea"):
        allocate("nope", allocation_table(FIGURES, 0.05), 0.17)


def test_the_allocation_table_converts_units_and_projects_five_years():
    table = allocation_table(FIGURES, 0.05)
    assert table["region"].tolist() == ["140100", "140200", "140300"]  # sorted, 140400 left out
    taiyuan = table.iloc[0]
    assert taiyuan["population"] == pytest.approx(530.0e4)
    assert taiyuan["gdp_base"] == 5000.0
    assert taiyuan["gdp_target"] == pytest.approx(5000.0 * 1.05**5)
    # 1.2e8 t over 5000 亿元 = 5e7 万元: 2.4 t per 万元
    assert taiyuan["carbon_intensity"] == pytest.approx(2.4)
    # 5000 亿元 = 5e11 yuan over 5.3e6 persons
    assert taiyuan["gdp_per_capita"] == pytest.approx(5e11 / 5.3e6)
    assert taiyuan["co2_per_capita"] == pytest.approx(1.2e8 / 5.3e6)
    assert taiyuan["non_coal_share"] == pytest.approx(0.4)
    assert table.iloc[2]["non_coal_share"] == 1.0  # no coal cells: all CO2 is non-coal


def test_an_allocation_table_without_any_complete_region_says_which_figures():
    with pytest.raises(InputError, match="city figures for 2010"):
        allocation_table(FIGURES.assign(co2_tco2=np.nan), 0.05, where="city figures for 2010")


def test_compare_is_long_one_row_per_region_and_method():
    table = allocation_table(FIGURES, 0.05)
    long = compare(table, 0.17, ["equal", "gdp", "zsg_dea", "nope"])
    assert len(long) == 3 * 4
    assert long["method"].drop_duplicates().tolist() == ["equal", "gdp", "zsg_dea", "nope"]
    served = long[long["error"].isna()]
    assert set(served["method"]) == {"equal", "gdp"}
    assert np.allclose(served["achieved"], 0.17)
    errors = method_summary(long).set_index("method")["error"]
    assert "labor" in errors["zsg_dea"] and "nope" in errors["nope"]
    assert long[long["method"] == "zsg_dea"]["reduction"].isna().all()
    wide = pivot(long)
    assert list(wide.columns) == ["equal", "gdp"] and list(wide.index) == list(table["region"])
    equal = allocate("equal", table, 0.17).regions.set_index("region")["reduction"]
    pd.testing.assert_series_equal(wide["equal"], equal, check_names=False)


def test_an_infeasible_method_is_data_not_an_exception():
    table = allocation_table(FIGURES, 0.05)
    long = compare(table, 0.95)
    assert set(long["method"]) == set(workbench_methods())
    assert long["error"].notna().any()
    assert long[long["error"].notna()]["reduction"].isna().all()


def test_compare_uses_the_packaged_burden_indicators_for_the_entropy_index():
    table = allocation_table(FIGURES, 0.05)
    long = compare(table, 0.17, ["entropy_index"])
    assert long["error"].isna().all()
    assert long["label_zh"].iloc[0] == METHODS["entropy_index"].label_zh
