"""Downloads of what a page shows: any table as Excel (openpyxl) and a page as PDF (WeasyPrint),
both written in memory."""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from io import BytesIO

from django.http import FileResponse, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from openpyxl import Workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(
    filename: str, title: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> HttpResponse:
    """An .xlsx download with one sheet: a header row and the rows."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = BytesIO()
    book.save(buffer)
    return _attachment(buffer.getvalue(), XLSX, filename)


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
    memory does not grow with the rows."""
    import tempfile

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    spool = tempfile.TemporaryFile()  # noqa: SIM115  (FileResponse closes it when sent)
    book.save(spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX)
