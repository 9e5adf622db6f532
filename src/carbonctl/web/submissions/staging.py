"""Fast storage of accounted rows (入库): activity rows with their emission results written with
one bulk statement per chunk — ``executemany`` on SQLite, ``COPY`` on PostgreSQL — instead of
building a Django object per row (ten times slower at 200,000 rows).

Rows are written to a submission in the hidden ``importing`` status (staging) and removed again
with :func:`discard` when an import fails.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd
from django.db import connection, transaction

from carbonctl.web.submissions.models import ActivityRecord
from carbonctl.web.submissions.reading import (
    ACTIVITY_COLUMNS_STORED,
    RESULT_COLUMNS_STORED,
    Ready,
    activity_columns,
    result_columns,
)

#: Rows deleted per transaction when staged rows are discarded.
DISCARD_BATCH = 20_000

_ACTIVITY = ActivityRecord._meta.db_table
#: The columns written, in the order of a row: the submission, then what
#: :class:`~.reading.Ready` holds (the id is the database's).
FIELDS = ("submission_id", *ACTIVITY_COLUMNS_STORED, *RESULT_COLUMNS_STORED)


def _insert(cursor, table: str, fields: Sequence[str], rows: Iterable[tuple]) -> None:
    columns = ", ".join(f'"{f}"' for f in fields)
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join(["%s"] * len(fields))
    cursor.executemany(f'INSERT INTO "{table}" ({columns}) VALUES ({marks})', rows)


def write_ready(submission_id: int, ready: Ready) -> None:
    """Write one accounted chunk (:class:`~.reading.Ready`) in one transaction."""
    if not ready.rows:
        return
    with transaction.atomic(), connection.cursor() as cursor:
        rows = zip([submission_id] * ready.rows, *ready.activity, *ready.result, strict=True)
        _insert(cursor, _ACTIVITY, FIELDS, rows)


def write_rows(submission_id: int, table: pd.DataFrame, results: pd.DataFrame) -> None:
    """Write one chunk given as the activity table and its accounted rows (same order)."""
    if len(table) != len(results):
        raise ValueError("every activity row needs its result")
    ready = Ready(len(table), 0.0, activity_columns(table), result_columns(results))
    write_ready(submission_id, ready)


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
                f'DELETE FROM "{_ACTIVITY}" WHERE "submission_id" = %s AND "id" BETWEEN %s AND %s',
                bounds,
            )
