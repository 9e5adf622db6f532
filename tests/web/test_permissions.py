"""Named capabilities: each allows exactly the roles that had it before the table existed, and
refuses every other role and anonymous visitors."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from carbonctl.web.accounts import permissions
from carbonctl.web.accounts.models import Role
from carbonctl.web.accounts.permissions import ALLOWED, Capability

pytestmark = pytest.mark.django_db

ADMIN, ANALYST, REVIEWER = Role.PROVINCE_ADMIN, Role.PROVINCE_ANALYST, Role.REVIEWER
CITY, COUNTY, REPORTER = Role.CITY_OFFICIAL, Role.COUNTY_OFFICIAL, Role.ENTERPRISE_REPORTER
VERIFIER = Role.VERIFIER

#: Written out by hand from the checks the views and services made before (not read from
#: permissions.ALLOWED, so a change to the table has to change this too); the capabilities that
#: read aggregates follow the rule of carbonctl.web.accounts.aggregates.
EXPECTED = {
    permissions.sees_whole_province: {ADMIN, ANALYST, REVIEWER},
    permissions.can_administer: {ADMIN},
    # enterprises see their own enterprise and published figures, no region aggregate (issue 13)
    permissions.can_view_overview: {ADMIN, ANALYST, REVIEWER, CITY, COUNTY},
    permissions.can_publish: {ADMIN},
    permissions.can_submit: {ADMIN, ANALYST, CITY, COUNTY, REPORTER},
    permissions.can_review: {REVIEWER, ADMIN},
    permissions.can_view_electricity: {ADMIN, ANALYST, REVIEWER, CITY, COUNTY},
    permissions.can_view_allocation: {ADMIN, ANALYST, REVIEWER},
    permissions.can_propose_allocation: {ADMIN, ANALYST},
    permissions.can_adopt_allocation: {REVIEWER, ADMIN},
    permissions.can_view_assessment: {ADMIN, ANALYST, REVIEWER},
    permissions.can_view_targets: {ADMIN, ANALYST, REVIEWER, CITY, COUNTY},
    permissions.can_read_region_targets: {ADMIN, ANALYST, REVIEWER, CITY, COUNTY},
    # carbon budgets and early warning (issue 14)
    permissions.can_view_budget: {ADMIN, ANALYST, REVIEWER, CITY, COUNTY},
    permissions.can_request_adjustment: {ADMIN, ANALYST},
    permissions.can_approve_adjustment: {REVIEWER, ADMIN},
    permissions.can_view_warnings: {ADMIN, ANALYST, REVIEWER, CITY, COUNTY, REPORTER},
    permissions.can_act_on_warnings: {ADMIN, ANALYST, CITY, COUNTY},
    permissions.can_manage_rules: {ADMIN},
    # investment projects (issue 15): the owner's reporter sees and files its own (scope)
    permissions.can_view_projects: {ADMIN, ANALYST, REVIEWER, CITY, COUNTY, REPORTER},
    permissions.can_file_project: {ADMIN, ANALYST, CITY, COUNTY, REPORTER},
    # key units, carbon market, metrology (issue 18): a reporter sees its own (scope)
    permissions.can_view_key_units: {ADMIN, ANALYST, REVIEWER, CITY, COUNTY, REPORTER},
    permissions.can_view_grade_map: {ADMIN, ANALYST, REVIEWER, CITY, COUNTY},
    permissions.can_derive_key_units: {ADMIN, ANALYST},
    # the verifier (核查机构) sees the units assigned to it (market scope) and verifies them
    permissions.can_view_market: {ADMIN, ANALYST, REVIEWER, CITY, COUNTY, REPORTER, VERIFIER},
    permissions.can_manage_market: {ADMIN, ANALYST},
    permissions.can_view_metrology: {ADMIN, ANALYST, REVIEWER, CITY, COUNTY, REPORTER},
    permissions.can_manage_meters: {ADMIN, ANALYST, REPORTER},
    permissions.can_verify_emissions: {VERIFIER},
    # product carbon footprints (issue 19): a reporter its own, a verifier those assigned to it
    permissions.can_view_footprints: {ADMIN, ANALYST, REVIEWER, CITY, COUNTY, REPORTER, VERIFIER},
    permissions.can_verify_footprints: {VERIFIER},
    permissions.can_manage_footprints: {ADMIN, ANALYST, REPORTER},
    permissions.can_manage_background: {ADMIN},
}


@pytest.mark.parametrize("role", list(Role), ids=str)
@pytest.mark.parametrize("capability", list(EXPECTED), ids=lambda f: f.__name__)
def test_each_capability_allows_exactly_its_roles(province, capability, role):
    assert capability(province["users"][role]) is (role in EXPECTED[capability])


@pytest.mark.parametrize("capability", list(EXPECTED), ids=lambda f: f.__name__)
def test_anonymous_visitors_have_no_capability(capability):
    assert capability(AnonymousUser()) is False


def test_every_capability_has_its_function_and_roles_as_enum_members():
    # SPLIT_CITY_TARGET and REVIEW_PROJECT take a region (and a level), below
    assert len(EXPECTED) == len(Capability) - 2
    for roles in ALLOWED.values():
        assert all(isinstance(role, Role) for role in roles)


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_a_city_target_is_split_by_province_staff_or_that_city_only(province, role):
    user = province["users"][role]
    own = permissions.can_split_city_target(user, "140100")  # Taiyuan: the city official's
    other = permissions.can_split_city_target(user, "140200")
    assert own is (role in {ADMIN, ANALYST, CITY})
    assert other is (role in {ADMIN, ANALYST})


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_a_project_is_reviewed_by_the_province_or_its_city_at_city_level(province, role):
    user = province["users"][role]
    review = permissions.can_review_project
    assert review(user, "140100", "province") is (role in {ADMIN, REVIEWER})
    assert review(user, "140100", "city") is (role in {ADMIN, REVIEWER, CITY})  # Taiyuan's
    assert review(user, "140200", "city") is (role in {ADMIN, REVIEWER})
    assert review(user, "140100", "city", filer_id=user.pk) is False  # never one's own
    assert review(AnonymousUser(), "140100", "city") is False


def test_nobody_reviews_their_own_item(province):
    reviewer = province["users"][REVIEWER]
    assert permissions.can_review(reviewer, author_id=reviewer.pk) is False
    assert permissions.can_review(reviewer, author_id=reviewer.pk + 1000) is True
    assert permissions.can_adopt_allocation(reviewer, author_id=reviewer.pk) is False
    assert permissions.can_approve_adjustment(reviewer, author_id=reviewer.pk) is False


def test_only_administrators_become_django_staff(province):
    staff = {role for role, user in province["users"].items() if user.is_staff}
    assert staff == {ADMIN}
