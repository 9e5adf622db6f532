"""The demo database: the synthetic dataset loaded through the platform gives back the CEADs
province totals, the demo users have their scopes, and the overview and inventory API answer."""

from __future__ import annotations

import pandas as pd
import pytest
from django.contrib.auth import get_user_model

from carbonctl.demo.synthetic import ceads_table
from carbonctl.display import format_quantity
from carbonctl.web.enterprises.models import Enterprise
from carbonctl.web.inventories.services import current_dataset, overview
from carbonctl.web.regions.models import Region
from carbonctl.web.submissions.models import Submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(demo_database, db):
    """The demo logins; the small demo is loaded once for the module (tests/web/conftest.py)."""
    return demo_database


def test_the_demo_gives_back_the_ceads_province_totals(loaded):
    totals = ceads_table("totals").set_index("year")["total_MtCO2"]
    data = overview(current_dataset(), 2020, Region.objects.all())
    by_year = {t["year"]: t["tco2"] / 1e6 for t in data["trend"]}
    assert by_year[2019] == pytest.approx(totals[2019], abs=1e-3)
    assert by_year[2020] == pytest.approx(totals[2020], abs=1e-3)
    assert len(data["cities"]) == 11
    assert sum(c["tco2"] for c in data["cities"]) / 1e6 == pytest.approx(totals[2020], abs=1e-3)
    assert data["total"]["intensity"] > 0


def test_demo_users_enterprises_and_a_reviewed_submission(loaded):
    assert Enterprise.objects.count() == 300
    assert get_user_model().objects.count() == len(loaded) == 8  # with the verifier (issue 18)
    submission = Submission.objects.get()
    assert (submission.status, submission.region_id) == ("approved", "140105")


def test_demo_logins_work_and_the_city_official_sees_one_city(client, loaded):
    city = next(login for login in loaded if login.username == "taiyuan")
    assert client.login(username=city.username, password=city.password)
    page = client.get("/", {"year": 2020})
    data = page.context["data"]
    assert [c["adcode"] for c in data["cities"]] == ["140100"]


def test_inventory_api_and_excel_export(client, loaded):
    client.login(username="analyst", password="demo-analyst-2024")
    body = client.get("/api/v1/inventories/140100", {"year": 2019}).json()
    matrix = pd.DataFrame(body["cells"])
    assert body["total_tco2"] == pytest.approx(matrix["tco2"].sum())
    assert {"sector", "fuel", "tco2"} <= set(matrix.columns)
    export = client.get("/inventory/140100/", {"year": 2019, "format": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    client.logout()
    client.login(username="xiaodian", password="demo-xiaodian-2024")
    assert client.get("/api/v1/inventories/140100", {"year": 2019}).status_code == 404
    assert client.get("/api/v1/inventories/140105", {"year": 2019}).status_code == 200


def test_pre_summed_city_cells_equal_the_sum_of_their_counties(loaded):
    from django.db.models import Sum

    from carbonctl.web.inventories.models import InventoryCell
    from carbonctl.web.inventories.services import region_matrix

    dataset = current_dataset()
    taiyuan = Region.objects.get(adcode="140100")
    city = {(c["sector"], c["fuel"]): c["tco2"] for c in region_matrix(dataset, taiyuan, 2020)}
    counties = {
        (r["sector"], r["fuel"]): r["t"]
        for r in InventoryCell.objects.filter(dataset=dataset, year=2020, region__parent=taiyuan)
        .values("sector", "fuel")
        .annotate(t=Sum("tco2"))
    }
    assert city.keys() == counties.keys()
    for cell, value in counties.items():
        assert city[cell] == pytest.approx(value, rel=1e-9)


def test_publishing_opens_figures_to_the_public(client, loaded):
    from carbonctl.web.audit.models import AuditEntry
    from carbonctl.web.inventories.models import Disclosure

    client.login(username="analyst", password="demo-analyst-2024")
    assert client.post("/disclosures/publish/", {"year": 2020}).status_code == 403
    assert not Disclosure.objects.exists()
    client.login(username="admin", password="demo-admin-2024")
    client.post("/disclosures/publish/", {"year": 2020})
    assert Disclosure.objects.filter(year=2020).count() == 12  # the province and 11 cities
    assert (
        AuditEntry.objects.filter(object_type="inventories.Disclosure", action="create").count()
        == 12
    )
    assert (
        AuditEntry.objects.filter(object_type="inventories.Disclosure", action="deny").count() == 1
    )
    client.logout()
    page = client.get("/disclosures/")  # anonymous visitors see published figures
    assert page.status_code == 200 and "山西省" in page.content.decode()
    client.login(username="public", password="demo-public-2024")
    home = client.get("/")  # but not the analysts' overview: their home shows what was published
    assert home.status_code == 200 and "data" not in home.context
    province = Disclosure.objects.get(year=2020, region_id="140000")
    assert format_quantity(province.tco2, "万吨", 1, grouping=True) in home.content.decode()
    assert client.get("/api/v1/inventories/140000", {"year": 2020}).status_code == 404


def test_drill_down_from_a_city_figure_to_its_county_cells(client, loaded):
    client.login(username="taiyuan", password="demo-taiyuan-2024")
    page = client.get("/inventory/140100/", {"year": 2020})
    matrix = page.context["matrix"]
    sector, fuel, value = max(
        (
            (row.sector, fuel, value)
            for group in matrix.groups
            for row in group.sectors
            for fuel, value in zip(matrix.fuels, row.values, strict=True)
            if value is not None
        ),
        key=lambda cell: cell[2],
    )
    cells = client.get("/inventory/140100/cells/", {"year": 2020, "sector": sector, "fuel": fuel})
    assert cells.status_code == 200
    assert cells.context["total"] == pytest.approx(value, rel=1e-9)
    assert {r["region"].parent_id for r in cells.context["rows"]} == {"140100"}
    assert page.context["chart"]["years"] == [2019, 2020]
    other = client.get("/inventory/140200/cells/", {"year": 2020, "sector": "x", "fuel": "y"})
    assert other.status_code == 404
