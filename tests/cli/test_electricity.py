"""`carbonctl electricity aggregate`: the files it writes, its JSON, and its errors (exit 2)."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from carbonctl.cli import app

runner = CliRunner()


def _inputs(tmp_path):
    days = pd.date_range("2024-05-01", periods=40, freq="D")
    readings = pa.table(
        {
            "meter_id": pa.array([11] * 40 + [12] * 40, pa.int64()),
            "ts": pa.array(list(days) * 2, pa.timestamp("us")),
            "kwh": [10.0] * 40 + [2.5] * 40,
        }
    )
    pq.write_table(readings, tmp_path / "readings.parquet")
    (tmp_path / "meters.csv").write_text(
        "meter_id,county,industry\n11,140212,A02.2.18\n12,140525,B2\n", encoding="utf-8"
    )
    return tmp_path / "readings.parquet", tmp_path / "meters.csv"


def test_aggregate_writes_the_contract_files(tmp_path):
    readings, meters = _inputs(tmp_path)
    out = tmp_path / "out"
    args = ["electricity", "aggregate", str(readings), "--meters", str(meters), "--out", str(out)]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["quality"]["readings"] == 80
    month = pd.read_parquet(out / "county_industry_month.parquet").set_index(["county", "month"])
    assert month.loc[("140212", "2024-05"), "kwh"] == 310.0
    assert month.loc[("140525", "2024-06"), "kwh"] == 22.5
    day = pd.read_parquet(out / "county_industry_day.parquet")
    assert list(day.columns) == ["county", "industry", "day", "kwh", "n_readings", "n_flagged"]
    assert len(day) == 80


def test_aggregate_bad_meters_exit_2_and_write_nothing(tmp_path):
    readings, meters = _inputs(tmp_path)
    meters.write_text("meter_id,county,industry\n11,140212,A02.2.18\n12,999999,B2\n")
    out = tmp_path / "out"
    args = ["electricity", "aggregate", str(readings), "--meters", str(meters), "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "row 3" in result.stderr and "'county'" in result.stderr and "999999" in result.stderr
    assert not out.exists()


def test_aggregate_unknown_engine_is_refused(tmp_path):
    readings, meters = _inputs(tmp_path)
    args = [
        "electricity",
        "aggregate",
        str(readings),
        "--meters",
        str(meters),
        "--out",
        str(tmp_path / "o"),
        "--engine",
        "polars",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and "polars" in result.output + result.stderr


def test_synth_writes_meters_readings_dispatch_and_manifest(tmp_path):
    out = tmp_path / "synth"
    args = [
        "electricity",
        "synth",
        "--out",
        str(out),
        "--meters",
        "2000",
        "--start",
        "2025-02-01",
        "--end",
        "2025-02-28",
        "--plants",
        "3",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    readings = pq.read_table(out / "readings")
    assert readings.num_rows == manifest["rows"] > 0
    assert set(pd.read_parquet(out / "meters.parquet")["meter_id"]) >= set(
        readings.column("meter_id").to_pylist()
    )
    dispatch = pd.read_parquet(out / "dispatch.parquet")
    assert dispatch["county"].nunique() == 3 and (dispatch["mwh"] >= 0).all()


def test_synth_bad_dates_exit_2(tmp_path):
    args = [
        "electricity",
        "synth",
        "--out",
        str(tmp_path / "s"),
        "--start",
        "2025-03-01",
        "--end",
        "2025-01-01",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and "2025" in result.stderr


def test_nowcast_json_rolls_up_and_uses_the_last_inventory():
    result = runner.invoke(
        app, ["electricity", "nowcast", "--month", "2024-05", "--json", "--demo"]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["month"] == "2024-05" and payload["through_year"] == 2023
    table = pd.DataFrame(payload["estimates"])
    month = table[(table["kind"] == "month") & (table["sector"] == "ALL")]
    province = month[month["level"] == "province"]["tco2"].iloc[0]
    assert month[month["level"] == "city"]["tco2"].sum() == pytest.approx(province, rel=1e-9)
    assert (table["lo"] <= table["tco2"]).all() and (table["tco2"] <= table["hi"]).all()


def test_nowcast_takes_metered_electricity_from_the_pipeline(tmp_path):
    base = json.loads(
        runner.invoke(
            app, ["electricity", "nowcast", "--month", "2025-02", "--json", "--demo"]
        ).stdout
    )
    metered = pd.DataFrame(
        {
            "county": ["140105"],
            "industry": ["A06"],
            "month": ["2025-02"],
            "kwh": [5e9],
            "n_readings": [1],
            "n_flagged": [0],
        }
    )
    metered.to_parquet(tmp_path / "month.parquet")
    args = [
        "electricity",
        "nowcast",
        "--month",
        "2025-02",
        "--json",
        "--demo",
        "--monthly",
        str(tmp_path / "month.parquet"),
    ]
    changed = json.loads(runner.invoke(app, args).stdout)

    def services(payload):
        table = pd.DataFrame(payload["estimates"])
        row = table[
            (table["region"] == "140105")
            & (table["sector"] == "A05-A11")
            & (table["kind"] == "month")
        ]
        return row.iloc[0]

    assert services(changed)["kwh"] == 5e9 != services(base)["kwh"]
    assert services(changed)["tco2"] > services(base)["tco2"]


@pytest.mark.parametrize("month", ["2025-13", "May 2025", "2014-06"])
def test_nowcast_bad_month_exits_2(month):
    result = runner.invoke(app, ["electricity", "nowcast", "--month", month, "--demo"])
    assert result.exit_code == 2 and "error" in result.stderr


def test_backtest_json_has_the_contract_shape(tmp_path):
    report = tmp_path / "backtest.md"
    args = [
        "electricity",
        "backtest",
        "--first",
        "2025",
        "--last",
        "2025",
        "--json",
        "--demo",
        "--report",
        str(report),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert set(payload["levels"]) == {"province", "city", "county"} and payload["months"] == 12
    for figures in payload["levels"].values():
        assert set(figures) == {"mape", "bias"} and 0 <= figures["mape"] < 100
    assert "MAPE" in report.read_text(encoding="utf-8")


def test_aggregate_with_dispatch_feeds_the_nowcast(tmp_path):
    from carbonctl.demo import meters as synth

    readings, meters = _inputs(tmp_path)
    hourly = synth.synth_dispatch(["140212"], "2025-03-01", "2025-03-31", seed=1)
    dispatch = synth.write_dispatch(hourly, tmp_path / "dispatch.parquet")
    out = tmp_path / "out"
    args = [
        "electricity",
        "aggregate",
        str(readings),
        "--meters",
        str(meters),
        "--out",
        str(out),
        "--dispatch",
        str(dispatch),
    ]
    assert runner.invoke(app, args).exit_code == 0
    generation = pd.read_parquet(out / "county_fuel_month.parquet")
    assert generation["mwh"].sum() == pytest.approx(hourly["mwh"].sum())
    args = [
        "electricity",
        "nowcast",
        "--month",
        "2025-03",
        "--json",
        "--demo",
        "--generation",
        str(out / "county_fuel_month.parquet"),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    table = pd.DataFrame(json.loads(result.stdout)["estimates"])
    power = table[
        (table["region"] == "140212") & (table["sector"] == "A02.3") & (table["kind"] == "month")
    ]
    assert power["kwh"].iloc[0] == pytest.approx(generation["mwh"].sum() * 1000)


def test_nowcast_missing_metered_file_exits_2(tmp_path):
    args = [
        "electricity",
        "nowcast",
        "--month",
        "2025-03",
        "--demo",
        "--monthly",
        str(tmp_path / "no.parquet"),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and "no.parquet" in result.stderr


def test_nowcast_on_tables_from_a_folder(electricity_tables):
    folder = electricity_tables
    args = ["electricity", "nowcast", "--month", "2025-04", "--json"]
    own = json.loads(runner.invoke(app, [*args, "--data", str(folder)]).stdout)
    demo = json.loads(runner.invoke(app, [*args, "--demo"]).stdout)
    own_table, demo_table = pd.DataFrame(own["estimates"]), pd.DataFrame(demo["estimates"])
    assert own_table[["level", "region", "sector", "kind"]].equals(
        demo_table[["level", "region", "sector", "kind"]]
    )
    assert own_table["tco2"].tolist() == pytest.approx(demo_table["tco2"].tolist(), rel=1e-9)


def test_nowcast_folder_errors_name_the_file(electricity_tables, electricity_history):
    folder = electricity_tables
    (folder / "annual.csv").unlink()
    args = ["electricity", "nowcast", "--month", "2025-04", "--data", str(folder)]
    missing = runner.invoke(app, args)
    assert missing.exit_code == 2 and "annual.csv" in missing.stderr
    annual = electricity_history.annual.astype({"year": str})
    annual.loc[3, "year"] = "二〇二三"
    annual.to_csv(folder / "annual.csv", index=False)
    bad = runner.invoke(app, args)
    assert bad.exit_code == 2
    assert "annual.csv" in bad.stderr and "row 5" in bad.stderr and "'year'" in bad.stderr


def test_nowcast_takes_metered_months_as_csv_too(tmp_path):
    path = tmp_path / "month.csv"
    path.write_text("county,industry,month,kwh\n140105,A06,2025-02,5000000000\n", encoding="utf-8")
    args = [*NOWCAST, "--month", "2025-02", "--json", "--demo", "--monthly", str(path)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    table = pd.DataFrame(json.loads(result.stdout)["estimates"])
    row = table[
        (table["region"] == "140105") & (table["sector"] == "A05-A11") & (table["kind"] == "month")
    ]
    assert row["kwh"].iloc[0] == 5e9
    path.write_text("county,industry,month,kwh\n140105,A06,2025-02,lots\n", encoding="utf-8")
    bad = runner.invoke(app, args)
    assert bad.exit_code == 2 and "'kwh'" in bad.stderr and "lots" in bad.stderr


NOWCAST = ["electricity", "nowcast"]


@pytest.mark.parametrize("command", ["nowcast", "backtest", "publish"])
def test_the_demo_is_never_a_silent_default(command, electricity_tables):
    """Without --data or --demo (or with both) the assessment commands say so and exit 2."""
    args = ["electricity", command, "--month" if command == "nowcast" else "--first", "2025"]
    if command == "publish":
        args = ["electricity", "publish", "--year", "2025"]
    for extra in ([], ["--demo", "--data", str(electricity_tables)]):
        result = runner.invoke(app, [*args, *extra])
        assert result.exit_code == 2
        assert "--data" in result.stderr and "--demo" in result.stderr


def test_backtest_on_a_folder_needs_its_truth(electricity_tables, electricity_history):
    args = ["electricity", "backtest", "--first", "2025", "--last", "2025", "--json"]
    folder = ["--data", str(electricity_tables)]
    missing = runner.invoke(app, [*args, *folder])
    assert missing.exit_code == 2 and "truth" in missing.stderr
    electricity_history.truth.to_parquet(electricity_tables / "truth.parquet")
    own = runner.invoke(app, [*args, *folder])
    assert own.exit_code == 0, own.output
    demo = runner.invoke(app, [*args, "--demo"])
    assert json.loads(own.stdout) == json.loads(demo.stdout)


def test_backtest_on_a_province_folder_has_the_annual_contract(tmp_path):
    """`demo-data` writes the demo as a province publishes it; `backtest --data` on it gives the
    annual estimates (full year, January–June, January–September) with the naive baselines
    beside them, and empty monthly keys (no monthly inventories)."""
    folder = tmp_path / "province"
    written = runner.invoke(app, ["electricity", "demo-data", "--out", str(folder)])
    assert written.exit_code == 0, written.output
    report = tmp_path / "annual.md"
    args = ["electricity", "backtest", "--data", str(folder), "--json", "--report", str(report)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["levels"] == {} and payload["months"] == 0
    province = payload["annual"]["province"]
    years = [str(y) for y in range(2016, 2026)]  # every inventory year with the year before
    for key in ("estimates", "estimates_h1", "estimates_q3"):
        assert sorted(province[key]) == years, key
    assert set(payload["baselines"]["province"]) == {
        "persistence",
        "electricity_ratio",
        "thermal_ratio",
    }
    baselines = payload["baselines"]["province"]
    assert 0 < province["mape"] < min(baselines["electricity_ratio"], baselines["thermal_ratio"])
    assert "年度碳排放估算回测" in report.read_text(encoding="utf-8")


def test_backtest_on_a_bad_province_folder_exits_2_naming_the_cell(tmp_path):
    folder = tmp_path / "province"
    runner.invoke(app, ["electricity", "demo-data", "--out", str(folder)])
    path = folder / "用电量.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(lines) if ",第一产业," in line)
    lines[row] = lines[row].replace("第一产业", "第一产品")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["electricity", "backtest", "--data", str(folder), "--json"])
    assert result.exit_code == 2 and result.stdout == ""
    assert "用电量.csv" in result.stderr and f"row {row + 1}" in result.stderr
    assert "第一产业" in result.stderr  # the closest match is named


def test_nowcast_on_a_county_folder_matches_the_model_tables(tmp_path, electricity_history):
    """A province folder with county × class detail (monthly, 万千瓦时, output by city) feeds the
    monthly model: the nowcast equals the one on the model's own tables up to the rounding of
    the published figures. A province-level folder gets the annual-ratio nowcast, saying why."""
    from carbonctl.demo.province import write_province_folder

    county = tmp_path / "county"
    write_province_folder(
        electricity_history, county, level="county", detail="classes", jan_feb_together=False
    )
    args = [*NOWCAST, "--month", "2025-06", "--json"]
    own = runner.invoke(app, [*args, "--data", str(county)])
    assert own.exit_code == 0, own.output
    demo = runner.invoke(app, [*args, "--demo"])

    def totals(result):
        rows = json.loads(result.stdout)["estimates"]
        return {
            (r["region"], r["period"]): r["tco2"]
            for r in rows
            if r["level"] != "county" and r["sector"] == "ALL"
        }

    found, expected = totals(own), totals(demo)
    assert found.keys() == expected.keys() and len(found) == 24  # 12 regions × month and ytd
    for key, value in expected.items():
        assert found[key] == pytest.approx(value, rel=1e-3), key

    province = tmp_path / "province"
    write_province_folder(electricity_history, province, level="province", detail="three")
    coarse = runner.invoke(app, [*args, "--data", str(province)])
    assert coarse.exit_code == 0, coarse.output
    payload = json.loads(coarse.stdout)
    assert payload["model"] == "annual_ratio" and payload["through_year"] == 2024
    assert "county inventories by model sector" in payload["note"]
    rows = {r["kind"]: r for r in payload["estimates"]}
    assert set(rows) == {"month", "ytd"} and rows["ytd"]["period"] == "2025-01..06"
    for kind, row in rows.items():  # near the detailed model, with an honestly wider interval
        detailed = expected[("140000", row["period"])]
        assert row["tco2"] == pytest.approx(detailed, rel=0.05), kind
        assert row["lo"] < row["tco2"] < row["hi"]
    metered = runner.invoke(app, [*args, "--data", str(province), "--monthly", str(county)])
    assert metered.exit_code == 2 and "county × sector model" in metered.stderr
