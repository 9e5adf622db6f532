"""Large synthetic workbooks (演示用大体量 Excel 文件) for load tests and benchmarks.

openpyxl needs about a minute for 200,000 rows; this writer streams the sheet's XML straight
into the zip in seconds, laid out as Excel lays it out: a ``r="A1"`` reference on every cell,
text in the shared-strings part. Cells that are None (or NaN) are left out.
"""

from __future__ import annotations

import math
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

__all__ = ["column_letter", "write_xlsx"]

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_KINDS = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/'
    'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
    f'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
    f'"{_KINDS}.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" '
    f'ContentType="{_KINDS}.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" '
    f'ContentType="{_KINDS}.sharedStrings+xml"/></Types>'
)
_PACKAGE_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_RELS}"><Relationship '
    f'Id="rId1" Type="{_DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_RELS}">'
    f'<Relationship Id="rId1" Type="{_DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_DOC}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)


def column_letter(index: int) -> str:
    """The spreadsheet letters of the 0-based column ``index`` (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def write_xlsx(
    path: str | Path,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    sheet: str = "活动数据",
    batch: int = 20_000,
) -> int:
    """Write ``header`` and ``rows`` as the one sheet ``sheet`` of a workbook at ``path``;
    returns the number of data rows. Rows are streamed: memory holds one batch of XML and the
    distinct texts."""
    letters = [column_letter(i) for i in range(len(header))]
    strings: dict[str, int] = {}

    def row_xml(number: int, values: Sequence[object]) -> str:
        cells = []
        for letter, value in zip(letters, values, strict=True):
            if value is None or (isinstance(value, float) and math.isnan(value)):
                continue
            if isinstance(value, str):
                index = strings.setdefault(value, len(strings))
                cells.append(f'<c r="{letter}{number}" t="s"><v>{index}</v></c>')
            else:
                cells.append(f'<c r="{letter}{number}"><v>{value}</v></c>')
        return f'<row r="{number}">{"".join(cells)}</row>'

    count = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        book.writestr("[Content_Types].xml", _TYPES)
        book.writestr("_rels/.rels", _PACKAGE_RELS)
        book.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" '
            f'xmlns:r="{_DOC}"><sheets><sheet name="{escape(sheet)}" sheetId="1" r:id="rId1"/>'
            "</sheets></workbook>",
        )
        book.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet '
                f'xmlns="{_MAIN}"><sheetData>{row_xml(1, header)}'.encode()
            )
            pending: list[str] = []
            for values in rows:
                count += 1
                pending.append(row_xml(count + 1, values))
                if len(pending) >= batch:
                    part.write("".join(pending).encode())
                    pending.clear()
            part.write(("".join(pending) + "</sheetData></worksheet>").encode())
        book.writestr(
            "xl/sharedStrings.xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="{_MAIN}" '
            f'count="{len(strings)}" uniqueCount="{len(strings)}">'
            + "".join(f"<si><t>{escape(text)}</t></si>" for text in strings)
            + "</sst>",
        )
    return count
