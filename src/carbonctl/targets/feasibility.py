"""Feasibility flags of allocations (可行性提示): a region whose intensity may rise under a
method (its reduction is negative), and a reduction above the largest five-year intensity fall
that any region has achieved in the inventory history (the record is computed from the data)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "FLAGS",
    "RECORD",
    "RECORD_SPAN",
    "RISE",
    "IntensityRecord",
    "feasibility_flags",
    "largest_intensity_fall",
]

#: A five-year plan's span: the record is the largest fall over this many years.
RECORD_SPAN = 5
#: The region's intensity may rise (r_i < 0).
RISE = "rise"
#: The reduction exceeds the largest five-year fall any region has achieved.
RECORD = "record"
#: Flag -> (Chinese, English) words for pages and exports.
FLAGS: dict[str, tuple[str, str]] = {
    RISE: ("强度可能上升", "intensity may rise"),
    RECORD: ("超过历史最大降幅", "beyond any past fall"),
}


@dataclass(frozen=True)
class IntensityRecord:
    """The largest intensity fall over ``span`` years of any region in a history (历史最大五年
    降幅): ``fall`` = 1 − I_end / I_start, I = CO2 / GDP at constant prices."""

    fall: float
    region: str
    start_year: int
    end_year: int
    span: int = RECORD_SPAN


def largest_intensity_fall(
    history: pd.DataFrame, span: int = RECORD_SPAN
) -> IntensityRecord | None:
    """The largest fall of CO2 intensity over ``span`` years of any region in ``history``
    (``region, year, gdp_constant, co2_tco2``; any units, the same in every row):

        fall(i, t) = 1 − (C_i,t / G_i,t) / (C_i,t−span / G_i,t−span),   record = max fall

    Rows without CO2 or with GDP not above 0 are left out; None when no region has two usable
    years ``span`` apart (the history is too short to say)."""
    usable = history[
        history["co2_tco2"].notna()
        & history["gdp_constant"].notna()
        & (history["gdp_constant"].astype(float) > 0)
    ]
    frame = pd.DataFrame(
        {
            "region": usable["region"].astype(str).to_numpy(),
            "year": usable["year"].astype(int).to_numpy(),
            "intensity": (
                usable["co2_tco2"].astype(float) / usable["gdp_constant"].astype(float)
            ).to_numpy(),
        }
    )
    earlier = frame.assign(year=frame["year"] + span)
    pairs = frame.merge(earlier, on=["region", "year"], suffixes=("", "_start"))
    pairs = pairs[pairs["intensity_start"] > 0]
    if pairs.empty:
        return None
    falls = 1.0 - pairs["intensity"] / pairs["intensity_start"]
    best = pairs.loc[falls.idxmax()]
    return IntensityRecord(
        fall=float(falls.max()),
        region=str(best["region"]),
        start_year=int(best["year"]) - span,
        end_year=int(best["year"]),
        span=span,
    )


def feasibility_flags(comparison: pd.DataFrame, record: IntensityRecord | None) -> pd.DataFrame:
    """A flag for each region × method of a comparison (``method, region, reduction`` …; rows
    of a method that failed have no reduction and no flag):

    - :data:`RISE` where r_i < 0 (the region's intensity may rise under the method);
    - :data:`RECORD` where r_i > ``record.fall`` (more than any region has achieved in five
      years); never when ``record`` is None (the history cannot tell).

    Returns ``method, region, reduction, flag`` (flag None where neither applies), in the
    comparison's order.
    """
    reduction = comparison["reduction"].astype(float).to_numpy()
    with np.errstate(invalid="ignore"):
        rise = reduction < 0
        beyond = reduction > record.fall if record is not None else np.zeros(len(reduction), bool)
    flag = [RISE if r else RECORD if b else None for r, b in zip(rise, beyond, strict=True)]
    return pd.DataFrame(
        {
            "method": comparison["method"].to_numpy(),
            "region": comparison["region"].astype(str).to_numpy(),
            "reduction": reduction,
            # an object Series, so that "no flag" stays None (from a plain list or array
            # pandas would infer strings, with NaN for the missing ones)
            "flag": pd.Series(flag, dtype=object),
        }
    )
