"""The kinds of warning rule the engine knows and the packaged rules (预警规则库): each kind is one
evaluation function and one reference table of rules; adding a rule is adding a row."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from carbonctl import refdata
from carbonctl.errors import RefdataError, UnknownNameError
from carbonctl.warning.barometer import barometer_warnings, check_barometer_rule
from carbonctl.warning.budget import (
    budget_exhaustion_warnings,
    budget_overuse_warnings,
    check_budget_exhaustion_rule,
    check_budget_overuse_rule,
)
from carbonctl.warning.efficiency import (
    check_enterprise_benchmark_rule,
    enterprise_benchmark_warnings,
)
from carbonctl.warning.events import (
    check_late_data_rule,
    check_red_region_event_rule,
    late_data_warnings,
    red_region_event_warnings,
)
from carbonctl.warning.growth import check_fast_growth_rule, fast_growth_warnings
from carbonctl.warning.market import check_ets_shortfall_rule, ets_shortfall_warnings
from carbonctl.warning.metrology import (
    calibration_overdue_warnings,
    check_calibration_overdue_rule,
)
from carbonctl.warning.model import EarlyWarning, Level, Rule
from carbonctl.warning.projects import check_project_overrun_rule, project_overrun_warnings

__all__ = [
    "KINDS",
    "RuleKind",
    "evaluate",
    "find_rule",
    "load_rules",
    "rule_from_record",
]


@dataclass(frozen=True)
class RuleKind:
    """A kind of rule: the function that evaluates a rule of it over a table, the check of a
    rule's parameters and templates, and the reference table holding the packaged rules."""

    name: str
    evaluate: Callable[[Rule, Any], list[EarlyWarning]]
    check: Callable[[Rule], None]
    table: str


#: Kind name -> its evaluation. The table each kind takes is its ``*_COLUMNS`` (a contract with
#: the platform, see docs/warnings.md).
KINDS: dict[str, RuleKind] = {
    kind.name: kind
    for kind in (
        RuleKind("barometer", barometer_warnings, check_barometer_rule, "warning_rules_barometer"),
        RuleKind(
            "budget_overuse",
            budget_overuse_warnings,
            check_budget_overuse_rule,
            "warning_rules_budget_overuse",
        ),
        RuleKind(
            "budget_exhaustion",
            budget_exhaustion_warnings,
            check_budget_exhaustion_rule,
            "warning_rules_budget_exhaustion",
        ),
        RuleKind(
            "fast_growth", fast_growth_warnings, check_fast_growth_rule, "warning_rules_fast_growth"
        ),
        RuleKind(
            "enterprise_benchmark",
            enterprise_benchmark_warnings,
            check_enterprise_benchmark_rule,
            "warning_rules_enterprise_benchmark",
        ),
        RuleKind("late_data", late_data_warnings, check_late_data_rule, "warning_rules_late_data"),
        RuleKind(
            "red_region_event",
            red_region_event_warnings,
            check_red_region_event_rule,
            "warning_rules_red_region_event",
        ),
        RuleKind(
            "ets_shortfall",
            ets_shortfall_warnings,
            check_ets_shortfall_rule,
            "warning_rules_ets_shortfall",
        ),
        RuleKind(
            "project_overrun",
            project_overrun_warnings,
            check_project_overrun_rule,
            "warning_rules_project_overrun",
        ),
        RuleKind(
            "calibration_overdue",
            calibration_overdue_warnings,
            check_calibration_overdue_rule,
            "warning_rules_calibration_overdue",
        ),
    )
}

#: Columns every rule table has; ``explanation_<finding>`` and ``measure_<level>`` columns hold
#: the texts, every other column is a numeric parameter (blank = none).
_TEXT_COLUMNS = (
    "rule_id",
    "kind",
    "name_zh",
    "name_en",
    "indicator",
    "indicator_zh",
    "status",
    "source",
    "note",
)


def _parameter(text: str, rule_id: str, name: str) -> float | None:
    if not str(text).strip():
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise RefdataError(f"warning rule {rule_id!r}: parameter {name} {text!r} is not a number")
    return value


def rule_from_record(record: Mapping[str, str]) -> Rule:
    """A :class:`Rule` from one row of a rule table (all cells text, as stored), checked by
    its kind. The platform's stored rules use the same layout."""
    rule_id = str(record.get("rule_id", "")).strip()
    if not rule_id:
        raise RefdataError("a warning rule has no rule_id")
    missing = [c for c in _TEXT_COLUMNS if c != "note" and c not in record]
    if missing:
        raise RefdataError(f"warning rule {rule_id!r} has no column {', '.join(missing)}")
    kind = str(record["kind"]).strip()
    if kind not in KINDS:
        raise RefdataError(
            f"warning rule {rule_id!r} is of unknown kind {kind!r}; known: {', '.join(KINDS)}"
        )
    if not str(record["status"]).strip() or not str(record["source"]).strip():
        raise RefdataError(f"warning rule {rule_id!r} needs a source and a status")
    explanations = {
        key.removeprefix("explanation_"): str(text)
        for key, text in record.items()
        if key.startswith("explanation_")
    }
    measures = {}
    for level in Level:
        key = f"measure_{level.value}"
        if key in record:
            measures[level] = str(record[key]).strip()
    parameters = {
        key: _parameter(text, rule_id, key)
        for key, text in record.items()
        if key not in _TEXT_COLUMNS and not key.startswith(("explanation_", "measure_"))
    }
    rule = Rule(
        rule_id=rule_id,
        kind=kind,
        name_zh=str(record["name_zh"]).strip(),
        name_en=str(record["name_en"]).strip(),
        indicator=str(record["indicator"]).strip(),
        indicator_zh=str(record["indicator_zh"]).strip(),
        parameters=parameters,
        explanations=explanations,
        measures=measures,
        source=str(record["source"]).strip(),
        status=str(record["status"]).strip(),
        note=str(record.get("note", "")).strip(),
    )
    KINDS[kind].check(rule)
    return rule


@lru_cache(maxsize=1)
def _packaged() -> tuple[Rule, ...]:
    rules: list[Rule] = []
    for kind in KINDS.values():
        table = refdata.load_table(kind.table)
        for record in table.to_dict("records"):
            rule = rule_from_record(record)
            if rule.kind != kind.name:
                raise RefdataError(
                    f"warning rule {rule.rule_id!r} of kind {rule.kind!r} is in the table of "
                    f"{kind.name!r} rules ({kind.table})"
                )
            rules.append(rule)
    seen: set[str] = set()
    for rule in rules:
        if rule.rule_id in seen:
            raise RefdataError(f"warning rule {rule.rule_id!r} is defined twice")
        seen.add(rule.rule_id)
    return tuple(rules)


def load_rules() -> tuple[Rule, ...]:
    """The packaged warning rules (refdata tables of every kind in :data:`KINDS`), checked."""
    return _packaged()


def find_rule(rule_id: str) -> Rule:
    """The packaged rule ``rule_id``; an unknown id lists the closest ones."""
    rules = {r.rule_id: r for r in load_rules()}
    try:
        return rules[rule_id]
    except KeyError:
        raise UnknownNameError(
            "warning rule", rule_id, refdata.close_matches(rule_id, list(rules))
        ) from None


def evaluate(rule: Rule, data: Any) -> list[EarlyWarning]:
    """The warnings ``rule`` gives on ``data`` (what its kind takes: a table with the columns
    of its ``*_COLUMNS`` — ``BAROMETER_COLUMNS``, ``BUDGET_USE_COLUMNS``, ``GROWTH_COLUMNS`` …,
    see docs/warnings.md). A pure function of both."""
    try:
        kind = KINDS[rule.kind]
    except KeyError:
        raise RefdataError(
            f"warning rule {rule.rule_id!r} is of unknown kind {rule.kind!r}; "
            f"known: {', '.join(KINDS)}"
        ) from None
    return kind.evaluate(rule, data)
