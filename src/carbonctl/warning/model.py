"""What the warning engine works with (预警规则与预警): a rule as data, the level a rule grades
(红/黄/绿) and the warning it produces, with its message rendered from the rule's templates."""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from carbonctl.errors import RefdataError

__all__ = ["EarlyWarning", "Level", "Rule", "render"]


class Level(StrEnum):
    """Warning level (预警等级): red 一级, yellow 二级, green 三级 as the 2021 barometer graded."""

    RED = "red"
    YELLOW = "yellow"
    GREEN = "green"

    @property
    def label_zh(self) -> str:
        """红色 / 黄色 / 绿色."""
        return _LABELS_ZH[self]

    @property
    def grade_zh(self) -> str:
        """一级 / 二级 / 三级, the grades of the NDRC barometer (发改办环资〔2021〕629号)."""
        return _GRADES_ZH[self]

    @property
    def severity(self) -> int:
        """2 for red, 1 for yellow, 0 for green: higher is worse."""
        return _SEVERITY[self]


_LABELS_ZH = {Level.RED: "红色", Level.YELLOW: "黄色", Level.GREEN: "绿色"}
_GRADES_ZH = {Level.RED: "一级", Level.YELLOW: "二级", Level.GREEN: "三级"}
_SEVERITY = {Level.RED: 2, Level.YELLOW: 1, Level.GREEN: 0}


@dataclass(frozen=True)
class Rule:
    """A warning rule (预警规则), held as data so that an administrator can change it without code.

    ``kind`` names the evaluation function (``barometer`` …, see :data:`carbonctl.warning.KINDS`);
    ``parameters`` are its thresholds (a blank value is None); ``explanations`` map each finding
    the kind can report to a Chinese template (``str.format`` fields, checked when the rule is
    loaded); ``measures`` map a level to the suggested measure (建议措施), "" when none.
    ``source`` and ``status`` (CONFIRMED / … / DESIGN PROPOSAL) travel with every warning so that
    users see how firm a rule is.
    """

    rule_id: str
    kind: str
    name_zh: str
    name_en: str
    indicator: str
    indicator_zh: str
    parameters: Mapping[str, float | None]
    explanations: Mapping[str, str]
    measures: Mapping[Level, str]
    source: str
    status: str
    note: str = ""

    def measure(self, level: Level) -> str:
        """The suggested measure (建议措施) for ``level``; "" when the rule gives none."""
        return self.measures.get(level, "")


@dataclass(frozen=True)
class EarlyWarning:
    """One result of a rule on one subject and period (预警结果).

    ``value`` is the indicator value the rule tested and ``threshold`` what it was compared
    with, both as fractions where the rule works in fractions (the barometer: achieved and
    required cumulative reduction). ``message`` explains in Chinese, with the numbers, why the
    level was given; ``measure`` is the rule's suggested measure for that level.
    """

    subject: str
    period: str
    rule: str
    level: Level
    value: float
    threshold: float
    message: str
    measure: str = ""
    details: Mapping[str, object] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        """The JSON of ``carbonctl warn``: subject, period, rule, level, value, threshold,
        message (floats unrounded)."""
        return {
            "subject": self.subject,
            "period": self.period,
            "rule": self.rule,
            "level": self.level.value,
            "value": float(self.value),
            "threshold": float(self.threshold),
            "message": self.message,
        }


def template_fields(template: str) -> list[str]:
    """The field names a template uses; raises ValueError for a malformed template."""
    return [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]


def render(template: str, values: Mapping[str, object], *, rule_id: str = "") -> str:
    """``template`` filled with ``values``.

    Only plain names are allowed (``{achieved:.2%}``, not ``{x.attr}`` or ``{x[0]}``): a rule
    edited by an administrator must not reach into objects. A name the rule's kind does not
    provide, or a format that does not suit its value, raises :class:`RefdataError`.
    """
    where = f"warning rule {rule_id!r}: " if rule_id else ""
    try:
        names = template_fields(template)
    except ValueError as exc:
        raise RefdataError(f"{where}malformed template {template!r}: {exc}") from None
    for name in names:
        if name not in values:
            known = ", ".join(sorted(values))
            raise RefdataError(
                f"{where}template {template!r} uses {{{name}}}, which is not one of: {known}"
            )
    try:
        return template.format_map(values)
    except (TypeError, ValueError) as exc:
        raise RefdataError(f"{where}template {template!r} cannot be filled: {exc}") from None
