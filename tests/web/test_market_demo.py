"""The market's demo (web/market/demo.py) inside the control demo: the power enterprises as ETS
units with the reporter's own, allocations, verifications (one explained), compliance with a
few shortfalls raising ets_shortfall warnings, and the verifier's worklist."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from carbonctl.web.market.models import Allocation, Compliance, EtsUnit, Verification
from carbonctl.web.warnings.models import Warning

pytestmark = [pytest.mark.django_db, pytest.mark.pages]


@pytest.fixture(scope="module")
def demo(control_demo):
    return control_demo


def test_the_demo_market_is_loaded_with_the_reporters_unit(demo, client):
    counts = demo["counts"]
    assert counts["ets_units"] == EtsUnit.objects.count() > 10
    reporter = get_user_model().objects.get(username="reporter")
    own = EtsUnit.objects.filter(enterprise=reporter.profile.enterprise)
    assert own.exists()
    for year in (2023, 2024):
        assert Allocation.objects.filter(year=year, stage="pre").count() == counts["ets_units"]
        assert Allocation.objects.filter(year=year, stage="final").exists()
    assert Verification.objects.exclude(explanation="").count() == 1
    shortfalls = Compliance.objects.filter(shortfall_t__gt=0)
    assert 0 < shortfalls.count() < Compliance.objects.count() / 3
    client.force_login(reporter)
    page = client.get("/market/", {"year": 2024})
    assert {r.unit.enterprise_id for r in page.context["rows"]} == {reporter.profile.enterprise_id}


def test_the_demo_verifier_has_its_worklist_and_pending_units(demo, client):
    verifier = get_user_model().objects.get(username="verifier")
    client.force_login(verifier)
    work = client.get("/market/verify/").context["work"]
    assert work and {w["assignment"].unit.enterprise.county_id[:4] for w in work} <= {
        "1401",
        "1402",
    }
    assert sum(w["verification"] is None for w in work) == 2
    board = client.get("/en/market/", {"year": 2024})
    assert board.status_code == 200
    assert len(board.context["rows"]) < EtsUnit.objects.count()


def test_demo_shortfalls_of_2024_raise_ets_shortfall_warnings(demo):
    """One warning per enterprise (the core's subject) whose units fall short in 2024, red in
    the 2025 run (the 2024 allowances were due by 31 Dec 2025)."""
    short = set(
        Compliance.objects.filter(year=2024, shortfall_t__gt=0).values_list(
            "unit__enterprise__credit_code", flat=True
        )
    )
    warned = Warning.objects.filter(rule__kind="ets_shortfall", run__year=2025)
    assert short and {w.subject for w in warned} == short
    assert {w.level for w in warned} == {"red"}
