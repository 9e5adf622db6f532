"""Targets (目标): decomposition (分解) of a provincial CO2-intensity target to cities, counties
and enterprises, with fairness figures and the cooperative-game (Shapley) view."""

from carbonctl.targets.allocation import (
    METHODS,
    Allocation,
    InfeasibleAllocationError,
    achieved,
    allocate,
    allocation_summary,
    burden_index,
    decompose,
    entropy_index,
    entropy_weights,
    equal,
    fairness,
    gdp,
    grandfather,
    index,
    normalise,
    per_capita,
)
from carbonctl.targets.inputs import (
    BASE_COLUMNS,
    DEA_INPUT_COLUMNS,
    read_allocation_input,
    validate_allocation_input,
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
    "MAX_PLAYERS",
    "METHODS",
    "Allocation",
    "DeaError",
    "InfeasibleAllocationError",
    "TooManyPlayersError",
    "abatement_cost_game",
    "achieved",
    "allocate",
    "allocation_summary",
    "burden_index",
    "decompose",
    "entropy_index",
    "entropy_weights",
    "equal",
    "fairness",
    "gdp",
    "grandfather",
    "index",
    "normalise",
    "per_capita",
    "read_allocation_input",
    "shapley",
    "validate_allocation_input",
    "zsg_dea",
    "zsg_dea_iterations",
]
