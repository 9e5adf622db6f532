"""Key units (重点用能和碳排放单位): the criteria at and around every threshold, sectors and first
covered years, the provincial list, history across years, the 标杆/基准 position and
energy-saving target progress."""

from __future__ import annotations

import pandas as pd
import pytest

from carbonctl.enterprises.keyunits import (
    benchmark_position,
    derive_registry,
    ets_sector_of,
    key_unit_criteria,
    saving_progress,
)
from carbonctl.refdata import load_table

POWER = "Production and Supply of Electric Power, Steam and Hot Water"
STEEL = "Smelting and Pressing of Ferrous Metals"
CHEMICALS = "Raw Chemical Materials and Chemical Products"


def registry(*rows):
    table = pd.DataFrame(
        [
            {
                "enterprise": r[0],
                "year": r[1],
                "energy_tce": r[2],
                "co2_t": r[3],
                "sector": r[4],
                "provincially_listed": r[5] if len(r) > 5 else False,
            }
            for r in rows
        ]
    )
    out = derive_registry(table)
    return {
        (e, y, k): reasons
        for e, y, k, reasons in out[["enterprise", "year", "kind", "reasons"]].itertuples(
            index=False
        )
    }


def test_criteria_come_from_the_reference_table_and_keep_their_flags():
    table = load_table("key_unit_criteria")
    assert [c.criterion for c in key_unit_criteria()] == list(table["criterion"])
    assert all(c.status.startswith("UNCONFIRMED") for c in key_unit_criteria())
    by = {c.criterion: c for c in key_unit_criteria()}
    assert by["energy_10k_tce"].threshold == 10_000
    assert by["energy_5k_tce_listed"].threshold == 5_000
    assert by["ets_power"].threshold == 26_000 and by["ets_power"].first_year == 2019
    assert {by[k].first_year for k in ("ets_steel", "ets_cement", "ets_aluminium")} == {2024}


@pytest.mark.parametrize(
    ("energy", "qualifies"), [(9_999.99, False), (10_000.0, True), (10_000.01, True)]
)
def test_energy_10k_tce_threshold_is_inclusive(energy, qualifies):
    found = registry(("A", 2023, energy, 0.0, CHEMICALS))
    assert (("A", 2023, "key_energy_user") in found) is qualifies
    if qualifies:
        assert found["A", 2023, "key_energy_user"] == ("energy_10k_tce",)


@pytest.mark.parametrize(
    ("energy", "listed", "reasons"),
    [
        (4_999.99, True, None),
        (5_000.0, True, ("energy_5k_tce_listed",)),
        (5_000.0, False, None),
        (9_999.0, False, None),
        (10_000.0, True, ("energy_10k_tce", "energy_5k_tce_listed")),
    ],
)
def test_5k_tce_counts_only_for_units_the_province_lists(energy, listed, reasons):
    found = registry(("A", 2023, energy, 0.0, CHEMICALS, listed))
    assert found.get(("A", 2023, "key_energy_user")) == reasons


@pytest.mark.parametrize(
    ("co2", "qualifies"), [(25_999.9, False), (26_000.0, True), (26_001, True)]
)
def test_ets_threshold_26000_t_in_a_covered_sector(co2, qualifies):
    found = registry(("P", 2023, 0.0, co2, POWER))
    assert (("P", 2023, "ets_unit") in found) is qualifies
    assert ("P", 2023, "key_energy_user") not in found


def test_ets_needs_a_covered_sector_and_its_first_year():
    found = registry(
        ("C", 2024, 0.0, 1e6, CHEMICALS),
        ("S", 2023, 0.0, 1e6, STEEL),
        ("S", 2024, 0.0, 1e6, STEEL),
        ("P", 2018, 0.0, 1e6, POWER),
        ("P", 2019, 0.0, 1e6, "power"),
    )
    assert ("C", 2024, "ets_unit") not in found
    assert ("S", 2023, "ets_unit") not in found
    assert found["S", 2024, "ets_unit"] == ("ets_steel",)
    assert ("P", 2018, "ets_unit") not in found
    assert found["P", 2019, "ets_unit"] == ("ets_power",)
    assert ets_sector_of(STEEL, 2023) is None and ets_sector_of(STEEL, 2024) == "steel"


def test_history_is_one_row_per_year_and_kind():
    found = registry(
        ("P", 2023, 30_000.0, 80_000.0, POWER),
        ("P", 2024, 9_000.0, 25_000.0, POWER),
    )
    assert set(found) == {("P", 2023, "key_energy_user"), ("P", 2023, "ets_unit")}


def test_benchmark_position_at_and_around_the_levels():
    # 焦炭（捣固焦炉）: 标杆 110, 基准 140 kgce/t
    product = "焦炭（捣固焦炉）"
    assert benchmark_position(product, 110, "kgce/t").position == "benchmark"
    assert benchmark_position(product, 110.01, "kgce/t").position == "between"
    assert benchmark_position(product, 140, "kgce/t").position == "between"
    assert benchmark_position(product, 140.01, "kgce/t").position == "below_baseline"
    converted = benchmark_position(product, 0.15, "tce/t")
    assert converted.value == pytest.approx(150) and converted.position == "below_baseline"
    assert benchmark_position("no such product", 1.0, "kgce/t") is None
    assert benchmark_position(product, 1.0, "kWh/t") is None


def test_saving_progress_against_the_schedule():
    half = saving_progress(10_000, 6_000, 2021, 2025, 2023)
    assert half.share == pytest.approx(0.6) and half.schedule == pytest.approx(0.6)
    assert half.on_track
    behind = saving_progress(10_000, 5_999, 2021, 2025, 2023)
    assert not behind.on_track
    assert saving_progress(10_000, 0, 2021, 2025, 2030).schedule == 1.0
    with pytest.raises(ValueError, match="target"):
        saving_progress(0, 1, 2021, 2025, 2023)
