"""Factor pages: every factor set, its fuel parameters with status and source, grid factors,
Excel export; the UNCONFIRMED and SECONDARY labels stay visible."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from carbonctl.web.accounts.models import Role

pytestmark = pytest.mark.django_db


def test_factor_sets_and_a_set_with_sources(client, province):
    client.force_login(province["users"][Role.PROVINCE_ANALYST])
    sets = client.get("/factors/").content.decode()
    assert "GB/T 32150-2015" in sets and "NDRC-2013-guidelines" in sets
    page = client.get("/factors/set/GB/T 32150-2015/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "389.31" in html and "二手来源" in html and "GB/T 32151.22-2024" in html
    assert client.get("/factors/set/IPCC-1996/").status_code == 404


def test_grid_factors_page_shows_shanxi_and_exports(client, province):
    client.force_login(province["users"][Role.COUNTY_OFFICIAL])
    html = client.get("/factors/grid/").content.decode()
    assert "0.6634" in html and "公告2025年第47号" in html
    export = client.get("/factors/grid/", {"format": "xlsx"})
    rows = list(load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "因子编号"
    assert ("shanxi_2023" in {r[0] for r in rows}) and len(rows) == 65


def test_factor_pages_need_a_login(client):
    assert client.get("/factors/").status_code == 302


@pytest.mark.parametrize("scheme", ["gbt4754_2017", "electricity_use", "ceads"])
def test_sector_classification_pages(client, province, scheme):
    client.force_login(province["users"][Role.PROVINCE_ANALYST])
    page = client.get(f"/factors/sectors/{scheme}/")
    assert page.status_code == 200
    html = page.content.decode()
    if scheme == "gbt4754_2017":
        # GB/T 4754 division 06 and its CEADs sector, both by their Chinese names
        assert "煤炭开采和洗选业" in html and "Coal Mining and Dressing" not in html
        english = client.get(f"/en/factors/sectors/{scheme}/").content.decode()
        assert "Coal Mining and Dressing" in english
    assert client.get("/factors/sectors/nace/").status_code == 404
