"""The meter register (计量器具台账): one row per energy or emission meter of an enterprise —
what it measures, at which GB 17167-2006 level, its accuracy class and its calibration — read
from CSV/XLSX with every bad cell located by file, row and column."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import pandas as pd

from carbonctl.errors import InputError, InputErrors
from carbonctl.io.records import Column, read_records, validate_records
from carbonctl.refdata import load_table

__all__ = [
    "LEVELS",
    "MEASURES",
    "METER_COLUMNS",
    "calibration_state",
    "check_meters",
    "read_meters",
    "term_names",
]


@cache
def _terms(dimension: str) -> pd.DataFrame:
    table = load_table("meter_terms")
    return table[table["dimension"] == dimension].set_index("key")


def term_names(dimension: str, lang: str | None = "zh") -> dict[str, str]:
    """Key -> name of every ``measure`` or ``level`` (meter_terms.csv) in ``lang``."""
    column = "name_en" if lang and str(lang).lower().startswith("en") else "name_zh"
    return _terms(dimension)[column].to_dict()


#: What a meter may measure: energy carriers of GB 17167-2006 and emission flows (keys).
MEASURES: tuple[str, ...] = tuple(_terms("measure").index)
#: GB 17167-2006 metering levels: unit (进出用能单位), secondary (进出主要次级用能单位),
#: equipment (主要用能设备).
LEVELS: tuple[str, ...] = tuple(_terms("level").index)

_MEASURE_WORDS = "a carrier or flow such as 电力, 煤炭, 天然气, 蒸汽 (or electricity, coal …)"
_LEVEL_WORDS = "进出用能单位, 进出主要次级用能单位 or 主要用能设备 (unit, secondary, equipment)"

METER_COLUMNS: tuple[Column, ...] = (
    Column("meter_id", "text", aliases=("计量器具编号", "器具编号", "编号")),
    Column("enterprise", "text", aliases=("统一社会信用代码", "企业", "用能单位")),
    Column("measures", "text", aliases=("计量对象", "能源品种"), expected=_MEASURE_WORDS),
    Column("level", "text", aliases=("计量级别", "配备级别"), expected=_LEVEL_WORDS),
    Column(
        "accuracy_class",
        minimum=0.01,
        maximum=10.0,
        aliases=("准确度等级",),
        expected="an accuracy class such as 0.5 (from 0.01 to 10)",
    ),
    Column("installed_on", "date", aliases=("安装日期",)),
    Column("certificate", "text", blank=True, aliases=("检定证书编号", "证书编号")),
    Column("calibrated_on", "date", blank=True, aliases=("检定日期", "校准日期")),
    Column("due_on", "date", blank=True, aliases=("有效期至", "下次检定日期")),
    Column("point", "text", required=False, blank=True, aliases=("计量点",)),
    Column("name", "text", required=False, blank=True, aliases=("器具名称", "名称")),
)


def _spellings(dimension: str) -> dict[str, str]:
    """Accepted spellings (key, Chinese and English name, any case) -> key."""
    table = _terms(dimension)
    out: dict[str, str] = {}
    for key, row in table.iterrows():
        for word in (key, row["name_zh"], row["name_en"]):
            out[str(word).strip().lower()] = str(key)
    return out


def read_meters(path: str | Path, *, sheet: str | None = None) -> pd.DataFrame:
    """The validated meter register of a CSV/XLSX file (see :func:`check_meters`)."""
    return check_meters(read_records(path, METER_COLUMNS, sheet=sheet), source=str(path))


def check_meters(meters: pd.DataFrame, *, source: str = "<table>") -> pd.DataFrame:
    """The register with ``measures`` and ``level`` as keys and ``point`` filled (default: the
    meter id). :class:`InputErrors` for an unknown carrier or level, a meter id given twice for
    one enterprise (naming both rows; two enterprises may use the same id), and a calibration
    without its due date or due before it was done."""
    table = validate_records(meters, METER_COLUMNS, source=source)
    measures, levels = _spellings("measure"), _spellings("level")
    errors: list[InputError] = []

    def error(row: int, column: str, message: str, expected: str) -> None:
        errors.append(InputError(message, file=source, row=row, column=column, expected=expected))

    seen: dict[tuple[str, str], int] = {}  # (enterprise, meter id) -> first row
    measure_keys, level_keys = [], []
    for number, row in table.iterrows():
        number = int(number)
        measure = measures.get(str(row["measures"]).strip().lower())
        level = levels.get(str(row["level"]).strip().lower())
        measure_keys.append(measure)
        level_keys.append(level)
        if measure is None:
            error(number, "measures", f"measures {row['measures']!r} is not known", _MEASURE_WORDS)
        if level is None:
            error(number, "level", f"level {row['level']!r} is not known", _LEVEL_WORDS)
        key = (str(row["enterprise"]).upper(), str(row["meter_id"]))
        if key in seen:
            error(number, "meter_id",
                  f"meter {row['meter_id']!r} of this enterprise is already in row {seen[key]}",
                  "each meter of an enterprise once")  # fmt: skip
        seen.setdefault(key, number)
        calibrated, due = row["calibrated_on"], row["due_on"]
        if calibrated is not None and due is None:
            error(number, "due_on", "a calibration without its due date",
                  "the date the calibration certificate is valid to")  # fmt: skip
        if calibrated is not None and due is not None and due < calibrated:
            error(number, "due_on", f"due {due.isoformat()} before calibrated {calibrated}",
                  "a due date on or after the calibration date")  # fmt: skip
        if due is not None and calibrated is None:
            error(number, "calibrated_on", "a due date without the calibration date",
                  "the date of the last calibration (检定/校准日期)")  # fmt: skip
    if errors:
        raise InputErrors(sorted(errors, key=lambda e: e.row or 0))
    point = table["point"].where(table["point"].notna(), table["meter_id"])
    return table.assign(measures=measure_keys, level=level_keys, point=point)


def calibration_state(due_on: dt.date | None, as_of: dt.date, due_soon_days: int) -> str:
    """``overdue`` (past its due date, or never calibrated), ``due_soon`` (due within
    ``due_soon_days`` days of ``as_of``) or ``valid``. A calibration is valid through its due
    date (有效期至, inclusive)."""
    if due_on is None or due_on < as_of:
        return "overdue"
    if (due_on - as_of).days <= due_soon_days:
        return "due_soon"
    return "valid"
