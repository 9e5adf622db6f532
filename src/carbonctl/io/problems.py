"""Problems found while validating an input table (输入数据问题), gathered in one pass and raised
together as InputErrors, each located by file, row and column, the flood of a broken file capped."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from carbonctl.errors import InputError, InputErrors

__all__ = ["MESSAGES", "ROWS_LISTED_PER_PROBLEM", "Problems", "no_data_rows"]

#: What was wrong, by pandera check ``error`` key; ``{value}`` is the offending cell as shown.
MESSAGES: dict[str, str] = {
    "not_nullable": "{column} is blank",
    "number": "{value} is not a number",
    "non_negative": "{value} is negative",
    "fraction": "{value} is outside 0–1",
    "period": "{value} is not a year or a month",
    "vocabulary": "unknown {column} {value}",
}

#: Rows listed one by one for each kind of problem in a column; further rows are only counted.
ROWS_LISTED_PER_PROBLEM = 20


def no_data_rows(
    source: str | None, expected: str | None = "at least one row of data below the header"
) -> InputErrors:
    """The error of a table with a header but no data (row 2 is where data should start)."""
    return InputErrors([InputError("no data rows", file=source, row=2, expected=expected)])


def show(value: object) -> str:
    """A cell as a message shows it: text quoted, numbers without trailing zeros."""
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, float | np.floating):
        return f"{float(value):g}"
    return str(value)


@dataclass(frozen=True)
class _Batch:
    rows: np.ndarray
    column: str | None
    expected: str | None
    describe: Callable[[int], str]
    #: Batches of one kind of problem (from different chunks of a file) are listed together.
    kind: tuple[object, ...]


class Problems:
    """Collects located problems; :meth:`raise_if_any` turns them into one :class:`InputErrors`.

    One message per cell: when two checks fail on the same row and column, the first added wins,
    so a cell that is not a number is not also reported as blank. A file read in chunks gives
    each chunk a Problems of its own and adds it to one collector with
    :meth:`extend`, so the same
    kind of problem is counted and listed once over the whole file.
    """

    def __init__(self, source: str, columns: Sequence[str]) -> None:
        self.source = source
        self._order = {name: i for i, name in enumerate(columns)}
        self._batches: list[_Batch] = []
        self._unlocated: list[InputError] = []
        self._taken = 0  # distinct cells of the Problems extend() took over

    def add(
        self,
        rows: np.ndarray | Sequence[int],
        column: str | None,
        expected: str | None,
        message: str | Callable[[int], str],
        kind: object = None,
    ) -> None:
        """Record a problem on ``rows``; ``message`` is one text or gives the i-th row's text.

        ``kind`` tells problems of one sort apart from others in the same column (by default
        the message when it is one text)."""
        rows = np.asarray(rows, dtype=np.int64)
        if rows.size == 0:
            return
        describe = message if callable(message) else (lambda _i, text=message: text)
        key = (column, expected, message if kind is None and isinstance(message, str) else kind)
        self._batches.append(_Batch(rows, column, expected, describe, key))

    def extend(self, other: Problems) -> None:
        """Take over everything ``other`` recorded (a chunk's problems into the file's)."""
        self._taken += other.count()
        self._batches.extend(other._batches)
        self._unlocated.extend(other._unlocated)

    def count(self) -> int:
        """Cells (row and column) with a problem, plus problems without a row. Exact when the
        Problems extended from hold disjoint rows, as the chunks of a file do."""
        if self._taken:
            return self._taken
        if not self._batches:
            return len(self._unlocated)
        cells = np.concatenate(
            [b.rows * 1024 + self._order.get(b.column, len(self._order) + 1) for b in self._batches]
        )
        return int(np.unique(cells).size) + len(self._unlocated)

    def add_per_row(
        self, rows: np.ndarray, column: str, expected: str, messages: np.ndarray
    ) -> None:
        """Record a problem whose text differs by row (``messages`` aligned with ``rows``)."""
        self.add(rows, column, expected, lambda i: str(messages[i]), kind="per row")

    def add_formatted(
        self, rows: np.ndarray, column: str, expected: str, template: str, **cells: object
    ) -> None:
        """Record a problem whose text is ``template`` filled with the i-th value of each of
        ``cells`` (arrays or Series aligned with ``rows``); only listed rows are formatted."""
        arrays = {name: np.asarray(values, dtype=object) for name, values in cells.items()}
        self.add(
            rows,
            column,
            expected,
            lambda i: template.format(**{name: a[i] for name, a in arrays.items()}),
            kind=template,
        )

    def add_failure_cases(self, failure_cases: pd.DataFrame, expected: dict[str, str]) -> None:
        """Record pandera ``failure_cases`` whose index labels are spreadsheet rows.

        ``expected`` maps a column to what a good value looks like.
        """
        # A failure without a row (a check that could not run at all) must not pass silently.
        for case in failure_cases[failure_cases["index"].isna()].itertuples(index=False):
            self._unlocated.append(
                InputError(
                    f"check {case.check} failed: {case.failure_case}",
                    file=self.source,
                    column=None if pd.isna(case.column) else str(case.column),
                    expected=expected.get(str(case.column)),
                )
            )
        cases = failure_cases.dropna(subset=["index"])
        for (column, check), group in cases.groupby(["column", "check"], sort=False):
            template = MESSAGES.get(str(check), "{value} fails the check " + str(check))
            values = group["failure_case"].to_numpy(dtype=object)
            self.add(
                group["index"].to_numpy(dtype=np.int64),
                str(column),
                expected.get(str(column)),
                lambda i, t=template, v=values, c=str(column): t.format(value=show(v[i]), column=c),
                kind=("check", str(check)),
            )

    def raise_if_any(self, max_errors: int | None = None, stopped_at: int | None = None) -> None:
        """Raise :class:`InputErrors` for everything recorded, in row order, if anything was.

        At most :data:`ROWS_LISTED_PER_PROBLEM` rows are listed for each kind of problem (a
        summary counts the rest) and at most ``max_errors`` errors in all (a last error says
        how many more were not listed). ``stopped_at``: reading stopped after this row because
        too many errors were found, which a last error says.
        """
        if not self._batches:
            if self._unlocated:
                raise InputErrors(self._unlocated[:max_errors] if max_errors else self._unlocated)
            return
        kinds: dict[tuple[object, ...], int] = {}
        kind_of = np.array([kinds.setdefault(b.kind, len(kinds)) for b in self._batches])
        found = pd.DataFrame(
            {
                "row": np.concatenate([b.rows for b in self._batches]),
                "column": np.concatenate(
                    [np.full(b.rows.size, self._order.get(b.column, -1)) for b in self._batches]
                ),
                "batch": np.repeat(
                    np.arange(len(self._batches)), [b.rows.size for b in self._batches]
                ),
                "position": np.concatenate([np.arange(b.rows.size) for b in self._batches]),
            }
        )
        found["kind"] = kind_of[found["batch"].to_numpy()]
        found = found.drop_duplicates(["row", "column"], keep="first")
        found = found.sort_values(["row", "column"], kind="stable")
        listed = found.groupby("kind", sort=False).head(ROWS_LISTED_PER_PROBLEM)
        counts = found["kind"].value_counts(sort=False)

        summaries = []
        for kind_id, count in counts.items():
            if count <= ROWS_LISTED_PER_PROBLEM:
                continue
            first = listed[listed["kind"] == kind_id].iloc[0]
            batch = self._batches[int(first["batch"])]
            summaries.append(
                InputError(
                    f"{count:,} rows have this problem (first: row {first['row']}, "
                    f"{batch.describe(int(first['position']))}); the first "
                    f"{ROWS_LISTED_PER_PROBLEM} are listed",
                    file=self.source,
                    column=batch.column,
                    expected=batch.expected,
                )
            )
        errors = [
            InputError(
                batch.describe(int(position)),
                file=self.source,
                row=int(row),
                column=batch.column,
                expected=batch.expected,
            )
            for row, batch_id, position in listed[["row", "batch", "position"]].itertuples(
                index=False
            )
            for batch in (self._batches[int(batch_id)],)
        ]
        everything = [*self._unlocated, *summaries, *errors]
        if max_errors is not None and len(everything) > max_errors:
            more = len(everything) - max_errors
            everything = everything[:max_errors]
            everything.append(
                InputError(
                    f"{more:,} more errors are not listed (at most {max_errors:,} are)",
                    file=self.source,
                )
            )
        if stopped_at is not None:
            everything.append(
                InputError(
                    f"reading stopped after row {stopped_at:,}: {len(found):,} row errors "
                    "were found by then; rows below it were not checked",
                    file=self.source,
                    expected="a file with fewer errors; fix these and upload it again",
                )
            )
        raise InputErrors(everything)
