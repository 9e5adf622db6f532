"""Reading activity and inventory files (读取 CSV/Excel: UTF-8, UTF-8 with BOM, GBK/GB18030, XLSX):
every cell as text, rows numbered as the spreadsheet shows them, streamed in chunks within the
limits of :class:`~carbonctl.io.limits.ReadLimits`, the header checked before any data row, then
validated chunk by chunk."""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.api.types import infer_dtype

from carbonctl.errors import InputError, InputErrors
from carbonctl.io.cleaning import TEXT
from carbonctl.io.fields import ACTIVITY_FIELDS, INVENTORY_FIELDS, Field
from carbonctl.io.limits import ReadLimits, describe_size, limit_error, scrub_path
from carbonctl.io.problems import Problems, no_data_rows
from carbonctl.io.validate import (
    activity_chunk,
    check_headers,
    inventory_chunk,
)
from carbonctl.io.xlsx import cell_text, open_xlsx
from carbonctl.io.xlsx import chunks as row_chunks

__all__ = [
    "CSV_ENCODINGS",
    "iter_activities",
    "iter_inventory",
    "read_activities",
    "read_inventory",
    "read_table",
]

#: Tried in order: utf-8-sig reads UTF-8 with or without a BOM; GB18030 is a superset of GBK.
CSV_ENCODINGS = ("utf-8-sig", "gb18030")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
#: Rows of data validated at a time by default.
CHUNK_ROWS = 50_000
_SAMPLE_BYTES = 1 << 20  # the start of a CSV that decides its encoding

# pandas: "Error tokenizing data. C error: Expected 6 fields in line 3, saw 7"
_PARSER_FIELDS = r"Expected (?P<expected>\d+) fields in line (?P<line>\d+), saw (?P<saw>\d+)"

_cell_text = cell_text  # kept under its old name for callers of this module


def _no_data(source: str) -> InputErrors:
    return no_data_rows(source, "a header in row 1 and data from row 2")


# --- raw rows ----------------------------------------------------------------------------------


@dataclass
class _Raw:
    """A file opened for reading: its header cells and its data rows as text frames (integer
    columns by position, index = spreadsheet row, blank rows left out)."""

    header: list[object]
    chunks: Iterator[pd.DataFrame]
    close: Callable[[], None]


def _header_list(cells: Sequence[object]) -> list[str | None]:
    return [None if c is None or pd.isna(c) or str(c).strip() == "" else str(c) for c in cells]


def _csv_encoding(path: Path, source: str) -> str:
    """The encoding, judged on the first MiB: a file is not read twice to find it."""
    with open(path, "rb") as handle:
        sample = handle.read(_SAMPLE_BYTES)
    for encoding in CSV_ENCODINGS:
        try:
            codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        return encoding
    raise InputErrors(
        [
            InputError(
                "the text is neither UTF-8 nor GBK/GB18030",
                file=source,
                expected="a CSV saved as UTF-8 (or as GBK/GB18030 by Chinese Excel)",
            )
        ]
    )


def _csv_error(exc: Exception, path: Path, source: str) -> InputErrors:
    import re

    found = re.search(_PARSER_FIELDS, str(exc))
    message = (
        f"{found['saw']} cells where row 1 has {found['expected']}"
        if found
        else f"cannot parse the CSV: {scrub_path(str(exc), path, source)}"
    )
    return InputErrors(
        [
            InputError(
                message,
                file=source,
                row=int(found["line"]) if found else None,
                expected="no more cells in a row than in the header",
            )
        ]
    )


def _open_csv(path: Path, source: str, chunk_rows: int) -> _Raw:
    encoding = _csv_encoding(path, source)
    reader = None
    try:
        # header=None keeps duplicate headers apart (pandas would rename them "x.1") and
        # skip_blank_lines=False keeps row numbers equal to the spreadsheet's.
        reader = pd.read_csv(
            path,
            header=None,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            encoding=encoding,
            chunksize=chunk_rows,
        )
        first = reader.get_chunk(1)  # the header alone, before any data row is parsed
    except pd.errors.EmptyDataError:
        error = _no_data(source)
    except UnicodeDecodeError:
        error = _csv_encoding_error(source, encoding, 1)
    except pd.errors.ParserError as exc:
        error = _csv_error(exc, path, source)
    else:
        error = None
    if error is not None:
        if reader is not None:
            reader.close()
        raise error
    header = list(first.iloc[0]) if len(first) else []

    def chunks() -> Iterator[pd.DataFrame]:
        row = 2
        while True:
            try:
                block = reader.get_chunk(chunk_rows)
            except StopIteration:
                return
            except UnicodeDecodeError:
                raise _csv_encoding_error(source, encoding, row) from None
            except pd.errors.ParserError as exc:
                raise _csv_error(exc, path, source) from None
            numbers = np.arange(row, row + len(block), dtype=np.int64)
            row += len(block)
            yield block.set_axis(pd.RangeIndex(block.shape[1]), axis=1).set_axis(
                pd.Index(numbers, name="row"), axis=0
            )

    return _Raw(header, chunks(), reader.close)


def _csv_encoding_error(source: str, encoding: str, row: int) -> InputErrors:
    name = "UTF-8" if encoding.startswith("utf") else "GBK/GB18030"
    return InputErrors(
        [
            InputError(
                f"the text is not valid {name} from about row {row} on, although the start of "
                f"the file is {name}",
                file=source,
                expected="a CSV saved in one encoding throughout (UTF-8, or GBK from Excel)",
            )
        ]
    )


def _text_column(values: np.ndarray) -> pd.Series:
    """Cells of one XLSX column (str, float, bool, dates …) as text; "" stays "" (blank)."""
    kind = infer_dtype(values, skipna=False)
    if kind == "string":
        return pd.Series(pd.array(values, dtype=TEXT))
    if kind in ("floating", "integer", "mixed-integer-float"):
        return pd.Series(_float_text(values.astype("float64")))
    blank = values == ""
    if blank.any() and infer_dtype(values[~blank], skipna=False) in ("floating", "integer"):
        text = _float_text(np.where(blank, np.nan, values).astype("float64"))
        return pd.Series(text)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    answers = pd.array([cell_text(u) for u in uniques] + [None], dtype=TEXT)
    return pd.Series(answers.take(codes))


def _float_text(numbers: np.ndarray) -> pd.arrays.ArrowStringArray:
    """Numbers as text, as :func:`carbonctl.io.cell_text` writes them: integers without
    ".0", others in their shortest exact form; NaN -> blank."""
    whole = np.isfinite(numbers) & (np.abs(numbers) < 1e15) & (np.floor(numbers) == numbers)
    text = pc.cast(pa.array(numbers, from_pandas=True), pa.string())
    integers = pc.cast(pa.array(np.where(whole, numbers, 0).astype(np.int64)), pa.string())
    chosen = pc.if_else(pa.array(whole), integers, text)
    return pd.arrays.ArrowStringArray(chosen)


def _xlsx_frame(rows: list[list], first_row: int) -> pd.DataFrame:
    width = max(len(r) for r in rows)
    if any(len(r) != width for r in rows):
        rows = [r + [""] * (width - len(r)) for r in rows]
    cells = np.array(rows, dtype=object)
    if cells.ndim != 2:  # rows holding sequences as cells would not make a 2-D array
        cells = np.array([list(map(cell_text, r)) for r in rows], dtype=object)
    frame = pd.DataFrame({j: _text_column(cells[:, j]) for j in range(width)})
    numbers = np.arange(first_row, first_row + len(rows), dtype=np.int64)
    return frame.set_axis(pd.Index(numbers, name="row"), axis=0)


def _open_xlsx(
    path: Path,
    sheet: str | None,
    limits: ReadLimits,
    source: str,
    chunk_rows: int,
    check_header: Callable[[list[object]], None] | None,
) -> _Raw:
    opened = open_xlsx(path, sheet, limits, source, check_header)

    def chunks() -> Iterator[pd.DataFrame]:
        row = 2
        for block in row_chunks(opened.rows, chunk_rows):
            yield _xlsx_frame(block, row)
            row += len(block)

    return _Raw(opened.header, chunks(), opened.close)


def _drop_blank(frame: pd.DataFrame) -> pd.DataFrame:
    blank = np.ones(len(frame), dtype=bool)
    for position in range(frame.shape[1]):
        column = frame.iloc[:, position].astype(TEXT)
        blank &= (column.isna() | (column.str.strip() == "")).to_numpy(dtype=bool)
    return frame[~blank]


def _open(
    path: str | Path,
    sheet: str | None,
    limits: ReadLimits,
    source: str,
    chunk_rows: int,
    check_header: Callable[[list[object]], None] | None,
) -> tuple[list[str | None], Iterator[pd.DataFrame]]:
    """(header, chunks of non-blank rows): the file's size checked before it is opened, the
    header (via ``check_header``) before any data row, the row limit while reading."""
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix != ".csv" and suffix not in XLSX_SUFFIXES:
        raise InputErrors(
            [
                InputError(
                    f"cannot read {suffix or 'a file without suffix'} files",
                    file=source,
                    expected="a .csv or .xlsx file",
                )
            ]
        )
    if not file.is_file():
        raise InputErrors(
            [InputError("file not found", file=source, expected="an existing .csv or .xlsx file")]
        )
    size = file.stat().st_size
    if size > limits.max_bytes:
        raise limit_error(
            source,
            f"the file is {describe_size(size)}, more than the limit of "
            f"{describe_size(limits.max_bytes)}",
            f"a file of at most {describe_size(limits.max_bytes)}; split the data over several "
            "files",
        )
    if suffix == ".csv":
        raw = _open_csv(file, source, chunk_rows)
        header = _header_list(raw.header)
        if check_header is not None:
            try:
                check_header(header)
            except BaseException:
                raw.close()
                raise
    else:
        raw = _open_xlsx(file, sheet, limits, source, chunk_rows, check_header)
        header = _header_list(raw.header)
    if not header and check_header is None:
        raise _no_data(source)

    def rows() -> Iterator[pd.DataFrame]:
        try:
            yield from _counted(raw.chunks, limits, source)
        finally:
            raw.close()

    return header, rows()


def _counted(
    chunks: Iterator[pd.DataFrame], limits: ReadLimits, source: str
) -> Iterator[pd.DataFrame]:
    """Non-blank rows of ``chunks``, stopping at the first row over ``limits.max_rows``."""
    count = 0
    for chunk in chunks:
        chunk = _drop_blank(chunk)
        if chunk.empty:
            continue
        count += len(chunk)
        if count > limits.max_rows:
            over = chunk.index[len(chunk) - (count - limits.max_rows)]
            raise limit_error(
                source,
                f"the file has more than {limits.max_rows:,} data rows (row {over} is one "
                "too many)",
                f"at most {limits.max_rows:,} rows of data; split the data over several files",
                row=int(over),
            )
        yield chunk


def _with_header(frame: pd.DataFrame, header: list[str | None]) -> pd.DataFrame:
    width = max(frame.shape[1], len(header))
    names = header + [None] * (width - len(header))
    if frame.shape[1] < width:
        for position in range(frame.shape[1], width):
            frame[position] = pd.Series(pd.NA, index=frame.index, dtype=TEXT)
    return frame.set_axis(names[: frame.shape[1]], axis=1)


def read_table(
    path: str | Path,
    sheet: str | None = None,
    *,
    limits: ReadLimits | None = None,
    source: str | None = None,
) -> pd.DataFrame:
    """The table in a CSV or XLSX file as text: columns are the header cells of row 1 (kept as
    written, duplicates included), the index is the spreadsheet row number of each data row
    (row 2 first), and rows with every cell blank are left out. ``sheet`` (XLSX only) defaults
    to the first sheet. ``source`` names the file in messages (default: the path). Raises
    :class:`~carbonctl.errors.InputErrors` for an unreadable file or one over ``limits``.
    """
    limits = limits or ReadLimits()
    source = str(path) if source is None else source
    header, chunks = _open(path, sheet, limits, source, CHUNK_ROWS, None)
    frames = [_with_header(chunk, header) for chunk in chunks]
    if not frames:
        empty = pd.DataFrame({i: pd.Series(dtype=TEXT) for i in range(len(header))})
        return empty.set_axis(header, axis=1).set_axis(pd.Index([], dtype=np.int64, name="row"))
    return pd.concat(frames) if len(frames) > 1 else frames[0]


def _iter_validated(
    path: str | Path,
    sheet: str | None,
    limits: ReadLimits | None,
    chunk_rows: int,
    source: str | None,
    fields: Sequence[Field],
    validate: Callable[[pd.DataFrame, str, Problems], pd.DataFrame | None],
) -> Iterator[pd.DataFrame]:
    if chunk_rows < 1:
        raise ValueError("chunk_rows must be at least 1")
    limits = limits or ReadLimits()
    source = str(path) if source is None else source

    def check(cells: list[object]) -> None:
        check_headers(_header_list(cells), fields, source)

    header, chunks = _open(path, sheet, limits, source, chunk_rows, check)
    check(header)  # calamine's own reading of the header row decides the columns
    problems = Problems(source, [f.name for f in fields])
    rows = 0
    full_at: int | None = None  # the last row read when max_errors was reached
    for chunk in chunks:
        if full_at is not None:  # more rows follow the errors: say they were not checked
            problems.raise_if_any(limits.max_errors, stopped_at=full_at)
        rows += len(chunk)
        table = validate(_with_header(chunk, header), source, problems)
        if problems.count() >= limits.max_errors:
            full_at = int(chunk.index[-1])
        if table is not None and not problems.count():
            yield table
    if rows == 0:
        raise no_data_rows(source)
    problems.raise_if_any(limits.max_errors)


def iter_activities(
    path: str | Path,
    sheet: str | None = None,
    *,
    limits: ReadLimits | None = None,
    chunk_rows: int = CHUNK_ROWS,
    source: str | None = None,
) -> Iterator[pd.DataFrame]:
    """Read an activity file (CSV or XLSX) in validated chunks of the canonical activity table.

    Each chunk has the columns and dtypes of :func:`read_activities` (``row_id`` = spreadsheet
    row) and holds up to ``chunk_rows`` rows. The file's size is checked before it is opened,
    an XLSX's unpacked size and extent before its sheet is read, the header before any data row
    and the row count as rows come; then each chunk is validated.

    Row errors of all chunks are collected (up to ``limits.max_errors``) and raised together
    as one :class:`~carbonctl.errors.InputErrors` when the file ends, so **a caller that stores
    chunks must not publish them before the iterator is exhausted without an error**: stage
    them and publish at the end (or discard them on an error). No chunk is yielded after the
    first row error. Every check is per row; none compares rows with each other, so chunking
    does not change what is accepted. ``source`` names the file in every message (an upload
    is stored under a temporary name that users must not see); by default the path.
    """
    return _iter_validated(
        path,
        sheet,
        limits,
        chunk_rows,
        source,
        ACTIVITY_FIELDS,
        activity_chunk,
    )


def iter_inventory(
    path: str | Path,
    sheet: str | None = None,
    *,
    limits: ReadLimits | None = None,
    chunk_rows: int = CHUNK_ROWS,
    source: str | None = None,
) -> Iterator[pd.DataFrame]:
    """Read a sector × fuel inventory file in validated chunks, as :func:`iter_activities`."""
    return _iter_validated(
        path,
        sheet,
        limits,
        chunk_rows,
        source,
        INVENTORY_FIELDS,
        inventory_chunk,
    )


def _concat(chunks: Iterator[pd.DataFrame], source: str) -> pd.DataFrame:
    frames = list(chunks)
    table = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    table.attrs["source_file"] = source
    return table


def read_activities(
    path: str | Path,
    sheet: str | None = None,
    *,
    limits: ReadLimits | None = None,
    source: str | None = None,
) -> pd.DataFrame:
    """Read and validate an activity file (CSV or XLSX) into the canonical activity table.

    See :func:`carbonctl.io.validate_activities` for headers, columns and dtypes; ``row_id`` is
    the spreadsheet row (header = row 1) and ``attrs["source_file"]`` is ``source`` (by default
    the path as given). Raises :class:`~carbonctl.errors.InputErrors` naming file, row, column
    and what was expected. The whole table is in memory: use :func:`iter_activities` for big
    files.
    """
    source = str(path) if source is None else source
    return _concat(iter_activities(path, sheet, limits=limits, source=source), source)


def read_inventory(
    path: str | Path,
    sheet: str | None = None,
    *,
    limits: ReadLimits | None = None,
    source: str | None = None,
) -> pd.DataFrame:
    """Read and validate a sector × fuel inventory file (CSV or XLSX) in the CEADs layout.

    See :func:`carbonctl.io.validate_inventory` for the columns.
    """
    source = str(path) if source is None else source
    return _concat(iter_inventory(path, sheet, limits=limits, source=source), source)
