"""The GB/T 24067 study report tables of the hand-solved coke study: goal and scope, results
that add up to the score, the process inventory, data quality, the label grade and the
limitations the data's flags call for."""

from __future__ import annotations

import datetime as dt

import pytest

from carbonctl.footprint.grading import grade_footprint
from carbonctl.footprint.report import STAGE_LABELS, study_report
from carbonctl.footprint.study import STAGES, Study, run_study

from .systems_fpact import COKE_AR6, coke_system


@pytest.fixture(scope="module")
def result():
    study = Study(
        product="焦炭 coke",
        industry="焦化(含炼油) coking & refining",
        declared_unit="t",
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 12, 31),
        tier_shares={"metered_calibrated": 0.8, "estimated": 0.2},
        cut_off_percent=1.5,
        cut_off_description="plant lighting",
    )
    return run_study(study, coke_system(), "coke")


def tables(result, grade=None, **kwargs):
    return {t.key: t for t in study_report(result, grade, **kwargs)}


def test_report_tables_and_their_sums(result):
    report = tables(result)
    assert list(report) == [
        "goal_scope",
        "results_summary",
        "results_by_stage",
        "results_by_gas",
        "inventory_by_process",
        "data_quality",
        "limitations",
    ]
    goal = dict(report["goal_scope"].rows)
    assert (goal["boundary"], goal["method"]) == ("cradle-to-gate", "GWP100 AR6")
    assert goal["reference_period"] == "2024-01-01 – 2024-12-31"
    stages = report["results_by_stage"].rows
    assert stages[-1][:2] == ("total", pytest.approx(COKE_AR6))
    assert sum(r[1] for r in stages[:-1]) == pytest.approx(COKE_AR6)
    gases = report["results_by_gas"].rows
    assert sum(r[1] for r in gases[:-1]) == pytest.approx(COKE_AR6)
    assert gases[0][0] == "CO2"
    inventory = report["inventory_by_process"]
    assert len(inventory.rows[0]) == len(inventory.columns)
    assert sum(r[6] for r in inventory.rows) == pytest.approx(COKE_AR6)
    quality = dict(report["data_quality"].rows)
    assert quality["tier:metered_calibrated"] == 0.8
    assert quality["primary_data_share"] == pytest.approx(100 * 300 / COKE_AR6)
    assert set(STAGE_LABELS) == set(STAGES)


def test_grade_and_limitations_follow_the_flags(result):
    grade = grade_footprint(result.score, "焦炭 coke", background_reference=450)
    report = tables(result, grade, limitations=["demo data"])
    (row,) = report["label_grade"].rows
    assert row[:3] == ("二级", "ratio", "background_database")
    notes = [r[0] for r in report["limitations"].rows]
    assert any("cut-off: 1.5%" in n for n in notes)
    # the coking coal is UNCONFIRMED: its share of the score is named
    assert any("UNCONFIRMED" in n and f"{100 * 1.3 * 49.8 / COKE_AR6:.1f}%" in n for n in notes)
    assert any("DESIGN PROPOSAL" in n for n in notes)
    assert notes[-1] == "demo data"
    assert "label_grade" not in tables(result)
