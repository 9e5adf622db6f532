"""Targets (目标): decomposition (分解) of a provincial CO2-intensity target to cities, counties
and enterprises, with fairness figures, the methods side by side, and the cooperative-game
(Shapley) view. :data:`METHODS` is the registry of allocation methods."""

from carbonctl.targets.allocation import (
    burden_index,
    entropy_index,
    entropy_weights,
    equal,
    gdp,
    grandfather,
    index,
    normalise,
    per_capita,
)
from carbonctl.targets.compare import compare, method_options, method_summary, pivot
from carbonctl.targets.inputs import (
    BASE_COLUMNS,
    DEA_INPUT_COLUMNS,
    FIGURE_COLUMNS,
    allocation_table,
    read_allocation_input,
    validate_allocation_input,
)
from carbonctl.targets.methods import (
    METHODS,
    Method,
    allocate,
    county_methods,
    decompose,
    method_names,
    workbench_methods,
)
from carbonctl.targets.result import (
    Allocation,
    InfeasibleAllocationError,
    achieved,
    allocation_summary,
    fairness,
)
from carbonctl.targets.shapley import (
    MAX_PLAYERS,
    TooManyPlayersError,
    abatement_cost_game,
    shapley,
)
from carbonctl.targets.zsg_dea import DeaError, zsg_dea, zsg_dea_iterations

__all__ = [
    "BASE_COLUMNS",
    "DEA_INPUT_COLUMNS",
    "FIGURE_COLUMNS",
    "MAX_PLAYERS",
    "METHODS",
    "Allocation",
    "DeaError",
    "InfeasibleAllocationError",
    "Method",
    "TooManyPlayersError",
    "abatement_cost_game",
    "achieved",
    "allocate",
    "allocation_summary",
    "allocation_table",
    "burden_index",
    "compare",
    "county_methods",
    "decompose",
    "entropy_index",
    "entropy_weights",
    "equal",
    "fairness",
    "gdp",
    "grandfather",
    "index",
    "method_names",
    "method_options",
    "method_summary",
    "normalise",
    "per_capita",
    "pivot",
    "read_allocation_input",
    "shapley",
    "validate_allocation_input",
    "workbench_methods",
    "zsg_dea",
    "zsg_dea_iterations",
]
