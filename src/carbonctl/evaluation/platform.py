"""The city assessment the platform runs on its own figures (平台城市评价): the indicator table of
:func:`~carbonctl.evaluation.indicators.platform_index_system` for a year, its entropy-TOPSIS
evaluation, and each city's indicators scaled 0-100 for radar charts."""

from __future__ import annotations

import pandas as pd

from carbonctl.evaluation.assessment import Evaluation, evaluate
from carbonctl.evaluation.indicators import IndicatorSystem, platform_index_system
from carbonctl.evaluation.weights import normalise
from carbonctl.indicators.intensity import year_on_year_change
from carbonctl.indicators.regional import complete_figures, regional_indicators

__all__ = [
    "RADAR_SCALE",
    "assess_platform",
    "assessment_table",
    "assessment_years",
    "radar_average",
    "radar_scores",
]

#: Radar charts show indicators on 0..100 (100 = the best city of the year).
RADAR_SCALE = 100.0


def assessment_table(
    figures: pd.DataFrame,
    year: int,
    *,
    gdp_unit: str = "亿元",
    population_unit: str = "万人",
    where: str = "",
) -> pd.DataFrame:
    """City indicators of ``year`` for the assessment, from the figures of ``year`` and the year
    before (``region, year, population, gdp_constant, co2_tco2, coal_tco2``):

    ``region``, ``carbon_intensity`` (tCO2/万元), ``intensity_change`` (I_t / I_{t−1} − 1,
    :func:`~carbonctl.indicators.intensity.year_on_year_change`), ``co2_per_capita`` (tCO2 per
    person), ``non_coal_share``; cities lacking either year are left out. ``where`` names the
    figures in the error raised when a year has none (e.g. "city figures in dataset demo").
    """
    years = []
    for wanted in (year - 1, year):
        rows = figures[figures["year"] == wanted]
        label = f"{where} for {wanted}" if where else str(wanted)
        years.append(complete_figures(rows, label))
    long = regional_indicators(
        pd.concat(years, ignore_index=True), gdp_unit=gdp_unit, population_unit=population_unit
    )
    long["intensity_change"] = year_on_year_change(long, long["carbon_intensity"])
    names = list(platform_index_system().names)
    now = long[long["year"] == year][["region", *names]].dropna()
    return now.sort_values("region").reset_index(drop=True)


def assessment_years(figures: pd.DataFrame) -> list[int]:
    """The years :func:`assessment_table` can assess, oldest first: those in which some region
    has complete figures (population, GDP, CO2) in the year and in the year before (the
    intensity change needs both)."""
    usable = figures[
        figures["co2_tco2"].notna()
        & (figures["gdp_constant"].fillna(0) != 0)
        & (figures["population"].fillna(0) != 0)
    ]
    pairs = set(zip(usable["region"].astype(str), usable["year"].astype(int), strict=True))
    return sorted({year for region, year in pairs if (region, year - 1) in pairs})


def assess_platform(table: pd.DataFrame, system: IndicatorSystem | None = None) -> Evaluation:
    """Entropy-TOPSIS evaluation (熵权-TOPSIS) of :func:`assessment_table` over ``system``
    (default :func:`~carbonctl.evaluation.indicators.platform_index_system`)."""
    system = system or platform_index_system()
    chosen = table[["region", *system.names]]
    return evaluate(chosen, method="entropy-topsis", negative=list(system.negative))


def radar_scores(table: pd.DataFrame, system: IndicatorSystem | None = None) -> pd.DataFrame:
    """Each city's indicators min-max scaled to 0..:data:`RADAR_SCALE` across the cities, the
    best city of each indicator at the top (direction of ``system``), rounded to 0.1."""
    system = system or platform_index_system()
    names = list(system.names)
    scaled = normalise(table[names], negative=list(system.negative), shift=0.0) * RADAR_SCALE
    return scaled.round(1)


def radar_average(scores: pd.DataFrame) -> pd.Series:
    """The cities' mean of each radar score (:func:`radar_scores`), rounded to 0.1: the outline
    each city is drawn against (各市平均)."""
    return scores.mean().round(1)
