"""The template filter ``quantity``: ``{% load display %}{{ value|quantity:"10^4 t" }}`` shows a
stored value (t, tce, kWh, or a fraction) in a unit people read, through
:func:`carbonctl.display.format_quantity`. ``"10^4 t:2"`` asks for two decimals; units are
spelt in ASCII (``carbonctl.display.DISPLAY_ALIASES``) or as their Chinese names."""

from __future__ import annotations

from django import template

from carbonctl.display import format_quantity

register = template.Library()


@register.filter
def quantity(value, unit: str) -> str:
    """``value`` in ``unit`` (``"10^4 t"``, ``"10^8 kWh"``, ``"%"`` …, optionally ``":2"``)."""
    name, _, decimals = str(unit).partition(":")
    return format_quantity(
        None if value in (None, "") else float(value), name, int(decimals) if decimals else None
    )
