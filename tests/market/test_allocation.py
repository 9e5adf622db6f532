"""Power-sector allocation by the benchmark method: the published worked unit, each plan's
output basis and corrections, the flags of values that are not plainly confirmed, and the
refusal to invent a value the reference data lacks."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from carbonctl.errors import InputErrors
from carbonctl.market import allocate, load_factor_correction
from carbonctl.refdata import load_table

DATA = Path(__file__).parents[1] / "data"


@pytest.fixture(scope="module")
def worked() -> dict[str, float]:
    table = pd.read_csv(DATA / "worked_ets_unit_example.csv")
    return dict(zip(table["item"], table["value"].astype(float), strict=True))


def unit(**changes: object) -> pd.DataFrame:
    row = {
        "unit_id": "U1",
        "enterprise": "示例热电",
        "unit_category": "conventional coal >300MW",
        "capacity_mw": 1000,
        "generation_mwh": 3_300_000,
        "supplied_mwh": 3_100_000,
        "heat_supplied_gj": 0,
    }
    row.update(changes)
    return pd.DataFrame([row])


def test_worked_example_allocation_and_pre_allocation(worked):
    result = allocate(unit(generation_mwh=worked["generation_MWh"]), 2023)
    (u,) = result.units
    assert u.electricity_benchmark == worked["benchmark_tCO2_per_MWh"]
    assert u.correction == worked["correction_factor_product"]
    assert u.allocation_t == pytest.approx(worked["allocation_t"], rel=1e-12)
    assert u.pre_allocation_t == pytest.approx(worked["pre_allocation_70pct_t"], rel=1e-12)
    assert result.total_t == pytest.approx(worked["allocation_t"], rel=1e-12)
    # 2023 allocates on generation, so the supplied figure plays no part
    assert u.output_basis == "generation" and u.output_mwh == worked["generation_MWh"]


def test_every_benchmark_of_the_reference_table_is_used_for_its_year_and_category():
    table = load_table("ets_power_benchmarks")
    table = table[(table["metric"] == "electricity") & (table["value"] != "")]
    for r in table.itertuples(index=False):
        year = int(r.year)
        result = allocate(unit(unit_category=r.unit_category), year)
        assert result.units[0].electricity_benchmark == float(r.value), (year, r.unit_category)
        basis = result.units[0].output_basis
        assert basis == ("supply" if year <= 2022 else "generation")


def test_chinese_category_names_are_accepted():
    english = allocate(unit(unit_category="gas"), 2024).units[0]
    chinese = allocate(unit(unit_category="燃气机组"), 2024).units[0]
    assert chinese.unit_category == "gas"
    assert chinese.allocation_t == english.allocation_t == 0.3288 * 3_300_000


def test_2019_2022_allocate_on_supply_with_the_coal_corrections():
    plain = allocate(unit(), 2021).units[0]
    assert plain.output_basis == "supply"
    assert plain.allocation_t == pytest.approx(0.8218 * 3_100_000)
    corrected = allocate(unit(cooling="air", heat_supply_ratio=0.2, load_factor=0.7), 2020)
    u = corrected.units[0]
    expected = 1.05 * (1 - 0.22 * 0.2) * 1.015 ** (16 - 20 * 0.7)
    assert u.correction == pytest.approx(expected, rel=1e-12)
    assert u.allocation_t == pytest.approx(0.877 * 3_100_000 * expected, rel=1e-12)
    assert any("UNCONFIRMED" in f for f in u.flags)


def test_gas_units_take_only_the_heat_supply_correction():
    u = allocate(
        unit(unit_category="gas", cooling="air", heat_supply_ratio=0.5, load_factor=0.6), 2020
    ).units[0]
    assert u.correction == pytest.approx(1 - 0.6 * 0.5)


def test_heat_is_allocated_on_the_heat_benchmark_of_the_units_fuel():
    u = allocate(unit(heat_supplied_gj=1_000_000), 2019).units[0]
    assert u.heat_benchmark == 0.126
    assert u.heat_t == pytest.approx(126_000)
    assert u.allocation_t == pytest.approx(0.877 * 3_100_000 + 126_000)


@pytest.mark.parametrize(
    ("load", "expected"),
    [(0.85, 1.0), (0.9, 1.0), (0.80, 1.007), (0.75, 1.015), (0.5, 1.015**6)],
)
def test_load_factor_correction_is_continuous_at_its_bounds(load, expected):
    assert load_factor_correction(load) == pytest.approx(expected, rel=1e-12)
    assert load_factor_correction(load - 1e-9) == pytest.approx(expected, rel=1e-6)


def test_missing_reference_values_are_asked_for_not_invented():
    with pytest.raises(InputErrors) as caught:
        allocate(unit(unit_category="unconventional coal", heat_supplied_gj=5000), 2023)
    text = str(caught.value)
    assert "unit 'U1'" in text and "row 2" in text
    assert "'electricity_benchmark'" in text and "'heat_benchmark'" in text
    given = allocate(
        unit(
            unit_category="unconventional coal",
            heat_supplied_gj=5000,
            electricity_benchmark=0.9,
            heat_benchmark=0.1,
        ),
        2023,
    ).units[0]
    assert given.allocation_t == pytest.approx(0.9 * 3_300_000 + 0.1 * 5000)
    assert "electricity_benchmark 0.9 given by the user" in given.flags


def test_a_year_without_a_plan_names_the_years_the_reference_covers():
    with pytest.raises(InputErrors, match=r"no allocation plan for 2026 .*2019-2024"):
        allocate(unit(), 2026)


def test_bad_rows_are_all_reported_and_nothing_is_allocated():
    table = pd.concat(
        [
            unit(),
            unit(unit_id="U2", unit_category="nuclear"),
            unit(unit_id="U1"),
            unit(unit_id="U3", supplied_mwh=4_000_000),
            unit(unit_id="U4", generation_mwh=None),
        ],
        ignore_index=True,
    )
    with pytest.raises(InputErrors) as caught:
        allocate(table, 2023, source="units.csv")
    rows = {e.row: e for e in caught.value.errors}
    assert rows[3].column == "unit_category" and "nuclear" in str(rows[3])
    assert rows[4].column == "unit_id" and "repeated" in str(rows[4])
    assert rows[5].column == "supplied_mwh"
    assert rows[6].column == "generation_mwh" and all(e.file == "units.csv" for e in rows.values())


def test_unconfirmed_and_secondary_values_are_flagged_confirmed_ones_are_not():
    secondary = allocate(unit(), 2022).units[0]
    assert any(f.endswith(": SECONDARY") for f in secondary.flags)
    unconfirmed_2023 = allocate(unit(), 2023).units[0]
    assert sum("UNCONFIRMED" in f for f in unconfirmed_2023.flags) == 2  # correction, 70 %
    assert math.isclose(unconfirmed_2023.pre_allocation_share, 0.7)


def test_final_allocation_on_verified_output_settles_against_the_pre_allocation():
    pre = allocate(unit(), 2024)
    advance = {u.unit_id: u.pre_allocation_t for u in pre.units}
    more = allocate(unit(generation_mwh=3_500_000), 2024).settlement(advance)
    less = allocate(unit(generation_mwh=1_000_000, supplied_mwh=950_000), 2024).settlement(advance)
    assert more["U1"] == pytest.approx(0.7822 * (3_500_000 - 0.7 * 3_300_000))
    assert less["U1"] < 0  # 多退: a unit that ran far less than assumed gives allowances back
