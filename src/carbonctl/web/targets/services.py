"""The regional table an allocation starts from, read from the platform's data into a plain table
(carbonctl.targets builds the allocation table and compares the methods), proposals, reviews,
adopted targets and the city assessment."""

from __future__ import annotations

import pandas as pd
from django.db.models import Sum

from carbonctl import refdata
from carbonctl.budget.plans import DEFAULT_PLAN, find_plan
from carbonctl.errors import CarbonctlError
from carbonctl.evaluation import (
    Evaluation,
    IndicatorSystem,
    assess_platform,
    assessment_table,
    platform_index_system,
    radar_average,
    radar_scores,
)
from carbonctl.evaluation import assessment_years as assessable_years
from carbonctl.indicators import coal_fuel_names
from carbonctl.targets import (
    FIGURE_COLUMNS,
    Workbench,
    allocate,
    allocation_table,
    bounded,
    county_methods,
    method_options,
    runnable_methods,
)
from carbonctl.targets import workbench as run_workbench
from carbonctl.web.inventories.models import (
    Dataset,
    InventoryCell,
    MacroFigure,
    RegionCell,
    RegionTotal,
)

#: The starting assumption for the plan period's annual GDP growth (规划期GDP年均增速): a scenario
#: the user changes on the workbench, not a statistic.
DEFAULT_GROWTH = 0.05


def plan_defaults(plan: str | None = None) -> dict[str, object]:
    """What the workbench and the target pages start from: a five-year plan of the registry
    (refdata five_year_plans.csv; default the current one, the 15th: base year 2025, national
    CO2 intensity −17 %), its key, base year and national target, and the growth assumption.
    An unknown plan is an :class:`~carbonctl.errors.UnknownNameError` listing the known ones."""
    chosen = find_plan(plan or DEFAULT_PLAN)
    return {
        "plan": chosen.plan,
        "base_year": chosen.base_year,
        "target": chosen.co2_intensity_target,
        "growth": DEFAULT_GROWTH,
    }


def plan_choice(
    *,
    plan: str | None = None,
    target: float | None = None,
    base_year: int | None = None,
    growth: float | None = None,
) -> dict[str, object]:
    """The plan, target, base year and growth a workbench run uses: what the user gave, the
    chosen plan's :func:`plan_defaults` for the rest (the page and the API read the same
    way; the page takes the base year from the plan, the API may ask for another)."""
    given = {"target": target, "base_year": base_year, "growth": growth}
    defaults = plan_defaults(plan)
    return {k: defaults[k] if given.get(k) is None else given[k] for k in defaults}


def city_years(dataset: Dataset) -> list[int]:
    """The years in which the dataset holds city figures, oldest first."""
    years = MacroFigure.objects.filter(dataset=dataset, region__level="city").values_list(
        "year", flat=True
    )
    return sorted(set(years))


def region_figures(
    dataset: Dataset, years: list[int], *, level: str, parent: str = ""
) -> pd.DataFrame:
    """The figures of the regions of ``level`` (the counties of ``parent``) in ``years`` as a
    plain table: ``region, year, population`` (万人), ``gdp_constant`` (亿元, constant prices),
    ``co2_tco2``, ``coal_tco2``; a figure the dataset lacks is missing."""
    scope = {"region__level": level, **({"region__parent_id": parent} if parent else {})}
    macro = pd.DataFrame(
        MacroFigure.objects.filter(dataset=dataset, year__in=years, **scope).values_list(
            "region_id", "year", "population", "gdp_constant"
        ),
        columns=["region", "year", "population", "gdp_constant"],
    )
    co2 = pd.DataFrame(
        RegionTotal.objects.filter(dataset=dataset, year__in=years, **scope)
        .values_list("region_id", "year")
        .annotate(t=Sum("tco2")),
        columns=["region", "year", "co2_tco2"],
    )
    # cities' sector x fuel cells are pre-summed; counties' are the inventory cells themselves
    cells = RegionCell if level == "city" else InventoryCell
    coal = pd.DataFrame(
        cells.objects.filter(dataset=dataset, year__in=years, fuel__in=coal_fuel_names(), **scope)
        .values_list("region_id", "year")
        .annotate(t=Sum("tco2")),
        columns=["region", "year", "coal_tco2"],
    )
    keys = ["region", "year"]
    figures = macro.merge(co2, on=keys, how="left").merge(coal, on=keys, how="left")
    return figures[[*FIGURE_COLUMNS[:1], "year", *FIGURE_COLUMNS[1:]]]


def city_table(dataset: Dataset, base_year: int, annual_growth: float) -> pd.DataFrame:
    """Cities' base-year population, GDP (constant prices), CO2 and burden indicators, with the
    plan's last-year GDP projected at ``annual_growth`` a year (an assumption shown to users)."""
    return region_table(dataset, base_year, annual_growth, level="city")


def region_table(
    dataset: Dataset, base_year: int, annual_growth: float, *, level: str, parent: str = ""
) -> pd.DataFrame:
    """The allocation table of the cities, or of the counties of city ``parent``
    (:func:`carbonctl.targets.allocation_table`)."""
    figures = region_figures(dataset, [base_year], level=level, parent=parent)
    where = f"{level} figures for {base_year} in dataset {dataset.code}"
    return allocation_table(figures, annual_growth, where=where)


def city_history(dataset: Dataset) -> pd.DataFrame:
    """Every year's city figures (:func:`region_figures`): the history the workbench's record
    five-year intensity fall is computed from."""
    return region_figures(dataset, city_years(dataset), level="city")


def workbench(
    dataset: Dataset,
    base_year: int,
    growth: float,
    target: float,
    *,
    floor: float | None = None,
    ceiling: float | None = None,
) -> Workbench:
    """The workbench on the cities' table of ``base_year`` (:func:`carbonctl.targets.workbench`):
    every method the platform's figures serve, within the bounds, with the flags against the
    dataset's own history."""
    return run_workbench(
        city_table(dataset, base_year, growth),
        target,
        history=city_history(dataset),
        floor=floor,
        ceiling=ceiling,
    )


def comparison(dataset: Dataset, base_year: int, growth: float, target: float) -> pd.DataFrame:
    """Every method the cities' table serves, side by side (the workbench's long table)."""
    return workbench(dataset, base_year, growth, target).comparison


def propose(
    user,
    dataset: Dataset,
    *,
    method: str,
    target: float,
    base_year: int,
    growth: float,
    plan: str,
    floor: float | None = None,
    ceiling: float | None = None,
):
    """Record an allocation proposal, recomputed here from the data (never taken from the
    browser), within the bounds if given, with its audit entry (which names the bounds).
    Province administrators and analysts propose."""
    from django.core.exceptions import PermissionDenied
    from django.db import transaction

    from carbonctl.web.accounts.permissions import can_propose_allocation
    from carbonctl.web.audit.models import AuditEntry
    from carbonctl.web.audit.services import record, snapshot
    from carbonctl.web.targets.models import Proposal

    if not can_propose_allocation(user):
        raise PermissionDenied("only province administrators and analysts propose allocations")
    table = city_table(dataset, base_year, growth)
    if method not in runnable_methods(table):
        raise CarbonctlError(f"unknown method {method!r}")
    allocation = allocate(method, table, target, **method_options(method))
    if floor is not None or ceiling is not None:
        allocation = bounded(allocation, table, floor=floor, ceiling=ceiling)
    bounds = "".join(
        f", {name} {value:.1%}"
        for name, value in (("floor", floor), ("ceiling", ceiling))
        if value is not None
    )
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
            summary=f"{method} allocation of {target:.1%} for {plan}{bounds}",
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
            adopted = {refdata.PROVINCE: locked.target, **locked.reductions}
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
    """Adopted targets of the visible regions with their schedule progress in ``year``
    (:func:`carbonctl.indicators.schedule_table`): each row is the target and its figures."""
    from carbonctl.indicators import schedule_table
    from carbonctl.web.targets.models import Target

    targets = list(Target.objects.filter(plan=plan, region__in=regions).select_related("region"))
    co2 = pd.DataFrame(
        RegionTotal.objects.filter(dataset=dataset)
        .values("region_id", "year")
        .annotate(tco2=Sum("tco2")),
        columns=["region_id", "year", "tco2"],
    )
    gdp = pd.DataFrame(
        MacroFigure.objects.filter(dataset=dataset).values("region_id", "year", "gdp_constant"),
        columns=["region_id", "year", "gdp_constant"],
    )
    figures = co2.merge(gdp, on=["region_id", "year"]).rename(
        columns={"region_id": "region", "gdp_constant": "gdp"}
    )
    table = schedule_table(
        pd.DataFrame(
            [(t.region_id, t.base_year, t.reduction) for t in targets],
            columns=["region", "base_year", "reduction"],
        ),
        figures,
        year,
    )
    return [{"target": t, **row} for t, row in zip(targets, table.to_dict("records"), strict=True)]


def assessment_indicators() -> IndicatorSystem:
    """The platform's city assessment indicators (evaluation/data/platform_index_system.csv)."""
    return platform_index_system()


def assessment_figures(dataset: Dataset, year: int) -> pd.DataFrame:
    """The cities' assessment indicators of ``year`` (:func:`carbonctl.evaluation.assessment_table`)
    from their figures of ``year`` and the year before."""
    figures = region_figures(dataset, [year - 1, year], level="city")
    return assessment_table(figures, year, where=f"city figures in dataset {dataset.code}")


def assess(dataset: Dataset, year: int) -> tuple[pd.DataFrame, Evaluation]:
    """Entropy-TOPSIS assessment of the cities in ``year`` (carbonctl.evaluation)."""
    table = assessment_figures(dataset, year)
    return table, assess_platform(table)


def assessment_years(dataset: Dataset) -> list[int]:
    """The years the assessment can rank (:func:`carbonctl.evaluation.assessment_years`: the city
    figures of the year and of the year before), oldest first."""
    return assessable_years(city_history(dataset))


def ranking(dataset: Dataset, year: int) -> tuple[pd.DataFrame, Evaluation]:
    """The cities' assessment of ``year`` ranked (rank, region, score and the indicators), and
    the evaluation it comes from."""
    table, result = assess(dataset, year)
    ranked = result.regions.merge(table, on="region").sort_values("rank")
    ranked["rank"] = ranked["rank"].astype(int)
    return ranked.reset_index(drop=True), result


def radar(ranking: pd.DataFrame) -> tuple[list[list[float]], list[float]]:
    """Each city's indicators scaled 0-100 across the cities (100 = the best city of the year),
    in the ranking's order, and the cities' average of each (the outline a city is drawn
    against)."""
    scores = radar_scores(ranking)
    return scores.to_numpy().tolist(), radar_average(scores).tolist()


def decompose_city(
    user, dataset: Dataset, city_target, method: str, growth: float = DEFAULT_GROWTH
):
    """Split an adopted city target among the city's counties (逐级分解): county targets of the
    same plan, each write audited. Province administrators and analysts, or the city's official."""
    from django.core.exceptions import PermissionDenied
    from django.db import transaction

    from carbonctl.targets import decompose
    from carbonctl.web.accounts.permissions import can_split_city_target

    allowed = can_split_city_target(user, city_target.region_id)
    if not allowed or city_target.region.level != "city":
        raise PermissionDenied("a city target is split by province staff or the city's official")
    if method not in county_methods():
        raise CarbonctlError(f"unknown method {method!r}; expected one of {county_methods()}")
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
