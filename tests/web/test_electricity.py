"""The electricity–carbon page, bulletins (HTML, PDF) and their scope: province roles see every
region, a city official their city, a county official their county; others get 404 (audited)."""

from __future__ import annotations

import subprocess
from io import BytesIO

import pytest
from openpyxl import load_workbook

from carbonctl.web.audit.models import AuditEntry
from carbonctl.web.electricity.models import Bulletin, DailyFigure, Estimate

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def saved(demo_assessment, province):
    """The demo assessment, saved once for the module (tests/web/conftest.py)."""
    return demo_assessment


def login(client, username):
    assert client.login(username=username, password=PASSWORD)


def test_saving_is_audited_and_keeps_what_pages_need(saved, demo_electricity):
    entry = AuditEntry.objects.get(object_type="electricity.Assessment", object_id=str(saved.pk))
    assert entry.action == AuditEntry.Action.CREATE and entry.after["quality"]["readings"] > 0
    assert Bulletin.objects.filter(assessment=saved).count() == 11 * 12
    province = Estimate.objects.get(
        assessment=saved,
        region_id="140000",
        sector="ALL",
        month="2025-12",
        kind="ytd",
        basis="nowcast",
    )
    core = demo_electricity.assessment.current.query(
        "level == 'province' and sector == 'ALL' and month == '2025-12' and kind == 'ytd'"
    )
    assert province.tco2 == pytest.approx(core["tco2"].iloc[0])
    days = DailyFigure.objects.filter(assessment=saved, region_id="140000", sector="ALL")
    assert days.count() == 92  # 2025-10-01 .. 2025-12-31


def test_province_analyst_sees_the_province_with_all_parts(client, saved):
    login(client, "analyst")
    page = client.get("/electricity/")
    assert page.status_code == 200
    context = page.context
    assert context["region"].adcode == "140000" and context["month"] == "2025-12"
    chart = context["chart"]
    assert len(chart["monthly"]["months"]) == 12 and len(chart["daily"]["days"]) == 92
    assert all(
        lo <= t <= hi
        for lo, t, hi in zip(
            chart["monthly"]["lo"], chart["monthly"]["tco2"], chart["monthly"]["hi"], strict=True
        )
    )
    assert len(chart["counties"]) == 117
    assert context["table"][0]["sector"] == "ALL" and len(context["table"]) == 15
    assert len(context["bulletins"]) == 11
    assert "电碳快速评估" in page.content.decode()


def test_sector_and_month_choices(client, saved):
    login(client, "analyst")
    page = client.get(
        "/electricity/", {"region": "140100", "sector": "A02.2.19", "month": "2025-03"}
    )
    context = page.context
    assert context["sector"] == "A02.2.19" and context["month"] == "2025-03"
    steel = Estimate.objects.get(
        assessment=saved,
        region_id="140100",
        sector="A02.2.19",
        month="2025-03",
        kind="month",
        basis="nowcast",
    )
    assert context["chart"]["monthly"]["tco2"][2] == pytest.approx(steel.tco2 / 1e4, abs=0.01)
    assert {c["name"][:4] for c in context["chart"]["counties"]} == {"1401"}


def test_excel_export_of_the_sector_table(client, saved):
    login(client, "analyst")
    export = client.get("/electricity/", {"region": "140200", "month": "2025-06", "format": "xlsx"})
    rows = list(load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "部门 sector" and rows[1][0] == "全部门" and len(rows) == 16


def test_city_official_sees_only_the_own_city(client, saved):
    login(client, "taiyuan")
    page = client.get("/electricity/")
    assert page.context["region"].adcode == "140100"
    assert [b.city_id for b in page.context["bulletins"]] == ["140100"]
    before = AuditEntry.objects.filter(action=AuditEntry.Action.DENY).count()
    assert client.get("/electricity/", {"region": "140200"}).status_code == 404
    assert client.get("/electricity/", {"region": "140000"}).status_code == 404
    assert AuditEntry.objects.filter(action=AuditEntry.Action.DENY).count() == before + 2
    datong = Bulletin.objects.get(assessment=saved, city_id="140200", month="2025-12")
    assert client.get(f"/electricity/bulletins/{datong.pk}/").status_code == 404


def test_county_official_sees_the_own_county(client, saved):
    login(client, "xiaodian")
    page = client.get("/electricity/", {"region": "140105"})
    assert page.status_code == 200 and page.context["chart"]["counties"][0]["name"] == "140105"
    assert list(page.context["bulletins"]) == []
    assert client.get("/electricity/", {"region": "140106"}).status_code == 404


@pytest.mark.parametrize("username", ["reporter", "citizen"])
def test_roles_without_region_data_are_refused(client, saved, username):
    login(client, username)
    assert client.get("/electricity/").status_code == 404


def test_anonymous_users_are_sent_to_login(client, saved):
    page = client.get("/electricity/")
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]


def test_bulletin_page_and_chinese_pdf(client, saved, tmp_path):
    login(client, "taiyuan")
    record = Bulletin.objects.get(assessment=saved, city_id="140100", month="2025-12")
    page = client.get(f"/electricity/bulletins/{record.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "太原市2025年12月估算二氧化碳排放" in body and "增长最快的行业" in body
    pdf = client.get(f"/electricity/bulletins/{record.pk}/", {"format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    path = tmp_path / "bulletin.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "太原市" in text and "碳排放趋势简报" in text and "同比" in text


def test_api_estimates_and_signals_within_scope(client, saved):
    login(client, "taiyuan")
    answer = client.get("/api/v1/electricity/estimates/140100", {"month": "2025-12"})
    assert answer.status_code == 200
    payload = answer.json()
    assert payload["synthetic"] is True and payload["through_year"] == 2024
    total = next(e for e in payload["estimates"] if e["sector"] == "ALL" and e["kind"] == "month")
    assert total["lo"] <= total["tco2"] <= total["hi"]
    assert client.get("/api/v1/electricity/estimates/140200").status_code == 404
    signals = client.get("/api/v1/electricity/signals", {"month": "2025-12"}).json()
    assert signals and {s["region"][:4] for s in signals} == {"1401"}
    city = next(s for s in signals if s["region"] == "140100" and s["indicator"] == "co2_yoy_ytd")
    bulletin = Bulletin.objects.get(assessment=saved, city_id="140100", month="2025-12")
    assert city["value"] == pytest.approx(bulletin.content["ytd_growth"])
    login(client, "analyst")
    everything = client.get("/api/v1/electricity/signals", {"month": "2025-12"}).json()
    assert {s["region"] for s in everything if s["sector"] == "ALL"} >= {"140100", "140200"}


def test_a_city_page_lists_only_that_city_bulletin(client, saved):
    login(client, "analyst")
    page = client.get("/electricity/", {"region": "140200"})
    assert [b.city_id for b in page.context["bulletins"]] == ["140200"]


def test_publishing_own_tables_replaces_the_demo_and_is_audited(
    province, electricity_history, saved
):
    from carbonctl.electricity.model import model_inputs
    from carbonctl.web.electricity.services import current_assessment, publish

    analyst = province["users"]["province_analyst"]
    demo_saved = saved
    inputs = model_inputs(electricity_history.inputs)
    published = publish(inputs, 2024, last_month=6, user=analyst, label="own", source="test")
    assert current_assessment() == published != demo_saved
    assert not published.synthetic and published.year == 2024 and published.through_year == 2023
    assert Bulletin.objects.filter(assessment=published).count() == 11 * 6
    assert not DailyFigure.objects.filter(assessment=published).exists()
    entry = AuditEntry.objects.get(
        object_type="electricity.Assessment", object_id=str(published.pk)
    )
    assert entry.username == analyst.username


@pytest.mark.own_database
def test_publish_command_on_a_fresh_database(tmp_path, electricity_tables):
    import json as jsonlib
    import os
    import sys

    folder = electricity_tables
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "CARBONCTL"))}
    env["CARBONCTL_DATA_DIR"] = str(tmp_path / "var")
    db = tmp_path / "platform.sqlite3"
    command = [
        sys.executable,
        "-m",
        "carbonctl",
        "electricity",
        "publish",
        "--data",
        str(folder),
        "--year",
        "2025",
        "--last-month",
        "3",
        "--db",
        str(db),
    ]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr
    assert "33 bulletins" in done.stdout
    check = [
        sys.executable,
        "-m",
        "carbonctl",
        "manage",
        "shell",
        "-c",
        "from carbonctl.web.electricity.models import Assessment as A; import json; "
        "print(json.dumps([a.year for a in A.objects.all()]))",
    ]
    env["CARBONCTL_DATABASE_URL"] = f"sqlite:///{db}"
    shown = subprocess.run(check, capture_output=True, text=True, env=env, check=True)
    assert jsonlib.loads(shown.stdout.strip().splitlines()[-1]) == [2025]
    bad = subprocess.run(
        [*command[:-4], "--year", "2016", "--db", str(db)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert bad.returncode == 2 and "2015" in bad.stderr


def test_english_page_names_counties_and_sectors_in_english(client, saved):
    login(client, "xiaodian")
    page = client.get("/en/electricity/", {"region": "140105"})
    assert page.context["chart"]["counties"][0]["label"] == "Xiaodian District"
    html = page.content.decode()
    assert "Ferrous metal smelting and pressing" in html and "黑色金属冶炼" not in html
    chinese = client.get("/electricity/", {"region": "140105"})
    assert chinese.context["chart"]["counties"][0]["label"] == "小店区"
