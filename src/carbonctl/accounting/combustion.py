"""Fossil-fuel combustion (化石燃料燃烧) CO2: E = AD × NCV × CC × OF × 44/12, with per-row
measured parameters overriding the factor set's defaults (GB/T 32150-2015, 附录B and 6.2)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from carbonctl import refdata
from carbonctl.errors import UnitError
from carbonctl.frames import (
    map_unique,
    map_unique_checked,
    map_unique_fields,
    raise_row_errors,
    text,
)
from carbonctl.units import GJ_PER_TCE, conversion_factor, parse_unit

#: Mass ratio of CO2 to C (44/12), the carbon-to-CO2 conversion of every guideline.
CO2_PER_C = 44.0 / 12.0


def fuel_ids(items: pd.Series) -> np.ndarray:
    """fuel_id for each item name (Chinese, English, CEADs code or alias); None when unknown."""
    index = refdata.fuel_index()
    return map_unique([items], lambda name: index.get(refdata.normalise_name(name)))


def _ncv_scale(ncv_unit: object, fuel_unit: str) -> float:
    """Factor taking an NCV in ``ncv_unit`` to GJ per ``fuel_unit`` (1 when no unit is given)."""
    if pd.isna(ncv_unit):
        return 1.0
    given = parse_unit(str(ncv_unit))
    wanted = parse_unit("GJ") / parse_unit(fuel_unit)
    try:
        return float((given / wanted).to("dimensionless").magnitude)
    except Exception as exc:  # pint's DimensionalityError: NCV per the wrong kind of quantity
        raise UnitError(ncv_unit, f"an NCV per {fuel_unit} such as GJ/{fuel_unit}") from exc


def _amount_scale(unit: str, fuel_unit: str) -> tuple[bool, float]:
    """(True, factor to fuel_unit) for a physical amount, (False, factor to GJ) for heat."""
    try:
        return True, conversion_factor(unit, fuel_unit)
    except UnitError:
        pass
    try:
        return False, conversion_factor(unit, "GJ")
    except UnitError as exc:
        raise UnitError(unit, f"{fuel_unit} (or a convertible unit) or an energy unit") from exc


def standard_coal_coefficients() -> pd.DataFrame:
    """Single-valued standard-coal coefficients by energy id: (kgce per kg or m3, unit)."""
    table = refdata.load_table("standard_coal")
    single = table[(table["coefficient"] != "") & (table["coefficient_high"] == "")]
    single = single.assign(coefficient=single["coefficient"].astype(float))
    return single.drop_duplicates("energy_id").set_index("energy_id")[["coefficient", "unit"]]


#: Per-fuel values looked up once per distinct item name, with their dtypes.
PROFILE = {
    "fuel_id": object,
    "fuel_code": np.int64,
    "fuel_unit": object,
    "ncv": float,
    "cc": float,
    "of": float,
    "status": object,
    "factor_id": object,
    "tce_per_unit": float,
}


def _fuel_profiles(items: pd.Series, factor_set: str) -> tuple[dict[str, np.ndarray], list[str]]:
    """For each row, its fuel's id and integer code (-1 unknown), physical unit, default
    NCV/CC/OF, factor status and id, and the GB/T 2589 reference standard coal per physical unit
    (tce; NaN where the table gives a range). Also the physical unit of each fuel code, so later
    look-ups can key on the integer code instead of hashing text again."""
    defaults = refdata.fuel_factors(factor_set)
    catalogue = refdata.load_table("fuels").set_index("fuel_id")
    coefficients = standard_coal_coefficients()
    index = refdata.fuel_index()

    codes = {fuel: code for code, fuel in enumerate(catalogue.index)}

    def profile(name: object) -> tuple[object, ...]:
        fuel = index.get(refdata.normalise_name(name))
        if fuel is None:
            return (None, -1, "", np.nan, np.nan, np.nan, "", "", np.nan)
        unit = catalogue.at[fuel, "physical_unit"]
        known = fuel in defaults.index
        tce = np.nan
        if fuel in coefficients.index:
            per = coefficients.at[fuel, "unit"].removeprefix("kgce/")
            tce = coefficients.at[fuel, "coefficient"] * conversion_factor(unit, per) / 1000.0
        return (
            fuel,
            codes[fuel],
            unit,
            defaults.at[fuel, "ncv_GJ_per_unit"] if known else np.nan,
            defaults.at[fuel, "cc_tC_per_GJ"] if known else np.nan,
            defaults.at[fuel, "oxidation_rate"] if known else np.nan,
            defaults.at[fuel, "status"] if known else "measured (row)",
            f"fuel:{fuel}",
            tce,
        )

    profiles, _bad = map_unique_fields([items], profile, PROFILE)
    return profiles, list(catalogue["physical_unit"])


def combustion(rows: pd.DataFrame, factor_set: str) -> dict[str, np.ndarray]:
    """CO2 of combustion rows.

    Per row: activity in the fuel's physical unit (t or 10^4 Nm3), NCV (GJ/unit), carbon content
    CC (tC/GJ), oxidation rate OF, and

    - E = AD × NCV × CC × OF × 44/12 (GB/T 32150-2015 formula (2)–(4));
    - E = AD × C_ar × OF × 44/12 when the elemental carbon fraction C_ar (tC/t) is measured;
    - E = Q × CC × OF × 44/12 when the amount is given as heat Q (GJ, TJ …);
    - E = AD × EF when the row gives its own emission factor (tCO2 per input unit).

    Measured values in the row override the factor set's defaults; a fuel without a default
    (原煤 raw coal in both packaged sets) needs them, else an error names the missing parameter.
    Standard coal (tce, GB/T 2589-2020): heat from the measured NCV / ``units.GJ_PER_TCE``,
    else the reference coefficient, else the default NCV.
    """
    fuel, unit_of = _fuel_profiles(rows["item"], factor_set)
    raise_row_errors(
        rows,
        fuel["fuel_code"] < 0,
        lambda r: f"unknown fuel {r['item']!r}",
        "item",
        "a fuel of the catalogue (carbonctl refdata show fuels)",
    )
    scales, bad_unit = map_unique_fields(
        [rows["unit"], fuel["fuel_code"]],
        lambda unit, code: _amount_scale(unit, unit_of[code]),
        {"physical": bool, "scale": float},
        catch=True,
    )
    raise_row_errors(
        rows,
        bad_unit,
        lambda r: f"unit {r['unit']!r} does not suit {r['item']}",
        "unit",
        "a mass, volume or energy unit",
    )
    physical, scale = scales["physical"], scales["scale"]
    amount = rows["amount"].to_numpy(dtype=float)
    activity = np.where(physical, amount * scale, np.nan)
    heat_given = np.where(physical, np.nan, amount * scale)

    ncv_scale, bad = map_unique_checked(
        [rows["ncv_unit"], fuel["fuel_code"]],
        lambda ncv_unit, code: _ncv_scale(ncv_unit, unit_of[code]),
        dtype=float,
    )
    raise_row_errors(
        rows,
        bad,
        lambda r: f"NCV unit {r['ncv_unit']!r} does not suit {r['item']}",
        "ncv_unit",
        "energy per mass or volume, e.g. GJ/t",
    )
    measured_ncv = rows["ncv"].to_numpy(dtype=float) * ncv_scale
    ncv = np.where(np.isnan(measured_ncv), fuel["ncv"], measured_ncv)
    cc = _override(rows["carbon_content"], fuel["cc"])
    of = _override(rows["oxidation_rate"], fuel["of"])
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
    ef_per_unit = np.where(
        use_ef,
        given_ef,
        np.where(use_cf, carbon_fraction * of, np.where(physical, ncv, 1.0) * cc * of) * CO2_PER_C,
    )
    activity_unit = np.where(physical, fuel["fuel_unit"], "GJ")
    ef_unit = map_unique(
        [use_ef, physical, rows["unit"], fuel["fuel_code"]],
        lambda own, phys, unit, code: f"tCO2/{unit if own else unit_of[code] if phys else 'GJ'}",
    )
    # GB/T 2589-2020: measured NCV first, then the reference coefficient, then the default NCV.
    by_coefficient = activity * fuel["tce_per_unit"]
    use_heat = ~np.isnan(measured_ncv) | ~physical | np.isnan(by_coefficient)
    tce = np.where(use_heat, heat_gj / GJ_PER_TCE, by_coefficient)
    n = len(rows)
    return {
        "item_id": fuel["fuel_id"],
        "activity": np.where(physical, activity, heat_given),
        "activity_unit": activity_unit,
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
        "parameters": parameter_labels(
            ncv=~np.isnan(measured_ncv),
            cc=rows["carbon_content"].notna().to_numpy(),
            of=rows["oxidation_rate"].notna().to_numpy(),
            cf=use_cf,
            ef=use_ef,
        ),
        "factor_id": fuel["factor_id"],
        "factor_status": fuel["status"],
        "provisional": np.zeros(n, dtype=bool),
        "note": text("", n),
    }


def _override(measured: pd.Series, default: np.ndarray) -> np.ndarray:
    values = measured.to_numpy(dtype=float)
    return np.where(np.isnan(values), default, values)


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


def parameter_labels(**measured: np.ndarray) -> np.ndarray:
    """'default' or e.g. 'measured: ncv, cc' per row, so users see which values were their own.

    The flags are packed into bits and each distinct combination is spelt once.
    """
    names = list(measured)
    bits = np.zeros(len(next(iter(measured.values()))), dtype=np.int64)
    for position, flag in enumerate(measured.values()):
        bits |= np.asarray(flag, dtype=np.int64) << position

    def label(code: int) -> str:
        used = [name for position, name in enumerate(names) if code >> position & 1]
        return "measured: " + ", ".join(used) if used else "default"

    return map_unique([bits], label)
