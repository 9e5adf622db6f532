"""Fast storage of accounted rows (入库): activity rows and their emission results written with
one bulk statement per table and chunk — ``executemany`` on SQLite, ``COPY`` on PostgreSQL —
instead of building a Django object per row (ten times slower at 200,000 rows).

Rows are written to a submission in the hidden ``importing`` status (staging) and removed again
with :func:`discard` when an import fails. The activity ids are reserved before writing, so the
results can name their activity without reading anything back.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from django.db import connection, transaction

from carbonctl.io import ACTIVITY_COLUMNS
from carbonctl.web.submissions.models import ActivityRecord, EmissionResult

#: Measured parameters of an activity row, kept with the row (the optional input columns).
PARAMETERS = tuple(ACTIVITY_COLUMNS[ACTIVITY_COLUMNS.index("region") + 1 :])

#: Rows deleted per transaction when staged rows are discarded.
DISCARD_BATCH = 20_000

_ACTIVITY = ActivityRecord._meta.db_table
_RESULT = EmissionResult._meta.db_table
ACTIVITY_FIELDS = (
    "id",
    "submission_id",
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
RESULT_FIELDS = (
    "activity_id",
    "factor_set_id",
    "item_id",
    "activity_amount",
    "activity_unit",
    "emission_factor",
    "ef_unit",
    "tco2",
    "tco2_market",
    "tce",
    "parameters",
    "factor_id",
    "factor_status",
    "provisional",
    "note",
)


def _missing(series: pd.Series) -> np.ndarray:
    return series.isna().to_numpy(dtype=bool)


def _text(series: pd.Series, *, limit: int | None = None) -> list:
    """Text values, a missing one as ''; cut to ``limit`` characters (the column's size)."""
    if series.dtype == object:
        values = series.where(~_missing(series), "").map(str)
    else:  # pandas' string and categorical columns: already text
        values = series.astype("string").fillna("")
    if limit is not None and len(values) and values.str.len().max() > limit:
        values = values.str.slice(0, limit)
    return values.tolist()


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


def activity_rows(submission_id: int, ids: Sequence[int], table: pd.DataFrame) -> Iterable[tuple]:
    """The activity table's rows as tuples in the order of :data:`ACTIVITY_FIELDS`."""
    n = len(table)
    region = table["region"] if "region" in table.columns else pd.Series([None] * n)
    return zip(
        ids,
        [submission_id] * n,
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
        strict=True,
    )


def result_rows(ids: Sequence[int], factor_set_id: int, rows: pd.DataFrame) -> Iterable[tuple]:
    """The accounted rows as tuples in the order of :data:`RESULT_FIELDS`."""
    n = len(rows)
    return zip(
        ids,
        [factor_set_id] * n,
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
        strict=True,
    )


def _reserve_ids(cursor, n: int) -> list[int]:
    """``n`` fresh ids of the activity table. Call inside the transaction that writes them: on
    SQLite the transaction holds the write lock (IMMEDIATE), so nobody else takes them."""
    if connection.vendor == "postgresql":
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [_ACTIVITY, n],
        )
        return [row[0] for row in cursor.fetchall()]
    cursor.execute(f'SELECT COALESCE(MAX("id"), 0) FROM "{_ACTIVITY}"')
    highest = cursor.fetchone()[0]
    if connection.vendor == "sqlite":  # AUTOINCREMENT never reuses an id, even a deleted one
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [_ACTIVITY])
        found = cursor.fetchone()
        highest = max(highest, found[0] if found else 0)
    return list(range(highest + 1, highest + 1 + n))


def _insert(cursor, table: str, fields: Sequence[str], rows: Iterable[tuple]) -> None:
    columns = ", ".join(f'"{f}"' for f in fields)
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join(["%s"] * len(fields))
    cursor.executemany(f'INSERT INTO "{table}" ({columns}) VALUES ({marks})', rows)


def write_rows(
    submission_id: int, factor_set_id: int, table: pd.DataFrame, results: pd.DataFrame
) -> None:
    """Write one chunk: its activity rows and their results (same order), in one transaction."""
    if len(table) != len(results):
        raise ValueError("every activity row needs its result")
    if not len(table):
        return
    with transaction.atomic(), connection.cursor() as cursor:
        ids = _reserve_ids(cursor, len(table))
        _insert(cursor, _ACTIVITY, ACTIVITY_FIELDS, activity_rows(submission_id, ids, table))
        _insert(cursor, _RESULT, RESULT_FIELDS, result_rows(ids, factor_set_id, results))


def discard(submission_id: int) -> None:
    """Delete the staged rows of ``submission_id``, a batch per short transaction (the frozen
    rows refuse ``delete()`` one by one; this is the one place that removes them: rows of a
    submission that was never published)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT MIN("id"), MAX("id") FROM "{_ACTIVITY}" WHERE "submission_id" = %s',
            [submission_id],
        )
        low, high = cursor.fetchone()
    if low is None:
        return
    for start in range(low, high + 1, DISCARD_BATCH):
        bounds = [submission_id, start, start + DISCARD_BATCH - 1]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f'DELETE FROM "{_RESULT}" WHERE "activity_id" IN (SELECT "id" FROM "{_ACTIVITY}"'
                ' WHERE "submission_id" = %s AND "id" BETWEEN %s AND %s)',
                bounds,
            )
            cursor.execute(
                f'DELETE FROM "{_ACTIVITY}" WHERE "submission_id" = %s AND "id" BETWEEN %s AND %s',
                bounds,
            )
