"""The regional table an allocation starts from, built from the platform's data, and the side-by-
side comparison of allocation methods (carbonctl.targets does the arithmetic)."""

from __future__ import annotations

import pandas as pd
from django.db.models import Sum

from carbonctl import refdata
from carbonctl.errors import CarbonctlError
from carbonctl.targets import allocate
from carbonctl.web.inventories.models import (
    Dataset,
    InventoryCell,
    MacroFigure,
    RegionCell,
    RegionTotal,
)

#: Methods compared on the workbench (ZSG-DEA needs labour and capital stock, which the
#: platform does not hold yet).
WORKBENCH_METHODS = ("equal", "grandfather", "per_capita", "gdp", "entropy_index")
#: CEADs fuel groups counted as coal for the non-coal share (coal and coal products).
COAL_GROUPS = {"Raw_Coal", "Cleaned_Coal", "Other_Washed_Coal", "Briquettes", "Coke"}


def coal_fuel_names() -> set[str]:
    """Every name a coal fuel may carry in inventory cells (Chinese, English, CEADs)."""
    fuels = refdata.load_table("fuels")
    coal = fuels[fuels["ceads_group"].isin(COAL_GROUPS)]
    return {*coal["name_zh"], *coal["name_en"], *coal["ceads_name"].loc[lambda s: s != ""]}


BURDEN_INDICATORS = {
    "gdp_per_capita": "+",
    "carbon_intensity": "+",
    "co2_per_capita": "+",
    "non_coal_share": "-",
}


def city_table(dataset: Dataset, base_year: int, annual_growth: float) -> pd.DataFrame:
    """Cities' base-year population, GDP (constant prices), CO2 and burden indicators, with the
    plan's last-year GDP projected at ``annual_growth`` a year (an assumption shown to users)."""
    return region_table(dataset, base_year, annual_growth, level="city")


def region_table(
    dataset: Dataset, base_year: int, annual_growth: float, *, level: str, parent: str = ""
) -> pd.DataFrame:
    """The allocation table of the cities, or of the counties of city ``parent``."""
    scope = {"region__level": level, **({"region__parent_id": parent} if parent else {})}
    macro = {
        m.region_id: m for m in MacroFigure.objects.filter(dataset=dataset, year=base_year, **scope)
    }
    co2 = dict(
        RegionTotal.objects.filter(dataset=dataset, year=base_year, **scope)
        .values_list("region_id")
        .annotate(t=Sum("tco2"))
    )
    # cities' sector x fuel cells are pre-summed; counties' are the inventory cells themselves
    cells = RegionCell if level == "city" else InventoryCell
    coal = dict(
        cells.objects.filter(dataset=dataset, year=base_year, fuel__in=coal_fuel_names(), **scope)
        .values_list("region_id")
        .annotate(t=Sum("tco2"))
    )
    rows = []
    for adcode, figure in sorted(macro.items()):
        if adcode not in co2 or not figure.gdp_constant or not figure.population:
            continue
        rows.append(
            {
                "region": adcode,
                "population": figure.population * 1e4,
                "gdp_base": figure.gdp_constant,
                "gdp_target": figure.gdp_constant * (1 + annual_growth) ** 5,
                "co2_base": co2[adcode],
                "coal_share": coal.get(adcode, 0.0) / co2[adcode],
            }
        )
    table = pd.DataFrame(rows)
    if table.empty:
        raise CarbonctlError(f"no {level} figures for {base_year} in dataset {dataset.code}")
    table["gdp_per_capita"] = table["gdp_base"] * 1e8 / table["population"]
    table["carbon_intensity"] = table["co2_base"] / (table["gdp_base"] * 1e4)
    table["co2_per_capita"] = table["co2_base"] / table["population"]
    table["non_coal_share"] = 1.0 - table["coal_share"]
    return table


def compare(table: pd.DataFrame, target: float) -> dict[str, object]:
    """Every workbench method on the same table: reductions and caps per city, achieved province
    reduction and fairness figures per method (a method that cannot serve the table says why)."""
    results, problems = {}, {}
    for method in WORKBENCH_METHODS:
        options = {"indicators": BURDEN_INDICATORS} if method == "entropy_index" else {}
        try:
            results[method] = allocate(method, table, target, **options)
        except CarbonctlError as exc:
            problems[method] = str(exc)
    return {"results": results, "problems": problems}


def propose(
    user, dataset: Dataset, *, method: str, target: float, base_year: int, growth: float, plan: str
):
    """Record an allocation proposal, recomputed here from the data (never taken from the
    browser), with its audit entry. Province administrators and analysts propose."""
    from django.core.exceptions import PermissionDenied
    from django.db import transaction

    from carbonctl.web.accounts.permissions import can_propose_allocation
    from carbonctl.web.audit.models import AuditEntry
    from carbonctl.web.audit.services import record, snapshot
    from carbonctl.web.targets.models import Proposal

    if not can_propose_allocation(user):
        raise PermissionDenied("only province administrators and analysts propose allocations")
    if method not in WORKBENCH_METHODS:
        raise CarbonctlError(f"unknown method {method!r}")
    table = city_table(dataset, base_year, growth)
    options = {"indicators": BURDEN_INDICATORS} if method == "entropy_index" else {}
    allocation = allocate(method, table, target, **options)
    reductions = {str(r.region): float(r.reduction) for r in allocation.regions.itertuples()}
    with transaction.atomic():
        proposal = Proposal.objects.create(
            plan=plan,
            base_year=base_year,
            method=method,
            target=target,
            growth=growth,
            reductions=reductions,
            achieved=allocation.achieved,
            proposed_by=user,
        )
        record(
            user,
            AuditEntry.Action.CREATE,
            proposal,
            after=snapshot(proposal),
            summary=f"{method} allocation of {target:.1%} for {plan}",
        )
    return proposal


def decide(user, proposal, *, approve: bool):
    """A reviewer approves (the province and city targets are adopted) or rejects a pending
    proposal; not one's own. One transaction with the audit entries."""
    from django.db import transaction

    from carbonctl.web.accounts.permissions import can_adopt_allocation
    from carbonctl.web.reviews import check_reviewer, decide_pending

    check_reviewer(user, proposal.proposed_by_id, "allocations", can_adopt_allocation)
    with transaction.atomic():
        locked = decide_pending(user, proposal, approve=approve)
        if approve:
            adopted = {"140000": locked.target, **locked.reductions}
            for region, reduction in adopted.items():
                adopt_target(
                    user,
                    region,
                    locked.plan,
                    locked.base_year,
                    reduction,
                    locked,
                    summary=f"adopted from proposal {locked.pk}",
                )
    return locked


def adopt_target(
    user, region: str, plan: str, base_year: int, reduction: float, proposal, *, summary: str = ""
):
    """Create or replace a region's target of ``plan``, with its audit entry (before and after)."""
    from carbonctl.web.audit.models import AuditEntry
    from carbonctl.web.audit.services import record, snapshot
    from carbonctl.web.targets.models import Target

    previous = Target.objects.filter(region_id=region, plan=plan).first()
    if previous is None:
        made = Target.objects.create(
            region_id=region, plan=plan, base_year=base_year, reduction=reduction, proposal=proposal
        )
        record(user, AuditEntry.Action.CREATE, made, after=snapshot(made), summary=summary)
        return made
    before = snapshot(previous)
    previous.reduction, previous.proposal = reduction, proposal
    previous.save(update_fields=["reduction", "proposal"])
    record(
        user,
        AuditEntry.Action.UPDATE,
        previous,
        before=before,
        after=snapshot(previous),
        summary=summary,
    )
    return previous


def target_tree(dataset: Dataset, plan: str, year: int, regions) -> list[dict]:
    """Adopted targets of the visible regions with their schedule progress in ``year``: the
    achieved intensity reduction since the base year against the schedule (时序进度)."""
    from carbonctl.indicators import progress, schedule_status
    from carbonctl.web.targets.models import Target

    targets = Target.objects.filter(plan=plan, region__in=regions).select_related("region")
    intensity = {}
    for total in (
        RegionTotal.objects.filter(dataset=dataset)
        .values("region_id", "year")
        .annotate(t=Sum("tco2"))
    ):
        intensity[(total["region_id"], total["year"])] = total["t"]
    gdp = {
        (m.region_id, m.year): m.gdp_constant for m in MacroFigure.objects.filter(dataset=dataset)
    }
    rows = []
    for target in targets:
        key0, key1 = (target.region_id, target.base_year), (target.region_id, year)
        achieved = None
        if all(k in intensity and gdp.get(k) for k in (key0, key1)):
            achieved = 1 - (intensity[key1] / gdp[key1]) / (intensity[key0] / gdp[key0])
        if not 0 < target.reduction < 1:
            # an allocation may let a region's intensity rise (r <= 0): no schedule to track
            blank = dict.fromkeys(
                ("annual_required", "required_cumulative", "remaining_required", "completion_rate")
            )
            rows.append({"target": target, "achieved": achieved, "status": "—", **blank})
            continue
        figures = progress(target.reduction, target.base_year, year, achieved)
        status = (
            schedule_status(target.reduction, year - target.base_year, achieved).value
            if achieved is not None
            else ""
        )
        rows.append({"target": target, "achieved": achieved, "status": status, **figures})
    return rows


#: Assessment indicators computed from the platform's data, with their direction
#: ('+' higher is better, '-' lower is better). Energy intensity and carbon sinks of the seed's
#: list need data the platform does not hold yet.
ASSESSMENT_INDICATORS = {
    "carbon_intensity": "-",
    "intensity_change": "-",
    "co2_per_capita": "-",
    "non_coal_share": "+",
}


def assessment_table(dataset: Dataset, year: int) -> pd.DataFrame:
    """City indicators of ``year`` for the assessment: intensity (t/10^4 yuan), its change on
    the previous year, CO2 per person and the non-coal share of CO2."""
    now = city_table(dataset, year, 0.0).set_index("region")
    before = city_table(dataset, year - 1, 0.0).set_index("region")
    table = pd.DataFrame(
        {
            "carbon_intensity": now["carbon_intensity"],
            "intensity_change": now["carbon_intensity"] / before["carbon_intensity"] - 1.0,
            "co2_per_capita": now["co2_per_capita"],
            "non_coal_share": now["non_coal_share"],
        }
    ).dropna()
    return table.reset_index()


def assess(dataset: Dataset, year: int):
    """Entropy-TOPSIS assessment of the cities in ``year`` (carbonctl.evaluation)."""
    from carbonctl.evaluation import evaluate

    table = assessment_table(dataset, year)
    negative = [name for name, d in ASSESSMENT_INDICATORS.items() if d == "-"]
    return table, evaluate(table, method="entropy-topsis", negative=negative)


def radar_values(ranking: pd.DataFrame, indicators: list[str]) -> list[list[float]]:
    """Each city's indicators scaled 0-100 across the cities, 100 = best (for radar charts)."""
    from carbonctl.evaluation.weights import normalise

    negative = [name for name in indicators if ASSESSMENT_INDICATORS[name] == "-"]
    scaled = normalise(ranking[indicators], negative=negative, shift=0.0) * 100
    return scaled.round(1).to_numpy().tolist()


#: Methods for splitting a city's target among its counties (no indicator data needed).
COUNTY_METHODS = ("equal", "grandfather", "per_capita", "gdp")


def decompose_city(user, dataset: Dataset, city_target, method: str, growth: float = 0.05):
    """Split an adopted city target among the city's counties (逐级分解): county targets of the
    same plan, each write audited. Province administrators and analysts, or the city's official."""
    from django.core.exceptions import PermissionDenied
    from django.db import transaction

    from carbonctl.targets import decompose
    from carbonctl.web.accounts.permissions import can_split_city_target

    allowed = can_split_city_target(user, city_target.region_id)
    if not allowed or city_target.region.level != "city":
        raise PermissionDenied("a city target is split by province staff or the city's official")
    if method not in COUNTY_METHODS:
        raise CarbonctlError(f"unknown method {method!r}; expected one of {COUNTY_METHODS}")
    table = region_table(
        dataset, city_target.base_year, growth, level="county", parent=city_target.region_id
    )
    allocation = decompose(city_target.reduction, table, method=method)
    with transaction.atomic():
        for row in allocation.regions.itertuples(index=False):
            adopt_target(
                user,
                row.region,
                city_target.plan,
                city_target.base_year,
                float(row.reduction),
                city_target.proposal,
                summary=f"{method} split of {city_target.region_id}",
            )
    return allocation
