"""Small input tables of records (记录表): one row per unit, enterprise or holding, with declared
columns (text, number, year, date), read from CSV/XLSX or taken from a DataFrame, every bad cell
reported in one pass by file, row and column, nothing returned unless the whole table is good.

The activity and inventory readers stream millions of rows through pandera schemas; the tables
here (ETS units, compliance rows, grade inputs, certificate holdings) are short and each module
declares its columns as :class:`Column` values instead of writing its own loop of checks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from carbonctl.io.cleaning import clean_text, is_numeric_column, parse_numbers
from carbonctl.io.fields import Field
from carbonctl.io.problems import Problems, no_data_rows, show
from carbonctl.io.readers import read_table
from carbonctl.io.validate import check_headers

__all__ = ["Column", "read_records", "validate_records"]

Kind = Literal["text", "number", "year", "date"]


@dataclass(frozen=True)
class Column:
    """One column of a record table.

    ``required``: the column must be there; ``blank``: its cells may be empty (NaN / None in
    the result). Numbers must lie in [``minimum``, ``maximum``] (None: unbounded). ``choices``
    maps accepted spellings (already normalised by the caller's ``normalise``) to the canonical
    value; ``year`` cells are integers 1990-2100, ``date`` cells ISO dates or years.
    """

    name: str
    kind: Kind = "number"
    required: bool = True
    blank: bool = False
    minimum: float | None = 0.0
    maximum: float | None = None
    aliases: tuple[str, ...] = ()
    expected: str = ""

    def what(self) -> str:
        if self.expected:
            return self.expected
        if self.kind == "number":
            low = "" if self.minimum is None else f" >= {self.minimum:g}"
            high = "" if self.maximum is None else f" <= {self.maximum:g}"
            return f"a number{low}{high}".replace(">= 0 <=", "from 0 to")
        if self.kind == "year":
            return "a year such as 2024"
        if self.kind == "date":
            return "a date such as 2016-05-01, or a year"
        return "a value"


def read_records(
    path: str | Path, columns: Sequence[Column], *, sheet: str | None = None
) -> pd.DataFrame:
    """Read a CSV or XLSX record table; see :func:`validate_records`."""
    table = read_table(path, sheet)
    return validate_records(table, columns, source=str(path))


def validate_records(
    frame: pd.DataFrame, columns: Sequence[Column], *, source: str = "<table>"
) -> pd.DataFrame:
    """The table with one column per declared :class:`Column` (absent optional columns are
    blank), numbers as float, years as int (or NaN), dates as :class:`datetime.date` (or None),
    text stripped and NFKC-normalised (or None); indexed by spreadsheet row (header = row 1,
    unless the frame is already indexed by row). Raises :class:`InputErrors` listing every bad
    cell with file, row, column and what was expected."""
    if frame.index.name != "row":
        frame = frame.set_axis(pd.Index(np.arange(2, len(frame) + 2), name="row"), axis=0)
    fields = [Field(c.name, aliases=c.aliases, required=c.required) for c in columns]
    positions = check_headers(list(frame.columns), fields, source)
    if len(frame) == 0:
        raise no_data_rows(source)
    problems = Problems(source, [c.name for c in columns])
    rows = frame.index.to_numpy()
    out: dict[str, pd.Series] = {}
    for column in columns:
        if column.name not in positions:
            out[column.name] = pd.Series(
                np.nan if column.kind in ("number", "year") else None, index=frame.index
            )
            continue
        raw = frame.iloc[:, positions[column.name]]
        out[column.name] = _column(raw, column, rows, problems)
    problems.raise_if_any()
    return pd.DataFrame(out, index=frame.index)


def _column(raw: pd.Series, column: Column, rows: np.ndarray, problems: Problems) -> pd.Series:
    expected = column.what()
    if column.kind == "number" and is_numeric_column(raw):
        text = pd.Series(pd.NA, index=raw.index, dtype=object)
        numbers = raw.astype("float64")
    else:
        text = clean_text(raw.astype(object).where(raw.notna(), None))
        numbers = parse_numbers(text) if column.kind in ("number", "year") else None
    blank = (text.isna() & (numbers.isna() if numbers is not None else True)).to_numpy()
    if not column.blank and blank.any():
        problems.add(rows[blank], column.name, expected, f"{column.name} is blank")
    if column.kind == "text":
        return text.astype(object).where(~blank, None)
    if column.kind == "date":
        return _dates(text, column, rows, blank, problems)
    values = numbers.to_numpy(dtype="float64")
    written = text.astype(object).to_numpy()
    bad = ~blank & ~np.isfinite(values)
    if bad.any():
        problems.add_per_row(
            rows[bad],
            column.name,
            expected,
            np.array([f"{show(w)} is not a number" for w in written[bad]], dtype=object),
        )
    ok = ~blank & np.isfinite(values)
    outside = np.zeros(len(values), dtype=bool)
    if column.minimum is not None:
        outside |= ok & (values < column.minimum)
    if column.maximum is not None:
        outside |= ok & (values > column.maximum)
    if column.kind == "year":
        outside |= ok & ((values != np.floor(values)) | (values < 1990) | (values > 2100))
    if outside.any():
        problems.add_per_row(
            rows[outside],
            column.name,
            expected,
            np.array([f"{v:g} is out of range" for v in values[outside]], dtype=object),
        )
    return pd.Series(np.where(ok, values, np.nan), index=text.index)


def _dates(
    text: pd.Series, column: Column, rows: np.ndarray, blank: np.ndarray, problems: Problems
) -> pd.Series:
    values: list[dt.date | None] = []
    bad: list[int] = []
    for i, cell in enumerate(text.astype(object)):
        if blank[i]:
            values.append(None)
            continue
        day = _date(str(cell))
        if day is None:
            bad.append(i)
        values.append(day)
    if bad:
        index = np.array(bad)
        problems.add_per_row(
            rows[index],
            column.name,
            column.what(),
            np.array([f"{show(text.iloc[i])} is not a date" for i in bad], dtype=object),
        )
    return pd.Series(values, index=text.index, dtype=object)


def _date(cell: str) -> dt.date | None:
    """2016-05-01, 2016/5/1, 2016-05-01 00:00:00 (Excel), 2016 (1 January) or 2016年5月1日."""
    text = cell.strip().replace("/", "-").replace("年", "-").replace("月", "-").rstrip("日")
    text = text.split(" ")[0].split("T")[0].rstrip("-")
    try:
        if text.isdigit() and len(text) == 4:
            return dt.date(int(text), 1, 1)
        parts = [int(p) for p in text.split("-")]
        if len(parts) == 2:
            return dt.date(parts[0], parts[1], 1)
        return dt.date(*parts) if len(parts) == 3 else None
    except (ValueError, TypeError):
        return None
