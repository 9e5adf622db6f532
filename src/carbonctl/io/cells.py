"""Spreadsheet cells that cannot run (公式注入防护, OWASP "CSV injection"): every text cell of an
export (Excel or CSV, from the platform or the core) passes :func:`safe_cell`, so text a user
typed, such as a project named ``=HYPERLINK("http://…","点击")``, lands as text, never as a
formula Excel or WPS would run."""

from __future__ import annotations

from collections.abc import Iterable

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

__all__ = ["FORMULA_STARTS", "safe_cell", "safe_row"]

#: First characters that make a spreadsheet read a text cell as a formula (OWASP: = + - @, and
#: tab and carriage return, which some programs skip before reading the rest).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """``value`` as a spreadsheet cell that cannot run: text beginning with a formula character
    gets a leading ``'`` (shown as text by Excel, WPS and LibreOffice), control characters a
    spreadsheet cannot hold become U+FFFD; numbers, dates and None pass unchanged, so a negative
    *number* stays a number while the text ``"-1+2"`` becomes ``"'-1+2"``."""
    if not isinstance(value, str):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def safe_row(row: Iterable[object]) -> list[object]:
    """Each cell of ``row`` through :func:`safe_cell`."""
    return [safe_cell(value) for value in row]
