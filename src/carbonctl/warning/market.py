"""A kind of rule about the carbon market: an ETS unit's allowances short of its required
surrender (``ets_shortfall``, 配额清缴缺口).

Input :data:`ETS_SHORTFALL_COLUMNS`, one row per unit and year, as the market's compliance gives
it (:func:`carbonctl.market.comply`: shortfall = required − allocation − CCER used). Red when a
shortfall remains after the surrender deadline; yellow while the deadline is still ahead and,
when ``yellow_within_days`` is set, no more than that many days away; quiet without a shortfall.
value = shortfall (t), threshold = 0.

A DESIGN PROPOSAL (docs/warnings.md); the red measure quotes the penalty of State Council Decree
775 (the penalty multiples UNCONFIRMED, ets_rules.csv).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from carbonctl.warning.model import EarlyWarning, Level, Rule
from carbonctl.warning.tables import (
    check_templates,
    date_zh,
    headline,
    number_parameter,
    rows_of,
    wan_tonnes,
    warning,
)

__all__ = ["ETS_SHORTFALL_COLUMNS", "check_ets_shortfall_rule", "ets_shortfall_warnings"]

#: Input of ``ets_shortfall``: enterprise (credit code), its name and county adcode, the unit,
#: the compliance year, required surrender and shortfall in tCO2, deadline and as_of ISO dates.
ETS_SHORTFALL_COLUMNS = (
    "enterprise",
    "enterprise_name",
    "region",
    "unit_id",
    "year",
    "required_surrender_t",
    "shortfall_t",
    "deadline",
    "as_of",
)

_FINDINGS = ("after_deadline", "before_deadline")


def _within(rule: Rule) -> float | None:
    return number_parameter(
        rule,
        "yellow_within_days",
        required=False,
        check=lambda v: v.is_integer() and v >= 0,
        expected="a whole number of days >= 0, or blank",
    )


def _values(rule: Rule, row: dict[str, Any], deadline: dt.date, as_of: dt.date) -> dict[str, Any]:
    return {
        **row,
        "shortfall_wan_t": wan_tonnes(row["shortfall_t"]),
        "required_wan_t": wan_tonnes(row["required_surrender_t"]),
        "share": row["shortfall_t"] / row["required_surrender_t"]
        if row["required_surrender_t"]
        else 0.0,
        "deadline_zh": date_zh(deadline),
        "as_of_zh": date_zh(as_of),
        "days": abs((deadline - as_of).days),
        "yellow_within_days": _within(rule),
    }


def check_ets_shortfall_rule(rule: Rule) -> None:
    """Raise RefdataError unless ``rule`` is a usable ``ets_shortfall`` rule."""
    _within(rule)
    row = {
        "enterprise": "91140100MA0000000X",
        "enterprise_name": "示例热电有限公司",
        "region": "140105",
        "unit_id": "U1",
        "year": 2024,
        "required_surrender_t": 2.75e6,
        "shortfall_t": 1.5e4,
    }
    values = _values(rule, row, dt.date(2025, 12, 31), dt.date(2025, 11, 30))
    check_templates(rule, _FINDINGS, values)


def ets_shortfall_warnings(rule: Rule, table: Any) -> list[EarlyWarning]:
    """Warnings of ``rule`` (kind ``ets_shortfall``) on ``table``, in row order; the subject is
    the enterprise, the period the compliance year."""
    check_ets_shortfall_rule(rule)
    within = _within(rule)
    found = []
    for cells in rows_of(table, ETS_SHORTFALL_COLUMNS):
        shortfall = cells.number("shortfall_t", "tonnes of CO2 >= 0")
        if shortfall <= 0:
            continue
        deadline, as_of = cells.date("deadline"), cells.date("as_of")
        assert deadline is not None and as_of is not None
        if as_of > deadline:
            level, finding = Level.RED, "after_deadline"
        elif within is None or (deadline - as_of).days <= within:
            level, finding = Level.YELLOW, "before_deadline"
        else:
            continue
        year = int(cells.number("year", "a year such as 2024"))
        row = {
            "enterprise": cells.text("enterprise"),
            "enterprise_name": cells.text("enterprise_name"),
            "region": cells.text("region"),
            "unit_id": cells.text("unit_id"),
            "year": year,
            "required_surrender_t": cells.number("required_surrender_t", "tonnes of CO2"),
            "shortfall_t": shortfall,
        }
        who = f"{row['enterprise_name']}（{row['unit_id']}）"
        found.append(
            warning(
                rule,
                subject=row["enterprise"],
                period=str(year),
                level=level,
                value=shortfall,
                threshold=0.0,
                head=headline(rule, who, f"{year}年度", level),
                finding=finding,
                values=_values(rule, row, deadline, as_of),
                details={
                    "region": row["region"],
                    "subject_kind": "enterprise",
                    "subject_name": row["enterprise_name"],
                    "unit_id": row["unit_id"],
                    "deadline": deadline.isoformat(),
                    "as_of": as_of.isoformat(),
                    "shortfall_t": shortfall,
                },
            )
        )
    return found
