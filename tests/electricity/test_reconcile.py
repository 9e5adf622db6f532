"""Benchmarking monthly estimates to the annual inventory with the proportional Denton method
(Denton 1971; Cholette & Dagum 2006): annual totals hold exactly, a constant ratio stays
constant, and the ratio moves as little as the benchmarks allow."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carbonctl.electricity.reconcile import benchmark
from carbonctl.errors import InputError

YEARS = (2019, 2020, 2021)


def series(values: np.ndarray, county: str = "140105", sector: str = "A04") -> pd.DataFrame:
    months = [f"{YEARS[0] + i // 12}-{i % 12 + 1:02d}" for i in range(len(values))]
    return pd.DataFrame({"county": county, "sector": sector, "month": months, "tco2": values})


def annual_of(monthly: pd.DataFrame, factors: dict[int, float]) -> pd.DataFrame:
    years = monthly["month"].str[:4].astype(int)
    sums = monthly.assign(year=years).groupby(["county", "sector", "year"], as_index=False)
    sums = sums["tco2"].sum()
    return sums.assign(tco2=sums["tco2"] * sums["year"].map(factors))


def seasonal(n_years: int, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    months = np.arange(12 * n_years)
    return 100 * (1 + 0.3 * np.cos(2 * np.pi * months / 12)) * rng.lognormal(0, 0.05, months.size)


def annual_sums(result: pd.DataFrame, keys=("county", "sector")) -> pd.Series:
    years = result["month"].str[:4].astype(int).rename("year")
    return result.groupby([*(result[k] for k in keys), years])["adjusted"].sum()


def objective(ratio: np.ndarray) -> float:
    return float((np.diff(ratio) ** 2).sum())


def test_annual_totals_hold_exactly():
    monthly = series(seasonal(3))
    annual = annual_of(monthly, {2019: 1.10, 2020: 0.95, 2021: 1.02})
    result = benchmark(monthly, annual)
    sums = annual_sums(result)
    expected = annual.set_index(["county", "sector", "year"])["tco2"]
    np.testing.assert_allclose(sums.to_numpy(), expected.loc[sums.index].to_numpy(), rtol=1e-12)


def test_constant_ratio_gives_estimate_times_constant():
    monthly = series(seasonal(3))
    annual = annual_of(monthly, dict.fromkeys(YEARS, 1.07))
    result = benchmark(monthly, annual)
    np.testing.assert_allclose(result["ratio"], 1.07, rtol=1e-12)
    np.testing.assert_allclose(result["adjusted"], monthly["tco2"] * 1.07, rtol=1e-12)


def test_ratio_moves_less_than_pro_rata():
    """Denton minimises Σ (Δ ratio)²; pro-rata scaling of each year is also feasible, so its
    objective cannot be lower, and its jumps sit at the year boundaries."""
    monthly = series(seasonal(3))
    factors = {2019: 1.10, 2020: 0.95, 2021: 1.02}
    result = benchmark(monthly, annual_of(monthly, factors))
    pro_rata = np.repeat([factors[y] for y in YEARS], 12)
    assert objective(result["ratio"].to_numpy()) < objective(pro_rata)
    # the December→January step of the ratio is much smaller than the step between the factors
    ratio = result["ratio"].to_numpy()
    assert abs(ratio[12] - ratio[11]) < abs(factors[2020] - factors[2019]) / 4


def test_denton_solution_is_optimal_among_feasible_perturbations():
    """Any change that keeps every annual total (a perturbation δ with Σ_y x·δ = 0) does not
    lower the objective: the first-order optimality of the KKT solution."""
    monthly = series(seasonal(3))
    result = benchmark(monthly, annual_of(monthly, {2019: 1.1, 2020: 0.9, 2021: 1.0}))
    ratio = result["ratio"].to_numpy()
    x = monthly["tco2"].to_numpy()
    rng = np.random.default_rng(3)
    for _ in range(20):
        delta = rng.normal(0, 1e-3, ratio.size)
        for year in range(3):
            block = slice(12 * year, 12 * year + 12)
            delta[block] -= x[block] * (x[block] @ delta[block]) / (x[block] @ x[block])
        assert objective(ratio + delta) >= objective(ratio)


def test_months_after_the_last_benchmark_carry_the_ratio():
    monthly = series(seasonal(3))
    annual = annual_of(monthly, {2019: 1.1, 2020: 0.9})  # 2021 has no inventory yet
    annual = annual[annual["year"] < 2021]
    ratio = benchmark(monthly, annual)["ratio"].to_numpy()
    np.testing.assert_allclose(ratio[24:], ratio[23], rtol=1e-9)


def test_series_without_benchmarks_keep_their_estimates():
    first, second = series(seasonal(2, seed=1)), series(seasonal(2, seed=2), sector="B1")
    monthly = pd.concat([first, second], ignore_index=True)
    annual = annual_of(first, {2019: 1.2, 2020: 1.2})
    result = benchmark(monthly, annual)
    other = result[result["sector"] == "B1"]
    np.testing.assert_array_equal(other["adjusted"], other["tco2"])


def test_many_series_are_solved_together_and_keep_row_order():
    rng = np.random.default_rng(5)
    frames = [
        series(seasonal(3, seed=i), county=f"1401{i:02d}", sector=sector)
        for i in range(20)
        for sector in ("A04", "B1")
    ]
    monthly = pd.concat(frames, ignore_index=True)
    factors = {y: float(rng.uniform(0.9, 1.1)) for y in YEARS}
    annual = annual_of(monthly, factors)
    shuffled = monthly.sample(frac=1.0, random_state=1)
    result = benchmark(shuffled, annual)
    assert result.index.equals(shuffled.index)
    assert (result["month"] == shuffled["month"]).all()
    expected = annual.set_index(["county", "sector", "year"])["tco2"]
    sums = annual_sums(result)
    np.testing.assert_allclose(sums.to_numpy(), expected.loc[sums.index].to_numpy(), rtol=1e-12)
    one = benchmark(monthly[monthly["county"] == "140103"], annual)
    mine = result[result["county"] == "140103"].sort_values(["sector", "month"])
    np.testing.assert_allclose(mine["ratio"], one.sort_values(["sector", "month"])["ratio"])


def test_zero_year_with_zero_benchmark_is_kept():
    values = seasonal(2)
    values[:12] = 0.0
    monthly = series(values)
    annual = pd.DataFrame(
        {
            "county": "140105",
            "sector": "A04",
            "year": [2019, 2020],
            "tco2": [0.0, 1.1 * values[12:].sum()],
        }
    )
    result = benchmark(monthly, annual)
    assert (result["adjusted"].iloc[:12] == 0).all()
    assert result["adjusted"].iloc[12:].sum() == pytest.approx(annual["tco2"].iloc[1], rel=1e-12)


def test_zero_estimates_with_a_positive_benchmark_are_refused():
    values = seasonal(2)
    values[:12] = 0.0
    annual = pd.DataFrame({"county": "140105", "sector": "A04", "year": [2019], "tco2": [5.0]})
    with pytest.raises(InputError, match="cannot"):
        benchmark(series(values), annual)


def test_partial_year_with_a_benchmark_is_refused():
    monthly = series(seasonal(2)).iloc[:18]
    annual = annual_of(series(seasonal(2)), {2019: 1.0, 2020: 1.0})
    with pytest.raises(InputError, match="6 monthly estimates"):
        benchmark(monthly, annual)


def test_gaps_and_duplicates_are_refused():
    monthly = series(seasonal(2))
    annual = annual_of(monthly, {2019: 1.0, 2020: 1.0})
    with pytest.raises(InputError, match="not consecutive"):
        benchmark(monthly.drop(index=5), annual)
    with pytest.raises(InputError, match="twice"):
        benchmark(pd.concat([monthly, monthly.iloc[[3]]]), annual)
    with pytest.raises(InputError, match="not a calendar month"):
        benchmark(monthly.assign(month=monthly["month"].str.replace("-", "/")), annual)


@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(st.floats(0.5, 1e6), min_size=36, max_size=36),
    factors=st.lists(st.floats(0.5, 2.0), min_size=3, max_size=3),
    scale=st.floats(1e-3, 1e3),
)
def test_totals_hold_and_scaling_the_estimates_changes_nothing(values, factors, scale):
    monthly = series(np.array(values))
    annual = annual_of(monthly, dict(zip(YEARS, factors, strict=True)))
    result = benchmark(monthly, annual)
    expected = annual.set_index(["county", "sector", "year"])["tco2"]
    sums = annual_sums(result)
    np.testing.assert_allclose(sums.to_numpy(), expected.loc[sums.index].to_numpy(), rtol=1e-9)
    scaled = benchmark(monthly.assign(tco2=monthly["tco2"] * scale), annual)
    np.testing.assert_allclose(scaled["adjusted"], result["adjusted"], rtol=1e-7)
