"""Tables of the electricity–carbon rapid assessment (电—碳快速评估) and the model's sectors.

The data model (issue 6 §1):

- **meters** (电能表): ``meter_id`` (int64), ``county`` (6-digit adcode), ``industry`` (a code of
  the electricity-use classification 全社会用电分类, ``electricity_use_classes.csv``), ``voltage``
  (电压等级, e.g. ``10kV``), optional ``installed`` / ``removed`` dates (a replaced meter ends on
  ``removed`` and its successor starts the next day).
- **readings** (抄表数据): ``meter_id`` (int64), ``ts`` (timestamp, Beijing wall-clock time
  *without* a zone — DuckDB and Spark then agree, see ``shared/design/STACK.md``), ``kwh``
  (float64) — Parquet, partitioned by ``month=YYYY-MM`` folders.
- **dispatch** (调度数据): ``unit_id`` (str), ``county``, ``hour`` (timestamp, as ``ts``), ``mwh``,
  ``fuel`` (one of :data:`DISPATCH_FUELS`).
- **output** (主要产品产量): ``city`` (adcode), ``month`` (``YYYY-MM``), ``product`` (one of
  :data:`OUTPUT_PRODUCTS`), ``amount`` (t).

The model works on **model sectors** (``data/model_sectors.csv``): a partition of the
electricity-use classes that matches a partition of the CEADs 47 sectors (plus the Process
column), so an annual inventory can be split by the same sectors the meters are classed in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final

import numpy as np
import pandas as pd

from carbonctl import refdata
from carbonctl.errors import InputError, UnknownNameError

__all__ = [
    "DAY_COLUMNS",
    "DISPATCH_COLUMNS",
    "DISPATCH_FUELS",
    "METER_COLUMNS",
    "MONTH_COLUMNS",
    "OUTPUT_COLUMNS",
    "OUTPUT_PRODUCTS",
    "READING_COLUMNS",
    "THERMAL_FUELS",
    "THREE_INDUSTRIES",
    "ModelSector",
    "class_coverage",
    "meter_class",
    "model_sector_of",
    "model_sectors",
    "model_sectors_table",
    "modelled_as",
    "month_parts",
    "nonnegative_amounts",
    "parse_month",
]

#: Columns of a readings file and their Arrow types.
READING_COLUMNS: Final = {"meter_id": "int64", "ts": "timestamp", "kwh": "float64"}
#: Columns a meters table must have (``voltage``, ``installed`` and ``removed`` are optional).
METER_COLUMNS: Final = ("meter_id", "county", "industry")
#: Columns of the pipeline's day and month outputs (issue 6 §7).
DAY_COLUMNS: Final = ("county", "industry", "day", "kwh", "n_readings", "n_flagged")
MONTH_COLUMNS: Final = ("county", "industry", "month", "kwh", "n_readings", "n_flagged")
DISPATCH_COLUMNS: Final = ("unit_id", "county", "hour", "mwh", "fuel")
OUTPUT_COLUMNS: Final = ("city", "month", "product", "amount")
#: Generation fuels in dispatch data; the first three are thermal (火电).
DISPATCH_FUELS: Final = ("coal", "gas", "coal_gangue", "wind", "solar", "hydro")
THERMAL_FUELS: Final = frozenset({"coal", "gas", "coal_gangue"})
_MONTH: Final = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
#: Monthly industrial output indicators (t): 焦炭, 粗钢, 水泥, 电解铝.
OUTPUT_PRODUCTS: Final = ("coke", "crude_steel", "cement", "aluminium")


@dataclass(frozen=True)
class ModelSector:
    """One sector of the electricity–carbon model (电碳模型部门).

    ``side`` is ``consumption`` (emissions follow the sector's own electricity use) or
    ``generation`` (power and heat: emissions follow the county's generation, 发电侧).
    ``driver`` names the monthly indicator of the adjustment model: an output product, or
    ``thermal_share`` (火电占比) for the power sector, or empty (trend only).
    """

    code: str
    name_zh: str
    name_en: str
    includes: tuple[str, ...]
    ceads: tuple[str, ...]
    side: str
    driver: str
    status: str


@cache
def model_sectors_table() -> pd.DataFrame:
    """``model_sectors.csv`` as read (code, names, includes, ceads, side, driver, status, …)."""
    path = resources.files("carbonctl.electricity").joinpath("data", "model_sectors.csv")
    with path.open(encoding="utf-8") as handle:
        return pd.read_csv(handle, dtype=str, keep_default_na=False)


@cache
def model_sectors() -> tuple[ModelSector, ...]:
    """The model sectors in file order."""
    return tuple(
        ModelSector(
            code=r.code,
            name_zh=r.name_zh,
            name_en=r.name_en,
            includes=tuple(r.includes.split(";")),
            ceads=tuple(r.ceads.split(";")),
            side=r.side,
            driver=r.driver,
            status=r.status,
        )
        for r in model_sectors_table().itertuples(index=False)
    )


@cache
def _parents() -> dict[str, str]:
    table = refdata.sector_scheme("electricity_use")
    return dict(zip(table["code"], table["parent"], strict=True))


@cache
def _groups() -> frozenset[str]:
    table = refdata.sector_scheme("electricity_use")
    return frozenset(table.loc[table["level"] == "group", "code"])


@cache
def model_sector_of(industry: str) -> str:
    """The model sector of an electricity-use class: the nearest ancestor (or itself) listed in a
    model sector's ``includes``. 农副食品加工业 (A02.2.01) -> ``A02.2`` (other manufacturing); a
    meter classed only as 制造业 (A02.2) counts as other manufacturing too.

    Raises :class:`UnknownNameError` for a code outside the classification, for an aggregate
    (全社会用电总计, 第二产业) that spans several model sectors, and for the cross-cutting groups
    (四大高载能行业 A02.2.HE …), which are views over items rather than classes of a meter.
    """
    parents = _parents()
    if industry not in parents:
        raise UnknownNameError(
            "electricity-use class", industry, refdata.close_matches(industry, list(parents))
        )
    if industry in _groups():
        raise UnknownNameError(
            "electricity-use class for a meter (a cross-cutting group such as 四大高载能行业 "
            "is not a class of its own)",
            industry,
            [c for c, p in parents.items() if p == parents[industry] and c not in _groups()][:5],
        )
    owner = {code: s.code for s in model_sectors() for code in s.includes}
    code = industry
    while code:
        if code in owner:
            return owner[code]
        code = parents.get(code, "")
    raise UnknownNameError(
        "electricity-use class below the model sectors (an aggregate spans several)",
        industry,
        [c for c in owner if parents.get(c, "").startswith(industry)][:5],
    )


#: The three industries (三次产业) as electricity-use industries: 第一产业 = 农、林、牧、渔业,
#: 第二产业 = 工业 + 建筑业, 第三产业 = the services (A04–A11). NBS 《三次产业划分规定》 (2012,
#: revised 2018) puts 农、林、牧、渔专业及辅助性活动 in 第三产业; the electricity-use class A01
#: includes it, so P1 ⊂ A01 in fact: a DESIGN PROPOSAL that treats them as equal (the auxiliary
#: activities use little electricity).
THREE_INDUSTRIES: Final = {
    "P1": ("A01",),
    "P2": ("A02", "A03"),
    "P3": ("A04", "A05", "A06", "A07", "A08", "A09", "A10", "A11"),
}


def meter_class(text: object) -> str:
    """The electricity-use class of a meter given by code, Chinese or English name or a usual
    short form (第一产业, 工业, 城乡居民生活用电, 城镇居民 …), as its code. Raises
    :class:`UnknownNameError` with the closest names for an unknown class, and for the
    cross-cutting groups (四大高载能行业 …), which are views over classes, not a meter's class."""
    code = refdata.sector_code("electricity_use", text)
    if code in _groups():
        parents = _parents()
        raise UnknownNameError(
            "electricity-use class for a meter (a cross-cutting group such as 四大高载能行业 "
            "is not a class of its own)",
            text,
            [c for c, p in parents.items() if p == parents[code] and c not in _groups()][:5],
        )
    return code


def _descendants(code: str) -> set[str]:
    parents = _parents()
    found = {code}
    grew = True
    while grew:
        more = {c for c, p in parents.items() if p in found and c not in found}
        grew = bool(more)
        found |= more
    for part in THREE_INDUSTRIES.get(code, ()):
        found |= _descendants(part)
    return found


@cache
def class_coverage(code: str) -> frozenset[str]:
    """The model sectors a meter class covers: its own model sector when it lies inside one
    (:func:`model_sector_of`), else every model sector whose classes lie under it (第二产业 → the
    industry and construction sectors; 第三产业 through :data:`THREE_INDUSTRIES`; ALL → all)."""
    code = meter_class(code)
    try:
        return frozenset({model_sector_of(code)})
    except UnknownNameError:
        pass
    under = _descendants(code)
    return frozenset(s.code for s in model_sectors() if any(c in under for c in s.includes))


@cache
def modelled_as(code: str) -> str:
    """The unit a class is modelled at: its model sector when it covers one, else the class
    itself as a coarse unit (its use is modelled for the model sectors it covers together)."""
    code = meter_class(code)
    covered = class_coverage(code)
    return next(iter(covered)) if len(covered) == 1 else code


def nonnegative_amounts(values: pd.Series, table: str, column: str) -> pd.Series:
    """``values`` as floats; raises :class:`InputError` naming the first row (spreadsheet row,
    header = 1) that is missing, not a number, infinite or negative."""
    numbers = pd.to_numeric(values, errors="coerce").astype(float)
    bad = ~np.isfinite(numbers.to_numpy()) | (numbers.to_numpy() < 0)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"{values.iloc[row]!r} is not an amount",
            file=table,
            row=row + 2,
            column=column,
            expected="a finite number ≥ 0",
        )
    return numbers


def parse_month(text: object) -> tuple[int, int]:
    """Year and month number of a ``YYYY-MM`` month; :class:`InputError` otherwise."""
    match = _MONTH.fullmatch(str(text).strip())
    if match is None:
        raise InputError(
            f"month {text!r} is not a calendar month", expected="YYYY-MM, e.g. 2024-03"
        )
    return int(match[1]), int(match[2])


def month_parts(months: pd.Series, table: str) -> tuple[np.ndarray, np.ndarray]:
    """Year and month number of every ``YYYY-MM`` in ``months``, parsed once per distinct value;
    :class:`InputError` names the first row (spreadsheet row, header = 1) that is not a month."""
    codes, uniques = pd.factorize(months.astype(str))
    parts = np.zeros((len(uniques), 2), dtype=int)
    for i, value in enumerate(uniques):
        try:
            parts[i] = parse_month(value)
        except InputError:
            row = int(np.flatnonzero(codes == i)[0])
            raise InputError(
                f"month {value!r} is not a calendar month",
                file=table,
                row=row + 2,
                column="month",
                expected="YYYY-MM",
            ) from None
    return parts[codes, 0], parts[codes, 1]
