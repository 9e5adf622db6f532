"""Footprint API: the product carbon footprint studies the caller may see, a page at a time,
and one study as a PACT ProductFootprint (validated against the official schema)."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import Http404
from ninja import Query, Router, Schema
from pydantic import Field

from carbonctl.web.accounts.permissions import can_view_footprints
from carbonctl.web.api_auth import API_AUTH
from carbonctl.web.api_errors import AUTH_ERRORS, errors
from carbonctl.web.audit.services import record_denial
from carbonctl.web.footprint import services

router = Router(tags=["footprint 产品碳足迹"], auth=API_AUTH)

PER_PAGE = 100


class StudyOut(Schema):
    id: int
    enterprise: int
    enterprise_name: str
    credit_code: str
    product: str
    cpc_code: str
    cn_code: str
    industry: str
    declared_unit: str
    declared_amount: float
    boundary: str
    method: str
    period_start: str
    period_end: str
    score_kgco2e: float | None
    grade: str
    verified: bool
    background_version: str
    pact_id: str


class StudiesOut(Schema):
    page: int
    pages: int
    count: int
    studies: list[StudyOut]


class StudiesQuery(Schema):
    page: Annotated[int, Field(ge=1, le=100000, examples=[1])] = 1


def _may_view(request) -> None:
    if not can_view_footprints(request.user):
        record_denial(request, "footprint.FootprintStudy", "", "role without footprints")
        raise Http404


@router.get("/studies", response={200: StudiesOut, **errors(*AUTH_ERRORS, 404)})
def list_studies(request, params: Query[StudiesQuery]):
    """Product carbon footprint studies in the caller's scope (province staff all, officials
    their region's enterprises', a reporter its own enterprise's), 100 a page; ``score_kgco2e``
    per declared unit. 404 for roles without footprints."""
    _may_view(request)
    studies = services.studies_for(request.user).order_by("pk")
    count = studies.count()
    pages = max(1, -(-count // PER_PAGE))
    chosen = studies[(params.page - 1) * PER_PAGE : params.page * PER_PAGE]
    return {
        "page": params.page,
        "pages": pages,
        "count": count,
        "studies": [
            {
                "id": s.pk,
                "enterprise": s.enterprise_id,
                "enterprise_name": s.enterprise.name_zh,
                "credit_code": s.enterprise.credit_code,
                "product": s.product,
                "cpc_code": s.cpc_code,
                "cn_code": s.cn_code,
                "industry": s.industry,
                "declared_unit": s.declared_unit,
                "declared_amount": s.declared_amount,
                "boundary": s.boundary,
                "method": s.method,
                "period_start": s.period_start.isoformat(),
                "period_end": s.period_end.isoformat(),
                "score_kgco2e": s.score,
                "grade": s.grade,
                "verified": s.verified,
                "background_version": s.background.version,
                "pact_id": str(s.pact_id),
            }
            for s in chosen
        ],
    }


@router.get(
    "/studies/{study_id}/pact", response={200: dict[str, Any], **errors(*AUTH_ERRORS, 404, 422)}
)
def study_pact(request, study_id: int):
    """One study in the caller's scope as a PACT (WBCSD Technical Specifications v2)
    ProductFootprint, validated against the official JSON schema before it is sent; 404 for a
    study outside the scope."""
    _may_view(request)
    study = services.study_or_404(request, study_id)
    return services.pact_document(study)
