"""The meter register: carriers and levels in Chinese or English, every bad cell located by
file, row and column, a meter given twice named with both rows, calibration dates consistent."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from carbonctl.errors import InputErrors
from carbonctl.metrology import calibration_state, check_meters, read_meters


def meter(**cells) -> dict:
    base = {
        "meter_id": "M1",
        "enterprise": "91140100MA0000000X",
        "measures": "电力",
        "level": "进出用能单位",
        "accuracy_class": 0.5,
        "installed_on": "2020-01-01",
        "certificate": "JD-2024-001",
        "calibrated_on": "2024-03-01",
        "due_on": "2025-02-28",
    }
    return {**base, **cells}


def test_chinese_and_english_terms_become_keys_and_point_defaults_to_the_meter():
    table = check_meters(
        pd.DataFrame([meter(), meter(meter_id="M2", measures="Natural gas", level="equipment")])
    )
    assert list(table["measures"]) == ["electricity", "natural_gas"]
    assert list(table["level"]) == ["unit", "equipment"]
    assert list(table["point"]) == ["M1", "M2"]
    assert table.loc[2, "due_on"] == dt.date(2025, 2, 28)


def test_every_bad_cell_is_reported_with_file_row_and_column(tmp_path):
    path = tmp_path / "meters.csv"
    pd.DataFrame(
        [
            meter(),
            meter(meter_id="M2", measures="柴火", accuracy_class="abc"),
            meter(meter_id="M1", level="车间"),
            meter(meter_id="M4", calibrated_on="2024-05-01", due_on="2024-04-01"),
        ]
    ).to_csv(path, index=False)
    with pytest.raises(InputErrors) as caught:
        read_meters(path)
    found = {(e.row, e.column) for e in caught.value.errors}
    assert found == {(3, "accuracy_class")}  # cell types first: one pass, nothing returned
    assert all(e.file == str(path) for e in caught.value.errors)


def test_unknown_carrier_and_level_duplicate_meter_and_bad_dates_are_located():
    rows = pd.DataFrame(
        [
            meter(),
            meter(meter_id="M2", measures="柴火"),
            meter(meter_id="M1", level="车间"),
            meter(meter_id="M4", calibrated_on="2024-05-01", due_on="2024-04-01"),
            meter(meter_id="M5", due_on=None),
        ]
    )
    with pytest.raises(InputErrors) as caught:
        check_meters(rows, source="meters.xlsx")
    errors = {(e.row, e.column): e for e in caught.value.errors}
    assert set(errors) == {
        (3, "measures"),
        (4, "level"),
        (4, "meter_id"),
        (5, "due_on"),
        (6, "due_on"),
    }
    assert "row 2" in errors[(4, "meter_id")].detail
    assert "电力" in errors[(3, "measures")].expected
    assert all(e.file == "meters.xlsx" for e in errors.values())


def test_two_enterprises_may_number_their_meters_alike():
    other = "91140200MA0000000X"
    table = check_meters(pd.DataFrame([meter(), meter(enterprise=other)]))
    assert list(table["meter_id"]) == ["M1", "M1"]


def test_missing_column_is_reported():
    rows = pd.DataFrame([meter()]).drop(columns="accuracy_class")
    with pytest.raises(Exception, match="accuracy_class"):
        check_meters(rows)


@pytest.mark.parametrize(
    ("due", "state"),
    [
        (dt.date(2025, 6, 29), "overdue"),
        (dt.date(2025, 6, 30), "due_soon"),
        (dt.date(2025, 7, 30), "due_soon"),
        (dt.date(2025, 7, 31), "valid"),
        (None, "overdue"),
    ],
)
def test_calibration_is_valid_through_its_due_date(due, state):
    assert calibration_state(due, dt.date(2025, 6, 30), 30) == state


def test_an_excel_register_with_chinese_headers_reads_like_the_csv(tmp_path):
    path = tmp_path / "台账.xlsx"
    chinese = {
        "meter_id": "计量器具编号",
        "enterprise": "统一社会信用代码",
        "measures": "计量对象",
        "level": "计量级别",
        "accuracy_class": "准确度等级",
        "installed_on": "安装日期",
        "certificate": "检定证书编号",
        "calibrated_on": "检定日期",
        "due_on": "有效期至",
    }
    pd.DataFrame([meter(), meter(meter_id="M2", measures="蒸汽")]).rename(columns=chinese).to_excel(
        path, index=False
    )
    table = read_meters(path)
    assert list(table["measures"]) == ["electricity", "steam"]
    assert table.loc[3, "calibrated_on"] == dt.date(2024, 3, 1)
