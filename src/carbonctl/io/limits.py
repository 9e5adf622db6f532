"""Limits on what one input file may hold (上传文件限制): its size, its rows, how far an XLSX may
expand, and how many row errors are listed, each checked as early as the reader can check it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from carbonctl.errors import InputError, InputErrors

__all__ = ["ReadLimits", "describe_size", "limit_error", "scrub_path"]


@dataclass(frozen=True)
class ReadLimits:
    """What an activity or inventory file may hold; the readers refuse more with an
    :class:`~carbonctl.errors.InputErrors` naming the file, the limit and the value found.

    ``max_bytes``: size of the file itself, checked before it is opened.
    ``max_rows``: data rows (blank rows not counted), counted while reading; reading stops at
    the first row over the limit.
    ``max_xlsx_uncompressed``: sum of the uncompressed sizes of an XLSX's XML parts (sheets,
    shared strings, styles …), checked in the zip directory before any sheet is read and again
    on the real data (a zip may declare false sizes).
    ``max_xlsx_cells``: rows x columns of the sheet's used range; the XLSX reader holds this
    rectangle in memory (about 32 bytes a cell), so a file with one cell in A1 and one in
    XFD1048576 is refused instead of asking for hundreds of gigabytes.
    ``max_errors``: row errors collected before reading stops; a final error says so.
    """

    max_bytes: int = 200 * 2**20
    max_rows: int = 2_000_000
    max_xlsx_uncompressed: int = 2**30
    max_xlsx_cells: int = 2**25
    max_errors: int = 1000

    def __post_init__(self) -> None:
        for name in ("max_bytes", "max_rows", "max_xlsx_uncompressed", "max_xlsx_cells"):
            if getattr(self, name) < 1:
                raise ValueError(f"ReadLimits.{name} must be at least 1")
        if self.max_errors < 1:
            raise ValueError("ReadLimits.max_errors must be at least 1")


def describe_size(size: int) -> str:
    """Bytes as a person reads them: 1.2 MB, 310 MB, 1 GiB limits shown in MiB/GiB."""
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if size >= scale:
            value = size / scale
            return (
                f"{value:.0f} {unit}"
                if value >= 100 or value.is_integer()
                else f"{value:.1f} {unit}"
            )
    return f"{size} bytes"


def limit_error(source: str, message: str, expected: str, row: int | None = None) -> InputErrors:
    """One located error for a limit that was exceeded."""
    return InputErrors([InputError(message, file=source, row=row, expected=expected)])


def scrub_path(text: str, path: Path, source: str) -> str:
    """``text`` (a library's message) with the server path of the file replaced by ``source``:
    uploads are stored under temporary names that users must never see."""
    for form in (str(path.resolve()), str(path), str(path.parent.resolve()), str(path.parent)):
        if form and form not in (".", "/"):
            text = text.replace(form, source if form.endswith(path.name) else "")
    return text
