"""The footprint pages in a real browser under the Content-Security-Policy: the enterprise
reporter computes a cement study from the example foreground model through the form (a bad model
is refused with its row named first), the study page draws the top-process chart and shows the
grade with its basis, and the background page highlights UNCONFIRMED processes (screenshots at
1366×768)."""

from __future__ import annotations

from pathlib import Path

import pytest

from carbonctl.footprint.background import starter_background
from carbonctl.web.footprint import services
from carbonctl.web.footprint.models import FootprintStudy

pytestmark = pytest.mark.django_db(transaction=True)

EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "examples" / "footprint"


def test_a_reporter_computes_a_cement_footprint_in_the_browser(page, login, province, tmp_path):
    services.save_background(None, starter_background(), version="browser")
    page.set_viewport_size({"width": 1366, "height": 768})
    login("reporter")
    text = (EXAMPLE / "model_cement.csv").read_text(encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(text.replace("黏土", "不存在的原料", 1), encoding="utf-8")
    page.goto("/footprint/new/")

    def fill(path) -> None:
        page.fill("input[name=product]", "水泥")
        page.fill("input[name=cpc_code]", "37440")
        page.fill("input[name=cn_code]", "25232900")
        page.select_option("select[name=industry]", "cement")
        page.fill("input[name=period_start]", "2025-01-01")
        page.fill("input[name=period_end]", "2025-12-31")
        page.fill("input[name=output_amount]", "2000000")
        page.set_input_files("input[name=file]", str(path))
        page.click("#study-form button[type=submit]")

    fill(bad)
    errors = page.locator("#errors").inner_text()
    assert "bad.csv" in errors and "row 6" in errors and "不存在的原料" in errors
    assert not FootprintStudy.objects.exists()
    good = tmp_path / "model_cement.csv"
    good.write_text(text, encoding="utf-8")
    fill(good)
    page.wait_for_selector("#top-chart[data-drawn='1'] canvas")
    study = FootprintStudy.objects.get()
    assert page.locator("#score").inner_text().replace(",", "").startswith(str(int(study.score)))
    assert page.locator("#grade .level").inner_text() == study.grade
    assert page.locator("#top-processes tbody tr").count() >= 3
    page.screenshot(path=str(tmp_path / "study.png"), full_page=True)
    page.goto("/footprint/background/")
    assert page.locator("#background-processes tbody tr").count() > 100
    page.screenshot(path=str(tmp_path / "background.png"), full_page=True)
    page.goto(f"/en/footprint/{study.pk}/")
    assert "carbon footprint of" in page.locator("h1").inner_text()
