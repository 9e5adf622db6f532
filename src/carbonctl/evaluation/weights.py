"""Indicator weights for composite assessment: normalisation by direction, the entropy method
(熵权法), AHP (层次分析法) from a pairwise comparison matrix, and their linear combination.

Conventions follow ``shared/refdata/examples/README.md`` sections 1 and 5 exactly.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from carbonctl.errors import InputError, InputErrors

__all__ = [
    "CR_THRESHOLD",
    "RANDOM_INDEX",
    "SHIFT",
    "AHPWeights",
    "EntropyWeights",
    "InconsistentJudgementError",
    "ahp_weights",
    "combine_weights",
    "entropy_weights",
    "normalise",
]

#: Added to every min-max normalised value so that ln 0 never occurs (common in the Chinese
#: literature; examples README section 1, "shift").
SHIFT = 0.0001

#: Saaty's random consistency index RI by matrix order n = 1..15 (mean CI of random reciprocal
#: matrices). Source: T. L. Saaty, *The Analytic Hierarchy Process*, McGraw-Hill 1980, and
#: Saaty & Vargas, *Models, Methods, Concepts & Applications of the AHP*, 2nd ed., Springer 2012,
#: table 2.1 (values for n = 11..15 as reprinted there); the same table is in Chinese AHP
#: textbooks (e.g. 许树柏《实用决策方法——层次分析法原理》1988).
RANDOM_INDEX: Mapping[int, float] = {
    1: 0.0,
    2: 0.0,
    3: 0.58,
    4: 0.90,
    5: 1.12,
    6: 1.24,
    7: 1.32,
    8: 1.41,
    9: 1.45,
    10: 1.49,
    11: 1.51,
    12: 1.48,
    13: 1.56,
    14: 1.57,
    15: 1.59,
}

#: Saaty's rule: a comparison matrix with consistency ratio CR >= 0.1 must be revised.
CR_THRESHOLD = 0.1

# Reciprocity a_ji = 1/a_ij is checked to this relative tolerance: judgements typed as 0.333
# for 1/3 must pass.
_RECIPROCAL_RTOL = 0.01


class InconsistentJudgementError(InputError):
    """An AHP pairwise comparison matrix whose consistency ratio CR is 0.1 or more."""


def _fsum(values: np.ndarray) -> float:
    """Exactly rounded sum: independent of the order of the regions (order invariance)."""
    return math.fsum(values.tolist())


def normalise(
    table: pd.DataFrame, negative: Collection[str] = (), shift: float = SHIFT
) -> pd.DataFrame:
    """Min-max normalisation by direction (极差标准化) plus a shift, column by column.

    Rows are regions, columns indicators. For a ``+`` column (higher value scores higher) and a
    ``-`` column (named in ``negative``: higher value scores lower)::

        z_ij  = (x_ij - min_i x_ij) / (max_i x_ij - min_i x_ij)     direction +
        z_ij  = (max_i x_ij - x_ij) / (max_i x_ij - min_i x_ij)     direction -
        z'_ij = z_ij + shift                                         (shift = 0.0001)

    What "higher scores higher" means is the caller's: for the assessment of cities ``+`` is
    "better"; for the burden indicators of target allocation ``+`` is "larger burden"
    (examples README sections 5 and 1). A constant column (zero range) raises
    :class:`~carbonctl.errors.InputErrors` naming the indicator.
    """
    unknown = sorted(set(negative) - set(table.columns))
    if unknown:
        raise InputErrors(
            [
                InputError(
                    f"negative indicator {name!r} is not a column of the table",
                    column=name,
                    expected=f"one of {', '.join(map(str, table.columns))}",
                )
                for name in unknown
            ]
        )
    values = table.to_numpy(dtype=float)
    low = values.min(axis=0)
    high = values.max(axis=0)
    span = high - low
    constant = [str(c) for c, s in zip(table.columns, span, strict=True) if not s > 0]
    if constant:
        raise InputErrors(
            [
                InputError(
                    f"indicator {name!r} has the same value for every region (zero range), "
                    "so it cannot be normalised or tell regions apart",
                    column=name,
                    expected="at least two different values, or drop the indicator",
                )
                for name in constant
            ]
        )
    is_negative = np.array([c in set(negative) for c in table.columns])
    z = np.where(is_negative, (high - values) / span, (values - low) / span)
    return pd.DataFrame(z + shift, index=table.index, columns=table.columns)


@dataclass(frozen=True)
class EntropyWeights:
    """Result of the entropy method: entropy e_j, divergence d_j and weight w_j per indicator."""

    entropy: pd.Series
    divergence: pd.Series
    weights: pd.Series


def entropy_weights(
    table: pd.DataFrame, negative: Collection[str] = (), shift: float = SHIFT
) -> EntropyWeights:
    """Entropy weights (熵权法) of the indicator columns of ``table`` (rows = n regions).

    With z'_ij from :func:`normalise` and the natural logarithm::

        p_ij = z'_ij / sum_i z'_ij
        e_j  = -(1 / ln n) * sum_i p_ij ln p_ij
        d_j  = 1 - e_j
        w_j  = d_j / sum_k d_k

    Reproduces ``worked_entropy_weights.csv`` and ``worked_topsis_weights.csv`` (examples README
    sections 1 and 5). Sums are exactly rounded (:func:`math.fsum`) so that the weights do not
    depend on the order of the rows. Needs at least two regions.
    """
    n = len(table)
    if n < 2:
        raise InputErrors(
            [InputError(f"{n} region(s)", expected="at least two regions for entropy weights")]
        )
    z = normalise(table, negative, shift).to_numpy(dtype=float)
    entropy = {}
    for j, name in enumerate(table.columns):
        column = z[:, j]
        p = column / _fsum(column)
        # 0 * ln 0 = 0, needed only when shift = 0.
        terms = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
        entropy[name] = -_fsum(terms) / math.log(n)
    e = pd.Series(entropy, dtype=float, name="entropy_e")
    d = (1.0 - e).rename("divergence_d")
    total = _fsum(d.to_numpy())
    w = (d / total).rename("weight_w")
    return EntropyWeights(entropy=e, divergence=d, weights=w)


@dataclass(frozen=True)
class AHPWeights:
    """AHP result: weights (normalised principal eigenvector), λmax, CI, RI and CR."""

    weights: pd.Series
    lambda_max: float
    consistency_index: float
    random_index: float
    consistency_ratio: float


def _check_comparison_matrix(matrix: pd.DataFrame) -> list[InputError]:
    errors: list[InputError] = []
    if list(matrix.index) != list(matrix.columns):
        errors.append(
            InputError(
                "row labels differ from column labels: "
                f"rows {list(map(str, matrix.index))}, columns {list(map(str, matrix.columns))}",
                expected="a square matrix with the same indicators, in the same order, "
                "as rows and columns",
            )
        )
        return errors
    n = len(matrix)
    if not 1 <= n <= max(RANDOM_INDEX):
        errors.append(
            InputError(
                f"{n} indicators in the comparison matrix",
                expected=f"1 to {max(RANDOM_INDEX)} (Saaty's random index table)",
            )
        )
        return errors
    a = matrix.to_numpy(dtype=float)
    labels = [str(c) for c in matrix.columns]
    for i in range(n):
        for j in range(n):
            value = a[i, j]
            where = {"row": i + 2, "column": labels[j]}
            if not (np.isfinite(value) and value > 0):
                errors.append(
                    InputError(f"judgement {value!r}", expected="a positive number", **where)
                )
            elif i == j and not math.isclose(value, 1.0):
                errors.append(InputError(f"diagonal value {value!r}", expected="1", **where))
            elif (
                i < j
                and np.isfinite(a[j, i])
                and a[j, i] > 0
                and not math.isclose(value * a[j, i], 1.0, rel_tol=_RECIPROCAL_RTOL)
            ):
                errors.append(
                    InputError(
                        f"{labels[i]} vs {labels[j]} is {value:g} but "
                        f"{labels[j]} vs {labels[i]} is {a[j, i]:g}",
                        expected=f"reciprocal judgements (a_ji = 1/a_ij = {1 / value:.4g})",
                        **where,
                    )
                )
    return errors


def ahp_weights(matrix: pd.DataFrame, check_consistency: bool = True) -> AHPWeights:
    """AHP weights (层次分析法, Saaty) from a pairwise comparison matrix (判断矩阵).

    ``matrix`` is square with the indicators as both index and columns; a_ij is how much more
    important indicator i is than j on Saaty's 1-9 scale, a_ji = 1/a_ij, a_ii = 1. Then::

        A w = λmax w                   w = principal (Perron) eigenvector, sum w = 1
        CI  = (λmax - n) / (n - 1)     consistency index (0 for n <= 2)
        CR  = CI / RI(n)               RI from :data:`RANDOM_INDEX` (Saaty); CR = 0 for n <= 2

    CR >= 0.1 raises :class:`InconsistentJudgementError` stating the CR, unless
    ``check_consistency`` is False. Row numbers in errors count the header as row 1.
    """
    errors = _check_comparison_matrix(matrix)
    if errors:
        raise InputErrors(errors)
    a = matrix.to_numpy(dtype=float)
    n = len(a)
    eigenvalues, eigenvectors = np.linalg.eig(a)
    k = int(np.argmax(eigenvalues.real))
    lambda_max = float(eigenvalues[k].real)
    vector = np.abs(eigenvectors[:, k].real)
    weights = pd.Series(vector / vector.sum(), index=matrix.columns, name="weight_w")
    # λmax >= n for every positive reciprocal matrix (Saaty); clamp round-off below n.
    ci = max((lambda_max - n) / (n - 1), 0.0) if n > 2 else 0.0
    ri = RANDOM_INDEX[n]
    cr = ci / ri if ri > 0 else 0.0
    if check_consistency and cr >= CR_THRESHOLD:
        raise InconsistentJudgementError(
            f"the pairwise comparison matrix is inconsistent: CR = {cr:.4f} "
            f"(λmax = {lambda_max:.4f}, CI = {ci:.4f}, RI = {ri})",
            expected=f"CR < {CR_THRESHOLD}; revise the judgements",
        )
    return AHPWeights(
        weights=weights,
        lambda_max=lambda_max,
        consistency_index=ci,
        random_index=ri,
        consistency_ratio=cr,
    )


def combine_weights(subjective: pd.Series, objective: pd.Series, alpha: float = 0.5) -> pd.Series:
    """Combined weights (组合赋权): w_j = α·w_j(AHP) + (1 − α)·w_j(entropy), 0 <= α <= 1.

    Both inputs must cover the same indicators and each sum to 1, so the result sums to 1.
    α = 0.5 (equal trust in judgement and data) is the default; α = 1 is pure AHP.
    """
    if not 0.0 <= alpha <= 1.0:
        raise InputErrors([InputError(f"alpha = {alpha!r}", expected="0 <= alpha <= 1")])
    if set(subjective.index) != set(objective.index):
        raise InputErrors(
            [
                InputError(
                    "the two weight sets cover different indicators: "
                    f"{sorted(map(str, subjective.index))} vs {sorted(map(str, objective.index))}",
                    expected="the same indicators in both",
                )
            ]
        )
    combined = alpha * subjective + (1.0 - alpha) * objective.reindex(subjective.index)
    return combined.rename("weight_w")
