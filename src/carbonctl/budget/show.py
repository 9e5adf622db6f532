"""The record of ``carbonctl budget show REGION --year Y`` (预算执行情况): the ledger's state of a
region and year, its year-end forecast and the projected exhaustion date, as plain JSON values."""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

import pandas as pd

from carbonctl import refdata
from carbonctl.budget.forecast import check_monthly, exhaustion_date, forecast_year_end
from carbonctl.budget.ledger import Ledger, LedgerEntry, state
from carbonctl.errors import UnknownNameError

__all__ = ["BUDGET_SHOW_FIELDS", "BudgetShow", "budget_show", "resolve_region"]


class BudgetShow(TypedDict):
    """The ``budget show`` JSON: tCO2 floats; the forecast figures None when there are no
    monthly data for the year or before it; ``exhaustion_date`` YYYY-MM-DD or None."""

    region: str
    year: int
    budget_tco2: float
    actual_tco2: float
    committed_tco2: float
    pipeline_tco2: float
    reserve_tco2: float
    headroom_tco2: float
    forecast_tco2: float | None
    forecast_lo: float | None
    forecast_hi: float | None
    exhaustion_date: str | None


#: The keys of :class:`BudgetShow`, in the order the CLI prints them.
BUDGET_SHOW_FIELDS = tuple(BudgetShow.__annotations__)


def resolve_region(region: object) -> str:
    """The adcode of ``region`` given as an adcode (140100) or a Chinese or English name (太原市,
    太原, Taiyuan). A six-digit code not in the reference data is refused, not widened to its
    province."""
    found = refdata.find_region(region)
    text = str(region).strip().removesuffix(".0")
    if text.isdigit() and found.adcode != text:
        raise UnknownNameError("region", region, [found.adcode])
    return found.adcode


def budget_show(
    ledger: Ledger | list[LedgerEntry],
    monthly: pd.DataFrame | None,
    region: object,
    year: int,
    *,
    as_of: datetime | None = None,
    confidence: float = 0.9,
) -> BudgetShow:
    """The ``budget show`` record of ``region`` (adcode or name) in ``year``.

    Budget, actual, committed, pipeline, reserve and headroom come from the ledger replayed up
    to ``as_of`` (:func:`~carbonctl.budget.ledger.state`). ``monthly`` has columns region
    (adcode), year, month, tco2 for any regions; the region's rows give the forecast. The
    current year is the latest year with monthly data: for it the forecast is the model's
    (:func:`~carbonctl.budget.forecast.forecast_year_end`); for an earlier year with all twelve
    months it is their sum; for a later year, or without data, the forecast figures are None.
    ``exhaustion_date`` is the first day the monthly path exceeds budget − committed − reserve
    (:func:`~carbonctl.budget.forecast.exhaustion_date`); None when it stays within, when no
    budget is recorded, or when there is no monthly path to date it by.
    """
    adcode = resolve_region(region)
    position = state(ledger, adcode, year, as_of)
    record: BudgetShow = {
        "region": adcode,
        "year": int(year),
        "budget_tco2": float(position.budget),
        "actual_tco2": float(position.actual),
        "committed_tco2": float(position.committed),
        "pipeline_tco2": float(position.pipeline),
        "reserve_tco2": float(position.reserve),
        "headroom_tco2": float(position.headroom),
        "forecast_tco2": None,
        "forecast_lo": None,
        "forecast_hi": None,
        "exhaustion_date": None,
    }
    if monthly is None or "region" not in monthly.columns:
        return record
    own = monthly[monthly["region"].astype(str).str.strip() == adcode]
    series = check_monthly(own.drop(columns="region"))
    if series.empty or year > int(series["year"].max()):
        return record
    this_year = series[series["year"] == year]
    current = year == int(series["year"].max())
    if not current and len(this_year) < 12:  # an earlier year not wholly in the data
        return record
    forecast = forecast_year_end(series, year, confidence=confidence)
    record["forecast_tco2"] = float(forecast.forecast_tco2)
    record["forecast_lo"] = float(forecast.lo)
    record["forecast_hi"] = float(forecast.hi)
    if position.budget_set:
        day = exhaustion_date(forecast.path, year, position.actual_limit)
        record["exhaustion_date"] = None if day is None else day.isoformat()
    return record
