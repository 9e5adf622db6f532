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
from pathlib import Path

import pandas as pd

from carbonctl.errors import InputError, InputErrors
from carbonctl.io.records import Column, read_records
from carbonctl.metrology.tiers import TIERS, activity_tiers, tier_table
from carbonctl.refdata import fuel_index, load_table, normalise_name

__all__ = [
    "carrier_of",
    "carrier_table",
    "parse_tier",
    "period_dates",
    "read_data_tiers",
    "result_tiers",
    "row_tiers",
    "tier_spellings",
    "tiers_summary",
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


_TIER_WORDS = (
    "a data-quality tier: metered_calibrated, metered or estimated (or "
    "计量器具实测（检定/校准有效）, 计量器具实测（检定/校准过期）, 估算（无计量器具）), or blank"
)
#: The optional tier column of an accounting input (数据质量等级).
TIER_COLUMN = Column(
    "data_tier", "text", required=False, blank=True, aliases=("数据质量等级", "数据来源"),
    expected=_TIER_WORDS,
)  # fmt: skip


def read_data_tiers(path: str | Path, *, sheet: str | None = None) -> pd.Series:
    """The tier key written in each row of an accounting input's optional ``data_tier`` column
    (None where blank or when the file has no such column), indexed by spreadsheet row (header
    = row 1, as the activity reader's ``row_id``). :class:`InputErrors` naming file, row and
    column for a value that is not a tier."""
    source = str(path)
    table = read_records(path, [TIER_COLUMN], sheet=sheet)
    errors = []
    keys: list[str | None] = []
    for row, value in table["data_tier"].items():
        blank = value is None or pd.isna(value)  # an absent column is NaN, a blank cell None
        key = None if blank else parse_tier(value)
        if not blank and key is None:
            errors.append(
                InputError(
                    f"data_tier {value!r} is not a tier",
                    file=source,
                    row=int(row),
                    column="data_tier",
                    expected=_TIER_WORDS,
                )
            )
        keys.append(key)
    if errors:
        raise InputErrors(errors)
    return pd.Series(keys, index=table.index, name="data_tier", dtype=object)


def result_tiers(
    rows: pd.DataFrame,
    own: pd.Series | None = None,
    meters: pd.DataFrame | None = None,
    *,
    enterprise: str = "subject",
) -> pd.DataFrame:
    """The tier of each accounting row (aligned with ``rows``, which carry ``row_id``):
    ``tier`` (None: the default ranges), ``measures`` and ``tier_from`` — ``input`` when the
    row's own ``data_tier`` (``own``, by row id) gives it, which always wins, ``meters`` when
    derived from the register ``meters`` (:func:`row_tiers`), None otherwise."""
    derived = (
        row_tiers(rows, meters, enterprise=enterprise)
        if meters is not None
        else pd.DataFrame({"measures": None, "tier": None}, index=rows.index, dtype=object)
    )
    given = (
        rows["row_id"].map(own.to_dict()) if own is not None else pd.Series(None, index=rows.index)
    )
    given = given.astype(object).where(given.notna(), None)
    tier, source = [], []
    for mine, theirs in zip(given, derived["tier"], strict=True):
        if mine is not None:
            tier.append(mine)
            source.append("input")
        elif theirs is not None and meters is not None:
            tier.append(theirs)
            source.append("meters")
        else:
            tier.append(None)
            source.append(None)
    return pd.DataFrame(
        {
            "row_id": rows["row_id"].to_numpy(),
            "measures": derived["measures"].to_numpy(),
            "tier": tier,
            "tier_from": source,
        },
        index=rows.index,
        dtype=object,
    )


def tiers_summary(tiers: pd.DataFrame) -> dict[str, object]:
    """JSON-able: each row's tier (row, tier, from, carrier) and the tiers used with their rows,
    activity half-width (95 %), status and source."""
    table = tier_table()
    used: dict[str, dict[str, object]] = {}
    for key in TIERS:
        count = int((tiers["tier"] == key).sum())
        if count:
            used[key] = {
                "rows": count,
                "activity_half_width_95_pct": float(table.at[key, "activity_half_width_95_pct"]),
                "status": str(table.at[key, "status"]),
                "source": str(table.at[key, "source"]),
            }
    return {
        "rows": [
            {"row": int(r.row_id), "tier": r.tier, "from": r.tier_from, "measures": r.measures}
            for r in tiers.itertuples(index=False)
        ],
        "used": used,
    }
