"""Downloads of what a page shows: any table as Excel (openpyxl) and a page as PDF (WeasyPrint),
both written in memory.

Every text cell of an export passes :func:`safe_cell` (公式注入防护, OWASP "CSV injection"; it
lives in the core, :mod:`carbonctl.io.cells`, and is re-exported here): text
a user typed, such as a subject ``=HYPERLINK("http://…","点击")``, reaches the spreadsheet as
text, never as a formula Excel or WPS would run. Use it for any new export (Excel or CSV).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from io import BytesIO

from django.http import FileResponse, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from carbonctl.io.cells import FORMULA_STARTS, safe_cell, safe_row

__all__ = [
    "FORMULA_STARTS",
    "pdf_response",
    "safe_cell",
    "safe_row",
    "xlsx_response",
    "xlsx_stream_response",
]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(
    filename: str, title: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> HttpResponse:
    """An .xlsx download with one sheet: a header row and the rows, every cell through
    :func:`safe_cell`."""
    buffer = BytesIO()
    _workbook(title, header, rows).save(buffer)
    return _attachment(buffer.getvalue(), XLSX, filename)


def _workbook(title: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> Workbook:
    """A write-only workbook of one sheet: the header and the rows, every cell made safe."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_sheet_title(title))
    sheet.append(safe_row(header))
    for row in rows:
        sheet.append(safe_row(row))
    return book


def _sheet_title(title: str) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of ``[]:*?/\\``."""
    cleaned = "".join("_" if c in "[]:*?/\\" else c for c in ILLEGAL_CHARACTERS_RE.sub("", title))
    return cleaned[:31] or "sheet"


def pdf_response(
    request: HttpRequest, filename: str, template: str, context: Mapping[str, object]
) -> HttpResponse:
    """A .pdf download of ``template`` rendered with ``context`` (the ``[pdf]`` extra)."""
    with warnings.catch_warnings():
        # WeasyPrint warns on import when the system lacks HarfBuzz-Subset (fonts are then
        # embedded whole); the PDF is still right, and the fix is a system package, not code.
        warnings.simplefilter("ignore", DeprecationWarning)
        from weasyprint import HTML

    html = render_to_string(template, dict(context), request=request)
    return _attachment(HTML(string=html).write_pdf(), PDF, filename)


def xlsx_stream_response(
    filename: str, title: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> FileResponse:
    """Like :func:`xlsx_response` for tables of any length: the rows (an iterator) are written
    one by one by openpyxl's write-only mode into a temporary file, which is then streamed, so
    memory does not grow with the rows. Every cell through :func:`safe_cell`."""
    import tempfile

    spool = tempfile.TemporaryFile()  # noqa: SIM115  (FileResponse closes it when sent)
    _workbook(title, header, rows).save(spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX)
