"""``carbonctl warn``: early warnings (预警). With ``--input``, the carbon barometer (碳排放晴雨表)
of every row of a region table: red, yellow or green, with the reason in Chinese. With
``--year Y [--month M]``, every active rule over the platform's data; ``--publish`` stores the
warnings and notifies the users whose scope they fall in (the monthly run)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from carbonctl.cli.common import Database, console, fail, guard, use_database

app = typer.Typer()

#: Rich colour of each level.
_COLOURS = {"red": "bold red", "yellow": "bold yellow", "green": "bold green"}


@app.command()
def warn(
    input_file: Annotated[
        Path | None,
        typer.Option(
            "--input",
            help="Regions (CSV or XLSX): region, year, base_year, target, intensity_base, "
            "intensity_previous, intensity (or 地区, 年份, 基准年, 目标, 基准年强度, 上年强度, "
            "本年强度); target as a fraction, e.g. 0.17.",
        ),
    ] = None,
    year: Annotated[
        int | None, typer.Option(help="Evaluate every rule over the platform's data of this year.")
    ] = None,
    month: Annotated[
        int | None, typer.Option(help="Last month to evaluate (default: all data).", min=1, max=12)
    ] = None,
    publish: Annotated[
        bool,
        typer.Option("--publish", help="Store the warnings on the platform and notify users."),
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the warnings as one JSON list.")
    ] = False,
    user: Annotated[str | None, typer.Option(help="Platform user the audit log names.")] = None,
    db: Database = None,
) -> None:
    """Early warnings. --input FILE: the carbon barometer (碳排放晴雨表) of each row (required and
    achieved cumulative reduction of CO2 intensity, level red / yellow / green and why).
    --year Y [--month M] [--publish]: every rule over the platform's data. Bad input: exit 2."""
    if (input_file is None) == (year is None):
        fail("give either --input FILE or --year YEAR")
    if input_file is not None:
        if month is not None or publish:
            fail("--month and --publish go with --year (the platform's data), not --input")
        _barometer_file(input_file, as_json)
        return
    use_database(db)
    from carbonctl.web.runtime import platform_warnings

    def run():
        try:
            return platform_warnings(year, month, publish=publish, username=user)
        except LookupError as exc:
            from carbonctl.errors import InputError

            raise InputError(str(exc), column="user", expected="an existing username") from None

    with console.status("评估预警规则 evaluating the warning rules…"):
        found, counts = guard(run)
    if as_json:
        sys.stdout.write(json.dumps(found, ensure_ascii=False) + "\n")
        if counts is not None:
            console.print(f"published run {counts['run']}: {_counts(counts)}", highlight=False)
        return
    table = Table(title=f"预警 warnings {year}" + (f"-{month:02d}" if month else ""))
    table.add_column("规则 rule")
    table.add_column("对象 subject")
    table.add_column("期间 period")
    table.add_column("等级 level")
    table.add_column("说明 message", overflow="fold", ratio=1)
    shown = [w for w in found if w["level"] != "green"]
    for w in sorted(shown, key=lambda w: (w["level"] != "red", w["rule"], w["subject"])):
        table.add_row(
            escape(w["rule"]),
            escape(str(w["subject"])),
            w["period"],
            f"[{_COLOURS[w['level']]}]{w['level']}[/]",
            escape(w["message"]),
        )
    console.print(table)
    console.print(
        f"{len(found)} results: "
        + ", ".join(f"{lv} {sum(w['level'] == lv for w in found)}" for lv in _COLOURS),
        highlight=False,
    )
    if counts is not None:
        console.print(f"published run {counts['run']}: {_counts(counts)}", highlight=False)


def _counts(counts: dict) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items() if k != "run")


def _barometer_file(input_file: Path, as_json: bool) -> None:
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
