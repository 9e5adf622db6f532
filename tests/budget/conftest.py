"""Synthetic monthly series for the budget tests: a known seasonal profile, a level growing 2 %
a year and log-normal month noise, so the forecast has a true year total to recover."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

#: Share of the year's emissions by month (heating in winter): sums to 12 over the year.
PROFILE = np.array([1.20, 1.00, 1.05, 0.95, 0.90, 0.95, 1.05, 1.05, 0.95, 0.95, 1.00, 0.95])
#: Mean monthly emissions of the first year, tCO2 (a city of ~30 MtCO2 a year).
LEVEL = 2.5e6


def true_month(year: int, month: int, first_year: int = 2021) -> float:
    """The noise-free emissions of a month."""
    return LEVEL * 1.02 ** (year - first_year) * PROFILE[month - 1]


@pytest.fixture
def make_series() -> Callable[..., pd.DataFrame]:
    """``make_series(months=6, seed=0, noise=0.03, years=range(2021, 2027), region=None)``:
    year, month, tco2 (and region when given) for every month of ``years`` but the last, which
    has its first ``months`` only. Noise multiplies each month by exp(N(0, noise²))."""

    def make(
        months: int = 6,
        *,
        seed: int = 0,
        noise: float = 0.03,
        years: range = range(2021, 2027),
        region: str | None = None,
    ) -> pd.DataFrame:
        rng = np.random.default_rng(seed)
        rows = []
        for year in years:
            for month in range(1, 13):
                value = true_month(year, month, years[0]) * np.exp(rng.normal(0.0, noise))
                rows.append((year, month, value))
        frame = pd.DataFrame(rows, columns=["year", "month", "tco2"])
        last = years[-1]
        frame = frame[(frame["year"] < last) | (frame["month"] <= months)].reset_index(drop=True)
        if region is not None:
            frame.insert(0, "region", region)
        return frame

    return make
