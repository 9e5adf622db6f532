"""Reading XLSX workbooks safely and fast (读取 Excel 工作簿).

A workbook is a zip of XML parts, and both the zip and the XML can be made to explode. Before
python-calamine (a fast Rust reader) sees the file:

1. the zip directory's declared sizes of the XML parts are summed against the limit;
2. every part calamine will read is inflated here, counting the bytes it really holds (a zip may
   declare false sizes), stopping as soon as the limit is passed;
3. the chosen sheet is streamed once: its first row (the header) is parsed on the way, so a
   wrong header fails before anything else is read, and the cell references are scanned for the
   sheet's extent, since calamine holds the used range as a dense rectangle (one cell in A1 and
   one in XFD1048576 would ask for hundreds of gigabytes and abort the process).

Only then does calamine read the sheet; rows are handed out in chunks of Python lists.
"""

from __future__ import annotations

import datetime as dt
import itertools
import posixpath
import re
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from xml.parsers import expat

import python_calamine

from carbonctl.errors import InputError, InputErrors
from carbonctl.io.limits import ReadLimits, describe_size, limit_error, scrub_path

__all__ = ["XlsxSheet", "cell_text", "count_rows", "open_xlsx", "sheet_key"]

_OUT = 1 << 20  # inflate output per step
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_ROOT = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?worksheet[\s>/]")
_CELL_SEPARATORS = (b" ", b"\t", b"\n", b"\r", b">", b"/")
_OTHER_PREFIXED_CELL = re.compile(rb"<[A-Za-z_][\w.-]*:c[\s/>]")
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
#: The workbook's own small parts may hold at most this much when rows are only counted.
_COUNT_PARTS_LIMIT = 10 * 2**20


def cell_text(value: object) -> object:
    """A cell value as the text a person sees (None and "" stay blank)."""
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


def sheet_key(name: str) -> str:
    """Sheet names match whatever their width, case or surrounding spaces."""
    return unicodedata.normalize("NFKC", name).strip().casefold()


def _cannot_open(source: str, why: str) -> InputErrors:
    return InputErrors(
        [
            InputError(
                f"cannot open the workbook: {why}",
                file=source,
                expected="an .xlsx file saved by Excel or WPS",
            )
        ]
    )


def _too_big(source: str, limit: int, found: str) -> InputErrors:
    return limit_error(
        source,
        f"the workbook unpacks to {found} of sheet data, more than the limit of "
        f"{describe_size(limit)}",
        f"a workbook whose sheets hold at most {describe_size(limit)} unpacked; "
        "split the data over several files",
    )


class _Budget:
    """Bytes of XML the workbook may still unpack to."""

    def __init__(self, limit: int, source: str) -> None:
        self.limit = limit
        self.used = 0
        self.source = source

    def take(self, size: int) -> None:
        self.used += size
        if self.used > self.limit:
            raise _too_big(self.source, self.limit, f"more than {describe_size(self.limit)}")


def _inflate(handle: BinaryIO, info: zipfile.ZipInfo, budget: _Budget) -> Iterator[bytes]:
    """The bytes a zip member really holds, whatever its header declares, charged to
    ``budget`` as they come (so a lying member is stopped at the limit, not after it).

    The position in ``handle`` is kept here, so two members may be streamed in turn.
    """
    source = budget.source
    if info.flag_bits & 0x1:
        raise _cannot_open(source, f"part {info.filename} is encrypted")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise _cannot_open(source, f"part {info.filename} uses an unsupported compression")
    handle.seek(info.header_offset)
    local = handle.read(30)
    if len(local) != 30 or local[:4] != b"PK\x03\x04":
        raise _cannot_open(source, f"part {info.filename} is damaged")
    name_length, extra_length = struct.unpack("<HH", local[26:30])
    position = info.header_offset + 30 + name_length + extra_length
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    remaining = info.compress_size
    real = 0

    def charge(data: bytes) -> bytes:
        nonlocal real
        budget.take(len(data))
        real += len(data)
        return data

    try:
        while remaining > 0:
            handle.seek(position)
            block = handle.read(min(remaining, _OUT))
            if not block:
                raise _cannot_open(source, f"part {info.filename} is cut short")
            position += len(block)
            remaining -= len(block)
            if inflater is None:
                yield charge(block)
                continue
            data = inflater.decompress(block, _OUT)
            while data or inflater.unconsumed_tail:
                if data:
                    yield charge(data)
                data = inflater.decompress(inflater.unconsumed_tail, _OUT)
        if inflater is not None:
            tail = inflater.flush()
            if tail:
                yield charge(tail)
    except zlib.error:
        raise _cannot_open(source, f"part {info.filename} is damaged") from None
    if real != info.file_size:
        raise _cannot_open(
            source,
            f"part {info.filename} declares {info.file_size:,} bytes but holds {real:,}",
        )


def _read_part(handle: BinaryIO, info: zipfile.ZipInfo, budget: _Budget) -> bytes:
    return b"".join(_inflate(handle, info, budget))


def _drain(handle: BinaryIO, info: zipfile.ZipInfo, budget: _Budget) -> None:
    for _ in _inflate(handle, info, budget):
        pass


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def _parse_xml(data: bytes, source: str, part: str, start: Callable[[str, dict], None]) -> None:
    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = start
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise _cannot_open(source, f"part {part} is not valid XML ({exc})") from None


def _sheet_parts(
    handle: BinaryIO, members: dict[str, zipfile.ZipInfo], budget: _Budget
) -> list[tuple[str, str]]:
    """(sheet name, zip member) of every sheet, in workbook order."""
    source = budget.source
    workbook = members.get("xl/workbook.xml")
    relations = members.get("xl/_rels/workbook.xml.rels")
    if workbook is None or relations is None:
        raise _cannot_open(source, "it has no workbook part (is it an .xlsx file?)")
    sheets: list[tuple[str, str]] = []
    targets: dict[str, str] = {}

    def on_sheet(name: str, attrs: dict) -> None:
        if _local(name) == "sheet":
            sheets.append((attrs.get("name", ""), attrs.get(f"{_REL_NS}}}id", "")))

    doubled: list[str] = []

    def on_relation(name: str, attrs: dict) -> None:
        if _local(name) == "Relationship":
            if attrs.get("Id", "") in targets:
                doubled.append(attrs.get("Id", ""))
            targets[attrs.get("Id", "")] = attrs.get("Target", "")

    _parse_xml(_read_part(handle, workbook, budget), source, workbook.filename, on_sheet)
    _parse_xml(_read_part(handle, relations, budget), source, relations.filename, on_relation)
    # Excel allows neither; the part checked here must be the part calamine reads.
    keys = [sheet_key(name) for name, _ in sheets]
    if doubled or len(set(keys)) != len(keys):
        raise _cannot_open(source, "it names two sheets or two relations alike")
    found = []
    for name, relation in sheets:
        target = targets.get(relation, "")
        member = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        found.append((name, posixpath.normpath(member)))
    return found


def _choose(names: list[str], sheet: str | None, source: str) -> str:
    if not names:
        raise _cannot_open(source, "it has no sheets")
    if sheet is None:
        return names[0]
    matches = [n for n in names if n == sheet] or [
        n for n in names if sheet_key(n) == sheet_key(sheet)
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
    return matches[0]


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + (ord(letter) - 64)
    return number


_REF = re.compile(r"([A-Za-z]+)([0-9]+)")


class _Stop(Exception):
    pass


class _FirstRow:
    """Collects the first ``<row>`` of a sheet while its XML streams past."""

    def __init__(self) -> None:
        self.row_number: int | None = None
        self.cells: list[tuple[int, str, str]] = []  # (column, type, text)
        self.done = False
        self._cell: tuple[int, str] | None = None
        self._text: list[str] | None = None
        self._phonetic = 0
        self._next_column = 1

    def start(self, name: str, attrs: dict) -> None:
        local = _local(name)
        if local == "row" and self.row_number is None:
            reference = attrs.get("r", "1")
            self.row_number = int(reference) if reference.isdigit() else 1
        elif local == "c" and self.row_number is not None:
            match = _REF.fullmatch(attrs.get("r", ""))
            column = _column_number(match[1]) if match else self._next_column
            self._next_column = column + 1
            self._cell = (column, attrs.get("t", "n"))
            self._text = []
        elif local == "rPh":
            self._phonetic += 1

    def end(self, name: str) -> None:
        local = _local(name)
        if local == "c" and self._cell is not None and self._text is not None:
            self.cells.append((*self._cell, "".join(self._text)))
            self._cell = self._text = None
        elif local == "rPh":
            self._phonetic -= 1
        elif local == "row" and self.row_number is not None:
            self.done = True
            raise _Stop

    def text(self, data: str) -> None:
        if self._text is not None and not self._phonetic:
            self._text.append(data)


def _shared_strings(
    handle: BinaryIO, info: zipfile.ZipInfo | None, wanted: int, budget: _Budget
) -> list[str]:
    """The first ``wanted`` shared strings (Excel stores them in order of first use, so a
    header's strings come first); the part is streamed and left as soon as they are read."""
    strings: list[str] = []
    if info is None or wanted <= 0:
        return strings
    state = {"parts": None, "phonetic": 0}

    def start(name: str, attrs: dict) -> None:
        local = _local(name)
        if local == "si":
            state["parts"] = []
        elif local == "rPh":
            state["phonetic"] += 1

    def end(name: str) -> None:
        local = _local(name)
        if local == "si" and state["parts"] is not None:
            strings.append("".join(state["parts"]))
            state["parts"] = None
            if len(strings) >= wanted:
                raise _Stop
        elif local == "rPh":
            state["phonetic"] -= 1

    def text(data: str) -> None:
        if state["parts"] is not None and not state["phonetic"]:
            state["parts"].append(data)

    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.buffer_text = True
    try:
        for block in _inflate(handle, info, _Budget(budget.limit, budget.source)):
            parser.Parse(block, False)
        parser.Parse(b"", True)
    except _Stop:
        pass
    except expat.ExpatError as exc:
        raise _cannot_open(
            budget.source, f"part {info.filename} is not valid XML ({exc})"
        ) from None
    return strings


def _header_cells(first: _FirstRow, shared: list[str]) -> list[object]:
    if first.row_number != 1:
        return []
    width = max((column for column, _, _ in first.cells), default=0)
    cells: list[object] = [None] * width
    for column, kind, text in first.cells:
        if kind == "s":
            index = int(text) if text.strip().isdigit() else -1
            value: object = shared[index] if 0 <= index < len(shared) else None
        elif kind == "b":
            value = str(text.strip() == "1")
        elif kind in ("n", ""):
            try:
                value = cell_text(float(text)) if text.strip() else None
            except ValueError:
                value = text
        else:  # inlineStr, str (formula text), e (error), d (ISO date)
            value = text
        cells[column - 1] = value
    return cells


@dataclass
class _Extent:
    """Bounds on the used range: exact for references the scan matched, else the thresholds."""

    unmatched: int = 0
    max_row: int = 0
    max_column: int = 0


class _SheetScan:
    """One streamed pass over the chosen sheet's XML."""

    def __init__(self, limits: ReadLimits, source: str) -> None:
        self.limits = limits
        self.source = source
        self.prefix: bytes | None = None
        # References with one letter and at most ``digits`` digits are only counted: they lie
        # in a rectangle of (10**digits - 1) x 26 cells, which fits the budget by construction.
        self.digits = max(0, len(str(max(1, limits.max_xlsx_cells // 26))) - 1)
        self.extent = _Extent()
        self._pattern: re.Pattern[bytes] | None = None
        self._carry = b""

    def _refuse(self, why: str) -> InputErrors:
        return InputErrors(
            [
                InputError(
                    f"cannot read the sheet: {why}",
                    file=self.source,
                    expected="a workbook saved by Excel, WPS or LibreOffice; open and save it "
                    "again",
                )
            ]
        )

    def feed(self, block: bytes) -> None:
        data = self._carry + block
        # Cut after the last '>': none of the patterns below contains one, so none is split.
        cut = data.rfind(b">") + 1
        self._carry = data[cut:]
        if len(self._carry) > _OUT:
            raise self._refuse("a tag longer than 1 MiB")
        self._scan(data[:cut])

    def finish(self) -> None:
        self._scan(self._carry)
        self._carry = b""

    def _scan(self, data: bytes) -> None:
        if not data:
            return
        if self.prefix is None:
            root = _ROOT.search(data)
            if root is None:
                if len(data) > _OUT:
                    raise self._refuse("it is not a worksheet")
                self._carry = data + self._carry
                return
            self.prefix = (root[1] + b":") if root[1] else b""
            opening = re.escape(b"<" + self.prefix + b"c")
            self._pattern = re.compile(
                opening
                + rb' r="([A-Za-z]{2,}[0-9]+|[A-Za-z]+[0-9]{'
                + str(self.digits + 1).encode()
                + rb',})"'
            )
        opening = b"<" + self.prefix + b"c"
        cells = sum(data.count(opening + separator) for separator in _CELL_SEPARATORS)
        positioned = data.count(opening + b' r="')
        if cells != positioned:
            raise self._refuse('some cells have no position (no r="A1" reference first)')
        # Cells under another prefix (<y:c …>) would escape the counts above.
        colon = sum(data.count(b":c" + separator) for separator in _CELL_SEPARATORS)
        if colon > (cells if self.prefix else 0) and any(
            m[0][1:-1] != opening[1:] for m in _OTHER_PREFIXED_CELL.finditer(data)
        ):
            raise self._refuse("cells under an unexpected XML prefix")
        assert self._pattern is not None
        matched = 0
        for match in self._pattern.finditer(data):
            matched += 1
            reference = _REF.fullmatch(match[1].decode("ascii"))
            assert reference is not None
            self.extent.max_row = max(self.extent.max_row, int(reference[2]))
            self.extent.max_column = max(self.extent.max_column, _column_number(reference[1]))
        self.extent.unmatched += positioned - matched

    def check_extent(self) -> None:
        rows, columns = self.extent.max_row, self.extent.max_column
        if self.extent.unmatched:
            rows, columns = max(rows, 10**self.digits - 1), max(columns, 26)
        if rows * columns > self.limits.max_xlsx_cells:
            raise limit_error(
                self.source,
                f"the sheet's cells reach row {self.extent.max_row:,} and column "
                f"{self.extent.max_column:,}, a range of about {rows * columns:,} cells, more "
                f"than the limit of {self.limits.max_xlsx_cells:,}",
                "data in the first columns of at most "
                f"{self.limits.max_xlsx_cells // max(columns, 1):,} rows; delete stray cells "
                "far to the right or below the table",
            )


@dataclass
class XlsxSheet:
    """An XLSX sheet that passed every check: its header row as text and its rows, read by
    calamine, as lists of cell values (row 1 first, blank rows included)."""

    header: list[object]
    rows: Iterator[list[object]]
    close: Callable[[], None]


def open_xlsx(
    path: Path,
    sheet: str | None,
    limits: ReadLimits,
    source: str,
    check_header: Callable[[list[object]], None] | None = None,
) -> XlsxSheet:
    """Check the workbook at ``path`` (see the module doc), call ``check_header`` with the
    header row as soon as it is read, and return the sheet's rows."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise _cannot_open(source, scrub_path(str(exc), path, source)) from None
    with archive, open(path, "rb") as handle:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        xml = [i for i in infos if i.filename.lower().endswith((".xml", ".rels"))]
        declared = sum(i.file_size for i in xml)
        if declared > limits.max_xlsx_uncompressed:
            raise _too_big(source, limits.max_xlsx_uncompressed, describe_size(declared))
        members = {i.filename: i for i in infos}
        budget = _Budget(limits.max_xlsx_uncompressed, source)
        parts = _sheet_parts(handle, members, budget)
        name = _choose([n for n, _ in parts], sheet, source)
        member = members.get(dict(parts)[name])
        if member is None:
            raise _cannot_open(source, f"the part of sheet {name!r} is missing")
        # Everything calamine reads besides the sheet: shared strings, styles, workbook parts.
        for info in xml:
            if not info.filename.startswith("xl/worksheets/") and info.filename not in (
                "xl/workbook.xml",
                "xl/_rels/workbook.xml.rels",
            ):
                _drain(handle, info, budget)
        _scan_sheet(handle, members, member, budget, limits, source, check_header)
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        data = book.get_sheet_by_name(name)
    except python_calamine.CalamineError as exc:
        raise _cannot_open(source, scrub_path(str(exc), path, source)) from None
    header, rows = _calamine_rows(data)
    return XlsxSheet(header, rows, book.close)


def _scan_sheet(
    handle: BinaryIO,
    members: dict[str, zipfile.ZipInfo],
    member: zipfile.ZipInfo,
    budget: _Budget,
    limits: ReadLimits,
    source: str,
    check_header: Callable[[list[object]], None] | None,
) -> None:
    first = _FirstRow()
    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = first.start
    parser.EndElementHandler = first.end
    parser.CharacterDataHandler = first.text
    parser.buffer_text = True
    scan = _SheetScan(limits, source)
    header_pending = True

    def header_done() -> None:
        if check_header is None:
            return
        wanted = [int(t) + 1 for _, kind, t in first.cells if kind == "s" and t.strip().isdigit()]
        shared = _shared_strings(
            handle, members.get("xl/sharedStrings.xml"), max(wanted, default=0), budget
        )
        check_header(_header_cells(first, shared))

    for block in _inflate(handle, member, budget):
        if header_pending:
            try:
                parser.Parse(block, False)
            except _Stop:
                header_pending = False
                header_done()
            except expat.ExpatError as exc:
                raise _cannot_open(source, f"the sheet is not valid XML ({exc})") from None
        scan.feed(block)
    scan.finish()
    if header_pending:  # a sheet without rows, or without a closed first row
        header_done()
    scan.check_extent()


def count_rows(path: Path, sheet: str | None, stop_after: int, max_read: int) -> int | None:
    """Rows of a CSV file or of an XLSX sheet counted without parsing them: line breaks, or the
    sheet's ``<row>`` elements. Header and blank rows are included, so the count is never less
    than the data rows + 1. Counting stops once more than ``stop_after`` rows were seen or
    ``max_read`` bytes were read (or inflated). None when the file cannot be looked into or
    has no such sheet: the reader says what is wrong with it."""
    if path.suffix.lower() == ".csv":
        count, read, last = 0, 0, b"\n"
        with path.open("rb") as handle:
            while block := handle.read(_OUT):
                count += block.count(b"\n")
                read += len(block)
                last = block[-1:]
                if count > stop_after or read >= max_read:
                    return count
        return count + (last != b"\n")  # a last line without a line break
    try:
        with zipfile.ZipFile(path) as archive, open(path, "rb") as handle:
            members = {i.filename: i for i in archive.infolist() if not i.is_dir()}
            parts = _sheet_parts(handle, members, _Budget(_COUNT_PARTS_LIMIT, str(path)))
            member = dict(parts).get(_choose([n for n, _ in parts], sheet, str(path)))
            if member not in members:
                return None
            count, read, tail = 0, 0, b""
            with archive.open(member) as stream:
                while block := stream.read(_OUT):
                    text = tail + block
                    cut = max(len(text) - 8, 0)  # a tag split between blocks is counted once
                    count += len(_ROW_TAG.findall(text, 0, cut))
                    tail = text[cut:]
                    read += len(block)
                    if count > stop_after or read >= max_read:
                        return count
                return count + len(_ROW_TAG.findall(tail))
    except (InputErrors, zipfile.BadZipFile, OSError, RuntimeError, zlib.error):
        return None


def _calamine_rows(data: python_calamine.CalamineSheet) -> tuple[list[object], Iterator[list]]:
    start = data.start
    if start is None:
        return [], iter(())
    # calamine starts the rows at row 1 but the columns at the first used one.
    pad = [""] * start[1]
    rows = data.iter_rows()
    if pad:
        rows = (pad + row for row in rows)
    first = next(rows, None)
    header = [] if first is None else [cell_text(v) or None for v in first]
    return header, rows


def chunks(rows: Iterator[list], size: int) -> Iterator[list[list]]:
    """Lists of up to ``size`` rows."""
    while True:
        block = list(itertools.islice(rows, size))
        if not block:
            return
        yield block
