"""Industrial-process CO2 (工业生产过程): carbonates with purity, cement clinker from CaO/MgO, lime,
steel and chemical carbon balances (inputs minus carbon fixed in products), explicit factors."""

from __future__ import annotations

import numpy as np
import pandas as pd

from carbonctl import refdata
from carbonctl.accounting._frame import map_unique, raise_row_errors, safe
from carbonctl.accounting.combustion import CO2_PER_C
from carbonctl.units import conversion_factor

#: Stoichiometric CO2 released per unit of CaO and MgO formed (molar masses 44.01, 56.08, 40.30).
CO2_PER_CAO = 44.01 / 56.08
CO2_PER_MGO = 44.01 / 40.30


def material_ids(items: pd.Series) -> np.ndarray:
    """material_id for each item name; None when unknown."""
    index = refdata.material_index()
    return map_unique([items], lambda name: index.get(refdata.normalise_name(name)))


def _material(material_id: object) -> refdata.Material | None:
    return None if pd.isna(material_id) else refdata.find_material(material_id)


def process(rows: pd.DataFrame) -> pd.DataFrame:
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
    material = pd.Series(material_ids(rows["item"]), index=rows.index)
    given_ef = rows["emission_factor"].to_numpy(dtype=float)
    carbon_fraction = rows["carbon_fraction"].to_numpy(dtype=float)
    use_ef = ~np.isnan(given_ef)
    use_cf = ~use_ef & ~np.isnan(carbon_fraction)
    known = material.notna().to_numpy()
    raise_row_errors(
        rows,
        ~known & ~use_ef & ~use_cf,
        lambda r: f"unknown process material {r['item']!r}",
        "item",
        "a material of the catalogue, or an emission_factor or carbon_fraction",
    )

    to_t = map_unique([rows["unit"]], safe(lambda unit: conversion_factor(unit, "t")))
    bad = np.array([isinstance(s, Exception) for s in to_t]) & ~use_ef
    raise_row_errors(
        rows, bad, lambda r: f"unit {r['unit']!r} is not a mass", "unit", "t, kg, 万t …"
    )
    tonnes = rows["amount"].to_numpy(dtype=float) * np.array(
        [np.nan if isinstance(s, Exception) else s for s in to_t], dtype=float
    )

    details = map_unique([material], _material)
    method = np.array([d.method if d else "" for d in details], dtype=object)
    table_factor = np.array(
        [d.factor if d and d.factor is not None else np.nan for d in details], dtype=float
    )
    default_direction = np.array(
        [d.default_direction if d else "input" for d in details], dtype=object
    )
    direction = (
        rows["direction"]
        .astype(object)
        .where(rows["direction"].notna(), pd.Series(default_direction, index=rows.index))
    )
    sign = np.where(direction.to_numpy() == "output", -1.0, 1.0)

    purity = np.nan_to_num(rows["purity"].to_numpy(dtype=float), nan=1.0)
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

    status = np.array([d.status if d else "" for d in details], dtype=object)
    flagged = (method == "clinker") & ~clinker_measured & ~use_ef & ~use_cf
    note = np.where(sign < 0, "carbon fixed in product (subtracted)", "")
    note = np.where(flagged, "IPCC Tier 1 clinker default; give cao_fraction/mgo_fraction", note)
    measured = use_ef | use_cf | clinker_measured | ~np.isnan(rows["purity"].to_numpy(float))
    return pd.DataFrame(
        {
            "item_id": material.fillna("row").astype(object).to_numpy(),
            "activity": amount,
            "activity_unit": np.where(use_ef, rows["unit"].astype(str).to_numpy(dtype=object), "t"),
            "carbon_fraction": np.where(use_cf, carbon_fraction, np.nan),
            "emission_factor": factor,
            "ef_unit": np.where(
                use_ef, "tCO2/" + rows["unit"].astype(str).to_numpy(object), "tCO2/t"
            ),
            "tco2": tco2,
            "tco2_market": tco2,
            "tce": np.nan,
            "tce_equal_value": np.nan,
            "parameters": np.where(measured, "measured", "default"),
            "factor_id": np.where(
                use_ef | use_cf,
                "row",
                "process:" + material.fillna("").astype(str).to_numpy(dtype=object),
            ),
            "factor_status": np.where(use_ef | use_cf, "measured (row)", status),
            "provisional": False,
            "note": note,
        },
        index=rows.index,
    )
