"""Benchmark: the meter pipeline (issue 6 §9) on 100 million synthetic readings in Parquet.

    python benchmarks/bench_meter_pipeline.py            # 100 M readings (generated once, cached)
    python benchmarks/bench_meter_pipeline.py --rows 10000000 --spark-rows 2000000

Each engine runs in a fresh process with two threads over the same files, one after another in
the same run (the machine's speed drifts; compare only within a run):

- **ibis-duckdb**: ``carbonctl.electricity.pipeline.aggregate`` (Ibis on DuckDB), the product;
- **sql-duckdb**: the same cleaning and aggregation as one hand-written DuckDB SQL query — the
  baseline (goal: the pipeline reaches ≥ 0.8 of its throughput);
- **pandas**: the same rules in plain pandas on a subset of the files (it needs ~10 GB for all
  100 M), compared by throughput (goal: the pipeline ≥ 3× pandas);
- **ibis-spark**: the pipeline on Spark ``local[2]`` over about 10 M readings.

Prints rows/s, seconds, peak memory (goal for the pipeline: ≤ 8 GiB) and the ratios, and checks
that the three full implementations give the same total kWh.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq

THREADS = 2
DAYS = 500
START = "2024-01-01"


# --- data ------------------------------------------------------------------------------------


def ensure_data(folder: Path, rows: int) -> None:
    """Generate ``rows`` daily readings (meters × 500 days) with the demo generator, once."""
    done = folder / "DONE"
    if done.exists():
        return
    import pandas as pd

    from carbonctl.demo import meters as synth

    folder.mkdir(parents=True, exist_ok=True)
    end = (pd.Timestamp(START) + pd.Timedelta(days=DAYS - 1)).date().isoformat()
    started = time.perf_counter()
    targets = synth.default_targets(synth.county_codes(), START, end, seed=7)
    meters = synth.synth_meters(targets, n_meters=max(rows // DAYS, 1), seed=7)
    meters.to_parquet(folder / "meters.parquet", index=False)
    manifest = synth.write_readings(
        meters, targets, folder / "readings", start=START, end=end, freq="D", seed=7
    )
    seconds = time.perf_counter() - started
    (folder / "manifest.json").write_text(json.dumps(manifest.to_dict(), default=str))
    print(
        f"generated {manifest.rows:,} readings in {seconds:.0f} s "
        f"({manifest.rows / seconds:,.0f}/s)"
    )
    done.touch()


def subset(folder: Path, rows: int) -> tuple[Path, int]:
    """A folder of symlinks to the first month files holding about ``rows`` readings."""
    files = sorted((folder / "readings").rglob("*.parquet"))
    chosen, total = [], 0
    for file in files:
        if total >= rows:
            break
        chosen.append(file)
        total += pq.ParquetFile(file).metadata.num_rows
    target = folder / f"subset-{rows}"
    if not target.exists():
        target.mkdir()
        for i, file in enumerate(chosen):
            (target / f"part-{i:05d}.parquet").symlink_to(file)
    return target, total


def count_rows(path: Path) -> int:
    return sum(pq.ParquetFile(f).metadata.num_rows for f in sorted(path.rglob("*.parquet")))


# --- workers (each in its own process) -------------------------------------------------------


def run_ibis(readings: Path, meters: Path, engine: str) -> float:
    from carbonctl.electricity.pipeline import aggregate

    master = f"local[{THREADS}]" if engine == "spark" else None
    result = aggregate(readings, meters, engine=engine, master=master, threads=THREADS)
    return float(result.day["kwh"].sum())


SQL = """
WITH raw AS (
    SELECT meter_id, ts, CAST(floor(CAST(kwh AS DOUBLE) * 1000 + 0.5) AS BIGINT) AS wh
    FROM read_parquet({files}) WHERE ts IS NOT NULL AND kwh IS NOT NULL),
slots AS (SELECT meter_id, ts, max(wh) AS wh, count(*) AS copies FROM raw GROUP BY meter_id, ts),
med AS (SELECT meter_id, CAST(floor(median(wh)) AS BIGINT) AS med
        FROM slots WHERE wh >= 0 GROUP BY meter_id),
marked AS (
    SELECT s.meter_id, CAST(s.ts AS DATE) AS day, s.copies, s.wh, coalesce(m.med, 0) AS med,
           s.wh < 0 AS neg,
           coalesce(m.med, 0) > 0 AND s.wh > coalesce(m.med, 0) * 10 AND s.wh >= 0 AS spike
    FROM slots s LEFT JOIN med m USING (meter_id)),
days AS (
    SELECT meter_id, day, sum(CASE WHEN neg OR spike THEN med ELSE wh END) AS wh,
           count(*) AS slots, sum(copies) AS n_readings,
           sum(CAST(neg AS BIGINT)) AS negative, sum(CAST(spike AS BIGINT)) AS spike,
           max(med) AS med
    FROM marked GROUP BY meter_id, day),
meters_seen AS (SELECT meter_id, max(slots) AS expect, min(day) AS first, max(day) AS last,
                       count(*) AS n_days, max(med) AS med
                FROM days GROUP BY meter_id),
md AS (
    SELECT d.meter_id, d.day, d.n_readings, d.n_readings - d.slots AS duplicate, d.negative,
           d.spike, CASE WHEN d.day = s.first OR d.day = s.last THEN 0
                         ELSE s.expect - d.slots END AS gap, d.wh, s.med
    FROM days d JOIN meters_seen s USING (meter_id)),
gappy AS (SELECT * FROM meters_seen WHERE last - first + 1 > n_days),
calendar AS (SELECT CAST(unnest(generate_series(min(first), max(last), INTERVAL 1 DAY)) AS DATE)
             AS day FROM meters_seen),
missing AS (
    SELECT g.meter_id, c.day, g.med * g.expect AS wh, g.expect AS gap
    FROM gappy g JOIN calendar c ON c.day BETWEEN g.first AND g.last
    WHERE NOT EXISTS (SELECT 1 FROM days d WHERE d.meter_id = g.meter_id AND d.day = c.day)),
filled AS (
    SELECT meter_id, day, wh + gap * med AS wh, n_readings, duplicate, negative, spike, gap
    FROM md
    UNION ALL
    SELECT meter_id, day, wh, 0, 0, 0, 0, gap FROM missing),
meters AS (SELECT meter_id, county, industry FROM read_parquet('{meters}'))
SELECT county, industry, day, sum(wh) / 1000.0 AS kwh, sum(n_readings) AS n_readings,
       sum(duplicate + negative + spike + gap) AS n_flagged
FROM filled LEFT JOIN meters USING (meter_id)
GROUP BY county, industry, day
"""


def run_sql(readings: Path, meters: Path) -> float:
    import duckdb

    files = [str(f) for f in sorted(readings.rglob("*.parquet"))]
    spill = str(Path(os.environ.get("TMPDIR", "/tmp")) / "carbonctl-duckdb")
    con = duckdb.connect(
        config={"threads": THREADS, "memory_limit": "6GB", "temp_directory": spill}
    )
    query = SQL.format(files=repr(files), meters=meters)
    table = con.sql(query).to_arrow_table()
    return float(table.column("kwh").to_numpy().sum())


def run_pandas(readings: Path, meters: Path) -> float:
    """The pipeline's rules in plain pandas (the comparison the issue asks for)."""
    import numpy as np
    import pandas as pd

    frame = pd.read_parquet(readings, columns=["meter_id", "ts", "kwh"])
    frame = frame.dropna(subset=["ts", "kwh"])
    frame["wh"] = np.floor(frame["kwh"].to_numpy() * 1000 + 0.5).astype("int64")
    slots = frame.groupby(["meter_id", "ts"], sort=False)["wh"].agg(["max", "size"]).reset_index()
    slots.columns = ["meter_id", "ts", "wh", "copies"]
    med = slots[slots["wh"] >= 0].groupby("meter_id")["wh"].median().pipe(np.floor)
    slots["med"] = slots["meter_id"].map(med).fillna(0).astype("int64")
    neg = slots["wh"] < 0
    spike = (slots["med"] > 0) & (slots["wh"] > slots["med"] * 10) & ~neg
    slots["clean"] = np.where(neg | spike, slots["med"], slots["wh"])
    slots["day"] = slots["ts"].dt.normalize()
    slots["flag"] = (slots["copies"] - 1) + neg + spike
    days = (
        slots.groupby(["meter_id", "day"], sort=True)
        .agg(
            wh=("clean", "sum"),
            slots=("clean", "size"),
            n_readings=("copies", "sum"),
            flag=("flag", "sum"),
            med=("med", "max"),
        )
        .reset_index()
    )
    per_meter = days.groupby("meter_id").agg(
        expect=("slots", "max"), first=("day", "min"), last=("day", "max")
    )
    days = days.join(per_meter, on="meter_id")
    edge = (days["day"] == days["first"]) | (days["day"] == days["last"])
    short = np.where(edge, 0, days["expect"] - days["slots"])
    days["wh"] += short * days["med"]
    days["flag"] += short
    previous = days.groupby("meter_id")["day"].shift()
    gap_days = (days["day"] - previous).dt.days - 1
    gaps = days[gap_days > 0]
    extra = []
    for meter, first, count, med, expect in zip(
        gaps["meter_id"],
        previous[gap_days > 0],
        gap_days[gap_days > 0],
        gaps["med"],
        gaps["expect"],
        strict=True,
    ):
        span = pd.date_range(first + pd.Timedelta(days=1), periods=int(count), freq="D")
        extra.append(
            pd.DataFrame(
                {
                    "meter_id": meter,
                    "day": span,
                    "wh": med * expect,
                    "n_readings": 0,
                    "flag": expect,
                }
            )
        )
    filled = pd.concat([days[["meter_id", "day", "wh", "n_readings", "flag"]], *extra])
    table = pd.read_parquet(meters)[["meter_id", "county", "industry"]]
    result = (
        filled.merge(table, on="meter_id", how="left")
        .groupby(["county", "industry", "day"])[["wh", "n_readings", "flag"]]
        .sum()
    )
    return float(result["wh"].sum() / 1000)


def worker(kind: str, readings: Path, meters: Path) -> None:
    import duckdb  # noqa: F401  - libraries load before the clock starts, for every engine
    import pandas  # noqa: F401

    import carbonctl.electricity.pipeline  # noqa: F401

    started = time.perf_counter()
    if kind == "sql-duckdb":
        total = run_sql(readings, meters)
    elif kind == "pandas":
        total = run_pandas(readings, meters)
    else:
        total = run_ibis(readings, meters, kind.removeprefix("ibis-"))
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    print(json.dumps({"seconds": seconds, "kwh": total, "peak": max(peak, children)}))


def measure(kind: str, readings: Path, meters: Path) -> dict:
    command = [
        sys.executable,
        __file__,
        "--worker",
        kind,
        "--readings",
        str(readings),
        "--meters",
        str(meters),
    ]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYSPARK_PYTHON": sys.executable},
    )
    if done.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- main ------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000_000)
    parser.add_argument("--spark-rows", type=int, default=10_000_000)
    parser.add_argument("--pandas-rows", type=int, default=20_000_000)
    parser.add_argument("--data", type=Path, default=None, help="cache folder for the readings")
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--readings", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--meters", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.readings, args.meters)
        return
    folder = args.data or Path(os.environ.get("TMPDIR", "/tmp")) / f"carbonctl-meters-{args.rows}"
    ensure_data(folder, args.rows)
    meters = folder / "meters.parquet"
    readings = folder / "readings"
    rows = count_rows(readings)
    size = sum(f.stat().st_size for f in readings.rglob("*.parquet")) / 2**20
    print(f"{rows:,} readings in Parquet ({size:,.0f} MiB), {THREADS} threads per engine\n")
    runs: dict[str, tuple[dict, int]] = {}
    for kind, path, n in (
        ("sql-duckdb", readings, rows),
        ("ibis-duckdb", readings, rows),
        ("pandas", *subset(folder, args.pandas_rows)),
        ("ibis-spark", *subset(folder, args.spark_rows)),
    ):
        runs[kind] = (measure(kind, path, meters), n)
        figure, count = runs[kind]
        print(
            f"{kind:12s} {count:>13,} rows {figure['seconds']:8.1f} s "
            f"{count / figure['seconds']:>13,.0f} rows/s  peak {figure['peak'] / 2**30:5.2f} GiB"
        )
    rate = {k: n / f["seconds"] for k, (f, n) in runs.items()}
    print()
    print(
        f"pipeline / hand-written DuckDB SQL: {rate['ibis-duckdb'] / rate['sql-duckdb']:.2f} "
        "(goal ≥ 0.8)"
    )
    print(
        f"pipeline / pandas (rows/s):         {rate['ibis-duckdb'] / rate['pandas']:.1f}× "
        "(goal ≥ 3×)"
    )
    peak = runs["ibis-duckdb"][0]["peak"] / 2**30
    print(f"pipeline peak memory:               {peak:.2f} GiB (goal ≤ 8 GiB)")
    print(
        f"Spark local[{THREADS}] (rows/s):          {rate['ibis-spark']:,.0f} "
        "(peak memory above is the Python driver's; the JVM is not counted)"
    )
    same = abs(runs["ibis-duckdb"][0]["kwh"] - runs["sql-duckdb"][0]["kwh"]) < 1e-6 * rows
    print(
        f"pipeline and SQL totals agree:      {same} "
        f"({runs['ibis-duckdb'][0]['kwh']:,.3f} vs {runs['sql-duckdb'][0]['kwh']:,.3f} kWh)"
    )


if __name__ == "__main__":
    main()
