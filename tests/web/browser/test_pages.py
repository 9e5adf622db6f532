"""In a real browser: log in, the home page's map shows all 11 cities without console errors, a bad
upload shows its row errors, the language switch works, a city official cannot open another city."""

from __future__ import annotations

import pytest

from carbonctl.web.accounts.models import Role
from carbonctl.web.submissions.models import Submission

from .conftest import hover_charts

pytestmark = pytest.mark.django_db(transaction=True)


def test_overview_map_shows_all_eleven_cities(page, login, province, inventory):
    login(province["users"][Role.PROVINCE_ANALYST].username)
    page.wait_for_function("() => window.chartsReady === true", timeout=20000)
    assert page.evaluate("window.mapRegions") == 11
    regions = page.evaluate(
        "echarts.getInstanceByDom(document.getElementById('map'))"
        ".getOption().series[0].data.map(d => d.name)"
    )
    assert len(set(regions)) == 11 and "140100" in regions
    assert "66,000,000" not in page.inner_text("#headline")  # 万吨 shown, not tonnes
    assert "6,600.0" in page.inner_text("#headline")  # 66 Mt = 6,600.0 万吨
    assert hover_charts(page) == 2  # the map and the trend; tooltips keep the policy too
    assert page.console_errors == []


def test_officials_see_their_own_region_beside_the_province(page, login, province, inventory):
    """The home page follows the aggregate rule in the browser too: Taiyuan's official sees the
    city's counties on the map and the province's total and average; 小店区's has no map (one
    county: its row), and the charts still draw without console errors."""
    from carbonctl.web.inventories.models import RegionTotal

    RegionTotal.objects.create(
        dataset=inventory, region_id="140105", year=2023, key_industry="钢铁 steel", tco2=2e5
    )
    login(province["users"][Role.CITY_OFFICIAL].username)
    page.wait_for_function("window.chartsReady === true", timeout=20000)
    assert page.evaluate("window.mapRegions") == 10  # Taiyuan's county-level units
    assert "6,600.0" in page.inner_text("#comparison")  # the province total, 万吨
    assert "各市平均: 600.0 万吨" in page.inner_text("#comparison")  # 6600 / 11 cities
    page.context.clear_cookies()
    login(province["users"][Role.COUNTY_OFFICIAL].username)
    page.wait_for_function("window.chartsReady === true", timeout=20000)
    assert page.locator("#map").count() == 0
    assert "20.0" in page.inner_text("#headline")  # 2e5 t = 20 万吨
    assert page.console_errors == []


def test_a_bad_upload_shows_its_row_errors(page, login, province, inventory, tmp_path):
    login(province["users"][Role.ENTERPRISE_REPORTER].username)
    bad = tmp_path / "bad.csv"
    bad.write_text("主体,期间,类别,品种,数量,单位\nA,2023,燃料燃烧,焦炭,abc,吨\n", encoding="utf-8")
    page.goto("/submissions/")
    page.select_option("select[name=enterprise]", str(province["taiyuan"].pk))
    page.set_input_files("input[name=file]", str(bad))
    page.click("#upload-form button[type=submit]")
    rows = page.locator("#row-errors tbody tr")
    assert rows.count() == 1
    file, row, column, message, _ = rows.first.locator("td").all_inner_texts()
    assert (file, row, column) == ("bad.csv", "2", "amount")  # the file's row 2 holds "abc"
    assert "abc" in message
    assert not Submission.objects.exists()  # nothing written


def test_language_switch(page, login, province, inventory):
    login(province["users"][Role.PROVINCE_ADMIN].username)
    page.goto("/regions/")
    assert "太原市" in page.inner_text("#regions")
    with page.expect_navigation():
        page.select_option("#language-form select", "en")
    assert "Taiyuan" in page.inner_text("#regions")
    assert page.evaluate("document.documentElement.lang") == "en"


def test_a_city_official_cannot_open_another_city(page, login, province, inventory):
    login(province["users"][Role.CITY_OFFICIAL].username)
    own = page.goto("/regions/140100/")
    assert own.status == 200
    other = page.goto("/regions/140200/")
    assert other.status == 404


def test_allocation_workbench_bars_and_map(page, login, small_demo_dataset):
    from carbonctl.web import demo

    demo.load_demo(small_demo_dataset)
    login("analyst", "demo-analyst-2024")
    page.goto("/targets/allocation/?plan=14th&target=17")
    page.wait_for_function("() => window.chartsReady === true", timeout=20000)
    regions = page.evaluate(
        "echarts.getInstanceByDom(document.getElementById('map')).getOption().series[0].data.length"
    )
    assert regions == 11
    # the bars carry the methods' names and the table's numbers (% with one decimal)
    names = page.evaluate(
        "echarts.getInstanceByDom(document.getElementById('bars')).getOption()"
        ".series.map(s => s.name)"
    )
    assert names == ["同比例分解", "历史法", "人均法", "GDP份额法", "熵权指数法"]
    first = page.inner_text("#allocation tbody tr:first-child td:nth-child(2)")
    bars = page.evaluate(
        "echarts.getInstanceByDom(document.getElementById('bars')).getOption().series[0].data[0]"
    )
    assert first.startswith(f"{bars:.1f}%")
    # the map's picker switches to another method by name
    page.select_option("#map-method", label="GDP份额法")
    title = page.evaluate(
        "echarts.getInstanceByDom(document.getElementById('map')).getOption().title[0].text"
    )
    assert title.endswith("GDP份额法")
    assert hover_charts(page) == 2
    assert page.console_errors == []


def test_assessment_radar_shows_the_chosen_city_against_the_average(
    page, login, small_demo_dataset
):
    from carbonctl.web import demo

    demo.load_demo(small_demo_dataset)
    login("analyst", "demo-analyst-2024")
    page.goto("/targets/assessment/")
    page.wait_for_function("() => window.chartsReady === true", timeout=20000)

    def shown():
        return page.evaluate(
            "echarts.getInstanceByDom(document.getElementById('radar')).getOption()"
            ".series[0].data.map(d => d.name)"
        )

    first = page.inner_text("#ranking tbody tr:first-child th")
    assert shown() == ["各市平均", first]  # two outlines, never eleven
    page.select_option("#radar-city", label="太原市")
    assert shown() == ["各市平均", "太原市"]
    assert hover_charts(page) == 1
    assert page.console_errors == []


def test_electricity_page_of_a_year_without_meter_data(page, login, province, demo_outlook):
    """The demo's 2026 H1 assessment has no daily figures: the page opens on 2026-06 with a note
    instead of the daily chart, draws the monthly chart and the map, without console errors."""
    import pandas as pd

    from carbonctl.web.electricity.services import DAY_COLUMNS, save_assessment

    save_assessment(
        demo_outlook.assessment,
        pd.DataFrame(columns=DAY_COLUMNS),
        {},
        label="2026 H1 (test)",
        synthetic=True,
        source="test",
    )
    login(province["users"][Role.CITY_OFFICIAL].username)
    page.goto("/electricity/")
    page.wait_for_function("() => window.electricityMapCounties > 0", timeout=20000)
    assert page.evaluate("window.electricityCharts") == 1
    assert page.locator("#daily").count() == 0
    assert "2026年尚无电表日度数据" in page.inner_text("#no-daily")
    assert page.input_value("select[name=month]") == "2026-06"
    assert hover_charts(page) == 2  # the monthly chart and the map
    assert page.console_errors == []


def test_electricity_page_draws_daily_monthly_and_the_county_map(
    page, login, province, demo_electricity
):
    from carbonctl.web.demo import load_demo_electricity

    load_demo_electricity(demo=demo_electricity)
    login(province["users"][Role.CITY_OFFICIAL].username)
    page.goto("/electricity/")
    page.wait_for_function("() => window.electricityMapCounties > 0", timeout=20000)
    # the city official's map shows Taiyuan's ten county-level units, joined by adcode
    assert page.evaluate("window.electricityMapCounties") == 10
    band = page.evaluate(
        "echarts.getInstanceByDom(document.getElementById('monthly')).getOption().series.length"
    )
    assert band == 4  # low bound, band, nowcast, last year
    days = page.evaluate(
        "echarts.getInstanceByDom(document.getElementById('daily'))"
        ".getOption().xAxis[0].data.length"
    )
    assert days == 92
    assert hover_charts(page) == 3
    page.select_option("select[name=sector]", "A02.2.19")
    with page.expect_navigation():
        page.click("#choose button[type=submit]")
    assert "sector=A02.2.19" in page.url
    with page.expect_navigation():
        page.click("#bulletins a >> nth=0")
    assert "太原市" in page.inner_text("#text")
    assert page.console_errors == []
