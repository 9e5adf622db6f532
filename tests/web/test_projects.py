"""The project workflow on the platform (issue 15 item 3): filing by the owner, assessment with
the city impact, the held 两高 project in a red city, the signed opinion committing the project
to the budget ledger of its county, city and province, rejection and withdrawal restating it to
0, the acceptance check with its re-review warning at 110 %, and who may do and see what."""

from __future__ import annotations

import copy
import json
import subprocess
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from carbonctl.enterprises.uscc import check_character
from carbonctl.errors import InputError, InputErrors
from carbonctl.projects import assess, calculation_sheets, filing_from_mapping
from carbonctl.projects.reference import review_parameter
from carbonctl.warning import find_rule
from carbonctl.web.accounts.models import Role
from carbonctl.web.audit.models import AuditEntry
from carbonctl.web.budget import services as budgets
from carbonctl.web.budget.models import LedgerEntry
from carbonctl.web.projects import services
from carbonctl.web.projects.models import Acceptance, Opinion, Project
from carbonctl.web.warnings import services as warnings
from carbonctl.web.warnings.models import Warning

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

YEAR = 2023  # the control world's year in progress (monthly data to June)


def coal(tonnes: float) -> dict[str, object]:
    """Raw coal with a measured NCV of 29.3076 GJ/t: 1 t = 1 tce; 2.6183995992 tCO2/t."""
    return {
        "category": "combustion",
        "item": "原煤",
        "amount": tonnes,
        "unit": "t",
        "ncv": 29.3076,
        "carbon_content": 0.0262,
        "oxidation_rate": 0.93,
    }


def filing(owner, **fields) -> dict[str, object]:
    data = {
        "name": "测试电子材料项目",
        "owner": owner.credit_code,
        "region": owner.county_id,
        "industry": "39",
        "kind": "new",
        "year": YEAR,
        "products": [],
        "activities": [coal(20000)],
        "coal_rate_gce_per_kwh": 300,
        "value_added_10k_cny": 50000,
        "operating_share": 0.5,
        "capacity_replacement": None,
    }
    data.update(copy.deepcopy(fields))
    return data


@pytest.fixture
def world(control_world):
    """The control world with the 14th plan's budgets and 2023's actuals in the ledger, and the
    2022 barometer published: Datong red, Taiyuan green."""
    admin = control_world["users"][Role.PROVINCE_ADMIN]
    budgets.append_many(admin, budgets.derive_budgets("14th"), summary="budgets")
    budgets.append_many(admin, budgets.derive_actuals(YEAR), summary="actuals")
    warnings.publish(warnings.evaluate(2022), year=2022, month=None, user=admin)
    assert warnings.latest_barometer_level("140200") == "red"
    assert warnings.latest_barometer_level("140100") != "red"
    return control_world


def pdf_text(content: bytes) -> str:
    """The text of a PDF (poppler's pdftotext, as the budget report's test reads it)."""
    done = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True)
    return done.stdout.decode()


def ledger(region: str, kind: str, ref: str) -> float | None:
    """The latest amount of the project's entries of ``kind`` in ``region``'s ledger."""
    found = (
        LedgerEntry.objects.filter(region_id=region, kind=kind, source=f"project:{ref}")
        .order_by("-recorded_at", "-id")
        .first()
    )
    return None if found is None else found.amount_tco2


def test_the_whole_workflow_from_filing_to_the_commitment_in_the_budget(world):
    users = world["users"]
    reporter, reviewer = users[Role.ENTERPRISE_REPORTER], users[Role.REVIEWER]
    data = filing(world["taiyuan"])
    project = services.file_project(reporter, data, file_name="p.json")
    assert project.status == Project.Status.SUBMITTED and project.ref.startswith("XM-")
    assert project.city_id == "140100" and project.region_id == "140105"

    services.assess_project(reviewer, project)
    project.refresh_from_db()
    expected = assess(filing_from_mapping(data))
    assert project.status == Project.Status.ASSESSED
    assert project.co2_t == pytest.approx(20000 * 2.6183995992)
    assert project.co2_t == pytest.approx(expected.counted.co2_total)
    assert project.review_level == "province"  # 20,000 tce ≥ 10,000
    assert project.assessment["result"] == expected.to_json()
    amount = project.co2_t * 0.5  # × operating share
    assert project.ledger_tco2 == pytest.approx(amount)
    for region in ("140105", "140100", "140000"):  # county, city, province
        assert ledger(region, "pipeline", project.ref) == pytest.approx(amount)
    impact = project.assessment["impact"]
    headroom = impact["headroom_tco2"]
    assert impact["project_co2_t"] == pytest.approx(amount)
    assert impact["headroom_share"] == pytest.approx(amount / headroom)
    assert impact["barometer_before"] in ("green", "yellow", "red")
    # the project's own intensity (CO2 / value added, both × share) pulls the city's toward it
    own = amount / (50000 * 0.5)
    lower = impact["co2_intensity_after"] < impact["co2_intensity_before"]
    assert lower == (own < impact["co2_intensity_before"])

    before = budgets.show("140100", YEAR)["committed_tco2"]
    opinion = services.decide(
        reviewer, project, outcome="conditional", reasons="能效达到要求", conditions="落实余热回收"
    )
    project.refresh_from_db()
    assert project.status == Project.Status.CONDITIONAL
    assert opinion.number.startswith(f"晋碳评〔{opinion.signed_at.year}〕")
    assert opinion.committed_tco2 == pytest.approx(amount)
    assert opinion.assessment == project.assessment
    for region in ("140105", "140100", "140000"):
        assert ledger(region, "committed", project.ref) == pytest.approx(amount)
        assert ledger(region, "pipeline", project.ref) == 0.0
    assert budgets.show("140100", YEAR)["committed_tco2"] == pytest.approx(before + amount)
    assert budgets.show("140100", YEAR)["headroom_tco2"] == pytest.approx(headroom - amount)

    steps = AuditEntry.objects.filter(object_type="projects.Project", object_id=str(project.pk))
    assert [e.action for e in steps.order_by("at", "id")] == ["create", "update", "approve"]
    assert steps.get(action="approve").username == reviewer.username


def test_rejection_and_withdrawal_restate_the_ledger_to_zero(world):
    users = world["users"]
    reporter, reviewer = users[Role.ENTERPRISE_REPORTER], users[Role.REVIEWER]
    refused = services.file_project(reporter, filing(world["taiyuan"]))
    services.assess_project(reviewer, refused)
    services.decide(reviewer, refused, outcome="reject", reasons="能效不达标")
    refused.refresh_from_db()
    assert refused.status == Project.Status.REJECTED
    assert ledger("140100", "pipeline", refused.ref) == 0.0
    assert ledger("140100", "committed", refused.ref) is None  # never committed

    withdrawn = services.file_project(reporter, filing(world["taiyuan"]))
    services.assess_project(reviewer, withdrawn)
    assert ledger("140000", "pipeline", withdrawn.ref) > 0
    assert services.may_withdraw(reporter, withdrawn)
    services.withdraw(reporter, withdrawn, note="方案调整")
    withdrawn.refresh_from_db()
    assert withdrawn.status == Project.Status.CANCELLED
    assert ledger("140000", "pipeline", withdrawn.ref) == 0.0
    with pytest.raises(services.WorkflowError):
        services.assess_project(reviewer, withdrawn)


def test_prohibited_new_capacity_cannot_be_approved(world):
    users = world["users"]
    reviewer = users[Role.REVIEWER]
    coking = filing(
        world["qingxu"],
        name="新建焦化项目",
        industry="2521",
        products=[
            {
                "product": "焦炭（顶装焦炉）",
                "capacity": 100,
                "unit": "万t",
                "design_specific_energy": 100,
                "specific_energy_unit": "kgce/t",
            }
        ],
    )
    project = services.file_project(users[Role.PROVINCE_ANALYST], coking)
    services.assess_project(reviewer, project)
    project.refresh_from_db()
    assert project.prohibited and project.two_high
    with pytest.raises(services.WorkflowError, match="prohibited"):
        services.decide(reviewer, project, outcome="approve", reasons="同意")
    project.refresh_from_db()
    assert project.status == Project.Status.ASSESSED
    assert not Opinion.objects.filter(project=project).exists()
    services.decide(reviewer, project, outcome="reject", reasons="严禁新增焦化产能")
    project.refresh_from_db()
    assert project.status == Project.Status.REJECTED


def test_a_new_two_high_project_in_a_red_city_is_held_with_the_rule_named(world):
    users = world["users"]
    reviewer, analyst = users[Role.REVIEWER], users[Role.PROVINCE_ANALYST]
    methanol = filing(world["datong"], name="大同甲醇项目", industry="2614")
    held = services.file_project(analyst, methanol)
    services.assess_project(reviewer, held)
    held.refresh_from_db()
    assert held.status == Project.Status.HELD and held.two_high
    rule = find_rule("red_region_event")
    assert rule.name_zh in held.hold_reason and "red_region_event" in held.hold_reason
    event = Warning.objects.get(rule_id_text="red_region_event", subject=held.ref)
    assert event.level == "red" and event.region_id == "140212"
    assert ledger("140200", "pipeline", held.ref) == pytest.approx(held.ledger_tco2)
    with pytest.raises(services.WorkflowError, match="held"):
        services.decide(reviewer, held, outcome="approve", reasons="同意")
    # a retrofit in the same red city is not held; nor is a project that is not 两高
    for fields in ({"kind": "retrofit", "baseline": [coal(19000)]}, {"industry": "39"}):
        other = services.file_project(analyst, {**methanol, **fields})
        services.assess_project(reviewer, other)
        other.refresh_from_db()
        assert other.status == Project.Status.ASSESSED, fields


@pytest.mark.parametrize(
    ("ratio", "status", "warned"),
    [(1.05, "accepted", False), (1.10, "re_review", True), (1.25, "re_review", True)],
)
def test_the_acceptance_check_triggers_re_review_at_110_percent(world, ratio, status, warned):
    users = world["users"]
    reviewer = users[Role.REVIEWER]
    project = services.file_project(users[Role.ENTERPRISE_REPORTER], filing(world["taiyuan"]))
    services.assess_project(reviewer, project)
    services.decide(reviewer, project, outcome="approve", reasons="同意")
    approved = project.assessment["project"]["co2_total"]  # annual, not × operating share
    check = services.record_acceptance(
        reviewer, project, year=YEAR + 1, actual_co2_t=approved * ratio, note="投产首年"
    )
    project.refresh_from_db()
    assert check.ratio == pytest.approx(ratio) and check.approved_co2_t == approved
    assert project.status == status
    found = Warning.objects.filter(rule_id_text="project_overrun", subject=project.ref)
    assert found.exists() is warned
    if warned:
        assert found.get().level == "red" and "重新审查" in found.get().measure
        services.assess_project(reviewer, project)  # re-review: assessed again
        project.refresh_from_db()
        assert project.status == Project.Status.ASSESSED


def test_the_warning_rule_and_the_review_rule_share_the_re_review_ratio():
    ratio = review_parameter("re_review", "actual_over_approved").value
    assert find_rule("project_overrun").parameters["red_ratio"] == ratio


def test_filing_is_checked_against_the_owner_and_the_filers_regions(world):
    users = world["users"]
    reporter = users[Role.ENTERPRISE_REPORTER]
    with pytest.raises(InputError, match="not your enterprise") as caught:
        services.file_project(reporter, filing(world["datong"]))
    assert caught.value.column == "owner"
    with pytest.raises(InputError, match="outside your regions"):
        services.file_project(users[Role.COUNTY_OFFICIAL], filing(world["qingxu"]))
    stranger = "91140105MA0000009"  # a valid code of no enterprise on the platform
    unknown = {**filing(world["taiyuan"]), "owner": stranger + check_character(stranger)}
    with pytest.raises(InputError, match="not an enterprise on the platform"):
        services.file_project(users[Role.PROVINCE_ANALYST], unknown)
    with pytest.raises(InputErrors):  # the core's validation comes first
        services.file_project(users[Role.PROVINCE_ANALYST], {**unknown, "kind": "rebuild"})
    with pytest.raises(services.WorkflowError):
        services.file_project(users[Role.REVIEWER], filing(world["taiyuan"]))
    assert not Project.objects.exists()


def test_who_reviews_a_project(world):
    users = world["users"]
    admin, reviewer = users[Role.PROVINCE_ADMIN], users[Role.REVIEWER]
    taiyuan = users[Role.CITY_OFFICIAL]
    small = services.file_project(
        users[Role.ENTERPRISE_REPORTER], filing(world["taiyuan"], activities=[coal(3000)])
    )
    big = services.file_project(users[Role.ENTERPRISE_REPORTER], filing(world["taiyuan"]))
    own = services.file_project(admin, filing(world["taiyuan"]))
    for p in (small, big):
        services.assess_project(reviewer, p)
        p.refresh_from_db()
    assert (small.review_level, big.review_level) == ("city", "province")
    assert services.may_review(taiyuan, small)  # the city reviews its city-level projects
    assert not services.may_review(taiyuan, big)
    assert not services.may_review(users[Role.COUNTY_OFFICIAL], small)
    assert not services.may_review(admin, own)  # never one's own filing
    with pytest.raises(services.WorkflowError):
        services.assess_project(admin, own)
    services.decide(taiyuan, small, outcome="approve", reasons="同意")
    with pytest.raises(services.WorkflowError):
        services.decide(taiyuan, big, outcome="approve", reasons="同意")


def test_each_role_sees_its_own_projects(world):
    users = world["users"]
    analyst = users[Role.PROVINCE_ANALYST]
    mine = services.file_project(users[Role.ENTERPRISE_REPORTER], filing(world["taiyuan"]))
    qingxu = services.file_project(analyst, filing(world["qingxu"]))
    datong = services.file_project(analyst, filing(world["datong"]))
    seen = {role: set(services.projects_for(u)) for role, u in users.items()}
    assert seen[Role.PROVINCE_ADMIN] == seen[Role.REVIEWER] == {mine, qingxu, datong}
    assert seen[Role.CITY_OFFICIAL] == {mine, qingxu}
    assert seen[Role.COUNTY_OFFICIAL] == {mine}
    assert seen[Role.ENTERPRISE_REPORTER] == {mine}
    assert seen[Role.PUBLIC] == set()


# --- the pages ----------------------------------------------------------------------------------


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_a_reviewer_takes_a_filing_to_a_signed_opinion_in_the_web_app(world, client):
    users = world["users"]
    page = login(client, users[Role.ENTERPRISE_REPORTER])
    body = json.dumps(filing(world["taiyuan"]), ensure_ascii=False).encode()
    response = page.post("/projects/new/", {"file": SimpleUploadedFile("p.json", body)})
    assert response.status_code == 302
    project = Project.objects.get()
    detail = page.get(response["Location"]).content.decode()
    assert "已申报" in detail and "受理并评估" not in detail  # the owner cannot assess
    page.logout()

    page = login(client, users[Role.REVIEWER])
    assert page.post(f"/projects/{project.pk}/assess/").status_code == 302
    shown = page.get(f"/projects/{project.pk}/").content.decode()
    assert "省级审查" in shown and 'id="opinion-form"' in shown
    response = page.post(
        f"/projects/{project.pk}/decide/",
        {"outcome": "approve", "reasons": "项目能效达到标杆水平，同意。"},
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == Project.Status.APPROVED
    pdf = page.get(f"/projects/{project.pk}/opinion.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    opinion = project.opinions.get()
    for expected in (opinion.number, "审查意见", "项目能效达到标杆水平", "计算书", project.name):
        assert expected in text, expected
    workbook = page.get(f"/projects/{project.pk}/calculation.xlsx")
    assert workbook.status_code == 200
    sheets = load_workbook(BytesIO(workbook.content), read_only=True).sheetnames
    assert len(sheets) == len(
        calculation_sheets(
            services.run_assessment(project),
            impact=services.stored_impact(project),
            decision=services.decision_of(opinion),
        )
    )
    budget = page.get(f"/budget/140100/?year={YEAR}").content.decode()
    assert f"项目 · {project.ref}" in budget  # the ledger names the project


def test_bad_files_and_steps_are_refused_with_the_field_named(world, client):
    users = world["users"]
    page = login(client, users[Role.ENTERPRISE_REPORTER])
    bad = filing(
        world["taiyuan"],
        products=[
            {
                "product": "x",
                "capacity": -5,
                "unit": "t",
                "design_specific_energy": 1,
                "specific_energy_unit": "kgce/t",
            }
        ],
    )
    body = json.dumps(bad).encode()
    response = page.post("/projects/new/", {"file": SimpleUploadedFile("bad.json", body)})
    assert response.status_code == 422
    assert "products[0].capacity" in response.content.decode()
    response = page.post("/projects/new/", {"file": SimpleUploadedFile("x.txt", b"{}")})
    assert response.status_code == 422
    assert not Project.objects.exists()

    project = services.file_project(users[Role.ENTERPRISE_REPORTER], filing(world["taiyuan"]))
    # the owner may not assess: refused and audited
    assert page.post(f"/projects/{project.pk}/assess/").status_code == 403
    assert AuditEntry.objects.filter(action="deny", object_id=str(project.pk)).exists()
    page.logout()
    # another city's official and the public: 404, audited
    datong = services.file_project(users[Role.PROVINCE_ANALYST], filing(world["datong"]))
    page = login(client, users[Role.CITY_OFFICIAL])
    assert page.get(f"/projects/{datong.pk}/").status_code == 404
    assert AuditEntry.objects.filter(action="deny", object_id=str(datong.pk)).exists()
    page.logout()
    page = login(client, users[Role.PUBLIC])
    assert page.get("/projects/").status_code == 404
    reviewer = login(client, users[Role.REVIEWER])
    reviewer.post(f"/projects/{project.pk}/assess/")
    response = reviewer.post(
        f"/projects/{project.pk}/decide/", {"outcome": "conditional", "reasons": "x"}
    )
    assert response.status_code == 422 and "conditions" in response.content.decode()
    assert not Acceptance.objects.exists()


def test_english_pages_show_no_chinese_but_data(world, client):
    from carbonctl.web.regions.models import Region

    from .test_i18n import CJK, visible_text

    users = world["users"]
    reviewer = users[Role.REVIEWER]
    project = services.file_project(users[Role.PROVINCE_ANALYST], filing(world["taiyuan"]))
    services.assess_project(reviewer, project)
    project.refresh_from_db()
    stored = project.assessment
    # data: names, the core's Chinese review hints and notes, the reference tables' texts
    data = {project.name, project.industry_name, "简体中文", *stored["result"]["decision_hints"]}
    data |= {*stored["impact_notes"], *Region.objects.values_list("name_zh", flat=True)}
    data |= {world["taiyuan"].name_zh}
    data |= set(AuditEntry.objects.values_list("summary", flat=True))  # the history, as stored
    login(client, reviewer)
    for path, english in (
        ("/en/projects/", "Energy review and carbon evaluation of investment projects"),
        (f"/en/projects/{project.pk}/", "Points for the reviewer"),
        ("/en/projects/new/", "File an investment project"),
    ):
        if path.endswith("new/"):
            login(client, users[Role.PROVINCE_ANALYST])
        html = client.get(path).content.decode()
        assert english in html, path
        text = visible_text(html)
        for value in sorted(data, key=len, reverse=True):
            text = text.replace(value, "")
        assert [line for line in text.splitlines() if CJK.search(line)] == [], path


def test_a_year_outside_the_plans_has_no_ledger_and_says_so(world):
    users = world["users"]
    reviewer = users[Role.REVIEWER]
    project = services.file_project(
        users[Role.PROVINCE_ANALYST], filing(world["taiyuan"], year=2020)
    )
    services.assess_project(reviewer, project)
    services.decide(reviewer, project, outcome="approve", reasons="同意")
    project.refresh_from_db()
    assert project.status == Project.Status.APPROVED
    assert not LedgerEntry.objects.filter(source=f"project:{project.ref}").exists()
    assert any("不在已知五年规划期内" in n for n in project.assessment["impact_notes"])


def test_a_project_sent_to_re_review_is_revised_by_its_owner_and_assessed_again(world, client):
    users = world["users"]
    reporter, reviewer = users[Role.ENTERPRISE_REPORTER], users[Role.REVIEWER]
    project = services.file_project(reporter, filing(world["taiyuan"]))
    services.assess_project(reviewer, project)
    services.decide(reviewer, project, outcome="approve", reasons="同意")
    approved = project.assessment["project"]["co2_total"]
    services.record_acceptance(reviewer, project, year=YEAR, actual_co2_t=approved * 1.2)
    assert not services.may_revise(users[Role.PROVINCE_ANALYST], project)  # not the owner
    bigger = filing(world["taiyuan"], activities=[coal(24000)], year=YEAR + 1)
    page = login(client, reporter)
    body = json.dumps(bigger, ensure_ascii=False).encode()
    response = page.post(
        f"/projects/{project.pk}/revise/", {"file": SimpleUploadedFile("v2.json", body)}
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == Project.Status.SUBMITTED and project.year == YEAR + 1
    assert ledger("140100", "pipeline", project.ref) == 0.0  # the old year's pipeline
    # another place is refused (a new project is filed instead), nothing changed
    elsewhere = {**bigger, "region": "140121"}
    with pytest.raises(InputError, match="keeps the project's owner and place"):
        services.revise(reporter, project, elsewhere)
    project.refresh_from_db()
    assert project.region_id == "140105"
    services.assess_project(reviewer, project)
    project.refresh_from_db()
    assert project.co2_t == pytest.approx(24000 * 2.6183995992)
    moved = LedgerEntry.objects.filter(
        region_id="140100", year=YEAR + 1, kind="pipeline", source=f"project:{project.ref}"
    ).get()
    assert moved.amount_tco2 == pytest.approx(project.ledger_tco2)
    services.decide(reviewer, project, outcome="approve", reasons="同意")
    with pytest.raises(services.WorkflowError):
        services.revise(reporter, project, bigger)
