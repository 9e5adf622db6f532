"""Per-region indicators from the figures a platform holds (population, constant-price GDP, CO2,
CO2 from coal): GDP per capita (人均GDP), CO2 intensity (碳排放强度), CO2 per capita (人均排放),
non-coal share of CO2 (非煤排放占比), and GDP projected to a plan's last year (规划末年GDP)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from carbonctl import refdata
from carbonctl.errors import InputError
from carbonctl.indicators.intensity import GDP_UNITS, co2_intensity
from carbonctl.indicators.schedule import PLAN_LENGTH

__all__ = [
    "POPULATION_UNITS",
    "REGIONAL_INDICATORS",
    "coal_fuel_names",
    "complete_figures",
    "persons",
    "project_gdp",
    "regional_indicators",
]

#: Population units and their size in persons (人 / 万人 = 10^4). People are not in the pint
#: registry (units.py), so the two scales Chinese statistics print are listed here.
POPULATION_UNITS: dict[str, float] = {"人": 1.0, "persons": 1.0, "万人": 1e4, "10^4 persons": 1e4}

#: The columns :func:`regional_indicators` adds.
REGIONAL_INDICATORS = (
    "gdp_per_capita",
    "carbon_intensity",
    "co2_per_capita",
    "coal_share",
    "non_coal_share",
)


def _scale(units: dict[str, float], unit: str, what: str) -> float:
    try:
        return units[unit.strip()]
    except (KeyError, AttributeError):
        raise InputError(
            f"unknown {what} {unit!r}", expected=f"one of {', '.join(units)}"
        ) from None


def persons(population: pd.Series, unit: str = "万人") -> pd.Series:
    """Population in persons (人) from a column in ``unit`` (万人, as yearbooks print it)."""
    return population.astype(float) * _scale(POPULATION_UNITS, unit, "population unit")


def project_gdp(gdp: pd.Series, annual_growth: float, years: int = PLAN_LENGTH) -> pd.Series:
    """GDP of a plan's last year at constant base-year prices, projected at ``annual_growth`` a
    year (an assumption the user sets): GDP_T = GDP_0 × (1 + g)^years, years = 5 for a plan."""
    return gdp.astype(float) * (1.0 + float(annual_growth)) ** years


@lru_cache(maxsize=1)
def _coal_names() -> frozenset[str]:
    fuels = refdata.load_table("fuels")
    coal = fuels[fuels["coal"] == "yes"]
    return frozenset({*coal["name_zh"], *coal["name_en"], *coal["ceads_name"]} - {""})


def coal_fuel_names() -> frozenset[str]:
    """Every name a coal fuel may carry (Chinese, English, CEADs), from the fuel catalogue's
    ``coal`` column (the CEADs solid-coal groups, see scripts/build_refdata.py)."""
    return _coal_names()


def complete_figures(figures: pd.DataFrame, where: str = "") -> pd.DataFrame:
    """The rows of ``figures`` (``region, population, gdp_constant, co2_tco2`` …) that have CO2
    and a non-zero GDP and population, sorted by region; an :class:`InputError` naming ``where``
    (e.g. "city figures for 2025 in dataset demo") when none has."""
    usable = figures[
        figures["co2_tco2"].notna()
        & (figures["gdp_constant"].fillna(0) != 0)
        & (figures["population"].fillna(0) != 0)
    ]
    if usable.empty:
        raise InputError(
            f"no region has population, GDP and CO2{f' ({where})' if where else ''}",
            expected="population, constant-price GDP and CO2 of every region",
        )
    return usable.sort_values("region").reset_index(drop=True)


def regional_indicators(
    figures: pd.DataFrame,
    *,
    gdp: str = "gdp_constant",
    gdp_unit: str = "亿元",
    population: str = "population",
    population_unit: str = "万人",
    co2: str = "co2_tco2",
    coal: str = "coal_tco2",
) -> pd.DataFrame:
    """``figures`` with :data:`REGIONAL_INDICATORS` added, row by row:

    - ``gdp_per_capita`` = GDP / P in yuan per person (GDP at constant prices);
    - ``carbon_intensity`` = C / GDP in tCO2 per 万元 (:func:`~.intensity.co2_intensity`);
    - ``co2_per_capita`` = C / P in tCO2 per person;
    - ``coal_share`` = C_coal / C and ``non_coal_share`` = 1 − C_coal / C (C_coal 0 if absent).
    """
    out = figures.copy()
    people = persons(out[population], population_unit)
    money = out[gdp].astype(float) * _scale(GDP_UNITS, gdp_unit, "GDP unit")
    out["gdp_per_capita"] = money / people
    out["carbon_intensity"] = co2_intensity(out, co2=co2, gdp=gdp, gdp_unit=gdp_unit, per="万元")
    out["co2_per_capita"] = out[co2].astype(float) / people
    coal_co2 = out[coal].astype(float).fillna(0.0) if coal in out else np.zeros(len(out))
    out["coal_share"] = coal_co2 / out[co2].astype(float)
    out["non_coal_share"] = 1.0 - out["coal_share"]
    return out
