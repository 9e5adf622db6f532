"""The allocation workbench on the demo data: every method meets the province target, fairness
figures are shown, the table exports, and only province roles may open it."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from carbonctl.web.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(demo_database, db):
    """The demo logins; the small demo is loaded once for the module (tests/web/conftest.py)."""
    return demo_database


def test_methods_side_by_side_meet_the_target(client, loaded):
    client.login(username="analyst", password="demo-analyst-2024")
    page = client.get("/targets/allocation/", {"target": 0.17, "base_year": 2020})
    assert page.status_code == 200
    context = page.context
    assert context["error"] == "" and context["problems"] == {}
    assert set(context["methods"]) == {"equal", "grandfather", "per_capita", "gdp", "entropy_index"}
    assert len(context["rows"]) == 11
    for figures in context["fairness"]:
        assert figures["achieved"] == pytest.approx(0.17, abs=1e-9)
        assert 0 <= figures["gini_per_capita_cap"] < 1
    export = client.get(
        "/targets/allocation/", {"target": 0.17, "base_year": 2020, "format": "xlsx"}
    )
    rows = list(load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True))
    assert len(rows) == 12


def test_a_year_without_data_says_so(client, loaded):
    client.login(username="analyst", password="demo-analyst-2024")
    page = client.get("/targets/allocation/", {"base_year": 2010})
    assert "2010" in page.context["error"]


@pytest.mark.parametrize("username", ["taiyuan", "xiaodian", "reporter", "public"])
def test_only_province_roles_open_the_workbench(client, loaded, username):
    client.login(username=username, password=f"demo-{username}-2024")
    assert client.get("/targets/allocation/").status_code == 404
    assert AuditEntry.objects.filter(action="deny", object_type="targets.workbench").exists()


def test_proposing_reviewing_and_tracking_an_allocation(client, loaded):
    from carbonctl.web.targets.models import Proposal, Target

    client.login(username="analyst", password="demo-analyst-2024")
    response = client.post(
        "/targets/allocation/propose/",
        {
            "method": "entropy_index",
            "target": 0.18,
            "base_year": 2019,
            "growth": 0.05,
            "plan": "test plan",
        },
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and proposal.status == "pending"
    assert proposal.achieved == pytest.approx(0.18, abs=1e-9) and len(proposal.reductions) == 11
    assert not Target.objects.exists()
    # the analyst cannot approve, nor can the author
    assert (
        client.post(
            f"/targets/proposals/{proposal.pk}/review/", {"decision": "approve"}
        ).status_code
        == 403
    )
    client.login(username="reviewer", password="demo-reviewer-2024")
    client.post(f"/targets/proposals/{proposal.pk}/review/", {"decision": "approve"})
    proposal.refresh_from_db()
    assert proposal.status == "approved"
    assert Target.objects.count() == 12  # the province and 11 cities
    assert AuditEntry.objects.filter(object_type="targets.Target", action="create").count() == 12
    tree = client.get("/targets/", {"plan": "test plan", "year": 2020})
    rows = tree.context["rows"]
    assert len(rows) == 12
    province = next(r for r in rows if r["target"].region_id == "140000")
    assert province["required_cumulative"] == pytest.approx(1 - 0.82**0.2)
    assert province["achieved"] is not None and province["status"] in {
        "ahead",
        "on track",
        "behind",
    }
    client.login(username="taiyuan", password="demo-taiyuan-2024")
    own = client.get("/targets/", {"plan": "test plan", "year": 2020}).context["rows"]
    assert [r["target"].region_id for r in own] == ["140100"]


def test_city_assessment_ranking_excel_and_a_chinese_pdf(client, loaded, tmp_path):
    import subprocess

    client.login(username="analyst", password="demo-analyst-2024")
    page = client.get("/targets/assessment/", {"year": 2020})
    assert page.status_code == 200 and page.context["error"] == ""
    rows = page.context["rows"]
    assert [r["rank"] for r in rows] == sorted(r["rank"] for r in rows) and len(rows) == 11
    assert rows[0]["score"] >= rows[-1]["score"]
    assert sum(page.context["weights"].values()) == pytest.approx(1.0)
    assert len(page.context["radar"]["cities"]) == 11
    export = client.get("/targets/assessment/", {"year": 2020, "format": "xlsx"})
    assert len(list(load_workbook(BytesIO(export.content)).active.iter_rows())) == 12
    pdf = client.get("/targets/assessment/", {"year": 2020, "format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    path = tmp_path / "assessment.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    # the Chinese font is embedded: the text comes back as Chinese, not as empty boxes
    assert "城市综合评价" in text and "太原市" in text
    client.login(username="taiyuan", password="demo-taiyuan-2024")
    assert client.get("/targets/assessment/", {"year": 2020}).status_code == 404


def test_a_city_target_is_split_among_its_counties(client, loaded):
    from carbonctl.targets import achieved
    from carbonctl.web.inventories.services import current_dataset
    from carbonctl.web.targets.models import Proposal, Target
    from carbonctl.web.targets.services import region_table

    client.login(username="analyst", password="demo-analyst-2024")
    client.post(
        "/targets/allocation/propose/",
        {"method": "equal", "target": 0.18, "base_year": 2019, "growth": 0.05, "plan": "p"},
    )
    client.login(username="reviewer", password="demo-reviewer-2024")
    client.post(f"/targets/proposals/{Proposal.objects.get().pk}/review/", {"decision": "approve"})
    taiyuan = Target.objects.get(region_id="140100")
    client.login(username="xiaodian", password="demo-xiaodian-2024")  # a county official
    assert client.post(f"/targets/{taiyuan.pk}/decompose/", {"method": "gdp"}).status_code in (
        403,
        404,
    )
    client.login(username="taiyuan", password="demo-taiyuan-2024")  # the city's official
    client.post(f"/targets/{taiyuan.pk}/decompose/", {"method": "gdp"})
    counties = Target.objects.filter(region__parent_id="140100")
    assert counties.count() == 10
    table = region_table(current_dataset(), 2019, 0.05, level="county", parent="140100")
    reductions = [counties.get(region_id=r).reduction for r in table["region"]]
    # the counties together meet the city's target exactly
    assert achieved(table, reductions) == pytest.approx(taiyuan.reduction, abs=1e-9)
    tree = client.get("/targets/", {"plan": "p", "year": 2020}).context["rows"]
    assert len(tree) == 11  # Taiyuan and its ten counties


# --- the JSON API ------------------------------------------------------------------------------


def test_api_compares_the_methods_as_a_long_table(client, loaded):
    from carbonctl.targets import workbench_methods

    client.login(username="analyst", password="demo-analyst-2024")
    answer = client.get("/api/v1/targets/allocation", {"target": 0.17, "base_year": 2020})
    assert answer.status_code == 200
    body = answer.json()
    rows = body["rows"]
    assert len(rows) == 11 * len(workbench_methods())
    assert {r["method"] for r in rows} == set(workbench_methods())
    assert all(r["error"] is None for r in rows)
    assert all(r["achieved"] == pytest.approx(0.17, abs=1e-9) for r in rows)
    # the cited 15th plan is the default plan
    assert body["plan"] == "15th FYP"


def test_api_a_year_without_data_is_a_422_with_the_reason(client, loaded):
    client.login(username="analyst", password="demo-analyst-2024")
    answer = client.get("/api/v1/targets/allocation", {"base_year": 2010})
    assert answer.status_code == 422 and "2010" in answer.json()["detail"]
    answer = client.get("/api/v1/targets/allocation", {"target": "lots"})
    assert answer.status_code == 422


def test_api_lists_the_method_registry(client, loaded):
    from carbonctl.targets import METHODS

    client.login(username="taiyuan", password="demo-taiyuan-2024")
    methods = client.get("/api/v1/targets/methods").json()
    assert [m["name"] for m in methods] == list(METHODS)
    dea = next(m for m in methods if m["name"] == "zsg_dea")
    assert not dea["on_platform"] and {"labor", "capital"} <= set(dea["inputs"])


@pytest.mark.parametrize("username", ["taiyuan", "xiaodian", "reporter", "public"])
def test_api_allocation_and_assessment_are_for_province_roles(client, loaded, username):
    client.login(username=username, password=f"demo-{username}-2024")
    assert client.get("/api/v1/targets/allocation", {"base_year": 2020}).status_code == 404
    assert client.get("/api/v1/targets/assessment", {"year": 2020}).status_code == 404
    assert AuditEntry.objects.filter(action="deny", object_type="targets.workbench").exists()
    assert AuditEntry.objects.filter(action="deny", object_type="targets.assessment").exists()


def test_api_needs_a_login(client, loaded):
    for path in (
        "/api/v1/targets/allocation",
        "/api/v1/targets/assessment",
        "/api/v1/targets/targets",
    ):
        assert client.get(path).status_code == 401


def test_api_assessment_ranks_the_cities(client, loaded):
    client.login(username="analyst", password="demo-analyst-2024")
    body = client.get("/api/v1/targets/assessment", {"year": 2020}).json()
    ranks = [c["rank"] for c in body["cities"]]
    assert ranks == sorted(ranks) and len(ranks) == 11
    assert sum(body["weights"].values()) == pytest.approx(1.0)
    assert set(body["cities"][0]["indicators"]) == set(body["weights"])


def test_api_targets_stay_within_the_callers_regions(client, loaded):
    from carbonctl.web.targets.models import Proposal

    client.login(username="analyst", password="demo-analyst-2024")
    client.post(
        "/targets/allocation/propose/",
        {"method": "equal", "target": 0.18, "base_year": 2019, "growth": 0.05, "plan": "p"},
    )
    client.login(username="reviewer", password="demo-reviewer-2024")
    client.post(f"/targets/proposals/{Proposal.objects.get().pk}/review/", {"decision": "approve"})
    assert len(client.get("/api/v1/targets/targets", {"plan": "p"}).json()) == 12
    client.login(username="taiyuan", password="demo-taiyuan-2024")
    own = client.get("/api/v1/targets/targets", {"plan": "p"}).json()
    assert [t["region"] for t in own] == ["140100"]
    assert client.get("/api/v1/targets/targets/140100").json()[0]["plan"] == "p"
    # another city's targets: 404, and the attempt is logged
    assert client.get("/api/v1/targets/targets/140200").status_code == 404
    assert AuditEntry.objects.filter(action="deny", object_id="140200").exists()
    for username in ("reporter", "public"):
        client.login(username=username, password=f"demo-{username}-2024")
        assert client.get("/api/v1/targets/targets", {"plan": "p"}).status_code == 404
        assert client.get("/api/v1/targets/targets/140100").status_code == 404
