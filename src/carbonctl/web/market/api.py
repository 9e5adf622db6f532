"""Carbon market API: the ETS units the caller may see, with one year's allocation, verified
emissions and compliance, a page at a time."""

from __future__ import annotations

from typing import Annotated

from django.http import Http404
from ninja import Query, Router, Schema
from pydantic import Field

from carbonctl.web.accounts.permissions import can_view_market
from carbonctl.web.api_auth import API_AUTH
from carbonctl.web.api_errors import AUTH_ERRORS, errors
from carbonctl.web.api_params import Year
from carbonctl.web.audit.services import record_denial
from carbonctl.web.market import services

router = Router(tags=["market 碳市场"], auth=API_AUTH)

PER_PAGE = 100


class UnitOut(Schema):
    id: int
    unit_id: str
    enterprise: int
    enterprise_name: str
    county: str
    category: str
    capacity_mw: float
    pre_allocation_t: float | None
    final_allocation_t: float | None
    settlement_t: float | None
    verified_t: float | None
    required_surrender_t: float | None
    ccer_used_t: float | None
    shortfall_t: float | None
    surplus_t: float | None
    status: str
    flags: list[str]


class UnitsOut(Schema):
    year: int | None
    page: int
    pages: int
    count: int
    units: list[UnitOut]


class UnitsQuery(Schema):
    year: Year | None = None
    page: Annotated[int, Field(ge=1, le=100000, examples=[1])] = 1


@router.get("/units", response={200: UnitsOut, **errors(*AUTH_ERRORS, 404)})
def list_units(request, params: Query[UnitsQuery]):
    """ETS units in the caller's scope (province staff all, officials their region's, a
    reporter its own enterprise's, a verifier its assigned ones) with ``year``'s figures
    (default: the latest year with output); 100 a page. 404 for roles without the market."""
    if not can_view_market(request.user):
        record_denial(request, "market.EtsUnit", "", "role without the market")
        raise Http404
    years = services.years_for(request.user)
    year = params.year or (years[0] if years else None)
    rows = services.board(request.user, year)["rows"] if year else []
    pages = max(1, -(-len(rows) // PER_PAGE))
    chosen = rows[(params.page - 1) * PER_PAGE : params.page * PER_PAGE]
    return {
        "year": year,
        "page": params.page,
        "pages": pages,
        "count": len(rows),
        "units": [
            {
                "id": r.unit.pk,
                "unit_id": r.unit.unit_id,
                "enterprise": r.unit.enterprise_id,
                "enterprise_name": r.unit.enterprise.name_zh,
                "county": r.unit.enterprise.county_id,
                "category": r.unit.category,
                "capacity_mw": r.unit.capacity_mw,
                "pre_allocation_t": r.pre_t,
                "final_allocation_t": r.final_t,
                "settlement_t": r.settlement_t,
                "verified_t": r.verified_t,
                "required_surrender_t": r.compliance.required_t if r.compliance else None,
                "ccer_used_t": r.compliance.ccer_used_t if r.compliance else None,
                "shortfall_t": r.compliance.shortfall_t if r.compliance else None,
                "surplus_t": r.compliance.surplus_t if r.compliance else None,
                "status": r.status or "not_computed",
                "flags": r.flags,
            }
            for r in chosen
        ],
    }
