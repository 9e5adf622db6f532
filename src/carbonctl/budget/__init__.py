"""Carbon budget ledger (碳排放预算台账): budgets from the plan's intensity path or a cap, an
append-only ledger replayed into budget, actual, committed, pipeline, reserve and headroom, the
year-end forecast and the exhaustion date. Pure; see docs/budget.md."""

from __future__ import annotations

from carbonctl.budget.forecast import (
    MIN_COMPLETE_YEARS,
    MONTHLY_COLUMNS,
    YearEndForecast,
    check_monthly,
    current_year,
    exhaustion_date,
    forecast_year_end,
)
from carbonctl.budget.ledger import (
    ADJUSTABLE,
    COMPONENTS,
    ENTRY_COLUMNS,
    AdjustmentReason,
    BudgetState,
    EntryKind,
    Ledger,
    LedgerEntry,
    LedgerEntryError,
    state,
    to_tco2,
)
from carbonctl.budget.plans import DEFAULT_PLAN, FiveYearPlan, find_plan, plan_of_year, plans
from carbonctl.budget.rules import (
    BUDGET_PATH_COLUMNS,
    AbsoluteCap,
    IntensityPath,
    annual_budget,
    budget_path,
    plan_budget,
    project_gdp,
)
from carbonctl.budget.show import BUDGET_SHOW_FIELDS, BudgetShow, budget_show, resolve_region

__all__ = [
    "ADJUSTABLE",
    "BUDGET_PATH_COLUMNS",
    "BUDGET_SHOW_FIELDS",
    "COMPONENTS",
    "DEFAULT_PLAN",
    "ENTRY_COLUMNS",
    "MIN_COMPLETE_YEARS",
    "MONTHLY_COLUMNS",
    "AbsoluteCap",
    "AdjustmentReason",
    "BudgetShow",
    "BudgetState",
    "EntryKind",
    "FiveYearPlan",
    "IntensityPath",
    "Ledger",
    "LedgerEntry",
    "LedgerEntryError",
    "YearEndForecast",
    "annual_budget",
    "budget_path",
    "budget_show",
    "check_monthly",
    "current_year",
    "exhaustion_date",
    "find_plan",
    "forecast_year_end",
    "plan_budget",
    "plan_of_year",
    "plans",
    "project_gdp",
    "resolve_region",
    "state",
    "to_tco2",
]
