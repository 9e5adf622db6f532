"""Targets API (目标分解与考核): adopted five-year targets within the caller's scope, the allocation
methods compared on the current data, and the city assessment — the last two for province roles."""

from __future__ import annotations

import math

from django.http import Http404
from ninja import Router, Schema, Status

from carbonctl.errors import CarbonctlError
from carbonctl.targets import METHODS
from carbonctl.web.accounts.permissions import can_read_region_targets, can_view_allocation
from carbonctl.web.accounts.scope import region_or_404, regions_for
from carbonctl.web.api_auth import API_AUTH
from carbonctl.web.api_errors import AUTH_ERRORS, errors, input_problems, invalid_input
from carbonctl.web.api_params import Adcode, Fraction, GrowthRate, Name, Year
from carbonctl.web.audit.services import record_denial
from carbonctl.web.forms import public_message
from carbonctl.web.inventories.services import current_dataset, latest_year
from carbonctl.web.targets import services
from carbonctl.web.targets.models import Target

router = Router(tags=["targets 目标分解与考核"], auth=API_AUTH)

ERRORS = errors(*AUTH_ERRORS, 404)


class TargetOut(Schema):
    region: str
    plan: str
    base_year: int
    reduction: float
    binding: bool
    proposal: int


class MethodOut(Schema):
    name: str
    label_zh: str
    label_en: str
    explain_zh: str
    explain_en: str
    inputs: list[str]
    options: list[str]
    on_platform: bool


class ComparisonRow(Schema):
    method: str
    region: str
    reduction: float | None
    intensity_base: float | None
    intensity_target: float | None
    cap_tco2: float | None
    bound: str | None
    achieved: float | None
    gini_per_capita_cap: float | None
    max_min_per_capita_cap: float | None
    max_min_reduction: float | None
    error: str | None


class ComparisonOut(Schema):
    dataset: str
    synthetic: bool
    plan: str
    target: float
    base_year: int
    growth: float
    rows: list[ComparisonRow]


class AssessedCity(Schema):
    region: str
    rank: int
    score: float
    indicators: dict[str, float]


class AssessmentOut(Schema):
    dataset: str
    synthetic: bool
    year: int
    weights: dict[str, float]
    cities: list[AssessedCity]


def _dataset():
    dataset = current_dataset()
    if dataset is None:
        raise Http404
    return dataset


def _province_only(request, what: str) -> None:
    if not can_view_allocation(request.user):
        record_denial(request, what, "", "province roles only")
        raise Http404


def _regional_roles_only(request) -> None:
    if not can_read_region_targets(request.user):
        record_denial(request, "targets.Target", "", "no regional scope")
        raise Http404


def _target_out(target: Target) -> dict:
    return {
        "region": target.region_id,
        "plan": target.plan,
        "base_year": target.base_year,
        "reduction": target.reduction,
        "binding": target.binding,
        "proposal": target.proposal_id,
    }


def _number(value: object) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


@router.get("/methods", response={200: list[MethodOut], **errors(*AUTH_ERRORS)})
def methods(request):
    """The allocation methods (分解方法): labels, input columns, whether the platform runs them."""
    return [
        {
            "name": m.name,
            "label_zh": m.label_zh,
            "label_en": m.label_en,
            "explain_zh": m.explain_zh,
            "explain_en": m.explain_en,
            "inputs": list(m.inputs),
            "options": list(m.options),
            "on_platform": m.on_platform,
        }
        for m in METHODS.values()
    ]


@router.get("/targets", response={200: list[TargetOut], **ERRORS})
def targets(request, plan: Name | None = None):
    """Adopted targets of ``plan`` (default: the current plan) of the regions the caller sees."""
    _regional_roles_only(request)
    chosen = plan or services.plan_defaults()["plan"]
    rows = Target.objects.filter(plan=chosen, region__in=regions_for(request.user))
    return [_target_out(t) for t in rows]


@router.get("/targets/{adcode}", response={200: list[TargetOut], **ERRORS})
def region_targets(request, adcode: Adcode):
    """Every adopted target of one region (all plans), if the caller may see the region."""
    _regional_roles_only(request)
    region = region_or_404(request, adcode)
    return [_target_out(t) for t in Target.objects.filter(region=region).order_by("plan")]


@router.get("/allocation", response={200: ComparisonOut, **ERRORS})
def allocation(
    request,
    plan: Name | None = None,
    target: Fraction | None = None,
    base_year: Year | None = None,
    growth: GrowthRate | None = None,
):
    """The workbench's methods side by side on the current data (one row per city × method;
    a method that cannot serve the data has its reason in ``error``). ``plan`` is a key of the
    plan registry (default ``15th``), whose base year and national target are the defaults;
    rates are fractions. Province roles only."""
    _province_only(request, "targets.workbench")
    dataset = _dataset()
    try:
        chosen = services.plan_choice(plan=plan, target=target, base_year=base_year, growth=growth)
    except CarbonctlError as exc:
        return Status(422, invalid_input(public_message(exc), input_problems(exc)))
    try:
        long = services.comparison(dataset, chosen["base_year"], chosen["growth"], chosen["target"])
    except CarbonctlError as exc:
        return Status(422, invalid_input(public_message(exc), input_problems(exc)))
    rows = long.drop(columns=["label_zh", "label_en"]).astype(object)
    return {
        "dataset": dataset.code,
        "synthetic": dataset.synthetic,
        **chosen,
        "rows": [{k: _number(v) for k, v in row.items()} for row in rows.to_dict("records")],
    }


@router.get("/assessment", response={200: AssessmentOut, **ERRORS})
def assessment(request, year: Year | None = None):
    """Entropy-TOPSIS assessment of the cities in ``year`` (default: the latest year with data).
    Province roles only."""
    _province_only(request, "targets.assessment")
    dataset = _dataset()
    chosen = year or latest_year(dataset)
    try:
        ranking, result = services.ranking(dataset, chosen)
    except CarbonctlError as exc:
        return Status(422, invalid_input(public_message(exc), input_problems(exc)))
    names = list(services.assessment_indicators().names)
    return {
        "dataset": dataset.code,
        "synthetic": dataset.synthetic,
        "year": chosen,
        "weights": result.weights,
        "cities": [
            {
                "region": row["region"],
                "rank": int(row["rank"]),
                "score": row["score"],
                "indicators": {name: row[name] for name in names},
            }
            for row in ranking.to_dict("records")
        ],
    }
