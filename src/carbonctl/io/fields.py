"""The columns of each input table (输入表字段): header spellings, kind, what a good value looks
like and the pandera checks, described as data so that a new table is a new list of fields."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import pandera.pandas as pa

from carbonctl.refdata import normalise_name

__all__ = [
    "ACTIVITY_FIELDS",
    "CATEGORIES",
    "GREEN_ELECTRICITY_ITEMS",
    "GRID_ELECTRICITY_ITEMS",
    "HEAT_ITEMS",
    "INVENTORY_FIELDS",
    "PROCESS_ROW_NAMES",
    "Field",
    "is_green_electricity",
]

Kind = Literal["text", "unit", "number"]


@dataclass(frozen=True)
class Field:
    """One column of an input table.

    ``kind``: ``text`` is NFKC-normalised and trimmed; ``unit`` is only trimmed (units.py
    normalises units itself, and the output keeps the unit as the user wrote it); ``number`` is
    read from text, thousands separators allowed. ``vocabulary`` maps normalised spellings to the
    canonical word (投入 -> input). ``text_checks`` run on the cleaned text, ``value_checks`` on
    the numbers; the ``error`` of each check is a key of :data:`carbonctl.io.problems.MESSAGES`.
    """

    name: str
    aliases: tuple[str, ...] = ()
    kind: Kind = "text"
    required: bool = False
    expected: str = ""
    vocabulary: Mapping[str, str] | None = None
    text_checks: tuple[pa.Check, ...] = ()
    value_checks: tuple[pa.Check, ...] = ()

    @property
    def header_keys(self) -> tuple[str, ...]:
        """Normalised header spellings: case, spaces, hyphens and underscores do not matter."""
        return tuple(dict.fromkeys(normalise_name(h) for h in (self.name, *self.aliases)))


# A number as people type it: 12345, -0.5, 1.2e3, and 12,345.6 with thousands separators in
# groups of three (a lone comma as in "1,5" is a European decimal and rejected, not misread).
# Patterns use [0-9] and [ \t], not \d and \s: pandas then runs them in Arrow's RE2 instead of
# falling back to Python's re one cell at a time.
NUMBER_PATTERN = (
    r"^[+-]?(?:(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$"
)

# Periods: a year (2023, 2023年), a month (2023-07, 2023-7, 2023/07, 2023年7月), or the first
# day of a month, which is what Excel stores when someone types 2023-07 in a cell.
_YEAR = r"(?P<year>(?:19|20)[0-9]{2})"
_MONTH = r"(?P<month>0?[1-9]|1[0-2])"
YEAR_PATTERN = _YEAR + r"[ \t]*年?"
MONTH_PATTERN = _YEAR + r"[ \t]*(?:[-/]|年)[ \t]*" + _MONTH + r"[ \t]*月?"
FIRST_DAY_PATTERN = _YEAR + r"[-/]" + _MONTH + r"[-/]0?1(?:[ T]00:00(?::00)?)?"
PERIOD_PATTERNS = (YEAR_PATTERN, MONTH_PATTERN, FIRST_DAY_PATTERN)
# One anchored pattern for the vectorised pandera check; group names cannot repeat in it.
PERIOD_PATTERN = (
    "^(?:"
    + "|".join(p.replace("?P<year>", "?:").replace("?P<month>", "?:") for p in PERIOD_PATTERNS)
    + ")$"
)


def _vocabulary(groups: Mapping[str, Iterable[str]]) -> dict[str, str]:
    return {
        normalise_name(s): canonical
        for canonical, spellings in groups.items()
        for s in (canonical, *spellings)
    }


#: Category spellings (类别) -> canonical English word.
CATEGORY_VOCABULARY = _vocabulary(
    {
        "combustion": ("燃料燃烧", "化石燃料燃烧"),
        "process": ("工业过程", "工业生产过程"),
        "electricity": ("购入电力", "净购入电力"),
        "heat": ("购入热力", "净购入热力"),
    }
)
CATEGORIES = ("combustion", "process", "electricity", "heat")

DIRECTION_VOCABULARY = _vocabulary({"input": ("投入", "输入"), "output": ("产出", "输出")})

#: Inventory 用途: energy use (燃料) is counted, non-energy use (原料) is excluded as in CEADs.
USE_VOCABULARY = _vocabulary(
    {"energy": ("能源", "燃料", "fuel"), "non-energy": ("非能源", "原料", "原材料", "feedstock")}
)


def _names(*names: str) -> frozenset[str]:
    return frozenset(normalise_name(n) for n in names)


#: Items of purchased grid electricity (normalised with :func:`carbonctl.refdata.normalise_name`).
GRID_ELECTRICITY_ITEMS = _names(
    "电力",
    "购入电力",
    "电网电力",
    "外购电力",
    "electricity",
    "grid electricity",
    "purchased electricity",
)
#: Green power and green-certificate electricity: 0 in market-based accounting.
GREEN_ELECTRICITY_ITEMS = _names(
    "绿电",
    "绿色电力",
    "绿证电力",
    "绿证",
    "green power",
    "green electricity",
    "green certificate",
    "green certificates",
)
#: Items of purchased heat.
HEAT_ITEMS = _names("热力", "蒸汽", "热水", "购入热力", "heat", "steam", "hot water")
#: Fuel names of the inventory's process row: cement output, computed with the CEADs factor.
PROCESS_ROW_NAMES = _names("水泥", "cement", "Process", "水泥产量", "cement output")


def is_green_electricity(items: pd.Series) -> pd.Series:
    """True where an electricity item is green power (绿电, 绿证电力 …), same index as ``items``.

    Names are normalised once per distinct value, so a million rows cost a handful of calls.
    """
    codes, uniques = pd.factorize(items, use_na_sentinel=True)
    # Code -1 (a missing item) picks the trailing False.
    green = np.array([normalise_name(u) in GREEN_ELECTRICITY_ITEMS for u in uniques] + [False])
    return pd.Series(green[codes], index=items.index, name=items.name, dtype=bool)


_IS_NUMBER = pa.Check.str_matches(NUMBER_PATTERN, error="number")
_NON_NEGATIVE = pa.Check.ge(0, error="non_negative")
_FRACTION = pa.Check.in_range(0, 1, error="fraction")
_FRACTION_EXPECTED = "a fraction between 0 and 1, e.g. 0.93 rather than 93"

_PARAMETERS = (
    Field(
        "ncv",
        ("低位发热量",),
        "number",
        expected="a number ≥ 0: GJ per t (per 10^4 Nm3 for gases) unless ncv_unit says otherwise",
        text_checks=(_IS_NUMBER,),
        value_checks=(_NON_NEGATIVE,),
    ),
    Field(
        "carbon_content",
        ("单位热值含碳量",),
        "number",
        expected="a number ≥ 0 in tC/GJ",
        text_checks=(_IS_NUMBER,),
        value_checks=(_NON_NEGATIVE,),
    ),
    Field(
        "oxidation_rate",
        ("碳氧化率",),
        "number",
        expected=_FRACTION_EXPECTED,
        text_checks=(_IS_NUMBER,),
        value_checks=(_FRACTION,),
    ),
    Field(
        "carbon_fraction",
        ("元素碳含量", "含碳量"),
        "number",
        expected=f"tC/t, {_FRACTION_EXPECTED}",
        text_checks=(_IS_NUMBER,),
        value_checks=(_FRACTION,),
    ),
)
_NCV_UNIT = Field(
    "ncv_unit",
    ("发热量单位", "低位发热量单位"),
    "unit",
    expected="energy per mass or volume, e.g. GJ/t, MJ/kg, kJ/kg, GJ/万Nm3, MJ/m3, kcal/kg",
)
_PERIOD = Field(
    "period",
    ("期间",),
    required=True,
    expected="a year (2023) or a month (2023-07, 2023/7, 2023年7月)",
    text_checks=(pa.Check.str_matches(PERIOD_PATTERN, error="period"),),
)
_AMOUNT = Field(
    "amount",
    ("数量",),
    "number",
    required=True,
    expected="a number ≥ 0, e.g. 1234.5 or 1,234.5",
    text_checks=(_IS_NUMBER,),
    value_checks=(_NON_NEGATIVE,),
)
_UNIT = Field(
    "unit",
    ("单位",),
    "unit",
    required=True,
    expected="a unit such as t, 万t, 万Nm3, kWh, 万千瓦时, GJ",
)

#: Activity table (活动水平数据) of enterprises or regions, one row per subject × period × item.
ACTIVITY_FIELDS: tuple[Field, ...] = (
    Field("subject", ("主体",), required=True, expected="the reporting subject's name (主体)"),
    _PERIOD,
    Field(
        "category",
        ("类别",),
        required=True,
        vocabulary=CATEGORY_VOCABULARY,
        expected="combustion, process, electricity or heat "
        "(燃料燃烧, 工业过程, 购入电力, 购入热力)",
        text_checks=(pa.Check.isin(CATEGORIES, error="vocabulary"),),
    ),
    Field(
        "item",
        ("品种",),
        required=True,
        expected="a fuel, a process material, 电力/绿电 or 热力/蒸汽",
    ),
    _AMOUNT,
    _UNIT,
    Field(
        "region", ("地区", "区域"), expected="an adcode (140100) or a region name (太原市, 山西省)"
    ),
    *_PARAMETERS,
    Field(
        "purity",
        ("纯度",),
        "number",
        expected=_FRACTION_EXPECTED,
        text_checks=(_IS_NUMBER,),
        value_checks=(_FRACTION,),
    ),
    Field(
        "cao_fraction",
        ("氧化钙含量",),
        "number",
        expected=_FRACTION_EXPECTED,
        text_checks=(_IS_NUMBER,),
        value_checks=(_FRACTION,),
    ),
    Field(
        "mgo_fraction",
        ("氧化镁含量",),
        "number",
        expected=_FRACTION_EXPECTED,
        text_checks=(_IS_NUMBER,),
        value_checks=(_FRACTION,),
    ),
    Field(
        "emission_factor",
        ("排放因子",),
        "number",
        expected="a number ≥ 0 in tCO2 per unit of the amount",
        text_checks=(_IS_NUMBER,),
        value_checks=(_NON_NEGATIVE,),
    ),
    _NCV_UNIT,
    Field(
        "direction",
        ("方向",),
        vocabulary=DIRECTION_VOCABULARY,
        expected="input or output (投入/产出, 输入/输出)",
        text_checks=(pa.Check.isin(("input", "output"), error="vocabulary"),),
    ),
)

#: Regional sector × fuel table in the CEADs layout (区域清单: 47 部门 × 17 能源品种 + 水泥过程).
INVENTORY_FIELDS: tuple[Field, ...] = (
    Field(
        "region",
        ("地区",),
        required=True,
        expected="an adcode (140000) or a region name (山西省, 太原市)",
    ),
    _PERIOD,
    Field(
        "sector",
        ("部门", "行业"),
        expected="a CEADs sector name or its number 1–47 (blank only on the cement process row)",
    ),
    Field(
        "fuel",
        ("品种", "能源品种"),
        required=True,
        expected="a fuel of the catalogue, or 水泥/cement/Process for the process row",
    ),
    _AMOUNT,
    _UNIT,
    Field(
        "use",
        ("用途",),
        vocabulary=USE_VOCABULARY,
        expected="energy or non-energy (能源/非能源, 燃料/原料); blank means energy",
        text_checks=(pa.Check.isin(("energy", "non-energy"), error="vocabulary"),),
    ),
    *_PARAMETERS,
    _NCV_UNIT,
)
