"""Words for what the warning pages show (预警页面用语): kinds of rule, rule parameters, the
barometer's findings, a warning's details and the status of a rule's source — so that no
internal key (``barometer``, ``red_gap_share``, ``behind_far``) reaches a page or an export.
A key without a label here is shown as it is (a rule kind added later still shows)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from carbonctl import refdata

#: Kind of rule -> its name (预警规则类型).
KINDS = {
    "barometer": _("碳排放晴雨表"),
    "budget_overuse": _("预算超进度使用"),
    "budget_exhaustion": _("预算年内耗尽预测"),
    "fast_growth": _("排放快速增长"),
    "enterprise_benchmark": _("企业能效低于基准水平"),
    "late_data": _("数据未按期报送"),
    "red_region_event": _("红色地区业务事件"),
    "project_overrun": _("项目实际排放超出审查批复"),
}

#: Cells of a rule record -> their name on the form (the key itself is shown beside it, as
#: the templates refer to fields by key).
CELLS = {
    "rule_id": _("规则编号"),
    "kind": _("规则类型"),
    "name_zh": _("规则名称"),
    "name_en": _("英文名称"),
    "indicator": _("指标代码"),
    "indicator_zh": _("指标名称"),
    "red_on_rise": _("强度上升即红色（1 是，0 否）"),
    "red_gap_share": _("红色差距比例（占进度要求的份额，0.1 即 10％）"),
    "red_excess": _("红色超出比例（0.1 即 10％）"),
    "yellow_excess": _("黄色超出比例（0.1 即 10％）"),
    "alpha": _("趋势检验显著性水平"),
    "window": _("趋势检验窗口（月）"),
    "min_months": _("最少月数"),
    "threshold": _("增速阈值（0.1 即 10％）"),
    "red_threshold": _("红色增速阈值（0.1 即 10％）"),
    "yellow_on_upper": _("上限超出即黄色（1 是，0 否）"),
    "yellow_margin": _("黄色裕度（0.05 即 5％）"),
    "red_after_days": _("逾期天数达到即红色"),
    "yellow_on_yellow": _("黄色地区也预警（1 是，0 否）"),
    "explanation_rose": _("说明模板：强度上升"),
    "explanation_behind_far": _("说明模板：进度差距过大"),
    "explanation_behind": _("说明模板：进度滞后"),
    "explanation_on_track": _("说明模板：达到进度"),
    "explanation_over_red": _("说明模板：超出红色阈值"),
    "explanation_over_yellow": _("说明模板：超出黄色阈值"),
    "explanation_over": _("说明模板：预测超出预算"),
    "explanation_upper": _("说明模板：区间上限超出预算"),
    "explanation_fast": _("说明模板：增长过快"),
    "explanation_fast_sustained": _("说明模板：持续快速增长"),
    "explanation_above_baseline": _("说明模板：劣于基准水平"),
    "explanation_near_baseline": _("说明模板：接近基准水平"),
    "explanation_overdue": _("说明模板：逾期未报"),
    "explanation_overdue_long": _("说明模板：长期逾期"),
    "explanation_in_red": _("说明模板：红色地区"),
    "explanation_in_yellow": _("说明模板：黄色地区"),
    "measure_red": _("建议措施：红色预警"),
    "measure_yellow": _("建议措施：黄色预警"),
    "measure_green": _("建议措施：绿色"),
    "status": _("依据状态"),
    "source": _("来源"),
    "note": _("备注"),
}

#: Findings of the barometer (what decided a level).
FINDINGS = {
    "rose": _("强度同比上升"),
    "behind_far": _("进度差距超过红色阈值"),
    "behind": _("进度滞后"),
    "on_track": _("达到进度要求"),
    "over_red": _("超出红色阈值"),
    "over_yellow": _("超出黄色阈值"),
    "over": _("预测超出预算"),
    "upper": _("区间上限超出预算"),
    "fast": _("增长过快"),
    "fast_sustained": _("持续快速增长"),
    "above_baseline": _("劣于基准水平"),
    "near_baseline": _("接近基准水平"),
    "overdue": _("逾期未报"),
    "overdue_long": _("长期逾期"),
    "in_red": _("位于红色地区"),
    "in_yellow": _("位于黄色地区"),
}

#: Keys of a warning's details -> (label, unit of the value: "%" for a fraction, "" as is).
DETAILS = {
    "gap": (_("进度差距"), "%"),
    "gap_limit": (_("红色差距阈值"), "%"),
    "rise": (_("强度同比变化"), "%"),
    "findings": (_("判定依据"), ""),
    "region": (_("所属地区"), ""),
    "subject_name": (_("对象名称"), ""),
    "sector": (_("行业"), ""),
    "share": (_("应达进度份额"), "%"),
    "month": (_("月份"), ""),
    "months": (_("月数"), ""),
    "as_of": (_("判定日期"), ""),
    "deadline": (_("截止日期"), ""),
    "days_overdue": (_("逾期天数"), ""),
    "excess": (_("超出比例"), "%"),
    "exhaustion_date": (_("预计耗尽日期"), ""),
    "forecast_lo": (_("年末预测下限（万吨）"), "10^4 t"),
    "forecast_hi": (_("年末预测上限（万吨）"), "10^4 t"),
    "growth": (_("同比增速"), "%"),
    "output_growth": (_("产出增速"), "%"),
    "window_growth": (_("窗口期增速"), "%"),
    "window_mean": (_("窗口期平均增速"), "%"),
    "p_value": (_("趋势检验 p 值"), ""),
    "product": (_("产品"), ""),
    "specific_energy": (_("单位产品能耗"), ""),
    "specific_energy_given": (_("报送的单位产品能耗"), ""),
    "unit": (_("单位"), ""),
    "unit_given": (_("报送单位"), ""),
    "baseline": (_("基准水平"), ""),
    "benchmark": (_("标杆水平"), ""),
    "benchmark_status": (_("基准依据状态"), ""),
    "enterprise_name": (_("企业名称"), ""),
    "event": (_("业务事件"), ""),
    "region_level": (_("地区晴雨表等级"), ""),
    "region_name": (_("地区名称"), ""),
    "sector_zh": (_("行业名称"), ""),
    "year": (_("年份"), ""),
    "unit_id": (_("机组编号"), ""),
    "shortfall_t": (_("缺口（吨）"), ""),
}

#: Details whose value is a key of a label kind (carbonctl.labels): shown by the key's name.
DETAIL_KINDS = {"region_level": "level", "region": "region"}

#: Leading label of a source status (refdata) -> its words.
SOURCE_STATUS = {
    "CONFIRMED": _("已核实"),
    "SECONDARY": _("单一转录"),
    "UNCONFIRMED": _("未经核实"),
    "DESIGN PROPOSAL": _("设计方案（非来源数据）"),
    "INFERRED": _("推断"),
    "UNLABELLED": _("未标注"),
}


def kind_label(kind: str) -> str:
    return str(KINDS.get(kind, kind))


def cell_label(key: str) -> str:
    return str(CELLS.get(key, key))


def source_status(status: str) -> dict[str, str]:
    """The status of a rule's source: its leading label (DESIGN PROPOSAL …), that label in
    words, and the whole text."""
    label = refdata.status_label(status)
    return {"label": label, "words": str(SOURCE_STATUS.get(label, label)), "text": status}


#: Which cells of a record are texts (shown as text areas); the rest are single lines.
def is_long_text(key: str) -> bool:
    return key.startswith(("explanation_", "measure_")) or key in ("source", "status", "note")


#: Cells that are not numeric parameters (the core's ``_TEXT_COLUMNS``).
TEXT_CELLS = frozenset(
    {"rule_id", "kind", "name_zh", "name_en", "indicator", "indicator_zh", "status", "source"}
    | {"note"}
)


def parameters(record: dict) -> dict[str, str]:
    """The numeric parameters of a rule record (every cell that is not a text, a template or a
    measure), as stored."""
    return {
        k: v
        for k, v in record.items()
        if k not in TEXT_CELLS and not k.startswith(("explanation_", "measure_"))
    }
