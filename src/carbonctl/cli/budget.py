"""``carbonctl budget``: the platform's carbon budgets (碳排放预算): ``show`` a region's year,
``update`` the budgets and actuals derived from the platform's data."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.table import Table

from carbonctl.cli.common import Database, console, guard, use_database

app = typer.Typer(no_args_is_help=True, help="Carbon budgets (碳排放预算) on the platform.")

_LABELS = {
    "budget_tco2": "预算 budget",
    "actual_tco2": "实际排放 actual",
    "committed_tco2": "已批项目 committed",
    "pipeline_tco2": "在审项目 pipeline",
    "reserve_tco2": "省级预留 reserve",
    "headroom_tco2": "余量 headroom",
    "forecast_tco2": "年末预测 forecast",
    "forecast_lo": "预测下限 (90%) lo",
    "forecast_hi": "预测上限 (90%) hi",
}


def _user_error(exc: LookupError):
    from carbonctl.errors import InputError

    return InputError(str(exc), column="user", expected="an existing username")


@app.command("show")
def show(
    region: Annotated[str, typer.Argument(help="Adcode or Chinese name (140100, 太原市).")],
    year: Annotated[
        int | None, typer.Option(help="Year (default: the latest year with monthly data).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the record as JSON.")] = False,
    db: Database = None,
) -> None:
    """A region's budget, actual, committed, pipeline, reserve and headroom in a year, the
    year-end forecast with its 90 % interval and the date the budget is projected to run out."""
    use_database(db)
    from carbonctl.web.runtime import platform_budget_show

    record = guard(lambda: platform_budget_show(region, year))
    if as_json:
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        return
    from carbonctl.display import format_quantity

    table = Table(title=f"碳排放预算 carbon budget {record['region']} {record['year']}")
    table.add_column("项目 item")
    table.add_column("万吨CO2 (10⁴ tCO2)", justify="right")
    for key, label in _LABELS.items():
        value = record[key]
        table.add_row(
            label, "—" if value is None else format_quantity(value, "万吨", 1, grouping=True)
        )
    console.print(table)
    day = record["exhaustion_date"]
    console.print(
        f"预计用尽日期 exhaustion date: {day}" if day else "预测年末排放在预算以内 within budget",
        highlight=False,
    )


@app.command("update")
def update(
    user: Annotated[str, typer.Option(help="Platform user recording the entries (audited).")],
    plan: Annotated[
        str | None, typer.Option(help="Record the annual budgets of this plan (15th, 14th).")
    ] = None,
    year: Annotated[
        int | None, typer.Option(help="Record the actual emissions of this year.")
    ] = None,
    db: Database = None,
) -> None:
    """Record budgets (intensity path of the region's adopted target, else the plan's) and
    actual emissions (inventory, else the monthly estimates to date) as ledger entries."""
    use_database(db)
    from carbonctl.web.runtime import platform_budget_update

    def run():
        try:
            return platform_budget_update(plan=plan, year=year, username=user)
        except LookupError as exc:
            raise _user_error(exc) from None

    written = guard(run)
    console.print(
        f"recorded {written['budget']} budget and {written['actual']} actual entries",
        highlight=False,
    )
