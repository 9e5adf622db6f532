"""Checks against the reference data (参考数据校验): unit dimensions, fuels, process materials,
electricity and heat items, regions and NCV units, one lookup per distinct value."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from carbonctl import refdata
from carbonctl.errors import UnitError, UnknownNameError
from carbonctl.io.cleaning import _arrow_text, is_numeric_column, per_unique, per_unique_pair
from carbonctl.io.problems import Problems
from carbonctl.units import normalise_unit_text, parse_unit

__all__ = [
    "CONTROL_CHARACTERS",
    "DIMENSIONS",
    "check_control_characters",
    "check_names",
    "check_ncv_units",
    "check_regions",
    "check_units",
    "fuel_ids",
    "known_fuel_message",
    "lookup_message",
]

#: pint dimensions of the amounts a row may give, by the name used in messages.
DIMENSIONS: dict[str, str] = {
    "mass": "[mass]",
    "volume": "[length] ** 3",
    "energy": "[energy]",
}
#: C0 control characters but TAB, and DEL: NUL ends strings in C, CR/LF break CSV exports and
#: log lines, the rest are invisible. Written with [0-9]/escapes for Arrow's RE2.
CONTROL_CHARACTERS = r"[\x00-\x08\x0a-\x1f\x7f]"
_CONTROL = re.compile(CONTROL_CHARACTERS)
_CONTROL_NAMES = {0: "NUL", 10: "line feed", 13: "carriage return", 27: "ESC", 127: "DEL"}
_NCV_DIMENSIONS = ("[energy] / [mass]", "[energy] / [length] ** 3")
_UNKNOWN = "unknown"


def lookup_message(lookup: Callable[[object], object], value: object) -> str | None:
    """None when ``lookup(value)`` finds it, else the reference data's own message (with the
    closest known names)."""
    try:
        lookup(value)
    except UnknownNameError as exc:
        return str(exc)
    return None


def _dimension(unit: object) -> str:
    try:
        quantity = parse_unit(str(unit))
    except UnitError:
        return _UNKNOWN
    return next((name for name, dim in DIMENSIONS.items() if quantity.check(dim)), "other")


def check_units(
    units: pd.Series,
    groups: pd.Series,
    allowed: Mapping[str, tuple[str, ...]],
    exempt: np.ndarray,
    problems: Problems,
    expected: str,
    expected_by_group: Mapping[str, str],
) -> None:
    """Units must parse, and for each group (a category) be of one of its ``allowed`` dimensions
    (:data:`DIMENSIONS`); ``expected_by_group`` says what each group needs, e.g. "t, 万t …".

    Each distinct unit is parsed once; the per-row test is then an integer lookup. ``exempt``
    rows skip the dimension test (not the parse).
    """
    codes, uniques = pd.factorize(units, use_na_sentinel=True)
    dimension = np.array([_dimension(u) for u in uniques] + [""], dtype=object)
    rows = units.index.to_numpy()
    unknown = (dimension == _UNKNOWN)[codes]
    problems.add_formatted(
        rows[unknown], "unit", expected, "unknown unit {unit!r}", unit=units[unknown]
    )
    for name, dimensions in allowed.items():
        fits = np.isin(dimension, [*dimensions, _UNKNOWN, ""])
        in_group = groups.eq(name).fillna(False).to_numpy(dtype=bool)
        wrong = in_group & ~fits[codes] & ~exempt
        wanted = " or ".join(dimensions)
        problems.add_formatted(
            rows[wrong],
            "unit",
            expected_by_group[name],
            f"unit {{unit!r}} is not a unit of {wanted}, as {name} rows need",
            unit=units[wrong],
        )


def check_names(
    names: pd.Series,
    mask: np.ndarray,
    explain: Callable[[object], str | None],
    problems: Problems,
    column: str,
    expected: str,
) -> None:
    """Where ``mask`` holds, ``explain(name)`` (once per distinct name) says what is wrong, or
    None when the name is fine."""
    subset = names[mask & names.notna().to_numpy()]
    if subset.empty:
        return
    messages = per_unique(subset, explain)
    bad = pd.notna(messages)
    problems.add_per_row(subset.index.to_numpy()[bad], column, expected, messages[bad])


def fuel_ids(names: pd.Series) -> np.ndarray:
    """fuel_id per row from a name column (None when unknown), one lookup per distinct name."""
    index = refdata.fuel_index()
    return per_unique(names, lambda name: index.get(refdata.normalise_name(name)))


def known_fuel_message(name: object) -> str | None:
    """None for a fuel of the catalogue, else ``find_fuel``'s message with the closest names."""
    if refdata.normalise_name(name) in refdata.fuel_index():
        return None
    return lookup_message(refdata.find_fuel, name)


def check_regions(regions: pd.Series, problems: Problems, expected: str) -> None:
    """Every non-blank region must be an adcode or a region name of the reference data."""
    check_names(
        regions,
        np.ones(len(regions), dtype=bool),
        lambda r: lookup_message(refdata.find_region, r),
        problems,
        "region",
        expected,
    )


def _ncv_unit_message(unit: object) -> str | None:
    try:
        quantity = parse_unit(str(unit))
    except UnitError:  # junk, or a ratio such as GJ/kWh that cancels out
        quantity = None
    if quantity is not None and any(quantity.check(dim) for dim in _NCV_DIMENSIONS):
        return None
    return f"{unit!r} is not a unit of energy per mass or per volume"


def _suits_fuel(fuel_unit: object, ncv_unit: object) -> bool:
    wanted = parse_unit("GJ") / parse_unit(str(fuel_unit))
    return parse_unit(str(ncv_unit)).check(wanted.dimensionality)


def check_ncv_units(
    ncv_units: pd.Series,
    fuel_names: pd.Series,
    is_fuel: np.ndarray,
    problems: Problems,
    expected: str,
) -> None:
    """``ncv_unit`` must be an energy per mass or volume, and on fuel rows (``is_fuel``) per the
    same kind of quantity as the fuel's amounts (GJ/t for coal, GJ/万Nm3 for natural gas)."""
    given = ncv_units.notna().to_numpy()
    if not given.any():
        return
    units = ncv_units[given]
    messages = per_unique(units, _ncv_unit_message)
    bad = pd.notna(messages)
    rows = units.index.to_numpy()
    problems.add_per_row(rows[bad], "ncv_unit", expected, messages[bad])

    usable = ~bad & is_fuel[given]
    names = fuel_names[given][usable]
    physical = refdata.load_table("fuels").set_index("fuel_id")["physical_unit"]
    # Shown as users write it (万Nm3 rather than the catalogue's 10^4 Nm3).
    physical = physical.map(normalise_unit_text)
    fuel_unit = pd.Series(fuel_ids(names), index=names.index, dtype=object).map(physical)
    suits = per_unique_pair(fuel_unit, units[usable], _suits_fuel, missing=True).astype(bool)
    problems.add_formatted(
        rows[usable][~suits],
        "ncv_unit",
        expected,
        "NCV unit {unit!r} does not suit {fuel}, whose amounts are per {per} (e.g. GJ/{per})",
        unit=units[usable][~suits],
        fuel=names[~suits],
        per=fuel_unit[~suits],
    )


def _control_name(text: object) -> str:
    found = _CONTROL.search(str(text))
    code = ord(found[0]) if found else 0
    name = _CONTROL_NAMES.get(code)
    return f"U+{code:04X}" + (f" ({name})" if name else "")


def check_control_characters(frame: pd.DataFrame, names: list[str], problems: Problems) -> None:
    """Row errors for cells holding a control character, in every text column of ``frame``
    (``names``: what to call each column, by position); TAB is allowed. Each distinct cell is
    tested in Arrow."""
    rows = frame.index.to_numpy()
    for position, name in enumerate(names):
        column = frame.iloc[:, position]
        if is_numeric_column(column):
            continue
        # RE2 over the whole column: cheaper than finding its distinct cells first.
        flagged = pc.match_substring_regex(_arrow_text(column), CONTROL_CHARACTERS)
        hit = flagged.fill_null(False).to_numpy(zero_copy_only=False)
        if not hit.any():
            continue
        problems.add_formatted(
            rows[hit],
            name,
            "text without control characters (TAB is the only one allowed)",
            "contains the control character {char}",
            char=[_control_name(v) for v in column[hit]],
        )
