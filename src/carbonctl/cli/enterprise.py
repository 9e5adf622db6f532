"""``carbonctl enterprise``: key energy-using and ETS units (重点用能和碳排放单位) and key
enterprises' carbon-efficiency grades (企业碳效码)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from carbonctl.cli.common import JsonFlag, Sheet, console, guard

app = typer.Typer(
    help="Key enterprises: key energy-using and ETS units (重点用能单位), carbon-efficiency "
    "grades (碳效码)."
)


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


@app.command("key-units")
def key_units(
    input_file: Annotated[
        Path,
        typer.Argument(
            metavar="INPUT",
            help="Enterprise-years: enterprise, year, energy_tce, co2_t, sector "
            "[, provincially_listed] (.csv or .xlsx).",
        ),
    ],
    year: Annotated[int | None, typer.Option(help="Only this year.")] = None,
    as_json: JsonFlag = False,
    sheet: Sheet = None,
) -> None:
    """The key energy-using and ETS units (重点用能和碳排放单位) the figures designate, with the
    criteria (reference data, with their status) each one meets."""
    from carbonctl.enterprises.keyunits import (
        derive_registry,
        key_unit_criteria,
        read_registry_input,
    )

    figures = guard(lambda: read_registry_input(input_file, sheet=sheet))
    if year is not None:
        figures = figures[figures["year"] == year]
    registry = derive_registry(figures)
    criteria = {c.criterion: c for c in key_unit_criteria()}
    if as_json:
        units: dict[str, dict] = {}
        for r in registry.itertuples(index=False):
            entry = units.setdefault(r.enterprise, {}).setdefault(str(r.year), {})
            entry[r.kind] = list(r.reasons)
        payload = {
            "year": year,
            "units": units,
            "criteria": {
                name: {"threshold": c.threshold, "unit": c.unit, "status": c.status}
                for name, c in criteria.items()
            },
        }
        sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
        return
    table = Table(title="重点用能和碳排放单位 key energy-using and ETS units")
    for column in ("enterprise", "year", "kind", "energy tce", "CO2 t", "criteria"):
        table.add_column(column, justify="right" if column in ("energy tce", "CO2 t") else "left")
    for r in registry.itertuples(index=False):
        table.add_row(
            r.enterprise,
            str(r.year),
            r.kind,
            f"{r.energy_tce:,.1f}" if r.energy_tce == r.energy_tce else "",
            f"{r.co2_t:,.1f}" if r.co2_t == r.co2_t else "",
            ", ".join(r.reasons),
        )
    console.print(table)
    flagged = sorted({c for reasons in registry["reasons"] for c in reasons
                      if "UNCONFIRMED" in criteria[c].status})  # fmt: skip
    if flagged:
        console.print("UNCONFIRMED criteria used: " + ", ".join(flagged))
