"""The input layer (数据输入): read activity and inventory tables from CSV/XLSX within limits
(:class:`ReadLimits`), streamed in chunks, validate them with pandera and the reference data in
one pass, flag implausible amounts, and write tables back out for people."""

from carbonctl.io.cells import FORMULA_STARTS, safe_cell, safe_row
from carbonctl.io.fields import (
    CATEGORIES,
    GREEN_ELECTRICITY_ITEMS,
    GRID_ELECTRICITY_ITEMS,
    HEAT_ITEMS,
    PROCESS_ROW_NAMES,
    is_green_electricity,
)
from carbonctl.io.limits import ReadLimits
from carbonctl.io.plausibility import plausibility_warnings
from carbonctl.io.readers import (
    iter_activities,
    iter_inventory,
    read_activities,
    read_inventory,
    read_table,
)
from carbonctl.io.validate import (
    ACTIVITY_COLUMNS,
    INVENTORY_COLUMNS,
    validate_activities,
    validate_inventory,
)
from carbonctl.io.writers import write_table
from carbonctl.io.xlsx import count_rows

__all__ = [
    "ACTIVITY_COLUMNS",
    "CATEGORIES",
    "FORMULA_STARTS",
    "GREEN_ELECTRICITY_ITEMS",
    "GRID_ELECTRICITY_ITEMS",
    "HEAT_ITEMS",
    "INVENTORY_COLUMNS",
    "PROCESS_ROW_NAMES",
    "ReadLimits",
    "count_rows",
    "is_green_electricity",
    "iter_activities",
    "iter_inventory",
    "plausibility_warnings",
    "read_activities",
    "read_inventory",
    "read_table",
    "safe_cell",
    "safe_row",
    "validate_activities",
    "validate_inventory",
    "write_table",
]
