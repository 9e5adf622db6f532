"""The data-quality tier (数据质量等级) of an activity row from how it was measured: by a meter
with a calibration valid over the row's period (``metered_calibrated``), by a meter whose
calibration lapsed (``metered``), or not at all (``estimated``); each tier has a relative
uncertainty (refdata ``activity_data_tiers``) the accounting's Monte Carlo uses."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from carbonctl.refdata import load_table

__all__ = ["TIERS", "activity_tiers", "tier_of", "tier_table"]


def tier_table() -> pd.DataFrame:
    """tier, name_zh, name_en, activity_half_width_95_pct (float), rank, status, source."""
    table = load_table("activity_data_tiers")
    table["activity_half_width_95_pct"] = table["activity_half_width_95_pct"].astype(float)
    return table.set_index("tier")


#: Tiers from the best to the worst.
TIERS: tuple[str, ...] = tuple(tier_table().sort_values("rank").index)


def tier_of(
    start: dt.date, end: dt.date, calibrations: list[tuple[dt.date | None, dt.date | None]]
) -> str:
    """Tier of a row covering ``start``..``end`` (inclusive) measured by meters with
    ``calibrations`` (calibrated_on, due_on) — empty when no meter measures it.

    A calibration covers the row when calibrated_on ≤ start and end ≤ due_on (valid through
    its due date); one covering meter makes the row ``metered_calibrated``.
    """
    if not calibrations:
        return "estimated"
    for calibrated, due in calibrations:
        if calibrated is not None and due is not None and calibrated <= start and end <= due:
            return "metered_calibrated"
    return "metered"


def activity_tiers(rows: pd.DataFrame, meters: pd.DataFrame) -> pd.Series:
    """The tier of each activity row (aligned with ``rows``).

    ``rows``: enterprise, measures (carrier key), start, end (dates); ``meters``: a checked
    register (:func:`carbonctl.metrology.check_meters`: enterprise, measures, calibrated_on,
    due_on). A row is measured by the enterprise's meters of its carrier installed by its end.
    """
    Dates = tuple[dt.date | None, dt.date | None, dt.date | None]
    by_flow: dict[tuple[str, str], list[Dates]] = {}
    for meter in meters.itertuples(index=False):
        by_flow.setdefault((str(meter.enterprise), str(meter.measures)), []).append(
            (meter.calibrated_on, meter.due_on, meter.installed_on)
        )
    tiers = []
    for row in rows.itertuples(index=False):
        found = by_flow.get((str(row.enterprise), str(row.measures)), [])
        installed = [(c, d) for c, d, on in found if on is None or on <= row.end]
        tiers.append(tier_of(row.start, row.end, installed))
    return pd.Series(tiers, index=rows.index, name="tier", dtype=object)
