"""The barometer input table: English or Chinese headers, targets as fractions or "17%", and every
bad cell reported with its spreadsheet row and column, all in one pass."""

from __future__ import annotations

import pandas as pd
import pytest

from carbonctl.errors import InputErrors
from carbonctl.warning import BAROMETER_COLUMNS, validate_barometer_input

ENGLISH = list(BAROMETER_COLUMNS)
CHINESE = ["地区", "年份", "基准年", "目标", "基准年强度", "上年强度", "本年强度"]
GOOD = ["太原市", "2027", "2025", "0.17", "1.2", "1.1", "1.05"]


def errors_of(rows, headers=ENGLISH) -> list:
    with pytest.raises(InputErrors) as caught:
        validate_barometer_input(pd.DataFrame(rows, columns=headers), "cities.csv")
    return caught.value.errors


def located(errors) -> set[tuple[int | None, str | None]]:
    return {(e.row, e.column) for e in errors}


@pytest.mark.parametrize("headers", [ENGLISH, CHINESE, [h.upper() for h in ENGLISH]])
def test_headers_in_either_language_give_the_canonical_table(headers):
    table = validate_barometer_input(pd.DataFrame([GOOD], columns=headers), "cities.csv")
    assert list(table.columns) == ["row_id", *BAROMETER_COLUMNS]
    row = table.iloc[0]
    assert (row["region"], row["year"], row["base_year"]) == ("太原市", 2027, 2025)
    assert row["target"] == 0.17
    assert (row["intensity_base"], row["intensity_previous"], row["intensity"]) == (1.2, 1.1, 1.05)
    assert table["year"].dtype == "int64" and table["intensity"].dtype == "float64"
    assert table.attrs["source_file"] == "cities.csv"


def test_numbers_in_cells_are_read_as_well_as_text():
    frame = pd.DataFrame([["A", 2027, 2025, 0.17, 1.2, 1.1, 1.05]], columns=ENGLISH)
    table = validate_barometer_input(frame)
    assert table.iloc[0]["year"] == 2027 and table.iloc[0]["target"] == 0.17


@pytest.mark.parametrize(("written", "value"), [("17%", 0.17), ("17 %", 0.17), ("１７％", 0.17)])
def test_a_target_written_as_a_percentage_is_a_fraction(written, value):
    table = validate_barometer_input(
        pd.DataFrame([[*GOOD[:3], written, *GOOD[4:]]], columns=ENGLISH)
    )
    assert table.iloc[0]["target"] == pytest.approx(value)


def test_the_region_is_kept_as_written_but_trimmed():
    table = validate_barometer_input(pd.DataFrame([[" ＡＢ市 ", *GOOD[1:]]], columns=ENGLISH))
    assert table.iloc[0]["region"] == "ＡＢ市"  # full-width letters kept: the subject as given


def test_a_bare_17_asks_for_a_fraction():
    (error,) = errors_of([[*GOOD[:3], "17", *GOOD[4:]]])
    assert (error.file, error.row, error.column) == ("cities.csv", 2, "target")
    assert "not a fraction" in error.detail and "0.17" in error.detail


def test_every_bad_cell_is_reported_with_row_and_column():
    rows = [
        GOOD,
        ["", "2027", "2025", "0.17", "abc", "1.1", "0"],  # row 3
        ["朔州市", "2024", "2025", "1.5", "1", "-1", "1e400"],  # row 4
        ["忻州市", "2031", "2025", "0", "1", "1", "inf"],  # row 5
        ["吕梁市", "2026.5", "20x5", "", "1", "", "1"],  # row 6
        ["太原市", "2027", "2025", "0.17", "1.2", "1.1", "1.05"],  # row 7: repeats row 2
    ]
    errors = errors_of(rows)
    assert located(errors) == {
        (3, "region"),
        (3, "intensity_base"),
        (3, "intensity"),
        (4, "year"),
        (4, "target"),
        (4, "intensity_previous"),
        (4, "intensity"),
        (5, "year"),
        (5, "target"),
        (5, "intensity"),
        (6, "year"),
        (6, "base_year"),
        (6, "target"),
        (6, "intensity_previous"),
        (7, "region"),
    }
    assert {e.file for e in errors} == {"cities.csv"}
    text = {(e.row, e.column): e.detail for e in errors}
    assert text[(3, "region")] == "region is blank"
    assert text[(3, "intensity_base")] == "'abc' is not a number"
    assert text[(3, "intensity")] == "'0' is not greater than 0"
    assert text[(4, "year")] == "year 2024 is before the base year 2025"
    assert text[(4, "intensity_previous")] == "'-1' is not greater than 0"
    assert text[(4, "intensity")] == "'1e400' is too large to be a number"
    assert "after 2030" in text[(5, "year")]
    assert text[(5, "target")] == "'0' is outside (0, 1)"
    assert text[(5, "intensity")] == "'inf' is not a number"
    assert text[(6, "year")] == "'2026.5' is not a year (e.g. 2026)"
    assert text[(6, "target")] == "target is blank"
    assert text[(7, "region")] == "region '太原市' and year 2027 are already in row 2"
    assert all(e.expected for e in errors)


def test_missing_columns_are_named_with_both_spellings():
    errors = errors_of([GOOD[:4]], headers=ENGLISH[:4])
    assert [e.column for e in errors] == ["intensity_base", "intensity_previous", "intensity"]
    assert all(e.row == 1 for e in errors)
    assert "基准年强度" in errors[0].expected


def test_a_header_without_rows_is_an_error():
    (error,) = errors_of([], headers=ENGLISH)
    assert (error.row, error.detail) == (2, "no data rows")


def test_a_control_character_is_refused():
    (error,) = errors_of([["太原\x00市", *GOOD[1:]]])
    assert (error.row, error.column) == (2, "region")
    assert "NUL" in error.detail
