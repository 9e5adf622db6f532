"""What the rule kinds share (规则公用部分): reading the platform's input tables cell by cell with
errors that name row and column, checking a rule's parameters and templates, and the headline of
a message. Pure; used by every kind beside the barometer (which reads its own file format)."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import Decimal
from functools import lru_cache
from numbers import Real
from typing import Any

import pandas as pd

from carbonctl import refdata
from carbonctl.display import format_quantity
from carbonctl.errors import CarbonctlError, InputError, RefdataError
from carbonctl.warning.model import EarlyWarning, Level, Rule, render

__all__ = [
    "Cells",
    "check_measures",
    "check_templates",
    "flag_parameter",
    "fraction_parameter",
    "headline",
    "integer_parameter",
    "month_zh",
    "number_parameter",
    "region_name",
    "rows_of",
    "wan_tonnes",
    "warning",
]

_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# --- input tables ------------------------------------------------------------------------------


def rows_of(table: Any, columns: Sequence[str]) -> Iterator[Cells]:
    """The rows of ``table`` (a DataFrame, or a list of mappings) as :class:`Cells`, in order.

    A missing column raises :class:`InputError` naming it (and all the columns expected).
    The row number of an error is the table's ``row_id`` column when it has one (a file read by
    carbonctl's readers), else the position as a spreadsheet shows it (header = row 1).
    """
    if not isinstance(table, pd.DataFrame):
        records = list(table)
        if not records:
            return
        table = pd.DataFrame.from_records(records)
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise InputError(
            f"the table has no column {', '.join(missing)}",
            column=missing[0],
            expected="columns " + ", ".join(columns),
        )
    numbers = table["row_id"].tolist() if "row_id" in table.columns else range(2, len(table) + 2)
    for number, record in zip(numbers, table[list(columns)].to_dict("records"), strict=True):
        yield Cells(int(number), record)


def _blank(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


class Cells:
    """One input row; each accessor converts a cell or raises :class:`InputError` with the row
    and the column."""

    def __init__(self, row: int, record: Mapping[str, object]) -> None:
        self.row = row
        self.record = record

    def error(self, column: str, message: str, expected: str) -> InputError:
        return InputError(message, row=self.row, column=column, expected=expected)

    def blank(self, column: str) -> bool:
        return _blank(self.record[column])

    def text(self, column: str, *, required: bool = True) -> str:
        value = self.record[column]
        if _blank(value):
            if required:
                raise self.error(column, f"{column} is blank", "a value, not blank")
            return ""
        text = str(value).strip()
        if isinstance(value, float) and value.is_integer():
            text = str(int(value))  # an adcode read as a number: 140100.0 -> 140100
        if any((ord(c) < 32 and c != "\t") or ord(c) == 127 for c in text):
            raise self.error(
                column,
                f"{text!r} contains a control character",
                "text without control characters",
            )
        return text

    def number(self, column: str, expected: str, *, required: bool = True) -> float | None:
        """A finite number (text such as "1.5e6" is read); blank is None when not required."""
        value = self.record[column]
        if _blank(value):
            if required:
                raise self.error(column, f"{column} is blank", expected)
            return None
        if isinstance(value, bool):
            raise self.error(column, f"{value!r} is not a number", expected)
        if isinstance(value, Real | Decimal):
            number = float(value)
        else:
            try:
                number = float(str(value).strip().replace(",", ""))
            except ValueError:
                raise self.error(column, f"{value!r} is not a number", expected) from None
        if not math.isfinite(number):
            raise self.error(column, f"{value!r} is not a finite number", expected)
        return number

    def integer(self, column: str, expected: str, low: int, high: int) -> int:
        number = self.number(column, expected)
        assert number is not None
        if not number.is_integer() or not low <= number <= high:
            raise self.error(column, f"{self.record[column]!r} is not {expected}", expected)
        return int(number)

    def year(self, column: str = "year") -> int:
        return self.integer(column, "a year such as 2026", 1900, 2200)

    def month(self, column: str = "month") -> int:
        return self.integer(column, "a month from 1 to 12", 1, 12)

    def year_month(self, column: str) -> str:
        """ "YYYY-MM" (a date or "2026-06-01" gives its month)."""
        value = self.record[column]
        expected = "a month written YYYY-MM, e.g. 2026-06"
        if isinstance(value, dt.date | pd.Timestamp):
            return f"{value.year:04d}-{value.month:02d}"
        text = self.text(column)
        match = _YEAR_MONTH.match(text[:7]) if len(text) in (7, 10) else None
        if match is None or not 1 <= int(match.group(2)) <= 12:
            raise self.error(column, f"{text!r} is not a month", expected)
        return text[:7]

    def date(self, column: str, *, required: bool = True) -> dt.date | None:
        """An ISO date (YYYY-MM-DD), or a date/datetime; blank is None when not required."""
        value = self.record[column]
        expected = "an ISO date such as 2026-07-15"
        if _blank(value):
            if required:
                raise self.error(column, f"{column} is blank", expected)
            return None
        if isinstance(value, pd.Timestamp | dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        try:
            if not _ISO_DATE.match(text):
                raise ValueError
            return dt.date.fromisoformat(text)
        except ValueError:
            raise self.error(column, f"{value!r} is not a date", expected) from None


# --- rule parameters ---------------------------------------------------------------------------


def _where(rule: Rule) -> str:
    return f"warning rule {rule.rule_id!r}"


def number_parameter(
    rule: Rule,
    name: str,
    *,
    required: bool = True,
    check: Callable[[float], bool] = lambda _: True,
    expected: str = "a number",
) -> float | None:
    """Parameter ``name`` of ``rule``; RefdataError when missing, blank (if required) or
    failing ``check``."""
    if name not in rule.parameters:
        raise RefdataError(f"{_where(rule)} has no parameter {name}")
    value = rule.parameters[name]
    if value is None:
        if required:
            raise RefdataError(f"{_where(rule)}: parameter {name} is blank; expected {expected}")
        return None
    if not check(value):
        raise RefdataError(f"{_where(rule)}: {name} {value!r} is not {expected}")
    return value


def fraction_parameter(
    rule: Rule, name: str, *, required: bool = True, low: float = 0.0, high: float = 10.0
) -> float | None:
    """A share such as 0.10 for 10 %, in [low, high)."""
    return number_parameter(
        rule,
        name,
        required=required,
        check=lambda v: low <= v < high,
        expected=f"a fraction in [{low:g}, {high:g}) (0.1 for 10 %)",
    )


def integer_parameter(rule: Rule, name: str, low: int, high: int) -> int:
    value = number_parameter(
        rule,
        name,
        check=lambda v: v.is_integer() and low <= v <= high,
        expected=f"a whole number from {low} to {high}",
    )
    assert value is not None
    return int(value)


def flag_parameter(rule: Rule, name: str) -> bool:
    value = number_parameter(
        rule, name, check=lambda v: v in (0.0, 1.0), expected="1 (yes) or 0 (no)"
    )
    return bool(value)


def check_templates(rule: Rule, findings: Sequence[str], values: Mapping[str, object]) -> None:
    """Every finding in ``findings`` has a template, filled without error from ``values`` (the
    fields the kind provides); a measure column for every level."""
    for finding in findings:
        if not rule.explanations.get(finding, "").strip():
            raise RefdataError(f"{_where(rule)} has no explanation for finding {finding!r}")
        render(rule.explanations[finding], values, rule_id=rule.rule_id)
    check_measures(rule)


def check_measures(rule: Rule) -> None:
    for level in Level:
        if level not in rule.measures:
            raise RefdataError(f"{_where(rule)} has no measure for {level.value}")


# --- messages -----------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def region_name(code: str) -> str:
    """The Chinese name of a region given by adcode (140100 -> 太原市); anything else, or an
    adcode not in the reference data, as given."""
    try:
        region = refdata.find_region(code)
    except CarbonctlError:
        return code
    return region.name_zh if region.adcode == code else code


def month_zh(year_month: str) -> str:
    """2026-06 -> 2026年6月."""
    year, month = year_month.split("-")
    return f"{int(year)}年{int(month)}月"


def date_zh(day: dt.date) -> str:
    """2026-10-17 -> 2026年10月17日."""
    return f"{day.year}年{day.month}月{day.day}日"


def wan_tonnes(tonnes: float) -> str:
    """Tonnes as 万吨 with one decimal (四舍五入), the way the messages show budgets."""
    return format_quantity(tonnes, "万吨", 1)


def headline(rule: Rule, who: str, when: str, level: Level) -> str:
    """ "太原市 2026年6月碳排放预算超序时进度：红色（一级）。" as every message begins."""
    return f"{who} {when}{rule.name_zh}：{level.label_zh}（{level.grade_zh}）。"


def warning(
    rule: Rule,
    *,
    subject: str,
    period: str,
    level: Level,
    value: float,
    threshold: float,
    head: str,
    finding: str,
    values: Mapping[str, object],
    details: Mapping[str, object],
) -> EarlyWarning:
    """An :class:`EarlyWarning` whose message is ``head`` + the finding's template filled."""
    explanation = render(rule.explanations[finding], values, rule_id=rule.rule_id)
    return EarlyWarning(
        subject=subject,
        period=period,
        rule=rule.rule_id,
        level=level,
        value=float(value),
        threshold=float(threshold),
        message=head + explanation.rstrip("。") + "。",
        measure=rule.measure(level),
        details=dict(details),
    )
