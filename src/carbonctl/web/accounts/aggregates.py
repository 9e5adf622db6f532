"""Who sees which aggregates (汇总数据可见范围) — the one written rule.

An *aggregate* is any figure summed over more than one record: the province overview (total,
intensity, trend, key-industry split, the cities on the map), a region's sector × fuel inventory
and its drill-down cells, targets and their schedule progress, electricity–carbon estimates and
bulletins, the allocation workbench and the city assessment, and their Excel/PDF exports.

Each role has one :class:`AggregateLevel` in :data:`AGGREGATE_LEVEL`; a level sees everything
the levels below it see:

=====================  ===============================================================
level                  sees
=====================  ===============================================================
``PROVINCE``           everything: every region's figures in full, comparisons of all
                       cities (allocation workbench, assessment). Province
                       administrator, province analyst, reviewer.
``OWN_REGION``         their own region in full — a city official the city and its
                       counties, a county official the county — plus, for comparison,
                       the province's total (and intensity) of the year and the
                       province's *average*: the province total divided by the number
                       of regions of the official's own level that have a total that
                       year (the mean per city for a city official, per county for a
                       county official). Never another city's or county's figure:
                       not on the overview map or list, not its cells, trend, targets,
                       estimates or bulletins, and not the province's own breakdowns
                       (its sector × fuel matrix, key-industry split, trend).
``OWN_ENTERPRISE``     their own enterprise (its submissions and results) plus the
                       published figures (信息公开, Disclosure rows). No region
                       aggregate, no province overview. Enterprise reporter.
``PUBLISHED``          published disclosures only. The public role, anonymous visitors
                       and the API tokens of public users.
=====================  ===============================================================

A request for an aggregate the role may not see is refused like any other out-of-scope object:
404 (the same as for something that does not exist) and a denial in the audit log
(:func:`carbonctl.web.accounts.scope.require_aggregates`); the home page instead sends roles
without an overview to their own start page. Which *regions* and *enterprises* lie in a user's
scope is :mod:`.scope`'s job; this table says how much of the aggregates over them a role gets.

A role added later gets one line in :data:`AGGREGATE_LEVEL` (``tests/web/test_aggregate_scope.py``
fails until it has one); every capability that reads aggregates in
:data:`carbonctl.web.accounts.permissions.ALLOWED` follows from it.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType

from carbonctl.web.accounts.models import Role


class AggregateLevel(enum.IntEnum):
    """How much of the aggregates a role sees; a higher level includes every lower one."""

    PUBLISHED = 0  # published disclosures only (信息公开)
    OWN_ENTERPRISE = 1  # + the own enterprise (本企业)
    OWN_REGION = 2  # + the own region in full, the province's total and average (本地区)
    PROVINCE = 3  # + every region (全省)


#: The aggregate level of each role — the rule in :mod:`this module's <.aggregates>` docstring.
AGGREGATE_LEVEL: Mapping[Role, AggregateLevel] = MappingProxyType(
    {
        Role.PROVINCE_ADMIN: AggregateLevel.PROVINCE,
        Role.PROVINCE_ANALYST: AggregateLevel.PROVINCE,
        Role.REVIEWER: AggregateLevel.PROVINCE,
        Role.CITY_OFFICIAL: AggregateLevel.OWN_REGION,
        Role.COUNTY_OFFICIAL: AggregateLevel.OWN_REGION,
        Role.ENTERPRISE_REPORTER: AggregateLevel.OWN_ENTERPRISE,
        Role.PUBLIC: AggregateLevel.PUBLISHED,
        # 第三方核查机构: no region aggregate; its assigned units (market services.units_for)
        Role.VERIFIER: AggregateLevel.PUBLISHED,
        # Roles added later take one line each, for example:
        #   Role.VERIFIER: AggregateLevel.OWN_ENTERPRISE,  # 第三方核查机构: the enterprises
        #                                                  # it verifies (its scope in .scope)
        #   Role.INDUSTRY_ASSOCIATION: AggregateLevel.PUBLISHED,  # 行业协会
        # A role that needs a view outside this chain (e.g. one key industry across the
        # province) needs a new level here and its branch where the level is asked.
    }
)


def roles_at_least(level: AggregateLevel) -> frozenset[Role]:
    """The roles whose aggregate level is ``level`` or higher."""
    return frozenset(role for role, own in AGGREGATE_LEVEL.items() if own >= level)
