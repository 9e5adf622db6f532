"""Key energy-using and carbon-emitting units (重点用能和碳排放单位): which enterprises a year's
figures designate, their specific energy use against 标杆/基准, and energy-saving target progress.

The criteria are data (refdata ``key_unit_criteria``), each row with its source and status:

- key energy-using unit (重点用能单位): comprehensive energy (综合能源消费量) E ≥ 10,000 tce a
  year, or E ≥ 5,000 tce when the province lists the unit (节约能源法 第五十二条; 《重点用能单位
  节能管理办法》2018 第二条);
- national ETS unit (全国碳市场重点排放单位): CO2 ≥ 26,000 tCO2e a year in a covered sector, from
  the sector's first covered year (power 2019; steel, cement, aluminium 2024 — UNCONFIRMED).

A unit qualifies for a kind when any of its criteria holds; the reasons list every one that does.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache

import pandas as pd

from carbonctl.errors import InputError, InputErrors, RefdataError, UnitError
from carbonctl.io.records import Column, read_records
from carbonctl.projects.reference import product_levels
from carbonctl.refdata import load_table, normalise_name
from carbonctl.units import conversion_factor, normalise_unit_text

__all__ = [
    "KINDS",
    "SAVING_TARGET_COLUMNS",
    "UNIT_YEAR_COLUMNS",
    "VALUE_ADDED_COLUMNS",
    "BenchmarkPosition",
    "Criterion",
    "SavingProgress",
    "benchmark_position",
    "derive_registry",
    "ets_sector_of",
    "key_unit_criteria",
    "read_registry_input",
    "saving_progress",
]

#: Designation kinds, in the order pages show them.
KINDS = ("key_energy_user", "ets_unit")

#: Input of :func:`derive_registry`: one row per enterprise and year. ``sector`` is the CEADs
#: sector (or an ETS sector key: power, steel, cement, aluminium); ``provincially_listed`` says
#: the province lists the unit for the 5,000 tce criterion.
UNIT_YEAR_COLUMNS = ("enterprise", "year", "energy_tce", "co2_t", "sector", "provincially_listed")

#: A table of enterprises' value added (工业增加值, 10⁴ CNY) by year, for the grades: the
#: enterprise by its unified social credit code.
VALUE_ADDED_COLUMNS: tuple[Column, ...] = (
    Column("enterprise", "text", aliases=("统一社会信用代码", "企业")),
    Column("year", "year", aliases=("年份", "年度")),
    Column("value_added_10k_cny", minimum=0.0, aliases=("工业增加值", "工业增加值（万元）")),
)

#: A table of energy-saving targets (节能目标) of key units: the enterprise by its unified social
#: credit code, the five-year plan, its years, the baseline, the target and what has been saved
#: by ``as_of_year`` (blank = nothing yet).
SAVING_TARGET_COLUMNS: tuple[Column, ...] = (
    Column("enterprise", "text", aliases=("统一社会信用代码", "企业")),
    Column("plan", "text", aliases=("规划期",)),
    Column("start_year", "year", aliases=("起始年",)),
    Column("end_year", "year", aliases=("终止年",)),
    Column("baseline_year", "year", aliases=("基准年",)),
    Column("baseline_energy_tce",
           aliases=("基准年综合能源消费量", "基准年综合能源消费量（吨标准煤）")),
    Column("target_saving_tce", aliases=("节能量目标", "节能量目标（吨标准煤）")),
    Column("achieved_saving_tce", blank=True, aliases=("累计节能量", "累计节能量（吨标准煤）")),
    Column("as_of_year", "year", aliases=("截至年份",)),
)  # fmt: skip

_MEASURES = {"comprehensive_energy_tce": "energy_tce", "co2_t": "co2_t"}

#: :data:`UNIT_YEAR_COLUMNS` as a file (``carbonctl enterprise key-units``): a blank figure
#: qualifies for nothing; ``provincially_listed`` is yes/no (是/否), blank = no.
REGISTRY_INPUT_COLUMNS: tuple[Column, ...] = (
    Column("enterprise", "text", aliases=("企业", "企业名称", "统一社会信用代码")),
    Column("year", "year", aliases=("年份", "年度")),
    Column("energy_tce", blank=True,
           aliases=("综合能源消费量", "综合能耗", "综合能源消费量（吨标准煤）")),
    Column("co2_t", blank=True, aliases=("二氧化碳排放量", "排放量", "二氧化碳排放量（吨）")),
    Column("sector", "text", blank=True, aliases=("行业",)),
    Column("provincially_listed", "text", required=False, blank=True,
           aliases=("省级名单", "省级指定"), expected="yes or no (是/否)"),
)  # fmt: skip
_YES = {"yes", "y", "true", "1", "是", "列入"}
_NO = {"no", "n", "false", "0", "否", ""}


@dataclass(frozen=True)
class Criterion:
    """One row of ``key_unit_criteria.csv``: the unit qualifies for ``kind`` when its ``measure``
    ≥ ``threshold`` in a year ≥ ``first_year`` (and, when set, in ``sector`` / on the provincial
    list)."""

    criterion: str
    kind: str
    measure: str
    threshold: float
    unit: str
    sector: str
    ceads_sector: str
    first_year: int
    needs_provincial_list: bool
    source: str
    status: str

    def covers(self, sector: str) -> bool:
        """Whether ``sector`` (CEADs name or ETS key) is in this criterion's sector (any when
        the criterion has none)."""
        if not self.sector:
            return True
        key = normalise_name(sector)
        return key in (normalise_name(self.sector), normalise_name(self.ceads_sector))


@cache
def key_unit_criteria() -> tuple[Criterion, ...]:
    """Every criterion of the reference table, in file order."""
    rows = []
    for r in load_table("key_unit_criteria").to_dict("records"):
        if r["kind"] not in KINDS or r["measure"] not in _MEASURES:
            raise RefdataError(
                f"key_unit_criteria.csv: {r['criterion']} has kind {r['kind']!r} / measure "
                f"{r['measure']!r}; expected a kind of {KINDS} and a measure of {tuple(_MEASURES)}"
            )
        rows.append(
            Criterion(
                criterion=r["criterion"],
                kind=r["kind"],
                measure=r["measure"],
                threshold=float(r["threshold"]),
                unit=r["unit"],
                sector=r["sector"],
                ceads_sector=r["ceads_sector"],
                first_year=int(r["first_year"]),
                needs_provincial_list=r["needs_provincial_list"] == "yes",
                source=r["source"],
                status=r["status"],
            )
        )
    return tuple(rows)


def ets_sector_of(sector: str, year: int) -> str | None:
    """The ETS sector key (power, steel, …) covering ``sector`` in ``year``, else None."""
    for c in key_unit_criteria():
        if c.kind == "ets_unit" and c.covers(sector) and year >= c.first_year:
            return c.sector
    return None


def _qualifies(c: Criterion, row: dict) -> bool:
    value = row[_MEASURES[c.measure]]
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return False
    if int(row["year"]) < c.first_year or not c.covers(str(row["sector"] or "")):
        return False
    if c.needs_provincial_list and not bool(row["provincially_listed"]):
        return False
    return float(value) >= c.threshold


def derive_registry(figures: pd.DataFrame) -> pd.DataFrame:
    """The registry (名录) the figures (:data:`UNIT_YEAR_COLUMNS`) designate: one row per
    enterprise, year and kind it qualifies for, with ``reasons`` — the criteria that hold, in
    the table's order — and the figures. Units that qualify for nothing are absent."""
    out = []
    for row in figures.to_dict("records"):
        hits = [c for c in key_unit_criteria() if _qualifies(c, row)]
        for kind in KINDS:
            reasons = tuple(c.criterion for c in hits if c.kind == kind)
            if reasons:
                out.append(
                    {
                        "enterprise": row["enterprise"],
                        "year": int(row["year"]),
                        "kind": kind,
                        "reasons": reasons,
                        "energy_tce": row["energy_tce"],
                        "co2_t": row["co2_t"],
                    }
                )
    columns = ["enterprise", "year", "kind", "reasons", "energy_tce", "co2_t"]
    return pd.DataFrame(out, columns=columns)


def read_registry_input(path, *, sheet: str | None = None) -> pd.DataFrame:
    """A CSV or XLSX table of :data:`REGISTRY_INPUT_COLUMNS` as :func:`derive_registry` takes it;
    :class:`InputErrors` naming file, row and column for every bad cell."""
    table = read_records(path, REGISTRY_INPUT_COLUMNS, sheet=sheet)
    listed = table["provincially_listed"].fillna("").astype(str).str.strip().str.lower()
    bad = [row for row, text in listed.items() if text not in _YES | _NO]
    if bad:
        raise InputErrors(
            [
                InputError(
                    f"provincially_listed {listed[row]!r}",
                    file=str(path),
                    row=int(row),
                    column="provincially_listed",
                    expected="yes or no (是/否); blank = no",
                )
                for row in bad
            ]
        )
    duplicated = table.duplicated(["enterprise", "year"], keep="first")
    if duplicated.any():
        raise InputErrors(
            [
                InputError(
                    f"{table.at[row, 'enterprise']} {table.at[row, 'year']} repeated",
                    file=str(path),
                    row=int(row),
                    column="enterprise",
                    expected="one row per enterprise and year",
                )
                for row in table.index[duplicated.to_numpy()]
            ]
        )
    return table.assign(provincially_listed=listed.isin(_YES), sector=table["sector"].fillna(""))


# --- specific energy against 标杆/基准 ---------------------------------------------------------


_ELECTRICITY = re.compile(r"Wh|瓦时|度")


def _is_electricity(unit: str) -> bool:
    return bool(_ELECTRICITY.search(normalise_unit_text(unit)))


@dataclass(frozen=True)
class BenchmarkPosition:
    """Where a specific energy use (单位产品能耗, lower is better) stands: ``position`` is
    ``benchmark`` (≤ 标杆), ``between`` (标杆 < x ≤ 基准) or ``below_baseline`` (> 基准, to be
    retrofitted); ``value`` is converted to the levels' ``unit``."""

    product: str
    value: float
    unit: str
    benchmark: float
    baseline: float
    position: str
    status: str
    source: str


def benchmark_position(product: str, specific_energy: float, unit: str) -> BenchmarkPosition | None:
    """The position of ``specific_energy`` (in ``unit``) of ``product`` against its levels
    (:func:`carbonctl.projects.reference.product_levels`: the 2021/2023 policy table first,
    the GB quota levels after). None when no level is known or the units cannot be compared."""
    levels = product_levels(product, unit)
    if levels is None or _is_electricity(unit) != _is_electricity(levels.unit):
        # kWh -> kgce needs a choice of coefficient (calorific or generation); not compared
        return None
    try:
        factor = 1.0 if normalise_name(unit) == normalise_name(levels.unit) else None
        if factor is None:
            factor = conversion_factor(unit, levels.unit)
    except UnitError:
        return None
    value = specific_energy * factor
    if round(value - levels.benchmark, 9) <= 0:
        position = "benchmark"
    elif round(value - levels.baseline, 9) <= 0:
        position = "between"
    else:
        position = "below_baseline"
    return BenchmarkPosition(
        levels.product,
        value,
        levels.unit,
        levels.benchmark,
        levels.baseline,
        position,
        levels.status,
        levels.source,
    )


# --- energy-saving targets --------------------------------------------------------------------


@dataclass(frozen=True)
class SavingProgress:
    """Progress of an energy-saving target (节能目标完成进度) of a period."""

    target_tce: float
    achieved_tce: float
    share: float  # achieved / target
    schedule: float  # share of the period's years elapsed (时序进度)
    on_track: bool


def saving_progress(
    target_tce: float, achieved_tce: float, start_year: int, end_year: int, as_of_year: int
) -> SavingProgress:
    """share = achieved / target; schedule = (as_of − start + 1) / (end − start + 1), clipped to
    [0, 1]; on track when share ≥ schedule (the five-year plans' 时序进度 reading)."""
    if target_tce <= 0:
        raise ValueError(f"energy-saving target {target_tce:g} tce; expected a target > 0")
    if end_year < start_year:
        raise ValueError(f"period {start_year}–{end_year} ends before it starts")
    years = end_year - start_year + 1
    schedule = min(max((as_of_year - start_year + 1) / years, 0.0), 1.0)
    share = achieved_tce / target_tce
    return SavingProgress(target_tce, achieved_tce, share, schedule, share >= schedule - 1e-12)
