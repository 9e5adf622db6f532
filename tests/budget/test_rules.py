"""Budget rules: annual budgets on the plan's intensity path, hand-computed from the published
schedule, the five-year budget as their sum, absolute caps, projected GDP and bad input."""

from __future__ import annotations

import math

import pytest

from carbonctl.budget import (
    AbsoluteCap,
    IntensityPath,
    annual_budget,
    budget_path,
    plan_budget,
    project_gdp,
)
from carbonctl.errors import InputError
from carbonctl.indicators import required_cumulative

#: progress_schedule.csv, national_15FYP_CO2_intensity (R = 17 %): required cumulative reduction
#: by the end of plan years 1..5, as published to six decimals.
PUBLISHED_15TH = {2026: 0.03658, 2027: 0.071822, 2028: 0.105775, 2029: 0.138486, 2030: 0.17}


def test_the_first_year_budget_is_hand_computed_from_the_published_schedule():
    # E_2025 = 1000 tCO2 on GDP 100 (I_b = 10 tCO2 per unit); GDP 2026 = 105:
    # budget = 10 × (1 − 0.03658) × 105 = 1011.591
    budget = annual_budget(1000.0, 100.0, 105.0, 0.17, 2025, 2026)
    assert budget == pytest.approx(1011.591, abs=1050 * 5e-7)
    assert budget == pytest.approx(10 * 0.83**0.2 * 105, rel=1e-14)


def test_every_year_of_the_15th_plan_follows_the_published_path():
    gdp = project_gdp(100.0, 0.05, "15th")
    path = budget_path(IntensityPath("15th", 0.17, 1000.0, 100.0), gdp)
    assert path["year"].tolist() == list(PUBLISHED_15TH)
    for row in path.itertuples(index=False):
        assert row.gdp == pytest.approx(100 * 1.05 ** (row.year - 2025), rel=1e-14)
        hand = 10 * (1 - PUBLISHED_15TH[row.year]) * row.gdp
        assert row.budget_tco2 == pytest.approx(hand, abs=10 * row.gdp * 5e-7)
        assert row.intensity_limit == pytest.approx(10 * (1 - PUBLISHED_15TH[row.year]), abs=5e-6)


def test_a_region_emitting_its_budget_meets_the_schedule_every_year():
    rule = IntensityPath("15th", 0.17, 2.4e8, 2.5e4)
    gdp = project_gdp(
        2.5e4, {2026: 0.05, 2027: 0.048, 2028: 0.046, 2029: 0.045, 2030: 0.04}, "15th"
    )
    for row in budget_path(rule, gdp).itertuples(index=False):
        achieved = 1 - row.intensity_limit / rule.intensity_base
        assert achieved == pytest.approx(required_cumulative(0.17, row.year - 2025), rel=1e-12)
    # in the plan's last year intensity is exactly 17 % below the base year's
    assert budget_path(rule, gdp)["intensity_limit"].iloc[-1] == pytest.approx(0.83 * 9600)


def test_the_five_year_budget_is_the_sum_of_the_annual_ones():
    rule = IntensityPath("15th", 0.17, 1000.0, 100.0)
    flat = project_gdp(100.0, 0.0, "15th")
    expected = 1000 * sum(0.83 ** (t / 5) for t in range(1, 6))
    assert plan_budget(rule, flat) == pytest.approx(expected, rel=1e-14)
    # by hand from the published schedule: 1000 × (5 − 0.522663) = 4477.337
    assert plan_budget(rule, flat) == pytest.approx(
        1000 * (5 - sum(PUBLISHED_15TH.values())), abs=5 * 1000 * 5e-7
    )
    cap = AbsoluteCap("15th", {2026: 300.0, 2027: 295.0, 2028: 290.0, 2029: 285.0, 2030: 280.0})
    assert plan_budget(cap) == 1450.0
    assert budget_path(cap)["budget_tco2"].tolist() == [300.0, 295.0, 290.0, 285.0, 280.0]


def test_the_14th_plan_uses_its_own_base_year():
    path = budget_path(IntensityPath("14th", 0.18, 1000.0, 100.0), project_gdp(100.0, 0.0, "14th"))
    assert path["year"].tolist() == [2021, 2022, 2023, 2024, 2025]
    assert path["budget_tco2"].iloc[-1] == pytest.approx(820.0)  # −18 % by 2025 at flat GDP


def test_base_emissions_enter_in_any_co2_mass_unit():
    rule = IntensityPath.of("15th", 0.17, 24_000, 2.5e4, unit="万tCO2")
    assert rule.base_emissions_tco2 == 2.4e8
    assert rule.intensity_base == 9600.0


@pytest.mark.parametrize(
    ("call", "text"),
    [
        (lambda: annual_budget(1000, 100, 105, 17, 2025, 2026), "give a fraction"),
        (lambda: annual_budget(1000, 100, 105, 0.17, 2025, 2031), "outside the five-year plan"),
        (lambda: annual_budget(1000, 0, 105, 0.17, 2025, 2026), "base_gdp 0 is not greater"),
        (lambda: annual_budget(math.nan, 100, 105, 0.17, 2025, 2026), "not a finite number"),
        (lambda: project_gdp(100, 5, "15th"), None),
        (lambda: project_gdp(100, -1.0, "15th"), "−100 % or less"),
        (lambda: project_gdp(100, {2026: 0.05}, "15th"), "growth rate of 2027 None"),
        (lambda: budget_path(IntensityPath("15th", 0.17, 1000, 100)), "needs the projected GDP"),
        (
            lambda: budget_path(IntensityPath("15th", 0.17, 1000, 100), {2026: 1}),
            "no projected GDP for 2027",
        ),
        (lambda: budget_path(AbsoluteCap("15th", {2026: 1.0})), "no cap for 2027"),
        (
            lambda: budget_path(AbsoluteCap("15th", dict.fromkeys(range(2026, 2031), -1.0))),
            "not a number ≥ 0",
        ),
    ],
)
def test_bad_rule_input_is_refused_with_a_clear_error(call, text):
    if text is None:  # 5 (500 %) a year is allowed though odd: the rule checks only > −100 %
        assert call()[2030] == pytest.approx(100 * 6**5)
        return
    with pytest.raises(InputError, match=text):
        call()
