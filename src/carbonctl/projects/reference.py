"""The reference rows a project assessment reads (项目评价参数): review thresholds, the carbon
evaluation, the raw-material rule and the default coal rate (``project_review_rules``), the 两高
industries and Shanxi's prohibited new capacity (``two_high_industries``), and the 标杆/基准 levels
of a product, the policy table first and the GB quota levels second."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from carbonctl import refdata
from carbonctl.errors import RefdataError

__all__ = [
    "ProductLevels",
    "ReviewParameter",
    "TwoHighIndustry",
    "product_levels",
    "review_parameter",
    "two_high_industries",
]


@dataclass(frozen=True)
class ReviewParameter:
    """One numeric parameter of ``project_review_rules.csv`` with its status and source."""

    rule_id: str
    parameter: str
    value: float
    unit: str
    status: str
    source: str


@lru_cache(maxsize=1)
def _parameters() -> dict[tuple[str, str], ReviewParameter]:
    rows = {}
    for r in refdata.load_table("project_review_rules").to_dict("records"):
        text = r["value"]
        try:
            value = float(text)
        except ValueError:
            value = math.nan  # a date or a word: read with its text by the caller
        rows[(r["rule_id"], r["parameter"])] = ReviewParameter(
            r["rule_id"], r["parameter"], value, r["unit"], r["status"], r["source"]
        )
    return rows


def review_parameter(rule_id: str, parameter: str) -> ReviewParameter:
    """The parameter ``parameter`` of rule ``rule_id`` (e.g. ``province_review``,
    ``min_equivalent_tce``); a missing row is a :class:`RefdataError`."""
    try:
        found = _parameters()[(rule_id, parameter)]
    except KeyError:
        raise RefdataError(
            f"project_review_rules.csv has no row {rule_id!r} / {parameter!r}"
        ) from None
    if not math.isfinite(found.value):
        raise RefdataError(f"project_review_rules.csv: {rule_id}/{parameter} is not a number")
    return found


@dataclass(frozen=True)
class TwoHighIndustry:
    """A 两高 (high energy use, high emission) industry: a GB/T 4754-2017 class (or group) code
    and the names and product words that identify it. ``prohibited`` is Shanxi's ban on new
    capacity (晋政办发〔2024〕53号); ``prohibited_products`` narrows the ban to those products
    when the class also makes others (cement clinker, not cement grinding; electrolytic
    aluminium, not alumina)."""

    code: str
    name_zh: str
    group: str
    names: tuple[str, ...]
    prohibited: bool
    prohibited_products: tuple[str, ...]
    status: str
    source: str


def _words(text: str) -> tuple[str, ...]:
    return tuple(refdata.normalise_name(w) for w in text.split(";") if w.strip())


@lru_cache(maxsize=1)
def two_high_industries() -> tuple[TwoHighIndustry, ...]:
    """Every row of ``two_high_industries.csv``, in file order."""
    rows = []
    for r in refdata.load_table("two_high_industries").to_dict("records"):
        if r["prohibited_new_capacity"] not in ("yes", "no"):
            raise RefdataError(
                f"two_high_industries.csv: {r['code']} prohibited_new_capacity is "
                f"{r['prohibited_new_capacity']!r}, not yes or no"
            )
        rows.append(
            TwoHighIndustry(
                code=r["code"],
                name_zh=r["name_zh"],
                group=r["group"],
                names=(refdata.normalise_name(r["name_zh"]), *_words(r["aliases"])),
                prohibited=r["prohibited_new_capacity"] == "yes",
                prohibited_products=_words(r["prohibited_products"]),
                status=r["status"],
                source=r["source"],
            )
        )
    return tuple(rows)


@dataclass(frozen=True)
class ProductLevels:
    """The 标杆 (``benchmark``) and 基准 (``baseline``) levels a product is compared with, in
    ``unit``, and which table gave them (``energy_efficiency_benchmarks`` or
    ``gb_energy_quota_levels``: level 1 as 标杆, level 3 as 基准)."""

    product: str
    benchmark: float
    baseline: float
    unit: str
    table: str
    edition: str
    status: str
    source: str


def product_levels(product: str, unit: str | None = None) -> ProductLevels | None:
    """The levels of ``product`` as filed (full-width/half-width and spaces do not matter).

    The policy table (发改产业〔2021〕1609号 / 〔2023〕723号) wins; only a product it does not
    list is looked up in the GB quota levels, taking the first row of the product whose unit is
    ``unit`` (the filing's specific-energy unit), else its first row. None when neither has it.
    """
    key = refdata.normalise_name(product)
    for row in refdata.efficiency_benchmarks():
        if refdata.normalise_name(row.product) == key:
            return ProductLevels(
                row.product,
                row.benchmark,
                row.baseline,
                row.unit,
                "energy_efficiency_benchmarks",
                row.edition,
                row.status,
                row.source,
            )
    quota = refdata.load_table("gb_energy_quota_levels")
    rows = quota[quota["product"].map(refdata.normalise_name) == key]
    if rows.empty:
        return None
    if unit is not None:
        same = rows[rows["unit"].map(refdata.normalise_name) == refdata.normalise_name(unit)]
        rows = same if not same.empty else rows
    r = rows.iloc[0]
    return ProductLevels(
        r["product"],
        float(r["level_1"]),
        float(r["level_3(limit)"]),
        r["unit"],
        "gb_energy_quota_levels",
        f"{r['standard']} {r['indicator']}",
        r["status"],
        r["source"],
    )
