"""Benchmark: the meter pipeline (issue 6 §9, issue 16 item 4) on 100 million synthetic readings.

    python benchmarks/bench_meter_pipeline.py            # 100 M readings (generated once, cached)
    python benchmarks/bench_meter_pipeline.py --rows 10000000 --spark-rows 2000000
    python benchmarks/bench_meter_pipeline.py --rows 300000000 --only ibis-duckdb \
        --also-rows 100000000                            # linear time, flat memory

Each engine runs in a fresh process with two threads over the same files, one after another in
the same run (the machine's speed drifts; compare only within a run):

- **ibis-duckdb**: ``carbonctl.electricity.pipeline.aggregate`` (Ibis on DuckDB, partitioned by
  ranges of meters), the product;
- **sql-duckdb**: the same cleaning and aggregation as one hand-written DuckDB SQL query over all
  files — the baseline (goal: the pipeline reaches ≥ 2× its throughput);
- **polars**: the same cleaning as one Polars lazy query (streaming engine), under a memory limit
  (``--polars-memory``): reported as "killed at N GiB" when it goes over;
- **pandas**: the same rules in plain pandas on a subset of the files (goal: pipeline ≥ 3×);
- **ibis-spark**: the partitioned pipeline on Spark (``local[2]``, or ``--spark-master``) over
  about 10 M readings, with its cost per partition.

Prints rows/s, seconds, peak memory (goal for the pipeline: ≤ 2 GiB), the partitions and their
cost, the ratios, and checks that the full implementations give the same total kWh.
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


def run_ibis(readings: Path, meters: Path, engine: str, master: str | None) -> tuple[float, list]:
    """The product; returns the total kWh and the seconds each partition took."""
    from carbonctl.electricity.pipeline import aggregate

    if engine == "spark":
        master = master or f"local[{THREADS}]"
    marks: list[tuple[str, float]] = []
    result = aggregate(
        readings,
        meters,
        engine=engine,
        master=master,
        threads=THREADS,
        progress=lambda message: marks.append((message, time.perf_counter())),
    )
    done = time.perf_counter()
    starts = [t for message, t in marks if message.startswith("partition ")]
    parts = [b - a for a, b in zip(starts, [*starts[1:], done], strict=True)]
    return float(result.day["kwh"].sum()), parts


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


def run_polars(readings: Path, meters: Path) -> float:
    """The same cleaning as one Polars lazy query (streaming engine), as written by hand."""
    import polars as pl

    col = pl.col
    files = [str(f) for f in sorted(readings.rglob("*.parquet"))]
    raw = (
        pl.scan_parquet(files)
        .select("meter_id", "ts", "kwh")
        .drop_nulls(["ts", "kwh"])
        .with_columns(wh=(col("kwh").cast(pl.Float64) * 1000 + 0.5).floor().cast(pl.Int64))
    )
    slots = raw.group_by("meter_id", "ts").agg(wh=col("wh").max(), copies=pl.len())
    med = (
        slots.filter(col("wh") >= 0)
        .group_by("meter_id")
        .agg(med=col("wh").median().floor().cast(pl.Int64))
    )
    marked = (
        slots.join(med, on="meter_id", how="left")
        .with_columns(med=col("med").fill_null(0))
        .with_columns(
            neg=col("wh") < 0,
            spike=(col("med") > 0) & (col("wh") > col("med") * 10) & (col("wh") >= 0),
            day=col("ts").dt.date(),
        )
    )
    days = marked.group_by("meter_id", "day").agg(
        wh=pl.when(col("neg") | col("spike")).then(col("med")).otherwise(col("wh")).sum(),
        slots=pl.len(),
        n_readings=col("copies").sum(),
        negative=col("neg").sum().cast(pl.Int64),
        spike=col("spike").sum().cast(pl.Int64),
        med=col("med").max(),
    )
    per = days.group_by("meter_id").agg(
        expect=col("slots").max(),
        first=col("day").min(),
        last=col("day").max(),
        n_days=pl.len(),
        med=col("med").max(),
    )
    edge = (col("day") == col("first")) | (col("day") == col("last"))
    seen = (
        days.drop("med")
        .join(per, on="meter_id")
        .with_columns(gap=pl.when(edge).then(0).otherwise(col("expect") - col("slots")))
        .select(
            "meter_id",
            "day",
            wh=col("wh") + col("gap") * col("med"),
            n_readings=col("n_readings"),
            flagged=col("n_readings") - col("slots") + col("negative") + col("spike") + col("gap"),
        )
    )
    gappy = per.filter((col("last") - col("first")).dt.total_days() + 1 > col("n_days"))
    missing = (
        gappy.with_columns(day=pl.date_ranges(col("first"), col("last")))
        .explode("day")
        .join(days.select("meter_id", "day"), on=["meter_id", "day"], how="anti")
        .select(
            "meter_id",
            "day",
            wh=col("med") * col("expect"),
            n_readings=pl.lit(0, pl.UInt32),
            flagged=col("expect").cast(pl.Int64),
        )
    )
    filled = pl.concat([seen, missing], how="vertical_relaxed")
    table = pl.scan_parquet(str(meters)).select("meter_id", "county", "industry")
    result = (
        filled.join(table, on="meter_id", how="left")
        .group_by("county", "industry", "day")
        .agg(
            kwh=col("wh").sum() / 1000,
            n_readings=col("n_readings").sum(),
            n_flagged=col("flagged").sum(),
        )
        .collect(engine="streaming")
    )
    return float(result["kwh"].sum())


def worker(kind: str, readings: Path, meters: Path, master: str | None) -> None:
    import duckdb  # noqa: F401  - libraries load before the clock starts, for every engine
    import pandas  # noqa: F401

    import carbonctl.electricity.pipeline  # noqa: F401

    if kind == "polars":
        import polars  # noqa: F401
    parts: list[float] = []
    started = time.perf_counter()
    if kind == "sql-duckdb":
        total = run_sql(readings, meters)
    elif kind == "pandas":
        total = run_pandas(readings, meters)
    elif kind == "polars":
        total = run_polars(readings, meters)
    else:
        total, parts = run_ibis(readings, meters, kind.removeprefix("ibis-"), master)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    print(
        json.dumps(
            {"seconds": seconds, "kwh": total, "peak": max(peak, children), "partitions": parts}
        )
    )


def _rss(pid: int) -> int:
    """Resident memory of a process and its children (bytes), from /proc."""
    total = 0
    for task in [pid, *_children(pid)]:
        try:
            text = Path(f"/proc/{task}/status").read_text()
        except OSError:
            continue
        for line in text.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
    return total


def _children(pid: int) -> list[int]:
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [int(c) for c in found] + [g for c in found for g in _children(int(c))]


def measure(
    kind: str, readings: Path, meters: Path, *, limit: float | None = None, master: str | None
) -> dict:
    """Run one engine in a fresh process. With ``limit`` (bytes) the process is watched and
    killed when its resident memory (children included) goes over: ``ulimit -v`` / ``prlimit
    --as`` limit address space, which Polars' and the JVM's allocators reserve far beyond what
    they use, so they would fail at start rather than at the limit."""
    command = [sys.executable, __file__, "--worker", kind, "--readings", str(readings)]
    command += ["--meters", str(meters)] + (["--spark-master", master] if master else [])
    env = {**os.environ, "PYSPARK_PYTHON": sys.executable, "POLARS_MAX_THREADS": str(THREADS)}
    started = time.perf_counter()
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    ) as process:
        killed = False
        if limit:
            while process.poll() is None:
                if _rss(process.pid) > limit:
                    for child in _children(process.pid):
                        os.kill(child, 9)
                    process.kill()
                    killed = True
                    break
                time.sleep(0.2)
        out, err = process.communicate()
    if killed:
        return {"killed": limit, "seconds": time.perf_counter() - started}
    if process.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{err[-3000:]}")
    return json.loads(out.strip().splitlines()[-1])


# --- main ------------------------------------------------------------------------------------

KINDS = ("sql-duckdb", "ibis-duckdb", "polars", "pandas", "ibis-spark")


def _line(kind: str, figure: dict, count: int) -> str:
    if "killed" in figure:
        return (
            f"{kind:12s} {count:>13,} rows   killed at {figure['killed'] / 2**30:.0f} GiB "
            f"after {figure['seconds']:.0f} s (did not finish)"
        )
    parts = figure.get("partitions") or []
    tail = f"  {len(parts)} partitions, {sum(parts) / len(parts):.2f} s each" if parts else ""
    return (
        f"{kind:12s} {count:>13,} rows {figure['seconds']:8.1f} s "
        f"{count / figure['seconds']:>13,.0f} rows/s  peak {figure['peak'] / 2**30:5.2f} GiB{tail}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000_000)
    parser.add_argument("--spark-rows", type=int, default=10_000_000)
    parser.add_argument("--pandas-rows", type=int, default=20_000_000)
    parser.add_argument(
        "--polars-memory", type=float, default=8.0, help="GiB at which Polars is stopped"
    )
    parser.add_argument(
        "--also-rows",
        type=int,
        action="append",
        default=[],
        help="run the pipeline on a subset of this many rows too (linear time, flat memory)",
    )
    parser.add_argument("--only", default=",".join(KINDS), help="engines to run, by comma")
    parser.add_argument("--spark-master", default=None, help="e.g. spark://host:7077")
    parser.add_argument("--data", type=Path, default=None, help="cache folder for the readings")
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--readings", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--meters", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.readings, args.meters, args.spark_master)
        return
    only = [k for k in args.only.split(",") if k]
    unknown = sorted(set(only) - set(KINDS))
    if unknown:
        raise SystemExit(f"unknown engine(s) {', '.join(unknown)}; choose from {', '.join(KINDS)}")
    folder = args.data or Path(os.environ.get("TMPDIR", "/tmp")) / f"carbonctl-meters-{args.rows}"
    ensure_data(folder, args.rows)
    meters = folder / "meters.parquet"
    readings = folder / "readings"
    rows = count_rows(readings)
    size = sum(f.stat().st_size for f in readings.rglob("*.parquet")) / 2**20
    print(f"{rows:,} readings in Parquet ({size:,.0f} MiB), {THREADS} threads per engine\n")
    plan = {
        "sql-duckdb": (readings, rows),
        "ibis-duckdb": (readings, rows),
        "polars": (readings, rows),
        "pandas": subset(folder, args.pandas_rows),
        "ibis-spark": subset(folder, args.spark_rows),
    }
    runs: dict[str, tuple[dict, int]] = {}
    for kind in [k for k in KINDS if k in only]:
        path, n = plan[kind]
        limit = args.polars_memory * 2**30 if kind == "polars" else None
        runs[kind] = (measure(kind, path, meters, limit=limit, master=args.spark_master), n)
        print(_line(kind, *runs[kind]))
    for extra in args.also_rows:
        path, n = subset(folder, extra)
        runs[f"ibis-duckdb@{n}"] = (measure("ibis-duckdb", path, meters, master=None), n)
        print(_line("ibis-duckdb", *runs[f"ibis-duckdb@{n}"]))
    report(runs, rows)


def report(runs: dict[str, tuple[dict, int]], rows: int) -> None:
    done = {k: (f, n) for k, (f, n) in runs.items() if "killed" not in f}
    rate = {k: n / f["seconds"] for k, (f, n) in done.items()}
    print()
    if "ibis-duckdb" in rate and "sql-duckdb" in rate:
        print(
            f"pipeline / hand-written DuckDB SQL: {rate['ibis-duckdb'] / rate['sql-duckdb']:.2f}× "
            "(goal ≥ 2×)"
        )
    if "ibis-duckdb" in rate and "polars" in rate:
        print(f"pipeline / Polars lazy:             {rate['ibis-duckdb'] / rate['polars']:.2f}×")
    if "ibis-duckdb" in rate and "pandas" in rate:
        print(
            f"pipeline / pandas (rows/s):         {rate['ibis-duckdb'] / rate['pandas']:.1f}× "
            "(goal ≥ 3×)"
        )
    if "ibis-duckdb" in done:
        peak = done["ibis-duckdb"][0]["peak"] / 2**30
        print(f"pipeline peak memory:               {peak:.2f} GiB (goal ≤ 2 GiB)")
    for key in [k for k in done if k.startswith("ibis-duckdb@")]:
        (small, n_small), (big, n_big) = done[key], done["ibis-duckdb"]
        print(
            f"pipeline at {n_big / n_small:.2f}× the rows:       "
            f"{big['seconds'] / small['seconds']:.2f}× the time, "
            f"{big['peak'] / small['peak']:.2f}× the peak memory (linear: time ratio = rows ratio)"
        )
    if "ibis-spark" in done:
        figure, n = done["ibis-spark"]
        parts = figure["partitions"]
        print(
            f"Spark (rows/s):                     {rate['ibis-spark']:,.0f}; "
            f"{len(parts)} partitions of ~{n / len(parts) / 1e6:.1f} M readings, "
            f"{sum(parts) / len(parts):.1f} s each "
            "(peak memory above is the Python driver's; the JVM is not counted)"
        )
    if "ibis-duckdb" in done:
        mine = done["ibis-duckdb"][0]["kwh"]
        for other in ("sql-duckdb", "polars"):
            if other in done:
                theirs = done[other][0]["kwh"]
                same = abs(mine - theirs) < 1e-6 * rows
                print(
                    f"pipeline and {other} totals agree: {same} ({mine:,.3f} vs {theirs:,.3f} kWh)"
                )


if __name__ == "__main__":
    main()
