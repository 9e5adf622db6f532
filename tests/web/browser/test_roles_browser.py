"""Every role, both languages, on an office laptop's screen (1366×768): each page of the role's
menu opens without a console error, without horizontal scrolling, with every chart drawn and no
internal key in its text; the landing page of each role is saved as a screenshot (the directory
named by CARBONCTL_SCREENSHOTS, else the test's temporary directory) for people to look at."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from carbonctl.web.accounts.models import Role

from ..crawl import internal_keys_in

pytestmark = pytest.mark.django_db(transaction=True)

ROLES = [
    Role.PROVINCE_ADMIN,
    Role.PROVINCE_ANALYST,
    Role.REVIEWER,
    Role.CITY_OFFICIAL,
    Role.COUNTY_OFFICIAL,
    Role.ENTERPRISE_REPORTER,
    Role.PUBLIC,
    None,  # an anonymous visitor
]

#: The page's visible text without quoted citations (class ``cite``), scripts or styles.
VISIBLE_TEXT = """() => {
  const copy = document.body.cloneNode(true);
  copy.querySelectorAll('script, style, template, textarea, .cite').forEach(e => e.remove());
  return copy.innerText;
}"""
#: Whether every chart container holds a drawn chart (ECharts draws into a canvas).
CHARTS_DRAWN = """() => [...document.querySelectorAll('.chart')]
  .every(c => c.querySelector('canvas, svg') !== null)"""


def _screenshots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("CARBONCTL_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("role", ROLES, ids=[r.value if r else "anonymous" for r in ROLES])
def test_every_menu_page_at_1366(browser, live_server, province, inventory, role, lang, tmp_path):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 768})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    prefix = "/en" if lang == "en" else ""
    if role is not None:
        page.goto(f"{prefix}/accounts/login/")
        page.fill("input[name=username]", province["users"][role].username)
        page.fill("input[name=password]", "correct-horse-battery-staple")
        with page.expect_navigation():
            page.click("button[type=submit]")
    else:
        page.goto(f"{prefix}/")
    page.wait_for_load_state("load")
    name = role.value if role else "anonymous"
    page.screenshot(path=str(_screenshots(tmp_path) / f"home-{name}-{lang}.png"), full_page=True)
    menu = page.eval_on_selector_all("#nav a[href]", "links => links.map(a => a.pathname)")
    usernames = tuple(get_user_model().objects.values_list("username", flat=True))
    problems = []
    for path in [page.url.removeprefix(live_server.url), *dict.fromkeys(menu)]:
        response = page.goto(path)
        page.wait_for_load_state("load")
        drawn = page.evaluate(CHARTS_DRAWN)
        if not drawn:
            page.wait_for_timeout(500)
            drawn = page.evaluate(CHARTS_DRAWN)
        wide = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        keys = internal_keys_in(page.evaluate(VISIBLE_TEXT), lang, data=usernames)
        found = {
            "status": response.status if response.status != 200 else None,
            "console": list(errors) or None,
            "charts": None if drawn else "a chart was not drawn",
            "scroll": "scrolls sideways at 1366 px" if wide else None,
            "keys": keys or None,
        }
        errors.clear()
        if any(found.values()):
            problems.append((path, {k: v for k, v in found.items() if v}))
    context.close()
    assert len(menu) > 0
    assert problems == [], "\n".join(map(str, problems))
