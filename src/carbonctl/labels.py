"""Labels as data (标签): the Chinese and English name of every key carbonctl shows — regions,
fuels, the sectors of its three classifications, key industries, accounting categories,
allocation methods, evaluation indicators, five-year plans, reference statuses, warning levels.

Each kind of key has one registry that already holds its names (regions.csv, fuels.csv, the
sector tables, the method and indicator registries, five_year_plans.csv); keys without one
(CEADs sectors' Chinese names, key industries, categories, statuses, levels) are in
``refdata/data/labels.csv`` with source and status. This module reads them all, so a page, an
export or a command asks ``label(kind, key, lang)`` and never prints the key itself; and a test
can list every key that must not reach a page (:func:`internal_keys`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import cache
from importlib import resources
from types import MappingProxyType

import pandas as pd

from carbonctl.errors import UnknownNameError
from carbonctl.refdata import load_table, sector_scheme
from carbonctl.refdata.loader import STATUS_WORDS

__all__ = [
    "LABEL_KINDS",
    "LANGUAGES",
    "SECTOR_KINDS",
    "factor_label",
    "internal_keys",
    "item_label",
    "label",
    "label_table",
    "labels",
    "status_text",
]

#: Languages labels come in: Chinese (the default) and English.
LANGUAGES = ("zh", "en")


def _own(kind: str) -> pd.DataFrame:
    table = load_table("labels")
    return table.loc[table["kind"] == kind, ["key", "name_zh", "name_en"]]


def _regions() -> pd.DataFrame:
    table = load_table("regions").rename(columns={"adcode": "key"})
    return table[["key", "name_zh", "name_en"]]


def _fuels() -> pd.DataFrame:
    fuels = load_table("fuels")
    by_id = fuels.rename(columns={"fuel_id": "key"})[["key", "name_zh", "name_en"]]
    # inventories keyed by CEADs fuel codes (Raw_Coal) show the same names
    by_ceads = fuels.loc[fuels["ceads_name"] != ""].rename(columns={"ceads_name": "key"})
    # inventory cells keep the Chinese name (原煤), which reads "raw coal" in English; and the
    # CEADs process column (Process) is in labels.csv
    by_name = fuels.assign(key=fuels["name_zh"])
    columns = ["key", "name_zh", "name_en"]
    return pd.concat([by_id, by_ceads[columns], by_name[columns], _own("fuel")])


def _materials() -> pd.DataFrame:
    return load_table("process_materials").rename(columns={"material_id": "key"})[
        ["key", "name_zh", "name_en"]
    ]


def _sectors(scheme: str) -> Callable[[], pd.DataFrame]:
    def table() -> pd.DataFrame:
        return sector_scheme(scheme).rename(columns={"code": "key"})[["key", "name_zh", "name_en"]]

    return table


def _model_sectors() -> pd.DataFrame:
    from carbonctl.electricity.schema import model_sectors_table

    return model_sectors_table().rename(columns={"code": "key"})[["key", "name_zh", "name_en"]]


def _methods() -> pd.DataFrame:
    from carbonctl.targets.methods import METHODS

    return pd.DataFrame(
        [(m.name, m.label_zh, m.label_en) for m in METHODS.values()],
        columns=["key", "name_zh", "name_en"],
    )


def _indicators() -> pd.DataFrame:
    folder = resources.files("carbonctl.evaluation") / "data"
    frames = []
    for file in ("platform_index_system.csv", "burden_indicators.csv", "seed_index_system.csv"):
        with (folder / file).open(encoding="utf-8") as handle:
            table = pd.read_csv(handle, dtype=str, keep_default_na=False)
        if "name_en" not in table:
            table["name_en"] = ""
        frames.append(table.rename(columns={"indicator": "key"})[["key", "name_zh", "name_en"]])
    return pd.concat(frames)


def _plans() -> pd.DataFrame:
    return load_table("five_year_plans").rename(columns={"plan": "key"})[
        ["key", "name_zh", "name_en"]
    ]


#: Kind of key -> (what it is, where its names come from).
_SOURCES: dict[str, tuple[str, Callable[[], pd.DataFrame]]] = {
    "region": ("行政区划 regions by adcode (regions.csv)", _regions),
    "fuel": (
        "能源品种 fuels by id, CEADs code, Chinese name (fuels.csv; Process: labels.csv)",
        _fuels,
    ),
    "material": ("工业过程原料 process materials (process_materials.csv)", _materials),
    "sector_ceads": ("CEADs 47 部门 CEADs sectors (labels.csv)", lambda: _own("sector_ceads")),
    "sector_gbt4754": ("国民经济行业分类 GB/T 4754-2017", _sectors("gbt4754_2017")),
    "sector_electricity": ("全社会用电分类 electricity-use classes", _sectors("electricity_use")),
    "model_sector": ("电碳模型部门 electricity–carbon model sectors", _model_sectors),
    "key_industry": ("重点行业 key industries (labels.csv)", lambda: _own("key_industry")),
    "category": ("排放源类别 emission categories (labels.csv)", lambda: _own("category")),
    "method": ("分配方法 allocation methods (targets.methods.METHODS)", _methods),
    "indicator": ("评价指标 evaluation indicators (evaluation/data)", _indicators),
    "plan": ("五年规划 five-year plans (five_year_plans.csv)", _plans),
    "status": ("数据状态 reference-data statuses (labels.csv)", lambda: _own("status")),
    "level": ("预警等级 warning levels (labels.csv)", lambda: _own("level")),
    "basis": ("核算口径 accounting basis (labels.csv)", lambda: _own("basis")),
    "grid_scope": ("电网因子范围 grid-factor scopes (labels.csv)", lambda: _own("grid_scope")),
    "region_level": ("区划级别 region levels (labels.csv)", lambda: _own("region_level")),
    "sector_level": ("行业分类层级 sector levels (labels.csv)", lambda: _own("sector_level")),
    "footprint_grade": ("碳标识等级 product carbon label grades", lambda: _own("footprint_grade")),
}

#: Sector classification (refdata.SECTOR_SCHEMES) -> the kind of its codes' labels.
SECTOR_KINDS: Mapping[str, str] = MappingProxyType(
    {
        "gbt4754_2017": "sector_gbt4754",
        "electricity_use": "sector_electricity",
        "ceads": "sector_ceads",
    }
)

#: Kind of key -> what it is.
LABEL_KINDS: Mapping[str, str] = MappingProxyType({k: v[0] for k, v in _SOURCES.items()})


@cache
def label_table(kind: str) -> pd.DataFrame:
    """The keys of ``kind`` with their ``name_zh`` and ``name_en`` (one row per key; an English
    name missing in the registry falls back to the Chinese one)."""
    if kind not in _SOURCES:
        raise UnknownNameError("label kind", kind, list(_SOURCES))
    table = _SOURCES[kind][1]().astype(str).drop_duplicates("key").set_index("key")
    table["name_zh"] = table["name_zh"].where(table["name_zh"] != "", table.index.to_series())
    table["name_en"] = table["name_en"].where(table["name_en"] != "", table["name_zh"])
    return table


def _language(lang: str | None) -> str:
    """``zh`` or ``en`` from a language code such as ``zh-hans`` or ``en-gb`` (None: Chinese)."""
    return "en" if lang and str(lang).lower().startswith("en") else "zh"


@cache
def labels(kind: str, lang: str | None = "zh") -> Mapping[str, str]:
    """Key -> name of every key of ``kind`` in ``lang`` (``zh`` or ``en``)."""
    column = f"name_{_language(lang)}"
    return MappingProxyType(label_table(kind)[column].to_dict())


def item_label(item_id: object, item: object = "", lang: str | None = "zh") -> str:
    """The name of an activity row's item: a fuel's or a process material's by its id, else the
    item as the user wrote it."""
    for kind in ("fuel", "material"):
        if str(item_id) in labels(kind, lang):
            return label(kind, item_id, lang)
    return str(item or item_id or "")


def factor_label(factor_id: object, lang: str | None = "zh") -> str:
    """An accounted row's factor (``fuel:coke``, ``process:limestone_flux``) by the name of its
    fuel or material; another factor (a grid factor's id) as it is."""
    text = "" if factor_id is None else str(factor_id)
    key = text.rpartition(":")[2]
    name = item_label(key, "", lang)
    return name if name != key else text


_STATUS_WORDS = re.compile(rf"\b({'|'.join(STATUS_WORDS)})\b")


def status_text(text: object, lang: str | None = "zh") -> str:
    """A reference value's status text with each status word in ``lang``:
    ``"SECONDARY (2x); grid_region UNCONFIRMED"`` -> ``"二手来源 (2x); grid_region 未核实"``."""
    return _STATUS_WORDS.sub(lambda m: label("status", m.group(1), lang), str(text or ""))


def label(kind: str, key: object, lang: str | None = "zh") -> str:
    """The name of ``key`` (a ``kind`` of key, see :data:`LABEL_KINDS`) in ``lang``; a key the
    registry does not hold is returned as it is (data from outside the registries still shows)."""
    text = "" if key is None else str(key)
    return labels(kind, lang).get(text, text)


@cache
def internal_keys(lang: str | None = "zh") -> Mapping[str, str]:
    """Every key whose name in ``lang`` differs from the key (so the key on a page means a label
    was skipped) -> its kind. Pure numbers and one- or two-character codes are left out: they
    are also ordinary numbers and letters on a page."""
    keys: dict[str, str] = {}
    for kind in _SOURCES:
        for key, name in labels(kind, lang).items():
            if key != name and len(key) > 2 and not key.replace(".", "").isdigit():
                keys.setdefault(key, kind)
    return MappingProxyType(keys)
