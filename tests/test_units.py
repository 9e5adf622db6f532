"""The unit registry: tce and the 万/亿 units, Chinese spellings, junk rejected, GWP contexts."""

from __future__ import annotations

import pytest

from carbonctl.errors import UnitError
from carbonctl.units import GJ_PER_TCE, conversion_factor, parse_unit, to_co2e


@pytest.mark.parametrize(
    ("text", "target", "factor"),
    [
        ("吨", "t", 1.0),
        ("万吨", "t", 1e4),
        ("万t", "t", 1e4),
        ("10^4 t", "t", 1e4),
        ("千瓦时", "kWh", 1.0),
        ("万千瓦时", "kWh", 1e4),
        ("兆瓦时", "kWh", 1e3),
        ("亿kWh", "MWh", 1e5),
        ("亿千瓦时", "kWh", 1e8),
        ("立方米", "m3", 1.0),
        ("万立方米", "m3", 1e4),
        ("10^4 Nm3", "m3", 1e4),
        ("万Nm3", "Nm3", 1e4),
        ("吉焦", "GJ", 1.0),
        ("万吉焦", "GJ", 1e4),
        ("TJ", "GJ", 1e3),
        ("tce", "GJ", 29.3076),
        ("kgce", "MJ", 29.3076),
        ("万tce", "tce", 1e4),
        ("万吨标准煤", "GJ", 293076.0),
        ("ｔ", "kg", 1000.0),
        ("m³", "m3", 1.0),
        ("tCO2", "t CO2", 1.0),
        ("万吨二氧化碳", "tCO2", 1e4),
        ("tCO2e", "tCO2", 1.0),
    ],
)
def test_units_users_type_convert_exactly(text, target, factor):
    assert conversion_factor(text, target) == pytest.approx(factor, rel=1e-12)


def test_compound_units_with_wan_parse():
    assert conversion_factor("GJ/万Nm3", "MJ/m3") == pytest.approx(0.1)
    assert conversion_factor("MJ/kg", "GJ/t") == pytest.approx(1.0)
    assert conversion_factor("GJ/10^4 Nm3", "MJ/m3") == pytest.approx(0.1)
    assert conversion_factor("GJ/(10^4 Nm3)", "GJ/万Nm3") == pytest.approx(1.0)


@pytest.mark.parametrize("text", ["", "xyz", "t!", "kg#x", "tonnes?", "万", "5", "ton"])
def test_junk_or_ambiguous_units_are_rejected(text):
    with pytest.raises(UnitError):
        parse_unit(text)


def test_different_dimensions_do_not_convert():
    with pytest.raises(UnitError, match="convertible to kWh"):
        conversion_factor("t", "kWh")


@pytest.mark.parametrize(("version", "ch4"), [("SAR", 21), ("AR5", 28), ("AR6", 27.9)])
def test_gwp_contexts(version, ch4):
    assert to_co2e(1.0, "CH4", version) == pytest.approx(ch4)
    with pytest.raises(UnitError):
        to_co2e(1.0, "CH4", "AR99")


def test_standard_coal_is_written_once_gb_t_2589():
    # GB/T 2589-2020: 1 kgce = 29.3076 MJ; tce and kgce are defined from the one constant
    assert GJ_PER_TCE == 29.3076
    assert conversion_factor("tce", "GJ") == GJ_PER_TCE
    assert conversion_factor("kgce", "MJ") == GJ_PER_TCE
    assert conversion_factor("tce", "kgce") == pytest.approx(1e3, rel=1e-15)
