"""Calendar facts the electricity patterns need: Spring Festival (春节) dates, 2014–2027.

The holiday week moves between late January and mid-February, so monthly electricity and emissions
in January and February swing with it; generators and seasonal models key on these dates.
Dates are the first day of the lunar new year (农历正月初一), from the public calendar.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

__all__ = ["SPRING_FESTIVAL", "holiday_days", "spring_festival"]

SPRING_FESTIVAL: Final[dict[int, dt.date]] = {
    2014: dt.date(2014, 1, 31),
    2015: dt.date(2015, 2, 19),
    2016: dt.date(2016, 2, 8),
    2017: dt.date(2017, 1, 28),
    2018: dt.date(2018, 2, 16),
    2019: dt.date(2019, 2, 5),
    2020: dt.date(2020, 1, 25),
    2021: dt.date(2021, 2, 12),
    2022: dt.date(2022, 2, 1),
    2023: dt.date(2023, 1, 22),
    2024: dt.date(2024, 2, 10),
    2025: dt.date(2025, 1, 29),
    2026: dt.date(2026, 2, 17),
    2027: dt.date(2027, 2, 6),
}


def spring_festival(year: int) -> dt.date:
    """正月初一 of ``year``; raises ``KeyError`` outside 2014–2027."""
    return SPRING_FESTIVAL[year]


def holiday_days(year: int, before: int = 7, after: int = 15) -> tuple[dt.date, dt.date]:
    """The span of the Spring Festival dip: ``before`` days before 正月初一 to ``after`` days after
    (factories close before the holiday and restart around 元宵节, the 15th day)."""
    day = spring_festival(year)
    return day - dt.timedelta(days=before), day + dt.timedelta(days=after)
