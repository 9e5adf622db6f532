"""Sector classifications (行业分类) — GB/T 4754-2017, 全社会用电分类 and the CEADs 47 sectors — and
the weighted mappings between them (行业分类对照)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

import pandas as pd

from carbonctl.errors import UnknownNameError
from carbonctl.refdata.loader import close_matches, load_table, normalise_name

#: Sector classification (行业分类) -> what it is. ``ceads`` codes are the CEADs sector names.
SECTOR_SCHEMES: dict[str, str] = {
    "gbt4754_2017": "GB/T 4754-2017 国民经济行业分类: sections 门类 A–T, divisions 大类 01–97",
    "electricity_use": "全社会用电分类: electricity-use classes of power statistics (our codes)",
    "ceads": "CEADs 47 sectors (energy-balance industry list), by name",
}
_SCHEME_ALIASES = {
    "gbt4754_2017": ("GB/T 4754-2017", "GB/T 4754", "gbt4754", "国民经济行业分类"),
    "electricity_use": ("electricity", "electricity_use_classes", "全社会用电分类"),
    "ceads": ("CEADs sectors",),
}
SECTOR_COLUMNS = [
    "code",
    "level",
    "parent",
    "name_zh",
    "name_en",
    "key_industry",
    "status",
    "source",
]
_CEADS_STATUS = (
    "CONFIRMED (sector names read from the CEADs inventory workbooks, ceads_layout.csv); "
    "name_zh UNCONFIRMED (recalled, labels.csv); "
    "key_industry DESIGN PROPOSAL (mapping proposed by the research)"
)
_INVERSE = {"part_of": "consists_of", "consists_of": "part_of"}
# Row numbering in the power statistics' class names: "二、工业", "（二）制造业", "其中：…".
_CLASS_PREFIX = re.compile(
    r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|[AB]、|其中：)"
)


def resolve_sector_scheme(name: str) -> str:
    """The id of a sector classification; raises with the known ids when ``name`` is unknown."""
    keys = {normalise_name(s): s for s in SECTOR_SCHEMES}
    keys.update({normalise_name(a): s for s, aliases in _SCHEME_ALIASES.items() for a in aliases})
    scheme = keys.get(normalise_name(name))
    if scheme is None:
        raise UnknownNameError("sector scheme", name, list(SECTOR_SCHEMES))
    return scheme


def sector_scheme(name: str) -> pd.DataFrame:
    """The codes of one sector classification (行业分类), one row each.

    Columns: code, level, parent, name_zh, name_en, key_industry, status, source. ``key_industry``
    names the seed's key-industry group (电力热力 power & heat, 钢铁 steel, …) with the labels of
    ``ceads_layout.csv``; it is empty for the electricity-use classes and GB/T 4754 sections.
    """
    scheme = resolve_sector_scheme(name)
    if scheme == "ceads":
        layout = load_table("ceads_layout")
        sectors = layout[layout["kind"] == "sector"]
        names = load_table("labels").query("kind == 'sector_ceads'").set_index("key")["name_zh"]
        return pd.DataFrame(
            {
                "code": sectors["name"],
                "level": "sector",
                "parent": "",
                "name_zh": sectors["name"].map(names).fillna(""),
                "name_en": sectors["name"],
                "key_industry": sectors["platform_key_industry_mapping"],
                "status": _CEADS_STATUS,
                "source": sectors["source"],
            }
        ).reset_index(drop=True)
    table = load_table("gbt4754_2017" if scheme == "gbt4754_2017" else "electricity_use_classes")
    if "key_industry" not in table.columns:
        table["key_industry"] = ""
    return table[SECTOR_COLUMNS]


def _sector_index(table: pd.DataFrame) -> dict[str, str]:
    """Normalised code, Chinese or English name -> code; names also without their row numbering."""
    index: dict[str, str] = {}
    names_zh = table["name_zh"].str.replace(_CLASS_PREFIX, "", regex=True)
    for names in (table["name_en"], names_zh, table["name_zh"], table["code"]):  # codes win
        index.update({normalise_name(v): c for v, c in zip(names, table["code"], strict=True) if v})
    return index


def _sector_code(scheme: str, table: pd.DataFrame, index: dict[str, str], text: object) -> str:
    """The code of one sector given by code or name (``6`` is GB/T 4754 division ``06``)."""
    key = normalise_name(str(text).removesuffix(".0"))
    if scheme == "gbt4754_2017" and key.isdigit() and len(key) == 1:
        key = key.zfill(2)
    code = index.get(key)
    if code is None:
        candidates = [*table["code"], *table["name_zh"].loc[lambda s: s != ""]]
        raise UnknownNameError(f"{scheme} sector", text, close_matches(str(text), candidates))
    return code


def sector_code(scheme: str, text: object) -> str:
    """The code of a sector of ``scheme`` given by code, Chinese name (with or without its row
    numbering, e.g. 二、工业 or 工业) or English name; :class:`UnknownNameError` with the closest
    names otherwise."""
    name = resolve_sector_scheme(scheme)
    table = sector_scheme(name)
    return _sector_code(name, table, _sector_index_of(name), text)


@cache
def _sector_index_of(scheme: str) -> dict[str, str]:
    """The name index of ``scheme`` with its ``aliases`` (the short forms people write, such as
    城乡居民生活用电 for B、城乡居民生活用电合计; semicolon-separated) where the table has them;
    codes and full names win over aliases."""
    table = sector_scheme(scheme)
    index = _sector_index(table)
    raw = load_table("electricity_use_classes") if scheme == "electricity_use" else None
    if raw is not None and "aliases" in raw.columns:
        for code, aliases in zip(raw["code"], raw["aliases"].fillna(""), strict=True):
            for alias in filter(None, (a.strip() for a in str(aliases).split(";"))):
                index.setdefault(normalise_name(alias), code)
    return index


def map_sectors(codes: str | Iterable[object], from_scheme: str, to_scheme: str) -> pd.DataFrame:
    """Map sector codes of one classification onto another (行业分类对照), weights kept.

    Returns one row per pair: from_code, to_code, relation, weight (float), status, note, source.
    ``part_of``: ``weight`` of the from-sector belongs to the to-sector; over one partition (GB/T
    4754 divisions to CEADs sectors) a code's weights sum to 1, and a split (橡胶和塑料制品业 ->
    Rubber + Plastic Products) carries fractional weights. ``consists_of``: the from-sector
    includes ``weight`` of the to-sector (1 = all of it), e.g. 第三产业 consists of divisions 05,
    11, 43 and 51–97. Mappings are kept in one direction and read backwards with the relation
    turned round, so CEADs -> GB/T 4754 works too. Codes may be given by code or name; an unknown
    one raises :class:`UnknownNameError` with the closest codes and names. A known code with no
    counterpart (CEADs "Logging and Transport of Wood and Bamboo" in GB/T 4754-2017) gives no row.
    An electricity-use class spanning several CEADs sectors (二、工业) reaches them through its
    GB/T 4754 divisions: map it to ``gbt4754_2017`` first, then those divisions to ``ceads``.
    """
    source_scheme = resolve_sector_scheme(from_scheme)
    target_scheme = resolve_sector_scheme(to_scheme)
    table = sector_scheme(source_scheme)
    index = _sector_index_of(source_scheme)
    given = [codes] if isinstance(codes, str) else list(codes)
    wanted = list(dict.fromkeys(_sector_code(source_scheme, table, index, c) for c in given))
    mappings = load_table("sector_mappings")
    forward = mappings[
        (mappings["from_scheme"] == source_scheme)
        & (mappings["to_scheme"] == target_scheme)
        & mappings["from_code"].isin(wanted)
    ]
    backward = mappings[
        (mappings["from_scheme"] == target_scheme)
        & (mappings["to_scheme"] == source_scheme)
        & mappings["to_code"].isin(wanted)
    ].rename(columns={"from_code": "to_code", "to_code": "from_code"})
    backward = backward.assign(relation=backward["relation"].map(_INVERSE))
    columns = ["from_code", "to_code", "relation", "weight", "status", "note", "source"]
    rows = pd.concat([forward[columns], backward[columns]], ignore_index=True)
    rows = rows.drop_duplicates(["from_code", "to_code", "relation"])
    rows["weight"] = rows["weight"].astype(float)
    order = {code: i for i, code in enumerate(wanted)}
    rows = rows.sort_values("from_code", key=lambda s: s.map(order), kind="stable")
    return rows.reset_index(drop=True)
