"""Bad activity files: every problem is reported with the file, the spreadsheet row, the column
and what was expected, all problems of a file in one pass."""

from __future__ import annotations

import pandas as pd
import pytest

from carbonctl.errors import InputError, InputErrors
from carbonctl.io import read_activities
from carbonctl.io.problems import ROWS_LISTED_PER_PROBLEM, Problems

HEADER = ["subject", "period", "category", "item", "amount", "unit"]
GOOD = ["A", "2023", "combustion", "烟煤", "10", "t"]
WIDE = [
    "subject",
    "period",
    "category",
    "item",
    "amount",
    "unit",
    "region",
    "ncv",
    "ncv_unit",
    "carbon_content",
    "oxidation_rate",
    "carbon_fraction",
    "purity",
    "cao_fraction",
    "mgo_fraction",
    "emission_factor",
    "direction",
]


def wide_row(**cells: object) -> list[object]:
    """A good combustion row in the WIDE layout with some cells replaced."""
    row = dict.fromkeys(WIDE, "")
    row.update(dict(zip(WIDE[:6], GOOD, strict=True)))
    row.update(cells)
    return [row[c] for c in WIDE]


def only_error(errors) -> InputError:
    assert len(errors.errors) == 1, str(errors)
    return errors.errors[0]


def assert_located(error: InputError, path, row: int, column: str, *expected: str) -> None:
    """The message names the file, row and column, and says what was expected."""
    text = str(error)
    assert path.name in text
    assert f"row {row}," in text
    assert f"column '{column}'" in text
    assert (error.file, error.row, error.column) == (str(path), row, column)
    for part in expected:
        assert part in text, text


def test_non_numeric_amount_names_file_row_and_column(write_csv, errors_of):
    path = write_csv([GOOD, GOOD, ["A", "2023", "combustion", "烟煤", "abc", "t"]])
    error = only_error(errors_of(lambda: read_activities(path)))
    assert_located(error, path, 4, "amount", "'abc' is not a number", "expected a number ≥ 0")


@pytest.mark.parametrize("amount", ["-5", "-0.1"])
def test_negative_amount(write_csv, errors_of, amount):
    path = write_csv([["A", "2023", "combustion", "烟煤", amount, "t"]])
    error = only_error(errors_of(lambda: read_activities(path)))
    assert_located(error, path, 2, "amount", "is negative", "a number ≥ 0")


def test_blank_amount(write_csv, errors_of):
    path = write_csv([["A", "2023", "combustion", "烟煤", "", "t"]])
    assert_located(
        only_error(errors_of(lambda: read_activities(path))), path, 2, "amount", "amount is blank"
    )


def test_european_decimal_comma_is_not_misread(write_csv, errors_of):
    path = write_csv([["A", "2023", "combustion", "烟煤", '"1,5"', "t"]])
    assert_located(
        only_error(errors_of(lambda: read_activities(path))),
        path,
        2,
        "amount",
        "'1,5' is not a number",
    )


@pytest.mark.parametrize(
    "column",
    [
        "ncv",
        "carbon_content",
        "oxidation_rate",
        "purity",
        "cao_fraction",
        "mgo_fraction",
        "emission_factor",
        "carbon_fraction",
    ],
)
def test_non_numeric_optional_number(write_csv, errors_of, column):
    path = write_csv([wide_row(**{column: "n/a"})], header=WIDE)
    assert_located(
        only_error(errors_of(lambda: read_activities(path))),
        path,
        2,
        column,
        "'n/a' is not a number",
    )


@pytest.mark.parametrize(
    "column", ["oxidation_rate", "purity", "cao_fraction", "mgo_fraction", "carbon_fraction"]
)
@pytest.mark.parametrize("value", ["93", "-0.1"])
def test_fraction_outside_0_1(write_csv, errors_of, column, value):
    path = write_csv([wide_row(**{column: value})], header=WIDE)
    error = only_error(errors_of(lambda: read_activities(path)))
    assert_located(error, path, 2, column, "a fraction between 0 and 1")
    assert "outside 0–1" in str(error) or "negative" in str(error)


@pytest.mark.parametrize("column", ["ncv", "carbon_content", "emission_factor"])
def test_negative_parameter(write_csv, errors_of, column):
    path = write_csv([wide_row(**{column: "-1"})], header=WIDE)
    assert_located(
        only_error(errors_of(lambda: read_activities(path))),
        path,
        2,
        column,
        "-1 is negative",
        "≥ 0",
    )


def test_unknown_category(write_csv, errors_of):
    path = write_csv([GOOD, ["A", "2023", "燃烧", "烟煤", "1", "t"]])
    assert_located(
        only_error(errors_of(lambda: read_activities(path))),
        path,
        3,
        "category",
        "unknown category '燃烧'",
        "combustion, process, electricity or heat",
    )


@pytest.mark.parametrize("period", ["2023-13", "23", "July 2023", "2023.7", "2023-07-15"])
def test_unparseable_period(write_csv, errors_of, period):
    path = write_csv([["A", period, "combustion", "烟煤", "1", "t"]])
    assert_located(
        only_error(errors_of(lambda: read_activities(path))),
        path,
        2,
        "period",
        f"'{period}' is not a year or a month",
        "2023-07",
    )


@pytest.mark.parametrize(("position", "column"), [(0, "subject"), (3, "item")])
def test_blank_subject_or_item(write_csv, errors_of, position, column):
    row = list(GOOD)
    row[position] = "  "
    path = write_csv([GOOD, row])
    assert_located(
        only_error(errors_of(lambda: read_activities(path))), path, 3, column, f"{column} is blank"
    )


def test_unknown_unit(write_csv, errors_of):
    path = write_csv([["A", "2023", "combustion", "烟煤", "1", "斤斤"]])
    assert_located(
        only_error(errors_of(lambda: read_activities(path))),
        path,
        2,
        "unit",
        "unknown unit '斤斤'",
        "a unit such as t, 万t",
    )


@pytest.mark.parametrize(
    ("category", "item", "unit", "needs"),
    [
        ("combustion", "烟煤", "tCO2", "mass or volume or energy"),
        ("process", "石灰石", "万Nm3", "mass"),
        ("electricity", "电力", "万吨", "energy"),
        ("heat", "蒸汽", "t", "energy"),
    ],
)
def test_unit_of_the_wrong_dimension_for_the_category(
    write_csv, errors_of, category, item, unit, needs
):
    path = write_csv([["A", "2023", category, item, "1", unit]])
    error = only_error(errors_of(lambda: read_activities(path)))
    assert_located(
        error,
        path,
        2,
        "unit",
        f"unit '{unit}' is not a unit of {needs}",
        f"for {category}" if category != "process" else "for process rows",
    )


def test_unknown_fuel_lists_the_closest_matches(write_csv, errors_of):
    path = write_csv([GOOD, ["A", "2023", "combustion", "天燃气", "1", "万Nm3"]])
    error = only_error(errors_of(lambda: read_activities(path)))
    assert_located(
        error,
        path,
        3,
        "item",
        "unknown fuel '天燃气'",
        "closest matches: 天然气",
        "a fuel of the catalogue",
    )


def test_unknown_process_material(write_csv, errors_of):
    path = write_csv([["A", "2023", "process", "石灰岩", "1", "t"]])
    assert_located(
        only_error(errors_of(lambda: read_activities(path))),
        path,
        2,
        "item",
        "unknown process material '石灰岩'",
        "closest matches: 石灰",
        "or an emission_factor or carbon_fraction",
    )


@pytest.mark.parametrize(
    ("category", "item", "unit"), [("electricity", "水电", "kWh"), ("heat", "暖气", "GJ")]
)
def test_unknown_electricity_or_heat_item(write_csv, errors_of, category, item, unit):
    path = write_csv([["A", "2023", category, item, "1", unit]])
    error = only_error(errors_of(lambda: read_activities(path)))
    assert_located(
        error,
        path,
        2,
        "item",
        f"unknown {category} item '{item}'",
        "绿电" if category == "electricity" else "蒸汽",
    )


def test_unknown_region(write_csv, errors_of):
    path = write_csv([wide_row(region="太原省会")], header=WIDE)
    assert_located(
        only_error(errors_of(lambda: read_activities(path))),
        path,
        2,
        "region",
        "unknown region '太原省会'",
        "an adcode",
    )


@pytest.mark.parametrize("ncv_unit", ["GJ", "GJ/kWh", "千卡"])
def test_ncv_unit_must_be_energy_per_mass_or_volume(write_csv, errors_of, ncv_unit):
    path = write_csv([wide_row(ncv="20", ncv_unit=ncv_unit)], header=WIDE)
    assert_located(
        only_error(errors_of(lambda: read_activities(path))),
        path,
        2,
        "ncv_unit",
        "is not a unit of energy per mass or per volume",
        "GJ/t, MJ/kg",
    )


def test_ncv_unit_must_suit_the_fuel(write_csv, errors_of):
    path = write_csv(
        [wide_row(item="天然气", unit="万Nm3", ncv="38", ncv_unit="MJ/kg")], header=WIDE
    )
    assert_located(
        only_error(errors_of(lambda: read_activities(path))),
        path,
        2,
        "ncv_unit",
        "NCV unit 'MJ/kg' does not suit 天然气",
        "GJ/万Nm3",
    )


def test_missing_required_column_names_it_and_lists_the_columns_found(write_csv, errors_of):
    path = write_csv(
        [["A", "2023", "烟煤", "1", "t"]], header=["主体", "期间", "品种", "数量", "单位"]
    )
    error = only_error(errors_of(lambda: read_activities(path)))
    assert_located(
        error,
        path,
        1,
        "category",
        "missing required column 'category'",
        "columns found: 主体, 期间, 品种, 数量, 单位",
        "类别",
    )


def test_a_field_given_twice_is_reported(write_csv, errors_of):
    path = write_csv([[*GOOD, "太原市", "晋中市"]], header=[*HEADER, "地区", "区域"])
    assert_located(
        only_error(errors_of(lambda: read_activities(path))),
        path,
        1,
        "region",
        "columns '地区', '区域' all give region",
    )


@pytest.mark.parametrize(
    "content",
    [
        "",
        "subject,period,category,item,amount,unit\n",
        "subject,period,category,item,amount,unit\n,,,,,\n\n",
    ],
)
def test_empty_file_or_header_only_has_no_data_rows(tmp_path, errors_of, content):
    path = tmp_path / "empty.csv"
    path.write_text(content, encoding="utf-8")
    error = only_error(errors_of(lambda: read_activities(path)))
    assert "no data rows" in str(error) and path.name in str(error)


def test_wrong_sheet_lists_the_available_sheets(write_xlsx, errors_of):
    path = write_xlsx({"2022": [HEADER, GOOD], "2023": [HEADER, GOOD]})
    error = only_error(errors_of(lambda: read_activities(path, sheet="2024")))
    assert path.name in str(error)
    assert "no sheet named '2024'" in str(error) and "'2022', '2023'" in str(error)


def test_header_only_xlsx_has_no_data_rows(write_xlsx, errors_of):
    path = write_xlsx({"data": [HEADER]})
    assert "no data rows" in str(errors_of(lambda: read_activities(path)))


def test_xlsx_errors_use_spreadsheet_rows(write_xlsx, errors_of):
    path = write_xlsx({"data": [HEADER, GOOD, [], ["A", 2023, "heat", "蒸汽", -3, "GJ"]]})
    assert_located(
        only_error(errors_of(lambda: read_activities(path))), path, 4, "amount", "-3 is negative"
    )


def test_all_problems_are_reported_in_one_pass(write_csv, errors_of):
    path = write_csv(
        [
            ["A", "2023", "combustion", "天燃气", "1", "万Nm3"],
            ["", "2023", "electricity", "电力", "x", "kWh"],
            ["A", "20233", "heat", "蒸汽", "1", "t"],
        ]
    )
    errors = errors_of(lambda: read_activities(path)).errors
    located = [(e.row, e.column) for e in errors]
    assert located == [(2, "item"), (3, "subject"), (3, "amount"), (4, "period"), (4, "unit")]


def test_one_message_per_cell(write_csv, errors_of):
    # "abc" is not a number; it must not also be reported as a blank amount
    path = write_csv([["A", "2023", "combustion", "烟煤", "abc", "t"]])
    assert len(errors_of(lambda: read_activities(path)).errors) == 1


def test_many_bad_rows_are_counted_not_all_listed(write_csv, errors_of):
    path = write_csv([["A", "2023", "combustion", "烟煤", "x", "t"]] * 500)
    errors = errors_of(lambda: read_activities(path))
    assert len(errors.errors) == ROWS_LISTED_PER_PROBLEM + 1
    summary = str(errors.errors[0])
    assert "500 rows have this problem" in summary and "column 'amount'" in summary
    assert [e.row for e in errors.errors[1:]] == list(range(2, 2 + ROWS_LISTED_PER_PROBLEM))


def test_unsupported_suffix_and_missing_file(tmp_path, errors_of):
    text = str(errors_of(lambda: read_activities(tmp_path / "data.xls")))
    assert "cannot read .xls files" in text and "a .csv or .xlsx file" in text
    text = str(errors_of(lambda: read_activities(tmp_path / "missing.csv")))
    assert "missing.csv" in text and "file not found" in text


def test_row_with_too_many_fields(tmp_path, errors_of):
    path = tmp_path / "ragged.csv"
    path.write_text(
        "subject,period,category,item,amount,unit\nA,2023,heat,蒸汽,1,GJ\n"
        "A,2023,heat,蒸汽,1,GJ,extra\n",
        encoding="utf-8",
    )
    error = only_error(errors_of(lambda: read_activities(path)))
    assert "ragged.csv, row 3" in str(error)
    assert "7 cells where row 1 has 6" in str(error) and "no more cells" in str(error)


def test_text_in_an_unknown_encoding(tmp_path, errors_of):
    path = tmp_path / "binary.csv"
    path.write_bytes(b"subject,period\n\xff\xfe\xff,2023\n")
    assert "neither UTF-8 nor GBK" in str(errors_of(lambda: read_activities(path)))


def test_a_file_that_is_not_a_workbook(tmp_path, errors_of):
    path = tmp_path / "fake.xlsx"
    path.write_text("not a zip", encoding="utf-8")
    assert "cannot open the workbook" in str(errors_of(lambda: read_activities(path)))


def test_a_check_that_cannot_run_is_reported_not_ignored():
    failure_cases = pd.DataFrame(
        {
            "column": ["amount"],
            "check": ["non_negative"],
            "failure_case": ["TypeError()"],
            "index": [None],
        }
    )
    problems = Problems("table.csv", ["amount"])
    problems.add_failure_cases(failure_cases, {"amount": "a number ≥ 0"})
    with pytest.raises(InputErrors, match=r"table.csv, column 'amount': check non_negative"):
        problems.raise_if_any()
