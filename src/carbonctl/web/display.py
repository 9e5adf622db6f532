"""The template filter ``quantity``: ``{% load display %}{{ value|quantity:"万吨" }}`` shows a
stored value (t, tce, kWh, or a fraction) in a unit people read, through
:func:`carbonctl.display.format_quantity`. ``"万吨:2"`` asks for two decimals."""

from __future__ import annotations

from django import template

from carbonctl.display import format_quantity

register = template.Library()


@register.filter
def quantity(value, unit: str) -> str:
    """``value`` in ``unit`` (``"万吨"``, ``"万千瓦时"``, ``"%"``, optionally ``":decimals"``)."""
    name, _, decimals = str(unit).partition(":")
    return format_quantity(
        None if value in (None, "") else float(value), name, int(decimals) if decimals else None
    )
