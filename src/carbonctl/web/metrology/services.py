"""The metrology services (碳计量): the import of a meter register (all or nothing, every error
located, audited), the meters a user may see, the GB 17167-2006 equipping check of an
enterprise, the calibration status of meters and the table the ``calibration_overdue``
warning kind reads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from carbonctl import metrology as core
from carbonctl.enterprises.uscc import normalise
from carbonctl.errors import InputError, InputErrors
from carbonctl.warning import CALIBRATION_COLUMNS, find_rule
from carbonctl.web.accounts.permissions import can_manage_meters
from carbonctl.web.accounts.scope import enterprises_for
from carbonctl.web.audit.models import AuditEntry
from carbonctl.web.audit.services import record
from carbonctl.web.enterprises.models import Enterprise
from carbonctl.web.metrology.models import Calibration, Meter, MeteringPoint

__all__ = [
    "ImportResult",
    "calibration_table",
    "due_soon_days",
    "equipping_by_enterprise",
    "equipping_for",
    "import_meters",
    "meters_for",
    "state_of",
]


def due_soon_days() -> int:
    """Days before its due date a calibration counts as due soon: the yellow window of the
    packaged ``calibration_overdue`` rule, so the page and the warnings agree."""
    return int(find_rule("calibration_overdue").parameters["yellow_within_days"])


def state_of(meter: Meter, today: dt.date | None = None) -> str:
    """``overdue``, ``due_soon`` or ``valid`` (:func:`carbonctl.metrology.calibration_state`)."""
    return core.calibration_state(meter.due_on, today or timezone.localdate(), due_soon_days())


def meters_for(user) -> QuerySet[Meter]:
    """The meters of the enterprises ``user`` may see."""
    return Meter.objects.filter(enterprise__in=enterprises_for(user)).select_related(
        "enterprise", "enterprise__county__parent", "point"
    )


# --- import -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote: meters created and updated, calibrations added, enterprises."""

    created: int
    updated: int
    calibrations: int
    enterprises: int


def import_meters(
    user, source: str | Path | pd.DataFrame, *, file_name: str = "", request=None
) -> ImportResult:
    """Import a meter register (CSV/XLSX path, or a table) for enterprises in ``user``'s scope.

    All or nothing: :class:`InputErrors` lists every problem with file, row, column and what was
    expected — a bad cell, an unknown carrier or level, a meter given twice, an enterprise that
    does not exist or is outside the user's scope — and nothing is written. Otherwise, in one
    transaction: each row's metering point (``point``, default the meter id) and meter are
    created or updated, its calibration added when new, and one audit entry names the file.
    """
    name = file_name or (Path(source).name if not isinstance(source, pd.DataFrame) else "<table>")
    if not can_manage_meters(user):
        raise InputError(
            "your role may not import meters", file=name, expected="a role that manages meters"
        )
    try:
        if isinstance(source, pd.DataFrame):
            table = core.check_meters(source, source=name)
        else:
            table = core.read_meters(source)
    except InputErrors as exc:
        raise InputErrors([_renamed(e, name) for e in exc.errors]) from None
    except InputError as exc:
        raise _renamed(exc, name) from None
    table["enterprise"] = table["enterprise"].map(normalise)  # as Enterprise stores it
    allowed = {e.credit_code: e for e in enterprises_for(user)}
    errors = []
    for row, code in table["enterprise"].items():
        if str(code) not in allowed:
            exists = Enterprise.objects.filter(credit_code=str(code)).exists()
            errors.append(
                InputError(
                    f"enterprise {code!r} is "
                    + ("outside what you may manage" if exists else "not a registered enterprise"),
                    file=name,
                    row=int(row),
                    column="enterprise",
                    expected="the credit code of an enterprise you manage (your own enterprise)",
                )
            )
    if errors:
        raise InputErrors(errors)
    return _write(user, table, allowed, name, request)


def _renamed(error: InputError, name: str) -> InputError:
    """The error with the server's path replaced by the uploaded file's name."""
    return InputError(
        error.detail, file=name, row=error.row, column=error.column, expected=error.expected
    )


def _write(user, table: pd.DataFrame, enterprises: dict, name: str, request) -> ImportResult:
    created = updated = calibrations = 0
    with transaction.atomic():
        for row in table.itertuples(index=False):
            enterprise = enterprises[str(row.enterprise)]
            point, _ = MeteringPoint.objects.update_or_create(
                enterprise=enterprise,
                code=str(row.point),
                defaults={"measures": row.measures, "level": row.level},
            )
            meter, made = Meter.objects.update_or_create(
                enterprise=enterprise,
                meter_id=str(row.meter_id),
                defaults={
                    "point": point,
                    "name": str(row.name or "")[:200],
                    "accuracy_class": float(row.accuracy_class),
                    "installed_on": row.installed_on,
                },
            )
            created += made
            updated += not made
            if row.calibrated_on is not None:
                _, added = Calibration.objects.get_or_create(
                    meter=meter,
                    calibrated_on=row.calibrated_on,
                    defaults={
                        "certificate": str(row.certificate or "")[:100],
                        "due_on": row.due_on,
                        "file_name": name[:200],
                        "imported_by": user if user is not None and user.is_authenticated else None,
                    },
                )
                calibrations += added
            latest = meter.calibrations.order_by("-calibrated_on").first()
            due = latest.due_on if latest else None
            if meter.due_on != due:
                meter.due_on = due
                meter.save(update_fields=["due_on"])
        result = ImportResult(created, updated, calibrations, int(table["enterprise"].nunique()))
        record(
            user,
            AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE,
            object_type=Meter._meta.label,
            object_id=name[:100],
            after={
                "file": name,
                "meters": sorted(str(m) for m in table["meter_id"]),
                "enterprises": sorted(str(e) for e in table["enterprise"].unique()),
                "created": created,
                "updated": updated,
                "calibrations": calibrations,
            },
            summary=f"计量器具导入 {name}: 新增{created}台，更新{updated}台，"
            f"检定记录{calibrations}条",
            request=request,
        )
    return result


# --- equipping and status -----------------------------------------------------------------------


def equipping_for(enterprise: Enterprise) -> core.EquippingCheck:
    """The GB 17167-2006 equipping check of ``enterprise``: its metering points against the
    meters installed at them."""
    points = pd.DataFrame(
        list(enterprise.metering_points.values("code", "measures", "level")),
        columns=["code", "measures", "level"],
    ).rename(columns={"code": "point"})
    meters = pd.DataFrame(
        list(enterprise.meters.values("point__code", "accuracy_class")),
        columns=["point__code", "accuracy_class"],
    ).rename(columns={"point__code": "point"})
    return core.check_equipping(points, meters)


def equipping_by_enterprise(enterprise_ids: list[int]) -> dict[int, core.EquippingCheck]:
    """:func:`equipping_for` of many enterprises in two queries."""
    points = pd.DataFrame(
        list(
            MeteringPoint.objects.filter(enterprise_id__in=enterprise_ids).values(
                "enterprise_id", "code", "measures", "level"
            )
        ),
        columns=["enterprise_id", "code", "measures", "level"],
    ).rename(columns={"code": "point"})
    meters = pd.DataFrame(
        list(
            Meter.objects.filter(enterprise_id__in=enterprise_ids).values(
                "enterprise_id", "point__code", "accuracy_class"
            )
        ),
        columns=["enterprise_id", "point__code", "accuracy_class"],
    ).rename(columns={"point__code": "point"})
    checks = core.check_equipping_by(points, meters, "enterprise_id")
    none = core.check_equipping(points.iloc[:0], meters.iloc[:0])
    return {pk: checks.get(pk, none) for pk in enterprise_ids}


def tiers_for(enterprise: Enterprise, year: int) -> pd.DataFrame:
    """The data-quality tier of the unit's use of each carrier in a report covering ``year``,
    judged by the meters where the carrier enters or leaves the unit (level ``unit``, the
    activity data of the unit's report; :func:`carbonctl.metrology.activity_tiers`): measures,
    tier and the tier's activity uncertainty (95 % half-width, %)."""
    unit = enterprise.metering_points.filter(level="unit")
    points = list(unit.values_list("measures", flat=True).distinct())
    meters = pd.DataFrame(
        [
            {
                "enterprise": enterprise.credit_code,
                "measures": c.meter.point.measures,
                "installed_on": c.meter.installed_on,
                "calibrated_on": c.calibrated_on,
                "due_on": c.due_on,
            }
            for c in Calibration.objects.filter(
                meter__enterprise=enterprise, meter__point__level="unit"
            ).select_related("meter__point")
        ]
        + [
            {
                "enterprise": enterprise.credit_code,
                "measures": m.point.measures,
                "installed_on": m.installed_on,
                "calibrated_on": None,
                "due_on": None,
            }
            for m in enterprise.meters.filter(point__level="unit").select_related("point")
        ],
        columns=["enterprise", "measures", "installed_on", "calibrated_on", "due_on"],
    )
    rows = pd.DataFrame(
        {
            "enterprise": enterprise.credit_code,
            "measures": sorted(points, key=core.MEASURES.index),
            "start": dt.date(year, 1, 1),
            "end": dt.date(year, 12, 31),
        },
        columns=["enterprise", "measures", "start", "end"],
    )
    table = core.tier_table()
    tiers = core.activity_tiers(rows, meters)
    return rows.assign(
        tier=tiers,
        half_width_pct=[table.at[t, "activity_half_width_95_pct"] for t in tiers],
    )[["measures", "tier", "half_width_pct"]]


# --- warnings -----------------------------------------------------------------------------------


def calibration_table(context) -> pd.DataFrame:
    """Input of the ``calibration_overdue`` kind (:data:`carbonctl.warning.CALIBRATION_COLUMNS`):
    every meter with its latest due date, judged on the evaluation's ``as_of``. Meters installed
    after ``as_of`` are left out."""
    as_of = context.as_of
    rows = [
        {
            "enterprise": m.enterprise.credit_code,
            "enterprise_name": m.enterprise.name_zh,
            "region": m.enterprise.county_id,
            "meter_id": m.meter_id,
            "measures": m.point.measures,
            "due_on": m.due_on.isoformat() if m.due_on else "",
            "as_of": as_of.isoformat(),
        }
        for m in Meter.objects.filter(installed_on__lte=as_of)
        .select_related("enterprise", "point")
        .order_by("enterprise__credit_code", "meter_id")
    ]
    return pd.DataFrame(rows, columns=list(CALIBRATION_COLUMNS))
