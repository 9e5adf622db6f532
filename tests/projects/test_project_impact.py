"""The project's impact on its city (docs/projects.md § 6, worked example 6)."""

from __future__ import annotations

import pytest

from carbonctl.errors import InputError
from carbonctl.projects import assess, city_impact, filing_from_mapping

CITY = {"headroom_tco2": 100_000, "city_co2_tco2": 20_000_000, "city_gdp_10k_cny": 10_000_000}
BAROMETER = {
    "target": 0.17,
    "base_year": 2025,
    "year": 2027,
    "intensity_base": 2.2,
    "intensity_previous": 2.001,
}


@pytest.fixture
def assessment(make_filing, coal):
    # 10,000 t of the test coal (26,183.995992 tCO2), value added 2,000 万元, half a year running
    data = make_filing(activities=[coal(10000)], value_added_10k_cny=2000, operating_share=0.5)
    return assess(filing_from_mapping(data))


def test_worked_example_of_the_city_impact(assessment):
    impact = city_impact(assessment, **CITY, city_energy_tce=8_000_000, barometer_inputs=BAROMETER)
    assert impact.project_co2_t == pytest.approx(13091.997996, rel=1e-12)
    assert impact.headroom_share == pytest.approx(0.13091997996, rel=1e-12)
    assert impact.headroom_after_tco2 == pytest.approx(86908.002004, rel=1e-12)
    assert not impact.exceeds_headroom
    assert impact.co2_intensity_before == 2.0
    assert impact.co2_intensity_after == pytest.approx(2.001109088890711, rel=1e-12)
    assert impact.co2_intensity_change == pytest.approx(0.0005545444453554094, rel=1e-9)
    assert impact.energy_intensity_after == pytest.approx(0.8004199580041996, rel=1e-12)
    # before: 2.0 < 2.001 and 9.09 % achieved ≥ 7.18 % required: green; after: rose, red
    assert (impact.barometer_before, impact.barometer_after) == ("green", "red")


def test_a_used_up_headroom_has_no_share_and_is_exceeded(assessment):
    impact = city_impact(assessment, **{**CITY, "headroom_tco2": -5.0})
    assert impact.headroom_share is None and impact.exceeds_headroom
    assert impact.barometer_before is None and impact.energy_intensity_change is None


@pytest.mark.parametrize(
    ("change", "text"),
    [
        ({"city_gdp_10k_cny": 0}, "city_gdp_10k_cny"),
        ({"city_co2_tco2": float("nan")}, "city_co2_tco2"),
        ({"headroom_tco2": float("inf")}, "headroom_tco2"),
    ],
)
def test_bad_city_figures_are_named(assessment, change, text):
    with pytest.raises(InputError, match=text):
        city_impact(assessment, **{**CITY, **change})


def test_barometer_inputs_must_be_complete(assessment):
    with pytest.raises(InputError, match="intensity_previous"):
        city_impact(
            assessment,
            **CITY,
            barometer_inputs={k: v for k, v in BAROMETER.items() if k != "intensity_previous"},
        )
