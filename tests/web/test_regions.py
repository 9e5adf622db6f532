"""Regions in the database, the regions API and page: loaded by migration from refdata."""

from __future__ import annotations

import pytest

from carbonctl.web.regions.models import Region

pytestmark = pytest.mark.django_db


def test_migrations_load_shanxi_its_cities_and_counties():
    assert Region.objects.get(adcode="140000").level == "province"
    assert Region.objects.filter(level="city").count() == 11
    assert Region.objects.filter(level="county").count() == 117
    assert set(Region.objects.filter(level="county").values_list("parent__level", flat=True)) == {
        "city"
    }
    assert Region.objects.filter(name_zh="城区").count() == 2  # 140302 and 140502


def test_api_lists_cities_and_declares_its_404(client):
    cities = client.get("/api/v1/regions", {"level": "city"}).json()
    assert [c["adcode"] for c in cities][:3] == ["140100", "140200", "140300"]
    assert cities[0]["name_zh"] == "太原市" and cities[0]["name_en"] == "Taiyuan"
    counties = client.get("/api/v1/regions", {"parent": "140100"}).json()
    assert len(counties) == 10
    assert client.get("/api/v1/regions", {"level": "village"}).status_code == 422
    missing = client.get("/api/v1/regions/999999")
    assert missing.status_code == 404
    schema = client.get("/api/v1/openapi.json").json()
    assert "404" in schema["paths"]["/api/v1/regions/{adcode}"]["get"]["responses"]


def test_page_is_chinese_by_default_and_english_on_request(client):
    page = client.get("/regions/")
    assert page.status_code == 200
    assert "太原市" in page.content.decode()
    english = client.get("/en/regions/")
    assert english.status_code == 200
    assert "Taiyuan" in english.content.decode()
