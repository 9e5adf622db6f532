"""Administrative regions (行政区划) by adcode: China, its provinces, Shanxi's cities and counties;
and the one roll-up of county figures to cities and the province (县 -> 市 -> 省 汇总)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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

#: China's adcode: the root of the region table and the scope of the national grid factor.
NATIONAL = "100000"
#: The province carbonctl serves (Shanxi, 山西省): the root of the region tree and of every roll-up.
PROVINCE = "140000"
#: Levels of a roll-up, from the bottom: county (县级), city (地级市), province (省).
LEVELS = ("county", "city", "province")
#: Label of the rows a roll-up sums over its ``total`` column (all industries, all sectors …).
ALL = "ALL"

_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "省", "市")


@dataclass(frozen=True)
class Region:
    """An administrative region (行政区划) by adcode."""

    adcode: str
    level: str
    name_zh: str
    province_adcode: str
    grid_region: str


def base_name(name: str) -> str:
    """A region's name without its administrative suffix (``山西省`` -> ``山西``)."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name.removesuffix(suffix)
    return name


@lru_cache(maxsize=8)
def _region_index(extras: tuple[Path, ...]) -> dict[str, str]:
    regions = cached_table("regions", extras)
    index: dict[str, str] = {}
    # Counties first, so that a city or province of the same name wins on setdefault below.
    for row in regions.iloc[::-1].itertuples(index=False):
        for name in (row.adcode, row.name_zh, base_name(row.name_zh), row.name_en):
            if name:
                index[normalise_name(name)] = row.adcode
    return index


def find_region(text: object) -> Region:
    """A region by adcode (``140000``) or Chinese/English name (``山西``, ``山西省``, ``Shanxi``).

    Two Shanxi counties share the name 城区; give those by adcode.
    """
    key = normalise_name(str(text).removesuffix(".0"))
    regions = load_table("regions").set_index("adcode")
    adcode = _region_index(extra_dirs()).get(key)
    if adcode is None and key.isdigit() and len(key) == 6:
        province = key[:2] + "0000"
        if province in regions.index:  # a valid province prefix: a county we do not list
            adcode = province
    if adcode is None:
        names = [*regions["name_zh"], *regions.index]
        raise UnknownNameError("region", text, close_matches(str(text), names))
    row = regions.loc[adcode]
    province = NATIONAL if adcode == NATIONAL else adcode[:2] + "0000"
    grid_region = regions.loc[province, "grid_region"] if province in regions.index else ""
    return Region(adcode, row["level"], row["name_zh"], province, grid_region)


@lru_cache(maxsize=8)
def _county_city(extras: tuple[Path, ...]) -> tuple[tuple[str, str], ...]:
    regions = cached_table("regions", extras)
    counties = regions[regions["level"] == "county"]
    return tuple(zip(counties["adcode"], counties["parent_adcode"], strict=True))


def county_city() -> dict[str, str]:
    """County adcode -> its city's adcode (上级地级市), from the regions table."""
    return dict(_county_city(extra_dirs()))


def _region_at(level: str, county: pd.Series, cities: Mapping[str, str] | None) -> pd.Series:
    """The region each county row adds to at ``level`` (NaN for a county without a city)."""
    if level == "county":
        return county
    if level == "city":
        return county.map(county_city() if cities is None else cities)
    return pd.Series(PROVINCE, index=county.index)


def roll_up(
    cells: pd.DataFrame,
    *,
    by: Sequence[str],
    values: Sequence[str],
    total: str | None = None,
    levels: Sequence[str] = LEVELS,
    cities: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """County rows -> county, city and province rows, summed (县 -> 市 -> 省 汇总):
    value(region, by) = Σ value(county, by) over the region's counties.

    ``cells`` has a ``county`` column (adcode), the grouping columns ``by`` and the ``values`` to
    add up. The result has ``level``, ``region``, ``*by`` and ``*values``: for each of ``levels``
    in turn, one row per region and distinct ``by``, in order of first appearance. With ``total``
    (one of ``by``), each level also has the rows summed over that column, labelled
    :data:`ALL` (all industries, all sectors), after the rows by it. A county's city comes from
    ``cities`` (county -> city; default :func:`county_city`); a county without one adds to its
    own row and the province's only.
    """
    unknown = [level for level in levels if level not in LEVELS]
    if unknown:
        raise UnknownNameError("region level", unknown[0], list(LEVELS))
    if total is not None and total not in by:
        raise UnknownNameError("roll-up column", total, list(by))
    columns = ["level", "region", *by]
    parts = []
    for level in levels:
        framed = cells.assign(level=level, region=_region_at(level, cells["county"], cities))
        groupings = [framed] if total is None else [framed, framed.assign(**{total: ALL})]
        for grouping in groupings:
            parts.append(grouping.groupby(columns, sort=False)[list(values)].sum().reset_index())
    return pd.concat(parts, ignore_index=True)
