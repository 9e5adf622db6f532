"""The template filter ``may``: ``{% load access %}{% if user|may:"view_overview" %}`` asks the
capability table (:data:`carbonctl.web.accounts.permissions.ALLOWED`), so the menu shows only
links the user can open (design/UI.md: "show only what the user may do")."""

from __future__ import annotations

from django import template

from carbonctl.web.accounts.permissions import Capability, has

register = template.Library()


@register.filter
def may(user, capability: str) -> bool:
    """Whether ``user`` has ``capability`` (a :class:`Capability` value) anywhere."""
    return has(user, Capability(capability))
