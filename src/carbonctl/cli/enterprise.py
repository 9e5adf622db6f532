"""``carbonctl enterprise``: key enterprises' carbon-efficiency grades (企业碳效码)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from carbonctl.cli.common import JsonFlag, Sheet, console, guard

app = typer.Typer(help="Key enterprises: carbon-efficiency grades (碳效码).")


@app.command()
def grade(
    input_file: Annotated[
        Path, typer.Argument(metavar="INPUT", help="Enterprises table (.csv or .xlsx).")
    ],
    as_json: JsonFlag = False,
    sheet: Sheet = None,
) -> None:
    """Grade enterprises 1–5 by CO2 (net of zero-carbon power) per 10⁴ CNY value added
    against their industry's average."""
    from carbonctl.enterprises.grades import grade_enterprises, read_grade_input

    result = guard(
        lambda: grade_enterprises(read_grade_input(input_file, sheet=sheet), source=str(input_file))
    )
    if as_json:
        sys.stdout.write(json.dumps(result.to_json(), ensure_ascii=False) + "\n")
        return
    table = Table(title="企业碳效码 carbon-efficiency grades")
    for column in ("enterprise", "industry", "year", "t/10⁴ CNY", "industry avg", "K", "grade",
                   "level"):  # fmt: skip
        table.add_column(
            column, justify="left" if column in ("enterprise", "industry") else "right"
        )
    for r in result.table().itertuples(index=False):
        table.add_row(
            r.enterprise,
            r.industry,
            str(r.year),
            f"{r.intensity:.4g}",
            f"{r.industry_average:.4g}" + (" *" if r.average_basis == "supplied" else ""),
            f"{r.k:.3f}",
            str(r.grade),
            r.carbon_level,
        )
    console.print(table)
    console.print("* industry average supplied in the input; others pooled from the input.")
