"""Factor-sets API: the named factor sets and one set's fuel parameters, with status and source."""

from __future__ import annotations

from ninja import Router, Schema

from carbonctl import refdata
from carbonctl.web.api_auth import API_AUTH, ErrorOut

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


@router.get("", response={200: list[FactorSetOut], 401: ErrorOut})
def list_factor_sets(request):
    """Every factor set available to the accounting engine."""
    return refdata.factor_sets()


@router.get("/fuels", response={200: list[FuelFactorOut], 401: ErrorOut, 404: ErrorOut})
def fuel_factors(request, code: str):
    """Default fuel parameters of one factor set (``code``, e.g. GB/T 32150-2015); an unknown
    code is a 404 naming the closest codes."""
    frame = refdata.fuel_factors(code).reset_index()
    frame = frame.astype(object).where(frame.notna(), None)
    return frame.to_dict(orient="records")
