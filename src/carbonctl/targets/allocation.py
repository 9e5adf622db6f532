"""Allocation (分解) of a provincial CO2-intensity reduction target (碳排放强度下降目标) among
regions: equal, grandfathering, per-capita, GDP, weighted index, entropy index, ZSG-DEA.

The registry of methods and the dispatch by name are in :mod:`carbonctl.targets.methods`.
Every method takes the regional table (``region, population, gdp_base, gdp_target, co2_base``;
GDP at constant base-year prices, ``gdp_target`` the projected GDP of the plan's last year,
``co2_base`` in tCO2) and the province target R, and returns an :class:`Allocation` whose
regional reductions r_i meet R exactly (:func:`carbonctl.targets.result.achieved`):

    achieved(r) = 1 - [sum_i (C0_i / G0_i)(1 - r_i) GT_i / sum_i GT_i] / (sum_i C0_i / sum_i G0_i)

Conventions and worked examples: ``docs/allocation.md`` and the project's
``refdata/examples/README.md`` (sections 1-3).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from carbonctl.errors import InputError, InputErrors
from carbonctl.evaluation import weights as assessment
from carbonctl.targets.inputs import check_target, validate_allocation_input
from carbonctl.targets.result import (
    Allocation,
    InfeasibleAllocationError,
    achieved,
    build_allocation,
    cap_share,
)

__all__ = [
    "SHIFT",
    "burden_index",
    "entropy_index",
    "entropy_weights",
    "equal",
    "gdp",
    "grandfather",
    "index",
    "normalise",
    "per_capita",
]

#: Added to min-max normalised values before the entropy (avoids ln 0; common in the Chinese
#: literature; examples README section 1).
SHIFT = 1e-4


def _calibrate_scale(table: pd.DataFrame, shape: np.ndarray, target: float) -> float:
    """k such that r_i = k × shape_i meets the target: achieved(k) is linear in k, so

    k = (R - achieved(0)) / (achieved(shape) - achieved(0))
    """
    base = achieved(table, np.zeros(len(table)))
    slope = achieved(table, shape) - base
    if slope <= 0:
        raise InfeasibleAllocationError("the burden index gives no region a reduction")
    return (target - base) / slope


# --- methods with one free scale ----------------------------------------------------------


def equal(table: pd.DataFrame, target: float) -> Allocation:
    """Equal reduction (同比例): every region gets the same r, calibrated so that achieved = R.

    r is generally not R: GDP growing faster in low-intensity regions lowers the province's
    intensity by itself (structure effect).
    """
    table = validate_allocation_input(table)
    target = check_target(target)
    ones = np.ones(len(table))
    k = _calibrate_scale(table, ones, target)
    return build_allocation("equal", table, target, k * ones, {"k": k})


def grandfather(table: pd.DataFrame, target: float) -> Allocation:
    """Grandfathering (历史法, 祖父法): cap_i ∝ base emissions C0_i (feasibility; penalises
    early movers)."""
    table = validate_allocation_input(table)
    target = check_target(target)
    return cap_share("grandfather", table, target, table["co2_base"].to_numpy(dtype=float))


def per_capita(table: pd.DataFrame, target: float) -> Allocation:
    """Equal per capita (人均): cap_i ∝ population_i (fairness)."""
    table = validate_allocation_input(table)
    target = check_target(target)
    return cap_share("per_capita", table, target, table["population"].to_numpy(dtype=float))


def gdp(table: pd.DataFrame, target: float) -> Allocation:
    """GDP share (效率): cap_i ∝ projected GDP G_T,i (efficiency)."""
    table = validate_allocation_input(table)
    target = check_target(target)
    return cap_share("gdp", table, target, table["gdp_target"].to_numpy(dtype=float))


# --- weighted burden index and entropy weights (examples README sections 1-2) -------------


def _directions(indicators: Mapping[str, str]) -> dict[str, str]:
    bad = {k: v for k, v in indicators.items() if v not in ("+", "-")}
    if bad:
        raise InputErrors(
            [
                InputError(
                    f"direction {v!r} of indicator {k!r}",
                    column=k,
                    expected="'+' (a higher value means a larger burden) or '-'",
                )
                for k, v in bad.items()
            ]
        )
    return dict(indicators)


def normalise(table: pd.DataFrame, indicators: Mapping[str, str]) -> pd.DataFrame:
    """Shifted min-max normalisation z'_ij (标准化) by direction, the convention of
    :func:`carbonctl.evaluation.weights.normalise` ('+' = larger burden for allocation)."""
    directions = _directions(indicators)
    negative = [name for name, direction in directions.items() if direction == "-"]
    return assessment.normalise(table[list(directions)], negative=negative)


def entropy_weights(table: pd.DataFrame, indicators: Mapping[str, str]) -> pd.DataFrame:
    """Entropy weights (熵权法) of the burden indicators, computed by
    :func:`carbonctl.evaluation.weights.entropy_weights`; one row per indicator:
    ``indicator, direction, entropy, divergence, weight``."""
    directions = _directions(indicators)
    negative = [name for name, direction in directions.items() if direction == "-"]
    result = assessment.entropy_weights(table[list(directions)], negative=negative)
    return pd.DataFrame(
        {
            "indicator": list(directions),
            "direction": list(directions.values()),
            "entropy": result.entropy.to_numpy(),
            "divergence": result.divergence.to_numpy(),
            "weight": result.weights.to_numpy(),
        }
    )


def burden_index(
    table: pd.DataFrame, weights: Mapping[str, float], indicators: Mapping[str, str]
) -> np.ndarray:
    """Composite burden index (减排责任指数) I_i = sum_j w_j z'_ij."""
    z = normalise(table, {k: indicators[k] for k in weights})
    return z.to_numpy() @ np.array([float(weights[k]) for k in weights])


def _index_allocation(
    method: str,
    table: pd.DataFrame,
    target: float,
    weights: Mapping[str, float],
    indicators: Mapping[str, str],
    extra: Mapping[str, Any],
) -> Allocation:
    burden = burden_index(table, weights, indicators)
    shape = burden / burden.mean()
    k = _calibrate_scale(table, shape, target)
    parameters = {"k": k, "weights": dict(weights), "burden_index": burden.tolist(), **extra}
    return build_allocation(method, table, target, k * shape, parameters)


def index(
    table: pd.DataFrame,
    target: float,
    weights: Mapping[str, float],
    directions: Mapping[str, str] | None = None,
) -> Allocation:
    """Weighted-index allocation (综合指数法) with given weights w_j:

        I_i = sum_j w_j z'_ij,   r_i = k × I_i / mean(I),   k such that achieved = R

    ``directions`` maps indicator to '+' (higher = larger burden, default) or '-'.
    """
    directions = {k: (directions or {}).get(k, "+") for k in weights}
    table = validate_allocation_input(table, indicators=list(weights))
    target = check_target(target)
    return _index_allocation("index", table, target, weights, directions, {})


def entropy_index(table: pd.DataFrame, target: float, indicators: Mapping[str, str]) -> Allocation:
    """Entropy-index allocation (熵权指数法): :func:`index` with :func:`entropy_weights`.

    Reproduces ``worked_allocation_entropy_index.csv`` (k = 0.156930904632).
    """
    table = validate_allocation_input(table, indicators=list(indicators))
    target = check_target(target)
    weights = entropy_weights(table, _directions(indicators))
    w = dict(zip(weights["indicator"], weights["weight"], strict=True))
    return _index_allocation(
        "entropy_index", table, target, w, indicators, {"entropy": weights["entropy"].tolist()}
    )
