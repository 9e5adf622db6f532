"""The platform's fixtures: enterprises in two cities, one user of each role, an empty cache for
every test, and the small demo (2019–2020) for the modules that want it."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.db import transaction

from carbonctl.enterprises.uscc import check_character
from carbonctl.web.accounts.models import Role
from carbonctl.web.accounts.services import create_user
from carbonctl.web.enterprises.models import Enterprise

PASSWORD = "correct-horse-battery-staple"


def _enterprise(name: str, county: str, serial: str) -> Enterprise:
    first17 = f"91{county}{serial}"
    return Enterprise.objects.create(
        credit_code=first17 + check_character(first17),
        name_zh=name,
        county_id=county,
        sector="Smelting and Pressing of Ferrous Metals",
        key_industry="钢铁 steel",
    )


@pytest.fixture
def province(db):
    """Two enterprises in Taiyuan (小店区 140105, 清徐县 140121), one in Datong (140212), and a
    user for every role: the city official is Taiyuan's, the county official 小店区's and the
    enterprise reporter belongs to the 小店区 enterprise."""
    taiyuan = _enterprise("示例太原钢铁", "140105", "MA0000001")
    qingxu = _enterprise("示例清徐焦化", "140121", "MA0000002")
    datong = _enterprise("示例大同电厂", "140212", "MA0000003")
    users = {
        Role.PROVINCE_ADMIN: create_user("admin", PASSWORD, Role.PROVINCE_ADMIN),
        Role.PROVINCE_ANALYST: create_user("analyst", PASSWORD, Role.PROVINCE_ANALYST),
        Role.REVIEWER: create_user("reviewer", PASSWORD, Role.REVIEWER),
        Role.CITY_OFFICIAL: create_user("taiyuan", PASSWORD, Role.CITY_OFFICIAL, region="140100"),
        Role.COUNTY_OFFICIAL: create_user(
            "xiaodian", PASSWORD, Role.COUNTY_OFFICIAL, region="140105"
        ),
        Role.ENTERPRISE_REPORTER: create_user(
            "reporter", PASSWORD, Role.ENTERPRISE_REPORTER, enterprise_code=taiyuan.credit_code
        ),
        Role.PUBLIC: create_user("citizen", PASSWORD, Role.PUBLIC),
        Role.VERIFIER: create_user("verifier", PASSWORD, Role.VERIFIER),
    }
    return {"users": users, "taiyuan": taiyuan, "qingxu": qingxu, "datong": datong}


def plan_p_targets(analyst, adcodes, *, approved: bool = False):
    """A proposal of the test plan "p" (base 2019, 18 %, equal split) by ``analyst`` and the
    targets it sets for ``adcodes``: (proposal, targets). Call inside the caller's block."""
    from carbonctl.web.targets.models import Proposal, Target

    proposal = Proposal.objects.create(
        plan="p",
        base_year=2019,
        method="equal",
        target=0.18,
        growth=0.05,
        reductions={},
        achieved=0.18,
        proposed_by=analyst,
        **({"status": Proposal.Status.APPROVED} if approved else {}),
    )
    targets = [
        Target.objects.create(
            region_id=adcode, plan="p", base_year=2019, reduction=0.18, proposal=proposal
        )
        for adcode in adcodes
    ]
    return proposal, targets


@pytest.fixture(scope="session")
def small_demo_dataset(build_once):
    """The synthetic demo for 2019–2020 (the years the web tests need), built once."""
    from carbonctl.demo.synthetic import build_dataset

    return build_once("small_demo_dataset", lambda: build_dataset(years=range(2019, 2021)))


@contextmanager
def kept_for_the_module(django_db_blocker):
    """Rows written in this block stay for a whole test module and are rolled back after it.
    Each test still runs in its own savepoint (the ``db`` fixture), so what a test writes is gone
    before the next one starts; the module's rows are there for every test."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


def settle_constraints() -> None:
    """Check the foreign keys of the rows written so far in the module's transaction, once.

    PostgreSQL defers these checks to the end of the transaction; Django's test case forces them
    at the end of every test (``check_constraints`` before rolling back the test's savepoint), and
    the rollback marks the module's checks as not done again, so without this every test of a
    module with the demo loaded paid about 2 s to re-check the demo's rows."""
    from django.db import connection

    connection.check_constraints()


class KeptDemo:
    """The small demo, loaded once by a test process and kept in an open transaction for all the
    test modules that want it, one after another; rolled back as soon as a module that does not
    want it starts (those need the empty database). The modules on the demo are ordered to come
    together (tests/conftest.py), so a worker loads it about once instead of once per module."""

    def __init__(self, django_db_blocker) -> None:
        self.blocker = django_db_blocker
        self.atomic: transaction.Atomic | None = None
        self.value = None

    def load(self, dataset):
        if self.atomic is None:
            from carbonctl.web import demo

            with self.blocker.unblock():
                self.atomic = transaction.atomic()
                self.atomic.__enter__()
                try:
                    self.value = demo.load_demo(dataset)
                    settle_constraints()
                except BaseException:
                    self.drop()
                    raise
        return self.value

    def drop(self) -> None:
        if self.atomic is not None:
            atomic, self.atomic, self.value = self.atomic, None, None
            with self.blocker.unblock():
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)


@pytest.fixture(scope="session")
def kept_demo(request, django_db_setup, django_db_blocker):
    """The worker's :class:`KeptDemo`; tests/conftest.py drops it when a module without the demo
    starts (any module, web or not, may use the database)."""
    kept = request.session.kept_demo = KeptDemo(django_db_blocker)
    yield kept
    kept.drop()
    del request.session.kept_demo


@pytest.fixture(scope="module")
def demo_database(kept_demo, django_db_blocker, small_demo_dataset):
    """The small demo in the test database for a test module: loaded once and kept for the
    following modules that want it too (about 8 s a load); what a module's fixtures write besides
    is rolled back after the module."""
    loaded = kept_demo.load(small_demo_dataset)
    with kept_for_the_module(django_db_blocker):
        yield loaded


@pytest.fixture(scope="session")
def control_dataset(build_once):
    """The synthetic demo for 2024–2025 (enough for the 15th plan, base year 2025), built once."""
    from carbonctl.demo.synthetic import build_dataset

    return build_once("control_demo_dataset", lambda: build_dataset(years=range(2024, 2026)))


@pytest.fixture(scope="module")
def control_demo(
    django_db_setup, django_db_blocker, control_dataset, demo_electricity, demo_outlook
):
    """The whole demo of issue 14 for a test module: inventories 2024–2025, the 2025 electricity
    demo, the 2026 outlook, and the budgets, warnings and projects with the demo users; yields
    the counts of what was loaded and the outlook."""
    from carbonctl.web import demo

    with kept_for_the_module(django_db_blocker):
        demo.load_demo(control_dataset)
        demo.load_demo_electricity(demo=demo_electricity)
        demo.load_demo_outlook(demo_outlook)
        counts = demo.load_demo_control()
        settle_constraints()
        yield {"counts": counts, "outlook": demo_outlook}


@pytest.fixture(scope="module")
def demo_assessment(django_db_setup, django_db_blocker, demo_electricity):
    """The electricity–carbon demo saved as the current assessment once for a test module
    (about 6 s)."""
    from carbonctl.web.demo import load_demo_electricity

    with kept_for_the_module(django_db_blocker):
        loaded = load_demo_electricity(demo=demo_electricity)
        settle_constraints()
        yield loaded


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty Django cache (cached overviews belong to one test's data)."""
    from django.core.cache import cache

    cache.clear()


def pytest_terminal_summary(terminalreporter):
    """The counts of the schemathesis run (test_api_schema.py), for the record of a run."""
    lines = [
        value
        for report in terminalreporter.stats.get("passed", [])
        for name, value in getattr(report, "user_properties", ())
        if name == "api_schema"
    ]
    if lines:
        terminalreporter.section("API schema (schemathesis)")
        for line in lines:
            terminalreporter.write_line(line)


#: The budget and warning tests' world (``control_world``): tCO2 and GDP (constant prices) of
#: Taiyuan and Datong and of 小店区, 2020–2022, chosen so that the carbon barometer (14th plan,
#: 18 %) grades Taiyuan yellow in 2021 and green in 2022 and Datong red both years.
CONTROL_EMISSIONS = {
    "140100": {2020: 100e6, 2021: 101e6, 2022: 100e6},
    "140200": {2020: 50e6, 2021: 55e6, 2022: 54e6},
    "140105": {2020: 20e6, 2021: 20.2e6, 2022: 20e6},
}
CONTROL_GDP = {"140100": 1000.0, "140200": 500.0, "140105": 200.0}  # 2020; +5 % a year


def control_monthly(adcode: str, year: int) -> list[float]:
    """The monthly tCO2 of ``adcode`` in ``year`` (12 values summing to its annual figure, 2023:
    2022's × 1.04): a winter peak, the same shape every year."""
    annual = CONTROL_EMISSIONS[adcode].get(year) or CONTROL_EMISSIONS[adcode][2022] * 1.04
    shape = [1.3, 1.1, 1.0, 0.9, 0.85, 0.85, 0.9, 0.9, 0.85, 0.9, 1.05, 1.4]
    return [annual * s / sum(shape) for s in shape]


@pytest.fixture
def control_world(province):
    """``province`` plus an inventory dataset (2020–2022 totals and GDP, 2023 GDP) and an
    electricity–carbon assessment with monthly estimates: 2020–2022 reconciled, January–June
    2023 nowcast (2023 runs 4 % above 2022)."""
    from carbonctl.web.electricity.models import Assessment, Estimate
    from carbonctl.web.inventories.models import Dataset, MacroFigure, RegionTotal
    from carbonctl.web.submissions.services import factor_set

    dataset = Dataset.objects.create(
        code="control-test", label="test", synthetic=True, factor_set=factor_set()
    )
    for adcode, years in CONTROL_EMISSIONS.items():
        for year, tco2 in years.items():
            RegionTotal.objects.create(
                dataset=dataset, region_id=adcode, year=year, key_industry="", tco2=tco2
            )
        for year in range(2020, 2024):
            MacroFigure.objects.create(
                dataset=dataset,
                region_id=adcode,
                year=year,
                gdp_constant=CONTROL_GDP[adcode] * 1.05 ** (year - 2020),
            )
    assessment = Assessment.objects.create(label="test", year=2023, through_year=2022)
    rows = []
    for adcode in CONTROL_EMISSIONS:
        for year in (2020, 2021, 2022, 2023):
            months = control_monthly(adcode, year)[: 6 if year == 2023 else 12]
            basis = Estimate.Basis.NOWCAST if year == 2023 else Estimate.Basis.RECONCILED
            for month, tco2 in enumerate(months, start=1):
                rows.append(
                    Estimate(
                        assessment=assessment,
                        level="city" if adcode.endswith("00") else "county",
                        region_id=adcode,
                        sector="ALL",
                        month=f"{year}-{month:02d}",
                        kind=Estimate.Kind.MONTH,
                        basis=basis,
                        kwh=0.0,
                        tco2=tco2,
                        lo=tco2 * 0.95,
                        hi=tco2 * 1.05,
                    )
                )
    Estimate.objects.bulk_create(rows)
    return {**province, "dataset": dataset, "assessment": assessment}
