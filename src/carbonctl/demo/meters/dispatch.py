"""Synthetic plant dispatch (合成调度数据): generating units per county and their hourly output by
fuel (coal, coal gangue, gas, hydro, wind, solar). Synthetic assumptions, none measured."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from scipy.signal import lfilter

from carbonctl.demo.meters.profiles import (
    _DISPATCH,
    _UNITS,
    COMPRESSION,
    DISPATCH_SCHEMA,
    US_PER_DAY,
    US_PER_HOUR,
    _bump,
    _check_counties,
    _check_seed,
    _day_number,
    _day_of_year,
    _require_columns,
    _span,
    _summer_index,
    _window,
    _winter_index,
)
from carbonctl.electricity import schema
from carbonctl.electricity.pipeline import aggregate_dispatch, month_label
from carbonctl.errors import InputError, UnknownNameError
from carbonctl.frames import map_unique

# --- plant dispatch ---------------------------------------------------------------------------

#: Unit sizes (MW) drawn for each fuel: Shanxi's coal units are mostly 300–660 MW, coal-gangue
#: (煤矸石) units circulating-fluidised-bed units of 135–350 MW; hydro is small.
UNIT_SIZES_MW: Final[dict[str, tuple[float, ...]]] = {
    "coal": (300.0, 350.0, 600.0, 660.0, 1000.0),
    "gas": (50.0, 100.0, 200.0, 400.0),
    "coal_gangue": (135.0, 150.0, 300.0, 350.0),
    "wind": (50.0, 100.0, 150.0, 200.0),
    "solar": (20.0, 50.0, 100.0, 200.0),
    "hydro": (5.0, 10.0, 20.0, 50.0),
}
#: A county's first plant is thermal; up to :data:`EXTRA_UNITS` more follow this mix.
FIRST_UNIT_FUELS: Final = {"coal": 0.8, "coal_gangue": 0.2}
EXTRA_UNIT_FUELS: Final = {
    "coal": 0.3, "gas": 0.08, "coal_gangue": 0.1, "wind": 0.27, "solar": 0.22, "hydro": 0.03,
}  # fmt: skip
EXTRA_UNITS: Final = (0, 3)
#: Mean capacity factors (利用小时数 / 8760) before thermal maintenance: coal about 4,600 h,
#: gangue 5,100 h, gas peaking 2,600 h, hydro 2,600 h; wind and solar follow from the weather
#: model below (about 2,100 h and 1,300 h).
CAPACITY_FACTORS: Final = {"coal": 0.52, "coal_gangue": 0.58, "gas": 0.3, "hydro": 0.3}
#: σ of the log day-to-day variation of dispatchable output.
DAILY_NOISE: Final = {"coal": 0.08, "coal_gangue": 0.06, "gas": 0.2, "hydro": 0.15}
#: Thermal units run at least at this share of capacity when on (最小技术出力).
MIN_STABLE_LOAD: Final = 0.4
#: One maintenance outage (检修) a year per thermal unit, this many days.
MAINTENANCE_DAYS: Final = (14, 35)
#: Central Shanxi: latitude (°N) and the Beijing clock hour of solar noon at about 112.5°E.
LATITUDE: Final = 37.5
SOLAR_NOON: Final = 12.5
#: A solar plant's output under a clear sky with the sun overhead, over its capacity.
SOLAR_PEAK: Final = 0.95
#: Wind: median hub-height speed (m/s), σ of its log, hourly persistence; cut-in, rated and
#: cut-out speeds of the power curve.
WIND_SPEED: Final = (5.5, 0.5, 0.97)
WIND_CURVE: Final = (3.0, 11.0, 25.0)


def synth_units(counties_with_plants: Sequence[str], *, seed: int = 0) -> pd.DataFrame:
    """A register of generating units (机组台账) ``unit_id, county, fuel, capacity_mw``: 1–4
    units in each county, the first thermal. A county's units depend only on ``seed`` and its code.
    """
    _check_seed(seed)
    codes = list(dict.fromkeys(_check_counties(counties_with_plants)))
    if not codes:
        raise InputError("no counties with plants given")
    rows = []
    for code in codes:
        rng = np.random.default_rng([seed, _UNITS, int(code)])
        for number, fuel in enumerate(_county_fuels(rng), start=1):
            capacity = float(rng.choice(UNIT_SIZES_MW[fuel]))
            rows.append((f"{code}-{fuel}-{number:02d}", code, fuel, capacity))
    return pd.DataFrame(rows, columns=["unit_id", "county", "fuel", "capacity_mw"])


def synth_dispatch(
    counties_with_plants: Sequence[str],
    start: str | dt.date,
    end: str | dt.date,
    *,
    seed: int = 0,
    maintenance: bool = True,
) -> pd.DataFrame:
    """Hourly plant dispatch (调度数据) ``unit_id, county, hour, mwh, fuel`` of the units of
    :func:`synth_units` from ``start`` to ``end`` (inclusive); ``maintenance=False`` leaves out
    the thermal units' yearly outages (for shapes spread over monthly totals that have none).

    Coal dominates; thermal units follow the heating season and the day's load with a yearly
    maintenance outage, solar follows the sun's elevation and daily cloud, wind a persistent
    random wind speed through a power curve, hydro the summer flood season. ``hour`` is the start
    of the hour, naive Beijing time.
    """
    units = synth_units(counties_with_plants, seed=seed)
    first, last = _span(start, end)
    hours = np.arange(first * 24, (last + 1) * 24, dtype=np.int64) * US_PER_HOUR
    mwh = [
        unit.capacity_mw
        * _capacity_factor(
            unit.fuel,
            hours,
            np.random.default_rng([seed, _DISPATCH, int(unit.county), number]),
            maintenance=maintenance,
        )
        for number, unit in enumerate(units.itertuples(index=False))
    ]
    frame = units.loc[np.repeat(units.index, len(hours)), ["unit_id", "county", "fuel"]]
    frame = frame.reset_index(drop=True)
    frame["hour"] = np.tile(hours, len(units)).view("datetime64[us]")
    frame["mwh"] = np.concatenate(mwh) if mwh else np.empty(0)
    return frame[list(schema.DISPATCH_COLUMNS)]


def _county_fuels(rng: np.random.Generator) -> list[str]:
    extra = int(rng.integers(*EXTRA_UNITS, endpoint=True))
    first = rng.choice(list(FIRST_UNIT_FUELS), p=list(FIRST_UNIT_FUELS.values()))
    others = rng.choice(list(EXTRA_UNIT_FUELS), size=extra, p=list(EXTRA_UNIT_FUELS.values()))
    return [str(first), *(str(fuel) for fuel in others)]


def _capacity_factor(
    fuel: str, hours: np.ndarray, rng: np.random.Generator, *, maintenance: bool = True
) -> np.ndarray:
    """Output over capacity, 0–1, for each hour."""
    if fuel == "wind":
        return _wind(hours, rng)
    if fuel == "solar":
        return _solar(hours, rng)
    day = hours // US_PER_DAY - hours[0] // US_PER_DAY
    daily = np.exp(DAILY_NOISE[fuel] * rng.standard_normal(int(day[-1]) + 1))[day]
    typical = _dispatch_shape(fuel, _reference_year()).mean()
    factor = CAPACITY_FACTORS[fuel] * _dispatch_shape(fuel, hours) / typical * daily
    if fuel in schema.THERMAL_FUELS - {"gas"}:
        running = _maintenance(hours, rng) if maintenance else 1.0
        return np.clip(factor, MIN_STABLE_LOAD, 1.0) * running
    return np.clip(factor, 0.0, 1.0)


@cache
def _reference_year() -> np.ndarray:
    first = _day_number(dt.date(2021, 1, 1))
    return np.arange(first * 24, (first + 365) * 24, dtype=np.int64) * US_PER_HOUR


def _dispatch_shape(fuel: str, hours: np.ndarray) -> np.ndarray:
    """The regular part of a dispatchable unit's output: season × time of day."""
    doy = _day_of_year(hours // US_PER_DAY)
    clock = (hours % US_PER_DAY) / US_PER_HOUR + 0.5
    if fuel == "gas":  # peaking, and gas-fired heating in winter
        return (1 + 0.5 * _winter_index(doy)) * (
            0.3 + _bump(clock, 10, 2) + 1.2 * _bump(clock, 19.5, 2)
        )
    if fuel == "hydro":  # flood season (汛期) in July–September
        return (1 + np.exp(-(((doy - 220) / 35.0) ** 2))) * (0.8 + 0.4 * _bump(clock, 19.5, 3))
    # coal and gangue: combined heat and power in winter, air conditioning in summer
    season = 1 + 0.15 * _winter_index(doy) + 0.05 * _summer_index(doy)
    return season * (0.9 + 0.2 * _window(clock, 8, 22))


def _maintenance(hours: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """1, or 0 during one maintenance outage in each year of the span."""
    on = np.ones(len(hours))
    days = hours // US_PER_DAY
    years = days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    for year in np.unique(years):
        first = _day_number(dt.date(int(year), 1, 1))
        start = first + int(rng.integers(0, 365))
        length = int(rng.integers(*MAINTENANCE_DAYS, endpoint=True))
        on[(days >= start) & (days < start + length)] = 0.0
    return on


def _solar(hours: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Clear-sky output from the sun's elevation, times a daily cloud factor (Beta(5, 2))."""
    days = hours // US_PER_DAY
    doy = _day_of_year(days)
    clock = (hours % US_PER_DAY) / US_PER_HOUR + 0.5
    declination = np.radians(23.44) * np.sin(2 * np.pi * (284 + doy) / 365.0)
    latitude = np.radians(LATITUDE)
    hour_angle = np.radians(15.0 * (clock - SOLAR_NOON))
    elevation = np.sin(latitude) * np.sin(declination) + np.cos(latitude) * np.cos(
        declination
    ) * np.cos(hour_angle)
    cloud = rng.beta(5.0, 2.0, size=int(days[-1] - days[0]) + 1)[days - days[0]]
    return np.clip(SOLAR_PEAK * np.clip(elevation, 0.0, None) ** 1.2 * cloud, 0.0, 1.0)


def _wind(hours: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A persistent log-normal wind speed (AR(1) per hour, windier in spring) through a curve."""
    median, sigma, persistence = WIND_SPEED
    shocks = rng.standard_normal(len(hours)) * np.sqrt(1 - persistence**2)
    shocks[0] /= np.sqrt(1 - persistence**2)  # start in the stationary distribution
    weather = lfilter([1.0], [1.0, -persistence], shocks)
    doy = _day_of_year(hours // US_PER_DAY)
    season = 1 + 0.15 * np.cos(2 * np.pi * (doy - 90) / 365.25)
    speed = median * season * np.exp(sigma * weather)
    cut_in, rated, cut_out = WIND_CURVE
    power = np.clip((speed**3 - cut_in**3) / (rated**3 - cut_in**3), 0.0, 1.0)
    return np.where(speed > cut_out, 0.0, power)


def write_dispatch(df: pd.DataFrame, path: str | Path) -> Path:
    """Write a dispatch table to one Parquet file with :data:`DISPATCH_SCHEMA`; returns the path.

    ``hour`` must be naive (Beijing wall-clock); ``fuel`` one of ``schema.DISPATCH_FUELS``.
    """
    _require_columns(df, schema.DISPATCH_COLUMNS, "the dispatch table")
    for fuel in dict.fromkeys(df["fuel"].astype(str)):
        if fuel not in schema.DISPATCH_FUELS:
            raise UnknownNameError("dispatch fuel", fuel, list(schema.DISPATCH_FUELS))
    if isinstance(df["hour"].dtype, pd.DatetimeTZDtype):
        raise InputError("hour has a time zone", column="hour", expected="naive Beijing time")
    table = pa.Table.from_pandas(
        df[list(schema.DISPATCH_COLUMNS)], schema=DISPATCH_SCHEMA, preserve_index=False
    )
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, target, compression=COMPRESSION)
    return target


def daily_generation(
    monthly: pd.DataFrame, start: str, end: str, *, seed: int, folder: Path
) -> pd.DataFrame:
    """Daily generation (county, day, fuel, mwh) that adds up to a monthly generation table
    (county, month, fuel, mwh): hourly dispatch is synthesised, summed to days by the
    pipeline, and its daily shares within each county × fuel × month spread the month's
    total; a fuel the dispatch lacks is spread evenly over the month. The dispatch has no
    maintenance outages here: the monthly totals have none, and spread over the days a unit
    ran, an outage piled a month's generation onto a few days (the 10 % jump of the province's
    daily CO2 on 30–31 December 2025 on the platform's demo, issue 17)."""
    monthly = monthly[(monthly["month"] >= start[:7]) & (monthly["month"] <= end[:7])]
    monthly = monthly[monthly["mwh"] > 0]
    counties = sorted(monthly["county"].unique())
    hourly = synth_dispatch(counties, start, end, seed=seed, maintenance=False)
    day = aggregate_dispatch(write_dispatch(hourly, folder / "dispatch.parquet"), period="day")
    day["month"] = map_unique([day["day"]], month_label)
    keys = ["county", "fuel", "month"]
    day["share"] = day["mwh"] / day.groupby(keys)["mwh"].transform("sum")
    shaped = monthly.merge(day[[*keys, "day", "share"]], on=keys, how="inner")
    shaped["mwh"] = shaped["mwh"] * shaped["share"]
    covered = pd.MultiIndex.from_frame(day[keys].drop_duplicates())
    rest = monthly[~pd.MultiIndex.from_frame(monthly[keys]).isin(covered)]
    even = []
    for row in rest.itertuples(index=False):
        days = pd.period_range(row.month, periods=1, freq="M")[0]
        dates = pd.date_range(days.start_time, days.end_time, freq="D").date
        even.append(
            pd.DataFrame(
                {"county": row.county, "day": dates, "fuel": row.fuel, "mwh": row.mwh / len(dates)}
            )
        )
    columns = ["county", "day", "fuel", "mwh"]
    return pd.concat([shaped[columns], *even], ignore_index=True).sort_values(
        columns[:3], ignore_index=True
    )
