"""The template filter ``quantity``: ``{% load display %}{{ value|quantity:"10^4 t" }}`` shows a
stored value (t, tce, kWh, or a fraction) in a unit people read, through
:func:`carbonctl.display.format_quantity`. ``"10^4 t:2"`` asks for two decimals, ``"10^4 t:2g"``
adds thousands separators (``12,345.67``; a ``g`` alone keeps the unit's decimals); units are
spelt in ASCII (``carbonctl.display.DISPLAY_ALIASES``) or as their Chinese names."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from django import template

from carbonctl.display import MISSING, format_quantity

register = template.Library()


@register.filter
def quantity(value, unit: str) -> str:
    """``value`` in ``unit`` (``"10^4 t"``, ``"10^8 kWh"``, ``"%"`` …, optionally ``":2"`` or
    ``":2g"``)."""
    name, _, decimals = str(unit).partition(":")
    grouping = decimals.endswith("g")
    decimals = decimals.removesuffix("g")
    return format_quantity(
        None if value in (None, "") else float(value),
        name,
        int(decimals) if decimals else None,
        grouping=grouping,
    )


@register.filter
def number(value, decimals: int = 0) -> str:
    """``{{ amount|number:1 }}``: a plain number (an amount in its own unit) with thousands
    separators and ``decimals`` places, rounded half up; a missing value as ``–``."""
    if value in (None, ""):
        return MISSING
    shown = float(value)
    if math.isnan(shown):
        return MISSING
    rounded = Decimal(repr(shown)).quantize(Decimal(1).scaleb(-int(decimals)), ROUND_HALF_UP)
    return f"{abs(rounded) if rounded == 0 else rounded:,f}"
