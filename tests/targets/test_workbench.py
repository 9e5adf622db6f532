"""The workbench's core: bounds on each region's reduction that still meet the province target
exactly, feasibility flags against the record five-year fall of a history, the methods a table
cannot serve and what they need, and the Shapley sharing of an allocation's abatement."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carbonctl.errors import InputErrors
from carbonctl.targets import (
    FLAGS,
    INPUT_NAMES,
    METHODS,
    RECORD,
    RISE,
    SHAPLEY,
    InfeasibleBoundsError,
    achievable_range,
    achieved,
    allocate,
    allocation_shapley,
    allocation_table,
    bounded,
    compare,
    feasibility_flags,
    largest_intensity_fall,
    missing_inputs,
    reduction_weights,
    runnable_methods,
    workbench,
)

#: Four cities with uneven intensity and growth, so the methods differ and the GDP share asks
#: the low-carbon city for an intensity rise.
FIGURES = pd.DataFrame(
    {
        "region": ["A", "B", "C", "D"],
        "population": [310.0, 530.0, 140.0, 200.0],  # 万人
        "gdp_constant": [1200.0, 5000.0, 900.0, 800.0],  # 亿元
        "co2_tco2": [9.0e7, 1.2e8, 4.0e7, 3.0e7],
        "coal_tco2": [6.3e7, 7.2e7, 1.0e7, 2.0e7],
    }
)
TABLE = allocation_table(FIGURES, 0.05)
TOL = 1e-9


# --- the linear identity the bounds rest on ----------------------------------------------------


def test_achieved_is_a0_plus_the_weighted_reductions():
    uneven = TABLE.assign(gdp_target=TABLE["gdp_target"] * [1.0, 1.3, 0.8, 1.1])
    base, weights = reduction_weights(uneven)
    assert base == pytest.approx(achieved(uneven, np.zeros(4)), abs=1e-15)
    rng = np.random.default_rng(1)
    for _ in range(5):
        r = rng.uniform(-0.5, 0.6, 4)
        assert achieved(uneven, r) == pytest.approx(base + weights @ r, abs=1e-14)


# --- bounds ------------------------------------------------------------------------------------


def test_bounds_clamp_the_cities_outside_and_still_meet_the_target_exactly():
    gdp = allocate("gdp", TABLE, 0.17)
    assert gdp.regions["reduction"].min() < 0 < 0.30 < gdp.regions["reduction"].max()
    result = bounded(gdp, TABLE, floor=0.0, ceiling=0.30)
    r = result.regions["reduction"].to_numpy()
    assert result.achieved == pytest.approx(0.17, abs=TOL)
    assert achieved(TABLE, r) == pytest.approx(0.17, abs=TOL)
    assert np.all((r >= 0.0) & (r <= 0.30))
    clamped = result.parameters["clamped"]
    assert set(clamped.values()) == {"floor", "ceiling"}
    # the cities left free all moved by the same number of percentage points
    free = [i for i, region in enumerate(result.regions["region"]) if region not in clamped]
    moved = r[free] - gdp.regions["reduction"].to_numpy()[free]
    assert free and np.allclose(moved, result.parameters["shift"])
    assert result.parameters["unbounded"] == gdp.regions["reduction"].tolist()


def test_an_allocation_already_within_its_bounds_is_unchanged():
    equal = allocate("equal", TABLE, 0.17)
    result = bounded(equal, TABLE, floor=0.0, ceiling=0.5)
    assert result.regions["reduction"].tolist() == equal.regions["reduction"].tolist()
    assert result.parameters["clamped"] == {} and result.parameters["shift"] == 0.0


@pytest.mark.parametrize(
    ("floor", "ceiling", "side"),
    [(0.25, None, "lower the floor"), (None, 0.10, "raise the ceiling")],
)
def test_bounds_that_cannot_meet_the_target_say_how_far_they_miss(floor, ceiling, side):
    lowest, highest = achievable_range(TABLE, floor, ceiling)
    with pytest.raises(InfeasibleBoundsError, match=side) as raised:
        bounded(allocate("per_capita", TABLE, 0.17), TABLE, floor=floor, ceiling=ceiling)
    error = raised.value
    assert (error.lowest, error.highest, error.target) == (lowest, highest, 0.17)
    assert not lowest <= 0.17 <= highest


@pytest.mark.parametrize(
    ("floor", "ceiling", "column"),
    [(0.3, 0.2, "floor"), (1.0, None, "floor"), (None, math.nan, "ceiling"), (-1.5, None, "floor")],
)
def test_bad_bounds_are_input_errors_naming_the_bound(floor, ceiling, column):
    with pytest.raises(InputErrors) as raised:
        bounded(allocate("equal", TABLE, 0.17), TABLE, floor=floor, ceiling=ceiling)
    assert raised.value.errors[0].column == column


def _tables():
    """Regional tables of 2 to 12 regions with positive figures."""
    sizes = st.integers(min_value=2, max_value=12)

    def build(n):
        positive = st.floats(min_value=0.5, max_value=50.0, allow_nan=False)
        column = st.lists(positive, min_size=n, max_size=n)
        return st.tuples(column, column, column, column).map(
            lambda cols: pd.DataFrame(
                {
                    "region": [f"R{i}" for i in range(n)],
                    "population": cols[0],
                    "gdp_base": cols[1],
                    "gdp_target": np.asarray(cols[1]) * np.linspace(1.0, 1.6, n),
                    "co2_base": np.asarray(cols[2]) * np.asarray(cols[3]),
                }
            )
        )

    return sizes.flatmap(build)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    table=_tables(),
    method=st.sampled_from(["equal", "grandfather", "per_capita", "gdp"]),
    target=st.floats(min_value=0.02, max_value=0.45),
    low=st.one_of(st.none(), st.floats(min_value=-0.5, max_value=0.3)),
    width=st.one_of(st.none(), st.floats(min_value=0.0, max_value=0.6)),
)
def test_bounded_meets_the_target_within_every_bound_or_says_it_cannot(
    table, method, target, low, width
):
    """Whatever the table, method and bounds: either every region is within its bounds and the
    province meets the target to 1e-9, or the target lies outside what the bounds allow."""
    high = None if width is None else min((low or 0.0) + width, 0.95)
    try:
        unbounded = allocate(method, table, target)
    except Exception:  # an infeasible method (a cap of zero or less) is not the bounds' business
        return
    lowest, highest = achievable_range(table, low, high)
    try:
        result = bounded(unbounded, table, floor=low, ceiling=high)
    except InfeasibleBoundsError:
        assert not lowest <= target <= highest
        return
    except Exception as exc:  # a clamped ceiling cannot push a region to 100 %, nothing else
        pytest.fail(f"unexpected {exc!r}")
    r = result.regions["reduction"].to_numpy()
    assert achieved(table, r) == pytest.approx(target, abs=TOL)
    assert low is None or np.all(r >= low - 1e-12)
    assert high is None or np.all(r <= high + 1e-12)


def test_compare_applies_the_bounds_to_every_method_and_marks_the_clamped_cells():
    long = compare(TABLE, 0.17, floor=0.0, ceiling=0.30)
    assert long["error"].isna().all()
    assert np.allclose(long["achieved"], 0.17, atol=TOL)
    assert long["reduction"].between(0.0, 0.30).all()
    gdp = long[long["method"] == "gdp"]
    assert set(gdp["bound"].dropna()) == {"floor", "ceiling"}
    assert long[long["method"] == "equal"]["bound"].isna().all()


# --- the record and the flags ------------------------------------------------------------------


def _history() -> pd.DataFrame:
    """Three regions over 2015–2021: A's intensity falls 30 % from 2015 to 2020, B's 40 % from
    2016 to 2021, C's rises; the record is B's 40 %."""
    rows = []
    intensity = {
        "A": [1.0, 0.95, 0.9, 0.85, 0.8, 0.7, 0.7],
        "B": [2.0, 2.0, 1.8, 1.6, 1.5, 1.4, 1.2],
        "C": [1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6],
    }
    for region, values in intensity.items():
        for year, value in zip(range(2015, 2022), values, strict=True):
            rows.append(
                {"region": region, "year": year, "gdp_constant": 100.0, "co2_tco2": value * 100}
            )
    return pd.DataFrame(rows)


def test_the_record_is_the_largest_five_year_fall_of_any_region():
    record = largest_intensity_fall(_history())
    assert (record.region, record.start_year, record.end_year) == ("B", 2016, 2021)
    assert record.fall == pytest.approx(1 - 1.2 / 2.0)


def test_a_history_shorter_than_five_years_has_no_record():
    assert largest_intensity_fall(_history().query("year >= 2018")) is None
    gapped = _history().query("year != 2020 and year != 2021 and year != 2015")
    assert largest_intensity_fall(gapped) is None  # no two years five apart


def test_flags_fire_on_a_rise_and_beyond_the_record_and_not_otherwise():
    record = largest_intensity_fall(_history())  # 40 %
    comparison = pd.DataFrame(
        {
            "method": ["m"] * 5,
            "region": ["A", "B", "C", "D", "E"],
            "reduction": [-0.01, 0.0, 0.40, 0.4000001, math.nan],
        }
    )
    flags = feasibility_flags(comparison, record)
    assert flags["flag"].tolist() == [RISE, None, None, RECORD, None]
    without = feasibility_flags(comparison, None)
    assert without["flag"].tolist() == [RISE, None, None, None, None]
    assert set(FLAGS) == {RISE, RECORD} and all(zh and en for zh, en in FLAGS.values())


# --- what the table can serve ------------------------------------------------------------------


def test_every_method_explains_itself_in_one_line_in_both_languages():
    for entry in [*METHODS.values(), SHAPLEY]:
        assert entry.explain_zh and entry.explain_en
        assert "\n" not in entry.explain_zh + entry.explain_en
        assert len(entry.explain_zh) < 60 and len(entry.explain_en) < 150


def test_the_platform_table_serves_the_methods_without_extra_inputs():
    assert runnable_methods(TABLE) == ("equal", "grandfather", "per_capita", "gdp", "entropy_index")
    assert missing_inputs(METHODS["zsg_dea"], TABLE.columns) == ("labor", "capital", "energy")
    assert missing_inputs(METHODS["index"], TABLE.columns) == ("weights",)
    assert missing_inputs(SHAPLEY, TABLE.columns) == ("mac",)
    weights = {"carbon_intensity": 0.6, "gdp_per_capita": 0.4}
    assert "index" in runnable_methods(TABLE, weights=weights)
    for entry in [*METHODS.values(), SHAPLEY]:
        assert set(missing_inputs(entry, [])) <= set(INPUT_NAMES)


def _with_inputs(table: pd.DataFrame) -> pd.DataFrame:
    return table.assign(
        labor=[285.0, 185.0, 225.0, 130.0],
        capital=[17200.0, 6100.0, 6400.0, 3400.0],
        energy=[3840.0, 2710.0, 2500.0, 1520.0],
        mac=[300.0, 180.0, 420.0, 250.0],
    )


def test_the_workbench_runs_zsg_dea_and_shapley_when_the_inputs_exist():
    bench = workbench(_with_inputs(TABLE), 0.17)
    assert "zsg_dea" in set(bench.comparison["method"])
    assert bench.comparison["error"].isna().all()
    assert [u.name for u in bench.unavailable] == ["index"]
    equal = bench.shapley["equal"]
    assert equal["share"].sum() == pytest.approx(1.0)
    assert "no abatement" in bench.shapley["gdp"]  # the GDP share asks B for a rise


def test_the_workbench_says_what_the_platform_table_lacks():
    bench = workbench(TABLE, 0.17, history=_history())
    assert [u.name for u in bench.unavailable] == ["index", "zsg_dea", "shapley"]
    assert bench.shapley == {} and bench.record.region == "B"
    reduction = bench.comparison["reduction"]
    assert (bench.flags["flag"] == RISE).sum() == (reduction < 0).sum() > 0
    assert (bench.flags["flag"] == RECORD).sum() == (reduction > 0.4).sum() > 0


def test_the_workbench_shows_the_methods_unbounded_when_the_bounds_cannot_meet_the_target():
    bench = workbench(TABLE, 0.17, floor=0.25)
    assert isinstance(bench.infeasible, InfeasibleBoundsError)
    assert bench.comparison["error"].isna().all()
    assert (bench.comparison["reduction"] < 0.25).any()
    inside = workbench(TABLE, 0.17, floor=0.0, ceiling=0.3)
    assert inside.infeasible is None and inside.comparison["reduction"].between(0, 0.3).all()


# --- Shapley on an allocation ------------------------------------------------------------------


def test_shapley_shares_the_saving_of_the_allocations_abatement():
    table = _with_inputs(TABLE)
    allocation = allocate("equal", table, 0.17)
    result = allocation_shapley(table, allocation)
    regions = allocation.regions
    expected = regions["intensity_base"] * table["gdp_target"] * regions["reduction"]
    assert result["abatement"].tolist() == pytest.approx(expected.tolist())
    # efficiency: the values add up to the grand coalition's saving
    b = table["mac"].to_numpy() / expected.to_numpy()
    a = expected.to_numpy()
    standalone = np.sum(b * a**2 / 2)
    joint = a.sum() ** 2 / (2 * np.sum(1 / b))
    assert result["shapley_value"].sum() == pytest.approx(standalone - joint)


def test_shapley_refuses_a_region_without_abatement_or_cost():
    table = _with_inputs(TABLE).assign(mac=[300.0, 0.0, 420.0, 250.0])
    with pytest.raises(InputErrors) as raised:
        allocation_shapley(table, allocate("equal", table, 0.17))
    assert [(e.row, e.column) for e in raised.value.errors] == [(3, "mac")]
    with pytest.raises(InputErrors, match="mac"):
        allocation_shapley(TABLE, allocate("equal", TABLE, 0.17))
