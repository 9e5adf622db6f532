"""Allocation (分解) of a provincial CO2-intensity reduction target (碳排放强度下降目标) among
regions: equal, grandfathering, per-capita, GDP, weighted index, entropy index, ZSG-DEA.

Every method takes the regional table (``region, population, gdp_base, gdp_target, co2_base``;
GDP at constant base-year prices, ``gdp_target`` the projected GDP of the plan's last year,
``co2_base`` in tCO2) and the province target R, and returns an :class:`Allocation` whose
regional reductions r_i meet R exactly:

    achieved(r) = 1 - [sum_i (C0_i / G0_i)(1 - r_i) GT_i / sum_i GT_i] / (sum_i C0_i / sum_i G0_i)

Conventions and worked examples: ``docs/allocation.md`` and the project's
``refdata/examples/README.md`` (sections 1-3).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from carbonctl.errors import CarbonctlError, InputError, InputErrors
from carbonctl.evaluation import weights as assessment
from carbonctl.targets.inputs import check_target, validate_allocation_input

__all__ = [
    "METHODS",
    "SHIFT",
    "Allocation",
    "InfeasibleAllocationError",
    "achieved",
    "allocate",
    "allocation_summary",
    "burden_index",
    "cap_share",
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
]

#: Added to min-max normalised values before the entropy (avoids ln 0; common in the Chinese
#: literature; examples README section 1).
SHIFT = 1e-4


class InfeasibleAllocationError(CarbonctlError):
    """A method would give some region a reduction of 100% or more (a cap of zero or less)."""


@dataclass(frozen=True, eq=False)
class Allocation:
    """One allocation of a province target (目标分解方案).

    ``regions``: ``region, reduction`` (r_i, 强度下降率), ``intensity_base`` (C0/G0),
    ``intensity_target`` (C0/G0 × (1 − r_i)), ``cap_tco2`` (配额, intensity_target × G_T, in the
    unit of ``co2_base``). ``fairness``: see :func:`fairness`. ``parameters``: what the method
    calibrated or used (k, weights).
    """

    method: str
    target: float
    achieved: float
    regions: pd.DataFrame
    fairness: dict[str, float | None]
    parameters: Mapping[str, Any] = field(default_factory=dict)


# --- the identity every method meets --------------------------------------------------------


def _arrays(table: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return (
        table["gdp_base"].to_numpy(dtype=float),
        table["gdp_target"].to_numpy(dtype=float),
        table["co2_base"].to_numpy(dtype=float),
    )


def achieved(table: pd.DataFrame, reductions: np.ndarray | pd.Series | list[float]) -> float:
    """The province's intensity reduction implied by regional reductions r_i (全省强度下降率):

        1 - [sum_i (C0_i/G0_i)(1 - r_i) GT_i / sum_i GT_i] / (sum_i C0_i / sum_i G0_i)

    The province's target-year intensity is the GDP_T-weighted mean of the regional targets.
    """
    g0, gt, c0 = _arrays(table)
    r = np.asarray(reductions, dtype=float)
    target_intensity = np.sum(c0 / g0 * (1.0 - r) * gt) / np.sum(gt)
    return float(1.0 - target_intensity / (np.sum(c0) / np.sum(g0)))


def _calibrate_scale(table: pd.DataFrame, shape: np.ndarray, target: float) -> float:
    """k such that r_i = k × shape_i meets the target: achieved(k) is linear in k, so

    k = (R - achieved(0)) / (achieved(shape) - achieved(0))
    """
    base = achieved(table, np.zeros(len(table)))
    slope = achieved(table, shape) - base
    if slope <= 0:
        raise InfeasibleAllocationError("the burden index gives no region a reduction")
    return (target - base) / slope


# --- results and fairness -------------------------------------------------------------------


def _gini(values: np.ndarray, weights: np.ndarray) -> float:
    """Population-weighted Gini coefficient (基尼系数):

    G = sum_i sum_j p_i p_j |x_i - x_j| / (2 P^2 mu),  mu = sum_i p_i x_i / P
    """
    total = weights.sum()
    mean = float(np.dot(weights, values) / total)
    if mean == 0:
        return 0.0
    spread = np.abs(values[:, None] - values[None, :])
    return float(weights @ spread @ weights / (2.0 * total**2 * mean))


def _ratio(values: np.ndarray) -> float | None:
    """max / min, or None where the minimum is not positive (the ratio would mislead)."""
    low = float(values.min())
    return float(values.max()) / low if low > 0 else None


def fairness(regions: pd.DataFrame, population: pd.Series | np.ndarray) -> dict[str, float | None]:
    """Fairness figures (公平性指标) of an allocation:

    - ``gini_per_capita_cap``: population-weighted Gini of cap_i / population_i;
    - ``max_min_per_capita_cap``: max/min of cap_i / population_i;
    - ``max_min_reduction``: max/min of r_i (None when some r_i <= 0).
    """
    pop = np.asarray(population, dtype=float)
    per_capita = regions["cap_tco2"].to_numpy(dtype=float) / pop
    return {
        "gini_per_capita_cap": _gini(per_capita, pop),
        "max_min_per_capita_cap": _ratio(per_capita),
        "max_min_reduction": _ratio(regions["reduction"].to_numpy(dtype=float)),
    }


def _result(
    method: str,
    table: pd.DataFrame,
    target: float,
    reductions: np.ndarray,
    parameters: Mapping[str, Any] | None = None,
) -> Allocation:
    g0, gt, c0 = _arrays(table)
    if np.any(reductions >= 1.0):
        worst = table["region"].iloc[int(np.argmax(reductions))]
        raise InfeasibleAllocationError(
            f"method {method!r} would ask region {worst!r} to cut its intensity by "
            f"{reductions.max():.1%} (a cap of zero or less) for a province target of {target:.1%}"
        )
    intensity_base = c0 / g0
    intensity_target = intensity_base * (1.0 - reductions)
    regions = pd.DataFrame(
        {
            "region": table["region"].to_numpy(dtype=object),
            "reduction": reductions,
            "intensity_base": intensity_base,
            "intensity_target": intensity_target,
            "cap_tco2": intensity_target * gt,
        }
    )
    return Allocation(
        method=method,
        target=target,
        achieved=achieved(table, reductions),
        regions=regions,
        fairness=fairness(regions, table["population"]),
        parameters=dict(parameters or {}),
    )


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
    return _result("equal", table, target, k * ones, {"k": k})


def cap_share(method: str, table: pd.DataFrame, target: float, shares: np.ndarray) -> Allocation:
    """Caps (配额) proportional to ``shares`` of the province's target-year cap:

    C_T = (1 - R) × (sum C0 / sum G0) × sum G_T,   cap_i = share_i × C_T,
    r_i = 1 - (cap_i / G_T,i) / (C0_i / G0_i)
    """
    g0, gt, c0 = _arrays(table)
    weights = np.asarray(shares, dtype=float)
    province_cap = (1.0 - target) * c0.sum() / g0.sum() * gt.sum()
    caps = weights / weights.sum() * province_cap
    if np.any(c0 == 0):
        zero = table["region"].iloc[int(np.flatnonzero(c0 == 0)[0])]
        raise InfeasibleAllocationError(
            f"method {method!r} needs base emissions in every region; {zero!r} has none"
        )
    reductions = 1.0 - (caps / gt) / (c0 / g0)
    return _result(method, table, target, reductions, {"province_cap": province_cap})


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
    return _result(method, table, target, k * shape, parameters)


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


# --- dispatch, decomposition, summary ------------------------------------------------------


def _zsg_dea(table: pd.DataFrame, target: float, **options: Any) -> Allocation:
    from carbonctl.targets.zsg_dea import zsg_dea

    return zsg_dea(table, target, **options)


METHODS: dict[str, Callable[..., Allocation]] = {
    "equal": equal,
    "grandfather": grandfather,
    "per_capita": per_capita,
    "gdp": gdp,
    "index": index,
    "entropy_index": entropy_index,
    "zsg_dea": _zsg_dea,
}


def allocate(method: str, table: pd.DataFrame, target: float, **options: Any) -> Allocation:
    """Run a method by name (one of :data:`METHODS`); ``options`` go to the method."""
    try:
        run = METHODS[method]
    except KeyError:
        raise InputErrors(
            [
                InputError(
                    f"unknown allocation method {method!r}",
                    column="method",
                    expected="one of " + ", ".join(METHODS),
                )
            ]
        ) from None
    return run(table, target, **options)


def decompose(
    parent: float | Mapping[str, Any] | pd.Series,
    sub_table: pd.DataFrame,
    method: str = "equal",
    **options: Any,
) -> Allocation:
    """Further decomposition (逐级分解) of one region's target to its sub-regions or enterprises.

    ``parent`` is the region's reduction r_i (a float) or its row of ``Allocation.regions``
    (its ``reduction`` is used); ``sub_table`` has the same columns as a regional table and the
    same method machinery applies, with r_i as the target the sub-units must meet together.
    """
    target = parent["reduction"] if isinstance(parent, Mapping | pd.Series) else parent
    return allocate(method, sub_table, float(target), **options)


def allocation_summary(allocation: Allocation) -> dict[str, Any]:
    """The CLI's JSON (配额方案摘要)::

        {"method": str, "target": R, "achieved": float,
         "regions": {name: {"reduction": r_i, "cap_tco2": float}}}

    Caps are in the unit of ``co2_base``, tCO2 in the CLI contract.
    """
    return {
        "method": allocation.method,
        "target": float(allocation.target),
        "achieved": float(allocation.achieved),
        "regions": {
            str(row.region): {"reduction": float(row.reduction), "cap_tco2": float(row.cap_tco2)}
            for row in allocation.regions.itertuples(index=False)
        },
    }
