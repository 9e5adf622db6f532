"""The budget pages in a real browser under the Content-Security-Policy: the overview's table
sorts, a region's waterfall and forecast charts draw (and their tooltips), no console errors."""

from __future__ import annotations

import pytest

from carbonctl.web.accounts.models import Role

from ..test_budget_pages import build_budgets
from .conftest import hover_charts

pytestmark = pytest.mark.django_db(transaction=True)


def test_budget_pages_draw_their_charts(page, login, province, tmp_path):
    build_budgets(province)
    login(province["users"][Role.PROVINCE_ADMIN].username)
    page.goto("/budget/?city=140100")
    assert page.locator("#budgets tbody tr").count() == 5
    page.click("#budgets thead th:nth-child(6)")  # headroom, ascending: 小店区 (negative) first
    assert page.locator("#budgets tbody tr").first.inner_text().startswith("— 小店区")
    page.click("#budgets thead th:nth-child(6)")
    assert page.locator("#budgets tbody tr").first.inner_text().startswith("山西省")
    page.goto("/budget/140100/?year=2026")
    page.wait_for_function("() => window.budgetCharts === 2", timeout=20000)
    for chart in ("#waterfall", "#cumulative"):
        assert page.locator(f"{chart} canvas").count() >= 1, chart
    bars = page.evaluate(
        "echarts.getInstanceByDom(document.getElementById('waterfall')).getOption().xAxis[0].data"
    )
    assert bars == ["预算", "实际排放", "已批项目", "省级预留", "余量"]
    assert hover_charts(page) == 2
    page.screenshot(path=str(tmp_path / "budget.png"), full_page=True)
    assert page.console_errors == []
