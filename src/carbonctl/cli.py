"""The ``carbonctl`` command: account activity data, build regional inventories, browse the
reference data, run the demo. Parses input, calls the core, renders; no computation here."""

from __future__ import annotations

import dataclasses
import functools
import json
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from carbonctl import __version__, refdata
from carbonctl.errors import CarbonctlError, UnknownNameError

if TYPE_CHECKING:  # the engine is imported when a command runs, keeping --help fast
    from carbonctl.accounting import AccountingResult
    from carbonctl.accounting.inventory import InventoryResult
    from carbonctl.accounting.uncertainty import UncertaintyResult

app = typer.Typer(
    help="carbonctl — 碳排放双控 carbon emission dual control: accounting and reference data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
refdata_app = typer.Typer(
    help="Reference data: factor sets, fuels, grid factors (参考数据).", no_args_is_help=True
)
app.add_typer(refdata_app, name="refdata")

console = Console()
if not console.is_terminal:  # piped or captured output: wide enough for the summary tables
    console.width = max(console.width, 120)
errors = Console(stderr=True)
T = TypeVar("T")

#: Exit code for bad input (the CLI contract): nothing is written.
EXIT_BAD_INPUT = 2


class GridBasis(StrEnum):
    provincial = "provincial"
    national = "national"
    ets = "ets"


def _guard(action: Callable[[], T]) -> T:
    """Run ``action``; a carbonctl error becomes a message on stderr and exit code 2."""
    try:
        return action()
    except CarbonctlError as exc:
        errors.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None


CATEGORY_NAMES = {
    "combustion": "燃料燃烧 combustion",
    "process": "工业过程 process",
    "electricity": "购入电力 electricity",
    "heat": "购入热力 heat",
}


def _wan(tco2: float) -> str:
    """Tonnes shown in 万吨 (10^4 t), as officials read them."""
    return f"{tco2 / 1e4:,.2f}"


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", help="Show the version and exit.")] = False,
) -> None:
    if version:
        console.print(f"carbonctl {__version__}")
        raise typer.Exit()


@app.command()
def account(
    input_file: Annotated[Path, typer.Argument(metavar="INPUT", help="CSV or XLSX activity data.")],
    factor_set: Annotated[str | None, typer.Option(help="Fuel factor set id.")] = None,
    grid_basis: Annotated[GridBasis, typer.Option(help="Electricity factor basis.")] = (
        GridBasis.provincial
    ),
    output: Annotated[Path | None, typer.Option(help="Write row results (.csv or .xlsx).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    sheet: Annotated[str | None, typer.Option(help="XLSX sheet (default: the first).")] = None,
    region: Annotated[str, typer.Option(help="Region for electricity rows without one.")] = (
        "140000"
    ),
    coal_rate: Annotated[
        float | None,
        typer.Option(help="Thermal-power coal rate, kgce/kWh, for 等价值 standard coal."),
    ] = None,
    uncertainty: Annotated[
        int, typer.Option(help="Monte Carlo iterations for 95% intervals (0: none).", min=0)
    ] = 0,
    seed: Annotated[int, typer.Option(help="Random seed for --uncertainty.")] = 20240101,
) -> None:
    """Account CO2 of activity data (燃料燃烧, 工业过程, 购入电力, 购入热力)."""
    from carbonctl.accounting import account as run_account
    from carbonctl.io import read_activities, write_table

    def work() -> tuple[object, object]:
        activities = read_activities(input_file, sheet=sheet)
        result = run_account(
            activities,
            factor_set=factor_set,
            grid_basis=grid_basis.value,
            default_region=region,
            coal_rate_kgce_per_kwh=coal_rate,
        )
        spread = None
        if uncertainty:
            from carbonctl.accounting.uncertainty import monte_carlo

            spread = monte_carlo(result, iterations=uncertainty, seed=seed)
        if output is not None:
            write_table(result.rows, output)
        return result, spread

    result, spread = _guard(work)
    if as_json:
        summary = result.summary()
        if spread is not None:
            summary["uncertainty"] = spread.to_dict()
        sys.stdout.write(json.dumps(summary, ensure_ascii=False) + "\n")
        return
    print_account(result, spread, output)


def print_account(
    result: AccountingResult, spread: UncertaintyResult | None, output: Path | None
) -> None:
    """The readable account summary: CO2 by subject and category, flags, interval."""
    rows = result.rows
    console.print(
        f"[bold]carbonctl account[/] — {len(rows):,} rows, factor set [cyan]{result.factor_set}"
        f"[/], grid basis [cyan]{result.grid_basis}[/]"
    )
    table = Table(title="CO2 by subject and category 按主体和类别 (万吨 = 10^4 t)")
    headers = [
        "主体 subject",
        "类别 category",
        "CO2 location-based",
        "CO2 market-based",
        "标准煤 万tce (当量)",
        "input rows",
    ]
    for header in headers:
        table.add_column(header, justify="left" if header[0] in "主类i" else "right")
    for record in result.by("subject", "category").itertuples(index=False):
        table.add_row(
            str(record.subject),
            CATEGORY_NAMES.get(str(record.category), str(record.category)),
            _wan(record.tco2),
            _wan(record.tco2_market),
            _wan(record.tce) if record.tce == record.tce else "–",
            record.input_row_ids,
        )
    table.add_section()
    table.add_row(
        "合计 total",
        "",
        _wan(result.total_tco2),
        _wan(result.total_tco2_market),
        _wan(rows["tce"].sum()),
        "",
    )
    console.print(table)
    if spread is not None:
        total = spread.intervals.query("scope == 'total'").iloc[0]
        console.print(
            f"95% interval ({spread.iterations:,} Monte Carlo iterations): "
            f"{_wan(total.low_tco2)} – {_wan(total.high_tco2)} 万吨 "
            f"(−{total.minus_pct:.1f}% / +{total.plus_pct:.1f}%); ranges are IPCC defaults "
            "where the reference data gives none (see `carbonctl refdata show "
            "uncertainty_defaults`)."
        )
    provisional = rows[rows["provisional"].astype(bool)]
    if len(provisional):
        console.print(
            f"[yellow]{len(provisional)} row(s) use a provisional grid factor:[/] "
            + "; ".join(sorted(set(provisional["note"])))
        )
    flagged = rows[rows["factor_status"].astype(str).str.startswith("UNCONFIRMED")]
    if len(flagged):
        console.print(
            f"[yellow]{len(flagged)} row(s) use an UNCONFIRMED factor:[/] "
            + ", ".join(sorted(set(flagged["item"].astype(str))))
        )
    if output is not None:
        console.print(f"row results written to {output}")


@app.command()
def inventory(
    input_file: Annotated[Path, typer.Argument(metavar="INPUT", help="Sector × fuel table.")],
    factor_set: Annotated[str | None, typer.Option(help="Fuel factor set id.")] = None,
    output: Annotated[Path | None, typer.Option(help="Write the CEADs matrix (.csv/.xlsx).")] = (
        None
    ),
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    sheet: Annotated[str | None, typer.Option(help="XLSX sheet (default: the first).")] = None,
) -> None:
    """Regional inventory in the CEADs layout (17 fuels × 47 sectors + process)."""
    from carbonctl.accounting.inventory import inventory as run_inventory
    from carbonctl.io import read_inventory, write_table

    def work():
        result = run_inventory(read_inventory(input_file, sheet=sheet), factor_set=factor_set)
        if output is not None:
            write_table(result.matrix(), output)
        return result

    result = _guard(work)
    if as_json:
        sys.stdout.write(json.dumps(result.summary(), ensure_ascii=False) + "\n")
        return
    print_inventory(result, output)


def print_inventory(result: InventoryResult, output: Path | None) -> None:
    """The readable inventory summary: CO2 by key industry."""
    summary = result.summary()
    console.print(
        f"[bold]carbonctl inventory[/] — {summary['rows']:,} rows "
        f"({summary['excluded_non_energy_rows']} non-energy rows excluded), factor set "
        f"[cyan]{result.factor_set}[/]"
    )
    table = Table(title="CO2 by key industry 重点行业 (Mt)")
    for column in ("region", "period", "key industry", "MtCO2", "share"):
        table.add_column(column, justify="right" if column in ("MtCO2", "share") else "left")
    for record in result.by_key_industry().itertuples(index=False):
        table.add_row(
            str(record.region),
            str(record.period),
            str(record.key_industry),
            f"{record.tco2 / 1e6:,.2f}",
            f"{record.share:.1%}",
        )
    console.print(table)
    console.print(f"total: {result.total_tco2 / 1e6:,.2f} MtCO2")
    if output is not None:
        console.print(f"CEADs matrix written to {output}")


ALLOCATION_METHODS = (
    "equal",
    "grandfather",
    "per-capita",
    "gdp",
    "index",
    "entropy-index",
    "zsg-dea",
    "shapley",
)


def _names(text: str | None) -> list[str]:
    return [name.strip() for name in (text or "").split(",") if name.strip()]


def _weights(text: str | None) -> dict[str, float]:
    """``a=0.4,b=0.6`` -> {"a": 0.4, "b": 0.6}."""
    weights = {}
    for part in _names(text):
        name, _, value = part.partition("=")
        try:
            weights[name.strip()] = float(value)
        except ValueError:
            raise CarbonctlError(f"weight {part!r} is not name=number") from None
    return weights


def _shapley_summary(input_file: Path, value_column: str) -> dict:
    import pandas as pd

    from carbonctl.io.readers import read_table
    from carbonctl.targets.shapley import abatement_cost_game, shapley

    table = read_table(input_file).reset_index(drop=True)
    if {"abatement", "mac"} <= set(table.columns):
        numbers = table[["abatement", "mac"]].apply(pd.to_numeric)
        game = abatement_cost_game(table[["region"]].join(numbers))
        value_column = "v"
    else:
        game = table.copy()
        for column in [c for c in game.columns if c.startswith("in_")] + [value_column]:
            if column not in game.columns:
                raise CarbonctlError(f"{input_file}: no column {column!r} in the game table")
            game[column] = pd.to_numeric(game[column])
    values = shapley(game, value_column=value_column)
    return {
        "method": "shapley",
        "target": None,
        "achieved": None,
        "regions": {
            str(r.region): {"shapley_value": float(r.shapley_value), "share": float(r.share)}
            for r in values.itertuples(index=False)
        },
    }


@app.command()
def allocate(
    input_file: Annotated[Path, typer.Argument(metavar="INPUT", help="Regions (CSV or XLSX).")],
    method: Annotated[str, typer.Option(help=" | ".join(ALLOCATION_METHODS))],
    target: Annotated[
        float | None, typer.Option(help="Province intensity reduction R, e.g. 0.17.")
    ] = None,
    indicators: Annotated[
        str | None, typer.Option(help="Indicator columns for index methods: a,b,c.")
    ] = None,
    negative: Annotated[
        str | None, typer.Option(help="Indicators where a higher value means less burden.")
    ] = None,
    weights: Annotated[
        str | None, typer.Option(help="Weights for --method index: a=0.4,b=0.6.")
    ] = None,
    value_column: Annotated[
        str, typer.Option(help="Shapley: the coalition-value column of a game table.")
    ] = "v",
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Split a provincial intensity target among regions (目标分解) by one method.

    Shapley takes either a game table (one row per coalition, in_<region> columns and a value
    column) or regions with ``abatement`` and ``mac`` (the abatement cost-saving game)."""
    from carbonctl.targets import allocate as run
    from carbonctl.targets import allocation_summary, read_allocation_input

    if method not in ALLOCATION_METHODS:
        errors.print(
            f"error: unknown method {method!r}; expected one of " + ", ".join(ALLOCATION_METHODS)
        )
        raise typer.Exit(EXIT_BAD_INPUT)

    def work() -> dict:
        if method == "shapley":
            return _shapley_summary(input_file, value_column)
        if target is None:
            raise CarbonctlError("--target is required for this method")
        names = _names(indicators) or list(_weights(weights))
        directions = {name: "-" if name in _names(negative) else "+" for name in names}
        table = read_allocation_input(input_file, indicators=names, dea=method == "zsg-dea")
        options: dict = {}
        if method == "entropy-index":
            options = {"indicators": directions}
        elif method == "index":
            options = {"weights": _weights(weights), "directions": directions}
        return allocation_summary(run(method.replace("-", "_"), table, target, **options))

    summary = _guard(work)
    if as_json:
        sys.stdout.write(json.dumps(summary, ensure_ascii=False) + "\n")
        return
    table = Table(title=f"目标分解 allocation: {method}, R = {target}")
    table.add_column("region")
    for column in next(iter(summary["regions"].values()), {}):
        table.add_column(column, justify="right")
    for region, figures in summary["regions"].items():
        table.add_row(region, *(f"{v:,.6g}" for v in figures.values()))
    console.print(table)
    if summary["achieved"] is not None:
        console.print(f"province reduction achieved: {summary['achieved']:.6f}")


@app.command()
def evaluate(
    input_file: Annotated[Path, typer.Argument(metavar="INPUT", help="region + indicators.")],
    method: Annotated[str, typer.Option(help="entropy-topsis | ahp-topsis")] = "entropy-topsis",
    weights: Annotated[
        Path | None, typer.Option(help="indicator,weight CSV or an AHP pairwise matrix CSV.")
    ] = None,
    negative: Annotated[
        str | None, typer.Option(help="Indicators where lower is better: a,b.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Composite assessment of regions (综合评价): weights, TOPSIS scores 0-100, ranking."""
    from carbonctl.evaluation import (
        evaluate as run,
    )
    from carbonctl.evaluation import (
        evaluation_summary,
        read_evaluation_input,
        read_weights,
    )

    def work() -> dict:
        table = read_evaluation_input(input_file)
        given = read_weights(weights) if weights is not None else None
        result = run(
            table,
            method=method,
            negative=_names(negative),
            weights=given.weights if given is not None else None,
            ahp_matrix=given.ahp_matrix if given is not None else None,
        )
        return evaluation_summary(result)

    summary = _guard(work)
    if as_json:
        sys.stdout.write(json.dumps(summary, ensure_ascii=False) + "\n")
        return
    table = Table(title=f"综合评价 assessment: {summary['method']}")
    for column in ("rank", "region", "score", "passed"):
        table.add_column(column, justify="right" if column != "region" else "left")
    ranked = sorted(summary["regions"].items(), key=lambda item: item[1]["rank"])
    for region, figures in ranked:
        table.add_row(
            str(figures["rank"]), region, f"{figures['score']:.2f}", str(figures.get("passed", ""))
        )
    console.print(table)
    console.print("weights: " + ", ".join(f"{k} {v:.4f}" for k, v in summary["weights"].items()))


@app.command()
def progress(
    target: Annotated[float, typer.Option(help="Five-year intensity reduction R, e.g. 0.17.")],
    base_year: Annotated[int, typer.Option(help="Base year of the plan, e.g. 2025.")],
    year: Annotated[int, typer.Option(help="The year to assess (base year .. base year + 5).")],
    achieved: Annotated[
        float | None, typer.Option(help="Cumulative reduction achieved by that year.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Five-year schedule progress (时序进度): required and remaining rates, completion rate."""
    from carbonctl.indicators import progress as schedule_progress

    figures = _guard(lambda: schedule_progress(target, base_year, year, achieved))
    if as_json:
        sys.stdout.write(json.dumps(figures) + "\n")
        return
    table = Table(title=f"时序进度 schedule progress: R = {target:.1%}, {base_year}→{year}")
    table.add_column("indicator")
    table.add_column("value", justify="right")
    labels = {
        "annual_required": "年均需下降 required annual rate",
        "required_cumulative": "累计应下降 required cumulative",
        "remaining_required": "剩余年份年均需下降 remaining annual rate",
        "completion_rate": "进度完成率 completion rate",
    }
    for key, label in labels.items():
        value = figures[key]
        shown = (
            "–"
            if value is None
            else (f"{value:.3f}" if key == "completion_rate" else f"{value:.2%}")
        )
        table.add_row(label, shown)
    console.print(table)


@refdata_app.command("list")
def refdata_list() -> None:
    """List the reference tables and factor sets."""
    tables = _guard(refdata.describe_tables)
    table = Table(title="Reference tables 参考数据")
    for column in tables.columns:
        table.add_column(column)
    for record in tables.itertuples(index=False):
        table.add_row(*(str(v) for v in record))
    console.print(table)
    console.print("factor sets: " + ", ".join(refdata.factor_set_ids()))


@refdata_app.command("show")
def refdata_show(
    name: Annotated[str, typer.Argument(help="A table name, a fuel or a process material.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON records.")] = False,
) -> None:
    """Show a reference table, or one fuel's parameters in every factor set."""
    frame = _guard(lambda: _lookup(name))
    if as_json:
        records = frame.to_dict(orient="records")
        sys.stdout.write(json.dumps(records, ensure_ascii=False, default=str) + "\n")
        return
    table = Table(title=name, show_lines=False)
    for column in frame.columns:
        table.add_column(str(column), overflow="fold")
    for record in frame.itertuples(index=False):
        table.add_row(*(str(v) for v in record))
    console.print(table)


def _lookup(name: str) -> pd.DataFrame:
    if name in refdata.TABLES:
        return refdata.load_table(name)
    try:
        fuel = refdata.find_fuel(name)
    except CarbonctlError:
        try:
            material = refdata.find_material(name)
        except CarbonctlError:
            # neither: say so with the closest tables, fuels and materials
            candidates = [*refdata.TABLES, *refdata.fuel_names()]
            raise UnknownNameError(
                "table, fuel or material", name, refdata.close_matches(name, candidates)
            ) from None
        return pd.DataFrame([dataclasses.asdict(material)])
    factors = refdata.load_table("fuel_factors")
    rows = factors[factors["fuel_id"] == fuel.fuel_id]
    if rows.empty:
        return pd.DataFrame(
            [
                {
                    **dataclasses.asdict(fuel),
                    "note": "no default parameters in any factor set: "
                    "give measured NCV and carbon content",
                }
            ]
        )
    return rows


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="gunicorn worker processes.", min=1)] = 2,
) -> None:
    """Serve the web platform with gunicorn (production WSGI server), after migrating."""
    from carbonctl.web.runtime import serve as run_server

    run_server(host, port, workers)


@app.command(
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    add_help_option=False,
)
def manage(context: typer.Context) -> None:
    """Run a Django management command: carbonctl manage migrate, check --deploy, …"""
    from carbonctl.web.runtime import manage as run_manage

    run_manage(context.args)


@app.command()
def createuser(
    username: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[
        str,
        typer.Option(
            help="province_admin, province_analyst, city_official, "
            "county_official, enterprise_reporter, reviewer, public"
        ),
    ],
    region: Annotated[str | None, typer.Option(help="Adcode of the user's city or county.")] = None,
    enterprise: Annotated[
        str | None, typer.Option(help="Credit code of an enterprise reporter's enterprise.")
    ] = None,
    password: Annotated[
        str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)
    ] = "",
) -> None:
    """Create a platform user with a role and scope (audited)."""
    from carbonctl.web.runtime import create_user

    def work() -> None:
        try:
            create_user(username, password, role, region=region, enterprise_code=enterprise)
        except ValueError as exc:  # Django's ValidationError and ours: a bad role or scope
            raise CarbonctlError(str(exc)) from exc

    _guard(work)
    console.print(f"user {username} created as {role}")


@app.command()
def createtoken(
    username: Annotated[str, typer.Argument(help="The user the token acts as.")],
    name: Annotated[str, typer.Option(help="A label for the token.")] = "api",
) -> None:
    """Create an API token for a user (printed once; only its hash is stored)."""
    from carbonctl.web.runtime import create_token

    def work() -> str:
        try:
            return create_token(username, name)
        except LookupError as exc:
            raise CarbonctlError(str(exc)) from exc

    sys.stdout.write(_guard(work) + "\n")


demo_app = typer.Typer(help="The bundled Shanxi demo: accounting examples and the platform.")
app.add_typer(demo_app, name="demo")


@demo_app.callback(invoke_without_command=True)
def demo(context: typer.Context) -> None:
    """Without a subcommand: account the bundled examples and print a summary."""
    if context.invoked_subcommand is not None:
        return
    from carbonctl.demo import run_demo

    _guard(lambda: run_demo(console))


@demo_app.command("build")
def demo_build(
    db: Annotated[Path | None, typer.Option(help="SQLite file to build (default: var/).")] = None,
    if_missing: Annotated[
        bool, typer.Option("--if-missing", help="Do nothing when the demo is already there.")
    ] = False,
    seed: Annotated[int, typer.Option(help="Seed of the synthetic data.")] = 20240101,
) -> None:
    """Build the demo database: synthetic Shanxi data 2015-2025 and one user per role."""
    import os

    from carbonctl.web.runtime import build_demo

    if db is not None:
        os.environ["CARBONCTL_DATABASE_URL"] = f"sqlite:///{db.resolve()}"
    with console.status("building the demo database (synthetic data, about a minute)…"):
        logins, built = _guard(lambda: build_demo(if_missing=if_missing, seed=seed))
    console.print("demo database built" if built else "demo database already built")
    table = Table(title="演示账号 demo logins (for the demo only)")
    for column in ("username", "password", "role", "scope"):
        table.add_column(column)
    for login in logins:
        table.add_row(login.username, login.password, str(login.role), login.scope)
    console.print(table)


# --- electricity–carbon rapid assessment (电—碳快速评估) ----------------------------------------

electricity_app = typer.Typer(
    help="Electricity–carbon rapid assessment (电—碳快速评估): meters, nowcasts, backtests.",
    no_args_is_help=True,
)
app.add_typer(electricity_app, name="electricity")


class Engine(StrEnum):
    duckdb = "duckdb"
    spark = "spark"


@electricity_app.command("aggregate")
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
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Clean meter readings and aggregate them to county × industry × day and month (and
    dispatch to county × fuel × month)."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

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

        result = _guard(
            lambda: aggregate(readings, meters, engine=engine.value, master=master, progress=step)
        )
        generation = None
        if dispatch is not None:
            bar.update(task, description="汇总调度数据 aggregating dispatch")
            generation = _guard(
                lambda: aggregate_dispatch(dispatch, engine=engine.value, master=master)
            )
        paths = _guard(lambda: write_aggregates(result, out, generation))
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
    table.add_row("用电量 kWh", f"{result.month['kwh'].sum():,.0f}")
    console.print(table)
    for path in paths.values():
        console.print(f"wrote {path}")


@electricity_app.command("synth")
def electricity_synth(
    out: Annotated[Path, typer.Option(help="Folder for meters, readings and dispatch.")],
    meters: Annotated[int, typer.Option(help="Number of meters.", min=1)] = 20_000,
    start: Annotated[str, typer.Option(help="First day, YYYY-MM-DD.")] = "2025-01-01",
    end: Annotated[str, typer.Option(help="Last day, YYYY-MM-DD.")] = "2025-12-31",
    freq: Annotated[str, typer.Option(help="D (daily) or 15min.")] = "D",
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    plants: Annotated[int, typer.Option(help="Counties with power plants (dispatch).")] = 30,
) -> None:
    """Synthetic meters, readings (month partitions) and hourly dispatch for Shanxi's counties."""
    from rich.progress import BarColumn, Progress, TimeRemainingColumn

    from carbonctl.electricity import synth

    def build() -> tuple:
        counties = synth.county_codes()
        targets = synth.default_targets(counties, start, end, seed=seed)
        table = synth.synth_meters(targets, n_meters=meters, seed=seed)
        out.mkdir(parents=True, exist_ok=True)
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

            manifest = synth.write_readings(
                table,
                targets,
                out / "readings",
                start=start,
                end=end,
                freq=freq,
                seed=seed,
                progress=step,
            )
        table.to_parquet(out / "meters.parquet", index=False)
        dispatch = synth.synth_dispatch(counties[:plants], start, end, seed=seed)
        synth.write_dispatch(dispatch, out / "dispatch.parquet")
        (out / "manifest.json").write_text(
            json.dumps(manifest.to_dict(), ensure_ascii=False, indent=2, default=str),
            encoding="utf-8",
        )
        return manifest, len(dispatch)

    manifest, dispatch_rows = _guard(build)
    console.print(
        f"wrote {manifest.rows:,} readings of {len(synth.county_codes())} counties "
        f"({manifest.meters:,} meters) and {dispatch_rows:,} dispatch hours to {out}"
    )


@functools.cache
def _demo_history(seed: int):
    """The demo history (deterministic, so one per seed and process)."""
    from carbonctl.electricity.history import demo_history

    with errors.status("合成演示历史数据 building the demo electricity history…"):
        return demo_history(seed=seed)


@electricity_app.command("nowcast")
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
    data: Annotated[
        Path | None,
        typer.Option(
            help="Folder with counties, annual, monthly, generation, output (.csv/.parquet); "
            "default: the demo history."
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the demo history.")] = 20240101,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Nowcast CO2 of a month and its year to date for every county, city and the province
    (the demo history; metered electricity from the pipeline replaces it where given)."""
    from carbonctl.electricity import model as ec
    from carbonctl.electricity.assessment import metered_inputs, read_model_inputs
    from carbonctl.electricity.pipeline import read_small_table

    def run():
        history = _demo_history(seed) if data is None else read_model_inputs(data)
        inputs = history
        if monthly is not None or generation is not None:
            inputs = metered_inputs(
                history,
                read_small_table(monthly) if monthly is not None else None,
                read_small_table(generation) if generation is not None else None,
            )
        year = int(month[:4]) if month[:4].isdigit() else 0
        years = set(history.annual["year"].astype(int))
        through = max((y for y in years if y < year), default=None)
        if through is None:
            from carbonctl.errors import InputError

            raise InputError(
                f"no annual inventory before {month!r}",
                column="month",
                expected="a month after the first inventory year",
            )
        return ec.nowcast(ec.fit(inputs, through_year=int(through)), inputs, month)

    result = _guard(run)
    table = result.table
    if as_json:
        print(
            json.dumps(
                {
                    "month": result.month,
                    "through_year": result.through_year,
                    "interval": result.interval,
                    "estimates": table.to_dict(orient="records"),
                },
                ensure_ascii=False,
            )
        )
        return
    names = refdata.load_table("regions").set_index("adcode")["name_zh"].to_dict()
    shown = table[(table["level"] != "county") & (table["sector"] == "ALL")]
    out = Table(
        title=f"碳排放即时估算 CO2 nowcast {result.month} (万吨 10⁴ t, "
        f"{result.interval:.0%} 区间; 清单 inventory {result.through_year})"
    )
    for column in ("地区 region", "口径 kind", "估算 estimate", "下限 low", "上限 high"):
        out.add_column(column, justify="right" if column[0] in "估下上" else "left")
    for r in shown.itertuples(index=False):
        out.add_row(
            f"{names.get(r.region, r.region)} {r.region}",
            r.period,
            _wan(r.tco2),
            _wan(r.lo),
            _wan(r.hi),
        )
    console.print(out)


@electricity_app.command("backtest")
def electricity_backtest(
    first: Annotated[int, typer.Option(help="First year nowcast.")] = 2018,
    last: Annotated[int, typer.Option(help="Last year nowcast.")] = 2025,
    report: Annotated[Path | None, typer.Option(help="Write the report (Markdown).")] = None,
    seed: Annotated[int, typer.Option(help="Seed of the demo history.")] = 20240101,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Rolling-origin backtest of the monthly nowcast on the demo history: MAPE and bias by
    level and sector (synthetic data proves the machinery, not the accuracy)."""
    from carbonctl.electricity.backtest import backtest

    def run():
        history = _demo_history(seed)
        with errors.status(f"回测 backtesting {first}–{last}…"):
            return backtest(history, years=range(first, last + 1))

    result = _guard(run)
    if report is not None:
        report.write_text(result.to_markdown(), encoding="utf-8")
    if as_json:
        print(json.dumps(result.to_json(), ensure_ascii=False))
        return
    figures = result.to_json()
    out = Table(title=f"回测 backtest {first}–{last}, {figures['months']} months per series")
    for column in ("级别 level", "MAPE %", "bias %"):
        out.add_column(column, justify="left" if column.startswith("级") else "right")
    for level, values in figures["levels"].items():
        out.add_row(level, f"{values['mape']:.2f}", f"{values['bias']:+.2f}")
    console.print(out)
    if report is not None:
        console.print(f"wrote {report}")


@electricity_app.command("publish")
def electricity_publish(
    data: Annotated[
        Path, typer.Option(help="Folder with counties, annual, monthly, generation, output.")
    ],
    year: Annotated[int, typer.Option(help="The year to assess (inventories of the two before).")],
    last_month: Annotated[int, typer.Option(help="Last month with data.", min=1, max=12)] = 12,
    days: Annotated[
        Path | None, typer.Option(help="county_industry_day.parquet from `aggregate`.")
    ] = None,
    generation_days: Annotated[
        Path | None, typer.Option(help="Daily generation: county, day, fuel, mwh.")
    ] = None,
    user: Annotated[str | None, typer.Option(help="Platform user the audit log names.")] = None,
    db: Annotated[Path | None, typer.Option(help="SQLite file (default: var/).")] = None,
) -> None:
    """Assess a year on a province's own tables and publish it on the platform's electricity page
    (nowcasts, last year reconciled, bulletins, daily figures), audited."""
    import os

    from carbonctl.web.runtime import publish_electricity

    if db is not None:
        os.environ["CARBONCTL_DATABASE_URL"] = f"sqlite:///{db.resolve()}"

    def run():
        try:
            return publish_electricity(
                data,
                year,
                last_month=last_month,
                days=days,
                generation_days=generation_days,
                username=user,
            )
        except LookupError as exc:
            from carbonctl.errors import InputError

            raise InputError(str(exc), column="user", expected="an existing username") from None

    with console.status("评估并发布 assessing and publishing…"):
        pk, bulletins = _guard(run)
    console.print(f"published electricity–carbon assessment {pk} with {bulletins} bulletins")
