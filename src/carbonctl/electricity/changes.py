"""Year-on-year change (同比变化) of estimates, keyed by sector or region: what the sector table
and the county map of the electricity–carbon page show."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

__all__ = ["year_on_year"]


def year_on_year(now: Mapping[str, float], before: Mapping[str, float]) -> pd.Series:
    """Change on the same period of last year, g = C_t / C_{t−1} − 1, for every key of ``now``
    (a fraction: −0.038 is a 3.8 % fall). NaN where last year has no positive value."""
    current = pd.Series(now, dtype=float)
    previous = pd.Series(before, dtype=float).reindex(current.index)
    known = previous > 0
    return pd.Series(
        np.where(known, current / previous.where(known, 1.0) - 1.0, np.nan), index=current.index
    )
