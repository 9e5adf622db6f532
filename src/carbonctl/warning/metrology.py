"""A kind of rule about carbon metrology: an enterprise's meters whose calibration is overdue or
about to lapse (``calibration_overdue``, 计量器具检定/校准超期).

Input :data:`CALIBRATION_COLUMNS`, one row per meter: its enterprise, what it measures and the
date its calibration is valid to (有效期至, blank when never calibrated). One warning per
enterprise: red when any of its meters is past that date on ``as_of`` (or has none); yellow when
none is, but one falls due within ``yellow_within_days`` of ``as_of``; quiet otherwise.
value = the number of meters overdue (red) or due soon (yellow), threshold = 0.

A DESIGN PROPOSAL (docs/warnings.md § 4.9); the red measure follows 中华人民共和国计量法
(compulsory verification), UNCONFIRMED in detail.
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

_FINDINGS = ("lapsed", "due_soon")
#: Meters named in a message; the rest are counted (等).
_NAMED = 5


def _within(rule: Rule) -> float:
    value = number_parameter(
        rule,
        "yellow_within_days",
        check=lambda v: v.is_integer() and v >= 0,
        expected="a whole number of days >= 0",
    )
    assert value is not None
    return value


def _meter_list(meters: list[tuple[str, str]]) -> str:
    """'电力M1、蒸汽M2' (at most five, then 等N台)."""
    names = term_names("measure", "zh")
    shown = "、".join(f"{names.get(m, m)}{i}" for i, m in meters[:_NAMED])
    return shown + (f"等{len(meters)}台" if len(meters) > _NAMED else "")


def _values(
    row: dict[str, Any], flagged: list[tuple[str, str]], due: dt.date | None, as_of: dt.date
) -> dict[str, Any]:
    return {
        **row,
        "count": len(flagged),
        "meters": _meter_list(flagged),
        "due_zh": date_zh(due) if due else "无检定记录",
        "as_of_zh": date_zh(as_of),
        "days": abs((due - as_of).days) if due else 0,
    }


def check_calibration_overdue_rule(rule: Rule) -> None:
    """Raise RefdataError unless ``rule`` is a usable ``calibration_overdue`` rule."""
    _within(rule)
    row = {"enterprise": "91140100MA0000000X", "enterprise_name": "示例热电", "region": "140105"}
    values = _values(row, [("M1", "electricity")], dt.date(2025, 6, 30), dt.date(2025, 7, 1))
    check_templates(rule, _FINDINGS, values)


def calibration_overdue_warnings(rule: Rule, table: Any) -> list[EarlyWarning]:
    """Warnings of ``rule`` (kind ``calibration_overdue``) on ``table``, one per enterprise in
    the order of its first row; the subject is the enterprise, the period the year of
    ``as_of``. ``due`` in the message is the earliest due date among the flagged meters."""
    check_calibration_overdue_rule(rule)
    within = _within(rule)
    enterprises: dict[str, dict[str, Any]] = {}
    for cells in rows_of(table, CALIBRATION_COLUMNS):
        due, as_of = cells.date("due_on", required=False), cells.date("as_of")
        assert as_of is not None
        code = cells.text("enterprise")
        entry = enterprises.setdefault(
            code,
            {
                "row": {
                    "enterprise": code,
                    "enterprise_name": cells.text("enterprise_name"),
                    "region": cells.text("region"),
                },
                "as_of": as_of,
                "overdue": [],
                "soon": [],
            },
        )
        meter = (cells.text("meter_id"), cells.text("measures"), due)
        if due is None or due < as_of:
            entry["overdue"].append(meter)
        elif (due - as_of).days <= within:
            entry["soon"].append(meter)
    found = []
    for code, entry in enterprises.items():
        if entry["overdue"]:
            level, finding, flagged = Level.RED, "lapsed", entry["overdue"]
        elif entry["soon"]:
            level, finding, flagged = Level.YELLOW, "due_soon", entry["soon"]
        else:
            continue
        as_of, row = entry["as_of"], entry["row"]
        dues = [d for _, _, d in flagged if d is not None]
        due = min(dues) if len(dues) == len(flagged) else None  # never calibrated comes first
        found.append(
            warning(
                rule,
                subject=code,
                period=str(as_of.year),
                level=level,
                value=float(len(flagged)),
                threshold=0.0,
                head=headline(rule, row["enterprise_name"], f"{as_of.year}年", level),
                finding=finding,
                values=_values(row, [(m, f) for m, f, _ in flagged], due, as_of),
                details={
                    "region": row["region"],
                    "subject_name": row["enterprise_name"],
                    "meters": "、".join(m for m, _, _ in flagged),
                    "due_on": due.isoformat() if due else None,
                    "as_of": as_of.isoformat(),
                },
            )
        )
    return found
