"""``carbonctl refdata``: the reference tables, factor sets and fuels (参考数据)."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.table import Table

from carbonctl.cli.common import console, guard

app = typer.Typer(
    help="Reference data: factor sets, fuels, grid factors (参考数据).", no_args_is_help=True
)


@app.command("list")
def refdata_list() -> None:
    """List the reference tables and factor sets."""
    from carbonctl import refdata

    tables = guard(refdata.describe_tables)
    table = Table(title="Reference tables 参考数据")
    for column in tables.columns:
        table.add_column(column)
    for record in tables.itertuples(index=False):
        table.add_row(*(str(v) for v in record))
    console.print(table)
    console.print("factor sets: " + ", ".join(refdata.factor_set_ids()))


@app.command("show")
def refdata_show(
    name: Annotated[str, typer.Argument(help="A table name, a fuel or a process material.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON records.")] = False,
) -> None:
    """Show a reference table, or one fuel's parameters in every factor set."""
    from carbonctl import refdata

    frame = guard(lambda: refdata.lookup(name))
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
