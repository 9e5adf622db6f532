"""The allocation workbench on the demo data: every method meets the province target, fairness
figures are shown, the table exports, and only province roles may open it."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from carbonctl.demo.synthetic import build_dataset
from carbonctl.web.audit.models import AuditEntry
from carbonctl.web.inventories import demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(db):
    return demo.load_demo(build_dataset(years=range(2019, 2021)))


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
