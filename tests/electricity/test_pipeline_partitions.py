"""The meter pipeline by ranges of meters (分区): any number of partitions gives exactly the
single-pass result, on DuckDB and on Spark, for daily meters (one slot a day, the plan without
the meter-day aggregation) and for a mix of daily and 15-minute meters (the full plan)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from carbonctl.electricity import pipeline
from carbonctl.electricity.pipeline import aggregate, meter_ranges
from carbonctl.errors import InputError

from .test_pipeline import write_readings

COUNTIES = ("140105", "140106", "140212")
INDUSTRIES = ("A02.2.19", "B1", "A06")


@pytest.fixture(scope="module", autouse=True)
def _quick_jvm():
    """As in test_engine_parity.py: the driver JVM (one per process) with its quick compiler
    only, which halves its start on these short queries and computes the same."""
    patch = pytest.MonkeyPatch()
    patch.setenv(
        "PYSPARK_SUBMIT_ARGS", "--driver-java-options=-XX:TieredStopAtLevel=1 pyspark-shell"
    )
    yield
    patch.undo()


def _messy(folder: Path, *, quarter_hourly: bool, seed: int) -> tuple[Path, pd.DataFrame]:
    """24 meters over two month partitions: ids interleave the cells, so every cell has meters
    in every range of meters; meter 7 starts mid-January and meter 11 ends in early February (a
    span inside the data's); whole days and single slots go missing; duplicates (some
    disagreeing), negatives and spikes are scattered; with ``quarter_hourly`` every fourth meter
    reads each 15 minutes."""
    rng = np.random.default_rng(seed)
    n = 24
    ids = np.arange(n, dtype="int64") * 1_000 + 5
    meters = pd.DataFrame(
        {
            "meter_id": ids,
            "county": [COUNTIES[i % 3] for i in range(n)],
            "industry": [INDUSTRIES[(i // 3) % 3] for i in range(n)],
        }
    )
    for month, length in (("2024-01", 31), ("2024-02", 29)):
        parts = []
        for i, meter in enumerate(ids):
            every = "15min" if quarter_hourly and i % 4 == 0 else "D"
            stamps = pd.date_range(
                f"{month}-01", periods=length * (96 if every != "D" else 1), freq=every
            )
            if i == 7:
                stamps = stamps[stamps >= pd.Timestamp("2024-01-15 12:00")]
            if i == 11:
                stamps = stamps[stamps < pd.Timestamp("2024-02-05")]
            scale = 2.0 if every != "D" else 300.0
            kwh = rng.gamma(2.0, scale, len(stamps)).round(3)
            parts.append(pd.DataFrame({"meter_id": meter, "ts": stamps, "kwh": kwh}))
        table = pd.concat(parts, ignore_index=True)
        table = table[rng.random(len(table)) > 0.03]  # missing slots and whole days
        spikes = rng.random(len(table)) < 0.01
        table.loc[spikes, "kwh"] *= 50
        negatives = rng.random(len(table)) < 0.005
        table.loc[negatives, "kwh"] *= -1
        copies = table.sample(frac=0.01, random_state=seed)
        copies.loc[copies.index[::2], "kwh"] += 1.0  # half of the copies disagree
        table = pd.concat([table, copies]).sample(frac=1.0, random_state=seed)  # any row order
        (folder / f"month={month}").mkdir(parents=True)
        pq.write_table(
            pa.Table.from_pandas(table.astype({"ts": "datetime64[us]"}), preserve_index=False),
            folder / f"month={month}" / "part-00000.parquet",
        )
    return folder, meters


@pytest.fixture(scope="module", params=["daily", "mixed"])
def messy(request, tmp_path_factory) -> tuple[Path, pd.DataFrame, str]:
    folder = tmp_path_factory.mktemp(request.param) / "readings"
    readings, meters = _messy(folder, quarter_hourly=request.param == "mixed", seed=16)
    return readings, meters, request.param


def _assert_same(one: pipeline.Aggregates, other: pipeline.Aggregates) -> None:
    pd.testing.assert_frame_equal(one.day, other.day, check_exact=True)
    pd.testing.assert_frame_equal(one.month, other.month, check_exact=True)
    pd.testing.assert_frame_equal(one.regions, other.regions, check_exact=True)
    assert one.quality == other.quality


def test_every_partition_count_gives_the_single_pass_result(messy, monkeypatch):
    readings, meters, kind = messy
    calls = []
    daily_plan = pipeline._daily_meter_days
    monkeypatch.setattr(pipeline, "_daily_meter_days", lambda *a: calls.append(1) or daily_plan(*a))
    single = aggregate(readings, meters, partitions=1)
    assert bool(calls) == (kind == "daily")  # the plan follows the data
    flagged = single.quality["flagged"]
    assert all(flagged[k] > 0 for k in ("duplicate", "negative", "spike", "gap")), flagged
    assert single.quality["imputed_days"] > 0
    for count in (3, 24):
        _assert_same(single, aggregate(readings, meters, partitions=count))


def test_cells_and_days_are_split_across_partitions(messy):
    """The ranges cut through every cell, so the partition sums must be added, not stacked."""
    _, meters, _ = messy
    ranges = meter_ranges(meters["meter_id"], 3)
    assert len(ranges) == 3
    part = np.zeros(len(meters), dtype=int)
    for number, (low, high) in enumerate(ranges):
        inside = np.ones(len(meters), dtype=bool)
        if low is not None:
            inside &= meters["meter_id"].to_numpy() >= low
        if high is not None:
            inside &= meters["meter_id"].to_numpy() < high
        part[inside] = number
    spread = meters.assign(part=part).groupby(["county", "industry"])["part"].nunique()
    assert (spread > 1).all()


def test_duckdb_and_spark_agree_on_the_partitioned_plan(messy):
    readings, meters, _ = messy
    duck = aggregate(readings, meters, partitions=1)
    spark = aggregate(readings, meters, engine="spark", master="local[2]", partitions=3)
    _assert_same(duck, spark)


def test_ranges_cover_every_meter_once():
    ids = pd.Series([40, 10, 30, 20, 50, 60, 70], dtype="int64")
    ranges = meter_ranges(ids, 3)
    assert ranges[0][0] is None and ranges[-1][1] is None
    assert [high for _, high in ranges[:-1]] == [low for low, _ in ranges[1:]]
    for meter in [*ids, -(10**12), 10**15]:  # unlisted meters fall in the open ends
        assert (
            sum(
                (low is None or meter >= low) and (high is None or meter < high)
                for low, high in ranges
            )
            == 1
        )
    assert meter_ranges(pd.Series([5], dtype="int64"), 4) == [(None, None)]
    assert len(meter_ranges(ids, 50)) == len(ids)  # never an empty range of listed meters


def test_a_reading_a_microsecond_later_is_a_slot_of_its_own(tmp_path):
    """Daily readings at midnight, and on the 2nd one more at 00:00:00.000001: that is two
    slots, so the meter expects two a day and the 3rd is short of one (imputed at the
    median), which the one-slot-a-day plan would miss."""
    path = tmp_path / "r.parquet"
    stamps = [pd.Timestamp(f"2024-01-0{d}") for d in (1, 2, 3, 4)]
    stamps.insert(2, pd.Timestamp("2024-01-02 00:00:00.000001"))
    write_readings(path, [(3, str(t), 1.0) for t in stamps])
    meters = pd.DataFrame({"meter_id": [3], "county": ["140105"], "industry": ["A06"]})
    for count in (1, 2):
        result = aggregate(path, meters, partitions=count)
        assert result.day["kwh"].tolist() == [1.0, 2.0, 2.0, 1.0]
        assert result.quality["flagged"]["gap"] == 1


def test_readings_of_an_unlisted_meter_are_refused_in_any_partition(tmp_path):
    rows = [(m, f"2024-01-0{d}", 1.0) for m in (10, 20, 30) for d in (1, 2)]
    path = write_readings(tmp_path / "r.parquet", [*rows, (99, "2024-01-01", 1.0)])
    meters = pd.DataFrame(
        {"meter_id": [10, 20, 30], "county": ["140105"] * 3, "industry": ["A06"] * 3}
    )
    with pytest.raises(InputError, match=r"meters not in the meters table: 99"):
        aggregate(path, meters, partitions=3)


@pytest.mark.parametrize("count", [0, -2, True])
def test_partitions_must_be_a_positive_count(tmp_path, count):
    path = write_readings(tmp_path / "r.parquet", [(1, "2024-01-01", 1.0)])
    meters = pd.DataFrame({"meter_id": [1], "county": ["140105"], "industry": ["A06"]})
    with pytest.raises(InputError, match="partitions"):
        aggregate(path, meters, partitions=count)
