"""The `carbonctl account` and `inventory` contract: options, the --json object, exit code 2 on
bad input with nothing written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from carbonctl.cli import app
from carbonctl.demo import INVENTORY, demo_file

runner = CliRunner()
HEADER = "subject,period,category,item,amount,unit,region,ncv,carbon_content,oxidation_rate\n"
GOOD = HEADER + (
    "钢厂,2023,combustion,焦炭,1000,t,,,,\n"
    "钢厂,2023,combustion,天然气,10,万Nm3,,,,\n"
    "钢厂,2023,electricity,电力,100,万kWh,山西,,,\n"
    "电厂,2023-06,combustion,原煤,5000,t,,20.9,0.0262,0.93\n"
    "电厂,2023,heat,蒸汽,2000,GJ,,,,\n"
    "电厂,2023,process,石灰石,300,t,,,,\n"
)


def write(tmp_path: Path, text: str, name: str = "activity.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def test_json_summary_has_the_contract_keys_and_consistent_totals(tmp_path):
    result = run("account", write(tmp_path, GOOD), "--json")
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert set(summary) == {"factor_set", "rows", "total_tco2", "by_category", "by_subject"}
    assert summary["factor_set"] == "GB/T 32150-2015"
    assert summary["rows"] == 6
    assert set(summary["by_category"]) == {"combustion", "electricity", "heat", "process"}
    assert sum(summary["by_category"].values()) == pytest.approx(summary["total_tco2"])
    assert sum(summary["by_subject"].values()) == pytest.approx(summary["total_tco2"])
    # electricity: 1000 MWh x Shanxi 2023 provincial factor 0.6634
    assert summary["by_category"]["electricity"] == pytest.approx(663.4)
    assert summary["by_category"]["heat"] == pytest.approx(220.0)


def test_grid_basis_switches_the_electricity_factor(tmp_path):
    path = write(tmp_path, GOOD)
    by_basis = {
        basis: json.loads(run("account", path, "--json", "--grid-basis", basis).stdout)
        for basis in ("provincial", "national", "ets")
    }
    assert by_basis["provincial"]["by_category"]["electricity"] == pytest.approx(663.4)
    assert by_basis["national"]["by_category"]["electricity"] == pytest.approx(530.6)
    assert by_basis["ets"]["by_category"]["electricity"] == pytest.approx(570.3)


def test_factor_set_option_changes_the_defaults(tmp_path):
    path = write(tmp_path, HEADER + "矿,2023,combustion,无烟煤,1,t,,,,\n")
    gb = json.loads(run("account", path, "--json").stdout)["total_tco2"]
    ndrc = json.loads(
        run("account", path, "--json", "--factor-set", "NDRC-2013-guidelines").stdout
    )["total_tco2"]
    assert gb == pytest.approx(2.521512, abs=1e-6)
    assert ndrc == pytest.approx(1.923781, abs=1e-6)


def test_unknown_factor_set_exits_2_and_lists_the_known_ones(tmp_path):
    result = run("account", write(tmp_path, GOOD), "--factor-set", "IPCC-1996")
    assert result.exit_code == 2
    assert "GB/T 32150-2015" in result.stderr and "NDRC-2013-guidelines" in result.stderr


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_output_file_holds_every_row_with_its_sources(tmp_path, suffix):
    out = tmp_path / f"result.{suffix}"
    result = run("account", write(tmp_path, GOOD), "--output", out)
    assert result.exit_code == 0, result.stderr
    table = pd.read_csv(out) if suffix == "csv" else pd.read_excel(out, engine="calamine")
    assert len(table) == 6
    assert {"row_id", "tco2", "tco2_market", "factor_set", "factor_id", "factor_status"} <= set(
        table.columns
    )
    assert list(table["row_id"]) == [2, 3, 4, 5, 6, 7]


BAD_INPUTS = {
    "missing column": ("subject,period,category,item,unit\nA,2023,combustion,焦炭,t\n", "amount"),
    "unknown fuel": (HEADER + "A,2023,combustion,天燃气,1,万Nm3,,,,\n", "天然气"),
    "unknown unit": (HEADER + "A,2023,combustion,焦炭,1,tonnes?,,,,\n", "unit"),
    "negative amount": (HEADER + "A,2023,combustion,焦炭,-5,t,,,,\n", "amount"),
    "non-numeric amount": (HEADER + "A,2023,combustion,焦炭,abc,t,,,,\n", "amount"),
    "empty file": ("", ""),
    "missing parameter": (HEADER + "A,2023,combustion,原煤,5,t,,,,\n", "ncv"),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_exits_2_names_the_place_and_writes_nothing(tmp_path, case):
    text, expected = BAD_INPUTS[case]
    path = write(tmp_path, text)
    out = tmp_path / "out.csv"
    result = run("account", path, "--output", out, "--json")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "activity.csv" in result.stderr
    assert expected in result.stderr
    if case not in ("missing column", "empty file"):
        assert "row 2" in result.stderr
    assert not out.exists()


def test_wrong_sheet_exits_2_and_lists_the_sheets(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "活动数据"
    for line in GOOD.splitlines():
        sheet.append(line.split(","))
    path = tmp_path / "book.xlsx"
    book.save(path)
    assert run("account", path, "--json").exit_code == 0
    result = run("account", path, "--sheet", "Sheet9", "--json")
    assert result.exit_code == 2
    assert "活动数据" in result.stderr


def test_real_process_exit_code_is_2_on_bad_input(tmp_path):
    """The contract as a script sees it: a separate process and its exit status."""
    path = write(tmp_path, HEADER + "A,2023,combustion,焦炭,abc,t,,,,\n")
    done = subprocess.run(
        [sys.executable, "-m", "carbonctl", "account", str(path), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert "row 2" in done.stderr


def test_uncertainty_adds_an_interval_around_the_total(tmp_path):
    result = run("account", write(tmp_path, GOOD), "--json", "--uncertainty", "500")
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    total = summary["uncertainty"]["total"]
    assert total["low_tco2"] < summary["total_tco2"] < total["high_tco2"]


def test_inventory_json_on_the_demo_table():
    result = run("inventory", demo_file(INVENTORY), "--json")
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["total_tco2"] / 1e6 == pytest.approx(564.8633, abs=1e-3)
    assert summary["excluded_non_energy_rows"] == 1
    assert len(summary["by_fuel"]) == 18
