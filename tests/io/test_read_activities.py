"""Reading good activity files: English and Chinese CSV, encodings, XLSX sheets, and the
canonical table they give."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from carbonctl.demo import ENTERPRISES, demo_file
from carbonctl.io import (
    ACTIVITY_COLUMNS,
    is_green_electricity,
    read_activities,
    read_table,
    validate_activities,
)

CHINESE_HEADER = ["主体", "期间", "类别", "品种", "数量", "单位", "地区", "方向", "纯度"]
CHINESE_ROWS = [
    ["示例钢铁", "2023", "燃料燃烧", "焦炭", "95", "万吨", "太原市", "", ""],
    ["示例钢铁", "2023年7月", "工业过程", "石灰石", "42", "万吨", "太原市", "投入", "0.93"],
    ["示例钢铁", "2023/07", "工业过程", "粗钢", "310", "万吨", "太原市", "产出", ""],
    ["示例钢铁", "2023年", "购入电力", "电力", "1420", "万千瓦时", "140100", "", ""],
    ["示例钢铁", "2023-7", "购入热力", "蒸汽", "18", "吉焦", "", "", ""],
]


def test_english_csv_gives_the_canonical_table(write_csv):
    path = write_csv(
        [
            ["Steel Co", "2023", "combustion", "烟煤", '"12,345.5"', "t"],
            ["Steel Co", "2023-07", "Electricity", "电力", "1e3", "MWh"],
            ["Steel Co", "2023.0", "process", "石灰石", "7", "万t"],
        ],
        header=["Subject", "PERIOD", " category ", "item", "amount", "unit"],
    )
    table = read_activities(path)
    assert list(table.columns) == ACTIVITY_COLUMNS
    assert table["row_id"].tolist() == [2, 3, 4]
    assert table["period"].tolist() == ["2023", "2023-07", "2023"]
    assert table["year"].tolist() == [2023, 2023, 2023]
    assert table["month"].isna().tolist() == [True, False, True]
    assert table["month"].iloc[1] == 7
    assert table["category"].tolist() == ["combustion", "electricity", "process"]
    assert table["amount"].tolist() == [12345.5, 1000.0, 7.0]
    assert table["unit"].tolist() == ["t", "MWh", "万t"]
    assert table["region"].isna().all()
    assert table["ncv"].isna().all() and table["ncv"].dtype == np.float64
    assert table.attrs["source_file"] == str(path)
    assert table["row_id"].dtype == np.int64 and table["year"].dtype == np.int64
    assert str(table["month"].dtype) == "Int64"


def test_chinese_headers_categories_and_units(write_csv):
    table = read_activities(write_csv(CHINESE_ROWS, header=CHINESE_HEADER))
    assert table["category"].tolist() == [
        "combustion",
        "process",
        "process",
        "electricity",
        "heat",
    ]
    assert table["period"].tolist() == ["2023", "2023-07", "2023-07", "2023", "2023-07"]
    assert table["unit"].tolist() == ["万吨", "万吨", "万吨", "万千瓦时", "吉焦"]
    assert table["amount"].tolist() == [95.0, 42.0, 310.0, 1420.0, 18.0]
    assert table["direction"].tolist()[1:3] == ["input", "output"]
    assert table["direction"].isna().tolist() == [True, False, False, True, True]
    assert table["region"].tolist()[:4] == ["太原市", "太原市", "太原市", "140100"]
    assert table["purity"].iloc[1] == pytest.approx(0.93)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030", "gbk"])
def test_csv_encodings_of_chinese_excel_are_read(write_csv, encoding):
    table = read_activities(write_csv(CHINESE_ROWS, header=CHINESE_HEADER, encoding=encoding))
    assert table["subject"].iloc[0] == "示例钢铁"
    assert table["item"].tolist()[:2] == ["焦炭", "石灰石"]


def test_full_width_text_is_normalised(write_csv):
    table = read_activities(
        write_csv([["Ａ公司（一）", "２０２３", "燃料燃烧", "焦炭", "１２", "ｔ"]])
    )
    assert table["subject"].iloc[0] == "A公司(一)"
    assert table["period"].iloc[0] == "2023"
    assert table["amount"].iloc[0] == 12.0
    assert table["unit"].iloc[0] == "ｔ"  # kept as given; units.py normalises when parsing


def test_blank_rows_are_skipped_and_rows_keep_their_spreadsheet_numbers(write_csv):
    path = write_csv(
        [
            ["A", "2023", "combustion", "焦炭", "1", "t"],
            ["", "", "", "", "", ""],
            [],
            ["A", "2023", "combustion", "焦炭", "2", "t"],
        ]
    )
    table = read_activities(path)
    assert table["row_id"].tolist() == [2, 5]
    assert table["amount"].tolist() == [1.0, 2.0]


def test_xlsx_named_sheet_with_numbers_and_dates(write_xlsx):
    rows = [
        ["主体", "期间", "类别", "品种", "数量", "单位", "地区"],
        ["电厂", 2023, "燃料燃烧", "原煤", 310.5, "万吨", 140600],
        ["电厂", dt.datetime(2023, 7, 1), "购入电力", "绿电", 12, "万千瓦时", "朔州市"],
        ["电厂", "2023-08", "燃料燃烧", "柴油", 0.08, "万吨", None],
    ]
    path = write_xlsx({"说明": [["read me"]], "活动数据": rows})
    table = read_activities(path, sheet="活动数据")
    assert table["row_id"].tolist() == [2, 3, 4]
    assert table["period"].tolist() == ["2023", "2023-07", "2023-08"]
    assert table["month"].tolist()[1:] == [7, 8]
    assert table["amount"].tolist() == [310.5, 12.0, 0.08]
    assert table["region"].tolist()[:2] == ["140600", "朔州市"]
    assert table["category"].tolist() == ["combustion", "electricity", "combustion"]


def test_xlsx_without_a_sheet_name_reads_the_first_sheet(write_xlsx):
    first = [
        ["subject", "period", "category", "item", "amount", "unit"],
        ["A", 2023, "heat", "蒸汽", 5, "GJ"],
    ]
    path = write_xlsx({"first": first, "second": [["nothing"]]})
    assert read_activities(path)["item"].tolist() == ["蒸汽"]


@pytest.mark.parametrize(
    ("written", "period", "month"),
    [
        ("2023", "2023", None),
        ("2023.0", "2023", None),
        ("2023年", "2023", None),
        ("2023-07", "2023-07", 7),
        ("2023-7", "2023-07", 7),
        ("2023/07", "2023-07", 7),
        ("2023年7月", "2023-07", 7),
        ("2023年12月", "2023-12", 12),
        ("2023-07-01 00:00:00", "2023-07", 7),
    ],
)
def test_period_forms_are_normalised(written, period, month):
    frame = pd.DataFrame(
        [
            {
                "subject": "A",
                "period": written,
                "category": "heat",
                "item": "蒸汽",
                "amount": 1.0,
                "unit": "GJ",
            }
        ]
    )
    table = validate_activities(frame)
    assert table["period"].iloc[0] == period
    assert table["year"].iloc[0] == 2023
    assert pd.isna(table["month"].iloc[0]) if month is None else table["month"].iloc[0] == month


def test_year_read_as_a_float_from_a_table():
    frame = pd.DataFrame(
        {
            "subject": ["A"],
            "period": [2023.0],
            "category": ["heat"],
            "item": ["蒸汽"],
            "amount": [1.0],
            "unit": ["GJ"],
        }
    )
    assert validate_activities(frame)["period"].tolist() == ["2023"]


def test_in_memory_rows_are_numbered_from_2_or_kept_from_row_id():
    frame = pd.DataFrame(
        {
            "subject": ["A", "B"],
            "period": ["2023", "2023"],
            "category": ["heat", "heat"],
            "item": ["蒸汽", "热水"],
            "amount": [1.0, 2.0],
            "unit": ["GJ", "GJ"],
        },
        index=[10, 20],
    )
    assert validate_activities(frame)["row_id"].tolist() == [2, 3]
    kept = validate_activities(frame.assign(row_id=[7, 9]))
    assert kept["row_id"].tolist() == [7, 9]
    assert validate_activities(kept).equals(kept)  # validating twice changes nothing


def test_process_row_with_its_own_factor_may_name_any_item_and_unit():
    frame = pd.DataFrame(
        {
            "subject": ["A", "A"],
            "period": ["2023", "2023"],
            "category": ["process", "process"],
            "item": ["阳极净耗碳", "自定义工艺"],
            "amount": [1.0, 2.0],
            "unit": ["t", "m3"],
            "carbon_fraction": [0.98, np.nan],
            "emission_factor": [np.nan, 0.5],
        }
    )
    table = validate_activities(frame)
    assert table["item"].tolist() == ["阳极净耗碳", "自定义工艺"]


def test_ncv_without_unit_and_with_a_matching_unit_are_accepted():
    frame = pd.DataFrame(
        {
            "subject": ["A"] * 3,
            "period": ["2023"] * 3,
            "category": ["combustion"] * 3,
            "item": ["原煤", "原煤", "天然气"],
            "amount": [1.0, 1.0, 1.0],
            "unit": ["t", "t", "万Nm3"],
            "ncv": [20.9, 20900.0, 389.31],
            "ncv_unit": [None, "kJ/kg", "GJ/万Nm3"],
        }
    )
    table = validate_activities(frame)
    assert table["ncv_unit"].isna().tolist() == [True, False, False]


def test_is_green_electricity_recognises_green_power_names():
    items = pd.Series(
        ["电力", "绿电", "Green Power", "绿证电力", "green certificates", None],
        index=list("abcdef"),
    )
    green = is_green_electricity(items)
    assert green.tolist() == [False, True, True, True, True, False]
    assert list(green.index) == list("abcdef")


def test_read_table_keeps_headers_as_written_and_rows_as_index(write_csv):
    path = write_csv([["A", "1"], ["", ""], ["B", "2"]], header=["名称", "名称"])
    table = read_table(path)
    assert list(table.columns) == ["名称", "名称"]
    assert table.index.tolist() == [2, 4]


def test_the_demo_enterprise_file_reads():
    path = demo_file(ENTERPRISES)
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    table = read_activities(path)
    assert len(table) == len(lines) - 1
    assert set(table["category"]) == {"combustion", "process", "electricity", "heat"}
    assert table["row_id"].tolist() == list(range(2, len(lines) + 1))
