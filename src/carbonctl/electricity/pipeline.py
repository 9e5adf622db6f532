"""The meter-data pipeline (抄表数据处理): validate, clean, impute and aggregate readings to
county × industry × day and month, then roll up to city and province — written once in Ibis and
run on DuckDB (default, one machine) or Apache Spark (``local[*]`` or a ``spark://`` cluster).

Cleaning rules (each reading is flagged at most once; docs/methodology/electricity-pipeline.md):

1. **Resolution.** Readings are held as integer watt-hours, ``floor(kwh × 1000 + 0.5)``. Integer
   sums are exact and do not depend on the order rows are added in, so DuckDB and Spark give
   identical aggregates (floating-point sums do not, even on one engine with several threads).
2. **Duplicates** (重复): several rows for one meter and timestamp count as one reading; when the
   copies disagree the largest is kept. Each extra copy is flagged.
3. **Negative** (负值) readings are flagged and replaced by the meter's median reading.
4. **Spikes** (尖峰): a reading above :data:`SPIKE_FACTOR` × the meter's median reading (of its
   non-negative readings) is flagged and replaced by that median.
5. **Gaps** (缺失): a meter's expected readings per day are the most it has on any day (96 for
   15-minute meters, 1 for daily ones). Missing slots on a day, and whole days missing between the
   meter's first and last reading, are imputed at the meter's median reading per slot and counted
   as flagged. Days outside a meter's span (before installation, after removal) are not gaps, and
   neither are the slots missing on its first and last day (installed at noon, or the extract
   ends mid-day).

Zero readings are kept: an outage is real consumption of nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any, Final

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from carbonctl import refdata
from carbonctl.electricity.schema import (
    DAY_COLUMNS,
    DISPATCH_COLUMNS,
    DISPATCH_FUELS,
    METER_COLUMNS,
    MONTH_COLUMNS,
    meter_class,
)
from carbonctl.errors import InputError, InputErrors, UnknownNameError
from carbonctl.frames import map_unique
from carbonctl.io import read_table, write_table

__all__ = [
    "ENGINES",
    "PARTITION_ROWS",
    "SPIKE_FACTOR",
    "Aggregates",
    "aggregate",
    "aggregate_dispatch",
    "as_date",
    "connect",
    "meter_ranges",
    "month_label",
    "read_meters",
    "read_small_table",
    "rollup",
    "write_aggregates",
]

ENGINES: Final = ("duckdb", "spark")
#: A reading above this multiple of its meter's median reading is a spike.
SPIKE_FACTOR: Final = 10
WH_PER_KWH: Final = 1000
FLAG_KINDS: Final = ("duplicate", "negative", "spike", "gap")
#: Readings per partition (range of meters) when :func:`aggregate` chooses their number: the
#: whole process peaked at 1.7–1.8 GiB on DuckDB with two threads at 100 M and at 300 M readings
#: (docs/methodology/electricity-pipeline.md, "At any scale").
PARTITION_ROWS: Final = 6_000_000


@dataclass(frozen=True)
class Aggregates:
    """The pipeline's result: the day and month tables (``schema.DAY_COLUMNS`` /
    ``MONTH_COLUMNS``), the city and province roll-up, and what cleaning found."""

    day: pd.DataFrame
    month: pd.DataFrame
    regions: pd.DataFrame
    quality: dict[str, Any] = field(default_factory=dict)

    @property
    def total_kwh(self) -> float:
        """The electricity use of every county × industry × month after cleaning (kWh)."""
        return float(self.month["kwh"].sum())


def as_date(value: object) -> dt.date:
    """A date from whatever an engine returns for a day (date, datetime, Timestamp)."""
    return pd.Timestamp(value).date()


def month_label(value: object) -> str:
    """``YYYY-MM`` of a day."""
    day = as_date(value)
    return f"{day.year:04d}-{day.month:02d}"


# --- engines -------------------------------------------------------------------------------------


def connect(engine: str = "duckdb", *, master: str | None = None, threads: int | None = None):
    """An Ibis backend: DuckDB in memory, or PySpark on ``master`` (default ``local[*]``).

    Readings' timestamps carry no zone and Spark's session zone is UTC, so Beijing wall-clock
    times stay as written on both engines (shared/design/STACK.md).
    """
    if engine == "duckdb":
        # Timestamps carry no zone, so DuckDB's time zone (its ICU extension) plays no part.
        # Above the memory limit DuckDB spills its hash tables to disk rather than fail.
        config = {
            "memory_limit": os.environ.get("CARBONCTL_DUCKDB_MEMORY", "6GB"),
            "temp_directory": str(Path(tempfile.gettempdir()) / "carbonctl-duckdb"),
        }
        if threads:
            config["threads"] = threads
        return ibis.duckdb.connect(**config)
    if engine == "spark":
        return ibis.pyspark.connect(_spark_session(master or "local[*]"))
    raise InputError(f"unknown engine {engine!r}", column="engine", expected=" or ".join(ENGINES))


@cache
def _spark_session(master: str):
    """One Spark session per process and master (starting one costs several seconds)."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master(master)
        .appName("carbonctl-electricity")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.driver.memory", os.environ.get("CARBONCTL_SPARK_DRIVER_MEMORY", "4g"))
        .config("spark.sql.parquet.inferTimestampNTZ.enabled", "true")
        .getOrCreate()
    )


def _fetch(con, expr: ir.Expr) -> pd.DataFrame:
    """Run ``expr`` and return a frame, through Arrow on both engines. On Spark the compiled SQL
    goes to the session directly: Ibis would call PySpark 4.0's toPandas, which passes pandas 3 a
    deprecated keyword and copies twice."""
    if con.name == "pyspark":
        return con._session.sql(con.compile(expr)).toArrow().to_pandas()
    return con.to_pyarrow(expr).to_pandas()


# --- input ---------------------------------------------------------------------------------------


def read_meters(source: str | Path | pd.DataFrame, *, name: str | None = None) -> pd.DataFrame:
    """Read and check a meters table (电能表档案): CSV (UTF-8 or GBK), XLSX or Parquet, or a frame.

    Every problem is reported at once with its file, row (the spreadsheet row, header = 1) and
    column: a missing column, a meter id that is not a whole number or repeats, a county that is
    not one of Shanxi's county-level adcodes, an industry outside the electricity-use
    classification. The industry may be a class at any level, by code or name (第一产业, 工业,
    城乡居民生活用电, 黑色金属冶炼和压延加工业 …); it is kept as given, as its code
    (:func:`carbonctl.electricity.schema.meter_class`).
    """
    label = name or (str(source) if not isinstance(source, pd.DataFrame) else "meters")
    if isinstance(source, pd.DataFrame):
        table = source.set_axis(pd.RangeIndex(2, len(source) + 2))
    else:
        table = read_small_table(Path(source))
    table.columns = [str(c).strip() for c in table.columns]
    missing = [c for c in METER_COLUMNS if c not in table.columns]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(missing)}",
            file=label,
            column=missing[0],
            expected=f"columns {', '.join(METER_COLUMNS)}",
        )
    errors: list[InputError] = []
    ids = pd.to_numeric(table["meter_id"], errors="coerce")
    codes = table["county"].astype(str).str.strip().str.removesuffix(".0")
    industries = table["industry"].astype(str).str.strip()
    counties = _county_codes()
    sector_errors, classes = {}, {}
    for text in industries.unique():  # a few dozen classes, whatever the number of meters
        try:
            classes[text] = meter_class(text)
        except UnknownNameError as exc:
            sector_errors[text] = str(exc)
    bad_id = ids.isna() | (ids != ids.round())
    bad_county = ~codes.isin(counties)
    bad_industry = industries.isin(list(sector_errors))
    for i in (bad_id | bad_county | bad_industry).to_numpy().nonzero()[0]:
        row = int(table.index[i])
        if bad_id.iloc[i]:
            errors.append(
                InputError(
                    f"meter id {table['meter_id'].iloc[i]!r}",
                    file=label,
                    row=row,
                    column="meter_id",
                    expected="a whole number",
                )
            )
        if bad_county.iloc[i]:
            errors.append(
                InputError(
                    f"unknown county {table['county'].iloc[i]!r}",
                    file=label,
                    row=row,
                    column="county",
                    expected="a Shanxi county-level adcode such as 140105; closest: "
                    + ", ".join(refdata.close_matches(codes.iloc[i], sorted(counties), 3)),
                )
            )
        if bad_industry.iloc[i]:
            errors.append(
                InputError(
                    sector_errors[industries.iloc[i]],
                    file=label,
                    row=row,
                    column="industry",
                    expected="a class of the electricity-use classification (全社会用电分类) by "
                    "code or name, at any level: 第一产业, 工业, 城镇居民, A02.2.19 …",
                )
            )
    duplicated = ids.duplicated(keep="first") & ids.notna()
    errors += [
        InputError(
            f"meter id {table.at[row, 'meter_id']!r} repeats",
            file=label,
            row=int(row),
            column="meter_id",
            expected="one row per meter",
        )
        for row in duplicated[duplicated].index
    ]
    if errors:
        raise InputErrors(errors)
    return pd.DataFrame(
        {
            "meter_id": ids.astype("int64").to_numpy(),
            "county": codes.to_numpy(),
            "industry": industries.map(classes).to_numpy(),
        }
    )


def read_small_table(path: Path) -> pd.DataFrame:
    """A small table from Parquet (typed), or from CSV or XLSX as text through
    :func:`carbonctl.io.read_table` (encodings, blank rows). Either way the index is the
    spreadsheet row of each data row (the header is row 1), so errors can name it."""
    if path.suffix.lower() != ".parquet":
        return read_table(path)
    if not path.is_file():
        raise InputError("file not found", file=str(path), expected="a CSV, XLSX or Parquet file")
    table = pq.read_table(path).to_pandas()
    return table.set_axis(pd.RangeIndex(2, len(table) + 2))


@cache
def _county_codes() -> frozenset[str]:
    regions = refdata.load_table("regions")
    return frozenset(regions.loc[regions["level"] == "county", "adcode"].astype(str))


def _parquet_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if path.is_dir():
        files = sorted(p for p in path.rglob("*.parquet") if p.is_file())
        if files:
            return files
        raise InputError(
            "no Parquet files in the folder",
            file=str(path),
            expected="READINGS as a Parquet file or a folder of them",
        )
    raise InputError(
        "file or folder not found",
        file=str(path),
        expected="READINGS as a Parquet file or a folder of them",
    )


def _read_schema(file: Path, columns: tuple[str, ...]) -> pa.Schema:
    """The Parquet schema of ``file``; :class:`InputError` names the first missing column."""
    schema = pq.read_schema(file)
    for column in columns:
        if column not in schema.names:
            raise InputError(
                f"missing column {column!r} (has {', '.join(schema.names)})",
                file=str(file),
                column=column,
                expected=f"columns {', '.join(columns)}",
            )
    return schema


def _check_reading_schema(files: list[Path]) -> bool:
    """Check every file's columns and types before any work; True when ``ts`` is text."""
    text_ts = False
    for file in files:
        schema = _read_schema(file, ("meter_id", "ts", "kwh"))
        kinds = {
            "meter_id": (pa.types.is_integer, "an integer meter id"),
            "ts": (
                lambda t: (
                    pa.types.is_timestamp(t) or pa.types.is_string(t) or pa.types.is_large_string(t)
                ),
                "a timestamp without time zone",
            ),
            "kwh": (
                lambda t: (
                    pa.types.is_floating(t) or pa.types.is_integer(t) or pa.types.is_decimal(t)
                ),
                "a number of kWh",
            ),
        }
        for column, (ok, expected) in kinds.items():
            kind = schema.field(column).type
            if not ok(kind):
                raise InputError(
                    f"has type {kind}", file=str(file), column=column, expected=expected
                )
        kind = schema.field("ts").type
        if pa.types.is_timestamp(kind) and kind.tz is not None:
            raise InputError(
                f"has time zone {kind.tz}",
                file=str(file),
                column="ts",
                expected="Beijing wall-clock timestamps without a time zone",
            )
        text_ts = text_ts or not pa.types.is_timestamp(kind)
    return text_ts


def _read_readings(con, files: list[Path], root: Path) -> ir.Table:
    if con.name == "duckdb":
        table = con.read_parquet(
            [str(f) for f in files], hive_partitioning=False, union_by_name=True
        )
    else:
        table = con.read_parquet(str(root))
    return table.select("meter_id", "ts", "kwh")


def _parse_timestamps(con, table: ir.Table, label: str) -> ir.Table:
    """Text timestamps are accepted when every one parses; the first that does not is named."""
    parsed = table.ts.try_cast("timestamp")
    bad = table.filter(parsed.isnull() & table.ts.notnull()).select("meter_id", "ts").limit(1)
    found = _fetch(con, bad)
    if len(found):
        meter, value = found.iloc[0]
        raise InputError(
            f"malformed timestamp {value!r} (meter {meter})",
            file=label,
            column="ts",
            expected="YYYY-MM-DD HH:MM[:SS]",
        )
    return table.mutate(ts=parsed)


# --- the pipeline --------------------------------------------------------------------------------


def aggregate(
    readings: str | Path,
    meters: str | Path | pd.DataFrame,
    *,
    engine: str = "duckdb",
    master: str | None = None,
    threads: int | None = None,
    partitions: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> Aggregates:
    """Clean and aggregate meter readings (issue 6 §3) on ``engine``; see the module docstring.

    ``readings`` is a Parquet file or a folder of them (``month=YYYY-MM`` partitions are fine)
    with ``meter_id, ts, kwh``; ``meters`` a table as :func:`read_meters` takes. Readings of a
    meter that is not in ``meters`` are an error: the totals would silently miss them.

    The readings are processed in ``partitions`` ranges of meters (分区), one after another,
    so that no hash table holds more than one range and memory does not grow with the data; by
    default one range per :data:`PARTITION_ROWS` readings. A meter's rules look at all its
    readings (its median, its slots a day, its first and last day), so a range holds every
    reading of its meters, and the ranges' county × industry × day sums add up exactly (integer
    watt-hours): the result does not depend on the number of partitions.
    """
    step = progress or (lambda _msg: None)
    meter_table = read_meters(meters)
    root = Path(readings)
    files = _parquet_files(root)
    text_ts = _check_reading_schema(files)
    if partitions is not None and (isinstance(partitions, bool) or partitions < 1):
        raise InputError(f"partitions {partitions!r}", column="partitions", expected="≥ 1")
    count = partitions or max(1, math.ceil(_row_count(files) / PARTITION_ROWS))
    ranges = meter_ranges(meter_table["meter_id"], count)
    step("connect")
    con = connect(engine, master=master, threads=threads)
    cells = meter_table[["county", "industry"]].drop_duplicates().reset_index(drop=True)
    cell_of = meter_table.merge(cells.reset_index(names="cell"), on=["county", "industry"])
    with tempfile.TemporaryDirectory(prefix="carbonctl-pipeline-") as scratch:
        small = _SmallTables(con, Path(scratch))
        raw = _read_readings(con, files, root)
        if text_ts:
            raw = _parse_timestamps(con, raw, str(root))
        span = _reading_span(con, files, raw, text_ts)
        daily = _one_slot_a_day(con, raw)
        keyed = small.register("meters", cell_of[["meter_id", "cell"]])
        calendar = small.register("calendar", _calendar(span))
        found = []
        for number, (low, high) in enumerate(ranges, start=1):
            step(f"partition {number}/{len(ranges)}")
            part = raw.filter(_in_range(raw.meter_id, low, high))
            found.append(_fetch(con, _partition_cell_days(part, keyed, calendar, daily=daily)))
        cell_days = _add_partitions(found)
        if cell_days["cell"].isna().any():
            _check_known_meters(con, raw, keyed, str(root))
    day, quality = _county_days(cell_days, cells)
    quality["meters_listed"] = len(meter_table)
    month = _months(day)
    return Aggregates(day=day, month=month, regions=rollup(month), quality=quality)


def meter_ranges(meter_ids: pd.Series, count: int) -> list[tuple[int | None, int | None]]:
    """``count`` ranges ``[low, high)`` of meter ids holding about as many listed meters each;
    the first is open below and the last above (``None``), so every reading falls in exactly
    one range, that of an unlisted meter included. Fewer ranges when there are fewer meters."""
    ids = np.unique(np.asarray(meter_ids, dtype="int64"))
    if count <= 1 or len(ids) < 2:
        return [(None, None)]
    cuts = np.unique(ids[(np.arange(1, count) * len(ids)) // count])
    cuts = cuts[cuts > ids[0]]
    bounds = [None, *(int(c) for c in cuts), None]
    return list(pairwise(bounds))


def _in_range(meter_id: ir.IntegerColumn, low: int | None, high: int | None) -> ir.BooleanValue:
    condition = ibis.literal(True)
    if low is not None:
        condition &= meter_id >= low
    if high is not None:
        condition &= meter_id < high
    return condition


def _row_count(files: list[Path]) -> int:
    """Readings in the files, from the Parquet footers (no pass over the data)."""
    return sum(pq.ParquetFile(file).metadata.num_rows for file in files)


def _one_slot_a_day(con, raw: ir.Table) -> bool:
    """True when every reading is at one time of day (daily meters read at midnight): then
    a meter has at most one slot a day, a meter day *is* a slot, and the second aggregation over
    every reading (slots -> meter days) and the per-day gap count can be skipped. One cheap scan
    of ``ts``; milliseconds are compared, and any sub-millisecond time means "no"."""
    ts = raw.ts
    of_day = ((ts.hour() * 60 + ts.minute()) * 60 + ts.second()) * 1000 + ts.millisecond()
    found = _fetch(
        con,
        raw.filter(ts.notnull()).agg(
            low=of_day.min(),
            high=of_day.max(),
            finer=(ts != ts.truncate("ms")).cast("int64").sum(),
        ),
    )
    low, high, finer = found.iloc[0]
    return bool(pd.notna(low) and low == high and not finer)


def _check_known_meters(con, raw: ir.Table, meters: ir.Table, label: str) -> None:
    unknown = raw.select("meter_id").distinct().anti_join(meters, "meter_id")
    sample = _fetch(con, unknown.order_by("meter_id").limit(6))["meter_id"].tolist()
    if sample:
        shown = ", ".join(str(m) for m in sample[:5]) + (" …" if len(sample) > 5 else "")
        raise InputError(
            f"readings of meters not in the meters table: {shown}",
            file=label,
            column="meter_id",
            expected="every meter_id listed in METERS",
        )


def _partition_cell_days(
    raw: ir.Table, keyed: ir.Table, calendar: ir.Table, *, daily: bool
) -> ir.Table:
    """One range of meters -> cell × day sums (what :func:`_cell_days` returns)."""
    days = (_daily_meter_days if daily else _meter_days)(raw, keyed)
    filled = days.select(*_DAY_VALUES).union(_missing_days(days, calendar))
    return _cell_days(filled)


#: A meter day's columns in :func:`_cell_days`'s input.
_DAY_VALUES: Final = ("meter_id", "cell", "day", "wh", "n_readings", *FLAG_KINDS)


def _slots(raw: ir.Table) -> ir.Table:
    """Rules 1–2: integer Wh, one row per meter and timestamp (the largest copy, and copies)."""
    wh = (raw.kwh.cast("float64") * WH_PER_KWH + 0.5).floor().cast("int64")
    readings = raw.filter(raw.ts.notnull() & raw.kwh.notnull()).mutate(wh=wh)
    return readings.group_by(["meter_id", "ts"]).agg(wh=readings.wh.max(), copies=readings.count())


def _median(wh: ir.IntegerColumn) -> ir.IntegerScalar:
    """A meter's median reading (rules 3–4) over its non-negative slots, floored to Wh."""
    # nulls rather than ``where=``: Ibis compiles a filtered median on Spark to a percentile
    # whose fraction is not a constant, which Spark refuses; both engines skip nulls
    valid = ibis.ifelse(wh >= 0, wh, ibis.null("int64"))
    return valid.median().floor().cast("int64")


def _cleaned(slots: ir.Table) -> dict[str, ir.Value]:
    """Rules 3–4 on slots joined to their meter's median ``med`` (0 when it has none)."""
    med = slots.med
    negative = slots.wh < 0
    spike = (med > 0) & (slots.wh > med * SPIKE_FACTOR) & ~negative
    return {
        "clean": ibis.ifelse(negative | spike, med, slots.wh),
        "neg": negative.cast("int64"),
        "spike": spike.cast("int64"),
    }


def _daily_meter_days(raw: ir.Table, keyed: ir.Table) -> ir.Table:
    """Rules 1–5 when every reading is at one time of day, so a slot is a meter day: each
    meter expects one slot a day and no day is short; the per-meter figures come from the slots
    in one aggregation, and the slots meet them (and the meter's cell) in one join. One row per
    meter and day with the cleaned Wh, the flag counts and the meter's figures."""
    slots = _slots(raw)
    slots = slots.mutate(day=slots.ts.date())
    per_meter = slots.group_by("meter_id").agg(
        med=_median(slots.wh),
        first=slots.day.min(),
        last=slots.day.max(),
        n_days=slots.count(),
    )
    per_meter = per_meter.mutate(med=per_meter.med.coalesce(0), expect=ibis.literal(1, "int64"))
    per_meter = per_meter.left_join(keyed, "meter_id").drop("meter_id_right")
    joined = slots.join(per_meter, "meter_id")
    rules = _cleaned(joined)
    zero = ibis.literal(0, "int64")
    return joined.select(
        "meter_id",
        "cell",
        "day",
        wh=rules["clean"],
        n_readings=joined.copies,
        duplicate=joined.copies - 1,
        negative=rules["neg"],
        spike=rules["spike"],
        gap=zero,
        **_meter_figures(joined),
    )


def _meter_figures(table: ir.Table) -> dict[str, ir.Value]:
    """The meter's figures that ride along with its days (see :func:`_missing_days`)."""
    return {name: table[name] for name in ("med", "expect", "first", "last", "n_days")}


def _meter_days(raw: ir.Table, keyed: ir.Table) -> ir.Table:
    """Readings -> one row per meter and day: cleaned Wh and flag counts (rules 1–5), the
    meter's cell and its figures (median, expected slots a day, first and last day, days with
    readings)."""
    slots = _slots(raw)
    medians = slots.group_by("meter_id").agg(med=_median(slots.wh))
    joined = slots.left_join(medians, "meter_id").drop("meter_id_right")
    joined = joined.mutate(med=joined.med.coalesce(0))
    rules = _cleaned(joined)
    marked = joined.mutate(day=joined.ts.date(), **rules)
    # few aggregates on the big group-by (duplicates are readings − slots); the median rides
    # along so that the median query is referenced, and so computed, only once
    days = marked.group_by(["meter_id", "day"]).agg(
        wh=marked.clean.sum(),
        slots=marked.count(),
        n_readings=marked.copies.sum(),
        negative=marked.neg.sum(),
        spike=marked.spike.sum(),
        med=marked.med.max(),
    )
    per_meter = days.group_by("meter_id").agg(
        expect=days.slots.max(),
        first=days.day.min(),
        last=days.day.max(),
        n_days=days.count(),
    )
    per_meter = per_meter.left_join(keyed, "meter_id").drop("meter_id_right")
    days = days.join(per_meter, "meter_id")
    edge = (days.day == days.first) | (days.day == days.last)
    short = ibis.ifelse(edge, 0, days.expect - days.slots)
    return days.select(
        "meter_id",
        "cell",
        "day",
        wh=days.wh + short * days.med,
        n_readings=days.n_readings,
        duplicate=days.n_readings - days.slots,
        negative=days.negative,
        spike=days.spike,
        gap=short,
        **_meter_figures(days),
    )


class _SmallTables:
    """Small frames handed to the engine as Parquet files in a scratch folder: Ibis memtables
    are registered only by Ibis's own execute, which the Spark path bypasses (see _fetch)."""

    def __init__(self, con, folder: Path) -> None:
        self.con = con
        self.folder = folder

    def register(self, name: str, frame: pd.DataFrame) -> ir.Table:
        path = self.folder / f"{name}.parquet"
        frame.to_parquet(path, index=False)
        return self.con.read_parquet(str(path))


def _reading_span(con, files: list[Path], raw: ir.Table, text_ts: bool) -> tuple[dt.date, dt.date]:
    """First and last day of the readings: from the Parquet statistics when every row group has
    them (no pass over the data), else one scan of ``ts``."""
    lows, highs = [], []
    if not text_ts:
        for file in files:
            metadata = pq.ParquetFile(file).metadata
            column = metadata.schema.names.index("ts")
            for group in range(metadata.num_row_groups):
                stats = metadata.row_group(group).column(column).statistics
                if metadata.row_group(group).num_rows == 0:
                    continue
                if stats is None or not stats.has_min_max:
                    lows = []
                    break
                lows.append(pd.Timestamp(stats.min))
                highs.append(pd.Timestamp(stats.max))
            else:
                continue
            break
    if lows:
        return min(lows).date(), max(highs).date()
    span = _fetch(con, raw.agg(lo=raw.ts.min(), hi=raw.ts.max()))
    lo, hi = span["lo"].iloc[0], span["hi"].iloc[0]
    if pd.isna(lo):
        raise InputError("no readings", expected="at least one reading with a timestamp and kWh")
    return pd.Timestamp(lo).date(), pd.Timestamp(hi).date()


def _calendar(span: tuple[dt.date, dt.date]) -> pd.DataFrame:
    """Every day of the readings' span, with its number of days since 1970-01-01."""
    calendar = pd.DataFrame({"cal_day": pd.date_range(*span, freq="D").date})
    calendar["cal_ordinal"] = (pd.to_datetime(calendar["cal_day"]) - pd.Timestamp(0)).dt.days
    return calendar


def _missing_days(days: ir.Table, calendar: ir.Table) -> ir.Table:
    """Whole days missing between a meter's first and last reading, imputed at median ×
    expected slots. Only meters whose span holds more days than they have readings on are
    expanded over the calendar, so the work follows the gaps, not the data. The meter's
    figures come with its days (``med, expect, first, last, n_days``), so the per-meter table
    is used once (referenced twice, DuckDB computed it, median included, twice)."""
    first, last = days.first.epoch_days(), days.last.epoch_days()
    gappy_days = days.filter(last - first + 1 > days.n_days)
    gappy = gappy_days.select(
        "meter_id",
        "cell",
        "med",
        "expect",
        lo=gappy_days.first.epoch_days(),
        hi=gappy_days.last.epoch_days(),
    ).distinct()
    candidates = gappy.join(
        calendar, (calendar.cal_ordinal >= gappy.lo) & (calendar.cal_ordinal <= gappy.hi)
    )
    seen = gappy_days.select("meter_id", seen_day=gappy_days.day)
    missing = candidates.anti_join(
        seen, [candidates.meter_id == seen.meter_id, candidates.cal_day == seen.seen_day]
    )
    zero = ibis.literal(0, "int64")
    return missing.select(
        "meter_id",
        "cell",
        day=missing.cal_day,
        wh=missing.med * missing.expect,
        n_readings=zero,
        duplicate=zero,
        negative=zero,
        spike=zero,
        gap=missing.expect,
    )


def _cell_days(filled: ir.Table) -> ir.Table:
    """Meter days -> cell (county × industry, an integer key) × day, inside the engine: grouping
    on small integer keys is cheap, and only the small result leaves the engine."""
    sums = {kind: filled[kind].sum() for kind in FLAG_KINDS}
    return filled.group_by(["cell", "day"]).agg(
        wh=filled.wh.sum(),
        n_readings=filled.n_readings.sum(),
        meter_days=filled.count(),
        imputed_days=(filled.n_readings == 0).cast("int64").sum(),
        **sums,
    )


def _add_partitions(found: list[pd.DataFrame]) -> pd.DataFrame:
    """The partitions' cell × day sums added up: a cell's day gets a row from every range of
    meters it has meters in. Integer sums, so the order of the ranges plays no part."""
    if len(found) == 1:
        return found[0]
    table = pd.concat(found, ignore_index=True)
    return table.groupby(["cell", "day"], sort=False, dropna=False).sum().reset_index()


def _county_days(cell_days: pd.DataFrame, cells: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Cell × day -> county × industry × day, and the cleaning summary."""
    table = cell_days.merge(cells, left_on="cell", right_index=True, validate="many_to_one")
    table["day"] = map_unique([table["day"]], as_date)
    table["n_flagged"] = table[list(FLAG_KINDS)].sum(axis=1)
    table["kwh"] = table["wh"] / WH_PER_KWH
    day = table.sort_values(["county", "industry", "day"])[list(DAY_COLUMNS)].astype(
        {"n_readings": "int64", "n_flagged": "int64"}
    )
    quality = {
        "readings": int(table["n_readings"].sum()),
        "meter_days": int(table["meter_days"].sum()),
        "flagged": {kind: int(table[kind].sum()) for kind in FLAG_KINDS},
        "imputed_days": int(table["imputed_days"].sum()),
        "first_day": str(min(table["day"])),
        "last_day": str(max(table["day"])),
    }
    return day.reset_index(drop=True), quality


def _months(day: pd.DataFrame) -> pd.DataFrame:
    month = map_unique([day["day"]], month_label)
    grouped = (
        day.assign(month=month, wh=(day["kwh"] * WH_PER_KWH).round().astype("int64"))
        .groupby(["county", "industry", "month"], sort=True)
        .agg(wh=("wh", "sum"), n_readings=("n_readings", "sum"), n_flagged=("n_flagged", "sum"))
        .reset_index()
    )
    grouped["kwh"] = grouped["wh"] / WH_PER_KWH
    return grouped[list(MONTH_COLUMNS)]


def rollup(month: pd.DataFrame) -> pd.DataFrame:
    """County × industry × month -> county, city and province rows (``level``, ``region``) by
    industry and for all industries (``industry`` = ``ALL``), province first."""
    result = refdata.roll_up(
        month, by=["industry", "month"], values=["kwh", "n_readings", "n_flagged"], total="industry"
    )
    order = {"province": 0, "city": 1, "county": 2}
    return result.sort_values(
        ["level", "region", "industry", "month"],
        key=lambda s: s.map(order) if s.name == "level" else s,
    ).reset_index(drop=True)


def aggregate_dispatch(
    dispatch: str | Path,
    *,
    engine: str = "duckdb",
    master: str | None = None,
    period: str = "month",
) -> pd.DataFrame:
    """Hourly plant dispatch (调度数据: unit_id, county, hour, mwh, fuel) -> generation by county,
    month and fuel (``county, month, fuel, mwh``), the power sector's activity in the model; with
    ``period="day"`` by county, day and fuel (``county, day, fuel, mwh``, ``day`` a date).

    Raises :class:`InputError` for missing columns, a fuel outside ``schema.DISPATCH_FUELS``, a
    county that is not a Shanxi county-level adcode, or negative generation (named by unit)."""
    files = _parquet_files(Path(dispatch))
    for file in files:
        _read_schema(file, DISPATCH_COLUMNS)
    con = connect(engine, master=master)
    table = (
        con.read_parquet([str(f) for f in files])
        if con.name == "duckdb"
        else con.read_parquet(str(dispatch))
    )
    bad = table.filter(table.mwh < 0).select("unit_id", "hour", "mwh").limit(1)
    found = _fetch(con, bad)
    if len(found):
        unit, hour, mwh = found.iloc[0]
        raise InputError(
            f"negative generation {mwh} MWh (unit {unit}, {hour})",
            file=str(dispatch),
            column="mwh",
            expected="MWh ≥ 0",
        )
    if period not in ("month", "day"):
        raise InputError(f"period {period!r}", column="period", expected="month or day")
    start = table.hour.truncate("M" if period == "month" else "D").date()
    grouped = table.group_by(["county", "fuel", start.name("first")]).agg(mwh=table.mwh.sum())
    result = _fetch(con, grouped)
    unknown_fuels = sorted(set(result["fuel"]) - set(DISPATCH_FUELS))
    if unknown_fuels:
        raise InputError(
            f"unknown fuel(s) {', '.join(map(str, unknown_fuels))}",
            file=str(dispatch),
            column="fuel",
            expected=", ".join(DISPATCH_FUELS),
        )
    unknown = sorted(set(result["county"].astype(str)) - _county_codes())
    if unknown:
        raise InputError(
            f"unknown county {unknown[0]!r}",
            file=str(dispatch),
            column="county",
            expected="a Shanxi county-level adcode",
        )
    if period == "month":
        result["month"] = map_unique([result["first"]], month_label)
    else:
        result["day"] = map_unique([result["first"]], as_date)
    columns = ["county", period, "fuel", "mwh"]
    return result[columns].sort_values(columns[:3], ignore_index=True)


def write_aggregates(
    result: Aggregates, out: str | Path, generation: pd.DataFrame | None = None
) -> dict[str, Path]:
    """Write the pipeline's files into ``out``: ``county_industry_day.parquet``,
    ``county_industry_month.parquet``, ``region_industry_month.parquet``, ``quality.json`` and,
    with ``generation``, ``county_fuel_month.parquet``. All are written into a staging folder
    first and moved into place only when every one is complete, so a failure leaves the
    previous files, not a mixture."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    tables = {
        "day": ("county_industry_day.parquet", result.day),
        "month": ("county_industry_month.parquet", result.month),
        "regions": ("region_industry_month.parquet", result.regions),
    }
    if generation is not None:
        tables["generation"] = ("county_fuel_month.parquet", generation)
    with tempfile.TemporaryDirectory(prefix=".staging-", dir=folder) as staging:
        staged = Path(staging)
        for name, table in tables.values():
            write_table(table, staged / name)
        (staged / "quality.json").write_text(
            json.dumps(result.quality, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        paths = {key: folder / name for key, (name, _) in tables.items()}
        paths["quality"] = folder / "quality.json"
        for path in paths.values():
            os.replace(staged / path.name, path)
    return paths
