"""The footprint pages (产品碳足迹): the studies in the user's scope, a study (goal and scope,
result by stage and gas, top processes, label grade, data quality, downloads), a new study from
a foreground model, suppliers' PACT footprints, the background database's versions and the
label grades by product; the footprint section of the enterprise page."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter, defaultdict
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from carbonctl.errors import CarbonctlError, InputErrors
from carbonctl.web.accounts.permissions import (
    can_manage_background,
    can_manage_footprints,
    can_verify_footprints,
    can_view_footprints,
)
from carbonctl.web.accounts.scope import enterprise_or_404, enterprises_for
from carbonctl.web.accounts.services import verifiers
from carbonctl.web.audit.services import record_denial
from carbonctl.web.display import number
from carbonctl.web.exports import XLSX, pdf_response, xlsx_response
from carbonctl.web.footprint import services
from carbonctl.web.footprint.forms import (
    BackgroundQuery,
    BackgroundUploadForm,
    GradesQuery,
    ListQuery,
    OpinionForm,
    PactForm,
    StudyForm,
    VerifierForm,
)
from carbonctl.web.footprint.models import BackgroundVersion, FootprintStudy
from carbonctl.web.forms import form_errors, public_message, query, saved_upload

PER_PAGE = 50

#: Industries a study belongs to (the grades page groups by them); CBAM covers three.
INDUSTRIES = {
    "coking": gettext_lazy("焦化"),
    "cement": gettext_lazy("水泥"),
    "steel": gettext_lazy("钢铁"),
    "aluminium": gettext_lazy("铝业"),
    "glass": gettext_lazy("平板玻璃"),
    "chemicals": gettext_lazy("化工"),
    "lime": gettext_lazy("石灰"),
    "other": gettext_lazy("其他"),
}

#: Life-cycle stages (GB/T 24067-2024) in the user's words.
STAGES = {
    "raw_materials": gettext_lazy("原材料获取"),
    "production": gettext_lazy("生产"),
    "distribution": gettext_lazy("分销运输"),
    "use": gettext_lazy("使用"),
    "end_of_life": gettext_lazy("废弃处置"),
}

BOUNDARIES = dict(FootprintStudy.Boundary.choices)
ALLOCATIONS = dict(FootprintStudy.Allocation.choices)

#: Background process categories in the user's words.
CATEGORIES = {
    "electricity": gettext_lazy("电力"),
    "fuel": gettext_lazy("燃料"),
    "heat": gettext_lazy("热力"),
    "material": gettext_lazy("原材料"),
    "transport": gettext_lazy("运输"),
    "supplier": gettext_lazy("供应商"),
}

#: Grade -> level class (colour beside the grade's words, never alone).
GRADE_CLASSES = {"一级": "level-green", "二级": "level-green", "三级": "level-yellow"}


def _may_view(request) -> None:
    if not can_view_footprints(request.user):
        record_denial(request, "footprint.FootprintStudy", "", "role without footprints")
        raise Http404


def _may_manage(request) -> None:
    if not can_manage_footprints(request.user):
        record_denial(request, "footprint.FootprintStudy", "", "role may not compute footprints")
        raise Http404


def _status_unconfirmed(status) -> bool:
    return "UNCONFIRMED" in str(status or "").upper()


def _grade_class(grade: str) -> str:
    return GRADE_CLASSES.get(grade, "level-red" if grade else "level-none")


def _grade_words(grade: str) -> str:
    """A grade code (一级 … 未达标) in the user's language (the core's labels, else as it is)."""
    if not grade:
        return _("未评级")
    from carbonctl.web.labels import label

    try:
        return label("footprint_grade", grade)
    except (KeyError, ValueError):
        return grade


def _kg_per_unit(value) -> str:
    return number(value, 1)


def study_row(study: FootprintStudy) -> dict:
    return {
        "study": study,
        "industry": INDUSTRIES.get(study.industry, study.industry),
        "grade_words": _grade_words(study.grade),
        "grade_class": _grade_class(study.grade),
        "t_per_unit": None if study.score is None else study.score / 1000,
    }


# --- list ---------------------------------------------------------------------------------------


@login_required
def page(request):
    """The studies in scope: headline figures, a product filter, the table, Excel export."""
    _may_view(request)
    params = query(request, ListQuery)
    studies = services.studies_for(request.user)
    if params["product"]:
        studies = studies.filter(product=params["product"])
    studies = studies.order_by("product", "score", "pk")
    if params["format"] == "xlsx":
        return _export(studies)
    rows = [study_row(s) for s in studies]
    paginator = Paginator(rows, PER_PAGE)
    page_obj = paginator.get_page(params["page"] or 1)
    all_in_scope = services.studies_for(request.user)
    context = {
        "params": params,
        "rows": page_obj.object_list,
        "page_obj": page_obj,
        "total": len(rows),
        "products": sorted(set(all_in_scope.values_list("product", flat=True))),
        "enterprises": len({r["study"].enterprise_id for r in rows}),
        "graded": sum(bool(r["study"].grade) for r in rows),
        "verified": sum(r["study"].verified for r in rows),
        "may_manage": can_manage_footprints(request.user),
        "may_background": can_manage_background(request.user),
        "background": services.current_background(),
        # a verifier sees assigned studies of enterprises outside its scope: no link to those
        "linked": set(
            enterprises_for(request.user)
            .filter(pk__in={r["study"].enterprise_id for r in page_obj.object_list})
            .values_list("pk", flat=True)
        ),
    }
    return render(request, "footprint/page.html", context)


def _export(studies) -> HttpResponse:
    header = [
        _("企业"), _("统一社会信用代码"), _("产品"), _("产品分类代码（UN CPC）"), _("行业"),
        _("声明单位"), _("系统边界"), _("核算期"), _("碳足迹（kgCO2e/声明单位）"),
        _("碳标识等级"), _("已核查"), _("背景数据库版本"),
    ]  # fmt: skip
    rows = (
        [
            s.enterprise.name,
            s.enterprise.credit_code,
            s.product,
            s.cpc_code,
            str(INDUSTRIES.get(s.industry, s.industry)),
            f"{s.declared_amount:g} {s.declared_unit}",
            str(BOUNDARIES.get(s.boundary, s.boundary)),
            f"{s.period_start:%Y-%m-%d} – {s.period_end:%Y-%m-%d}",
            s.score,
            _grade_words(s.grade),
            _("是") if s.verified else _("否"),
            s.background.version,
        ]
        for s in studies
    )
    return xlsx_response("footprint-studies.xlsx", _("产品碳足迹"), header, rows)


# --- one study ----------------------------------------------------------------------------------


def _study_context(request, study: FootprintStudy) -> dict:
    result = study.result or {}
    score = result.get("score") or 0.0
    stages = [
        {
            "key": key,
            "name": STAGES.get(key, key),
            "kg": value,
            "share": value / score if score else None,
        }
        for key, value in (result.get("by_stage") or {}).items()
    ]
    gases = [
        {"gas": gas, "kg": value, "counted": gas != "CO2 biogenic"}
        for gas, value in (result.get("by_gas") or {}).items()
    ]
    top_rows = [
        {
            **entry,
            "unconfirmed": _status_unconfirmed(entry.get("status")),
            "foreground": entry.get("category") == "foreground",
        }
        for entry in result.get("top_processes") or []
    ]
    chart = {
        "title": _("贡献最大的过程（kgCO2e/声明单位）"),
        "names": [r["name"] for r in reversed(top_rows)],
        "values": [round(r["kg"], 3) for r in reversed(top_rows)],
    }
    detail = study.grade_detail or {}
    return {
        "study": study,
        "row": study_row(study),
        "result": result,
        "stages": stages,
        "gases": gases,
        "top_rows": top_rows,
        "chart": chart,
        "grade": detail,
        "grade_unconfirmed": _status_unconfirmed(detail.get("reference_status")),
        "boundary": BOUNDARIES.get(study.boundary, study.boundary),
        "allocation": ALLOCATIONS.get(study.allocation, study.allocation),
        "suppliers": list(study.suppliers.all()),
        "tiers": _tier_rows(study.tiers or {}),
        "primary_share": result.get("primary_share"),
        "cbam": study.industry in services.CBAM_INDUSTRIES and bool(study.cn_code),
        "may_manage": can_manage_footprints(request.user),
        "unconfirmed_used": result.get("unconfirmed", 0),
        **_verification_context(request, study),
        "newest_background": _newer_background(study),
    }


def _newer_background(study: FootprintStudy) -> BackgroundVersion | None:
    newest = services.current_background()
    return newest if newest is not None and newest.pk != study.background_id else None


def _verification_context(request, study: FootprintStudy, **forms) -> dict:
    """The verification section: the state, the assignment form for those who manage the
    study (unless it is verified), the opinion form for its assigned verifier."""
    user = request.user
    may_assign = can_manage_footprints(user) and (
        study.verification_outcome != FootprintStudy.Outcome.PASSED
    )
    may_verify = can_verify_footprints(user) and study.verifier_id == user.pk
    return {
        "may_assign": may_assign,
        "may_verify": may_verify and study.score is not None,
        "verifier_form": forms.get("verifier_form")
        or VerifierForm(
            verifiers=verifiers(),
            initial={"verifier": study.verifier_id},
        ),
        "opinion_form": forms.get("opinion_form") or OpinionForm(),
        "verification_errors": forms.get("errors", []),
        "may_see_enterprise": enterprises_for(user).filter(pk=study.enterprise_id).exists(),
    }


def _tier_rows(shares: dict) -> list[dict]:
    """Data-quality tiers of the foreground data (carbonctl.metrology) with their names."""
    if not shares:
        return []
    from carbonctl import metrology

    column = "name_en" if get_language().startswith("en") else "name_zh"
    names = metrology.tier_table()[column]
    return [{"name": names.get(k, k), "share": v} for k, v in shares.items()]


@login_required
def study(request, study_id: int):
    _may_view(request)
    found = services.study_or_404(request, study_id)
    return render(request, "footprint/study.html", _study_context(request, found))


@login_required
def assign_verifier(request, study_id: int):
    """Assign the study's verifier (POST from the study page): who may manage it, in scope."""
    _may_view(request)
    found = services.study_or_404(request, study_id)
    _may_manage(request)
    form = VerifierForm(request.POST or None, verifiers=verifiers())

    def assign(data):
        services.assign_verifier(request.user, found, data["verifier"], request=request)

    return _verification_step(request, found, form, assign, "verifier_form")


@login_required
def update_background(request, study_id: int):
    """Compute the study again on the newest background version (POST from the study page)."""
    _may_view(request)
    found = services.study_or_404(request, study_id)
    _may_manage(request)
    if request.method == "POST":
        try:
            services.update_background(request.user, found, request=request)
        except CarbonctlError as exc:  # the model no longer links on the new version
            context = _study_context(request, found)
            context["background_errors"] = [public_message(exc)]
            return render(request, "footprint/study.html", context, status=422)
    return redirect("footprint:study", study_id=found.pk)


@login_required
def verify(request, study_id: int):
    """The assigned verifier's opinion (POST from the study page); anyone else gets 404 and a
    denial in the audit log."""
    _may_view(request)
    found = services.study_or_404(request, study_id)
    if not can_verify_footprints(request.user) or found.verifier_id != request.user.pk:
        record_denial(request, "footprint.FootprintStudy", str(found.pk), "not its verifier")
        raise Http404

    def give(data):
        opinion = services.Opinion(
            passed=data["outcome"] == FootprintStudy.Outcome.PASSED,
            level=data["level"],
            standard=data["standard"],
            statement=data["statement"],
        )
        services.verify_study(request.user, found, opinion, request=request)

    return _verification_step(
        request, found, OpinionForm(request.POST or None), give, "opinion_form"
    )


def _verification_step(request, study: FootprintStudy, form, act, form_key: str):
    """A POST of the verification section: ``act`` on the valid form's data, then back to the
    study; a bad form or a refused step shows the study page again with the reasons (422)."""
    if request.method != "POST":
        return redirect("footprint:study", study_id=study.pk)
    if form.is_valid():
        try:
            act(form.cleaned_data)
        except CarbonctlError as exc:
            errors = [public_message(exc)]
        else:
            return redirect("footprint:study", study_id=study.pk)
    else:
        errors = form_errors(form)
    context = _study_context(request, study)
    context.update(_verification_context(request, study, **{form_key: form, "errors": errors}))
    return render(request, "footprint/study.html", context, status=422)


#: Columns of the core's report tables not shown (process ids are internal keys).
HIDDEN_COLUMNS = ("process",)


def _report_cells(study: FootprintStudy, tables) -> list[dict]:
    """The report's tables with their keys in the user's words: titles, column heads, the
    names of the items, life-cycle stages, process categories and the study's choices
    (boundary, allocation, method); sources, statuses and limitations stay as written."""
    values = {
        study.boundary: BOUNDARIES.get(study.boundary, study.boundary),
        study.allocation: ALLOCATIONS.get(study.allocation, study.allocation),
        study.method: study.get_method_display(),
        f"GWP100 {study.method}": study.get_method_display(),
        "total": _("合计"),
        "foreground": _("企业自有过程"),
        "ratio": _("与参考值之比"),
        "percentile": _("百分位"),
        **STAGES,
        **CATEGORIES,
    }
    out = []
    for t in tables:
        shown = [i for i, c in enumerate(t.columns) if c not in HIDDEN_COLUMNS]
        rows = []
        for row in t.rows:
            cells = []
            for i in shown:
                column, value = t.columns[i], row[i]
                if column in ("item", "field"):
                    value = _field_label(value)
                elif column == "unit" and isinstance(value, str):
                    value = value.replace(" (not in the score)", "")
                elif isinstance(value, str) and value in values:
                    value = values[value]
                cells.append(str(value) if isinstance(value, Promise) else value)
            rows.append(cells)
        out.append(
            {
                "key": t.key,
                "title": _table_title(t.key),
                "header": [_column_label(t.columns[i]) for i in shown],
                "rows": rows,
                "columns": [t.columns[i] for i in shown],
                "raw": [[r[i] for i in shown] for r in t.rows],
            }
        )
    return out


def _field_label(key: str) -> str:
    labels = {
        "product": _("产品"),
        "industry": _("行业"),
        "cpc_code": _("产品分类代码（UN CPC）"),
        "cn_code": _("海关编码（CN）"),
        "functional_unit": _("功能单位"),
        "declared_unit": _("声明单位"),
        "amount": _("声明单位数量"),
        "boundary": _("系统边界"),
        "allocation": _("分配方法"),
        "cut_off_percent": _("取舍比例（%）"),
        "cut_off_description": _("取舍说明"),
        "method": _("特征化方法"),
        "reference_period": _("核算期"),
        "geography": _("地理范围"),
        "standard": _("依据标准"),
        "score": _("碳足迹"),
        "score_per_unit": _("单位产品碳足迹"),
        "fossil_score": _("化石碳足迹"),
        "biogenic_co2": _("生物源 CO2（不计入碳足迹）"),
        "primary_data_share": _("初级数据占比（%）"),
        "grade": _("碳标识等级"),
        "basis": _("评定依据"),
        "reference": _("参考值（kgCO2e/声明单位）"),
        "ratio": _("与参考值之比"),
        "percentile": _("百分位"),
        "reference_source": _("参考值来源"),
        "reference_status": _("参考值状态说明"),
        "source": _("等级划分的来源"),
        "status": _("等级划分的状态说明"),
    }
    if isinstance(key, str) and key.startswith("tier:"):
        return _("数据质量等级") + " " + _tier_name(key.removeprefix("tier:"))
    return labels.get(key, key)


def _tier_name(tier: str) -> str:
    from carbonctl import metrology

    column = "name_en" if _english() else "name_zh"
    return str(metrology.tier_table()[column].get(tier, tier))


def _table_title(key: str) -> str:
    titles = {
        "goal_scope": _("目的和范围"),
        "results_summary": _("结果汇总"),
        "inventory_by_process": _("按过程的清单"),
        "results_by_gas": _("按温室气体的结果"),
        "results_by_stage": _("按生命周期阶段的结果"),
        "data_quality": _("数据质量"),
        "label_grade": _("碳标识等级"),
        "limitations": _("局限性"),
    }
    return titles.get(key, key)


def _column_label(key: str) -> str:
    labels = {
        "item": _("项目"),
        "field": _("项目"),
        "value": _("值"),
        "name": _("过程"),
        "stage": _("生命周期阶段"),
        "category": _("类别"),
        "amount": _("数量"),
        "unit": _("单位"),
        "kgco2e": "kgCO2e",
        "share": _("占比"),
        "gas": _("温室气体"),
        "source": _("来源"),
        "status": _("状态说明"),
        "limitation": _("说明"),
    }
    return labels.get(key, key)


#: Columns and goal-and-scope fields that quote references (sources, statuses): in the Excel
#: report they go to their own sheet, whose columns say they are quotations.
CITED_COLUMNS = ("source", "status")
CITED_FIELDS = ("reference_source", "reference_status", "source", "status")


def _report_workbook(title: str, tables: list[dict]) -> bytes:
    """The report as Excel: the tables on the first sheet, the sources and statuses they quote
    (per process or per field) on a second sheet; every cell through safe_row."""
    from io import BytesIO

    from openpyxl import Workbook

    from carbonctl.web.exports import safe_row

    book = Workbook(write_only=True)
    main = book.create_sheet(_("产品碳足迹报告")[:31])
    cited = book.create_sheet(_("来源和状态")[:31])
    main.append(safe_row([title]))
    cited.append(safe_row([_("表"), _("项目"), _("来源"), _("状态说明")]))
    for t in tables:
        columns = list(t["columns"])
        if t["key"] == "limitations":  # the core's notes, in its words
            for row in t["rows"]:
                cited.append(safe_row([t["title"], "", "", row[0]]))
            continue
        keep = [i for i, c in enumerate(columns) if c not in CITED_COLUMNS]
        quoted = [i for i, c in enumerate(columns) if c in CITED_COLUMNS]
        main.append(safe_row([t["title"]]))
        main.append(safe_row([t["header"][i] for i in keep]))
        for raw, row in zip(t["raw"], t["rows"], strict=True):
            if "field" in columns and raw[columns.index("field")] in CITED_FIELDS:
                cited.append(safe_row([t["title"], row[0], row[1], ""]))
                continue
            main.append(safe_row([row[i] for i in keep]))
            if quoted:
                values = {columns[i]: row[i] for i in quoted}
                cited.append(
                    safe_row(
                        [t["title"], row[0], values.get("source", ""), values.get("status", "")]
                    )
                )
        main.append([])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


#: The CBAM communication's sections and fields in the user's words (Implementing Regulation
#: (EU) 2023/1773 template terms).
CBAM_LABELS = {
    "installation": gettext_lazy("装置"),
    "period": gettext_lazy("报告期"),
    "good": gettext_lazy("货物"),
    "emissions": gettext_lazy("隐含排放"),
    "electricity": gettext_lazy("电力"),
    "precursor": gettext_lazy("前体物"),
    "carbon_price": gettext_lazy("已付碳价"),
    "name": gettext_lazy("名称"),
    "operator": gettext_lazy("运营者"),
    "identifier": gettext_lazy("统一社会信用代码"),
    "country": gettext_lazy("国家"),
    "address": gettext_lazy("地址"),
    "start": gettext_lazy("开始"),
    "end": gettext_lazy("结束"),
    "cn_code": gettext_lazy("海关编码（CN）"),
    "cn_description": gettext_lazy("CN 品目名称"),
    "production_route": gettext_lazy("生产路线"),
    "specific_direct_embedded_emissions": gettext_lazy("单位产品直接隐含排放"),
    "specific_indirect_embedded_emissions": gettext_lazy("单位产品间接隐含排放"),
    "specific_embedded_emissions": gettext_lazy("单位产品隐含排放"),
    "direct_emissions_at_installation": gettext_lazy("装置直接排放"),
    "consumed": gettext_lazy("耗电量"),
    "emission_factor": gettext_lazy("排放因子"),
    "emission_factor_source": gettext_lazy("排放因子来源"),
    "cement": gettext_lazy("水泥"),
    "steel": gettext_lazy("钢铁"),
    "aluminium": gettext_lazy("铝业"),
}


def _cbam_label(key) -> str:
    return str(CBAM_LABELS.get(key, key)) if isinstance(key, str) else key


@login_required
def report(request, study_id: int, fmt: str):
    """The GB/T 24067-2024 study report as Excel or PDF (the core's report tables)."""
    _may_view(request)
    found = services.study_or_404(request, study_id)
    if fmt not in ("xlsx", "pdf"):
        raise Http404
    try:
        tables = _report_cells(found, services.report_tables(found))
    except CarbonctlError as exc:
        return HttpResponse(public_message(exc), status=422, content_type="text/plain")
    title = f"{found.enterprise.name} {found.product} " + _("产品碳足迹报告")
    filename = f"footprint-report-{found.pk}.{fmt}"
    if fmt == "xlsx":
        response = HttpResponse(_report_workbook(title, tables), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    for t in tables:
        t["rows"] = [[number(v, 3) if isinstance(v, float) else v for v in r] for r in t["rows"]]
    return pdf_response(
        request,
        filename,
        "footprint/report_pdf.html",
        {"title": title, "tables": tables, "study": found, "enterprise": found.enterprise},
    )


@login_required
def pact(request, study_id: int):
    """The study as a PACT ProductFootprint (validated against the official schema first)."""
    _may_view(request)
    found = services.study_or_404(request, study_id)
    try:
        document = services.pact_document(found)
    except CarbonctlError as exc:
        return HttpResponse(public_message(exc), status=422, content_type="text/plain")
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="pact-{found.pact_id}.json"'
    return response


@login_required
def cbam(request, study_id: int):
    """The EU CBAM communication of a steel, aluminium or cement study as Excel."""
    _may_view(request)
    found = services.study_or_404(request, study_id)
    if found.industry not in services.CBAM_INDUSTRIES or not found.cn_code:
        raise Http404
    try:
        rows = services.cbam_rows(found)
    except CarbonctlError as exc:
        return HttpResponse(public_message(exc), status=422, content_type="text/plain")
    return xlsx_response(
        f"cbam-{found.pk}.xlsx",
        _("CBAM 排放数据通报"),
        [_("部分"), _("字段"), _("值"), _("单位")],
        (
            [_cbam_label(section), _cbam_label(name), _cbam_label(value), unit]
            for section, name, value, unit in rows
        ),
    )


# --- new study ----------------------------------------------------------------------------------


def _industry_choices():
    return [(k, str(v)) for k, v in INDUSTRIES.items()]


@login_required
def new_study(request):
    """The new-study form (GET) and the computation (POST): the foreground model is read whole;
    every problem is listed with its row and column and nothing is stored then."""
    _may_view(request)
    _may_manage(request)
    enterprises = list(enterprises_for(request.user).order_by("name_zh")[:2000])
    form = StudyForm(
        request.POST or None,
        request.FILES or None,
        enterprises=enterprises,
        industries=_industry_choices(),
    )
    errors: list[str] = []
    background = services.current_background()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        enterprise = enterprise_or_404(request, data["enterprise"])
        fields = services.StudyFields(
            product=data["product"],
            cpc_code=data["cpc_code"] or "",
            cn_code=(data["cn_code"] or "").replace(" ", ""),
            industry=data["industry"],
            declared_unit=data["declared_unit"],
            declared_amount=1.0,
            boundary=data["boundary"],
            allocation=data["allocation"],
            method=data["method"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            geography="CN-SX",
            output_amount=data["output_amount"],
            output_unit=data["declared_unit"],
        )
        upload = data["file"]
        name = Path(upload.name).name
        try:
            with saved_upload(upload) as path:
                model = services.read_model(path, file=name)
            made = services.create_study(
                request.user,
                enterprise,
                fields,
                model,
                file_name=name,
                tiers=data["tiers"],
                request=request,
            )
        except InputErrors as exc:
            errors = [public_message(e) for e in exc.errors]
        except CarbonctlError as exc:
            errors = [public_message(exc)]
        else:
            return redirect("footprint:study", study_id=made.pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "footprint/new.html",
        {"form": form, "errors": errors, "background": background},
        status=status,
    )


#: The columns of the foreground model template and one example row per kind of line.
TEMPLATE_ROWS = [
    ["step", "item", "amount", "unit", "category", "co_product", "price", "stage"],
    ["coking", "coking coal", "1.33", "t", "material", "", "", "production"],
    ["coking", "electricity", "35", "kWh", "electricity", "", "", "production"],
    ["coking", "coke", "1", "t", "output", "", "2000", "production"],
    ["coking", "coke oven gas", "420", "m3", "output", "1", "0.5", "production"],
]


@login_required
def model_template(request):
    """The foreground model template (CSV, UTF-8 with BOM so Excel opens it)."""
    _may_view(request)
    out = io.StringIO()
    writer = csv.writer(out)
    for row in services.template_rows() or TEMPLATE_ROWS:
        writer.writerow(row)
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="footprint-model-template.csv"'
    return response


@login_required
def suppliers(request, study_id: int):
    """Import suppliers' PACT footprints for a study (GET form, POST import)."""
    _may_view(request)
    found = services.study_or_404(request, study_id)
    _may_manage(request)
    form = PactForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        name = Path(upload.name).name
        try:
            document = services.read_pact_upload(upload.read(), file=name)
            services.import_suppliers(
                request.user, found, document, file_name=name, request=request
            )
        except InputErrors as exc:
            errors = [public_message(e) for e in exc.errors]
        except CarbonctlError as exc:
            errors = [public_message(exc)]
        else:
            return redirect("footprint:study", study_id=found.pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "footprint/suppliers.html",
        {"form": form, "errors": errors, "study": found},
        status=status,
    )


# --- background ---------------------------------------------------------------------------------


@login_required
def background(request):
    """The background database's versions; one version's processes with source, status and
    unit score (UNCONFIRMED highlighted), searchable by name and category."""
    _may_view(request)
    params = query(request, BackgroundQuery)
    versions = list(BackgroundVersion.objects.select_related("author", "parent"))
    chosen = None
    if params["version"]:
        chosen = next((v for v in versions if v.pk == params["version"]), None)
        if chosen is None:
            raise Http404
    chosen = chosen or (versions[0] if versions else None)
    rows = []
    if chosen is not None:
        rows = services.background_rows(chosen, q=params["q"], category=params["category"])
        for r in rows:
            r["unconfirmed"] = _status_unconfirmed(r.get("status"))
            r["category_name"] = CATEGORIES.get(r.get("category"), r.get("category") or "–")
    context = {
        "params": params,
        "versions": versions,
        "chosen": chosen,
        "rows": rows,
        "unconfirmed": sum(r["unconfirmed"] for r in rows),
        "categories": [
            (c, CATEGORIES.get(c, c)) for c in (services.categories_of(chosen) if chosen else [])
        ],
        "changes": chosen.changes if chosen else [],
        "may_upload": can_manage_background(request.user),
    }
    return render(request, "footprint/background.html", context)


@login_required
def background_export(request, version_id: int):
    _may_view(request)
    version = BackgroundVersion.objects.filter(pk=version_id).first()
    if version is None:
        raise Http404
    response = HttpResponse(services.background_zip(version), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="background-{version.pk}.zip"'
    return response


@login_required
def background_upload(request):
    """Additions to the background database (processes and exchanges, each process with
    source and status) become a new version on the current one; all or nothing."""
    _may_view(request)
    if not can_manage_background(request.user):
        record_denial(request, "footprint.BackgroundVersion", "", "role may not edit background")
        raise Http404
    form = BackgroundUploadForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    base = services.current_background()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if base is None:
                raise CarbonctlError(_("尚无背景数据库版本。"))
            files = (Path(data["processes"].name).name, Path(data["exchanges"].name).name)
            with saved_upload(data["processes"]) as p, saved_upload(data["exchanges"]) as e:
                additions = services.read_additions(p, e, files=files)
            made = services.extend_version(
                request.user,
                base,
                additions,
                version=data["version"],
                note=data["note"] or "",
                files=files,
                request=request,
            )
        except InputErrors as exc:
            errors = [public_message(e) for e in exc.errors]
        except CarbonctlError as exc:
            errors = [public_message(exc)]
        else:
            return redirect(reverse("footprint:background") + f"?version={made.pk}")
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "footprint/background_upload.html",
        {"form": form, "errors": errors, "base": base},
        status=status,
    )


# --- grades -------------------------------------------------------------------------------------


@login_required
def grades(request):
    """Label grades by product and industry: counts by grade among the studies in scope and the
    reference values (with their source and status) grades are judged against."""
    _may_view(request)
    params = query(request, GradesQuery)
    studies = services.studies_for(request.user).exclude(score__isnull=True)
    if params["industry"]:
        studies = studies.filter(industry=params["industry"])
    by_product: dict[tuple[str, str], Counter] = defaultdict(Counter)
    scores: dict[tuple[str, str], list[float]] = defaultdict(list)
    detail: dict[tuple[str, str], dict] = {}
    for s in studies:
        key = (s.industry, s.product)
        by_product[key][s.grade or ""] += 1
        scores[key].append(s.score)
        if s.grade_detail and not s.grade_detail.get("error"):
            detail.setdefault(key, s.grade_detail)
    codes = services.grade_codes()
    rows = []
    for (industry, product), counts in sorted(by_product.items()):
        ref = detail.get((industry, product), {})
        values = scores[(industry, product)]
        rows.append(
            {
                "industry": INDUSTRIES.get(industry, industry),
                "product": product,
                "counts": [counts.get(c, 0) for c in codes],
                "ungraded": counts.get("", 0),
                "studies": sum(counts.values()),
                "lowest": min(values),
                "median": sorted(values)[len(values) // 2],
                "reference": ref.get("reference"),
                "basis": ref.get("basis", ""),
                "source": ref.get("reference_source", ""),
                "status": ref.get("reference_status", ""),
                "unconfirmed": _status_unconfirmed(ref.get("reference_status")),
            }
        )
    context = {
        "params": params,
        "codes": [(c, _grade_words(c), _grade_class(c)) for c in codes],
        "rows": rows,
        "references": _reference_rows(),
        "industries": list(INDUSTRIES.items()),
        "thresholds": _threshold_rows(),
    }
    return render(request, "footprint/grades.html", context)


def _english() -> bool:
    return (get_language() or "").startswith("en")


def _reference_rows() -> list[dict]:
    """The cited reference values of products with their source and status (flags kept)."""
    name = "name_en" if _english() else "name_zh"
    return [
        {
            "product": r.get(name) or r.get("product"),
            "unit": r.get("declared_unit", ""),
            "reference": r.get("reference_kgco2e"),
            "basis": r.get("basis", ""),
            "year": r.get("year", ""),
            "source": r.get("source", ""),
            "status": r.get("status", ""),
            "unconfirmed": _status_unconfirmed(r.get("status")),
        }
        for r in services.reference_rows()
    ]


def _threshold_rows() -> list[dict]:
    return [
        {
            "grade": _grade_words(r.get("grade", "")),
            "css": _grade_class(r.get("grade", "")),
            "basis": r.get("basis", ""),
            "upper": r.get("upper_bound", ""),
            "minimum": r.get("min_verified_studies", ""),
            "note": r.get("note", ""),
            "status": r.get("status", ""),
        }
        for r in services.threshold_rows()
    ]


# --- enterprise section -------------------------------------------------------------------------


def section_context(request, enterprise) -> dict:
    """The footprint section of the enterprise page: the enterprise's studies."""
    studies = enterprise.footprint_studies.select_related("background").order_by("product", "pk")
    return {
        "rows": [study_row(s) for s in studies],
        "may_manage": can_manage_footprints(request.user),
    }


def section_visible(request, _enterprise) -> bool:
    return can_view_footprints(request.user)
