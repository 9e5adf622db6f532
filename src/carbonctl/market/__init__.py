"""The carbon market (碳市场): national ETS power-sector allocation by benchmarks, compliance
with the gap cap, CCER offsets, banking and borrowing, and green certificates counted once.

Reference values (benchmarks, rules) come with status and source; what is not plainly
CONFIRMED is carried as a flag into every result that used it (see :mod:`.rules`)."""

from carbonctl.market.allocation import (
    UNIT_COLUMNS,
    AllocationResult,
    UnitAllocation,
    allocate,
    load_factor_correction,
    read_units,
)
from carbonctl.market.compliance import (
    COMPLIANCE_COLUMNS,
    ComplianceResult,
    UnitCompliance,
    comply,
    read_compliance,
)

__all__ = [
    "COMPLIANCE_COLUMNS",
    "UNIT_COLUMNS",
    "AllocationResult",
    "ComplianceResult",
    "UnitAllocation",
    "UnitCompliance",
    "allocate",
    "comply",
    "load_factor_correction",
    "read_compliance",
    "read_units",
]
