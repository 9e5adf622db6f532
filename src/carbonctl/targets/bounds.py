"""Bounds on each region's reduction (下降率上下限): a method's allocation with every region's
reduction r_i kept within [floor, ceiling] and the province target still met exactly, the
remainder spread over the regions that stay inside their bounds.

The province's achieved reduction is linear in the regional reductions,

    achieved(r) = a0 + sum_i w_i r_i,   w_i = (C0_i / G0_i) G_T,i / (sum G_T × sum C0 / sum G0),
    a0 = achieved(0) = 1 - sum_i w_i,

so with bounds the target R can be met if and only if a0 + sum w_i floor <= R <= a0 + sum w_i
ceiling, whatever the method.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from carbonctl.errors import InputError, InputErrors
from carbonctl.targets.inputs import validate_allocation_input
from carbonctl.targets.result import (
    Allocation,
    InfeasibleAllocationError,
    build_allocation,
)

__all__ = [
    "InfeasibleBoundsError",
    "achievable_range",
    "bounded",
    "check_bounds",
    "reduction_weights",
]


class InfeasibleBoundsError(InfeasibleAllocationError):
    """The bounds cannot meet the target: with every region at its floor the province already
    reduces more than the target, or with every region at its ceiling still less.

    ``lowest`` and ``highest`` are the province reductions the bounds allow (``-inf``/``inf``
    where a bound is absent), so that a page can say by how much the bounds miss."""

    def __init__(
        self,
        target: float,
        lowest: float,
        highest: float,
        floor: float | None,
        ceiling: float | None,
    ) -> None:
        self.target, self.lowest, self.highest = target, lowest, highest
        self.floor, self.ceiling = floor, ceiling
        if target < lowest:
            message = (
                f"with every region at the floor of {floor:.1%} the province's intensity falls "
                f"by {lowest:.2%}, more than the target of {target:.1%}: lower the floor"
            )
        else:
            message = (
                f"with every region at the ceiling of {ceiling:.1%} the province's intensity "
                f"falls by only {highest:.2%}, less than the target of {target:.1%}: raise the "
                "ceiling"
            )
        super().__init__(message)


def check_bounds(floor: float | None, ceiling: float | None) -> tuple[float, float]:
    """The bounds as (lower, upper) reductions, ``-inf``/``inf`` for an absent one; each must be
    a fraction below 1 (a reduction of 100 % or more leaves no emissions) and above −1, and the
    floor not above the ceiling."""
    errors = []
    values = {"floor": floor, "ceiling": ceiling}
    for name, value in values.items():
        if value is None:
            continue
        if not isinstance(value, int | float) or not math.isfinite(value) or not -1 < value < 1:
            errors.append(
                InputError(
                    f"{name} {value!r} is outside (-1, 1)",
                    column=name,
                    expected="a reduction such as 0.10 for 10 %, between -100 % and 100 %",
                )
            )
    if not errors and floor is not None and ceiling is not None and floor > ceiling:
        errors.append(
            InputError(
                f"floor {floor:.1%} is above ceiling {ceiling:.1%}",
                column="floor",
                expected="a floor not above the ceiling",
            )
        )
    if errors:
        raise InputErrors(errors)
    low = -math.inf if floor is None else float(floor)
    high = math.inf if ceiling is None else float(ceiling)
    return low, high


def reduction_weights(table: pd.DataFrame) -> tuple[float, np.ndarray]:
    """(a0, w): achieved(r) = a0 + w · r, where w_i = (C0_i/G0_i) G_T,i / (sum G_T × I0_province)
    is region i's weight in the province's target-year intensity and a0 = 1 − sum w_i the
    reduction the province gets from GDP structure alone (all r_i = 0)."""
    g0 = table["gdp_base"].to_numpy(dtype=float)
    gt = table["gdp_target"].to_numpy(dtype=float)
    c0 = table["co2_base"].to_numpy(dtype=float)
    province = c0.sum() / g0.sum()
    weights = (c0 / g0) * gt / (gt.sum() * province)
    return float(1.0 - weights.sum()), weights


def achievable_range(
    table: pd.DataFrame, floor: float | None, ceiling: float | None
) -> tuple[float, float]:
    """The lowest and highest province reduction the bounds allow: every region at its floor,
    every region at its ceiling (``-inf``/``inf`` for an absent bound)."""
    low, high = check_bounds(floor, ceiling)
    base, weights = reduction_weights(table)
    total = weights.sum()
    lowest = -math.inf if math.isinf(low) else base + total * low
    highest = math.inf if math.isinf(high) else base + total * high
    return lowest, highest


def _shift(
    start: np.ndarray, weights: np.ndarray, base: float, target: float, low: float, high: float
) -> float:
    """The δ with a0 + w · clip(r0 + δ, low, high) = R.

    The left side is continuous, piecewise linear and non-decreasing in δ, with breakpoints where
    a region reaches a bound; find the piece where it crosses R and solve that piece's linear
    equation, so the target is met to rounding error (not to a solver's tolerance)."""

    def achieved(delta: float) -> float:
        return base + float(weights @ np.clip(start + delta, low, high))

    points = sorted({float(b - r) for r in start for b in (low, high) if math.isfinite(b)} | {0.0})
    left, right = -math.inf, math.inf
    for point in points:
        if achieved(point) >= target:
            right = point
            break
        left = point
    if math.isinf(left) and math.isinf(right):  # no bound at all: one linear piece
        probe = 0.0
    elif math.isinf(left):
        probe = right - 1.0
    elif math.isinf(right):
        probe = left + 1.0
    else:
        probe = (left + right) / 2.0
    moved = start + probe
    free = (moved > low) & (moved < high)
    if not free.any() or weights[free].sum() == 0:
        return right
    fixed = ~free
    fixed_part = float(weights[fixed] @ np.clip(moved[fixed], low, high))
    return (target - base - fixed_part - float(weights[free] @ start[free])) / float(
        weights[free].sum()
    )


def bounded(
    allocation: Allocation,
    table: pd.DataFrame,
    *,
    floor: float | None = None,
    ceiling: float | None = None,
) -> Allocation:
    """``allocation`` with every region's reduction within [``floor``, ``ceiling``] (fractions;
    None = no bound) and the province target still met exactly (有上下限的分解).

    Regions outside a bound are clamped to it and the remainder is spread over the others, each
    moved by the same number of percentage points δ; moving them may push others past a bound,
    so clamping and spreading repeat until no region breaks one. The result is the fixed point
    of that iteration, r_i = clip(r0_i + δ, floor, ceiling) with achieved(r) = R, and is found
    directly (:func:`_shift`): regions keep the method's differences between them wherever the
    bounds allow.

    ``table`` is the regional table the allocation was computed from. Raises
    :class:`InfeasibleBoundsError` when no reductions within the bounds meet the target
    (:func:`achievable_range`). ``parameters`` gains ``floor``, ``ceiling``, ``shift`` (δ),
    ``clamped`` (region -> "floor" or "ceiling") and ``unbounded`` (the method's own r_i).
    """
    low, high = check_bounds(floor, ceiling)
    table = validate_allocation_input(table)
    regions = allocation.regions["region"].astype(str).tolist()
    if regions != table["region"].astype(str).tolist():
        raise InputErrors(
            [
                InputError(
                    "the allocation and the table list different regions",
                    column="region",
                    expected="the table the allocation was computed from",
                )
            ]
        )
    target = allocation.target
    lowest, highest = achievable_range(table, floor, ceiling)
    if not lowest <= target <= highest:
        raise InfeasibleBoundsError(target, lowest, highest, floor, ceiling)
    start = allocation.regions["reduction"].to_numpy(dtype=float)
    base, weights = reduction_weights(table)
    if np.all((start >= low) & (start <= high)):
        delta = 0.0
        reductions = start.copy()
    else:
        delta = _shift(start, weights, base, target, low, high)
        reductions = np.clip(start + delta, low, high)
    moved = start + delta
    clamped = {
        region: ("floor" if value < low else "ceiling")
        for region, value in zip(regions, moved, strict=True)
        if value < low or value > high
    }
    parameters = {
        **allocation.parameters,
        "floor": floor,
        "ceiling": ceiling,
        "shift": delta,
        "clamped": clamped,
        "unbounded": start.tolist(),
    }
    return build_allocation(allocation.method, table, target, reductions, parameters)
