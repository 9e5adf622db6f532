"""The fast-growth rule (排放快速增长): growth above the threshold, above output growth, and a
one-sided trend test over the window, so one spike among calm months stays quiet."""

from __future__ import annotations

import pandas as pd
import pytest
from scipy import stats

from carbonctl.errors import InputError, RefdataError
from carbonctl.warning import (
    GROWTH_COLUMNS,
    Level,
    evaluate,
    find_rule,
    growth_test,
    rule_from_record,
)

STEEL = "A02.2.19"  # 黑色金属冶炼和压延加工业
MONTHS = [f"2026-{m:02d}" for m in range(1, 7)]


def series(growth, *, region="140100", sector=STEEL, output=None, months=MONTHS):
    outputs = output if isinstance(output, list) else [output] * len(growth)
    return [
        [region, sector, month, g, o] for month, g, o in zip(months, growth, outputs, strict=True)
    ]


def fast(rows, rule=None):
    return evaluate(
        rule or find_rule("fast_growth"), pd.DataFrame(rows, columns=list(GROWTH_COLUMNS))
    )


RISING = [0.12, 0.14, 0.15, 0.16, 0.18, 0.20]


def test_a_sustained_rise_fires_yellow_with_the_test_in_the_details():
    (warning,) = fast(series(RISING, output=0.02))
    assert (warning.level, warning.subject, warning.period) == (Level.YELLOW, "140100", "2026-06")
    assert (warning.value, warning.threshold) == (0.20, 0.10)
    expected = stats.ttest_1samp(RISING, 0.1, alternative="greater").pvalue
    assert warning.details["p_value"] == pytest.approx(expected)
    assert warning.details["p_value"] < 0.1
    assert warning.details["window_mean"] == pytest.approx(sum(RISING) / 6)
    assert warning.details["months"] == MONTHS
    assert (warning.details["region"], warning.details["sector"]) == ("140100", STEEL)
    assert warning.message.startswith(
        "太原市黑色金属冶炼和压延加工业 2026年6月碳排放快速增长：黄色"
    )
    for text in ("20.0%", "10%", "同期产出增长2.0%", "近6个月", "15.8%", "p=0.002"):
        assert text in warning.message, text
    assert warning.measure.startswith("开展重点行业碳排放形势分析")


def test_one_spike_among_calm_months_stays_quiet():
    spike = [0.02, 0.01, 0.03, 0.00, 0.02, 0.30]
    assert fast(series(spike)) == []
    assert growth_test(MONTHS, spike, 0.1).p_value > 0.5


def test_red_when_the_window_mean_is_above_the_red_threshold():
    high = [g + 0.1 for g in RISING]  # mean 25.8 %
    (warning,) = fast(series(high, sector="ALL"))
    assert warning.level is Level.RED
    assert warning.message.startswith("太原市全社会 2026年6月碳排放快速增长：红色（一级）")
    assert "超过20%" in warning.message and "产出增速未知" in warning.message
    assert "p<0.001" in warning.message
    assert warning.measure == find_rule("fast_growth").measure(Level.RED) != ""


def test_window_mean_exactly_at_the_red_threshold_is_yellow():
    at = [0.15, 0.25, 0.15, 0.25, 0.15, 0.25]  # mean 0.2, growth in a float sum: 0.19999…/0.2000…
    (warning,) = fast(series(at))
    assert warning.details["window_mean"] == pytest.approx(0.2)
    assert warning.level is Level.YELLOW


def test_output_growing_as_fast_stays_quiet():
    assert fast(series(RISING, output=0.20)) == []  # as fast
    assert fast(series(RISING, output=0.25)) == []  # faster
    (warning,) = fast(series(RISING, output=0.199))  # just slower
    assert warning.level is Level.YELLOW


def test_latest_growth_exactly_at_the_threshold_is_quiet_even_in_a_hot_window():
    assert fast(series([0.3, 0.3, 0.3, 0.3, 0.3, 0.10])) == []
    (warning,) = fast(series([0.3, 0.3, 0.3, 0.3, 0.3, 0.1001]))
    assert warning.level is Level.RED  # mean 26.7 % > 20 %


def test_float_noise_at_the_threshold_does_not_fire():
    noisy = 1.1 - 1.0  # 0.10000000000000009 > 0.1 in raw floats
    assert noisy > 0.1
    assert fast(series([noisy] * 6)) == []
    assert growth_test(MONTHS, [noisy] * 6, 0.1).p_value == 1.0
    assert growth_test(MONTHS, [0.15] * 6, 0.1).p_value == 0.0  # constant and above: significant


def test_too_few_months_stay_quiet():
    assert fast(series([0.5, 0.5], months=MONTHS[-2:])) == []  # min_months 3
    (warning,) = fast(series([0.5, 0.6, 0.5], months=MONTHS[-3:]))
    assert warning.details["months"] == MONTHS[-3:]


def test_the_window_is_calendar_months_ending_at_the_latest():
    old = ["2025-01", "2025-02", "2025-03", "2026-06"]
    assert fast(series([0.5, 0.5, 0.5, 0.5], months=old)) == []  # one month in the window
    long = [f"2025-{m:02d}" for m in range(7, 13)] + MONTHS
    calm_then_hot = [0.0] * 6 + [0.5, 0.5, 0.6, 0.5, 0.5, 0.6]
    (warning,) = fast(series(calm_then_hot, months=long))
    assert warning.details["months"] == MONTHS  # only the last 6 months were tested


def test_each_region_and_sector_is_judged_at_its_latest_month_in_any_row_order():
    rows = series(RISING) + series([0.0] * 6, region="140200") + series(RISING, sector="A03")
    rows.reverse()
    found = fast(rows)
    assert {(w.subject, w.details["sector"]) for w in found} == {
        ("140100", "A03"),
        ("140100", STEEL),
    }
    assert {w.period for w in found} == {"2026-06"}
    assert any("建筑业" in w.message for w in found)


@pytest.mark.parametrize(
    ("bad", "column", "text"),
    [
        (["140100", "A99", "2026-06", 0.1, ""], "sector", "unknown sector 'A99'"),
        (["140100", STEEL, "2026-13", 0.1, ""], "month", "'2026-13' is not a month"),
        (["140100", STEEL, "June", 0.1, ""], "month", "is not a month"),
        (["140100", STEEL, "2026-07", "fast", ""], "growth", "'fast' is not a number"),
        (["140100", STEEL, "2026-07", -1.5, ""], "growth", "not above −1"),
        (["140100", STEEL, "2026-07", 0.1, "x"], "output_growth", "'x' is not a number"),
        (["140100", STEEL, "2026-01", 0.1, ""], "month", "already in row 2"),
    ],
)
def test_a_bad_cell_names_row_and_column(bad, column, text):
    with pytest.raises(InputError) as caught:
        fast([*series(RISING), bad])
    assert (caught.value.row, caught.value.column) == (8, column)
    assert text in str(caught.value)


def test_an_unknown_sector_lists_close_codes():
    with pytest.raises(InputError) as caught:
        fast([["140100", "A02.2.1", "2026-06", 0.1, ""]])
    assert "A02.2.19" in str(caught.value) or "A02.2.13" in str(caught.value)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"threshold": ""}, "threshold is blank"),
        ({"threshold": "-2"}, "threshold -2.0"),
        ({"red_threshold": "0.05"}, "red_threshold 0.05"),
        ({"window": "1"}, "window 1.0"),
        ({"window": "6.5"}, "window 6.5"),
        ({"min_months": "7"}, "min_months 7.0"),
        ({"alpha": "0"}, "alpha 0.0"),
        ({"alpha": "0.9"}, "alpha 0.9"),
        ({"explanation_fast": "{growth:.1%}{sector_name}"}, "uses {sector_name}"),
        ({"explanation_fast_sustained": ""}, "no explanation for finding 'fast_sustained'"),
    ],
)
def test_a_bad_rule_is_refused_at_load(stored, change, message):
    with pytest.raises(RefdataError) as caught:
        rule_from_record({**stored("fast_growth"), "rule_id": "edited", **change})
    assert "'edited'" in str(caught.value) and message in str(caught.value)


def test_without_a_red_threshold_the_rule_is_yellow_only(stored):
    rule = rule_from_record(
        {**stored("fast_growth"), "red_threshold": "", "explanation_fast_sustained": ""}
    )
    (warning,) = fast(series([g + 0.1 for g in RISING]), rule=rule)
    assert warning.level is Level.YELLOW


def test_a_stricter_alpha_needs_a_clearer_trend(stored):
    wobbly = [0.05, 0.25, 0.08, 0.22, 0.06, 0.20]  # mean 14.3 %, p ≈ 0.15
    assert fast(series(wobbly)) == []
    loose = rule_from_record({**stored("fast_growth"), "alpha": "0.2"})
    assert len(fast(series(wobbly), rule=loose)) == 1
