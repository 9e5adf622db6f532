"""``carbonctl account`` and ``carbonctl inventory``: activity data and regional inventories
(核算与清单)."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from carbonctl.cli.common import FactorSet, JsonFlag, Seed, Sheet, console, guard, wan

if TYPE_CHECKING:  # the engine is imported when a command runs, keeping --help fast
    from carbonctl.accounting import AccountingResult
    from carbonctl.accounting.inventory import InventoryResult
    from carbonctl.accounting.uncertainty import UncertaintyResult

app = typer.Typer()

#: The region of electricity rows that name none: the province (``refdata.PROVINCE``, written
#: out here so that ``--help`` does not load the reference tables; tests/cli/test_startup.py
#: checks that the two agree).
PROVINCE = "140000"


class GridBasis(StrEnum):
    provincial = "provincial"
    national = "national"
    ets = "ets"


CATEGORY_NAMES = {
    "combustion": "燃料燃烧 combustion",
    "process": "工业过程 process",
    "electricity": "购入电力 electricity",
    "heat": "购入热力 heat",
}


@app.command()
def account(
    input_file: Annotated[Path, typer.Argument(metavar="INPUT", help="CSV or XLSX activity data.")],
    factor_set: FactorSet = None,
    grid_basis: Annotated[GridBasis, typer.Option(help="Electricity factor basis.")] = (
        GridBasis.provincial
    ),
    output: Annotated[Path | None, typer.Option(help="Write row results (.csv or .xlsx).")] = None,
    as_json: JsonFlag = False,
    sheet: Sheet = None,
    region: Annotated[str, typer.Option(help="Region for electricity rows without one.")] = (
        PROVINCE
    ),
    coal_rate: Annotated[
        float | None,
        typer.Option(help="Thermal-power coal rate, kgce/kWh, for 等价值 standard coal."),
    ] = None,
    uncertainty: Annotated[
        int, typer.Option(help="Monte Carlo iterations for 95% intervals (0: none).", min=0)
    ] = 0,
    seed: Seed = 20240101,
    meters: Annotated[
        Path | None,
        typer.Option(
            metavar="METERS",
            help="Meter register (.csv/.xlsx) giving each row its data-quality tier "
            "(subject = the enterprise's credit code); a row's own data_tier wins.",
        ),
    ] = None,
) -> None:
    """Account CO2 of activity data (燃料燃烧, 工业过程, 购入电力, 购入热力).

    An optional column data_tier (数据质量等级) gives a row's data-quality tier
    (metered_calibrated, metered, estimated); with --uncertainty the tier sets the row's
    activity range."""
    from carbonctl.accounting import account as run_account
    from carbonctl.io import read_activities, write_table

    def work() -> tuple[object, object, object]:
        activities = read_activities(input_file, sheet=sheet)
        result = run_account(
            activities,
            factor_set=factor_set,
            grid_basis=grid_basis.value,
            default_region=region,
            coal_rate_kgce_per_kwh=coal_rate,
        )
        tiers = row_tiers(result.rows)
        spread = None
        if uncertainty:
            from carbonctl.accounting.uncertainty import monte_carlo

            spread = monte_carlo(
                result,
                iterations=uncertainty,
                seed=seed,
                tiers=None if tiers is None else list(tiers["tier"]),
            )
        if output is not None:
            write_table(result.rows, output)
        return result, spread, tiers

    def row_tiers(rows):
        """Each row's tier from its own data_tier and the --meters register (None: no tiers)."""
        from carbonctl.metrology import read_data_tiers, read_meters, result_tiers

        own = read_data_tiers(input_file, sheet=sheet)
        if meters is None and own.isna().all():
            return None
        register = read_meters(meters) if meters is not None else None
        return result_tiers(rows, own, register)

    result, spread, tiers = guard(work)
    if as_json:
        summary = result.summary()
        if spread is not None:
            summary["uncertainty"] = spread.to_dict()
        if tiers is not None:
            from carbonctl.metrology import tiers_summary

            summary["data_tiers"] = tiers_summary(tiers)
        sys.stdout.write(json.dumps(summary, ensure_ascii=False) + "\n")
        return
    print_account(result, spread, output)
    if tiers is not None:
        print_tiers(tiers)


def print_tiers(tiers) -> None:
    """How many rows have each data-quality tier, and where the tiers come from."""
    from carbonctl.metrology import tiers_summary

    summary = tiers_summary(tiers)
    used = summary["used"]
    parts = [f"{key} {value['rows']}" for key, value in used.items()]  # type: ignore[union-attr]
    given = sum(1 for r in summary["rows"] if r["from"] == "input")  # type: ignore[union-attr]
    console.print(
        "data-quality tiers 数据质量等级: "
        + (", ".join(parts) or "none")
        + f" ({given} from the input's data_tier, the others from the meter register; "
        "DESIGN PROPOSAL ranges, see `carbonctl refdata show activity_data_tiers`)"
    )


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
            wan(record.tco2),
            wan(record.tco2_market),
            wan(record.tce, "万吨标准煤") if record.tce == record.tce else "–",
            record.input_row_ids,
        )
    table.add_section()
    table.add_row(
        "合计 total",
        "",
        wan(result.total_tco2),
        wan(result.total_tco2_market),
        wan(result.total_tce, "万吨标准煤"),
        "",
    )
    console.print(table)
    if spread is not None:
        total = spread.intervals.query("scope == 'total'").iloc[0]
        console.print(
            f"95% interval ({spread.iterations:,} Monte Carlo iterations): "
            f"{wan(float(total.low_tco2))} – {wan(float(total.high_tco2))} 万吨 "
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
    factor_set: FactorSet = None,
    output: Annotated[Path | None, typer.Option(help="Write the CEADs matrix (.csv/.xlsx).")] = (
        None
    ),
    as_json: JsonFlag = False,
    sheet: Sheet = None,
) -> None:
    """Regional inventory in the CEADs layout (17 fuels × 47 sectors + process)."""
    from carbonctl.accounting.inventory import inventory as run_inventory
    from carbonctl.io import read_inventory, write_table

    def work():
        result = run_inventory(read_inventory(input_file, sheet=sheet), factor_set=factor_set)
        if output is not None:
            write_table(result.matrix(), output)
        return result

    result = guard(work)
    if as_json:
        sys.stdout.write(json.dumps(result.summary(), ensure_ascii=False) + "\n")
        return
    print_inventory(result, output)


def print_inventory(result: InventoryResult, output: Path | None) -> None:
    """The readable inventory summary: CO2 by key industry."""
    from carbonctl.display import format_quantity

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
            format_quantity(record.tco2, "Mt", 2, grouping=True),
            format_quantity(record.share, "%", 1),
        )
    console.print(table)
    console.print(f"total: {format_quantity(result.total_tco2, 'Mt', 2, grouping=True)} MtCO2")
    if output is not None:
        console.print(f"CEADs matrix written to {output}")
