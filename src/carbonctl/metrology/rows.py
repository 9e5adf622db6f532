"""The data-quality tier of each row of an accounting input (subject, period, category, item)
from a meter register: which metered carrier the row's fuel or item is (refdata
``activity_carriers``), and whether the enterprise has a unit-level meter of that carrier with a
calibration valid over the row's period (:func:`carbonctl.metrology.tiers.tier_of`)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from functools import cache

import pandas as pd

from carbonctl.metrology.tiers import activity_tiers, tier_table
from carbonctl.refdata import fuel_index, load_table, normalise_name

__all__ = [
    "carrier_of",
    "carrier_table",
    "parse_tier",
    "period_dates",
    "row_tiers",
    "tier_spellings",
]

#: The level whose meters measure what enters or leaves the unit (进出用能单位): the level of
#: the amounts an enterprise reports.
UNIT_LEVEL = "unit"


def carrier_table() -> pd.DataFrame:
    """item, category, measures (a ``meter_terms`` carrier), status, source, note."""
    return load_table("activity_carriers")


@cache
def _carriers() -> tuple[dict[str, str], dict[str, str]]:
    """(fuel_id -> carrier for combustion rows, category -> carrier for other categories)."""
    table = carrier_table()
    fuels = table[table["category"] == "combustion"]
    others = table[table["category"] != "combustion"]
    return dict(zip(fuels["item"], fuels["measures"], strict=True)), dict(
        zip(others["category"], others["measures"], strict=True)
    )


def carrier_of(category: object, item: object) -> str | None:
    """The metered carrier of a row (``coal``, ``natural_gas``, ``electricity``, ``steam`` …), or
    None when no meter measures it (a process material, a fuel without a carrier such as 焦油):
    such a row is ``estimated``. Combustion rows by fuel (any name of refdata ``fuels``),
    electricity and heat rows by category."""
    by_fuel, by_category = _carriers()
    category = str(category).strip().lower()
    if category == "combustion":
        fuel = fuel_index().get(normalise_name(item))
        return by_fuel.get(fuel) if fuel else None
    return by_category.get(category)


_PERIOD = re.compile(r"^(\d{4})(?:-(\d{1,2}))?$")


def period_dates(period: object) -> tuple[dt.date, dt.date]:
    """First and last day of a canonical period: ``2023`` (the year) or ``2023-06`` (the
    month)."""
    match = _PERIOD.match(str(period).strip())
    if match is None:
        raise ValueError(f"period {period!r} is neither a year nor a month (2023, 2023-06)")
    year = int(match.group(1))
    if match.group(2) is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    month = int(match.group(2))
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _spell(text: object) -> str:
    return unicodedata.normalize("NFKC", str(text)).strip().lower()


@cache
def tier_spellings() -> dict[str, str]:
    """Accepted spellings of a tier (its key, Chinese and English name, NFKC, any case) ->
    key."""
    out: dict[str, str] = {}
    for key, row in tier_table().iterrows():
        for word in (key, row["name_zh"], row["name_en"]):
            out[_spell(word)] = str(key)
    return out


def parse_tier(value: object) -> str | None:
    """The tier key of a spelling, or None when it is not one."""
    return tier_spellings().get(_spell(value))


def row_tiers(
    rows: pd.DataFrame, meters: pd.DataFrame, *, enterprise: str = "subject"
) -> pd.DataFrame:
    """``measures`` (the row's carrier or None) and ``tier`` of each row (aligned with ``rows``).

    ``rows``: the column ``enterprise`` (matched, ignoring case, to the register's enterprise:
    the credit code), ``period`` (2023 or 2023-06), ``category`` and ``item``; ``meters``: a
    checked register (:func:`carbonctl.metrology.check_meters`). Only meters at the unit level
    (进出用能单位) count, installed by the end of the period:

    - ``metered_calibrated``: one of them has a calibration covering the whole period (valid
      through its due date);
    - ``metered``: there is one, but no calibration covers the period;
    - ``estimated``: none, or the row has no metered carrier.
    """
    measures = [carrier_of(c, i) for c, i in zip(rows["category"], rows["item"], strict=True)]
    dates = [period_dates(p) for p in rows["period"]]
    keyed = pd.DataFrame(
        {
            "enterprise": [str(e).strip().upper() for e in rows[enterprise]],
            "measures": [m if m is not None else "" for m in measures],
            "start": [d[0] for d in dates],
            "end": [d[1] for d in dates],
        },
        index=rows.index,
    )
    unit = meters[meters["level"] == UNIT_LEVEL]
    unit = unit.assign(enterprise=[str(e).strip().upper() for e in unit["enterprise"]])
    tiers = activity_tiers(keyed, unit)
    carriers = pd.Series(measures, index=rows.index, dtype=object)
    return pd.DataFrame({"measures": carriers.where(carriers.notna(), None), "tier": tiers})
