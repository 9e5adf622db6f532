"""``carbonctl project``: assess a fixed-asset investment project's file (节能审查和碳排放评价)
and write the Excel template of a project file."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from carbonctl.cli.common import JsonFlag, console, errors, guard

if TYPE_CHECKING:  # the engine is imported when a command runs, keeping --help fast
    from carbonctl.projects import ProjectAssessment

app = typer.Typer(help="Fixed-asset investment projects: energy review and carbon evaluation.")

LEVEL_NAMES = {
    "province": "省级 province",
    "city": "市级 city",
    "exempt": "不单独编制节能报告 exempt",
}
GRADE_NAMES = {
    "benchmark": "达到标杆 benchmark",
    "between": "标杆与基准之间 between",
    "below_baseline": "劣于基准 below baseline",
}
PART_NAMES = {
    "combustion": "化石燃料燃烧 combustion",
    "process": "工业过程 process",
    "electricity": "净购入电力 electricity",
    "heat": "净购入热力 heat",
    "total": "合计 total",
}


@app.command()
def assess(
    project_file: Annotated[
        Path, typer.Argument(metavar="PROJECT", help="Project file (.json or .xlsx).")
    ],
    as_json: JsonFlag = False,
    workbook: Annotated[
        Path | None,
        typer.Option(
            metavar="OUT.xlsx",
            help="Also write the calculation workbook (计算书): inputs, formulas, factors, "
            "rules, 标杆/基准.",
        ),
    ] = None,
) -> None:
    """Assess a project file: energy, CO2, review level, 两高, prohibited capacity, 标杆/基准."""
    from carbonctl.errors import InputError
    from carbonctl.projects import assess as run_assess
    from carbonctl.projects import read_project, write_calculation

    def work() -> ProjectAssessment:
        if workbook is not None and workbook.suffix.lower() != ".xlsx":
            raise InputError(
                f"{workbook.suffix or '(none)'!r} is not .xlsx",
                file=str(workbook),
                column="--workbook",
                expected=".xlsx",
            )
        assessment = run_assess(read_project(project_file))
        if workbook is not None:
            write_calculation(assessment, workbook)
        return assessment

    result = guard(work)
    if as_json:
        sys.stdout.write(json.dumps(result.to_json(), ensure_ascii=False) + "\n")
    else:
        print_assessment(result)
    if workbook is not None:
        # stderr with --json, so stdout stays the one JSON object of the contract
        (errors if as_json else console).print(
            f"calculation workbook written to {workbook}", highlight=False, soft_wrap=True
        )


@app.command()
def template(
    output: Annotated[Path, typer.Argument(metavar="OUT", help="The .xlsx file to write.")],
    example: Annotated[
        Path | None, typer.Option(help="Fill the template from this JSON project file.")
    ] = None,
) -> None:
    """Write the Excel template of a project file (项目申报模板)."""
    from carbonctl.errors import InputError
    from carbonctl.projects import write_template

    def work() -> Path:
        if output.suffix.lower() != ".xlsx":
            raise InputError(
                f"{output.suffix or '(none)'!r} is not .xlsx", file=str(output), expected=".xlsx"
            )
        data = None
        if example is not None:
            try:
                data = json.loads(example.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise InputError(f"cannot read JSON: {exc}", file=str(example)) from None
        return write_template(output, data)

    written = guard(work)
    console.print(f"project template written to {written}")


def print_assessment(result: ProjectAssessment) -> None:
    """The readable assessment: energy, CO2 by source, rules, benchmark grades, hints."""
    filing = result.filing
    counted = result.counted
    retrofit = filing.kind == "retrofit"
    console.print(
        f"[bold]carbonctl project assess[/] — {filing.name} ({filing.region_name} "
        f"{filing.region}, {filing.industry_code} {filing.industry_name}, {filing.kind}, "
        f"{filing.year}); factor set [cyan]{result.factor_set}[/]"
        + ("; figures are the increment project − baseline" if retrofit else "")
    )
    energy = Table(title="综合能源消费量 comprehensive energy consumption (tce/yr)")
    energy.add_column("item")
    energy.add_column("tce", justify="right")
    energy.add_row(
        "当量值 equivalent (electricity 0.1229 kgce/kWh)", f"{counted.equivalent_tce:,.2f}"
    )
    energy.add_row(
        f"等价值 equal value (coal rate {result.coal_rate_gce_per_kwh:g} gce/kWh, "
        f"{result.coal_rate_status})",
        f"{counted.equal_value_tce:,.2f}",
    )
    energy.add_row("化石能源 fossil fuels", f"{counted.fossil_tce:,.2f}")
    energy.add_row("原料用能 raw material (not counted above)", f"{counted.raw_material_tce:,.2f}")
    energy.add_row("电力 electricity, kWh", f"{counted.electricity_kwh:,.0f}")
    console.print(energy)
    co2 = Table(title="二氧化碳排放 CO2 (t/yr)")
    co2.add_column("source")
    co2.add_column("tCO2", justify="right")
    for part, value in counted.co2().items():
        co2.add_row(PART_NAMES[part], f"{value:,.1f}")
    console.print(co2)
    rules = Table(title="审查结论要素 review")
    rules.add_column("rule")
    rules.add_column("result")
    rules.add_row("审查层级 review level", LEVEL_NAMES[result.review_level])
    rules.add_row(
        "两高 two-high",
        ("是 yes: " + "、".join(result.two_high_groups)) if result.two_high else "否 no",
    )
    rules.add_row("禁止新增产能 prohibited", "是 yes" if result.prohibited else "否 no")
    rules.add_row(
        "碳排放评价章节 carbon chapter",
        "须编制 required" if result.carbon_chapter_required else "否 no",
    )
    console.print(rules)
    if result.benchmark:
        bench = Table(title="能效对标 specific energy vs 标杆/基准")
        for column in ("product", "design", "标杆", "基准", "unit", "grade", "status"):
            bench.add_column(
                column, justify="right" if column in ("design", "标杆", "基准") else "left"
            )
        for name, entry in result.benchmark.items():
            bench.add_row(
                name,
                f"{entry.value:g}",
                f"{entry.benchmark:g}",
                f"{entry.baseline:g}",
                entry.unit,
                GRADE_NAMES[entry.grade],
                entry.levels.status,
            )
        console.print(bench)
    console.print("[bold]提示 decision hints[/]")
    for hint in result.decision_hints:
        console.print(f"- {hint}", highlight=False)
