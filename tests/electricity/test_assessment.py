"""A year's assessment on the demo: reconciliation to the inventory, roll-ups, daily figures."""

from __future__ import annotations

import pandas as pd
import pytest

from carbonctl.electricity.assessment import assess_year, daily_figures, daily_power
from carbonctl.errors import InputError


def test_previous_year_is_reconciled_to_its_inventory_exactly(
    electricity_2025, electricity_history
):
    previous = electricity_2025.previous
    annual = electricity_history.annual.query("year == 2024")
    months = previous[(previous["kind"] == "month") & (previous["level"] == "county")]
    by_cell = months[months["sector"] != "ALL"].groupby(["region", "sector"])["tco2"].sum()
    expected = annual.set_index(["county", "sector"])["tco2"]
    pd.testing.assert_series_equal(
        by_cell.sort_index(),
        expected.rename_axis(["region", "sector"]).sort_index(),
        check_names=False,
        rtol=1e-9,
    )
    december = previous.query("kind == 'ytd' and level == 'province' and sector == 'ALL'")
    assert december.sort_values("month")["tco2"].iloc[-1] == pytest.approx(annual["tco2"].sum())


def test_roll_ups_add_up(electricity_2025):
    march = electricity_2025.current.query("month == '2025-03' and kind == 'month'")
    county = march.query("level == 'county' and sector == 'ALL'")["tco2"].sum()
    city = march.query("level == 'city' and sector == 'ALL'")["tco2"].sum()
    province = march.query("level == 'province' and sector == 'ALL'")["tco2"].iloc[0]
    assert county == pytest.approx(province, rel=1e-9) and city == pytest.approx(province, rel=1e-9)
    assert (march["lo"] <= march["tco2"]).all() and (march["tco2"] <= march["hi"]).all()


def test_one_bulletin_per_city_and_month(electricity_2025):
    bulletins = electricity_2025.bulletins
    assert len(bulletins) == 11 * 12
    assert {b.month for b in bulletins} == set(electricity_2025.months)
    march = [b for b in bulletins if b.month == "2025-03"]
    current = electricity_2025.current.query(
        "month == '2025-03' and kind == 'month' and level == 'city' and sector == 'ALL'"
    ).set_index("region")["tco2"]
    assert {b.city: b.tco2 for b in march} == pytest.approx(current.to_dict())


def test_daily_figures_follow_the_coefficients(electricity_2025):
    day = pd.DataFrame(
        {
            "county": ["140105", "140105", "140212"],
            "industry": ["A02.2.19", "A02.3", "B1"],
            "day": pd.to_datetime(["2025-12-01"] * 3).date,
            "kwh": [1e6, 2e6, 5e5],
            "n_readings": [10, 10, 10],
            "n_flagged": [1, 0, 0],
        }
    )
    cities = {"140105": "140100", "140212": "140200"}
    figures = daily_figures(electricity_2025.model, day, cities).set_index(
        ["level", "region", "sector"]
    )
    k = electricity_2025.model.coefficients.set_index(["county", "sector"])["k"]
    steel = figures.loc[("county", "140105", "A02.2.19"), "tco2"]
    assert steel == pytest.approx(1e6 * k[("140105", "A02.2.19")], rel=0.1)  # k moved by the trend
    assert figures.loc[("county", "140105", "A02.3"), "tco2"] == 0.0  # generation side
    province = figures.loc[("province", "140000", "ALL")]
    assert province["kwh"] == 3.5e6 and province["n_flagged"] == 1


def test_a_year_without_two_earlier_inventories_is_refused(electricity_history):
    with pytest.raises(InputError, match="2015"):
        assess_year(electricity_history.inputs, 2016)


def test_daily_power_adds_up_to_the_monthly_nowcast(demo_electricity):
    days = demo_electricity.days
    power = days[(days["level"] == "province") & (days["sector"] == "A02.3")]
    by_month = power.groupby(power["day"].map(lambda d: f"{d.year}-{d.month:02d}"))["tco2"].sum()
    nowcast = demo_electricity.assessment.current.query(
        "level == 'province' and sector == 'A02.3' and kind == 'month' and month >= '2025-10'"
    ).set_index("month")["tco2"]
    # the same coefficients, driven by each day's thermal share instead of the month's
    assert by_month.to_dict() == pytest.approx(nowcast.to_dict(), rel=0.01)
    generation = demo_electricity.generation_day
    monthly = demo_electricity.history.generation.query("'2025-10' <= month <= '2025-12'")
    assert generation["mwh"].sum() == pytest.approx(monthly["mwh"].sum(), rel=1e-9)


def test_a_day_without_thermal_generation_emits_nothing(electricity_2025):
    model = electricity_2025.model
    county = model.coefficients.query("sector == 'A02.3' and k > 0")["county"].iloc[0]
    day = pd.Timestamp("2025-11-02").date()
    generation = pd.DataFrame(
        {
            "county": [county, county, "140105"],
            "day": [day, day, day],
            "fuel": ["wind", "solar", "coal"],
            "mwh": [500.0, 200.0, 0.0],
        }
    )
    power = daily_power(model, generation).set_index("county")
    assert power.loc[county, "kwh"] == 700_000.0 and power.loc[county, "tco2"] == 0.0
    coal = generation.assign(fuel=["coal", "coal", "coal"])
    k = model.coefficients.set_index(["county", "sector"]).loc[(county, "A02.3"), "k"]
    burnt = daily_power(model, coal).set_index("county").loc[county]
    assert 0.5 * k * 700_000 < burnt["tco2"] < 2 * k * 700_000
