"""The `carbonctl allocate` and `carbonctl evaluate` contracts on the worked examples' cities."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from carbonctl.cli import app

runner = CliRunner()
DOCS = Path(__file__).parents[2] / "docs" / "examples"
DATA = Path(__file__).parents[1] / "data"


def run(*args: object):
    return runner.invoke(app, [str(a) for a in args])


@pytest.mark.parametrize(
    "method", ["equal", "grandfather", "per-capita", "gdp", "zsg-dea", "entropy-index"]
)
def test_allocate_json_contract_meets_the_target(method):
    extra = []
    if method == "entropy-index":
        extra = [
            "--indicators",
            "gdp_per_capita,carbon_intensity,co2_per_capita,non_coal_share",
            "--negative",
            "non_coal_share",
        ]
    result = run(
        "allocate",
        DOCS / "allocation_input.csv",
        "--method",
        method,
        "--target",
        "0.17",
        "--json",
        *extra,
    )
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert set(summary) == {"method", "target", "achieved", "regions"}
    assert summary["achieved"] == pytest.approx(0.17, abs=1e-9)
    assert set(summary["regions"]) == {"City_A", "City_B", "City_C", "City_D", "City_E"}
    assert all(set(r) == {"reduction", "cap_tco2"} for r in summary["regions"].values())


def test_entropy_index_reproduces_the_worked_example():
    expected = pd.read_csv(DATA / "worked_allocation_entropy_index.csv").set_index("city")
    result = run(
        "allocate",
        DOCS / "allocation_input.csv",
        "--method",
        "entropy-index",
        "--target",
        "0.17",
        "--indicators",
        "gdp_per_capita,carbon_intensity,co2_per_capita,non_coal_share",
        "--negative",
        "non_coal_share",
        "--json",
    )
    regions = json.loads(result.stdout)["regions"]
    for city, figures in regions.items():
        assert figures["reduction"] == pytest.approx(
            expected.loc[city, "assigned_intensity_reduction"], abs=1e-6
        )


def test_shapley_from_the_game_table():
    result = run(
        "allocate",
        DATA / "worked_shapley_game.csv",
        "--method",
        "shapley",
        "--value-column",
        "v_10kCNY",
        "--json",
    )
    regions = json.loads(result.stdout)["regions"]
    assert [regions[c]["shapley_value"] for c in ("City_A", "City_B", "City_C")] == [
        5575.0,
        6537.5,
        1637.5,
    ]


def test_allocate_bad_input_exits_2(tmp_path):
    bad = tmp_path / "regions.csv"
    bad.write_text("region,population,gdp_base,gdp_target,co2_base\nA,1,0,1,5\n")
    result = run("allocate", bad, "--method", "equal", "--target", "0.17", "--json")
    assert result.exit_code == 2
    assert "row 2" in result.stderr and "gdp_base" in result.stderr
    assert run("allocate", bad, "--method", "magic", "--target", "0.1").exit_code == 2


def test_evaluate_json_contract_and_the_worked_ranking():
    result = run(
        "evaluate",
        DOCS / "evaluation_input.csv",
        "--method",
        "entropy-topsis",
        "--negative",
        "co2_per_capita_t,co2_intensity_t_per_10kCNY",
        "--json",
    )
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert {"method", "weights", "regions"} <= set(summary)
    assert sum(summary["weights"].values()) == pytest.approx(1.0)
    expected = pd.read_csv(DATA / "worked_topsis_scores.csv")
    ranks = {r: f["rank"] for r, f in summary["regions"].items()}
    assert ranks == dict(zip(expected["city"], expected["rank"], strict=True))


def test_evaluate_with_an_inconsistent_ahp_matrix_exits_2(tmp_path):
    matrix = tmp_path / "ahp.csv"
    matrix.write_text(
        "indicator,non_fossil_share,forest_cover,green_power_share\n"
        "non_fossil_share,1,9,1/9\nforest_cover,1/9,1,9\ngreen_power_share,9,1/9,1\n"
    )
    table = tmp_path / "cities.csv"
    table.write_text(
        "region,non_fossil_share,forest_cover,green_power_share\n"
        "A,0.1,0.2,0.3\nB,0.2,0.1,0.4\nC,0.3,0.3,0.1\n"
    )
    result = run("evaluate", table, "--method", "ahp-topsis", "--weights", matrix, "--json")
    assert result.exit_code == 2
    assert "CR" in result.stderr


def test_allocate_with_bounds_meets_the_target_within_them():
    result = run(
        "allocate",
        DOCS / "allocation_input.csv",
        "--method",
        "gdp",
        "--target",
        "0.17",
        "--floor",
        "0.05",
        "--ceiling",
        "0.25",
        "--json",
    )
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["achieved"] == pytest.approx(0.17, abs=1e-9)
    assert all(0.05 - 1e-12 <= r["reduction"] <= 0.25 + 1e-12 for r in summary["regions"].values())


def test_allocate_with_bounds_that_cannot_meet_the_target_is_exit_2():
    result = run(
        "allocate",
        DOCS / "allocation_input.csv",
        "--method",
        "equal",
        "--target",
        "0.17",
        "--floor",
        "0.3",
    )
    assert result.exit_code == 2 and "lower the floor" in result.stderr
