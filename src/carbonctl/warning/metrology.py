"""A kind of rule about carbon metrology: a meter's calibration overdue or about to lapse
(``calibration_overdue``, 计量器具检定/校准超期).

Input :data:`CALIBRATION_COLUMNS`, one row per meter: its enterprise, what it measures and the
date its calibration is valid to (有效期至, blank when never calibrated). Red when that date is
past on ``as_of`` (or there is none); yellow when it falls within ``yellow_within_days`` of
``as_of``; quiet otherwise. value = days overdue (red) or days left (yellow), threshold = 0.

A DESIGN PROPOSAL (docs/warnings.md § 4.9); the red measure follows 中华人民共和国计量法
(compulsory verification of meters used for trade settlement), UNCONFIRMED in detail.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from carbonctl.metrology.registry import term_names
from carbonctl.warning.model import EarlyWarning, Level, Rule
from carbonctl.warning.tables import (
    check_templates,
    date_zh,
    headline,
    number_parameter,
    rows_of,
    warning,
)

__all__ = ["CALIBRATION_COLUMNS", "calibration_overdue_warnings", "check_calibration_overdue_rule"]

#: Input of ``calibration_overdue``: enterprise (credit code), its name and county adcode, the
#: meter id, what it measures (meter_terms key), the due date (ISO, blank: never calibrated)
#: and the day judged on (as_of, ISO).
CALIBRATION_COLUMNS = (
    "enterprise",
    "enterprise_name",
    "region",
    "meter_id",
    "measures",
    "due_on",
    "as_of",
)

_FINDINGS = ("overdue", "never_calibrated", "due_soon")


def _within(rule: Rule) -> float:
    value = number_parameter(
        rule,
        "yellow_within_days",
        check=lambda v: v.is_integer() and v >= 0,
        expected="a whole number of days >= 0",
    )
    assert value is not None
    return value


def _values(row: dict[str, Any], due: dt.date | None, as_of: dt.date) -> dict[str, Any]:
    return {
        **row,
        "measures_zh": term_names("measure", "zh").get(row["measures"], row["measures"]),
        "due_zh": date_zh(due) if due else "",
        "as_of_zh": date_zh(as_of),
        "days": abs((due - as_of).days) if due else 0,
    }


def check_calibration_overdue_rule(rule: Rule) -> None:
    """Raise RefdataError unless ``rule`` is a usable ``calibration_overdue`` rule."""
    _within(rule)
    row = {
        "enterprise": "91140100MA0000000X",
        "enterprise_name": "示例热电有限公司",
        "region": "140105",
        "meter_id": "M1",
        "measures": "electricity",
    }
    values = _values(row, dt.date(2025, 6, 30), dt.date(2025, 7, 1))
    check_templates(rule, _FINDINGS, values)


def calibration_overdue_warnings(rule: Rule, table: Any) -> list[EarlyWarning]:
    """Warnings of ``rule`` (kind ``calibration_overdue``) on ``table``, in row order; the
    subject is the enterprise, the period the year of ``as_of``."""
    check_calibration_overdue_rule(rule)
    within = _within(rule)
    found = []
    for cells in rows_of(table, CALIBRATION_COLUMNS):
        due, as_of = cells.date("due_on", required=False), cells.date("as_of")
        assert as_of is not None
        if due is None:
            level, finding = Level.RED, "never_calibrated"
        elif due < as_of:
            level, finding = Level.RED, "overdue"
        elif (due - as_of).days <= within:
            level, finding = Level.YELLOW, "due_soon"
        else:
            continue
        row = {
            "enterprise": cells.text("enterprise"),
            "enterprise_name": cells.text("enterprise_name"),
            "region": cells.text("region"),
            "meter_id": cells.text("meter_id"),
            "measures": cells.text("measures"),
        }
        days = abs((due - as_of).days) if due else 0
        who = f"{row['enterprise_name']}（计量器具{row['meter_id']}）"
        found.append(
            warning(
                rule,
                subject=row["enterprise"],
                period=str(as_of.year),
                level=level,
                value=float(days),
                threshold=0.0,
                head=headline(rule, who, f"{as_of.year}年", level),
                finding=finding,
                values=_values(row, due, as_of),
                details={
                    "region": row["region"],
                    "subject_kind": "enterprise",
                    "subject_name": row["enterprise_name"],
                    "meter_id": row["meter_id"],
                    "measures": row["measures"],
                    "due_on": due.isoformat() if due else None,
                    "as_of": as_of.isoformat(),
                },
            )
        )
    return found
