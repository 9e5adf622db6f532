"""The tables a province really has (issue 16 item 2): one folder read into canonical blocks of
months — year-to-date figures differenced, January–February kept as one two-month block, annual
rows, coarse classes, Chinese names and headers, 亿kWh and 万吨, CSV, XLSX and Parquet — and
every bad row named by file, row and column."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from carbonctl.electricity.province import (
    baseline_estimates,
    baseline_scores,
    parse_period,
    period_total,
    read_province_data,
)
from carbonctl.errors import InputError, InputErrors

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "province_data"
E8 = 1e8  # 亿kWh in kWh


def block(table: pd.DataFrame, region: str, key: str, year: int, first: int) -> pd.Series:
    rows = table[
        (table["region"] == region)
        & (table["key"] == key)
        & (table["year"] == year)
        & (table["first_month"] == first)
    ]
    assert len(rows) == 1, (region, key, year, first)
    return rows.iloc[0]


def test_the_example_folder_reads_into_blocks():
    data = read_province_data(EXAMPLE)
    power = data.electricity
    janfeb = block(power, "140000", "ALL", 2024, 1)
    assert janfeb["months"] == 2 and janfeb["amount"] == pytest.approx(501.3 * E8)
    assert block(power, "140000", "ALL", 2024, 3)["amount"] == pytest.approx(248.6 * E8)
    # 1–4月累计 998.2 less 1–2月 501.3 less March 248.6 given as a month
    april = block(power, "140000", "ALL", 2024, 4)
    assert april["months"] == 1 and april["amount"] == pytest.approx((998.2 - 501.3 - 248.6) * E8)
    assert {"P1", "P2", "P3", "B"} <= set(power["key"])  # the three industries and residents
    assert block(power, "140100", "A02", 2024, 3)["level"] == "city"  # 太原市 工业
    solar = block(data.generation, "140000", "solar", 2023, 1)
    assert solar["months"] == 12  # a year given as a whole
    coke = data.output[data.output["key"] == "coke"].set_index("first_month")["amount"]
    assert coke.to_dict() == {1: pytest.approx(780e4), 2: pytest.approx(760e4)}
    assert data.annual.set_index(["region", "year"]).loc[("140100", 2023), "tco2"] == 61e6
    coverage = data.coverage()
    assert coverage["annual"]["years"] == [2022, 2023]
    assert coverage["electricity"]["levels"] == ["city", "province"]
    assert coverage["generation"]["annual_rows"] == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03", (2024, 3)),
        ("2024-3", (2024, 3)),
        ("2024.03", (2024, 3)),
        ("2024年3月", (2024, 3)),
        ("202403", (2024, 3)),
        ("2024", (2024, None)),
        ("2024年", (2024, None)),
    ],
)
def test_periods_as_people_write_them(text, expected):
    assert parse_period(text) == expected


@pytest.mark.parametrize("text", ["2024-13", "24-03", "March 2024", ""])
def test_bad_periods_are_refused(text):
    with pytest.raises(ValueError):
        parse_period(text)


def folder(tmp_path: Path, **files: str) -> Path:
    (tmp_path / "annual.csv").write_text("region,year,sector,tco2\n山西,2023,ALL,1\n")
    for name, text in files.items():
        (tmp_path / f"{name}.csv").write_text(text, encoding="utf-8")
    return tmp_path


def test_a_month_and_the_year_to_date_must_agree(tmp_path):
    text = (
        "region,period,sector,amount,unit,basis\n"
        "山西,2024-01,ALL,100,万kWh,month\n"
        "山西,2024-02,ALL,90,万kWh,month\n"
        "山西,2024-02,ALL,250,万kWh,ytd\n"
    )
    with pytest.raises(InputErrors) as error:
        read_province_data(folder(tmp_path, electricity=text))
    assert "given twice with different amounts" in str(error.value)
    agreeing = text.replace("250,万kWh,ytd", "190,万kWh,ytd")
    data = read_province_data(folder(tmp_path, electricity=agreeing))
    assert data.electricity["amount"].tolist() == [100e4, 90e4]


def test_a_decreasing_year_to_date_is_refused(tmp_path):
    text = (
        "region,period,sector,amount,unit,basis\n"
        "山西,2024-03,ALL,300,万kWh,ytd\n"
        "山西,2024-05,ALL,250,万kWh,ytd\n"
    )
    with pytest.raises(InputErrors, match="below 1–3月累计"):
        read_province_data(folder(tmp_path, electricity=text))


def test_a_gap_in_the_year_to_date_is_a_block_and_missing_months_are_normal(tmp_path):
    text = (
        "region,period,sector,amount,unit,basis\n"
        "山西,2024-02,ALL,200,万kWh,ytd\n"
        "山西,2024-06,ALL,700,万kWh,ytd\n"
        "山西,2024-09,ALL,1000,万kWh,ytd\n"
    )
    data = read_province_data(folder(tmp_path, electricity=text))
    spans = data.electricity[["first_month", "months", "amount"]].values.tolist()
    assert spans == [[1, 2, 200e4], [3, 4, 500e4], [7, 3, 300e4]]


def test_bad_rows_are_named_by_file_row_and_column(tmp_path):
    text = (
        "地区,期间,分类,数量,单位\n"
        "太原,2024-01,工业,10,亿千瓦时\n"
        "北京,2024-01,工业,10,亿千瓦时\n"
        "太原,2024-13,工业,10,亿千瓦时\n"
        "太原,2024-01,钢铁,10,亿千瓦时\n"
        "太原,2024-01,工业,-1,亿千瓦时\n"
        "太原,2024-01,工业,10,万吨\n"
    )
    with pytest.raises(InputErrors) as error:
        read_province_data(folder(tmp_path, electricity=text))
    found = {(e.file, e.row, e.column) for e in error.value.errors}
    assert found == {
        ("electricity.csv", 3, "region"),
        ("electricity.csv", 4, "period"),
        ("electricity.csv", 5, "sector"),
        ("electricity.csv", 6, "amount"),
        ("electricity.csv", 7, "unit"),
    }


def test_unknown_fuels_and_products_name_the_closest(tmp_path):
    generation = "region,period,fuel,amount,unit\n山西,2024-01,火力,1,亿kWh\n"
    with pytest.raises(InputErrors) as error:
        read_province_data(
            folder(
                tmp_path, electricity="region,period,sector,amount,unit\n", generation=generation
            )
        )
    assert "火电" in str(error.value)


def test_a_missing_column_and_a_missing_table(tmp_path):
    with pytest.raises(InputError, match="no electricity table"):
        read_province_data(folder(tmp_path))
    with pytest.raises(InputError, match="missing column"):
        read_province_data(folder(tmp_path, electricity="region,period,amount\n"))


def test_xlsx_and_parquet_read_the_same(tmp_path):
    csv = read_province_data(EXAMPLE)
    for suffix in (".xlsx", ".parquet"):
        target = tmp_path / suffix.strip(".")
        shutil.copytree(EXAMPLE, target)
        source = target / "用电量.csv"
        table = pd.read_csv(source, dtype=str)
        source.unlink()
        if suffix == ".xlsx":
            table.to_excel(target / "用电量.xlsx", index=False)
        else:
            table.to_parquet(target / "用电量.parquet", index=False)
        read = read_province_data(target).electricity
        pd.testing.assert_frame_equal(
            read.drop(columns="rows"), csv.electricity.drop(columns="rows"), check_dtype=False
        )


def test_the_cli_shows_the_coverage_and_exits_2_on_bad_data(tmp_path):
    import json

    from typer.testing import CliRunner

    from carbonctl.cli import app

    runner = CliRunner()
    shown = runner.invoke(app, ["electricity", "check-data", str(EXAMPLE), "--json"])
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["electricity"]["keys"] == ["A02", "ALL", "B", "P1", "P2", "P3"]
    bad = folder(tmp_path, electricity="region,period,sector,amount,unit\n北京,2024-01,ALL,1,kWh\n")
    refused = runner.invoke(app, ["electricity", "check-data", str(bad)])
    assert refused.exit_code == 2 and "row 2" in refused.output and "region" in refused.output


# --- totals and baselines -------------------------------------------------------------------


def known_process(tmp_path: Path) -> Path:
    """A province whose CO2 moves exactly with thermal generation and not with electricity:
    2019–2022, thermal +10 %, −5 %, +20 % a year, electricity +3 % a year; CO2 of 2019 100 Mt.
    January–February is published together every year (1–2月累计), the rest month by month."""
    thermal = {2019: 1000.0, 2020: 1100.0, 2021: 1045.0, 2022: 1254.0}
    power = {y: 2000.0 * 1.03 ** (y - 2019) for y in thermal}
    co2 = {y: 100e6 * thermal[y] / thermal[2019] for y in thermal}
    (tmp_path / "annual.csv").write_text(
        "region,year,sector,tco2\n" + "".join(f"山西,{y},ALL,{t}\n" for y, t in co2.items())
    )
    lines = ["region,period,sector,amount,unit,basis"]
    generation = ["region,period,fuel,amount,unit,basis"]
    for year in thermal:
        lines.append(f"山西,{year}-02,全社会,{power[year] / 6:.6f},亿kWh,ytd")
        generation.append(f"山西,{year}-02,火电,{thermal[year] / 6:.6f},亿kWh,ytd")
        for month in range(3, 13):
            lines.append(f"山西,{year}-{month:02d},全社会,{power[year] / 12:.6f},亿kWh,month")
            generation.append(f"山西,{year}-{month:02d},火电,{thermal[year] / 12:.6f},亿kWh,month")
    (tmp_path / "electricity.csv").write_text("\n".join(lines) + "\n")
    (tmp_path / "generation.csv").write_text("\n".join(generation) + "\n")
    return tmp_path


def test_period_totals_use_whole_blocks_only(tmp_path):
    data = read_province_data(known_process(tmp_path))
    total = data.electricity
    assert period_total(total, "140000", "ALL", 2019) == pytest.approx(2000 * E8)
    assert period_total(total, "140000", "ALL", 2019, 6) == pytest.approx(1000 * E8)
    assert period_total(total, "140000", "ALL", 2019, 1) is None  # inside the Jan–Feb block
    assert period_total(total, "140000", "ALL", 2018) is None


def test_baselines_on_a_known_process(tmp_path):
    data = read_province_data(known_process(tmp_path))
    estimates = baseline_estimates(data).set_index("year")
    assert estimates.index.tolist() == [2020, 2021, 2022]
    # CO2 follows thermal exactly: the thermal ratio is exact, persistence misses the change
    assert (estimates["thermal_ratio"] / estimates["actual"]).tolist() == pytest.approx([1] * 3)
    assert estimates.loc[2020, "persistence"] == pytest.approx(100e6)
    assert estimates.loc[2021, "electricity_ratio"] == pytest.approx(110e6 * 1.03)
    scores = baseline_scores(data)["province"]
    assert scores["thermal_ratio"] == pytest.approx(0.0, abs=1e-7)  # figures rounded to 1e-6 亿kWh
    assert scores["persistence"] == pytest.approx(
        (abs(100 / 110 - 1) + abs(110 / 104.5 - 1) + abs(104.5 / 125.4 - 1)) / 3
    )
    # the January–June early estimate uses the same months of both years
    early = baseline_scores(data, through_month=6)["province"]
    assert early["thermal_ratio"] == pytest.approx(0.0, abs=1e-7)  # figures rounded to 1e-6 亿kWh
