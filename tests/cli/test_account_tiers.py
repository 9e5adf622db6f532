"""`carbonctl account --uncertainty N` with data-quality tiers: a row's own data_tier column
(数据质量等级) or the tier derived from a meter register (--meters) sets its activity range; the
JSON states each row's tier and the tiers used; a bad tier is a located error (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from carbonctl.accounting import account
from carbonctl.cli import app
from carbonctl.io import read_activities
from carbonctl.metrology import read_meters, row_tiers

runner = CliRunner()
E1, E2 = "91140000AAAAAAAA1X", "91140000BBBBBBBB2Y"
HEADER = "subject,period,category,item,amount,unit,region"
ROWS = [
    f"{E1},2024,combustion,焦炭,1000,t,",
    f"{E2},2024,combustion,焦炭,800,t,",
]
MIXED = [
    f"{E1},2024,combustion,焦炭,1000,t,",
    f"{E1},2024-12,combustion,烟煤,500,t,",
    f"{E1},2024,electricity,电力,100,万kWh,山西",
    f"{E1},2024,process,石灰石,300,t,",
    f"{E2},2024,heat,蒸汽,2000,GJ,",
]
METERS = (
    "meter_id,enterprise,measures,level,accuracy_class,installed_on,certificate,calibrated_on,"
    "due_on\n"
    f"M1,{E1},焦炭,进出用能单位,0.1,2020-01-01,C1,2023-06-01,2024-12-31\n"
    f"M2,{E2},coke,unit,0.1,2020-01-01,C2,2023-06-01,2025-06-30\n"
    f"M3,{E1},煤炭,unit,1.0,2020-01-01,C3,2023-06-01,2024-12-30\n"
    f"M4,{E1},电力,unit,0.5,2020-01-01,,,\n"
    f"M5,{E2},蒸汽,equipment,2.0,2020-01-01,C5,2023-06-01,2026-06-30\n"
)


def write(tmp_path: Path, lines: list[str], header: str = HEADER, name: str = "a.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def meters(tmp_path: Path) -> Path:
    path = tmp_path / "meters.csv"
    path.write_text(METERS, encoding="utf-8")
    return path


def run(*args: object) -> dict:
    result = runner.invoke(app, ["account", *map(str, args), "--json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def width(summary: dict) -> float:
    total = summary["uncertainty"]["total"]
    return (total["minus_pct"] + total["plus_pct"]) / 2


def test_calibrated_meters_narrow_and_estimates_widen_the_interval(tmp_path):
    n = ("--uncertainty", 4000, "--seed", 11)
    default = run(write(tmp_path, ROWS), *n)
    calibrated = run(write(tmp_path, ROWS), *n, "--meters", meters(tmp_path))
    estimated = run(
        write(tmp_path, [r + ",估算（无计量器具）" for r in ROWS], HEADER + ",数据质量等级"), *n
    )
    assert "data_tiers" not in default
    assert [r["tier"] for r in calibrated["data_tiers"]["rows"]] == ["metered_calibrated"] * 2
    assert [r["from"] for r in estimated["data_tiers"]["rows"]] == ["input"] * 2
    assert width(calibrated) < width(default) < width(estimated)
    # the totals are the same; only the interval changes, and the tiers are assumptions
    assert calibrated["total_tco2"] == default["total_tco2"] == estimated["total_tco2"]
    assumed = [a for a in estimated["uncertainty"]["assumptions_status"] if a["category"] == "tier"]
    assert [a["kind"] for a in assumed] == ["estimated"]
    used = calibrated["data_tiers"]["used"]
    assert list(used) == ["metered_calibrated"] and used["metered_calibrated"]["rows"] == 2
    assert used["metered_calibrated"]["activity_half_width_95_pct"] == 2.0
    assert used["metered_calibrated"]["status"] == "DESIGN PROPOSAL"


def test_meters_derivation_matches_the_core_and_keeps_the_contract_keys(tmp_path):
    path, register = write(tmp_path, MIXED), meters(tmp_path)
    summary = run(path, "--meters", register, "--uncertainty", 200)
    assert {"factor_set", "rows", "total_tco2", "by_category", "by_subject", "uncertainty"} < set(
        summary
    )
    rows = account(read_activities(path)).rows
    core = row_tiers(rows, read_meters(register))
    stated = summary["data_tiers"]["rows"]
    assert [r["row"] for r in stated] == [2, 3, 4, 5, 6]
    assert [r["tier"] for r in stated] == list(core["tier"])
    assert [r["tier"] for r in stated] == [
        "metered_calibrated",  # coke meter valid through 2024-12-31
        "metered",  # the coal meter's calibration ends a day before December does
        "metered",  # the electricity meter was never calibrated
        "estimated",  # a process row has no metered carrier
        "estimated",  # a steam meter at equipment level does not count
    ]
    assert [r["measures"] for r in stated] == ["coke", "coal", "electricity", None, "steam"]
    assert {k: v["rows"] for k, v in summary["data_tiers"]["used"].items()} == {
        "metered_calibrated": 1,
        "metered": 2,
        "estimated": 2,
    }


def test_a_rows_own_tier_wins_over_the_meters(tmp_path):
    lines = [MIXED[0] + ",estimated", MIXED[1] + ",", MIXED[3] + ",metered_calibrated"]
    path = write(tmp_path, lines, HEADER + ",data_tier")
    stated = run(path, "--meters", meters(tmp_path))["data_tiers"]["rows"]
    assert [(r["tier"], r["from"]) for r in stated] == [
        ("estimated", "input"),
        ("metered", "meters"),
        ("metered_calibrated", "input"),
    ]


def test_a_bad_tier_exits_2_naming_file_row_and_column(tmp_path):
    lines = [ROWS[0] + ",metered", ROWS[1] + ",measured"]
    path = write(tmp_path, lines, HEADER + ",数据来源")
    result = runner.invoke(app, ["account", str(path), "--uncertainty", "100", "--json"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert f"{path}, row 3, column 'data_tier'" in result.stderr
    assert "'measured' is not a tier" in result.stderr
    assert "row 2" not in result.stderr


def test_a_bad_meter_register_exits_2_naming_its_row(tmp_path):
    register = tmp_path / "bad_meters.csv"
    register.write_text(METERS.replace("焦炭,进出用能单位", "木柴,进出用能单位"), encoding="utf-8")
    result = runner.invoke(app, ["account", str(write(tmp_path, ROWS)), "--meters", str(register)])
    assert result.exit_code == 2
    assert "bad_meters.csv, row 2, column 'measures'" in result.stderr


def test_the_readable_output_names_the_tiers(tmp_path):
    path = write(tmp_path, MIXED)
    result = runner.invoke(
        app, ["account", str(path), "--uncertainty", "200", "--meters", str(meters(tmp_path))]
    )
    assert result.exit_code == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert "95% interval" in text
    assert "metered_calibrated 1, metered 2, estimated 2" in text
