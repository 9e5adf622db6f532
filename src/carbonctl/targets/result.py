"""What every allocation method returns (分解结果): the :class:`Allocation`, the province's
achieved reduction, the fairness figures, and the cap-share rule that grandfathering, per-capita,
GDP and ZSG-DEA share. Kept apart from the methods so that no method module imports another.

    achieved(r) = 1 - [sum_i (C0_i / G0_i)(1 - r_i) GT_i / sum_i GT_i] / (sum_i C0_i / sum_i G0_i)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from carbonctl.errors import CarbonctlError

__all__ = [
    "Allocation",
    "InfeasibleAllocationError",
    "achieved",
    "allocation_summary",
    "build_allocation",
    "cap_share",
    "fairness",
]


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


def build_allocation(
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
    return build_allocation(method, table, target, reductions, {"province_cap": province_cap})


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
