"""In a real browser, under the Content-Security-Policy: the province administrator opens the
county grade map (counties drawn, coloured by the share of grades 4–5) and the key-unit list,
without console errors."""

from __future__ import annotations

import os

import pytest

from carbonctl.web.accounts.models import Role
from carbonctl.web.enterprises.models import (
    Designation,
    EnergySavingTarget,
    ProductEnergy,
    UnitYear,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_grade_map_and_the_key_unit_list(page, login, province):
    for number, key in enumerate(("taiyuan", "qingxu", "datong"), start=1):
        enterprise = province[key]
        UnitYear.objects.create(
            enterprise=enterprise,
            year=2024,
            energy_tce=20_000 * number,
            co2_t=60_000 * number,
            value_added_10k_cny=10_000 / number**2,
        )
        Designation.objects.create(
            enterprise=enterprise,
            year=2024,
            kind="key_energy_user",
            reasons=["energy_10k_tce"],
            energy_tce=20_000 * number,
            co2_t=60_000 * number,
        )
    login(province["users"][Role.PROVINCE_ADMIN].username)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto("/enterprises/grades/")
    page.wait_for_function("() => window.chartsReady === true", timeout=20000)
    assert page.locator("#map canvas").count() >= 1
    assert page.locator("#county-grades tbody tr").count() == 3
    if os.environ.get("CARBONCTL_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["CARBONCTL_SCREENSHOTS"], "grades.png"))
    page.goto("/enterprises/")
    assert page.locator("#key-units tbody tr").count() == 3
    if os.environ.get("CARBONCTL_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["CARBONCTL_SCREENSHOTS"], "list.png"))
    taiyuan = province["taiyuan"]
    ProductEnergy.objects.create(
        enterprise=taiyuan, year=2024, product="高炉工序", specific_energy=400, unit="kgce/t"
    )
    EnergySavingTarget.objects.create(
        enterprise=taiyuan,
        plan="14th",
        start_year=2021,
        end_year=2025,
        baseline_year=2020,
        baseline_energy_tce=20_000,
        target_saving_tce=1_000,
        achieved_saving_tce=800,
        as_of_year=2024,
    )
    page.click(f"text={taiyuan.name_zh}")
    assert page.locator("#key-unit #designations tbody tr").count() == 1
    assert page.locator("#product-energy .level-yellow").count() == 1  # 361 < 400 ≤ 435
    if os.environ.get("CARBONCTL_SCREENSHOTS"):
        page.screenshot(
            path=os.path.join(os.environ["CARBONCTL_SCREENSHOTS"], "unit.png"), full_page=True
        )
    assert [m for m in page.console_errors if "favicon" not in m] == []
