"""DuckDB and Spark run the same Ibis pipeline over the same files and must agree exactly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from carbonctl.electricity.pipeline import aggregate


@pytest.fixture(scope="module", autouse=True)
def _quick_jvm():
    """Spark's driver JVM (started by the first Spark test of the process: one session per
    process) compiles with its quick compiler only. These queries are short, so the JVM's start
    and warm-up are most of the test's time, and C1 alone halves them; which compiler runs the
    code does not change what it computes."""
    patch = pytest.MonkeyPatch()
    patch.setenv(
        "PYSPARK_SUBMIT_ARGS", "--driver-java-options=-XX:TieredStopAtLevel=1 pyspark-shell"
    )
    yield
    patch.undo()


@pytest.fixture(scope="module")
def messy(tmp_path_factory) -> tuple[Path, pd.DataFrame]:
    """48 meters, a quarter of them reading each 15 minutes and the rest daily, over two months
    in month partitions, with duplicates, dropped readings (gaps in a day, whole days missing),
    negatives and spikes scattered at random: every cleaning rule fires, on few enough readings
    (about 70,000) that Spark's share of the test is its start, not the data."""
    rng = np.random.default_rng(2024)
    folder = tmp_path_factory.mktemp("messy") / "readings"
    counties = ["140105", "140106", "140212", "140525", "140802"]
    industries = ["A02.2.19", "A02.2.13", "B1", "B2", "A06", "A02.3"]
    n = 48
    meters = pd.DataFrame(
        {
            "meter_id": np.arange(1000, 1000 + n, dtype="int64"),
            "county": rng.choice(counties, n),
            "industry": rng.choice(industries, n),
        }
    )
    quarter = meters["meter_id"] % 4 == 0  # every fourth meter reads each 15 minutes
    for month in ("2024-01", "2024-02"):
        days = pd.date_range(f"{month}-01", periods=pd.Period(month).days_in_month, freq="D")
        parts = []
        for is_quarter, group in meters.groupby(quarter):
            stamps = (
                pd.date_range(
                    days[0], days[-1] + pd.Timedelta("1D"), freq="15min", inclusive="left"
                )
                if is_quarter
                else days
            )
            ids = np.repeat(group["meter_id"].to_numpy(), len(stamps))
            ts = np.tile(stamps.to_numpy(), len(group))
            kwh = rng.gamma(2.0, 5.0 if is_quarter else 400.0, len(ids)).round(3)
            parts.append(pd.DataFrame({"meter_id": ids, "ts": ts, "kwh": kwh}))
        table = pd.concat(parts, ignore_index=True)
        table = table[rng.random(len(table)) > 0.01]  # dropped readings
        spikes = rng.random(len(table)) < 0.001
        table.loc[spikes, "kwh"] *= 60
        negatives = rng.random(len(table)) < 0.0005
        table.loc[negatives, "kwh"] *= -1
        table = pd.concat([table, table.sample(frac=0.002, random_state=1)])  # duplicates
        (folder / f"month={month}").mkdir(parents=True)
        pq.write_table(
            pa.Table.from_pandas(table.astype({"ts": "datetime64[us]"}), preserve_index=False),
            folder / f"month={month}" / "part-00000.parquet",
        )
    return folder, meters


def test_duckdb_and_spark_give_identical_aggregates(messy):
    readings, meters = messy
    duck = aggregate(readings, meters, engine="duckdb")
    spark = aggregate(readings, meters, engine="spark", master="local[2]")
    assert len(duck.day) > 0 and duck.quality["first_day"] == "2024-01-01"
    assert set(duck.month["month"]) == {"2024-01", "2024-02"}
    assert set(duck.day["industry"]) == set(meters["industry"])
    assert all(duck.quality["flagged"][k] > 0 for k in ("duplicate", "negative", "spike", "gap"))
    assert duck.quality["imputed_days"] > 0  # whole days missing, filled at the meter's median
    pd.testing.assert_frame_equal(duck.day, spark.day, check_exact=True)
    pd.testing.assert_frame_equal(duck.month, spark.month, check_exact=True)
    pd.testing.assert_frame_equal(duck.regions, spark.regions, check_exact=True)
    assert duck.quality == spark.quality


def test_dispatch_months_agree_on_both_engines(tmp_path):
    from carbonctl.demo import meters as synth
    from carbonctl.electricity.pipeline import aggregate_dispatch

    hourly = synth.synth_dispatch(["140105", "140212"], "2025-01-20", "2025-02-10", seed=3)
    path = synth.write_dispatch(hourly, tmp_path / "dispatch.parquet")
    duck = aggregate_dispatch(path)
    spark = aggregate_dispatch(path, engine="spark", master="local[2]")
    pd.testing.assert_frame_equal(duck, spark, check_exact=False, rtol=1e-12)
    assert set(duck["month"]) == {"2025-01", "2025-02"}
    expected = (
        hourly.assign(month=hourly["hour"].dt.strftime("%Y-%m"))
        .groupby(["county", "month", "fuel"])["mwh"]
        .sum()
    )
    got = duck.set_index(["county", "month", "fuel"])["mwh"]
    pd.testing.assert_series_equal(got.sort_index(), expected.sort_index(), check_names=False)
