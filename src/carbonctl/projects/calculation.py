"""The calculation workbook of a project assessment (计算书): inputs, accounted rows, formulas with
their figures, rules with their sources, 标杆/基准, city impact and the decision, built once as
plain tables (:class:`Sheet`) that the Excel workbook and the platform's PDF opinion both show."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import BinaryIO

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from carbonctl import labels, refdata
from carbonctl.accounting.purchased import KGCE_PER_KWH_EQUIVALENT, KGCE_PER_MJ_HEAT
from carbonctl.errors import InputError
from carbonctl.io.cells import safe_cell
from carbonctl.projects.assess import (
    ProjectAssessment,
    at_least,
    banned_groups,
    two_high_matches,
)
from carbonctl.projects.impact import CityImpact
from carbonctl.projects.reference import review_parameter, two_high_industries
from carbonctl.units import GJ_PER_TCE
from carbonctl.warning.model import Level

__all__ = [
    "LABELS",
    "OUTCOMES",
    "SHEET_TITLES",
    "Decision",
    "Sheet",
    "calculation_sheets",
    "write_calculation",
]

#: Outcomes of the reviewer's opinion (审查意见): approve, approve with conditions, reject.
OUTCOMES = ("approve", "conditional", "reject")

#: Chinese labels of every key a sheet shows (项目类型, 活动类别, 能效等级 …): one mapping,
#: so the workbook and the PDF opinion name things alike and no internal key reaches a cell.
LABELS: dict[str, dict[str, str]] = {
    "kind": {"new": "新建", "expansion": "扩建", "retrofit": "改建（技术改造）"},
    "category": {
        "combustion": "化石燃料燃烧",
        "process": "工业过程",
        "electricity": "净购入电力",
        "heat": "净购入热力",
    },
    "side": {"project": "项目（建成后）", "baseline": "改造前基准"},
    "grade": {
        "benchmark": "达到标杆",
        "between": "介于标杆与基准之间",
        "below_baseline": "劣于基准",
    },
    "review_level": {
        "province": "省级节能审查",
        "city": "市级节能审查",
        "exempt": "不单独编制节能报告",
    },
    "outcome": {"approve": "通过", "conditional": "有条件通过", "reject": "不予通过"},
    "barometer": {level.value: level.label_zh for level in Level},
    "coal_rate_status": {"filed": "申报值"},
    "match": {"industry": "按行业代码", "product": "按产品名称"},
    "parameters": {"default": "缺省值", "measured": "实测"},
    "yes_no": {"yes": "是", "no": "否"},
}

#: Sheet key -> worksheet title (Chinese first, ≤ 31 characters, none of ``[]:*?/\``).
SHEET_TITLES = {
    "summary": "结论摘要 Summary",
    "inputs": "输入 Inputs",
    "activities": "活动数据 Activities",
    "energy": "能源与排放 Energy and CO2",
    "rules": "审查规则 Rules",
    "benchmark": "能效对标 Benchmark",
    "impact": "城市影响 Impact",
    "decision": "审查决定 Decision",
}


def label(group: str, key: str) -> str:
    """The Chinese label of ``key`` in ``group`` of :data:`LABELS` (the key itself when the
    group has none, e.g. a reference status such as ``CONFIRMED``)."""
    return LABELS[group].get(key, key)


def _yes_no(value: bool) -> str:
    return LABELS["yes_no"]["yes" if value else "no"]


@dataclass(frozen=True)
class Sheet:
    """One table of the calculation: ``key`` (``inputs`` …), worksheet ``title``, ``header``
    (Chinese first with English), ``rows`` of numbers and text, and a ``note`` under it."""

    key: str
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]
    note: str = ""


@dataclass(frozen=True)
class Decision:
    """The reviewer's opinion (审查意见) on a project: ``outcome`` (approve | conditional |
    reject), the ``reasons`` and ``conditions`` as written, who decided and when (ISO date), and
    ``committed_tco2``, the CO2 per year that goes into the city's budget ledger (None when
    nothing is committed, e.g. a rejection)."""

    outcome: str
    reasons: str
    conditions: str
    reviewer: str
    decided_at: str
    committed_tco2: float | None = None

    def __post_init__(self) -> None:
        if self.outcome not in OUTCOMES:
            raise InputError(
                f"outcome {self.outcome!r} is not a decision",
                column="outcome",
                expected=", ".join(OUTCOMES),
            )
        try:
            date.fromisoformat(self.decided_at)
        except (TypeError, ValueError):
            raise InputError(
                f"decided_at {self.decided_at!r} is not an ISO date",
                column="decided_at",
                expected="YYYY-MM-DD",
            ) from None
        committed = self.committed_tco2
        if committed is not None and (
            isinstance(committed, bool)
            or not isinstance(committed, int | float)
            or not math.isfinite(committed)
        ):
            raise InputError(
                f"committed_tco2 {committed!r} is not a finite number",
                column="committed_tco2",
                expected="tCO2 per year, or None",
            )


# --- cells ----------------------------------------------------------------------------------------


def _value(value: object) -> object:
    """A cell value: numpy numbers as Python numbers, NaN / NA as an empty cell."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, bool):
        return _yes_no(value)
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        value = value.item()
        if isinstance(value, bool):
            return _yes_no(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _row(*cells: object) -> tuple[object, ...]:
    return tuple(_value(c) for c in cells)


def _g(value: float) -> str:
    """A figure inside a formula text: grouped, without trailing zeros."""
    return f"{value:,.10g}" if abs(value) < 1e15 else f"{value:g}"


# --- the sheets -----------------------------------------------------------------------------------


def _summary(
    assessment: ProjectAssessment, impact: CityImpact | None, decision: Decision | None
) -> Sheet:
    a = assessment
    counted = a.counted
    retrofit = a.filing.kind == "retrofit"
    rows = [
        _row("项目名称", a.filing.name, ""),
        _row("综合能源消费量（当量值）", counted.equivalent_tce, "tce/a"),
        _row("综合能源消费量（等价值）", counted.equal_value_tce, "tce/a"),
    ]
    for part, value in counted.co2().items():
        name = "二氧化碳排放合计" if part == "total" else f"二氧化碳排放：{label('category', part)}"
        rows.append(_row(name, value, "tCO2/a"))
    rows += [
        _row("审查层级", label("review_level", a.review_level), ""),
        _row(
            "两高项目",
            _yes_no(a.two_high) + (f"（{'、'.join(a.two_high_groups)}）" if a.two_high else ""),
            "",
        ),
        _row("禁止新增产能", _yes_no(a.prohibited), ""),
        _row("须编制碳排放评价章节", _yes_no(a.carbon_chapter_required), ""),
    ]
    for name, entry in a.benchmark.items():
        rows.append(
            _row(
                f"能效对标「{name}」",
                f"{_g(entry.value)}（标杆 {_g(entry.benchmark)}，基准 {_g(entry.baseline)}）："
                + label("grade", entry.grade),
                entry.unit,
            )
        )
    if impact is not None:
        rows.append(_row("项目年排放（× 运行时间比例）", impact.project_co2_t, "tCO2/a"))
        rows.append(_row("城市碳预算余量（项目后）", impact.headroom_after_tco2, "tCO2"))
    if decision is not None:
        rows.append(_row("审查决定", label("outcome", decision.outcome), ""))
    for index, hint in enumerate(a.decision_hints, start=1):
        rows.append(_row(f"审查提示 {index}", hint, ""))
    note = "数值为年值。" + ("改建项目的数值为改造后减改造前的增量。" if retrofit else "")
    return Sheet(
        "summary",
        SHEET_TITLES["summary"],
        ("项目 item", "数值 value", "单位 unit"),
        tuple(rows),
        note,
    )


def _inputs(assessment: ProjectAssessment) -> Sheet:
    f = assessment.filing
    rate_label = label("coal_rate_status", assessment.coal_rate_status)
    if f.coal_rate_gce_per_kwh is None:
        rate_label = f"参考默认值（{assessment.coal_rate_status}）"
    replacement = f.capacity_replacement
    rows = [
        _row("项目名称 name", f.name, "", ""),
        _row("建设单位统一社会信用代码 owner", f.owner, "", ""),
        _row("建设地点 region", f"{f.region_name}（{f.region}）", "", ""),
        _row("所在城市 city", f"{refdata.find_region(f.city).name_zh}（{f.city}）", "", ""),
        _row(
            "行业 industry",
            f"{f.industry_code} {f.industry_name}".strip(),
            "",
            "GB/T 4754-2017",
        ),
        _row("项目类型 kind", label("kind", f.kind), "", ""),
        _row("达产年份 year", f.year, "", "电网排放因子年份"),
        _row("火电供电煤耗 coal rate", assessment.coal_rate_gce_per_kwh, "gce/kWh", rate_label),
        _row("年工业增加值 value added", f.value_added_10k_cny, "万元/a", ""),
        _row("年运行时间比例 operating share", f.operating_share, "", ""),
        _row(
            "产能置换方案 capacity replacement",
            "无" if replacement is None else replacement.document,
            "",
            "",
        ),
    ]
    if replacement is not None:
        rows.append(
            _row("置换产能 replaced capacity", replacement.replaced_capacity, replacement.unit, "")
        )
    for p in f.products:
        rows.append(_row(f"产品「{p.product}」产能 capacity", p.capacity, f"{p.unit}/a", ""))
        rows.append(
            _row(
                f"产品「{p.product}」设计单位产品能耗 design specific energy",
                p.design_specific_energy,
                p.specific_energy_unit,
                "",
            )
        )
    return Sheet(
        "inputs",
        SHEET_TITLES["inputs"],
        ("项目 item", "数值 value", "单位 unit", "说明 note"),
        tuple(rows),
        f"申报文件 {f.source}；活动数据见「{SHEET_TITLES['activities']}」。",
    )


def _parameters_label(text: object) -> str:
    words = str(text or "")
    head, sep, rest = words.partition(":")
    return label("parameters", head.strip()) + (f"：{rest.strip()}" if sep else "")


def _raw_flags(assessment: ProjectAssessment) -> list[bool]:
    """The raw-material flag of each accounted row, in the order of ``assessment.rows``
    (the project's rows, then the baseline's, each in the filing's order)."""
    flags = list(assessment.filing.activities["raw_material"].astype(bool))
    if assessment.filing.baseline is not None:
        flags += list(assessment.filing.baseline["raw_material"].astype(bool))
    return flags


def _factor_source(factor_set: str, factor_id: str, status: str) -> str:
    """Where the factor ``factor_id`` of an accounted row comes from: the ``source`` of its
    reference row (grid, fuel, process or heat factor), or the filing for a measured one."""
    if factor_id == "row" or (status.startswith("measured") and factor_id.startswith("fuel:")):
        return "申报实测值 measured, as filed"
    if factor_id == "heat_default":
        return refdata.heat_factor()[2]
    kind, _, key = factor_id.partition(":")
    if kind == "fuel":
        table = refdata.load_table("fuel_factors")
        found = table[(table["factor_set"] == factor_set) & (table["fuel_id"] == key)]
    elif kind == "process":
        materials = refdata.load_table("process_materials").set_index("material_id")
        if key not in materials.index:
            return factor_id
        m = materials.loc[key]
        table = refdata.load_table("process_factors")
        found = table[
            (table["sector"] == m["factor_sector"]) & (table["material"] == m["factor_material"])
        ]
    else:
        table = refdata.load_table("grid_factors")
        found = table[table["factor_id"] == factor_id]
    return str(found.iloc[0]["source"]) if not found.empty else factor_id


def _activities(assessment: ProjectAssessment) -> Sheet:
    rows = []
    records = assessment.rows.to_dict("records")
    for record, raw in zip(records, _raw_flags(assessment), strict=True):
        activity, tce = record["activity"], record["tce"]
        per_unit = (
            tce / activity
            if activity and not pd.isna(activity) and not pd.isna(tce) and activity != 0
            else None
        )
        rows.append(
            _row(
                label("side", record["side"]),
                label("category", record["category"]),
                record["item"],
                record["amount"],
                record["unit"],
                _yes_no(raw),
                record["activity"],
                record["activity_unit"],
                record["ncv_GJ_per_unit"],
                per_unit,
                record["tce"],
                record["tce_equal_value"],
                record["emission_factor"],
                record["ef_unit"],
                record["tco2"],
                _parameters_label(record["parameters"]),
                record["factor_id"],
                _factor_source(
                    str(record["factor_set"]),
                    str(record["factor_id"]),
                    str(record["factor_status"]),
                ),
                record["factor_status"],
                _yes_no(bool(record["provisional"])),
                record["note"] or "",
            )
        )
    return Sheet(
        "activities",
        SHEET_TITLES["activities"],
        (
            "方 side",
            "类别 category",
            "品种 item",
            "数量 amount",
            "单位 unit",
            "原料用能 raw material",
            "活动水平 activity",
            "活动单位 activity unit",
            "低位发热量 NCV (GJ/活动单位)",
            "折标系数 tce/活动单位",
            "当量值 tce equivalent",
            "等价值 tce equal value",
            "排放因子 emission factor",
            "因子单位 factor unit",
            "排放量 tCO2",
            "参数 parameters",
            "因子编号 factor id",
            "因子来源 factor source",
            "因子状态 factor status",
            "暂用值 provisional",
            "说明 note",
        ),
        tuple(rows),
        f"因子集 {assessment.factor_set}；电网因子为所在省份、达产年份的平均排放因子（无当年值时取"
        "最近年份，标为暂用值）。原料用能行的排放计入工业过程。",
    )


def _energy(assessment: ProjectAssessment) -> Sheet:
    a = assessment
    rate = a.coal_rate_gce_per_kwh
    heat_kgce_per_gj = KGCE_PER_MJ_HEAT * 1000.0
    heat_factor = refdata.heat_factor()[0]
    fuel = f"Σ 燃料量 × 低位发热量 / {GJ_PER_TCE:g} GJ/tce（或折标准煤系数）"
    heat = f"热力 GJ × {heat_kgce_per_gj:g} kgce/GJ / 1000"
    quantities = (
        (
            "综合能源消费量（当量值） comprehensive energy, equivalent",
            f"{fuel} + 电力 kWh × {KGCE_PER_KWH_EQUIVALENT:g} kgce/kWh / 1000 + {heat}"
            "（不含原料用能）",
            "equivalent_tce",
            "tce/a",
        ),
        (
            "综合能源消费量（等价值） comprehensive energy, equal value",
            f"{fuel} + 电力 kWh × {rate:g} gce/kWh / 10^6 + {heat}（不含原料用能）",
            "equal_value_tce",
            "tce/a",
        ),
        ("化石能源消费量 fossil energy", "Σ 非原料燃料 tce（当量值）", "fossil_tce", "tce/a"),
        (
            "原料用能 raw-material energy",
            "Σ 原料用能燃料 tce（单独列示，不计入综合能源消费量，发改环资〔2022〕803号）",
            "raw_material_tce",
            "tce/a",
        ),
        ("电力消费量 electricity", "Σ 购入电力 MWh × 1000", "electricity_kwh", "kWh/a"),
        (
            "绿电/绿证电量 green electricity",
            "Σ 绿电/绿证 MWh × 1000",
            "green_electricity_kwh",
            "kWh/a",
        ),
        (
            "二氧化碳排放（化石燃料燃烧） CO2, combustion",
            "Σ 非原料燃料 AD × NCV × CC × OF × 44/12（GB/T 32150-2015）",
            "co2_combustion",
            "tCO2/a",
        ),
        (
            "二氧化碳排放（工业过程） CO2, process",
            "Σ 工业过程排放（产品固碳为负）+ Σ 原料用能燃料 AD × NCV × CC × OF × 44/12",
            "co2_process",
            "tCO2/a",
        ),
        (
            "二氧化碳排放（净购入电力，电网因子） CO2, electricity, location-based",
            "Σ 电力 MWh × 电网排放因子 tCO2/MWh（或申报因子）",
            "co2_electricity",
            "tCO2/a",
        ),
        (
            "二氧化碳排放（净购入电力，市场法） CO2, electricity, market-based",
            "Σ 非绿电 MWh × 剩余电网因子（或申报因子）；绿电/绿证计零",
            "co2_electricity_market",
            "tCO2/a",
        ),
        (
            "二氧化碳排放（净购入热力） CO2, heat",
            f"Σ 热力 GJ × {heat_factor:g} tCO2/GJ（或供热方因子）",
            "co2_heat",
            "tCO2/a",
        ),
        (
            "二氧化碳排放合计 CO2, total",
            "燃料燃烧 + 工业过程 + 净购入电力（电网因子） + 净购入热力",
            "co2_total",
            "tCO2/a",
        ),
    )
    rows = []
    for name, formula, attribute, unit in quantities:
        baseline = getattr(a.baseline, attribute) if a.baseline is not None else None
        rows.append(
            _row(
                name,
                formula,
                getattr(a.project, attribute),
                baseline,
                getattr(a.counted, attribute),
                unit,
            )
        )
    retrofit = a.filing.kind == "retrofit"
    return Sheet(
        "energy",
        SHEET_TITLES["energy"],
        (
            "指标 quantity",
            "公式 formula",
            "项目 project",
            "改造前 baseline",
            "计入值 counted",
            "单位 unit",
        ),
        tuple(rows),
        "综合能源消费量按 GB/T 2589-2020；计入值"
        + ("为项目减改造前的增量。" if retrofit else "即项目值。")
        + f"等价值供电煤耗 {rate:g} gce/kWh（"
        + (
            "申报值"
            if a.filing.coal_rate_gce_per_kwh is not None
            else f"参考默认值，{a.coal_rate_status}"
        )
        + "）。",
    )


def _rule_text(rule_id: str, parameter: str) -> dict[str, str]:
    """A row of ``project_review_rules`` as text (some values are dates or words)."""
    table = refdata.load_table("project_review_rules")
    found = table[(table["rule_id"] == rule_id) & (table["parameter"] == parameter)]
    return found.iloc[0].to_dict()


def _rules(assessment: ProjectAssessment) -> Sheet:
    a = assessment
    f = a.filing
    e, k = a.counted.equivalent_tce, a.counted.electricity_kwh
    basis = "年综合能源消费增量（当量值）" if f.kind == "retrofit" else "年综合能源消费量（当量值）"
    rows = []

    def add(rule: str, param: str, value: object, unit: str, figure: object, result: str, ref):
        rows.append(_row(rule, param, value, unit, figure, result, ref.source, ref.status))

    province = review_parameter("province_review", "min_equivalent_tce")
    add(
        "省级节能审查 province review",
        f"{basis}下限",
        province.value,
        province.unit,
        e,
        ("适用：" if at_least(e, province.value) else "不适用：")
        + f"{_g(e)} {'≥' if at_least(e, province.value) else '<'} {_g(province.value)}",
        province,
    )
    exempt_tce = review_parameter("exempt_review", "max_equivalent_tce")
    exempt_kwh = review_parameter("exempt_review", "max_electricity_kwh")
    for ref, figure, what in ((exempt_tce, e, basis), (exempt_kwh, k, "年电力消费量")):
        below = not at_least(figure, ref.value)
        add(
            "不单独编制节能报告 exempt",
            f"{what}上限（低于）",
            ref.value,
            ref.unit,
            figure,
            ("满足：" if below else "不满足：")
            + f"{_g(figure)} {'<' if below else '≥'} {_g(ref.value)}",
            ref,
        )
    delegated = review_parameter("city_review", "delegated")
    add(
        "市级节能审查 city review",
        "介于两阈值之间的项目由省级委托市级审查",
        None,
        "",
        None,
        "适用" if a.review_level == "city" else "不适用",
        delegated,
    )
    decisive = {"province": province, "city": delegated, "exempt": exempt_tce}[a.review_level]
    add(
        "审查层级 review level",
        "",
        None,
        "",
        None,
        label("review_level", a.review_level),
        decisive,
    )
    carbon = _rule_text("carbon_evaluation", "from_date")
    rows.append(
        _row(
            "碳排放评价章节 carbon chapter",
            "施行日期（须开展节能审查的项目）",
            carbon["value"],
            "",
            label("review_level", a.review_level),
            "须编制" if a.carbon_chapter_required else "不需要",
            carbon["source"],
            carbon["status"],
        )
    )
    raw = review_parameter("raw_material_exclusion", "excluded_from_review_thresholds")
    add(
        "原料用能 raw-material energy",
        "不计入综合能源消费量和审查层级",
        None,
        "tce/a",
        a.project.raw_material_tce,
        f"原料用能 {_g(a.project.raw_material_tce)} tce 未计入"
        if a.project.raw_material_tce > 0
        else "无原料用能",
        raw,
    )
    coal = review_parameter("coal_rate_default", "gce_per_kwh")
    add(
        "等价值供电煤耗 coal rate",
        "参考默认值（未申报时采用）",
        coal.value,
        coal.unit,
        a.coal_rate_gce_per_kwh,
        "采用申报值" if f.coal_rate_gce_per_kwh is not None else "采用参考默认值",
        coal,
    )
    rows += _two_high_rows(assessment)
    return Sheet(
        "rules",
        SHEET_TITLES["rules"],
        (
            "规则 rule",
            "参数 parameter",
            "参数值 value",
            "单位 unit",
            "项目数值 project figure",
            "结果 result",
            "来源 source",
            "状态 status",
        ),
        tuple(rows),
        "参数和来源取自参考表 project_review_rules 与 two_high_industries"
        "（carbonctl refdata show <表名>）；在阈值的相对 1e-9 以内视为相等。",
    )


_DOCUMENT = re.compile(r"[\u4e00-\u9fff]+〔\d{4}〕\d+号")


def _documents(sources: Iterable[str]) -> str:
    """The document ids (文号) cited in ``sources``, each once, in order."""
    found = (doc for text in sources for doc in _DOCUMENT.findall(text))
    return "; ".join(dict.fromkeys(found))


def _two_high_rows(assessment: ProjectAssessment) -> list[tuple[object, ...]]:
    """两高, window guidance and prohibited capacity, each with its row of the reference table
    (or, when no row matches, the documents the whole list cites)."""
    a = assessment
    f = a.filing
    industry = f"{f.industry_code} {f.industry_name}".strip()
    products = "、".join(p.product for p in f.products) or "无"
    listed = two_high_industries()
    matches = two_high_matches(f)
    rows = []
    for row, how in matches:
        rows.append(
            _row(
                "两高 two-high",
                "两高行业小类（或中类）",
                f"{row.code} {row.name_zh}",
                "",
                industry if how == "industry" else f"产品：{products}",
                f"是（{row.group}，{label('match', how)}）",
                row.source,
                row.status,
            )
        )
    if not matches:
        rows.append(
            _row(
                "两高 two-high",
                "两高行业小类（或中类）",
                f"两高目录 {len(listed)} 类",
                "",
                f"{industry}；产品：{products}",
                "否：行业与产品均不在两高目录",
                _documents(
                    part for r in listed for part in r.source.split(";") if "ban:" not in part
                ),
                "各行状态见参考表 two_high_industries",
            )
        )
    if a.two_high:
        window = review_parameter("two_high_window_guidance", "min_equivalent_tce")
        reached = f.kind != "retrofit" and at_least(a.counted.equivalent_tce, window.value)
        rows.append(
            _row(
                "两高窗口指导 window guidance",
                "新增能耗下限",
                window.value,
                window.unit,
                a.counted.equivalent_tce,
                "须报国家发展改革委窗口指导" if reached else "不适用",
                window.source,
                window.status,
            )
        )
    banned = set(banned_groups(f, matches))
    prohibited_rows = [row for row, _how in matches if row.prohibited]
    for row in prohibited_rows:
        words = "、".join(row.prohibited_products) or "全部产品"
        if row.name_zh not in banned:
            result = "否：产品不在禁止范围"
        elif f.kind == "retrofit":
            result = "否：改建项目不新增产能"
        elif f.capacity_replacement is not None:
            result = f"否：已附产能置换方案 {f.capacity_replacement.document}，须核实"
        else:
            result = "是：禁止新增产能，未附产能置换方案"
        rows.append(
            _row(
                "禁止新增产能 prohibited",
                "禁止新增产能的行业及产品",
                f"{row.name_zh}：{words}",
                "",
                f"{label('kind', f.kind)}；产品：{products}",
                result,
                row.source,
                row.status,
            )
        )
    if not prohibited_rows:
        banned_rows = [r for r in listed if r.prohibited]
        rows.append(
            _row(
                "禁止新增产能 prohibited",
                "禁止新增产能的行业及产品",
                "、".join(r.name_zh for r in banned_rows),
                "",
                f"{industry}；产品：{products}",
                "否：不属禁止新增产能的行业",
                _documents(
                    part for r in banned_rows for part in r.source.split(";") if "ban:" in part
                ),
                "各行状态见参考表 two_high_industries",
            )
        )
    return rows


def _benchmark(assessment: ProjectAssessment) -> Sheet:
    filing = assessment.filing
    products = {p.product: p for p in filing.products}
    rows = []
    for name, e in assessment.benchmark.items():
        p = products[name]
        rows.append(
            _row(
                name,
                p.capacity,
                f"{p.unit}/a",
                p.design_specific_energy,
                p.specific_energy_unit,
                e.value,
                e.benchmark,
                e.baseline,
                e.unit,
                label("grade", e.grade),
                e.computed,
                e.co2_per_unit,
                f"tCO2/{p.unit}" if e.co2_per_unit is not None else "",
                e.levels.table,
                e.levels.edition,
                e.levels.source,
                e.levels.status,
            )
        )
    missing = [p.product for p in filing.products if p.product not in assessment.benchmark]
    note = (
        "等级：设计值 ≤ 标杆为达到标杆，≤ 基准为介于标杆与基准之间，否则劣于基准（越低越好）。"
        "按申报能耗折算 = (综合能源消费量当量值 + 原料用能) / 产能（仅单一产品）；"
        "单位产品CO2 = 项目CO2合计 / 产能。"
    )
    if missing:
        note += f"无标杆/基准条目，未作对标：{'、'.join(missing)}。"
    return Sheet(
        "benchmark",
        SHEET_TITLES["benchmark"],
        (
            "产品 product",
            "产能 capacity",
            "产能单位 capacity unit",
            "设计单位产品能耗 design (filed)",
            "申报单位 filed unit",
            "设计值 design value",
            "标杆 benchmark",
            "基准 baseline",
            "单位 unit",
            "等级 grade",
            "按申报能耗折算 computed",
            "单位产品CO2 CO2 per unit",
            "CO2单位 CO2 unit",
            "来源表 table",
            "版本 edition",
            "来源 source",
            "状态 status",
        ),
        tuple(rows),
        note,
    )


def _impact(assessment: ProjectAssessment, impact: CityImpact) -> Sheet:
    share = assessment.filing.operating_share
    total = assessment.counted.co2_total
    i = impact
    rows = [
        _row("年运行时间比例 s", "申报值", share, ""),
        _row(
            "项目排放 P", f"P = CO2合计 × s = {_g(total)} × {_g(share)}", i.project_co2_t, "tCO2/a"
        ),
        _row(
            "项目能耗 E_p",
            f"E_p = 等价值 × s = {_g(assessment.counted.equal_value_tce)} × {_g(share)}",
            i.project_energy_tce,
            "tce/a",
        ),
        _row("项目增加值 V", "V = 年工业增加值 × s", i.project_value_added_10k_cny, "万元/a"),
        _row("碳预算余量 H", "H = 城市碳预算余量（预算台账）", i.headroom_tco2, "tCO2"),
        _row(
            "占用余量比例 headroom share",
            "P / H（H ≤ 0 时预算已用尽，无比例）",
            i.headroom_share if i.headroom_share is not None else "无（预算已用尽）",
            "",
        ),
        _row("项目后余量 headroom after", "H − P", i.headroom_after_tco2, "tCO2"),
        _row("超出余量 exceeds headroom", "P > H", _yes_no(i.exceeds_headroom), ""),
        _row(
            "碳排放强度（项目前） CO2 intensity before",
            "C / G",
            i.co2_intensity_before,
            "tCO2/万元",
        ),
        _row(
            "碳排放强度（项目后） CO2 intensity after",
            "(C + P) / (G + V)",
            i.co2_intensity_after,
            "tCO2/万元",
        ),
        _row("碳排放强度变化 change", "后 / 前 − 1", i.co2_intensity_change, ""),
    ]
    if i.energy_intensity_before is not None:
        rows += [
            _row(
                "能耗强度（项目前） energy intensity before",
                "能耗 / G（等价值）",
                i.energy_intensity_before,
                "tce/万元",
            ),
            _row(
                "能耗强度（项目后） energy intensity after",
                "(能耗 + E_p) / (G + V)",
                i.energy_intensity_after,
                "tce/万元",
            ),
            _row("能耗强度变化 change", "后 / 前 − 1", i.energy_intensity_change, ""),
        ]
    if i.barometer_before is not None and i.barometer_after is not None:
        rows += [
            _row(
                "晴雨表（项目前） barometer before",
                "碳排放强度（项目前）按晴雨表规则分级",
                label("barometer", i.barometer_before),
                "",
            ),
            _row(
                "晴雨表（项目后） barometer after",
                "碳排放强度（项目后）按晴雨表规则分级",
                label("barometer", i.barometer_after),
                "",
            ),
        ]
    return Sheet(
        "impact",
        SHEET_TITLES["impact"],
        ("指标 quantity", "公式 formula", "数值 value", "单位 unit"),
        tuple(rows),
        "C、G：城市年二氧化碳排放量和地区生产总值（不变价，万元）；"
        "方法为设计建议（docs/projects.md § 6）。",
    )


def _decision(decision: Decision) -> Sheet:
    committed = decision.committed_tco2
    rows = (
        _row("审查决定 outcome", label("outcome", decision.outcome), ""),
        _row("理由 reasons", decision.reasons, ""),
        _row("条件 conditions", decision.conditions or "无", ""),
        _row("审查人 reviewer", decision.reviewer, ""),
        _row("决定日期 decided at", decision.decided_at, ""),
        _row(
            "计入碳预算台账 committed",
            committed if committed is not None else "不计入",
            "tCO2/a" if committed is not None else "",
        ),
    )
    return Sheet(
        "decision",
        SHEET_TITLES["decision"],
        ("项目 item", "内容 value", "单位 unit"),
        rows,
        "通过后，项目年排放 × 运行时间比例作为承诺量计入所在城市碳预算台账。",
    )


def calculation_sheets(
    assessment: ProjectAssessment,
    *,
    impact: CityImpact | None = None,
    decision: Decision | None = None,
) -> tuple[Sheet, ...]:
    """The tables of the calculation (计算书), in order: summary, inputs, activities, energy,
    rules, benchmark, then impact and decision when given."""
    sheets = [
        _summary(assessment, impact, decision),
        _inputs(assessment),
        _activities(assessment),
        _energy(assessment),
        _rules(assessment),
        _benchmark(assessment),
    ]
    if impact is not None:
        sheets.append(_impact(assessment, impact))
    if decision is not None:
        sheets.append(_decision(decision))
    return tuple(_in_words(sheet) for sheet in sheets)


_FACTOR_ID = re.compile(r"^(fuel|process):\w+$")


def _in_words(sheet: Sheet) -> Sheet:
    """``sheet`` with reference statuses (CONFIRMED …) and factor ids (``fuel:diesel``) in
    Chinese words, as the reviewer reads them (carbonctl.labels)."""

    def word(cell: object) -> object:
        if not isinstance(cell, str):
            return cell
        return labels.factor_label(cell) if _FACTOR_ID.match(cell) else labels.status_text(cell)

    rows = tuple(tuple(word(cell) for cell in row) for row in sheet.rows)
    return replace(sheet, rows=rows)


# --- the workbook ---------------------------------------------------------------------------------

_MAX_WIDTH = 60


def _width(value: object) -> int:
    """Display width of a cell: CJK characters take two columns."""
    if value is None:
        return 0
    text = f"{value:,.2f}" if isinstance(value, float) else str(value)
    return sum(2 if ord(c) > 0x2E80 else 1 for c in text)


def _write_sheet(book: Workbook, sheet: Sheet) -> None:
    ws = book.create_sheet(sheet.title)
    ws.append([safe_cell(h) for h in sheet.header])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for row in sheet.rows:
        ws.append([safe_cell(v) for v in row])
    for cells in ws.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, float) and abs(cell.value) >= 1000:
                cell.number_format = "#,##0.00"
    widths = [max(8, _width(h) + 2) for h in sheet.header]
    for row in sheet.rows:
        for index, value in enumerate(row):
            widths[index] = max(widths[index], _width(value) + 2)
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = min(width, _MAX_WIDTH)
    wrap = Alignment(wrap_text=True, vertical="top")
    for cells in ws.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str) and _width(cell.value) + 2 > _MAX_WIDTH:
                cell.alignment = wrap
    ws.freeze_panes = "A2"
    if sheet.note:
        ws.append([])
        ws.append([safe_cell(sheet.note)])


def write_calculation(
    assessment: ProjectAssessment,
    target: str | Path | BinaryIO,
    *,
    impact: CityImpact | None = None,
    decision: Decision | None = None,
) -> None:
    """Write the calculation workbook (计算书, .xlsx): one worksheet per :class:`Sheet` of
    :func:`calculation_sheets`, bold header, numbers as numbers, every text cell formula-safe
    (:func:`carbonctl.io.cells.safe_cell`). A path that cannot be written is an
    :class:`InputError` naming it."""
    book = Workbook()
    book.remove(book.active)
    for sheet in calculation_sheets(assessment, impact=impact, decision=decision):
        _write_sheet(book, sheet)
    try:
        book.save(target)
    except OSError as exc:
        where = str(target) if isinstance(target, str | Path) else "<stream>"
        raise InputError(
            f"cannot write the workbook: {exc.strerror or exc}",
            file=where,
            expected="a writable .xlsx path",
        ) from None
