"""The two annual reports of a key unit as tables: the energy-use status report (能源利用状况报告)
and the emission report in the structure of GB/T 32150-2015 (温室气体排放报告).

Both are built from one year's figures of the unit — energy carriers with their physical amount,
tce and CO2; CO2 by category — so the web can render them as Excel or PDF unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from carbonctl.accounting import CATEGORIES

__all__ = ["ReportTable", "emission_report", "energy_use_report"]


@dataclass(frozen=True)
class ReportTable:
    """One table of a report: a title key, column keys and rows of values (the shells label
    them in the user's language)."""

    key: str
    columns: tuple[str, ...]
    rows: tuple[tuple, ...]


def energy_use_report(
    carriers: Sequence[Mapping],
    products: Sequence[Mapping],
    savings: Sequence[Mapping],
) -> tuple[ReportTable, ...]:
    """能源利用状况报告: (1) consumption by carrier — item, category, physical amount and unit,
    tce — with the comprehensive energy total (综合能源消费量 = Σ tce, GB/T 2589-2020 §3.8 as
    the platform sums its rows); (2) specific energy of products against 标杆 and 基准;
    (3) energy-saving target progress."""
    energy_rows = tuple(
        (c["item"], c["category"], float(c["amount"]), c["unit"], float(c["tce"])) for c in carriers
    )
    total = sum(r[4] for r in energy_rows)
    consumption = ReportTable(
        "energy_by_carrier",
        ("item", "category", "amount", "unit", "tce"),
        (*energy_rows, ("total", "", None, "", total)),
    )
    product_table = ReportTable(
        "product_energy",
        ("product", "specific_energy", "unit", "benchmark", "baseline", "position"),
        tuple(
            (
                p["product"],
                float(p["specific_energy"]),
                p["unit"],
                p.get("benchmark"),
                p.get("baseline"),
                p.get("position") or "",
            )
            for p in products
        ),
    )
    saving_table = ReportTable(
        "saving_targets",
        ("plan", "target_tce", "achieved_tce", "share", "schedule"),
        tuple(
            (
                s["plan"],
                float(s["target_tce"]),
                float(s["achieved_tce"]),
                float(s["share"]),
                float(s["schedule"]),
            )
            for s in savings
        ),
    )
    return consumption, product_table, saving_table


def emission_report(categories: Mapping[str, Mapping]) -> tuple[ReportTable, ...]:
    """GB/T 32150-2015 §7 structure: E = E_combustion + E_process + E_purchased electricity +
    E_purchased heat (net of exported, as the rows give them), one row each (0 when absent)
    and the total, in tCO2."""
    rows = tuple(
        (category, float(categories.get(category, {}).get("tco2", 0.0))) for category in CATEGORIES
    )
    total = sum(r[1] for r in rows)
    return (ReportTable("emissions_by_source", ("category", "tco2"), (*rows, ("total", total))),)
