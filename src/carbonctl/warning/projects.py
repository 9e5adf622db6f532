"""A project whose actual emissions overrun what its energy review approved
(``project_overrun``, 项目实际排放超出审查批复): at the acceptance check (验收) or any later year,
actual annual CO2 ≥ ``red_ratio`` × the approved annual CO2 is red and triggers re-review;
≥ ``yellow_ratio`` (optional, blank: never yellow) is yellow.

Input (:data:`OVERRUN_COLUMNS`): one row per project and period. value = actual / approved,
threshold = the ratio that fired. The packaged ratio 1.10 is the re-review trigger of
``project_review_rules`` (row ``re_review``; 四川 2024, applied in Shanxi as a DESIGN PROPOSAL).
"""

from __future__ import annotations

from typing import Any

from carbonctl.errors import RefdataError
from carbonctl.warning.model import EarlyWarning, Level, Rule
from carbonctl.warning.tables import (
    Cells,
    check_templates,
    headline,
    number_parameter,
    region_name,
    rows_of,
    warning,
)

__all__ = ["OVERRUN_COLUMNS", "check_project_overrun_rule", "project_overrun_warnings"]

#: Input of ``project_overrun``: subject = the project's reference, region its county or city
#: adcode, approved_tco2 and actual_tco2 annual tCO2 (approved > 0, actual ≥ 0).
OVERRUN_COLUMNS = (
    "subject",
    "subject_name",
    "region",
    "period",
    "approved_tco2",
    "actual_tco2",
)


def _ratio(rule: Rule, name: str, *, required: bool) -> float | None:
    return number_parameter(
        rule, name, required=required, check=lambda v: 1.0 <= v < 10.0, expected="a ratio ≥ 1"
    )


def _ratios(rule: Rule) -> tuple[float, float | None]:
    red = _ratio(rule, "red_ratio", required=True)
    yellow = _ratio(rule, "yellow_ratio", required=False)
    assert red is not None
    if yellow is not None and yellow > red:
        raise RefdataError(
            f"warning rule {rule.rule_id!r}: yellow_ratio {yellow:g} is above red_ratio {red:g}"
        )
    return red, yellow


def _findings(yellow: float | None) -> tuple[str, ...]:
    return ("overrun", "near") if yellow is not None else ("overrun",)


def _values(rule: Rule, row: dict[str, Any], red: float, yellow: float | None) -> dict[str, Any]:
    approved, actual = row["approved_tco2"], row["actual_tco2"]
    return {
        "subject": row["subject"],
        "subject_name": row["subject_name"],
        "region": row["region"],
        "region_name": region_name(row["region"]),
        "period": row["period"],
        "indicator_zh": rule.indicator_zh,
        "approved_wan_t": f"{approved / 1e4:,.2f}",
        "actual_wan_t": f"{actual / 1e4:,.2f}",
        "ratio_pct": f"{actual / approved:.1%}",
        "red_pct": f"{red:.0%}",
        "yellow_pct": f"{yellow:.0%}" if yellow is not None else "",
    }


def check_project_overrun_rule(rule: Rule) -> None:
    """Raise RefdataError unless ``rule`` is a usable ``project_overrun`` rule: ``red_ratio``
    ≥ 1, ``yellow_ratio`` blank or between 1 and ``red_ratio``, templates filled."""
    red, yellow = _ratios(rule)
    row = {
        "subject": "P-2026-0001",
        "subject_name": "示例甲醇项目",
        "region": "141122",
        "period": "2027",
        "approved_tco2": 1.0e6,
        "actual_tco2": 1.2e6,
    }
    check_templates(rule, _findings(yellow), _values(rule, row, red, yellow))


def _amount(cells: Cells, column: str, *, positive: bool) -> float:
    expected = "annual tCO2, a number " + ("> 0" if positive else "≥ 0")
    value = cells.number(column, expected)
    assert value is not None
    if value < 0 or (positive and value == 0):
        raise cells.error(column, f"{value:g} is out of range", expected)
    return value


def project_overrun_warnings(rule: Rule, table: Any) -> list[EarlyWarning]:
    """Warnings of ``rule`` (kind ``project_overrun``) on ``table`` (:data:`OVERRUN_COLUMNS`),
    in row order: red at actual ≥ red_ratio × approved, yellow at ≥ yellow_ratio × approved."""
    check_project_overrun_rule(rule)
    red, yellow = _ratios(rule)
    warnings = []
    for cells in rows_of(table, OVERRUN_COLUMNS):
        row = {
            "subject": cells.text("subject"),
            "subject_name": cells.text("subject_name"),
            "region": cells.text("region"),
            "period": cells.text("period"),
            "approved_tco2": _amount(cells, "approved_tco2", positive=True),
            "actual_tco2": _amount(cells, "actual_tco2", positive=False),
        }
        ratio = row["actual_tco2"] / row["approved_tco2"]
        if ratio >= red or abs(ratio - red) <= 1e-9 * red:
            level, finding, threshold = Level.RED, "overrun", red
        elif yellow is not None and (ratio >= yellow or abs(ratio - yellow) <= 1e-9 * yellow):
            level, finding, threshold = Level.YELLOW, "near", yellow
        else:
            continue
        who = f"{row['subject_name']}（{row['subject']}）"
        warnings.append(
            warning(
                rule,
                subject=row["subject"],
                period=row["period"],
                level=level,
                value=ratio,
                threshold=threshold,
                head=headline(rule, who, f"{row['period']} ", level),
                finding=finding,
                values=_values(rule, row, red, yellow),
                details={
                    "region": row["region"],
                    "subject_name": row["subject_name"],
                    "approved_tco2": row["approved_tco2"],
                    "actual_tco2": row["actual_tco2"],
                },
            )
        )
    return warnings
