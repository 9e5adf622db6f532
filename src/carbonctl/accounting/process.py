"""Industrial-process CO2 (工业生产过程): carbonates with purity, cement clinker from CaO/MgO, lime,
steel and chemical carbon balances (inputs minus carbon fixed in products), explicit factors."""

from __future__ import annotations

import numpy as np
import pandas as pd

from carbonctl import refdata
from carbonctl.accounting.combustion import CO2_PER_C
from carbonctl.frames import (
    choose_text,
    map_unique,
    map_unique_checked,
    map_unique_fields,
    raise_row_errors,
)
from carbonctl.units import conversion_factor

#: Stoichiometric CO2 released per unit of CaO and MgO formed (molar masses 44.01, 56.08, 40.30).
CO2_PER_CAO = 44.01 / 56.08
CO2_PER_MGO = 44.01 / 40.30


def clinker_formula_status() -> str:
    """Status of the clinker formula (CaO/MgO stoichiometry) in the process-factor table."""
    return refdata.process_factor("cement", "熟料 clinker calcination")[1]


def process(rows: pd.DataFrame) -> dict[str, np.ndarray]:
    """CO2 of process rows (amounts converted to t).

    - explicit factor: E = AD × EF (EF in tCO2 per input unit, as given);
    - carbon balance item with its carbon fraction C (tC/t): E = ± AD × C × 44/12;
    - carbonate (CaCO3, MgCO3, dolomite …): E = AD × purity × EF (GB/T 32151.x; purity 1 if not
      given);
    - clinker: E = AD × (CaO × 44.01/56.08 + MgO × 44.01/40.30) when fractions are given, else the
      IPCC Tier 1 default (UNCONFIRMED, flagged);
    - lime: E = AD × CaO fraction × 44.01/56.08;
    - fixed factors (electrodes, purchased pig iron/DRI/ferroalloys, carbon fixed in crude steel
      and methanol …; 中国钢铁生产企业温室气体排放核算方法与报告指南(试行)).

    ``direction`` output (产出) subtracts: carbon that leaves in products is not emitted. A
    material's default direction applies when the row does not say (粗钢 and 甲醇 are outputs).
    """
    given_ef = rows["emission_factor"].to_numpy(dtype=float)
    carbon_fraction = rows["carbon_fraction"].to_numpy(dtype=float)
    use_ef = ~np.isnan(given_ef)
    use_cf = ~use_ef & ~np.isnan(carbon_fraction)
    index = refdata.material_index()

    def describe(name: object) -> tuple[object, ...]:
        material_id = index.get(refdata.normalise_name(name))
        if material_id is None:
            return (None, "", np.nan, "input", "")
        m = refdata.find_material(material_id)
        factor = np.nan if m.factor is None else m.factor
        return (m.material_id, m.method, factor, m.default_direction, m.status)

    described, _bad = map_unique_fields(
        [rows["item"]],
        describe,
        {
            "material": object,
            "method": object,
            "factor": float,
            "direction": object,
            "status": object,
        },
    )
    material, method, table_factor = (described[k] for k in ("material", "method", "factor"))
    default_direction, status = described["direction"], described["status"]
    known = ~pd.isna(material)
    raise_row_errors(
        rows,
        ~known & ~use_ef & ~use_cf,
        lambda r: f"unknown process material {r['item']!r}",
        "item",
        "a material of the catalogue, or an emission_factor or carbon_fraction",
    )
    to_t, bad = map_unique_checked(
        [rows["unit"]], lambda unit: conversion_factor(unit, "t"), dtype=float
    )
    raise_row_errors(
        rows, bad & ~use_ef, lambda r: f"unit {r['unit']!r} is not a mass", "unit", "t, kg, 万t …"
    )
    tonnes = rows["amount"].to_numpy(dtype=float) * to_t
    direction = rows["direction"].to_numpy(dtype=object)
    direction = np.where(pd.isna(direction), default_direction, direction)
    sign = np.where(direction == "output", -1.0, 1.0)

    purity_given = rows["purity"].to_numpy(dtype=float)
    purity = np.nan_to_num(purity_given, nan=1.0)
    cao = rows["cao_fraction"].to_numpy(dtype=float)
    mgo = np.nan_to_num(rows["mgo_fraction"].to_numpy(dtype=float), nan=0.0)
    clinker_measured = (method == "clinker") & ~np.isnan(cao)
    raise_row_errors(
        rows,
        (method == "lime") & np.isnan(cao) & ~use_ef & ~use_cf,
        lambda r: f"lime row {r['item']!r} needs the CaO fraction of the lime",
        "cao_fraction",
        "a fraction between 0 and 1",
    )
    factor = np.select(
        [use_ef, use_cf, method == "carbonate", clinker_measured, method == "lime"],
        [
            given_ef,
            carbon_fraction * CO2_PER_C,
            purity * table_factor,
            cao * CO2_PER_CAO + mgo * CO2_PER_MGO,
            cao * CO2_PER_CAO,
        ],
        default=table_factor,
    )
    amount = np.where(use_ef, rows["amount"].to_numpy(dtype=float), tonnes)
    tco2 = sign * amount * factor

    own = use_ef | use_cf
    fixed = choose_text(sign < 0, "carbon fixed in product (subtracted)", "")
    flagged = (method == "clinker") & ~clinker_measured & ~own
    note = np.where(flagged, "IPCC Tier 1 clinker default; give cao_fraction/mgo_fraction", fixed)
    n = len(rows)
    return {
        "item_id": np.where(known, material, "row"),
        "activity": amount,
        "activity_unit": map_unique([use_ef, rows["unit"]], lambda o, unit: unit if o else "t"),
        "carbon_fraction": np.where(use_cf, carbon_fraction, np.nan),
        "emission_factor": factor,
        "ef_unit": map_unique([use_ef, rows["unit"]], lambda o, u: f"tCO2/{u if o else 't'}"),
        "tco2": tco2,
        "tco2_market": tco2,
        "tce": np.full(n, np.nan),
        "tce_equal_value": np.full(n, np.nan),
        "parameters": choose_text(
            own | clinker_measured | ~np.isnan(purity_given), "measured", "default"
        ),
        "factor_id": np.where(own, "row", map_unique([material], lambda m: f"process:{m}")),
        # measured CaO/MgO use the guideline formula, not the flagged IPCC default
        "factor_status": np.where(
            own, "measured (row)", np.where(clinker_measured, clinker_formula_status(), status)
        ),
        "provisional": np.zeros(n, dtype=bool),
        "note": note,
    }
