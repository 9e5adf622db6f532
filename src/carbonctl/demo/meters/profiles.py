"""How the synthetic meters behave (合成电表数据的行业特征): the Parquet contracts of readings and
dispatch, each sector's profile (load shape, season, weekday, Spring Festival), and argument checks
shared by the plan, meter, reading and dispatch generators. Every number is a synthetic
assumption."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Final

import numpy as np
import pandas as pd
import pyarrow as pa

from carbonctl import refdata
from carbonctl.electricity import calendar, schema
from carbonctl.errors import InputError, UnknownNameError

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
