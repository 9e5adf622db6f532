"""The core's flags (English sentences naming what a result rests on) as kinds with a translated
sentence each, so a Chinese page shows Chinese and an English page English.

A flag is stored as ``{"kind": …, "text": the core's sentence}``: the kind is decided once, when
the result is stored (:func:`kind_of`), and the page shows :data:`SENTENCES` of the kind; the
core's sentence stays in the row (and the audit log) as the record of what was flagged."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

#: (kind, a piece of the core's sentence that identifies it), the first match wins: "carried
#: forward" before the rule it carries.
_PATTERNS: tuple[tuple[str, str], ...] = (
    ("carried_forward", "carried forward"),
    ("no_plan", "no power-sector plan"),
    ("user_value", "given by the user"),
    ("corrections_not_used", "not used: the"),
    ("cooling_missing", "cooling not given"),
    ("load_missing", "load factor not given"),
    ("net_sold_missing", "net_sold_t not given"),
    ("stock_ccer", "stock CCER"),
    ("benchmark", "benchmark 20"),
    ("pre_allocation_share", "pre-allocation"),
    ("correction_assumed", "correction factor product"),
    ("gap_cap", "gap cap"),
    ("correction_recalled", "heat-supply correction"),  # "…for gas units" is not the gas cap
    ("gas_cap", "surrender obligation capped"),
    ("correction_recalled", "correction"),
    ("correction_recalled", "F>=0.85"),
)

SENTENCES = {
    "carried_forward": _("沿用以往年度的规则，本年度未经确认"),
    "no_plan": _("参考数据中没有该年度的分配方案：按最新方案以发电量计算，未经确认"),
    "user_value": _("采用了用户提供的基准值或修正系数"),
    "corrections_not_used": _("冷却方式、供热比和负荷率未使用：该年度的修正系数不在参考数据中"),
    "cooling_missing": _("未给出冷却方式：不作冷却修正"),
    "load_missing": _("未给出负荷率：不作负荷修正"),
    "net_sold_missing": _("未给出净卖出配额：可结转量按净卖出 0 计算"),
    "stock_ccer": _("存量 CCER（项目始于 2017 年前）不可用于本年度清缴"),
    "benchmark": _("基准值未最终确认（草案或二手来源）"),
    "pre_allocation_share": _("预分配比例 70% 为沿用的假设，未经确认"),
    "correction_assumed": _("修正系数按 1.0 假设，未经确认"),
    "gap_cap": _("履约缺口上限（核查排放量的 20%）的延续未经确认"),
    "gas_cap": _("燃气机组清缴量以免费配额为限，未经确认"),
    "correction_recalled": _("修正系数为回忆值，未经确认"),
    "other": _("所用参考值未经确认"),
}


def kind_of(text: str) -> str:
    """The kind of a core flag sentence (``other`` when none matches)."""
    for kind, piece in _PATTERNS:
        if piece in text:
            return kind
    return "other"


def stored(flags) -> list[dict]:
    """The core's flags as stored rows (kind and the core's sentence)."""
    return [{"kind": kind_of(text), "text": text} for text in flags]


def shown(rows) -> list[str]:
    """The translated sentences of stored flags (each kind once), in the active language."""
    kinds = list(dict.fromkeys(row.get("kind", "other") for row in rows or ()))
    return [str(SENTENCES.get(kind, SENTENCES["other"])) for kind in kinds]
