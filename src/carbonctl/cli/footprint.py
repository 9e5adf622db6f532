"""``carbonctl footprint``: product carbon footprints (产品碳足迹) with the LCA matrix engine, and
the background database (背景数据库) as a system folder."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from carbonctl.cli.common import JsonFlag, console, guard

app = typer.Typer(help="Product carbon footprints (产品碳足迹): LCA of a product system.")

Method = Annotated[
    str, typer.Option("--method", help="GWP100 of IPCC AR5 or AR6 (characterisation).")
]


@app.command()
def compute(
    system_dir: Annotated[
        Path,
        typer.Argument(
            metavar="SYSTEM_DIR", help="Folder with processes and exchanges (.csv or .xlsx)."
        ),
    ],
    demand: Annotated[
        Path, typer.Option("--demand", help="process, amount rows; a demand column names groups.")
    ],
    method: Method = "AR6",
    as_json: JsonFlag = False,
) -> None:
    """Footprint (kgCO2e) of each demand, with the ten processes contributing most directly."""
    from carbonctl.footprint.engine import METHODS
    from carbonctl.footprint.engine import compute as run
    from carbonctl.footprint.system import read_demands, read_system

    if method not in METHODS:
        guard(lambda: (_ for _ in ()).throw(_method_error(method)))
    system = guard(lambda: read_system(system_dir))
    demands = guard(lambda: read_demands(demand, system))
    result = guard(lambda: run(system, demands, method=method))
    if as_json:
        sys.stdout.write(json.dumps(result.to_json(), ensure_ascii=False) + "\n")
        return
    names = dict(zip(system.processes["id"], system.processes["name"], strict=True))
    for name, score in result.scores.items():
        table = Table(title=f"{name}: {score:,.4g} kgCO2e ({method})")
        table.add_column("过程 process")
        table.add_column("名称 name")
        table.add_column("直接贡献 direct share", justify="right")
        for process, share in result.top_processes[name]:
            table.add_row(process, str(names.get(process, "")), f"{share:.1%}")
        console.print(table)


def _method_error(method: str) -> Exception:
    from carbonctl.errors import CarbonctlError
    from carbonctl.footprint.engine import METHODS

    return CarbonctlError(f"unknown method {method!r}; expected one of {', '.join(METHODS)}")


@app.command()
def background(
    export: Annotated[
        Path, typer.Option("--export", help="Write the starter background database here.")
    ],
) -> None:
    """Export the starter background database (grid electricity, fuels, heat, materials) as a
    SYSTEM_DIR that ``footprint compute`` reads."""
    from carbonctl.footprint.background import export_background, starter_background

    system = guard(starter_background)
    guard(lambda: export_background(system, export))
    console.print(f"{len(system.processes)} processes written to {export}")
