"""The `carbonctl warn --input` contract: CSV and XLSX, English and Chinese headers, the JSON list
exactly as specified, the Rich table, and bad rows exiting 2 with nothing printed."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from carbonctl.cli import app

runner = CliRunner()

ENGLISH = [
    "region",
    "year",
    "base_year",
    "target",
    "intensity_base",
    "intensity_previous",
    "intensity",
]
CHINESE = ["地区", "年份", "基准年", "目标", "基准年强度", "上年强度", "本年强度"]
ROWS = [
    ["太原市", 2027, 2025, 0.17, 1.0, 0.97, 0.95],  # far behind: red
    ["大同市", 2027, 2025, 0.17, 1.0, 0.97, 0.93],  # a little behind: yellow
    ["朔州市", 2027, 2025, 0.17, 1.0, 0.90, 0.92],  # ahead but rose: red
    ["City_A", 2026, 2025, 0.17, 2.0, 2.0, 1.9],  # −5 % ≥ 3.66 %: green
]
LEVELS = ["red", "yellow", "red", "green"]


def write_csv(path, headers, rows, encoding="utf-8"):
    lines = [",".join(headers)] + [",".join(str(c) for c in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


def write_xlsx(path, headers, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)  # numbers as numeric cells
    book.save(path)
    return path


@pytest.fixture(params=["csv-en", "csv-zh", "csv-gbk", "xlsx-en", "xlsx-zh"])
def input_file(request, tmp_path):
    kind, language = request.param.split("-")
    headers = ENGLISH if language == "en" else CHINESE
    if kind == "xlsx":
        return write_xlsx(tmp_path / "cities.xlsx", headers, ROWS)
    if language == "gbk":
        return write_csv(tmp_path / "cities.csv", CHINESE, ROWS, encoding="gbk")
    return write_csv(tmp_path / "cities.csv", headers, ROWS)


def test_json_is_the_contracts_list(input_file):
    result = runner.invoke(app, ["warn", "--input", str(input_file), "--json"])
    assert result.exit_code == 0, result.stderr
    warnings = json.loads(result.stdout)
    assert isinstance(warnings, list) and len(warnings) == len(ROWS)
    for warning, row, level in zip(warnings, ROWS, LEVELS, strict=True):
        assert list(warning) == [
            "subject",
            "period",
            "rule",
            "level",
            "value",
            "threshold",
            "message",
        ]
        assert warning["subject"] == row[0]
        assert warning["period"] == str(row[1])
        assert warning["rule"] == "carbon_barometer"
        assert warning["level"] == level
        assert isinstance(warning["value"], float) and isinstance(warning["threshold"], float)
        t = row[1] - row[2]
        assert warning["threshold"] == pytest.approx(1 - 0.83 ** (t / 5), rel=1e-12)
        assert warning["value"] == pytest.approx(1 - row[6] / row[4], rel=1e-12)
        assert warning["message"].startswith(f"{row[0]} {row[1]}年碳排放晴雨表")
    # unrounded fractions, and the numbers in the Chinese message
    assert warnings[0]["threshold"] == 1 - 0.83**0.4
    assert "累计下降5.00%" in warnings[0]["message"] and "7.18%" in warnings[0]["message"]
    assert "不降反升" in warnings[2]["message"]


def test_the_table_shows_each_level_in_chinese_and_keeps_the_rules_status(tmp_path):
    path = write_csv(tmp_path / "cities.csv", ENGLISH, ROWS)
    result = runner.invoke(app, ["warn", "--input", str(path)])
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    for text in ("太原市", "City_A", "红色 red", "黄色 yellow", "绿色 green", "7.18%", "5.00%"):
        assert text in out
    assert "DESIGN PROPOSAL" in out
    assert "两高" in out  # the red level's suggested measure


def test_a_target_of_17_percent_text_is_accepted(tmp_path):
    path = write_csv(tmp_path / "c.csv", ENGLISH, [["A", 2027, 2025, "17%", 1.0, 0.97, 0.93]])
    result = runner.invoke(app, ["warn", "--input", str(path), "--json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)[0]["threshold"] == pytest.approx(1 - 0.83**0.4)


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        (["A", 2027, 2025, 17, 1.0, 0.97, 0.93], "target", "not a fraction"),
        (["A", 2027, 2025, 0.17, 1.0, "x", 0.93], "intensity_previous", "not a number"),
        (["A", 2027, 2025, 0.17, 0, 0.97, 0.93], "intensity_base", "not greater than 0"),
        (["A", 2027, 2025, 0.17, 1.0, 0.97, "1e999"], "intensity", "too large"),
        (["A", 2024, 2025, 0.17, 1.0, 0.97, 0.93], "year", "before the base year"),
        (["", 2027, 2025, 0.17, 1.0, 0.97, 0.93], "region", "blank"),
    ],
)
def test_a_bad_row_exits_2_naming_file_row_and_column_and_prints_nothing(
    tmp_path, row, column, words
):
    path = write_csv(tmp_path / "c.csv", ENGLISH, [ROWS[0], row])
    for args in (["--json"], []):
        result = runner.invoke(app, ["warn", "--input", str(path), *args])
        assert result.exit_code == 2
        assert result.stdout == ""
        assert f"{path}, row 3, column '{column}'" in result.stderr
        assert words in result.stderr


def test_a_missing_column_exits_2(tmp_path):
    path = write_xlsx(tmp_path / "c.xlsx", CHINESE[:6], [r[:6] for r in ROWS])
    result = runner.invoke(app, ["warn", "--input", str(path), "--json"])
    assert result.exit_code == 2 and result.stdout == ""
    assert "row 1, column 'intensity'" in result.stderr and "本年强度" in result.stderr


def test_a_missing_file_exits_2(tmp_path):
    result = runner.invoke(app, ["warn", "--input", str(tmp_path / "none.csv"), "--json"])
    assert result.exit_code == 2 and result.stdout == ""
    assert "file not found" in result.stderr


def test_the_documented_example_gives_the_documented_levels():
    example = Path(__file__).parents[2] / "docs" / "examples" / "barometer_input.csv"
    result = runner.invoke(app, ["warn", "--input", str(example), "--json"])
    assert result.exit_code == 0, result.stderr
    warnings = json.loads(result.stdout)
    assert [(w["subject"], w["level"]) for w in warnings] == [
        ("City_A", "red"),
        ("City_B", "yellow"),
        ("City_C", "red"),
        ("City_D", "green"),
    ]
    documented = (example.parents[1] / "warnings.md").read_text(encoding="utf-8")
    assert warnings[0]["message"] in documented and warnings[2]["message"] in documented
