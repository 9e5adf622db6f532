"""Fossil-fuel combustion (化石燃料燃烧) CO2: E = AD × NCV × CC × OF × 44/12, with per-row
measured parameters overriding the factor set's defaults (GB/T 32150-2015, 附录B and 6.2)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from carbonctl import refdata
from carbonctl.accounting._frame import map_unique, raise_row_errors, safe
from carbonctl.errors import UnitError
from carbonctl.units import conversion_factor, parse_unit

#: Mass ratio of CO2 to C (44/12), the carbon-to-CO2 conversion of every guideline.
CO2_PER_C = 44.0 / 12.0
#: GJ per tce (GB/T 2589-2020: 1 kgce = 29.3076 MJ).
GJ_PER_TCE = 29.3076


def fuel_ids(items: pd.Series) -> np.ndarray:
    """fuel_id for each item name (Chinese, English, CEADs code or alias); None when unknown."""
    index = refdata.fuel_index()
    return map_unique([items], lambda name: index.get(refdata.normalise_name(name)))


def _ncv_scale(ncv_unit: object, fuel_unit: str) -> float:
    """Factor taking an NCV in ``ncv_unit`` to GJ per ``fuel_unit`` (1 when no unit is given)."""
    if (
        ncv_unit is None
        or ncv_unit is pd.NA
        or (isinstance(ncv_unit, float) and np.isnan(ncv_unit))
    ):
        return 1.0
    given = parse_unit(str(ncv_unit))
    wanted = parse_unit("GJ") / parse_unit(fuel_unit)
    try:
        return float((given / wanted).to("dimensionless").magnitude)
    except Exception as exc:  # pint's DimensionalityError: NCV per the wrong kind of quantity
        raise UnitError(ncv_unit, f"an NCV per {fuel_unit} such as GJ/{fuel_unit}") from exc


def _amount_scale(unit: str, fuel_unit: str) -> tuple[str, float]:
    """('physical', factor to fuel_unit) or ('energy', factor to GJ) for an amount's unit."""
    try:
        return "physical", conversion_factor(unit, fuel_unit)
    except UnitError:
        pass
    try:
        return "energy", conversion_factor(unit, "GJ")
    except UnitError as exc:
        raise UnitError(unit, f"{fuel_unit} (or a convertible unit) or an energy unit") from exc


def standard_coal_coefficients() -> pd.DataFrame:
    """Single-valued standard-coal coefficients by energy id: (kgce per kg or m3, unit)."""
    table = refdata.load_table("standard_coal")
    single = table[(table["coefficient"] != "") & (table["coefficient_high"] == "")]
    single = single.assign(coefficient=single["coefficient"].astype(float))
    return single.drop_duplicates("energy_id").set_index("energy_id")[["coefficient", "unit"]]


def combustion(rows: pd.DataFrame, factor_set: str) -> pd.DataFrame:
    """CO2 of combustion rows.

    Per row: activity in the fuel's physical unit (t or 10^4 Nm3), NCV (GJ/unit), carbon content
    CC (tC/GJ), oxidation rate OF, and

    - E = AD × NCV × CC × OF × 44/12 (GB/T 32150-2015 formula (2)–(4));
    - E = AD × C_ar × OF × 44/12 when the elemental carbon fraction C_ar (tC/t) is measured;
    - E = Q × CC × OF × 44/12 when the amount is given as heat Q (GJ, TJ …);
    - E = AD × EF when the row gives its own emission factor (tCO2 per input unit).

    Measured values in the row override the factor set's defaults; a fuel without a default
    (原煤 raw coal in both packaged sets) needs them, else an error names the missing parameter.
    Also returns standard coal (tce): measured NCV / 29.3076, else the GB/T 2589 coefficient,
    else the default NCV.
    """
    defaults = refdata.fuel_factors(factor_set)
    catalogue = refdata.load_table("fuels").set_index("fuel_id")
    fuel = pd.Series(fuel_ids(rows["item"]), index=rows.index)
    raise_row_errors(
        rows,
        fuel.isna().to_numpy(),
        lambda r: f"unknown fuel {r['item']!r}",
        "item",
        "a fuel of the catalogue (carbonctl refdata show fuels)",
    )
    fuel_unit = fuel.map(catalogue["physical_unit"])

    scales = map_unique([rows["unit"], fuel_unit], safe(_amount_scale))
    bad_unit = np.array([isinstance(s, Exception) for s in scales])
    raise_row_errors(
        rows,
        bad_unit,
        lambda r: f"unit {r['unit']!r} does not suit {r['item']}",
        "unit",
        "a mass, volume or energy unit",
    )
    kind = np.array([s[0] for s in scales])
    scale = np.array([s[1] for s in scales], dtype=float)
    physical = kind == "physical"
    amount = rows["amount"].to_numpy(dtype=float)
    activity = np.where(physical, amount * scale, np.nan)
    heat_given = np.where(~physical, amount * scale, np.nan)

    has_ncv_unit = rows["ncv_unit"].notna().to_numpy()
    ncv_scale = np.ones(len(rows))
    if has_ncv_unit.any():
        ncv_scales = map_unique([rows["ncv_unit"].where(has_ncv_unit), fuel_unit], safe(_ncv_scale))
        bad = np.array([isinstance(s, Exception) for s in ncv_scales])
        raise_row_errors(
            rows,
            bad,
            lambda r: f"NCV unit {r['ncv_unit']!r} does not suit {r['item']}",
            "ncv_unit",
            "energy per mass or volume, e.g. GJ/t",
        )
        ncv_scale = ncv_scales.astype(float)

    measured_ncv = rows["ncv"].to_numpy(dtype=float) * ncv_scale
    ncv = np.where(
        np.isnan(measured_ncv), fuel.map(defaults["ncv_GJ_per_unit"]).to_numpy(float), measured_ncv
    )
    cc = _override(rows["carbon_content"], fuel.map(defaults["cc_tC_per_GJ"]))
    of = _override(rows["oxidation_rate"], fuel.map(defaults["oxidation_rate"]))
    carbon_fraction = rows["carbon_fraction"].to_numpy(dtype=float)
    given_ef = rows["emission_factor"].to_numpy(dtype=float)

    use_ef = ~np.isnan(given_ef)
    use_cf = ~use_ef & ~np.isnan(carbon_fraction)
    use_cc = ~use_ef & ~use_cf
    heat_gj = np.where(physical, activity * ncv, heat_given)

    _check_parameters(rows, physical, use_cf, use_cc, ncv, cc, of, factor_set)

    tco2 = np.where(
        use_ef,
        amount * given_ef,
        np.where(use_cf, activity * carbon_fraction * of, heat_gj * cc * of) * CO2_PER_C,
    )
    factor_unit = np.where(physical, fuel_unit.to_numpy(dtype=object), "GJ")
    ef_per_unit = np.where(
        use_ef,
        given_ef,
        np.where(use_cf, carbon_fraction * of, np.where(physical, ncv, 1.0) * cc * of) * CO2_PER_C,
    )
    ef_unit = np.where(
        use_ef,
        "tCO2/" + rows["unit"].astype(str).to_numpy(dtype=object),
        "tCO2/" + factor_unit.astype(object),
    )

    tce = _standard_coal(rows, fuel, physical, activity, fuel_unit, measured_ncv, heat_gj)
    measured = {
        "ncv": ~np.isnan(measured_ncv),
        "cc": rows["carbon_content"].notna().to_numpy(),
        "of": rows["oxidation_rate"].notna().to_numpy(),
        "cf": use_cf,
        "ef": use_ef,
    }
    return pd.DataFrame(
        {
            "item_id": fuel.to_numpy(dtype=object),
            "activity": np.where(physical, activity, heat_given),
            "activity_unit": factor_unit,
            "ncv_GJ_per_unit": np.where(physical & ~use_ef, ncv, np.nan),
            "cc_tC_per_GJ": np.where(use_cc, cc, np.nan),
            "oxidation_rate": np.where(use_ef, np.nan, of),
            "carbon_fraction": np.where(use_cf, carbon_fraction, np.nan),
            "emission_factor": ef_per_unit,
            "ef_unit": ef_unit,
            "tco2": tco2,
            "tco2_market": tco2,
            "tce": tce,
            "tce_equal_value": tce,
            "parameters": _parameter_labels(measured),
            "factor_id": "fuel:" + fuel.astype(str),
            "factor_status": fuel.map(defaults["status"]).fillna("measured (row)").to_numpy(),
            "provisional": False,
            "note": "",
        },
        index=rows.index,
    )


def _override(measured: pd.Series, default: pd.Series) -> np.ndarray:
    values = measured.to_numpy(dtype=float)
    return np.where(np.isnan(values), default.to_numpy(dtype=float), values)


def _check_parameters(rows, physical, use_cf, use_cc, ncv, cc, of, factor_set) -> None:
    """Name the parameter a row lacks: NCV, carbon content, oxidation rate, or a physical amount."""
    checks = [
        (use_cc & physical & np.isnan(ncv), "ncv", "a measured NCV (ncv, ncv_unit)"),
        (
            use_cc & np.isnan(cc),
            "carbon_content",
            "a measured carbon content in tC/GJ "
            "(carbon_content) or an elemental carbon fraction in tC/t (carbon_fraction)",
        ),
        ((use_cc | use_cf) & np.isnan(of), "oxidation_rate", "a measured oxidation rate"),
        (use_cf & ~physical, "unit", "a physical amount (t, 10^4 Nm3) with carbon_fraction"),
    ]
    for bad, column, expected in checks:
        raise_row_errors(
            rows,
            bad,
            lambda r, c=column: f"{r['item']} has no default {c} in factor set {factor_set}",
            column,
            expected,
        )


def _standard_coal(rows, fuel, physical, activity, fuel_unit, measured_ncv, heat_gj) -> np.ndarray:
    """Standard coal (tce) of each row, GB/T 2589-2020: measured NCV first, then the reference
    coefficient (kgce per kg or m3), then the heat content from the default NCV."""
    coefficients = standard_coal_coefficients()
    coefficient = fuel.map(coefficients["coefficient"]).to_numpy(dtype=float)
    per = fuel.map(coefficients["unit"].str.removeprefix("kgce/")).fillna("kg")
    to_per = map_unique([fuel_unit, per], safe(conversion_factor))
    to_per = np.array([np.nan if isinstance(s, Exception) else s for s in to_per], dtype=float)
    by_coefficient = activity * to_per * coefficient / 1000.0
    by_heat = heat_gj / GJ_PER_TCE
    use_heat = ~np.isnan(measured_ncv) | ~physical | np.isnan(by_coefficient)
    return np.where(use_heat, by_heat, by_coefficient)


def _parameter_labels(measured: dict[str, np.ndarray]) -> np.ndarray:
    """'default' or e.g. 'measured: ncv, cc' per row, so users see which values were their own."""
    labels = np.full(len(next(iter(measured.values()))), "", dtype=object)
    for name, flag in measured.items():
        labels = np.where(flag, np.where(labels == "", name, labels + ", " + name), labels)
    return np.where(labels == "", "default", "measured: " + labels.astype(str))
