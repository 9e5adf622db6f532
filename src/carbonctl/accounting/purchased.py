"""Purchased electricity and heat (购入电力、热力): indirect CO2 with a grid factor chosen by
region, year and basis, location-based and market-based, and their standard-coal equivalents."""

from __future__ import annotations

import numpy as np
import pandas as pd

from carbonctl import refdata
from carbonctl.accounting._frame import map_unique, raise_row_errors, safe
from carbonctl.units import conversion_factor

#: Electricity 当量值 (calorific equivalent), kgce/kWh (GB/T 2589-2020; 3600 kJ/kWh).
KGCE_PER_KWH_EQUIVALENT = 0.1229
#: Heat, kgce/MJ (= 1/29.3076).
KGCE_PER_MJ_HEAT = 0.03412


def _scale(units: pd.Series, target: str) -> tuple[np.ndarray, np.ndarray]:
    scales = map_unique([units], safe(lambda unit: conversion_factor(unit, target)))
    bad = np.array([isinstance(s, Exception) for s in scales])
    values = np.array([np.nan if isinstance(s, Exception) else s for s in scales], dtype=float)
    return values, bad


def electricity(
    rows: pd.DataFrame,
    *,
    basis: str,
    default_region: str,
    is_green: np.ndarray,
    coal_rate_kgce_per_kwh: float | None,
) -> pd.DataFrame:
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
    region = rows["region"].astype(object).where(rows["region"].notna(), default_region)

    chosen = map_unique(
        [region, rows["year"]], lambda reg, year: refdata.grid_factor(str(reg), int(year), basis)
    )
    residual = map_unique(
        [rows["year"]], lambda year: refdata.grid_factor(None, int(year), "residual")
    )
    grid_value = np.array([g.value_tco2_per_mwh for g in chosen], dtype=float)
    residual_value = np.array([g.value_tco2_per_mwh for g in residual], dtype=float)

    given_ef = rows["emission_factor"].to_numpy(dtype=float)
    use_ef = ~np.isnan(given_ef)
    amount = rows["amount"].to_numpy(dtype=float)
    location = np.where(use_ef, amount * given_ef, mwh * grid_value)
    market = np.where(is_green, 0.0, np.where(use_ef, location, mwh * residual_value))

    kwh = mwh * 1000.0
    equal_value = (
        kwh * coal_rate_kgce_per_kwh / 1000.0
        if coal_rate_kgce_per_kwh is not None
        else np.full(len(rows), np.nan)
    )
    notes = np.array([g.note for g in chosen], dtype=object)
    notes = np.where(
        is_green,
        np.where(
            notes == "", "green power: 0 market-based", notes + "; green power: 0 market-based"
        ),
        notes,
    )
    return pd.DataFrame(
        {
            "item_id": np.where(is_green, "green_electricity", "grid_electricity"),
            "activity": mwh,
            "activity_unit": "MWh",
            "emission_factor": np.where(use_ef, np.nan, grid_value),
            "ef_unit": "tCO2/MWh",
            "tco2": location,
            "tco2_market": market,
            "tce": kwh * KGCE_PER_KWH_EQUIVALENT / 1000.0,
            "tce_equal_value": equal_value,
            "parameters": np.where(use_ef, "measured: ef", "default"),
            "factor_id": np.where(use_ef, "row", np.array([g.factor_id for g in chosen], object)),
            "factor_status": np.where(
                use_ef, "measured (row)", np.array([g.status for g in chosen], dtype=object)
            ),
            "provisional": np.where(use_ef, False, np.array([g.provisional for g in chosen])),
            "note": notes,
        },
        index=rows.index,
    )


def heat(rows: pd.DataFrame) -> pd.DataFrame:
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
    return pd.DataFrame(
        {
            "item_id": "heat",
            "activity": gj,
            "activity_unit": "GJ",
            "emission_factor": np.where(use_ef, np.nan, factor),
            "ef_unit": "tCO2/GJ",
            "tco2": tco2,
            "tco2_market": tco2,
            "tce": tce,
            "tce_equal_value": tce,
            "parameters": np.where(use_ef, "measured: ef", "default"),
            "factor_id": np.where(use_ef, "row", "heat_default"),
            "factor_status": np.where(use_ef, "measured (row)", status),
            "provisional": False,
            "note": "",
        },
        index=rows.index,
    )
