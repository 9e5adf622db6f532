"""The home page of every role in a real browser at 1366×768, under the Content-Security-Policy:
its charts drawn (the barometer map, the trend, the nowcast, the published cities), no console
error, no horizontal scroll; a screenshot of each role's home page is saved to the folder named
by ``CARBONCTL_SCREENSHOTS`` (pytest's temporary folder otherwise) for the CI's artifacts. The
large screen fills 1920×1080 without scrolling."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from carbonctl.web.accounts.models import Role

from ..test_home import build_home_world
from .conftest import PASSWORD, REPORT_CSP_VIOLATIONS, csp_violations, hover_charts

pytestmark = pytest.mark.django_db(transaction=True)

#: Who is looked at, in which language: every role (None: an anonymous visitor), two in English.
VISITS = [
    (Role.PROVINCE_ADMIN, "zh"),
    (Role.PROVINCE_ANALYST, "zh"),
    (Role.REVIEWER, "zh"),
    (Role.CITY_OFFICIAL, "zh"),
    (Role.COUNTY_OFFICIAL, "zh"),
    (Role.ENTERPRISE_REPORTER, "zh"),
    (Role.PUBLIC, "zh"),
    (None, "zh"),
    (Role.PROVINCE_ANALYST, "en"),
    (Role.CITY_OFFICIAL, "en"),
]

#: Every chart box holds an ECharts chart with at least one series.
CHARTS_DRAWN = """() => [...document.querySelectorAll('.chart')].map((element) => {
  const chart = echarts.getInstanceByDom(element);
  return chart ? chart.getOption().series.length : 0;
})"""


@pytest.fixture
def screenshots(tmp_path) -> Path:
    folder = Path(os.environ.get("CARBONCTL_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def open_page(browser, live_server, width: int, height: int):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": height}
    )
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return context, page, errors


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")


def look(page, path: str) -> dict:
    """Open ``path``, wait for its charts, and say what a reader would notice."""
    answer = page.goto(path)
    if page.locator("#home-data").count():
        page.wait_for_function("() => window.chartsReady === true", timeout=20000)
    drawn = page.evaluate(CHARTS_DRAWN) if page.locator(".chart").count() else []
    return {
        "status": answer.status,
        "charts": drawn,
        "hovered": hover_charts(page),
        "overflow": page.evaluate("document.documentElement.scrollWidth - window.innerWidth"),
    }


def test_every_role_s_home_page_draws_without_errors_or_horizontal_scroll(
    browser, live_server, province, screenshots
):
    world = build_home_world(province)
    users = world["users"]
    failed: dict[str, object] = {}
    seen: dict[str, dict] = {}
    for role, language in VISITS:
        name = f"home-{role or 'anonymous'}-{language}"
        context, page, errors = open_page(browser, live_server, 1366, 768)
        try:
            if role is not None:
                sign_in(page, users[role].username)
            found = look(page, "/en/" if language == "en" else "/")
            page.screenshot(path=str(screenshots / f"{name}.png"), full_page=True)
            seen[name] = found
            problems = {
                key: value
                for key, value in (
                    ("status", found["status"] if found["status"] != 200 else None),
                    ("empty charts", [n for n in found["charts"] if n == 0] or None),
                    ("horizontal scroll", found["overflow"] if found["overflow"] > 0 else None),
                    ("console", errors or None),
                    ("policy", csp_violations(errors) or None),
                )
                if value is not None
            }
            if problems:
                failed[name] = problems
        finally:
            context.close()
    assert failed == {}
    # what each role sees: the map, trend and nowcast for province roles and the city official;
    # the county official has no map (one county); the reporter no chart; the public the cities
    for role in ("province_admin", "province_analyst", "reviewer", "city_official"):
        assert len(seen[f"home-{role}-zh"]["charts"]) == 3, role
    assert len(seen["home-county_official-zh"]["charts"]) == 2
    assert seen["home-enterprise_reporter-zh"]["charts"] == []
    assert seen["home-public-zh"]["charts"] == seen["home-anonymous-zh"]["charts"] == []
    assert all((screenshots / f"{name}.png").stat().st_size > 0 for name in seen)


def test_the_map_opens_a_region_and_the_public_sees_the_published_chart(
    browser, live_server, province, screenshots
):
    from carbonctl.web.inventories.services import publish

    world = build_home_world(province)
    context, page, errors = open_page(browser, live_server, 1366, 768)
    try:
        sign_in(page, world["users"][Role.CITY_OFFICIAL].username)
        page.wait_for_function("() => window.chartsReady === true", timeout=20000)
        assert page.evaluate("window.mapRegions") == 10  # Taiyuan's county-level units
        colours = page.evaluate(
            "Object.fromEntries(echarts.getInstanceByDom(document.getElementById('map'))"
            ".getOption().series[0].data.map(d => [d.name, d.itemStyle.areaColor]))"
        )
        level = world_level("140105")
        assert (
            colours["140105"] == {"red": "#c0392b", "yellow": "#f1c40f", "green": "#2e8b57"}[level]
        )
        with page.expect_navigation():
            page.evaluate(
                "echarts.getInstanceByDom(document.getElementById('map'))"
                ".trigger('click', {name: '140105'})"
            )
        assert "/inventory/140105/" in page.url
        publish(world["users"][Role.PROVINCE_ADMIN], world["dataset"], 2025)
        page.context.clear_cookies()
        look(page, "/")
        assert page.evaluate(CHARTS_DRAWN) == [1]  # the published cities' bar chart
        page.screenshot(path=str(screenshots / "home-published.png"), full_page=True)
        assert errors == []
    finally:
        context.close()


def world_level(adcode: str) -> str:
    from carbonctl.web.warnings.models import Warning

    return Warning.objects.get(rule_id_text="carbon_barometer", subject=adcode, period="2026").level


def test_the_large_screen_fills_a_wall_display_without_scrolling(
    browser, live_server, province, screenshots
):
    world = build_home_world(province)
    context, page, errors = open_page(browser, live_server, 1920, 1080)
    try:
        sign_in(page, world["users"][Role.PROVINCE_ADMIN].username)
        found = look(page, "/screen/")
        page.screenshot(path=str(screenshots / "screen-1920x1080.png"))
        assert found["status"] == 200
        assert len(found["charts"]) == 3 and 0 not in found["charts"]
        scroll = page.evaluate(
            "[document.documentElement.scrollWidth - window.innerWidth,"
            " document.documentElement.scrollHeight - window.innerHeight]"
        )
        assert scroll == [0, 0]
        assert page.locator(".ticker-item").count() >= 2  # the warnings run past
        assert page.evaluate("document.body.dataset.refreshSeconds") == "300"
        assert errors == []
    finally:
        context.close()
