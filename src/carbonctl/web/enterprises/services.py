"""Key units (重点用能和碳排放单位) on the platform's data: the year's energy and CO2 of each
enterprise summed from its approved submissions, the registry the core derives from them (audited),
grades, 标杆/基准 positions and energy-saving progress for the pages and reports."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable

import pandas as pd
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum

from carbonctl.enterprises import keyunits
from carbonctl.enterprises.grades import GradeResult, grade_distribution, grade_enterprises
from carbonctl.enterprises.uscc import normalise
from carbonctl.errors import InputError, InputErrors
from carbonctl.io.records import validate_records
from carbonctl.web.accounts.permissions import can_derive_key_units
from carbonctl.web.audit.models import AuditEntry
from carbonctl.web.audit.services import record
from carbonctl.web.enterprises.models import (
    Designation,
    EnergySavingTarget,
    Enterprise,
    ProductEnergy,
    UnitYear,
)

# --- figures from approved submissions ----------------------------------------------------------


def approved_figures(year: int) -> dict[int, dict]:
    """Per enterprise id: the year's energy (tce) and CO2 (t) summed over the activity rows of
    its APPROVED submissions (pending, rejected and superseded ones do not count), with the
    breakdown by category and by energy carrier and the submissions' ids."""
    from carbonctl.web.submissions.models import ActivityRecord, Submission

    rows = (
        ActivityRecord.objects.filter(
            year=year,
            submission__status=Submission.Status.APPROVED,
            submission__enterprise__isnull=False,
        )
        .values("submission__enterprise_id", "submission_id", "category", "item", "unit")
        .annotate(amount=Sum("amount"), tco2=Sum("tco2"), tce=Sum("tce"))
        .order_by("submission__enterprise_id", "category", "item")
    )
    out: dict[int, dict] = {}
    for r in rows:
        unit = out.setdefault(
            r["submission__enterprise_id"],
            {
                "energy_tce": 0.0,
                "co2_t": 0.0,
                "submission_ids": set(),
                "categories": {},
                "carriers": {},
            },
        )
        tce, tco2 = r["tce"] or 0.0, r["tco2"] or 0.0
        unit["energy_tce"] += tce
        unit["co2_t"] += tco2
        unit["submission_ids"].add(r["submission_id"])
        category = unit["categories"].setdefault(r["category"], {"tco2": 0.0, "tce": 0.0})
        category["tco2"] += tco2
        category["tce"] += tce
        if r["category"] != "process":
            key = (r["category"], r["item"], r["unit"])
            carrier = unit["carriers"].setdefault(
                key,
                {
                    "category": r["category"],
                    "item": r["item"],
                    "unit": r["unit"],
                    "amount": 0.0,
                    "tce": 0.0,
                    "tco2": 0.0,
                },
            )
            carrier["amount"] += r["amount"] or 0.0
            carrier["tce"] += tce
            carrier["tco2"] += tco2
    for unit in out.values():
        unit["submission_ids"] = sorted(unit["submission_ids"])
        unit["carriers"] = list(unit["carriers"].values())
    return out


def _figures_table(year: int) -> pd.DataFrame:
    rows = UnitYear.objects.filter(year=year).select_related("enterprise")
    return pd.DataFrame(
        [
            {
                "enterprise": u.enterprise_id,
                "year": u.year,
                "energy_tce": u.energy_tce,
                "co2_t": u.co2_t,
                "sector": u.enterprise.sector,
                "provincially_listed": u.provincially_listed,
            }
            for u in rows
        ],
        columns=list(keyunits.UNIT_YEAR_COLUMNS),
    )


class UnknownCreditCodes(ValueError):
    """Codes of a provincial list that name no enterprise of the platform."""

    def __init__(self, codes: list[str]) -> None:
        self.codes = codes
        super().__init__(
            f"the provincial list names {len(codes)} unknown unified social credit code(s): "
            + ", ".join(codes[:10])
            + " (expected codes of enterprises on the platform)"
        )


_CODE = re.compile(r"^[0-9A-Z]{18}$")


def _listed_ids(codes: Iterable[str]) -> set[int]:
    wanted = {normalise(c) for c in codes if str(c).strip()}
    well_formed = {c for c in wanted if _CODE.match(c)}  # others name no enterprise
    found = dict(
        Enterprise.objects.filter(credit_code__in=well_formed).values_list("credit_code", "id")
    )
    unknown = sorted(c[:20] for c in wanted - set(found))
    if unknown:
        raise UnknownCreditCodes(unknown)
    return set(found.values())


def derive_key_units(
    user, year: int, *, provincial_list: Iterable[str] | None = None
) -> dict[str, int]:
    """Derive ``year``'s registry (重点单位名录) in one transaction, audited: UnitYear of every
    enterprise with approved submissions of the year (summed anew; value added kept), the
    provincial list of the year when given (unified social credit codes of the units the
    province designates at 5,000 tce; every other unit of the year is then not listed; None
    keeps the listing as it is), then the year's designations replaced by what the core
    derives from all the year's UnitYear rows. Allowed to :func:`can_derive_key_units`.
    Raises :class:`UnknownCreditCodes` (nothing written) for a code of no enterprise.
    Returns counts."""
    if not can_derive_key_units(user):
        raise PermissionDenied("deriving the key-unit registry is for province staff")
    listed = None if provincial_list is None else _listed_ids(provincial_list)
    figures = approved_figures(year)
    with transaction.atomic():
        for enterprise_id, f in figures.items():
            UnitYear.objects.update_or_create(
                enterprise_id=enterprise_id,
                year=year,
                defaults={
                    "energy_tce": f["energy_tce"],
                    "co2_t": f["co2_t"],
                    "submission_ids": f["submission_ids"],
                    "source": "报送 (submissions) "
                    + ", ".join(f"#{i}" for i in f["submission_ids"]),
                    "details": {"categories": f["categories"], "carriers": f["carriers"]},
                },
            )
        if listed is not None:
            year_units = UnitYear.objects.filter(year=year)
            year_units.update(provincially_listed=False)
            year_units.filter(enterprise_id__in=listed).update(provincially_listed=True)
        registry = keyunits.derive_registry(_figures_table(year))
        before = sorted(Designation.objects.filter(year=year).values_list("enterprise_id", "kind"))
        Designation.objects.filter(year=year).delete()
        Designation.objects.bulk_create(
            [
                Designation(
                    enterprise_id=int(r.enterprise),
                    year=year,
                    kind=r.kind,
                    reasons=list(r.reasons),
                    energy_tce=float(r.energy_tce),
                    co2_t=float(r.co2_t),
                    derived_by=user,
                )
                for r in registry.itertuples(index=False)
            ]
        )
        counts = {kind: int((registry["kind"] == kind).sum()) for kind in keyunits.KINDS}
        counts["unit_years_from_submissions"] = len(figures)
        record(
            user,
            AuditEntry.Action.UPDATE,
            object_type=Designation._meta.label,
            object_id=str(year),
            before={"designations": [list(b) for b in before]},
            after={
                "designations": [
                    [int(r.enterprise), r.kind, list(r.reasons)]
                    for r in registry.itertuples(index=False)
                ],
                "unit_years": {str(k): v["submission_ids"] for k, v in figures.items()},
                "provincial_list": None if listed is None else sorted(listed),
            },
            summary=f"key-unit registry {year}: {counts['key_energy_user']} key energy-using, "
            f"{counts['ets_unit']} ETS units",
        )
    return counts


def _enterprise_ids(codes) -> dict[str, int]:
    """Platform ids of the (normalised) credit codes that are on the platform."""
    wanted = {c for c in codes if _CODE.match(c)}
    return dict(Enterprise.objects.filter(credit_code__in=wanted).values_list("credit_code", "id"))


def _unknown_enterprise(code: str, row: int, source: str) -> InputError:
    return InputError(
        f"unknown enterprise {code[:20]}",
        file=source,
        row=row,
        column="enterprise",
        expected="the unified social credit code of an enterprise on the platform",
    )


def record_value_added(user, table: pd.DataFrame, *, source: str) -> int:
    """Set the value added (工业增加值, 10⁴ CNY) of the unit years of ``table``
    (:data:`keyunits.VALUE_ADDED_COLUMNS`), all rows or none, audited; the grades use it.
    A row whose enterprise or unit year is unknown, or whose value is not > 0, is an error
    naming the row. Allowed to :func:`can_derive_key_units`. Returns the rows set."""
    if not can_derive_key_units(user):
        raise PermissionDenied("recording value added is for province staff")
    data = validate_records(table, keyunits.VALUE_ADDED_COLUMNS, source=source)
    ids = _enterprise_ids({normalise(c) for c in data["enterprise"]})
    errors: list[InputError] = []
    updates: list[tuple[int, int, float]] = []
    for row, r in data.iterrows():
        code, year, value = normalise(r["enterprise"]), int(r["year"]), r["value_added_10k_cny"]
        if code not in ids:
            errors.append(_unknown_enterprise(code, int(row), source))
        elif not UnitYear.objects.filter(enterprise_id=ids[code], year=year).exists():
            errors.append(
                InputError(
                    f"no energy and CO2 figures of {code} for {year}",
                    file=source,
                    row=int(row),
                    column="year",
                    expected="a year whose figures are on the platform (derive the year first)",
                )
            )
        elif not value > 0:
            errors.append(
                InputError(
                    f"value added {value:g}",
                    file=source,
                    row=int(row),
                    column="value_added_10k_cny",
                    expected="value added > 0 (10⁴ CNY)",
                )
            )
        else:
            updates.append((ids[code], year, float(value)))
    if errors:
        raise InputErrors(errors)
    with transaction.atomic():
        for enterprise_id, year, value in updates:
            UnitYear.objects.filter(enterprise_id=enterprise_id, year=year).update(
                value_added_10k_cny=value
            )
        record(
            user,
            AuditEntry.Action.UPDATE,
            object_type=UnitYear._meta.label,
            object_id=f"{len(updates)} value added",
            after={"value_added_10k_cny": [list(u) for u in updates]},
            summary=f"value added of {len(updates)} unit years ({source})",
        )
    return len(updates)


def record_saving_targets(user, table: pd.DataFrame, *, source: str) -> int:
    """Set the energy-saving targets (节能目标) of ``table``
    (:data:`keyunits.SAVING_TARGET_COLUMNS`) — one per enterprise and plan, replacing a stored
    one — all rows or none, audited (before and after). An unknown enterprise, a period that
    ends before it starts, a target not > 0 or an ``as_of_year`` outside the period is an error
    naming the row and column. Allowed to :func:`can_derive_key_units`. Returns the rows set."""
    if not can_derive_key_units(user):
        raise PermissionDenied("recording energy-saving targets is for province staff")
    data = validate_records(table, keyunits.SAVING_TARGET_COLUMNS, source=source)
    ids = _enterprise_ids({normalise(c) for c in data["enterprise"]})
    errors: list[InputError] = []
    rows: list[dict] = []

    def bad(row, column: str, text: str, expected: str) -> None:
        errors.append(InputError(text, file=source, row=int(row), column=column, expected=expected))

    seen: set[tuple[int, str]] = set()
    for row, r in data.iterrows():
        code = normalise(r["enterprise"])
        start, end, as_of = int(r["start_year"]), int(r["end_year"]), int(r["as_of_year"])
        if code not in ids:
            errors.append(_unknown_enterprise(code, int(row), source))
        elif (ids[code], r["plan"]) in seen:
            bad(row, "plan", r["plan"], "one row per enterprise and plan")
        elif end < start:
            bad(row, "end_year", f"{start}–{end}", "an end year not before the start year")
        elif not r["target_saving_tce"] > 0:
            bad(row, "target_saving_tce", f"{r['target_saving_tce']:g}", "a target > 0 tce")
        elif not start - 1 <= as_of <= end:
            bad(row, "as_of_year", str(as_of), f"a year of the period {start}–{end}")
        else:
            seen.add((ids[code], r["plan"]))
            achieved = r["achieved_saving_tce"]
            rows.append(
                {
                    "enterprise_id": ids[code],
                    "plan": r["plan"],
                    "start_year": start,
                    "end_year": end,
                    "baseline_year": int(r["baseline_year"]),
                    "baseline_energy_tce": float(r["baseline_energy_tce"]),
                    "target_saving_tce": float(r["target_saving_tce"]),
                    "achieved_saving_tce": 0.0 if pd.isna(achieved) else float(achieved),
                    "as_of_year": as_of,
                    "source": source[:300],
                }
            )
    if errors:
        raise InputErrors(errors)
    fields = [f for f in rows[0] if f not in ("enterprise_id", "plan")] if rows else []
    with transaction.atomic():
        before = [
            {"enterprise_id": t.enterprise_id, "plan": t.plan, **{f: getattr(t, f) for f in fields}}
            for t in EnergySavingTarget.objects.filter(
                enterprise_id__in={r["enterprise_id"] for r in rows}
            )
        ]
        for values in rows:
            EnergySavingTarget.objects.update_or_create(
                enterprise_id=values["enterprise_id"],
                plan=values["plan"],
                defaults={f: values[f] for f in fields},
            )
        record(
            user,
            AuditEntry.Action.UPDATE,
            object_type=EnergySavingTarget._meta.label,
            object_id=f"{len(rows)} saving targets",
            before={"targets": before},
            after={"targets": rows},
            summary=f"energy-saving targets of {len(rows)} units ({source})",
        )
    return len(rows)


# --- reading for pages --------------------------------------------------------------------------


def registry_years() -> list[int]:
    return sorted(set(Designation.objects.values_list("year", flat=True)), reverse=True)


#: Providers of the CO2 credited to enterprises for zero-carbon power (零碳电力抵扣) in a year,
#: ``year -> {enterprise id: tCO2}``. The apps that hold such claims (market: green certificates
#: and green-power contracts) register one in their ``AppConfig.ready()``, so this app does not
#: import them; the credits of all providers add up.
ZERO_CARBON_PROVIDERS: dict[str, Callable[[int], dict[int, float]]] = {}


def register_zero_carbon(key: str, provider: Callable[[int], dict[int, float]]) -> None:
    """Add (or replace, on a second ``ready()``) the zero-carbon credit provider ``key``."""
    ZERO_CARBON_PROVIDERS[key] = provider


def zero_carbon_co2(year: int) -> dict[int, float]:
    """Each enterprise's CO2 credited for zero-carbon power in ``year`` (tCO2), all providers."""
    total: dict[int, float] = defaultdict(float)
    for provider in ZERO_CARBON_PROVIDERS.values():
        for enterprise_id, tco2 in provider(year).items():
            total[enterprise_id] += tco2
    return dict(total)


def grades(year: int) -> GradeResult | None:
    """Carbon-efficiency grades (碳效码) of every enterprise with value added in ``year``,
    against the average of its key industry in the province that year; None when none has.

    The CO2 graded is net of zero-carbon power (:func:`zero_carbon_co2`, e.g. green certificates
    held for the year), as the method requires; the credit never exceeds the unit's CO2."""
    rows = UnitYear.objects.filter(year=year, value_added_10k_cny__gt=0).select_related(
        "enterprise"
    )
    credits = zero_carbon_co2(year)
    table = pd.DataFrame(
        [
            {
                "enterprise": str(u.enterprise_id),
                "industry": u.enterprise.key_industry or u.enterprise.sector,
                "year": u.year,
                "co2_t": u.co2_t,
                "zero_carbon_co2_t": min(credits.get(u.enterprise_id, 0.0), u.co2_t),
                "value_added_10k_cny": u.value_added_10k_cny,
            }
            for u in rows
        ]
    )
    if table.empty:
        return None
    return grade_enterprises(table, source=f"unit years {year}")


def grade_of_units(year: int) -> dict[int, dict]:
    result = grades(year)
    if result is None:
        return {}
    return {
        int(r["enterprise"]): {"grade": int(r["grade"]), "k": float(r["k"])}
        for r in result.rows.to_dict("records")
    }


def county_grade_distribution(year: int, counties: Iterable[str] | None = None) -> pd.DataFrame:
    """Counts of grades 1–5 per county (rows: county adcode) of ``year``."""
    result = grades(year)
    if result is None:
        return pd.DataFrame(columns=[1, 2, 3, 4, 5, "total", "share_4_5"])
    table = result.rows.assign(enterprise=result.rows["enterprise"].astype(int))
    county = dict(Enterprise.objects.values_list("id", "county_id"))
    table["county"] = table["enterprise"].map(county)
    if counties is not None:
        table = table[table["county"].isin(set(counties))]
    if table.empty:
        return pd.DataFrame(columns=[1, 2, 3, 4, 5, "total", "share_4_5"])
    return grade_distribution(table, "county")


def product_positions(enterprise: Enterprise, year: int | None = None) -> list[dict]:
    """The enterprise's specific energy use of each product (the year's, else its latest)
    against 标杆/基准."""
    rows = enterprise.product_energy.all()
    if year is not None and rows.filter(year=year).exists():
        rows = rows.filter(year=year)
    elif rows.exists():
        rows = rows.filter(year=rows.order_by("-year").first().year)
    out = []
    for r in rows:
        position = keyunits.benchmark_position(r.product, r.specific_energy, r.unit)
        out.append({"row": r, "position": position})
    return out


def worst_positions(enterprise_ids: Iterable[int], year: int) -> dict[int, str]:
    """Per enterprise: its worst product position in ``year`` (else its latest year before,
    else its first after)."""
    order = {"benchmark": 0, "between": 1, "below_baseline": 2}
    years: dict[int, set[int]] = defaultdict(set)
    rows = list(ProductEnergy.objects.filter(enterprise_id__in=list(enterprise_ids)))
    for r in rows:
        years[r.enterprise_id].add(r.year)
    chosen = {eid: max((y for y in ys if y <= year), default=min(ys)) for eid, ys in years.items()}
    worst: dict[int, str] = {}
    for r in rows:
        if r.year != chosen[r.enterprise_id]:
            continue
        position = keyunits.benchmark_position(r.product, r.specific_energy, r.unit)
        if position is None:
            continue
        now = worst.get(r.enterprise_id)
        if now is None or order[position.position] > order[now]:
            worst[r.enterprise_id] = position.position
    return worst


def saving_rows(enterprise: Enterprise) -> list[dict]:
    return [
        {
            "target": t,
            "progress": keyunits.saving_progress(
                t.target_saving_tce, t.achieved_saving_tce, t.start_year, t.end_year, t.as_of_year
            ),
        }
        for t in EnergySavingTarget.objects.filter(enterprise=enterprise)
    ]


def designation_history(enterprise: Enterprise) -> dict[int, list[Designation]]:
    history: dict[int, list[Designation]] = defaultdict(list)
    for d in enterprise.designations.all().order_by("-year", "kind"):
        history[d.year].append(d)
    return dict(history)
