"""Footprint studies: scores per declared unit solved by hand, stages and categories that add up
to the score, the primary-data share, the boundary rules and the study's own checks."""

from __future__ import annotations

import datetime as dt

import pytest

from carbonctl.errors import InputError, UnitError, UnknownNameError
from carbonctl.footprint.study import Study, StudyError, run_study
from carbonctl.footprint.system import system_from_tables

from .systems_fpact import COKE_AR5, COKE_AR6, coke_system, coke_tables, grave_system


def coke_study(**changes) -> Study:
    values = dict(
        product="焦炭 coke",
        industry="焦化(含炼油) coking & refining",
        declared_unit="t",
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 12, 31),
        tier_shares={"metered_calibrated": 0.7, "estimated": 0.3},
    )
    values.update(changes)
    return Study(**values)


def test_score_by_stage_category_and_gas_of_the_hand_solved_coke_system():
    result = run_study(coke_study(), coke_system(), "coke")
    assert result.score == pytest.approx(COKE_AR6)
    assert result.by_stage == pytest.approx(
        {"raw_materials": 1.3 * 49.8, "production": 40 * 0.8 + 300}
    )
    assert result.by_category == pytest.approx(
        {"foreground": 300, "material": 1.3 * 49.8, "electricity": 32}
    )
    assert result.by_gas["CH4 fossil"] == pytest.approx(1.3 * 29.8)
    assert result.by_gas["CO2"] == pytest.approx(300 + 26 + 32)
    # the processes behind the score: supply per t of coke, direct emissions, shares
    first = result.contributions[0]
    assert (first.process, first.amount, first.direct) == ("coke", pytest.approx(1), 300)
    electricity = next(c for c in result.contributions if c.process == "elec")
    assert electricity.amount == pytest.approx(40)  # 0.04 MWh converted to the process's kWh
    assert sum(c.share for c in result.contributions) == pytest.approx(1)
    assert result.top_processes[0][0] == "coke"
    # primary data: the coke oven's own 300 kg of 396.74
    assert result.primary_data_share == pytest.approx(100 * 300 / COKE_AR6)


def test_declared_unit_converts_and_ar5_changes_fossil_methane():
    per_kg = run_study(coke_study(declared_unit="kg", amount=500), coke_system(), "coke")
    assert per_kg.score == pytest.approx(COKE_AR6 / 2)
    assert per_kg.score_per_unit == pytest.approx(COKE_AR6 / 1000)
    ar5 = run_study(coke_study(method="AR5"), coke_system(), "coke")
    assert ar5.score == pytest.approx(COKE_AR5)


def test_cradle_to_grave_needs_use_or_end_of_life_processes():
    grave = run_study(coke_study(boundary="cradle-to-grave"), grave_system(), "life")
    assert grave.score == pytest.approx(COKE_AR6 + 3000 + 5)
    assert grave.by_stage["use"] == pytest.approx(3000)
    assert grave.by_stage["end_of_life"] == pytest.approx(5)
    with pytest.raises(InputError) as caught:
        run_study(coke_study(boundary="cradle-to-grave"), coke_system(), "coke")
    assert (caught.value.file, caught.value.column) == ("processes", "stage")
    # a gate study must not reach the use stage: the error names the process row
    with pytest.raises(InputError) as caught:
        run_study(coke_study(), grave_system(), "life")
    assert caught.value.column == "stage" and caught.value.row == 6  # 'use', 5th process
    assert "use" in str(caught.value)


def test_unknown_stage_demand_and_unit_are_located():
    processes, exchanges = coke_tables(stage="manufacturing")
    with pytest.raises(InputError) as caught:
        run_study(coke_study(), system_from_tables(processes, exchanges), "coke")
    assert (caught.value.row, caught.value.column) == (2, "stage")
    with pytest.raises(UnknownNameError) as missing:
        run_study(coke_study(), coke_system(), "cokes")
    assert "coke" in missing.value.suggestions
    with pytest.raises(UnitError):
        run_study(coke_study(declared_unit="kWh"), coke_system(), "coke")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"boundary": "gate-to-gate"}, "boundary"),
        ({"allocation": "volume"}, "allocation"),
        ({"method": "AR4"}, "method"),
        ({"amount": 0}, "amount"),
        ({"period_end": dt.date(2023, 1, 1)}, "period_end"),
        ({"tier_shares": {"metered": 0.5}}, "tier_shares"),
        ({"tier_shares": {"guessed": 1.0}}, "tier_shares"),
        ({"cut_off_percent": 120}, "cut_off_percent"),
        ({"product": " "}, "product"),
    ],
)
def test_a_wrong_scope_names_its_field(changes, field):
    with pytest.raises(StudyError) as caught:
        coke_study(**changes)
    assert caught.value.field == field


def test_supplier_footprints_count_as_primary_by_their_own_share():
    processes, exchanges = coke_tables()
    processes.loc[processes["id"] == "coal", "category"] = "supplier"
    processes["pact_primary_data_share"] = ["", "50", ""]
    result = run_study(coke_study(), system_from_tables(processes, exchanges), "coke")
    expected = 300 + 0.5 * 1.3 * 49.8
    assert result.primary_data_share == pytest.approx(100 * expected / COKE_AR6)
    assert result.by_stage["raw_materials"] == pytest.approx(1.3 * 49.8)


def test_results_pickle_for_caches_and_workers():
    import pickle

    result = run_study(coke_study(), coke_system(), "coke")
    again = pickle.loads(pickle.dumps(result))
    assert again.score == result.score and again.study.tier_shares == result.study.tier_shares
