"""The metrology pages (碳计量): meters by city and enterprise with their GB 17167-2006
equipping and calibration status, the import of a meter register, its template, and the
metrology section of the enterprise page. Every page shows only the enterprises of the user's
scope (:func:`carbonctl.web.accounts.scope.enterprises_for`)."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from carbonctl import metrology as core
from carbonctl.errors import CarbonctlError, InputErrors
from carbonctl.web.accounts.permissions import can_manage_meters, can_view_metrology
from carbonctl.web.accounts.scope import enterprises_for, regions_for
from carbonctl.web.audit.services import record_denial
from carbonctl.web.exports import xlsx_response
from carbonctl.web.forms import public_message, query, saved_upload
from carbonctl.web.metrology import services
from carbonctl.web.metrology.forms import ImportForm, PageQuery

#: Calibration state -> (words, level class): colour is never the only carrier.
STATES = {
    "overdue": (gettext_lazy("检定超期"), "level-red"),
    "due_soon": (gettext_lazy("即将到期"), "level-yellow"),
    "valid": (gettext_lazy("有效"), "level-green"),
}


#: Data-quality tier -> level class (best green, worst red), beside the tier's words.
TIER_CLASSES = {
    "metered_calibrated": "level-green",
    "metered": "level-yellow",
    "estimated": "level-red",
}


def _may_view(request) -> None:
    if not can_view_metrology(request.user):
        record_denial(request, "metrology.Meter", "", "role without metrology")
        raise Http404


def _terms() -> tuple[dict[str, str], dict[str, str]]:
    lang = get_language()
    return core.term_names("measure", lang), core.term_names("level", lang)


def meter_rows(meters, today) -> list[dict]:
    """Meters as rows of a table: names of what they measure and their level, the state."""
    measures, levels = _terms()
    days = services.due_soon_days()
    rows = []
    for m in meters:
        state = core.calibration_state(m.due_on, today, days)
        words, css = STATES[state]
        rows.append(
            {
                "meter": m,
                "measures": measures.get(m.point.measures, m.point.measures),
                "level": levels.get(m.point.level, m.point.level),
                "state": state,
                "state_words": words,
                "state_class": css,
                "days": (m.due_on - today).days if m.due_on else None,
            }
        )
    return rows


def equipping_rows(check: core.EquippingCheck) -> list[dict]:
    measures, levels = _terms()
    return [
        {
            **row,
            "measures_name": measures.get(row["measures"], row["measures"]),
            "level_name": levels.get(row["level"], row["level"]),
        }
        for row in check.table.to_dict(orient="records")
    ]


@login_required
def page(request):
    """Meters in scope: headline counts, by city, by enterprise, and the calibrations overdue
    or due soon."""
    _may_view(request)
    params = query(request, PageQuery)
    today = timezone.localdate()
    meters = services.meters_for(request.user)
    if params["city"]:
        meters = meters.filter(enterprise__county__parent_id=params["city"])
    meters = list(meters.order_by("enterprise__county_id", "enterprise__name_zh", "meter_id"))
    rows = meter_rows(meters, today)
    by_enterprise: dict[int, dict] = {}
    for row in rows:
        enterprise = row["meter"].enterprise
        entry = by_enterprise.setdefault(
            enterprise.pk,
            {"enterprise": enterprise, "meters": 0, "overdue": 0, "due_soon": 0},
        )
        entry["meters"] += 1
        if row["state"] != "valid":
            entry[row["state"]] += 1
    checks = services.equipping_by_enterprise(list(by_enterprise))
    for pk, entry in by_enterprise.items():
        check = checks[pk]
        entry["meets"] = check.meets
        entry["gaps"] = len(check.shortfalls)
        entry["lowest_rate"] = check.table["rate_pct"].min() / 100 if len(check.table) else None
    by_city: dict[str, dict] = defaultdict(
        lambda: {"enterprises": 0, "meters": 0, "overdue": 0, "due_soon": 0, "meeting": 0}
    )
    cities = {}
    for entry in by_enterprise.values():
        city = entry["enterprise"].county.parent
        cities[city.adcode] = city
        line = by_city[city.adcode]
        line["enterprises"] += 1
        line["meeting"] += bool(entry["meets"])
        for key in ("meters", "overdue", "due_soon"):
            line[key] += entry[key]
    city_rows = [{"city": cities[code], **line} for code, line in sorted(by_city.items())]
    attention = sorted(
        (r for r in rows if r["state"] != "valid"),
        key=lambda r: (r["state"] != "overdue", r["meter"].due_on or today),
    )
    context = {
        "params": params,
        "total": len(rows),
        "enterprises": len(by_enterprise),
        "overdue": sum(r["state"] == "overdue" for r in rows),
        "due_soon": sum(r["state"] == "due_soon" for r in rows),
        "meeting": sum(bool(e["meets"]) for e in by_enterprise.values()),
        "due_soon_days": services.due_soon_days(),
        "city_rows": city_rows,
        "enterprise_rows": list(by_enterprise.values()),
        "attention": attention,
        "cities": [r for r in regions_for(request.user) if r.level == "city"],
        "may_import": can_manage_meters(request.user),
        "in_scope": enterprises_for(request.user).count(),
        "today": today,
    }
    return render(request, "metrology/page.html", context)


@login_required
def export(request):
    """The meters in scope (with the page's city filter) as Excel, with the page's words."""
    _may_view(request)
    params = query(request, PageQuery)
    meters = services.meters_for(request.user)
    if params["city"]:
        meters = meters.filter(enterprise__county__parent_id=params["city"])
    rows = meter_rows(meters.order_by("enterprise__credit_code", "meter_id"), timezone.localdate())
    header = [
        _("企业"), _("统一社会信用代码"), _("所在县(市、区)"), _("计量器具编号"), _("计量对象"),
        _("计量级别"), _("准确度等级"), _("安装日期"), _("检定有效期至"), _("状态"),
    ]  # fmt: skip
    return xlsx_response(
        "meters.xlsx",
        _("计量器具"),
        header,
        (
            [
                r["meter"].enterprise.name,
                r["meter"].enterprise.credit_code,
                r["meter"].enterprise.county.name,
                r["meter"].meter_id,
                r["measures"],
                r["level"],
                r["meter"].accuracy_class,
                r["meter"].installed_on.isoformat(),
                r["meter"].due_on.isoformat() if r["meter"].due_on else _("无检定记录"),
                str(r["state_words"]),
            ]
            for r in rows
        ),
    )


# --- import -------------------------------------------------------------------------------------


@login_required
def import_view(request):
    """The upload form (GET) and the import (POST): every problem of the file is listed with
    its row, column and what was expected; nothing is stored then."""
    _may_view(request)
    if not can_manage_meters(request.user):
        record_denial(request, "metrology.Meter", "", "role may not import meters")
        raise Http404
    errors: list[str] = []
    result = None
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        name = Path(upload.name).name
        try:
            with saved_upload(upload) as path:
                result = services.import_meters(request.user, path, file_name=name, request=request)
        except InputErrors as exc:
            errors = [public_message(e) for e in exc.errors]
        except CarbonctlError as exc:
            errors = [public_message(exc)]
    status = 422 if request.method == "POST" and result is None else 200
    return render(
        request,
        "metrology/import.html",
        {"form": form, "errors": errors, "result": result},
        status=status,
    )


@login_required
def template(request):
    """The meter register template (CSV, UTF-8 with BOM so Excel opens it): the columns and
    one example row."""
    _may_view(request)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.name for c in core.METER_COLUMNS])
    writer.writerow(
        ["M-001", "91140100MA0000000X", "电力", "进出用能单位", "0.5", "2020-01-01",
         "JD-2025-001", "2025-03-01", "2026-02-28", "P-001", "总进线电能表"]
    )  # fmt: skip
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="meter-register-template.csv"'
    return response


# --- enterprise section -------------------------------------------------------------------------


def section_context(request, enterprise) -> dict:
    """The metrology section of the enterprise page: its meters, their calibration status and
    its GB 17167-2006 equipping check."""
    today = timezone.localdate()
    meters = list(enterprise.meters.select_related("point").order_by("meter_id"))
    check = services.equipping_for(enterprise)
    rows = meter_rows(meters, today)
    year = today.year - 1  # the last complete year, the one annual reports cover
    measures, _levels = _terms()
    names = core.tier_table()["name_en" if get_language().startswith("en") else "name_zh"]
    tiers = [
        {
            "measures": measures.get(r.measures, r.measures),
            "tier": r.tier,
            "tier_name": names[r.tier],
            "half_width_pct": r.half_width_pct,
            "css": TIER_CLASSES[r.tier],
        }
        for r in services.tiers_for(enterprise, year).itertuples(index=False)
    ]
    return {
        "tier_year": year,
        "tiers": tiers,
        "meter_rows": rows,
        "equipping": equipping_rows(check),
        "equipping_meets": check.meets,
        "equipping_unconfirmed": check.unconfirmed,
        "overdue": sum(r["state"] == "overdue" for r in rows),
        "due_soon": sum(r["state"] == "due_soon" for r in rows),
        "points": enterprise.metering_points.count(),
        "may_import": can_manage_meters(request.user),
    }


def section_visible(request, _enterprise) -> bool:
    return can_view_metrology(request.user)
