"""Electricity–carbon API: a region's monthly estimates, and the bulletins' warning signals (the
data source the early-warning engine reads), both within the caller's scope."""

from __future__ import annotations

import math

from django.http import Http404
from ninja import Router, Schema

from carbonctl.web.accounts.aggregates import AggregateLevel
from carbonctl.web.accounts.scope import region_or_404, regions_for, require_aggregates
from carbonctl.web.api_auth import API_AUTH
from carbonctl.web.api_errors import AUTH_ERRORS, errors
from carbonctl.web.api_params import Adcode, Month, Name
from carbonctl.web.electricity import services
from carbonctl.web.electricity.models import Bulletin, Estimate

router = Router(tags=["electricity 电碳快速评估"], auth=API_AUTH)


class EstimateOut(Schema):
    region: str
    sector: str
    month: str
    kind: str
    basis: str
    kwh: float
    tco2: float
    lo: float
    hi: float


class EstimatesOut(Schema):
    assessment: int
    synthetic: bool
    through_year: int
    estimates: list[EstimateOut]


class SignalOut(Schema):
    region: str
    sector: str
    month: str
    indicator: str
    value: float | None
    tco2: float
    source: str


def _assessment():
    assessment = services.current_assessment()
    if assessment is None:
        raise Http404
    return assessment


@router.get("/estimates/{adcode}", response={200: EstimatesOut, **errors(*AUTH_ERRORS, 404)})
def estimates(request, adcode: Adcode, month: Month | None = None, sector: Name | None = None):
    """Monthly and year-to-date CO2 estimates (nowcast, and last year reconciled) of a region."""
    require_aggregates(request, AggregateLevel.OWN_REGION, "electricity.Estimate")
    region = region_or_404(request, adcode)
    assessment = _assessment()
    rows = Estimate.objects.filter(assessment=assessment, region=region)
    if month:
        rows = rows.filter(month=month)
    if sector:
        rows = rows.filter(sector=sector)
    return {
        "assessment": assessment.pk,
        "synthetic": assessment.synthetic,
        "through_year": assessment.through_year,
        "estimates": [
            {
                "region": r.region_id,
                "sector": r.sector,
                "month": r.month,
                "kind": r.kind,
                "basis": r.basis,
                "kwh": r.kwh,
                "tco2": r.tco2,
                "lo": r.lo,
                "hi": r.hi,
            }
            for r in rows.order_by("month", "kind", "sector")
        ],
    }


@router.get("/signals", response={200: list[SignalOut], **errors(*AUTH_ERRORS, 404)})
def signals(request, month: Month | None = None):
    """Year-on-year CO2 change of cities, their sectors and counties from the bulletins (the
    cities the caller may see; 404 for roles without region aggregates)."""
    require_aggregates(request, AggregateLevel.OWN_REGION, "electricity.Bulletin")
    assessment = _assessment()
    bulletins = Bulletin.objects.filter(assessment=assessment, city__in=regions_for(request.user))
    if month:
        bulletins = bulletins.filter(month=month)
    rows = [row for b in bulletins for row in services.bulletin_of(b).signals()]
    return [{**row, "value": None if math.isnan(row["value"]) else row["value"]} for row in rows]
