"""The carbon market's services: what a user may see (units in scope), allocations computed by
the core from stored output, verifications by the assigned verifier, compliance by the core,
and the table of the ``ets_shortfall`` warning.

Every write is audited (:func:`carbonctl.web.audit.services.record`) in the transaction of the
change. The arithmetic is :mod:`carbonctl.market`'s: this module builds its input tables from
stored rows and stores its results (with its flags, see :mod:`.flags`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd
from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

import carbonctl.market.rules as rules
from carbonctl.errors import InputErrors
from carbonctl.market import allocate, comply
from carbonctl.market.green import check_holdings
from carbonctl.refdata.grid import grid_factor
from carbonctl.web.accounts.models import Role
from carbonctl.web.accounts.permissions import (
    can_manage_market,
    can_verify_emissions,
    can_view_market,
    role_of,
)
from carbonctl.web.accounts.scope import enterprises_for, scope_of
from carbonctl.web.audit.models import AuditEntry
from carbonctl.web.audit.services import record, snapshot
from carbonctl.web.market import flags as market_flags
from carbonctl.web.market.models import (
    Allocation,
    CcerHolding,
    Compliance,
    EtsUnit,
    GreenHolding,
    UnitYear,
    Verification,
    VerifierAssignment,
)

#: A verified figure further than this share from the reported one must be explained.
EXPLAIN_ABOVE = 0.005

#: The output a verifier may correct (blank: the reported value stands).
VERIFIED_OUTPUT = ("generation_mwh", "supplied_mwh", "heat_supplied_gj")

#: The input values the core may find missing, as the form names them.
VALUE_LABELS = {
    "electricity_benchmark": gettext_lazy("供电（发电）基准值"),
    "heat_benchmark": gettext_lazy("供热基准值"),
    "correction": gettext_lazy("修正系数"),
    "generation_mwh": gettext_lazy("发电量"),
    "supplied_mwh": gettext_lazy("供电量"),
    "heat_supplied_gj": gettext_lazy("供热量"),
    "cooling": gettext_lazy("冷却方式"),
    "unit_category": gettext_lazy("机组类别"),
    "unit_id": gettext_lazy("机组编号"),
}


class MarketError(Exception):
    """A computation refused, with one translated message per problem (unit and value)."""

    def __init__(self, messages: list[str]) -> None:
        self.messages = messages
        super().__init__("; ".join(messages))


class Refused(Exception):
    """A step the user may not take (403), with why (for the audit log)."""


# --- scope ------------------------------------------------------------------------------------


def units_for(user) -> QuerySet[EtsUnit]:
    """The ETS units ``user`` may see: all for the province's staff, the own city's or county's
    for officials, the own enterprise's for a reporter, the assigned ones for a verifier, none
    for others."""
    units = EtsUnit.objects.select_related("enterprise", "enterprise__county")
    if not can_view_market(user):
        return units.none()
    if role_of(user) == Role.VERIFIER:
        return units.filter(assignments__verifier=user).distinct()
    if scope_of(user).everything:
        return units
    return units.filter(enterprise__in=enterprises_for(user))


def city_of(unit: EtsUnit):
    """The city (Region) of a unit's enterprise."""
    county = unit.enterprise.county
    return county if county.level in ("city", "province") else county.parent


def _store(user, model, lookup: dict, defaults: dict, summary: str):
    """Create or update the ``model`` row at ``lookup`` with ``defaults``, audited as a create,
    or as an update with the row as it was before (the caller holds the transaction)."""
    before = model.objects.filter(**lookup).first()
    before_snapshot = snapshot(before) if before else None
    row, _created = model.objects.update_or_create(**lookup, defaults=defaults)
    record(
        user,
        AuditEntry.Action.UPDATE if before else AuditEntry.Action.CREATE,
        row,
        before=before_snapshot,
        after=snapshot(row),
        summary=summary,
    )
    return row


# --- allocation -------------------------------------------------------------------------------


def _unit_row(unit: EtsUnit, output: UnitYear, verified: Verification | None) -> dict:
    """One row of the core's units table; the verified output replaces the reported one where
    the verifier gave it (the final allocation)."""

    def value(name: str):
        found = getattr(verified, name, None) if verified is not None else None
        return found if found is not None else getattr(output, name)

    return {
        "unit_id": unit.unit_id,
        "enterprise": unit.enterprise.name_zh,
        "unit_category": unit.category,
        "capacity_mw": unit.capacity_mw,
        "generation_mwh": value("generation_mwh"),
        "supplied_mwh": value("supplied_mwh"),
        "heat_supplied_gj": value("heat_supplied_gj"),
        "cooling": unit.cooling or None,
        "heat_supply_ratio": output.heat_supply_ratio,
        "load_factor": output.load_factor,
    }


def _errors(exc: InputErrors) -> list[str]:
    """The core's errors as translated messages naming the unit and the missing value."""
    out = []
    for error in exc.errors:
        found = re.search(r"unit '([^']+)'", error.detail)
        unit = found.group(1) if found else "?"
        value = VALUE_LABELS.get(error.column or "", error.column or "")
        out.append(_("机组 %(unit)s：%(value)s 缺失或无效") % {"unit": unit, "value": value})
    return out


def allocation_input(units: list[EtsUnit], year: int, stage: str) -> pd.DataFrame:
    """The core's units table from stored output: reported (pre) or verified (final; a unit
    without a verification of the year is refused by the caller)."""
    outputs = {o.unit_id: o for o in UnitYear.objects.filter(unit__in=units, year=year)}
    verified = {}
    if stage == Allocation.Stage.FINAL:
        verified = {v.unit_id: v for v in Verification.objects.filter(unit__in=units, year=year)}
    rows = []
    missing = []
    for unit in units:
        output = outputs.get(unit.pk)
        if output is None:
            missing.append(
                _("机组 %(unit)s：缺少 %(year)s 年的发电量和供热量")
                % {"unit": unit.unit_id, "year": year}
            )
            continue
        rows.append(_unit_row(unit, output, verified.get(unit.pk)))
    if missing:
        raise MarketError(missing)
    return pd.DataFrame(rows)


def compute_allocation(user, year: int, stage: str, units=None) -> list[Allocation]:
    """Allocate ``year``'s allowances to ``units`` (default: every unit with output that year;
    for the final allocation every such unit already verified) with the core and store them:
    the pre-allocation on reported output, or the final allocation on the output of verified
    units with its settlement (多退少补) against the stored pre-allocation. Refused unless the
    user may manage the market; MarketError names each unit and value the core found missing
    (nothing is stored then)."""
    if not can_manage_market(user):
        raise Refused("role may not manage the market")
    if units is None:  # every unit with output; for the final allocation, the verified ones
        units = EtsUnit.objects.filter(years__year=year).select_related("enterprise")
        if stage == Allocation.Stage.FINAL:
            units = units.filter(verifications__year=year)
    units = list(units)
    if not units:
        raise MarketError([_("%(year)s 年没有可计算配额的机组") % {"year": year}])
    if stage == Allocation.Stage.FINAL:
        verified = set(
            Verification.objects.filter(unit__in=units, year=year).values_list("unit_id", flat=True)
        )
        unverified = [u.unit_id for u in units if u.pk not in verified]
        if unverified:
            raise MarketError(
                [
                    _("机组 %(unit)s：%(year)s 年尚未核查，不能最终核定配额")
                    % {"unit": unit, "year": year}
                    for unit in unverified
                ]
            )
    table = allocation_input(units, year, stage)
    try:
        result = allocate(table, year, source=f"{year}")
    except InputErrors as exc:
        raise MarketError(_errors(exc)) from exc
    by_id = {u.unit_id: u for u in units}
    settlement = {}
    if stage == Allocation.Stage.FINAL:
        pre = dict(
            Allocation.objects.filter(
                unit__in=units, year=year, stage=Allocation.Stage.PRE
            ).values_list("unit__unit_id", "amount_t")
        )
        settlement = result.settlement(pre)
    stored = []
    with transaction.atomic():
        for done in result.units:
            unit = by_id[done.unit_id]
            amount = done.pre_allocation_t if stage == Allocation.Stage.PRE else done.allocation_t
            allocation = _store(
                user,
                Allocation,
                {"unit": unit, "year": year, "stage": stage},
                {
                    "electricity_benchmark": done.electricity_benchmark,
                    "heat_benchmark": done.heat_benchmark,
                    "correction": done.correction,
                    "output_mwh": done.output_mwh,
                    "amount_t": amount,
                    "settlement_t": settlement.get(done.unit_id),
                    "flags": market_flags.stored(done.flags),
                    "created_by": user,
                },
                f"碳市场配额 {unit.unit_id} {year} {stage}",
            )
            stored.append(allocation)
    return stored


# --- verification -----------------------------------------------------------------------------


def assignment_units(user) -> QuerySet[VerifierAssignment]:
    """The verifier's assignments (unit-years), newest year first."""
    return (
        VerifierAssignment.objects.filter(verifier=user)
        .select_related("unit", "unit__enterprise")
        .order_by("-year", "unit__unit_id")
    )


def assign_verifier(user, unit: EtsUnit, year: int, verifier) -> VerifierAssignment:
    """Assign ``verifier`` to verify ``unit``'s emissions of ``year`` (a manager: Refused
    otherwise); an earlier assignment of that unit-year is replaced. Audited."""
    if not can_manage_market(user):
        raise Refused("role may not manage the market")
    if verifier is None or role_of(verifier) != Role.VERIFIER:
        raise MarketError([_("请选择一个核查机构用户")])
    with transaction.atomic():
        return _store(
            user,
            VerifierAssignment,
            {"unit": unit, "year": year},
            {"verifier": verifier},
            f"指派核查机构 {unit.unit_id} {year} {verifier.get_username()}",
        )


def needs_explanation(reported: float, verified: float) -> bool:
    """Whether the verified figure differs from the reported one by more than 0.5 %."""
    return abs(verified - reported) > EXPLAIN_ABOVE * abs(reported)


def save_verification(
    user,
    unit: EtsUnit,
    year: int,
    verified_t: float,
    explanation: str = "",
    *,
    output: dict | None = None,
) -> Verification:
    """Record ``user``'s verified emissions of ``unit`` in ``year``: a verifier, for a unit-year
    assigned to it (Refused otherwise); an explanation is required when the difference from
    the reported emissions is above 0.5 % (MarketError)."""
    if not can_verify_emissions(user):
        raise Refused("role may not verify emissions")
    if not VerifierAssignment.objects.filter(verifier=user, unit=unit, year=year).exists():
        raise Refused("unit-year not assigned to the verifier")
    reported = UnitYear.objects.filter(unit=unit, year=year).first()
    if reported is None or reported.reported_t is None:
        raise MarketError([_("该机组本年度尚无报告排放量，无法核查")])
    if verified_t < 0:
        raise MarketError([_("核查排放量不能为负数")])
    explanation = explanation.strip()
    if needs_explanation(reported.reported_t, verified_t) and not explanation:
        raise MarketError([_("核查排放量与报告排放量相差超过 0.5%，请填写差异说明")])
    with transaction.atomic():
        return _store(
            user,
            Verification,
            {"unit": unit, "year": year},
            {
                "reported_t": reported.reported_t,
                "verified_t": verified_t,
                **{k: v for k, v in (output or {}).items() if k in VERIFIED_OUTPUT},
                "explanation": explanation,
                "verifier": user,
            },
            f"排放核查 {unit.unit_id} {year}",
        )


# --- compliance -------------------------------------------------------------------------------


def compute_compliance(user, year: int) -> list[Compliance]:
    """Compliance of ``year`` for every unit with a final allocation and a verification, by the
    core's ``comply``; stored and audited."""
    if not can_manage_market(user):
        raise Refused("role may not manage the market")
    finals = {
        a.unit_id: a
        for a in Allocation.objects.filter(year=year, stage=Allocation.Stage.FINAL).select_related(
            "unit"
        )
    }
    verified = {v.unit_id: v for v in Verification.objects.filter(year=year, unit_id__in=finals)}
    outputs = {o.unit_id: o for o in UnitYear.objects.filter(year=year, unit_id__in=finals)}
    rows, units = [], {}
    for pk, allocation in finals.items():
        if pk not in verified:
            continue
        unit = allocation.unit
        units[unit.unit_id] = unit
        output = outputs.get(pk)
        rows.append(
            {
                "unit_id": unit.unit_id,
                "year": year,
                "unit_category": unit.category,
                "allocation_t": allocation.amount_t,
                "verified_t": verified[pk].verified_t,
                "ccer_t": output.ccer_offered_t if output else 0.0,
                "net_sold_t": output.net_sold_t if output else None,
            }
        )
    if not rows:
        raise MarketError([_("%(year)s 年没有已核查且已最终核定配额的机组") % {"year": year}])
    try:
        result = comply(pd.DataFrame(rows), source=f"{year}")
    except InputErrors as exc:
        raise MarketError(_errors(exc)) from exc
    found = rules.deadline(year)
    deadline = found[0] if found else None
    deadline_flag = found[1].flag() if found else None
    stored = []
    with transaction.atomic():
        for done in result.units:
            unit = units[done.unit_id]
            flags = [*done.flags, *([deadline_flag] if deadline_flag else [])]
            compliance = _store(
                user,
                Compliance,
                {"unit": unit, "year": year},
                {
                    "required_t": done.required_surrender_t,
                    "allocation_t": done.allocation_t,
                    "verified_t": done.verified_t,
                    "ccer_offered_t": done.ccer_offered_t,
                    "ccer_used_t": done.ccer_used_t,
                    "shortfall_t": done.shortfall_t,
                    "surplus_t": done.surplus_t,
                    "banked_t": done.banked_t,
                    "deadline": deadline,
                    "status": done.status,
                    "flags": market_flags.stored(flags),
                    "computed_by": user,
                },
                f"配额清缴 {unit.unit_id} {year}",
            )
            stored.append(compliance)
    return stored


# --- holdings ---------------------------------------------------------------------------------


def add_ccer_holding(user, enterprise, project: str, serials: str, amount_t: float, start=None):
    """Record CCER an enterprise holds (managers only), audited."""
    if not can_manage_market(user):
        raise Refused("role may not manage the market")
    if amount_t <= 0:
        raise MarketError([_("CCER 数量必须大于 0")])
    with transaction.atomic():
        holding = CcerHolding.objects.create(
            enterprise=enterprise,
            project=project,
            project_start=start,
            serials=serials,
            amount_t=amount_t,
        )
        record(user, AuditEntry.Action.CREATE, holding, after=snapshot(holding))
    return holding


def add_green_holding(
    user, enterprise, year: int, mwh: float, *, serials=("", ""), contract: str = ""
) -> GreenHolding:
    """Record green certificates (a serial range) or a green-power contract of an enterprise
    (managers only), checked by the core against every stored holding: MWh = certificates,
    each serial and contract claimed once (MarketError naming the value otherwise); audited."""
    if not can_manage_market(user):
        raise Refused("role may not manage the market")
    kind = GreenHolding.Kind.CONTRACT if contract else GreenHolding.Kind.GEC
    rows = [
        {
            "holder": h.enterprise.credit_code,
            "year": h.year,
            "kind": h.kind,
            "mwh": h.mwh,
            "serial_from": h.serial_from or None,
            "serial_to": h.serial_to or None,
            "contract_id": h.contract or None,
        }
        for h in GreenHolding.objects.select_related("enterprise")
    ]
    rows.append(
        {
            "holder": enterprise.credit_code,
            "year": year,
            "kind": kind,
            "mwh": mwh,
            "serial_from": serials[0] or None,
            "serial_to": serials[1] or None,
            "contract_id": contract or None,
        }
    )
    try:
        check_holdings(pd.DataFrame(rows), source="holdings")
    except InputErrors as exc:
        raise MarketError(
            [
                _("绿证或绿电合同：%(value)s 无效或已被计入") % {"value": e.column or ""}
                for e in exc.errors
            ]
        ) from exc
    with transaction.atomic():
        holding = GreenHolding.objects.create(
            enterprise=enterprise,
            year=year,
            kind=kind,
            serial_from=serials[0],
            serial_to=serials[1],
            contract=contract,
            mwh=mwh,
        )
        record(user, AuditEntry.Action.CREATE, holding, after=snapshot(holding))
    return holding


def zero_carbon_co2_by_enterprise(year: int) -> dict[int, float]:
    """CO2 credited for the green power each enterprise holds for ``year`` (零碳电力抵扣, for the
    carbon-efficiency grade): its green certificates and green-power contracts in MWh — each
    serial and contract counted once, as :func:`add_green_holding` checked when recording them —
    times Shanxi's provincial grid factor of the year (:func:`carbonctl.refdata.grid_factor`)."""
    held = (
        GreenHolding.objects.filter(year=year)
        .values("enterprise_id")
        .annotate(mwh=Sum("mwh"))
        .values_list("enterprise_id", "mwh")
    )
    factor = grid_factor("140000", year).value_tco2_per_mwh
    return {enterprise_id: mwh * factor for enterprise_id, mwh in held}


# --- the board --------------------------------------------------------------------------------

STATUS = {
    "shortfall": gettext_lazy("存在缺口"),
    "surplus": gettext_lazy("有盈余"),
    "complied": gettext_lazy("已履约"),
    "": gettext_lazy("未计算"),
}


@dataclass
class BoardRow:
    unit: EtsUnit
    city: object
    pre_t: float | None
    final_t: float | None
    settlement_t: float | None
    verified_t: float | None
    compliance: Compliance | None
    flags: list[str]
    own_flags: list[str] | None = None

    @property
    def status(self) -> str:
        return self.compliance.status if self.compliance else ""

    @property
    def status_label(self) -> str:
        return str(STATUS.get(self.status, STATUS[""]))


def board(user, year: int) -> dict:
    """Per unit in scope: allocations, verified emissions, compliance and flags of ``year``;
    totals by city and overall."""
    units = list(units_for(user).select_related("enterprise__county__parent"))
    ids = [u.pk for u in units]
    allocations = {
        (a.unit_id, a.stage): a for a in Allocation.objects.filter(unit_id__in=ids, year=year)
    }
    verified = dict(
        Verification.objects.filter(unit_id__in=ids, year=year).values_list("unit_id", "verified_t")
    )
    compliance = {c.unit_id: c for c in Compliance.objects.filter(unit_id__in=ids, year=year)}
    rows = []
    for unit in units:
        pre = allocations.get((unit.pk, Allocation.Stage.PRE))
        final = allocations.get((unit.pk, Allocation.Stage.FINAL))
        done = compliance.get(unit.pk)
        stored_flags = [
            *(pre.flags if pre else []),
            *(final.flags if final else []),
            *(done.flags if done else []),
        ]
        rows.append(
            BoardRow(
                unit=unit,
                city=city_of(unit),
                pre_t=pre.amount_t if pre else None,
                final_t=final.amount_t if final else None,
                settlement_t=final.settlement_t if final else None,
                verified_t=verified.get(unit.pk),
                compliance=done,
                flags=market_flags.shown(stored_flags),
            )
        )
    rows.sort(key=lambda r: (r.city.adcode, r.unit.enterprise.name_zh, r.unit.unit_id))
    cities: dict[str, dict] = {}
    for row in rows:
        total = cities.setdefault(row.city.adcode, {"city": row.city, **_zero()})
        _add(total, row)
    overall = _zero()
    for row in rows:
        _add(overall, row)
    # flags every unit shares are said once above the table; each row keeps its own
    common = [f for f in rows[0].flags if all(f in r.flags for r in rows)] if rows else []
    for row in rows:
        row.own_flags = [f for f in row.flags if f not in common]
    return {
        "rows": rows,
        "cities": list(cities.values()),
        "total": overall,
        "common_flags": common,
    }


def _zero() -> dict:
    return {
        "units": 0,
        "shortfalls": 0,
        **dict.fromkeys(
            ("pre_t", "final_t", "verified_t", "required_t", "ccer_used_t", "shortfall_t"), 0.0
        ),
        "surplus_t": 0.0,
    }


def _add(total: dict, row: BoardRow) -> None:
    total["units"] += 1
    total["pre_t"] += row.pre_t or 0.0
    total["final_t"] += row.final_t or 0.0
    total["verified_t"] += row.verified_t or 0.0
    if row.compliance is not None:
        total["required_t"] += row.compliance.required_t
        total["ccer_used_t"] += row.compliance.ccer_used_t
        total["shortfall_t"] += row.compliance.shortfall_t
        total["surplus_t"] += row.compliance.surplus_t
        total["shortfalls"] += row.compliance.shortfall_t > 0


def years_for(user) -> list[int]:
    """The years with stored output of units in scope, newest first."""
    ids = units_for(user).values_list("pk", flat=True)
    return sorted(
        set(UnitYear.objects.filter(unit_id__in=ids).values_list("year", flat=True)), reverse=True
    )


# --- the warning ------------------------------------------------------------------------------


def shortfall_table(year: int, as_of) -> pd.DataFrame:
    """The ``ets_shortfall`` input (carbonctl.warning.market.ETS_SHORTFALL_COLUMNS) from stored
    compliance with a deadline: the compliance years ``year`` and ``year − 1`` (the latter's
    allowances are due in ``year``)."""
    from carbonctl.warning.market import ETS_SHORTFALL_COLUMNS

    rows = (
        Compliance.objects.filter(Q(year=year) | Q(year=year - 1), deadline__isnull=False)
        .select_related("unit", "unit__enterprise")
        .order_by("year", "unit__unit_id")
    )
    return pd.DataFrame(
        [
            {
                "enterprise": c.unit.enterprise.credit_code,
                "enterprise_name": c.unit.enterprise.name_zh,
                "region": c.unit.enterprise.county_id,
                "unit_id": c.unit.unit_id,
                "year": c.year,
                "required_surrender_t": c.required_t,
                "shortfall_t": c.shortfall_t,
                "deadline": c.deadline.isoformat(),
                "as_of": as_of.isoformat(),
            }
            for c in rows
        ],
        columns=list(ETS_SHORTFALL_COLUMNS),
    )


def ets_shortfall_table(context) -> pd.DataFrame:
    """The ``ets_shortfall`` builder of :data:`carbonctl.web.warnings.services.TABLES`."""
    return shortfall_table(context.year, context.as_of)
