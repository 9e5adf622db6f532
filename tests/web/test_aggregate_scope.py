"""Who sees which aggregates (carbonctl.web.accounts.aggregates): every aggregate endpoint — page,
export and API — asked by every role, both ways. A role allowed an endpoint gets it (200); a
role refused gets 404 with a denial in the audit log (the home page is everyone's: each role
lands on its own view of it), and no body refused or allowed outside the rule carries a figure
it may not see: the province total for enterprises and the public, another city's or county's
total for officials.

One table drives the matrix: a new aggregate endpoint is one more row of ENDPOINTS."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.db import transaction

from carbonctl.display import format_quantity
from carbonctl.web.accounts.aggregates import AGGREGATE_LEVEL, AggregateLevel
from carbonctl.web.accounts.models import Role
from carbonctl.web.accounts.tokens import issue_token
from carbonctl.web.audit.models import AuditEntry
from carbonctl.web.regions.models import Region

from .conftest import plan_p_targets

pytestmark = pytest.mark.django_db

ADMIN, ANALYST, REVIEWER = Role.PROVINCE_ADMIN, Role.PROVINCE_ANALYST, Role.REVIEWER
CITY, COUNTY, REPORTER, PUBLIC = (
    Role.CITY_OFFICIAL,
    Role.COUNTY_OFFICIAL,
    Role.ENTERPRISE_REPORTER,
    Role.PUBLIC,
)
PROVINCE_ROLES = frozenset({ADMIN, ANALYST, REVIEWER})
EVERYONE = frozenset(Role)
#: the demo login of each role (carbonctl.web.demo): Taiyuan's city official, 小店区's county one
USERNAME = {
    ADMIN: "admin",
    ANALYST: "analyst",
    REVIEWER: "reviewer",
    CITY: "taiyuan",
    COUNTY: "xiaodian",
    REPORTER: "reporter",
    PUBLIC: "public",
    Role.VERIFIER: "verifier",  # 核查机构: no aggregate (its ETS units only, web/market)
}
YEAR = 2020
MONTH = "2025-12"


@dataclass(frozen=True)
class Endpoint:
    """One aggregate endpoint: its path (``{name}`` filled from the ``ids`` fixture) and the
    roles allowed it. ``api`` endpoints are called with the role's API token."""

    name: str
    path: str
    allowed: frozenset[Role]
    api: bool = False


def _roles(*roles: Role) -> frozenset[Role]:
    return PROVINCE_ROLES | frozenset(roles)


#: Every aggregate endpoint and who may see it. Taiyuan (140100) is the city official's city,
#: 小店区 (140105) the county official's county, 清徐县 (140121) another county of Taiyuan,
#: Datong (140200) another city.
ENDPOINTS = [
    # the overview: province roles the province, officials their own region (+ province total)
    # the home page: everyone gets one, an enterprise's or the published figures without region
    # aggregates (the figures they may not see are looked for in the body like everywhere else)
    Endpoint("home page", "/?year={year}", EVERYONE),
    Endpoint("large screen", "/screen/?year={year}", _roles()),
    Endpoint(
        "overview API", "/api/v1/inventories/overview?year={year}", _roles(CITY, COUNTY), True
    ),
    # region inventories (sector × fuel), their Excel export and drill-down cells
    Endpoint("province inventory", "/inventory/140000/?year={year}", _roles()),
    Endpoint("province inventory xlsx", "/inventory/140000/?year={year}&format=xlsx", _roles()),
    Endpoint("province inventory API", "/api/v1/inventories/140000?year={year}", _roles(), True),
    Endpoint("province cells", "/inventory/140000/cells/?{cell}", _roles()),
    Endpoint("city inventory", "/inventory/140100/?year={year}", _roles(CITY)),
    Endpoint("city inventory xlsx", "/inventory/140100/?format=xlsx", _roles(CITY)),
    Endpoint("city inventory API", "/api/v1/inventories/140100?year={year}", _roles(CITY), True),
    Endpoint("city cells", "/inventory/140100/cells/?{cell}", _roles(CITY)),
    Endpoint("county inventory", "/inventory/140105/?year={year}", _roles(CITY, COUNTY)),
    Endpoint("county inventory API", "/api/v1/inventories/140105", _roles(CITY, COUNTY), True),
    Endpoint("county cells", "/inventory/140105/cells/?{cell}", _roles(CITY, COUNTY)),
    Endpoint("sibling county inventory", "/inventory/140121/?year={year}", _roles(CITY)),
    Endpoint("sibling county API", "/api/v1/inventories/140121", _roles(CITY), True),
    Endpoint("other city inventory", "/inventory/140200/?year={year}", _roles()),
    Endpoint("other city inventory API", "/api/v1/inventories/140200", _roles(), True),
    Endpoint("other city cells", "/inventory/140200/cells/?{cell}", _roles()),
    # region pages (their enterprises) within the scope
    Endpoint("city page", "/regions/140100/", _roles(CITY)),
    Endpoint("other city page", "/regions/140200/", _roles()),
    # targets: the tree and the API within the scope; workbench and assessment compare all cities
    Endpoint("target tree", "/targets/?plan=p&year={year}", _roles(CITY, COUNTY)),
    Endpoint("targets API", "/api/v1/targets/targets?plan=p", _roles(CITY, COUNTY), True),
    Endpoint("province targets API", "/api/v1/targets/targets/140000", _roles(), True),
    Endpoint("city targets API", "/api/v1/targets/targets/140100", _roles(CITY), True),
    Endpoint("other city targets API", "/api/v1/targets/targets/140200", _roles(), True),
    Endpoint("allocation workbench", "/targets/allocation/?base_year=2019", _roles()),
    Endpoint("allocation API", "/api/v1/targets/allocation?base_year=2019", _roles(), True),
    Endpoint("assessment", "/targets/assessment/?year={year}", _roles()),
    Endpoint("assessment xlsx", "/targets/assessment/?year={year}&format=xlsx", _roles()),
    Endpoint("assessment API", "/api/v1/targets/assessment?year={year}", _roles(), True),
    # electricity–carbon: page, export, bulletins and API within the scope
    Endpoint("electricity page", "/electricity/", _roles(CITY, COUNTY)),
    Endpoint("electricity province", "/electricity/?region=140000", _roles()),
    Endpoint("electricity city xlsx", "/electricity/?region=140100&format=xlsx", _roles(CITY)),
    Endpoint("electricity other city", "/electricity/?region=140200", _roles()),
    Endpoint("city bulletin", "/electricity/bulletins/{taiyuan_bulletin}/", _roles(CITY)),
    Endpoint("other city bulletin", "/electricity/bulletins/{datong_bulletin}/", _roles()),
    Endpoint("province estimates API", "/api/v1/electricity/estimates/140000", _roles(), True),
    Endpoint("city estimates API", "/api/v1/electricity/estimates/140100", _roles(CITY), True),
    Endpoint(
        "signals API", f"/api/v1/electricity/signals?month={MONTH}", _roles(CITY, COUNTY), True
    ),
    # open to everyone: published figures and the list of administrative divisions
    Endpoint("disclosures", "/disclosures/", EVERYONE),
    Endpoint("disclosures xlsx", "/disclosures/?format=xlsx", EVERYONE),
    Endpoint("regions list", "/regions/", EVERYONE),
    Endpoint("regions API", "/api/v1/regions", EVERYONE, True),
]


@pytest.fixture(scope="module")
def module_data(django_db_setup, django_db_blocker, demo_database, demo_assessment):
    """The demo (dataset, users, electricity) and adopted targets of plan ``p`` for the
    province, Taiyuan, 小店区 and Datong, kept for the module and rolled back after it."""
    from django.contrib.auth import get_user_model

    from carbonctl.web.electricity.models import Bulletin
    from carbonctl.web.inventories.services import current_dataset, overview, region_matrix

    with django_db_blocker.unblock(), transaction.atomic():
        users = {role: get_user_model().objects.get(username=u) for role, u in USERNAME.items()}
        plan_p_targets(users[ANALYST], ("140000", "140100", "140105", "140200"), approved=True)
        dataset = current_dataset()
        everything = Region.objects.all()
        totals = {
            adcode: overview(dataset, YEAR, everything, Region.objects.get(adcode=adcode))["total"][
                "tco2"
            ]
            for adcode in ("140000", "140100", "140105", "140121", "140200")
        }
        biggest = max(
            region_matrix(dataset, Region.objects.get(adcode="140105"), YEAR),
            key=lambda cell: cell["tco2"],
        )
        bulletins = {
            city: Bulletin.objects.get(assessment=demo_assessment, city_id=city, month=MONTH).pk
            for city in ("140100", "140200")
        }
        tokens = {role: issue_token(user) for role, user in users.items()}
        yield {
            "users": users,
            "tokens": tokens,
            "totals": totals,
            "ids": {
                "year": YEAR,
                "cell": f"year={YEAR}&sector={biggest['sector']}&fuel={biggest['fuel']}",
                "taiyuan_bulletin": bulletins["140100"],
                "datong_bulletin": bulletins["140200"],
            },
        }
        transaction.set_rollback(True)


@pytest.fixture
def data(module_data, db):
    return module_data


def figures(tco2: float) -> list[str]:
    """How a total can appear in a body: as JSON (repr), in a table (one decimal) and in 万吨
    (whole, and with separators and one decimal as the home page's figures)."""
    return [
        repr(tco2),
        f"{tco2:.1f}",
        f"{tco2:.3f}",
        format_quantity(tco2, "10^4 t"),
        format_quantity(tco2, "10^4 t", 1, grouping=True),
    ]


#: The totals a role may never see anywhere (adcodes); the province total is seen by officials
#: (for comparison) and province roles only; Datong by province roles only; 小店区's sibling
#: county and Taiyuan itself are hidden from 小店区's county official.
HIDDEN = {
    ADMIN: (),
    ANALYST: (),
    REVIEWER: (),
    CITY: ("140200",),
    COUNTY: ("140100", "140121", "140200"),
    REPORTER: ("140000", "140100", "140105", "140121", "140200"),
    PUBLIC: ("140000", "140100", "140105", "140121", "140200"),
    Role.VERIFIER: ("140000", "140100", "140105", "140121", "140200"),
}


def _get(client, data, endpoint: Endpoint, role: Role | None):
    path = endpoint.path.format(**data["ids"])
    if role is None:
        return client.get(path)
    if endpoint.api:
        return client.get(path, headers={"Authorization": f"Bearer {data['tokens'][role]}"})
    client.force_login(data["users"][role])
    return client.get(path)


def _assert_hidden(body: bytes, data, adcodes) -> None:
    text = body.decode("utf-8", errors="replace")
    for adcode in adcodes:
        for shown in figures(data["totals"][adcode]):
            if len(shown) >= 6 or adcode == "140000":  # short 万吨 numbers of small regions
                assert shown not in text, (adcode, shown)  # could be any other number


def _check(client, data, endpoint: Endpoint, role: Role | None) -> None:
    """What ``role`` (None: an anonymous visitor) gets from ``endpoint`` follows the rule."""
    before = AuditEntry.objects.filter(action="deny").count()
    response = _get(client, data, endpoint, role)
    body = response.content
    if role in endpoint.allowed or (role is None and endpoint.allowed == EVERYONE):
        assert response.status_code == 200, body[:300]
        if endpoint.api:
            assert response.json() is not None
    elif role is None:
        if endpoint.api:
            assert response.status_code == 401
        else:
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 404, body[:300]
        assert AuditEntry.objects.filter(action="deny").count() == before + 1
        if endpoint.api:
            assert set(response.json()) == {"detail"}
    if not endpoint.path.endswith("xlsx"):
        _assert_hidden(body, data, HIDDEN[role or PUBLIC])


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_each_role_gets_exactly_the_aggregates_of_the_rule(client, data, endpoint):
    """Every role and an anonymous visitor ask ``endpoint`` (one test per endpoint: a request
    per role, not a test each, keeps the matrix fast)."""
    failed = {}
    for role in [*Role, None]:
        client.logout()
        try:
            _check(client, data, endpoint, role)
        except AssertionError as error:
            failed[str(role)] = str(error)[:300]
    assert failed == {}


def test_every_role_has_its_line_in_the_rule():
    """A role added later must get its aggregate level (one line in AGGREGATE_LEVEL)."""
    assert set(AGGREGATE_LEVEL) == set(Role)
    assert {
        role for role, level in AGGREGATE_LEVEL.items() if level == AggregateLevel.PROVINCE
    } == (PROVINCE_ROLES)


def test_a_city_official_sees_the_city_with_the_province_total_and_average(client, data):
    client.force_login(data["users"][CITY])
    page = client.get("/", {"year": YEAR})
    overview = page.context["data"]
    totals = data["totals"]
    assert overview["region"]["adcode"] == "140100"
    assert overview["total"]["tco2"] == pytest.approx(totals["140100"])
    assert [c["adcode"] for c in overview["cities"]] == ["140100"]
    assert sum(k["tco2"] for k in overview["key_industries"]) == pytest.approx(totals["140100"])
    comparison = overview["comparison"]
    assert comparison["province_tco2"] == pytest.approx(totals["140000"])
    assert comparison["regions"] == 11  # the average is per city: the province total / 11
    assert comparison["average_tco2"] == pytest.approx(totals["140000"] / 11)
    html = page.content.decode()
    shown = format_quantity(totals["140000"], "10^4 t", 1, grouping=True)
    assert shown in html  # shown for comparison
    assert 'id="map"' in html
    api = client.get("/api/v1/inventories/overview", {"year": YEAR}).json()
    assert api["comparison"] == pytest.approx(comparison)
    assert api["region"]["adcode"] == "140100"


def test_a_county_official_sees_the_county_and_the_average_per_county(client, data):
    client.force_login(data["users"][COUNTY])
    overview = client.get("/", {"year": YEAR}).context["data"]
    assert overview["region"]["adcode"] == "140105"
    assert overview["total"]["tco2"] == pytest.approx(data["totals"]["140105"])
    assert overview["cities"] == []  # not even the own city's total
    counties = Region.objects.filter(level="county").count()
    assert overview["comparison"]["regions"] == counties
    assert overview["comparison"]["average_tco2"] == pytest.approx(
        data["totals"]["140000"] / counties
    )


def test_province_roles_see_the_province_without_a_comparison(client, data):
    client.force_login(data["users"][ANALYST])
    overview = client.get("/", {"year": YEAR}).context["data"]
    assert overview["region"]["adcode"] == "140000" and overview["comparison"] is None
    assert len(overview["cities"]) == 11
    assert overview["total"]["tco2"] == pytest.approx(data["totals"]["140000"])
    # the forms the matrix looks for are the forms the figure takes: in JSON and in 万吨
    api = client.get("/api/v1/inventories/overview", {"year": YEAR}).content.decode()
    assert figures(data["totals"]["140000"])[0] in api
    assert figures(data["totals"]["140000"])[-1] in client.get("/", {"year": YEAR}).content.decode()


def test_published_figures_reach_the_public_but_the_overview_does_not(client, data):
    from carbonctl.web.inventories.services import current_dataset, publish

    publish(data["users"][ADMIN], current_dataset(), YEAR)
    token = data["tokens"][PUBLIC]
    overview = client.get(
        "/api/v1/inventories/overview", headers={"Authorization": f"Bearer {token}"}
    )
    assert overview.status_code == 404
    client.force_login(data["users"][PUBLIC])
    disclosures = client.get("/disclosures/").content.decode()
    assert format_quantity(data["totals"]["140000"], "10^4 t") in disclosures or (
        f"{data['totals']['140000']:.1f}" in disclosures
    )


def test_the_menu_shows_only_the_links_a_role_can_open(client, data):
    client.force_login(data["users"][REPORTER])
    menu = client.get("/submissions/").content.decode()
    for hidden in ("/targets/", "/targets/allocation/", "/targets/assessment/", "/electricity/"):
        assert f'href="{hidden}"' not in menu
    client.force_login(data["users"][CITY])
    menu = client.get("/submissions/").content.decode()
    assert 'href="/electricity/"' in menu and 'href="/targets/"' in menu
    assert 'href="/targets/assessment/"' not in menu
