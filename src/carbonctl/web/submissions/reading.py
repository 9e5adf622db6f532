"""The database-free half of an import (读取与核算): read a stored upload in chunks, check each
row's scope, account it and lay it out as the columns the storage step writes.

A large import runs this half in a helper process (:func:`in_background`) while the worker
writes the previous chunk, so reading and accounting use the second core instead of waiting
for the database. The helper comes from a fork server that has imported the core library once
(the unit registry alone takes seconds); it is handed a :class:`Plan` of plain values and
never opens a database connection. Nothing here imports Django.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import queue
import resource
import signal
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from carbonctl import refdata
from carbonctl.accounting import account
from carbonctl.errors import CarbonctlError, InputError, InputErrors
from carbonctl.io import ACTIVITY_COLUMNS, ReadLimits, iter_activities, plausibility_warnings

#: Measured parameters of an activity row, kept with the row (the optional input columns).
PARAMETERS = tuple(ACTIVITY_COLUMNS[ACTIVITY_COLUMNS.index("region") + 1 :])

#: Plausibility warnings kept with a submission (the first ones; the rest are counted alike).
MAX_WARNINGS = 1000

#: Chunks read ahead of the writer at most (the memory bound of a background read).
READ_AHEAD = 2

log = logging.getLogger(__name__)

#: The highest peak memory (bytes of RSS) a reading process of this process has reported.
helper_peak_rss = 0


@dataclass(frozen=True)
class Plan:
    """What to read and how: plain values only (it crosses into the helper process)."""

    path: Path
    sheet: str | None
    name: str  #: the user's file name, used in every message instead of ``path``
    limits: ReadLimits
    chunk_rows: int
    factor_set: str
    grid_basis: str
    default_region: str
    #: adcodes a row's region may name (None: any), and how to say so in an error
    allowed: frozenset[str] | None = None
    scope_listing: str = ""


@dataclass
class Ready:
    """One chunk, accounted and laid out for storage: ``activity`` holds the columns of
    :data:`ACTIVITY_COLUMNS_STORED`, ``result`` those of :data:`RESULT_COLUMNS_STORED`."""

    rows: int
    total: float
    activity: list[list]
    result: list[list]
    warnings: list[dict] = field(default_factory=list)


#: The stored activity columns built here (the storage step adds id and submission).
ACTIVITY_COLUMNS_STORED = (
    "row_id",
    "subject",
    "period",
    "year",
    "category",
    "item",
    "amount",
    "unit",
    "region",
    "parameters",
)
#: The stored result columns built here (``parameter_basis`` is the result's ``parameters``).
RESULT_COLUMNS_STORED = (
    "item_id",
    "activity_amount",
    "activity_unit",
    "emission_factor",
    "ef_unit",
    "tco2",
    "tco2_market",
    "tce",
    "parameter_basis",
    "factor_id",
    "factor_status",
    "provisional",
    "note",
)


# --- laying rows out for storage ---------------------------------------------------------------


def _missing(series: pd.Series) -> np.ndarray:
    return series.isna().to_numpy(dtype=bool)


def _text(series: pd.Series, *, limit: int | None = None) -> list:
    """Text values, a missing one as ''; cut to ``limit`` characters (the column's size).

    Each distinct value is converted once and shared by its rows (a column of an import
    repeats a few subjects, fuels, units and factors thousands of times)."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    texts = [str(value)[:limit] for value in uniques]
    texts.append("")  # code -1: missing
    return np.asarray(texts, dtype=object)[codes].tolist()


def _numbers(series: pd.Series) -> list:
    """Floats, a missing one as None (NULL; never a NaN, which PostgreSQL would keep)."""
    values = pd.to_numeric(series, errors="coerce").astype(float).to_numpy()
    out = values.astype(object)
    out[np.isnan(values)] = None
    return out.tolist()


def _parameters(table: pd.DataFrame) -> list[str]:
    """The measured parameters of each row as a JSON object of the non-blank ones."""
    present = [name for name in PARAMETERS if name in table.columns]
    out = ["{}"] * len(table)
    if not present:
        return out
    given = ~table[present].isna().to_numpy(dtype=bool)
    for position in np.flatnonzero(given.any(axis=1)):
        row = table.iloc[position]
        out[position] = json.dumps(
            {
                name: (value.item() if isinstance(value, np.generic) else value)
                for name, value, has in zip(present, row[present], given[position], strict=True)
                if has
            },
            ensure_ascii=False,
        )
    return out


def activity_columns(table: pd.DataFrame) -> list[list]:
    """The activity table as the lists of :data:`ACTIVITY_COLUMNS_STORED`."""
    n = len(table)
    region = table["region"] if "region" in table.columns else pd.Series([None] * n)
    return [
        table["row_id"].astype(np.int64).tolist(),
        _text(table["subject"], limit=200),
        _text(table["period"], limit=7),
        table["year"].astype(np.int64).tolist(),
        _text(table["category"], limit=12),
        _text(table["item"], limit=200),
        _numbers(table["amount"]),
        _text(table["unit"], limit=50),
        _text(region, limit=50),
        _parameters(table),
    ]


def result_columns(rows: pd.DataFrame) -> list[list]:
    """The accounted rows as the lists of :data:`RESULT_COLUMNS_STORED`."""
    return [
        _text(rows["item_id"], limit=100),
        _numbers(rows["activity"]),
        _text(rows["activity_unit"], limit=50),
        _numbers(rows["emission_factor"]),
        _text(rows["ef_unit"], limit=50),
        _numbers(rows["tco2"]),
        _numbers(rows["tco2_market"]),
        _numbers(rows["tce"]),
        _text(rows["parameters"], limit=100),
        _text(rows["factor_id"], limit=100),
        _text(rows["factor_status"], limit=200),
        rows["provisional"].fillna(False).astype(bool).tolist(),
        _text(rows["note"], limit=300),
    ]


# --- the rows' scope ---------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _adcode(text: str) -> str | None:
    try:
        return refdata.find_region(text).adcode
    except CarbonctlError:
        return None  # unknown names are the validator's to report


def scope_errors(chunk: pd.DataFrame, plan: Plan) -> list[InputError]:
    """Row errors for rows whose region lies outside ``plan.allowed``."""
    if plan.allowed is None or "region" not in chunk.columns:
        return []
    given = chunk["region"].astype(object).where(chunk["region"].notna(), "").astype(str)
    outside = [
        value
        for value in given.unique()
        if value.strip() and (code := _adcode(value.strip())) and code not in plan.allowed
    ]
    if not outside:
        return []
    bad = given.isin(outside).to_numpy(dtype=bool)
    return [
        InputError(
            f"region {value!r} is outside your scope",
            file=plan.name,
            row=int(row),
            column="region",
            expected=plan.scope_listing,
        )
        for row, value in zip(chunk["row_id"][bad], given[bad], strict=True)
    ]


# --- reading -----------------------------------------------------------------------------------


def _renamed(errors: InputErrors, path: Path, name: str) -> InputErrors:
    """The errors with the stored file's path replaced by the user's file name."""
    renamed = []
    for e in errors.errors:
        detail = e.detail.replace(str(path), name).replace(str(path.parent), "…")
        renamed.append(
            InputError(detail, file=name, row=e.row, column=e.column, expected=e.expected)
        )
    return InputErrors(renamed)


def validated_chunks(plan: Plan) -> Iterator[pd.DataFrame]:
    """Validated chunks of the canonical activity table of ``plan.path``, named ``plan.name``
    in every message. Row errors of the whole file are raised (``InputErrors``) only when the
    chunks are exhausted: nothing may be published before this iterator finished."""
    chunks = iter_activities(
        plan.path, plan.sheet, limits=plan.limits, chunk_rows=plan.chunk_rows, source=plan.name
    )
    try:
        for chunk in chunks:
            chunk.attrs = {"source_file": plan.name}
            yield chunk
    except InputErrors as exc:
        raise _renamed(exc, Path(plan.path), plan.name) from None


def _warnings(chunk: pd.DataFrame) -> list[dict]:
    """The chunk's rows above the soft plausibility bound, as records for the reviewer."""
    found = plausibility_warnings(chunk)
    return [
        {"row": int(w.row_id), "column": w.column, "message": w.message}
        for w in found.itertuples(index=False)
    ]


def ready_chunks(plan: Plan) -> Iterator[Ready]:
    """Read, check and account the upload chunk by chunk. After the first row error nothing
    more is yielded, but the file is read to its end so that every error is reported: they are
    raised together (``InputErrors``) when the file is exhausted."""
    errors: list[InputError] = []
    warned = 0
    try:
        for chunk in validated_chunks(plan):
            errors += scope_errors(chunk, plan)
            try:
                result = account(
                    chunk,
                    factor_set=plan.factor_set,
                    grid_basis=plan.grid_basis,
                    default_region=plan.default_region,
                )
            except InputErrors as exc:
                errors += exc.errors
                continue
            except CarbonctlError as exc:
                raise InputErrors([InputError(str(exc), file=plan.name)]) from exc
            if errors:
                continue  # nothing will be published: read on only to report every error
            warnings = _warnings(chunk)[: MAX_WARNINGS - warned] if warned < MAX_WARNINGS else []
            warned += len(warnings)
            yield Ready(
                rows=len(chunk),
                total=float(result.total_tco2),
                activity=activity_columns(chunk),
                result=result_columns(result.rows),
                warnings=warnings,
            )
    except InputErrors as exc:
        errors += exc.errors
    if errors:
        raise InputErrors(errors)


# --- in a helper process -----------------------------------------------------------------------

_DONE = "done"
_ERRORS = "errors"
_FAILED = "failed"


def _error_fields(errors: InputErrors) -> list[tuple]:
    return [(e.detail, e.file, e.row, e.column, e.expected) for e in errors.errors]


def _from_fields(fields: list[tuple]) -> InputErrors:
    return InputErrors(
        [
            InputError(detail, file=file, row=row, column=column, expected=expected)
            for detail, file, row, column, expected in fields
        ]
    )


def _produce(plan: Plan, out) -> None:
    """The helper process: every :class:`Ready` chunk onto ``out``, then how it ended."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the worker's handler is not ours
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the worker, which stops us
    try:
        for ready in ready_chunks(plan):
            out.put(("ready", ready))
        out.put((_DONE, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024))
    except InputErrors as exc:
        out.put((_ERRORS, _error_fields(exc)))
    except BaseException:
        out.put((_FAILED, traceback.format_exc()))


@lru_cache(maxsize=1)
def _context():
    """A fork server that has imported this module (and so the core library) once."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return context


def _ready() -> None:
    """A helper that does nothing: it exists once the fork server has imported the core."""


def start_helpers() -> None:
    """Start the fork server and wait until it has imported the core library (seconds, once):
    a worker does this when it starts, so no import waits for it."""
    helper = _context().Process(target=_ready, name="carbonctl-import-warmup")
    helper.start()
    helper.join()


class HelperDied(RuntimeError):
    """The helper process of a background read ended without saying how."""


def in_background(plan: Plan, *, poll: float = 1.0) -> Iterator[Ready]:
    """:func:`ready_chunks` run in a helper process, at most :data:`READ_AHEAD` chunks ahead.
    Raises what it raised (``InputErrors`` as they were; anything else as ``HelperDied``
    with the helper's traceback). Closing the iterator early stops the helper."""
    context = _context()
    out = context.Queue(maxsize=READ_AHEAD)
    helper = context.Process(target=_produce, args=(plan, out), name="carbonctl-import-reader")
    helper.start()
    try:
        while True:
            try:
                kind, value = out.get(timeout=poll)
            except queue.Empty:
                if not helper.is_alive():
                    raise HelperDied(
                        f"the reading process ended unexpectedly (exit code {helper.exitcode})"
                    ) from None
                continue
            if kind == "ready":
                yield value
            elif kind == _DONE:
                global helper_peak_rss
                helper_peak_rss = max(helper_peak_rss, value)
                log.info("read %s with a peak of %.0f MiB", plan.name, value / 2**20)
                return
            elif kind == _ERRORS:
                raise _from_fields(value)
            else:
                raise HelperDied(f"the reading process failed:\n{value}")
    finally:
        if helper.is_alive():
            helper.terminate()
        helper.join(timeout=30)
        out.close()
        out.cancel_join_thread()
