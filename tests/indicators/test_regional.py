"""Per-region indicators from platform figures, the coal column of the fuel catalogue, and the
plan defaults the web takes from the cited 15th-plan target."""

from __future__ import annotations

import pandas as pd
import pytest

from carbonctl import refdata
from carbonctl.errors import InputError
from carbonctl.indicators import (
    coal_fuel_names,
    default_target,
    persons,
    project_gdp,
    regional_indicators,
)


def test_population_in_wan_ren_is_ten_thousand_persons():
    assert persons(pd.Series([1.5]), "万人").iloc[0] == pytest.approx(15_000)
    assert persons(pd.Series([7.0]), "人").iloc[0] == 7.0
    with pytest.raises(InputError, match="population unit"):
        persons(pd.Series([1.0]), "千人")


def test_gdp_is_projected_over_the_five_years_of_a_plan():
    assert project_gdp(pd.Series([100.0]), 0.05).iloc[0] == pytest.approx(100 * 1.05**5)
    assert project_gdp(pd.Series([100.0]), 0.05, years=1).iloc[0] == pytest.approx(105.0)


def test_indicators_do_not_depend_on_the_gdp_unit():
    in_yi = pd.DataFrame(
        {"population": [100.0], "gdp_constant": [2.0], "co2_tco2": [5e5], "coal_tco2": [1e5]}
    )
    in_wan = in_yi.assign(gdp_constant=2.0e4)
    a = regional_indicators(in_yi, gdp_unit="亿元")
    b = regional_indicators(in_wan, gdp_unit="万元")
    for column in ("gdp_per_capita", "carbon_intensity", "co2_per_capita", "non_coal_share"):
        assert a[column].iloc[0] == pytest.approx(b[column].iloc[0])
    assert a["carbon_intensity"].iloc[0] == pytest.approx(25.0)  # 5e5 t / 2e4 万元
    assert a["non_coal_share"].iloc[0] == pytest.approx(0.8)


def test_coal_is_the_solid_coal_groups_of_the_fuel_catalogue():
    fuels = refdata.load_table("fuels")
    coal = set(fuels.loc[fuels["coal"] == "yes", "ceads_group"])
    assert coal == {"Raw_Coal", "Cleaned_Coal", "Other_Washed_Coal", "Briquettes", "Coke"}
    assert set(fuels["coal"]) == {"yes", "no"}
    assert fuels.loc[fuels["coal"] == "yes", "source"].str.contains("COAL_GROUPS").all()
    names = coal_fuel_names()
    assert {"原煤", "Raw_Coal", "焦炭", "coke"} <= names
    assert not {"焦炉煤气", "天然气", "Natural_Gas"} & names


def test_the_default_plan_is_the_cited_15th_plan():
    plan = default_target()
    assert (plan.plan, plan.base_year, plan.intensity_reduction) == ("15th FYP", 2025, 0.17)
    assert plan.status == "CONFIRMED"
