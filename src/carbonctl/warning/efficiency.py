"""The enterprise-benchmark kind of rule (能效低于基准水平): an enterprise whose specific energy
use (单位产品能耗) of a product or process is worse — higher — than the baseline (基准) level of
``energy_efficiency_benchmarks.csv``.

Input (:data:`ENTERPRISE_ENERGY_COLUMNS`): one row per enterprise, year and product; the product
is a ``product_or_process`` of the benchmark table and the value is converted from the row's
unit to the table's with :mod:`carbonctl.units`.

- **red** when specific energy > 基准 (strictly, with the barometer's tolerance);
- **yellow** (only when ``yellow_margin`` m is set) when it is not red but within the worst
  share m of the span from 标杆 to 基准: specific energy > 基准 − m × (基准 − 标杆). The span,
  not a share of 基准, so that negative levels (转炉工序 −30 / −10 kgce/t) work the same;
- quiet otherwise.

The 2021/2023 benchmark policy (发改产业〔2021〕1609号, 〔2023〕723号; wording recalled,
UNCONFIRMED) asks plants below 基准 to be retrofitted within a deadline and phased out if they
still miss it; the rule's red measure says so. Applying it as a warning is a DESIGN PROPOSAL.
"""

from __future__ import annotations

import re
from typing import Any

from carbonctl import refdata
from carbonctl.errors import UnitError, UnknownNameError
from carbonctl.refdata import EfficiencyBenchmark, efficiency_benchmark, normalise_name
from carbonctl.units import conversion_factor, normalise_unit_text
from carbonctl.warning.barometer import exceeds
from carbonctl.warning.model import EarlyWarning, Level, Rule
from carbonctl.warning.tables import (
    Cells,
    check_templates,
    headline,
    number_parameter,
    region_name,
    rows_of,
    warning,
)

__all__ = [
    "ENTERPRISE_ENERGY_COLUMNS",
    "check_enterprise_benchmark_rule",
    "enterprise_benchmark_warnings",
]

#: Input of ``enterprise_benchmark``: enterprise (unified social credit code), enterprise_name,
#: region (adcode), year, product (``product_or_process`` of the benchmark table),
#: specific_energy (per unit of product) and its unit (kgce/t, tce/t …).
ENTERPRISE_ENERGY_COLUMNS = (
    "enterprise",
    "enterprise_name",
    "region",
    "year",
    "product",
    "specific_energy",
    "unit",
)

# Standard coal (当量 or 等价) and electricity are both energy to pint, but kWh -> kgce needs a
# choice of coefficient (0.1229 kgce/kWh calorific, or about 0.3 for coal-fired generation): not
# converted here.
_COAL = re.compile(r"ce\b|标准煤|标煤")
_ELECTRICITY = re.compile(r"Wh|瓦时|度")


def _basis(unit: str) -> str:
    text = normalise_unit_text(unit)
    if _COAL.search(text):
        return "standard coal"
    if _ELECTRICITY.search(text):
        return "electricity"
    return "other"


def _factor(cells: Cells, unit: str, benchmark: EfficiencyBenchmark) -> float:
    """Multiply the row's value by this to express it in the benchmark's unit."""
    expected = f"{benchmark.unit} or a unit convertible to it (for {benchmark.product})"
    if normalise_name(normalise_unit_text(unit)) == normalise_name(
        normalise_unit_text(benchmark.unit)
    ):
        return 1.0
    if _basis(unit) != _basis(benchmark.unit):
        raise cells.error(
            "unit",
            f"unit {unit!r} ({_basis(unit)}) cannot be compared with the benchmark's "
            f"{benchmark.unit!r} ({_basis(benchmark.unit)})",
            expected,
        )
    try:
        return conversion_factor(unit, benchmark.unit)
    except UnitError:
        raise cells.error(
            "unit", f"unit {unit!r} cannot be converted to {benchmark.unit!r}", expected
        ) from None


def _margin(rule: Rule) -> float | None:
    return number_parameter(
        rule,
        "yellow_margin",
        required=False,
        check=lambda v: 0 < v <= 1,
        expected="a share in (0, 1] of the span from 标杆 to 基准, or blank for no yellow",
    )


def _findings(margin: float | None) -> tuple[str, ...]:
    return ("above_baseline",) if margin is None else ("above_baseline", "near_baseline")


def _values(
    rule: Rule,
    row: dict[str, Any],
    value: float,
    benchmark: EfficiencyBenchmark,
    margin: float | None,
) -> dict[str, Any]:
    span = benchmark.baseline - benchmark.benchmark
    return {
        "subject": row["enterprise"],
        "enterprise": row["enterprise"],
        "enterprise_name": row["enterprise_name"],
        "region": row["region"],
        "region_name": region_name(row["region"]),
        "period": str(row["year"]),
        "year": row["year"],
        "indicator_zh": rule.indicator_zh,
        "product": benchmark.product,
        "sector": benchmark.sector,
        "specific_energy": value,
        "specific_energy_given": row["specific_energy"],
        "unit_given": row["unit"],
        "unit": benchmark.unit,
        "benchmark": benchmark.benchmark,
        "baseline": benchmark.baseline,
        "over": value - benchmark.baseline,
        "yellow_margin": margin,
        "yellow_line": None if margin is None else benchmark.baseline - margin * span,
        "benchmark_status": refdata.status_label(benchmark.status),
        "edition": benchmark.edition,
    }


def check_enterprise_benchmark_rule(rule: Rule) -> None:
    """Raise RefdataError unless ``rule`` is a usable ``enterprise_benchmark`` rule:
    ``yellow_margin`` blank or in [0, 1], templates for the levels it can give filled from
    the kind's fields."""
    margin = _margin(rule)
    sample = {
        "enterprise": "91140100000000000X",
        "enterprise_name": "示例焦化有限公司",
        "region": "140100",
        "year": 2025,
        "specific_energy": 150.0,
        "unit": "kgce/t",
    }
    benchmark = efficiency_benchmark("焦炭（顶装焦炉）")
    check_templates(rule, _findings(margin), _values(rule, sample, 150.0, benchmark, margin))


def _row(cells: Cells) -> tuple[dict[str, Any], EfficiencyBenchmark, float]:
    row: dict[str, Any] = {
        "enterprise": cells.text("enterprise"),
        "enterprise_name": cells.text("enterprise_name"),
        "region": cells.text("region"),
        "year": cells.year(),
    }
    product = cells.text("product")
    try:
        benchmark = efficiency_benchmark(product)
    except UnknownNameError as exc:
        closest = ", ".join(exc.suggestions) or "none"
        raise cells.error(
            "product",
            f"unknown product or process {product!r}; closest: {closest}",
            "a product_or_process of energy_efficiency_benchmarks.csv",
        ) from None
    given = cells.number("specific_energy", f"specific energy use in {benchmark.unit}")
    assert given is not None
    row["specific_energy"] = given
    row["unit"] = cells.text("unit")
    value = given * _factor(cells, row["unit"], benchmark)
    return row, benchmark, value


def enterprise_benchmark_warnings(rule: Rule, table: Any) -> list[EarlyWarning]:
    """Warnings of ``rule`` (kind ``enterprise_benchmark``) on ``table``
    (:data:`ENTERPRISE_ENERGY_COLUMNS`), in row order. value = specific energy in the
    benchmark's unit, threshold = 基准 (red) or the yellow line; subject = the enterprise,
    period = the year."""
    check_enterprise_benchmark_rule(rule)
    margin = _margin(rule)
    warnings = []
    for cells in rows_of(table, ENTERPRISE_ENERGY_COLUMNS):
        row, benchmark, value = _row(cells)
        values = _values(rule, row, value, benchmark, margin)
        if exceeds(value, benchmark.baseline):
            level, finding, threshold = Level.RED, "above_baseline", benchmark.baseline
        elif margin is not None and exceeds(value, values["yellow_line"]):
            level, finding, threshold = Level.YELLOW, "near_baseline", values["yellow_line"]
        else:
            continue
        who = f"{row['enterprise_name']}（{row['enterprise']}）"
        warnings.append(
            warning(
                rule,
                subject=row["enterprise"],
                period=str(row["year"]),
                level=level,
                value=value,
                threshold=threshold,
                head=headline(rule, who, f"{row['year']}年", level),
                finding=finding,
                values=values,
                details={
                    "region": row["region"],
                    "enterprise_name": row["enterprise_name"],
                    "year": row["year"],
                    "product": benchmark.product,
                    "specific_energy": value,
                    "unit": benchmark.unit,
                    "specific_energy_given": row["specific_energy"],
                    "unit_given": row["unit"],
                    "benchmark": benchmark.benchmark,
                    "baseline": benchmark.baseline,
                    "benchmark_status": benchmark.status,
                },
            )
        )
    return warnings
