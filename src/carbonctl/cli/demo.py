"""``carbonctl demo``: the bundled Shanxi examples, and the demo database of the platform
(演示)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from carbonctl.cli.common import DEMO_SEED, console, guard, use_database

app = typer.Typer(help="The bundled Shanxi demo: accounting examples and the platform.")


@app.callback(invoke_without_command=True)
def demo(context: typer.Context) -> None:
    """Without a subcommand: account the bundled examples and print a summary."""
    if context.invoked_subcommand is not None:
        return
    from carbonctl.accounting import account
    from carbonctl.accounting.inventory import inventory
    from carbonctl.cli.accounting import print_account, print_inventory
    from carbonctl.demo import ENTERPRISES, INVENTORY, demo_file
    from carbonctl.demo.synthetic import ceads_table
    from carbonctl.io import read_activities, read_inventory

    console.rule(
        "[bold]1. Enterprise accounting 企业碳排放核算 (synthetic Shanxi enterprises, 2023)"
    )
    print_account(guard(lambda: account(read_activities(demo_file(ENTERPRISES)))), None, None)
    console.rule(
        "[bold]2. Regional inventory 区域清单 (Shanxi 2019, quantities derived from CEADs)"
    )
    print_inventory(guard(lambda: inventory(read_inventory(demo_file(INVENTORY)))), None)
    published = ceads_table("totals").set_index("year").at[2019, "total_MtCO2"]
    console.print(
        f"CEADs Shanxi 2019 total for comparison: {published:,.2f} MtCO2 "
        "(Shan et al., CEADs). The quantities are back-calculated from that inventory; "
        "see docs/methodology/accounting.md."
    )


@app.command("build")
def demo_build(
    db: Annotated[Path | None, typer.Option(help="SQLite file to build (default: var/).")] = None,
    if_missing: Annotated[
        bool, typer.Option("--if-missing", help="Do nothing when the demo is already there.")
    ] = False,
    seed: Annotated[int, typer.Option(help="Seed of the synthetic data.")] = DEMO_SEED,
) -> None:
    """Build the demo database: synthetic Shanxi data 2015-2025 and one user per role."""
    use_database(db)
    from carbonctl.web.runtime import build_demo

    with console.status("building the demo database (synthetic data, about a minute)…"):
        logins, built = guard(lambda: build_demo(if_missing=if_missing, seed=seed))
    console.print("demo database built" if built else "demo database already built")
    table = Table(title="演示账号 demo logins (for the demo only)")
    for column in ("username", "password", "role", "scope"):
        table.add_column(column)
    for login in logins:
        table.add_row(login.username, login.password, str(login.role), login.scope)
    console.print(table)
