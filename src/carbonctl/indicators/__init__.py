"""Indicators (指标): carbon and energy intensity, their changes and reductions, total-emission
caps, five-year targets and schedule progress (时序进度). Pure functions; see docs/indicators.md.
"""

from __future__ import annotations

from carbonctl.indicators.caps import CapUse, cap_use, cap_use_table
from carbonctl.indicators.five_year import (
    FiveYearTarget,
    default_target,
    five_year_target,
    load_targets,
)
from carbonctl.indicators.intensity import (
    co2_intensity,
    cumulative_reduction,
    energy_intensity,
    indicator_table,
    intensity,
    year_on_year_change,
)
from carbonctl.indicators.regional import (
    POPULATION_UNITS,
    REGIONAL_INDICATORS,
    coal_fuel_names,
    complete_figures,
    persons,
    project_gdp,
    regional_indicators,
)
from carbonctl.indicators.schedule import (
    PLAN_LENGTH,
    ROUNDING_TOLERANCE,
    Progress,
    ScheduleStatus,
    completion_rate,
    progress,
    remaining_required_rate,
    required_annual_rate,
    required_cumulative,
    required_cumulative_midyear,
    schedule_status,
    schedule_table,
    year_index,
)

__all__ = [
    "PLAN_LENGTH",
    "POPULATION_UNITS",
    "REGIONAL_INDICATORS",
    "ROUNDING_TOLERANCE",
    "CapUse",
    "FiveYearTarget",
    "Progress",
    "ScheduleStatus",
    "cap_use",
    "cap_use_table",
    "co2_intensity",
    "coal_fuel_names",
    "complete_figures",
    "completion_rate",
    "cumulative_reduction",
    "default_target",
    "energy_intensity",
    "five_year_target",
    "indicator_table",
    "intensity",
    "load_targets",
    "persons",
    "progress",
    "project_gdp",
    "regional_indicators",
    "remaining_required_rate",
    "required_annual_rate",
    "required_cumulative",
    "required_cumulative_midyear",
    "schedule_status",
    "schedule_table",
    "year_index",
    "year_on_year_change",
]
