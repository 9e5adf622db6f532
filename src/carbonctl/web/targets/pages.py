"""What the workbench and the assessment show, in the active language: the core's tables turned
into rows of names and numbers for templates, charts and exports (no key reaches a page).

Numbers stay in the units carbonctl stores (fractions for rates); templates format them with the
``quantity`` filter, charts receive them through :func:`carbonctl.display.to_display_table`,
exports through :func:`percent_number`."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

import pandas as pd

from carbonctl.display import to_display, to_display_table
from carbonctl.evaluation import IndicatorSystem
from carbonctl.targets import FLAGS, INPUT_NAMES, METHODS, SHAPLEY, Workbench
from carbonctl.web.labels import label, language

#: Decimals of a rate in % on the workbench (UI.md: rates with one or two decimals).
RATE_DECIMALS = 1


def _words(pair: tuple[str, str]) -> str:
    return pair[1] if language() == "en" else pair[0]


def separator() -> str:
    """Between the items of a list in running text: 、 in Chinese, a comma in English."""
    return ", " if language() == "en" else "、"


def colon() -> str:
    """After a name that a sentence explains: ： in Chinese, ": " in English."""
    return ": " if language() == "en" else "："


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def method_name(key: str) -> str:
    """A method's name in the active language, as a label starts (``Equal per capita``; the
    Shapley view included)."""
    if key == SHAPLEY.name:
        return _capitalised(_words((SHAPLEY.label_zh, SHAPLEY.label_en)))
    return _capitalised(label("method", key))


def method_explanation(key: str) -> str:
    entry = SHAPLEY if key == SHAPLEY.name else METHODS[key]
    return _words((entry.explain_zh, entry.explain_en))


def city_name(adcode: str) -> str:
    return label("region", adcode)


def _number(value: object) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def percent_number(value: float | None) -> float | None:
    """A fraction as a % number with :data:`RATE_DECIMALS` decimals, for Excel cells."""
    return to_display(_number(value), "%", RATE_DECIMALS)


def served_methods(comparison: pd.DataFrame) -> list[str]:
    """The methods of a comparison that produced an allocation, in its order."""
    return list(dict.fromkeys(comparison.loc[comparison["error"].isna(), "method"]))


def workbench_table(bench: Workbench) -> dict:
    """The workbench's table: one row per city (sorted by adcode) with one cell per served
    method (reduction, flag and its words, the bound it was clamped to), the province row and
    the fairness rows, the methods that failed, and the flag summary."""
    comparison = bench.comparison
    methods = served_methods(comparison)
    flags = bench.flags.set_index(["method", "region"])["flag"]
    served = comparison[comparison["method"].isin(methods)]
    regions = sorted(dict.fromkeys(served["region"].astype(str)))
    values = served.set_index(["method", "region"])
    rows = []
    for region in regions:
        cells = []
        for method in methods:
            flag = flags.get((method, region))
            flag = flag if isinstance(flag, str) else None
            bound = values.at[(method, region), "bound"]
            cells.append(
                {
                    "value": _number(values.at[(method, region), "reduction"]),
                    "flag": flag,
                    "flag_words": _words(FLAGS[flag]) if flag else "",
                    "bound": bound if isinstance(bound, str) else None,
                }
            )
        rows.append({"adcode": region, "name": city_name(region), "cells": cells})
    summary = served.drop_duplicates("method").set_index("method")
    figures = [
        {
            "method": m,
            "achieved": _number(summary.at[m, "achieved"]),
            "gini": _number(summary.at[m, "gini_per_capita_cap"]),
            "max_min_cap": _number(summary.at[m, "max_min_per_capita_cap"]),
            "max_min_reduction": _number(summary.at[m, "max_min_reduction"]),
        }
        for m in methods
    ]
    failed = comparison[comparison["error"].notna()].drop_duplicates("method")
    return {
        "methods": [
            {"key": m, "name": method_name(m), "explain": method_explanation(m)} for m in methods
        ],
        "rows": rows,
        "figures": figures,
        "failed": [
            {"name": method_name(str(r.method)), "error": _named(str(r.error))}
            for r in failed.itertuples(index=False)
        ],
        "flag_summary": flag_summary(bench, methods),
    }


_QUOTED = re.compile(r"'([^']+)'")


def _named(message: str) -> str:
    """A core message with the quoted method keys and adcodes in it replaced by their names
    (``method 'gdp' would ask region '140100'`` → ``method 'GDP份额法' … '太原市'``)."""

    def name(match: re.Match) -> str:
        key = match.group(1)
        if key in METHODS or key == SHAPLEY.name:
            return f"'{method_name(key)}'"
        return f"'{city_name(key)}'"

    return _QUOTED.sub(name, message)


def flag_summary(bench: Workbench, methods: Iterable[str]) -> dict:
    """How many cells carry each flag, and per method and flag the cities, for the line above
    the table."""
    flags = bench.flags[bench.flags["flag"].notna()]
    lines = []
    for method in methods:
        mine = flags[flags["method"] == method]
        for flag in FLAGS:
            cities = mine.loc[mine["flag"] == flag, "region"].tolist()
            if cities:
                lines.append(
                    {
                        "method": method_name(method),
                        "flag": flag,
                        "words": _words(FLAGS[flag]),
                        "cities": separator().join(city_name(c) for c in cities),
                    }
                )
    counts = flags["flag"].value_counts()
    return {
        "rise": int(counts.get("rise", 0)),
        "record": int(counts.get("record", 0)),
        "total": len(flags),
        "lines": lines,
    }


def unavailable(bench: Workbench) -> list[dict]:
    """The methods (and the Shapley view) the data cannot serve: name, what it does, what it
    needs in words, and whether the need is weights a person sets."""
    return [
        {
            "name": method_name(u.name),
            "explain": method_explanation(u.name),
            "needs": separator().join(_words(INPUT_NAMES[m]) for m in u.missing),
            "weights": "weights" in u.missing,
        }
        for u in bench.unavailable
    ]


def shapley_tables(bench: Workbench) -> list[dict]:
    """Each method's Shapley sharing of the cost saved (cities' shares in %), or why not."""
    tables = []
    for method, result in bench.shapley.items():
        if isinstance(result, str):
            tables.append({"name": method_name(method), "error": result, "rows": []})
            continue
        tables.append(
            {
                "name": method_name(method),
                "error": "",
                "rows": [
                    {"name": city_name(r.region), "value": r.shapley_value, "share": r.share}
                    for r in result.itertuples(index=False)
                ],
                "total": float(result["shapley_value"].sum()),
            }
        )
    return tables


def chart(table: dict) -> dict:
    """The bars and the map: reductions in % with :data:`RATE_DECIMALS` decimals, one series
    per method, the same numbers as the table."""
    values = pd.DataFrame(
        [[cell["value"] for cell in row["cells"]] for row in table["rows"]],
        columns=[m["key"] for m in table["methods"]],
    )
    return {
        "methods": [m["name"] for m in table["methods"]],
        "cities": [row["name"] for row in table["rows"]],
        "adcodes": [row["adcode"] for row in table["rows"]],
        "values": to_display_table(values.T, "%", RATE_DECIMALS) if len(values) else [],
    }


def workbench_sheet(table: dict, headings: dict) -> tuple[list[str], list[list[object]]]:
    """The workbench table for Excel: the headings given (adcode, city, province, fairness
    rows, in the active language), methods by name with "(%)", rates as % numbers."""
    header = [headings["adcode"], headings["city"], *(f"{m['name']} (%)" for m in table["methods"])]
    lines: list[list[object]] = [
        [row["adcode"], row["name"], *(percent_number(c["value"]) for c in row["cells"])]
        for row in table["rows"]
    ]
    figures = table["figures"]
    lines.append(["", headings["province"], *(percent_number(f["achieved"]) for f in figures)])
    lines.append(["", headings["gini"], *(_rounded(f["gini"], 3) for f in figures)])
    lines.append(["", headings["max_min_cap"], *(_rounded(f["max_min_cap"], 2) for f in figures)])
    return header, lines


def _rounded(value: float | None, decimals: int) -> float | None:
    return None if value is None else round(value, decimals)


# --- the assessment ------------------------------------------------------------------------------


def indicator_columns(system: IndicatorSystem) -> list[dict]:
    """Each indicator's name and unit in words in the active language, and how its values are
    shown (``percent``: a fraction shown in %; ``decimals``)."""
    english = language() == "en"
    columns = []
    for i in system.indicators:
        name = (i.name_en if english else i.name_zh) or label("indicator", i.name)
        unit = (i.unit_en if english else i.unit_zh) or i.unit
        name = _capitalised(name)
        columns.append(
            {
                "key": i.name,
                "name": name,
                "unit": unit,
                "heading": f"{name} ({unit})" if english else f"{name}（{unit}）",
                "percent": i.is_fraction,
                "decimals": i.decimals if i.decimals is not None else 3,
                "better": i.direction,
            }
        )
    return columns


def indicator_value(value: float, column: dict) -> float:
    """An indicator's value as shown: a fraction in %, rounded to the column's decimals."""
    if column["percent"]:
        return to_display(value, "%", column["decimals"])
    return round(float(value), column["decimals"])


def indicator_text(value: float, column: dict) -> str:
    """An indicator's value as text with the column's decimals, trailing zeros kept (17.20)."""
    return f"{indicator_value(value, column):.{column['decimals']}f}"
