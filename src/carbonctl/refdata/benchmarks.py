"""Energy-efficiency benchmark (标杆) and baseline (基准) levels of industrial products and
processes (能效标杆水平和基准水平), as 发改产业〔2021〕1609号 and 〔2023〕723号 set them; each row
keeps its status (several are UNCONFIRMED: recalled, not found in a public source)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from carbonctl.errors import RefdataError, UnknownNameError
from carbonctl.refdata.loader import close_matches, load_table, normalise_name

__all__ = ["EfficiencyBenchmark", "efficiency_benchmark", "efficiency_benchmarks"]


@dataclass(frozen=True)
class EfficiencyBenchmark:
    """One row of ``energy_efficiency_benchmarks.csv``: the specific energy use (单位产品能耗)
    of the 标杆 (``benchmark``, best) and 基准 (``baseline``, the floor existing plants must
    reach) levels, in ``unit``. Lower is better; values may be negative (转炉工序 recovers
    more energy than it uses)."""

    sector: str
    product: str
    benchmark: float
    baseline: float
    unit: str
    edition: str
    status: str
    source: str


def _value(text: str, what: str, product: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise RefdataError(f"energy_efficiency_benchmarks.csv: {what} of {product!r} is {text!r}")
    return value


@lru_cache(maxsize=1)
def efficiency_benchmarks() -> tuple[EfficiencyBenchmark, ...]:
    """Every product or process of the table, in file order."""
    rows = []
    for r in load_table("energy_efficiency_benchmarks").to_dict("records"):
        product = r["product_or_process"]
        benchmark = _value(r["benchmark_标杆"], "benchmark_标杆", product)
        baseline = _value(r["baseline_基准"], "baseline_基准", product)
        if benchmark > baseline:
            raise RefdataError(
                f"energy_efficiency_benchmarks.csv: {product!r} has 标杆 {benchmark:g} worse "
                f"(higher) than 基准 {baseline:g}"
            )
        rows.append(
            EfficiencyBenchmark(
                sector=r["sector"],
                product=product,
                benchmark=benchmark,
                baseline=baseline,
                unit=r["unit"],
                edition=r["edition"],
                status=r["status"],
                source=r["source"],
            )
        )
    return tuple(rows)


def efficiency_benchmark(product: str) -> EfficiencyBenchmark:
    """The levels of ``product`` (``product_or_process`` as written; full-width/half-width and
    spaces do not matter). An unknown name raises :class:`UnknownNameError` with the closest."""
    rows = {normalise_name(b.product): b for b in efficiency_benchmarks()}
    try:
        return rows[normalise_name(product)]
    except KeyError:
        names = [b.product for b in efficiency_benchmarks()]
        raise UnknownNameError(
            "product or process of the energy-efficiency benchmarks",
            product,
            close_matches(product, names),
        ) from None
