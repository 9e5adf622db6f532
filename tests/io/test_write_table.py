"""Writing tables: CSV with a BOM and XLSX round trips, and no partial file after a failure."""

from __future__ import annotations

import pandas as pd
import pytest

from carbonctl.errors import InputError
from carbonctl.io import read_activities, write_table


@pytest.fixture
def activities(write_csv) -> pd.DataFrame:
    rows = [
        ["示例钢铁", "2023", "燃料燃烧", "焦炭", "95.25", "万吨"],
        ["示例钢铁", "2023-07", "购入电力", "绿电", '"1,420"', "万千瓦时"],
        ["示例水泥", "2023", "工业过程", "熟料", "165", "万吨"],
    ]
    return read_activities(write_csv(rows, header=["主体", "期间", "类别", "品种", "数量", "单位"]))


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_round_trip_gives_the_same_table(tmp_path, activities, suffix):
    path = tmp_path / f"out{suffix}"
    assert write_table(activities, path) == path
    again = read_activities(path)
    pd.testing.assert_frame_equal(again, activities)


def test_csv_has_a_bom_so_excel_shows_chinese(tmp_path, activities):
    path = write_table(activities, tmp_path / "out.csv")
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert "示例钢铁" in data.decode("utf-8-sig")


def test_xlsx_keeps_numbers_as_numbers(tmp_path, activities):
    path = write_table(activities, tmp_path / "out.xlsx")
    back = pd.read_excel(path, engine="openpyxl")
    assert back["amount"].tolist() == [95.25, 1420.0, 165.0]
    assert back["row_id"].tolist() == [2, 3, 4]


def test_parquet_keeps_types(tmp_path, activities):
    path = write_table(activities, tmp_path / "out.parquet")
    back = pd.read_parquet(path)
    assert back["amount"].tolist() == [95.25, 1420.0, 165.0]
    assert back["row_id"].tolist() == [2, 3, 4]


def test_unknown_suffix_is_refused(tmp_path, activities):
    with pytest.raises(InputError, match=r"cannot write \.json files.*\.csv, \.xlsx or \.parquet"):
        write_table(activities, tmp_path / "out.json")
    assert list(tmp_path.glob("out*")) == []


def test_missing_folder_is_refused(tmp_path, activities):
    with pytest.raises(InputError, match="folder does not exist"):
        write_table(activities, tmp_path / "nowhere" / "out.csv")


def test_a_failing_write_leaves_no_file(tmp_path):
    # A control character cannot be stored in an XLSX cell: openpyxl fails mid-write.
    bad = pd.DataFrame({"text": ["fine", "bell \x07 here"]})
    before = set(tmp_path.iterdir())
    with pytest.raises(InputError, match="could not write the table"):
        write_table(bad, tmp_path / "out.xlsx")
    assert set(tmp_path.iterdir()) == before


def test_a_failing_write_keeps_the_previous_file(tmp_path):
    path = tmp_path / "out.xlsx"
    write_table(pd.DataFrame({"value": [1, 2]}), path)
    previous = path.read_bytes()
    with pytest.raises(InputError):
        write_table(pd.DataFrame({"text": ["\x07"]}), path)
    assert path.read_bytes() == previous
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.xlsx"]
