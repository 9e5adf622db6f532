"""Synthetic meter data (合成电表数据) for Shanxi counties: a monthly plan, meters (电能表档案),
readings (抄表数据) with realistic load shapes and injected anomalies, and dispatch (调度数据).

Readings are generated month by month in chunks of meters, so memory stays bounded by one Parquet
part (``rows_per_file`` rows) however many meters and days are asked for. A reading's value is

    kwh(m, t) = T(c, M) · w_m · f_s(d) · ε(m, d) / Σ_{m' ∈ c} w_m' Σ_{d' ∈ M, active} f_s(d')
                · q_s(t) · η(m, t)

with T(c, M) the target of the meter's county × industry cell c for month M, w_m its contract
capacity, f_s(d) the sector's day factor (season × weekday × Spring Festival × growth), ε a
day-to-day noise rescaled so that Σ_d f_s ε = Σ_d f_s over each meter's active days of the month,
and q_s η the share of the day in the 15-minute interval t (the load shape, 日负荷曲线, with noise
rescaled to sum to one). Clean readings of a cell therefore add up to its monthly target exactly.

Every number below that shapes the data is a synthetic assumption chosen to look plausible for
Shanxi (industry about three quarters of the use, coal-fired generation dominant); none is measured.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, fields
from functools import cache
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from scipy.signal import lfilter

from carbonctl import refdata
from carbonctl.electricity import calendar, schema
from carbonctl.errors import InputError, UnknownNameError

__all__ = [
    "DEFAULT_PLAN",
    "DISPATCH_SCHEMA",
    "FREQUENCIES",
    "LOAD_SHAPES",
    "PROFILES",
    "READING_SCHEMA",
    "VOLTAGE_LEVELS",
    "AnomalyRates",
    "SectorProfile",
    "SynthManifest",
    "county_codes",
    "default_targets",
    "profile_of",
    "synth_dispatch",
    "synth_meters",
    "synth_units",
    "write_dispatch",
    "write_readings",
]

# --- data contracts ---------------------------------------------------------------------------

#: Arrow schema of a readings part (``schema.READING_COLUMNS``; naive Beijing wall-clock time).
READING_SCHEMA: Final = pa.schema(
    [("meter_id", pa.int64()), ("ts", pa.timestamp("us")), ("kwh", pa.float64())]
)
#: Arrow schema of a dispatch file (``schema.DISPATCH_COLUMNS``).
DISPATCH_SCHEMA: Final = pa.schema(
    [
        ("unit_id", pa.string()),
        ("county", pa.string()),
        ("hour", pa.timestamp("us")),
        ("mwh", pa.float64()),
        ("fuel", pa.string()),
    ]
)
#: Reading frequencies and their readings per day. A reading is labelled with the *start* of the
#: interval it measures, so the day of ``ts`` is the day the energy was used.
FREQUENCIES: Final = {"D": 1, "15min": 96}
TARGET_COLUMNS: Final = ("county", "industry", "month", "kwh")
#: Voltage levels (电压等级) and the largest contract capacity (kVA) each usually serves.
VOLTAGE_LEVELS: Final = (
    ("220V", 10.0),
    ("380V", 100.0),
    ("10kV", 8_000.0),
    ("35kV", 40_000.0),
    ("110kV", 150_000.0),
    ("220kV", np.inf),
)

DEFAULT_ROWS_PER_FILE: Final = 4_000_000
ROW_GROUP_ROWS: Final = 1_000_000
COMPRESSION: Final = "zstd"
DEFAULT_METERS_PER_CELL: Final = 10
#: Meter ids are ``adcode · 10⁷ + serial``: readable, unique across counties.
SERIALS_PER_COUNTY: Final = 10_000_000
US_PER_DAY: Final = 86_400_000_000
US_PER_HOUR: Final = 3_600_000_000
#: A county's annual use in the default plan: median kWh and σ of its log (Shanxi used about
#: 2.8·10¹¹ kWh a year across 117 counties).
COUNTY_ANNUAL_KWH: Final = (2.4e9, 0.6)
#: σ of the log month-to-month deviation of the default plan from its smooth profile.
PLAN_MONTH_NOISE: Final = 0.02
#: How long an outage lasts, in days (inclusive range).
OUTAGE_DAYS: Final = (2, 5)
#: A spike multiplies a reading by a factor drawn uniformly from this range.
SPIKE_FACTOR: Final = (20.0, 100.0)
#: Years in service of the meters already installed when the span begins (days, uniform).
METER_AGE_DAYS: Final = (30, 5_000)

# Independent random streams, so that e.g. the clean readings do not change with anomaly rates.
_PLAN, _METERS, _READINGS, _ANOMALIES, _UNITS, _DISPATCH = range(6)


# --- sector behaviour -------------------------------------------------------------------------


@dataclass(frozen=True)
class SectorProfile:
    """How one kind of electricity use behaves (用电特性).

    ``shape`` names the intraday load shape (日负荷曲线, :data:`LOAD_SHAPES`); ``weekend`` is the
    Saturday/Sunday factor (周末系数); ``festival`` the factor at the bottom of the Spring
    Festival dip (春节); ``heating``, ``cooling`` and ``irrigation`` weigh the winter (采暖,
    negative for a winter shutdown such as cement's 错峰生产), summer (降温) and irrigation (灌溉)
    indices; ``growth`` is the annual growth rate; ``noise`` the σ of a meter's day-to-day log
    variation;
    ``tail`` the Pareto index of meter sizes in a cell (smaller: a few meters dominate);
    ``load_factor`` mean load over contract capacity (负荷率); ``customer_kwh`` a typical
    customer's annual use, which sets how many meters a cell gets; ``spread`` the σ of the log
    county-to-county variation of the sector's share; ``voltages`` the lowest and highest level.
    """

    shape: str
    weekend: float
    festival: float
    heating: float = 0.0
    cooling: float = 0.0
    irrigation: float = 0.0
    growth: float = 0.03
    noise: float = 0.1
    tail: float = 1.5
    load_factor: float = 0.5
    customer_kwh: float = 1e5
    spread: float = 0.5
    voltages: tuple[str, str] = ("380V", "110kV")


_HEAVY: Final = dict(shape="flat", weekend=1.0, voltages=("10kV", "220kV"))

#: Profiles keyed by model sector (``model_sectors.csv``), plus classes with their own behaviour
#: (A11 public services keep office hours, unlike the shops and hotels of A05–A10).
PROFILES: Final[dict[str, SectorProfile]] = {
    "A01": SectorProfile(
        "pumping", 1.0, 0.85, heating=-0.3, cooling=0.1, irrigation=1.5, growth=0.04, noise=0.3,
        tail=1.6, load_factor=0.2, customer_kwh=2e4, voltages=("220V", "10kV"),
    ),
    "A02.1": SectorProfile(
        "flat", 0.97, 0.6, growth=0.02, noise=0.07, tail=1.3, load_factor=0.6,
        customer_kwh=2e7, spread=1.0,
    ),
    "A02.2.13": SectorProfile(
        **_HEAVY, festival=0.95, growth=0.01, noise=0.04, tail=1.2, load_factor=0.75,
        customer_kwh=5e7, spread=1.3,
    ),
    "A02.2.14": SectorProfile(
        **_HEAVY, festival=0.9, growth=0.04, noise=0.05, tail=1.2, load_factor=0.7,
        customer_kwh=2e7, spread=1.2,
    ),
    "A02.2.18": SectorProfile(
        "flat", 0.97, 0.5, heating=-0.45, growth=0.0, noise=0.1, tail=1.3, load_factor=0.55,
        customer_kwh=5e6, spread=0.8,
    ),
    "A02.2.19": SectorProfile(
        **_HEAVY, festival=0.95, growth=0.01, noise=0.04, tail=1.1, load_factor=0.75,
        customer_kwh=1e8, spread=1.5,
    ),
    "A02.2.20": SectorProfile(
        **_HEAVY, festival=1.0, growth=0.03, noise=0.02, tail=1.1, load_factor=0.9,
        customer_kwh=3e8, spread=1.6,
    ),
    "A02.2": SectorProfile(
        "day_shift", 0.8, 0.45, growth=0.05, noise=0.12, tail=1.4, load_factor=0.4,
        customer_kwh=5e5, spread=0.6, voltages=("380V", "35kV"),
    ),
    "A02.3": SectorProfile(
        "flat", 1.0, 1.0, heating=0.35, noise=0.06, tail=1.3, load_factor=0.6,
        customer_kwh=1e7, spread=0.7,
    ),
    "A03": SectorProfile(
        "day_shift", 0.9, 0.2, heating=-0.5, noise=0.25, load_factor=0.25, customer_kwh=1e5,
        voltages=("380V", "10kV"),
    ),
    "A04": SectorProfile(
        "traction", 0.97, 0.95, growth=0.05, noise=0.08, tail=1.3, load_factor=0.45,
        customer_kwh=1e6, spread=0.8, voltages=("380V", "220kV"),
    ),
    "A05-A11": SectorProfile(
        "commerce", 0.85, 0.75, heating=0.15, cooling=0.35, growth=0.08, noise=0.15,
        load_factor=0.35, customer_kwh=4e4, voltages=("220V", "35kV"),
    ),
    "A11": SectorProfile(
        "office", 0.65, 0.55, heating=0.2, cooling=0.3, growth=0.06, noise=0.15,
        load_factor=0.3, customer_kwh=8e4, spread=0.4, voltages=("220V", "35kV"),
    ),
    "B1": SectorProfile(
        "residential", 1.06, 0.95, heating=0.3, cooling=0.3, growth=0.06, noise=0.25, tail=3.0,
        load_factor=0.15, customer_kwh=2.2e3, spread=0.4, voltages=("220V", "10kV"),
    ),
    "B2": SectorProfile(
        "residential", 1.03, 1.15, heating=0.45, cooling=0.2, growth=0.07, noise=0.3, tail=3.0,
        load_factor=0.12, customer_kwh=1.6e3, spread=0.4, voltages=("220V", "10kV"),
    ),
}  # fmt: skip

#: The default plan's classes and their share of Shanxi's use in per cent (industry about ¾,
#: residents about a tenth, near the provincial mix of the early 2020s). One class per model
#: sector, two for other manufacturing (food processing, metal products).
DEFAULT_PLAN: Final[dict[str, float]] = {
    "A01": 2.0,
    "A02.1": 14.0,
    "A02.2.13": 6.0,
    "A02.2.14": 6.0,
    "A02.2.18": 4.0,
    "A02.2.19": 15.0,
    "A02.2.20": 8.0,
    "A02.2.01": 2.5,
    "A02.2.21": 3.5,
    "A02.3": 15.0,
    "A03": 1.0,
    "A04": 3.5,
    "A06": 6.5,
    "A11": 3.0,
    "B1": 6.0,
    "B2": 4.0,
}
#: In city districts (区) residents in town, services and shops weigh more, farms and villages less.
URBAN_FACTORS: Final = {"B1": 2.5, "A05-A11": 2.5, "A11": 2.0, "B2": 0.2, "A01": 0.2}


def profile_of(industry: str) -> str:
    """The :data:`PROFILES` key of an electricity-use class: its own if it has one, else its
    model sector's. Raises :class:`UnknownNameError` for codes ``model_sector_of`` rejects."""
    sector = schema.model_sector_of(industry)
    return industry if industry in PROFILES else sector


def _hours(per_day: int) -> np.ndarray:
    return (np.arange(per_day) + 0.5) * 24.0 / per_day


def _window(t: np.ndarray, start: float, end: float, edge: float = 0.6) -> np.ndarray:
    """A smooth 0–1 step up at ``start`` and down at ``end`` (hours)."""
    return 1.0 / (1.0 + np.exp(-(t - start) / edge)) / (1.0 + np.exp(-(end - t) / edge))


def _bump(t: np.ndarray, centre: float, width: float) -> np.ndarray:
    return np.exp(-0.5 * ((t - centre) / width) ** 2)


def _load_shapes(per_day: int) -> dict[str, np.ndarray]:
    """Intraday load shapes (日负荷曲线) as shares of the day's energy per interval."""
    t = _hours(per_day)
    shapes = {
        "flat": 1.0 + 0.04 * _window(t, 8, 20),
        "day_shift": 0.45 + 0.55 * _window(t, 8, 18),
        "commerce": 0.25 + 0.75 * _window(t, 9, 21.5),
        "office": 0.3 + 0.7 * _window(t, 8, 18),
        "residential": 0.35 + 0.3 * _bump(t, 7.5, 1) + 0.25 * _bump(t, 12, 1.2)
        + 0.9 * _bump(t, 20, 1.8),
        "pumping": 0.3 + 0.7 * _window(t, 6, 19),
        "traction": 0.55 + 0.45 * _window(t, 6, 23),
    }  # fmt: skip
    return {name: shape / shape.sum() for name, shape in shapes.items()}


#: The 15-minute load shapes, 96 shares each.
LOAD_SHAPES: Final = _load_shapes(96)


# --- the calendar of a sector's use -----------------------------------------------------------


def _day_of_year(days: np.ndarray) -> np.ndarray:
    dates = days.astype("datetime64[D]")
    return (dates - dates.astype("datetime64[Y]").astype("datetime64[D]")).astype(np.int64) + 1


def _winter_index(doy: np.ndarray) -> np.ndarray:
    """0–1, highest in mid-January, zero from mid-April to mid-October (采暖季)."""
    return np.clip(np.cos(2 * np.pi * (doy - 15) / 365.25), 0.0, None)


def _summer_index(doy: np.ndarray) -> np.ndarray:
    """0–1, highest in late July (降温负荷)."""
    return np.clip(np.cos(2 * np.pi * (doy - 200) / 365.25), 0.0, None) ** 3


def _irrigation_index(doy: np.ndarray) -> np.ndarray:
    """0–1, highest in mid-May (春灌 and early summer irrigation)."""
    return np.exp(-(((doy - 135) / 40.0) ** 2))


def _festival_weight(days: np.ndarray) -> np.ndarray:
    """0–1 depth of the Spring Festival dip: ramps down over the days before the holiday, full
    from two days before 正月初一 to the 7th day, back up by the end of :func:`holiday_days`."""
    weight = np.zeros(days.shape)
    years = np.unique(days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64))
    for year in years + 1970:
        first, last = calendar.holiday_days(int(year))
        day0 = _day_number(calendar.spring_festival(int(year)))
        knots = [_day_number(first) - 1, day0 - 2, day0 + 7, _day_number(last) + 1]
        weight = np.maximum(weight, np.interp(days, knots, [0.0, 1.0, 1.0, 0.0]))
    return weight


def _day_factors(profile: SectorProfile, days: np.ndarray, origin: int) -> np.ndarray:
    """f(d) = season(d) · weekday(d) · festival(d) · (1 + growth)^(years since ``origin``)."""
    doy = _day_of_year(days)
    season = (
        1.0
        + profile.heating * _winter_index(doy)
        + profile.cooling * _summer_index(doy)
        + profile.irrigation * _irrigation_index(doy)
    )
    weekend = np.where((days + 3) % 7 >= 5, profile.weekend, 1.0)  # 1970-01-01 was a Thursday
    festival = 1.0 - (1.0 - profile.festival) * _festival_weight(days)
    growth = (1.0 + profile.growth) ** ((days - origin) / 365.25)
    return season * weekend * festival * growth


# --- arguments --------------------------------------------------------------------------------


def _day_number(day: dt.date) -> int:
    return (day - dt.date(1970, 1, 1)).days


def _date(day_number: int) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=int(day_number))


_MONTH = re.compile(r"^\d{4}-\d{2}$")


def _parse_day(value: str | dt.date, name: str, *, month_end: bool) -> dt.date:
    """A ``YYYY-MM-DD`` date (or date object); a bare ``YYYY-MM`` is the month's first day, or its
    last day for the end of a span."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        if _MONTH.match(text):
            first = dt.date.fromisoformat(text + "-01")
            return (pd.Timestamp(first) + pd.offsets.MonthEnd(0)).date() if month_end else first
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{name} {value!r} is not a date", expected="YYYY-MM-DD") from None


def _span(start: str | dt.date, end: str | dt.date) -> tuple[int, int]:
    """First and last day (day numbers, inclusive) of a span inside the calendar's years."""
    first = _parse_day(start, "start", month_end=False)
    last = _parse_day(end, "end", month_end=True)
    if last < first:
        raise InputError(f"end {last} is before start {first}")
    years = sorted(calendar.SPRING_FESTIVAL)
    if first.year < years[0] or last.year > years[-1]:
        raise InputError(
            f"span {first}..{last} leaves the years with Spring Festival dates",
            expected=f"dates in {years[0]}–{years[-1]}",
        )
    return _day_number(first), _day_number(last)


def _months(first: int, last: int) -> Iterator[tuple[str, np.ndarray]]:
    """The months of a span as ``YYYY-MM`` and the span's days in each (day numbers)."""
    days = np.arange(first, last + 1)
    month_of = days.astype("datetime64[D]").astype("datetime64[M]")
    for month in np.unique(month_of):
        yield str(month), days[month_of == month]


def _check_seed(seed: int) -> None:
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise InputError(f"seed {seed!r} is not a non-negative integer")


def _intervals_per_day(freq: str) -> int:
    if freq not in FREQUENCIES:
        raise InputError(f"unknown reading frequency {freq!r}", expected="'D' or '15min'")
    return FREQUENCIES[freq]


@cache
def _counties() -> dict[str, str]:
    regions = refdata.load_table("regions")
    counties = regions[regions["level"] == "county"]
    return dict(zip(counties["adcode"], counties["name_zh"], strict=True))


def county_codes() -> list[str]:
    """The adcodes of Shanxi's counties (县级行政区) in ``regions.csv`` order."""
    return list(_counties())


def _check_counties(codes: Sequence[object]) -> list[str]:
    known = _counties()
    out = [str(code).strip() for code in codes]
    for code in dict.fromkeys(out):
        if code not in known:
            raise UnknownNameError("county adcode", code, refdata.close_matches(code, list(known)))
    return out


def _check_industries(codes: Sequence[object]) -> None:
    for code in dict.fromkeys(str(c) for c in codes):
        profile_of(code)


def _require_columns(table: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise InputError(f"{what} has no column {', '.join(missing)}", expected=", ".join(columns))


def _checked_targets(targets: pd.DataFrame) -> pd.DataFrame:
    """The plan with text keys and float kWh, after checking codes, months and values."""
    _require_columns(targets, TARGET_COLUMNS, "the targets table")
    plan = pd.DataFrame(
        {
            "county": _check_counties(targets["county"].tolist()),
            "industry": targets["industry"].astype(str).to_numpy(),
            "month": targets["month"].astype(str).str.strip().to_numpy(),
            "kwh": pd.to_numeric(targets["kwh"], errors="coerce").to_numpy(dtype=float),
        }
    )
    _check_industries(plan["industry"].unique().tolist())
    bad_month = ~plan["month"].str.fullmatch(r"\d{4}-(0[1-9]|1[0-2])")
    if bad_month.any():
        row = int(np.flatnonzero(bad_month)[0])
        raise InputError(
            f"month {plan['month'].iloc[row]!r} is not a month",
            row=row + 2,
            column="month",
            expected="YYYY-MM",
        )
    bad_kwh = ~(np.isfinite(plan["kwh"]) & (plan["kwh"] >= 0))
    if bad_kwh.any():
        row = int(np.flatnonzero(bad_kwh)[0])
        raise InputError(
            f"kwh {targets['kwh'].iloc[row]!r} is not a non-negative number",
            row=row + 2,
            column="kwh",
        )
    repeated = plan.duplicated(["county", "industry", "month"])
    if repeated.any():
        key = plan.loc[repeated, ["county", "industry", "month"]].iloc[0].tolist()
        raise InputError(f"targets list county × industry × month {' '.join(key)} twice")
    return plan


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


# --- meters -----------------------------------------------------------------------------------


def synth_meters(
    targets: pd.DataFrame,
    *,
    meters_per_cell: int | None = None,
    n_meters: int | None = None,
    seed: int = 0,
    replacement_rate: float = 0.01,
) -> pd.DataFrame:
    """Meters (电能表档案) for every county × industry cell of ``targets``.

    Give ``meters_per_cell`` (the same count in every cell) or ``n_meters`` (metering points in
    all; cells get counts growing with the square root of their customer numbers, at least one
    each); with neither, :data:`DEFAULT_METERS_PER_CELL`. Sizes within a cell are Pareto-tailed
    (a few big industrial meters, many alike residential ones); ``capacity_kva`` (合同容量) is
    sized so that the cell's mean load fits the sector's load factor, and ``voltage`` follows it.
    A ``replacement_rate`` share of meters is replaced (换表) during the plan's months: the old
    meter gets ``removed``, and a new ``meter_id`` of the same county, industry and size is
    ``installed`` the next day. Columns: ``meter_id`` (int64, unique, sorted), ``county``,
    ``industry``, ``voltage``, ``capacity_kva``, ``installed``, ``removed`` (dates or NaT).
    """
    _check_seed(seed)
    if not 0.0 <= replacement_rate <= 1.0:
        raise InputError(f"replacement_rate {replacement_rate!r} is not in [0, 1]")
    plan = _checked_targets(targets)
    if plan.empty:
        raise InputError("the targets table has no rows")
    first, last = _plan_span(plan)
    cells = plan.groupby(["county", "industry"], sort=True, as_index=False)["kwh"].sum()
    cells["kwh"] *= 365.25 / (last - first + 1)  # annualised
    cells["profile"] = [profile_of(i) for i in cells["industry"]]
    counts = _meter_counts(cells, meters_per_cell, n_meters)
    if np.bincount(pd.factorize(cells["county"])[0], counts).max() * 2 >= SERIALS_PER_COUNTY:
        raise InputError("too many meters in one county for adcode-based meter ids")
    rng = np.random.default_rng([seed, _METERS])
    meters = _original_meters(cells, counts, first, rng)
    successors = _replacements(meters, replacement_rate, first, last, rng)
    out = pd.concat([meters, successors], ignore_index=True)
    return out.sort_values("meter_id", ignore_index=True)


def _plan_span(plan: pd.DataFrame) -> tuple[int, int]:
    months = np.unique(plan["month"].to_numpy(dtype=str).astype("datetime64[M]"))
    first = months[0].astype("datetime64[D]").astype(np.int64)
    last = (months[-1] + 1).astype("datetime64[D]").astype(np.int64) - 1
    return int(first), int(last)


def _meter_counts(
    cells: pd.DataFrame, meters_per_cell: int | None, n_meters: int | None
) -> np.ndarray:
    n_cells = len(cells)
    if meters_per_cell is not None and n_meters is not None:
        raise InputError("give meters_per_cell or n_meters, not both")
    if n_meters is None:
        per_cell = DEFAULT_METERS_PER_CELL if meters_per_cell is None else meters_per_cell
        if per_cell < 1:
            raise InputError(f"meters_per_cell {per_cell!r} is below 1")
        return np.full(n_cells, int(per_cell))
    if n_meters < n_cells:
        raise InputError(
            f"n_meters {n_meters} is below the {n_cells} county × industry cells of the targets",
            expected="at least one meter per cell",
        )
    customers = cells["kwh"].to_numpy() / [PROFILES[p].customer_kwh for p in cells["profile"]]
    weights = np.sqrt(customers)
    if weights.sum() == 0:  # a plan of zeros: spread the meters evenly
        weights = np.ones(n_cells)
    quota = (n_meters - n_cells) * weights / weights.sum()
    counts = np.floor(quota).astype(np.int64)
    short = (n_meters - n_cells) - counts.sum()
    counts[np.argsort(counts - quota, kind="stable")[:short]] += 1  # largest remainders
    return counts + 1


def _voltages(capacity: np.ndarray, profiles: np.ndarray) -> np.ndarray:
    """Voltage level by contract capacity, kept within each sector's usual levels."""
    names = [name for name, _ in VOLTAGE_LEVELS]
    level = np.searchsorted([limit for _, limit in VOLTAGE_LEVELS], capacity)
    low = np.array([names.index(PROFILES[p].voltages[0]) for p in profiles])
    high = np.array([names.index(PROFILES[p].voltages[1]) for p in profiles])
    return np.array(names, dtype=object)[np.clip(level, low, high)]


def _original_meters(
    cells: pd.DataFrame, counts: np.ndarray, first: int, rng: np.random.Generator
) -> pd.DataFrame:
    cell = np.repeat(np.arange(len(cells)), counts)
    profiles = cells["profile"].to_numpy()[cell]
    tails = np.array([PROFILES[p].tail for p in profiles])
    size = rng.pareto(tails) + 1.0
    share = size / np.bincount(cell, size)[cell]
    load_factor = np.array([PROFILES[p].load_factor for p in profiles])
    capacity = np.round(cells["kwh"].to_numpy()[cell] / 8760.0 * share / load_factor, 1)
    capacity = np.maximum(capacity, 0.1)
    county = cells["county"].to_numpy()[cell]
    serial = pd.Series(county).groupby(county).cumcount().to_numpy() + 1
    age = rng.integers(*METER_AGE_DAYS, size=len(cell), endpoint=True)
    return pd.DataFrame(
        {
            "meter_id": county.astype(np.int64) * SERIALS_PER_COUNTY + serial,
            "county": county,
            "industry": cells["industry"].to_numpy()[cell],
            "voltage": _voltages(capacity, profiles),
            "capacity_kva": capacity,
            "installed": _dates(first - age),
            "removed": _no_dates(len(cell)),
        }
    )


def _dates(days: np.ndarray) -> np.ndarray:
    """Day numbers as dates (``datetime64[us]`` at midnight, like ``ts``)."""
    return np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype("datetime64[us]")


def _no_dates(n: int) -> np.ndarray:
    return np.full(n, np.datetime64("NaT"), dtype="datetime64[us]")


def _replacements(
    meters: pd.DataFrame, rate: float, first: int, last: int, rng: np.random.Generator
) -> pd.DataFrame:
    """Replace a ``rate`` share of ``meters`` in place (sets ``removed``); return the successors."""
    if last <= first:
        return meters.iloc[:0]
    replaced = np.flatnonzero(rng.random(len(meters)) < rate)
    removed = rng.integers(first, last, size=len(replaced))  # leaves a day for the successor
    meters.loc[replaced, "removed"] = _dates(removed)
    successors = meters.iloc[replaced].copy()
    top = meters.groupby("county")["meter_id"].max()
    offset = successors.groupby("county").cumcount().to_numpy() + 1
    successors["meter_id"] = top.loc[successors["county"]].to_numpy() + offset
    successors["installed"] = _dates(removed + 1)
    successors["removed"] = _no_dates(len(replaced))
    return successors.reset_index(drop=True)


# --- anomalies and the manifest ---------------------------------------------------------------


@dataclass(frozen=True)
class AnomalyRates:
    """Rates of the faults injected into readings (异常数据), for testing the cleaning pipeline.

    ``outage``: chance per meter and month that the meter goes dark for 2–5 days (停电/故障);
    ``outage_zero_share`` of outages read 0, the others send nothing. Per clean reading outside
    outages: ``missing`` (漏抄, row dropped), ``spike`` (value × 20–100, 突增), ``negative``
    (sign flipped, 负值) and ``duplicate`` (the row is sent twice, 重复). A reading gets at most one
    fault. Meter replacements come from :func:`synth_meters`.
    """

    outage: float = 0.002
    outage_zero_share: float = 0.5
    missing: float = 0.001
    duplicate: float = 0.0005
    spike: float = 0.0002
    negative: float = 0.00002

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if not (isinstance(value, int | float) and 0.0 <= value <= 1.0):
                raise InputError(f"anomaly rate {item.name}={value!r} is not in [0, 1]")
        if self.missing + self.duplicate + self.spike + self.negative > 1.0:
            raise InputError("the per-reading anomaly rates add up to more than 1")

    @classmethod
    def none(cls) -> AnomalyRates:
        """No anomalies: clean readings only."""
        return cls(outage=0.0, missing=0.0, duplicate=0.0, spike=0.0, negative=0.0)


@dataclass(frozen=True)
class SynthManifest:
    """What :func:`write_readings` wrote, with the count of every injected anomaly.

    ``rows = clean_rows − outage_missing_rows − missing_rows + duplicate_rows``; ``clean_kwh`` is
    the total before anomalies (it equals the targets of the meters' cells over the span).
    ``replacements`` counts meters of the table removed within the span.
    """

    out_dir: Path
    files: tuple[Path, ...]
    start: dt.date
    end: dt.date
    freq: str
    seed: int
    meters: int
    clean_rows: int
    rows: int
    clean_kwh: float
    replacements: int
    outages: int
    outage_zero_rows: int
    outage_missing_rows: int
    missing_rows: int
    duplicate_rows: int
    spike_rows: int
    negative_rows: int

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: paths and dates as text."""
        data = asdict(self)
        data["out_dir"] = str(self.out_dir)
        data["files"] = [str(path) for path in self.files]
        data["start"], data["end"] = self.start.isoformat(), self.end.isoformat()
        return data


_COUNTS: Final = (
    "outages",
    "outage_zero_rows",
    "outage_missing_rows",
    "missing_rows",
    "duplicate_rows",
    "spike_rows",
    "negative_rows",
)


# --- readings ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Meters:
    """The meters as arrays sorted by id, with spans clipped to the requested days."""

    ids: np.ndarray
    cell: np.ndarray
    profile: np.ndarray  # index into keys
    keys: tuple[str, ...]
    weight: np.ndarray
    first: np.ndarray  # first day read (day number)
    last: np.ndarray  # last day read; last < first: not read at all
    cells: pd.DataFrame  # county, industry
    replacements: int


def _day_numbers(values: pd.Series, column: str, default: int) -> np.ndarray:
    try:
        dates = pd.to_datetime(values)
    except (ValueError, TypeError):
        raise InputError("not a date", column=column, expected="dates or empty") from None
    days = dates.to_numpy().astype("datetime64[D]")
    out = days.astype(np.int64)
    out[np.isnat(days)] = default
    return out


#: Day numbers standing for "installed long ago" and "still in service".
_NO_DAY: Final = (-(10**6), 10**6)


def _meter_arrays(meters: pd.DataFrame, first: int, last: int) -> _Meters:
    _require_columns(meters, schema.METER_COLUMNS, "the meters table")
    table = meters.sort_values("meter_id", ignore_index=True)
    ids = table["meter_id"].to_numpy()
    if not np.issubdtype(ids.dtype, np.integer) or len(np.unique(ids)) < len(ids):
        raise InputError("meter_id must be unique integers", column="meter_id")
    county = np.asarray(_check_counties(table["county"].tolist()), dtype=object)
    industry = table["industry"].astype(str).to_numpy(dtype=object)
    _check_industries(np.unique(industry).tolist())
    cells, cell = _factorize_cells(county, industry)
    keys = tuple(sorted({profile_of(i) for i in cells["industry"]}))
    cell_profile = np.array([keys.index(profile_of(i)) for i in cells["industry"]])
    installed = _column_days(table, "installed", _NO_DAY[0])
    removed = _column_days(table, "removed", _NO_DAY[1])
    if np.any(removed < installed):
        raise InputError("a meter is removed before it is installed", column="removed")
    weight = _weights(table)
    return _Meters(
        ids=ids.astype(np.int64),
        cell=cell,
        profile=cell_profile[cell],
        keys=keys,
        weight=weight,
        first=np.maximum(installed, first),
        last=np.minimum(removed, last),
        cells=cells,
        replacements=int(np.count_nonzero((removed >= first) & (removed <= last))),
    )


def _factorize_cells(county: np.ndarray, industry: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    codes, uniques = pd.factorize(pd.Series(county + "|" + industry), sort=True)
    parts = [u.split("|") for u in uniques]
    cells = pd.DataFrame(parts, columns=["county", "industry"])
    return cells, codes.astype(np.int64)


def _column_days(table: pd.DataFrame, column: str, default: int) -> np.ndarray:
    """Day numbers of a date column; missing dates (or column) read as ``default``."""
    if column not in table.columns:
        return np.full(len(table), default, dtype=np.int64)
    return _day_numbers(table[column], column, default)


def _weights(table: pd.DataFrame) -> np.ndarray:
    """Each meter's weight in its cell: its contract capacity, or 1 without that column."""
    if "capacity_kva" not in table.columns:
        return np.ones(len(table))
    weight = pd.to_numeric(table["capacity_kva"], errors="coerce").to_numpy(dtype=float)
    if not np.all(np.isfinite(weight) & (weight > 0)):
        raise InputError("capacity_kva must be positive numbers", column="capacity_kva")
    return weight


def _target_matrix(targets: pd.DataFrame, meters: _Meters, months: list[str]) -> np.ndarray:
    """Target kWh as cells × months; every cell with meters read in the span needs each month."""
    plan = _checked_targets(targets).set_index(["county", "industry", "month"])["kwh"]
    cells = meters.cells
    index = pd.MultiIndex.from_arrays(
        [
            np.repeat(cells["county"].to_numpy(), len(months)),
            np.repeat(cells["industry"].to_numpy(), len(months)),
            np.tile(np.asarray(months, dtype=object), len(cells)),
        ]
    )
    matrix = plan.reindex(index).to_numpy(dtype=float).reshape(len(cells), len(months))
    gaps = np.argwhere(np.isnan(matrix) & _cells_read(meters, months))
    if len(gaps):
        c, m = gaps[0]
        raise InputError(
            f"targets have no kwh for {len(gaps)} county × industry × month cells with meters, "
            f"e.g. {cells['county'].iloc[c]} {cells['industry'].iloc[c]} {months[m]}"
        )
    return np.nan_to_num(matrix)


def _cells_read(meters: _Meters, months: list[str]) -> np.ndarray:
    """Cells × months: does any meter of the cell read in the month?"""
    starts = np.array(months, dtype="datetime64[M]").astype("datetime64[D]").astype(np.int64)
    read = meters.last >= meters.first
    first = np.searchsorted(starts, meters.first[read], side="right") - 1
    last = np.searchsorted(starts, meters.last[read], side="right") - 1
    change = np.zeros((len(meters.cells), len(months) + 1), dtype=np.int64)
    np.add.at(change, (meters.cell[read], first), 1)
    np.add.at(change, (meters.cell[read], last + 1), -1)
    return change.cumsum(axis=1)[:, :-1] > 0


@dataclass
class _Tally:
    files: list[Path]
    clean_rows: int = 0
    rows: int = 0
    clean_kwh: float = 0.0
    outages: int = 0
    outage_zero_rows: int = 0
    outage_missing_rows: int = 0
    missing_rows: int = 0
    duplicate_rows: int = 0
    spike_rows: int = 0
    negative_rows: int = 0


@dataclass(frozen=True)
class _Run:
    """The settings of one :func:`write_readings` call."""

    table: _Meters
    root: Path
    origin: int
    per_day: int
    rows_per_file: int
    rates: AnomalyRates
    seed: int
    total_rows: int
    progress: Callable[[int, int], None] | None


def write_readings(
    meters: pd.DataFrame,
    targets: pd.DataFrame,
    out_dir: str | Path,
    *,
    start: str | dt.date,
    end: str | dt.date,
    freq: str = "D",
    anomalies: AnomalyRates = AnomalyRates(),
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
    rows_per_file: int = DEFAULT_ROWS_PER_FILE,
) -> SynthManifest:
    """Write readings (抄表数据) of ``meters`` from ``start`` to ``end`` (inclusive) to Parquet.

    Files are ``out_dir/month=YYYY-MM/part-NNNNN.parquet`` with columns ``meter_id`` (int64),
    ``ts`` (timestamp[us], naive Beijing time, start of the interval) and ``kwh`` (float64); a part
    holds about ``rows_per_file`` rows, ordered by meter and time (duplicates next to their twin).
    ``freq`` is ``"D"`` (daily) or ``"15min"``. Before anomalies, the readings of each county ×
    industry cell add up to its target for each month (the formula in the module docstring); a
    meter is read from ``installed`` to ``removed`` (inclusive) within the span. Memory is bounded
    by one part plus a few numbers per meter. ``progress`` is called after each part with (clean
    rows done, clean rows in all). ``out_dir`` must be new or empty.
    """
    _check_seed(seed)
    first, last = _span(start, end)
    per_day = _intervals_per_day(freq)
    if rows_per_file < 1:
        raise InputError(f"rows_per_file {rows_per_file!r} is below 1")
    table = _meter_arrays(meters, first, last)
    months = list(_months(first, last))
    target = _target_matrix(targets, table, [label for label, _ in months])
    run = _Run(
        table=table,
        root=_empty_dir(out_dir),
        origin=first,
        per_day=per_day,
        rows_per_file=rows_per_file,
        rates=anomalies,
        seed=int(seed),
        total_rows=int(np.clip(table.last - table.first + 1, 0, None).sum()) * per_day,
        progress=progress,
    )
    tally = _Tally(files=[])
    for index, (label, days) in enumerate(months):
        _write_month(run, index, label, _month_plan(run, target[:, index], days), tally)
    return SynthManifest(
        out_dir=run.root,
        files=tuple(tally.files),
        start=_date(first),
        end=_date(last),
        freq=freq,
        seed=run.seed,
        meters=len(table.ids),
        clean_rows=tally.clean_rows,
        rows=tally.rows,
        clean_kwh=tally.clean_kwh,
        replacements=table.replacements,
        **{name: getattr(tally, name) for name in _COUNTS},
    )


def _empty_dir(out_dir: str | Path) -> Path:
    root = Path(out_dir)
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise InputError(f"{root} is not an empty folder", expected="a new or empty folder")
    root.mkdir(parents=True, exist_ok=True)
    return root


@dataclass(frozen=True)
class _Month:
    """One month's plan for every meter: active days [a, b) and the scale of its readings."""

    days: np.ndarray
    factors: np.ndarray  # profiles × days
    a: np.ndarray
    b: np.ndarray
    scale: np.ndarray


def _month_plan(run: _Run, target: np.ndarray, days: np.ndarray) -> _Month:
    table = run.table
    factors = np.array([_day_factors(PROFILES[k], days, run.origin) for k in table.keys])
    a = np.clip(table.first - days[0], 0, len(days))
    b = np.clip(table.last - days[0] + 1, a, len(days))
    cumulative = np.concatenate([np.zeros((len(table.keys), 1)), factors.cumsum(axis=1)], axis=1)
    expected = table.weight * (cumulative[table.profile, b] - cumulative[table.profile, a])
    denominator = np.bincount(table.cell, expected, minlength=len(target))
    ratio = np.divide(target, denominator, out=np.zeros_like(target), where=denominator > 0)
    return _Month(days, factors, a, b, ratio[table.cell] * table.weight)


def _chunks(rows: np.ndarray, limit: int) -> list[np.ndarray]:
    """Meter indices with rows, cut in runs of about ``limit`` rows (a meter is never split)."""
    read = np.flatnonzero(rows > 0)
    if not len(read):
        return []
    group = (np.cumsum(rows[read]) - 1) // limit
    return np.split(read, np.flatnonzero(np.diff(group)) + 1)


@dataclass
class _Chunk:
    """Readings of some meters for one month: row → meter (index in the chunk) and day."""

    meter: np.ndarray
    day: np.ndarray
    ids: np.ndarray
    ts: np.ndarray
    kwh: np.ndarray


def _write_month(run: _Run, index: int, label: str, month: _Month, tally: _Tally) -> None:
    folder = run.root / f"month={label}"
    for part, members in enumerate(_chunks((month.b - month.a) * run.per_day, run.rows_per_file)):
        folder.mkdir(exist_ok=True)
        path = folder / f"part-{part:05d}.parquet"
        _write_chunk(run, month, members, (index, part), path, tally)
        tally.files.append(path)
        if run.progress is not None:
            run.progress(tally.clean_rows, run.total_rows)


def _write_chunk(
    run: _Run,
    month: _Month,
    members: np.ndarray,
    key: tuple[int, int],
    path: Path,
    tally: _Tally,
) -> None:
    """Generate, spoil and write one part; its arrays die on return, which bounds memory."""
    chunk = _clean_chunk(run, month, members, np.random.default_rng([run.seed, _READINGS, *key]))
    tally.clean_rows += len(chunk.kwh)
    tally.clean_kwh += float(chunk.kwh.sum())
    faults = np.random.default_rng([run.seed, _ANOMALIES, *key])
    ids, ts, kwh = _inject(chunk, month.a[members], month.b[members], run.rates, faults, tally)
    _write_part(path, ids, ts, kwh)
    tally.rows += len(kwh)


def _clean_chunk(run: _Run, month: _Month, members: np.ndarray, rng: np.random.Generator) -> _Chunk:
    """Readings of the meters ``members`` for the month, meter by meter in time order."""
    keys, per_day, n_days = run.table.keys, run.per_day, len(month.days)
    a, b = month.a[members], month.b[members]
    active = (np.arange(n_days) >= a[:, None]) & (np.arange(n_days) < b[:, None])
    profile = run.table.profile[members]
    factors = month.factors[profile] * active
    sigma = np.array([PROFILES[k].noise for k in keys])[profile]
    daily = rng.standard_normal(factors.shape)  # in place below: a chunk is large
    daily *= sigma[:, None]
    np.exp(daily, out=daily)
    daily *= factors
    daily *= (month.scale[members] * factors.sum(axis=1) / daily.sum(axis=1))[:, None]
    del factors
    pairs = np.flatnonzero(active)
    meter, day = np.divmod(pairs, n_days)
    values = daily.ravel()[pairs]
    del daily, pairs
    ids = run.table.ids[members][meter]
    ts = month.days[day] * US_PER_DAY
    if per_day > 1:
        values = _intraday(values, keys, profile[meter], sigma[meter], rng).ravel()
        ts = (ts[:, None] + np.arange(per_day) * (US_PER_DAY // per_day)).ravel()
        meter, day, ids = (np.repeat(x, per_day) for x in (meter, day, ids))
    return _Chunk(meter=meter, day=day, ids=ids, ts=ts, kwh=values)


def _intraday(
    daily: np.ndarray,
    keys: tuple[str, ...],
    profile: np.ndarray,
    sigma: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Split each day's kWh over 96 quarter hours by the sector's load shape, with noise."""
    shapes = np.array([LOAD_SHAPES[PROFILES[k].shape] for k in keys])[profile]
    shares = shapes * np.exp(sigma[:, None] * rng.standard_normal(shapes.shape))
    shares /= shares.sum(axis=1, keepdims=True)
    return daily[:, None] * shares


def _outages(
    chunk: _Chunk, a: np.ndarray, b: np.ndarray, rates: AnomalyRates, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, int]:
    """Rows read as zero and rows not sent, over outages of a few whole days within [a, b)."""
    hit = np.flatnonzero(rng.random(len(a)) < rates.outage)
    start = a[hit] + np.floor(rng.random(len(hit)) * (b[hit] - a[hit])).astype(np.int64)
    length = rng.integers(*OUTAGE_DAYS, size=len(hit), endpoint=True)
    reads_zero = rng.random(len(hit)) < rates.outage_zero_share
    event = np.full(len(a), -1)
    event[hit] = np.arange(len(hit))
    rows = np.flatnonzero(event[chunk.meter] >= 0)
    which = event[chunk.meter[rows]]
    offset = chunk.day[rows] - start[which]
    inside = (offset >= 0) & (offset < length[which])
    zero = np.zeros(len(chunk.kwh), dtype=bool)
    dark = np.zeros(len(chunk.kwh), dtype=bool)
    zero[rows[inside & reads_zero[which]]] = True
    dark[rows[inside & ~reads_zero[which]]] = True
    return zero, dark, len(hit)


def _inject(
    chunk: _Chunk,
    a: np.ndarray,
    b: np.ndarray,
    rates: AnomalyRates,
    rng: np.random.Generator,
    tally: _Tally,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inject outages, then disjoint missing / spike / negative / duplicate readings."""
    zero, dark, events = _outages(chunk, a, b, rates, rng)
    kwh = chunk.kwh
    kwh[zero] = 0.0
    outage_rows = np.flatnonzero(zero | dark)
    eligible = len(kwh) - len(outage_rows)
    wanted = rng.binomial(eligible, [rates.missing, rates.spike, rates.negative, rates.duplicate])
    wanted = np.maximum(0, np.minimum(wanted, eligible - np.cumsum(wanted) + wanted))
    picks = np.sort(rng.choice(eligible, size=int(wanted.sum()), replace=False))
    # the k-th eligible row is k plus the outage rows at or before it
    chosen = picks + np.searchsorted(outage_rows - np.arange(len(outage_rows)), picks, "right")
    chosen = rng.permutation(chosen)
    missing, spike, negative, duplicate = np.split(chosen, np.cumsum(wanted)[:-1])
    kwh[spike] *= rng.uniform(*SPIKE_FACTOR, size=len(spike))
    kwh[negative] = -kwh[negative]
    tally.outages += events
    tally.outage_zero_rows += int(zero.sum())
    tally.outage_missing_rows += int(dark.sum())
    tally.missing_rows += len(missing)
    tally.spike_rows += len(spike)
    tally.negative_rows += len(negative)
    tally.duplicate_rows += len(duplicate)
    if not (dark.any() or len(missing) or len(duplicate)):
        return chunk.ids, chunk.ts, kwh
    copies = np.where(dark, 0, 1).astype(np.uint8)
    copies[missing] = 0
    copies[duplicate] = 2
    return np.repeat(chunk.ids, copies), np.repeat(chunk.ts, copies), np.repeat(kwh, copies)


def _write_part(path: Path, ids: np.ndarray, ts: np.ndarray, kwh: np.ndarray) -> None:
    table = pa.Table.from_arrays(
        [pa.array(ids), pa.array(ts.view("datetime64[us]")), pa.array(kwh)],
        schema=READING_SCHEMA,
    )
    pq.write_table(table, path, compression=COMPRESSION, row_group_size=ROW_GROUP_ROWS)


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
) -> pd.DataFrame:
    """Hourly plant dispatch (调度数据) ``unit_id, county, hour, mwh, fuel`` of the units of
    :func:`synth_units` from ``start`` to ``end`` (inclusive).

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
            unit.fuel, hours, np.random.default_rng([seed, _DISPATCH, int(unit.county), number])
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


def _capacity_factor(fuel: str, hours: np.ndarray, rng: np.random.Generator) -> np.ndarray:
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
        return np.clip(factor, MIN_STABLE_LOAD, 1.0) * _maintenance(hours, rng)
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
