"""Early warning (预警): rules held as data, evaluated over regions' figures into red, yellow and
green warnings with a Chinese explanation and a suggested measure. Pure; see docs/warnings.md."""

from __future__ import annotations

from carbonctl.warning.barometer import (
    ABSOLUTE_TOLERANCE,
    BAROMETER_COLUMNS,
    RELATIVE_TOLERANCE,
    BarometerGrade,
    barometer_grade,
    barometer_warnings,
    check_barometer_rule,
)
from carbonctl.warning.inputs import (
    BAROMETER_FIELDS,
    read_barometer_input,
    validate_barometer_input,
)
from carbonctl.warning.model import EarlyWarning, Level, Rule, render
from carbonctl.warning.rules import (
    KINDS,
    RuleKind,
    evaluate,
    find_rule,
    load_rules,
    rule_from_record,
)

#: The rule ``carbonctl warn --input`` applies.
CARBON_BAROMETER = "carbon_barometer"

__all__ = [
    "ABSOLUTE_TOLERANCE",
    "BAROMETER_COLUMNS",
    "BAROMETER_FIELDS",
    "CARBON_BAROMETER",
    "KINDS",
    "RELATIVE_TOLERANCE",
    "BarometerGrade",
    "EarlyWarning",
    "Level",
    "Rule",
    "RuleKind",
    "barometer_grade",
    "barometer_warnings",
    "check_barometer_rule",
    "evaluate",
    "find_rule",
    "load_rules",
    "read_barometer_input",
    "render",
    "rule_from_record",
    "validate_barometer_input",
]
