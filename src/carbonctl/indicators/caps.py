"""Total-emission control (总量控制): a cap on CO2 and how much of it has been used.

Under dual control the total is auxiliary in the 15th plan and becomes the main control after
the peak (国办发〔2024〕39号; 晋政办发〔2024〕53号). Caps and uses are in tCO2.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from numbers import Real

import numpy as np
import pandas as pd

from carbonctl.errors import InputError

__all__ = ["CapUse", "cap_use", "cap_use_table"]


@dataclass(frozen=True)
class CapUse:
    """One cap and its use (总量控制): remaining = cap − used, share_used = used / cap.

    ``remaining`` is negative and ``share_used`` above 1 when the cap is exceeded.
    """

    cap_tco2: float
    used_tco2: float
    remaining_tco2: float
    share_used: float

    @property
    def exceeded(self) -> bool:
        """True when more than the cap has been emitted (超总量)."""
        return self.used_tco2 > self.cap_tco2


def _number(value: object, name: str, *, positive: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise InputError(f"{name} {value!r} is not a number", column=name)
    if (positive and value <= 0) or (not positive and value < 0):
        raise InputError(
            f"{name} {value!r} is {'not positive' if positive else 'negative'}",
            column=name,
            expected="tCO2 > 0" if positive else "tCO2 ≥ 0",
        )
    return float(value)


def cap_use(cap_tco2: float, used_tco2: float) -> CapUse:
    """Use of a total-emission cap: remaining = cap − used; share used = used / cap."""
    cap = _number(cap_tco2, "cap_tco2", positive=True)
    used = _number(used_tco2, "used_tco2", positive=False)
    return CapUse(cap, used, cap - used, used / cap)


def cap_use_table(
    emissions: pd.DataFrame,
    caps: Mapping[str, float],
    years: range,
    *,
    co2: str = "co2_tco2",
) -> pd.DataFrame:
    """Cap use per region over ``years`` (e.g. range(2026, 2031) for a five-year cap, or one year).

    ``emissions`` is long (region, year, co2_tco2); ``caps`` maps region → cap in tCO2. Returns one
    row per capped region: region, cap_tco2, used_tco2 (sum over ``years``; 0 for a region with
    no rows), remaining_tco2, share_used, years_reported (how many of ``years`` have data).
    """
    for column in ("region", "year", co2):
        if column not in emissions.columns:
            raise InputError(f"table has no column {column!r}", column=column)
    in_period = emissions[emissions["year"].isin(list(years))]
    region = in_period["region"].astype(str)
    used = pd.to_numeric(in_period[co2], errors="coerce").groupby(region).sum(min_count=1)
    reported = in_period["year"].groupby(region).nunique()
    rows = []
    for name, cap in caps.items():
        total = used.get(str(name), np.nan)
        result = cap_use(cap, 0.0 if pd.isna(total) else float(total))
        rows.append(
            {
                "region": str(name),
                "cap_tco2": result.cap_tco2,
                "used_tco2": result.used_tco2,
                "remaining_tco2": result.remaining_tco2,
                "share_used": result.share_used,
                "years_reported": int(reported.get(str(name), 0)),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "region",
            "cap_tco2",
            "used_tco2",
            "remaining_tco2",
            "share_used",
            "years_reported",
        ],
    )
