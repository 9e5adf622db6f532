"""The metrology pages in a real browser under the Content-Security-Policy: the province analyst
imports a meter register through the form, the page shows the overdue calibration in words and
colour, the city filter narrows it, and the enterprise page carries the metrology section; a bad
file is refused with its row and column named and nothing imported (screenshots at 1366×768)."""

from __future__ import annotations

import datetime as dt

import pytest

from carbonctl.web.metrology.models import Meter

pytestmark = pytest.mark.django_db(transaction=True)


def register(province, today: dt.date, *, bad: bool = False) -> str:
    past = (today - dt.timedelta(days=20)).isoformat()
    later = (today + dt.timedelta(days=200)).isoformat()
    taiyuan, datong = province["taiyuan"], province["datong"]
    rows = [
        "meter_id,enterprise,measures,level,accuracy_class,installed_on,certificate,"
        "calibrated_on,due_on",
        f"TY-1,{taiyuan.credit_code},电力,进出用能单位,0.5,2020-01-01,JD-1,2024-01-01,{past}",
        f"TY-2,{taiyuan.credit_code},煤炭,主要用能设备,0.5,2020-01-01,JD-2,2025-06-01,{later}",
        f"DT-1,{datong.credit_code},{'柴火' if bad else '蒸汽'},进出用能单位,2.5,2021-05-01,"
        f"JD-3,2025-06-01,{later}",
    ]
    return "\n".join(rows) + "\n"


def test_import_page_and_section_in_the_browser(page, login, province, tmp_path):
    page.set_viewport_size({"width": 1366, "height": 768})
    today = dt.date.today()
    login("analyst")
    bad = tmp_path / "bad.csv"
    bad.write_text(register(province, today, bad=True), encoding="utf-8")
    page.goto("/metrology/import/")
    page.set_input_files("input[name=file]", str(bad))
    page.click("#import-form button[type=submit]")
    errors = page.locator("#errors").inner_text()
    assert "bad.csv" in errors and "row 4" in errors and "measures" in errors
    assert Meter.objects.count() == 0
    good = tmp_path / "meters.csv"
    good.write_text(register(province, today), encoding="utf-8")
    page.set_input_files("input[name=file]", str(good))
    page.click("#import-form button[type=submit]")
    assert page.locator("#imported").is_visible()
    assert Meter.objects.count() == 3
    page.goto("/metrology/")
    assert page.locator("#overdue").inner_text() == "1"
    assert "红色" in page.locator("#headline .level-red").inner_text()
    assert page.locator("#attention tr[data-state=overdue] .level-red").inner_text() == "检定超期"
    page.screenshot(path=str(tmp_path / "metrology.png"), full_page=True)
    page.select_option("#filters select[name=city]", "140200")
    page.click("#filters button[type=submit]")
    assert page.locator("#total").inner_text() == "1"
    page.goto(f"/enterprises/{province['taiyuan'].pk}/")
    assert page.locator("#metrology-meters tbody tr").count() == 2
    page.screenshot(path=str(tmp_path / "section.png"), full_page=True)
    page.goto(f"/en/enterprises/{province['taiyuan'].pk}/")
    assert page.locator("#metrology-tiers tbody tr").count() == 1  # electricity at the unit
    page.screenshot(path=str(tmp_path / "section-en.png"), full_page=True)
    page.goto("/en/metrology/")
    assert page.locator("h1").inner_text().startswith("Carbon metrology")
    page.screenshot(path=str(tmp_path / "metrology-en.png"), full_page=True)
