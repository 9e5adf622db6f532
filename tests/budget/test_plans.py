"""Five-year plans: the 14th and 15th as the reference table gives them, and the plan of a year."""

from __future__ import annotations

import pytest

from carbonctl import refdata
from carbonctl.budget import DEFAULT_PLAN, find_plan, plan_of_year
from carbonctl.errors import InputError, UnknownNameError


def test_the_15th_plan_is_the_default_and_runs_2026_to_2030_on_base_year_2025():
    plan = find_plan(DEFAULT_PLAN)
    assert (plan.plan, plan.base_year, list(plan.years)) == ("15th", 2025, list(range(2026, 2031)))
    assert plan.co2_intensity_target == 0.17  # targets.csv, CONFIRMED
    assert refdata.status_label(plan.status) == "CONFIRMED"


def test_the_14th_plan_runs_2021_to_2025_on_base_year_2020_with_the_18_percent_target():
    plan = find_plan("14th")
    assert (plan.base_year, plan.first_year, plan.last_year) == (2020, 2021, 2025)
    assert plan.co2_intensity_target == 0.18


@pytest.mark.parametrize(("year", "plan"), [(2021, "14th"), (2025, "14th"), (2026, "15th")])
def test_a_year_belongs_to_the_plan_whose_five_years_contain_it(year, plan):
    assert plan_of_year(year).plan == plan


def test_a_year_outside_every_plan_and_an_unknown_plan_are_refused():
    with pytest.raises(InputError, match="2031 is in no known five-year plan"):
        plan_of_year(2031)
    with pytest.raises(UnknownNameError, match="'16th'"):
        find_plan("16th")
