"""The ``carbonctl`` command: one Typer sub-app per capability (accounting, targets, reference
data, electricity–carbon, the platform, the demo). Commands parse input, call the core and
render; nothing is computed here."""

from __future__ import annotations

from typing import Annotated

import typer

from carbonctl import __version__
from carbonctl.cli import (
    accounting,
    budget,
    demo,
    electricity,
    enterprise,
    footprint,
    market,
    platform,
    project,
    refdata,
    targets,
    warn,
)
from carbonctl.cli.common import console

app = typer.Typer(
    help="carbonctl — 碳排放双控 carbon emission dual control: accounting and reference data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# capabilities whose commands sit at the top level (carbonctl account, allocate, warn, serve …)
for capability in (accounting, targets, warn, platform):
    app.add_typer(capability.app)
app.add_typer(refdata.app, name="refdata")
app.add_typer(demo.app, name="demo")
app.add_typer(electricity.app, name="electricity")
app.add_typer(budget.app, name="budget")
app.add_typer(project.app, name="project")
app.add_typer(market.app, name="ets")
app.add_typer(enterprise.app, name="enterprise")
app.add_typer(footprint.app, name="footprint")


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", help="Show the version and exit.")] = False,
) -> None:
    if version:
        console.print(f"carbonctl {__version__}")
        raise typer.Exit()


__all__ = ["app"]
