"""Under the Content-Security-Policy in a real browser: a violation is caught, every page of the
menu loads (charts and their tooltips too), the API docs and the admin work, and a locked login
says so. (The page fixture fails any test whose pages broke the policy; the chart pages with
data are drawn and hovered in test_pages.py.)"""

from __future__ import annotations

import pytest

from carbonctl.web.accounts.models import Role

from .conftest import csp_violations, hover_charts

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_violation_is_caught(page):
    page.goto("/accounts/login/")
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<b style=\"color: red\">x</b>')")
    page.wait_for_function("document.querySelector('b')")
    page.wait_for_timeout(200)  # the violation event is queued after the insertion
    assert csp_violations(page.console_errors)  # the check below each test can fail
    color = page.evaluate("getComputedStyle(document.querySelector('b')).color")
    assert color != "rgb(255, 0, 0)"  # and the policy held
    page.console_errors.clear()


def test_every_page_in_the_menu_keeps_the_policy(page, login, province, inventory):
    login(province["users"][Role.PROVINCE_ANALYST].username)
    page.wait_for_function("() => window.chartsReady === true", timeout=20000)
    charts = hover_charts(page)
    assert charts == 2  # the home page's map and trend
    links = page.eval_on_selector_all("#nav a", "links => links.map(a => a.getAttribute('href'))")
    assert len(links) >= 8
    for link in links:
        answer = page.goto(link)
        assert answer.status == 200, link
        page.wait_for_load_state("networkidle")
        hover_charts(page)
    with page.expect_navigation():  # the language switch is a script file, not onchange=""
        page.select_option("#language-form select", "en")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.console_errors == []


def test_the_api_docs_render_under_the_policy(page):
    page.goto("/api/v1/docs")
    page.wait_for_selector(".opblock", timeout=20000)  # the operations, drawn by Swagger UI
    assert page.locator(".opblock").count() >= 10
    page.locator(".opblock-summary").first.click()
    page.wait_for_selector(".opblock-body")
    assert csp_violations(page.console_errors) == []


def test_the_admin_works_under_the_policy(page, province):
    page.goto("/admin/login/")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", "correct-horse-battery-staple")
    with page.expect_navigation():
        page.click("input[type=submit]")
    for path in ("/admin/", "/admin/audit/auditentry/", "/admin/auth/user/add/"):
        assert page.goto(path).status == 200, path
    page.goto("/admin/auth/user/")
    page.locator("#action-toggle").check()  # the admin's own scripts run
    assert page.locator("tr.selected").count() >= 7
    # (Chromium's request for /favicon.ico, which the admin's pages do not point elsewhere, is
    # a 404 in the console: only violations count here)
    assert csp_violations(page.console_errors) == []


def test_a_locked_login_says_when_to_retry(page, province):
    for _ in range(5):
        page.goto("/accounts/login/")
        page.fill("input[name=username]", province["users"][Role.CITY_OFFICIAL].username)
        page.fill("input[name=password]", "not-the-password")
        with page.expect_navigation():
            page.click("button[type=submit]")
    assert "登录失败次数过多，已暂时锁定" in page.inner_text("#login-locked")
