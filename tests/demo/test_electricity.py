"""The synthetic monthly history behind the electricity–carbon demo: its monthly CO2 truth adds up
to the demo inventory, it covers every county, sector and month, and it is reproducible."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from carbonctl.demo.electricity import SECTOR_PROCESS, demo_history, monthly_shares
from carbonctl.electricity.calendar import spring_festival
from carbonctl.electricity.schema import (
    DISPATCH_FUELS,
    OUTPUT_PRODUCTS,
    THERMAL_FUELS,
    model_sectors,
)

YEARS = range(2015, 2026)


@pytest.fixture(scope="module")
def dataset(demo_dataset):
    return demo_dataset


@pytest.fixture(scope="module")
def history(electricity_history):
    return electricity_history


def test_monthly_truth_sums_to_the_annual_inventory(history):
    monthly = history.monthly.assign(year=history.monthly["month"].str[:4].astype(int))
    sums = monthly.groupby(["county", "sector", "year"])["co2_true"].sum()
    annual = history.annual.set_index(["county", "sector", "year"])["tco2"]
    np.testing.assert_allclose(sums.loc[annual.index], annual, rtol=1e-12, atol=1e-9)


def test_annual_inventory_is_the_demo_energy_and_process_co2(dataset, history):
    energy = dataset.energy.groupby(["adcode", "year"])["tco2"].sum()
    process = dataset.process.groupby(["adcode", "year"])["tco2"].sum()
    expected = energy.add(process, fill_value=0.0)
    annual = history.annual.groupby(["county", "year"])["tco2"].sum()
    annual.index = annual.index.set_names(["adcode", "year"])
    np.testing.assert_allclose(annual.loc[expected.index], expected, rtol=1e-12)
    cement = history.annual[history.annual["sector"] == "A02.2.18"].groupby("year")["tco2"].sum()
    nonmetal = dataset.energy[dataset.energy["sector"] == "Nonmetal Mineral Products"]
    with_process = (
        nonmetal.groupby("year")["tco2"].sum() + dataset.process.groupby("year")["tco2"].sum()
    )
    np.testing.assert_allclose(cement.loc[with_process.index], with_process, rtol=1e-12)


def test_tables_cover_every_county_sector_and_month(dataset, history):
    counties = set(dataset.regions.loc[dataset.regions["level"] == "county", "adcode"])
    assert len(counties) == 117
    months = {f"{y}-{m:02d}" for y in YEARS for m in range(1, 13)}
    sectors = {s.code for s in model_sectors()}
    monthly = history.monthly
    assert len(monthly) == len(counties) * len(sectors) * len(months)
    assert set(monthly["county"]) == counties
    assert set(monthly["sector"]) == sectors
    assert set(monthly["month"]) == months
    assert not monthly.duplicated(["county", "sector", "month"]).any()
    assert set(history.counties["county"]) == counties
    assert (monthly["kwh"] >= 0).all() and (monthly["co2_true"] >= 0).all()
    # a sector that emits in a county uses electricity there
    emitting = monthly["co2_true"] > 0
    assert (monthly.loc[emitting, "kwh"] > 0).all()


def test_counties_with_power_emissions_have_thermal_plants(history):
    power = history.annual[(history.annual["sector"] == "A02.3") & (history.annual["tco2"] > 0)]
    generation = history.generation
    assert set(generation["fuel"]) <= set(DISPATCH_FUELS)
    thermal = generation[generation["fuel"].isin(THERMAL_FUELS)]
    months_with_thermal = thermal.groupby("county")["month"].nunique()
    assert (months_with_thermal.reindex(power["county"].unique()) == 12 * len(YEARS)).all()
    renewable = generation[generation["fuel"].isin(["wind", "solar"])]
    counties = history.counties["county"].nunique()
    assert 0 < renewable["county"].nunique() < counties


def test_output_indicators_follow_their_sectors(history):
    drivers = {s.driver: s.code for s in model_sectors() if s.driver in OUTPUT_PRODUCTS}
    assert set(history.output["product"]) == set(drivers)
    monthly = history.monthly.merge(history.counties, on="county")
    for product, sector in drivers.items():
        present = monthly[(monthly["sector"] == sector) & (monthly["kwh"] > 0)]["city"].unique()
        reported = history.output[history.output["product"] == product]["city"].unique()
        assert set(reported) == set(present), product


def test_magnitudes_are_plausible_for_shanxi(history):
    """Province electricity use ≈1,700 亿kWh in 2015 growing by 2025, industry the bulk of it
    (recalled magnitudes the generator is calibrated to; loose bounds)."""
    monthly = history.monthly.assign(year=history.monthly["month"].str[:4].astype(int))
    total = monthly.groupby("year")["kwh"].sum() / 1e8  # 亿kWh
    assert 1500 < total[2015] < 2000
    assert total[2025] > 1.4 * total[2015]
    industry = monthly[monthly["sector"].str.startswith("A02")].groupby("year")["kwh"].sum()
    share = industry / monthly.groupby("year")["kwh"].sum()
    assert ((share > 0.6) & (share < 0.85)).all()


def test_trends_are_electrification_of_one_to_three_percent(history):
    sectors = history.parameters.sectors
    assert set(sectors["sector"]) == {s.code for s in model_sectors()}
    assert ((sectors["trend"] >= -0.03) & (sectors["trend"] <= -0.01)).all()
    assert (sectors["sigma"] > 0).all()  # the noise is real
    coefficients = history.parameters.coefficients
    assert len(coefficients) == 117 * len(SECTOR_PROCESS)
    assert (coefficients["k0"] > 0).all()


def test_monthly_shares_dip_in_the_spring_festival_month():
    """Construction stops over the holiday: January's share is much lower in 2023 (正月初一 on
    22 January) than in 2024 (10 February), although 2024, a leap year, has one day more."""
    assert spring_festival(2023).month == 1 and spring_festival(2024).month == 2
    shares = monthly_shares(list(YEARS))
    np.testing.assert_allclose(shares.sum(axis=2), 1.0, rtol=1e-12)
    construction = list(SECTOR_PROCESS).index("A03")
    january_2023 = shares[construction, YEARS.index(2023), 0]
    january_2024 = shares[construction, YEARS.index(2024), 0]
    assert january_2023 < 0.8 * january_2024
    transport = list(SECTOR_PROCESS).index("A04")  # travel rush: more, not less
    assert shares[transport, YEARS.index(2023), 0] > shares[transport, YEARS.index(2024), 0]


def test_history_is_deterministic_and_the_seed_matters(dataset, history):
    again = demo_history(dataset)
    pd.testing.assert_frame_equal(again.monthly, history.monthly)
    pd.testing.assert_frame_equal(again.generation, history.generation)
    pd.testing.assert_frame_equal(again.output, history.output)
    other = demo_history(dataset, seed=7)
    pd.testing.assert_frame_equal(other.annual, history.annual)
    assert not np.allclose(other.monthly["kwh"], history.monthly["kwh"])
