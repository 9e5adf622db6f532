"""The fast workbook writer gives a file that openpyxl and carbonctl's reader agree on."""

import openpyxl

from carbonctl.demo.workbooks import column_letter, write_xlsx
from carbonctl.io import read_table


def test_letters():
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]


def test_a_written_workbook_reads_back_the_same(tmp_path):
    path = tmp_path / "rows.xlsx"
    header = ["主体", "期间", "类别", "品种", "数量", "单位"]
    rows = [
        ["甲<&>", "2023", "燃料燃烧", "焦炭", 1.25, "吨"],
        ["乙", "2024", "燃料燃烧", "柴油", 7, None],
    ]
    assert write_xlsx(path, header, iter(rows)) == 2
    sheet = openpyxl.load_workbook(path).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [header, *rows]
    table = read_table(path)
    assert list(table.columns) == header and list(table.index) == [2, 3]
    assert table.iloc[0].tolist() == ["甲<&>", "2023", "燃料燃烧", "焦炭", "1.25", "吨"]
