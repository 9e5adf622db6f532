"""The demo's meter registers in the platform (演示计量器具): metering points, meters and
calibrations of the demo's key enterprises (:mod:`carbonctl.demo.metrology`, synthetic)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from django.utils import timezone

from carbonctl.demo.metrology import demo_meter_registers
from carbonctl.web.audit.models import AuditEntry
from carbonctl.web.audit.services import record
from carbonctl.web.enterprises.models import Enterprise
from carbonctl.web.metrology.models import Calibration, Meter, MeteringPoint

BATCH = 5000
#: The day the demo's first warning run (2025, in load_demo_control) judges on when run later:
#: the end of the month after the year. Overdue demo meters are overdue by then.
FIRST_RUN_AS_OF = dt.date(2026, 1, 31)


def load_demo_metrology(users: dict) -> dict[str, int]:
    """Meters of the enterprises with a key industry (power plants among them) and of the demo
    reporter's enterprise, judged against today; call inside the demo's transaction. Returns
    counts of metering points, meters and calibrations."""
    reporter = users.get("reporter")
    own = reporter.profile.enterprise if reporter is not None else None
    chosen = Enterprise.objects.exclude(key_industry="")
    if own is not None:
        chosen = chosen | Enterprise.objects.filter(pk=own.pk)
    enterprises = {e.credit_code: e for e in chosen.order_by("credit_code")}
    table = pd.DataFrame(
        [(code, e.sector) for code, e in enterprises.items()], columns=["credit_code", "sector"]
    )
    points, meters, calibrations = demo_meter_registers(
        table,
        timezone.localdate(),
        reporter=own.credit_code if own else "",
        overdue_on=FIRST_RUN_AS_OF,
    )
    made_points = MeteringPoint.objects.bulk_create(
        [
            MeteringPoint(
                enterprise=enterprises[r.enterprise], code=r.point, measures=r.measures,
                level=r.level, name=r.name,
            )
            for r in points.itertuples(index=False)
        ],
        batch_size=BATCH,
    )  # fmt: skip
    point_of = {(p.enterprise.credit_code, p.code): p for p in made_points}
    latest = calibrations.groupby(["enterprise", "meter_id"])["due_on"].max().to_dict()
    made_meters = Meter.objects.bulk_create(
        [
            Meter(
                enterprise=enterprises[r.enterprise],
                point=point_of[(r.enterprise, r.point)],
                meter_id=r.meter_id,
                name=r.name,
                accuracy_class=float(r.accuracy_class),
                installed_on=r.installed_on,
                due_on=latest.get((r.enterprise, r.meter_id)),
            )
            for r in meters.itertuples(index=False)
        ],
        batch_size=BATCH,
    )
    meter_of = {(m.enterprise.credit_code, m.meter_id): m for m in made_meters}
    Calibration.objects.bulk_create(
        [
            Calibration(
                meter=meter_of[(r.enterprise, r.meter_id)], certificate=r.certificate,
                calibrated_on=r.calibrated_on, due_on=r.due_on, file_name="demo",
            )
            for r in calibrations.itertuples(index=False)
        ],
        batch_size=BATCH,
    )  # fmt: skip
    counts = {
        "metering_points": len(made_points),
        "meters": len(made_meters),
        "calibrations": len(calibrations),
    }
    record(
        None,
        AuditEntry.Action.CREATE,
        object_type=Meter._meta.label,
        object_id="demo",
        after=counts,
        summary=f"demo meter registers: {len(made_meters)} meters of {len(enterprises)} "
        "enterprises (synthetic)",
    )
    return counts
