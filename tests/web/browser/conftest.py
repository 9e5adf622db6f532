"""Browser tests: Debian's Chromium driven by Playwright against Django's live test server,
with a small inventory (every city has a total) and the users of tests/web/conftest.py.

Every page runs under the platform's Content-Security-Policy: a test fails when any page it
visited broke the policy (an inline style or script, a foreign source)."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import sync_playwright

from carbonctl.web.inventories.models import Dataset, MacroFigure, RegionTotal
from carbonctl.web.regions.models import Region
from carbonctl.web.regions.services import sync_regions
from carbonctl.web.submissions.services import factor_set

PASSWORD = "correct-horse-battery-staple"

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Playwright drives the browser through an event loop in this thread; Django's live server
# and ORM calls from the test are fine with it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "1")


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


#: Reports every CSP violation of a page to the console, beside Chromium's own message.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => console.error(
  `Content Security Policy violation: ${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}`));
"""


def csp_violations(messages: list[str]) -> list[str]:
    return [m for m in messages if "Content Security Policy" in m]


def hover_charts(page) -> int:
    """Move the mouse over the middle of every chart (its tooltip shows) and return how many."""
    charts = page.locator(".chart")
    for index in range(charts.count()):
        box = charts.nth(index).bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_timeout(100)
    return charts.count()


@pytest.fixture
def page(browser, live_server):
    """A browser page on the live server; after the test, no page it visited may have broken the
    Content-Security-Policy (a test that provokes a violation empties ``page.console_errors``)."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1200, "height": 900})
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    yield page
    context.close()
    assert csp_violations(page.console_errors) == []


@pytest.fixture(autouse=True)
def regions(transactional_db):
    """Transactional tests empty the tables afterwards, migration data included: reload the
    regions (idempotent) before each browser test."""
    sync_regions(Region)


@pytest.fixture
def inventory(regions):
    """A dataset with a total for the province and every city in 2023, and the province GDP."""
    dataset = Dataset.objects.create(
        code="browser", label="测试数据 test data", synthetic=True, factor_set=factor_set()
    )
    cities = list(Region.objects.filter(level="city"))
    for number, city in enumerate(cities, start=1):
        RegionTotal.objects.create(
            dataset=dataset, region=city, year=2023, key_industry="钢铁 steel", tco2=1e6 * number
        )
    RegionTotal.objects.create(
        dataset=dataset,
        region_id="140000",
        year=2023,
        key_industry="钢铁 steel",
        tco2=1e6 * sum(range(1, 12)),
    )
    MacroFigure.objects.create(
        dataset=dataset, region_id="140000", year=2023, gdp_constant=25000.0, gdp_current=25698.18
    )
    return dataset


@pytest.fixture
def login(page):
    """Log ``page`` in as a user of the ``province`` fixture."""

    def log_in(username: str, password: str = PASSWORD) -> None:
        page.goto("/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        with page.expect_navigation():
            page.click("button[type=submit]")

    return log_in
