"""Year-end forecast of a region's emissions from its monthly data to date (年末排放预测), with a
90 % interval, and the day its budget is projected to run out (预算耗尽日期).

The model is a seasonal profile with a level per year, fitted by least squares on the logs
(statsmodels OLS) over all the years given:

    log x_{y,m} = a_y + b_m + e_{y,m},   e ~ N(0, σ²) independent

The profile b_m is shared by every year; the current year's level a_y is estimated from its own
months to date. This is the regression form of the statistics offices' "year-to-date share"
rule (full year = year to date ÷ the usual share of the months to date) and suits 3–6 years of
monthly history, where SARIMAX or seasonal exponential smoothing would estimate 12 seasonal
states and ARMA terms from 36–72 points. See docs/budget.md for the assumptions.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from numbers import Integral, Real

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.regression.linear_model import OLS

from carbonctl.errors import InputError, InputErrors

__all__ = [
    "MIN_COMPLETE_YEARS",
    "MONTHLY_COLUMNS",
    "YearEndForecast",
    "check_monthly",
    "current_year",
    "exhaustion_date",
    "forecast_year_end",
]

#: Columns of a region's monthly series: year, month (1–12) and emissions in tCO2.
MONTHLY_COLUMNS = ("year", "month", "tco2")
#: Complete past years the model needs: one gives the profile no degrees of freedom to judge
#: its own noise by, two give 10 or more.
MIN_COMPLETE_YEARS = 2
MONTHS = 12


@dataclass(frozen=True)
class YearEndForecast:
    """A year-end forecast (年末预测), tCO2.

    ``path`` holds the year's twelve monthly amounts: observed for months 1..``months_observed``,
    the expected (mean) forecast after them. ``forecast_tco2`` = sum of ``path`` = to date +
    expected rest of the year; [``lo``, ``hi``] is the ``confidence`` prediction interval of the
    year's total (equal to the total when all twelve months are in). ``residual_sd`` is σ̂ on
    the log scale (0.05 ≈ 5 % month-to-month noise), ``history_years`` the past years used.
    """

    year: int
    months_observed: int
    to_date_tco2: float
    forecast_tco2: float
    lo: float
    hi: float
    confidence: float
    path: tuple[float, ...]
    residual_sd: float
    history_years: tuple[int, ...]


def _whole(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def check_monthly(monthly: pd.DataFrame, *, file: str | None = None) -> pd.DataFrame:
    """A region's monthly series checked row by row: ``year`` and ``month`` (1–12) whole
    numbers, ``tco2`` a finite number above 0, each (year, month) once. Returns year, month,
    tco2 sorted by time; raises :class:`~carbonctl.errors.InputErrors` naming every bad row
    (row 2 is the first below the header) and column."""
    missing = [c for c in MONTHLY_COLUMNS if c not in monthly.columns]
    if missing:
        raise InputError(
            f"the monthly data have no column {', '.join(missing)}",
            file=file,
            expected="columns " + ", ".join(MONTHLY_COLUMNS),
        )
    errors: list[InputError] = []
    rows = []
    seen: dict[tuple[int, int], int] = {}
    records = monthly[list(MONTHLY_COLUMNS)].to_dict("records")
    for number, record in enumerate(records, start=2):
        year, month, amount = _whole(record["year"]), _whole(record["month"]), record["tco2"]
        bad = len(errors)
        if year is None:
            errors.append(
                InputError(
                    f"year {record['year']!r} is not a whole year",
                    file=file,
                    row=number,
                    column="year",
                )
            )
        if month is None or not 1 <= month <= MONTHS:
            errors.append(
                InputError(
                    f"month {record['month']!r} is not a month",
                    file=file,
                    row=number,
                    column="month",
                    expected="a whole number 1–12",
                )
            )
        numeric = isinstance(amount, Real) and not isinstance(amount, bool)
        value = float(amount) if numeric else math.nan
        if not math.isfinite(value) or value <= 0:
            errors.append(
                InputError(
                    f"tco2 {amount!r} is not a number greater than 0",
                    file=file,
                    row=number,
                    column="tco2",
                    expected="the month's emissions in tCO2, above 0",
                )
            )
        if len(errors) > bad:
            continue
        if (year, month) in seen:
            errors.append(
                InputError(
                    f"{year}-{month:02d} is given twice (first in row {seen[(year, month)]})",
                    file=file,
                    row=number,
                    column="month",
                )
            )
            continue
        seen[(year, month)] = number
        rows.append((year, month, value))
    if errors:
        raise InputErrors(errors)
    frame = pd.DataFrame(rows, columns=list(MONTHLY_COLUMNS))
    return frame.astype({"year": int, "month": int, "tco2": float}).sort_values(
        ["year", "month"], ignore_index=True
    )


def current_year(monthly: pd.DataFrame) -> int | None:
    """The current year (本年): the latest year with monthly data, never the wall clock; None
    when there are no data."""
    series = check_monthly(monthly)
    return None if series.empty else int(series["year"].max())


def _design(years: Sequence[int], months: Sequence[int], levels: Sequence[int]) -> np.ndarray:
    """Columns: one per year level a_y, then one per month 2–12 (month 1 is the reference)."""
    x = np.zeros((len(years), len(levels) + MONTHS - 1))
    where = {y: i for i, y in enumerate(levels)}
    for row, (year, month) in enumerate(zip(years, months, strict=True)):
        x[row, where[year]] = 1.0
        if month > 1:
            x[row, len(levels) + month - 2] = 1.0
    return x


def forecast_year_end(
    monthly: pd.DataFrame, year: int | None = None, *, confidence: float = 0.9
) -> YearEndForecast:
    """Forecast ``year``'s total (default: the current year, the latest with data) from its
    months to date and the earlier years' monthly profile (see the module's model).

    The year's months must run from January without a gap; at least
    :data:`MIN_COMPLETE_YEARS` earlier years must be complete. Later years are ignored (a
    forecast as it could have been made then). The interval: the rest of the year is a sum of
    correlated log-normal months (their common level is estimated), matched to one log-normal
    (Fenton–Wilkinson) whose log-scale quantiles use Student's t with the fit's residual
    degrees of freedom.
    """
    if not 0.0 < confidence < 1.0:
        raise InputError(f"confidence {confidence!r} is not in (0, 1)", expected="e.g. 0.9")
    series = check_monthly(monthly)
    if series.empty:
        raise InputError("there are no monthly data to forecast from", column="tco2")
    if year is None:
        year = int(series["year"].max())
    this_year = series[series["year"] == year]
    if this_year.empty:
        raise InputError(
            f"there are no monthly data for {year}",
            column="year",
            expected="a year with data, " + ", ".join(str(y) for y in sorted(set(series["year"]))),
        )
    months = this_year["month"].tolist()
    observed = len(months)
    if months != list(range(1, observed + 1)):
        gap = next(m for m in range(1, MONTHS + 1) if m not in months)
        raise InputError(
            f"{year}-{gap:02d} is missing: the months to date must run from January without a gap",
            column="month",
        )
    to_date = math.fsum(this_year["tco2"])
    past = series[series["year"] < year]
    counts = past.groupby("year")["month"].count()
    complete = tuple(int(y) for y in counts.index[counts == MONTHS])
    if observed == MONTHS:
        path = tuple(float(v) for v in this_year["tco2"])
        return YearEndForecast(
            year, MONTHS, to_date, to_date, to_date, to_date, confidence, path, 0.0, complete
        )
    if len(complete) < MIN_COMPLETE_YEARS:
        raise InputError(
            f"a year-end forecast of {year} needs monthly data of at least {MIN_COMPLETE_YEARS} "
            f"complete earlier years; found {len(complete)}"
            + (f" ({', '.join(map(str, complete))})" if complete else ""),
            column="year",
            expected="12 months of each of two or more years before it",
        )
    fitted = pd.concat([past, this_year], ignore_index=True)
    levels = sorted(set(fitted["year"]))
    x = _design(fitted["year"].tolist(), fitted["month"].tolist(), levels)
    result = OLS(np.log(fitted["tco2"].to_numpy()), x).fit()
    rest = list(range(observed + 1, MONTHS + 1))
    x_rest = _design([year] * len(rest), rest, levels)
    mean_log = x_rest @ result.params
    covariance = x_rest @ np.asarray(result.cov_params()) @ x_rest.T + result.scale * np.eye(
        len(rest)
    )
    # Each month is log-normal: E = exp(μ + V/2); months share the estimated level, so they covary.
    expected = np.exp(mean_log + np.diag(covariance) / 2.0)
    total_rest = float(expected.sum())
    variance = float(expected @ np.expm1(covariance) @ expected)
    log_sd = math.sqrt(math.log1p(variance / total_rest**2))
    log_median = math.log(total_rest) - log_sd**2 / 2.0
    quantile = float(stats.t.ppf((1.0 + confidence) / 2.0, result.df_resid))
    path = (*(float(v) for v in this_year["tco2"]), *(float(v) for v in expected))
    return YearEndForecast(
        year=year,
        months_observed=observed,
        to_date_tco2=to_date,
        forecast_tco2=to_date + total_rest,
        lo=to_date + math.exp(log_median - quantile * log_sd),
        hi=to_date + math.exp(log_median + quantile * log_sd),
        confidence=confidence,
        path=path,
        residual_sd=math.sqrt(result.scale),
        history_years=complete,
    )


def exhaustion_date(path: Sequence[float], year: int, limit_tco2: float) -> date | None:
    """The first day on which cumulative emissions along ``path`` (the year's twelve monthly
    amounts: actual to date, then forecast) exceed ``limit_tco2`` (budget − committed −
    reserve); None when the year's total stays within it.

    Within a month emissions accrue evenly by day: the cumulative at the end of day d of month
    k is C_{k−1} + x_k × d / days_k. A limit below 0 (commitments and reserve beyond the
    budget) is exceeded on 1 January.
    """
    if len(path) != MONTHS:
        raise InputError(f"the path has {len(path)} months", expected="12 monthly amounts")
    if not math.isfinite(limit_tco2):
        raise InputError(f"limit {limit_tco2!r} is not a finite number", expected="tCO2")
    cumulative = 0.0
    for month, amount in enumerate(path, start=1):
        if cumulative > limit_tco2:
            return date(year, month, 1)
        days = calendar.monthrange(year, month)[1]
        if amount > 0 and cumulative + amount > limit_tco2:
            needed = (limit_tco2 - cumulative) * days / amount
            return date(year, month, min(days, max(1, math.floor(needed) + 1)))
        cumulative += amount
    return None
