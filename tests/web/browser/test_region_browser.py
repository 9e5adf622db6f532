"""The region inventory page in a browser at 1366×768: the stacked trend draws, the matrix
groups open and close, the year selector reloads the page for the year chosen, a cell leads to
the counties behind it, in both languages, without console errors or sideways scrolling."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from carbonctl.accounting.inventory import ceads_sectors
from carbonctl.web.accounts.models import Role
from carbonctl.web.inventories.models import Dataset, InventoryCell
from carbonctl.web.inventories.services import rebuild_totals
from carbonctl.web.submissions.services import factor_set

from .conftest import hover_charts

pytestmark = pytest.mark.django_db(transaction=True)

#: Fuels of the test cells, with the tCO2 per unit the amounts are derived from.
FUELS = {"原煤": 1.9, "焦炭": 2.86, "天然气": 21.6, "柴油": 3.1}
NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"
CHART_DRAWN = "() => document.querySelector('#trend-chart canvas') !== null"


@pytest.fixture
def cells(regions):
    """Two of Taiyuan's counties, 2022 and 2023, one sector in each of six key industries and
    four fuels; totals rolled up as a load does."""
    dataset = Dataset.objects.create(
        code="browser-cells", label="测试数据 (test data)", synthetic=True, factor_set=factor_set()
    )
    sectors = ceads_sectors().drop_duplicates("key_industry").head(6)
    rows = []
    for year in (2022, 2023):
        for county_number, county in enumerate(("140105", "140106"), start=1):
            for position, sector in enumerate(sectors.itertuples(index=False), start=1):
                for fuel_number, (fuel, factor) in enumerate(FUELS.items(), start=1):
                    tco2 = 1e4 * position * fuel_number * county_number * (year - 2020)
                    rows.append(
                        InventoryCell(
                            dataset=dataset,
                            region_id=county,
                            year=year,
                            sector=sector.sector,
                            key_industry=sector.key_industry,
                            fuel=fuel,
                            amount=tco2 / factor,
                            unit="万Nm3" if fuel == "天然气" else "t",
                            tco2=tco2,
                        )
                    )
    InventoryCell.objects.bulk_create(rows)
    rebuild_totals(dataset)
    return dataset


def _screenshots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("CARBONCTL_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_region_page_draws_opens_groups_and_drills_down(
    browser, live_server, province, cells, lang, tmp_path
):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 768})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    prefix = "/en" if lang == "en" else ""
    page.goto(f"{prefix}/accounts/login/")
    page.fill("input[name=username]", province["users"][Role.CITY_OFFICIAL].username)
    page.fill("input[name=password]", "correct-horse-battery-staple")
    with page.expect_navigation():
        page.click("button[type=submit]")

    page.goto(f"{prefix}/inventory/140100/")
    page.wait_for_function("() => window.chartsReady === true", timeout=20000)
    assert page.evaluate(CHART_DRAWN)
    series = page.evaluate(
        "echarts.getInstanceByDom(document.getElementById('trend-chart')).getOption().series"
    )
    assert len(series) == 6 and all(s["stack"] == "total" for s in series)
    assert len({s["itemStyle"]["color"] for s in series}) == 6  # one colour per key industry
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert page.locator("#year-select").input_value() == "2023"
    _screenshots(tmp_path).joinpath(f"region-{lang}.png").write_bytes(
        page.screenshot(full_page=True)
    )

    # the three largest groups open, the rest collapsed until clicked
    collapsed = page.locator('#matrix button.toggle[aria-expanded="false"]')
    assert page.locator("#matrix button.toggle").count() == 6 and collapsed.count() == 3
    group = collapsed.first.get_attribute("aria-controls")
    assert not page.locator(f"#{group} tr.sector").first.is_visible()
    collapsed.first.click()
    assert page.locator(f"#{group} tr.sector").first.is_visible()
    page.click("#collapse-all")
    assert page.locator("#matrix tr.sector:visible").count() == 0
    page.click("#expand-all")
    assert page.locator("#matrix tr.sector:visible").count() == 6

    # choosing a year reloads the page for it
    with page.expect_navigation():
        page.select_option("#year-select", "2022")
    assert "year=2022" in page.url
    page.wait_for_function("() => window.chartsReady === true", timeout=20000)
    assert "2022" in page.inner_text("h1")

    # a cell leads to the counties behind it
    with page.expect_navigation():
        page.locator("#matrix tbody tr.sector td a").first.click()
    assert page.locator("#cells tbody tr").count() == 2
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert hover_charts(page) == 0
    page.go_back()
    page.wait_for_function("() => window.chartsReady === true", timeout=20000)
    assert hover_charts(page) == 1
    context.close()
    assert errors == []
