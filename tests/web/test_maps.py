"""Map boundaries served locally: Shanxi's 11 cities and 117 counties, joined by adcode."""

from __future__ import annotations

import pytest

from carbonctl.web.regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("level", "count"), [("city", 11), ("county", 117)])
def test_boundaries_cover_every_region_by_adcode(client, level, count):
    response = client.get(f"/maps/shanxi-{level}.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    codes = {f["properties"]["name"] for f in response.json()["features"]}
    assert len(codes) == count
    assert codes == set(Region.objects.filter(level=level).values_list("adcode", flat=True))


def test_unknown_map_level_is_404(client):
    assert client.get("/maps/shanxi-village.json").status_code == 404
