"""Purchased electricity and heat (购入电力、热力): indirect CO2 with a grid factor chosen by
region, year and basis, location-based and market-based, and their standard-coal equivalents."""

from __future__ import annotations

import numpy as np
import pandas as pd

from carbonctl import refdata
from carbonctl.frames import (
    choose_text,
    map_unique_checked,
    map_unique_fields,
    raise_row_errors,
    text,
)
from carbonctl.units import conversion_factor

#: Electricity 当量值 (calorific equivalent), kgce/kWh (GB/T 2589-2020; 3600 kJ/kWh).
KGCE_PER_KWH_EQUIVALENT = 0.1229
#: Heat, kgce/MJ, as tabulated in GB/T 2589-2020 (1 / ``units.GJ_PER_TCE`` to four significant
#: figures; the tabulated value is kept so results match the standard's worked figures).
KGCE_PER_MJ_HEAT = 0.03412


def _scale(units: pd.Series, target: str) -> tuple[np.ndarray, np.ndarray]:
    return map_unique_checked([units], lambda unit: conversion_factor(unit, target), dtype=float)


def electricity(
    rows: pd.DataFrame,
    *,
    basis: str,
    default_region: str,
    is_green: np.ndarray,
    coal_rate_kgce_per_kwh: float | None,
) -> dict[str, np.ndarray]:
    """CO2 of purchased electricity.

    Location-based: E = AD (MWh) × EF_grid, the factor of ``basis`` (provincial, national or ets)
    for the row's region and year (:func:`carbonctl.refdata.grid_factor`), or the row's own
    ``emission_factor`` (tCO2 per input unit). Market-based: green-certificate or green-power
    electricity counts 0 and the rest takes the national residual factor (不包括市场化交易的非化石
    能源电量) of the year. Standard coal: 当量值 0.1229 kgce/kWh; 等价值 at ``coal_rate`` (the
    year's average coal consumption of thermal power supply), when given.
    """
    to_mwh, bad = _scale(rows["unit"], "MWh")
    raise_row_errors(
        rows,
        bad,
        lambda r: f"unit {r['unit']!r} is not an amount of electricity",
        "unit",
        "kWh, MWh, 万kWh, 亿kWh …",
    )
    mwh = rows["amount"].to_numpy(dtype=float) * to_mwh
    given_ef = rows["emission_factor"].to_numpy(dtype=float)
    use_ef = ~np.isnan(given_ef)

    def choose(place: object, year: object, own: bool, green: bool) -> tuple[object, ...]:
        grid = refdata.grid_factor(
            default_region if pd.isna(place) else str(place), int(year), basis
        )
        residual = refdata.grid_factor(None, int(year), "residual")
        notes = [grid.note] if grid.note and not own else []
        if green:
            notes.append("green power: 0 market-based")
        if own:
            return (
                np.nan,
                residual.value_tco2_per_mwh,
                "row",
                "measured (row)",
                False,
                "; ".join(notes),
            )
        return (
            grid.value_tco2_per_mwh,
            residual.value_tco2_per_mwh,
            grid.factor_id,
            grid.status,
            grid.provisional,
            "; ".join(notes),
        )

    chosen, _bad = map_unique_fields(
        [rows["region"], rows["year"], use_ef, is_green],
        choose,
        {
            "grid": float,
            "residual": float,
            "factor_id": object,
            "status": object,
            "provisional": bool,
            "note": object,
        },
    )
    grid_value, residual_value = chosen["grid"], chosen["residual"]
    amount = rows["amount"].to_numpy(dtype=float)
    location = np.where(use_ef, amount * given_ef, mwh * grid_value)
    market = np.where(is_green, 0.0, np.where(use_ef, location, mwh * residual_value))
    kwh = mwh * 1000.0
    n = len(rows)
    equal_value = (
        kwh * coal_rate_kgce_per_kwh / 1000.0
        if coal_rate_kgce_per_kwh is not None
        else np.full(n, np.nan)
    )
    return {
        "item_id": choose_text(is_green, "green_electricity", "grid_electricity"),
        "activity": mwh,
        "activity_unit": text("MWh", n),
        "emission_factor": grid_value,
        "ef_unit": text("tCO2/MWh", n),
        "tco2": location,
        "tco2_market": market,
        "tce": kwh * KGCE_PER_KWH_EQUIVALENT / 1000.0,
        "tce_equal_value": equal_value,
        "parameters": choose_text(use_ef, "measured: ef", "default"),
        "factor_id": chosen["factor_id"],
        "factor_status": chosen["status"],
        "provisional": chosen["provisional"],
        "note": chosen["note"],
    }


def heat(rows: pd.DataFrame) -> dict[str, np.ndarray]:
    """CO2 of purchased heat: E = Q (GJ) × 0.11 tCO2/GJ (GB/T 32150-2015 / GB/T 32151.34-2024
    default), or the supplier's measured factor given in the row (tCO2 per input unit).
    Standard coal: 0.03412 kgce/MJ for both 当量 and 等价."""
    to_gj, bad = _scale(rows["unit"], "GJ")
    raise_row_errors(
        rows,
        bad,
        lambda r: f"unit {r['unit']!r} is not an amount of heat",
        "unit",
        "GJ, TJ, 吉焦 …",
    )
    gj = rows["amount"].to_numpy(dtype=float) * to_gj
    factor, status, _source = refdata.heat_factor()
    given_ef = rows["emission_factor"].to_numpy(dtype=float)
    use_ef = ~np.isnan(given_ef)
    tco2 = np.where(use_ef, rows["amount"].to_numpy(dtype=float) * given_ef, gj * factor)
    tce = gj * 1000.0 * KGCE_PER_MJ_HEAT / 1000.0
    n = len(rows)
    return {
        "item_id": text("heat", n),
        "activity": gj,
        "activity_unit": text("GJ", n),
        "emission_factor": np.where(use_ef, np.nan, factor),
        "ef_unit": text("tCO2/GJ", n),
        "tco2": tco2,
        "tco2_market": tco2,
        "tce": tce,
        "tce_equal_value": tce,
        "parameters": choose_text(use_ef, "measured: ef", "default"),
        "factor_id": choose_text(use_ef, "row", "heat_default"),
        "factor_status": choose_text(use_ef, "measured (row)", status),
        "provisional": np.zeros(n, dtype=bool),
        "note": text("", n),
    }
