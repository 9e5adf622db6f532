"""``carbonctl electricity``: the electricity–carbon rapid assessment (电—碳快速评估): the meter
pipeline, synthetic meters, nowcasts, backtests and publishing on the platform."""

from __future__ import annotations

import functools
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from carbonctl.cli.common import (
    DEMO_SEED,
    Database,
    JsonFlag,
    Seed,
    console,
    errors,
    fail,
    guard,
    require,
    use_database,
    wan,
)

app = typer.Typer(
    help="Electricity–carbon rapid assessment (电—碳快速评估): meters, nowcasts, backtests.",
    no_args_is_help=True,
)


class Engine(StrEnum):
    duckdb = "duckdb"
    spark = "spark"


@app.command("aggregate")
def electricity_aggregate(
    readings: Annotated[
        Path, typer.Argument(metavar="READINGS", help="Parquet file or folder: meter_id, ts, kwh.")
    ],
    meters: Annotated[Path, typer.Option(help="Parquet or CSV: meter_id, county, industry.")],
    out: Annotated[Path, typer.Option(help="Folder for the day and month tables.")],
    engine: Annotated[Engine, typer.Option(help="duckdb (one machine) or spark.")] = Engine.duckdb,
    master: Annotated[
        str | None, typer.Option(help="Spark master: local[*] (default) or spark://host:7077.")
    ] = None,
    dispatch: Annotated[
        Path | None, typer.Option(help="Hourly dispatch Parquet: generation by county and month.")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Clean meter readings and aggregate them to county × industry × day and month (and
    dispatch to county × fuel × month)."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    if engine == Engine.spark:
        require("spark")
    from carbonctl.electricity.pipeline import aggregate, aggregate_dispatch, write_aggregates

    steps = {
        "connect": "启动引擎 starting the engine",
        "clean": "校验清洗 validating",
        "gaps": "补缺 filling gaps",
        "aggregate": "汇总 aggregating",
    }
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=errors,
        transient=True,
        disable=as_json,
    ) as bar:
        task = bar.add_task("读取 reading meters")

        def step(name: str) -> None:
            bar.update(task, description=steps.get(name, name))

        result = guard(
            lambda: aggregate(readings, meters, engine=engine.value, master=master, progress=step)
        )
        generation = None
        if dispatch is not None:
            bar.update(task, description="汇总调度数据 aggregating dispatch")
            generation = guard(
                lambda: aggregate_dispatch(dispatch, engine=engine.value, master=master)
            )
        paths = guard(lambda: write_aggregates(result, out, generation))
    if as_json:
        files = {name: str(path) for name, path in paths.items()}
        print(json.dumps({"quality": result.quality, "files": files}, ensure_ascii=False))
        return
    quality = result.quality
    table = Table(title=f"抄表数据汇总 meter pipeline ({engine.value})")
    table.add_column("item")
    table.add_column("value", justify="right")
    table.add_row("读数 readings", f"{quality['readings']:,}")
    table.add_row("电表 meters", f"{quality['meters_listed']:,}")
    table.add_row("日期 days", f"{quality['first_day']} – {quality['last_day']}")
    for kind, count in quality["flagged"].items():
        table.add_row(f"标记 flagged: {kind}", f"{count:,}")
    table.add_row("补齐整日 imputed meter-days", f"{quality['imputed_days']:,}")
    table.add_row("用电量 kWh", f"{result.total_kwh:,.0f}")
    console.print(table)
    for path in paths.values():
        console.print(f"wrote {path}")


@app.command("check-data")
def electricity_check_data(
    folder: Annotated[
        Path,
        typer.Argument(
            metavar="DIR",
            help="Folder of the province's tables: annual, electricity, generation, output.",
        ),
    ],
    as_json: JsonFlag = False,
) -> None:
    """Read and check a province's own tables (any level, ytd and Jan–Feb, 亿kWh …) and show
    what they cover; exit 2 naming file, row and column of every bad row."""
    from carbonctl.electricity.province import read_province_data

    data = guard(lambda: read_province_data(folder))
    coverage = data.coverage()
    if as_json:
        print(json.dumps(coverage, ensure_ascii=False))
        return
    table = Table(title=f"{folder} · 数据覆盖 coverage")
    for column in ("table", "levels", "keys / sectors", "years", "months", "multi-month blocks"):
        table.add_column(column)
    for name, found in coverage.items():
        if not isinstance(found, dict):
            continue
        table.add_row(
            name,
            ", ".join(found["levels"]),
            ", ".join(found.get("keys", found.get("sectors", []))),
            ", ".join(str(y) for y in found["years"]),
            str(found.get("months", "")),
            str(found.get("blocks", "")),
        )
    console.print(table)
    console.print(f"sector detail of electricity use: {coverage['sector_detail']}")


class Level(StrEnum):
    province = "province"
    city = "city"
    county = "county"


class Detail(StrEnum):
    total = "total"
    three = "three"
    classes = "classes"


@app.command("demo-data")
def electricity_demo_data(
    out: Annotated[Path, typer.Option(help="Folder to write the tables to.")],
    level: Annotated[Level, typer.Option(help="Level of every table.")] = Level.province,
    detail: Annotated[
        Detail,
        typer.Option(
            help="Electricity use: total (全社会 only), three (三次产业, 工业, 城乡居民), classes."
        ),
    ] = Detail.three,
    totals_only: Annotated[
        bool, typer.Option("--totals-only", help="Inventories as totals, not by sector.")
    ] = False,
    seed: Annotated[int, typer.Option(help="Seed of the demo history.")] = DEMO_SEED,
) -> None:
    """Write the demo history as a province publishes it (annual, 用电量, 发电量, 产品产量: Jan–Feb
    year-to-date, 亿kWh, 万吨) for `backtest --data` and `check-data`. Synthetic figures."""
    from carbonctl.demo.province import write_province_folder

    history = _demo_history(seed)
    written = write_province_folder(
        history.inputs,
        out,
        level=level.value,
        detail=detail.value,
        annual_by_sector=not totals_only,
    )
    rows = ", ".join(f"{name} {n:,}" for name, n in written.items())
    console.print(f"wrote {out} ({rows} rows; synthetic demo figures)", highlight=False)


@app.command("synth")
def electricity_synth(
    out: Annotated[Path, typer.Option(help="Folder for meters, readings and dispatch.")],
    meters: Annotated[int, typer.Option(help="Number of meters.", min=1)] = 20_000,
    start: Annotated[str, typer.Option(help="First day, YYYY-MM-DD.")] = "2025-01-01",
    end: Annotated[str, typer.Option(help="Last day, YYYY-MM-DD.")] = "2025-12-31",
    freq: Annotated[str, typer.Option(help="D (daily) or 15min.")] = "D",
    seed: Seed = 0,
    plants: Annotated[int, typer.Option(help="Counties with power plants (dispatch).")] = 30,
) -> None:
    """Synthetic meters, readings (month partitions) and hourly dispatch for Shanxi's counties."""
    from rich.progress import BarColumn, Progress, TimeRemainingColumn

    from carbonctl.demo import meters as synth

    counties = synth.county_codes()
    with Progress(
        *Progress.get_default_columns()[:-1],
        BarColumn(),
        TimeRemainingColumn(),
        console=errors,
        transient=True,
    ) as bar:
        task = bar.add_task("写入读数 writing readings", total=None)

        def step(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        written = guard(
            lambda: synth.write_meter_folder(
                out,
                synth.default_targets(counties, start, end, seed=seed),
                start=start,
                end=end,
                n_meters=meters,
                freq=freq,
                seed=seed,
                counties_with_plants=counties[:plants],
                progress=step,
            )
        )
    console.print(
        f"wrote {written.manifest.rows:,} readings of {len(counties)} counties "
        f"({written.manifest.meters:,} meters) and {written.dispatch_rows:,} dispatch hours "
        f"to {out}"
    )


DataDir = Annotated[
    Path | None,
    typer.Option(
        help="Folder with the province's tables: annual, electricity (用电量), generation, output "
        "(.csv/.xlsx/.parquet; docs/methodology/electricity-province-data.md), or the model's "
        "five tables (counties, annual, monthly, generation, output)."
    ),
]
DemoFlag = Annotated[
    bool, typer.Option("--demo", help="Use the synthetic demo history instead of --data.")
]


@functools.cache
def _demo_history(seed: int):
    """The demo history (deterministic, so one per seed and process)."""
    from carbonctl.demo.electricity import demo_history

    with errors.status("合成演示历史数据 building the demo electricity history…"):
        return demo_history(seed=seed)


def _model_inputs(data: Path | None, demo: bool, seed: int, *, truth: bool = False):
    """The tables of ``--data`` or of ``--demo`` (exactly one): ModelInputs, and with ``truth``
    the monthly CO2 truth as well (the demo's, or ``truth.*`` in the folder)."""
    from carbonctl.electricity.assessment import read_model_inputs
    from carbonctl.electricity.pipeline import read_small_table

    if (data is None) == (not demo):
        fail(
            "give --data DIR (the province's tables) or --demo (the synthetic demo history), "
            "exactly one"
        )
    if demo:
        history = _demo_history(seed)
        return (history.inputs, history.truth) if truth else history.inputs
    from carbonctl.electricity.province import is_province_folder

    if is_province_folder(data):
        from carbonctl.electricity.model import model_inputs
        from carbonctl.electricity.province import model_tables, read_province_data

        return guard(lambda: model_inputs(model_tables(read_province_data(data), str(data))))
    inputs = guard(lambda: read_model_inputs(data))
    if not truth:
        return inputs
    found = sorted(data.glob("truth.*"))
    if not found:
        fail(
            f"{data}: no truth table (truth.csv or truth.parquet: county, sector, month, tco2); "
            "a backtest needs the monthly CO2 its estimates are judged against"
        )
    return inputs, guard(lambda: read_small_table(found[0]))


def _coarse_nowcast(data: Path | None, demo: bool, month: str, *, metered):
    """(JSON head, table) of the annual-ratio nowcast when ``--data`` is a province folder
    without the county × sector detail of the monthly model; None otherwise."""
    from carbonctl.electricity.province import (
        CoarseDataError,
        is_province_folder,
        model_tables,
        read_province_data,
    )

    if demo or data is None or not is_province_folder(data):
        return None
    province = guard(lambda: read_province_data(data))
    try:
        model_tables(province, str(data))
    except CoarseDataError as exc:
        reason = exc.detail
    else:
        return None
    if any(m is not None for m in metered):
        fail("--monthly and --generation feed the county × sector model: " + reason)
    from carbonctl.electricity.annual import INTERVAL, coarse_nowcast
    from carbonctl.electricity.schema import parse_month

    year, number = guard(lambda: parse_month(month))
    checked = f"{year}-{number:02d}"
    table = guard(lambda: coarse_nowcast(province, checked))
    if table.empty:
        fail(
            f"{data}: no estimate of {checked}: the folder needs last year's inventory and the "
            "months 1…N of this year and last year for some driver (January alone is not "
            "given when January–February come as one figure)"
        )
    years = province.annual["year"]
    payload = {
        "month": checked,
        "through_year": int(years[years < int(checked[:4])].max()),
        "interval": INTERVAL,
        "model": "annual_ratio",
        "note": "coarse data: " + reason,
    }
    return payload, table


@app.command("nowcast")
def electricity_nowcast(
    month: Annotated[str, typer.Option(help="The month to estimate, YYYY-MM.")],
    monthly: Annotated[
        Path | None,
        typer.Option(help="county_industry_month.parquet from `aggregate`: metered kWh to use."),
    ] = None,
    generation: Annotated[
        Path | None,
        typer.Option(help="county_fuel_month.parquet from `aggregate --dispatch`."),
    ] = None,
    data: DataDir = None,
    demo: DemoFlag = False,
    seed: Annotated[int, typer.Option(help="Seed of the demo history.")] = DEMO_SEED,
    as_json: JsonFlag = False,
) -> None:
    """Nowcast CO2 of a month and its year to date for every county, city and the province
    (metered electricity from the pipeline replaces the tables' where given)."""
    from carbonctl.electricity.assessment import nowcast_month
    from carbonctl.electricity.pipeline import read_small_table

    coarse = _coarse_nowcast(data, demo, month, metered=(monthly, generation))
    if coarse is not None:
        payload, table = coarse
        interval = payload["interval"]
        through_year = payload["through_year"]
    else:
        inputs = _model_inputs(data, demo, seed)
        result = guard(
            lambda: nowcast_month(
                inputs,
                month,
                metered=read_small_table(monthly) if monthly is not None else None,
                metered_generation=(
                    read_small_table(generation) if generation is not None else None
                ),
            )
        )
        table, interval, through_year = result.table, result.interval, result.through_year
        payload = {
            "month": result.month,
            "through_year": through_year,
            "interval": interval,
            "model": "county_sector",
        }
    if as_json:
        records = [_finite(r) for r in table.to_dict(orient="records")]
        print(json.dumps({**payload, "estimates": records}, ensure_ascii=False))
        return
    from carbonctl import refdata

    names = refdata.load_table("regions").set_index("adcode")["name_zh"].to_dict()
    shown = table[(table["level"] != "county") & (table["sector"] == "ALL")]
    out = Table(
        title=f"碳排放即时估算 CO2 nowcast {month} (万吨 10⁴ t, "
        f"{interval:.0%} 区间; 清单 inventory {through_year})"
    )
    for column in ("地区 region", "口径 kind", "估算 estimate", "下限 low", "上限 high"):
        out.add_column(column, justify="right" if column[0] in "估下上" else "left")
    for r in shown.itertuples(index=False):
        out.add_row(
            f"{names.get(r.region, r.region)} {r.region}",
            r.period,
            wan(r.tco2),
            wan(r.lo),
            wan(r.hi),
        )
    console.print(out)


def _province_view(inputs, folder: Path):
    """The model's tables as a province publishes them (province level, electricity by the
    three industries, Jan–Feb year-to-date, 亿kWh and 万吨), read back as a province folder."""
    from carbonctl.demo.province import write_province_folder
    from carbonctl.electricity.province import read_province_data

    write_province_folder(inputs, folder, level="province", detail="three")
    return read_province_data(folder)


def _finite(value):
    """``value`` with NaN replaced by None, through dicts (JSON has no NaN)."""
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, float) and value != value:
        return None
    return value


@app.command("backtest")
def electricity_backtest(
    first: Annotated[int, typer.Option(help="First year nowcast (monthly backtest).")] = 2018,
    last: Annotated[int, typer.Option(help="Last year nowcast (monthly backtest).")] = 2025,
    report: Annotated[Path | None, typer.Option(help="Write the report (Markdown).")] = None,
    data: DataDir = None,
    demo: DemoFlag = False,
    seed: Annotated[int, typer.Option(help="Seed of the demo history.")] = DEMO_SEED,
    as_json: JsonFlag = False,
) -> None:
    """Rolling-origin backtests. On a province's own tables (--data with annual, electricity,
    generation, output): the annual estimate of every inventory year from that year's monthly
    data and the inventories before it, with the January–June and January–September estimates
    and the naive baselines (persistence, electricity ratio, thermal ratio) beside it. On the
    model's five tables with a monthly truth, or --demo: the monthly nowcast's MAPE and bias
    too, and the annual backtest on the tables as a province would publish them."""
    import tempfile

    from carbonctl.electricity.annual import annual_backtest, annual_markdown
    from carbonctl.electricity.backtest import backtest
    from carbonctl.electricity.province import is_province_folder, read_province_data

    monthly = None
    with tempfile.TemporaryDirectory() as scratch:
        if data is not None and is_province_folder(data):
            province = guard(lambda: read_province_data(data))
        else:
            inputs, truth = _model_inputs(data, demo, seed, truth=True)
            with errors.status(f"回测 backtesting {first}–{last}…"):
                monthly = guard(lambda: backtest(inputs, truth, years=range(first, last + 1)))
            province = guard(lambda: _province_view(inputs, Path(scratch)))
        with errors.status("年度估算回测 backtesting the annual estimate…"):
            annual = guard(lambda: annual_backtest(province))
    figures = (
        monthly.to_json() if monthly is not None else {"levels": {}, "sectors": {}, "months": 0}
    )
    figures = _finite({**figures, **annual})
    if report is not None:
        text = (monthly.to_markdown() + "\n\n" if monthly is not None else "") + annual_markdown(
            annual
        )
        report.write_text(text, encoding="utf-8")
    if as_json:
        print(json.dumps(figures, ensure_ascii=False))
        return
    if figures["levels"]:
        out = Table(title=f"月度回测 monthly backtest {first}–{last}, {figures['months']} months")
        for column in ("级别 level", "MAPE %", "bias %"):
            out.add_column(column, justify="left" if column.startswith("级") else "right")
        for level, values in figures["levels"].items():
            out.add_row(level, f"{values['mape']:.2f}", f"{values['bias']:+.2f}")
        console.print(out)
    out = Table(title="年度估算回测 annual backtest (MAPE %; baselines beside)")
    for column in (
        "级别 level",
        "years",
        "MAPE %",
        "bias %",
        "persistence",
        "electricity",
        "thermal",
    ):
        out.add_column(column, justify="left" if column.startswith("级") else "right")
    for level, values in figures["annual"].items():
        base = figures["baselines"].get(level, {})
        out.add_row(
            level,
            str(len(values["estimates"])),
            *(_percent(values.get(k)) for k in ("mape", "bias")),
            *(_percent(base.get(k)) for k in ("persistence", "electricity_ratio", "thermal_ratio")),
        )
    console.print(out)
    if report is not None:
        console.print(f"wrote {report}")


def _percent(value) -> str:
    return "–" if value is None else f"{value:.2f}"


@app.command("publish")
def electricity_publish(
    year: Annotated[int, typer.Option(help="The year to assess (inventories of the two before).")],
    data: DataDir = None,
    demo: DemoFlag = False,
    seed: Annotated[int, typer.Option(help="Seed of the demo history.")] = DEMO_SEED,
    last_month: Annotated[int, typer.Option(help="Last month with data.", min=1, max=12)] = 12,
    days: Annotated[
        Path | None, typer.Option(help="county_industry_day.parquet from `aggregate`.")
    ] = None,
    generation_days: Annotated[
        Path | None, typer.Option(help="Daily generation: county, day, fuel, mwh.")
    ] = None,
    user: Annotated[str | None, typer.Option(help="Platform user the audit log names.")] = None,
    db: Database = None,
) -> None:
    """Assess a year on a province's own tables and publish it on the platform's electricity page
    (nowcasts, last year reconciled, bulletins, daily figures), audited."""
    from carbonctl.electricity.pipeline import read_small_table

    use_database(db)
    from carbonctl.web.runtime import publish_electricity

    inputs = _model_inputs(data, demo, seed)

    def run():
        try:
            return publish_electricity(
                inputs,
                year,
                source=str(data.resolve()) if data is not None else f"demo history, seed {seed}",
                last_month=last_month,
                days=read_small_table(days) if days is not None else None,
                generation_days=(
                    read_small_table(generation_days) if generation_days is not None else None
                ),
                username=user,
            )
        except LookupError as exc:
            from carbonctl.errors import InputError

            raise InputError(str(exc), column="user", expected="an existing username") from None

    with console.status("评估并发布 assessing and publishing…"):
        pk, bulletins = guard(run)
    console.print(f"published electricity–carbon assessment {pk} with {bulletins} bulletins")
