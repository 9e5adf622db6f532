"""The `carbonctl ets allocate`, `ets comply` and `enterprise grade` contracts of issue 18: the
--json objects (keys and values, the worked ETS unit), CSV and XLSX alike, and exit code 2 naming
unit and value when a reference value is missing."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from carbonctl.cli import app

runner = CliRunner()
DATA = Path(__file__).parents[1] / "data"


def run(*args: object):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def worked() -> dict[str, float]:
    table = pd.read_csv(DATA / "worked_ets_unit_example.csv")
    return dict(zip(table["item"], table["value"].astype(float), strict=True))


def units_file(tmp_path: Path, suffix: str, rows: list[dict]) -> Path:
    path = tmp_path / f"units{suffix}"
    table = pd.DataFrame(rows)
    if suffix == ".csv":
        table.to_csv(path, index=False)
    else:
        table.to_excel(path, index=False)
    return path


UNIT = {
    "unit_id": "SX-01",
    "enterprise": "示例热电",
    "unit_category": "300MW等级以上常规燃煤机组",
    "capacity_mw": 660,
    "generation_mwh": 3_300_000,
    "supplied_mwh": 3_120_000,
    "heat_supplied_gj": 0,
}


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_allocate_json_contract_reproduces_the_worked_unit(tmp_path, worked, suffix):
    path = units_file(
        tmp_path, suffix, [UNIT, {**UNIT, "unit_id": "SX-02", "unit_category": "gas"}]
    )
    result = run("ets", "allocate", path, "--year", 2023, "--json")
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["year"] == 2023 and set(out["units"]) == {"SX-01", "SX-02"}
    first = out["units"]["SX-01"]
    assert {"benchmark", "allocation_t", "pre_allocation_t"} <= set(first)
    assert first["benchmark"] == worked["benchmark_tCO2_per_MWh"]
    assert first["allocation_t"] == pytest.approx(worked["allocation_t"], rel=1e-12)
    assert first["pre_allocation_t"] == pytest.approx(worked["pre_allocation_70pct_t"], rel=1e-12)
    assert out["total_t"] == pytest.approx(worked["allocation_t"] + 0.3305 * 3_300_000)


def test_allocate_exits_2_naming_the_unit_and_the_missing_value(tmp_path):
    path = units_file(tmp_path, ".csv", [{**UNIT, "unit_category": "非常规燃煤机组"}])
    result = run("ets", "allocate", path, "--year", 2024)
    assert result.exit_code == 2
    assert "SX-01" in result.stderr and "electricity_benchmark" in result.stderr
    assert "row 2" in result.stderr and result.stdout == ""
    human = run("ets", "allocate", units_file(tmp_path, ".csv", [UNIT]), "--year", 2023)
    assert human.exit_code == 0 and "2,594,130" in human.stdout and "UNCONFIRMED" in human.stdout


def test_comply_json_contract(tmp_path, worked):
    rows = pd.DataFrame(
        [
            {"unit_id": "SX-01", "year": 2023, "unit_category": "conventional coal >300MW",
             "allocation_t": worked["allocation_t"], "verified_t": worked["verified_emissions_t"],
             "ccer_t": 200_000},
            {"unit_id": "SX-02", "year": 2023, "unit_category": "gas", "allocation_t": 500_000,
             "verified_t": 400_000, "ccer_t": 0},
        ]
    )  # fmt: skip
    path = tmp_path / "compliance.csv"
    rows.to_csv(path, index=False)
    result = run("ets", "comply", path, "--json")
    assert result.exit_code == 0, result.stderr
    units = json.loads(result.stdout)["units"]
    first = units["SX-01"]
    keys = {"required_surrender_t", "max_ccer_t", "ccer_used_t", "shortfall_t", "surplus_t"}
    assert keys <= set(first)
    assert first["required_surrender_t"] == worked["required_surrender_t"]
    assert first["max_ccer_t"] == pytest.approx(worked["max_ccer_offset_t"])
    assert first["ccer_used_t"] == pytest.approx(worked["max_ccer_offset_t"])
    gap = worked["required_surrender_t"] - worked["allocation_t"] - worked["max_ccer_offset_t"]
    assert first["shortfall_t"] == pytest.approx(gap) and first["surplus_t"] == 0
    assert units["SX-02"]["surplus_t"] == 100_000 and units["SX-02"]["shortfall_t"] == 0
    table = run("ets", "comply", path)
    assert table.exit_code == 0 and "缺口 shortfall" in table.stdout


def test_comply_bad_file_exits_2_with_row_and_column(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("unit_id,year,unit_category,allocation_t,verified_t,ccer_t\nU,2023,gas,x,1,0\n")
    result = run("ets", "comply", path)
    assert result.exit_code == 2
    assert "row 2" in result.stderr and "'allocation_t'" in result.stderr


def test_enterprise_grade_json_contract(tmp_path):
    path = tmp_path / "grade.csv"
    pd.DataFrame(
        {
            "enterprise": ["甲", "乙", "丙"],
            "industry": ["coking"] * 3,
            "year": [2024] * 3,
            "co2_t": [50.0, 110.0, 150.0],
            "zero_carbon_co2_t": [0.0, 10.0, 0.0],
            "value_added_10k_cny": [100.0, 100.0, 50.0],
        }
    ).to_csv(path, index=False)
    result = run("enterprise", "grade", path, "--json")
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)["enterprises"]
    average = (50 + 100 + 150) / 250
    assert out["甲"]["k"] == pytest.approx(0.5 / average) and out["甲"]["grade"] == 1
    assert out["乙"]["k"] == pytest.approx(1.0 / average) and out["乙"]["grade"] == 3
    assert out["丙"]["k"] == pytest.approx(3.0 / average) and out["丙"]["grade"] == 5
    bad = tmp_path / "bad.csv"
    bad.write_text("enterprise,industry,year,co2_t,zero_carbon_co2_t\n甲,coking,2024,1,0\n")
    failed = run("enterprise", "grade", bad)
    assert failed.exit_code == 2 and "value_added_10k_cny" in failed.stderr


def test_key_units_at_and_around_the_thresholds_from_a_file(tmp_path):
    """`carbonctl enterprise key-units`: 10,000 tce inclusive, 5,000 tce only when listed,
    26,000 tCO2 only in a covered sector from its first year; Chinese headers and 是/否 read."""
    path = tmp_path / "units.csv"
    path.write_text(
        "企业,年份,综合能源消费量,二氧化碳排放量,行业,省级名单\n"
        "at,2024,10000,25999.9,power,\n"
        "below,2024,9999.9,26000,power,否\n"
        "listed,2024,5000,1000,Nonmetal Mineral Products,是\n"
        "unlisted,2024,9000,1000,Nonmetal Mineral Products,否\n"
        "steel23,2023,100,90000,Smelting and Pressing of Ferrous Metals,\n"
        "steel24,2024,100,90000,Smelting and Pressing of Ferrous Metals,\n",
        encoding="utf-8",
    )
    result = run("enterprise", "key-units", path, "--json")
    assert result.exit_code == 0, result.stderr
    units = json.loads(result.stdout)["units"]
    assert units == {
        "at": {"2024": {"key_energy_user": ["energy_10k_tce"]}},
        "below": {"2024": {"ets_unit": ["ets_power"]}},
        "listed": {"2024": {"key_energy_user": ["energy_5k_tce_listed"]}},
        "steel24": {"2024": {"ets_unit": ["ets_steel"]}},
    }
    only_2023 = json.loads(run("enterprise", "key-units", path, "--year", "2023", "--json").stdout)
    assert only_2023["units"] == {}
    table = run("enterprise", "key-units", path)
    assert table.exit_code == 0 and "UNCONFIRMED criteria used" in table.stdout


def test_key_units_bad_listing_exits_2_naming_row_and_column(tmp_path):
    path = tmp_path / "units.csv"
    path.write_text(
        "enterprise,year,energy_tce,co2_t,sector,provincially_listed\n"
        "a,2024,1,1,power,no\nb,2024,1,1,power,maybe\n"
    )
    result = run("enterprise", "key-units", path)
    assert result.exit_code == 2
    assert "row 3" in result.stderr and "provincially_listed" in result.stderr
