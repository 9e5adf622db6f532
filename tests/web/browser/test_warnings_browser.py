"""In a real browser, under the Content-Security-Policy: the province administrator opens the
barometer map (every city drawn, coloured by its grade, tooltips on the canvas), the warning
centre and one warning, without console errors."""

from __future__ import annotations

import pytest

from carbonctl.web.accounts.models import Role
from carbonctl.web.inventories.models import Dataset, MacroFigure, RegionTotal
from carbonctl.web.submissions.services import factor_set

from .conftest import hover_charts

pytestmark = pytest.mark.django_db(transaction=True)

#: Intensities of 2020 (base), 2021 and 2022: Taiyuan behind (yellow), Datong ahead (green).
INTENSITY = {"140100": (1.0, 0.96, 0.93), "140200": (1.0, 0.95, 0.90)}


def test_the_barometer_map_and_the_warning_centre(page, login, province):
    from carbonctl.web.warnings import services
    from carbonctl.web.warnings.models import Warning

    dataset = Dataset.objects.create(code="w", label="test", factor_set=factor_set())
    for region, series in INTENSITY.items():
        for year, intensity in zip((2020, 2021, 2022), series, strict=True):
            RegionTotal.objects.create(
                dataset=dataset, region_id=region, year=year, key_industry="钢铁", tco2=intensity
            )
            MacroFigure.objects.create(dataset=dataset, region_id=region, year=year, gdp_constant=1)
    services.publish(services.evaluate(2022), year=2022, month=None)

    login(province["users"][Role.PROVINCE_ADMIN].username)
    assert page.locator("#unread-badge").inner_text() == "1"  # Taiyuan's yellow warning
    page.goto("/warnings/barometer/")
    page.wait_for_function("() => window.chartsReady === true", timeout=20000)
    assert page.evaluate("window.mapCities") == 11
    assert page.locator("#map canvas").count() >= 1
    colours = page.evaluate(
        "Object.fromEntries(echarts.getInstanceByDom(document.getElementById('map'))"
        ".getOption().series[0].data.map(d => [d.name, d.itemStyle.areaColor]))"
    )
    assert colours["140100"] == "#f1c40f" and colours["140200"] == "#2e8b57"
    assert colours["140300"] == "#b0b8bf"  # not graded: grey
    assert hover_charts(page) == 1
    assert "黄色预警" in page.inner_text("#grades")

    page.goto("/warnings/")
    assert "黄色预警" in page.inner_text("#warnings")
    taiyuan = Warning.objects.get(subject="140100")
    page.goto(f"/warnings/{taiyuan.pk}/")
    with page.expect_navigation():
        page.click("#act-form button[value=acknowledge]")
    assert page.inner_text("#status") == "已确认"
    assert page.locator("#unread-badge").count() == 0  # opening it read the notification
    assert page.console_errors == []
