"""The demo's project filings (demo/projects.py, issue 15 item 7): every filing validates and
assesses, every workflow state is shown, the projects spread over the cities with owners among the
demo enterprises of their county, each named case has the assessment it stands for, the held one
lies in a red city of the demo's computed barometer, and the acceptance figures sit on the right
side of the re-review ratio."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from carbonctl import refdata
from carbonctl.demo.projects import STATES, demo_projects, red_cities
from carbonctl.demo.synthetic import DemoDataError
from carbonctl.projects import assess, filing_from_mapping
from carbonctl.projects.reference import review_parameter

COKING_REFUSED = "DEMO-P01"
METHANOL = "DEMO-P02"
DATA_CENTRE = "DEMO-P03"
GREEN = "DEMO-P04"
RETROFIT = "DEMO-P05"
REPLACEMENT = "DEMO-P06"
HELD = "DEMO-P07"
EXEMPT = "DEMO-P12"


@pytest.fixture(scope="module")
def projects(demo_dataset):
    return demo_projects(demo_dataset.enterprises)


@pytest.fixture(scope="module")
def assessed(projects):
    """ref -> (project, filing, assessment)."""
    out = {}
    for p in projects:
        filing = filing_from_mapping(p.filing, source=p.ref)
        out[p.ref] = (p, filing, assess(filing))
    return out


@pytest.fixture(scope="module")
def barometer(demo_outlook):
    """city -> level of the demo's 2026 barometer as the outlook's assessment computes it."""
    return {row["city"]: row["level"] for row in demo_outlook.meta["barometer"]}


def test_every_filing_validates_assesses_and_is_plain_json(projects, assessed):
    assert len(projects) == 12
    for p in projects:
        assert json.loads(json.dumps(p.filing, ensure_ascii=False)) == p.filing
        _, filing, result = assessed[p.ref]
        assert filing.name == p.filing["name"] and filing.owner == p.filing["owner"]
        assert filing.year in (2026, 2027)
        assert result.counted.co2_total != 0 and result.review_level in (
            "province",
            "city",
            "exempt",
        )


def test_states_outcomes_and_dates(projects):
    refs = [p.ref for p in projects]
    assert len(set(refs)) == len(refs)
    assert {p.state for p in projects} == set(STATES)
    expected_outcome = {
        "submitted": None,
        "assessed": None,
        "held": None,
        "cancelled": None,
        "approved": "approve",
        "conditional": "conditional",
        "rejected": "reject",
        "accepted": "approve",
        "re_review": "approve",
    }
    for p in projects:
        assert p.outcome == expected_outcome[p.state], p.ref
        assert bool(p.conditions) == (p.outcome == "conditional"), p.ref
        if p.outcome is not None:
            assert p.reasons, p.ref
        assert (p.actual is not None) == (p.state in ("accepted", "re_review")), p.ref
        filed = dt.date.fromisoformat(p.filed_on)
        assert dt.date(2026, 1, 1) <= filed <= dt.date(2026, 11, 30), p.ref


def test_spread_over_the_cities_with_owners_in_their_county(projects, assessed, demo_dataset):
    enterprises = demo_dataset.enterprises.set_index("credit_code")
    cities = set()
    for p in projects:
        _, filing, _ = assessed[p.ref]
        cities.add(filing.city)
        assert filing.region in refdata.county_city(), f"{p.ref}: region is not a county"
        owner = enterprises.loc[filing.owner]
        assert owner["adcode"] == filing.region, p.ref
        assert owner["name_zh"] == p.owner_name, p.ref
    assert len(cities) >= 8


def test_the_named_cases_assess_as_they_should(assessed):
    refused = assessed[COKING_REFUSED][2]
    assert refused.prohibited and refused.two_high
    assert assessed[COKING_REFUSED][0].state == "rejected"
    assert assessed[COKING_REFUSED][1].capacity_replacement is None

    replacement = assessed[REPLACEMENT]
    assert replacement[1].capacity_replacement is not None
    assert replacement[2].two_high and not replacement[2].prohibited
    assert replacement[0].state == "conditional"

    methanol = assessed[METHANOL]
    assert "煤制甲醇" in methanol[2].benchmark
    assert methanol[2].review_level == "province"
    assert methanol[2].counted.raw_material_tce > 0
    assert methanol[0].state in ("approved", "conditional")

    data_centre = assessed[DATA_CENTRE]
    assert data_centre[1].industry_code == "6450" and data_centre[2].review_level == "city"
    assert data_centre[2].counted.electricity_kwh * 0.1229 / 1000 > 0.9 * (
        data_centre[2].counted.equivalent_tce
    )  # mostly purchased electricity

    assert assessed[EXEMPT][2].review_level == "exempt"

    green = assessed[GREEN][2]
    assert green.counted.green_electricity_kwh > 0
    assert green.counted.co2_electricity_market < green.counted.co2_electricity
    assert assessed[GREEN][0].state == "approved"

    retrofit = assessed[RETROFIT]
    assert retrofit[1].kind == "retrofit" and retrofit[1].baseline is not None
    assert retrofit[2].baseline is not None and retrofit[2].counted.equivalent_tce < 0
    assert retrofit[0].state in ("approved", "accepted")


def test_benchmark_products_are_named_as_in_the_tables(assessed):
    """Products with a 标杆/基准 row are filed under its exact name, so they are graded."""
    graded = {ref for ref, (_, _, result) in assessed.items() if result.benchmark}
    assert graded == {COKING_REFUSED, METHANOL, RETROFIT, REPLACEMENT, HELD, "DEMO-P08"}
    policy = {b.product for b in refdata.efficiency_benchmarks()}
    for ref in graded - {"DEMO-P08"}:  # the grinding station's level is a GB quota row
        assert set(assessed[ref][2].benchmark) <= policy, ref


def test_coal_rate_filed_on_all_but_one(projects, assessed):
    missing = [p.ref for p in projects if "coal_rate_gce_per_kwh" not in p.filing]
    assert len(missing) == 1
    result = assessed[missing[0]][2]
    assert result.coal_rate_status != "filed"
    assert (
        result.coal_rate_gce_per_kwh == review_parameter("coal_rate_default", "gce_per_kwh").value
    )
    assert all(
        assessed[p.ref][2].coal_rate_status == "filed" for p in projects if p.ref != missing[0]
    )


def test_the_held_project_is_a_new_two_high_one_in_a_red_city(assessed, barometer):
    project, filing, result = assessed[HELD]
    assert project.state == "held"
    assert result.two_high and filing.kind == "new" and not result.prohibited
    assert barometer[filing.city] == "red"
    assert filing.city in red_cities()  # the design the module reads agrees with the outcome


def test_no_other_new_two_high_project_sits_in_a_red_city(assessed, barometer):
    """A red city holds new 两高 projects: the others must lie elsewhere to reach their state."""
    for ref, (_project, filing, result) in assessed.items():
        if ref != HELD and result.two_high and filing.kind != "retrofit":
            assert barometer[filing.city] != "red", ref


def test_acceptance_figures_against_the_re_review_ratio(assessed):
    ratio = review_parameter("re_review", "actual_over_approved").value
    assert ratio == pytest.approx(1.10)
    seen = set()
    for project, _filing, result in assessed.values():
        if project.actual is None:
            continue
        seen.add(project.state)
        approved = result.project.co2_total  # annual, as the platform's acceptance check
        assert approved > 0 and project.actual["energy_tce"] > 0 and project.actual["note"]
        if project.state == "accepted":
            assert project.actual["co2_t"] < ratio * approved
        else:
            assert project.actual["co2_t"] >= ratio * approved
    assert seen == {"accepted", "re_review"}


def test_placement_is_deterministic_and_needs_a_fitting_enterprise(projects, demo_dataset):
    shuffled = demo_dataset.enterprises.sample(frac=1.0, random_state=7)
    assert demo_projects(shuffled) == projects
    no_chemicals = demo_dataset.enterprises[
        ~demo_dataset.enterprises["sector"].str.startswith("Raw Chemical")
    ]
    with pytest.raises(DemoDataError, match="DEMO-P02"):
        demo_projects(no_chemicals)
