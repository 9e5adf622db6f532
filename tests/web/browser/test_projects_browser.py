"""The project review in a real browser under the Content-Security-Policy (issue 15's "Done when"):
the enterprise reporter uploads a project file, the reviewer accepts and assesses it, signs the
opinion, downloads the PDF opinion and the calculation workbook, and the city's budget page shows
the commitment; a bad file is refused with the field named and nothing saved."""

from __future__ import annotations

import json

import pytest

from carbonctl.web.accounts.models import Role
from carbonctl.web.budget import services as budgets
from carbonctl.web.projects.models import Project

from ..test_budget_pages import build_budgets

pytestmark = pytest.mark.django_db(transaction=True)


def project_file(owner) -> dict[str, object]:
    """A city-level project of Taiyuan's demo enterprise: 3,000 t of coal (NCV 29.3076 GJ/t,
    1 t = 1 tce) and 2 million kWh, first full year 2026."""
    return {
        "name": "浏览器测试电子材料项目",
        "owner": owner.credit_code,
        "region": owner.county_id,
        "industry": "39",
        "kind": "new",
        "year": 2026,
        "products": [],
        "activities": [
            {
                "category": "combustion",
                "item": "原煤",
                "amount": 3000,
                "unit": "t",
                "ncv": 29.3076,
                "carbon_content": 0.0262,
                "oxidation_rate": 0.93,
            },
            {"category": "electricity", "item": "电力", "amount": 2e6, "unit": "kWh"},
        ],
        "value_added_10k_cny": 20000,
        "operating_share": 1,
        "capacity_replacement": None,
    }


def log_in(page, username: str) -> None:
    from .conftest import PASSWORD

    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")


def test_a_filing_goes_to_a_signed_opinion_and_into_the_city_budget(page, province, tmp_path):
    build_budgets(province)
    users = province["users"]
    good = tmp_path / "project.json"
    good.write_text(json.dumps(project_file(province["taiyuan"]), ensure_ascii=False), "utf-8")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**project_file(province["taiyuan"]), "kind": "rebuild"}), "utf-8")

    log_in(page, users[Role.ENTERPRISE_REPORTER].username)
    page.goto("/projects/new/")
    page.set_input_files("input[name=file]", str(bad))
    page.click("#filing-form button[type=submit]")
    assert "kind" in page.locator("#errors").inner_text()
    assert not Project.objects.exists()
    # the refused upload is answered 422, which Chromium logs as a failed resource
    assert [e for e in page.console_errors if "422" not in e] == []
    page.console_errors.clear()
    page.set_input_files("input[name=file]", str(good))
    with page.expect_navigation():
        page.click("#filing-form button[type=submit]")
    project = Project.objects.get()
    assert page.locator("#status").inner_text() == "已申报"
    assert page.locator("#assess-form").count() == 0  # the owner does not review

    log_in(page, users[Role.REVIEWER].username)
    page.goto("/projects/?status=submitted")
    with page.expect_navigation():
        page.click(f"text={project.name}")
    with page.expect_navigation():
        page.click("#assess-form button[type=submit]")
    assert page.locator("#status").inner_text() == "已评估待审查"
    project.refresh_from_db()
    assert project.review_level == "city"  # 3,000 + 245.8 tce: between 1,000 and 10,000
    page.check("input[name=outcome][value=approve]")
    page.fill("textarea[name=reasons]", "经审查，项目能效和排放符合要求，同意。")
    with page.expect_navigation():
        page.click("#opinion-form button[type=submit]")
    assert page.locator("#status").inner_text() == "审查通过"
    assert "同意（审查通过）" in page.locator("#opinions").inner_text()
    page.screenshot(path=str(tmp_path / "project-detail.png"), full_page=True)
    with page.expect_download() as pdf:
        page.click("#opinion-link")
    assert pdf.value.path().read_bytes().startswith(b"%PDF")
    with page.expect_download() as workbook:
        page.click("#calculation-link")
    assert workbook.value.path().read_bytes().startswith(b"PK")

    with page.expect_navigation():
        page.click("#budget-link")
    assert f"项目 · {project.ref}" in page.content()  # the ledger entry names the project
    project.refresh_from_db()
    shown = budgets.show("140100", 2026)
    assert shown["committed_tco2"] >= project.ledger_tco2 > 0
    page.screenshot(path=str(tmp_path / "city-budget.png"), full_page=True)
    assert page.console_errors == []
