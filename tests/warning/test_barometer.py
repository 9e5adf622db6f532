"""The carbon barometer (碳排放晴雨表): levels at and around each threshold, hand-computed cases,
published figures, and invariants (hypothesis)."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carbonctl.errors import InputError
from carbonctl.warning import (
    BAROMETER_COLUMNS,
    Level,
    barometer_grade,
    evaluate,
    find_rule,
)

DATA = Path(__file__).parents[1] / "data"


def grade(intensity, *, previous=None, base=1.0, target=0.17, t=2, **rule):
    """The barometer with base year 2025, year 2025 + t; previous defaults to no rise."""
    if previous is None:
        previous = max(intensity, base)
    return barometer_grade(target, 2025, 2025 + t, base, previous, intensity, **rule)


# --- hand-computed from the formula -----------------------------------------------------------


def test_required_and_achieved_follow_the_formula():
    # R = 17 %, t = 2: required = 1 − 0.83^(2/5) = 0.0718221 (progress_schedule.csv: 0.071822)
    g = grade(0.95, previous=0.97, base=1.0)
    assert g.required == pytest.approx(1 - 0.83**0.4, rel=1e-15)
    assert g.required == pytest.approx(0.071822, abs=5e-7)
    assert g.achieved == pytest.approx(0.05, rel=1e-12)
    assert g.gap == pytest.approx(0.0218221, abs=5e-8)
    assert g.gap_limit == pytest.approx(0.00718221, abs=5e-9)
    assert g.rise == pytest.approx(0.95 / 0.97 - 1)


@pytest.mark.parametrize(
    ("intensity", "level", "findings"),
    [
        (0.95, Level.RED, ("behind_far",)),  # gap 2.18 pp > 0.72 pp (10 % of 7.18 %)
        (0.93, Level.YELLOW, ("behind",)),  # gap 0.18 pp ≤ 0.72 pp
        (0.92, Level.GREEN, ("on_track",)),  # 8 % ≥ 7.18 %
    ],
)
def test_hand_computed_levels_at_17_percent_in_the_second_year(intensity, level, findings):
    g = grade(intensity, previous=0.97)
    assert (g.level, g.findings) == (level, findings)


# --- the 10 % red threshold ---------------------------------------------------------------------


def test_gap_of_exactly_10_percent_of_required_is_yellow_despite_floating_point():
    # R = 10 %, last year of the plan: required is 0.1 (0.09999999999999998 in floats) and
    # I_t = 0.91 gives achieved 0.09: the gap is 10 % of required, which is not "more than 10 %".
    g = grade(0.91, previous=0.95, target=0.1, t=5)
    assert g.gap > g.gap_limit  # in raw floats it would have been red
    assert g.level is Level.YELLOW
    assert g.findings == ("behind",)


def test_the_issues_float_example_is_not_more_than_10_percent():
    assert 0.1 - 0.09 > 0.1 * 0.1  # 0.010000000000000009 > 0.010000000000000002
    g = grade(0.91, previous=0.95, target=0.1, t=5)
    assert g.level is Level.YELLOW


def test_gap_just_above_10_percent_of_required_is_red():
    g = grade(0.91 + 1e-6, previous=0.95, target=0.1, t=5)
    assert g.level is Level.RED
    assert g.findings == ("behind_far",)


def test_gap_just_below_10_percent_of_required_is_yellow():
    g = grade(0.91 - 1e-6, previous=0.95, target=0.1, t=5)
    assert g.level is Level.YELLOW


# --- required == achieved ----------------------------------------------------------------------


@pytest.mark.parametrize("base", [1.0, 1.2, 0.3, 7.77, 0.0123, 2.5e3])
def test_achieved_equal_to_required_is_green(base):
    required = 1 - 0.83 ** (3 / 5)
    # I_t / I_b = 0.83^(3/5) up to the last bit of floating point, whatever the base.
    g = grade(base * 0.83 ** (3 / 5), previous=base, base=base, t=3)
    assert math.isclose(g.achieved, required, rel_tol=1e-12)
    assert g.level is Level.GREEN
    assert g.findings == ("on_track",)


def test_achieved_just_below_required_is_yellow():
    g = grade(0.83 ** (3 / 5) * (1 + 1e-7), previous=1.0, t=3)
    assert g.level is Level.YELLOW


# --- year-on-year rise ---------------------------------------------------------------------------


def test_intensity_equal_to_the_previous_year_is_not_a_rise():
    g = grade(0.92, previous=0.92)
    assert g.level is Level.GREEN
    assert "rose" not in g.findings


def test_a_rise_within_floating_point_noise_is_not_a_rise():
    g = grade(0.92 * (1 + 1e-12), previous=0.92)
    assert g.level is Level.GREEN


def test_a_rise_of_one_in_a_million_is_red():
    g = grade(0.92 * (1 + 1e-6), previous=0.92)
    assert g.level is Level.RED
    assert g.findings == ("rose", "on_track")


def test_red_wins_when_intensity_rose_while_ahead_of_schedule():
    # 8 % achieved against 7.18 % required (green on the schedule), but 0.92 > 0.90: red.
    g = grade(0.92, previous=0.90)
    assert g.achieved > g.required
    assert g.level is Level.RED
    assert g.findings == ("rose", "on_track")


def test_a_rise_and_a_far_gap_are_both_reported():
    g = grade(0.99, previous=0.98)
    assert g.level is Level.RED
    assert g.findings == ("rose", "behind_far")


# --- the base year -------------------------------------------------------------------------------


def test_in_the_base_year_nothing_is_required_and_equal_intensity_is_green():
    g = grade(1.0, previous=1.02, base=1.0, t=0)
    assert g.required == 0.0
    assert g.achieved == 0.0
    assert g.level is Level.GREEN


def test_in_the_base_year_any_intensity_above_the_base_is_red():
    # required = 0, so any gap exceeds 10 % of it: the formula followed as written.
    g = grade(1.0 + 1e-6, previous=1.02, base=1.0, t=0)
    assert g.level is Level.RED
    assert g.findings == ("behind_far",)


def test_in_the_base_year_a_rise_over_the_previous_year_is_red():
    g = grade(0.99, previous=0.98, base=1.0, t=0)
    assert g.level is Level.RED
    assert g.findings == ("rose", "on_track")


# --- rule parameters ----------------------------------------------------------------------------


def test_without_the_gap_test_a_far_gap_is_only_yellow():
    # 2021 H1 energy barometer (629号): intensity fell but short of the schedule → 二级.
    assert grade(0.99, previous=1.0, red_gap_share=None).level is Level.YELLOW


def test_without_the_rise_test_a_rise_on_schedule_is_green():
    # 2021 Q1 barometer: graded on the gap only.
    assert grade(0.92, previous=0.90, red_on_rise=False).level is Level.GREEN


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "column"),
    [
        ((17, 2025, 2027, 1.0, 1.0, 0.9), "target_r"),
        ((0.17, 2025, 2024, 1.0, 1.0, 0.9), "year"),
        ((0.17, 2025, 2031, 1.0, 1.0, 0.9), "year"),
        ((0.17, 2025, 2027, 0.0, 1.0, 0.9), "intensity_base"),
        ((0.17, 2025, 2027, 1.0, math.inf, 0.9), "intensity_previous"),
        ((0.17, 2025, 2027, 1.0, 1.0, math.nan), "intensity"),
    ],
)
def test_bad_figures_raise_an_input_error_naming_the_column(args, column):
    with pytest.raises(InputError) as caught:
        barometer_grade(*args)
    assert caught.value.column == column


# --- published figures ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "row",
    pd.read_csv(DATA / "progress_schedule.csv")
    .query("target == 'national_15FYP_CO2_intensity' or target == 'national_14FYP_CO2_intensity'")
    .to_dict("records"),
)
def test_threshold_is_the_published_schedule(row):
    # progress_schedule.csv, required_cumulative_by_year_end (printed to 6 decimals)
    t = int(row["year_index"])
    g = grade(0.9, previous=0.9, target=float(row["R_5yr"]), t=t)
    assert g.required == pytest.approx(float(row["required_cumulative_by_year_end"]), abs=5e-7)


@pytest.mark.parametrize("previous", [0.94, 0.96])  # 2022 not published: either way
def test_china_end_2023_co2_intensity_is_red_on_the_carbon_barometer(previous):
    # targets.csv (CONFIRMED, third party): CO2 intensity −4.9 % by end-2023 against 2020, 14th
    # plan target 18 %; the schedule asked for 11.2255 % (progress_schedule.csv, t = 3).
    g = barometer_grade(0.18, 2020, 2023, 1.0, previous, 1 - 0.049)
    assert g.required == pytest.approx(0.112255, abs=5e-7)
    assert g.achieved == pytest.approx(0.049)
    assert g.gap > 0.1 * g.required
    assert g.level is Level.RED


def test_china_14th_plan_outcome_of_12_percent_against_18_is_red():
    # targets.csv: "CO2 intensity cumulative reduction 2021-2025, 12 %, outcome (missed 18 %)"
    g = barometer_grade(0.18, 2020, 2025, 1.0, 0.9, 0.88)
    assert g.required == pytest.approx(0.18)
    assert g.level is Level.RED


# --- invariants (hypothesis) ---------------------------------------------------------------------

intensities = st.floats(min_value=0.01, max_value=100.0, allow_nan=False)
targets = st.floats(min_value=0.01, max_value=0.6)
shares = st.one_of(st.none(), st.floats(min_value=0.0, max_value=0.5))


@settings(max_examples=300, deadline=None)
@given(
    target=targets,
    t=st.integers(0, 5),
    base=intensities,
    previous=intensities,
    low=st.floats(0.0, 1.0),
    high=st.floats(0.0, 1.0),
    share=shares,
    on_rise=st.booleans(),
)
def test_lowering_this_years_intensity_never_worsens_the_level(
    target, t, base, previous, low, high, share, on_rise
):
    if share is None and not on_rise:
        on_rise = True
    lower, higher = sorted((low, high))
    # Both intensities at or below the previous year's: lowering I_t never worsens the level.
    better = max(previous * lower, 1e-6)
    worse = max(previous * higher, better)
    options = {"red_gap_share": share, "red_on_rise": on_rise}
    g_better = barometer_grade(target, 2025, 2025 + t, base, previous, better, **options)
    g_worse = barometer_grade(target, 2025, 2025 + t, base, previous, worse, **options)
    assert g_better.level.severity <= g_worse.level.severity


@settings(max_examples=200, deadline=None)
@given(
    target=targets,
    t=st.integers(0, 5),
    base=intensities,
    previous=intensities,
    intensity=intensities,
    power=st.integers(-20, 20),
)
def test_the_level_does_not_depend_on_the_intensity_unit(
    target, t, base, previous, intensity, power
):
    # Scaling by a power of two is exact in floating point: t/万元 or t/亿元 give one level.
    k = 2.0**power
    one = barometer_grade(target, 2025, 2025 + t, base, previous, intensity)
    other = barometer_grade(target, 2025, 2025 + t, base * k, previous * k, intensity * k)
    assert (one.level, one.findings) == (other.level, other.findings)


@settings(max_examples=300, deadline=None)
@given(
    target=targets,
    t=st.integers(1, 5),
    base=intensities,
    previous=intensities,
    intensity=intensities,
)
def test_away_from_the_thresholds_the_level_is_the_issues_rule(
    target, t, base, previous, intensity
):
    g = barometer_grade(target, 2025, 2025 + t, base, previous, intensity)
    required = 1 - (1 - target) ** (t / 5)
    achieved = 1 - intensity / base
    margin = 1e-6
    rose = intensity > previous * (1 + margin)
    far = (required - achieved) > 0.1 * required + margin
    behind = achieved < required - margin
    fell = intensity < previous * (1 - margin)
    near = abs((required - achieved) - 0.1 * required) <= margin
    near = near or abs(achieved - required) <= margin
    if rose or far:
        assert g.level is Level.RED
    elif fell and not near:
        assert g.level is (Level.YELLOW if behind else Level.GREEN)


# --- the rule over a table -----------------------------------------------------------------------


def test_evaluate_gives_one_warning_per_row_with_value_threshold_and_numbers_in_the_message():
    table = pd.DataFrame(
        [
            ["太原市", 2027, 2025, 0.17, 1.0, 0.97, 0.95],
            ["大同市", 2027, 2025, 0.17, 1.0, 0.97, 0.93],
            ["朔州市", 2027, 2025, 0.17, 1.0, 0.90, 0.92],
        ],
        columns=list(BAROMETER_COLUMNS),
    )
    rule = find_rule("carbon_barometer")
    warnings = evaluate(rule, table)
    assert [w.level for w in warnings] == [Level.RED, Level.YELLOW, Level.RED]
    assert [w.subject for w in warnings] == ["太原市", "大同市", "朔州市"]
    assert {w.period for w in warnings} == {"2027"}
    assert {w.rule for w in warnings} == {"carbon_barometer"}
    first = warnings[0]
    assert first.value == pytest.approx(0.05)
    assert first.threshold == pytest.approx(1 - 0.83**0.4)
    assert "累计下降5.00%" in first.message and "7.18%" in first.message
    assert "2.18个百分点" in first.message and "0.72个百分点" in first.message
    assert first.measure == rule.measure(Level.RED) and "两高" in first.measure
    assert "不降反升" in warnings[2].message and "上升2.22%" in warnings[2].message
    assert warnings[1].measure == rule.measure(Level.YELLOW) != ""
