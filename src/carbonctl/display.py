"""Quantities for people (数值显示): emissions in 万吨 (10^4 t), electricity in 万千瓦时 or
亿千瓦时, shares and changes in %, each with the number of decimals officials read them with.

carbonctl stores tonnes, kWh, tce and fractions; this module is the one place they are scaled for
display, through :mod:`carbonctl.units` (pint), so no page, chart or command multiplies by 10^4.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

import pandas as pd

from carbonctl.errors import UnitError
from carbonctl.units import conversion_factor, ureg

__all__ = [
    "DISPLAY_ALIASES",
    "DISPLAY_UNITS",
    "MISSING",
    "DisplayUnit",
    "format_quantity",
    "to_display",
    "to_display_table",
]


@dataclass(frozen=True)
class DisplayUnit:
    """A unit people read: the unit values are stored in, and the decimals shown by default."""

    name: str
    stored: str
    decimals: int
    #: written after the number ("12.3%"); other units belong in the column header
    suffix: str = ""


#: Display units by name. Stored units: tonnes (t, tCO2), tce, kWh, and fractions for %.
DISPLAY_UNITS: dict[str, DisplayUnit] = {
    unit.name: unit
    for unit in (
        DisplayUnit("万吨", "t", 0),  # totals of a region (headline, trend tables)
        DisplayUnit("吨", "t", 1),
        DisplayUnit("Mt", "t", 2),  # million tonnes, as CEADs publishes inventories
        DisplayUnit("万吨标准煤", "tce", 2),
        DisplayUnit("吨标准煤", "tce", 0),  # a project's or an enterprise's energy
        DisplayUnit("万千瓦时", "kWh", 2),
        DisplayUnit("亿千瓦时", "kWh", 2),
        DisplayUnit("%", "fraction", 1, suffix="%"),  # shares and year-on-year changes
    )
}

#: ASCII spellings of the display units, as the English pages write them; templates use these
#: (every Chinese word in a template goes through translation).
DISPLAY_ALIASES: dict[str, str] = {
    "10^4 t": "万吨",
    "t": "吨",
    "10^4 tce": "万吨标准煤",
    "tce": "吨标准煤",
    "10^4 kWh": "万千瓦时",
    "10^8 kWh": "亿千瓦时",
}

#: What is shown for a missing value (None or NaN).
MISSING = "–"


def _unit(name: str) -> DisplayUnit:
    try:
        return DISPLAY_UNITS[DISPLAY_ALIASES.get(name, name)]
    except KeyError:
        known = [*DISPLAY_UNITS, *DISPLAY_ALIASES]
        raise UnitError(name, f"a display unit: {', '.join(known)}") from None


@lru_cache(maxsize=64)
def _scale(name: str) -> tuple[str, float]:
    """How to turn a stored value into ``name``: ("divide", size of the display unit in stored
    units) or ("multiply", stored unit in display units) — whichever factor is ≥ 1, so a power
    of ten is exact and 12345 t shows as 1.2345 万吨, not 1.2345000000000002."""
    unit = _unit(name)
    if unit.stored == "fraction":
        factor = float(ureg.Quantity(1, "dimensionless").to("percent").magnitude)
        return "multiply", factor
    size = conversion_factor(unit.name, unit.stored)
    if size >= 1:
        return "divide", size
    return "multiply", conversion_factor(unit.stored, unit.name)


def to_display(value: float | None, unit: str, decimals: int | None = None) -> float | None:
    """``value`` (in the unit carbonctl stores: t, tce, kWh, or a fraction for %) expressed in
    the display ``unit``, rounded to ``decimals`` when given (for charts); None stays None and
    NaN becomes None (JSON has no NaN)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    how, factor = _scale(unit)
    shown = value / factor if how == "divide" else value * factor
    return round(shown, decimals) if decimals is not None else shown


def to_display_table(table: pd.DataFrame, unit: str, decimals: int | None = None) -> list:
    """Every cell of ``table`` through :func:`to_display`, as nested lists (rows) for chart
    JSON: the chart's numbers arrive in the display unit, so no script scales them."""
    return [[to_display(v, unit, decimals) for v in row] for row in table.to_numpy().tolist()]


def format_quantity(
    value: float | None, unit: str, decimals: int | None = None, *, grouping: bool = False
) -> str:
    """``value`` (stored unit) as text in the display ``unit``: ``format_quantity(65_864_000,
    "万吨")`` is ``"6586"``, ``format_quantity(-0.0381, "%")`` is ``"-3.8%"``.

    Rounded half up (四舍五入) on the shortest decimal form of the number, as Django's
    ``floatformat`` does, to ``decimals`` (the unit's default when None); ``grouping`` adds
    thousands separators (``6,586``). Missing values are shown as :data:`MISSING`.
    """
    shown = to_display(value, unit)
    if shown is None:
        return MISSING
    spec = _unit(unit)
    places = spec.decimals if decimals is None else decimals
    rounded = Decimal(repr(shown)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0.0"
    text = f"{rounded:,f}" if grouping else f"{rounded:f}"
    return text + spec.suffix
