"""The home page of each role (首页) and the province's large screen (数据大屏): every role lands
on its own view with the figures of the apps that compute them (read back here from the same
records), every link on it opens for that role, the public and anonymous visitors see only
published figures, the large screen is the province's alone, and English pages name regions in
English."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from django.template.defaultfilters import floatformat
from django.test import Client
from django.utils import timezone

from carbonctl.display import format_quantity
from carbonctl.web.accounts.models import Role
from carbonctl.web.accounts.services import create_user
from carbonctl.web.audit.models import AuditEntry
from carbonctl.web.electricity.models import Estimate
from carbonctl.web.inventories.models import Dataset, MacroFigure, RegionTotal
from carbonctl.web.regions.models import Region
from carbonctl.web.submissions.services import factor_set
from carbonctl.web.warnings.models import ReportingObligation, Warning

from .conftest import PASSWORD, _enterprise, kept_for_the_module, settle_constraints
from .test_budget_pages import build_budgets
from .test_i18n import CJK, visible_text, without_data

pytestmark = pytest.mark.django_db

ADMIN, ANALYST, REVIEWER = Role.PROVINCE_ADMIN, Role.PROVINCE_ANALYST, Role.REVIEWER
CITY, COUNTY, REPORTER, PUBLIC = (
    Role.CITY_OFFICIAL,
    Role.COUNTY_OFFICIAL,
    Role.ENTERPRISE_REPORTER,
    Role.PUBLIC,
)
PROVINCE_ROLES = (ADMIN, ANALYST, REVIEWER)

#: tCO2 in 2024 and 2025 of the regions of the world (the province, Taiyuan, two of its
#: counties, Datong), and their GDP at constant prices (亿元) in 2024, 2025 and 2026.
TOTALS = {
    "140000": (600e6, 590e6),
    "140100": (120e6, 121e6),
    "140105": (20e6, 19.5e6),
    "140121": (10e6, 10.2e6),
    "140200": (60e6, 58e6),
}
GDP = {
    "140000": (25000.0, 26000.0, 27500.0),
    "140100": (5000.0, 5200.0, 5750.0),
    "140105": (800.0, 830.0, 880.0),
    "140121": (300.0, 310.0, 320.0),
    "140200": (1500.0, 1560.0, 1590.0),
}
#: The day the warning run judges lateness on (the monthly run of June 2026).
AS_OF = date(2026, 7, 31)
UPLOAD = "主体,期间,类别,品种,数量,单位\n示例太原钢铁,2026,燃料燃烧,焦炭,1000,吨\n"


def province_users() -> dict:
    """The users and enterprises of tests/web/conftest.py's ``province`` fixture."""
    taiyuan = _enterprise("示例太原钢铁", "140105", "MA0000001")
    qingxu = _enterprise("示例清徐焦化", "140121", "MA0000002")
    datong = _enterprise("示例大同电厂", "140212", "MA0000003")
    users = {
        ADMIN: create_user("admin", PASSWORD, ADMIN),
        ANALYST: create_user("analyst", PASSWORD, ANALYST),
        REVIEWER: create_user("reviewer", PASSWORD, REVIEWER),
        CITY: create_user("taiyuan", PASSWORD, CITY, region="140100"),
        COUNTY: create_user("xiaodian", PASSWORD, COUNTY, region="140105"),
        REPORTER: create_user("reporter", PASSWORD, REPORTER, enterprise_code=taiyuan.credit_code),
        PUBLIC: create_user("citizen", PASSWORD, PUBLIC),
    }
    return {"users": users, "taiyuan": taiyuan, "qingxu": qingxu, "datong": datong}


def build_home_world(province: dict) -> dict:
    """``province`` (users and enterprises) with what every part of a home page reads: the
    budget pages' monthly estimates and 2026 ledger (tests/web/test_budget_pages.py), an
    inventory of 2024–2025 with GDP to 2026, two reports owed and not received, the warning
    run of June 2026 (barometer grades, budget and late-data warnings), a project filed in
    Taiyuan and a submission of the reporter's enterprise waiting for review."""
    from carbonctl.web.projects import services as projects
    from carbonctl.web.submissions import services as submissions
    from carbonctl.web.warnings import services as warnings

    users = province["users"]
    build_budgets(province)
    dataset = Dataset.objects.create(
        code="home", label="测试 test", synthetic=True, factor_set=factor_set()
    )
    for region, tco2 in TOTALS.items():
        for year, amount in zip((2024, 2025), tco2, strict=True):
            RegionTotal.objects.create(
                dataset=dataset, region_id=region, year=year, key_industry="钢铁 steel", tco2=amount
            )
    for region, gdp in GDP.items():
        for year, amount in zip((2024, 2025, 2026), gdp, strict=True):
            MacroFigure.objects.create(
                dataset=dataset, region_id=region, year=year, gdp_constant=amount
            )
    ReportingObligation.objects.create(
        subject_kind=ReportingObligation.SubjectKind.ENTERPRISE,
        region_id="140105",
        enterprise=province["taiyuan"],
        report="2025年度能源利用状况报告",
        period="2025",
        deadline=date(2026, 3, 31),
    )
    ReportingObligation.objects.create(
        subject_kind=ReportingObligation.SubjectKind.COUNTY,
        region_id="140121",
        report="月度能源消费报表",
        period="2026-06",
        deadline=date(2026, 7, 15),
    )
    found = warnings.evaluate(2026, 6, as_of=AS_OF)
    warnings.publish(found, year=2026, month=6, user=users[ADMIN])
    project = projects.file_project(
        users[ANALYST],
        {
            "name": "测试项目",
            "owner": province["qingxu"].credit_code,
            "region": "140121",
            "industry": "39",
            "kind": "new",
            "year": 2026,
            "products": [],
            "activities": [
                {"category": "electricity", "item": "电力", "amount": 1e6, "unit": "kWh"}
            ],
        },
    )
    submission = submissions.submit(
        users[REPORTER],
        SimpleUploadedFile("report.csv", UPLOAD.encode(), content_type="text/csv"),
        enterprise=province["taiyuan"],
        factor_set_code="GB/T 32150-2015",
    )
    return {**province, "dataset": dataset, "project": project, "submission": submission}


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker):
    with kept_for_the_module(django_db_blocker):
        world = build_home_world(province_users())
        settle_constraints()
        yield world


@pytest.fixture
def world(module_world, db):
    return module_world


def login(client, world, role) -> None:
    client.force_login(world["users"][role])


def stats_of(response) -> dict:
    return {s.key: s for s in response.context["stats"]}


def total(region: str, year: int) -> float:
    return RegionTotal.objects.filter(region_id=region, year=year).aggregate(t=Sum("tco2"))["t"]


def intensity(region: str, year: int) -> float:
    """t per 10^4 yuan: tCO2 over GDP in 亿元 × 10^4."""
    gdp = MacroFigure.objects.get(region_id=region, year=year).gdp_constant
    return total(region, year) / (gdp * 1e4)


def percent(change: float, decimals: int = 1) -> str:
    text = format_quantity(change, "%", decimals)
    return f"+{text}" if change > 0 else text


def grade(region: str) -> Warning:
    return Warning.objects.get(rule_id_text="carbon_barometer", subject=region, period="2026")


def links(html: str) -> list[str]:
    """Every link of a page's body that stays on the platform (not the menu's)."""
    body = html.split("<main>", 1)[1]
    return sorted({h for h in re.findall(r'<a [^>]*href="(/[^"]*)"', body)})


def chart(response) -> dict:
    found = re.search(
        r'<script id="home-data" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    return json.loads(found.group(1))


# --- province roles ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", PROVINCE_ROLES)
def test_province_roles_land_on_the_province_figures(client, world, role):
    login(client, world, role)
    response = client.get("/")
    assert response.templates[0].name == "home/region.html"
    stats = stats_of(response)
    co2 = stats["co2"]
    assert co2.value == format_quantity(total("140000", 2025), "万吨", 1, grouping=True)
    assert co2.change == percent(total("140000", 2025) / total("140000", 2024) - 1)
    assert co2.status == "比上年下降" and co2.tone == "good"
    change = intensity("140000", 2025) / intensity("140000", 2024) - 1
    assert stats["intensity"].value == floatformat(intensity("140000", 2025), 3)
    assert stats["intensity"].change == percent(change)
    # progress: the carbon barometer's stored grade of the province
    province = grade("140000")
    progress = stats["progress"]
    assert progress.value == format_quantity(province.value, "%", 2)
    assert format_quantity(province.threshold, "%", 2) in progress.notes[0]
    assert progress.status == ("达到进度" if province.value >= province.threshold else "滞后")
    assert progress.tone == {"green": "good", "yellow": "warn", "red": "bad"}[province.level]
    html = response.content.decode()
    for shown in (co2.value, progress.value, stats["budget"].value, stats["nowcast"].value):
        assert shown in html


def test_budget_use_is_the_ledger_s_actual_over_the_year_s_budget(client, world):
    from carbonctl.web.budget import services as budgets

    login(client, world, ANALYST)
    record = budgets.show("140000", 2026)
    budget = stats_of(client.get("/"))["budget"]
    assert budget.value == format_quantity(record["actual_tco2"] / record["budget_tco2"], "%", 1)
    assert "50.0%" in budget.notes[0]  # January–June of twelve months
    assert budget.link == "/budget/140000/?year=2026"


def test_open_warnings_are_counted_by_level(client, world):
    login(client, world, ADMIN)
    stat = stats_of(client.get("/"))["warnings"]
    opened = Warning.objects.filter(status=Warning.Status.OPEN)
    red, yellow = opened.filter(level="red").count(), opened.filter(level="yellow").count()
    assert red > 0 and stat.value == str(red) and stat.tone == "bad"
    assert str(yellow) in stat.notes[0]
    assert stat.link == "/warnings/?level=red&status=open"


def test_the_nowcast_is_the_latest_month_and_the_year_to_date_on_last_year(client, world):
    login(client, world, ANALYST)
    stat = stats_of(client.get("/"))["nowcast"]
    rows = Estimate.objects.filter(region_id="140000", sector="ALL", kind="month")
    latest = rows.order_by("-month").first()
    assert latest.month == "2026-06"
    assert stat.value == format_quantity(latest.tco2, "万吨", 1, grouping=True)
    months = [f"-{m:02d}" for m in range(1, 7)]
    now = sum(r.tco2 for r in rows if r.month[:4] == "2026" and r.month[4:] in months)
    before = sum(r.tco2 for r in rows if r.month[:4] == "2025" and r.month[4:] in months)
    assert stat.change == percent(now / before - 1)
    assert stat.link == "/electricity/?region=140000"


def test_the_map_colours_every_city_by_its_barometer_level(client, world):
    login(client, world, ANALYST)
    response = client.get("/")
    regions = {r["adcode"]: r for r in chart(response)["map"]["regions"]}
    assert set(regions) == set(Region.objects.filter(level="city").values_list("adcode", flat=True))
    for adcode in ("140100", "140200"):
        graded = grade(adcode)
        assert regions[adcode]["level"] == graded.level
        assert regions[adcode]["level_label"] == graded.get_level_display()
        assert regions[adcode]["achieved_text"] == format_quantity(graded.value, "%", 2)
        assert regions[adcode]["tco2_text"] == format_quantity(
            total(adcode, 2025), "万吨", 1, grouping=True
        )
        change = intensity(adcode, 2025) / intensity(adcode, 2024) - 1
        assert regions[adcode]["change_text"] == percent(change)
    assert regions["140300"]["level"] == "" and regions["140300"]["tco2"] is None  # no data
    assert client.get(regions["140100"]["url"]).status_code == 200  # a click opens the city


def test_what_needs_attention_lists_warnings_late_reports_projects_and_submissions(client, world):
    login(client, world, REVIEWER)
    items = {i["label"]: i for i in client.get("/").context["attention"]}
    late = Warning.objects.filter(rule__kind="late_data", status="open").count()
    assert late == 2 and items["数据逾期未报送"]["count"] == late
    assert items["待审查的项目：已申报"]["count"] == 1
    assert items["待审核的报送数据"]["url"] == f"/submissions/{world['submission'].pk}/"
    assert (
        items["未处理的红色预警"]["count"]
        == Warning.objects.filter(status="open", level="red").count()
    )
    # the analyst reviews neither submissions nor projects: no such item
    login(client, world, ANALYST)
    labels = {i["label"] for i in client.get("/").context["attention"]}
    assert "待审核的报送数据" not in labels and "待审查的项目：已申报" not in labels


@pytest.mark.parametrize("role", [ADMIN, ANALYST, REVIEWER, CITY, COUNTY, REPORTER, PUBLIC])
def test_every_link_on_the_home_page_opens_for_the_role(client, world, role):
    login(client, world, role)
    response = client.get("/")
    found = links(response.content.decode())
    if response.context.get("chart") and response.context["chart"].get("map"):
        found += [r["url"] for r in response.context["chart"]["map"]["regions"]]
    assert found
    refused = {url: client.get(url).status_code for url in found}
    assert {url: status for url, status in refused.items() if status != 200} == {}


# --- officials -------------------------------------------------------------------------------


def test_a_city_official_lands_on_the_city_and_its_counties(client, world):
    login(client, world, CITY)
    response = client.get("/")
    assert response.context["focus"].adcode == "140100"
    stats = stats_of(response)
    assert stats["co2"].value == format_quantity(total("140100", 2025), "万吨", 1, grouping=True)
    assert stats["progress"].value == format_quantity(grade("140100").value, "%", 2)
    counties = set(Region.objects.filter(parent_id="140100").values_list("adcode", flat=True))
    shown = {r["adcode"] for r in chart(response)["map"]["regions"]}
    assert shown == counties
    assert response.context["screen_url"] is None
    html = response.content.decode()
    # another city's figure is not on the page; the province's total is, for comparison
    assert format_quantity(total("140200", 2025), "万吨", 1, grouping=True) not in html
    assert format_quantity(total("140000", 2025), "万吨", 1, grouping=True) in html
    # only the warnings of the city's regions are counted
    datong = Warning.objects.filter(region_id="140200", status="open").count()
    taiyuan = Warning.objects.filter(region__in=["140100", *counties], status="open")
    assert datong > 0
    red = taiyuan.filter(level="red").count()
    assert stats["warnings"].value == str(red)


def test_a_county_official_lands_on_the_county(client, world):
    login(client, world, COUNTY)
    response = client.get("/")
    assert response.context["focus"].adcode == "140105"
    assert [r["adcode"] for r in response.context["rows"]] == ["140105"]
    assert response.context["chart"]["map"] is None  # one county: its row, no map
    stats = stats_of(response)
    assert stats["co2"].value == format_quantity(total("140105", 2025), "万吨", 1, grouping=True)
    assert "待审查的项目：已申报" not in {i["label"] for i in response.context["attention"]}


# --- enterprises and the public --------------------------------------------------------------


def test_an_enterprise_reporter_lands_on_its_reports_warnings_and_projects(client, world):
    login(client, world, REPORTER)
    response = client.get("/")
    assert response.templates[0].name == "home/enterprise.html"
    context = response.context
    (owed,) = context["reports"]
    overdue = (timezone.localdate() - date(2026, 3, 31)).days
    assert owed["status"] == f"逾期 {overdue} 天未报送" and owed["tone"] == "bad"
    (submitted,) = context["submissions"]
    assert submitted["status"] == "待审核"
    own = Warning.objects.filter(enterprise=world["taiyuan"])
    assert own.exists() and len(context["warnings"]) == own.count()
    assert {s.key: s.value for s in context["stats"]}["pending"] == "1"
    html = response.content.decode()
    assert "碳效评价等级" in html and "后续版本" in html  # the grade's place, said in words
    assert format_quantity(total("140000", 2025), "万吨", 1, grouping=True) not in html
    assert "home-data" not in html  # no region aggregate, not even in a chart


@pytest.mark.parametrize("signed_in", [True, False])
def test_the_public_sees_published_figures_and_no_login_only_link(client, world, signed_in):
    from carbonctl.web.inventories.services import publish

    if signed_in:
        login(client, world, PUBLIC)
    before = client.get("/").content.decode()
    assert "尚未发布数据" in before
    assert format_quantity(total("140000", 2025), "万吨", 1, grouping=True) not in before
    publish(world["users"][ADMIN], world["dataset"], 2025)
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert format_quantity(total("140000", 2025), "万吨", 1, grouping=True) in html
    assert format_quantity(total("140100", 2025), "万吨", 1, grouping=True) in html
    assert ('id="login-link"' in html) is not signed_in
    anonymous = Client()
    for url in links(html):
        if url.startswith("/accounts/login/"):
            continue
        assert anonymous.get(url).status_code == 200, url  # nothing that needs a login


# --- the large screen ------------------------------------------------------------------------


@pytest.mark.parametrize("role", PROVINCE_ROLES)
def test_the_large_screen_is_the_province_s(client, world, role):
    login(client, world, role)
    response = client.get("/screen/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="screen"' in html and 'data-refresh-seconds="300"' in html
    assert format_quantity(total("140000", 2025), "万吨", 1, grouping=True) in html
    ticker = response.context["ticker"]
    assert ticker and ticker[0]["level"] == "red"  # red first


@pytest.mark.parametrize("role", [CITY, COUNTY, REPORTER, PUBLIC])
def test_the_large_screen_is_refused_to_other_roles(client, world, role):
    login(client, world, role)
    before = AuditEntry.objects.filter(action="deny").count()
    response = client.get("/screen/")
    assert response.status_code == 404
    assert "页面不存在或无权查看" in response.content.decode()  # the platform's own page
    assert AuditEntry.objects.filter(action="deny").count() == before + 1


def test_anonymous_visitors_are_asked_to_log_in_for_the_large_screen(client, world):
    response = client.get("/screen/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_province_roles_are_offered_the_large_screen_and_officials_are_not(client, world):
    login(client, world, ADMIN)
    assert 'id="screen-link"' in client.get("/").content.decode()
    login(client, world, CITY)
    assert 'id="screen-link"' not in client.get("/").content.decode()


# --- language and parameters -----------------------------------------------------------------


def test_english_home_names_regions_in_english(client, world):
    login(client, world, ANALYST)
    response = client.get("/en/")
    html = response.content.decode()
    names = {r["name"] for r in chart(response)["map"]["regions"]}
    assert {"Taiyuan", "Datong"} <= names
    assert "太原市" not in html and "大同市" not in html
    assert "Intensity target progress" in html


@pytest.mark.parametrize("role", [ADMIN, CITY, COUNTY, REPORTER, PUBLIC, None])
def test_english_home_pages_show_no_chinese_but_data(client, world, role):
    """Chinese left on an English home page is data: names of regions and enterprises, and the
    names of the reports an enterprise owes (as the obligation records them)."""
    if role is not None:
        login(client, world, role)
    text = without_data(visible_text(client.get("/en/").content.decode()))
    for report in ReportingObligation.objects.values_list("report", flat=True):
        text = text.replace(report, "")
    assert [line for line in text.splitlines() if CJK.search(line)] == []


def test_an_earlier_year_shows_that_year_s_figures(client, world):
    login(client, world, ANALYST)
    stats = stats_of(client.get("/", {"year": 2024}))
    assert stats["co2"].value == format_quantity(total("140000", 2024), "万吨", 1, grouping=True)
    assert stats["co2"].status == "无上年数据"


def test_the_old_overview_address_leads_home(client, world):
    login(client, world, ANALYST)
    response = client.get("/overview/", {"year": 2024})
    assert (response.status_code, response["Location"]) == (302, "/?year=2024")


@pytest.mark.parametrize("role", [ADMIN, CITY, COUNTY, REPORTER, PUBLIC])
def test_no_internal_key_reaches_the_chinese_home_page(client, world, role):
    """No key of a registry or a stored choice (``red``, ``reconciled``, ``15th``,
    ``Beverage Production`` …) is shown on a Chinese page. (In English the same words are
    ordinary English — "Open red warnings" —; there the CJK test above asks for translations.)"""
    from carbonctl.web.labels import page_keys

    login(client, world, role)
    text = visible_text(client.get("/").content.decode())
    shown = {
        key for key in page_keys("zh") if re.search(rf"(?<![\w-]){re.escape(key)}(?![\w-])", text)
    }
    assert shown == set()


def test_kept_figures_follow_a_new_ledger_entry_and_a_changed_grade(client, world):
    """The home page keeps figures in the cache under keys that name their state: an approved
    budget adjustment (a new ledger entry) and a re-graded city show at once."""
    from carbonctl.web.budget import services as budgets

    login(client, world, ADMIN)
    before = stats_of(client.get("/"))["budget"].value
    request = budgets.request_adjustment(
        world["users"][ANALYST],
        region="140000",
        year=2026,
        reason_code="gdp_revision",
        amount_tco2=50e6,
        reason="测试",
    )
    budgets.decide_adjustment(world["users"][REVIEWER], request, approve=True)
    record = budgets.show("140000", 2026)
    after = stats_of(client.get("/"))["budget"].value
    assert after != before
    assert after == format_quantity(record["actual_tco2"] / record["budget_tco2"], "%", 1)
    datong = grade("140200")
    datong.level = "green" if datong.level != "green" else "red"
    datong.save()
    regions = {r["adcode"]: r for r in chart(client.get("/"))["map"]["regions"]}
    assert regions["140200"]["level"] == datong.level


def test_a_budget_the_budget_app_cannot_forecast_says_so(client, world):
    """With one complete year of monthly history the budget app cannot forecast the year: the
    home page says so instead of failing."""
    Estimate.objects.filter(region_id="140000", month__startswith="2024").delete()
    login(client, world, ANALYST)
    response = client.get("/")
    assert response.status_code == 200
    budget = stats_of(response)["budget"]
    assert (budget.value, budget.status) == ("–", "暂无法计算")
