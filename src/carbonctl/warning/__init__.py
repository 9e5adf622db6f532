"""Early warning (预警): rules held as data, evaluated over regions', sectors' and enterprises'
figures into red, yellow and green warnings with a Chinese explanation and a suggested measure.
Pure; see docs/warnings.md. Each kind's input table is its ``*_COLUMNS`` (a contract with the
platform): barometer, budget_overuse, budget_exhaustion, fast_growth, enterprise_benchmark,
late_data, red_region_event, project_overrun, ets_shortfall, calibration_overdue."""

from __future__ import annotations

from carbonctl.warning.barometer import (
    ABSOLUTE_TOLERANCE,
    BAROMETER_COLUMNS,
    RELATIVE_TOLERANCE,
    BarometerGrade,
    barometer_grade,
    barometer_warnings,
    check_barometer_rule,
    exceeds,
)
from carbonctl.warning.budget import (
    BUDGET_FORECAST_COLUMNS,
    BUDGET_USE_COLUMNS,
    budget_exhaustion_warnings,
    budget_overuse_warnings,
    check_budget_exhaustion_rule,
    check_budget_overuse_rule,
)
from carbonctl.warning.efficiency import (
    ENTERPRISE_ENERGY_COLUMNS,
    check_enterprise_benchmark_rule,
    enterprise_benchmark_warnings,
)
from carbonctl.warning.events import (
    EVENT_COLUMNS,
    REPORTING_COLUMNS,
    check_late_data_rule,
    check_red_region_event_rule,
    late_data_warnings,
    red_region_event_warnings,
)
from carbonctl.warning.growth import (
    GROWTH_COLUMNS,
    GrowthTest,
    check_fast_growth_rule,
    fast_growth_warnings,
    growth_test,
)
from carbonctl.warning.inputs import (
    BAROMETER_FIELDS,
    read_barometer_input,
    validate_barometer_input,
)
from carbonctl.warning.market import (
    ETS_SHORTFALL_COLUMNS,
    check_ets_shortfall_rule,
    ets_shortfall_warnings,
)
from carbonctl.warning.metrology import (
    CALIBRATION_COLUMNS,
    calibration_overdue_warnings,
    check_calibration_overdue_rule,
)
from carbonctl.warning.model import EarlyWarning, Level, Rule, render
from carbonctl.warning.projects import (
    OVERRUN_COLUMNS,
    check_project_overrun_rule,
    project_overrun_warnings,
)
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
    "BUDGET_FORECAST_COLUMNS",
    "BUDGET_USE_COLUMNS",
    "CALIBRATION_COLUMNS",
    "CARBON_BAROMETER",
    "ENTERPRISE_ENERGY_COLUMNS",
    "ETS_SHORTFALL_COLUMNS",
    "EVENT_COLUMNS",
    "GROWTH_COLUMNS",
    "KINDS",
    "OVERRUN_COLUMNS",
    "RELATIVE_TOLERANCE",
    "REPORTING_COLUMNS",
    "BarometerGrade",
    "EarlyWarning",
    "GrowthTest",
    "Level",
    "Rule",
    "RuleKind",
    "barometer_grade",
    "barometer_warnings",
    "budget_exhaustion_warnings",
    "budget_overuse_warnings",
    "calibration_overdue_warnings",
    "check_barometer_rule",
    "check_budget_exhaustion_rule",
    "check_budget_overuse_rule",
    "check_calibration_overdue_rule",
    "check_enterprise_benchmark_rule",
    "check_ets_shortfall_rule",
    "check_fast_growth_rule",
    "check_late_data_rule",
    "check_project_overrun_rule",
    "check_red_region_event_rule",
    "enterprise_benchmark_warnings",
    "ets_shortfall_warnings",
    "evaluate",
    "exceeds",
    "fast_growth_warnings",
    "find_rule",
    "growth_test",
    "late_data_warnings",
    "load_rules",
    "project_overrun_warnings",
    "read_barometer_input",
    "red_region_event_warnings",
    "render",
    "rule_from_record",
    "validate_barometer_input",
]
