"""The carbon market's pages (碳市场): the ETS compliance board of a year, one unit, and the
verifier's worklist with its form.

Every page shows only :func:`carbonctl.web.market.services.units_for` of its user; a unit
outside it is answered 404 and written to the audit log as a denial, as for a role without the
market pages. A step the user may not take is refused 403, audited."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from carbonctl.web.accounts.permissions import (
    can_manage_market,
    can_verify_emissions,
    can_view_market,
)
from carbonctl.web.accounts.services import verifiers
from carbonctl.web.audit.services import record_denial
from carbonctl.web.exports import xlsx_response
from carbonctl.web.forms import YearField, form_errors, query
from carbonctl.web.market import flags as market_flags
from carbonctl.web.market import services
from carbonctl.web.market.models import (
    Allocation,
    CcerHolding,
    Compliance,
    EtsUnit,
    GreenHolding,
    UnitYear,
    Verification,
)


class BoardQuery(forms.Form):
    year = YearField()
    format = forms.ChoiceField(choices=[("", ""), ("xlsx", "xlsx")], required=False)


#: The board's Excel columns, bilingual like the platform's other exports.
EXPORT_HEADER = [
    "机组编号 unit",
    "企业 enterprise",
    "市 city",
    "机组类别 category",
    "预分配（吨） pre-allocation (t)",
    "最终配额（吨） final allocation (t)",
    "多退少补（吨） settlement (t)",
    "核查排放量（吨） verified emissions (t)",
    "应清缴量（吨） required surrender (t)",
    "CCER 抵销（吨） CCER used (t)",
    "缺口（吨） shortfall (t)",
    "盈余（吨） surplus (t)",
    "状态 status",
    "提示 notes",
]


def _export_rows(rows):
    for r in rows:
        c = r.compliance
        yield [
            r.unit.unit_id,
            r.unit.enterprise.name,
            r.city.name,
            r.unit.get_category_display(),
            r.pre_t,
            r.final_t,
            r.settlement_t,
            r.verified_t,
            c.required_t if c else None,
            c.ccer_used_t if c else None,
            c.shortfall_t if c else None,
            c.surplus_t if c else None,
            r.status_label,
            "；".join(r.flags),
        ]


class ComputeForm(forms.Form):
    year = YearField(required=True)
    step = forms.ChoiceField(choices=[("pre", ""), ("final", ""), ("compliance", "")])


class VerifyForm(forms.Form):
    unit = forms.IntegerField(min_value=1)
    year = YearField(required=True)
    verified_t = forms.FloatField(label=gettext_lazy("核查排放量（tCO2）"), min_value=0)
    generation_mwh = forms.FloatField(
        label=gettext_lazy("核查发电量（MWh）"), min_value=0, required=False
    )
    explanation = forms.CharField(
        label=gettext_lazy("差异说明"), required=False, widget=forms.Textarea, max_length=2000
    )


class AssignForm(forms.Form):
    year = YearField(required=True)
    verifier = forms.IntegerField(min_value=1)


def _may_view(request) -> None:
    if not can_view_market(request.user):
        record_denial(request, "market.EtsUnit", "", "role without the market")
        raise Http404


def _refused(request, object_id: str, what: str) -> HttpResponse:
    record_denial(request, "market.EtsUnit", object_id, what)
    return HttpResponse(
        _("您无权执行此操作。") + f" ({what})", status=403, content_type="text/plain; charset=utf-8"
    )


def _unit_or_404(request, unit_id: int) -> EtsUnit:
    _may_view(request)
    found = services.units_for(request.user).filter(pk=unit_id).first()
    if found is None:
        if EtsUnit.objects.filter(pk=unit_id).exists():
            record_denial(request, "market.EtsUnit", str(unit_id), "outside the user's scope")
        raise Http404
    return found


# --- the board ----------------------------------------------------------------------------------


@login_required
def board(request, errors=None, status=200):
    """The ETS compliance board of a year for the units in scope, with totals by city."""
    _may_view(request)
    params = query(request, BoardQuery)
    years = services.years_for(request.user)
    year = params["year"] or (years[0] if years else None)
    data = services.board(request.user, year) if year else {"rows": [], "cities": [], "total": {}}
    if params["format"] == "xlsx":
        return xlsx_response(
            f"ets-{year}.xlsx", "碳市场 ETS", EXPORT_HEADER, _export_rows(data["rows"])
        )
    return render(
        request,
        "market/board.html",
        {
            "year": year,
            "years": years,
            "may_manage": can_manage_market(request.user),
            "may_verify": can_verify_emissions(request.user),
            "errors": errors or [],
            **data,
        },
        status=status,
    )


@login_required
@require_POST
def compute(request):
    """Compute the pre-allocation, the final allocation or compliance of a year (managers)."""
    _may_view(request)
    if not can_manage_market(request.user):
        return _refused(request, "", "role may not manage the market")
    params = query(request, ComputeForm, request.POST)
    year, step = params["year"], params["step"]
    try:
        if step == "compliance":
            services.compute_compliance(request.user, year)
        else:
            services.compute_allocation(request.user, year, step)
    except services.MarketError as exc:
        request.GET = request.GET.copy()
        request.GET["year"] = str(year)
        return board(request, errors=exc.messages, status=400)
    return redirect(reverse("market:board") + f"?year={year}")


# --- one unit -----------------------------------------------------------------------------------


@login_required
def unit(request, unit_id: int, errors=None, status=200):
    """One unit: its facts, and per year output, allocations, verification and compliance."""
    found = _unit_or_404(request, unit_id)
    allocations = {(a.year, a.stage): a for a in found.allocations.all()}
    verifications = {v.year: v for v in found.verifications.select_related("verifier")}
    compliance = {c.year: c for c in found.compliance.all()}
    assignments = {a.year: a for a in found.assignments.select_related("verifier")}
    years = []
    for output in UnitYear.objects.filter(unit=found).order_by("-year"):
        pre = allocations.get((output.year, Allocation.Stage.PRE))
        final = allocations.get((output.year, Allocation.Stage.FINAL))
        done = compliance.get(output.year)
        stored = [*(pre.flags if pre else []), *(final.flags if final else [])]
        stored += done.flags if done else []
        years.append(
            {
                "output": output,
                "pre": pre,
                "final": final,
                "verification": verifications.get(output.year),
                "compliance": done,
                "status": services.STATUS.get(done.status if done else "", ""),
                "assignment": assignments.get(output.year),
                "flags": market_flags.shown(stored),
            }
        )
    return render(
        request,
        "market/unit.html",
        {
            "unit": found,
            "city": services.city_of(found),
            "years": years,
            "ccer": CcerHolding.objects.filter(enterprise=found.enterprise),
            "green": GreenHolding.objects.filter(enterprise=found.enterprise),
            "may_manage": can_manage_market(request.user),
            "verifiers": verifiers() if can_manage_market(request.user) else [],
            "errors": errors or [],
        },
        status=status,
    )


@login_required
@require_POST
def assign(request, unit_id: int):
    """Assign (or reassign) the verifier of a unit-year (managers)."""
    found = _unit_or_404(request, unit_id)
    if not can_manage_market(request.user):
        return _refused(request, str(unit_id), "role may not assign verifiers")
    params = query(request, AssignForm, request.POST)
    verifier = verifiers().filter(pk=params["verifier"]).first()
    try:
        services.assign_verifier(request.user, found, params["year"], verifier)
    except services.MarketError as exc:
        return unit(request, unit_id, errors=exc.messages, status=400)
    return redirect(reverse("market:unit", args=[found.pk]))


# --- verification -------------------------------------------------------------------------------


@login_required
def verify(request):
    """The verifier's worklist (its assigned unit-years) and the verification form."""
    _may_view(request)
    if not can_verify_emissions(request.user):
        record_denial(request, "market.Verification", "", "role may not verify emissions")
        raise Http404
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        form = VerifyForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            target = services.units_for(request.user).filter(pk=data["unit"]).first()
            if target is None:
                if EtsUnit.objects.filter(pk=data["unit"]).exists():
                    record_denial(
                        request, "market.EtsUnit", str(data["unit"]), "not assigned to verifier"
                    )
                raise Http404
            try:
                services.save_verification(
                    request.user,
                    target,
                    data["year"],
                    data["verified_t"],
                    data["explanation"],
                    output={"generation_mwh": data["generation_mwh"]},
                )
            except services.Refused as exc:
                return _refused(request, str(target.pk), str(exc))
            except services.MarketError as exc:
                errors, status = exc.messages, 400
            else:
                return redirect("market:verify")
        else:
            errors = form_errors(form)
            status = 400
    assignments = list(services.assignment_units(request.user))
    done = {
        (v.unit_id, v.year): v
        for v in Verification.objects.filter(
            unit_id__in=[a.unit_id for a in assignments],
            year__in={a.year for a in assignments},
        )
    }
    reported = {
        (o.unit_id, o.year): o
        for o in UnitYear.objects.filter(
            unit_id__in=[a.unit_id for a in assignments],
            year__in={a.year for a in assignments},
        )
    }
    work = [
        {
            "assignment": a,
            "output": reported.get((a.unit_id, a.year)),
            "verification": done.get((a.unit_id, a.year)),
        }
        for a in assignments
    ]
    return render(
        request,
        "market/verify.html",
        {"work": work, "errors": errors, "limit": f"{services.EXPLAIN_ABOVE:.1%}"},
        status=status,
    )


# --- the enterprise page's section ---------------------------------------------------------------


def section_context(request, enterprise) -> dict:
    units = services.units_for(request.user).filter(enterprise=enterprise)
    latest = {
        c.unit_id: c for c in Compliance.objects.filter(unit__in=units).order_by("unit_id", "year")
    }
    return {
        "units": [
            {
                "unit": u,
                "compliance": latest.get(u.pk),
                "status": services.STATUS[latest[u.pk].status if u.pk in latest else ""],
            }
            for u in units
        ]
    }


def section_visible(request, enterprise) -> bool:
    return services.units_for(request.user).filter(enterprise=enterprise).exists()
