"""The assessment rules at and around their thresholds, with the expected figures of the worked
examples in docs/projects.md (§ 5)."""

from __future__ import annotations

import pytest

from carbonctl.projects import assess, filing_from_mapping

EF_COAL = 2.6183995992  # tCO2 per t of the test coal (docs § 5.1)


def run(data):
    return assess(filing_from_mapping(data, "test.json"))


@pytest.mark.parametrize(
    ("coal_t", "kwh", "level"),
    [
        (10000, 0, "province"),  # 10,000 tce: at the provincial threshold
        (9999, 0, "city"),
        (396.79, 4_900_000, "exempt"),  # 999 tce and 4.9 million kWh
        (372.21, 5_100_000, "city"),  # 999 tce but 5.1 million kWh
        (397.79, 4_900_000, "city"),  # 1,000 tce: not below 1,000
        (999, 0, "exempt"),
    ],
)
def test_review_level_at_and_around_its_thresholds(make_filing, coal, power, coal_t, kwh, level):
    activities = [coal(coal_t)] + ([power(kwh)] if kwh else [])
    result = run(make_filing(activities=activities))
    assert result.review_level == level
    assert result.carbon_chapter_required == (level != "exempt")


def test_exempt_example_adds_electricity_at_equivalent_value(make_filing, coal, power):
    result = run(make_filing(activities=[coal(396.79), power(4_900_000)]))
    # 4,900,000 kWh × 0.1229 kgce/kWh = 602.21 tce; + 396.79 tce of coal = 999.00 tce
    assert result.counted.equivalent_tce == pytest.approx(999.0, rel=1e-12)
    # 等价值 at 300 gce/kWh: 1,470 tce + 396.79 = 1,866.79 tce
    assert result.counted.equal_value_tce == pytest.approx(1866.79, rel=1e-12)
    assert result.counted.electricity_kwh == pytest.approx(4_900_000)


def test_co2_split_and_provincial_grid_factor(make_filing, coal, power):
    result = run(make_filing(activities=[coal(10000), power(1_000_000)]))
    co2 = result.to_json()["co2_t"]
    assert co2["combustion"] == pytest.approx(26183.995992, rel=1e-12)
    # 1,000 MWh × Shanxi 0.6634 (2023, the newest for 2027: provisional)
    assert co2["electricity"] == pytest.approx(663.4, rel=1e-12)
    assert co2["process"] == 0 and co2["heat"] == 0
    assert co2["total"] == pytest.approx(26183.995992 + 663.4, rel=1e-12)
    assert any("2027 not yet published, 2023 used" in h for h in result.decision_hints)


def test_row_emission_factor_wins_over_the_grid_factor(make_filing, coal, power):
    result = run(make_filing(activities=[coal(10), power(1_000_000, emission_factor=0.0005)]))
    assert result.counted.co2_electricity == pytest.approx(500.0)


def test_heat_and_process_rows_count_in_their_parts(make_filing, coal):
    activities = [
        coal(10),
        {"category": "heat", "item": "蒸汽", "amount": 1000, "unit": "GJ"},
        {"category": "process", "item": "石灰石", "amount": 100, "unit": "t"},
    ]
    result = run(make_filing(activities=activities))
    assert result.counted.co2_heat == pytest.approx(110.0)  # 1,000 GJ × 0.11
    assert result.counted.co2_process == pytest.approx(44.0)  # 100 t × 0.440
    # heat at 0.03412 kgce/MJ: 34.12 tce, counted at both values
    assert result.counted.equivalent_tce == pytest.approx(10 + 34.12)


def test_equal_value_uses_the_filed_coal_rate_else_the_flagged_default(make_filing, power):
    filed = run(make_filing(activities=[power(1_000_000)], coal_rate_gce_per_kwh=305))
    assert filed.counted.equivalent_tce == pytest.approx(122.9)
    assert filed.counted.equal_value_tce == pytest.approx(305.0)
    default = run(make_filing(activities=[power(1_000_000)], coal_rate_gce_per_kwh=None))
    assert default.counted.equal_value_tce == pytest.approx(300.0)
    assert default.coal_rate_status.startswith("UNCONFIRMED")
    assert any("参考默认供电煤耗 300" in h for h in default.decision_hints)


def test_raw_material_energy_is_reported_apart_and_excluded_from_the_review_level(
    make_filing, coal
):
    data = make_filing(activities=[coal(8000), coal(5000, raw_material=True)])
    result = run(data)
    assert result.counted.equivalent_tce == pytest.approx(8000.0)
    assert result.counted.raw_material_tce == pytest.approx(5000.0)
    assert result.review_level == "city"  # 13,000 tce with the feedstock would be province
    # the feedstock's carbon is process CO2 (carbon balance), not combustion
    assert result.counted.co2_combustion == pytest.approx(20947.1967936, rel=1e-12)
    assert result.counted.co2_process == pytest.approx(13091.997996, rel=1e-12)
    assert any("原料用能 5,000.00 tce" in h for h in result.decision_hints)


def test_retrofit_counts_the_increment(make_filing, coal, power):
    data = make_filing(
        kind="retrofit",
        activities=[coal(12000), power(10_000_000)],
        baseline=[coal(20000)],
    )
    result = run(data)
    # energy: 12,000 + 1,229 − 20,000 = −6,771 tce; electricity +10 million kWh
    assert result.counted.equivalent_tce == pytest.approx(-6771.0)
    assert result.counted.electricity_kwh == pytest.approx(10_000_000)
    assert result.review_level == "city"  # the electricity increment is not below 5 million
    co2 = result.to_json()["co2_t"]
    assert co2["combustion"] == pytest.approx(-20947.1967936, rel=1e-12)
    assert co2["electricity"] == pytest.approx(6634.0)
    assert co2["total"] == pytest.approx(-14313.1967936, rel=1e-12)
    assert result.project.equivalent_tce == pytest.approx(13229.0)


def coke(kind="new", replacement=None, product="焦炭（顶装焦炉）", industry="2521"):
    return {
        "industry": industry,
        "kind": kind,
        "products": [
            {
                "product": product,
                "capacity": 1_000_000,
                "unit": "t/a",
                "design_specific_energy": 108,
                "specific_energy_unit": "kgce/t",
            }
        ],
        "capacity_replacement": replacement,
    }


def test_new_coking_capacity_is_prohibited_without_a_replacement(make_filing):
    result = run(make_filing(**coke()))
    assert result.two_high and result.prohibited
    assert "焦化 coking" in result.two_high_groups
    assert "禁止新增产能" in result.decision_hints[0]


def test_a_capacity_replacement_lifts_the_ban_but_is_checked(make_filing):
    replacement = {"document": "晋工信产业〔2026〕1号", "replaced_capacity": 80, "unit": "万t"}
    result = run(make_filing(**coke(replacement=replacement)))
    assert result.two_high and not result.prohibited
    hints = " ".join(result.decision_hints)
    assert "晋工信产业〔2026〕1号" in hints
    assert "置换产能 80 万t 少于「焦炭（顶装焦炉）」新增产能 1e+06 t" in hints


def test_a_retrofit_adds_no_capacity_so_it_is_not_prohibited(make_filing, coal):
    result = run(make_filing(**coke(kind="retrofit"), baseline=[coal(20000)]))
    assert result.two_high and not result.prohibited


@pytest.mark.parametrize(
    ("industry", "product", "prohibited"),
    [
        ("3011", "水泥熟料", True),  # clinker capacity is banned
        ("3011", "水泥", False),  # cement grinding is 两高 but not banned
        ("3216", "电解铝（铝液交流电耗）", True),
        ("3120", "电弧炉冶炼（公称容量≥50t）", True),
        ("2614", "煤制甲醇", False),
    ],
)
def test_prohibited_capacity_by_industry_and_product(make_filing, industry, product, prohibited):
    result = run(make_filing(**coke(industry=industry, product=product)))
    assert result.two_high
    assert result.prohibited is prohibited


def test_a_data_centre_is_not_two_high(make_filing, power):
    result = run(make_filing(industry="6450", activities=[power(60_000_000)]))
    assert not result.two_high and not result.prohibited
    assert result.review_level == "city"  # 7,374 tce


def test_industry_name_and_product_word_classify_two_high(make_filing):
    by_name = run(make_filing(industry="炼焦"))
    assert by_name.filing.industry_code == "2521" and by_name.prohibited
    by_product = run(make_filing(**coke(industry="26", product="合成氨（天然气）")))
    assert by_product.two_high and not by_product.prohibited


def test_a_division_code_gets_a_hint_to_give_the_class(make_filing):
    result = run(make_filing(industry="26"))
    assert not result.two_high
    assert any("仅到大类" in h for h in result.decision_hints)


@pytest.mark.parametrize(
    ("design", "unit", "grade"),
    [
        (110, "kgce/t", "benchmark"),  # at 标杆
        (109.9, "kgce/t", "benchmark"),
        (120, "kgce/t", "between"),
        (135, "kgce/t", "between"),  # at 基准
        (135.1, "kgce/t", "below_baseline"),
        (0.11, "tce/t", "benchmark"),  # converted to kgce/t: 110
    ],
)
def test_benchmark_grades(make_filing, design, unit, grade):
    data = make_filing(
        **coke(replacement={"document": "D", "replaced_capacity": 100, "unit": "万t"})
    )
    data["products"][0].update(design_specific_energy=design, specific_energy_unit=unit)
    entry = run(data).to_json()["benchmark"]["焦炭（顶装焦炉）"]
    assert entry == {
        "value": pytest.approx(110 if unit == "tce/t" else design),
        "benchmark": 110.0,
        "baseline": 135.0,
        "grade": grade,
    }


def test_the_policy_table_wins_and_the_gb_levels_fill_in(make_filing):
    data = make_filing(**coke(industry="3011", product="水泥熟料"))
    data["products"].append(
        {
            "product": "水泥",
            "capacity": 10,
            "unit": "t",
            "design_specific_energy": 90,
            "specific_energy_unit": "kgce/t",
        }
    )
    result = run(data)
    clinker, cement = result.benchmark["水泥熟料"], result.benchmark["水泥"]
    assert (clinker.benchmark, clinker.baseline) == (100.0, 117.0)
    assert clinker.levels.table == "energy_efficiency_benchmarks"
    assert (cement.benchmark, cement.baseline, cement.grade) == (80.0, 94.0, "between")
    assert cement.levels.table == "gb_energy_quota_levels"


def test_a_product_without_a_benchmark_row_gets_no_entry_and_a_hint(make_filing):
    data = make_filing(**coke(industry="6450", product="算力服务"))
    result = run(data)
    assert result.benchmark == {}
    assert any("算力服务" in h and "无对应条目" in h for h in result.decision_hints)


def test_two_high_below_benchmark_is_told_it_fails_the_entry_rule(make_filing):
    data = make_filing(**coke(industry="2614", product="煤制甲醇"))
    data["products"][0].update(design_specific_energy=1500)
    result = run(data)
    assert result.benchmark["煤制甲醇"].grade == "between"
    assert any("不符合两高项目准入要求" in h for h in result.decision_hints)


def test_methanol_example_of_the_docs():
    from pathlib import Path

    from carbonctl.projects import read_project

    path = Path(__file__).parents[2] / "docs" / "examples" / "project_methanol.json"
    result = assess(read_project(path)).to_json()
    assert result["comprehensive_energy_tce"] == {
        "equivalent": pytest.approx(338320.0),
        "equal_value": pytest.approx(480000.0),
    }
    assert result["co2_t"]["combustion"] == pytest.approx(662201.705088, rel=1e-12)
    assert result["co2_t"]["process"] == pytest.approx(499403.410176, rel=1e-12)
    assert result["co2_t"]["electricity"] == pytest.approx(530720.0)
    assert result["co2_t"]["total"] == pytest.approx(1692325.115264, rel=1e-12)
    assert result["review_level"] == "province"
    assert result["two_high"] is True and result["prohibited"] is False
    assert result["benchmark"]["煤制甲醇"]["grade"] == "benchmark"
