"""What each role may do (功能权限): named capabilities, and the one table of roles allowed per
capability. Views, APIs and services ask ``can_…(user)``; none compares roles itself.

Which *data* a user may see (数据权限: regions, enterprises) is :mod:`.scope`'s job; a capability
says whether a user may do something at all. The capabilities that read aggregates (overview,
targets, electricity, allocation, assessment) follow from the one rule of who sees which
aggregates, :data:`carbonctl.web.accounts.aggregates.AGGREGATE_LEVEL`.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType

from carbonctl.web.accounts.aggregates import AGGREGATE_LEVEL, AggregateLevel, roles_at_least
from carbonctl.web.accounts.models import Role


class Capability(enum.StrEnum):
    """Something a role may do; the value is the name used in audit logs and tests."""

    SEE_WHOLE_PROVINCE = "see_whole_province"  # every region and enterprise (全省数据)
    ADMINISTER = "administer"  # Django admin site (系统管理)
    VIEW_OVERVIEW = "view_overview"  # province overview and its map (全省概览)
    PUBLISH = "publish"  # publish inventory figures (信息公开)
    SUBMIT = "submit"  # upload activity data (数据报送)
    REVIEW = "review"  # approve or reject submissions (审核)
    VIEW_ELECTRICITY = "view_electricity"  # electricity–carbon page, bulletins (电碳快速评估)
    VIEW_ALLOCATION = "view_allocation"  # allocation workbench and proposals (指标分配)
    PROPOSE_ALLOCATION = "propose_allocation"  # propose an allocation for adoption
    ADOPT_ALLOCATION = "adopt_allocation"  # approve a proposal: targets are adopted (下达)
    VIEW_ASSESSMENT = "view_assessment"  # city assessment (综合评价)
    VIEW_TARGETS = "view_targets"  # adopted targets and schedule progress (目标进度)
    READ_REGION_TARGETS = "read_region_targets"  # targets of regions through the API (区域目标数据)
    SPLIT_CITY_TARGET = "split_city_target"  # split a city's target among counties (逐级分解)
    VIEW_BUDGET = "view_budget"  # carbon budgets of the own regions (碳排放预算)
    REQUEST_ADJUSTMENT = "request_adjustment"  # propose a budget adjustment (预算调整申请)
    APPROVE_ADJUSTMENT = "approve_adjustment"  # approve another's adjustment (预算调整批准)
    VIEW_WARNINGS = "view_warnings"  # warnings in scope, the warning centre (预警中心)
    ACT_ON_WARNINGS = "act_on_warnings"  # acknowledge or resolve warnings in scope (预警处置)
    MANAGE_RULES = "manage_rules"  # edit the warning rules (预警规则管理)
    VIEW_PROJECTS = "view_projects"  # investment projects in scope (固定资产投资项目)
    FILE_PROJECT = "file_project"  # file a project for energy review (项目申报)
    REVIEW_PROJECT = "review_project"  # assess, sign the opinion, record acceptance (节能审查)
    VIEW_KEY_UNITS = "view_key_units"  # key energy-using and carbon units in scope (重点用能单位)
    VIEW_GRADE_MAP = "view_grade_map"  # carbon-efficiency grades of counties (碳效码分布)
    DERIVE_KEY_UNITS = "derive_key_units"  # derive the year's key-unit registry (重点单位名录)
    VIEW_MARKET = "view_market"  # ETS units, allocations and compliance in scope (碳市场)
    MANAGE_MARKET = "manage_market"  # record allocations, compliance, verifiers (配额管理)
    VIEW_METROLOGY = "view_metrology"  # meters and calibrations in scope (碳计量)
    MANAGE_METERS = "manage_meters"  # import meters and calibrations in scope (计量器具管理)
    VERIFY_EMISSIONS = "verify_emissions"  # verify the emissions of assigned ETS units (排放核查)
    VIEW_FOOTPRINTS = "view_footprints"  # product carbon footprints in scope (产品碳足迹)
    MANAGE_FOOTPRINTS = "manage_footprints"  # new studies, supplier imports in scope (碳足迹核算)
    VERIFY_FOOTPRINTS = "verify_footprints"  # verify the footprints assigned to it (碳足迹核查)
    MANAGE_BACKGROUND = "manage_background"  # add a background database version (背景数据库)


# Aggregates (see .aggregates): the whole province's, or one's own region's with the province's
# total and average beside them.
_PROVINCE_STAFF = roles_at_least(AggregateLevel.PROVINCE)
_REGIONAL = roles_at_least(AggregateLevel.OWN_REGION)
_DECIDERS = frozenset({Role.REVIEWER, Role.PROVINCE_ADMIN})

#: The roles allowed each capability anywhere in the province.
ALLOWED: Mapping[Capability, frozenset[Role]] = MappingProxyType(
    {
        Capability.SEE_WHOLE_PROVINCE: _PROVINCE_STAFF,
        Capability.ADMINISTER: frozenset({Role.PROVINCE_ADMIN}),
        Capability.VIEW_OVERVIEW: _REGIONAL,
        Capability.PUBLISH: frozenset({Role.PROVINCE_ADMIN}),
        Capability.SUBMIT: frozenset(
            {
                Role.PROVINCE_ADMIN,
                Role.PROVINCE_ANALYST,
                Role.CITY_OFFICIAL,
                Role.COUNTY_OFFICIAL,
                Role.ENTERPRISE_REPORTER,
            }
        ),
        Capability.REVIEW: _DECIDERS,
        Capability.VIEW_ELECTRICITY: _REGIONAL,
        Capability.VIEW_ALLOCATION: _PROVINCE_STAFF,
        Capability.PROPOSE_ALLOCATION: frozenset({Role.PROVINCE_ADMIN, Role.PROVINCE_ANALYST}),
        Capability.ADOPT_ALLOCATION: _DECIDERS,
        Capability.VIEW_ASSESSMENT: _PROVINCE_STAFF,
        Capability.VIEW_TARGETS: _REGIONAL,
        Capability.READ_REGION_TARGETS: _REGIONAL,
        Capability.SPLIT_CITY_TARGET: frozenset({Role.PROVINCE_ADMIN, Role.PROVINCE_ANALYST}),
        Capability.VIEW_BUDGET: _REGIONAL,
        Capability.REQUEST_ADJUSTMENT: frozenset({Role.PROVINCE_ADMIN, Role.PROVINCE_ANALYST}),
        Capability.APPROVE_ADJUSTMENT: _DECIDERS,
        # an enterprise reporter sees the warnings of the own enterprise (scope decides which)
        Capability.VIEW_WARNINGS: _REGIONAL | {Role.ENTERPRISE_REPORTER},
        Capability.ACT_ON_WARNINGS: frozenset(
            {Role.PROVINCE_ADMIN, Role.PROVINCE_ANALYST, Role.CITY_OFFICIAL, Role.COUNTY_OFFICIAL}
        ),
        Capability.MANAGE_RULES: frozenset({Role.PROVINCE_ADMIN}),
        # an enterprise reporter sees and files the own enterprise's projects (scope decides)
        Capability.VIEW_PROJECTS: _REGIONAL | {Role.ENTERPRISE_REPORTER, Role.REVIEWER},
        Capability.FILE_PROJECT: frozenset(
            {
                Role.PROVINCE_ADMIN,
                Role.PROVINCE_ANALYST,
                Role.CITY_OFFICIAL,
                Role.COUNTY_OFFICIAL,
                Role.ENTERPRISE_REPORTER,
            }
        ),
        Capability.REVIEW_PROJECT: _DECIDERS,
        # key units, the carbon market and metrology (issue 18): a reporter sees its own unit
        Capability.VIEW_KEY_UNITS: _REGIONAL | {Role.ENTERPRISE_REPORTER},
        Capability.VIEW_GRADE_MAP: _REGIONAL,
        Capability.DERIVE_KEY_UNITS: frozenset({Role.PROVINCE_ADMIN, Role.PROVINCE_ANALYST}),
        # a verifier sees the ETS units assigned to it (market services.units_for decides)
        Capability.VIEW_MARKET: _REGIONAL | {Role.ENTERPRISE_REPORTER, Role.VERIFIER},
        Capability.MANAGE_MARKET: frozenset({Role.PROVINCE_ADMIN, Role.PROVINCE_ANALYST}),
        Capability.VIEW_METROLOGY: _REGIONAL | {Role.ENTERPRISE_REPORTER},
        Capability.MANAGE_METERS: frozenset(
            {Role.PROVINCE_ADMIN, Role.PROVINCE_ANALYST, Role.ENTERPRISE_REPORTER}
        ),
        Capability.VERIFY_EMISSIONS: frozenset({Role.VERIFIER}),
        # product carbon footprints (issue 19): a reporter sees and computes its own, a
        # verifier the studies assigned to it (footprint services.studies_for decides)
        Capability.VIEW_FOOTPRINTS: _REGIONAL | {Role.ENTERPRISE_REPORTER, Role.VERIFIER},
        Capability.VERIFY_FOOTPRINTS: frozenset({Role.VERIFIER}),
        Capability.MANAGE_FOOTPRINTS: frozenset(
            {Role.PROVINCE_ADMIN, Role.PROVINCE_ANALYST, Role.ENTERPRISE_REPORTER}
        ),
        # the background database is reference data: the province administrator's, as the rules
        Capability.MANAGE_BACKGROUND: frozenset({Role.PROVINCE_ADMIN}),
    }
)

#: Roles allowed a capability only for their own region (the region of their profile).
OWN_REGION: Mapping[Capability, frozenset[Role]] = MappingProxyType(
    {
        Capability.SPLIT_CITY_TARGET: frozenset({Role.CITY_OFFICIAL}),
        # a city's DRC reviews the projects of city level in its city (审查层级: 市级)
        Capability.REVIEW_PROJECT: frozenset({Role.CITY_OFFICIAL}),
    }
)


def role_of(user) -> Role:
    """The user's role; anonymous users and users without a profile are public (公众)."""
    profile = getattr(user, "profile", None) if user.is_authenticated else None
    return Role(profile.role) if profile is not None else Role.PUBLIC


def aggregate_level(user) -> AggregateLevel:
    """How much of the aggregates ``user`` sees (:mod:`.aggregates`)."""
    return AGGREGATE_LEVEL[role_of(user)]


def role_may(role: Role | str, capability: Capability) -> bool:
    """Whether ``role`` has ``capability`` anywhere in the province."""
    return Role(role) in ALLOWED[capability]


def has(user, capability: Capability, region: str | None = None) -> bool:
    """Whether ``user`` has ``capability`` (for ``region``, an adcode, when it is region-bound)."""
    role = role_of(user)
    if role in ALLOWED[capability]:
        return True
    if region is None or role not in OWN_REGION.get(capability, ()):
        return False
    return user.profile.region_id == region


def sees_whole_province(user) -> bool:
    return has(user, Capability.SEE_WHOLE_PROVINCE)


def can_administer(user) -> bool:
    return has(user, Capability.ADMINISTER)


def can_view_overview(user) -> bool:
    return has(user, Capability.VIEW_OVERVIEW)


def can_publish(user) -> bool:
    return has(user, Capability.PUBLISH)


def can_submit(user) -> bool:
    return has(user, Capability.SUBMIT)


def can_review(user, author_id: int | None = None) -> bool:
    """Decide on submissions; never on one's own (``author_id``: the uploader, when known)."""
    return has(user, Capability.REVIEW) and author_id != user.pk


def can_view_electricity(user) -> bool:
    return has(user, Capability.VIEW_ELECTRICITY)


def can_view_allocation(user) -> bool:
    return has(user, Capability.VIEW_ALLOCATION)


def can_propose_allocation(user) -> bool:
    return has(user, Capability.PROPOSE_ALLOCATION)


def can_adopt_allocation(user, author_id: int | None = None) -> bool:
    """Approve or reject an allocation proposal; never one's own (``author_id``: the proposer)."""
    return has(user, Capability.ADOPT_ALLOCATION) and author_id != user.pk


def can_view_assessment(user) -> bool:
    return has(user, Capability.VIEW_ASSESSMENT)


def can_view_targets(user) -> bool:
    return has(user, Capability.VIEW_TARGETS)


def can_read_region_targets(user) -> bool:
    """Read regions' targets through the API: roles with a regional scope (the province's staff,
    city and county officials), not enterprises or the public."""
    return has(user, Capability.READ_REGION_TARGETS)


def can_split_city_target(user, city: str) -> bool:
    """Split the target of ``city`` (adcode): province staff, or that city's official."""
    return has(user, Capability.SPLIT_CITY_TARGET, region=city)


def can_view_budget(user) -> bool:
    return has(user, Capability.VIEW_BUDGET)


def can_request_adjustment(user) -> bool:
    return has(user, Capability.REQUEST_ADJUSTMENT)


def can_approve_adjustment(user, author_id: int | None = None) -> bool:
    """Approve or return a budget adjustment; never one's own (``author_id``: the requester)."""
    return has(user, Capability.APPROVE_ADJUSTMENT) and author_id != user.pk


def can_view_warnings(user) -> bool:
    return has(user, Capability.VIEW_WARNINGS)


def can_act_on_warnings(user) -> bool:
    return has(user, Capability.ACT_ON_WARNINGS)


def can_manage_rules(user) -> bool:
    return has(user, Capability.MANAGE_RULES)


def can_view_projects(user) -> bool:
    return has(user, Capability.VIEW_PROJECTS)


def can_file_project(user) -> bool:
    return has(user, Capability.FILE_PROJECT)


def can_review_project(
    user, city: str | None = None, level: str = "", filer_id: int | None = None
) -> bool:
    """Assess and decide on a project: the province's reviewers for any project, a city's
    official for the city-level projects of that city (``city`` adcode, ``level`` the review
    level); never on a project one filed (``filer_id``)."""
    if filer_id is not None and filer_id == user.pk:
        return False
    role = role_of(user)
    if role in ALLOWED[Capability.REVIEW_PROJECT]:
        return True
    return level == "city" and has(user, Capability.REVIEW_PROJECT, region=city)


def can_view_key_units(user) -> bool:
    return has(user, Capability.VIEW_KEY_UNITS)


def can_view_grade_map(user) -> bool:
    return has(user, Capability.VIEW_GRADE_MAP)


def can_derive_key_units(user) -> bool:
    return has(user, Capability.DERIVE_KEY_UNITS)


def can_view_market(user) -> bool:
    return has(user, Capability.VIEW_MARKET)


def can_manage_market(user) -> bool:
    return has(user, Capability.MANAGE_MARKET)


def can_view_metrology(user) -> bool:
    return has(user, Capability.VIEW_METROLOGY)


def can_manage_meters(user) -> bool:
    """Import meters and calibrations: province staff, or a reporter for its own enterprise
    (scope decides which enterprise)."""
    return has(user, Capability.MANAGE_METERS)


def can_verify_emissions(user) -> bool:
    """Record verified emissions: a verifier (核查机构), for the units assigned to it only
    (web/market/services.units_for decides which)."""
    return has(user, Capability.VERIFY_EMISSIONS)


def can_view_footprints(user) -> bool:
    """See product carbon footprint studies: province staff all, officials their region's
    enterprises', a reporter its own enterprise's (scope decides which)."""
    return has(user, Capability.VIEW_FOOTPRINTS)


def can_manage_footprints(user) -> bool:
    """Compute a study and import suppliers' footprints: province staff, or a reporter for its
    own enterprise (scope decides which enterprise)."""
    return has(user, Capability.MANAGE_FOOTPRINTS)


def can_verify_footprints(user) -> bool:
    """Record the verification of a product carbon footprint: a verifier (核查机构), for the
    studies assigned to it only (web/footprint/services.studies_for decides which)."""
    return has(user, Capability.VERIFY_FOOTPRINTS)


def can_manage_background(user) -> bool:
    """Add processes to the footprint background database (a new version): the province
    administrator, who also keeps the other reference data."""
    return has(user, Capability.MANAGE_BACKGROUND)
