"""The enterprise-benchmark rule (能效低于基准水平): worse (higher) than 基准 is red, also for
negative levels; units converted; the benchmark row's status shown in the message."""

from __future__ import annotations

import pandas as pd
import pytest

from carbonctl.errors import InputError, RefdataError
from carbonctl.warning import (
    ENTERPRISE_ENERGY_COLUMNS,
    Level,
    evaluate,
    find_rule,
    rule_from_record,
)

COKE = "焦炭（顶装焦炉）"  # 标杆 110, 基准 135 kgce/t, SECONDARY


def row(value, unit="kgce/t", product=COKE, name="晋中示例焦化有限公司"):
    return ["91140700MA0000000X", name, "140700", 2025, product, value, unit]


def check(*rows, rule=None):
    table = pd.DataFrame(list(rows), columns=list(ENTERPRISE_ENERGY_COLUMNS))
    return evaluate(rule or find_rule("enterprise_benchmark"), table)


def test_at_the_baseline_is_quiet_and_above_it_red():
    assert check(row(135.0)) == []
    assert check(row(120.0)) == []
    (red,) = check(row(135.001))
    assert (red.level, red.value, red.threshold) == (Level.RED, 135.001, 135.0)
    assert (red.subject, red.period, red.rule) == (
        "91140700MA0000000X",
        "2025",
        "enterprise_benchmark",
    )


def test_the_message_names_both_levels_and_the_status():
    (red,) = check(row(150.0))
    assert red.message.startswith(
        "晋中示例焦化有限公司（91140700MA0000000X） 2025年能效低于基准水平：红色"
    )
    for text in (
        "150kgce/t",
        "基准水平135kgce/t",
        "标杆水平110kgce/t",
        "超出15kgce/t",
        "（基准值状态：SECONDARY）",
    ):
        assert text in red.message, text
    assert "限期" in red.measure and "淘汰" in red.measure
    assert red.details["region"] == "140700"
    assert red.details["benchmark_status"].startswith("SECONDARY")
    (unconfirmed,) = check(row(1000.0, product="电石"))
    assert "（基准值状态：UNCONFIRMED）" in unconfirmed.message


def test_tce_per_tonne_is_converted_and_float_noise_does_not_fire():
    noisy = 0.1350000000000001  # 135.00000000000009 kgce/t: above 135 in raw floats
    assert noisy * 1000 > 135.0
    assert check(row(noisy, unit="tce/t")) == []
    assert check(row(0.135, unit="tce/t")) == []
    (red,) = check(row(0.14, unit="吨标准煤/t"))
    assert red.value == pytest.approx(140.0)
    assert (
        red.details["specific_energy_given"] == 0.14 and red.details["unit_given"] == "吨标准煤/t"
    )


def test_negative_levels_higher_is_still_worse():
    # 转炉工序: 标杆 −30, 基准 −10 kgce/t
    assert check(row(-10.0, product="转炉工序")) == []
    assert check(row(-25.0, product="转炉工序")) == []
    (red,) = check(row(-9.99, product="转炉工序"))
    assert red.level is Level.RED
    assert "基准水平-10kgce/t" in red.message


def test_electricity_units_for_aluminium(stored):
    # 电解铝: 13000 / 13350 kWh/t; MWh/t converts, kgce/t does not (当量/等价 ambiguity)
    product = "电解铝（铝液交流电耗）"
    assert check(row(13350.0, unit="kWh/t", product=product)) == []
    (red,) = check(row(13.4, unit="MWh/t", product=product))
    assert red.value == pytest.approx(13400.0)
    with pytest.raises(InputError) as caught:
        check(row(1700.0, unit="kgce/t", product=product))
    assert caught.value.column == "unit" and "cannot be compared" in str(caught.value)


def test_a_yellow_margin_is_a_share_of_the_span_from_benchmark_to_baseline(stored):
    rule = rule_from_record({**stored("enterprise_benchmark"), "yellow_margin": "0.2"})
    # span 135 − 110 = 25; yellow above 135 − 0.2 × 25 = 130
    assert check(row(130.0), rule=rule) == []
    (yellow,) = check(row(131.0), rule=rule)
    assert (yellow.level, yellow.threshold) == (Level.YELLOW, pytest.approx(130.0))
    assert "130kgce/t" in yellow.message and "20%" in yellow.message
    assert check(row(136.0), rule=rule)[0].level is Level.RED
    # negative levels: 转炉 span 20, yellow above −14
    assert check(row(-14.0, product="转炉工序"), rule=rule) == []
    assert check(row(-13.0, product="转炉工序"), rule=rule)[0].level is Level.YELLOW


@pytest.mark.parametrize(
    ("bad", "column", "text"),
    [
        (row(150.0, product="焦炭"), "product", "焦炭（顶装焦炉）"),
        (row(150.0, unit="m3/t"), "unit", "cannot be"),
        (row(150.0, unit="kgce/t!"), "unit", "cannot be converted"),
        (row("高"), "specific_energy", "'高' is not a number"),
        (row(150.0, unit=""), "unit", "unit is blank"),
        (row(150.0, name=""), "enterprise_name", "blank"),
    ],
)
def test_a_bad_cell_names_row_and_column(bad, column, text):
    with pytest.raises(InputError) as caught:
        check(row(100.0), bad)
    assert (caught.value.row, caught.value.column) == (3, column)
    assert text in str(caught.value)


def test_an_unknown_product_lists_close_names():
    with pytest.raises(InputError) as caught:
        check(row(150.0, product="焦炭"))
    assert "焦炭（顶装焦炉）" in str(caught.value) and "焦炭（捣固焦炉）" in str(caught.value)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"yellow_margin": "1.5"}, "yellow_margin 1.5"),
        ({"yellow_margin": "0"}, "yellow_margin 0.0"),
        (
            {"explanation_above_baseline": "{specific_energy}{benchmark_level}"},
            "uses {benchmark_level}",
        ),
        (
            {"yellow_margin": "0.2", "explanation_near_baseline": "{yellow_line:d}"},
            "cannot be filled",
        ),
    ],
)
def test_a_bad_rule_is_refused_at_load(stored, change, message):
    with pytest.raises(RefdataError) as caught:
        rule_from_record({**stored("enterprise_benchmark"), "rule_id": "edited", **change})
    assert "'edited'" in str(caught.value) and message in str(caught.value)
