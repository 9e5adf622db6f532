"""Each row of an accounting input gets its tier from the meter register: its fuel's metered
carrier (refdata activity_carriers), a unit-level meter of its enterprise, and a calibration
valid over its period (through the due date); an unmapped fuel or process row is estimated."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from carbonctl import refdata
from carbonctl.metrology import (
    MEASURES,
    TIERS,
    carrier_of,
    carrier_table,
    check_meters,
    parse_tier,
    period_dates,
    row_tiers,
)

E1, E2 = "91140000AAAAAAAA1X", "91140000BBBBBBBB2Y"
METER_HEADER = ["meter_id", "enterprise", "measures", "level", "accuracy_class", "installed_on",
                "certificate", "calibrated_on", "due_on"]  # fmt: skip


def register(*rows: tuple) -> pd.DataFrame:
    return check_meters(pd.DataFrame(list(rows), columns=METER_HEADER, dtype=object))


def activity(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=["subject", "period", "category", "item"])


def test_every_carrier_is_a_meter_term_and_every_fuel_row_is_a_fuel():
    table = carrier_table()
    assert set(table["measures"]) <= set(MEASURES)
    fuels = set(refdata.load_table("fuels")["fuel_id"])
    combustion = table[table["category"] == "combustion"]
    assert set(combustion["item"]) <= fuels
    assert not combustion["item"].duplicated().any()
    assert (table["status"] != "").all() and (table["source"] != "").all()


@pytest.mark.parametrize(
    ("category", "item", "carrier"),
    [
        ("combustion", "原煤", "coal"),
        ("combustion", "烟煤", "coal"),
        ("combustion", "焦炭", "coke"),
        ("combustion", "天然气", "natural_gas"),
        ("combustion", "高炉煤气", "coal_gas"),
        ("combustion", "柴油", "oil_products"),
        ("combustion", "燃料油", "heavy_oil"),
        ("electricity", "电力", "electricity"),
        ("heat", "蒸汽", "steam"),
        ("combustion", "焦油", None),  # a fuel without a metered carrier
        ("combustion", "不存在的燃料", None),
        ("process", "石灰石", None),
    ],
)
def test_carrier_of_a_row(category, item, carrier):
    assert carrier_of(category, item) == carrier


def test_period_dates_of_a_year_and_a_month():
    assert period_dates("2024") == (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert period_dates("2024-02") == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    with pytest.raises(ValueError):
        period_dates("2024Q1")


def test_tier_spellings_are_keys_and_chinese_and_english_names():
    assert parse_tier("metered_calibrated") == "metered_calibrated"
    assert parse_tier("计量器具实测（检定/校准有效）") == "metered_calibrated"
    assert parse_tier("估算（无计量器具）") == "estimated"
    assert parse_tier("Estimated (no meter)") == "estimated"
    assert parse_tier("measured") is None
    assert set(map(parse_tier, TIERS)) == set(TIERS)


def test_rows_get_their_tier_at_the_due_date_boundary():
    meters = register(
        ("M1", E1, "电力", "进出用能单位", 0.5, "2020-01-01", "C1", "2023-06-01", "2024-12-31"),
        ("M2", E1, "煤炭", "unit", 1.0, "2020-01-01", "C2", "2023-06-01", "2024-12-30"),
        ("M3", E1, "天然气", "equipment", 1.0, "2020-01-01", "C3", "2023-06-01", "2026-01-01"),
        ("M4", E2, "electricity", "unit", 0.5, "2020-01-01", "", "", ""),
    )
    rows = activity(
        (E1, "2024", "electricity", "电力"),  # due on the last day: still valid
        (E1, "2024", "combustion", "原煤"),  # due a day before the year ends
        (E1, "2024-12", "combustion", "原煤"),  # the month ends after the due date too
        (E1, "2024-11", "combustion", "原煤"),  # a month the calibration covers
        (E1, "2024", "combustion", "天然气"),  # an equipment meter does not count
        (E1, "2024", "process", "石灰石"),  # no carrier
        (E2.lower(), "2024", "electricity", "电力"),  # never calibrated; code in lower case
        (E2, "2024", "heat", "蒸汽"),  # no steam meter
        ("91140000CCCCCCCC3Z", "2024", "electricity", "电力"),  # another enterprise
    )
    out = row_tiers(rows, meters)
    assert list(out.index) == list(rows.index)
    assert list(out["tier"]) == [
        "metered_calibrated",
        "metered",
        "metered",
        "metered_calibrated",
        "estimated",
        "estimated",
        "metered",
        "estimated",
        "estimated",
    ]
    assert list(out["measures"])[:6] == ["electricity", "coal", "coal", "coal", "natural_gas", None]


def test_a_meter_installed_after_the_period_does_not_measure_it():
    meters = register(
        ("M1", E1, "电力", "unit", 0.5, "2025-03-01", "C1", "2025-03-01", "2026-03-01"),
    )
    out = row_tiers(activity((E1, "2024", "electricity", "电力"), (E1, "2025-04", "electricity",
                                                                   "电力")), meters)  # fmt: skip
    assert list(out["tier"]) == ["estimated", "metered_calibrated"]


def test_data_tiers_of_an_xlsx_input_by_spreadsheet_row(tmp_path):
    from carbonctl.errors import InputErrors
    from carbonctl.metrology import read_data_tiers

    path = tmp_path / "a.xlsx"
    frame = pd.DataFrame(
        {
            "subject": ["A", "A", "A"],
            "数据质量等级": ["计量器具实测（检定/校准过期）", None, "estimated"],
        }
    )
    frame.to_excel(path, index=False)
    tiers = read_data_tiers(path)
    assert tiers.to_dict() == {2: "metered", 3: None, 4: "estimated"}
    frame["数据质量等级"] = ["metered", "guessed", None]
    frame.to_excel(path, index=False)
    with pytest.raises(InputErrors) as caught:
        read_data_tiers(path)
    assert f"{path}, row 3, column 'data_tier'" in str(caught.value)
