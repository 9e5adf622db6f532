"""`carbonctl refdata`: the reference-data browser."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from carbonctl.cli import app

runner = CliRunner()


def run(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def test_refdata_list_and_show():
    listed = run("refdata", "list")
    assert listed.exit_code == 0
    assert "fuel_factors" in listed.stdout and "NDRC-2013-guidelines" in listed.stdout
    shown = run("refdata", "show", "天然气", "--json")
    records = json.loads(shown.stdout)
    assert {r["factor_set"] for r in records} == {"GB/T 32150-2015", "NDRC-2013-guidelines"}
    assert all(r["status"].startswith("SECONDARY") for r in records)
    grid = json.loads(run("refdata", "show", "grid_factors", "--json").stdout)
    shanxi = {r["data_year"]: r["value_tCO2_per_MWh"] for r in grid if r["region"] == "山西"}
    assert shanxi == {"2021": "0.7222", "2022": "0.7096", "2023": "0.6634"}


def test_refdata_show_unknown_name_suggests_close_ones():
    result = run("refdata", "show", "天燃气")
    assert result.exit_code == 2
    assert "天然气" in result.stderr
