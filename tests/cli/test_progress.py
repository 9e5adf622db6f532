"""The `carbonctl progress` contract: the JSON keys, the published schedule, exit code 2."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from carbonctl.cli import app

runner = CliRunner()


def test_progress_json_contract_on_the_17_percent_target():
    result = runner.invoke(
        app,
        [
            "progress",
            "--target",
            "0.17",
            "--base-year",
            "2025",
            "--year",
            "2027",
            "--achieved",
            "0.08",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.stderr
    figures = json.loads(result.stdout)
    assert set(figures) == {
        "annual_required",
        "required_cumulative",
        "remaining_required",
        "completion_rate",
    }
    assert figures["annual_required"] == pytest.approx(1 - 0.83**0.2)
    assert figures["required_cumulative"] == pytest.approx(1 - 0.83**0.4)
    assert figures["completion_rate"] == pytest.approx(0.08 / (1 - 0.83**0.4))


def test_without_achieved_the_progress_figures_are_null():
    result = runner.invoke(
        app, ["progress", "--target", "0.18", "--base-year", "2020", "--year", "2021", "--json"]
    )
    figures = json.loads(result.stdout)
    assert figures["annual_required"] == pytest.approx(0.038913, abs=5e-7)  # progress_schedule
    assert figures["remaining_required"] is None and figures["completion_rate"] is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--target", "17", "--base-year", "2025", "--year", "2027"], "0.17"),
        (["--target", "0.17", "--base-year", "2025", "--year", "2035"], "2035"),
    ],
)
def test_bad_input_exits_2(args, message):
    result = runner.invoke(app, ["progress", *args, "--json"])
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""
