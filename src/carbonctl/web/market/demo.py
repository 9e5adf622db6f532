"""The carbon market's demo (synthetic): the demo's power and heat enterprises as ETS units with
2023 and 2024 output, pre and final allocations, verifications (one with an explained
difference), compliance with a few shortfalls, and the verifier ``verifier`` assigned to the
units of Taiyuan and Datong (the other units to a second verifier, not a demo login).

All through the services (audited), by the demo's analyst and verifiers. Output is made up
(SYNTHETIC): generation = capacity × hours; reported emissions = generation × the year's
benchmark × a factor around 1, so some units are short and most are not. No heat is supplied
in the demo: the 2023–2024 heat benchmarks are not in the reference data (the core refuses a
unit with heat and no benchmark rather than make one up)."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.db import transaction

import carbonctl.market.rules as rules
from carbonctl.web.accounts.models import Role
from carbonctl.web.accounts.services import create_user
from carbonctl.web.enterprises.models import Enterprise
from carbonctl.web.market import services
from carbonctl.web.market.models import (
    Allocation,
    Category,
    EtsUnit,
    UnitYear,
    VerifierAssignment,
)

POWER_SECTOR = "Production and Supply of Electric Power, Steam and Hot Water"
YEARS = (2023, 2024)
#: Cities whose units the demo verifier verifies (Taiyuan, Datong).
VERIFIER_CITIES = ("1401", "1402")
CAPACITIES = (350.0, 660.0, 300.0, 1000.0, 200.0, 600.0, 135.0, 400.0)
HOURS = (4300.0, 4600.0, 4100.0, 4800.0, 3900.0, 4500.0)
#: reported intensity / benchmark: most units at or under the benchmark, every seventh above
FACTORS = (0.97, 0.99, 1.0, 0.96, 0.98, 1.01, 1.08)


def _category(index: int, capacity: float) -> str:
    if index % 9 == 8:
        return Category.GAS
    return Category.COAL_LARGE if capacity > 300 else Category.COAL_SMALL


def _verifiers(users: dict):
    verifier = users.get("verifier")
    if verifier is None:  # a demo built before the market existed
        create_user("verifier", "demo-verifier-2024", Role.VERIFIER)
        verifier = get_user_model().objects.get(username="verifier")
    other = get_user_model().objects.filter(username="verifier-b").first()
    if other is None:
        create_user("verifier-b", secrets.token_urlsafe(24), Role.VERIFIER)
        other = get_user_model().objects.get(username="verifier-b")
    return verifier, other


def _units(reporter_enterprise) -> list[EtsUnit]:
    enterprises = list(Enterprise.objects.filter(sector=POWER_SECTOR).order_by("credit_code"))
    if reporter_enterprise is not None and reporter_enterprise not in enterprises:
        enterprises.insert(0, reporter_enterprise)
    units = []
    index = 0
    for number, enterprise in enumerate(enterprises):
        for k in range(2 if number % 3 == 0 else 1):
            capacity = CAPACITIES[index % len(CAPACITIES)]
            category = _category(index, capacity)
            units.append(
                EtsUnit(
                    enterprise=enterprise,
                    unit_id=f"SX-{enterprise.county_id}-{number + 1:03d}-{k + 1}",
                    category=category,
                    capacity_mw=capacity,
                    cooling=EtsUnit.Cooling.AIR if index % 2 else EtsUnit.Cooling.WATER,
                    fuel=rules.category_fuel(category),
                )
            )
            index += 1
    EtsUnit.objects.bulk_create(units)
    return list(EtsUnit.objects.select_related("enterprise").order_by("unit_id"))


def load_demo_market(users: dict) -> dict[str, int]:
    """Load the market demo (see the module) in one transaction; returns counts."""
    analyst = users["analyst"]
    reporter = users.get("reporter")
    own = reporter.profile.enterprise if reporter is not None else None
    with transaction.atomic():
        verifier, other = _verifiers(users)
        units = _units(own)
        outputs = []
        for i, unit in enumerate(units):
            for year in YEARS:
                generation = unit.capacity_mw * HOURS[(i + year) % len(HOURS)]
                bench = rules.benchmark(year, unit.category, "electricity")[1].value
                factor = FACTORS[(i + year) % len(FACTORS)]
                outputs.append(
                    UnitYear(
                        unit=unit,
                        year=year,
                        generation_mwh=generation,
                        supplied_mwh=round(generation * 0.94, 1),
                        reported_t=round(generation * bench * factor, 0),
                        ccer_offered_t=round(0.03 * generation * bench, 0) if i % 5 == 0 else 0,
                    )
                )
        UnitYear.objects.bulk_create(outputs)
        assignments = [
            VerifierAssignment(
                verifier=verifier if unit.enterprise.county_id[:4] in VERIFIER_CITIES else other,
                unit=unit,
                year=year,
            )
            for unit in units
            for year in YEARS
        ]
        VerifierAssignment.objects.bulk_create(assignments)
        reported = {(o.unit_id, o.year): o.reported_t for o in UnitYear.objects.all()}
        # the demo verifier leaves its last two 2024 units to verify (its worklist)
        own_2024 = [a for a in assignments if a.verifier_id == verifier.pk and a.year == 2024]
        pending = {(a.unit_id, a.year) for a in own_2024[-2:]}
        explained = False
        verifications = 0
        for year in YEARS:
            services.compute_allocation(analyst, year, Allocation.Stage.PRE, units)
            verified_units = []
            for a in assignments:
                if a.year != year or (a.unit_id, year) in pending:
                    continue
                value = reported[(a.unit_id, year)]
                note = ""
                output = None
                if a.verifier_id == verifier.pk and not explained:
                    value, explained = round(value * 1.012, 0), True
                    note = "演示：现场核查发现部分燃煤消耗量漏报，按入炉煤量台账更正（+1.2%）"
                    output = {"generation_mwh": None}
                services.save_verification(a.verifier, a.unit, year, value, note, output=output)
                verified_units.append(a.unit)
                verifications += 1
            services.compute_allocation(analyst, year, Allocation.Stage.FINAL, verified_units)
            services.compute_compliance(analyst, year)
        if own is not None:
            services.add_ccer_holding(
                analyst,
                own,
                "演示：山西某风电场 CCER 项目",
                "CCER-DEMO-000001–CCER-DEMO-020000",
                20000,
            )
            services.add_green_holding(
                analyst, own, 2024, 5000, serials=("GEC-DEMO-0000001", "GEC-DEMO-0005000")
            )
    return {
        "ets_units": len(units),
        "ets_verifications": verifications,
        "ets_shortfalls": sum(
            1 for c in EtsUnit.objects.filter(compliance__shortfall_t__gt=0).distinct()
        ),
    }
