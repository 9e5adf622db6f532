"""The demo's 2026 outlook in the platform: the 2026 H1 assessment is the current one, the
electricity page opens on 2026-06 and says that the year has no meter data, the GDP projection is
stored as 2026 macro figures (audited), and `build(if_missing=True)` adds the outlook to a demo
database built before it existed."""

from __future__ import annotations

import pytest

from carbonctl.web.audit.models import AuditEntry
from carbonctl.web.electricity.models import Assessment, Bulletin, DailyFigure, Estimate
from carbonctl.web.inventories.models import MacroFigure

from .conftest import kept_for_the_module, settle_constraints

pytestmark = pytest.mark.django_db
MONTHS = [f"2026-{m:02d}" for m in range(1, 7)]


@pytest.fixture(scope="module")
def outlook_saved(demo_database, django_db_blocker, demo_outlook):
    """The small demo and the 2026 outlook, once per module (the 2025 electricity demo is left
    out: saving it costs more than this module's tests)."""
    from carbonctl.web.demo import load_demo_outlook

    with kept_for_the_module(django_db_blocker):
        saved = load_demo_outlook(demo_outlook)
        settle_constraints()
        yield saved


def test_the_2026_assessment_is_current_and_has_no_daily_figures(outlook_saved):
    from carbonctl.web.electricity.services import current_assessment

    assert current_assessment() == outlook_saved
    assert (outlook_saved.year, outlook_saved.through_year, outlook_saved.synthetic) == (
        2026,
        2025,
        True,
    )
    assert "2026" in outlook_saved.label and "synthetic" in outlook_saved.label
    assert not DailyFigure.objects.filter(assessment=outlook_saved).exists()
    assert Bulletin.objects.filter(assessment=outlook_saved).count() == 11 * 6
    nowcast = Estimate.objects.filter(assessment=outlook_saved, basis="nowcast")
    assert sorted(set(nowcast.values_list("month", flat=True))) == MONTHS


def test_the_page_opens_on_june_2026_and_says_there_are_no_meter_data(client, outlook_saved):
    assert client.login(username="analyst", password="demo-analyst-2024")
    page = client.get("/electricity/")
    assert page.status_code == 200
    context = page.context
    assert context["assessment"] == outlook_saved
    assert context["month"] == "2026-06" and context["months"] == MONTHS
    assert context["chart"]["daily"]["days"] == []
    monthly = context["chart"]["monthly"]
    assert monthly["months"] == MONTHS and all(p > 0 for p in monthly["previous"])
    body = page.content.decode()
    assert 'id="no-daily"' in body and "2026年尚无电表日度数据" in body
    assert 'id="daily"' not in body
    assert len(context["table"]) == 15 and len(context["bulletins"]) == 11
    english = client.get("/en/electricity/")
    assert "No meter data for 2026 yet" in english.content.decode()


def test_the_city_official_sees_the_own_city_in_2026(client, outlook_saved):
    assert client.login(username="taiyuan", password="demo-taiyuan-2024")
    page = client.get("/electricity/", {"month": "2026-03"})
    assert page.status_code == 200
    assert page.context["region"].adcode == "140100" and page.context["month"] == "2026-03"
    assert [b.city_id for b in page.context["bulletins"]] == ["140100"]


def test_the_signals_show_the_planted_fast_growth(client, outlook_saved, demo_outlook):
    assert client.login(username="analyst", password="demo-analyst-2024")
    planted = demo_outlook.meta["fast_growth"][0]
    signals = client.get("/api/v1/electricity/signals", {"month": "2026-06"}).json()
    row = next(
        s
        for s in signals
        if s["region"] == planted["city"]
        and s["sector"] == planted["sector"]
        and s["indicator"] == "co2_yoy_month"
    )
    assert row["value"] > 0.15


def test_the_gdp_projection_is_stored_and_audited(outlook_saved, demo_outlook):
    rows = MacroFigure.objects.filter(year=2026)
    assert rows.count() == len(demo_outlook.gdp_2026) == 129
    province = rows.get(region_id="140000")
    expected = demo_outlook.gdp_2026.set_index("adcode").at["140000", "gdp_constant"]
    assert province.gdp_constant == pytest.approx(expected)
    assert province.gdp_current is None and province.population is None
    assert "projection" in province.status and "SYNTHETIC" in province.status
    entry = AuditEntry.objects.get(
        object_type="inventories.Dataset", summary__startswith="demo GDP projection 2026"
    )
    assert entry.action == AuditEntry.Action.UPDATE and entry.after["macro_rows"] == 129


def test_build_if_missing_adds_the_outlook_to_an_older_demo(
    outlook_saved, demo_outlook, monkeypatch
):
    from carbonctl.web import demo
    from carbonctl.web.enterprises.models import ProductEnergy
    from carbonctl.web.warnings.models import ReportingObligation

    Assessment.objects.filter(label=demo.OUTLOOK_LABEL).delete()
    MacroFigure.objects.filter(year=2026).delete()
    ProductEnergy.objects.all().delete()
    ReportingObligation.objects.all().delete()
    assert not demo.outlook_is_loaded()
    asked = []

    def build_outlook(dataset=None, history=None, *, seed, electricity_2025=None):
        asked.append((dataset, history, seed, electricity_2025))
        return demo_outlook

    monkeypatch.setattr(demo, "build_outlook", build_outlook)
    monkeypatch.setattr(demo, "electricity_is_loaded", lambda: True)  # as in a built demo
    monkeypatch.setattr(demo, "control_is_loaded", lambda: True)  # (tests/web/test_demo_control)
    logins, built = demo.build(if_missing=True)
    assert not built and {login.username for login in logins} >= {"analyst", "taiyuan"}
    assert demo.outlook_is_loaded() and MacroFigure.objects.filter(year=2026).count() == 129
    assert asked == [(None, None, 20240101, None)]  # the electricity demo was there already
    demo.build(if_missing=True)  # and once loaded, it is not loaded again
    assert len(asked) == 1
