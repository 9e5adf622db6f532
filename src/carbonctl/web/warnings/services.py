"""The platform's early warning (预警): stored, versioned rules; the tables each kind of rule
reads, built from the platform's data; the monthly evaluation (``carbonctl warn --year Y
[--month M] [--publish]``) and workflow events raising warnings through the same engine; the
warnings' lifecycle (open → acknowledged → resolved); notifications in the platform and by
e-mail; and who sees which warning.

Evaluation is the core's (:func:`carbonctl.warning.evaluate`, a pure function of rule and
table); this module only gathers the tables and stores what comes out.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone

from carbonctl import budget as budget_core
from carbonctl import refdata
from carbonctl import warning as core
from carbonctl.errors import InputError, RefdataError
from carbonctl.web.accounts.models import Role
from carbonctl.web.accounts.permissions import role_of
from carbonctl.web.accounts.scope import scope_of
from carbonctl.web.audit.models import AuditEntry
from carbonctl.web.audit.services import record, snapshot
from carbonctl.web.inventories.models import MacroFigure, RegionTotal
from carbonctl.web.inventories.services import current_dataset
from carbonctl.web.market.services import ets_shortfall_table
from carbonctl.web.metrology.services import calibration_table
from carbonctl.web.regions.models import Region
from carbonctl.web.warnings.models import (
    Notification,
    ReportingObligation,
    Run,
    Warning,
    WarningRule,
)

# --- rules ----------------------------------------------------------------------------------


def _cells(record: dict) -> dict[str, str]:
    """A rule record as the text cells the core reads (blank for None)."""
    return {str(k): "" if v is None else str(v) for k, v in record.items()}


def ensure_rules(user=None) -> int:
    """Store version 1 of every packaged rule the platform does not have yet (a rule the
    administrator edited keeps its versions); returns how many were added."""
    have = set(WarningRule.objects.values_list("rule_id", flat=True))
    added = 0
    for kind in core.KINDS.values():
        for row in refdata.load_table(kind.table).to_dict("records"):
            cells = _cells(row)
            if cells["rule_id"] in have:
                continue
            rule = core.rule_from_record(cells)
            made = WarningRule.objects.create(
                rule_id=rule.rule_id,
                version=1,
                kind=rule.kind,
                name_zh=rule.name_zh,
                record=cells,
                status=rule.status,
                source=rule.source,
                change_note="随软件发布的规则 (packaged rule)",
                created_by=user,
            )
            record(user, AuditEntry.Action.CREATE, made, after=snapshot(made))
            added += 1
    return added


def save_rule_version(user, record_cells: dict, *, active: bool = True, note: str = ""):
    """A new version of a rule (or a new rule) from its record, checked by the core first: a
    template using an unknown field or a bad parameter is refused with the core's message."""
    cells = _cells(record_cells)
    rule = core.rule_from_record(cells)  # raises RefdataError naming what is wrong
    with transaction.atomic():
        last = (
            WarningRule.objects.select_for_update()
            .filter(rule_id=rule.rule_id)
            .order_by("-version")
            .first()
        )
        made = WarningRule.objects.create(
            rule_id=rule.rule_id,
            version=(last.version + 1) if last else 1,
            kind=rule.kind,
            name_zh=rule.name_zh,
            record=cells,
            active=active,
            status=rule.status,
            source=rule.source,
            change_note=note,
            created_by=user,
        )
        record(
            user,
            AuditEntry.Action.UPDATE if last else AuditEntry.Action.CREATE,
            made,
            before=snapshot(last) if last else None,
            after=snapshot(made),
            summary=note,
        )
    return made


def current_rules(*, kinds: Iterable[str] | None = None) -> list[tuple[WarningRule, core.Rule]]:
    """The latest version of each stored rule that is active, with the core's rule."""
    latest: dict[str, WarningRule] = {}
    for stored in WarningRule.objects.order_by("rule_id", "-version"):
        latest.setdefault(stored.rule_id, stored)
    out = []
    for stored in latest.values():
        if not stored.active or (kinds is not None and stored.kind not in kinds):
            continue
        out.append((stored, core.rule_from_record(_cells(stored.record))))
    return out


# --- the tables each kind reads ---------------------------------------------------------------


@dataclass
class Context:
    """What one evaluation looks at: the year, the month (None: the whole year), the day
    lateness is judged on, and data read once and shared by the builders."""

    year: int
    month: int | None
    as_of: date
    cache: dict = field(default_factory=dict)

    def monthly(self) -> pd.DataFrame:
        if "monthly" not in self.cache:
            from carbonctl.web.budget.services import monthly_table

            self.cache["monthly"] = monthly_table()
        return self.cache["monthly"]


def _regions() -> dict[str, Region]:
    return {r.adcode: r for r in Region.objects.all()}


def _annual(dataset, years: list[int]) -> tuple[dict, dict]:
    """(tCO2, GDP at constant prices) by (region, year) from the inventory and macro figures."""
    emissions = {
        (r, y): t
        for r, y, t in RegionTotal.objects.filter(dataset=dataset, year__in=years)
        .values_list("region_id", "year")
        .annotate(t=Sum("tco2"))
        .order_by()
    }
    gdp = {
        (r, y): g
        for r, y, g in MacroFigure.objects.filter(
            dataset=dataset, year__in=years, gdp_constant__isnull=False
        ).values_list("region_id", "year", "gdp_constant")
    }
    return emissions, gdp


def _target(region: str, plan: budget_core.FiveYearPlan) -> float:
    from carbonctl.web.budget.services import _target_of

    return _target_of(region, plan)[0]


def barometer_table(context: Context) -> pd.DataFrame:
    """Province, cities and counties graded on CO2 intensity (the carbon barometer's table).

    A year with an inventory uses it; the year in progress (monthly data only) is graded on the
    year-to-date change chained to the last full year, as the 2021 barometer graded the first
    half: I_t = I_{t−1} × (CO2 to date / CO2 of the same months a year before) ÷ (GDP_t ÷
    GDP_{t−1}); a region without the year's GDP or monthly data is not graded."""
    dataset = current_dataset()
    year = context.year
    try:
        plan = budget_core.plan_of_year(year)
    except InputError:
        return pd.DataFrame(columns=core.BAROMETER_COLUMNS)
    if dataset is None:
        return pd.DataFrame(columns=core.BAROMETER_COLUMNS)
    emissions, gdp = _annual(dataset, [plan.base_year, year - 1, year])

    def intensity(region: str, y: int) -> float | None:
        e, g = emissions.get((region, y)), gdp.get((region, y))
        return e / g if e and g else None

    monthly = context.monthly()
    ytd_growth: dict[str, float] = {}
    if not any(y == year for _, y in emissions):
        rows = monthly[monthly["year"].isin([year - 1, year])]
        last = rows.loc[rows["year"] == year, "month"].max()
        if context.month is not None and not pd.isna(last):
            last = min(int(last), context.month)
        if not pd.isna(last):
            upto = rows[rows["month"] <= last]
            sums = upto.groupby(["region", "year"])["tco2"].sum().unstack()
            if year in sums and year - 1 in sums:
                ytd_growth = (sums[year] / sums[year - 1]).dropna().to_dict()
    out = []
    for region in sorted({r for r, _ in emissions} | set(ytd_growth)):
        base = intensity(region, plan.base_year)
        previous = intensity(region, year - 1)
        current = intensity(region, year)
        if current is None and region in ytd_growth and previous is not None:
            g_now, g_before = gdp.get((region, year)), gdp.get((region, year - 1))
            if g_now and g_before:
                current = previous * ytd_growth[region] / (g_now / g_before)
        if None in (base, previous, current):
            continue
        out.append(
            {
                "region": region,
                "year": year,
                "base_year": plan.base_year,
                "target": _target(region, plan),
                "intensity_base": base,
                "intensity_previous": previous,
                "intensity": current,
            }
        )
    return pd.DataFrame(out, columns=core.BAROMETER_COLUMNS)


def _budget_records(context: Context) -> list[tuple[dict, budget_core.BudgetState]]:
    if "budgets" in context.cache:
        return context.cache["budgets"]
    from carbonctl.web.budget import services as budgets
    from carbonctl.web.budget.models import LedgerEntry

    codes = set(
        LedgerEntry.objects.filter(year=context.year, kind="budget").values_list(
            "region_id", flat=True
        )
    )
    entries = budgets.ledger(codes)
    monthly = context.monthly()
    out = []
    for code in sorted(codes):
        shown = budgets.show(code, context.year, monthly=monthly, entries=entries)
        position = budget_core.state(entries, code, context.year)
        out.append((shown, position))
    context.cache["budgets"] = out
    return out


def _data_month(context: Context, region: str) -> int | None:
    monthly = context.monthly()
    rows = monthly[(monthly["region"] == region) & (monthly["year"] == context.year)]
    if rows.empty:
        return None
    last = int(rows["month"].max())
    return last if context.month is None else min(last, context.month)


def budget_use_table(context: Context) -> pd.DataFrame:
    """Budget use against the pro-rated budget: emissions to date over budget × the share of
    the year usually reached by then (the last complete year's months, else month/12)."""
    from carbonctl.web.budget.services import pro_rata_share

    monthly = context.monthly()
    out = []
    for shown, position in _budget_records(context):
        if not position.budget_set or position.budget <= 0:
            continue
        region = shown["region"]
        month = _data_month(context, region)
        if month is None:
            continue
        rows = monthly[
            (monthly["region"] == region)
            & (monthly["year"] == context.year)
            & (monthly["month"] <= month)
        ]
        share = 1.0 if month == 12 else pro_rata_share(monthly, region, context.year, month)
        out.append(
            {
                "region": region,
                "year": context.year,
                "month": month,
                "budget_tco2": position.budget,
                "actual_tco2": float(rows["tco2"].sum()),
                "share": share,
            }
        )
    return pd.DataFrame(out)


def budget_forecast_table(context: Context) -> pd.DataFrame:
    """The year-end forecast against what actual emissions may use (budget − committed −
    reserve), for regions with a budget and a forecast, in a year still in progress (a year
    whose twelve months are in is judged by its use of the budget, not by a forecast)."""
    out = []
    for shown, position in _budget_records(context):
        if not position.budget_set or shown["forecast_tco2"] is None:
            continue
        month = _data_month(context, shown["region"])
        if month is None or month == 12:
            continue
        out.append(
            {
                "region": shown["region"],
                "year": context.year,
                "month": month,
                "limit_tco2": position.actual_limit,
                "forecast_tco2": shown["forecast_tco2"],
                "forecast_lo": shown["forecast_lo"],
                "forecast_hi": shown["forecast_hi"],
                "exhaustion_date": shown["exhaustion_date"] or "",
            }
        )
    return pd.DataFrame(out)


def growth_table(context: Context) -> pd.DataFrame:
    """Year-on-year CO2 growth by region × sector × month from the city bulletins' signals
    (:meth:`carbonctl.electricity.bulletin.Bulletin.signals`), months of the year to date;
    output growth is not stored by the platform (blank: the rule then tests emissions alone)."""
    from carbonctl.web.electricity.models import Bulletin
    from carbonctl.web.electricity.services import bulletin_of

    months = [f"{context.year}-{m:02d}" for m in range(1, (context.month or 12) + 1)]
    rows = {}
    for record_ in Bulletin.objects.filter(month__in=months).order_by("assessment_id"):
        for signal in bulletin_of(record_).signals():
            if signal["indicator"] != "co2_yoy_month":
                continue
            value = signal["value"]
            if value is None or not math.isfinite(value):
                continue
            rows[(signal["region"], signal["sector"], signal["month"])] = value
    return pd.DataFrame(
        [
            {"region": r, "sector": s, "month": m, "growth": v, "output_growth": None}
            for (r, s, m), v in sorted(rows.items())
        ],
        columns=list(core.GROWTH_COLUMNS),
    )


def enterprise_energy_table(context: Context) -> pd.DataFrame:
    """Specific energy use of enterprises' products in the evaluated year (else the year
    before: annual figures arrive the year after)."""
    from carbonctl.web.enterprises.models import ProductEnergy

    rows = ProductEnergy.objects.filter(year=context.year)
    if not rows.exists():
        rows = ProductEnergy.objects.filter(year=context.year - 1)
    return pd.DataFrame(
        [
            {
                "enterprise": r.enterprise.credit_code,
                "enterprise_name": r.enterprise.name_zh,
                "region": r.enterprise.county_id,
                "year": r.year,
                "product": r.product,
                "specific_energy": r.specific_energy,
                "unit": r.unit,
            }
            for r in rows.select_related("enterprise")
        ],
        columns=list(core.ENTERPRISE_ENERGY_COLUMNS),
    )


def reporting_table(context: Context) -> pd.DataFrame:
    """Reports owed in the evaluated year (through the month) with their deadlines, judged on
    ``as_of``."""
    last = context.month or 12
    periods = [f"{context.year}-{m:02d}" for m in range(1, last + 1)] + [str(context.year - 1)]
    rows = ReportingObligation.objects.filter(period__in=periods).select_related(
        "region", "enterprise"
    )
    out = []
    for r in rows:
        enterprise = r.enterprise
        out.append(
            {
                "subject": enterprise.credit_code if enterprise else r.region_id,
                "subject_name": (enterprise.name_zh if enterprise else r.region.name_zh)
                + f"（{r.report}）",
                "region": r.region_id,
                "period": r.period,
                "deadline": r.deadline.isoformat(),
                "received": r.received_at.isoformat() if r.received_at else "",
                "as_of": context.as_of.isoformat(),
            }
        )
    return pd.DataFrame(
        out,
        columns=list(core.REPORTING_COLUMNS),
    )


#: Kind -> the builder of its table from the platform's data. Kinds raised by workflow events
#: (``red_region_event``) have none: :func:`raise_event` gives their table.
TABLES: dict[str, Callable[[Context], pd.DataFrame]] = {
    "barometer": barometer_table,
    "budget_overuse": budget_use_table,
    "budget_exhaustion": budget_forecast_table,
    "fast_growth": growth_table,
    "enterprise_benchmark": enterprise_energy_table,
    "late_data": reporting_table,
    "ets_shortfall": ets_shortfall_table,
    "calibration_overdue": calibration_table,
}


# --- evaluation -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    """One warning found by a run, with the stored rule version that found it."""

    stored: WarningRule
    warning: core.EarlyWarning

    @property
    def region(self) -> str:
        return str(self.warning.details.get("region") or self.warning.subject)

    def as_dict(self) -> dict:
        return {**self.warning.as_dict(), "measure": self.warning.measure, "region": self.region}


def _as_of(year: int, month: int | None) -> date:
    """The day lateness is judged on: today, but never after the end of the month following
    the evaluated period (a rerun of an old month judges it as the monthly run did)."""
    last = month or 12
    y, m = (year, last + 1) if last < 12 else (year + 1, 1)
    end = date(y, m, calendar.monthrange(y, m)[1])
    return min(timezone.localdate(), end)


def evaluate(year: int, month: int | None = None, *, as_of: date | None = None) -> list[Found]:
    """Every active rule with a platform table over ``year`` (to ``month``). Nothing stored."""
    if month is not None and not 1 <= month <= 12:
        raise InputError(f"month {month!r}", column="month", expected="1 to 12")
    ensure_rules()
    context = Context(year, month, as_of or _as_of(year, month))
    found = []
    for stored, rule in current_rules(kinds=TABLES):
        table = TABLES[rule.kind](context)
        if table.empty:
            continue
        found += [Found(stored, w) for w in core.evaluate(rule, table)]
    return found


def _subject_kind(rule_kind: str, warning: core.EarlyWarning) -> str:
    if (
        rule_kind in ("enterprise_benchmark", "calibration_overdue")
        or warning.details.get("subject_kind") == "enterprise"
    ):
        return Warning.SubjectKind.ENTERPRISE
    if rule_kind == "fast_growth" and warning.details.get("sector", "ALL") != "ALL":
        return Warning.SubjectKind.SECTOR
    if rule_kind in ("red_region_event", "project_overrun"):
        return Warning.SubjectKind.PROJECT
    if rule_kind == "late_data" and not str(warning.subject).isdigit():
        return Warning.SubjectKind.ENTERPRISE
    return Warning.SubjectKind.REGION


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "item"):
        return _jsonable(value.item())
    return value


def _store(found: list[Found], run: Run, regions: dict[str, Region]) -> tuple[list[Warning], int]:
    """Write the run's warnings: a warning already raised for the same rule, subject, sector
    and period is updated (reopened if its level got worse) instead of repeated; returns the
    warnings to notify about (new or worse) and how many were updated."""
    from carbonctl.web.enterprises.models import Enterprise

    notify, updated = [], 0
    credit = dict(Enterprise.objects.values_list("credit_code", "pk"))
    for item in found:
        w = item.warning
        region = regions.get(item.region)
        if region is None:
            continue
        sector = str(w.details.get("sector", "") or "")
        key = {"rule_id_text": w.rule, "subject": w.subject, "period": w.period, "sector": sector}
        existing = Warning.objects.filter(**key).first()
        green = w.level is core.Level.GREEN
        fields = {
            "rule": item.stored,
            "run": run,
            "level": w.level.value,
            "value": float(w.value) if math.isfinite(w.value) else 0.0,
            "threshold": float(w.threshold) if math.isfinite(w.threshold) else 0.0,
            "message": w.message,
            "measure": w.measure,
            "details": _jsonable(dict(w.details)),
        }
        if existing is None:
            made = Warning.objects.create(
                **key,
                **fields,
                subject_name=str(w.details.get("subject_name") or _name(w.subject, regions)),
                subject_kind=_subject_kind(item.stored.kind, w),
                enterprise_id=credit.get(w.subject),
                region=region,
                status=Warning.Status.RESOLVED if green else Warning.Status.OPEN,
                note="达到进度要求，无需处置" if green else "",
            )
            record(None, AuditEntry.Action.CREATE, made, after=snapshot(made), summary="warning")
            if not green:
                notify.append(made)
            continue
        before = snapshot(existing)
        worse = core.Level(w.level).severity > core.Level(existing.level).severity
        for name, value in fields.items():
            setattr(existing, name, value)
        if worse and existing.status != Warning.Status.OPEN:
            existing.status = Warning.Status.OPEN
            existing.note = (existing.note + "\n" if existing.note else "") + "等级上升，重新打开"
        elif green and existing.status != Warning.Status.RESOLVED:
            existing.status, existing.resolved_at = Warning.Status.RESOLVED, timezone.now()
            existing.note = (
                existing.note + "\n" if existing.note else ""
            ) + "复核达到要求，自动解除"
        existing.save()
        record(None, AuditEntry.Action.UPDATE, existing, before=before, after=snapshot(existing))
        updated += 1
        if worse:
            notify.append(existing)
    return notify, updated


def _name(subject: str, regions: dict[str, Region]) -> str:
    region = regions.get(str(subject))
    return region.name_zh if region else str(subject)


def _close_stale(run: Run, found: list[Found], rule_ids: set[str], periods: set[str]) -> int:
    """Resolve open warnings of the evaluated rules and periods that the run no longer raised."""
    raised = {(f.warning.rule, f.warning.subject, f.warning.period) for f in found}
    stale = 0
    open_ = Warning.objects.filter(rule_id_text__in=rule_ids, period__in=periods).exclude(
        status=Warning.Status.RESOLVED
    )
    for w in open_:
        if (w.rule_id_text, w.subject, w.period) in raised:
            continue
        before = snapshot(w)
        w.status, w.resolved_at, w.run = Warning.Status.RESOLVED, timezone.now(), run
        w.note = (w.note + "\n" if w.note else "") + "复核评估未再触发，自动解除"
        w.save()
        record(None, AuditEntry.Action.UPDATE, w, before=before, after=snapshot(w))
        stale += 1
    return stale


def publish(
    found: list[Found],
    *,
    year: int,
    month: int | None,
    user=None,
    trigger: str = Run.Trigger.PERIODIC,
) -> Run:
    """Store a run's warnings, resolve those it no longer raises, and notify (in one
    transaction; e-mail after it commits)."""
    regions = _regions()
    with transaction.atomic():
        run = Run.objects.create(
            trigger=trigger, year=year, month=month, published=True, started_by=user
        )
        notify, updated = _store(found, run, regions)
        stale = 0
        if trigger == Run.Trigger.PERIODIC:
            periods = {f.warning.period for f in found}
            stale = _close_stale(run, found, {f.warning.rule for f in found}, periods)
        levels = pd.Series([f.warning.level.value for f in found], dtype=object).value_counts()
        run.counts = {
            **{k: int(v) for k, v in levels.items()},
            "new_or_worse": len(notify),
            "updated": updated,
            "resolved": stale,
        }
        run.save()
        notes = _notifications(notify)
    transaction.on_commit(lambda: _email(notes))
    return run


# --- workflow events ------------------------------------------------------------------------


def latest_barometer_level(region: str) -> str:
    """The latest published barometer level of ``region`` or, for a county without one, of its
    city; "" when none was published."""
    codes = [region]
    parent = Region.objects.filter(adcode=region).values_list("parent_id", flat=True).first()
    if parent:
        codes.append(parent)
    barometers = _map_barometers()
    for code in codes:
        found = (
            Warning.objects.filter(rule_id_text__in=barometers, subject=code)
            .order_by("-period", "-updated_at")
            .first()
        )
        if found is not None:
            return found.level
    return ""


def raise_event(
    *, event: str, subject: str, subject_name: str, region: str, period: str, user=None
) -> list[Warning]:
    """A workflow event (a project's energy review filed, a filing in a city …) evaluated at
    once by the event rules (kind ``red_region_event``) against the region's latest barometer
    level; the warnings are stored and notified now."""
    found_region = Region.objects.get(adcode=region)
    table = pd.DataFrame(
        [
            {
                "subject": subject,
                "subject_name": subject_name,
                "region": region,
                "region_name": found_region.name_zh,
                "event": event,
                "period": period,
                "region_level": latest_barometer_level(region),
            }
        ]
    )
    return _raise_now("red_region_event", table, period, user)


def raise_overrun(
    *,
    subject: str,
    subject_name: str,
    region: str,
    period: str,
    approved_tco2: float,
    actual_tco2: float,
    user=None,
) -> list[Warning]:
    """A project's actual annual CO2 against the approved (kind ``project_overrun``), evaluated
    at once when the acceptance check is recorded; the warnings are stored and notified now."""
    table = pd.DataFrame(
        [
            {
                "subject": subject,
                "subject_name": subject_name,
                "region": region,
                "period": period,
                "approved_tco2": approved_tco2,
                "actual_tco2": actual_tco2,
            }
        ]
    )
    return _raise_now("project_overrun", table, period, user)


def _raise_now(kind: str, table: pd.DataFrame, period: str, user) -> list[Warning]:
    """Evaluate the current rules of ``kind`` on ``table`` and publish what they find as an
    event run (no periodic table for such kinds)."""
    ensure_rules()
    found = [
        Found(stored, w)
        for stored, rule in current_rules(kinds={kind})
        for w in core.evaluate(rule, table)
    ]
    if not found:
        return []
    year = int(str(period)[:4]) if str(period)[:4].isdigit() else timezone.localdate().year
    run = publish(found, year=year, month=None, user=user, trigger=Run.Trigger.EVENT)
    return list(run.warnings.all())


# --- lifecycle ------------------------------------------------------------------------------


class LifecycleError(InputError):
    """A lifecycle step that does not follow from the warning's status."""


_NEXT = {
    "acknowledge": (Warning.Status.OPEN,),
    "resolve": (Warning.Status.OPEN, Warning.Status.ACKNOWLEDGED),
    "reopen": (Warning.Status.RESOLVED,),
}


def act(user, warning: Warning, action: str, note: str = "") -> Warning:
    """Acknowledge (确认), resolve (解除) or reopen (重新打开) a warning, audited."""
    if action not in _NEXT:
        raise LifecycleError(
            f"unknown action {action!r}", column="action", expected=", ".join(_NEXT)
        )
    with transaction.atomic():
        locked = Warning.objects.select_for_update().get(pk=warning.pk)
        if locked.status not in _NEXT[action]:
            raise LifecycleError(
                f"a warning that is {locked.get_status_display()} cannot be {action}d",
                column="status",
            )
        before = snapshot(locked)
        now = timezone.now()
        if action == "acknowledge":
            locked.status, locked.acknowledged_by, locked.acknowledged_at = (
                Warning.Status.ACKNOWLEDGED,
                user,
                now,
            )
        elif action == "resolve":
            locked.status, locked.resolved_by, locked.resolved_at = (
                Warning.Status.RESOLVED,
                user,
                now,
            )
        else:
            locked.status, locked.resolved_by, locked.resolved_at = Warning.Status.OPEN, None, None
        if note:
            locked.note = (locked.note + "\n" if locked.note else "") + note
        locked.save()
        record(
            user,
            AuditEntry.Action.UPDATE,
            locked,
            before=before,
            after=snapshot(locked),
            summary=action,
        )
    return locked


# --- scope and notifications -------------------------------------------------------------------


def warnings_for(user) -> QuerySet[Warning]:
    """The warnings ``user`` may see: all for province roles; a city's or county's official
    those of their regions; an enterprise reporter those of their enterprise; none for the
    public."""
    scope = scope_of(user)
    rows = Warning.objects.select_related("region", "rule")
    if scope.everything:
        return rows
    if role_of(user) == Role.ENTERPRISE_REPORTER:
        return rows.filter(enterprise_id__in=scope.enterprise_ids)
    if not scope.region_codes:
        return rows.none()
    return rows.filter(region_id__in=scope.region_codes)


def _audience(warning: Warning, readers) -> list:
    """The users of ``readers`` ((user, role, scope) triples) whose scope holds ``warning``."""
    out = []
    for user, role, scope in readers:
        if scope.everything and role in (Role.PROVINCE_ADMIN, Role.PROVINCE_ANALYST):
            out.append(user)
        elif role == Role.ENTERPRISE_REPORTER:
            if warning.enterprise_id and warning.enterprise_id in scope.enterprise_ids:
                out.append(user)
        elif warning.region_id in scope.region_codes:
            out.append(user)
    return out


def _notifications(warnings: list[Warning]) -> list[Notification]:
    if not warnings:
        return []
    users = get_user_model().objects.filter(is_active=True).select_related("profile")
    # each user's role and scope once per run (a scope is a query), not once per warning
    readers = [(u, role_of(u), scope_of(u)) for u in users if role_of(u) != Role.PUBLIC]
    made = []
    for warning in warnings:
        for user in _audience(warning, readers):
            note, _ = Notification.objects.get_or_create(user=user, warning=warning)
            made.append(note)
    return made


def _email(notes: list[Notification]) -> int:
    """One e-mail per user listing their new warnings (Django's mail framework; the console
    backend in the demo); returns how many were sent."""
    by_user: dict[int, list[Notification]] = {}
    for note in notes:
        if note.user.email and not note.emailed:
            by_user.setdefault(note.user_id, []).append(note)
    sent = 0
    for items in by_user.values():
        user = items[0].user
        lines = [
            f"【{n.warning.get_level_display()}】{n.warning.subject_name} {n.warning.period}："
            f"{n.warning.message}"
            + (f" 建议措施：{n.warning.measure}" if n.warning.measure else "")
            for n in items
        ]
        send_mail(
            f"碳排放预警通知：{len(items)}条新预警",
            "\n\n".join(lines),
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
        )
        Notification.objects.filter(pk__in=[n.pk for n in items]).update(emailed=True)
        sent += 1
    return sent


def unread_for(user) -> QuerySet[Notification]:
    visible = warnings_for(user).values("pk")
    return Notification.objects.filter(user=user, read_at__isnull=True, warning__in=visible)


def _map_barometers() -> list[str]:
    """The barometer rule the map and the event rules read: the packaged carbon barometer when
    it is active (a stricter rule an administrator adds is shown as its own warnings, it does not
    recolour the map), else every active barometer rule."""
    barometers = [s.rule_id for s, _ in current_rules(kinds={"barometer"})]
    return [core.CARBON_BAROMETER] if core.CARBON_BAROMETER in barometers else barometers


def level_of_regions(period: str | None = None) -> dict[str, dict]:
    """The latest barometer grade of each region (for the map): level, value, threshold,
    message, period."""
    rows = Warning.objects.filter(rule_id_text__in=_map_barometers())
    if period:
        rows = rows.filter(period=period)
    out: dict[str, dict] = {}
    for w in rows.order_by("period", "updated_at"):
        out[w.subject] = {
            "level": w.level,
            "value": w.value,
            "threshold": w.threshold,
            "message": w.message,
            "period": w.period,
        }
    return out


def obligations_for(user) -> QuerySet[ReportingObligation]:
    """The reports ``user`` owes or oversees (报送义务), latest deadline first: an enterprise
    reporter's enterprise's, a city's or county's official those of their regions, all for
    province roles; none for the public."""
    scope = scope_of(user)
    rows = ReportingObligation.objects.select_related("region", "enterprise").order_by(
        "-deadline", "id"
    )
    if scope.everything:
        return rows
    if role_of(user) == Role.ENTERPRISE_REPORTER:
        return rows.filter(enterprise_id__in=scope.enterprise_ids)
    return rows.filter(region_id__in=scope.region_codes)


__all__ = [
    "Found",
    "LifecycleError",
    "RefdataError",
    "act",
    "current_rules",
    "ensure_rules",
    "evaluate",
    "level_of_regions",
    "obligations_for",
    "publish",
    "raise_event",
    "raise_overrun",
    "save_rule_version",
    "unread_for",
    "warnings_for",
]
