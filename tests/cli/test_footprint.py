"""The `carbonctl footprint compute` contract of issue 19: the JSON object, named demands or one
demand called `demand`, CSV and XLSX systems alike, and exit code 2 with the located error."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from carbonctl.cli import app

runner = CliRunner()
EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "footprint" / "steel_cycle"


def run(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def hand_solution() -> dict[str, float]:
    """The example solved densely from its own files (units as the files state them)."""
    # s_steel = 1 + 0.0001 s_elec; s_coke = 0.4 s_steel; s_elec = 500 s_steel + 40 s_coke
    a = np.array([[1.0, -40.0, -500.0], [0.0, 1.0, -0.4], [-0.0001, 0.0, 1.0]])
    direct = np.array([0.8, 350 + 0.5 * 29.8, 1200.0])  # kgCO2e per kWh, t, t (AR6)
    steel = direct @ np.linalg.solve(a, [0, 0, 1.0])
    mixed = direct @ np.linalg.solve(a, [1000.0, 1.0, 0.0])
    return {"steel": steel, "coke and power": mixed}


def test_the_json_contract_on_the_documented_example():
    result = run("footprint", "compute", EXAMPLE, "--demand", EXAMPLE / "demand.csv", "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert set(out) == {"method", "scores", "unit", "top_processes"}
    assert out["method"] == "AR6" and out["unit"] == "kgCO2e"
    for name, expected in hand_solution().items():
        assert out["scores"][name] == pytest.approx(expected, rel=1e-12)
        shares = out["top_processes"][name]
        assert len(shares) <= 10
        assert all(isinstance(p, str) and isinstance(s, float) for p, s in shares)
        assert sum(s for _, s in shares) == pytest.approx(1.0)
        assert [abs(s) for _, s in shares] == sorted((abs(s) for _, s in shares), reverse=True)


def test_one_unnamed_demand_xlsx_files_and_ar5(tmp_path):
    folder = tmp_path / "system"
    folder.mkdir()
    for name in ("processes", "exchanges"):
        pd.read_csv(EXAMPLE / f"{name}.csv").to_excel(folder / f"{name}.xlsx", index=False)
    demand = tmp_path / "demand.csv"
    demand.write_text("process,amount\nsteel,0.5\nsteel,0.5\n", encoding="utf-8")
    out = json.loads(
        run("footprint", "compute", folder, "--demand", demand, "--json", "--method", "AR5").stdout
    )
    assert list(out["scores"]) == ["demand"]
    ar6 = json.loads(run("footprint", "compute", folder, "--demand", demand, "--json").stdout)[
        "scores"
    ]["demand"]
    assert ar6 == pytest.approx(hand_solution()["steel"], rel=1e-12)
    assert out["scores"]["demand"] > ar6  # fossil CH4: 30 (AR5) against 29.8 (AR6)


def test_errors_exit_2_and_say_where(tmp_path):
    demand = tmp_path / "demand.csv"
    demand.write_text("process,amount\nsteal,1\n", encoding="utf-8")
    result = run("footprint", "compute", EXAMPLE, "--demand", demand, "--json")
    assert result.exit_code == 2
    assert "row 2" in result.output and "steal" in result.output and "steel" in result.output
    broken = tmp_path / "broken"
    shutil.copytree(EXAMPLE, broken)
    exchanges = pd.read_csv(broken / "exchanges.csv")
    exchanges.loc[5, "unit"] = "kWh"  # coke used by steel given in kWh
    exchanges.to_csv(broken / "exchanges.csv", index=False)
    result = run("footprint", "compute", broken, "--demand", EXAMPLE / "demand.csv")
    assert result.exit_code == 2
    assert "row 7" in result.output and "'unit'" in result.output
    result = run(
        "footprint", "compute", EXAMPLE, "--demand", EXAMPLE / "demand.csv", "--method", "SAR"
    )
    assert result.exit_code == 2 and "AR6" in result.output


def test_the_background_export_is_a_system_folder(tmp_path):
    assert run("footprint", "background", "--export", tmp_path / "bg").exit_code == 0
    demand = tmp_path / "demand.csv"
    demand.write_text("process,amount\nelec:140000:2023,1000\n", encoding="utf-8")
    out = json.loads(
        run("footprint", "compute", tmp_path / "bg", "--demand", demand, "--json").stdout
    )
    assert out["scores"]["demand"] > 0
    assert out["top_processes"]["demand"][0][0] == "elec:140000:2023"
