"""Regions API: list (filter by level or parent) and one region by adcode."""

from __future__ import annotations

from typing import Literal

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from carbonctl.web.api_auth import ErrorOut
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


class InvalidQuery(Schema):
    detail: list[dict]


@router.get("", response={200: list[RegionOut], 422: InvalidQuery})
def list_regions(
    request,
    level: Literal["province", "city", "county"] | None = None,
    parent: str | None = None,
):
    """Shanxi's regions; ``level`` = province|city|county, ``parent`` = a parent adcode."""
    regions = Region.objects.all()
    if level:
        regions = regions.filter(level=level)
    if parent:
        regions = regions.filter(parent_id=parent)
    return regions


@router.get("/{adcode}", response={200: RegionOut, 404: ErrorOut})
def get_region(request, adcode: str):
    """One region by its 6-digit adcode."""
    return get_object_or_404(Region, adcode=adcode)
