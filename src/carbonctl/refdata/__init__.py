"""Versioned, cited reference data (参考数据): fuel parameters by factor set, standard-coal
coefficients, grid and heat factors, process factors, GWPs, regions, the CEADs layout and the three
sector classifications (GB/T 4754-2017, 全社会用电分类, CEADs) with the mappings between them.

Every table keeps its ``source`` and ``status`` columns (CONFIRMED / SECONDARY / UNCONFIRMED …) so
users see how firm a value is. Administrators add a factor set without a code change by dropping
CSV files into a folder named in ``CARBONCTL_REFDATA_DIRS`` (see :func:`extra_dirs`).

The modules, by what they hold: :mod:`~carbonctl.refdata.loader` (tables, extra folders, name
keys), :mod:`~carbonctl.refdata.fuels` (fuel catalogue and factor sets),
:mod:`~carbonctl.refdata.factors` (heat, process materials, GWPs),
:mod:`~carbonctl.refdata.regions` (regions and the county -> city -> province roll-up),
:mod:`~carbonctl.refdata.grid` (grid factors), :mod:`~carbonctl.refdata.sectors` (sector
classifications), :mod:`~carbonctl.refdata.bounds` (plausibility bounds of input rows),
:mod:`~carbonctl.refdata.benchmarks` (energy-efficiency 标杆/基准 levels) and
:mod:`~carbonctl.refdata.entries` (look-up by name). Everything public is re-exported here,
so callers write ``refdata.find_fuel`` whatever module holds it.
"""

from __future__ import annotations

from carbonctl.refdata.benchmarks import (
    EfficiencyBenchmark,
    efficiency_benchmark,
    efficiency_benchmarks,
)
from carbonctl.refdata.bounds import Bound, plausibility_bounds
from carbonctl.refdata.entries import lookup
from carbonctl.refdata.factors import (
    GWP_VERSIONS,
    Material,
    find_material,
    gwp,
    heat_factor,
    material_index,
    process_factor,
)
from carbonctl.refdata.fuels import (
    DEFAULT_FACTOR_SET,
    FUEL_FACTOR_COLUMNS,
    Fuel,
    factor_set_ids,
    factor_sets,
    find_fuel,
    fuel_factors,
    fuel_index,
    fuel_names,
    resolve_factor_set,
)
from carbonctl.refdata.grid import GRID_BASES, GridFactor, grid_factor
from carbonctl.refdata.loader import (
    EXTENSIBLE,
    TABLES,
    close_matches,
    describe_tables,
    extra_dirs,
    load_table,
    normalise_name,
    status_label,
)
from carbonctl.refdata.regions import (
    ALL,
    LEVELS,
    NATIONAL,
    PROVINCE,
    Region,
    county_city,
    find_region,
    roll_up,
)
from carbonctl.refdata.sectors import (
    SECTOR_COLUMNS,
    SECTOR_SCHEMES,
    map_sectors,
    resolve_sector_scheme,
    sector_code,
    sector_scheme,
)

__all__ = [
    "ALL",
    "DEFAULT_FACTOR_SET",
    "EXTENSIBLE",
    "FUEL_FACTOR_COLUMNS",
    "GRID_BASES",
    "GWP_VERSIONS",
    "LEVELS",
    "NATIONAL",
    "PROVINCE",
    "SECTOR_COLUMNS",
    "SECTOR_SCHEMES",
    "TABLES",
    "Bound",
    "EfficiencyBenchmark",
    "Fuel",
    "GridFactor",
    "Material",
    "Region",
    "close_matches",
    "county_city",
    "describe_tables",
    "efficiency_benchmark",
    "efficiency_benchmarks",
    "extra_dirs",
    "factor_set_ids",
    "factor_sets",
    "find_fuel",
    "find_material",
    "find_region",
    "fuel_factors",
    "fuel_index",
    "fuel_names",
    "grid_factor",
    "gwp",
    "heat_factor",
    "load_table",
    "lookup",
    "map_sectors",
    "material_index",
    "normalise_name",
    "plausibility_bounds",
    "process_factor",
    "resolve_factor_set",
    "resolve_sector_scheme",
    "roll_up",
    "sector_code",
    "sector_scheme",
    "status_label",
]
