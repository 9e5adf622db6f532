"""Annual CO2 from the data a province has (年度碳排放快速估算), and its backtest on the province's
own inventories (issue 16 item 3). Pure; method: docs/methodology/electricity-province-data.md.

**Structural ratio estimate.** Year Y's CO2 of a region is last year's inventory moved, sector
by sector, with the best driver the data give for that sector over the same months of both years:

- the power sector (A02.3, 发电侧) with thermal generation (火电);
- coking, steel, non-metallic minerals and non-ferrous metals with their output (焦炭, 粗钢,
  水泥, 电解铝) where the province publishes it;
- every sector with its own electricity use where the data are that detailed, else with the
  electricity use of the finest class that contains it (工业, 第二产业, 第三产业, 城乡居民 …),
  else with all electricity use (全社会).

An inventory given as ALL only is one sector moved with a blend of thermal generation and
electricity use, thermal ** w × electricity ** (1 − w), w chosen on the earlier years (rolling
origin) — 0.5 with no history.

**Drift.** Drivers miss slow changes (efficiency, fuel switching). The mean log error of the
estimates of the earlier years (rolling origin: only years before Y), shrunk by n / (n + 2) for
n earlier errors, corrects the estimate of Y. Nothing is fitted on Y itself.

**Interval.** From the earlier years' log errors around that correction: Student t at
:data:`INTERVAL`, widened by √(1 + 1/n); coarse data miss by more and get wider intervals.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd
from scipy.stats import t

from carbonctl.electricity.province import (
    BASELINES,
    ProvinceData,
    baseline_scores,
    period_total,
    table_index,
)
from carbonctl.electricity.schema import class_coverage, model_sectors

__all__ = [
    "EARLY",
    "AnnualEstimate",
    "annual_backtest",
    "annual_markdown",
    "coarse_nowcast",
    "estimate_year",
    "year_to_date",
]

#: The early estimates a bureau wants: the year from January–June and January–September.
EARLY: Final = {"estimates_h1": 6, "estimates_q3": 9}
#: Output drivers of model sectors (province_keys.csv keys).
OUTPUT_DRIVER: Final = {
    "A02.2.13": "coke",
    "A02.2.19": "crude_steel",
    "A02.2.18": "cement",
    "A02.2.20": "aluminium",
}
POWER: Final = "A02.3"
#: Coverage of the annual estimate's interval, and the fewest earlier errors that give one.
INTERVAL: Final = 0.9
MIN_ERRORS: Final = 3
#: Candidate blend weights of thermal generation for an ALL-only inventory.
WEIGHTS: Final = tuple(np.round(np.linspace(0.0, 1.0, 11), 2))


@dataclass(frozen=True)
class AnnualEstimate:
    """A region's estimate of one year: tCO2 before and after the drift correction, and the
    driver each sector moved with."""

    region: str
    year: int
    raw: float
    estimate: float
    drivers: dict[str, str]
    #: The :data:`INTERVAL` interval from the earlier years' errors after the drift correction
    #: (Student t, widened by √(1 + 1/n)); NaN with fewer than :data:`MIN_ERRORS` of them.
    lo: float = math.nan
    hi: float = math.nan
    #: The blend weight of thermal generation used (matters for total-only inventories).
    weight: float = 0.5


def _ratio(
    table: pd.DataFrame, region: str, key: str, year: int, months: int, base: int | None = None
) -> float | None:
    """Months 1…``months`` of ``year`` over months 1…``base`` (default the same) of the year
    before."""
    now = period_total(table, region, key, year, months)
    then = period_total(table, region, key, year - 1, base or months)
    if now is None or not then:
        return None
    return now / then


def _electricity_keys(sector: str) -> list[str]:
    """Electricity-use classes to try for a model sector, finest first: the sector's own
    classes, then the classes containing it, then ALL."""
    found = next(s for s in model_sectors() if s.code == sector)
    own = list(found.includes)
    wider = [
        code
        for code in ("A02", "P2", "P1", "P3", "B", "A")
        if sector in class_coverage(code) and code not in own
    ]
    return [*own, *sorted(wider, key=lambda c: len(class_coverage(c))), "ALL"]


def _electricity_ratio(
    data: ProvinceData,
    region: str,
    keys: Iterable[str],
    year: int,
    months: int,
    base: int | None = None,
) -> tuple[float | None, str]:
    keys = list(keys)
    if len(keys) > 1 and all(k != "ALL" for k in keys):  # several own classes: summed
        now = [period_total(data.electricity, region, k, year, months) for k in keys]
        then = [period_total(data.electricity, region, k, year - 1, base or months) for k in keys]
        if all(v is not None for v in now + then) and sum(then):
            return sum(now) / sum(then), "+".join(keys)
    for key in keys:
        ratio = _ratio(data.electricity, region, key, year, months, base)
        if ratio is not None:
            return ratio, f"electricity:{key}"
    return None, ""


def _sector_ratio(
    data: ProvinceData, region: str, sector: str, year: int, months: int, base: int | None = None
) -> tuple[float | None, str]:
    if sector == POWER:
        ratio = _ratio(data.generation, region, "thermal", year, months, base)
        if ratio is not None:
            return ratio, "thermal"
    if sector in OUTPUT_DRIVER:
        ratio = _ratio(data.output, region, OUTPUT_DRIVER[sector], year, months, base)
        if ratio is not None:
            return ratio, f"output:{OUTPUT_DRIVER[sector]}"
    keys = _electricity_keys(sector)
    own = next(s for s in model_sectors() if s.code == sector).includes
    if len(own) > 1:
        ratio, name = _electricity_ratio(data, region, own, year, months, base)
        if ratio is not None:
            return ratio, name
    return _electricity_ratio(data, region, keys, year, months, base)


def _blend(
    data: ProvinceData, region: str, year: int, months: int, w: float, base: int | None = None
) -> float | None:
    thermal = _ratio(data.generation, region, "thermal", year, months, base)
    power = _ratio(data.electricity, region, "ALL", year, months, base)
    if thermal is None and power is None:
        return None
    if thermal is None:
        return power
    if power is None:
        return thermal
    return thermal**w * power ** (1.0 - w)


def _inventories(annual: pd.DataFrame) -> dict[tuple[str, int], dict[str, float]]:
    found: dict[tuple[str, int], dict[str, float]] = {}
    for region, year, sector, tco2 in zip(
        annual["region"], annual["year"], annual["sector"], annual["tco2"], strict=True
    ):
        found.setdefault((region, int(year)), {})[sector] = float(tco2)
    return found


def _inventory(data: ProvinceData, region: str, year: int) -> dict[str, float]:
    """The inventory of ``region`` in ``year``: tCO2 by sector (``ALL`` for a total row)."""
    return table_index(data.annual, "inventories", _inventories).get((region, year), {})


def _raw(
    data: ProvinceData, region: str, year: int, months: int, w: float, base: int | None = None
) -> tuple[float | None, dict[str, str]]:
    """The structural estimate before drift; None without last year's inventory or drivers."""
    last = _inventory(data, region, year - 1)
    if not last:
        return None, {}
    sectors = {s: t for s, t in last.items() if s != "ALL"}
    if sectors and set(sectors) <= {s.code for s in model_sectors()}:
        estimate, drivers = 0.0, {}
        for sector, tco2 in sectors.items():
            ratio, name = _sector_ratio(data, region, sector, year, months, base)
            if ratio is None:
                return None, {}
            estimate += tco2 * ratio
            drivers[sector] = name
        return estimate, drivers
    if "ALL" not in last:
        return None, {}
    ratio = _blend(data, region, year, months, w, base)
    if ratio is None:
        return None, {}
    return last["ALL"] * ratio, {"ALL": f"thermal^{w:g}·electricity"}


def _actual(data: ProvinceData, region: str, year: int) -> float | None:
    rows = _inventory(data, region, year)
    if not rows:
        return None
    return rows["ALL"] if "ALL" in rows else sum(rows.values())


def _weight(data: ProvinceData, region: str, years: list[int], months: int) -> float:
    """The blend weight that fits the earlier years best (0.5 without any, or when no earlier
    year is estimated with the blend: the weight then changes nothing)."""
    if not any("ALL" in _raw(data, region, year, months, 0.5)[1] for year in years):
        return 0.5
    best, best_error = 0.5, math.inf
    for w in WEIGHTS:
        errors = []
        for year in years:
            raw, _ = _raw(data, region, year, months, float(w))
            actual = _actual(data, region, year)
            if raw is not None and actual:
                errors.append(abs(math.log(raw / actual)))
        if errors and np.mean(errors) < best_error - 1e-12:
            best, best_error = float(w), float(np.mean(errors))
    return best


def _years_before(data: ProvinceData, region: str, year: int) -> list[int]:
    """The years before ``year`` with an inventory of ``region``, in order."""
    years = table_index(data.annual, "inventories", _inventories)
    return sorted(y for r, y in years if r == region and y < year)


def estimate_year(data: ProvinceData, region: str, year: int, months: int = 12) -> AnnualEstimate:
    """The estimate of ``region``'s CO2 in ``year`` from months 1…``months`` of ``year`` and the
    inventories before ``year`` only (rolling origin: nothing of ``year``'s inventory is used)."""
    earlier = _years_before(data, region, year)
    w = _weight(data, region, earlier, months)
    raw, drivers = _raw(data, region, year, months, w)
    if raw is None:
        return AnnualEstimate(region, year, math.nan, math.nan, drivers, weight=w)
    errors = []
    for past in earlier:
        past_w = _weight(data, region, [y for y in earlier if y < past], months)
        past_raw, _ = _raw(data, region, past, months, past_w)
        actual = _actual(data, region, past)
        if past_raw is not None and actual:
            errors.append(math.log(actual / past_raw))
    n = len(errors)
    drift = float(np.mean(errors)) * n / (n + 2) if n else 0.0
    estimate = raw * math.exp(drift)
    lo = hi = math.nan
    if n >= MIN_ERRORS:
        # the spread of what the corrected estimates of earlier years missed by: coarse data
        # (a total moved with one blend) miss by more, and their intervals are wider
        spread = math.sqrt(float(np.mean(np.square(np.asarray(errors) - drift))))
        half = float(t.ppf(0.5 + INTERVAL / 2, n - 1)) * spread * math.sqrt(1 + 1 / n)
        lo, hi = estimate * math.exp(-half), estimate * math.exp(half)
    return AnnualEstimate(region, year, raw, estimate, drivers, lo, hi, w)


def year_to_date(data: ProvinceData, region: str, year: int, month: int) -> AnnualEstimate:
    """CO2 of ``region`` in months 1…``month`` of ``year`` (年初至今): last year's inventory
    moved, sector by sector, with each driver's months 1…``month`` of ``year`` over the whole
    of last year (CO2 taken to move with its driver within the year too), with the drift and
    the relative interval of :func:`estimate_year` from the same months."""
    whole = estimate_year(data, region, year, month)
    if math.isnan(whole.raw):
        return AnnualEstimate(region, year, math.nan, math.nan, {})
    raw, drivers = _raw(data, region, year, month, whole.weight, 12)
    if raw is None:
        return AnnualEstimate(region, year, math.nan, math.nan, {})
    scale = whole.estimate / whole.raw
    estimate = raw * scale
    lo, hi = (estimate * whole.lo / whole.estimate, estimate * whole.hi / whole.estimate)
    return AnnualEstimate(region, year, raw, estimate, drivers, lo, hi)


def annual_backtest(data: ProvinceData) -> dict[str, dict]:
    """The backtest of the annual estimate on the province's own inventories (the JSON's
    ``annual`` and ``baselines``): for every region-year with the year before, the estimate
    from the full year, from January–June and from January–September, each made with the
    inventories before that year only; MAPE and bias (mean of estimate / actual − 1) of the
    full-year estimate by level, and the naive baselines' MAPE beside it."""
    annual = data.annual
    regions = annual[["region", "level"]].drop_duplicates()
    out: dict[str, dict] = {"annual": {}, "baselines": {}}
    for level, group in regions.groupby("level", sort=True):
        found: dict[str, dict] = {"estimates": {}, **{k: {} for k in EARLY}, "intervals": {}}
        errors, inside = [], []
        for region in group["region"]:
            years = sorted(int(y) for y in annual.loc[annual["region"] == region, "year"].unique())
            for year in years:
                actual = _actual(data, region, year)
                if not actual:
                    continue
                label = str(year) if len(group) == 1 else f"{region}:{year}"
                full = estimate_year(data, region, year)
                if not math.isnan(full.estimate):
                    found["estimates"][label] = full.estimate
                    errors.append(full.estimate / actual - 1.0)
                if not math.isnan(full.lo):
                    found["intervals"][label] = [full.lo, full.hi]
                    inside.append(full.lo <= actual <= full.hi)
                for key, months in EARLY.items():
                    early = estimate_year(data, region, year, months)
                    if not math.isnan(early.estimate):
                        found[key][label] = early.estimate
        found["mape"] = 100.0 * float(np.mean(np.abs(errors))) if errors else math.nan
        found["bias"] = 100.0 * float(np.mean(errors)) if errors else math.nan
        found["coverage"] = float(np.mean(inside)) if inside else math.nan
        out["annual"][level] = found
    out["baselines"] = {
        level: {name: 100.0 * score for name, score in scores.items()}
        for level, scores in baseline_scores(data).items()
    }
    return out


def annual_markdown(report: dict[str, dict]) -> str:
    """The annual backtest (:func:`annual_backtest`) as a readable Markdown section."""
    lines = [
        "# 年度碳排放估算回测 Backtest of the annual estimate",
        "",
        "Rolling origin: each year is estimated from its own monthly data and the inventories "
        "before it only. MAPE and bias in % of the inventory; baselines: persistence (last "
        "inventory), CO2 moving with electricity use, CO2 moving with thermal generation.",
        "",
        "| level | years | MAPE % | bias % | persistence | electricity ratio | thermal ratio |",
        "|---|---|---|---|---|---|---|",
    ]

    def cell(value: float | None, sign: str = "") -> str:
        return "–" if value is None or math.isnan(value) else f"{value:{sign}.2f}"

    for level, found in report["annual"].items():
        base = report["baselines"].get(level, {})
        lines.append(
            f"| {level} | {len(found['estimates'])} | {cell(found['mape'])} | "
            f"{cell(found['bias'], '+')} | "
            + " | ".join(cell(base.get(name)) for name in BASELINES)
            + " |"
        )
    return "\n".join(lines) + "\n"


def coarse_nowcast(data: ProvinceData, month: str) -> pd.DataFrame:
    """The nowcast of ``month`` (YYYY-MM) from a folder without county × sector detail: for every
    region with an inventory, its year to date (:func:`year_to_date`) and the month as the
    difference of two years to date, where the data give both (a January–February block gives
    February's year to date, not January's). Columns as the monthly model's table: level,
    region, sector (``ALL``), period, kind (month, ytd), kwh (all electricity use, NaN when not
    given), tco2, lo, hi. The month's interval is the year to date's, in tonnes: the two
    estimates share their inventory and drift, so the month's error is at most that wide.
    """
    year, number = int(month[:4]), int(month[5:7])
    rows = []
    regions = data.annual[["region", "level"]].drop_duplicates().sort_values("region")
    for region, level in regions.itertuples(index=False):
        ytd = year_to_date(data, region, year, number)
        if math.isnan(ytd.estimate):
            continue
        kwh = period_total(data.electricity, region, "ALL", year, number)
        period = f"{month[:4]}-01..{number:02d}"
        used = math.nan if kwh is None else kwh
        rows.append((level, region, "ALL", period, "ytd", used, ytd.estimate, ytd.lo, ytd.hi))
        before = year_to_date(data, region, year, number - 1) if number > 1 else None
        if number == 1 or (before is not None and not math.isnan(before.estimate)):
            value = ytd.estimate - (before.estimate if before is not None else 0.0)
            half = (ytd.hi - ytd.lo) / 2
            earlier = period_total(data.electricity, region, "ALL", year, number - 1)
            used = (
                math.nan
                if kwh is None or (number > 1 and earlier is None)
                else kwh - (earlier or 0)
            )
            rows.append(
                (level, region, "ALL", month, "month", used, value, value - half, value + half)
            )
    return pd.DataFrame(
        rows, columns=["level", "region", "sector", "period", "kind", "kwh", "tco2", "lo", "hi"]
    )
