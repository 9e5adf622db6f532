"""Several allocation methods side by side on one regional table (方法比较), as one long table:
one row per region and method, a method that cannot serve the table kept as data (its error)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from carbonctl.errors import CarbonctlError, InputError
from carbonctl.evaluation.indicators import burden_indicators
from carbonctl.targets.bounds import bounded
from carbonctl.targets.methods import METHODS, allocate, workbench_methods

__all__ = [
    "COMPARISON_COLUMNS",
    "FIGURES",
    "compare",
    "method_options",
    "method_summary",
    "pivot",
]

#: Per-region figures of each method (see :class:`~carbonctl.targets.result.Allocation`).
FIGURES = ("reduction", "intensity_base", "intensity_target", "cap_tco2")
#: Per-method figures, repeated on each of the method's rows.
METHOD_FIGURES = (
    "achieved",
    "gini_per_capita_cap",
    "max_min_per_capita_cap",
    "max_min_reduction",
)
COMPARISON_COLUMNS = (
    "method",
    "label_zh",
    "label_en",
    "region",
    *FIGURES,
    "bound",
    *METHOD_FIGURES,
    "error",
)


def method_options(
    method: str,
    *,
    indicators: Mapping[str, str] | None = None,
    weights: Mapping[str, float] | None = None,
) -> dict[str, Any]:
    """The keyword arguments ``method`` needs (:attr:`Method.options`): ``indicators`` default to
    the packaged burden indicators (:func:`carbonctl.evaluation.burden_indicators`); ``weights``
    have no default (a person sets them)."""
    needed = METHODS[method].options if method in METHODS else ()
    given: dict[str, Any] = {
        "indicators": dict(indicators) if indicators else burden_indicators().directions,
        "weights": dict(weights) if weights else None,
    }
    missing = [name for name in needed if given[name] is None]
    if missing:
        raise InputError(
            f"method {method!r} needs {missing[0]}",
            column=missing[0],
            expected="indicator=weight pairs such as carbon_intensity=0.5",
        )
    return {name: given[name] for name in needed}


def _method_rows(
    method: str,
    table: pd.DataFrame,
    target: float,
    floor: float | None = None,
    ceiling: float | None = None,
    **options: Any,
) -> pd.DataFrame:
    entry = METHODS.get(method)
    labels = {
        "method": method,
        "label_zh": entry.label_zh if entry else "",
        "label_en": entry.label_en if entry else "",
    }
    try:
        result = allocate(method, table, target, **method_options(method, **options))
        if floor is not None or ceiling is not None:
            result = bounded(result, table, floor=floor, ceiling=ceiling)
    except CarbonctlError as exc:
        blank = dict.fromkeys((*FIGURES, *METHOD_FIGURES), np.nan)
        return pd.DataFrame(
            {
                **labels,
                "region": table["region"].astype(str).to_numpy(),
                **blank,
                "bound": None,
                "error": str(exc),
            }
        )
    figures = {"achieved": result.achieved, **result.fairness}
    clamped = result.parameters.get("clamped", {})
    rows = result.regions[["region", *FIGURES]].assign(**labels, **figures, error=None)
    rows["bound"] = pd.Series(
        [clamped.get(str(r)) for r in rows["region"]], index=rows.index, dtype=object
    )
    return rows


def compare(
    table: pd.DataFrame,
    target: float,
    methods: Iterable[str] | None = None,
    *,
    indicators: Mapping[str, str] | None = None,
    weights: Mapping[str, float] | None = None,
    floor: float | None = None,
    ceiling: float | None = None,
) -> pd.DataFrame:
    """Every method in ``methods`` (default: those the workbench runs on platform data,
    :func:`~carbonctl.targets.methods.workbench_methods`) on the same table and target.

    Returns :data:`COMPARISON_COLUMNS`, one row per region × method in the order given: the
    region's reduction r_i, base and target intensity and cap; the method's achieved province
    reduction and fairness figures; ``bound`` ("floor", "ceiling" or missing: the region was
    clamped to a bound); ``error`` (None, or why the method cannot serve the table — e.g.
    infeasible, an unknown method — with its figures left missing).

    ``floor`` and ``ceiling`` (fractions) bound every region's reduction, the province target
    still met exactly (:func:`~carbonctl.targets.bounds.bounded`).
    """
    chosen = list(workbench_methods() if methods is None else methods)
    frames = [
        _method_rows(m, table, target, floor, ceiling, indicators=indicators, weights=weights)
        for m in chosen
    ]
    if not frames:
        return pd.DataFrame(columns=list(COMPARISON_COLUMNS))
    long = pd.concat(frames, ignore_index=True)
    return long[list(COMPARISON_COLUMNS)]


def pivot(comparison: pd.DataFrame, value: str = "reduction") -> pd.DataFrame:
    """``value`` as a region × method table of the methods that succeeded (for display and
    Excel), regions sorted, methods in the comparison's order."""
    served = comparison[comparison["error"].isna()]
    methods = list(dict.fromkeys(served["method"]))
    wide = served.pivot(index="region", columns="method", values=value)
    return wide.reindex(columns=methods).sort_index()


def method_summary(comparison: pd.DataFrame) -> pd.DataFrame:
    """One row per method: ``method, label_zh, label_en``, achieved and fairness figures,
    ``error``."""
    columns = ["method", "label_zh", "label_en", *METHOD_FIGURES, "error"]
    return comparison.drop_duplicates("method")[columns].reset_index(drop=True)
