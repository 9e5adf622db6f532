"""Factor-sets API: the named factor sets and one set's fuel parameters, with status and source."""

from __future__ import annotations

from ninja import Router, Schema
from ninja.errors import HttpError

from carbonctl import refdata
from carbonctl.errors import UnknownNameError
from carbonctl.web.api_auth import API_AUTH
from carbonctl.web.api_errors import AUTH_ERRORS, errors
from carbonctl.web.api_params import FactorSetCode

router = Router(tags=["factor sets 排放因子集"], auth=API_AUTH)


class FactorSetOut(Schema):
    code: str
    title_zh: str
    title_en: str
    status: str
    source: str


class FuelFactorOut(Schema):
    fuel_id: str
    fuel: str
    unit: str
    ncv_GJ_per_unit: float | None
    cc_tC_per_GJ: float | None
    oxidation_rate: float | None
    status: str
    source: str


@router.get("", response={200: list[FactorSetOut], **errors(*AUTH_ERRORS)})
def list_factor_sets(request):
    """Every factor set available to the accounting engine."""
    return refdata.factor_sets()


@router.get("/fuels", response={200: list[FuelFactorOut], **errors(*AUTH_ERRORS, 404)})
def fuel_factors(request, code: FactorSetCode):
    """Default fuel parameters of one factor set (``code``, e.g. GB/T 32150-2015); an unknown
    code is a 404 naming the known codes (the set asked for does not exist)."""
    try:
        frame = refdata.fuel_factors(code).reset_index()
    except UnknownNameError as exc:
        raise HttpError(404, str(exc)) from exc
    frame = frame.astype(object).where(frame.notna(), None)
    return frame.to_dict(orient="records")
