"""The budget pages (碳排放预算): overview, a region's page with its ledger and replay, the
adjustment workflow (two people), the Excel export and the monthly situation report PDF, for
each role, allowed and denied (404 and an audited denial)."""

from __future__ import annotations

import math
import subprocess
from datetime import UTC, datetime
from io import BytesIO
from unittest import mock

import pytest
from openpyxl import load_workbook

from carbonctl import budget as core
from carbonctl.display import format_quantity
from carbonctl.web.accounts.models import Role
from carbonctl.web.audit.models import AuditEntry
from carbonctl.web.budget import services
from carbonctl.web.budget.models import AdjustmentRequest, LedgerEntry
from carbonctl.web.electricity.models import Assessment, Estimate

pytestmark = pytest.mark.django_db

#: When the fixture's ledger entries are recorded (a replay before it shows nothing).
RECORDED = datetime(2026, 7, 5, 9, 0, tzinfo=UTC)
#: Monthly CO2 (t) of each region in an average month, and its budget and other entries for 2026.
REGIONS = {
    "140000": {"month": 5.0e6, "budget": 70e6, "reserve": 2e6},
    "140100": {"month": 1.0e6, "budget": 11.5e6, "committed": 0.5e6},  # runs out in the autumn
    "140105": {"month": 0.2e6, "budget": 1.5e6, "committed": 0.4e6},  # headroom negative
    "140121": {"month": 0.1e6, "budget": 2.0e6},
    "140200": {"month": 0.5e6, "budget": 8.0e6},  # Datong: well within
}
SEASON = [1.25, 1.15, 1.0, 0.9, 0.85, 0.9, 1.0, 1.0, 0.9, 0.95, 1.05, 1.2]


def amount(region: str, year: int, month: int) -> float:
    """A seasonal month with a little deterministic noise, growing 3 % a year."""
    noise = 1.0 + 0.01 * math.sin(7 * month + year + int(region) % 13)
    return REGIONS[region]["month"] * SEASON[month - 1] * 1.03 ** (year - 2024) * noise


def months_of(year: int) -> range:
    return range(1, 7) if year == 2026 else range(1, 13)


def login(client, users, role) -> None:
    client.force_login(users[role])


@pytest.fixture
def budgets(province):
    build_budgets(province)
    return province


def build_budgets(province) -> None:
    """Monthly estimates of five regions for 2024, 2025 and 2026-01..06, and their 2026 ledger:
    budgets and actuals (append_many), Taiyuan's and 小店区's committed projects and the
    province's reserve (append), all recorded at :data:`RECORDED`."""
    users = province["users"]
    admin, reviewer = users[Role.PROVINCE_ADMIN], users[Role.REVIEWER]
    assessment = Assessment.objects.create(
        label="测试 test", synthetic=True, year=2026, through_year=2025
    )
    Estimate.objects.bulk_create(
        Estimate(
            assessment=assessment,
            level="province" if region == "140000" else "city",
            region_id=region,
            sector="ALL",
            month=f"{year}-{month:02d}",
            kind=Estimate.Kind.MONTH,
            basis=Estimate.Basis.NOWCAST,
            kwh=0.0,
            tco2=amount(region, year, month),
            lo=0.0,
            hi=0.0,
        )
        for region in REGIONS
        for year in (2024, 2025, 2026)
        for month in months_of(year)
    )
    with mock.patch("django.utils.timezone.now", return_value=RECORDED):
        services.append_many(
            admin,
            [
                {
                    "region": region,
                    "year": 2026,
                    "kind": "budget",
                    "amount_tco2": spec["budget"],
                    "source": "rule:test",
                    "reason": "测试预算",
                }
                for region, spec in REGIONS.items()
            ]
            + services.derive_actuals(2026),
            summary="test budgets and actuals",
        )
        for region, spec in REGIONS.items():
            for kind in ("committed", "reserve"):
                if kind in spec:
                    services.append(
                        admin,
                        region=region,
                        year=2026,
                        kind=kind,
                        amount_tco2=spec[kind],
                        source="project:P-1" if kind == "committed" else "reserve:2026",
                        reason="测试",
                        approver=reviewer,
                    )


def to_date(region: str) -> float:
    return math.fsum(amount(region, 2026, m) for m in range(1, 7))


# --- overview and scope -----------------------------------------------------------------------


def test_province_admin_sees_the_province_and_cities_with_the_core_figures(client, budgets):
    login(client, budgets["users"], Role.PROVINCE_ADMIN)
    page = client.get("/budget/")
    assert page.status_code == 200
    assert page.context["year"] == 2026 and page.context["plan"].plan == "15th"
    rows = {r["adcode"]: r for r in page.context["rows"]}
    assert set(rows) == {"140000", "140100", "140200"}  # counties only when a city is chosen
    state = core.state(services.ledger(), "140000", 2026)
    top = page.context["top"]
    assert top["budget"] == state.budget == 70e6
    assert top["headroom"] == state.headroom == pytest.approx(70e6 - to_date("140000") - 2e6)
    html = page.content.decode()
    assert format_quantity(state.headroom, "万吨", 1) in html
    assert rows["140100"]["exhaustion"] is not None  # Taiyuan runs out within the year
    assert rows["140200"]["exhaustion"] is None and "预计年内不超预算" in html
    assert rows["140100"]["use"] > 1.0 > rows["140200"]["use"]
    chosen = client.get("/budget/", {"city": "140100"})
    assert {r["adcode"] for r in chosen.context["rows"]} == {
        "140000",
        "140100",
        "140200",
        "140105",
        "140121",
    }
    assert 'href="/budget/"' in html  # the menu link, for a role that may open it


def test_city_official_sees_the_city_and_its_counties_only(client, budgets):
    login(client, budgets["users"], Role.CITY_OFFICIAL)
    page = client.get("/budget/")
    assert page.status_code == 200
    assert page.context["focus"].adcode == "140100"
    assert [r["adcode"] for r in page.context["rows"]] == ["140100", "140105", "140121"]
    assert "大同" not in page.content.decode()
    for path in ("/budget/140200/", "/budget/140000/", "/budget/140200/report/"):
        assert client.get(path).status_code == 404, path
    assert client.get("/budget/", {"city": "140200"}).status_code == 404
    denied = AuditEntry.objects.filter(action=AuditEntry.Action.DENY, object_id="140200")
    assert denied.count() == 3
    assert client.get("/budget/140105/").status_code == 200  # its own county


def test_county_official_sees_the_own_county(client, budgets):
    login(client, budgets["users"], Role.COUNTY_OFFICIAL)
    page = client.get("/budget/")
    assert [r["adcode"] for r in page.context["rows"]] == ["140105"]
    assert page.context["top"]["over"] is True  # 小店区's headroom is negative
    assert "已超出预算" in page.content.decode()
    assert client.get("/budget/140100/").status_code == 404
    assert AuditEntry.objects.filter(action=AuditEntry.Action.DENY, object_id="140100").exists()


@pytest.mark.parametrize("role", [Role.ENTERPRISE_REPORTER, Role.PUBLIC])
def test_enterprises_and_the_public_get_no_link_and_a_404(client, budgets, role):
    login(client, budgets["users"], role)
    assert 'href="/budget/"' not in client.get("/submissions/").content.decode()
    for path in ("/budget/", "/budget/140105/", "/budget/140105/report/"):
        assert client.get(path).status_code == 404, path
    assert AuditEntry.objects.filter(action=AuditEntry.Action.DENY).count() == 3


def test_anonymous_visitors_are_sent_to_log_in(client, budgets):
    answer = client.get("/budget/")
    assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]


def test_without_budgets_the_pages_say_why(client, province):
    login(client, province["users"], Role.PROVINCE_ADMIN)
    page = client.get("/budget/")
    assert page.status_code == 200 and "carbonctl budget update" in page.content.decode()
    region = client.get("/budget/140100/", {"year": 2026})
    assert region.status_code == 200 and "尚未下达预算" in region.content.decode()


@pytest.mark.parametrize(
    "path, params",
    [
        ("/budget/", {"year": "nan"}),
        ("/budget/", {"format": "csv"}),
        ("/budget/140100/", {"as_of": "2026-13-01"}),
        ("/budget/140100/", {"year": "2026.5"}),
        ("/budget/140100/report/", {"month": "13"}),
    ],
)
def test_bad_parameters_are_a_400_naming_them(client, budgets, path, params):
    login(client, budgets["users"], Role.PROVINCE_ADMIN)
    answer = client.get(path, params)
    assert answer.status_code == 400 and next(iter(params)) in answer.content.decode()


# --- a region's page --------------------------------------------------------------------------


def test_region_page_shows_the_core_record_and_its_ledger(client, budgets):
    login(client, budgets["users"], Role.CITY_OFFICIAL)
    page = client.get("/budget/140100/", {"year": 2026})
    assert page.status_code == 200
    shown = core.budget_show(services.ledger(), services.monthly_table(), "140100", 2026)
    figures = page.context["figures"]
    for key in ("budget", "actual", "committed", "reserve", "headroom", "forecast", "lo", "hi"):
        field = "forecast_tco2" if key == "forecast" else f"{key}_tco2"
        field = {"lo": "forecast_lo", "hi": "forecast_hi"}.get(key, field)
        assert figures[key] == pytest.approx(shown[field]), key
    assert figures["headroom"] == pytest.approx(
        figures["budget"] - figures["actual"] - figures["committed"] - figures["reserve"]
    )
    assert figures["exhaustion"].isoformat() == shown["exhaustion_date"]
    assert figures["actual"] == pytest.approx(to_date("140100"))
    html = page.content.decode()
    assert format_quantity(figures["headroom"], "万吨", 1) in html
    assert shown["exhaustion_date"] in html
    assert "/warnings/?region=140100" in html and "/budget/140100/report/" in html
    chart = page.context["chart"]
    waterfall, cumulative = chart["waterfall"], chart["cumulative"]
    assert waterfall["values"][0] == pytest.approx(1150.0)  # 万吨
    assert waterfall["values"][-1] == pytest.approx(figures["headroom"] / 1e4, abs=0.01)
    assert cumulative["observed"][5] == pytest.approx(to_date("140100") / 1e4, abs=0.01)
    assert cumulative["observed"][6] is None and cumulative["forecast"][11] is not None
    assert cumulative["forecast"][11] == pytest.approx(figures["forecast"] / 1e4, abs=0.01)
    assert cumulative["exhaustion_month"] == figures["exhaustion"].month
    kinds = [e.kind for e in page.context["entries"]]
    assert kinds.count("budget") == 1 and "committed" in kinds and "actual" in kinds
    assert "分解规则 · test" in html and "项目 · P-1" in html  # the ledger's sources, in words


def test_negative_headroom_is_red_with_its_words(client, budgets):
    login(client, budgets["users"], Role.COUNTY_OFFICIAL)
    page = client.get("/budget/140105/", {"year": 2026})
    waterfall = page.context["chart"]["waterfall"]
    assert waterfall["negative"] is True and waterfall["step_neg"][-1] < 0
    assert waterfall["labels"][-1] == "超出预算"
    html = page.content.decode()
    assert 'id="over"' in html and "余量为负" in html


def test_replay_shows_the_state_as_it_was(client, budgets):
    """A budget restated later: replayed to a day before, the page shows the earlier budget and
    ledger; replayed to before anything was recorded, no budget."""
    admin = budgets["users"][Role.PROVINCE_ADMIN]
    with mock.patch("django.utils.timezone.now", return_value=datetime(2026, 9, 1, tzinfo=UTC)):
        services.append(
            admin, region="140200", year=2026, kind="budget", amount_tco2=9e6, source="rule:test"
        )
    login(client, budgets["users"], Role.PROVINCE_ADMIN)
    now = client.get("/budget/140200/", {"year": 2026})
    before = client.get("/budget/140200/", {"year": 2026, "as_of": "2026-08-01"})
    empty = client.get("/budget/140200/", {"year": 2026, "as_of": "2026-07-01"})
    assert now.context["figures"]["budget"] == 9e6
    assert before.context["figures"]["budget"] == 8e6
    replayed = core.state(
        services.ledger(), "140200", 2026, datetime(2026, 8, 1, 23, 59, 59, tzinfo=UTC)
    )
    assert before.context["figures"]["headroom"] == pytest.approx(replayed.headroom)
    assert len(before.context["entries"]) == len(now.context["entries"]) - 1
    assert 'id="replay"' in before.content.decode()
    assert empty.context["budget_set"] is False and "尚未下达预算" in empty.content.decode()


# --- adjustments ------------------------------------------------------------------------------


def test_an_adjustment_needs_a_second_person(client, budgets):
    users = budgets["users"]
    admin, reviewer = users[Role.PROVINCE_ADMIN], users[Role.REVIEWER]
    login(client, users, Role.PROVINCE_ADMIN)
    posted = client.post(
        "/budget/140100/adjustments/",
        {
            "reason_code": "gdp_revision",
            "adjusts": "",
            "amount": "-12.5",
            "year": "2026",
            "reason": "GDP修订后下调",
        },
    )
    assert posted.status_code == 302
    made = AdjustmentRequest.objects.get()
    assert made.amount_tco2 == pytest.approx(-125_000.0)  # 万吨 → tCO2 through carbonctl.units
    assert made.adjusts == "budget" and made.requested_by == admin
    page = client.get("/budget/140100/", {"year": 2026})
    assert page.context["requests"][0]["may_decide"] is False
    assert f'action="/budget/adjustments/{made.pk}/decide/"' not in page.content.decode()
    assert "须由他人批准" in page.content.decode()
    refused = client.post(f"/budget/adjustments/{made.pk}/decide/", {"decision": "approve"})
    assert refused.status_code == 403 and "申请人以外的人批准" in refused.content.decode()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.DENY, object_id=str(made.pk)).exists()
    made.refresh_from_db()
    assert made.status == AdjustmentRequest.Status.PENDING
    assert not LedgerEntry.objects.filter(kind="adjustment").exists()

    login(client, users, Role.REVIEWER)
    page = client.get("/budget/140100/", {"year": 2026})
    assert f'action="/budget/adjustments/{made.pk}/decide/"' in page.content.decode()
    before = core.state(services.ledger(), "140100", 2026).budget
    approved = client.post(
        f"/budget/adjustments/{made.pk}/decide/", {"decision": "approve", "note": "同意"}
    )
    assert approved.status_code == 302
    entry = LedgerEntry.objects.get(kind="adjustment")
    assert entry.approver == reviewer and entry.author == admin
    assert entry.amount_tco2 == pytest.approx(-125_000.0)
    assert core.state(services.ledger(), "140100", 2026).budget == pytest.approx(before - 125_000)
    page = client.get("/budget/140100/", {"year": 2026})
    assert page.context["figures"]["budget"] == pytest.approx(before - 125_000)
    html = page.content.decode()
    assert "GDP修订" in html and "reviewer" in html and "已批准" in html


def test_a_return_records_nothing_in_the_ledger(client, budgets):
    users = budgets["users"]
    made = services.request_adjustment(
        users[Role.PROVINCE_ANALYST],
        region="140200",
        year=2026,
        reason_code="statistics_revision",
        amount_tco2=5e4,
        reason="统计修订",
    )
    login(client, users, Role.PROVINCE_ADMIN)
    answer = client.post(f"/budget/adjustments/{made.pk}/decide/", {"decision": "return"})
    assert answer.status_code == 302
    made.refresh_from_db()
    assert made.status == AdjustmentRequest.Status.REJECTED and made.decided_by.username == "admin"
    assert not LedgerEntry.objects.filter(kind="adjustment").exists()
    again = client.post(f"/budget/adjustments/{made.pk}/decide/", {"decision": "approve"})
    assert again.status_code == 409


def test_officials_may_neither_request_nor_approve(client, budgets):
    users = budgets["users"]
    made = services.request_adjustment(
        users[Role.PROVINCE_ANALYST],
        region="140100",
        year=2026,
        reason_code="gdp_revision",
        amount_tco2=1e4,
        reason="测试",
    )
    login(client, users, Role.CITY_OFFICIAL)
    page = client.get("/budget/140100/", {"year": 2026})
    assert page.context["form"] is None and 'id="adjustment-form"' not in page.content.decode()
    posted = client.post(
        "/budget/140100/adjustments/",
        {"reason_code": "gdp_revision", "amount": "1", "year": "2026", "reason": "x"},
    )
    assert posted.status_code == 403
    decided = client.post(f"/budget/adjustments/{made.pk}/decide/", {"decision": "approve"})
    assert decided.status_code == 403
    assert AdjustmentRequest.objects.filter(status="pending").count() == 1


@pytest.mark.parametrize(
    "data, field",
    [
        ({"reason": ""}, "reason"),
        ({"amount": "0"}, "amount"),
        ({"amount": "inf"}, "amount"),
        ({"reason_code": "statistics_revision", "adjusts": "budget"}, "adjusts"),
        ({"year": "2031"}, "year"),  # outside every plan: the core names the field
        ({"reason": "bad\x01text"}, "reason"),  # a control character: the core refuses it
    ],
)
def test_adjustment_errors_are_shown_beside_their_field(client, budgets, data, field):
    login(client, budgets["users"], Role.PROVINCE_ANALYST)
    good = {"reason_code": "gdp_revision", "amount": "3", "year": "2026", "reason": "修订"}
    answer = client.post("/budget/140100/adjustments/", {**good, **data})
    assert answer.status_code == 422
    assert f'id="error-{field}"' in answer.content.decode()
    assert not AdjustmentRequest.objects.exists()


# --- Excel and PDF ----------------------------------------------------------------------------


def test_excel_export_has_chinese_labels_and_the_page_figures(client, budgets):
    login(client, budgets["users"], Role.CITY_OFFICIAL)
    answer = client.get("/budget/", {"format": "xlsx"})
    assert answer.status_code == 200
    sheet = load_workbook(BytesIO(answer.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[2].startswith("预算（万吨）") and header[3].startswith("实际排放（万吨）")
    assert not {"budget", "actual", "committed", "headroom"} & set(header)
    body = {r[0]: r for r in rows[1:]}
    assert set(body) == {"140100", "140105", "140121"}
    assert body["140100"][1] == "太原市" and body["140100"][2] == 1150.0
    assert body["140121"][10] == "预计年内不超预算"
    state = core.state(services.ledger(), "140105", 2026)
    assert body["140105"][6] == round(state.headroom / 1e4, 1) < 0


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_situation_report_pdf_has_chinese_text_figures_and_warnings(client, budgets, tmp_path):
    from carbonctl import warning as warning_core
    from carbonctl.web.warnings import services as warnings
    from carbonctl.web.warnings.models import WarningRule

    warnings.ensure_rules()
    stored = WarningRule.objects.order_by("pk").first()
    found = [
        warnings.Found(
            stored,
            warning_core.EarlyWarning(
                subject="140105",
                period=period,
                rule=stored.rule_id,
                level=warning_core.Level.RED,
                value=1.3,
                threshold=1.1,
                message=f"小店区预算使用超出进度（测试{period}）",
                measure="暂停新上两高项目节能审查",
                details={"region": "140105", "subject_name": "小店区"},
            ),
        )
        for period in ("2026-06", "2026-05")
    ]
    warnings.publish(found, year=2026, month=6, user=budgets["users"][Role.PROVINCE_ADMIN])
    login(client, budgets["users"], Role.CITY_OFFICIAL)
    answer = client.get("/budget/140100/report/", {"year": 2026, "month": 6})
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    text = pdf_text(answer.content, tmp_path)
    flat = text.replace("\n", "")
    assert "太原市2026年6月碳排放形势分析" in flat
    assert format_quantity(to_date("140100"), "万吨", 1, grouping=True) in flat
    assert "同比" in flat or "上年同期" in flat
    assert "预计2026年" in flat and "耗尽预算" in flat
    assert "测试2026-06" in flat and "测试2026-05" not in flat  # the month's warnings only
    assert "红色预警" in flat


def test_report_of_an_earlier_month_uses_the_data_known_then(client, budgets, tmp_path):
    login(client, budgets["users"], Role.PROVINCE_ADMIN)
    answer = client.get("/budget/140200/report/", {"year": 2026, "month": 3})
    flat = pdf_text(answer.content, tmp_path).replace("\n", "")
    assert "大同市2026年3月碳排放形势分析" in flat and "2026年1—3月" in flat
    march = math.fsum(amount("140200", 2026, m) for m in range(1, 4))
    assert format_quantity(march, "万吨", 1, grouping=True) in flat
    assert "预计年内不超预算" in flat
    assert "没有预警" in flat  # the empty state


def test_english_pages_show_no_chinese_but_data(client, budgets):
    from carbonctl.web.regions.models import Region

    from .test_i18n import CJK, visible_text

    login(client, budgets["users"], Role.PROVINCE_ADMIN)
    services.request_adjustment(
        budgets["users"][Role.PROVINCE_ANALYST],
        region="140100",
        year=2026,
        reason_code="gdp_revision",
        amount_tco2=1e4,
        reason="GDP修订",
    )
    data = {*LedgerEntry.objects.values_list("reason", flat=True), "GDP修订"}
    data |= {*Region.objects.values_list("name_zh", flat=True), "简体中文"}  # the language menu
    for path, english in (
        ("/en/budget/?city=140100", "Carbon budgets"),
        ("/en/budget/140100/?year=2026", "Budget ledger"),
        ("/en/budget/140105/?year=2026&as_of=2026-08-01", "Ledger replay"),
    ):
        html = client.get(path).content.decode()
        assert english in html, path
        text = visible_text(html)
        for value in sorted(data, key=len, reverse=True):
            text = text.replace(value, "")
        assert [line for line in text.splitlines() if CJK.search(line)] == [], path
