"""``carbonctl allocate``, ``evaluate`` and ``progress``: targets, their split among regions,
the assessment of cities and the five-year schedule (目标分解、综合评价、时序进度)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from carbonctl.cli.common import JsonFlag, console, fail, guard, names
from carbonctl.errors import CarbonctlError

app = typer.Typer()

#: The CLI's spellings of the allocation methods (``targets.METHODS``), and the Shapley game.
#: Written out so that ``--help`` does not import the allocation engine (scipy, pandera);
#: tests/cli/test_startup.py checks that they are the registry's, in its order.
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


def _weights(text: str | None) -> dict[str, float]:
    """``a=0.4,b=0.6`` -> {"a": 0.4, "b": 0.6}."""
    weights = {}
    for part in names(text):
        name, _, value = part.partition("=")
        try:
            weights[name.strip()] = float(value)
        except ValueError:
            raise CarbonctlError(f"weight {part!r} is not name=number") from None
    return weights


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
    floor: Annotated[
        float | None,
        typer.Option(help="Lowest reduction of any region, e.g. 0 (no region's intensity rises)."),
    ] = None,
    ceiling: Annotated[
        float | None, typer.Option(help="Highest reduction of any region, e.g. 0.25.")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Split a provincial intensity target among regions (目标分解) by one method.

    With --floor/--ceiling every region's reduction stays within the bounds and the province
    target is still met exactly: regions outside are clamped, the rest share the remainder.
    Shapley takes either a game table (one row per coalition, in_<region> columns and a value
    column) or regions with ``abatement`` and ``mac`` (the abatement cost-saving game)."""
    from carbonctl.targets import (
        DEA_INPUT_COLUMNS,
        METHODS,
        allocation_summary,
        bounded,
        read_allocation_input,
    )
    from carbonctl.targets import allocate as run

    if method not in ALLOCATION_METHODS:
        fail(f"unknown method {method!r}; expected one of " + ", ".join(ALLOCATION_METHODS))

    def work() -> dict:
        if method == "shapley":
            from carbonctl.io.readers import read_table
            from carbonctl.targets.shapley import shapley_summary

            return shapley_summary(read_table(input_file), value_column, where=str(input_file))
        if target is None:
            raise CarbonctlError("--target is required for this method")
        name = method.replace("-", "_")
        chosen = names(indicators) or list(_weights(weights))
        directions = {c: "-" if c in names(negative) else "+" for c in chosen}
        needs = set(METHODS[name].inputs)
        dea = bool(needs & set(DEA_INPUT_COLUMNS))
        table = read_allocation_input(input_file, indicators=chosen, dea=dea)
        options: dict = {}
        if "indicators" in METHODS[name].options:
            options = {"indicators": directions}
        elif "weights" in METHODS[name].options:
            options = {"weights": _weights(weights), "directions": directions}
        result = run(name, table, target, **options)
        if floor is not None or ceiling is not None:
            result = bounded(result, table, floor=floor, ceiling=ceiling)
        return allocation_summary(result)

    summary = guard(work)
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
    as_json: JsonFlag = False,
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
            negative=names(negative),
            weights=given.weights if given is not None else None,
            ahp_matrix=given.ahp_matrix if given is not None else None,
        )
        return evaluation_summary(result)

    summary = guard(work)
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
    as_json: JsonFlag = False,
) -> None:
    """Five-year schedule progress (时序进度): required and remaining rates, completion rate."""
    from carbonctl.indicators import progress as schedule_progress

    figures = guard(lambda: schedule_progress(target, base_year, year, achieved))
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
