"""Synthetic meters (合成电能表档案): contract capacity, voltage level, installation and
replacement dates for every county × industry cell of a plan."""

from __future__ import annotations

import numpy as np
import pandas as pd

from carbonctl.demo.meters.profiles import (
    _METERS,
    DEFAULT_METERS_PER_CELL,
    METER_AGE_DAYS,
    PROFILES,
    SERIALS_PER_COUNTY,
    VOLTAGE_LEVELS,
    _check_seed,
    _checked_targets,
    profile_of,
)
from carbonctl.errors import InputError

# --- meters -----------------------------------------------------------------------------------


def synth_meters(
    targets: pd.DataFrame,
    *,
    meters_per_cell: int | None = None,
    n_meters: int | None = None,
    seed: int = 0,
    replacement_rate: float = 0.01,
) -> pd.DataFrame:
    """Meters (电能表档案) for every county × industry cell of ``targets``.

    Give ``meters_per_cell`` (the same count in every cell) or ``n_meters`` (metering points in
    all; cells get counts growing with the square root of their customer numbers, at least one
    each); with neither, :data:`DEFAULT_METERS_PER_CELL`. Sizes within a cell are Pareto-tailed
    (a few big industrial meters, many alike residential ones); ``capacity_kva`` (合同容量) is
    sized so that the cell's mean load fits the sector's load factor, and ``voltage`` follows it.
    A ``replacement_rate`` share of meters is replaced (换表) during the plan's months: the old
    meter gets ``removed``, and a new ``meter_id`` of the same county, industry and size is
    ``installed`` the next day. Columns: ``meter_id`` (int64, unique, sorted), ``county``,
    ``industry``, ``voltage``, ``capacity_kva``, ``installed``, ``removed`` (dates or NaT).
    """
    _check_seed(seed)
    if not 0.0 <= replacement_rate <= 1.0:
        raise InputError(f"replacement_rate {replacement_rate!r} is not in [0, 1]")
    plan = _checked_targets(targets)
    if plan.empty:
        raise InputError("the targets table has no rows")
    first, last = _plan_span(plan)
    cells = plan.groupby(["county", "industry"], sort=True, as_index=False)["kwh"].sum()
    cells["kwh"] *= 365.25 / (last - first + 1)  # annualised
    cells["profile"] = [profile_of(i) for i in cells["industry"]]
    counts = _meter_counts(cells, meters_per_cell, n_meters)
    if np.bincount(pd.factorize(cells["county"])[0], counts).max() * 2 >= SERIALS_PER_COUNTY:
        raise InputError("too many meters in one county for adcode-based meter ids")
    rng = np.random.default_rng([seed, _METERS])
    meters = _original_meters(cells, counts, first, rng)
    successors = _replacements(meters, replacement_rate, first, last, rng)
    out = pd.concat([meters, successors], ignore_index=True)
    return out.sort_values("meter_id", ignore_index=True)


def _plan_span(plan: pd.DataFrame) -> tuple[int, int]:
    months = np.unique(plan["month"].to_numpy(dtype=str).astype("datetime64[M]"))
    first = months[0].astype("datetime64[D]").astype(np.int64)
    last = (months[-1] + 1).astype("datetime64[D]").astype(np.int64) - 1
    return int(first), int(last)


def _meter_counts(
    cells: pd.DataFrame, meters_per_cell: int | None, n_meters: int | None
) -> np.ndarray:
    n_cells = len(cells)
    if meters_per_cell is not None and n_meters is not None:
        raise InputError("give meters_per_cell or n_meters, not both")
    if n_meters is None:
        per_cell = DEFAULT_METERS_PER_CELL if meters_per_cell is None else meters_per_cell
        if per_cell < 1:
            raise InputError(f"meters_per_cell {per_cell!r} is below 1")
        return np.full(n_cells, int(per_cell))
    if n_meters < n_cells:
        raise InputError(
            f"n_meters {n_meters} is below the {n_cells} county × industry cells of the targets",
            expected="at least one meter per cell",
        )
    customers = cells["kwh"].to_numpy() / [PROFILES[p].customer_kwh for p in cells["profile"]]
    weights = np.sqrt(customers)
    if weights.sum() == 0:  # a plan of zeros: spread the meters evenly
        weights = np.ones(n_cells)
    quota = (n_meters - n_cells) * weights / weights.sum()
    counts = np.floor(quota).astype(np.int64)
    short = (n_meters - n_cells) - counts.sum()
    counts[np.argsort(counts - quota, kind="stable")[:short]] += 1  # largest remainders
    return counts + 1


def _voltages(capacity: np.ndarray, profiles: np.ndarray) -> np.ndarray:
    """Voltage level by contract capacity, kept within each sector's usual levels."""
    names = [name for name, _ in VOLTAGE_LEVELS]
    level = np.searchsorted([limit for _, limit in VOLTAGE_LEVELS], capacity)
    low = np.array([names.index(PROFILES[p].voltages[0]) for p in profiles])
    high = np.array([names.index(PROFILES[p].voltages[1]) for p in profiles])
    return np.array(names, dtype=object)[np.clip(level, low, high)]


def _original_meters(
    cells: pd.DataFrame, counts: np.ndarray, first: int, rng: np.random.Generator
) -> pd.DataFrame:
    cell = np.repeat(np.arange(len(cells)), counts)
    profiles = cells["profile"].to_numpy()[cell]
    tails = np.array([PROFILES[p].tail for p in profiles])
    size = rng.pareto(tails) + 1.0
    share = size / np.bincount(cell, size)[cell]
    load_factor = np.array([PROFILES[p].load_factor for p in profiles])
    capacity = np.round(cells["kwh"].to_numpy()[cell] / 8760.0 * share / load_factor, 1)
    capacity = np.maximum(capacity, 0.1)
    county = cells["county"].to_numpy()[cell]
    serial = pd.Series(county).groupby(county).cumcount().to_numpy() + 1
    age = rng.integers(*METER_AGE_DAYS, size=len(cell), endpoint=True)
    return pd.DataFrame(
        {
            "meter_id": county.astype(np.int64) * SERIALS_PER_COUNTY + serial,
            "county": county,
            "industry": cells["industry"].to_numpy()[cell],
            "voltage": _voltages(capacity, profiles),
            "capacity_kva": capacity,
            "installed": _dates(first - age),
            "removed": _no_dates(len(cell)),
        }
    )


def _dates(days: np.ndarray) -> np.ndarray:
    """Day numbers as dates (``datetime64[us]`` at midnight, like ``ts``)."""
    return np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype("datetime64[us]")


def _no_dates(n: int) -> np.ndarray:
    return np.full(n, np.datetime64("NaT"), dtype="datetime64[us]")


def _replacements(
    meters: pd.DataFrame, rate: float, first: int, last: int, rng: np.random.Generator
) -> pd.DataFrame:
    """Replace a ``rate`` share of ``meters`` in place (sets ``removed``); return the successors."""
    if last <= first:
        return meters.iloc[:0]
    replaced = np.flatnonzero(rng.random(len(meters)) < rate)
    removed = rng.integers(first, last, size=len(replaced))  # leaves a day for the successor
    meters.loc[replaced, "removed"] = _dates(removed)
    successors = meters.iloc[replaced].copy()
    top = meters.groupby("county")["meter_id"].max()
    offset = successors.groupby("county").cumcount().to_numpy() + 1
    successors["meter_id"] = top.loc[successors["county"]].to_numpy() + offset
    successors["installed"] = _dates(removed + 1)
    successors["removed"] = _no_dates(len(replaced))
    return successors.reset_index(drop=True)
