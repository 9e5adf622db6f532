"""ZSG-DEA (零和收益 DEA) redistribution of CO2 quotas with a fixed total: input-oriented CCR
efficiency on CO2, then the proportional reduction strategy of Lins et al. (2003), iterated."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from carbonctl.errors import CarbonctlError
from carbonctl.targets.inputs import check_target, validate_allocation_input
from carbonctl.targets.result import Allocation, cap_share

__all__ = ["DeaError", "ccr_co2_efficiency", "redistribute", "zsg_dea", "zsg_dea_iterations"]

#: Stop at the first iteration with max_i (1 − θ_i) below this (examples README section 3).
TOLERANCE = 1e-6
MAX_ITERATIONS = 500


class DeaError(CarbonctlError):
    """The DEA model could not be solved or the redistribution did not converge."""


def ccr_co2_efficiency(
    quotas: np.ndarray, inputs: np.ndarray, output: np.ndarray, regions: list[str] | None = None
) -> np.ndarray:
    """Input-oriented CCR efficiency θ_o (效率) with CO2 the only contracted input:

        min θ  s.t.  sum_j λ_j C_j <= θ C_o,  sum_j λ_j X_kj <= X_ko (k: labour, capital,
                     energy),  sum_j λ_j Y_j >= Y_o,  λ_j >= 0

    solved with ``scipy.optimize.linprog(method="highs")``; each row is divided by city o's own
    value so that the problem is well scaled and θ comes from a vertex to ~1e-12.
    ``inputs`` is (n, k); ``quotas`` and ``output`` (GDP) have length n.
    """
    c = np.asarray(quotas, dtype=float)
    x = np.asarray(inputs, dtype=float)
    y = np.asarray(output, dtype=float)
    n = len(c)
    theta = np.empty(n)
    objective = np.zeros(n + 1)
    objective[0] = 1.0
    bounds = [(0, None)] * (n + 1)
    for o in range(n):
        rows = [np.concatenate(([-1.0], c / c[o]))]
        rows += [np.concatenate(([0.0], x[:, k] / x[o, k])) for k in range(x.shape[1])]
        rows.append(np.concatenate(([0.0], -y / y[o])))
        bounds_ub = np.array([0.0] + [1.0] * x.shape[1] + [-1.0])
        solved = linprog(
            objective, A_ub=np.array(rows), b_ub=bounds_ub, bounds=bounds, method="highs"
        )
        if solved.status != 0:
            name = regions[o] if regions else str(o)
            raise DeaError(f"the CCR model of region {name!r} has no solution: {solved.message}")
        theta[o] = min(float(solved.x[0]), 1.0)
    return theta


def redistribute(quotas: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """Proportional reduction strategy (比例削减策略, Lins et al. 2003 EJOR 148:312-322):

        C_i' = θ_i C_i + sum_{j != i} (1 - θ_j) C_j × C_i / sum_{k != j} C_k

    The total is preserved: each j gives away (1 − θ_j) C_j and the others receive it in
    proportion to their quotas.
    """
    c = np.asarray(quotas, dtype=float)
    given = (1.0 - theta) * c
    others = c.sum() - c  # sum_{k != j} C_k
    received = np.array(
        [sum(given[j] * c[i] / others[j] for j in range(len(c)) if j != i) for i in range(len(c))]
    )
    return theta * c + received


def zsg_dea_iterations(
    table: pd.DataFrame,
    *,
    quota_column: str = "co2_base",
    tolerance: float = TOLERANCE,
    max_iterations: int = MAX_ITERATIONS,
) -> pd.DataFrame:
    """Every iteration of the ZSG-DEA redistribution (迭代过程) of ``quota_column``.

    Columns: ``iteration, region, co2_quota, efficiency`` (θ), ``total_quota``,
    ``max_inefficiency`` (max (1 − θ)), ``is_final``. Iteration 0 holds the observed quotas;
    stop at the first iteration with max (1 − θ) < ``tolerance``. Inputs ``labor, capital,
    energy``; output ``gdp_base``.
    """
    table = validate_allocation_input(table, dea=True)
    regions = table["region"].tolist()
    inputs = table[["labor", "capital", "energy"]].to_numpy(dtype=float)
    output = table["gdp_base"].to_numpy(dtype=float)
    quotas = table[quota_column].to_numpy(dtype=float)
    if np.any(quotas <= 0):
        zero = regions[int(np.flatnonzero(quotas <= 0)[0])]
        raise DeaError(f"ZSG-DEA needs base emissions in every region; {zero!r} has none")
    frames = []
    for iteration in range(max_iterations + 1):
        theta = ccr_co2_efficiency(quotas, inputs, output, regions)
        worst = float(np.max(1.0 - theta))
        final = worst < tolerance
        frames.append(
            pd.DataFrame(
                {
                    "iteration": iteration,
                    "region": regions,
                    "co2_quota": quotas,
                    "efficiency": theta,
                    "total_quota": quotas.sum(),
                    "max_inefficiency": worst,
                    "is_final": int(final),
                }
            )
        )
        if final:
            return pd.concat(frames, ignore_index=True)
        quotas = redistribute(quotas, theta)
    raise DeaError(
        f"ZSG-DEA did not converge in {max_iterations} iterations (max 1 − θ = {worst:.3g})"
    )


def zsg_dea(
    table: pd.DataFrame,
    target: float,
    *,
    tolerance: float = TOLERANCE,
    max_iterations: int = MAX_ITERATIONS,
) -> Allocation:
    """ZSG-DEA allocation (零和收益DEA分配): the final shares of the base-year redistribution
    (:func:`zsg_dea_iterations`) applied to the province's target-year cap

        C_T = (1 - R) × (sum C0 / sum G0) × sum G_T,   cap_i = share_i × C_T

    Applying the shares to C_T is this project's design (the worked example stops at the
    redistributed base-year total). ``parameters`` holds the iterations table.
    """
    table = validate_allocation_input(table, dea=True)
    target = check_target(target)
    iterations = zsg_dea_iterations(table, tolerance=tolerance, max_iterations=max_iterations)
    final = iterations[iterations["is_final"] == 1]["co2_quota"].to_numpy(dtype=float)
    result = cap_share("zsg_dea", table, target, final)
    return Allocation(
        method=result.method,
        target=result.target,
        achieved=result.achieved,
        regions=result.regions,
        fairness=result.fairness,
        parameters={**result.parameters, "iterations": iterations},
    )
