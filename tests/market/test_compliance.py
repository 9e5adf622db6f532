"""Compliance: the worked unit, the 20 % gap cap, the 5 % CCER limit, stock CCER, the gas-unit
cap, banking (2023–2024) and borrowing (2021–2022), each at and around its limit."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from carbonctl.errors import InputErrors
from carbonctl.market import comply

DATA = Path(__file__).parents[1] / "data"


def row(**changes: object) -> dict:
    base = {
        "unit_id": "U1",
        "year": 2023,
        "unit_category": "conventional coal >300MW",
        "allocation_t": 1_000_000.0,
        "verified_t": 1_000_000.0,
        "ccer_t": 0.0,
    }
    base.update(changes)
    return base


def one(**changes: object):
    (result,) = comply(pd.DataFrame([row(**changes)])).units
    return result


def test_worked_example():
    table = pd.read_csv(DATA / "worked_ets_unit_example.csv")
    worked = dict(zip(table["item"], table["value"].astype(float), strict=True))
    u = one(allocation_t=worked["allocation_t"], verified_t=worked["verified_emissions_t"])
    assert u.gap_t == pytest.approx(worked["gap_t"])
    assert not u.gap_capped
    assert u.required_surrender_t == worked["required_surrender_t"]
    assert u.max_ccer_t == pytest.approx(worked["max_ccer_offset_t"])
    assert worked["gap_cap_20pct_of_verified_t"] == pytest.approx(0.2 * u.verified_t)


@pytest.mark.parametrize(
    ("verified", "capped", "required"),
    [
        (1_250_000.0, False, 1_250_000.0),  # gap 250,000 = exactly 20 % of V: not above it
        (1_250_001.0, True, 1_000_000.0 + 0.2 * 1_250_001.0),
        (1_249_999.0, False, 1_249_999.0),
        (2_000_000.0, True, 1_400_000.0),
    ],
)
def test_gap_cap_at_and_around_20_percent_of_verified(verified, capped, required):
    u = one(verified_t=verified)
    assert u.gap_capped is capped
    assert u.required_surrender_t == pytest.approx(required, rel=1e-12)
    assert u.shortfall_t == pytest.approx(required - 1_000_000.0, rel=1e-12)


@pytest.mark.parametrize(
    ("offered", "used"),
    [(0.0, 0.0), (50_000.0, 50_000.0), (55_000.0, 55_000.0), (55_001.0, 55_000.0)],
)
def test_ccer_at_and_around_5_percent_of_required(offered, used):
    u = one(verified_t=1_100_000.0, ccer_t=offered)  # S = 1.1 Mt: 5 % = 55,000 t
    assert u.max_ccer_t == pytest.approx(55_000.0)
    assert u.ccer_used_t == pytest.approx(used)
    assert u.shortfall_t == pytest.approx(100_000.0 - used)


def test_ccer_is_never_used_beyond_the_gap_nor_with_a_surplus():
    small_gap = one(verified_t=1_020_000.0, ccer_t=40_000.0)
    assert small_gap.ccer_used_t == pytest.approx(20_000.0) and small_gap.shortfall_t == 0
    surplus = one(verified_t=900_000.0, ccer_t=40_000.0)
    assert surplus.ccer_used_t == 0 and surplus.surplus_t == pytest.approx(100_000.0)
    assert surplus.status == "surplus" and small_gap.status == "complied"


@pytest.mark.parametrize(
    ("year", "start", "refused"),
    [
        (2025, dt.date(2016, 12, 31), True),
        (2025, dt.date(2017, 1, 1), False),
        (2024, dt.date(2015, 6, 1), False),
        (2026, "2014", True),
    ],
)
def test_stock_ccer_is_refused_from_2025(year, start, refused):
    u = one(year=year, verified_t=1_100_000.0, ccer_t=30_000.0, ccer_project_start=start)
    assert (u.ccer_refused_t == 30_000.0) is refused
    assert u.ccer_used_t == (0.0 if refused else 30_000.0)


def test_gas_units_surrender_no_more_than_their_allocation():
    u = one(unit_category="燃气机组", verified_t=1_500_000.0, ccer_t=10_000.0)
    assert u.gas_capped and u.required_surrender_t == 1_000_000.0
    assert u.shortfall_t == 0 and u.ccer_used_t == 0
    below = one(unit_category="gas", verified_t=800_000.0)
    assert not below.gas_capped and below.required_surrender_t == 800_000.0


@pytest.mark.parametrize(
    ("surplus", "sold", "banked"),
    [
        (10_000.0, None, 10_000.0),
        (10_001.0, None, 10_000.0),
        (50_000.0, 20_000.0, 40_000.0),
        (39_999.0, 20_000.0, 39_999.0),
        (50_000.0, -5_000.0, 10_000.0),  # a net buyer banks the base only
    ],
)
def test_banking_2023_2024_at_and_around_its_limit(surplus, sold, banked):
    changes = {"verified_t": 1_000_000.0 - surplus}
    if sold is not None:
        changes["net_sold_t"] = sold
    u = one(**changes)
    assert u.bankable_t == pytest.approx(10_000.0 + 1.5 * max(sold or 0.0, 0.0))
    assert u.banked_t == pytest.approx(banked)


def test_banking_is_a_2023_2024_rule_and_borrowing_a_2021_2022_one():
    early = one(year=2021, verified_t=1_100_000.0)
    assert early.bankable_t is None and early.borrowable_t == pytest.approx(50_000.0)
    below = one(year=2021, verified_t=1_099_999.0)  # gap just under 10 % of the allocation
    assert below.borrowable_t == 0.0
    assert one(year=2024, verified_t=1_100_000.0).borrowable_t is None


def test_years_are_kept_apart_in_json_and_repeats_refused():
    table = pd.DataFrame([row(), row(year=2024, verified_t=1_200_000.0)])
    out = comply(table).to_json()["units"]
    assert set(out) == {"U1:2023", "U1:2024"}
    assert out["U1:2024"]["shortfall_t"] == pytest.approx(200_000.0)
    with pytest.raises(InputErrors, match=r"row 3.*repeated"):
        comply(pd.DataFrame([row(), row()]))
