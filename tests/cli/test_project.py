"""The `carbonctl project assess` and `template` contract: the --json object of issue 15 item 5
(keys and types), the Rich report, and exit code 2 naming the field on bad filings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from carbonctl.cli import app

runner = CliRunner()
EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "project_methanol.json"


def run(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def filing(tmp_path: Path, **changes: object) -> Path:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data.update(changes)
    path = tmp_path / "project.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_json_has_exactly_the_contract_keys_and_types():
    result = run("project", "assess", EXAMPLE, "--json")
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert set(out) == {
        "comprehensive_energy_tce",
        "co2_t",
        "review_level",
        "two_high",
        "prohibited",
        "benchmark",
        "decision_hints",
    }
    assert set(out["comprehensive_energy_tce"]) == {"equivalent", "equal_value"}
    assert all(isinstance(v, float) for v in out["comprehensive_energy_tce"].values())
    assert set(out["co2_t"]) == {"combustion", "process", "electricity", "heat", "total"}
    assert all(isinstance(v, float) for v in out["co2_t"].values())
    assert out["review_level"] in ("province", "city", "exempt")
    assert isinstance(out["two_high"], bool) and isinstance(out["prohibited"], bool)
    for entry in out["benchmark"].values():
        assert set(entry) == {"value", "benchmark", "baseline", "grade"}
        assert entry["grade"] in ("benchmark", "between", "below_baseline")
        assert all(isinstance(entry[k], float) for k in ("value", "benchmark", "baseline"))
    assert out["decision_hints"] and all(isinstance(h, str) for h in out["decision_hints"])
    assert out["comprehensive_energy_tce"]["equivalent"] == pytest.approx(338320.0)
    assert out["review_level"] == "province" and out["two_high"] and not out["prohibited"]


def test_readable_report_shows_the_figures_and_hints():
    result = run("project", "assess", EXAMPLE)
    assert result.exit_code == 0, result.stderr
    for text in ("338,320.00", "1,692,325.1", "省级 province", "达到标杆 benchmark", "原料用能"):
        assert text in result.stdout


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"kind": "retrofit"}, "column 'baseline'"),
        ({"activities": []}, "column 'activities'"),
        (
            {"activities": [{"category": "combustion", "item": "泥煤", "amount": 1, "unit": "t"}]},
            "row 1, column 'item': unknown fuel '泥煤'",
        ),
        (
            {"activities": [{"category": "electricity", "item": "电力", "amount": 1, "unit": "t"}]},
            "row 1, column 'unit'",
        ),
        (
            {
                "products": [
                    {
                        "product": "煤制甲醇",
                        "capacity": -1,
                        "unit": "t",
                        "design_specific_energy": 1,
                        "specific_energy_unit": "kgce/t",
                    }
                ]
            },
            "column 'products[0].capacity'",
        ),
    ],
)
def test_bad_filings_exit_2_naming_the_field(tmp_path, changes, named):
    result = run("project", "assess", filing(tmp_path, **changes), "--json")
    assert result.exit_code == 2
    assert named in result.stderr
    assert result.stdout == ""


def test_prohibited_coking_project(tmp_path):
    coke = {
        "product": "焦炭（顶装焦炉）",
        "capacity": 100,
        "unit": "万t/a",
        "design_specific_energy": 110,
        "specific_energy_unit": "kgce/t",
    }
    path = filing(tmp_path, industry="2521", products=[coke])
    out = json.loads(run("project", "assess", path, "--json").stdout)
    assert out["prohibited"] is True and out["two_high"] is True
    assert out["decision_hints"][0].startswith("禁止新增产能")


def test_template_writes_a_workbook_that_assesses_like_the_json(tmp_path):
    out = tmp_path / "methanol.xlsx"
    result = run("project", "template", out, "--example", EXAMPLE)
    assert result.exit_code == 0, result.stderr
    from_xlsx = json.loads(run("project", "assess", out, "--json").stdout)
    from_json = json.loads(run("project", "assess", EXAMPLE, "--json").stdout)
    assert from_xlsx == from_json


def test_template_refuses_another_suffix(tmp_path):
    result = run("project", "template", tmp_path / "t.csv")
    assert result.exit_code == 2 and "'.csv' is not .xlsx" in result.stderr
    assert not (tmp_path / "t.csv").exists()


def test_workbook_option_writes_the_calculation_and_keeps_the_json(tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "calc.xlsx"
    plain = run("project", "assess", EXAMPLE, "--json")
    result = run("project", "assess", EXAMPLE, "--json", "--workbook", out)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == plain.stdout  # the JSON contract is byte-identical
    assert f"calculation workbook written to {out}" in result.stderr
    book = load_workbook(out)
    assert book.sheetnames[:2] == ["结论摘要 Summary", "输入 Inputs"]
    energy = book["能源与排放 Energy and CO2"]
    assert energy.cell(row=2, column=5).value == pytest.approx(338_320.0)
    report = run("project", "assess", EXAMPLE, "--workbook", tmp_path / "again.xlsx")
    assert report.exit_code == 0 and "calculation workbook written to" in report.stdout


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("missing/calc.xlsx", "cannot write the workbook"),
        ("calc.csv", "column '--workbook': '.csv' is not .xlsx"),
    ],
)
def test_workbook_option_with_a_bad_path_exits_2(tmp_path, target, message):
    path = tmp_path / target
    result = run("project", "assess", EXAMPLE, "--json", "--workbook", path)
    assert result.exit_code == 2
    assert str(path) in result.stderr and message in result.stderr
    assert result.stdout == "" and not path.exists()
