"""Benchmarking monthly estimates to the annual inventory (月度估算与年度清单衔接): the proportional
Denton method, solved for many series at once as one sparse system.

Denton (1971); Cholette & Dagum, *Benchmarking, Temporal Distribution, and Reconciliation Methods
for Time Series* (2006), ch. 6. Method note: ``docs/methodology/electricity-carbon.md`` §6.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.linalg import spsolve

from carbonctl.electricity.schema import month_parts, nonnegative_amounts
from carbonctl.errors import InputError

__all__ = ["benchmark"]

MONTHS_PER_YEAR = 12


def benchmark(
    monthly: pd.DataFrame,
    annual: pd.DataFrame,
    *,
    keys: Sequence[str] = ("county", "sector"),
    value: str = "tco2",
) -> pd.DataFrame:
    """Adjust monthly estimates x so each benchmarked year sums to its annual figure A, keeping
    the month-to-month movement of the ratio r = adjusted / x as smooth as possible::

        minimise  Σ_t (r_t − r_{t−1})²   subject to   Σ_{t ∈ y} x_t · r_t = A_y   for every year y

    per series (one combination of ``keys``), over its consecutive months. Months of years
    without an annual figure (the current year) carry the ratio on (flat after the last
    benchmark, as the first-difference objective implies). A series without any annual figure
    keeps ratio 1.

    ``monthly``: keys, month (``YYYY-MM``), ``value`` (estimates ≥ 0). ``annual``: keys, year,
    ``value``. Annual rows without monthly estimates are ignored. Returns ``monthly`` (same row
    order) with ``ratio`` and ``adjusted`` added.

    All series are solved together as one block-diagonal sparse KKT system
    [[DᵀD, Bᵀ], [B, 0]] · [r; λ] = [0; b], each constraint row scaled by Σ_{t∈y} x_t.
    """
    keys = list(keys)
    _require(monthly, [*keys, "month", value], "monthly")
    _require(annual, [*keys, "year", value], "annual")
    frame = monthly[[*keys, "month", value]].copy()
    frame["_row"] = np.arange(len(frame))
    frame["_index"] = _month_index(frame["month"])
    frame[value] = nonnegative_amounts(frame[value], "monthly", value)
    frame = frame.sort_values([*keys, "_index"], kind="stable", ignore_index=True)
    series = frame.groupby(keys, sort=False).ngroup().to_numpy()
    index = frame["_index"].to_numpy()
    same = series[1:] == series[:-1]
    step = np.diff(index)
    if (same & (step == 0)).any():
        at = int(np.flatnonzero(same & (step == 0))[0]) + 1
        raise InputError(
            f"month {frame['month'].iloc[at]} appears twice for {_where(frame, keys, at)}",
            file="monthly",
        )
    if (same & (step != 1)).any():
        at = int(np.flatnonzero(same & (step != 1))[0]) + 1
        raise InputError(
            f"months of {_where(frame, keys, at)} are not consecutive: "
            f"{frame['month'].iloc[at - 1]} is followed by {frame['month'].iloc[at]}",
            file="monthly",
            expected="one estimate for every month of a series",
        )

    targets = annual[[*keys, "year", value]].copy()
    targets["year"] = pd.to_numeric(targets["year"], errors="coerce")
    targets[value] = nonnegative_amounts(targets[value], "annual", value)
    if targets.duplicated([*keys, "year"]).any():
        at = int(np.flatnonzero(targets.duplicated([*keys, "year"]).to_numpy())[0])
        raise InputError(
            f"two annual figures for {_where(targets, keys, at)}, {targets['year'].iloc[at]}",
            file="annual",
            row=at + 2,
        )
    frame["year"] = index // MONTHS_PER_YEAR
    frame["_series"] = series
    frame = frame.merge(
        targets.rename(columns={value: "_annual"}), on=[*keys, "year"], how="left", sort=False
    )
    ratio = _denton(frame, value, keys)
    original = np.empty(len(frame), dtype=int)
    original[frame["_row"].to_numpy()] = np.arange(len(frame))
    return monthly.assign(
        ratio=ratio[original], adjusted=(ratio * frame[value].to_numpy())[original]
    )


def _denton(frame: pd.DataFrame, value: str, keys: list[str]) -> np.ndarray:
    """Ratios r for the rows of ``frame`` (sorted by series and month)."""
    x = frame[value].to_numpy(dtype=float)
    series = frame["_series"].to_numpy()
    groups = frame.groupby(["_series", "year"], sort=False)
    count = groups["_annual"].transform("size").to_numpy()
    total = groups[value].transform("sum").to_numpy()
    target = frame["_annual"].to_numpy(dtype=float)
    constrained = np.isfinite(target)
    partial = constrained & (count != MONTHS_PER_YEAR)
    if partial.any():
        at = int(np.flatnonzero(partial)[0])
        raise InputError(
            f"{_where(frame, keys, at)} has an annual figure for {frame['year'].iloc[at]} but "
            f"{count[at]} monthly estimates",
            file="monthly",
            expected="all 12 months of a benchmarked year",
        )
    impossible = constrained & (total <= 0) & (target > 0)
    if impossible.any():
        at = int(np.flatnonzero(impossible)[0])
        raise InputError(
            f"{_where(frame, keys, at)}: the monthly estimates of {frame['year'].iloc[at]} are all "
            f"zero but the annual figure is {target[at]:g}; a proportional benchmark cannot "
            "distribute it",
            file="monthly",
        )
    constrained &= total > 0  # a zero year with a zero benchmark holds for any ratio
    solved = np.zeros(series.max() + 1 if len(series) else 0, dtype=bool)
    solved[series[constrained]] = True
    ratio = np.ones(len(frame))
    rows = np.flatnonzero(solved[series])
    if rows.size == 0:
        return ratio

    n = rows.size
    position = np.full(len(frame), -1)
    position[rows] = np.arange(n)
    own = series[rows]
    pairs = np.flatnonzero(own[1:] == own[:-1])  # consecutive months of one series
    diff = sp.csr_matrix(
        (
            np.concatenate([-np.ones(pairs.size), np.ones(pairs.size)]),
            (np.tile(np.arange(pairs.size), 2), np.concatenate([pairs, pairs + 1])),
        ),
        shape=(pairs.size, n),
    )
    cells = np.flatnonzero(constrained)
    # one constraint per (series, year); years are below 10^4 (pandas timestamps end in 2262)
    block = (series * 10_000 + frame["year"].to_numpy())[cells]
    constraint = np.unique(block, return_inverse=True)[1]
    k = int(constraint.max()) + 1
    bench = sp.csr_matrix((x[cells] / total[cells], (constraint, position[cells])), shape=(k, n))
    rhs_target = np.zeros(k)
    rhs_target[constraint] = target[cells] / total[cells]
    system = sp.bmat([[diff.T @ diff, bench.T], [bench, None]], format="csc")
    solution = spsolve(system, np.concatenate([np.zeros(n), rhs_target]))
    ratio[rows] = solution[:n]
    return ratio


def _require(table: pd.DataFrame, columns: list[str], name: str) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise InputError(f"missing columns {missing}", file=name, expected=", ".join(columns))


def _month_index(months: pd.Series) -> np.ndarray:
    """Months since year 0 (year × 12 + month − 1) of ``YYYY-MM`` strings."""
    year, month = month_parts(months, "monthly")
    return year * MONTHS_PER_YEAR + month - 1


def _where(table: pd.DataFrame, keys: list[str], at: int) -> str:
    return ", ".join(f"{k} {table[k].iloc[at]}" for k in keys)
