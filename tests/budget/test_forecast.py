"""Year-end forecast and exhaustion date: a synthetic series with a known seasonal profile is
recovered within its 90 % interval, the interval narrows as months come in and covers about 90 %
of outcomes, the exhaustion day is found in the month the path crosses, and bad monthly data are
refused naming row and column."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from carbonctl.budget import (
    check_monthly,
    current_year,
    exhaustion_date,
    forecast_year_end,
)
from carbonctl.errors import InputError, InputErrors

from .conftest import PROFILE, true_month


def truth(series: pd.DataFrame, year: int = 2026) -> float:
    return float(series.loc[series["year"] == year, "tco2"].sum())


def test_the_year_total_is_recovered_within_its_interval(make_series):
    full = make_series(months=12)
    forecast = forecast_year_end(make_series(months=6))
    assert (forecast.year, forecast.months_observed) == (2026, 6)
    assert forecast.history_years == (2021, 2022, 2023, 2024, 2025)
    assert forecast.lo < truth(full) < forecast.hi
    assert forecast.lo < forecast.forecast_tco2 < forecast.hi
    # the noise-free total is within 2 % and the estimated month noise near the true 3 %
    assert forecast.forecast_tco2 == pytest.approx(
        sum(true_month(2026, m) for m in range(1, 13)), rel=0.02
    )
    assert 0.02 < forecast.residual_sd < 0.04
    # the path is the observed months, then the expected ones, and sums to the forecast
    assert forecast.path[:6] == tuple(make_series(months=6)["tco2"].iloc[-6:])
    assert math.fsum(forecast.path) == pytest.approx(forecast.forecast_tco2, rel=1e-12)


def test_without_noise_the_profile_gives_the_total_exactly(make_series):
    forecast = forecast_year_end(make_series(months=4, noise=0.0))
    exact = sum(true_month(2026, m) for m in range(1, 13))
    assert forecast.forecast_tco2 == pytest.approx(exact, rel=1e-9)
    assert forecast.hi - forecast.lo == pytest.approx(0.0, abs=exact * 1e-9)


def test_the_interval_widens_with_fewer_months(make_series):
    full = make_series(months=12)
    widths = []
    for months in range(1, 12):
        forecast = forecast_year_end(full[(full["year"] < 2026) | (full["month"] <= months)])
        widths.append((forecast.hi - forecast.lo) / forecast.forecast_tco2)
    assert widths == sorted(widths, reverse=True)
    assert widths[0] > 5 * widths[-1]
    assert 0.05 < widths[0] < 0.15  # one month in: about ±5 % at 3 % month noise


def test_the_90_percent_interval_covers_about_90_percent_of_outcomes(make_series):
    # 150 synthetic years (3 or 9 months in, 3 to 5 past years); about 90 % within ± 3 sd
    hits = []
    for seed in range(150):
        months = 3 if seed % 2 else 9
        years = range(2021 + seed % 3, 2027)
        full = make_series(months=12, seed=1000 + seed, years=years)
        forecast = forecast_year_end(full[(full["year"] < 2026) | (full["month"] <= months)])
        hits.append(forecast.lo <= truth(full) <= forecast.hi)
    assert 0.82 <= np.mean(hits) <= 0.97


def test_a_wider_confidence_gives_a_wider_interval(make_series):
    series = make_series(months=5)
    narrow = forecast_year_end(series, confidence=0.5)
    wide = forecast_year_end(series, confidence=0.99)
    assert wide.lo < narrow.lo < narrow.hi < wide.hi
    assert narrow.forecast_tco2 == wide.forecast_tco2


def test_a_complete_year_is_its_own_total_with_no_interval(make_series):
    full = make_series(months=12)
    forecast = forecast_year_end(full, 2025)
    assert forecast.forecast_tco2 == forecast.lo == forecast.hi == pytest.approx(truth(full, 2025))


def test_the_current_year_is_the_latest_with_data_not_the_wall_clock(make_series):
    old = make_series(months=8, years=range(2015, 2020))
    assert current_year(old) == 2019
    assert forecast_year_end(old).year == 2019
    assert current_year(old.iloc[:0]) is None


def test_a_past_year_is_forecast_from_the_years_before_it_only(make_series):
    full = make_series(months=12)
    cut = full[(full["year"] < 2025) | ((full["year"] == 2025) & (full["month"] <= 6))]
    later = pd.concat([cut, full[full["year"] == 2026]])
    # months 7–12 of 2025 are missing, so 2025 is forecast as it could have been in mid-2025
    assert forecast_year_end(later, 2025) == forecast_year_end(cut)


# --- refused monthly data -----------------------------------------------------------------------


def test_too_little_history_is_refused_saying_what_is_needed(make_series):
    with pytest.raises(InputError, match=r"at least 2 complete earlier years; found 1 \(2025\)"):
        forecast_year_end(make_series(months=6, years=range(2025, 2027)))


def test_a_gap_in_the_months_to_date_is_refused(make_series):
    series = make_series(months=6)
    with pytest.raises(InputError, match="2026-03 is missing"):
        forecast_year_end(series.drop(series.index[-4]))


def test_bad_rows_are_refused_naming_row_and_column():
    table = pd.DataFrame(
        {
            "year": [2024, 2024.5, 2024, 2024, 2024],
            "month": [1, 2, 13, 1, 4],
            "tco2": [100.0, 100.0, 100.0, 100.0, -5.0],
        }
    )
    with pytest.raises(InputErrors) as refused:
        check_monthly(table, file="monthly.csv")
    messages = [str(e) for e in refused.value.errors]
    assert messages == [
        "monthly.csv, row 3, column 'year': year 2024.5 is not a whole year",
        "monthly.csv, row 4, column 'month': month 13 is not a month "
        "(expected a whole number 1–12)",
        "monthly.csv, row 5, column 'month': 2024-01 is given twice (first in row 2)",
        "monthly.csv, row 6, column 'tco2': tco2 -5.0 is not a number greater than 0 "
        "(expected the month's emissions in tCO2, above 0)",
    ]


@pytest.mark.parametrize("value", [0.0, math.nan, math.inf, "12"])
def test_a_month_that_is_not_a_positive_finite_amount_is_refused(value):
    table = pd.DataFrame({"year": [2024], "month": [1], "tco2": pd.Series([value], dtype=object)})
    with pytest.raises(InputErrors, match="column 'tco2'"):
        check_monthly(table)


def test_missing_columns_are_named():
    with pytest.raises(InputError, match="no column tco2"):
        check_monthly(pd.DataFrame({"year": [2024], "month": [1]}))


# --- the exhaustion date ------------------------------------------------------------------------

FLAT = [100.0] * 12  # 1200 t over the year


def test_the_budget_runs_out_on_the_day_the_path_passes_it():
    # end of May: 500; June accrues 100/30 a day: 550 is reached at the end of 15 June (not
    # passed), passed on 16 June
    assert exhaustion_date(FLAT, 2026, 550.0) == date(2026, 6, 16)
    assert exhaustion_date(FLAT, 2026, 549.0) == date(2026, 6, 15)
    assert exhaustion_date(FLAT, 2026, 500.0) == date(2026, 6, 1)


def test_a_path_within_the_budget_has_no_exhaustion_date():
    assert exhaustion_date(FLAT, 2026, 1200.0) is None
    assert exhaustion_date(FLAT, 2026, 5000.0) is None


def test_a_budget_used_up_by_commitments_runs_out_on_the_first_of_january():
    assert exhaustion_date(FLAT, 2026, -10.0) == date(2026, 1, 1)
    assert exhaustion_date(FLAT, 2026, 0.0) == date(2026, 1, 1)


def test_february_of_a_leap_year_has_29_days():
    path = [0.0, 290.0] + [0.0] * 10
    assert exhaustion_date(path, 2028, 280.0) == date(2028, 2, 29)
    assert exhaustion_date([0.0, 280.0] + [0.0] * 10, 2026, 270.0) == date(2026, 2, 28)


def test_the_forecast_path_crosses_the_budget_in_a_known_month(make_series):
    forecast = forecast_year_end(make_series(months=6, noise=0.0))
    expected = [true_month(2026, m) for m in range(1, 13)]
    through_september = sum(expected[:9])
    # a budget a third of the way into October's emissions runs out on 11 October
    limit = through_september + expected[9] / 3
    assert exhaustion_date(forecast.path, 2026, limit) == date(2026, 10, 11)
    assert exhaustion_date(forecast.path, 2026, sum(expected) * 1.001) is None
    assert PROFILE.sum() == pytest.approx(12.0)


def test_a_path_must_have_twelve_months():
    with pytest.raises(InputError, match="11 months"):
        exhaustion_date([1.0] * 11, 2026, 5.0)
