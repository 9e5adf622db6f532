"""Look up one entry of the reference data by name (参考数据查询): a whole table, a fuel's default
parameters in every factor set, or a process material — what ``carbonctl refdata show`` prints."""

from __future__ import annotations

import dataclasses

import pandas as pd

from carbonctl.errors import CarbonctlError, UnknownNameError
from carbonctl.refdata.factors import find_material
from carbonctl.refdata.fuels import find_fuel, fuel_names
from carbonctl.refdata.loader import TABLES, close_matches, load_table

#: The note of a fuel that no factor set gives default parameters for.
NO_DEFAULTS = "no default parameters in any factor set: give measured NCV and carbon content"


def lookup(name: str) -> pd.DataFrame:
    """The reference data behind ``name``, tried in this order:

    - a table name (``fuel_factors``): the whole table;
    - a fuel (Chinese, English, CEADs name or alias): its rows of ``fuel_factors`` in every factor
      set, or one row of the fuel with a ``note`` when no set gives defaults;
    - a process material: one row with its method, factor, status and source.

    Raises :class:`UnknownNameError` ("table, fuel or material") with the closest table and fuel
    names when ``name`` is none of these.
    """
    if name in TABLES:
        return load_table(name)
    try:
        fuel = find_fuel(name)
    except CarbonctlError:
        try:
            material = find_material(name)
        except CarbonctlError:
            candidates = [*TABLES, *fuel_names()]
            raise UnknownNameError(
                "table, fuel or material", name, close_matches(name, candidates)
            ) from None
        return pd.DataFrame([dataclasses.asdict(material)])
    factors = load_table("fuel_factors")
    rows = factors[factors["fuel_id"] == fuel.fuel_id]
    if rows.empty:
        return pd.DataFrame([{**dataclasses.asdict(fuel), "note": NO_DEFAULTS}])
    return rows
