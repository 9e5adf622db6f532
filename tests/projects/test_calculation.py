"""The calculation workbook (计算书) of a project assessment: its tables carry the assessment's
own figures (worked examples 5.5 and 5.8 of docs/projects.md), every rule names its source and
status, no internal key reaches a cell, and the .xlsx keeps numbers as numbers and text as text."""

from __future__ import annotations

import json
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

from carbonctl import labels
from carbonctl.errors import InputError
from carbonctl.io import safe_cell
from carbonctl.projects import (
    KINDS,
    REVIEW_LEVELS,
    Decision,
    ProjectAssessment,
    Sheet,
    assess,
    calculation_sheets,
    city_impact,
    filing_from_mapping,
    write_calculation,
)
from carbonctl.projects.assess import GRADES
from carbonctl.projects.calculation import LABELS, OUTCOMES, SHEET_TITLES

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "project_methanol.json"
CITY = {"headroom_tco2": 100_000, "city_co2_tco2": 20_000_000, "city_gdp_10k_cny": 10_000_000}
BAROMETER = {
    "target": 0.17,
    "base_year": 2025,
    "year": 2027,
    "intensity_base": 2.2,
    "intensity_previous": 2.001,
}
DECISION = Decision(
    outcome="conditional",
    reasons="达到标杆水平",
    conditions="配套建设绿电",
    reviewer="张审查",
    decided_at="2026-03-01",
    committed_tco2=1_692_325.1,
)
#: Keys that have a label: none may be a cell on its own (nor, with an underscore, inside one).
INTERNAL_KEYS = {
    *KINDS,
    *REVIEW_LEVELS,
    *GRADES,
    *OUTCOMES,
    "combustion",
    "process",
    "electricity",
    "heat",
    "project",
    "baseline",
    "red",
    "yellow",
    "green",
    "filed",
    "industry",
    "product",
    "default",
    "True",
    "False",
}


def methanol_data() -> dict[str, object]:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def methanol() -> ProjectAssessment:
    return assess(filing_from_mapping(methanol_data(), str(EXAMPLE)))


@pytest.fixture
def retrofit(make_filing, coal, power) -> ProjectAssessment:
    # worked example 5.5: baseline 20,000 t coal; project 12,000 t coal + 10,000,000 kWh
    data = make_filing(
        kind="retrofit", activities=[coal(12000), power(10_000_000)], baseline=[coal(20000)]
    )
    return assess(filing_from_mapping(data))


def by_key(sheets: tuple[Sheet, ...]) -> dict[str, Sheet]:
    return {s.key: s for s in sheets}


def column(sheet: Sheet, name: str) -> list[object]:
    index = next(i for i, h in enumerate(sheet.header) if h.endswith(name) or h.startswith(name))
    return [row[index] for row in sheet.rows]


def energy_rows(sheet: Sheet) -> dict[str, tuple[object, ...]]:
    """Energy rows by the English part of the quantity (after the Chinese words)."""
    return {str(row[0]).split(" ", 1)[1]: row for row in sheet.rows}


def all_cells(sheets: tuple[Sheet, ...]) -> list[object]:
    cells: list[object] = []
    for s in sheets:
        cells += [s.title, *s.header, s.note]
        for row in s.rows:
            cells += list(row)
    return cells


# --- the tables -----------------------------------------------------------------------------------


def test_sheets_come_in_order_and_impact_and_decision_only_when_given(methanol):
    plain = [s.key for s in calculation_sheets(methanol)]
    assert plain == ["summary", "inputs", "activities", "energy", "rules", "benchmark"]
    impact = city_impact(methanol, **CITY)
    full = calculation_sheets(methanol, impact=impact, decision=DECISION)
    assert [s.key for s in full] == [*plain, "impact", "decision"]
    assert [s.key for s in calculation_sheets(methanol, decision=DECISION)] == [*plain, "decision"]
    for sheet in full:
        assert sheet.title == SHEET_TITLES[sheet.key] and len(sheet.title) <= 31
        assert not set("[]:*?/\\") & set(sheet.title)
        assert all(len(row) == len(sheet.header) for row in sheet.rows), sheet.key


def test_energy_sheet_counted_figures_are_the_assessments(methanol):
    energy = by_key(calculation_sheets(methanol))["energy"]
    rows = energy_rows(energy)
    counted = methanol.counted
    # worked example 5.8: E = 240,000 + 98,320; 等价值 240,000 + 240,000; CO2 1,692,325.115264
    expected = {
        "comprehensive energy, equivalent": (counted.equivalent_tce, 338_320.0),
        "comprehensive energy, equal value": (counted.equal_value_tce, 480_000.0),
        "fossil energy": (counted.fossil_tce, 240_000.0),
        "raw-material energy": (counted.raw_material_tce, 480_000.0),
        "electricity": (counted.electricity_kwh, 800_000_000.0),
        "green electricity": (counted.green_electricity_kwh, 0.0),
        "CO2, combustion": (counted.co2_combustion, 662_201.705088),
        "CO2, process": (counted.co2_process, 499_403.410176),
        "CO2, electricity, location-based": (counted.co2_electricity, 530_720.0),
        "CO2, electricity, market-based": (counted.co2_electricity_market, None),
        "CO2, heat": (counted.co2_heat, 0.0),
        "CO2, total": (counted.co2_total, 1_692_325.115264),
    }
    assert set(rows) == set(expected)
    for name, (figure, worked) in expected.items():
        _quantity, formula, project, baseline, counted_cell, unit = rows[name]
        assert counted_cell == figure and project == figure, name
        assert baseline is None  # a new project has no baseline
        if worked is not None:
            assert counted_cell == pytest.approx(worked, rel=1e-12), name
        assert formula and unit
    assert "0.1229 kgce/kWh" in rows["comprehensive energy, equivalent"][1]
    assert "300 gce/kWh" in rows["comprehensive energy, equal value"][1]
    assert "29.3076 GJ/tce" in rows["comprehensive energy, equivalent"][1]


def test_retrofit_energy_sheet_counts_the_increment(retrofit):
    rows = energy_rows(by_key(calculation_sheets(retrofit))["energy"])
    _q, _f, project, baseline, counted, _u = rows["comprehensive energy, equivalent"]
    # 12,000 + 1,229 − 20,000 = −6,771 tce
    assert (project, baseline) == pytest.approx((13_229.0, 20_000.0), rel=1e-12)
    assert counted == retrofit.counted.equivalent_tce == pytest.approx(-6_771.0, rel=1e-12)
    assert rows["CO2, total"][4] == pytest.approx(-14_313.1967936, rel=1e-12)
    for name, row in rows.items():
        assert row[4] == pytest.approx(row[2] - row[3], rel=1e-12, abs=1e-9), name


@pytest.mark.parametrize("case", ["methanol", "retrofit"])
def test_activities_sheet_tco2_adds_up_to_the_total(case, request):
    assessment = request.getfixturevalue(case)
    sheet = by_key(calculation_sheets(assessment))["activities"]
    sides = column(sheet, "side")
    tco2 = column(sheet, "tCO2")
    project = sum(t for s, t in zip(sides, tco2, strict=True) if s == LABELS["side"]["project"])
    baseline = sum(t for s, t in zip(sides, tco2, strict=True) if s == LABELS["side"]["baseline"])
    assert project == pytest.approx(assessment.project.co2_total, rel=1e-12)
    assert project - baseline == pytest.approx(assessment.counted.co2_total, rel=1e-12)
    assert len(sheet.rows) == len(assessment.rows)


def test_activities_sheet_shows_raw_material_coefficients_and_factor_sources(methanol):
    sheet = by_key(calculation_sheets(methanol))["activities"]
    *_fuels, methanol_row = sheet.rows
    raw = column(sheet, "raw material")
    assert raw == ["是", "否", "否", "否"]
    # raw coal at NCV 23.44608 GJ/t: 0.8 tce/t; electricity 0.1229 tce/MWh (= kgce/kWh)
    assert column(sheet, "tce/活动单位")[:3] == pytest.approx([0.8, 0.8, 0.1229], rel=1e-12)
    assert column(sheet, "NCV (GJ/活动单位)")[0] == pytest.approx(23.44608)
    assert column(sheet, "tce equivalent")[2] == pytest.approx(98_320.0)
    assert column(sheet, "tce equal value")[2] == pytest.approx(240_000.0)
    sources = column(sheet, "factor source")
    assert sources[0].startswith("申报实测值")  # NCV, CC and OF measured in the row
    assert "公告2025年第47号" in sources[2]  # the MEE/NBS grid factor row
    statuses = column(sheet, "factor status")
    assert statuses[2] == labels.status_text(methanol.rows["factor_status"].iloc[2])  # in words
    assert column(sheet, "provisional")[2] == "是"
    assert "2023 used" in column(sheet, "note")[2]
    assert methanol_row[:3] == ("项目（建成后）", "工业过程", "甲醇")
    assert column(sheet, "tCO2")[3] == pytest.approx(-825_000.0)  # carbon fixed in methanol


def test_rules_sheet_names_each_rules_source_and_status(methanol):
    sheet = by_key(calculation_sheets(methanol))["rules"]
    rules = column(sheet, "rule")
    sources, statuses = column(sheet, "source"), column(sheet, "status")
    assert all(sources) and all(statuses)
    by_rule = {}
    for row in sheet.rows:
        by_rule.setdefault(row[0].split(" ")[0], []).append(row)
    province = by_rule["省级节能审查"][0]
    assert province[2] == 10_000.0 and province[4] == pytest.approx(338_320.0)
    assert "NDRC Order 2023 No.2" in province[6] and province[7] == "已核实"
    level = by_rule["审查层级"][0]
    assert level[5] == "省级节能审查"
    two_high = by_rule["两高"][0]
    assert two_high[2] == "2614 有机化学原料制造" and two_high[5].startswith("是")
    assert "鲁发改工业〔2021〕387号" in two_high[6] and "未核实" in two_high[7]
    coal_rate = by_rule["等价值供电煤耗"][0]
    assert coal_rate[7].startswith("未核实") and coal_rate[5] == "采用申报值"
    assert by_rule["碳排放评价章节"][0][2] == "2025-09-01"
    assert "NDRC Order 2025 No.31" in by_rule["碳排放评价章节"][0][6]
    assert by_rule["原料用能"][0][4] == pytest.approx(480_000.0)
    assert "发改环资〔2022〕803号" in by_rule["原料用能"][0][6]
    assert by_rule["禁止新增产能"][0][5].startswith("否")
    assert len(rules) == len(sheet.rows)


def test_rules_sheet_of_a_prohibited_coking_plant(make_filing):
    coke = {
        "product": "焦炭（顶装焦炉）",
        "capacity": 1_000_000,
        "unit": "t",
        "design_specific_energy": 110,
        "specific_energy_unit": "kgce/t",
    }
    result = assess(filing_from_mapping(make_filing(industry="2521", products=[coke])))
    rows = [r for r in by_key(calculation_sheets(result))["rules"].rows if r[0].startswith("禁止")]
    assert len(rows) == 1
    assert rows[0][2] == "炼焦：全部产品" and rows[0][5].startswith("是")
    assert "晋政办发〔2024〕53号" in rows[0][6] and "ban 已核实" in rows[0][7]


def test_benchmark_sheet_grades_the_product_and_cites_its_levels(methanol):
    sheet = by_key(calculation_sheets(methanol))["benchmark"]
    (row,) = sheet.rows
    entry = methanol.benchmark["煤制甲醇"]
    values = dict(zip(sheet.header, row, strict=True))
    assert values["设计值 design value"] == 1380.0
    assert (values["标杆 benchmark"], values["基准 baseline"]) == (1400.0, 1800.0)
    assert values["等级 grade"] == "达到标杆"
    # (338,320 + 480,000) × 1000 / 600,000 = 1,363.87 kgce/t
    assert values["按申报能耗折算 computed"] == pytest.approx(1363.8666666666, rel=1e-9)
    assert values["单位产品CO2 CO2 per unit"] == pytest.approx(1_692_325.115264 / 600_000)
    assert values["来源 source"] == labels.status_text(entry.levels.source)
    assert values["状态 status"] == labels.status_text(entry.levels.status)


def test_a_product_without_benchmark_gives_no_benchmark_row(make_filing):
    product = {
        "product": "数据服务",
        "capacity": 1,
        "unit": "t",
        "design_specific_energy": 1,
        "specific_energy_unit": "kgce/t",
    }
    result = assess(filing_from_mapping(make_filing(industry="6450", products=[product])))
    sheet = by_key(calculation_sheets(result))["benchmark"]
    assert sheet.rows == ()
    assert "数据服务" in sheet.note
    rules = by_key(calculation_sheets(result))["rules"]
    two_high = next(r for r in rules.rows if r[0].startswith("两高"))
    assert two_high[5].startswith("否") and "环环评〔2021〕45号" in two_high[6]


def test_impact_sheet_shows_the_worked_example(make_filing, coal):
    # docs/projects.md § 6: P = 26,183.995992 × 0.5; barometer green before, red after
    data = make_filing(activities=[coal(10000)], value_added_10k_cny=2000, operating_share=0.5)
    result = assess(filing_from_mapping(data))
    impact = city_impact(result, **CITY, city_energy_tce=8_000_000, barometer_inputs=BAROMETER)
    sheet = by_key(calculation_sheets(result, impact=impact))["impact"]
    rows = {str(r[0]).split(" ")[0]: r for r in sheet.rows}
    assert rows["项目排放"][2] == pytest.approx(13_091.997996, rel=1e-12)
    assert rows["占用余量比例"][2] == pytest.approx(0.13091997996, rel=1e-12)
    assert rows["项目后余量"][2] == pytest.approx(86_908.002004, rel=1e-12)
    assert rows["碳排放强度（项目后）"][2] == pytest.approx(2.001109088890711, rel=1e-12)
    assert rows["能耗强度（项目后）"][2] == pytest.approx(0.8004199580041996, rel=1e-12)
    assert (rows["晴雨表（项目前）"][2], rows["晴雨表（项目后）"][2]) == ("绿色", "红色")
    assert rows["超出余量"][2] == "否"
    assert all(r[1] for r in sheet.rows)  # every figure has its formula


def test_decision_sheet_in_chinese_and_its_checks(methanol):
    sheet = by_key(calculation_sheets(methanol, decision=DECISION))["decision"]
    values = {str(r[0]).split(" ")[0]: r[1] for r in sheet.rows}
    assert values["审查决定"] == "有条件通过"
    assert values["计入碳预算台账"] == 1_692_325.1
    assert values["决定日期"] == "2026-03-01"
    rejected = Decision("reject", "劣于基准", "", "张审查", "2026-03-02")
    values = {
        str(r[0]).split(" ")[0]: r[1]
        for r in by_key(calculation_sheets(methanol, decision=rejected))["decision"].rows
    }
    assert values["审查决定"] == "不予通过" and values["计入碳预算台账"] == "不计入"
    with pytest.raises(InputError, match="outcome 'approved'"):
        Decision("approved", "", "", "", "2026-03-01")
    with pytest.raises(InputError, match="decided_at '01/03/2026'"):
        Decision("approve", "", "", "", "01/03/2026")
    with pytest.raises(InputError, match="committed_tco2"):
        Decision("approve", "", "", "", "2026-03-01", float("nan"))


def test_no_internal_key_reaches_a_cell(retrofit, methanol):
    impact = city_impact(methanol, **CITY, barometer_inputs=BAROMETER)
    for assessment, extra in ((methanol, {"impact": impact, "decision": DECISION}), (retrofit, {})):
        cells = all_cells(calculation_sheets(assessment, **extra))
        texts = [c for c in cells if isinstance(c, str)]
        assert not INTERNAL_KEYS & set(texts)
        assert not [t for t in texts if "below_baseline" in t or "retrofit" in t.split()]
        assert not [c for c in cells if isinstance(c, bool)]
    summary = by_key(calculation_sheets(retrofit))["summary"]
    assert "增量" in summary.note


def test_summary_carries_the_json_figures_and_hints(methanol):
    sheet = by_key(calculation_sheets(methanol, decision=DECISION))["summary"]
    values = {r[0]: r[1] for r in sheet.rows}
    contract = methanol.to_json()
    assert values["综合能源消费量（当量值）"] == contract["comprehensive_energy_tce"]["equivalent"]
    assert values["二氧化碳排放合计"] == contract["co2_t"]["total"]
    assert values["审查层级"] == "省级节能审查"
    assert values["两高项目"].startswith("是") and values["禁止新增产能"] == "否"
    assert values["审查决定"] == "有条件通过"
    hints = [r[1] for r in sheet.rows if str(r[0]).startswith("审查提示")]
    assert hints == [labels.status_text(h) for h in contract["decision_hints"]]


# --- the workbook ---------------------------------------------------------------------------------


def test_workbook_reads_back_with_numbers_as_numbers(methanol, tmp_path):
    impact = city_impact(methanol, **CITY)
    path = tmp_path / "calc.xlsx"
    write_calculation(methanol, path, impact=impact, decision=DECISION)
    book = load_workbook(path)
    assert book.sheetnames == [SHEET_TITLES[k] for k in SHEET_TITLES]
    energy = book[SHEET_TITLES["energy"]]
    assert [c.value for c in energy[1]][:3] == ["指标 quantity", "公式 formula", "项目 project"]
    assert all(c.font.bold for c in energy[1])
    counted = energy.cell(row=2, column=5)
    assert counted.data_type == "n" and counted.value == pytest.approx(338_320.0)
    assert energy.cell(row=2, column=4).value is None  # no baseline: an empty cell, not "nan"
    assert energy.column_dimensions["B"].width > 20
    activities = book[SHEET_TITLES["activities"]]
    amounts = [activities.cell(row=r, column=4) for r in range(2, 6)]
    assert [c.value for c in amounts] == [600_000, 300_000, 80_000, 600_000]
    assert all(c.data_type == "n" for c in amounts)
    summary = book[SHEET_TITLES["summary"]]
    assert summary.cell(row=3, column=2).data_type == "n"


def test_a_formula_in_a_name_is_stored_as_text(make_filing, tmp_path):
    name = '=HYPERLINK("x")'
    result = assess(filing_from_mapping(make_filing(name=name)))
    buffer = BytesIO()
    write_calculation(result, buffer)
    book = load_workbook(BytesIO(buffer.getvalue()))
    for title in (SHEET_TITLES["summary"], SHEET_TITLES["inputs"]):
        cell = book[title].cell(row=2, column=2)
        assert cell.value == safe_cell(name) == "'" + name
        assert cell.data_type == "s"


def test_an_unwritable_path_is_an_input_error(methanol, tmp_path):
    target = tmp_path / "missing" / "calc.xlsx"
    with pytest.raises(InputError, match="cannot write the workbook") as caught:
        write_calculation(methanol, target)
    assert caught.value.file == str(target)
