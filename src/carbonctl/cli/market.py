"""``carbonctl ets``: national ETS allocation of power units and their compliance (全国碳市场
配额分配与清缴)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from carbonctl.cli.common import JsonFlag, Sheet, console, guard

if TYPE_CHECKING:  # the engine is imported when a command runs, keeping --help fast
    from carbonctl.market import AllocationResult, ComplianceResult

app = typer.Typer(help="National ETS: power-unit allocation (配额分配) and compliance (清缴).")

STATUS = {"shortfall": "缺口 shortfall", "complied": "足额 complied", "surplus": "盈余 surplus"}


def _flags(flags: list[str] | tuple[str, ...]) -> None:
    if flags:
        console.print("[bold]标记 flags[/] (values not plainly CONFIRMED, used as defaults)")
        for flag in dict.fromkeys(flags):
            console.print(f"- {flag}", highlight=False, soft_wrap=True)


@app.command()
def allocate(
    units: Annotated[Path, typer.Argument(metavar="UNITS", help="Units table (.csv or .xlsx).")],
    year: Annotated[int, typer.Option(help="Allocation year (compliance year).")],
    as_json: JsonFlag = False,
    sheet: Sheet = None,
) -> None:
    """Allocate allowances to power units by the benchmark method of the year's plan."""
    from carbonctl.market import allocate as run_allocate
    from carbonctl.market import read_units

    result = guard(lambda: run_allocate(read_units(units, sheet=sheet), year, source=str(units)))
    if as_json:
        sys.stdout.write(json.dumps(result.to_json(), ensure_ascii=False) + "\n")
        return
    print_allocation(result)


@app.command()
def comply(
    compliance: Annotated[
        Path, typer.Argument(metavar="COMPLIANCE", help="Compliance table (.csv or .xlsx).")
    ],
    as_json: JsonFlag = False,
    sheet: Sheet = None,
) -> None:
    """Required surrender, CCER use, shortfall, surplus and banking of each unit and year."""
    from carbonctl.market import comply as run_comply
    from carbonctl.market import read_compliance

    result = guard(
        lambda: run_comply(read_compliance(compliance, sheet=sheet), source=str(compliance))
    )
    if as_json:
        sys.stdout.write(json.dumps(result.to_json(), ensure_ascii=False) + "\n")
        return
    print_compliance(result)


def print_allocation(result: AllocationResult) -> None:
    table = Table(title=f"{result.year}年度配额分配 allocation (t)")
    for column in ("unit", "enterprise", "category", "basis", "MWh", "benchmark", "F"):
        table.add_column(column, justify="right" if column in ("MWh", "benchmark", "F") else "left")
    table.add_column("allocation", justify="right")
    table.add_column("pre-allocation", justify="right")
    for u in result.units:
        table.add_row(
            u.unit_id,
            u.enterprise,
            u.unit_category,
            "供电量 supply" if u.output_basis == "supply" else "发电量 generation",
            f"{u.output_mwh:,.0f}",
            f"{u.electricity_benchmark:g}",
            f"{u.correction:.4f}",
            f"{u.allocation_t:,.0f}",
            f"{u.pre_allocation_t:,.0f}",
        )
    table.add_row("合计 total", "", "", "", "", "", "", f"{result.total_t:,.0f}",
                  f"{result.pre_allocation_total_t:,.0f}")  # fmt: skip
    console.print(table)
    _flags([f"{u.unit_id}: {f}" for u in result.units for f in u.flags])


def print_compliance(result: ComplianceResult) -> None:
    table = Table(title="配额清缴 compliance (t)")
    columns = ("unit", "year", "allocation", "verified", "required", "CCER used", "shortfall",
               "surplus", "banked", "status")  # fmt: skip
    for column in columns:
        table.add_column(column, justify="left" if column in ("unit", "status") else "right")
    for u in result.units:
        marks = ("  (gap cap)" if u.gap_capped else "") + ("  (gas cap)" if u.gas_capped else "")
        table.add_row(
            u.unit_id,
            str(u.year),
            f"{u.allocation_t:,.0f}",
            f"{u.verified_t:,.0f}",
            f"{u.required_surrender_t:,.0f}{marks}",
            f"{u.ccer_used_t:,.0f}",
            f"{u.shortfall_t:,.0f}",
            f"{u.surplus_t:,.0f}",
            "" if u.banked_t is None else f"{u.banked_t:,.0f}",
            STATUS[u.status],
        )
    console.print(table)
    _flags([f"{u.unit_id} {u.year}: {f}" for u in result.units for f in u.flags])
