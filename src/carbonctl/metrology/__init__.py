"""Carbon metrology (碳计量): the register of energy and emission meters, their calibration, the
GB 17167-2006 equipping check and the data-quality tier of activity rows by how they were
measured."""

from carbonctl.metrology.equipping import (
    EquippingCheck,
    check_equipping,
    check_equipping_by,
    equipping_requirements,
)
from carbonctl.metrology.registry import (
    LEVELS,
    MEASURES,
    METER_COLUMNS,
    calibration_state,
    check_meters,
    read_meters,
    term_names,
)
from carbonctl.metrology.rows import (
    carrier_of,
    carrier_table,
    parse_tier,
    period_dates,
    read_data_tiers,
    result_tiers,
    row_tiers,
    tier_spellings,
    tiers_summary,
)
from carbonctl.metrology.tiers import TIERS, activity_tiers, tier_of, tier_table

__all__ = [
    "LEVELS",
    "MEASURES",
    "METER_COLUMNS",
    "TIERS",
    "EquippingCheck",
    "activity_tiers",
    "calibration_state",
    "carrier_of",
    "carrier_table",
    "check_equipping",
    "check_equipping_by",
    "check_meters",
    "equipping_requirements",
    "parse_tier",
    "period_dates",
    "read_data_tiers",
    "read_meters",
    "result_tiers",
    "row_tiers",
    "term_names",
    "tier_of",
    "tier_spellings",
    "tier_table",
    "tiers_summary",
]
