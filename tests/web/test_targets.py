"""The allocation workbench and the city assessment on the demo data: the plan comes from the
plan registry (15th by default, with its base year), rates are typed and shown in %, methods are
named in words, flags and bounds work, every method meets the province target, fairness figures
are shown, the tables export with the same labels, and only province roles may open them.

The small demo holds 2019–2020, so the runs that need data take the 14th plan (base year 2020)."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from openpyxl import load_workbook

from carbonctl.targets import METHODS, SHAPLEY
from carbonctl.web.audit.models import AuditEntry

from .test_i18n import _cjk_left, visible_text

pytestmark = pytest.mark.django_db

#: Every key of the method registry, and the Shapley view: none may be a page's visible text.
METHOD_KEYS = (*METHODS, SHAPLEY.name)
FOURTEENTH = {"plan": "14th", "target": "17"}


@pytest.fixture
def loaded(demo_database, db):
    """The demo logins; the small demo is loaded once for the module (tests/web/conftest.py)."""
    return demo_database


@pytest.fixture
def analyst(client, loaded):
    client.login(username="analyst", password="demo-analyst-2024")
    return client


def _cells(page) -> dict[str, list[float]]:
    """Method key -> the reductions of its column, city by city."""
    table = page.context["table"]
    return {
        m["key"]: [row["cells"][i]["value"] for row in table["rows"]]
        for i, m in enumerate(table["methods"])
    }


def _keys_shown(html: str) -> set[str]:
    """Method keys standing as words of the visible text (not inside another word or name)."""
    text = visible_text(html)
    return {key for key in METHOD_KEYS if re.search(rf"(?<![A-Za-z_-]){key}(?![A-Za-z_-])", text)}


# --- the plan and the form ---------------------------------------------------------------------


def test_the_workbench_opens_on_the_15th_plan_with_its_base_year_and_target(analyst):
    page = analyst.get("/targets/allocation/")
    assert page.status_code == 200
    context = page.context
    assert context["plan"].plan == "15th" and context["plan"].base_year == 2025
    assert context["shown"]["target"] == "17"  # the plan's 17 %, shown as typed
    html = page.content.decode()
    assert '<option value="15th" selected>“十五五”规划</option>' in html
    assert '<strong id="base-year">2025</strong>' in html
    # the small demo ends in 2020: the page says so instead of computing on another year
    assert context["no_data"] == {"year": 2025, "first": 2019, "last": 2020}
    assert "数据集中没有2025年" in html and "2019–2020" in html


def test_the_plan_sets_base_year_and_target(analyst):
    page = analyst.get("/targets/allocation/", {"plan": "14th"})
    assert page.context["plan"].base_year == 2020
    assert page.context["chosen"]["target"] == pytest.approx(0.18)  # the 14th plan's figure
    assert page.context["shown"]["target"] == "18"
    assert len(page.context["table"]["rows"]) == 11


def test_the_target_is_typed_in_percent(analyst):
    page = analyst.get("/targets/allocation/", {"plan": "14th", "target": "16.5"})
    assert page.context["chosen"]["target"] == pytest.approx(0.165)
    for figures in page.context["table"]["figures"]:
        assert figures["achieved"] == pytest.approx(0.165, abs=1e-9)
    assert "16.5%" in page.content.decode()


@pytest.mark.parametrize(
    ("given", "field", "message"),
    [
        ({"target": "0"}, "target", "请输入大于 0、小于 100 的百分数"),
        ({"target": "100"}, "target", "请输入大于 0、小于 100 的百分数"),
        ({"target": "-3"}, "target", "请输入大于 0、小于 100 的百分数"),
        ({"target": "十七"}, "target", "请输入大于 0、小于 100 的百分数"),
        ({"target": "nan"}, "target", "请输入大于 0、小于 100 的百分数"),
        ({"growth": "150"}, "growth", "每年增长 5%"),
        ({"floor": "20", "ceiling": "10"}, "ceiling", "上限不能低于下限"),
        ({"plan": "13th"}, "plan", "13th"),
    ],
)
def test_a_bad_input_is_a_form_error_that_says_what_to_type(analyst, given, field, message):
    page = analyst.get("/targets/allocation/", {**FOURTEENTH, **given})
    assert page.status_code == 400
    assert set(page.context["form"].errors) == {field}
    html = page.content.decode()
    assert 'id="form-errors"' in html and message in html
    assert "table" not in page.context  # nothing computed on a value the user did not mean
    if field != "plan":  # what the user typed stays in the field
        assert f'value="{given[field]}"' in html


def test_the_english_form_error_is_english(analyst):
    page = analyst.get("/en/targets/allocation/", {"target": "0.0"})
    assert page.status_code == 400
    assert "a percentage above 0 and below 100" in page.content.decode()


# --- methods by name, flags, fairness, export --------------------------------------------------


def test_methods_side_by_side_meet_the_target_with_fairness_beside_them(analyst):
    page = analyst.get("/targets/allocation/", FOURTEENTH)
    assert page.status_code == 200
    table = page.context["table"]
    assert [m["key"] for m in table["methods"]] == [
        "equal",
        "grandfather",
        "per_capita",
        "gdp",
        "entropy_index",
    ]
    assert [m["name"] for m in table["methods"]] == [
        METHODS[k].label_zh for k in METHODS if k not in ("index", "zsg_dea")
    ]
    assert all(m["explain"] for m in table["methods"])
    assert len(table["rows"]) == 11 and table["failed"] == []
    for figures in table["figures"]:
        assert figures["achieved"] == pytest.approx(0.17, abs=1e-9)
        assert 0 <= figures["gini"] < 1
    html = page.content.decode()
    assert "全省（实现下降）" in html and "人均配额基尼系数" in html
    # the table and the chart carry the same numbers: % with one decimal
    chart = page.context["chart"]
    for i, (key, values) in enumerate(_cells(page).items()):
        assert chart["values"][i] == [round(v * 100, 1) for v in values], key
        for v in values:
            assert f"{v * 100:.1f}%".replace("-0.0%", "0.0%") in html


def test_no_method_key_is_visible_text(analyst):
    chinese = analyst.get("/targets/allocation/", FOURTEENTH).content.decode()
    assert _keys_shown(chinese) == set()
    for key in ("equal", "per_capita", "entropy_index"):
        assert f'<option value="{key}">' in chinese  # the keys travel only as form values
    assert "GDP份额法" in chinese and "零和收益DEA" in chinese and "沙普利值法" in chinese


def test_the_english_page_names_the_methods_in_english(analyst):
    english = analyst.get("/en/targets/allocation/", FOURTEENTH).content.decode()
    text = visible_text(english)
    for name in ("Equal reduction", "Equal per capita", "GDP share", "Entropy-weighted index"):
        assert name in text
    lines = set(text.splitlines())
    assert not lines & set(METHOD_KEYS)  # no key stands alone as a label
    assert not [k for k in METHOD_KEYS if "_" in k and k in text]
    assert "同比例分解" not in text and "Taiyuan" in text


@pytest.mark.parametrize(
    "path",
    [
        "/en/targets/allocation/?plan=14th&floor=5&ceiling=30",
        "/en/targets/allocation/?plan=14th&floor=25",
        "/en/targets/allocation/",
        "/en/targets/allocation/?target=0",
        "/en/targets/assessment/",
    ],
)
def test_the_english_pages_show_no_chinese_but_data(analyst, path):
    html = analyst.get(path).content.decode()
    assert '<html lang="en">' in html
    assert _cjk_left(html) == []


def test_flags_fire_where_a_city_intensity_may_rise_and_only_there(analyst):
    page = analyst.get("/targets/allocation/", FOURTEENTH)
    cells = _cells(page)
    table = page.context["table"]
    negative = sum(v < 0 for values in cells.values() for v in values)
    assert negative > 0  # the GDP-share method asks low-carbon cities for less than nothing
    flagged = [
        (m["key"], row["adcode"])
        for row in table["rows"]
        for m, cell in zip(table["methods"], row["cells"], strict=True)
        if cell["flag"] == "rise"
    ]
    assert len(flagged) == negative == table["flag_summary"]["rise"]
    assert all(cells[m][[r["adcode"] for r in table["rows"]].index(a)] < 0 for m, a in flagged)
    html = page.content.decode()
    assert html.count('<span class="flag-word">强度可能上升</span>') == negative
    # the small demo has two years: no five-year record, said in words, no record flag
    assert page.context["record"] is None and table["flag_summary"]["record"] == 0
    assert "数据不足五年，无法计算" in html and "历史数据不足五年，无法与历史最大降幅比较" in html


def test_a_reduction_above_the_record_five_year_fall_is_flagged(analyst):
    """Give the history a 2015 five years before 2020: every city's intensity 25 % higher
    (a 20 % fall since), Taiyuan's 50 % higher (a 33.3 % fall): the record is Taiyuan's."""
    from carbonctl.web.inventories.models import MacroFigure, RegionTotal
    from carbonctl.web.inventories.services import current_dataset

    dataset = current_dataset()
    for figure in MacroFigure.objects.filter(dataset=dataset, year=2020, region__level="city"):
        figure.pk, figure.year = None, 2015
        figure.save()
    for total in RegionTotal.objects.filter(dataset=dataset, year=2020, region__level="city"):
        scale = 1.5 if total.region_id == "140100" else 1.25
        total.pk, total.year, total.tco2 = None, 2015, total.tco2 * scale
        total.save()
    page = analyst.get("/targets/allocation/", FOURTEENTH)
    record = page.context["record"]
    assert (record.region, record.start_year, record.end_year) == ("140100", 2015, 2020)
    assert record.fall == pytest.approx(1 - 1 / 1.5)
    cells = _cells(page)
    beyond = sum(v > record.fall for values in cells.values() for v in values)
    assert beyond > 0 and page.context["table"]["flag_summary"]["record"] == beyond
    html = page.content.decode()
    assert html.count('<span class="flag-word">超过历史最大降幅</span>') == beyond
    assert "33.3%" in html and "太原市 2015–2020年" in html


def test_bounds_meet_the_target_exactly_and_hold_for_every_city(analyst):
    page = analyst.get("/targets/allocation/", {**FOURTEENTH, "floor": "5", "ceiling": "30"})
    assert page.status_code == 200 and page.context["bench"].infeasible is None
    for key, values in _cells(page).items():
        assert all(0.05 - 1e-12 <= v <= 0.30 + 1e-12 for v in values), key
    for figures in page.context["table"]["figures"]:
        assert figures["achieved"] == pytest.approx(0.17, abs=1e-9)
    html = page.content.decode()
    assert "（下限）" in html and "（上限）" in html  # the GDP-share method hits both
    assert page.context["table"]["flag_summary"]["rise"] == 0


def test_bounds_that_cannot_meet_the_target_say_so(analyst):
    page = analyst.get("/targets/allocation/", {**FOURTEENTH, "floor": "25"})
    bench = page.context["bench"]
    assert bench.infeasible is not None and bench.infeasible.lowest > 0.17
    html = page.content.decode()
    assert "下限 25.0% 过高" in html and "请降低下限" in html
    # the methods are still shown, without the bounds
    assert any(v < 0.25 for values in _cells(page).values() for v in values)
    too_low = analyst.get("/targets/allocation/", {**FOURTEENTH, "ceiling": "10"})
    assert "上限 10.0% 过低" in too_low.content.decode()


def test_methods_the_data_cannot_serve_are_named_with_what_they_need(analyst):
    page = analyst.get("/targets/allocation/", FOURTEENTH)
    missing = {u["name"]: u["needs"] for u in page.context["unavailable"]}
    assert set(missing) == {"零和收益DEA", "综合指数法", "沙普利值法"}
    assert (
        missing["零和收益DEA"]
        == "从业人员（万人）、资本存量（亿元，可比价）、能源消费量（万吨标准煤）"
    )
    assert missing["沙普利值法"] == "边际减排成本（元/吨二氧化碳）"
    html = page.content.decode()
    assert "需要：从业人员（万人）、资本存量（亿元，可比价）、能源消费量（万吨标准煤）。" in html


def test_zsg_dea_and_shapley_run_when_the_inputs_exist(analyst, monkeypatch):
    from carbonctl.web.targets import services

    city_table = services.city_table

    def with_inputs(dataset, base_year, growth):
        table = city_table(dataset, base_year, growth)
        people = table["population"] / 1e4
        return table.assign(
            labor=people * 0.55,
            capital=table["gdp_base"] * 2.5,
            energy=table["co2_base"] / 2.4e4,
            mac=200.0 + table["carbon_intensity"] * 50,
        )

    monkeypatch.setattr(services, "city_table", with_inputs)
    page = analyst.get("/targets/allocation/", FOURTEENTH)
    keys = [m["key"] for m in page.context["table"]["methods"]]
    assert "zsg_dea" in keys
    dea = _cells(page)["zsg_dea"]
    assert len(dea) == 11
    figures = page.context["table"]["figures"][keys.index("zsg_dea")]
    assert figures["achieved"] == pytest.approx(0.17, abs=1e-9)
    assert {u["name"] for u in page.context["unavailable"]} == {"综合指数法"}
    shares = {s["name"]: s for s in page.context["shapley"]}
    assert shares["同比例分解"]["error"] == ""
    assert sum(r["share"] for r in shares["同比例分解"]["rows"]) == pytest.approx(1.0)
    # a method that asks some city for no reduction has no abatement to trade: said, not hidden
    assert "no abatement" in shares["GDP份额法"]["error"]


def test_the_excel_export_has_the_labels_and_percent_values(analyst):
    page = analyst.get("/targets/allocation/", FOURTEENTH)
    export = analyst.get("/targets/allocation/", {**FOURTEENTH, "format": "xlsx"})
    rows = list(load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True))
    header = rows[0]
    assert header[:2] == ("区划代码", "城市")
    assert header[2:] == tuple(f"{m['name']} (%)" for m in page.context["table"]["methods"])
    assert not {str(h) for h in header} & set(METHOD_KEYS)
    assert len(rows) == 1 + 11 + 3  # cities, the province, two fairness rows
    assert rows[1][1] == "太原市"
    equal = _cells(page)["equal"]
    assert [r[2] for r in rows[1:12]] == [round(v * 100, 1) for v in equal]
    assert rows[12][1] == "全省实现下降" and all(v == 17.0 for v in rows[12][2:])
    english = analyst.get("/en/targets/allocation/", {**FOURTEENTH, "format": "xlsx"})
    header = next(load_workbook(BytesIO(english.content)).active.iter_rows(values_only=True))
    assert header[:3] == ("Division code", "City", "Equal reduction (%)")


@pytest.mark.parametrize("username", ["taiyuan", "xiaodian", "reporter", "public"])
def test_only_province_roles_open_the_workbench(client, loaded, username):
    client.login(username=username, password=f"demo-{username}-2024")
    assert client.get("/targets/allocation/").status_code == 404
    assert AuditEntry.objects.filter(action="deny", object_type="targets.workbench").exists()


def test_the_reviewer_sees_the_workbench_but_no_propose_form(client, loaded):
    client.login(username="reviewer", password="demo-reviewer-2024")
    page = client.get("/targets/allocation/", FOURTEENTH)
    assert page.status_code == 200 and 'id="propose-form"' not in page.content.decode()


# --- proposals, review, targets ----------------------------------------------------------------


def test_proposing_reviewing_and_tracking_an_allocation(client, loaded):
    from carbonctl.web.targets.models import Proposal, Target

    client.login(username="analyst", password="demo-analyst-2024")
    response = client.post(
        "/targets/allocation/propose/",
        {"method": "entropy_index", "plan": "14th", "target": "18", "growth": "5"},
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and proposal.status == "pending"
    # the model keeps the plan's key and fractions, as before
    assert (proposal.plan, proposal.base_year, proposal.target) == ("14th", 2020, 0.18)
    assert proposal.growth == pytest.approx(0.05)
    assert proposal.achieved == pytest.approx(0.18, abs=1e-9) and len(proposal.reductions) == 11
    assert not Target.objects.exists()
    detail = client.get(f"/targets/proposals/{proposal.pk}/").content.decode()
    assert "“十四五”规划" in detail and "熵权指数法" in detail and "18.0%" in detail
    assert _keys_shown(detail) == set()
    # the analyst cannot approve, nor can the author
    assert (
        client.post(
            f"/targets/proposals/{proposal.pk}/review/", {"decision": "approve"}
        ).status_code
        == 403
    )
    client.login(username="reviewer", password="demo-reviewer-2024")
    client.post(f"/targets/proposals/{proposal.pk}/review/", {"decision": "approve"})
    proposal.refresh_from_db()
    assert proposal.status == "approved"
    assert Target.objects.count() == 12  # the province and 11 cities
    assert AuditEntry.objects.filter(object_type="targets.Target", action="create").count() == 12
    tree = client.get("/targets/", {"plan": "14th", "year": 2020})
    rows = tree.context["rows"]
    assert len(rows) == 12
    province = next(r for r in rows if r["target"].region_id == "140000")
    assert province["required_cumulative"] == pytest.approx(0.0)  # 2020 is the base year
    assert province["status"] in {"ahead", "on track", "behind"}
    html = tree.content.decode()
    assert "“十四五”规划" in html and _keys_shown(html) == set()
    assert "符合时序进度" in html or "超前于时序进度" in html or "滞后于时序进度" in html
    client.login(username="taiyuan", password="demo-taiyuan-2024")
    own = client.get("/targets/", {"plan": "14th", "year": 2020}).context["rows"]
    assert [r["target"].region_id for r in own] == ["140100"]


def test_a_proposal_within_bounds_keeps_them_and_meets_the_target(client, loaded):
    from carbonctl.web.targets.models import Proposal

    client.login(username="analyst", password="demo-analyst-2024")
    client.post(
        "/targets/allocation/propose/",
        {"method": "gdp", "plan": "14th", "target": "17", "floor": "0", "ceiling": "30"},
    )
    proposal = Proposal.objects.get()
    assert all(0.0 <= r <= 0.30 + 1e-12 for r in proposal.reductions.values())
    assert proposal.achieved == pytest.approx(0.17, abs=1e-9)
    entry = AuditEntry.objects.get(object_type="targets.Proposal", action="create")
    assert "floor 0.0%, ceiling 30.0%" in entry.summary


def test_a_proposal_with_a_key_the_data_cannot_serve_is_refused(client, loaded):
    from carbonctl.web.targets.models import Proposal

    client.login(username="analyst", password="demo-analyst-2024")
    response = client.post(
        "/targets/allocation/propose/", {"method": "zsg_dea", "plan": "14th", "target": "17"}
    )
    assert response.status_code == 422 and not Proposal.objects.exists()


def test_a_city_target_is_split_among_its_counties(client, loaded):
    from carbonctl.targets import achieved
    from carbonctl.web.inventories.services import current_dataset
    from carbonctl.web.targets.models import Proposal, Target
    from carbonctl.web.targets.services import region_table

    client.login(username="analyst", password="demo-analyst-2024")
    client.post(
        "/targets/allocation/propose/",
        {"method": "equal", "plan": "14th", "target": "18", "growth": "5"},
    )
    client.login(username="reviewer", password="demo-reviewer-2024")
    client.post(f"/targets/proposals/{Proposal.objects.get().pk}/review/", {"decision": "approve"})
    taiyuan = Target.objects.get(region_id="140100")
    client.login(username="xiaodian", password="demo-xiaodian-2024")  # a county official
    assert client.post(f"/targets/{taiyuan.pk}/decompose/", {"method": "gdp"}).status_code in (
        403,
        404,
    )
    client.login(username="taiyuan", password="demo-taiyuan-2024")  # the city's official
    client.post(f"/targets/{taiyuan.pk}/decompose/", {"method": "gdp"})
    counties = Target.objects.filter(region__parent_id="140100")
    assert counties.count() == 10
    table = region_table(current_dataset(), 2020, 0.05, level="county", parent="140100")
    reductions = [counties.get(region_id=r).reduction for r in table["region"]]
    # the counties together meet the city's target exactly
    assert achieved(table, reductions) == pytest.approx(taiyuan.reduction, abs=1e-9)
    tree = client.get("/targets/", {"plan": "14th", "year": 2020}).context["rows"]
    assert len(tree) == 11  # Taiyuan and its ten counties


# --- the assessment ----------------------------------------------------------------------------


def test_the_assessment_opens_on_the_latest_year_with_data(analyst):
    from carbonctl.web.inventories.services import current_dataset
    from carbonctl.web.targets.services import assessment_years

    years = assessment_years(current_dataset())
    assert years == [2020]  # 2019 has no year before it in the small demo
    page = analyst.get("/targets/assessment/")
    assert page.status_code == 200 and page.context["year"] == max(years)
    assert '<option value="2020" selected>2020</option>' in page.content.decode()


def test_the_assessment_ranks_with_scores_and_names_indicators_with_units(analyst):
    page = analyst.get("/targets/assessment/")
    rows = page.context["rows"]
    assert [r["rank"] for r in rows] == sorted(r["rank"] for r in rows) and len(rows) == 11
    assert rows[0]["score"] >= rows[-1]["score"] and 0 <= rows[-1]["score"] <= 100
    html = page.content.decode()
    assert "综合得分（0–100）" in html
    assert "碳排放强度（吨二氧化碳/万元，可比价）" in html
    assert "非煤排放占比（%，占二氧化碳排放）" in html
    assert "越低越好" in html and "越高越好" in html
    text = visible_text(html)
    for key in ("carbon_intensity", "intensity_change", "co2_per_capita", "non_coal_share"):
        assert key not in text
    assert f"{page.context['first']['name']}" in text
    # shares and changes are shown in %, intensity with three decimals
    columns = page.context["columns"]
    share = [c["key"] for c in columns].index("non_coal_share")
    assert all(0 <= r["values"][share] <= 100 for r in rows)


def test_the_radar_shows_one_city_against_the_average(analyst):
    page = analyst.get("/targets/assessment/")
    radar = page.context["radar"]
    assert len(radar["cities"]) == 11 and len(radar["indicators"]) == 4
    assert [c["name"] for c in radar["cities"]] == [r["name"] for r in page.context["rows"]]
    for city in radar["cities"]:
        assert len(city["values"]) == 4 and all(0 <= v <= 100 for v in city["values"])
    for i, average in enumerate(radar["average"]):
        mean = sum(c["values"][i] for c in radar["cities"]) / 11
        assert average == pytest.approx(mean, abs=0.05)
    html = page.content.decode()
    assert html.count("<option value=") >= 11 and 'id="radar-city"' in html


def test_the_english_assessment_names_indicators_and_units_in_english(analyst):
    page = analyst.get("/en/targets/assessment/")
    text = visible_text(page.content.decode())
    assert "CO2 intensity (tCO2 per 10^4 yuan, constant prices)" in text
    assert "Non-coal share of CO2 (% of CO2)" in text and "lower is better" in text
    assert "Score (0–100)" in text and "Taiyuan" in text


def test_city_assessment_excel_and_a_chinese_pdf_with_the_same_labels(client, loaded, tmp_path):
    import subprocess

    client.login(username="analyst", password="demo-analyst-2024")
    page = client.get("/targets/assessment/", {"year": 2020})
    export = client.get("/targets/assessment/", {"year": 2020, "format": "xlsx"})
    rows = list(load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True))
    assert len(rows) == 12
    assert rows[0] == ("排名", "城市", "综合得分（0–100）", *page.context["headings"])
    assert rows[1][1] == page.context["rows"][0]["name"]
    assert list(rows[1][3:]) == page.context["rows"][0]["values"]
    pdf = client.get("/targets/assessment/", {"year": 2020, "format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    path = tmp_path / "assessment.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    # the Chinese font is embedded: the text comes back as Chinese, not as empty boxes
    assert "城市综合评价" in text and "太原市" in text and "碳排放强度" in text
    assert "carbon_intensity" not in text
    client.login(username="taiyuan", password="demo-taiyuan-2024")
    assert client.get("/targets/assessment/", {"year": 2020}).status_code == 404


# --- the JSON API ------------------------------------------------------------------------------


def test_api_compares_the_methods_as_a_long_table(client, loaded):
    from carbonctl.targets import workbench_methods

    client.login(username="analyst", password="demo-analyst-2024")
    answer = client.get("/api/v1/targets/allocation", {"target": 0.17, "base_year": 2020})
    assert answer.status_code == 200
    body = answer.json()
    rows = body["rows"]
    assert len(rows) == 11 * len(workbench_methods())
    assert {r["method"] for r in rows} == set(workbench_methods())
    assert all(r["error"] is None for r in rows)
    assert all(r["achieved"] == pytest.approx(0.17, abs=1e-9) for r in rows)
    # the cited 15th plan of the plan registry is the default plan
    assert body["plan"] == "15th"
    fourteenth = client.get("/api/v1/targets/allocation", {"plan": "14th"}).json()
    assert (fourteenth["base_year"], fourteenth["target"]) == (2020, 0.18)


def test_api_a_year_without_data_is_a_422_with_the_reason(client, loaded):
    client.login(username="analyst", password="demo-analyst-2024")
    answer = client.get("/api/v1/targets/allocation", {"base_year": 2010})
    assert answer.status_code == 422 and "2010" in answer.json()["detail"]
    answer = client.get("/api/v1/targets/allocation", {"target": "lots"})
    assert answer.status_code == 422
    answer = client.get("/api/v1/targets/allocation", {"plan": "13th"})
    assert answer.status_code == 422 and "13th" in answer.json()["detail"]


def test_api_lists_the_method_registry(client, loaded):
    client.login(username="taiyuan", password="demo-taiyuan-2024")
    methods = client.get("/api/v1/targets/methods").json()
    assert [m["name"] for m in methods] == list(METHODS)
    dea = next(m for m in methods if m["name"] == "zsg_dea")
    assert not dea["on_platform"] and {"labor", "capital"} <= set(dea["inputs"])
    assert all(m["explain_zh"] and m["explain_en"] for m in methods)


@pytest.mark.parametrize("username", ["taiyuan", "xiaodian", "reporter", "public"])
def test_api_allocation_and_assessment_are_for_province_roles(client, loaded, username):
    client.login(username=username, password=f"demo-{username}-2024")
    assert client.get("/api/v1/targets/allocation", {"base_year": 2020}).status_code == 404
    assert client.get("/api/v1/targets/assessment", {"year": 2020}).status_code == 404
    assert AuditEntry.objects.filter(action="deny", object_type="targets.workbench").exists()
    assert AuditEntry.objects.filter(action="deny", object_type="targets.assessment").exists()


def test_api_needs_a_login(client, loaded):
    for path in (
        "/api/v1/targets/allocation",
        "/api/v1/targets/assessment",
        "/api/v1/targets/targets",
    ):
        assert client.get(path).status_code == 401


def test_api_assessment_ranks_the_cities(client, loaded):
    client.login(username="analyst", password="demo-analyst-2024")
    body = client.get("/api/v1/targets/assessment", {"year": 2020}).json()
    ranks = [c["rank"] for c in body["cities"]]
    assert ranks == sorted(ranks) and len(ranks) == 11
    assert sum(body["weights"].values()) == pytest.approx(1.0)
    assert set(body["cities"][0]["indicators"]) == set(body["weights"])


def test_api_targets_stay_within_the_callers_regions(client, loaded):
    from carbonctl.web.targets.models import Proposal

    client.login(username="analyst", password="demo-analyst-2024")
    client.post(
        "/targets/allocation/propose/",
        {"method": "equal", "plan": "14th", "target": "18", "growth": "5"},
    )
    client.login(username="reviewer", password="demo-reviewer-2024")
    client.post(f"/targets/proposals/{Proposal.objects.get().pk}/review/", {"decision": "approve"})
    assert len(client.get("/api/v1/targets/targets", {"plan": "14th"}).json()) == 12
    client.login(username="taiyuan", password="demo-taiyuan-2024")
    own = client.get("/api/v1/targets/targets", {"plan": "14th"}).json()
    assert [t["region"] for t in own] == ["140100"]
    assert client.get("/api/v1/targets/targets/140100").json()[0]["plan"] == "14th"
    # another city's targets: 404, and the attempt is logged
    assert client.get("/api/v1/targets/targets/140200").status_code == 404
    assert AuditEntry.objects.filter(action="deny", object_id="140200").exists()
    for username in ("reporter", "public"):
        client.login(username=username, password=f"demo-{username}-2024")
        assert client.get("/api/v1/targets/targets", {"plan": "14th"}).status_code == 404
        assert client.get("/api/v1/targets/targets/140100").status_code == 404
