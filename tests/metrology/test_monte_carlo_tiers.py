"""Tiers feed the accounting's Monte Carlo: all else equal, rows measured by calibrated meters
narrow the 95% interval and estimated rows widen it; the tiers used are listed as assumptions."""

from __future__ import annotations

import pandas as pd
import pytest

from carbonctl.accounting import account
from carbonctl.accounting.uncertainty import monte_carlo
from carbonctl.errors import InputError
from carbonctl.metrology import tier_table

N = 20_000


def electricity(n: int = 1) -> pd.DataFrame:
    row = {"subject": "S", "period": "2024", "category": "electricity", "item": "电力",
           "amount": 1000.0, "unit": "MWh"}  # fmt: skip
    return pd.DataFrame([row] * n)


def width(result) -> float:
    total = result.intervals.iloc[0]
    return (total["minus_pct"] + total["plus_pct"]) / 2


def only_activity() -> pd.DataFrame:
    from carbonctl import refdata

    ranges = refdata.load_table("uncertainty_defaults")
    ranges["half_width_95_pct"] = [5.0 if p == "activity" else 0.0 for p in ranges["parameter"]]
    return ranges


def test_calibrated_meters_narrow_and_estimates_widen_the_interval():
    result = account(electricity())
    ranges = only_activity()
    default = width(monte_carlo(result, N, ranges=ranges))
    calibrated = width(monte_carlo(result, N, ranges=ranges, tiers=["metered_calibrated"]))
    estimated = width(monte_carlo(result, N, ranges=ranges, tiers=["estimated"]))
    table = tier_table()
    assert calibrated < default < estimated
    # with activity the only error, the row's width is the tier's
    assert calibrated == pytest.approx(
        table.at["metered_calibrated", "activity_half_width_95_pct"], rel=0.05
    )
    assert estimated == pytest.approx(table.at["estimated", "activity_half_width_95_pct"], rel=0.05)


def test_a_row_without_a_tier_keeps_the_default_and_tiers_are_assumptions():
    result = account(electricity(2))
    plain = monte_carlo(result, 2000, seed=7)
    same = monte_carlo(result, 2000, seed=7, tiers=[None, None])
    pd.testing.assert_frame_equal(plain.intervals, same.intervals)
    mixed = monte_carlo(result, 2000, seed=7, tiers=["estimated", None])
    used = mixed.assumptions[mixed.assumptions["category"] == "tier"]
    assert list(used["kind"]) == ["estimated"]
    assert used["status"].iloc[0] == "DESIGN PROPOSAL"


def test_tiers_must_match_the_rows_and_be_known():
    result = account(electricity(2))
    with pytest.raises(InputError, match="2 result rows"):
        monte_carlo(result, 100, tiers=["estimated"])
    with pytest.raises(InputError, match="guessed"):
        monte_carlo(result, 100, tiers=["guessed", None])
