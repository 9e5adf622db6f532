"""Kinds of rule about what a subject did or failed to do: data not reported by its deadline
(``late_data``, 数据未按时报送) and a workflow event in a city graded red on the barometer
(``red_region_event``, 红色预警地区的项目), which the platform raises at once, not monthly.

``late_data`` (:data:`REPORTING_COLUMNS`): days overdue = as_of − deadline for data not yet
received; yellow when > 0, red when > ``red_after_days`` (blank: never red); quiet when received
(even late) or not yet due.

``red_region_event`` (:data:`EVENT_COLUMNS`): red when the region's latest barometer level is
red; yellow when it is yellow and ``yellow_on_yellow`` = 1; quiet otherwise. value = the
region's level as severity (2 red, 1 yellow), threshold = the severity that fires.

Both are DESIGN PROPOSALS (docs/warnings.md); the red measure of ``red_region_event`` is the
2021 H1 barometer's consequence (发改办环资〔2021〕629号, CONFIRMED for energy intensity).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from carbonctl.warning.model import EarlyWarning, Level, Rule
from carbonctl.warning.tables import (
    Cells,
    check_templates,
    date_zh,
    flag_parameter,
    headline,
    integer_parameter,
    region_name,
    rows_of,
    warning,
)

__all__ = [
    "EVENT_COLUMNS",
    "REPORTING_COLUMNS",
    "check_late_data_rule",
    "check_red_region_event_rule",
    "late_data_warnings",
    "red_region_event_warnings",
]

#: Input of ``late_data``: one row per subject (county adcode or enterprise credit code) and
#: reporting period; deadline, received (blank = not yet) and as_of are ISO dates.
REPORTING_COLUMNS = ("subject", "subject_name", "region", "period", "deadline", "received", "as_of")

#: Input of ``red_region_event``: one row per event; event is a short Chinese description
#: ("项目节能审查申请"), region_level the region's latest barometer level (red, yellow, green
#: or blank).
EVENT_COLUMNS = (
    "subject",
    "subject_name",
    "region",
    "region_name",
    "event",
    "period",
    "region_level",
)


# --- late_data ---------------------------------------------------------------------------------


def _red_after(rule: Rule) -> int | None:
    if rule.parameters.get("red_after_days", 0) is None:
        return None
    return integer_parameter(rule, "red_after_days", 0, 3660)


def _late_findings(red_after: int | None) -> tuple[str, ...]:
    return ("overdue",) if red_after is None else ("overdue", "overdue_long")


def _late_values(
    rule: Rule,
    row: dict[str, Any],
    deadline: dt.date,
    as_of: dt.date,
    red_after: int | None,
) -> dict[str, Any]:
    return {
        "subject": row["subject"],
        "subject_name": row["subject_name"],
        "region": row["region"],
        "region_name": region_name(row["region"]),
        "period": row["period"],
        "indicator_zh": rule.indicator_zh,
        "deadline": deadline.isoformat(),
        "deadline_zh": date_zh(deadline),
        "as_of": as_of.isoformat(),
        "as_of_zh": date_zh(as_of),
        "days_overdue": (as_of - deadline).days,
        "red_after_days": red_after,
    }


def check_late_data_rule(rule: Rule) -> None:
    """Raise RefdataError unless ``rule`` is a usable ``late_data`` rule: ``red_after_days`` a
    whole number of days ≥ 0 (blank: never red), templates filled from the kind's fields."""
    red_after = _red_after(rule)
    row = {"subject": "140105", "subject_name": "小店区", "region": "140105", "period": "2026-05"}
    values = _late_values(rule, row, dt.date(2026, 6, 15), dt.date(2026, 7, 20), red_after)
    check_templates(rule, _late_findings(red_after), values)


def late_data_warnings(rule: Rule, table: Any) -> list[EarlyWarning]:
    """Warnings of ``rule`` (kind ``late_data``) on ``table`` (:data:`REPORTING_COLUMNS`), in
    row order. value = days overdue, threshold = 0 (yellow) or ``red_after_days`` (red);
    subject and period as given."""
    check_late_data_rule(rule)
    red_after = _red_after(rule)
    warnings = []
    for cells in rows_of(table, REPORTING_COLUMNS):
        row = {
            "subject": cells.text("subject"),
            "subject_name": cells.text("subject_name"),
            "region": cells.text("region"),
            "period": cells.text("period"),
        }
        deadline = cells.date("deadline")
        received = cells.date("received", required=False)
        as_of = cells.date("as_of")
        assert deadline is not None and as_of is not None
        if received is not None:
            if received > as_of:
                raise cells.error(
                    "received",
                    f"received {received.isoformat()} is after as_of {as_of.isoformat()}",
                    "a date on or before as_of, or blank when not received",
                )
            continue
        days = (as_of - deadline).days
        if red_after is not None and days > red_after:
            level, finding, threshold = Level.RED, "overdue_long", red_after
        elif days > 0:
            level, finding, threshold = Level.YELLOW, "overdue", 0
        else:
            continue
        values = _late_values(rule, row, deadline, as_of, red_after)
        who = f"{row['subject_name']}（{row['subject']}）"
        warnings.append(
            warning(
                rule,
                subject=row["subject"],
                period=row["period"],
                level=level,
                value=days,
                threshold=threshold,
                head=headline(rule, who, f"{row['period']} ", level),
                finding=finding,
                values=values,
                details={
                    "region": row["region"],
                    "subject_name": row["subject_name"],
                    "deadline": deadline.isoformat(),
                    "as_of": as_of.isoformat(),
                    "days_overdue": days,
                },
            )
        )
    return warnings


# --- red_region_event -----------------------------------------------------------------------------

_LEVELS = {
    "red": Level.RED,
    "红": Level.RED,
    "红色": Level.RED,
    "yellow": Level.YELLOW,
    "黄": Level.YELLOW,
    "黄色": Level.YELLOW,
    "green": Level.GREEN,
    "绿": Level.GREEN,
    "绿色": Level.GREEN,
}


def _event_findings(on_yellow: bool) -> tuple[str, ...]:
    return ("in_red", "in_yellow") if on_yellow else ("in_red",)


def _event_values(rule: Rule, row: dict[str, Any], level: Level) -> dict[str, Any]:
    return {
        "subject": row["subject"],
        "subject_name": row["subject_name"],
        "region": row["region"],
        "region_name": row["region_name"],
        "event": row["event"],
        "period": row["period"],
        "indicator_zh": rule.indicator_zh,
        "region_level": level.value,
        "region_level_zh": level.label_zh,
        "region_grade_zh": level.grade_zh,
    }


def check_red_region_event_rule(rule: Rule) -> None:
    """Raise RefdataError unless ``rule`` is a usable ``red_region_event`` rule:
    ``yellow_on_yellow`` 1 or 0, templates filled from the kind's fields."""
    on_yellow = flag_parameter(rule, "yellow_on_yellow")
    row = {
        "subject": "P-2026-0001",
        "subject_name": "示例焦化升级改造项目",
        "region": "140100",
        "region_name": "太原市",
        "event": "项目节能审查申请",
        "period": "2026-06-15",
    }
    check_templates(rule, _event_findings(on_yellow), _event_values(rule, row, Level.RED))


def _region_level(cells: Cells) -> Level | None:
    text = cells.text("region_level", required=False)
    if not text:
        return None
    try:
        return _LEVELS[text.lower()]
    except KeyError:
        raise cells.error(
            "region_level",
            f"{text!r} is not a barometer level",
            "red, yellow, green (红色, 黄色, 绿色) or blank",
        ) from None


def red_region_event_warnings(rule: Rule, table: Any) -> list[EarlyWarning]:
    """Warnings of ``rule`` (kind ``red_region_event``) on ``table`` (:data:`EVENT_COLUMNS`),
    in row order: one per event in a red region (and a yellow one when ``yellow_on_yellow``).
    subject = the event's subject (a project …), period as given."""
    check_red_region_event_rule(rule)
    on_yellow = flag_parameter(rule, "yellow_on_yellow")
    warnings = []
    for cells in rows_of(table, EVENT_COLUMNS):
        region = cells.text("region")
        row = {
            "subject": cells.text("subject"),
            "subject_name": cells.text("subject_name"),
            "region": region,
            "region_name": cells.text("region_name", required=False) or region_name(region),
            "event": cells.text("event"),
            "period": cells.text("period"),
        }
        region_level = _region_level(cells)
        if region_level is Level.RED:
            level, finding, threshold = Level.RED, "in_red", Level.RED.severity
        elif region_level is Level.YELLOW and on_yellow:
            level, finding, threshold = Level.YELLOW, "in_yellow", Level.YELLOW.severity
        else:
            continue
        values = _event_values(rule, row, region_level)
        who = f"{row['subject_name']}（{row['subject']}）"
        warnings.append(
            warning(
                rule,
                subject=row["subject"],
                period=row["period"],
                level=level,
                value=region_level.severity,
                threshold=threshold,
                head=headline(rule, who, f"{row['period']} ", level),
                finding=finding,
                values=values,
                details={
                    "region": region,
                    "region_name": row["region_name"],
                    "region_level": region_level.value,
                    "subject_name": row["subject_name"],
                    "event": row["event"],
                },
            )
        )
    return warnings
