"""The monthly plan the synthetic meters are drawn to (合成电表计划): county × industry × month kWh,
by default from a lognormal county size and a Shanxi-like sector mix. Synthetic assumptions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

from carbonctl.demo.meters.profiles import (
    _PLAN,
    COUNTY_ANNUAL_KWH,
    DEFAULT_PLAN,
    PLAN_MONTH_NOISE,
    PROFILES,
    URBAN_FACTORS,
    _check_counties,
    _check_seed,
    _counties,
    _date,
    _day_factors,
    _day_number,
    _span,
    profile_of,
)
from carbonctl.electricity.schema import model_sectors
from carbonctl.errors import InputError

# --- the default plan -------------------------------------------------------------------------


def default_targets(
    counties: Sequence[str], start: str | dt.date, end: str | dt.date, *, seed: int = 0
) -> pd.DataFrame:
    """A plausible monthly plan (用电计划) ``county, industry, month, kwh`` for ``counties``.

    Each county's annual use and its mix over :data:`DEFAULT_PLAN` vary at random (heavy
    industries are concentrated in a few counties; city districts, 区, are more residential and
    commercial); months follow the sectors' seasons, weekdays, the Spring Festival and growth.
    A month cut by ``start`` or ``end`` gets only the kWh of its days inside the span. A county's
    plan depends only on ``seed`` and its own code, not on which other counties are asked for.
    """
    _check_seed(seed)
    first, last = _span(start, end)
    codes = list(dict.fromkeys(_check_counties(counties)))
    if not codes:
        raise InputError("no counties given for the default plan")
    labels, shapes = _plan_shapes(first, last)
    frames = [_county_plan(code, labels, shapes, seed) for code in codes]
    return pd.concat(frames, ignore_index=True)


def _plan_shapes(first: int, last: int) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The span's months and, per default class, the share of a base year's use in each month
    (the base year is the calendar year of ``first``, without growth)."""
    days = np.arange(first, last + 1)
    labels, month = np.unique(
        days.astype("datetime64[D]").astype("datetime64[M]"), return_inverse=True
    )
    year = _date(first).year
    base = np.arange(_day_number(dt.date(year, 1, 1)), _day_number(dt.date(year + 1, 1, 1)))
    shapes = {}
    for industry in DEFAULT_PLAN:
        profile = PROFILES[profile_of(industry)]
        level = _day_factors(profile, base, first).sum()
        shapes[industry] = np.bincount(month, _day_factors(profile, days, first)) / level
    return labels.astype(str), shapes


def _county_mix(code: str, rng: np.random.Generator) -> dict[str, float]:
    """Annual kWh of each default class in one county."""
    median, sigma = COUNTY_ANNUAL_KWH
    total = median * np.exp(sigma * rng.standard_normal())
    urban = _counties()[code].endswith("区")
    weights = {}
    for industry, share in DEFAULT_PLAN.items():
        key = profile_of(industry)
        bias = URBAN_FACTORS.get(key, 1.0) if urban else 1.0
        weights[industry] = share * bias * np.exp(PROFILES[key].spread * rng.standard_normal())
    norm = sum(weights.values())
    return {industry: total * w / norm for industry, w in weights.items()}


def _county_plan(
    code: str, labels: np.ndarray, shapes: dict[str, np.ndarray], seed: int
) -> pd.DataFrame:
    rng = np.random.default_rng([seed, _PLAN, int(code)])
    mix = _county_mix(code, rng)
    noise = np.exp(PLAN_MONTH_NOISE * rng.standard_normal((len(mix), len(labels))))
    kwh = np.array([mix[i] * shapes[i] for i in mix]) * noise
    return pd.DataFrame(
        {
            "county": code,
            "industry": np.repeat(list(mix), len(labels)),
            "month": np.tile(labels, len(mix)),
            "kwh": kwh.ravel(),
        }
    )


def meter_plan(monthly: pd.DataFrame, start: str, end: str) -> pd.DataFrame:
    """The plan (county, industry, month, kwh) of a monthly county × model-sector electricity
    table (county, sector, month, kwh) in the months of [start, end]:
    each model sector metered under its first electricity-use class."""
    first_class = {s.code: s.includes[0] for s in model_sectors()}
    chosen = monthly[(monthly["month"] >= start[:7]) & (monthly["month"] <= end[:7])]
    chosen = chosen[chosen["kwh"] > 0]
    return pd.DataFrame(
        {
            "county": chosen["county"].to_numpy(),
            "industry": chosen["sector"].map(first_class).to_numpy(),
            "month": chosen["month"].to_numpy(),
            "kwh": chosen["kwh"].to_numpy(),
        }
    )
