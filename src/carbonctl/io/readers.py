"""Reading activity and inventory files (读取 CSV/Excel: UTF-8, UTF-8 with BOM, GBK/GB18030, XLSX):
every cell as text, rows numbered as the spreadsheet shows them, then validated."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import warnings
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
from openpyxl.utils.exceptions import InvalidFileException

from carbonctl.errors import InputError, InputErrors
from carbonctl.io.validate import validate_activities, validate_inventory

__all__ = ["CSV_ENCODINGS", "read_activities", "read_inventory", "read_table"]

#: Tried in order: utf-8-sig reads UTF-8 with or without a BOM; GB18030 is a superset of GBK.
CSV_ENCODINGS = ("utf-8-sig", "gb18030")
XLSX_SUFFIXES = (".xlsx", ".xlsm")

# pandas: "Error tokenizing data. C error: Expected 6 fields in line 3, saw 7"
_PARSER_FIELDS = re.compile(
    r"Expected (?P<expected>\d+) fields in line (?P<line>\d+), saw (?P<saw>\d+)"
)


def _no_data(source: str) -> InputErrors:
    return InputErrors(
        [
            InputError(
                "no data rows", file=source, row=2, expected="a header in row 1 and data from row 2"
            )
        ]
    )


def _read_csv(path: Path, source: str) -> pd.DataFrame:
    for encoding in CSV_ENCODINGS:
        try:
            # header=None keeps duplicate headers apart (pandas would rename them "x.1") and
            # skip_blank_lines=False keeps row numbers equal to the spreadsheet's.
            return pd.read_csv(
                path,
                header=None,
                dtype=str,
                keep_default_na=False,
                skip_blank_lines=False,
                encoding=encoding,
            )
        except UnicodeDecodeError:
            continue
        except pd.errors.EmptyDataError:
            raise _no_data(source) from None
        except pd.errors.ParserError as exc:
            found = _PARSER_FIELDS.search(str(exc))
            message = (
                f"{found['saw']} cells where row 1 has {found['expected']}"
                if found
                else f"cannot parse the CSV: {exc}"
            )
            raise InputErrors(
                [
                    InputError(
                        message,
                        file=source,
                        row=int(found["line"]) if found else None,
                        expected="no more cells in a row than in the header",
                    )
                ]
            ) from None
    raise InputErrors(
        [
            InputError(
                "the text is neither UTF-8 nor GBK/GB18030",
                file=source,
                expected="a CSV saved as UTF-8 (or as GBK/GB18030 by Chinese Excel)",
            )
        ]
    )


def _cell_text(value: object) -> object:
    """An openpyxl cell value as the text a person sees (None stays None)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        # Excel stores every number as a float: 2023.0 was typed as 2023.
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _sheet_key(name: str) -> str:
    return unicodedata.normalize("NFKC", name).strip().casefold()


def _read_xlsx(path: Path, sheet: str | None, source: str) -> pd.DataFrame:
    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it cannot read; only values matter here.
            warnings.simplefilter("ignore", UserWarning)
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise InputErrors(
            [
                InputError(
                    f"cannot open the workbook: {exc}",
                    file=source,
                    expected="an .xlsx file saved by Excel or WPS",
                )
            ]
        ) from None
    try:
        names = book.sheetnames
        if sheet is None:
            chosen = names[0]
        else:
            matches = [n for n in names if n == sheet] or [
                n for n in names if _sheet_key(n) == _sheet_key(sheet)
            ]
            if len(matches) != 1:
                listed = ", ".join(repr(n) for n in names)
                raise InputErrors(
                    [
                        InputError(
                            f"no sheet named {sheet!r}; the workbook has {listed}",
                            file=source,
                            expected=f"one of the sheets {listed}",
                        )
                    ]
                )
            chosen = matches[0]
        cells = [[_cell_text(v) for v in row] for row in book[chosen].iter_rows(values_only=True)]
    finally:
        book.close()
    width = max((len(row) for row in cells), default=0)
    return pd.DataFrame(
        [row + [None] * (width - len(row)) for row in cells], columns=range(width), dtype=object
    )


def read_table(path: str | Path, sheet: str | None = None) -> pd.DataFrame:
    """The table in a CSV or XLSX file as text: columns are the header cells of row 1 (kept as
    written, duplicates included), the index is the spreadsheet row number of each data row
    (row 2 first), and rows with every cell blank are left out. ``sheet`` (XLSX only) defaults
    to the first sheet. Raises :class:`~carbonctl.errors.InputErrors` for an unreadable file.
    """
    source = str(path)
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
    raw = _read_csv(file, source) if suffix == ".csv" else _read_xlsx(file, sheet, source)
    if raw.shape[0] == 0:
        raise _no_data(source)
    headers = [None if pd.isna(h) or str(h).strip() == "" else str(h) for h in raw.iloc[0]]
    data = raw.iloc[1:]
    blank = np.ones(len(data), dtype=bool)
    for position in range(data.shape[1]):
        column = data.iloc[:, position].astype("string")
        blank &= (column.isna() | (column.str.strip() == "")).to_numpy(dtype=bool)
    rows = np.arange(2, len(data) + 2, dtype=np.int64)
    table = data[~blank].set_axis(pd.Index(rows[~blank], name="row"), axis=0)
    return table.set_axis(headers, axis=1)


def read_activities(path: str | Path, sheet: str | None = None) -> pd.DataFrame:
    """Read and validate an activity file (CSV or XLSX) into the canonical activity table.

    See :func:`carbonctl.io.validate_activities` for headers, columns and dtypes; ``row_id`` is
    the spreadsheet row (header = row 1) and ``attrs["source_file"]`` the path as given. Raises
    :class:`~carbonctl.errors.InputErrors` naming file, row, column and what was expected.
    """
    table = read_table(path, sheet)
    return validate_activities(table, str(path), rows=table.index.to_numpy())


def read_inventory(path: str | Path, sheet: str | None = None) -> pd.DataFrame:
    """Read and validate a sector × fuel inventory file (CSV or XLSX) in the CEADs layout.

    See :func:`carbonctl.io.validate_inventory` for the columns.
    """
    table = read_table(path, sheet)
    return validate_inventory(table, str(path), rows=table.index.to_numpy())
