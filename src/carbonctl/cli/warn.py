"""``carbonctl warn``: early warnings (预警). With ``--input``, the carbon barometer (碳排放晴雨表)
of every row of a region table: red, yellow or green, with the reason in Chinese."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from carbonctl.cli.common import console, guard

app = typer.Typer()

#: Rich colour of each level.
_COLOURS = {"red": "bold red", "yellow": "bold yellow", "green": "bold green"}


@app.command()
def warn(
    input_file: Annotated[
        Path,
        typer.Option(
            "--input",
            help="Regions (CSV or XLSX): region, year, base_year, target, intensity_base, "
            "intensity_previous, intensity (or 地区, 年份, 基准年, 目标, 基准年强度, 上年强度, "
            "本年强度); target as a fraction, e.g. 0.17.",
        ),
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the warnings as one JSON list.")
    ] = False,
) -> None:
    """Carbon barometer (碳排放晴雨表) of each row: required and achieved cumulative reduction of
    CO2 intensity, level red / yellow / green and why. Bad rows: exit 2, nothing printed."""
    from carbonctl.warning import CARBON_BAROMETER, evaluate, find_rule, read_barometer_input

    def work():
        rule = find_rule(CARBON_BAROMETER)
        return rule, evaluate(rule, read_barometer_input(input_file))

    rule, warnings = guard(work)
    if as_json:
        sys.stdout.write(json.dumps([w.as_dict() for w in warnings], ensure_ascii=False) + "\n")
        return
    table = Table(title=f"{rule.name_zh} {rule.name_en}", show_lines=True)
    table.add_column("地区 region")
    table.add_column("年份 year", justify="right")
    table.add_column("进度要求 required", justify="right")
    table.add_column("累计下降 achieved", justify="right")
    table.add_column("等级 level")
    table.add_column("说明 message", overflow="fold", ratio=1)
    for w in warnings:
        level = f"[{_COLOURS[w.level.value]}]{w.level.label_zh} {w.level.value}[/]"
        table.add_row(
            escape(w.subject),
            w.period,
            f"{w.threshold:.2%}",
            f"{w.value:.2%}",
            level,
            escape(w.message),
        )
    console.print(table)
    for level in sorted({w.level for w in warnings}, key=lambda lv: -lv.severity):
        if rule.measure(level):
            console.print(f"建议措施 measure ({level.label_zh}): {escape(rule.measure(level))}")
    # The rule's status stays visible: the carbon barometer is a design proposal.
    console.print(f"规则 rule {rule.rule_id}: {escape(rule.status)}", highlight=False)
    console.print(f"来源 source: {escape(rule.source)}", highlight=False)
