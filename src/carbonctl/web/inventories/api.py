"""Inventories API: a region's CO2 by sector and fuel for a year, and the overview figures."""

from __future__ import annotations

from django.http import Http404
from ninja import Router, Schema

from carbonctl.web.accounts.aggregates import AggregateLevel
from carbonctl.web.accounts.scope import (
    overview_focus,
    region_or_404,
    regions_for,
    require_aggregates,
)
from carbonctl.web.api_auth import API_AUTH
from carbonctl.web.api_errors import AUTH_ERRORS, errors
from carbonctl.web.api_params import Adcode, Year
from carbonctl.web.inventories import services

router = Router(tags=["inventories 区域清单"], auth=API_AUTH)


class Cell(Schema):
    sector: str
    fuel: str
    tco2: float


class InventoryOut(Schema):
    region: str
    year: int
    dataset: str
    synthetic: bool
    factor_set: str
    total_tco2: float
    cells: list[Cell]


def _dataset():
    dataset = services.current_dataset()
    if dataset is None:
        raise Http404
    return dataset


@router.get("/overview", response={200: dict, **errors(*AUTH_ERRORS, 403, 404)})
def overview(request, year: Year | None = None):
    """The overview the caller's role sees (:mod:`carbonctl.web.accounts.aggregates`): the
    province's total, intensity, trend, cities and key industries for province roles; the own
    city or county with the province's total and average (``comparison``) for officials; 404
    for other roles (enterprises, the public)."""
    require_aggregates(request, AggregateLevel.OWN_REGION, "inventories.overview")
    dataset = _dataset()
    chosen = year or services.latest_year(dataset)
    if chosen is None:
        raise Http404
    return services.overview(
        dataset, chosen, regions_for(request.user), focus=overview_focus(request.user)
    )


@router.get("/{adcode}", response={200: InventoryOut, **errors(*AUTH_ERRORS, 403, 404)})
def region_inventory(request, adcode: Adcode, year: Year | None = None):
    """CO2 of a province, city or county by CEADs sector and fuel for a year."""
    region = region_or_404(request, adcode)
    dataset = _dataset()
    chosen = year or services.latest_year(dataset)
    cells = services.region_matrix(dataset, region, chosen)
    return {
        "region": region.adcode,
        "year": chosen,
        "dataset": dataset.code,
        "synthetic": dataset.synthetic,
        "factor_set": dataset.factor_set.code,
        "total_tco2": services.region_matrix_total(dataset, region, chosen),
        "cells": cells,
    }
