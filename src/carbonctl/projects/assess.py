"""Project energy review and carbon evaluation (节能审查和碳排放评价) on the accounting engine:
comprehensive energy consumption at 当量值 and 等价值, CO2 by source, the review level, 两高 and
prohibited capacity, per-unit product energy against 标杆/基准, and hints for the reviewer.

Formulas and sources: docs/projects.md (the tests take their expected figures from it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace

import numpy as np
import pandas as pd

from carbonctl import refdata
from carbonctl.accounting import account
from carbonctl.errors import InputError, UnitError
from carbonctl.projects.filing import ProjectFiling
from carbonctl.projects.reference import (
    ProductLevels,
    TwoHighIndustry,
    product_levels,
    review_parameter,
    two_high_industries,
)
from carbonctl.units import conversion_factor

__all__ = [
    "CO2_PARTS",
    "GRADES",
    "REVIEW_LEVELS",
    "BenchmarkEntry",
    "EnergyFigures",
    "ProjectAssessment",
    "assess",
    "figures",
]

REVIEW_LEVELS = ("province", "city", "exempt")
GRADES = ("benchmark", "between", "below_baseline")
CO2_PARTS = ("combustion", "process", "electricity", "heat", "total")
#: Figures equal within this share are equal: 9,999.999999999 tce computed from 10,000 tce of
#: input is at the threshold, not below it.
RELATIVE_TOLERANCE = 1e-9


def at_least(value: float, threshold: float) -> bool:
    """value ≥ threshold, equal within :data:`RELATIVE_TOLERANCE` counting as equal."""
    return value >= threshold or math.isclose(value, threshold, rel_tol=RELATIVE_TOLERANCE)


@dataclass(frozen=True)
class EnergyFigures:
    """Annual energy and CO2 of one side of a project (the project, its baseline, or the
    increment of a retrofit).

    ``equivalent_tce`` and ``equal_value_tce`` are the comprehensive energy consumption
    (综合能源消费量) without raw-material energy, electricity at 当量值 0.1229 kgce/kWh and at
    等价值 (the coal rate); ``fossil_tce`` the fossil fuels burnt as energy; ``raw_material_tce``
    the energy used as feedstock (原料用能), reported apart; ``electricity_kwh`` all purchased
    electricity, ``green_electricity_kwh`` the part that is green power or certificates.
    ``co2_*`` in tCO2: combustion of fuels used as energy, process (including the carbon of
    feedstock fuels, less carbon fixed in products), net purchased electricity (location-based)
    and heat; ``co2_electricity_market`` is electricity market-based (green power at 0).
    """

    equivalent_tce: float
    equal_value_tce: float
    fossil_tce: float
    raw_material_tce: float
    electricity_kwh: float
    green_electricity_kwh: float
    co2_combustion: float
    co2_process: float
    co2_electricity: float
    co2_heat: float
    co2_electricity_market: float

    @property
    def co2_total(self) -> float:
        return self.co2_combustion + self.co2_process + self.co2_electricity + self.co2_heat

    def co2(self) -> dict[str, float]:
        """CO2 by part and total, tCO2 (the keys of the CLI contract's ``co2_t``)."""
        return {
            "combustion": self.co2_combustion,
            "process": self.co2_process,
            "electricity": self.co2_electricity,
            "heat": self.co2_heat,
            "total": self.co2_total,
        }

    def minus(self, other: EnergyFigures) -> EnergyFigures:
        """This side less ``other``, figure by figure (a retrofit's increment)."""
        return replace(
            self, **{f.name: getattr(self, f.name) - getattr(other, f.name) for f in fields(self)}
        )


def _sum(values: pd.Series, mask: np.ndarray) -> float:
    return float(np.nansum(values.to_numpy(dtype=float)[mask]))


def figures(rows: pd.DataFrame, raw_material: np.ndarray) -> EnergyFigures:
    """:class:`EnergyFigures` of accounted rows (:attr:`AccountingResult.rows`) whose
    ``raw_material`` flags are given in the same order."""
    category = rows["category"].astype(object).to_numpy()
    raw = np.asarray(raw_material, dtype=bool)
    energy = ~raw
    combustion = category == "combustion"
    electricity = category == "electricity"
    green = electricity & (rows["item_id"].astype(object).to_numpy() == "green_electricity")
    return EnergyFigures(
        equivalent_tce=_sum(rows["tce"], energy),
        equal_value_tce=_sum(rows["tce_equal_value"], energy),
        fossil_tce=_sum(rows["tce"], combustion & energy),
        raw_material_tce=_sum(rows["tce"], raw),
        electricity_kwh=_sum(rows["activity"], electricity) * 1000.0,
        green_electricity_kwh=_sum(rows["activity"], green) * 1000.0,
        co2_combustion=_sum(rows["tco2"], combustion & energy),
        co2_process=_sum(rows["tco2"], (category == "process") | raw),
        co2_electricity=_sum(rows["tco2"], electricity),
        co2_heat=_sum(rows["tco2"], category == "heat"),
        co2_electricity_market=_sum(rows["tco2_market"], electricity),
    )


@dataclass(frozen=True)
class BenchmarkEntry:
    """A product's design specific energy against its 标杆/基准 levels.

    ``value`` is the design figure converted to the levels' ``unit``; ``grade`` is
    ``benchmark`` (≤ 标杆), ``between`` (≤ 基准) or ``below_baseline`` (worse than 基准: lower is
    better). ``computed`` is the project's energy incl. raw material per unit of capacity, in the
    same unit, when the filing has one product and a standard-coal unit; ``co2_per_unit`` its
    CO2 per unit of capacity (tCO2 per the capacity unit)."""

    product: str
    value: float
    benchmark: float
    baseline: float
    grade: str
    unit: str
    levels: ProductLevels
    computed: float | None
    co2_per_unit: float | None


@dataclass(frozen=True)
class ProjectAssessment:
    """The assessment of one filing. ``counted`` is what the rules use: the project's figures,
    or for a retrofit the increment project − baseline."""

    filing: ProjectFiling
    project: EnergyFigures
    baseline: EnergyFigures | None
    counted: EnergyFigures
    coal_rate_gce_per_kwh: float
    coal_rate_status: str
    review_level: str
    two_high: bool
    two_high_groups: tuple[str, ...]
    prohibited: bool
    carbon_chapter_required: bool
    benchmark: dict[str, BenchmarkEntry]
    decision_hints: tuple[str, ...]
    factor_set: str
    rows: pd.DataFrame

    def to_json(self) -> dict[str, object]:
        """The CLI's ``--json`` object (contract of issue 15 item 5: keys and types are stable)."""
        return {
            "comprehensive_energy_tce": {
                "equivalent": float(self.counted.equivalent_tce),
                "equal_value": float(self.counted.equal_value_tce),
            },
            "co2_t": {k: float(v) for k, v in self.counted.co2().items()},
            "review_level": self.review_level,
            "two_high": bool(self.two_high),
            "prohibited": bool(self.prohibited),
            "benchmark": {
                name: {
                    "value": float(e.value),
                    "benchmark": float(e.benchmark),
                    "baseline": float(e.baseline),
                    "grade": e.grade,
                }
                for name, e in self.benchmark.items()
            },
            "decision_hints": list(self.decision_hints),
        }


# --- the steps ------------------------------------------------------------------------------------


def _accounted(
    table: pd.DataFrame, filing: ProjectFiling, coal_rate_kgce: float
) -> tuple[pd.DataFrame, str]:
    result = account(
        table.drop(columns="raw_material"),
        default_region=filing.region,
        coal_rate_kgce_per_kwh=coal_rate_kgce,
    )
    return result.rows, result.factor_set


def coal_rate(filing: ProjectFiling) -> tuple[float, str]:
    """(gce/kWh, status) for electricity at 等价值: the filing's, else the reference default."""
    if filing.coal_rate_gce_per_kwh is not None:
        return filing.coal_rate_gce_per_kwh, "filed"
    default = review_parameter("coal_rate_default", "gce_per_kwh")
    return default.value, default.status


def review_level(equivalent_tce: float, electricity_kwh: float) -> str:
    """``province`` if ≥ 10,000 tce/yr (当量值), ``exempt`` if < 1,000 tce/yr and < 5 million
    kWh/yr, else ``city`` (NDRC Order 2023 No.2; thresholds in ``project_review_rules``)."""
    province = review_parameter("province_review", "min_equivalent_tce").value
    exempt_tce = review_parameter("exempt_review", "max_equivalent_tce").value
    exempt_kwh = review_parameter("exempt_review", "max_electricity_kwh").value
    if at_least(equivalent_tce, province):
        return "province"
    if not at_least(equivalent_tce, exempt_tce) and not at_least(electricity_kwh, exempt_kwh):
        return "exempt"
    return "city"


def two_high_matches(filing: ProjectFiling) -> list[tuple[TwoHighIndustry, str]]:
    """The 两高 rows a filing matches and how (``industry`` or ``product``): its industry code
    lies in the row's class (or group), or one of its products names the row's products."""
    products = [refdata.normalise_name(p.product) for p in filing.products]
    found = []
    for row in two_high_industries():
        if filing.industry_code.startswith(row.code):
            found.append((row, "industry"))
        elif any(word in product for product in products for word in row.names):
            found.append((row, "product"))
    return found


def is_prohibited(filing: ProjectFiling, matches: list[tuple[TwoHighIndustry, str]]) -> bool:
    """New or expanded capacity of steel, coking, cement clinker or electrolytic aluminium
    (晋政办发〔2024〕53号) without a capacity replacement plan attached."""
    if filing.kind == "retrofit" or filing.capacity_replacement is not None:
        return False
    return bool(banned_groups(filing, matches))


def banned_groups(filing: ProjectFiling, matches: list[tuple[TwoHighIndustry, str]]) -> list[str]:
    """The names of the matched 两高 classes whose new capacity is banned (for the filing's
    products, where the ban names products), whether or not a replacement plan is attached."""
    products = [refdata.normalise_name(p.product) for p in filing.products]
    groups = []
    for row, _how in matches:
        if not row.prohibited:
            continue
        if not row.prohibited_products or any(
            word in product for product in products for word in row.prohibited_products
        ):
            groups.append(row.name_zh)
    return groups


def _convert(value: float, unit: str, target: str) -> float | None:
    if refdata.normalise_name(unit) == refdata.normalise_name(target):
        return value
    try:
        return value * conversion_factor(unit, target)
    except UnitError:
        return None


def _grade(value: float, levels: ProductLevels) -> str:
    if value <= levels.benchmark or math.isclose(value, levels.benchmark, rel_tol=1e-9):
        return "benchmark"
    if value <= levels.baseline or math.isclose(value, levels.baseline, rel_tol=1e-9):
        return "between"
    return "below_baseline"


def _benchmarks(
    filing: ProjectFiling, project: EnergyFigures, hints: list[str]
) -> dict[str, BenchmarkEntry]:
    entries: dict[str, BenchmarkEntry] = {}
    single = len(filing.products) == 1
    for index, p in enumerate(filing.products):
        levels = product_levels(p.product, p.specific_energy_unit)
        if levels is None:
            hints.append(
                f"产品「{p.product}」在能效标杆/基准表中无对应条目，未作能效对标；"
                "请按表中名称填报产品，或由审查人员依据相关标准对标。"
            )
            continue
        value = _convert(p.design_specific_energy, p.specific_energy_unit, levels.unit)
        if value is None:
            raise InputError(
                f"specific_energy_unit {p.specific_energy_unit!r} of {p.product} cannot be "
                f"compared with its levels in {levels.unit}",
                file=filing.source,
                column=f"products[{index}].specific_energy_unit",
                expected=f"{levels.unit} or a unit convertible to it",
            )
        computed = co2_per_unit = None
        if single:
            total_tce = project.equivalent_tce + project.raw_material_tce
            if "ce" in levels.unit:
                computed = _convert(total_tce / p.capacity, f"tce/({p.unit})", levels.unit)
            co2_per_unit = project.co2_total / p.capacity
        entries[p.product] = BenchmarkEntry(
            product=p.product,
            value=value,
            benchmark=levels.benchmark,
            baseline=levels.baseline,
            grade=_grade(value, levels),
            unit=levels.unit,
            levels=levels,
            computed=computed,
            co2_per_unit=co2_per_unit,
        )
    return entries


def _tce(value: float) -> str:
    return f"{value:,.2f} tce"


def assess(filing: ProjectFiling) -> ProjectAssessment:
    """Assess a validated filing (formulas and sources in docs/projects.md)."""
    rate, rate_status = coal_rate(filing)
    rows, factor_set = _accounted(filing.activities, filing, rate / 1000.0)
    project = figures(rows, filing.activities["raw_material"].to_numpy(dtype=bool))
    baseline = None
    frames = [rows.assign(side="project")]
    if filing.baseline is not None:
        base_rows, _ = _accounted(filing.baseline, filing, rate / 1000.0)
        baseline = figures(base_rows, filing.baseline["raw_material"].to_numpy(dtype=bool))
        frames.append(base_rows.assign(side="baseline"))
    counted = project.minus(baseline) if baseline is not None else project

    level = review_level(counted.equivalent_tce, counted.electricity_kwh)
    matches = two_high_matches(filing)
    two_high = bool(matches)
    groups = tuple(dict.fromkeys(row.group for row, _ in matches))
    prohibited = is_prohibited(filing, matches)
    chapter = level != "exempt"

    hints: list[str] = []
    banned = banned_groups(filing, matches)
    if prohibited:
        hints.append(
            f"禁止新增产能：项目属{'、'.join(banned)}，山西省严禁新增钢铁、焦化、水泥熟料、电解铝"
            "产能（晋政办发〔2024〕53号），未附产能置换方案，应不予通过。"
        )
    elif banned and filing.capacity_replacement is not None and filing.kind != "retrofit":
        r = filing.capacity_replacement
        hints.append(
            f"已附产能置换方案（{r.document}，置换产能 {r.replaced_capacity:g} {r.unit}），"
            "须核实置换产能不少于新增产能、被置换产能已关停。"
        )
        for p in filing.products:
            replaced = _convert(r.replaced_capacity, r.unit, p.unit) if r.unit else None
            if (
                replaced is not None
                and replaced < p.capacity
                and not math.isclose(replaced, p.capacity, rel_tol=1e-9)
            ):
                hints.append(
                    f"置换产能 {r.replaced_capacity:g} {r.unit} 少于「{p.product}」新增产能 "
                    f"{p.capacity:g} {p.unit}。"
                )
    elif banned and filing.kind == "retrofit":
        hints.append(
            f"项目属{'、'.join(banned)}：改造项目不得新增产能；如新增产能，应按扩建申报并附产能"
            "置换方案。"
        )
    province = review_parameter("province_review", "min_equivalent_tce").value
    exempt_tce = review_parameter("exempt_review", "max_equivalent_tce").value
    exempt_kwh = review_parameter("exempt_review", "max_electricity_kwh").value
    basis = "年综合能源消费增量" if filing.kind == "retrofit" else "年综合能源消费量"
    shown = f"{basis} {_tce(counted.equivalent_tce)}（当量值）"
    if level == "province":
        hints.append(f"审查层级：省级节能审查（{shown} ≥ {province:,.0f} tce）。")
    elif level == "city":
        hints.append(
            f"审查层级：市级节能审查（{shown}，年电力消费量 {counted.electricity_kwh:,.0f} kWh；"
            f"介于 {exempt_tce:,.0f} tce / {exempt_kwh / 1e4:,.0f} 万kWh 与 {province:,.0f} tce "
            "之间，由省级委托市级审查）。"
        )
    else:
        hints.append(
            f"无需单独编制节能报告（{shown} < {exempt_tce:,.0f} tce 且年电力消费量 "
            f"{counted.electricity_kwh:,.0f} kWh < {exempt_kwh / 1e4:,.0f} 万kWh）。"
        )
    if chapter:
        hints.append(
            "须在节能报告中编制碳排放评价章节（国家发展改革委令2025年第31号，2025年9月1日起施行）。"
        )
    if two_high:
        hints.append(
            f"属两高项目（{'、'.join(groups)}）：实行联审联批，单位产品能效须达到标杆水平、"
            "环保绩效达到A级或引领性水平（晋政办发〔2024〕53号）。"
        )
        window = review_parameter("two_high_window_guidance", "min_equivalent_tce").value
        if filing.kind != "retrofit" and at_least(counted.equivalent_tce, window):
            hints.append(
                f"新增能耗 ≥ {window:,.0f} tce 的两高项目须报国家发展改革委窗口指导"
                "（发改环资〔2021〕1310号）。"
            )
    elif len(filing.industry_code) == 2 and any(
        row.code.startswith(filing.industry_code) for row in two_high_industries()
    ):
        hints.append(
            f"行业代码 {filing.industry_code} 仅到大类，其中含两高小类；"
            "请填报四位小类代码以判定是否属两高项目。"
        )
    benchmark = _benchmarks(filing, project, hints)
    for entry in benchmark.values():
        text = (
            f"「{entry.product}」设计单位产品能耗 {entry.value:g} {entry.unit}"
            f"（标杆 {entry.benchmark:g}，基准 {entry.baseline:g}；{entry.levels.status}）："
        )
        if entry.grade == "benchmark":
            text += "达到标杆水平。"
        elif entry.grade == "between":
            text += "介于标杆与基准之间" + (
                "，未达标杆水平，不符合两高项目准入要求。" if two_high else "。"
            )
        else:
            text += "劣于基准水平，应不予通过。"
        hints.append(text)
        if entry.computed is not None and not math.isclose(
            entry.computed, entry.value, rel_tol=0.10
        ):
            hints.append(
                f"「{entry.product}」按申报能源消费折算的单位产品能耗为 {entry.computed:,.1f} "
                f"{entry.unit}，与设计值 {entry.value:g} 相差超过10%，请核实。"
            )
    if project.raw_material_tce > 0:
        hints.append(
            f"原料用能 {_tce(project.raw_material_tce)} 单独列示，不计入综合能源消费量和审查层级"
            "（发改环资〔2022〕803号；用于审查层级为待核实口径），计入单位产品能耗。"
        )
    if filing.coal_rate_gce_per_kwh is None:
        hints.append(
            f"等价值按参考默认供电煤耗 {rate:g} gce/kWh 折算（{rate_status}），请填报当年火电"
            "平均供电煤耗。"
        )
    if project.green_electricity_kwh > 0:
        hints.append(
            f"绿电/绿证电量 {project.green_electricity_kwh:,.0f} kWh：电力排放按电网因子"
            f"（location-based）计 {project.co2_electricity:,.1f} tCO2；按市场法（绿电计零）为 "
            f"{project.co2_electricity_market:,.1f} tCO2。"
        )
    all_rows = pd.concat(frames, ignore_index=True)
    notes = sorted(
        {str(n) for n in all_rows.loc[all_rows["provisional"].astype(bool), "note"] if str(n)}
    )
    if notes:
        hints.append("电网排放因子为暂用值：" + "；".join(notes) + "。")
    return ProjectAssessment(
        filing=filing,
        project=project,
        baseline=baseline,
        counted=counted,
        coal_rate_gce_per_kwh=rate,
        coal_rate_status=rate_status,
        review_level=level,
        two_high=two_high,
        two_high_groups=groups,
        prohibited=prohibited,
        carbon_chapter_required=chapter,
        benchmark=benchmark,
        decision_hints=tuple(hints),
        factor_set=factor_set,
        rows=all_rows,
    )
