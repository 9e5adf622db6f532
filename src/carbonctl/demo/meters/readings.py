"""Synthetic meter data (合成电表数据) for Shanxi counties: a monthly plan, meters (电能表档案),
readings (抄表数据) with realistic load shapes and injected anomalies, and dispatch (调度数据).

Readings are generated month by month in chunks of meters, so memory stays bounded by one Parquet
part (``rows_per_file`` rows) however many meters and days are asked for. A reading's value is

    kwh(m, t) = T(c, M) · w_m · f_s(d) · ε(m, d) / Σ_{m' ∈ c} w_m' Σ_{d' ∈ M, active} f_s(d')
                · q_s(t) · η(m, t)

with T(c, M) the target of the meter's county × industry cell c for month M, w_m its contract
capacity, f_s(d) the sector's day factor (season × weekday × Spring Festival × growth), ε a
day-to-day noise rescaled so that Σ_d f_s ε = Σ_d f_s over each meter's active days of the month,
and q_s η the share of the day in the 15-minute interval t (the load shape, 日负荷曲线, with noise
rescaled to sum to one). Clean readings of a cell therefore add up to its monthly target exactly.

Every number below that shapes the data is a synthetic assumption chosen to look plausible for
Shanxi (industry about three quarters of the use, coal-fired generation dominant); none is measured.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from carbonctl.demo.meters.profiles import (
    _ANOMALIES,
    _READINGS,
    COMPRESSION,
    DEFAULT_ROWS_PER_FILE,
    LOAD_SHAPES,
    OUTAGE_DAYS,
    PROFILES,
    READING_SCHEMA,
    ROW_GROUP_ROWS,
    SPIKE_FACTOR,
    US_PER_DAY,
    _check_counties,
    _check_industries,
    _check_seed,
    _checked_targets,
    _date,
    _day_factors,
    _intervals_per_day,
    _months,
    _require_columns,
    _span,
    profile_of,
)
from carbonctl.electricity import schema
from carbonctl.errors import InputError

# --- anomalies and the manifest ---------------------------------------------------------------


@dataclass(frozen=True)
class AnomalyRates:
    """Rates of the faults injected into readings (异常数据), for testing the cleaning pipeline.

    ``outage``: chance per meter and month that the meter goes dark for 2–5 days (停电/故障);
    ``outage_zero_share`` of outages read 0, the others send nothing. Per clean reading outside
    outages: ``missing`` (漏抄, row dropped), ``spike`` (value × 20–100, 突增), ``negative``
    (sign flipped, 负值) and ``duplicate`` (the row is sent twice, 重复). A reading gets at most one
    fault. Meter replacements come from :func:`synth_meters`.
    """

    outage: float = 0.002
    outage_zero_share: float = 0.5
    missing: float = 0.001
    duplicate: float = 0.0005
    spike: float = 0.0002
    negative: float = 0.00002

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if not (isinstance(value, int | float) and 0.0 <= value <= 1.0):
                raise InputError(f"anomaly rate {item.name}={value!r} is not in [0, 1]")
        if self.missing + self.duplicate + self.spike + self.negative > 1.0:
            raise InputError("the per-reading anomaly rates add up to more than 1")

    @classmethod
    def none(cls) -> AnomalyRates:
        """No anomalies: clean readings only."""
        return cls(outage=0.0, missing=0.0, duplicate=0.0, spike=0.0, negative=0.0)


@dataclass(frozen=True)
class SynthManifest:
    """What :func:`write_readings` wrote, with the count of every injected anomaly.

    ``rows = clean_rows − outage_missing_rows − missing_rows + duplicate_rows``; ``clean_kwh`` is
    the total before anomalies (it equals the targets of the meters' cells over the span).
    ``replacements`` counts meters of the table removed within the span.
    """

    out_dir: Path
    files: tuple[Path, ...]
    start: dt.date
    end: dt.date
    freq: str
    seed: int
    meters: int
    clean_rows: int
    rows: int
    clean_kwh: float
    replacements: int
    outages: int
    outage_zero_rows: int
    outage_missing_rows: int
    missing_rows: int
    duplicate_rows: int
    spike_rows: int
    negative_rows: int

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: paths and dates as text."""
        data = asdict(self)
        data["out_dir"] = str(self.out_dir)
        data["files"] = [str(path) for path in self.files]
        data["start"], data["end"] = self.start.isoformat(), self.end.isoformat()
        return data


_COUNTS: Final = (
    "outages",
    "outage_zero_rows",
    "outage_missing_rows",
    "missing_rows",
    "duplicate_rows",
    "spike_rows",
    "negative_rows",
)


# --- readings ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Meters:
    """The meters as arrays sorted by id, with spans clipped to the requested days."""

    ids: np.ndarray
    cell: np.ndarray
    profile: np.ndarray  # index into keys
    keys: tuple[str, ...]
    weight: np.ndarray
    first: np.ndarray  # first day read (day number)
    last: np.ndarray  # last day read; last < first: not read at all
    cells: pd.DataFrame  # county, industry
    replacements: int


def _day_numbers(values: pd.Series, column: str, default: int) -> np.ndarray:
    try:
        dates = pd.to_datetime(values)
    except (ValueError, TypeError):
        raise InputError("not a date", column=column, expected="dates or empty") from None
    days = dates.to_numpy().astype("datetime64[D]")
    out = days.astype(np.int64)
    out[np.isnat(days)] = default
    return out


#: Day numbers standing for "installed long ago" and "still in service".
_NO_DAY: Final = (-(10**6), 10**6)


def _meter_arrays(meters: pd.DataFrame, first: int, last: int) -> _Meters:
    _require_columns(meters, schema.METER_COLUMNS, "the meters table")
    table = meters.sort_values("meter_id", ignore_index=True)
    ids = table["meter_id"].to_numpy()
    if not np.issubdtype(ids.dtype, np.integer) or len(np.unique(ids)) < len(ids):
        raise InputError("meter_id must be unique integers", column="meter_id")
    county = np.asarray(_check_counties(table["county"].tolist()), dtype=object)
    industry = table["industry"].astype(str).to_numpy(dtype=object)
    _check_industries(np.unique(industry).tolist())
    cells, cell = _factorize_cells(county, industry)
    keys = tuple(sorted({profile_of(i) for i in cells["industry"]}))
    cell_profile = np.array([keys.index(profile_of(i)) for i in cells["industry"]])
    installed = _column_days(table, "installed", _NO_DAY[0])
    removed = _column_days(table, "removed", _NO_DAY[1])
    if np.any(removed < installed):
        raise InputError("a meter is removed before it is installed", column="removed")
    weight = _weights(table)
    return _Meters(
        ids=ids.astype(np.int64),
        cell=cell,
        profile=cell_profile[cell],
        keys=keys,
        weight=weight,
        first=np.maximum(installed, first),
        last=np.minimum(removed, last),
        cells=cells,
        replacements=int(np.count_nonzero((removed >= first) & (removed <= last))),
    )


def _factorize_cells(county: np.ndarray, industry: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    codes, uniques = pd.factorize(pd.Series(county + "|" + industry), sort=True)
    parts = [u.split("|") for u in uniques]
    cells = pd.DataFrame(parts, columns=["county", "industry"])
    return cells, codes.astype(np.int64)


def _column_days(table: pd.DataFrame, column: str, default: int) -> np.ndarray:
    """Day numbers of a date column; missing dates (or column) read as ``default``."""
    if column not in table.columns:
        return np.full(len(table), default, dtype=np.int64)
    return _day_numbers(table[column], column, default)


def _weights(table: pd.DataFrame) -> np.ndarray:
    """Each meter's weight in its cell: its contract capacity, or 1 without that column."""
    if "capacity_kva" not in table.columns:
        return np.ones(len(table))
    weight = pd.to_numeric(table["capacity_kva"], errors="coerce").to_numpy(dtype=float)
    if not np.all(np.isfinite(weight) & (weight > 0)):
        raise InputError("capacity_kva must be positive numbers", column="capacity_kva")
    return weight


def _target_matrix(targets: pd.DataFrame, meters: _Meters, months: list[str]) -> np.ndarray:
    """Target kWh as cells × months; every cell with meters read in the span needs each month."""
    plan = _checked_targets(targets).set_index(["county", "industry", "month"])["kwh"]
    cells = meters.cells
    index = pd.MultiIndex.from_arrays(
        [
            np.repeat(cells["county"].to_numpy(), len(months)),
            np.repeat(cells["industry"].to_numpy(), len(months)),
            np.tile(np.asarray(months, dtype=object), len(cells)),
        ]
    )
    matrix = plan.reindex(index).to_numpy(dtype=float).reshape(len(cells), len(months))
    gaps = np.argwhere(np.isnan(matrix) & _cells_read(meters, months))
    if len(gaps):
        c, m = gaps[0]
        raise InputError(
            f"targets have no kwh for {len(gaps)} county × industry × month cells with meters, "
            f"e.g. {cells['county'].iloc[c]} {cells['industry'].iloc[c]} {months[m]}"
        )
    return np.nan_to_num(matrix)


def _cells_read(meters: _Meters, months: list[str]) -> np.ndarray:
    """Cells × months: does any meter of the cell read in the month?"""
    starts = np.array(months, dtype="datetime64[M]").astype("datetime64[D]").astype(np.int64)
    read = meters.last >= meters.first
    first = np.searchsorted(starts, meters.first[read], side="right") - 1
    last = np.searchsorted(starts, meters.last[read], side="right") - 1
    change = np.zeros((len(meters.cells), len(months) + 1), dtype=np.int64)
    np.add.at(change, (meters.cell[read], first), 1)
    np.add.at(change, (meters.cell[read], last + 1), -1)
    return change.cumsum(axis=1)[:, :-1] > 0


@dataclass
class _Tally:
    files: list[Path]
    clean_rows: int = 0
    rows: int = 0
    clean_kwh: float = 0.0
    outages: int = 0
    outage_zero_rows: int = 0
    outage_missing_rows: int = 0
    missing_rows: int = 0
    duplicate_rows: int = 0
    spike_rows: int = 0
    negative_rows: int = 0


@dataclass(frozen=True)
class _Run:
    """The settings of one :func:`write_readings` call."""

    table: _Meters
    root: Path
    origin: int
    per_day: int
    rows_per_file: int
    rates: AnomalyRates
    seed: int
    total_rows: int
    progress: Callable[[int, int], None] | None


def write_readings(
    meters: pd.DataFrame,
    targets: pd.DataFrame,
    out_dir: str | Path,
    *,
    start: str | dt.date,
    end: str | dt.date,
    freq: str = "D",
    anomalies: AnomalyRates = AnomalyRates(),
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
    rows_per_file: int = DEFAULT_ROWS_PER_FILE,
) -> SynthManifest:
    """Write readings (抄表数据) of ``meters`` from ``start`` to ``end`` (inclusive) to Parquet.

    Files are ``out_dir/month=YYYY-MM/part-NNNNN.parquet`` with columns ``meter_id`` (int64),
    ``ts`` (timestamp[us], naive Beijing time, start of the interval) and ``kwh`` (float64); a part
    holds about ``rows_per_file`` rows, ordered by meter and time (duplicates next to their twin).
    ``freq`` is ``"D"`` (daily) or ``"15min"``. Before anomalies, the readings of each county ×
    industry cell add up to its target for each month (the formula in the module docstring); a
    meter is read from ``installed`` to ``removed`` (inclusive) within the span. Memory is bounded
    by one part plus a few numbers per meter. ``progress`` is called after each part with (clean
    rows done, clean rows in all). ``out_dir`` must be new or empty.
    """
    _check_seed(seed)
    first, last = _span(start, end)
    per_day = _intervals_per_day(freq)
    if rows_per_file < 1:
        raise InputError(f"rows_per_file {rows_per_file!r} is below 1")
    table = _meter_arrays(meters, first, last)
    months = list(_months(first, last))
    target = _target_matrix(targets, table, [label for label, _ in months])
    run = _Run(
        table=table,
        root=_empty_dir(out_dir),
        origin=first,
        per_day=per_day,
        rows_per_file=rows_per_file,
        rates=anomalies,
        seed=int(seed),
        total_rows=int(np.clip(table.last - table.first + 1, 0, None).sum()) * per_day,
        progress=progress,
    )
    tally = _Tally(files=[])
    for index, (label, days) in enumerate(months):
        _write_month(run, index, label, _month_plan(run, target[:, index], days), tally)
    return SynthManifest(
        out_dir=run.root,
        files=tuple(tally.files),
        start=_date(first),
        end=_date(last),
        freq=freq,
        seed=run.seed,
        meters=len(table.ids),
        clean_rows=tally.clean_rows,
        rows=tally.rows,
        clean_kwh=tally.clean_kwh,
        replacements=table.replacements,
        **{name: getattr(tally, name) for name in _COUNTS},
    )


def _empty_dir(out_dir: str | Path) -> Path:
    root = Path(out_dir)
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise InputError(f"{root} is not an empty folder", expected="a new or empty folder")
    root.mkdir(parents=True, exist_ok=True)
    return root


@dataclass(frozen=True)
class _Month:
    """One month's plan for every meter: active days [a, b) and the scale of its readings."""

    days: np.ndarray
    factors: np.ndarray  # profiles × days
    a: np.ndarray
    b: np.ndarray
    scale: np.ndarray


def _month_plan(run: _Run, target: np.ndarray, days: np.ndarray) -> _Month:
    table = run.table
    factors = np.array([_day_factors(PROFILES[k], days, run.origin) for k in table.keys])
    a = np.clip(table.first - days[0], 0, len(days))
    b = np.clip(table.last - days[0] + 1, a, len(days))
    cumulative = np.concatenate([np.zeros((len(table.keys), 1)), factors.cumsum(axis=1)], axis=1)
    expected = table.weight * (cumulative[table.profile, b] - cumulative[table.profile, a])
    denominator = np.bincount(table.cell, expected, minlength=len(target))
    ratio = np.divide(target, denominator, out=np.zeros_like(target), where=denominator > 0)
    return _Month(days, factors, a, b, ratio[table.cell] * table.weight)


def _chunks(rows: np.ndarray, limit: int) -> list[np.ndarray]:
    """Meter indices with rows, cut in runs of about ``limit`` rows (a meter is never split)."""
    read = np.flatnonzero(rows > 0)
    if not len(read):
        return []
    group = (np.cumsum(rows[read]) - 1) // limit
    return np.split(read, np.flatnonzero(np.diff(group)) + 1)


@dataclass
class _Chunk:
    """Readings of some meters for one month: row → meter (index in the chunk) and day."""

    meter: np.ndarray
    day: np.ndarray
    ids: np.ndarray
    ts: np.ndarray
    kwh: np.ndarray


def _write_month(run: _Run, index: int, label: str, month: _Month, tally: _Tally) -> None:
    folder = run.root / f"month={label}"
    for part, members in enumerate(_chunks((month.b - month.a) * run.per_day, run.rows_per_file)):
        folder.mkdir(exist_ok=True)
        path = folder / f"part-{part:05d}.parquet"
        _write_chunk(run, month, members, (index, part), path, tally)
        tally.files.append(path)
        if run.progress is not None:
            run.progress(tally.clean_rows, run.total_rows)


def _write_chunk(
    run: _Run,
    month: _Month,
    members: np.ndarray,
    key: tuple[int, int],
    path: Path,
    tally: _Tally,
) -> None:
    """Generate, spoil and write one part; its arrays die on return, which bounds memory."""
    chunk = _clean_chunk(run, month, members, np.random.default_rng([run.seed, _READINGS, *key]))
    tally.clean_rows += len(chunk.kwh)
    tally.clean_kwh += float(chunk.kwh.sum())
    faults = np.random.default_rng([run.seed, _ANOMALIES, *key])
    ids, ts, kwh = _inject(chunk, month.a[members], month.b[members], run.rates, faults, tally)
    _write_part(path, ids, ts, kwh)
    tally.rows += len(kwh)


def _clean_chunk(run: _Run, month: _Month, members: np.ndarray, rng: np.random.Generator) -> _Chunk:
    """Readings of the meters ``members`` for the month, meter by meter in time order."""
    keys, per_day, n_days = run.table.keys, run.per_day, len(month.days)
    a, b = month.a[members], month.b[members]
    active = (np.arange(n_days) >= a[:, None]) & (np.arange(n_days) < b[:, None])
    profile = run.table.profile[members]
    factors = month.factors[profile] * active
    sigma = np.array([PROFILES[k].noise for k in keys])[profile]
    daily = rng.standard_normal(factors.shape)  # in place below: a chunk is large
    daily *= sigma[:, None]
    np.exp(daily, out=daily)
    daily *= factors
    daily *= (month.scale[members] * factors.sum(axis=1) / daily.sum(axis=1))[:, None]
    del factors
    pairs = np.flatnonzero(active)
    meter, day = np.divmod(pairs, n_days)
    values = daily.ravel()[pairs]
    del daily, pairs
    ids = run.table.ids[members][meter]
    ts = month.days[day] * US_PER_DAY
    if per_day > 1:
        values = _intraday(values, keys, profile[meter], sigma[meter], rng).ravel()
        ts = (ts[:, None] + np.arange(per_day) * (US_PER_DAY // per_day)).ravel()
        meter, day, ids = (np.repeat(x, per_day) for x in (meter, day, ids))
    return _Chunk(meter=meter, day=day, ids=ids, ts=ts, kwh=values)


def _intraday(
    daily: np.ndarray,
    keys: tuple[str, ...],
    profile: np.ndarray,
    sigma: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Split each day's kWh over 96 quarter hours by the sector's load shape, with noise."""
    shapes = np.array([LOAD_SHAPES[PROFILES[k].shape] for k in keys])[profile]
    shares = shapes * np.exp(sigma[:, None] * rng.standard_normal(shapes.shape))
    shares /= shares.sum(axis=1, keepdims=True)
    return daily[:, None] * shares


def _outages(
    chunk: _Chunk, a: np.ndarray, b: np.ndarray, rates: AnomalyRates, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, int]:
    """Rows read as zero and rows not sent, over outages of a few whole days within [a, b)."""
    hit = np.flatnonzero(rng.random(len(a)) < rates.outage)
    start = a[hit] + np.floor(rng.random(len(hit)) * (b[hit] - a[hit])).astype(np.int64)
    length = rng.integers(*OUTAGE_DAYS, size=len(hit), endpoint=True)
    reads_zero = rng.random(len(hit)) < rates.outage_zero_share
    event = np.full(len(a), -1)
    event[hit] = np.arange(len(hit))
    rows = np.flatnonzero(event[chunk.meter] >= 0)
    which = event[chunk.meter[rows]]
    offset = chunk.day[rows] - start[which]
    inside = (offset >= 0) & (offset < length[which])
    zero = np.zeros(len(chunk.kwh), dtype=bool)
    dark = np.zeros(len(chunk.kwh), dtype=bool)
    zero[rows[inside & reads_zero[which]]] = True
    dark[rows[inside & ~reads_zero[which]]] = True
    return zero, dark, len(hit)


def _inject(
    chunk: _Chunk,
    a: np.ndarray,
    b: np.ndarray,
    rates: AnomalyRates,
    rng: np.random.Generator,
    tally: _Tally,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inject outages, then disjoint missing / spike / negative / duplicate readings."""
    zero, dark, events = _outages(chunk, a, b, rates, rng)
    kwh = chunk.kwh
    kwh[zero] = 0.0
    outage_rows = np.flatnonzero(zero | dark)
    eligible = len(kwh) - len(outage_rows)
    wanted = rng.binomial(eligible, [rates.missing, rates.spike, rates.negative, rates.duplicate])
    wanted = np.maximum(0, np.minimum(wanted, eligible - np.cumsum(wanted) + wanted))
    picks = np.sort(rng.choice(eligible, size=int(wanted.sum()), replace=False))
    # the k-th eligible row is k plus the outage rows at or before it
    chosen = picks + np.searchsorted(outage_rows - np.arange(len(outage_rows)), picks, "right")
    chosen = rng.permutation(chosen)
    missing, spike, negative, duplicate = np.split(chosen, np.cumsum(wanted)[:-1])
    kwh[spike] *= rng.uniform(*SPIKE_FACTOR, size=len(spike))
    kwh[negative] = -kwh[negative]
    tally.outages += events
    tally.outage_zero_rows += int(zero.sum())
    tally.outage_missing_rows += int(dark.sum())
    tally.missing_rows += len(missing)
    tally.spike_rows += len(spike)
    tally.negative_rows += len(negative)
    tally.duplicate_rows += len(duplicate)
    if not (dark.any() or len(missing) or len(duplicate)):
        return chunk.ids, chunk.ts, kwh
    copies = np.where(dark, 0, 1).astype(np.uint8)
    copies[missing] = 0
    copies[duplicate] = 2
    return np.repeat(chunk.ids, copies), np.repeat(chunk.ts, copies), np.repeat(kwh, copies)


def _write_part(path: Path, ids: np.ndarray, ts: np.ndarray, kwh: np.ndarray) -> None:
    table = pa.Table.from_arrays(
        [pa.array(ids), pa.array(ts.view("datetime64[us]")), pa.array(kwh)],
        schema=READING_SCHEMA,
    )
    pq.write_table(table, path, compression=COMPRESSION, row_group_size=ROW_GROUP_ROWS)
