"""Composite assessment of regions (综合评价): weights (熵权法 / 层次分析法 / combined) + TOPSIS
(逼近理想解排序法) → 0-100 scores, ranks, veto items, and year-on-year comparison."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from carbonctl.errors import InputError, InputErrors
from carbonctl.evaluation.inputs import REGION, validate_evaluation_table
from carbonctl.evaluation.topsis import rank_scores, topsis
from carbonctl.evaluation.weights import ahp_weights, combine_weights, entropy_weights

__all__ = [
    "METHODS",
    "Evaluation",
    "Method",
    "compare_years",
    "evaluate",
    "evaluation_summary",
]

Method = Literal["entropy-topsis", "ahp-topsis", "combined-topsis"]
METHODS: tuple[str, ...] = ("entropy-topsis", "ahp-topsis", "combined-topsis")


@dataclass(frozen=True)
class Evaluation:
    """The result of :func:`evaluate`.

    ``regions`` has one row per region in input order with columns ``region``, ``score``
    (= 100 · closeness), ``rank`` (1 = best, ties share a rank), ``closeness``, ``passed``
    (False if a veto item applies or the score is below ``pass_score``), ``d_plus``, ``d_minus``.
    ``consistency_ratio`` is the AHP CR when a comparison matrix was used, else None.
    """

    method: str
    weights: dict[str, float]
    regions: pd.DataFrame
    consistency_ratio: float | None = None


def _usage_error(message: str, expected: str) -> InputErrors:
    return InputErrors([InputError(message, expected=expected)])


def _as_series(weights: Mapping[str, float] | pd.Series) -> pd.Series:
    return pd.Series(dict(weights), dtype=float, name="weight")


def _subjective_weights(
    weights: Mapping[str, float] | pd.Series | None,
    ahp_matrix: pd.DataFrame | None,
    indicators: list[str],
    method: str,
) -> tuple[pd.Series, float | None]:
    if (weights is None) == (ahp_matrix is None):
        raise _usage_error(
            f"method {method!r} needs exactly one of preset weights or an AHP matrix",
            "either weights= or ahp_matrix=",
        )
    if ahp_matrix is not None:
        unknown = [str(c) for c in ahp_matrix.columns if c not in indicators]
        missing = [c for c in indicators if c not in ahp_matrix.columns]
        if unknown or missing:
            raise _usage_error(
                f"AHP matrix indicators do not match the table: unknown {unknown}, "
                f"missing {missing}",
                f"the indicators {', '.join(indicators)}",
            )
        ahp = ahp_weights(ahp_matrix)
        return ahp.weights.reindex(indicators), ahp.consistency_ratio
    assert weights is not None
    return _as_series(weights), None


def evaluate(
    table: pd.DataFrame,
    method: Method = "entropy-topsis",
    weights: Mapping[str, float] | pd.Series | None = None,
    negative: Collection[str] = (),
    ahp_matrix: pd.DataFrame | None = None,
    *,
    alpha: float = 0.5,
    veto: Mapping[str, bool] | None = None,
    pass_score: float | None = None,
) -> Evaluation:
    """Score and rank regions on several indicators.

    ``table``: a ``region`` column and one numeric column per indicator (as returned by
    :func:`~carbonctl.evaluation.inputs.read_evaluation_input`); ``negative`` names the
    indicators where lower is better (``-``), all others are ``+``. Methods:

    - ``entropy-topsis``: w = entropy weights of the table (熵权法); ``weights``/``ahp_matrix``
      must not be given;
    - ``ahp-topsis``: w = AHP weights of ``ahp_matrix`` (层次分析法; CR >= 0.1 raises) or the
      preset ``weights`` (e.g. from an indicator system or a weights file);
    - ``combined-topsis``: w = α · w(AHP or preset) + (1 − α) · w(entropy).

    Then TOPSIS closeness C_i, score_i = 100 · C_i, rank 1 = best (competition ranking on C
    rounded to 12 decimals). ``veto`` maps a region to True when a veto item applies (一票否决,
    e.g. its target was missed): it is then not passed whatever its score, but keeps its score
    and rank. With ``pass_score`` a region also fails below that score.
    """
    if method not in METHODS:
        raise _usage_error(f"unknown method {method!r}", f"one of {', '.join(METHODS)}")
    data = validate_evaluation_table(table, table.attrs.get("source_file"))
    indicators = [c for c in data.columns if c != REGION]
    values = data.set_index(REGION)[indicators]
    cr: float | None = None
    if method == "entropy-topsis":
        if weights is not None or ahp_matrix is not None:
            raise _usage_error(
                "entropy-topsis derives the weights from the data",
                "no weights= or ahp_matrix= (use ahp-topsis or combined-topsis)",
            )
        w = entropy_weights(values, negative).weights
    else:
        w, cr = _subjective_weights(weights, ahp_matrix, indicators, method)
        if method == "combined-topsis":
            w = combine_weights(w, entropy_weights(values, negative).weights, alpha)
    result = topsis(values, w, negative)
    closeness = result["closeness"]
    unknown_veto = sorted(set(veto or {}) - set(values.index))
    if unknown_veto:
        raise _usage_error(
            f"veto given for unknown region(s) {', '.join(unknown_veto)}",
            "regions of the input table",
        )
    vetoed = pd.Series([bool((veto or {}).get(r, False)) for r in values.index], index=values.index)
    score = 100.0 * closeness
    passed = ~vetoed
    if pass_score is not None:
        passed &= score >= pass_score
    regions = pd.DataFrame(
        {
            REGION: values.index.to_list(),
            "score": score.to_numpy(),
            "rank": rank_scores(closeness).to_numpy(),
            "closeness": closeness.to_numpy(),
            "passed": passed.to_numpy(dtype=bool),
            "d_plus": result["d_plus"].to_numpy(),
            "d_minus": result["d_minus"].to_numpy(),
        }
    )
    weights_dict = {str(k): float(v) for k, v in w.reindex(indicators).items()}
    return Evaluation(method=method, weights=weights_dict, regions=regions, consistency_ratio=cr)


def evaluation_summary(ev: Evaluation) -> dict[str, Any]:
    """The CLI/API JSON form: ``{"method", "weights": {indicator: w}, "regions": {name:
    {"score", "rank", "passed"}}}`` with plain Python numbers."""
    return {
        "method": ev.method,
        "weights": dict(ev.weights),
        "regions": {
            str(r[REGION]): {
                "score": float(r["score"]),
                "rank": int(r["rank"]),
                "passed": bool(r["passed"]),
            }
            for r in ev.regions.to_dict("records")
        },
    }


def compare_years(evaluations: Mapping[Any, Evaluation]) -> pd.DataFrame:
    """Year-by-year comparison (逐年对比) of several years' evaluations keyed by year.

    Returns a long table sorted by year then region: ``year, region, score, rank, passed,
    score_change, rank_change`` where ``score_change`` = score − previous year's score and
    ``rank_change`` = previous rank − rank (positive = moved up); both are missing in the first
    year and for a region absent the year before. Note that entropy weights differ from year to
    year; to compare on fixed weights, evaluate every year with the same ``weights``.
    """
    frames = []
    previous: pd.DataFrame | None = None
    for year in sorted(evaluations):
        current = evaluations[year].regions[[REGION, "score", "rank", "passed"]].copy()
        current.insert(0, "year", year)
        if previous is None:
            current["score_change"] = np.nan
            current["rank_change"] = pd.array([pd.NA] * len(current), dtype="Int64")
        else:
            before = previous.set_index(REGION)
            prior_score = current[REGION].map(before["score"])
            prior_rank = current[REGION].map(before["rank"]).astype("Int64")
            current["score_change"] = current["score"] - prior_score
            current["rank_change"] = prior_rank - current["rank"].astype("Int64")
        frames.append(current)
        previous = current
    if not frames:
        return pd.DataFrame(
            columns=["year", REGION, "score", "rank", "passed", "score_change", "rank_change"]
        )
    return pd.concat(frames, ignore_index=True).sort_values(["year", REGION], ignore_index=True)
