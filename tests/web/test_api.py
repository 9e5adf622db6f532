"""The JSON API as a whole: every operation declares its error responses in OpenAPI, the factor
sets are served with their sources, and machine clients authenticate with tokens."""

from __future__ import annotations

import pytest

from carbonctl.web.accounts.models import Role
from carbonctl.web.accounts.tokens import issue_token

pytestmark = pytest.mark.django_db


def test_every_operation_declares_its_errors(client):
    schema = client.get("/api/v1/openapi.json").json()
    operations = [
        (path, method, op)
        for path, methods in schema["paths"].items()
        for method, op in methods.items()
    ]
    assert len(operations) >= 10
    for path, method, operation in operations:
        codes = set(operation["responses"])
        assert codes - {"200", "201"}, f"{method} {path} declares no error response"
        if operation.get("security"):
            assert "401" in codes, f"{method} {path} does not declare 401"


def test_factor_sets_api(client, province):
    token = issue_token(province["users"][Role.COUNTY_OFFICIAL])
    headers = {"Authorization": f"Bearer {token}"}
    sets = client.get("/api/v1/factor-sets", headers=headers).json()
    assert {s["code"] for s in sets} == {"GB/T 32150-2015", "NDRC-2013-guidelines"}
    fuels = client.get(
        "/api/v1/factor-sets/fuels", {"code": "NDRC-2013-guidelines"}, headers=headers
    ).json()
    coke = next(f for f in fuels if f["fuel_id"] == "coke")
    assert coke["ncv_GJ_per_unit"] == 28.447 and coke["status"].startswith("SECONDARY")
    assert (
        client.get("/api/v1/factor-sets/fuels", {"code": "nope"}, headers=headers).status_code
        == 404
    )
    assert client.get("/api/v1/factor-sets").status_code == 401
