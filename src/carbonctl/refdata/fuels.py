"""The fuel catalogue (燃料品种) and its default parameters by factor set (排放因子集): NCV, carbon
content and oxidation rate, packaged or added by administrators."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from carbonctl.errors import UnknownNameError
from carbonctl.refdata.loader import (
    cached_table,
    close_matches,
    extra_dirs,
    load_table,
    normalise_name,
)

DEFAULT_FACTOR_SET = "GB/T 32150-2015"

#: Columns of :func:`fuel_factors` (besides the ``fuel_id`` index).
FUEL_FACTOR_COLUMNS = [
    "fuel",
    "unit",
    "ncv_GJ_per_unit",
    "cc_tC_per_GJ",
    "oxidation_rate",
    "status",
    "note",
    "source",
]


@dataclass(frozen=True)
class Fuel:
    """A fuel of the catalogue (燃料品种)."""

    fuel_id: str
    name_zh: str
    name_en: str
    ceads_name: str
    physical_unit: str


@lru_cache(maxsize=8)
def _fuel_index(extras: tuple[Path, ...]) -> dict[str, str]:
    fuels = cached_table("fuels", extras)
    index: dict[str, str] = {}
    for row in fuels.itertuples(index=False):
        names = [
            row.fuel_id,
            row.name_zh,
            row.name_en,
            row.ceads_name,
            f"{row.name_zh} {row.name_en}",
        ]
        names += [a for a in row.aliases.split(";") if a]
        for name in names:
            if name:
                index.setdefault(normalise_name(name), row.fuel_id)
    return index


def fuel_index() -> dict[str, str]:
    """Normalised name (Chinese, English, CEADs code, alias) -> fuel_id, for vectorised lookups."""
    return _fuel_index(extra_dirs())


def fuel_names() -> list[str]:
    """Display names of all fuels, for suggestions."""
    fuels = load_table("fuels")
    return [*fuels["name_zh"], *fuels["name_en"], *fuels["ceads_name"].loc[lambda s: s != ""]]


def find_fuel(name: object) -> Fuel:
    """Find a fuel by Chinese name, English name, CEADs code or alias.

    Raises :class:`UnknownNameError` listing the closest known names when nothing matches.
    """
    fuel_id = fuel_index().get(normalise_name(name))
    if fuel_id is None:
        raise UnknownNameError("fuel", name, close_matches(str(name), fuel_names()))
    row = load_table("fuels").set_index("fuel_id").loc[fuel_id]
    return Fuel(fuel_id, row["name_zh"], row["name_en"], row["ceads_name"], row["physical_unit"])


# --- factor sets -------------------------------------------------------------------------------


def factor_set_ids() -> list[str]:
    """Factor sets available (packaged and added by administrators)."""
    return list(dict.fromkeys(load_table("fuel_factors")["factor_set"]))


def resolve_factor_set(factor_set: str | None) -> str:
    """The factor-set id to use; raises with the known ids when ``factor_set`` is unknown."""
    if factor_set is None:
        return DEFAULT_FACTOR_SET
    ids = factor_set_ids()
    by_key = {normalise_name(i): i for i in ids}
    found = by_key.get(normalise_name(factor_set))
    if found is None:
        raise UnknownNameError("factor set", factor_set, ids)
    return found


def fuel_factors(factor_set: str | None = None) -> pd.DataFrame:
    """Default fuel parameters of one factor set, indexed by ``fuel_id``.

    Columns: unit, ncv_GJ_per_unit, cc_tC_per_GJ, oxidation_rate (floats), status, source.
    The frame's ``attrs["factor_set"]`` names the set.
    """
    set_id = resolve_factor_set(factor_set)
    table = load_table("fuel_factors")
    table = table[table["factor_set"] == set_id].copy()
    for column in ("ncv_GJ_per_unit", "cc_tC_per_GJ", "oxidation_rate"):
        table[column] = pd.to_numeric(table[column], errors="coerce")
    table = table.drop_duplicates("fuel_id", keep="last").set_index("fuel_id")
    table.attrs["factor_set"] = set_id
    return table[FUEL_FACTOR_COLUMNS]


def factor_sets() -> list[dict[str, str]]:
    """Every factor set with its titles, status and source (an added set without a description
    in ``factor_sets*.csv`` says so)."""
    described = load_table("factor_sets").drop_duplicates("factor_set", keep="last")
    described = described.set_index("factor_set")
    out = []
    for code in factor_set_ids():
        row = described.loc[code] if code in described.index else None
        out.append(
            {
                "code": code,
                "title_zh": row["title_zh"] if row is not None else "",
                "title_en": row["title_en"] if row is not None else "",
                "status": row["status"] if row is not None else "added factor set (no description)",
                "source": row["source"] if row is not None else "",
            }
        )
    return out
