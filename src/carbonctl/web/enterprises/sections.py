"""Sections of a key unit's page (重点单位页面的栏目) contributed by other apps.

The enterprise page is where an official sees one unit whole: its energy and CO2, its grade,
its ETS account (market), its meters (metrology). Each of those apps registers a section in its
``AppConfig.ready()`` instead of the enterprises app importing them, so the apps stay
independent and a section appears only when its app is installed::

    from carbonctl.web.enterprises.sections import Section, register

    register(Section(
        key="market",
        order=40,
        template="market/unit_section.html",
        context=lambda request, enterprise: {"accounts": ...},
        visible=lambda request, enterprise: True,
    ))

The page renders the visible sections by ``order``; each template gets the page's context plus
what ``context`` returns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Section", "register", "sections_for"]


def _always(_request: Any, _enterprise: Any) -> bool:
    return True


@dataclass(frozen=True)
class Section:
    """One block of the key unit's page."""

    key: str
    order: int
    template: str
    context: Callable[[Any, Any], dict[str, Any]]
    visible: Callable[[Any, Any], bool] = field(default=_always)


_SECTIONS: dict[str, Section] = {}


def register(section: Section) -> None:
    """Add (or replace, on a second ``ready()``) the section named ``section.key``."""
    _SECTIONS[section.key] = section


def sections_for(request: Any, enterprise: Any) -> list[tuple[Section, dict[str, Any]]]:
    """The sections ``request.user`` may see for ``enterprise``, in order, with their context."""
    chosen = sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))
    return [(s, s.context(request, enterprise)) for s in chosen if s.visible(request, enterprise)]
