"""Enterprise pages, within the user's scope: the key-unit list (重点用能和碳排放单位名录), the
county grade distribution (碳效码分布), a unit's page and its two annual reports.

A role without the key-unit pages, or a unit outside the user's scope, is answered 404 and
written to the audit log as a denial (as for an id that does not exist)."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from carbonctl.enterprises import reports
from carbonctl.errors import CarbonctlError
from carbonctl.io.readers import read_table
from carbonctl.web.accounts.permissions import (
    can_derive_key_units,
    can_view_grade_map,
    can_view_key_units,
)
from carbonctl.web.accounts.scope import enterprise_or_404, enterprises_for, regions_for
from carbonctl.web.audit.services import record_denial
from carbonctl.web.display import number, quantity
from carbonctl.web.enterprises import services
from carbonctl.web.enterprises.models import Designation, UnitYear
from carbonctl.web.enterprises.sections import sections_for
from carbonctl.web.exports import pdf_response, xlsx_response
from carbonctl.web.forms import YearField, public_message, query, saved_upload
from carbonctl.web.labels import item_label, label

PER_PAGE = 50
#: The menu link of templates/base.html, here so that its English lives in this app's catalogue.
MENU_LABEL = gettext_lazy("重点用能单位")

#: Benchmark positions (标杆/基准) as words, best first.
POSITIONS = {
    "benchmark": gettext_lazy("达到标杆水平"),
    "between": gettext_lazy("标杆与基准之间"),
    "below_baseline": gettext_lazy("未达基准水平"),
}
POSITION_CLASS = {
    "benchmark": "level-green",
    "between": "level-yellow",
    "below_baseline": "level-red",
}


class ListQuery(forms.Form):
    """``year``, ``kind``, ``region`` (a city or county adcode in scope) and ``page``."""

    year = YearField()
    kind = forms.ChoiceField(choices=[("", ""), *Designation.Kind.choices], required=False)
    region = forms.RegexField(r"^\d{6}$", required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=100000)
    format = forms.ChoiceField(choices=[("", ""), ("xlsx", "xlsx")], required=False)


class YearQuery(forms.Form):
    year = YearField()


class DeriveForm(forms.Form):
    """The year and, optionally, the province's list of units designated at 5,000 tce
    (unified social credit codes, one a line or separated by commas or spaces)."""

    year = YearField(required=True)
    provincial_list = forms.CharField(required=False, max_length=200_000)

    def codes(self) -> list[str] | None:
        text = self.cleaned_data["provincial_list"].replace(",", " ").replace("，", " ")
        return text.split() or None


def _may_view(request) -> None:
    if not can_view_key_units(request.user):
        record_denial(request, "enterprises.Designation", "", "role without key units")
        raise Http404


@login_required
def key_unit_list(request):
    """The year's key units in the user's scope with their kinds, energy, CO2, grade and worst
    标杆/基准 position; filters by kind and city or county."""
    _may_view(request)
    params = query(request, ListQuery)
    years = services.registry_years()
    year = params["year"] or (years[0] if years else None)
    visible = enterprises_for(request.user)
    designations = Designation.objects.filter(year=year, enterprise__in=visible)
    counts = {kind: designations.filter(kind=kind).count() for kind, _n in Designation.Kind.choices}
    if params["kind"]:
        designations = designations.filter(kind=params["kind"])
    regions = [r for r in regions_for(request.user) if r.level in ("city", "county")]
    if params["region"]:
        designations = designations.filter(
            enterprise__county__adcode=params["region"]
        ) | designations.filter(enterprise__county__parent_id=params["region"])
    kinds: dict[int, list[str]] = {}
    for enterprise_id, kind in designations.values_list("enterprise_id", "kind"):
        kinds.setdefault(enterprise_id, []).append(kind)
    units = (
        UnitYear.objects.filter(year=year, enterprise_id__in=list(kinds))
        .select_related("enterprise__county__parent")
        .order_by("-energy_tce")
    )
    grades = services.grade_of_units(year) if year else {}
    if params["format"] == "xlsx":
        return _list_export(year, units, kinds, grades)
    paginator = Paginator(units, PER_PAGE)
    page = paginator.get_page(params["page"] or 1)
    shown = [u.enterprise_id for u in page.object_list]
    positions = services.worst_positions(shown, year) if year else {}
    labels = dict(Designation.Kind.choices)
    rows = [
        {
            "unit": u,
            "kinds": [labels[k] for k in sorted(kinds[u.enterprise_id])],
            "grade": grades.get(u.enterprise_id, {}).get("grade"),
            "position": POSITIONS.get(positions.get(u.enterprise_id, "")),
            "position_class": POSITION_CLASS.get(positions.get(u.enterprise_id, ""), ""),
        }
        for u in page.object_list
    ]
    totals = UnitYear.objects.filter(year=year, enterprise_id__in=list(kinds))
    return render(
        request,
        "enterprises/list.html",
        {
            "year": year,
            "years": years,
            "params": params,
            "kinds": Designation.Kind.choices,
            "counts": counts,
            "regions": regions,
            "rows": rows,
            "page": page,
            "total_energy": sum(u.energy_tce for u in totals),
            "total_co2": sum(u.co2_t for u in totals),
            "may_see_map": can_view_grade_map(request.user),
            "may_derive": can_derive_key_units(request.user),
        },
    )


def _list_export(year, units, kinds: dict[int, list[str]], grades: dict[int, dict]):
    """The filtered list as Excel, all rows, with the page's labels (CO2 in t here)."""
    labels = dict(Designation.Kind.choices)
    positions = services.worst_positions([u.enterprise_id for u in units], year)
    header = [
        _("单位名称"),
        _("统一社会信用代码"),
        _("所在地区"),
        _("重点行业"),
        _("类别"),
        _("综合能源消费量（吨标准煤）"),
        _("二氧化碳排放量（吨）"),
        _("碳效等级"),
        _("能效对标"),
    ]
    rows = (
        [
            u.enterprise.name,
            u.enterprise.credit_code,
            f"{u.enterprise.county.parent.name if u.enterprise.county.parent else ''} · "
            f"{u.enterprise.county.name}",
            label("key_industry", u.enterprise.key_industry),
            "; ".join(str(labels[k]) for k in sorted(kinds[u.enterprise_id])),
            round(u.energy_tce, 1),
            round(u.co2_t, 1),
            grades.get(u.enterprise_id, {}).get("grade"),
            str(POSITIONS.get(positions.get(u.enterprise_id, ""), "")),
        ]
        for u in units
    )
    return xlsx_response(f"key-units-{year}.xlsx", _("重点用能和碳排放单位"), header, rows)


@login_required
@require_POST
def derive(request):
    """Derive a year's registry from the approved submissions (province staff only): the
    year's designations are replaced, audited; back to the list of that year."""
    _may_view(request)
    if not can_derive_key_units(request.user):
        record_denial(request, "enterprises.Designation", "", "may not derive key units")
        return HttpResponse(
            _("您无权执行此操作。"), status=403, content_type="text/plain; charset=utf-8"
        )
    form = DeriveForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("请选择年份。"), status=400, content_type="text/plain; charset=utf-8")
    year = form.cleaned_data["year"]
    try:
        services.derive_key_units(request.user, year, provincial_list=form.codes())
    except services.UnknownCreditCodes as exc:
        message = _("省级名单中有平台上不存在的统一社会信用代码：%(codes)s。请核对后重新提交。") % {
            "codes": ", ".join(exc.codes[:10])
        }
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    return redirect(f"{reverse('enterprises:list')}?year={year}")


class TableUploadForm(forms.Form):
    """A CSV or Excel table (value added, energy-saving targets) of at most 5 MB."""

    file = forms.FileField()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")) or upload.size > 5 * 2**20:
            raise forms.ValidationError(_("请上传不超过 5 MB 的 .csv 或 .xlsx 文件。"))
        return upload


def _table_upload(request, object_type: str, what: str, store, done: str):
    """Province staff's upload of a table that ``store(user, table, source=name)`` records all
    rows or none: 403 (and an audited denial) for other roles, 400 naming the file's rows for bad
    input (never the server's temporary path), else a redirect to ``done``."""
    _may_view(request)
    if not can_derive_key_units(request.user):
        record_denial(request, object_type, "", f"may not record {what}")
        return HttpResponse(
            _("您无权执行此操作。"), status=403, content_type="text/plain; charset=utf-8"
        )
    form = TableUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return HttpResponse(
            _("请上传不超过 5 MB 的 .csv 或 .xlsx 文件。"),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    upload = form.cleaned_data["file"]
    name = Path(upload.name).name
    with saved_upload(upload) as path:
        try:
            store(request.user, read_table(path, source=name), source=name)
        except CarbonctlError as exc:
            message = public_message(exc).replace(str(path), name)
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    return redirect(done)


@login_required
@require_POST
def value_added(request):
    """Record enterprises' value added from a table (province staff only), all rows or none;
    errors name their rows."""
    return _table_upload(
        request,
        "enterprises.UnitYear",
        "value added",
        services.record_value_added,
        reverse("enterprises:grades"),
    )


@login_required
@require_POST
def saving_targets(request):
    """Record key units' energy-saving targets (节能目标) from a table (province staff only),
    all rows or none; errors name their rows and columns."""
    return _table_upload(
        request,
        "enterprises.EnergySavingTarget",
        "energy-saving targets",
        services.record_saving_targets,
        reverse("enterprises:list"),
    )


@login_required
def grade_map(request):
    """Counts of carbon-efficiency grades 1–5 per county in the user's scope, as a table and a
    map of the share of grades 4–5."""
    if not can_view_grade_map(request.user):
        record_denial(request, "enterprises.UnitYear", "", "role without the grade map")
        raise Http404
    params = query(request, YearQuery)
    years = sorted(
        set(UnitYear.objects.filter(value_added_10k_cny__gt=0).values_list("year", flat=True)),
        reverse=True,
    )
    year = params["year"] or (years[0] if years else None)
    counties = {r.adcode: r for r in regions_for(request.user) if r.level == "county"}
    table = services.county_grade_distribution(year, counties) if year else None
    rows = []
    if table is not None:
        for adcode, r in table.iterrows():
            region = counties[adcode]
            rows.append(
                {
                    "adcode": adcode,
                    "name": region.name,
                    "counts": [int(r[g]) for g in range(1, 6)],
                    "total": int(r["total"]),
                    "share": quantity(r["share_4_5"], "%:1"),
                    "share_value": round(float(r["share_4_5"]) * 100, 1),
                }
            )
    rows.sort(key=lambda r: -r["share_value"])
    totals = [sum(r["counts"][g] for r in rows) for g in range(5)]
    return render(
        request,
        "enterprises/grades.html",
        {
            "year": year,
            "years": years,
            "rows": rows,
            "totals": totals,
            "total": sum(totals),
            "chart": {"counties": rows} if rows else None,
        },
    )


@login_required
def enterprise_detail(request, enterprise_id: int):
    enterprise = enterprise_or_404(request, enterprise_id)
    submissions = enterprise.submissions.select_related("factor_set").order_by("-uploaded_at")
    return render(
        request,
        "enterprises/detail.html",
        {
            "enterprise": enterprise,
            "submissions": submissions,
            "sections": sections_for(request, enterprise),
        },
    )


def key_unit_section(request, enterprise) -> dict:
    """The key-unit section of the unit's page: designation history, energy and CO2 by year,
    products against 标杆/基准, grade, energy-saving progress and the report downloads."""
    years = list(enterprise.unit_years.order_by("-year"))
    for unit in years:
        unit.source_text = source_text(unit)
    latest = years[0].year if years else None
    grade = services.grade_of_units(latest).get(enterprise.pk) if latest else None
    products = [
        {
            "row": p["row"],
            "position": p["position"],
            "label": POSITIONS.get(p["position"].position) if p["position"] else None,
            "css": POSITION_CLASS.get(p["position"].position, "") if p["position"] else "",
        }
        for p in services.product_positions(enterprise, latest)
    ]
    return {
        "history": services.designation_history(enterprise),
        "unit_years": years,
        "latest": latest,
        "grade": grade,
        "products": products,
        "savings": services.saving_rows(enterprise),
    }


def may_see_key_unit_section(request, enterprise) -> bool:
    return can_view_key_units(request.user)


# --- reports ----------------------------------------------------------------------------------


def _column_labels() -> dict[str, str]:
    return {
        "item": _("品种"),
        "category": _("类别"),
        "amount": _("实物量"),
        "unit": _("单位"),
        "tce": _("折标准煤 (tce)"),
        "product": _("产品或工序"),
        "specific_energy": _("单位产品能耗"),
        "benchmark": _("标杆水平"),
        "baseline": _("基准水平"),
        "position": _("对标结果"),
        "plan": _("规划期"),
        "target_tce": _("节能量目标 (tce)"),
        "achieved_tce": _("累计节能量 (tce)"),
        "share": _("完成比例"),
        "schedule": _("时序进度"),
        "tco2": _("排放量 (tCO2)"),
    }


def _table_titles() -> dict[str, str]:
    return {
        "energy_by_carrier": _("一、能源消费结构（实物量与折标量）"),
        "product_energy": _("二、单位产品能耗对标（标杆/基准）"),
        "saving_targets": _("三、节能目标完成情况"),
        "emissions_by_source": _("温室气体排放量（按排放源，GB/T 32150-2015）"),
    }


def _cell(key: str, value):
    """A report cell as people read it: keys become labels, shares become %."""
    if value is None:
        return "–"
    if key == "category":
        return label("category", value) if value else ""
    if key == "item":
        return _("综合能源消费量") if value == "total" else item_label(value, value)
    if key == "position":
        return str(POSITIONS.get(value, "–"))
    if key in ("share", "schedule"):
        return quantity(value, "%:1")
    if key == "plan":
        return label("plan", value) if value else ""
    return value


def _report_tables(enterprise, year: int, kind: str) -> tuple[list[dict], UnitYear]:
    unit = UnitYear.objects.filter(enterprise=enterprise, year=year).first()
    if unit is None:
        raise Http404
    details = unit.details or {}
    if kind == "energy":
        products = []
        for p in services.product_positions(enterprise, year):
            pos = p["position"]
            products.append(
                {
                    "product": p["row"].product,
                    "specific_energy": p["row"].specific_energy,
                    "unit": p["row"].unit,
                    "benchmark": pos.benchmark if pos else None,
                    "baseline": pos.baseline if pos else None,
                    "position": pos.position if pos else "",
                }
            )
        savings = [
            {
                "plan": s["target"].plan,
                "target_tce": s["progress"].target_tce,
                "achieved_tce": s["progress"].achieved_tce,
                "share": s["progress"].share,
                "schedule": s["progress"].schedule,
            }
            for s in services.saving_rows(enterprise)
        ]
        tables = reports.energy_use_report(details.get("carriers", []), products, savings)
    else:
        tables = reports.emission_report(details.get("categories", {}))
    labels, titles = _column_labels(), _table_titles()
    out = []
    for t in tables:
        rows = []
        for row in t.rows:
            rows.append([_cell(k, v) for k, v in zip(t.columns, row, strict=True)])
        if t.key == "emissions_by_source":
            rows[-1][0] = _("合计")
        out.append(
            {
                "title": titles[t.key],
                "header": [labels[c] for c in t.columns],
                "rows": rows,
                "numeric": [
                    c not in ("item", "category", "unit", "product", "position", "plan")
                    for c in t.columns
                ],
            }
        )
    return out, unit


def source_text(unit: UnitYear) -> str:
    """Where a unit's year came from, in words: its approved submissions, else the demo."""
    if unit.submission_ids:
        return _("审核通过的报送") + " " + " ".join(f"#{i}" for i in unit.submission_ids)
    if unit.source.startswith("演示数据"):
        return _("演示数据（合成，按县级行业数据推算）")
    return unit.source or "–"


REPORT_TITLES = {
    "energy": gettext_lazy("能源利用状况报告"),
    "emission": gettext_lazy("温室气体排放报告"),
}


@login_required
def report(request, enterprise_id: int, year: int, kind: str, fmt: str):
    """A unit's annual report (``kind`` energy or emission) of ``year`` as xlsx or pdf."""
    _may_view(request)
    enterprise = enterprise_or_404(request, enterprise_id)
    if kind not in REPORT_TITLES or fmt not in ("xlsx", "pdf"):
        raise Http404
    tables, unit = _report_tables(enterprise, year, kind)
    title = f"{enterprise.name} {year} {REPORT_TITLES[kind]}"
    filename = f"{kind}-report-{enterprise.credit_code}-{year}.{fmt}"
    if fmt == "xlsx":
        rows: list[list] = []
        for t in tables:
            rows += [[t["title"]], t["header"], *t["rows"], []]
        rows.append([_("数据来源"), source_text(unit)])
        return xlsx_response(filename, str(REPORT_TITLES[kind]), [title], rows)
    for t in tables:
        t["rows"] = [[number(v, 2) if isinstance(v, float) else v for v in r] for r in t["rows"]]
    return pdf_response(
        request,
        filename,
        "enterprises/report_pdf.html",
        {"title": title, "tables": tables, "source": source_text(unit), "enterprise": enterprise},
    )
