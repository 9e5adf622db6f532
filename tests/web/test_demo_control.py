"""The demo's budgets and warnings (issue 14): every region has its 2026 budget; the warnings
the platform raises on the demo data are the ones its generator designed and planted — the
cities' barometer levels, the fast-growing sector and not the one-month spike, the enterprises
below 基准, the missing reports — each with a Chinese explanation; officials are notified of
their own regions only.

The demo here has the inventories of 2024–2025 (enough for the 15th plan, base year 2025), the
2025 electricity demo and the 2026 outlook."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from carbonctl.web.budget import services as budgets
from carbonctl.web.budget.models import AdjustmentRequest, LedgerEntry
from carbonctl.web.regions.models import Region
from carbonctl.web.warnings.models import Notification, Warning

from .conftest import kept_for_the_module, settle_constraints

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="session")
def control_dataset(build_once):
    from carbonctl.demo.synthetic import build_dataset

    return build_once("control_demo_dataset", lambda: build_dataset(years=range(2024, 2026)))


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, control_dataset, demo_electricity, demo_outlook):
    from carbonctl.web import demo

    with kept_for_the_module(django_db_blocker):
        demo.load_demo(control_dataset)
        demo.load_demo_electricity(demo=demo_electricity)
        demo.load_demo_outlook(demo_outlook)
        counts = demo.load_demo_control()
        settle_constraints()
        yield {"counts": counts, "outlook": demo_outlook}


def test_every_region_has_its_2026_budget_and_the_ledger_adds_up(demo):
    regions = set(Region.objects.values_list("adcode", flat=True))
    budgeted = set(
        LedgerEntry.objects.filter(year=2026, kind="budget", plan="15th").values_list(
            "region_id", flat=True
        )
    )
    assert budgeted == regions and len(regions) == 1 + 11 + 117
    for adcode in ("140000", "140100", "140105"):
        shown = budgets.show(adcode, 2026)
        assert shown["headroom_tco2"] == pytest.approx(
            shown["budget_tco2"]
            - shown["actual_tco2"]
            - shown["committed_tco2"]
            - shown["reserve_tco2"]
        )
        assert shown["actual_tco2"] > 0 and shown["forecast_lo"] < shown["forecast_tco2"]
    province = budgets.show("140000", 2026)
    assert province["reserve_tco2"] > 0
    # the cities' demo projects count in the province's ledger too
    assert province["committed_tco2"] == pytest.approx(
        budgets.show("140400", 2026)["committed_tco2"]
        + budgets.show("141000", 2026)["committed_tco2"]
    )
    assert province["committed_tco2"] > 0
    assert budgets.show("140100", 2026)["pipeline_tco2"] == province["pipeline_tco2"] > 0
    approved = AdjustmentRequest.objects.get()
    assert approved.entry.approver != approved.entry.author


def test_the_cities_barometer_levels_are_the_designed_ones(demo):
    designed = {r["city"]: r["level"] for r in demo["outlook"].meta["barometer"]}
    graded = dict(
        Warning.objects.filter(
            rule_id_text="carbon_barometer", period="2026", subject__in=designed
        ).values_list("subject", "level")
    )
    assert graded == designed
    assert {"red", "yellow", "green"} <= set(graded.values())
    red = Warning.objects.get(rule_id_text="carbon_barometer", period="2026", subject="140800")
    assert red.message.startswith("运城市 2026年碳排放晴雨表：红色")
    assert "暂停" in red.measure and red.status == Warning.Status.OPEN


def test_the_planted_fast_growth_fires_and_the_one_month_spike_does_not(demo):
    growth = Warning.objects.filter(rule_id_text="fast_growth", period="2026-06")
    fired = set(growth.values_list("subject", "sector"))
    for planted in demo["outlook"].meta["fast_growth"]:
        assert (planted["city"], planted["sector"]) in fired
    spike = demo["outlook"].meta["spike"]
    assert (spike["city"], spike["sector"]) not in fired


def test_enterprises_below_the_baseline_and_missing_reports_are_warned(demo):
    energy = demo["outlook"].product_energy
    planted = demo["outlook"].meta["product_energy"]["worse_than_baseline"]
    worse = set(energy.loc[energy["enterprise"].isin(planted), "credit_code"])
    below = set(
        Warning.objects.filter(rule_id_text="enterprise_benchmark").values_list(
            "subject", flat=True
        )
    )
    assert below == worse and below
    reporting = demo["outlook"].reporting
    missing = set(reporting.loc[reporting["received"].isna(), "subject"])
    late = set(Warning.objects.filter(rule_id_text="late_data").values_list("subject", flat=True))
    assert late == missing and late


def test_every_warning_explains_itself_in_chinese_with_numbers(demo):
    shown = Warning.objects.exclude(level="green")
    assert shown.filter(level="red").exists() and shown.filter(level="yellow").exists()
    for warning in shown:
        assert re.search(r"[\u4e00-\u9fff]", warning.message), warning.message
        assert re.search(r"\d", warning.message), warning.message
    assert Warning.objects.filter(rule_id_text="red_region_event", region_id="140800").exists()
    assert Warning.objects.filter(rule_id_text="budget_exhaustion").exists()


def test_officials_are_notified_of_their_own_regions_only(demo):
    users = {u.username: u for u in get_user_model().objects.all()}
    taiyuan = Region.objects.filter(adcode="140100") | Region.objects.filter(parent_id="140100")
    codes = set(taiyuan.values_list("adcode", flat=True))
    theirs = Notification.objects.filter(user=users["taiyuan"])
    assert theirs.exists()
    assert set(theirs.values_list("warning__region_id", flat=True)) <= codes
    assert not Notification.objects.filter(user=users["public"]).exists()
    acknowledged = Warning.objects.filter(status=Warning.Status.ACKNOWLEDGED).get()
    assert acknowledged.region_id == "140100" and acknowledged.acknowledged_by == users["taiyuan"]
