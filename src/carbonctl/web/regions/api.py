"""Regions API: list (filter by level or parent) and one region by adcode."""

from __future__ import annotations

from typing import Literal

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from carbonctl.web.api_errors import errors
from carbonctl.web.api_params import Adcode
from carbonctl.web.regions.models import Region

router = Router(tags=["regions 行政区划"])


class RegionOut(Schema):
    adcode: str
    level: str
    name_zh: str
    name_en: str
    parent: str | None
    status: str

    @staticmethod
    def resolve_parent(region: Region) -> str | None:
        return region.parent_id


@router.get("", response={200: list[RegionOut], **errors()})
def list_regions(
    request,
    level: Literal["province", "city", "county"] | None = None,
    parent: Adcode | None = None,
):
    """Shanxi's regions; ``level`` = province|city|county, ``parent`` = a parent adcode."""
    regions = Region.objects.all()
    if level:
        regions = regions.filter(level=level)
    if parent:
        regions = regions.filter(parent_id=parent)
    return regions


@router.get("/{adcode}", response={200: RegionOut, **errors(404)})
def get_region(request, adcode: Adcode):
    """One region by its 6-digit adcode."""
    return get_object_or_404(Region, adcode=adcode)
