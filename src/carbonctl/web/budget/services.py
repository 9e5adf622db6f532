"""The platform's carbon budgets (碳排放预算): the stored ledger read into the core's
:class:`~carbonctl.budget.Ledger`, entries written after the core has checked them (audited),
adjustments approved by a second person, the monthly series from the electricity–carbon
estimates, and the budgets and actuals derived from the platform's targets, inventories and GDP.

The rules (identity, replay, budget path, forecast) are the core's: see docs/budget.md.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime

import pandas as pd
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone

from carbonctl import budget as core
from carbonctl.errors import InputError
from carbonctl.web.audit.models import AuditEntry
from carbonctl.web.audit.services import record, snapshot
from carbonctl.web.budget.models import AdjustmentRequest, LedgerEntry
from carbonctl.web.electricity.models import Estimate
from carbonctl.web.inventories.models import MacroFigure, RegionTotal
from carbonctl.web.inventories.services import current_dataset
from carbonctl.web.regions.models import Region

#: The real GDP growth assumed for plan years without a GDP figure (a scenario, not a
#: statistic; the same starting assumption as the allocation workbench).
DEFAULT_GROWTH = 0.05
ALL = "ALL"


class AdjustmentError(InputError):
    """An adjustment the platform refuses (its own author approving it, a decided request)."""


# --- the ledger ------------------------------------------------------------------------------


def _core_entry(row: LedgerEntry, names: dict[int, str]) -> core.LedgerEntry:
    return core.LedgerEntry(
        entry_id=row.pk,
        region=row.region_id,
        plan=row.plan,
        year=row.year,
        kind=row.kind,
        amount_tco2=row.amount_tco2,
        source=row.source,
        author=names.get(row.author_id, str(row.author_id)),
        approver=names.get(row.approver_id, "") if row.approver_id else "",
        time=row.recorded_at,
        reason=row.reason,
        reason_code=row.reason_code or None,
        adjusts=row.adjusts or None,
    )


def ledger(regions: Iterable[str] | None = None) -> core.Ledger:
    """The stored ledger (of ``regions``' adcodes, or all) as the core's value, in recording
    order."""
    rows = LedgerEntry.objects.all()
    if regions is not None:
        rows = rows.filter(region_id__in=list(regions))
    names = dict(get_user_model().objects.values_list("pk", "username"))
    return core.Ledger.from_entries(_core_entry(r, names) for r in rows)


def _checked(
    *,
    region: str,
    year: int | None,
    kind: str,
    amount_tco2: float,
    source: str,
    author,
    plan: str | None = None,
    approver=None,
    reason: str = "",
    reason_code: str | None = None,
    adjusts: str | None = None,
    time: datetime,
) -> core.LedgerEntry:
    """The entry as the core accepts it (raises :class:`~carbonctl.budget.LedgerEntryError`
    naming the field otherwise); the plan defaults to the year's."""
    if plan is None:
        plan = core.DEFAULT_PLAN if year is None else core.plan_of_year(year).plan
    return core.LedgerEntry(
        entry_id=1,
        region=region,
        plan=plan,
        year=year,
        kind=kind,
        amount_tco2=amount_tco2,
        source=source,
        author=author.get_username(),
        approver=approver.get_username() if approver is not None else "",
        time=time,
        reason=reason,
        reason_code=reason_code,
        adjusts=adjusts,
    )


def _row(entry: core.LedgerEntry, user, now: datetime, *, approver=None) -> LedgerEntry:
    """The unsaved row of an entry the core has checked."""
    return LedgerEntry(
        region_id=entry.region,
        plan=entry.plan,
        year=entry.year,
        kind=entry.kind.value,
        amount_tco2=entry.amount_tco2,
        source=entry.source,
        reason=entry.reason,
        reason_code=entry.reason_code.value if entry.reason_code else "",
        adjusts=entry.adjusts.value if entry.adjusts else "",
        author=user,
        approver=approver,
        recorded_at=now,
    )


def append(
    user,
    *,
    region: str,
    year: int | None,
    kind: str,
    amount_tco2: float,
    source: str,
    reason: str = "",
    plan: str | None = None,
    approver=None,
    reason_code: str | None = None,
    adjusts: str | None = None,
    audit: bool = True,
) -> LedgerEntry:
    """Check one entry with the core and write it, with its audit entry, in one transaction."""
    now = timezone.now()
    entry = _checked(
        region=region,
        plan=plan,
        year=year,
        kind=kind,
        amount_tco2=amount_tco2,
        source=source,
        author=user,
        approver=approver,
        reason=reason,
        reason_code=reason_code,
        adjusts=adjusts,
        time=now,
    )
    with transaction.atomic():
        row = _row(entry, user, now, approver=approver)
        row.save()
        if audit:
            record(
                user,
                AuditEntry.Action.CREATE,
                row,
                after=snapshot(row),
                summary=f"ledger {entry.kind.value} {entry.region} {entry.year or entry.plan}",
            )
    return row


def append_many(user, entries: list[dict], *, summary: str) -> int:
    """Write many checked entries (budgets or actuals derived from the data) in one
    transaction with one audit entry listing them; returns how many were written."""
    now = timezone.now()
    checked = [_checked(author=user, time=now, **e) for e in entries]
    with transaction.atomic():
        rows = LedgerEntry.objects.bulk_create([_row(e, user, now) for e in checked])
        if rows:
            record(
                user,
                AuditEntry.Action.CREATE,
                object_type=LedgerEntry._meta.label,
                object_id=f"{len(rows)} entries",
                after={
                    "entries": [
                        {
                            "region": e.region,
                            "year": e.year,
                            "kind": e.kind.value,
                            "amount_tco2": e.amount_tco2,
                            "source": e.source,
                        }
                        for e in checked
                    ]
                },
                summary=summary,
            )
    return len(rows)


# --- projects (固定资产投资项目) ----------------------------------------------------------------

#: What a project's stage puts in the ledger of its region and every region above it: the amount
#: of each component (None: the project's annual CO2 × operating share).
_PROJECT_STAGES = {
    "pipeline": {"pipeline": None},  # under review (在审)
    "committed": {"pipeline": 0.0, "committed": None},  # approved (已批): no longer under review
    "cancelled": {"pipeline": 0.0, "committed": 0.0},  # cancelled or refused (取消)
}


def region_chain(adcode: str) -> list[str]:
    """The region and every region above it: county → city → province."""
    chain, seen = [], set()
    code: str | None = adcode
    while code and code not in seen:
        seen.add(code)
        chain.append(code)
        code = Region.objects.filter(adcode=code).values_list("parent_id", flat=True).first()
    return chain


def record_project(
    user, *, project: str, region: str, year: int, tco2: float, stage: str, reason: str
) -> list[LedgerEntry]:
    """A project's stage in the budget ledgers of its region and of every region above it (a
    county's project uses its city's and the province's budget too): under review it is
    ``pipeline``; approved, its annual CO2 × expected operating share (``tco2``) is
    ``committed`` and its pipeline figure is restated to 0; cancelled, both are restated to 0.
    Entries of one project share the source ``project:<id>``, so each restates the last (the
    ledger's source rule, docs/budget.md § 1); all are written in one transaction, audited."""
    if stage not in _PROJECT_STAGES:
        raise InputError(
            f"project stage {stage!r}", column="stage", expected=", ".join(_PROJECT_STAGES)
        )
    source = f"project:{project}"
    written = []
    with transaction.atomic():
        for code in region_chain(region):
            for kind, amount in _PROJECT_STAGES[stage].items():
                if (
                    amount == 0.0
                    and not LedgerEntry.objects.filter(
                        region_id=code, year=year, kind=kind, source=source
                    ).exists()
                ):
                    continue  # nothing of this kind to restate
                written.append(
                    append(
                        user,
                        region=code,
                        year=year,
                        kind=kind,
                        amount_tco2=tco2 if amount is None else amount,
                        source=source,
                        reason=reason,
                    )
                )
    return written


# --- adjustments (调整) -----------------------------------------------------------------------


def request_adjustment(
    user,
    *,
    region: str,
    year: int | None,
    reason_code: str,
    amount_tco2: float,
    reason: str,
    adjusts: str | None = None,
    plan: str | None = None,
) -> AdjustmentRequest:
    """Propose an adjustment; checked as the core will check the entry (with a placeholder
    approver, who must later be someone else)."""
    entry = _checked(
        region=region,
        plan=plan,
        year=year,
        kind="adjustment",
        amount_tco2=amount_tco2,
        source="",
        author=user,
        reason=reason,
        reason_code=reason_code,
        adjusts=adjusts,
        time=timezone.now(),
        approver=_Placeholder(),
    )
    with transaction.atomic():
        made = AdjustmentRequest.objects.create(
            region_id=entry.region,
            plan=entry.plan,
            year=entry.year,
            reason_code=entry.reason_code.value,
            adjusts=entry.adjusts.value,
            amount_tco2=entry.amount_tco2,
            reason=entry.reason,
            requested_by=user,
        )
        record(user, AuditEntry.Action.CREATE, made, after=snapshot(made), summary="adjustment")
    return made


class _Placeholder:
    """An approver to check a request's other fields before anyone has approved it."""

    @staticmethod
    def get_username() -> str:
        return "\u2063pending approver"


def decide_adjustment(user, request: AdjustmentRequest, *, approve: bool, note: str = ""):
    """Approve (the adjustment enters the ledger, approved by ``user``) or return a request.
    Its author may do neither: an adjustment needs a second person."""
    with transaction.atomic():
        locked = AdjustmentRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != AdjustmentRequest.Status.PENDING:
            raise AdjustmentError(
                f"adjustment request {locked.pk} is already {locked.status}", column="status"
            )
        if locked.requested_by_id == user.pk:
            raise AdjustmentError(
                "an adjustment must be approved by someone other than its author",
                column="approver",
                expected="another user with the right to approve",
            )
        before = snapshot(locked)
        if approve:
            locked.entry = append(
                locked.requested_by,
                region=locked.region_id,
                year=locked.year,
                plan=locked.plan,
                kind="adjustment",
                amount_tco2=locked.amount_tco2,
                source=f"adjustment-request:{locked.pk}",
                reason=locked.reason,
                reason_code=locked.reason_code,
                adjusts=locked.adjusts,
                approver=user,
            )
        locked.status = (
            AdjustmentRequest.Status.APPROVED if approve else AdjustmentRequest.Status.REJECTED
        )
        locked.decided_by, locked.decided_at, locked.decision_note = user, timezone.now(), note
        locked.save()
        record(
            user,
            AuditEntry.Action.APPROVE if approve else AuditEntry.Action.REJECT,
            locked,
            before=before,
            after=snapshot(locked),
        )
    return locked


# --- monthly data and the budget record ------------------------------------------------------


def monthly_table(regions: Iterable[str] | None = None) -> pd.DataFrame:
    """Monthly CO2 of every region (``region, year, month, tco2``) from the electricity–carbon
    estimates (all sectors): for each month the reconciled figure when one exists, else the
    nowcast, from the newest assessment that has it."""
    rows = Estimate.objects.filter(sector=ALL, kind=Estimate.Kind.MONTH)
    if regions is not None:
        rows = rows.filter(region_id__in=list(regions))
    table = pd.DataFrame.from_records(
        rows.values_list("region_id", "month", "basis", "assessment_id", "tco2"),
        columns=["region", "period", "basis", "assessment", "tco2"],
    )
    if table.empty:
        return pd.DataFrame(columns=["region", "year", "month", "tco2"])
    table["rank"] = (table["basis"] == Estimate.Basis.RECONCILED).astype(int)
    table = table.sort_values(["rank", "assessment"]).drop_duplicates(
        ["region", "period"], keep="last"
    )
    table["year"] = table["period"].str[:4].astype(int)
    table["month"] = table["period"].str[5:7].astype(int)
    return (
        table[["region", "year", "month", "tco2"]]
        .sort_values(["region", "year", "month"])
        .reset_index(drop=True)
    )


def current_year(monthly: pd.DataFrame | None = None) -> int | None:
    """The latest year with monthly data (never the wall clock)."""
    monthly = monthly_table() if monthly is None else monthly
    return None if monthly.empty else int(monthly["year"].max())


def latest_month(monthly: pd.DataFrame, year: int) -> int | None:
    rows = monthly[monthly["year"] == year]
    return None if rows.empty else int(rows["month"].max())


def show(
    region: object,
    year: int,
    *,
    as_of: datetime | None = None,
    monthly: pd.DataFrame | None = None,
    entries: core.Ledger | None = None,
) -> core.BudgetShow:
    """The ``budget show`` record of ``region`` (adcode or name) in ``year`` over the platform's
    ledger and monthly data."""
    adcode = core.resolve_region(region)
    entries = ledger([adcode]) if entries is None else entries
    monthly = monthly_table([adcode]) if monthly is None else monthly
    return core.budget_show(entries, monthly, adcode, year, as_of=as_of)


def overview(year: int, regions: Iterable[Region]) -> list[dict]:
    """The budget record of each of ``regions`` (with its name and level) for ``year``; regions
    without a budget entry are left out."""
    regions = list(regions)
    codes = [r.adcode for r in regions]
    with_budget = set(
        LedgerEntry.objects.filter(region_id__in=codes, year=year, kind="budget").values_list(
            "region_id", flat=True
        )
    )
    entries = ledger(with_budget)
    monthly = monthly_table(with_budget)
    out = []
    for region in regions:
        if region.adcode not in with_budget:
            continue
        shown = show(region.adcode, year, monthly=monthly, entries=entries)
        out.append({**shown, "name": region.name, "level": region.level})
    return out


def pro_rata_share(monthly: pd.DataFrame, region: str, year: int, month: int) -> float | None:
    """The share of a year's emissions usually reached by the end of ``month``: months 1..month
    of the latest complete earlier year over its total (the seasonal pro-rated share); None when
    no complete earlier year is in the data."""
    own = monthly[(monthly["region"] == region) & (monthly["year"] < year)]
    counts = own.groupby("year")["month"].count()
    complete = counts.index[counts == 12]
    if len(complete) == 0:
        return None
    last = own[own["year"] == complete.max()]
    total = last["tco2"].sum()
    return float(last.loc[last["month"] <= month, "tco2"].sum() / total) if total > 0 else None


# --- budgets and actuals derived from the platform's data -----------------------------------


def _target_of(region: str, plan: core.FiveYearPlan) -> tuple[float, str]:
    """The region's adopted five-year CO2-intensity reduction for ``plan``, else the plan's
    national target; with where it came from."""
    from carbonctl.web.targets.models import Target

    adopted = Target.objects.filter(
        region_id=region, plan__in=[plan.plan, f"{plan.plan} FYP"], base_year=plan.base_year
    ).first()
    if adopted is not None:
        return adopted.reduction, f"target:{adopted.pk}"
    return plan.co2_intensity_target, f"plan:{plan.plan}"


def derive_budgets(plan: str = core.DEFAULT_PLAN, *, growth: float = DEFAULT_GROWTH) -> list[dict]:
    """The annual budgets of every region with a base-year inventory and GDP, on the intensity
    path (docs/budget.md § 3): E_b/GDP_b × (1 − R)^((t − b)/5) × GDP_t, GDP_t from the data
    where the dataset has it and otherwise projected at ``growth`` from the last known year."""
    chosen = core.find_plan(plan)
    dataset = current_dataset()
    if dataset is None:
        return []
    emissions = dict(
        RegionTotal.objects.filter(dataset=dataset, year=chosen.base_year)
        .values_list("region_id")
        .annotate(t=Sum("tco2"))
        .order_by()
    )
    gdp = pd.DataFrame.from_records(
        MacroFigure.objects.filter(dataset=dataset, gdp_constant__isnull=False).values_list(
            "region_id", "year", "gdp_constant"
        ),
        columns=["region", "year", "gdp"],
    )
    entries = []
    for region, frame in gdp.groupby("region"):
        known = dict(zip(frame["year"].astype(int), frame["gdp"], strict=True))
        base_gdp = known.get(chosen.base_year)
        base_emissions = emissions.get(region)
        if not base_gdp or not base_emissions:
            continue
        target, source = _target_of(region, chosen)
        path = {}
        last_year, last = chosen.base_year, base_gdp
        for year in chosen.years:
            if year in known:
                last_year, last = year, known[year]
                path[year] = last
            else:
                path[year] = last * (1.0 + growth) ** (year - last_year)
        rule = core.IntensityPath(chosen.plan, target, base_emissions, base_gdp)
        for row in core.budget_path(rule, path).itertuples(index=False):
            entries.append(
                {
                    "region": region,
                    "plan": chosen.plan,
                    "year": int(row.year),
                    "kind": "budget",
                    "amount_tco2": float(row.budget_tco2),
                    "source": f"rule:intensity-path:{source}",
                    "reason": f"强度目标{target:.1%}，基准年{chosen.base_year}，"
                    f"GDP{'统计/预测' if row.year in known else f'按年增{growth:.0%}推算'}",
                }
            )
    return entries


def derive_actuals(year: int, *, monthly: pd.DataFrame | None = None) -> list[dict]:
    """Actual emissions of ``year`` for every region: the inventory when the dataset has the
    year, else the year to date of the monthly estimates (source ``electricity:YYYY``, restated
    each month)."""
    dataset = current_dataset()
    if dataset is not None:
        inventory = dict(
            RegionTotal.objects.filter(dataset=dataset, year=year)
            .values_list("region_id")
            .annotate(t=Sum("tco2"))
            .order_by()
        )
        if inventory:
            return [
                {
                    "region": region,
                    "year": year,
                    "kind": "actual",
                    "amount_tco2": float(tco2),
                    "source": f"inventory:{dataset.code}",
                    "reason": "年度排放清单",
                }
                for region, tco2 in sorted(inventory.items())
                if _in_a_plan(year)
            ]
    monthly = monthly_table() if monthly is None else monthly
    rows = monthly[monthly["year"] == year]
    if rows.empty or not _in_a_plan(year):
        return []
    last = int(rows["month"].max())
    sums = rows.groupby("region")["tco2"].sum()
    return [
        {
            "region": region,
            "year": year,
            "kind": "actual",
            "amount_tco2": float(tco2),
            "source": f"electricity:{year}",
            "reason": f"电碳快速评估月度估算，{year}年1—{last}月累计",
        }
        for region, tco2 in sums.items()
        if math.isfinite(tco2)
    ]


def _in_a_plan(year: int) -> bool:
    try:
        core.plan_of_year(year)
    except InputError:
        return False
    return True


def latest_recorded(kind: str) -> int | None:
    return LedgerEntry.objects.filter(kind=kind).aggregate(y=Max("year"))["y"]
