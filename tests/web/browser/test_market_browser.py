"""The carbon market in a real browser under the Content-Security-Policy: the verifier records a
verification from its worklist (refused without an explanation above 0.5 %), the analyst
computes the pre-allocation from the board, and the board shows it with its flags."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from carbonctl.web.accounts.models import Role
from carbonctl.web.market.models import Allocation, Verification

from ..test_market import market  # noqa: F401  (the fixture)
from .test_projects_browser import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_verify_then_compute_and_read_the_board(page, market, tmp_path):  # noqa: F811
    users, own = market["users"], market["units"]["own"]
    shots = Path(os.environ.get("CARBONCTL_SCREENSHOTS", tmp_path))
    log_in(page, users[Role.VERIFIER].username)
    page.goto("/market/verify/")
    row = page.locator(f"tr[data-unit='{own.unit_id}']")
    row.locator("input[name=verified_t]").fill("2750000")  # +1.9 % on 2.70 Mt reported
    with page.expect_navigation():
        row.locator("button[type=submit]").click()
    assert "0.5%" in page.locator("#errors").inner_text()
    assert not Verification.objects.exists()
    page.console_errors.clear()  # the refusal is answered 400
    row = page.locator(f"tr[data-unit='{own.unit_id}']")
    row.locator("input[name=verified_t]").fill("2750000")
    row.locator("textarea[name=explanation]").fill("入炉煤量台账更正")
    with page.expect_navigation():
        row.locator("button[type=submit]").click()
    assert Verification.objects.get().explanation == "入炉煤量台账更正"
    page.screenshot(path=str(shots / "market-verify.png"), full_page=True)

    log_in(page, users[Role.PROVINCE_ANALYST].username)
    page.goto("/market/?year=2023")
    with page.expect_navigation():
        page.click("#compute button[value=pre]")
    assert Allocation.objects.filter(stage="pre").count() == 3
    assert "1,815,891" in page.locator("#units").inner_text()
    # the flags of every unit are said once, above the table
    assert "预分配比例 70% 为沿用的假设，未经确认" in page.locator("#common-flags").inner_text()
    page.set_viewport_size({"width": 1366, "height": 768})
    page.screenshot(path=str(shots / "market-board.png"), full_page=True)
    assert page.console_errors == []
