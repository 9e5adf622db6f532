"""Monte Carlo uncertainty (IPCC 2006 Vol. 1 Ch. 3 Approach 2): intervals against the analytic
propagation of relative errors, correlation of shared factors, signs, OF ≤ 1, reproducibility."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carbonctl import refdata
from carbonctl.accounting import account
from carbonctl.accounting.uncertainty import RANGE_COLUMNS, monte_carlo
from carbonctl.errors import InputError, RefdataError

#: Iterations for comparisons with analytic widths: the 2.5/97.5th percentiles then carry about
#: 1% Monte Carlo error of the half-width, so 4% tolerances hold with a wide margin.
N = 20_000
TOLERANCE = 0.04


def table(*rows: dict[str, object]) -> pd.DataFrame:
    base = {"subject": "S", "period": "2023", "category": "combustion"}
    return pd.DataFrame([{**base, **row} for row in rows])


def defaults() -> pd.DataFrame:
    return refdata.load_table("uncertainty_defaults")


def half_width(category: str, kind: str, parameter: str) -> float:
    ranges = defaults()
    hit = ranges[
        (ranges["category"] == category)
        & (ranges["kind"] == kind)
        & (ranges["parameter"] == parameter)
    ]
    return float(hit["half_width_95_pct"].iloc[0])


def only(**widths: float) -> pd.DataFrame:
    """The default ranges with every half-width 0 except the named parameters (%)."""
    ranges = defaults()
    ranges["half_width_95_pct"] = [widths.get(p, 0.0) for p in ranges["parameter"]]
    return ranges


def interval(result, scope: str = "total", key: str = "total") -> pd.Series:
    rows = result.intervals
    return rows[(rows["scope"] == scope) & (rows["key"] == key)].iloc[0]


def relative_half_width(row: pd.Series) -> float:
    """Mean of the two half-widths, % of the central value."""
    return (row["minus_pct"] + row["plus_pct"]) / 2


def product_half_width(*widths: float) -> float:
    """95% half-width (%) of a product of independent Normal(1, σ_i) factors, σ_i = U_i/1.96:
    relative σ² = Π(1 + σ_i²) − 1 ≈ Σ σ_i² (IPCC 2006 Vol. 1 Eq. 3.1)."""
    variance = math.prod(1 + (w / 196) ** 2 for w in widths) - 1
    return 196 * math.sqrt(variance)


COAL = {"item": "烟煤", "amount": 1000.0, "unit": "t"}
MIXED = table(
    COAL,
    {"item": "天然气", "amount": 50.0, "unit": "万Nm3", "subject": "T"},
    {
        "item": "原煤",
        "amount": 500.0,
        "unit": "t",
        "ncv": 21.0,
        "carbon_content": 0.026,
        "oxidation_rate": 0.93,
    },
    {"category": "process", "item": "石灰石", "amount": 100.0, "unit": "t", "purity": 0.9},
    {"category": "process", "item": "粗钢", "amount": 100.0, "unit": "t"},
    {"category": "electricity", "item": "电力", "amount": 1000.0, "unit": "MWh", "subject": "T"},
    {"category": "heat", "item": "蒸汽", "amount": 1000.0, "unit": "GJ", "subject": "U"},
)


def test_one_default_fuel_row_matches_analytic_propagation():
    result = monte_carlo(account(table(COAL)), N)
    widths = [
        half_width("combustion", "solid", p)
        for p in ("activity", "ncv", "carbon_content", "oxidation_rate")
    ]
    total = interval(result)
    assert relative_half_width(total) == pytest.approx(product_half_width(*widths), rel=TOLERANCE)
    sigma = product_half_width(*widths) / 196
    assert total["mean_tco2"] == pytest.approx(total["central_tco2"], rel=4 * sigma / N**0.5)
    used = set(result.assumptions["parameter"])
    assert used == {"activity", "ncv", "carbon_content", "oxidation_rate"}


def test_shared_factor_keeps_the_width_of_many_rows_but_activity_errors_average_out():
    n = 100
    rows = table(*({**COAL, "amount": 10.0, "subject": f"S{i % 10}"} for i in range(n)))
    result = monte_carlo(account(rows), N)
    activity = half_width("combustion", "solid", "activity")
    factors = [
        half_width("combustion", "solid", p) for p in ("ncv", "carbon_content", "oxidation_rate")
    ]
    expected = product_half_width(activity / math.sqrt(n), *factors)
    single = product_half_width(activity, *factors)
    width = relative_half_width(interval(result))
    assert width == pytest.approx(expected, rel=TOLERANCE)
    assert width > 5 * single / math.sqrt(n)  # what independent rows would give

    activity_only = monte_carlo(account(rows), N, ranges=only(activity=activity))
    assert relative_half_width(interval(activity_only)) == pytest.approx(
        activity / math.sqrt(n), rel=TOLERANCE
    )


def test_measured_parameters_are_shared_within_a_subject_and_independent_between_subjects():
    raw = {
        "item": "原煤",
        "amount": 500.0,
        "unit": "t",
        "ncv": 21.0,
        "carbon_content": 0.026,
        "oxidation_rate": 0.93,
    }
    ranges = only(ncv=7.0)
    same = monte_carlo(account(table(raw, raw)), N, ranges=ranges)
    apart = monte_carlo(account(table(raw, {**raw, "subject": "T"})), N, ranges=ranges)
    assert relative_half_width(interval(same)) == pytest.approx(7.0, rel=TOLERANCE)
    assert relative_half_width(interval(apart)) == pytest.approx(7.0 / math.sqrt(2), rel=TOLERANCE)


def test_energy_rows_have_no_ncv_and_own_factors_combine_the_ranges_they_replace():
    gas = monte_carlo(account(table({"item": "天然气", "amount": 500.0, "unit": "GJ"})), N)
    widths = [
        half_width("combustion", "gas", p) for p in ("activity", "carbon_content", "oxidation_rate")
    ]
    assert relative_half_width(interval(gas)) == pytest.approx(
        product_half_width(*widths), rel=TOLERANCE
    )
    assert "ncv" not in set(gas.assumptions["parameter"])

    diesel = table({"item": "柴油", "amount": 10.0, "unit": "t", "emission_factor": 3.1})
    own = monte_carlo(account(diesel), N)
    parts = [
        half_width("combustion", "liquid", p) for p in ("ncv", "carbon_content", "oxidation_rate")
    ]
    factor = math.sqrt(sum(w**2 for w in parts))
    expected = product_half_width(half_width("combustion", "liquid", "activity"), factor)
    assert relative_half_width(interval(own)) == pytest.approx(expected, rel=TOLERANCE)


def test_central_values_add_up_and_lie_inside_their_intervals():
    accounted = account(MIXED)
    result = monte_carlo(accounted, 5_000)
    rows = result.intervals
    total = interval(result)
    assert total["central_tco2"] == pytest.approx(accounted.total_tco2)
    for scope in ("category", "subject"):
        part = rows[rows["scope"] == scope]
        assert part["central_tco2"].sum() == pytest.approx(total["central_tco2"])
    assert dict(
        zip(
            rows.loc[rows["scope"] == "category", "key"],
            rows.loc[rows["scope"] == "category", "central_tco2"],
            strict=True,
        )
    ) == pytest.approx(accounted.by_category())
    assert (rows["low_tco2"] <= rows["central_tco2"]).all()
    assert (rows["central_tco2"] <= rows["high_tco2"]).all()
    assert (rows["low_tco2"] < rows["high_tco2"]).all()
    assert list(rows.columns) == [
        "scope",
        "key",
        "central_tco2",
        "mean_tco2",
        "low_tco2",
        "high_tco2",
        "minus_pct",
        "plus_pct",
    ]


def test_same_seed_gives_identical_output_and_another_seed_a_close_one():
    accounted = account(MIXED)
    first = monte_carlo(accounted, 5_000, seed=7)
    again = monte_carlo(accounted, 5_000, seed=7)
    other = monte_carlo(accounted, 5_000, seed=8)
    pd.testing.assert_frame_equal(first.intervals, again.intervals)
    assert not np.array_equal(first.intervals["low_tco2"], other.intervals["low_tco2"])
    np.testing.assert_allclose(other.intervals["low_tco2"], first.intervals["low_tco2"], rtol=0.01)
    np.testing.assert_allclose(
        other.intervals["high_tco2"], first.intervals["high_tco2"], rtol=0.01
    )


def test_row_order_does_not_change_the_intervals():
    shuffled = MIXED.sample(frac=1.0, random_state=3).reset_index(drop=True)
    base = monte_carlo(account(MIXED.assign(row_id=range(2, len(MIXED) + 2))), 2_000)
    other = monte_carlo(account(shuffled.assign(row_id=range(2, len(MIXED) + 2))), 2_000)
    pd.testing.assert_frame_equal(base.intervals, other.intervals, rtol=1e-9)


def test_rows_that_subtract_keep_their_activity_errors_in_absolute_terms():
    steel = {"category": "process", "item": "粗钢", "unit": "t"}
    rows = table(
        {**steel, "amount": 100.0, "direction": "input"},
        {**steel, "amount": 60.0, "direction": "output"},
    )
    accounted = account(rows)
    assert accounted.rows["tco2"].min() < 0 < accounted.total_tco2
    result = monte_carlo(accounted, N)
    activity, factor = (half_width("process", "any", p) for p in ("activity", "factor"))
    # The factor is shared, so its error scales the net; the activity errors are independent.
    net = 100.0 - 60.0
    expected = math.sqrt((factor * net) ** 2 + activity**2 * (100.0**2 + 60.0**2)) / net
    total = interval(result)
    assert relative_half_width(total) == pytest.approx(expected, rel=TOLERANCE)
    assert total["low_tco2"] < total["central_tco2"] < total["high_tco2"]


def test_a_subtracted_row_never_narrows_the_interval_of_the_total():
    lime = {"category": "process", "item": "石灰石", "amount": 100.0, "unit": "t"}
    steel = {"category": "process", "item": "粗钢", "amount": 100.0, "unit": "t"}
    alone = interval(monte_carlo(account(table(lime)), N))
    both = interval(monte_carlo(account(table(lime, steel)), N))
    assert both["central_tco2"] < alone["central_tco2"]
    assert both["low_tco2"] < both["central_tco2"] < both["high_tco2"]
    assert both["high_tco2"] - both["low_tco2"] > 0.97 * (alone["high_tco2"] - alone["low_tco2"])
    output = interval(monte_carlo(account(table({**steel, "subject": "T"})), N), "subject", "T")
    assert output["central_tco2"] < 0
    assert output["low_tco2"] < output["central_tco2"] < output["high_tco2"]


def test_a_measured_oxidation_rate_of_one_is_never_exceeded():
    row = {
        "item": "原煤",
        "amount": 500.0,
        "unit": "t",
        "ncv": 21.0,
        "carbon_content": 0.026,
        "oxidation_rate": 1.0,
    }
    result = monte_carlo(account(table(row)), N, ranges=only(oxidation_rate=2.0))
    total = interval(result)
    assert total["high_tco2"] <= total["central_tco2"] * (1 + 1e-12)
    assert total["plus_pct"] < total["minus_pct"]
    assert total["minus_pct"] == pytest.approx(2.0, rel=TOLERANCE)
    assert total["mean_tco2"] < total["central_tco2"]


def test_a_default_oxidation_rate_is_capped_at_one():
    diesel = table({"item": "柴油", "amount": 10.0, "unit": "t"})
    accounted = account(diesel)
    of = float(accounted.rows["oxidation_rate"].iloc[0])
    assert of < 1
    total = interval(monte_carlo(accounted, N, ranges=only(oxidation_rate=5.0)))
    assert total["plus_pct"] <= (1 / of - 1) * 100 + 1e-9
    assert total["plus_pct"] < total["minus_pct"]
    assert total["minus_pct"] == pytest.approx(5.0, rel=TOLERANCE)


def test_zero_rows_and_empty_results_give_zero_intervals():
    rows = table({**COAL, "amount": 0.0}, {**COAL, "amount": 0.0, "subject": "T"})
    result = monte_carlo(account(rows), 100)
    assert (result.intervals[["central_tco2", "low_tco2", "high_tco2"]] == 0).all().all()
    assert result.intervals["minus_pct"].isna().all()
    assert json.loads(json.dumps(result.to_dict(), allow_nan=False))["total"]["minus_pct"] is None

    empty = monte_carlo(account(rows.iloc[:0]), 100)
    assert list(empty.intervals["scope"]) == ["total"]
    assert empty.intervals["central_tco2"].iloc[0] == 0


def test_to_dict_is_json_and_shows_the_status_of_every_assumption():
    result = monte_carlo(account(MIXED), 1_000, seed=11)
    summary = json.loads(json.dumps(result.to_dict(), ensure_ascii=False, allow_nan=False))
    assert summary["iterations"] == 1_000 and summary["seed"] == 11
    assert set(summary["by_category"]) == {"combustion", "process", "electricity", "heat"}
    assert set(summary["by_subject"]) == {"S", "T", "U"}
    total = summary["total"]
    assert total["low_tco2"] < total["central_tco2"] < total["high_tco2"]
    assert total["mean_tco2"] == pytest.approx(total["central_tco2"], rel=0.01)
    statuses = [a["status"] for a in summary["assumptions_status"]]
    assert statuses and all(s.startswith(("UNCONFIRMED", "DESIGN PROPOSAL")) for s in statuses)
    assert list(result.assumptions.columns) == RANGE_COLUMNS
    used = set(zip(result.assumptions["category"], result.assumptions["parameter"], strict=True))
    assert {("electricity", "factor"), ("heat", "activity"), ("process", "factor")} <= used


def test_iterations_and_ranges_are_checked():
    accounted = account(table(COAL))
    with pytest.raises(InputError, match="iterations"):
        monte_carlo(accounted, 1)
    with pytest.raises(InputError, match="seed"):
        monte_carlo(accounted, 100, seed=-1)
    with pytest.raises(RefdataError, match="combustion/solid/ncv"):
        ranges = defaults()
        monte_carlo(accounted, 100, ranges=ranges[ranges["parameter"] != "ncv"])
    with pytest.raises(RefdataError, match="missing columns"):
        monte_carlo(accounted, 100, ranges=defaults().drop(columns="status"))
    with pytest.raises(RefdataError, match="not supported"):
        monte_carlo(accounted, 100, ranges=defaults().assign(distribution="triangular"))


ITEMS = [
    {"item": "烟煤", "unit": "t"},
    {"item": "天然气", "unit": "万Nm3"},
    {"item": "柴油", "unit": "t", "oxidation_rate": 1.0},
    {"category": "process", "item": "粗钢", "unit": "t"},
    {"category": "electricity", "item": "电力", "unit": "MWh"},
]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.integers(0, len(ITEMS) - 1), st.floats(0.0, 1e6), st.sampled_from(["A", "B", "C"])
        ),
        min_size=1,
        max_size=15,
    )
)
def test_category_and_subject_centrals_add_up_to_the_total(spec):
    rows = table(*({**ITEMS[i], "amount": amount, "subject": s} for i, amount, s in spec))
    result = monte_carlo(account(rows), 200)
    frame = result.intervals
    total = frame.loc[frame["scope"] == "total", "central_tco2"].iloc[0]
    for scope in ("category", "subject"):
        assert frame.loc[frame["scope"] == scope, "central_tco2"].sum() == pytest.approx(
            total, rel=1e-9, abs=1e-6
        )
    assert (frame["low_tco2"] <= frame["high_tco2"]).all()
