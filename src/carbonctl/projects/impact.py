"""A project's impact on its city (对所在城市目标和预算的影响): the share of the city's carbon
budget headroom it uses, the change of the city's CO2 and energy intensity, and the barometer
level the city would reach. The city's figures are arguments: the platform passes its own."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from carbonctl.errors import InputError
from carbonctl.projects.assess import ProjectAssessment
from carbonctl.warning import barometer_grade

__all__ = ["BAROMETER_KEYS", "CityImpact", "city_impact"]

#: What ``barometer_inputs`` must give: the five-year target R (fraction), the plan's base year,
#: the year graded, and the city's CO2 intensity in the base year and the previous year, in
#: tCO2 per 10^4 CNY of the same constant prices as ``city_gdp_10k_cny``.
BAROMETER_KEYS = ("target", "base_year", "year", "intensity_base", "intensity_previous")


@dataclass(frozen=True)
class CityImpact:
    """The project's effect on its city in a year of operation.

    ``project_co2_t`` = counted CO2 × operating share; ``headroom_share`` = project CO2 /
    headroom (None when the headroom is not above 0: the budget is used up already);
    ``exceeds_headroom`` when the project needs more than the headroom. Intensities in tCO2 (or
    tce) per 10^4 CNY before and after adding the project's CO2 (energy at 等价值) and value
    added × operating share; changes are after / before − 1. Barometer levels are None without
    ``barometer_inputs``.
    """

    project_co2_t: float
    project_energy_tce: float
    project_value_added_10k_cny: float
    headroom_tco2: float
    headroom_share: float | None
    headroom_after_tco2: float
    exceeds_headroom: bool
    co2_intensity_before: float
    co2_intensity_after: float
    co2_intensity_change: float
    energy_intensity_before: float | None
    energy_intensity_after: float | None
    energy_intensity_change: float | None
    barometer_before: str | None
    barometer_after: str | None


def _positive(value: float, name: str, *, zero: bool = False) -> float:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    if not ok or value < 0 or (value == 0 and not zero):
        raise InputError(
            f"{name} {value!r} is not a finite number {'≥' if zero else '>'} 0",
            column=name,
            expected=f"a number {'≥' if zero else '>'} 0",
        )
    return float(value)


def city_impact(
    assessment: ProjectAssessment,
    *,
    headroom_tco2: float,
    city_co2_tco2: float,
    city_gdp_10k_cny: float,
    city_energy_tce: float | None = None,
    barometer_inputs: Mapping[str, float] | None = None,
) -> CityImpact:
    """The impact of ``assessment``'s project on its city (formulas in docs/projects.md § 6).

    - project CO2 P = counted total CO2 × operating share; energy E_p = counted 等价值 tce ×
      share; value added V = value_added_10k_cny × share (0 when not filed);
    - headroom share = P / H; headroom after = H − P;
    - CO2 intensity before = C / G, after = (C + P) / (G + V); energy intensity likewise with
      the city's energy (等价值, as the statistics count it);
    - barometer (:func:`carbonctl.warning.barometer_grade`) of the city's intensity before and
      after, with ``barometer_inputs`` (:data:`BAROMETER_KEYS`).
    """
    if not isinstance(headroom_tco2, int | float) or not math.isfinite(headroom_tco2):
        raise InputError(
            f"headroom_tco2 {headroom_tco2!r} is not a finite number",
            column="headroom_tco2",
            expected="the city's budget headroom in tCO2 (may be ≤ 0 when used up)",
        )
    co2 = _positive(city_co2_tco2, "city_co2_tco2")
    gdp = _positive(city_gdp_10k_cny, "city_gdp_10k_cny")
    share = assessment.filing.operating_share
    project_co2 = assessment.counted.co2_total * share
    project_energy = assessment.counted.equal_value_tce * share
    value_added = (assessment.filing.value_added_10k_cny or 0.0) * share
    headroom = float(headroom_tco2)
    before = co2 / gdp
    after = (co2 + project_co2) / (gdp + value_added)
    energy_before = energy_after = energy_change = None
    if city_energy_tce is not None:
        energy = _positive(city_energy_tce, "city_energy_tce")
        energy_before = energy / gdp
        energy_after = (energy + project_energy) / (gdp + value_added)
        energy_change = energy_after / energy_before - 1.0
    level_before = level_after = None
    if barometer_inputs is not None:
        missing = [k for k in BAROMETER_KEYS if k not in barometer_inputs]
        if missing:
            raise InputError(
                f"barometer_inputs lacks {', '.join(missing)}",
                column="barometer_inputs",
                expected=", ".join(BAROMETER_KEYS),
            )
        b = barometer_inputs

        def grade(intensity: float) -> str:
            return barometer_grade(
                float(b["target"]),
                int(b["base_year"]),
                int(b["year"]),
                float(b["intensity_base"]),
                float(b["intensity_previous"]),
                intensity,
            ).level.value

        level_before, level_after = grade(before), grade(after)
    return CityImpact(
        project_co2_t=project_co2,
        project_energy_tce=project_energy,
        project_value_added_10k_cny=value_added,
        headroom_tco2=headroom,
        headroom_share=project_co2 / headroom if headroom > 0 else None,
        headroom_after_tco2=headroom - project_co2,
        exceeds_headroom=project_co2 > headroom,
        co2_intensity_before=before,
        co2_intensity_after=after,
        co2_intensity_change=after / before - 1.0,
        energy_intensity_before=energy_before,
        energy_intensity_after=energy_after,
        energy_intensity_change=energy_change,
        barometer_before=level_before,
        barometer_after=level_after,
    )
