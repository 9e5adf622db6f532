"""TOPSIS (逼近理想解排序法): distances of each region to the ideal and anti-ideal solution,
relative closeness, 0-100 scores and ranking. Convention: examples README section 5."""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import pandas as pd

from carbonctl.errors import InputError, InputErrors
from carbonctl.evaluation.weights import SHIFT, normalise

__all__ = ["TIE_DECIMALS", "rank_scores", "topsis"]

#: Closeness values equal after rounding to this many decimals (the precision of the worked
#: examples) count as ties, so that round-off in the last bits never splits a tie.
TIE_DECIMALS = 12

# Weights must sum to 1 within this tolerance (they are typically typed with 3-6 decimals).
_WEIGHT_SUM_TOL = 1e-6


def _check_weights(weights: pd.Series, columns: pd.Index) -> list[InputError]:
    errors = []
    missing = [str(c) for c in columns if c not in weights.index]
    extra = [str(c) for c in weights.index if c not in columns]
    if missing:
        errors.append(
            InputError(
                f"no weight for indicator(s) {', '.join(missing)}",
                expected="one weight per indicator column",
            )
        )
    if extra:
        errors.append(
            InputError(
                f"weight given for unknown indicator(s) {', '.join(extra)}",
                expected=f"indicators among {', '.join(map(str, columns))}",
            )
        )
    values = weights.to_numpy(dtype=float)
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        errors.append(InputError("negative or missing weight", expected="weights >= 0"))
    elif abs(values.sum() - 1.0) > _WEIGHT_SUM_TOL:
        errors.append(
            InputError(f"weights sum to {values.sum():.6g}", expected="weights summing to 1")
        )
    return errors


def topsis(
    table: pd.DataFrame,
    weights: pd.Series,
    negative: Collection[str] = (),
    shift: float = SHIFT,
) -> pd.DataFrame:
    """TOPSIS closeness of each region (row of ``table``) to the ideal solution.

    With z'_ij the shifted min-max normalisation (:func:`~.weights.normalise`, not vector
    normalisation) and weights w_j summing to 1::

        v_ij  = w_j * z'_ij
        v+_j  = max_i v_ij,          v-_j = min_i v_ij
        D+_i  = sqrt(sum_j (v_ij - v+_j)^2),   D-_i = sqrt(sum_j (v_ij - v-_j)^2)
        C_i   = D-_i / (D+_i + D-_i)

    Returns a table indexed like ``table`` with columns ``d_plus``, ``d_minus``, ``closeness``.
    Reproduces ``worked_topsis_scores.csv`` (examples README section 5).
    """
    errors = _check_weights(weights, table.columns)
    if errors:
        raise InputErrors(errors)
    z = normalise(table, negative, shift).to_numpy(dtype=float)
    w = weights.reindex(table.columns).to_numpy(dtype=float)
    v = z * w
    d_plus = np.sqrt(((v - v.max(axis=0)) ** 2).sum(axis=1))
    d_minus = np.sqrt(((v - v.min(axis=0)) ** 2).sum(axis=1))
    # D+ + D- > 0 always: the normalised columns are not constant, so v+ != v- for some j with
    # w_j > 0, and a region cannot be at both at once.
    closeness = d_minus / (d_plus + d_minus)
    return pd.DataFrame(
        {"d_plus": d_plus, "d_minus": d_minus, "closeness": closeness}, index=table.index
    )


def rank_scores(closeness: pd.Series) -> pd.Series:
    """Rank 1 = best (largest closeness). Ties share the best rank of the group and the next
    rank is skipped (competition ranking 1, 2, 2, 4); ties are equal closeness after rounding to
    :data:`TIE_DECIMALS` decimals."""
    return (
        closeness.round(TIE_DECIMALS).rank(method="min", ascending=False).astype("int64")
    ).rename("rank")
