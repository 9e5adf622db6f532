"""The barometer kind of rule (晴雨表): grades a region's intensity against the five-year schedule
(时序进度) red, yellow or green, as the NDRC energy barometer of 2021 did; the carbon barometer
applies it to CO2 intensity.

For a five-year reduction target R with base year b, in year t (t − b = 0..5):

- required(t) = 1 − (1 − R)^((t − b)/5)   cumulative reduction the schedule asks for
- achieved(t) = 1 − I_t / I_b              cumulative reduction reached
- **red** if I_t > I_{t−1} (``red_on_rise``) or required − achieved > ``red_gap_share`` × required;
  **yellow** if achieved < required otherwise; **green** if achieved ≥ required. Red wins: a
  region whose intensity rose is red even when it is ahead of schedule.

Sources: the NDRC 2021 Q1 barometer (red: behind and the gap > 10 % of the target; Caixin
2021-06-04) and 2021 H1 (一级: intensity rose; 发改办环资〔2021〕629号); applying them to CO2
intensity with this cumulative schedule is a DESIGN PROPOSAL (issue 14), see docs/warnings.md.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from numbers import Real

import pandas as pd

from carbonctl.errors import InputError, RefdataError
from carbonctl.indicators.schedule import required_cumulative, year_index
from carbonctl.warning.model import EarlyWarning, Level, Rule, render
from carbonctl.warning.tables import region_name

__all__ = [
    "ABSOLUTE_TOLERANCE",
    "BAROMETER_COLUMNS",
    "FINDINGS",
    "RELATIVE_TOLERANCE",
    "BarometerGrade",
    "barometer_grade",
    "barometer_warnings",
    "check_barometer_rule",
    "exceeds",
]

#: Two figures closer than this share of the larger are equal: floating point makes
#: 0.1 − 0.09 = 0.010000000000000009, which must not count as more than 10 % of 0.1.
RELATIVE_TOLERANCE = 1e-9
#: Fractions (reductions, gaps) closer than this are equal even near 0, where a relative test
#: cannot help: 1 − I_t / I_b is −2e-16, not 0, for some I_t equal to I_b.
ABSOLUTE_TOLERANCE = 1e-12

#: What the barometer can find, in the order a message tells it. ``rose``: intensity rose year
#: on year; then one of ``behind_far`` (gap over the red share), ``behind``, ``on_track``.
FINDINGS = ("rose", "behind_far", "behind", "on_track")

#: Columns of the table :func:`barometer_warnings` grades, one row per region and year.
BAROMETER_COLUMNS = (
    "region",
    "year",
    "base_year",
    "target",
    "intensity_base",
    "intensity_previous",
    "intensity",
)


def exceeds(a: float, b: float, absolute: float = ABSOLUTE_TOLERANCE) -> bool:
    """a > b by more than the tolerances: equal within them is not greater. Every kind of rule
    compares with this, so "strictly above the threshold" means the same everywhere."""
    return a > b and not math.isclose(a, b, rel_tol=RELATIVE_TOLERANCE, abs_tol=absolute)


@dataclass(frozen=True)
class BarometerGrade:
    """The barometer's reading for one region and year.

    ``required`` and ``achieved`` are cumulative reductions since the base year (fractions;
    achieved is negative when intensity rose since then), ``gap`` = required − achieved
    (positive when behind), ``gap_limit`` = red share × required (None when the rule has no
    gap test), ``rise`` = I_t / I_{t−1} − 1. ``findings`` name what decided the level, in the
    order of :data:`FINDINGS`.
    """

    level: Level
    required: float
    achieved: float
    gap: float
    gap_limit: float | None
    rise: float
    findings: tuple[str, ...]


def _intensity(value: float, column: str) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise InputError(
            f"{column} {value!r} is not a finite number",
            column=column,
            expected="an intensity greater than 0",
        )
    if value <= 0:
        raise InputError(
            f"{column} {value!r} is not greater than 0",
            column=column,
            expected="an intensity greater than 0",
        )
    return float(value)


def barometer_grade(
    target: float,
    base_year: int,
    year: int,
    intensity_base: float,
    intensity_previous: float,
    intensity: float,
    *,
    red_gap_share: float | None = 0.1,
    red_on_rise: bool = True,
) -> BarometerGrade:
    """Grade one region's year on the barometer (晴雨表): red, yellow or green.

    ``target`` R is the five-year intensity reduction as a fraction (0.17); the intensities are
    the base year's, the previous year's and this year's, in any one unit. The formulas are
    the module's; comparisons treat figures equal within :data:`RELATIVE_TOLERANCE` (and
    :data:`ABSOLUTE_TOLERANCE` for fractions) as equal, so a gap exactly at the red share is
    yellow and achieved exactly at required is green.

    In the base year (t = b) nothing is required yet (required = 0): the region is green when
    I_t ≤ I_b and red when I_t > I_b (any gap exceeds 10 % of 0), and red when I_t > I_{t−1}.

    ``red_gap_share`` None drops the gap test (the 2021 H1 energy barometer had none);
    ``red_on_rise`` False drops the year-on-year test (the 2021 Q1 barometer had none).
    Raises :class:`~carbonctl.errors.InputError` for R outside (0, 1), a year outside
    b..b + 5 or an intensity that is not a finite number above 0.
    """
    required = required_cumulative(target, year_index(base_year, year))
    base = _intensity(intensity_base, "intensity_base")
    previous = _intensity(intensity_previous, "intensity_previous")
    current = _intensity(intensity, "intensity")
    achieved = 1.0 - current / base
    gap = required - achieved
    rose = exceeds(current, previous, absolute=0.0)
    gap_limit = None if red_gap_share is None else red_gap_share * required
    far = gap_limit is not None and exceeds(gap, gap_limit)
    behind = exceeds(required, achieved)

    findings: list[str] = []
    if red_on_rise and rose:
        findings.append("rose")
    findings.append("behind_far" if far else "behind" if behind else "on_track")
    if (red_on_rise and rose) or far:
        level = Level.RED
    elif behind:
        level = Level.YELLOW
    else:
        level = Level.GREEN
    return BarometerGrade(
        level=level,
        required=required,
        achieved=achieved,
        gap=gap,
        gap_limit=gap_limit,
        rise=current / previous - 1.0,
        findings=tuple(findings),
    )


def _parameters(rule: Rule) -> tuple[float | None, bool]:
    """(red_gap_share, red_on_rise) of a barometer rule, checked."""
    where = f"warning rule {rule.rule_id!r}"
    for name in ("red_gap_share", "red_on_rise"):
        if name not in rule.parameters:
            raise RefdataError(f"{where} has no parameter {name}")
    share = rule.parameters["red_gap_share"]
    if share is not None and not (math.isfinite(share) and 0.0 <= share < 1.0):
        raise RefdataError(
            f"{where}: red_gap_share {share!r} is not a fraction in [0, 1) (0.1 for 10 %)"
        )
    on_rise = rule.parameters["red_on_rise"]
    if on_rise not in (0.0, 1.0):
        raise RefdataError(f"{where}: red_on_rise {on_rise!r} is not 1 (yes) or 0 (no)")
    if share is None and not on_rise:
        raise RefdataError(f"{where} has neither a red_gap_share nor red_on_rise = 1: never red")
    return share, bool(on_rise)


def _change(reduction: float) -> str:
    """累计下降 2.10% / 上升 1.20% / 持平, as a message states a cumulative reduction."""
    if math.isclose(reduction, 0.0, abs_tol=ABSOLUTE_TOLERANCE):
        return "持平"
    return f"下降{reduction:.2%}" if reduction > 0 else f"上升{-reduction:.2%}"


def _values(
    rule: Rule, row: Mapping[str, object], grade: BarometerGrade, share: float | None
) -> dict[str, object]:
    """The fields a barometer rule's templates may use."""
    limit = grade.gap_limit
    return {
        "subject": row["region"],
        "period": str(row["year"]),
        "year": row["year"],
        "base_year": row["base_year"],
        "target": row["target"],
        "indicator_zh": rule.indicator_zh,
        "intensity": row["intensity"],
        "intensity_previous": row["intensity_previous"],
        "intensity_base": row["intensity_base"],
        "rise": grade.rise,
        "achieved": grade.achieved,
        "achieved_change": _change(grade.achieved),
        "required": grade.required,
        "gap": grade.gap,
        "gap_pp": grade.gap * 100.0,
        "red_gap_share": share,
        "gap_limit": limit,
        "gap_limit_pp": None if limit is None else limit * 100.0,
    }


def _message(rule: Rule, values: Mapping[str, object], grade: BarometerGrade) -> str:
    parts = [render(rule.explanations[f], values, rule_id=rule.rule_id) for f in grade.findings]
    headline = (
        f"{region_name(str(values['subject']))} {values['period']}年{rule.name_zh}："
        f"{grade.level.label_zh}（{grade.level.grade_zh}）。"
    )
    return headline + "；".join(parts) + "。"


def _needed_findings(share: float | None, on_rise: bool) -> tuple[str, ...]:
    return tuple(
        f
        for f in FINDINGS
        if not (f == "rose" and not on_rise) and not (f == "behind_far" and share is None)
    )


def check_barometer_rule(rule: Rule) -> None:
    """Raise :class:`RefdataError` unless ``rule`` is a usable barometer rule: its parameters
    in range, a template for every finding it can report, each template filled without error
    (only the fields of :func:`barometer_warnings` used), a measure text for every level."""
    share, on_rise = _parameters(rule)
    for finding in _needed_findings(share, on_rise):
        if not rule.explanations.get(finding, "").strip():
            raise RefdataError(
                f"warning rule {rule.rule_id!r} has no explanation for finding {finding!r}"
            )
    for level in Level:
        if level not in rule.measures:
            raise RefdataError(f"warning rule {rule.rule_id!r} has no measure for {level.value}")
    sample = {
        "region": "示例市",
        "year": 2027,
        "base_year": 2025,
        "target": 0.17,
        "intensity": 0.95,
        "intensity_previous": 0.97,
        "intensity_base": 1.0,
    }
    grade = barometer_grade(
        0.17, 2025, 2027, 1.0, 0.97, 0.95, red_gap_share=share, red_on_rise=on_rise
    )
    values = _values(rule, sample, grade, share)
    for finding in _needed_findings(share, on_rise):
        render(rule.explanations[finding], values, rule_id=rule.rule_id)


def barometer_warnings(rule: Rule, table: pd.DataFrame) -> list[EarlyWarning]:
    """The barometer of every row of ``table`` (:data:`BAROMETER_COLUMNS`: region, year,
    base_year, target R, intensity_base, intensity_previous, intensity), in row order.

    Each :class:`EarlyWarning` has subject = the region as given, period = the year as text, value =
    achieved and threshold = required (fractions), the level, a Chinese message built from the
    rule's templates with the numbers, and the rule's measure for that level. A pure function
    of (rule, table): the rule's parameters decide, nothing else.
    """
    check_barometer_rule(rule)
    share, on_rise = _parameters(rule)
    missing = [c for c in BAROMETER_COLUMNS if c not in table.columns]
    if missing:
        raise InputError(
            f"the table has no column {', '.join(missing)}",
            expected="columns " + ", ".join(BAROMETER_COLUMNS),
        )
    warnings = []
    for row in table[list(BAROMETER_COLUMNS)].to_dict("records"):
        grade = barometer_grade(
            row["target"],
            row["base_year"],
            row["year"],
            row["intensity_base"],
            row["intensity_previous"],
            row["intensity"],
            red_gap_share=share,
            red_on_rise=on_rise,
        )
        values = _values(rule, row, grade, share)
        warnings.append(
            EarlyWarning(
                subject=str(row["region"]),
                period=str(row["year"]),
                rule=rule.rule_id,
                level=grade.level,
                value=grade.achieved,
                threshold=grade.required,
                message=_message(rule, values, grade),
                measure=rule.measure(grade.level),
                details={
                    "region": str(row["region"]),
                    "gap": grade.gap,
                    "gap_limit": grade.gap_limit,
                    "rise": grade.rise,
                    "findings": grade.findings,
                },
            )
        )
    return warnings
