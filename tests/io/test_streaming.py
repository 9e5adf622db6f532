"""Streamed, bounded reading: limits checked before the data is parsed, the header before any
data row, chunks equal to the whole file, errors of all chunks with their rows, and messages
naming the user's file rather than a server path."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from carbonctl.errors import InputErrors
from carbonctl.io import (
    ReadLimits,
    count_rows,
    iter_activities,
    read_activities,
    read_inventory,
    read_table,
)

from .conftest import HEADER

ROWS = [
    ["示例钢铁", "2023", "燃料燃烧", "烟煤", str(100 + i), "t"]
    if i % 2
    else ["示例钢铁", f"2023-{i % 12 + 1:02d}", "购入电力", "电力", str(1000 + i), "万千瓦时"]
    for i in range(10)
]
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _workbook(path: Path, sheet_xml: str, strings: list[str] = (), declare: dict | None = None):
    """A hand-built XLSX; ``declare`` maps a part to the uncompressed size its zip entry
    claims (to build a zip that lies)."""
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.'
        'openxmlformats.org/package/2006/content-types"/>',
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http:'
        '//schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0"?><workbook xmlns="{_MAIN}" xmlns:r="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name='
        '"数据" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://'
        'schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type='
        '"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target='
        '"sharedStrings.xml"/></Relationships>',
        "xl/sharedStrings.xml": f'<?xml version="1.0"?><sst xmlns="{_MAIN}">'
        + "".join(f"<si><t>{s}</t></si>" for s in strings)
        + "</sst>",
        "xl/worksheets/sheet1.xml": f'<?xml version="1.0"?><worksheet xmlns="{_MAIN}">'
        f"<sheetData>{sheet_xml}</sheetData></worksheet>",
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    if declare:
        _lie_about_sizes(path, declare)
    return path


def _lie_about_sizes(path: Path, declare: dict[str, int]) -> None:
    """Rewrite the uncompressed sizes in the local headers and central directory."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        infos = {i.filename: i for i in archive.infolist()}
    for name, size in declare.items():
        info = infos[name]
        data[info.header_offset + 22 : info.header_offset + 26] = size.to_bytes(4, "little")
        central = data.find(b"PK\x01\x02")
        while central != -1:
            name_length = int.from_bytes(data[central + 28 : central + 30], "little")
            if data[central + 46 : central + 46 + name_length].decode() == name:
                data[central + 24 : central + 28] = size.to_bytes(4, "little")
            central = data.find(b"PK\x01\x02", central + 4)
    path.write_bytes(bytes(data))


def _cells(row: int, values: list[str], strings: list[str]) -> str:
    cells = []
    for column, value in zip("ABCDEFGH", values, strict=False):
        strings.append(value)
        cells.append(f'<c r="{column}{row}" t="s"><v>{len(strings) - 1}</v></c>')
    return f'<row r="{row}">{"".join(cells)}</row>'


# --- limits ------------------------------------------------------------------------------------


def test_a_file_over_max_bytes_is_refused_before_it_is_read(write_csv, errors_of):
    path = write_csv(ROWS)
    size = path.stat().st_size
    errors = errors_of(lambda: read_activities(path, limits=ReadLimits(max_bytes=size - 1)))
    (error,) = errors.errors
    assert "more than the limit" in error.detail and error.file == str(path)
    assert f"{size} bytes" in error.detail


def test_max_rows_stops_at_the_first_row_over_it(write_csv, errors_of):
    path = write_csv([*ROWS[:3], [""] * 6, *ROWS[3:]])  # a blank row 5 does not count
    table = read_activities(path, limits=ReadLimits(max_rows=10))
    assert len(table) == 10
    errors = errors_of(lambda: read_activities(path, limits=ReadLimits(max_rows=4)))
    (error,) = errors.errors
    assert "more than 4 data rows" in error.detail
    assert error.row == 7  # rows 2-4 and 6 are data, row 5 is blank: row 7 is the fifth


def test_max_rows_in_an_xlsx(write_xlsx, errors_of):
    path = write_xlsx({"数据": [HEADER, *ROWS]})
    errors = errors_of(lambda: read_activities(path, limits=ReadLimits(max_rows=3)))
    assert errors.errors[0].row == 5 and "more than 3 data rows" in errors.errors[0].detail


def test_xlsx_declared_uncompressed_size_is_checked_before_any_sheet(tmp_path, errors_of):
    strings: list[str] = []
    sheet = _cells(1, HEADER, strings) + _cells(2, ROWS[1], strings)
    # 20 kB of sheet data that compresses to almost nothing
    path = _workbook(tmp_path / "big.xlsx", sheet + "<row r='3'/>" * 2000, strings)
    with zipfile.ZipFile(path) as archive:
        declared = sum(i.file_size for i in archive.infolist())
    errors = errors_of(
        lambda: read_activities(path, limits=ReadLimits(max_xlsx_uncompressed=declared // 2))
    )
    assert "unpacks to" in errors.errors[0].detail
    assert "more than the limit" in errors.errors[0].detail


def test_a_zip_bomb_that_understates_its_size_is_stopped_at_the_limit(tmp_path, errors_of):
    strings: list[str] = []
    sheet = _cells(1, HEADER, strings) + "<row r='2'/>" * 200_000  # 2.4 MB of XML
    path = _workbook(
        tmp_path / "bomb.xlsx", sheet, strings, declare={"xl/worksheets/sheet1.xml": 100}
    )
    assert path.stat().st_size < 50_000
    limits = ReadLimits(max_xlsx_uncompressed=1_000_000)
    errors = errors_of(lambda: read_activities(path, limits=limits))
    assert "more than the limit of 977 KiB" in errors.errors[0].detail
    # with room for the data, the lie itself is refused before calamine reads the part
    errors = errors_of(lambda: read_activities(path))
    assert "declares 100 bytes but holds" in errors.errors[0].detail


def test_a_sheet_whose_cells_span_a_huge_range_is_refused(tmp_path, errors_of):
    # Two cells, A1 and XFD1048576: calamine would allocate the whole rectangle and abort.
    strings: list[str] = []
    sheet = _cells(1, HEADER, strings) + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    path = _workbook(tmp_path / "sparse.xlsx", sheet, strings)
    errors = errors_of(lambda: read_activities(path))
    (error,) = errors.errors
    assert (
        "row 1,048,576 and column 16,384" in error.detail and "more than the limit" in error.detail
    )


def test_cells_without_a_reference_are_refused(tmp_path, errors_of):
    strings: list[str] = []
    sheet = _cells(1, HEADER, strings) + '<row r="1048576">' + "<c><v>1</v></c>" * 50 + "</row>"
    path = _workbook(tmp_path / "implicit.xlsx", sheet, strings)
    errors = errors_of(lambda: read_activities(path))
    assert "some cells have no position" in errors.errors[0].detail


def test_max_xlsx_cells_counts_the_used_range(write_xlsx, errors_of):
    path = write_xlsx({"数据": [HEADER, *ROWS]})  # A1:F11
    assert len(read_activities(path, limits=ReadLimits(max_xlsx_cells=66))) == 10
    errors = errors_of(lambda: read_activities(path, limits=ReadLimits(max_xlsx_cells=65)))
    assert "row 11 and column 6" in errors.errors[0].detail


def test_max_errors_stops_reading_and_says_so(write_csv, errors_of):
    bad = [["A", "2023", "combustion", "烟煤", "x", "t"]] * 30
    path = write_csv(bad)
    errors = errors_of(
        lambda: list(iter_activities(path, chunk_rows=10, limits=ReadLimits(max_errors=15)))
    )
    last = errors.errors[-1]
    assert "reading stopped after row 21" in last.detail  # the second chunk reached 15
    listed = [e for e in errors.errors if e.row is not None]
    assert listed and max(e.row for e in listed) <= 21
    errors = errors_of(lambda: read_activities(path, limits=ReadLimits(max_errors=5)))
    assert "more errors are not listed (at most 5 are)" in errors.errors[-1].detail
    assert len(errors.errors) == 6


# --- header first, chunks ------------------------------------------------------------------


def test_a_bad_header_fails_before_the_rows_of_a_big_file(write_csv, errors_of):
    path = write_csv([["x"] * 6] * 20_000, header=["主体", "期间", "类别", "品种", "数", "单位"])
    errors = errors_of(lambda: next(iter_activities(path)))
    (error,) = errors.errors
    assert error.row == 1 and error.column == "amount" and "missing required column" in error.detail


def test_a_bad_xlsx_header_fails_before_calamine_reads_the_sheet(tmp_path, errors_of, monkeypatch):
    strings: list[str] = []
    sheet = _cells(1, ["主体", "期间", "类别", "品种", "单位"], strings) + "".join(
        _cells(r, ["x"] * 5, strings) for r in range(2, 200)
    )
    path = _workbook(tmp_path / "header.xlsx", sheet, strings)
    import python_calamine

    def never(*args, **kwargs):
        raise AssertionError("calamine must not open a workbook whose header is wrong")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", never)
    errors = errors_of(lambda: read_activities(path))
    assert errors.errors[0].column == "amount" and errors.errors[0].row == 1


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_chunks_give_the_same_table_as_the_whole_file(kind, write_csv, write_xlsx):
    rows = [*ROWS[:4], [None] * 6, *ROWS[4:]]  # a blank row 6 is skipped, not renumbered
    path = write_csv(rows) if kind == "csv" else write_xlsx({"数据": [HEADER, *rows]})
    whole = read_activities(path)
    chunks = list(iter_activities(path, chunk_rows=3))
    assert [len(c) for c in chunks] == [3, 2, 3, 2]  # blank rows leave a chunk short
    joined = pd.concat(chunks, ignore_index=True)
    pd.testing.assert_frame_equal(joined, whole)
    assert whole["row_id"].tolist() == [2, 3, 4, 5, 7, 8, 9, 10, 11, 12]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_errors_in_different_chunks_are_all_reported_with_their_rows(
    kind, write_csv, write_xlsx, errors_of
):
    rows = [list(r) for r in ROWS]
    rows[1][4] = "x"  # row 3, chunk 1
    rows[5][3] = "木炭"  # row 7, chunk 2
    rows[8][4] = "-5"  # row 10, chunk 3
    path = write_csv(rows) if kind == "csv" else write_xlsx({"数据": [HEADER, *rows]})
    errors = errors_of(lambda: list(iter_activities(path, chunk_rows=3)))
    located = sorted((e.row, e.column) for e in errors.errors)
    assert located == [(3, "amount"), (7, "item"), (10, "amount")]


def test_no_chunk_is_yielded_after_a_row_error(write_csv):
    rows = [list(r) for r in ROWS]
    rows[4][4] = "x"  # row 6, in the second chunk of 3
    chunks = iter_activities(write_csv(rows), chunk_rows=3)
    assert len(next(chunks)) == 3
    with pytest.raises(InputErrors) as caught:
        next(chunks)
    assert [e.row for e in caught.value.errors] == [6]


def test_gbk_csv_is_read_in_chunks(write_csv):
    path = write_csv(ROWS, header=["主体", "期间", "类别", "品种", "数量", "单位"], encoding="gbk")
    table = pd.concat(iter_activities(path, chunk_rows=4), ignore_index=True)
    assert table["subject"].unique().tolist() == ["示例钢铁"]
    assert table["category"].tolist()[:2] == ["electricity", "combustion"]


def test_an_encoding_change_after_the_sampled_start_is_a_clear_error(tmp_path, errors_of):
    path = tmp_path / "mixed.csv"
    lines = [",".join(HEADER)] + ["A,2023,combustion,烟煤,1,t"] * 60_000
    path.write_bytes(
        ("\n".join(lines) + "\n").encode() + "B,2023,combustion,烟煤,1,t\n".encode("gbk")
    )
    errors = errors_of(lambda: read_activities(path))
    assert "not valid UTF-8" in errors.errors[0].detail


# --- source names ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_messages_name_the_source_never_the_temporary_path(kind, write_csv, write_xlsx, errors_of):
    rows = [list(r) for r in ROWS]
    rows[2][4] = "x"
    path = write_csv(rows) if kind == "csv" else write_xlsx({"数据": [HEADER, *rows]})
    errors = errors_of(lambda: read_activities(path, source="我的活动数据." + kind))
    assert errors.errors[0].file == "我的活动数据." + kind
    assert str(path.parent) not in str(errors) and path.name not in str(errors)
    table = read_activities(write_csv(ROWS, name="ok.csv"), source="上传.csv")
    assert table.attrs["source_file"] == "上传.csv"


def test_a_damaged_workbook_does_not_show_the_server_path(tmp_path, errors_of):
    path = tmp_path / "upload-3f2a.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    errors = errors_of(lambda: read_activities(path, source="报表.xlsx"))
    assert "cannot open the workbook" in str(errors)
    assert str(tmp_path) not in str(errors) and "upload-3f2a" not in str(errors)


def test_read_table_and_read_inventory_take_limits_and_source(write_csv, errors_of):
    path = write_csv(ROWS)
    assert len(read_table(path, limits=ReadLimits(max_rows=10))) == 10
    errors = errors_of(lambda: read_table(path, limits=ReadLimits(max_rows=2), source="t.csv"))
    assert errors.errors[0].file == "t.csv"
    inventory = write_csv(
        [["山西省", "2023", "39", "原煤", "1e12", "t"]],
        header=["region", "period", "sector", "fuel", "amount", "unit"],
        name="inventory.csv",
    )
    errors = errors_of(lambda: read_inventory(inventory, source="清单.csv"))
    assert "above the plausibility limit of 1e+10 t" in errors.errors[0].detail


def test_a_workbook_with_two_sheets_of_one_name_is_refused(tmp_path, errors_of):
    # calamine and this reader might pick different parts: the checked one must be the read one
    strings: list[str] = []
    path = _workbook(tmp_path / "twice.xlsx", _cells(1, HEADER, strings), strings)
    with zipfile.ZipFile(path) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
        b"</sheets>", '<sheet name="数据" sheetId="2" r:id="rId1"/></sheets>'.encode()
    )
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    errors = errors_of(lambda: read_activities(path))
    assert "two sheets or two relations alike" in errors.errors[0].detail


def test_rows_are_counted_without_parsing(tmp_path):
    csv = tmp_path / "a.csv"
    csv.write_text("主体,期间,类别,品种,数量,单位\n" + "示例,2023,燃料燃烧,焦炭,1,吨\n" * 25)
    assert count_rows(csv, None, 1000, 10**9) == 26
    assert count_rows(csv, None, 10, 10**9) > 10  # stops early, above the threshold
    book = Workbook(write_only=True)
    first, second = book.create_sheet("封面"), book.create_sheet("数据")
    first.append(["x"])
    for i in range(30):
        second.append(["示例", "2023", "燃料燃烧", "焦炭", i, "吨"])
    book.save(tmp_path / "b.xlsx")
    assert count_rows(tmp_path / "b.xlsx", "数据", 1000, 10**9) == 30
    assert count_rows(tmp_path / "b.xlsx", None, 1000, 10**9) == 1
    assert count_rows(tmp_path / "b.xlsx", "nope", 1000, 10**9) is None
    (tmp_path / "c.xlsx").write_bytes(b"not a zip")
    assert count_rows(tmp_path / "c.xlsx", None, 1000, 10**9) is None
