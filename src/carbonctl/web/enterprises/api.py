"""Enterprises API: the enterprises the caller may see, and one by id."""

from __future__ import annotations

from ninja import Router, Schema

from carbonctl.web.accounts.scope import enterprise_or_404, enterprises_for
from carbonctl.web.api_auth import API_AUTH
from carbonctl.web.api_errors import AUTH_ERRORS, errors
from carbonctl.web.api_params import ObjectId

router = Router(tags=["enterprises 重点企业"], auth=API_AUTH)


class EnterpriseOut(Schema):
    id: int
    credit_code: str
    name_zh: str
    name_en: str
    county: str
    sector: str
    key_industry: str

    @staticmethod
    def resolve_county(enterprise) -> str:
        return enterprise.county_id


@router.get("", response={200: list[EnterpriseOut], **errors(*AUTH_ERRORS)})
def list_enterprises(request):
    """Enterprises within the caller's scope (all for province roles, own region's, or own)."""
    return enterprises_for(request.user)


@router.get("/{enterprise_id}", response={200: EnterpriseOut, **errors(*AUTH_ERRORS, 404)})
def get_enterprise(request, enterprise_id: ObjectId):
    """One enterprise; 404 when it does not exist or is outside the caller's scope."""
    return enterprise_or_404(request, enterprise_id)
