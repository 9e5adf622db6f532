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
