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
from carbonctl.web.market.models import Allocation, Compliance, EtsUnit, Verification
from carbonctl.web.projects.models import Project
from carbonctl.web.regions.models import Region
from carbonctl.web.warnings.models import Notification, Warning

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(control_demo):
    return control_demo


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
    for year in (2026, 2027):
        at_province = budgets.show("140000", year)
        cities = [budgets.show(c.adcode, year) for c in Region.objects.filter(level="city")]
        for kind in ("committed_tco2", "pipeline_tco2"):
            assert at_province[kind] == pytest.approx(sum(c[kind] for c in cities)), (year, kind)
    projects = Project.objects.exclude(ledger_tco2=None)
    committed = projects.filter(status__in=["approved", "conditional", "accepted", "re_review"])
    pipeline = projects.filter(status__in=["assessed", "held"])
    assert committed.exists() and pipeline.exists()
    for year in (2026, 2027):
        assert budgets.show("140000", year)["committed_tco2"] == pytest.approx(
            sum(p.ledger_tco2 for p in committed if p.year == year)
        )
        assert budgets.show("140000", year)["pipeline_tco2"] == pytest.approx(
            sum(p.ledger_tco2 for p in pipeline if p.year == year)
        )
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
    held = Project.objects.get(status="held")
    assert Warning.objects.filter(rule_id_text="red_region_event", subject=held.ref).exists()
    overrun = Project.objects.get(status="re_review")
    assert Warning.objects.get(rule_id_text="project_overrun", subject=overrun.ref).level == "red"
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


def test_the_demo_projects_are_in_every_state_of_the_workflow(demo):
    from carbonctl.demo.projects import STATES

    assert demo["counts"]["projects"] == Project.objects.count() == 12
    assert set(Project.objects.values_list("status", flat=True)) == set(STATES)
    assert Project.objects.values("city_id").distinct().count() >= 8
    held = Project.objects.get(status="held")
    assert "red_region_event" in held.hold_reason and held.two_high
    assert Project.objects.get(status="rejected").prohibited


def test_a_reviewer_takes_a_demo_filing_to_a_signed_opinion(demo, client):
    """Issue 15's "Done when": in the web app, a filed demo project is assessed and its opinion
    signed by the reviewer; the city's budget page then shows the commitment."""
    from carbonctl.web.demo import demo_logins

    password = {login.username: login.password for login in demo_logins()}
    assert client.login(username="reviewer", password=password["reviewer"])
    project = Project.objects.get(status="submitted")
    listed = client.get("/projects/?status=submitted").content.decode()
    assert project.name in listed
    assert client.post(f"/projects/{project.pk}/assess/").status_code == 302
    project.refresh_from_db()
    assert project.status == "assessed" and project.ledger_tco2 > 0
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert "审查要点" in page and "对所在市目标和预算的影响" in page
    response = client.post(
        f"/projects/{project.pk}/decide/",
        {"outcome": "approve", "reasons": "经审查，项目能效和排放符合要求，同意。"},
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == "approved"
    pdf = client.get(f"/projects/{project.pk}/opinion.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    budget = client.get(f"/budget/{project.city_id}/?year={project.year}").content.decode()
    assert f"项目 · {project.ref}" in budget  # the ledger names the project
    shown = budgets.show(project.city_id, project.year)
    entry = LedgerEntry.objects.filter(
        region_id=project.city_id, kind="committed", source=f"project:{project.ref}"
    ).get()
    assert entry.amount_tco2 == pytest.approx(project.ledger_tco2)
    assert shown["committed_tco2"] >= entry.amount_tco2


# --- the carbon market in the demo (issue 18): the power enterprises as ETS units with the
# reporter's own, allocations, verifications (one explained), compliance with a few shortfalls


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


def test_the_demo_meters_raise_calibration_warnings_and_the_reporter_has_meters(demo):
    from carbonctl.web.metrology.models import Meter

    assert demo["counts"]["meters"] == Meter.objects.count() > 0
    reporter = get_user_model().objects.get(username="reporter")
    own = Meter.objects.filter(enterprise=reporter.profile.enterprise)
    assert own.count() > 0 and own.filter(due_on__lt="2026-01-31").exists()
    raised = Warning.objects.filter(rule_id_text="calibration_overdue", level="red")
    subjects = set(raised.values_list("subject", flat=True))
    assert reporter.profile.enterprise.credit_code in subjects and len(subjects) > 1


def test_demo_key_units_the_reporter_sees_its_own_unit_filled(client, demo):
    """Issue 18 part 1: the demo's 2024 registry (the inventory here has 2024–2025) lists dozens
    of units; the reporter's power plant is a key energy-using and ETS unit from its approved
    submission, with grade, target and reports; the county grade map is filled."""
    from carbonctl.web.demo import demo_logins
    from carbonctl.web.enterprises.models import Designation, UnitYear

    counts = demo["counts"]
    assert counts["key_energy_users_2024"] >= 24 and counts["ets_units_2024"] >= 12
    assert counts["saving_targets"] == counts["key_energy_users_2024"]
    password = {login.username: login.password for login in demo_logins()}
    assert client.login(username="reporter", password=password["reporter"])
    own = get_user_model().objects.get(username="reporter").profile.enterprise
    assert set(own.designations.values_list("kind", flat=True)) == {"key_energy_user", "ets_unit"}
    unit = UnitYear.objects.get(enterprise=own, year=2024)
    assert unit.submission_ids and unit.value_added_10k_cny > 0
    listed = client.get("/enterprises/").content.decode()
    assert own.name_zh in listed and listed.count("/reports/") == 0
    assert Designation.objects.filter(year=2024).exclude(enterprise=own).exists()
    page = client.get(f"/enterprises/{own.pk}/").content.decode()
    assert 'id="key-unit"' in page and "saving-targets" in page and 'id="grade"' in page
    assert client.get(f"/enterprises/{own.pk}/reports/2024/energy.xlsx").status_code == 200
    other = Designation.objects.exclude(enterprise=own).first().enterprise_id
    assert client.get(f"/enterprises/{other}/").status_code == 404
    assert client.login(username="admin", password=password["admin"])
    grades = client.get("/enterprises/grades/").content.decode()
    assert grades.count("data-adcode=") >= 30


# --- issue 18's acceptance: the demo shows key units, the ETS board and metrology to the
# province administrator and to one enterprise's reporter (its own unit only)


@pytest.mark.parametrize("username", ["admin", "reporter"])
def test_key_units_ets_board_and_metrology_for_the_administrator_and_a_reporter(
    demo, client, username
):
    user = get_user_model().objects.get(username=username)
    client.force_login(user)
    menu = client.get("/").content.decode()
    for page in ("/enterprises/", "/market/", "/metrology/"):
        assert f'href="{page}"' in menu, page
    units = client.get("/enterprises/", {"year": 2024}).content.decode()
    board = client.get("/market/", {"year": 2024})
    meters = client.get("/metrology/").content.decode()
    # the reporter's power plant, which the administrator sees among all the others
    own = get_user_model().objects.get(username="reporter").profile.enterprise
    assert own.name_zh in units and own.name_zh in meters
    enterprises = {row.unit.enterprise_id for row in board.context["rows"]}
    if username == "reporter":
        assert enterprises == {own.pk}
    else:
        assert len(enterprises) > 10
    page = client.get(f"/enterprises/{own.pk}/").content.decode()
    for section in ('id="key-unit"', 'id="ets"', 'id="metrology"'):
        assert section in page, section


def test_the_demo_footprints_coke_and_cement_are_graded_and_export_pact(demo, client):
    """Issue 19's "Done when": the demo enterprise's coke and cement studies on the starter
    background, each with a label grade and a PACT export that validates; its reporter logs in
    with the printed demo login and sees its own studies only; the grades page has content."""
    import json

    from carbonctl.footprint.pact import validate_pact
    from carbonctl.web.demo import current_logins
    from carbonctl.web.footprint import services
    from carbonctl.web.footprint.demo import ENTERPRISE_NAME, LOGIN
    from carbonctl.web.footprint.models import BackgroundVersion, FootprintStudy

    counts = demo["counts"]
    assert counts["footprint_background_processes"] > 100 and counts["footprint_verified"] >= 11
    assert BackgroundVersion.objects.count() == 1
    own = FootprintStudy.objects.filter(enterprise__name_zh=ENTERPRISE_NAME)
    assert sorted(own.values_list("product", flat=True)) == ["水泥", "焦炭"]
    coke, cement = own.get(product="焦炭"), own.get(product="水泥")
    assert 300 < coke.score < 1500 and 500 < cement.score < 1000  # kgCO2e per t
    assert coke.grade_detail["basis"] == "percentile"  # ranked among the verified coke studies
    assert cement.grade_detail["reference_kind"] == "cited_average"
    # verified through the verifier's opinion: the coke study (PACT with assurance), not cement
    assert coke.verified and coke.verifier.username == "verifier" and coke.verified_at
    assert cement.verifier == coke.verifier and not cement.verified
    assert "assurance" in services.pact_document(coke)["pcf"]
    verified = FootprintStudy.objects.filter(verified=True)
    assert verified.count() == counts["footprint_verified"]
    assert not verified.filter(verifier__isnull=True).exists()
    login = next(x for x in current_logins() if x.username == LOGIN[0])
    assert client.login(username=login.username, password=login.password)
    listed = client.get("/footprint/").content.decode()
    assert listed.count('href="/footprint/') >= 2 and "示例" in listed
    assert FootprintStudy.objects.exclude(enterprise__name_zh=ENTERPRISE_NAME).exists()
    for study in (coke, cement):
        assert f'href="/footprint/{study.pk}/"' in listed
        document = json.loads(client.get(f"/footprint/{study.pk}/pact.json").content)
        validate_pact(document)
    other = FootprintStudy.objects.exclude(enterprise__name_zh=ENTERPRISE_NAME).first()
    assert client.get(f"/footprint/{other.pk}/").status_code == 404
    grades = client.get("/footprint/grades/").content.decode()
    assert 'id="grades-by-product"' in grades and 'id="references"' in grades
