"""Roles and scope: every role's allowed and denied pages and API calls, including guessed ids
of other regions' and enterprises' objects; denials answer 404 and land in the audit log."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from carbonctl.web.accounts.models import Profile, Role
from carbonctl.web.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

# region adcode -> roles that may open its page
REGION_ACCESS = {
    "140100": {Role.PROVINCE_ADMIN, Role.PROVINCE_ANALYST, Role.REVIEWER, Role.CITY_OFFICIAL},
    "140105": {
        Role.PROVINCE_ADMIN,
        Role.PROVINCE_ANALYST,
        Role.REVIEWER,
        Role.CITY_OFFICIAL,
        Role.COUNTY_OFFICIAL,
    },
    "140121": {Role.PROVINCE_ADMIN, Role.PROVINCE_ANALYST, Role.REVIEWER, Role.CITY_OFFICIAL},
    "140200": {Role.PROVINCE_ADMIN, Role.PROVINCE_ANALYST, Role.REVIEWER},
    "140212": {Role.PROVINCE_ADMIN, Role.PROVINCE_ANALYST, Role.REVIEWER},
}
# enterprise key -> roles that may see it
ENTERPRISE_ACCESS = {
    "taiyuan": {
        Role.PROVINCE_ADMIN,
        Role.PROVINCE_ANALYST,
        Role.REVIEWER,
        Role.CITY_OFFICIAL,
        Role.COUNTY_OFFICIAL,
        Role.ENTERPRISE_REPORTER,
    },
    "qingxu": {Role.PROVINCE_ADMIN, Role.PROVINCE_ANALYST, Role.REVIEWER, Role.CITY_OFFICIAL},
    "datong": {Role.PROVINCE_ADMIN, Role.PROVINCE_ANALYST, Role.REVIEWER},
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("adcode", list(REGION_ACCESS))
def test_region_pages_by_role(client, province, role, adcode):
    client.force_login(province["users"][role])
    before = AuditEntry.objects.filter(action="deny").count()
    response = client.get(f"/regions/{adcode}/")
    if role in REGION_ACCESS[adcode]:
        assert response.status_code == 200
    else:
        assert response.status_code == 404
        denial = AuditEntry.objects.filter(action="deny").first()
        assert AuditEntry.objects.filter(action="deny").count() == before + 1
        assert (denial.object_id, denial.username) == (adcode, province["users"][role].username)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("key", list(ENTERPRISE_ACCESS))
def test_enterprise_pages_and_api_by_role(client, province, role, key):
    client.force_login(province["users"][role])
    enterprise = province[key]
    page = client.get(f"/enterprises/{enterprise.id}/")
    api = client.get(f"/api/v1/enterprises/{enterprise.id}")
    listed = {e["id"] for e in client.get("/api/v1/enterprises").json()}
    allowed = role in ENTERPRISE_ACCESS[key]
    assert page.status_code == (200 if allowed else 404)
    assert api.status_code == (200 if allowed else 404)
    assert (enterprise.id in listed) is allowed


def test_a_guessed_id_that_does_not_exist_looks_the_same_as_a_forbidden_one(client, province):
    client.force_login(province["users"][Role.COUNTY_OFFICIAL])
    forbidden = client.get(f"/api/v1/enterprises/{province['datong'].id}")
    missing = client.get("/api/v1/enterprises/987654")
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.json() == missing.json()
    # only the existing object's refusal is worth an audit entry
    assert list(AuditEntry.objects.filter(action="deny").values_list("object_id", flat=True)) == [
        str(province["datong"].id)
    ]


def test_anonymous_users_are_sent_to_login_and_refused_by_the_api(client, province):
    page = client.get("/regions/140100/")
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]
    assert client.get("/api/v1/enterprises").status_code == 401


def test_login_with_a_password(client, province):
    response = client.post(
        "/accounts/login/", {"username": "taiyuan", "password": "correct-horse-battery-staple"}
    )
    assert response.status_code == 302
    assert client.get("/regions/140100/").status_code == 200
    wrong = client.post("/accounts/login/", {"username": "taiyuan", "password": "nope"})
    assert wrong.status_code == 200 and "用户名或密码不正确" in wrong.content.decode()


def test_a_city_role_needs_a_city(province):
    profile = province["users"][Role.CITY_OFFICIAL].profile
    profile.region_id = "140105"  # a county
    with pytest.raises(ValidationError):
        profile.save()
    with pytest.raises(ValidationError):
        Profile(user=province["users"][Role.PUBLIC], role=Role.ENTERPRISE_REPORTER).save()
