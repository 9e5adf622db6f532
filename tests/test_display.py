"""Quantities for people: 万吨, 万/亿千瓦时 and % through the units registry, rounded half up."""

from __future__ import annotations

import math

import pytest

from carbonctl.display import DISPLAY_UNITS, MISSING, format_quantity, to_display
from carbonctl.errors import UnitError


def test_tonnes_are_shown_in_wan_tonnes_as_whole_numbers_by_default():
    assert format_quantity(65_864_000.0, "万吨") == "6586"
    assert format_quantity(66e6, "万吨") == "6600"


def test_decimals_can_be_asked_for_and_thousands_grouped():
    assert format_quantity(123_456_789.0, "万吨", 2, grouping=True) == "12,345.68"
    assert format_quantity(123_456_789.0, "万吨", 2) == "12345.68"


def test_a_power_of_ten_divides_exactly():
    # 12345 * 1e-4 would be 1.2345000000000002; dividing by 10^4 is what a person expects
    assert to_display(12_345.0, "万吨") == 12_345.0 / 10_000
    assert to_display(0.0123, "%") == 0.0123 * 100


@pytest.mark.parametrize(
    ("kwh", "unit", "shown"),
    [
        (1.5e9, "亿千瓦时", "15.00"),
        (1.5e9, "万千瓦时", "150000.00"),
        (12_345.0, "万千瓦时", "1.23"),
    ],
)
def test_electricity_in_wan_or_yi_kwh(kwh, unit, shown):
    assert format_quantity(kwh, unit) == shown


def test_standard_coal_in_wan_tce():
    assert format_quantity(5e5, "万吨标准煤") == "50.00"


def test_shares_and_changes_in_percent_with_the_sign():
    assert format_quantity(-0.0381, "%") == "-3.8%"
    assert format_quantity(0.125, "%", 0) == "13%"
    assert to_display(0.05, "%") == pytest.approx(5.0)


def test_rounding_is_half_up_on_the_decimal_form():
    assert format_quantity(0.00125, "%", 2) == "0.13%"  # 0.125 % → 0.13, not banker's 0.12
    assert format_quantity(25_000.0, "万吨") == "3"  # 2.5 万吨 → 3
    assert format_quantity(-1e-7, "%") == "0.0%"  # never "-0.0"


@pytest.mark.parametrize("missing", [None, math.nan])
def test_missing_values_are_shown_as_a_dash_and_are_none_in_charts(missing):
    assert format_quantity(missing, "万吨") == MISSING
    assert format_quantity(missing, "%") == MISSING
    assert to_display(missing, "万吨") is None


def test_chart_values_are_rounded_numbers():
    assert to_display(12_345.678, "万吨", 2) == 1.23
    assert to_display(65_864_000.0, "万吨", 0) == 6586.0


def test_an_unknown_display_unit_is_a_unit_error_naming_the_known_ones():
    with pytest.raises(UnitError, match="万吨"):
        format_quantity(1.0, "Mt CO2")


def test_every_display_unit_converts_from_its_stored_unit():
    for name in DISPLAY_UNITS:
        assert to_display(0.0, name) == 0.0


def test_ascii_spellings_name_the_same_units():
    assert format_quantity(66e6, "10^4 t") == format_quantity(66e6, "万吨") == "6600"
    assert format_quantity(1.5e9, "10^8 kWh") == "15.00"
    assert format_quantity(1.5e9, "10^4 kWh", 0) == "150000"
