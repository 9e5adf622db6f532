"""Writing tables (导出 CSV/Excel/Parquet): CSV in UTF-8 with a BOM so Excel shows Chinese, XLSX, or
Parquet for machines; written to a temporary file beside the target and renamed, so no
half-written file remains.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pandas as pd
from openpyxl.utils.exceptions import IllegalCharacterError

from carbonctl.errors import InputError

__all__ = ["write_table"]

WRITABLE_SUFFIXES = (".csv", ".xlsx", ".parquet")


def _write(frame: pd.DataFrame, target: Path, suffix: str) -> None:
    if suffix == ".csv":
        frame.to_csv(target, index=False, encoding="utf-8-sig")
    elif suffix == ".parquet":
        frame.to_parquet(target, index=False)
    else:
        frame.to_excel(target, index=False, engine="openpyxl")


def write_table(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` (without its index) to ``path``: ``.csv`` (UTF-8 with BOM), ``.xlsx`` or
    ``.parquet``.

    The file appears complete or not at all: it is written under a temporary name in the same
    folder and renamed over ``path``. Raises :class:`~carbonctl.errors.InputError` for another
    suffix, a missing folder, or a table the format cannot hold. Returns the path written.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in WRITABLE_SUFFIXES:
        raise InputError(
            f"cannot write {suffix or 'a file without suffix'} files",
            file=str(path),
            expected="a path ending in .csv, .xlsx or .parquet",
        )
    if not target.parent.is_dir():
        raise InputError(
            "the folder does not exist", file=str(path), expected="a path in an existing folder"
        )
    # A name of our own rather than mkstemp, whose 0600 mode would survive the rename.
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        _write(frame, temporary, suffix)
        os.replace(temporary, target)
    except (OSError, ValueError, IllegalCharacterError) as exc:
        raise InputError(
            f"could not write the table: {exc}",
            file=str(path),
            expected=f"a table that {suffix} can hold",
        ) from exc
    finally:
        temporary.unlink(missing_ok=True)
    return target
