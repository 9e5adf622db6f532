"""Budget rules: use beyond the pro-rated budget (预算超序时进度) and projected exhaustion before
year end (预算预计提前用尽), at and around their thresholds, with the numbers in the message."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carbonctl import refdata
from carbonctl.errors import InputError, RefdataError
from carbonctl.warning import (
    BUDGET_FORECAST_COLUMNS,
    BUDGET_USE_COLUMNS,
    Level,
    evaluate,
    find_rule,
    rule_from_record,
)


def use(*rows) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=list(BUDGET_USE_COLUMNS))


def forecast(*rows) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=list(BUDGET_FORECAST_COLUMNS))


def overuse(*rows, rule=None):
    return evaluate(rule or find_rule("budget_overuse"), use(*rows))


def exhaustion(*rows, rule=None):
    return evaluate(rule or find_rule("budget_exhaustion"), forecast(*rows))


# --- budget_overuse ------------------------------------------------------------------------------


def test_exactly_10_percent_over_is_quiet_despite_floating_point():
    assert 110 / 100 - 1 > 0.1  # 0.10000000000000009 in floats
    assert overuse(["140100", 2026, 12, 100.0, 110.0, 1.0]) == []


def test_just_above_10_percent_is_red_and_below_is_quiet():
    (red,) = overuse(["140100", 2026, 12, 100.0, 110.001, 1.0])
    assert red.level is Level.RED
    assert red.value == pytest.approx(0.10001)
    assert red.threshold == 0.1
    assert overuse(["140100", 2026, 12, 100.0, 109.999, 1.0]) == []
    assert overuse(["140100", 2026, 12, 100.0, 50.0, 1.0]) == []  # well within: no warning


def test_a_blank_share_is_month_over_12():
    # June: pro-rated 120 × 6/12 = 60; 66 is exactly 10 % over (quiet), 66.01 is above (red)
    assert overuse(["140100", 2026, 6, 120.0, 66.0, ""]) == []
    assert overuse(["140100", 2026, 6, 120.0, 66.0, None]) == []
    (warning,) = overuse(["140100", 2026, 6, 120.0, 66.01, ""])
    assert warning.details["share"] == 0.5


def test_the_seasonal_share_is_used_when_given():
    # 60 % of the budget expected by June: 3000 × 0.6 = 1800 万吨, actual 2000 is 11.1 % over
    (warning,) = overuse(["140100", 2026, 6, 3.0e7, 2.0e7, 0.6])
    assert warning.value == pytest.approx(2.0 / 1.8 - 1)
    assert overuse(["140100", 2026, 6, 3.0e7, 1.98e7, 0.6]) == []  # exactly 10 %


def test_the_message_has_the_numbers_and_details_the_region():
    (warning,) = overuse(["140100", 2026, 6, 3.0e7, 1.8e7, 0.5])
    assert (warning.subject, warning.period, warning.rule) == (
        "140100",
        "2026-06",
        "budget_overuse",
    )
    assert warning.message.startswith("太原市 2026年6月碳排放预算超序时进度：红色（一级）。")
    for text in ("1800.0万吨", "1500.0万吨", "3000.0万吨", "50.0%", "300.0万吨", "20.0%", "10%"):
        assert text in warning.message, text
    assert "暂停" in warning.measure
    assert warning.details["region"] == "140100"
    assert warning.details["actual_tco2"] == 1.8e7 and warning.details["budget_tco2"] == 3.0e7


def test_yellow_when_the_rule_sets_a_yellow_excess(stored):
    rule = rule_from_record({**stored("budget_overuse"), "yellow_excess": "0.05"})
    assert overuse(["140100", 2026, 12, 100.0, 105.0, 1.0], rule=rule) == []  # exactly 5 %
    (yellow,) = overuse(["140100", 2026, 12, 100.0, 107.0, 1.0], rule=rule)
    assert (yellow.level, yellow.threshold) == (Level.YELLOW, 0.05)
    assert "7.0%" in yellow.message and "5%" in yellow.message
    assert yellow.measure == rule.measure(Level.YELLOW) != ""
    (red,) = overuse(["140100", 2026, 12, 100.0, 111.0, 1.0], rule=rule)
    assert red.level is Level.RED


@pytest.mark.parametrize(
    ("row", "column", "text"),
    [
        (["140100", 2026, 6, 0.0, 10.0, 0.5], "budget_tco2", "not greater than 0"),
        (["140100", 2026, 6, -5.0, 10.0, 0.5], "budget_tco2", "not greater than 0"),
        (["140100", 2026, 6, 100.0, "abc", 0.5], "actual_tco2", "'abc' is not a number"),
        (["140100", 2026, 6, 100.0, float("inf"), 0.5], "actual_tco2", "not a finite number"),
        (["140100", 2026, 6, 100.0, -1.0, 0.5], "actual_tco2", "negative"),
        (["140100", 2026, 6, 100.0, 10.0, 1.5], "share", "outside (0, 1]"),
        (["140100", 2026, 6, 100.0, 10.0, 0.0], "share", "outside (0, 1]"),
        (["140100", 2026, 13, 100.0, 10.0, 0.5], "month", "not a month from 1 to 12"),
        (["140100", "20x6", 6, 100.0, 10.0, 0.5], "year", "not a number"),
        (["", 2026, 6, 100.0, 10.0, 0.5], "region", "region is blank"),
    ],
)
def test_a_bad_cell_names_row_and_column(row, column, text):
    good = ["140200", 2026, 6, 100.0, 10.0, 0.5]
    with pytest.raises(InputError) as caught:
        overuse(good, row)
    assert (caught.value.row, caught.value.column) == (3, column)
    assert text in str(caught.value)


def test_a_missing_column_is_named():
    with pytest.raises(InputError) as caught:
        evaluate(
            find_rule("budget_overuse"),
            use(["140100", 2026, 6, 1.0, 1.0, 1.0]).drop(columns="share"),
        )
    assert caught.value.column == "share" and "no column share" in str(caught.value)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"red_excess": ""}, "red_excess is blank"),
        ({"red_excess": "-0.1"}, "red_excess -0.1"),
        ({"yellow_excess": "0.2"}, "not below red_excess"),
        ({"explanation_over_red": "超出{excess:.1%}{nope}"}, "uses {nope}"),
        # a yellow template is checked once yellow is switched on
        ({"yellow_excess": "0.05", "explanation_over_yellow": "{typo}"}, "uses {typo}"),
        ({"yellow_excess": "0.05", "explanation_over_yellow": ""}, "no explanation"),
    ],
)
def test_a_bad_overuse_rule_is_refused_at_load(stored, change, message):
    with pytest.raises(RefdataError) as caught:
        rule_from_record({**stored("budget_overuse"), "rule_id": "edited", **change})
    assert "'edited'" in str(caught.value) and message in str(caught.value)


_YELLOW_OPTIONS = ["", "0.02", "0.05"]


@pytest.fixture(scope="module")
def overuse_rules() -> dict[str, object]:
    record = refdata.load_table("warning_rules_budget_overuse").iloc[0].to_dict()
    return {y: rule_from_record({**record, "yellow_excess": y}) for y in _YELLOW_OPTIONS}


@settings(max_examples=100, deadline=None)
@given(
    budget=st.floats(1.0, 1e9),
    share=st.floats(0.01, 1.0),
    low=st.floats(0.0, 3.0),
    high=st.floats(0.0, 3.0),
    yellow=st.sampled_from(_YELLOW_OPTIONS),
)
def test_more_actual_use_never_lowers_the_level(overuse_rules, budget, share, low, high, yellow):
    lower, higher = sorted((low, high))
    rows = [
        [region, 2026, 6, budget, budget * share * ratio, share]
        for region, ratio in (("lower", lower), ("higher", higher))
    ]
    found = {w.subject: w.level.severity for w in overuse(*rows, rule=overuse_rules[yellow])}
    assert found.get("lower", -1) <= found.get("higher", -1)


# --- budget_exhaustion ---------------------------------------------------------------------------


def test_forecast_at_the_limit_is_quiet_and_above_it_is_red_with_the_date():
    assert exhaustion(["140100", 2026, 6, 3.0e7, 3.0e7, 2.8e7, 3.0e7, ""]) == []
    (red,) = exhaustion(["140100", 2026, 6, 3.0e7, 3.2e7, 2.9e7, 3.5e7, "2026-10-17"])
    assert (red.level, red.value, red.threshold) == (Level.RED, 3.2e7, 3.0e7)
    assert red.period == "2026-06"
    assert "预计于2026年10月17日用尽" in red.message
    for text in ("3200.0万吨", "3000.0万吨", "2900.0", "3500.0", "200.0万吨"):
        assert text in red.message, text
    assert red.details["exhaustion_date"] == "2026-10-17"
    assert red.details["region"] == "140100"


def test_float_noise_at_the_limit_does_not_fire():
    assert 0.1 + 0.2 > 0.3
    assert (
        exhaustion(["140100", 2026, 6, 0.3e8, (0.1 + 0.2) * 1e8, 0.2e8, (0.1 + 0.2) * 1e8, ""])
        == []
    )


def test_just_above_the_limit_is_red_even_without_a_date():
    (red,) = exhaustion(["140100", 2026, 6, 3.0e7, 3.0e7 * (1 + 1e-6), 2.8e7, 3.1e7, ""])
    assert red.level is Level.RED
    assert "用尽日期未能估算" in red.message
    assert red.details["exhaustion_date"] is None


def test_yellow_when_only_the_upper_end_exceeds_the_limit(stored):
    (yellow,) = exhaustion(["140200", 2026, 6, 3.0e7, 2.9e7, 2.5e7, 3.1e7, ""])
    assert (yellow.level, yellow.value, yellow.threshold) == (Level.YELLOW, 2.9e7, 3.0e7)
    assert "上限3100.0万吨" in yellow.message and "100.0万吨" in yellow.message
    assert exhaustion(["140200", 2026, 6, 3.0e7, 2.9e7, 2.5e7, 3.0e7, ""]) == []  # hi at limit
    no_yellow = rule_from_record({**stored("budget_exhaustion"), "yellow_on_upper": "0"})
    assert exhaustion(["140200", 2026, 6, 3.0e7, 2.9e7, 2.5e7, 3.1e7, ""], rule=no_yellow) == []


@pytest.mark.parametrize(
    ("row", "column", "text"),
    [
        (["140100", 2026, 6, 3e7, 3e7, 3.1e7, 3.2e7, ""], "forecast_lo", "above the forecast"),
        (["140100", 2026, 6, 3e7, 3e7, 2.9e7, 2.95e7, ""], "forecast_hi", "below the forecast"),
        (
            ["140100", 2026, 6, 3e7, 3.2e7, 3e7, 3.3e7, "2027-01-05"],
            "exhaustion_date",
            "not in 2026",
        ),
        (
            ["140100", 2026, 6, 3e7, 3.2e7, 3e7, 3.3e7, "2026-13-01"],
            "exhaustion_date",
            "not a date",
        ),
        (
            ["140100", 2026, 6, 3e7, 3.2e7, 3e7, 3.3e7, "17/10/2026"],
            "exhaustion_date",
            "not a date",
        ),
        (["140100", 2026, 6, "x", 3.2e7, 3e7, 3.3e7, ""], "limit_tco2", "not a number"),
        (["140100", 2026, 6, 3e7, -1.0, -2.0, 3.3e7, ""], "forecast_tco2", "negative"),
    ],
)
def test_a_bad_forecast_cell_names_row_and_column(row, column, text):
    with pytest.raises(InputError) as caught:
        exhaustion(row)
    assert (caught.value.row, caught.value.column) == (2, column)
    assert text in str(caught.value)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"yellow_on_upper": "2"}, "yellow_on_upper 2.0"),
        ({"yellow_on_upper": ""}, "yellow_on_upper is blank"),
        ({"explanation_over": "{forecast_wt}{exhaustion}"}, "uses {exhaustion}"),
        ({"explanation_upper": "{hi_wt:.1f}"}, "cannot be filled"),
    ],
)
def test_a_bad_exhaustion_rule_is_refused_at_load(stored, change, message):
    with pytest.raises(RefdataError) as caught:
        rule_from_record({**stored("budget_exhaustion"), "rule_id": "edited", **change})
    assert "'edited'" in str(caught.value) and message in str(caught.value)
