"""The footprint services (产品碳足迹): the studies and background versions a user may see, the
background database's versions (stored, exported, extended), a study computed from its
foreground model on a background version, suppliers' PACT footprints, and the downloads of a
study (PACT, CBAM). Every write is audited in the same transaction.

The computing is the core's (:mod:`carbonctl.footprint`); this module turns its tables into
rows the database keeps and back. The functions that call the core are :func:`system_of`,
:func:`compute_study`, :func:`grade_study`, :func:`pact_document`, :func:`cbam_rows` and
:func:`report_tables` — nothing else here knows the core's names.
"""

from __future__ import annotations

import io
import json
import math
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from django.db import transaction
from django.db.models import QuerySet

from carbonctl.errors import CarbonctlError, InputError, InputErrors
from carbonctl.web.accounts.scope import _visible_or_404, enterprises_for
from carbonctl.web.audit.services import record
from carbonctl.web.footprint.models import BackgroundVersion, FootprintStudy, SupplierFootprint

__all__ = [
    "background_zip",
    "current_background",
    "studies_for",
    "study_or_404",
    "system_of",
]

#: The life-cycle stages of a study's result (GB/T 24067-2024 / ISO 14067), in report order.
STAGES = ("raw_materials", "production", "distribution", "use", "end_of_life")


# --- scope --------------------------------------------------------------------------------------


def studies_for(user) -> QuerySet[FootprintStudy]:
    """The studies of the enterprises ``user`` may see (accounts.scope)."""
    return FootprintStudy.objects.filter(enterprise__in=enterprises_for(user)).select_related(
        "enterprise", "enterprise__county", "background"
    )


def study_or_404(request, study_id) -> FootprintStudy:
    """The study if its enterprise is in the user's scope; 404 (and a denial in the audit log
    for an existing study) otherwise."""
    return _visible_or_404(
        request, studies_for(request.user), FootprintStudy, study_id, "outside the user's scope"
    )


# --- tables as rows -----------------------------------------------------------------------------


def _plain(value):
    """A cell as JSON keeps it: NaN and NA as None, numpy scalars as Python ones."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def rows_of(frame: pd.DataFrame) -> list[dict]:
    """A DataFrame as a list of JSON-able rows (column order kept in each dict)."""
    return [{str(k): _plain(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


def frame_of(rows: Iterable[Mapping]) -> pd.DataFrame:
    return pd.DataFrame(list(rows))


# --- background ---------------------------------------------------------------------------------


def current_background() -> BackgroundVersion | None:
    """The newest background version (studies are computed on it)."""
    return BackgroundVersion.objects.order_by("-created", "-pk").first()


def system_of(version: BackgroundVersion, *, name: str = ""):
    """The stored version as the core's :class:`~carbonctl.footprint.system.System`."""
    from carbonctl.footprint.system import system_from_tables

    return system_from_tables(
        frame_of(version.processes),
        frame_of(version.exchanges),
        name=name or version.version,
        files=("processes.csv", "exchanges.csv"),
    )


def _unit_scores(system, method: str) -> dict[str, float]:
    from carbonctl.footprint.engine import unit_scores

    return {str(k): float(v) for k, v in unit_scores(system, method).items()}


def save_background(
    user, system, *, version: str, note: str = "", parent=None, changes=None, request=None
) -> BackgroundVersion:
    """Store ``system`` as background ``version`` (unit scores computed, AR6), audited."""
    if BackgroundVersion.objects.filter(version=version).exists():
        raise InputError(
            f"background version {version!r} exists already", column="version",
            expected="a new version name",
        )  # fmt: skip
    scores = _unit_scores(system, "AR6")
    with transaction.atomic():
        saved = BackgroundVersion.objects.create(
            version=version,
            parent=parent,
            author=user,
            note=note[:500],
            processes=rows_of(system.processes),
            exchanges=rows_of(system.exchanges),
            unit_scores=scores,
            method="AR6",
            changes=list(changes or []),
        )
        record(
            user,
            "footprint.background.create",
            saved,
            after={"version": version, "processes": len(saved.processes), "parent": str(parent)},
            summary=f"background {version}: {len(saved.processes)} processes",
            request=request,
        )
    return saved


def extend_version(
    user, base: BackgroundVersion, additions, *, version: str, note: str = "", request=None
) -> BackgroundVersion:
    """A new version: ``base`` with ``additions`` (a System; each process with source and
    status) added or replacing processes of the same id (the core's ``extend_background``);
    the changes with their old and new unit scores."""
    from carbonctl.footprint.background import changed_processes, extend_background

    old = system_of(base)
    author = user.get_username() if user is not None else ""
    new = extend_background(old, additions, version=version, author=author)
    new_scores = _unit_scores(new, "AR6")
    changes = []
    for row in rows_of(changed_processes(old, new)):
        pid = str(row.get("id"))
        changes.append(
            {
                **row,
                "old_score": base.unit_scores.get(pid),
                "new_score": new_scores.get(pid),
            }
        )
    return save_background(
        user, new, version=version, note=note, parent=base, changes=changes, request=request
    )


def read_system_upload(processes_path: Path, exchanges_path: Path):
    """The two uploaded tables as a System (every bad cell located by file, row and column)."""
    from carbonctl.footprint.system import system_from_tables
    from carbonctl.io.readers import read_table

    return system_from_tables(
        read_table(processes_path),
        read_table(exchanges_path),
        files=("processes", "exchanges"),
    )


def background_zip(version: BackgroundVersion) -> bytes:
    """The version as a zip of processes.csv and exchanges.csv (UTF-8): a SYSTEM_DIR the CLI's
    ``carbonctl footprint compute`` reads."""
    from carbonctl.io.cells import safe_cell

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in (
            ("processes.csv", version.processes),
            ("exchanges.csv", version.exchanges),
        ):
            frame = frame_of(rows).map(lambda v: safe_cell(v) if isinstance(v, str) else v)
            archive.writestr(f"{version.version}/{name}", frame.to_csv(index=False))
    return buffer.getvalue()


def background_rows(version: BackgroundVersion, *, q: str = "", category: str = "") -> list[dict]:
    """The version's processes with their unit score (kgCO2e per unit), filtered by a text in
    the name (Chinese or English) or id and by category."""
    text = q.strip().lower()
    rows = []
    for p in version.processes:
        if category and p.get("category") != category:
            continue
        hay = " ".join(str(p.get(k) or "") for k in ("id", "name", "name_en")).lower()
        if text and text not in hay:
            continue
        rows.append({**p, "score": version.unit_scores.get(str(p.get("id")))})
    return rows


def categories_of(version: BackgroundVersion) -> list[str]:
    return sorted({str(p.get("category")) for p in version.processes if p.get("category")})


# --- studies ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StudyFields:
    """What the new-study form asks besides the foreground model."""

    product: str
    product_code: str
    industry: str
    declared_unit: str
    declared_amount: float
    boundary: str
    allocation: str
    method: str
    period_start: object
    period_end: object
    geography: str
    output_amount: float
    output_unit: str


def create_study(
    user, enterprise, fields: StudyFields, model: pd.DataFrame, *, file_name: str = "",
    background: BackgroundVersion | None = None, request=None,
) -> FootprintStudy:  # fmt: skip
    """A study of ``enterprise``'s product from its foreground model, computed on the current
    background version; all or nothing: a model that does not link (an unknown item, a bad
    unit) raises InputErrors naming row and column and nothing is stored."""
    background = background or current_background()
    if background is None:
        raise CarbonctlError("no background database version: load one first")
    with transaction.atomic():
        study = FootprintStudy(
            enterprise=enterprise,
            background=background,
            model=rows_of(model),
            model_file=file_name[:200],
            created_by=user,
            **fields.__dict__,
        )
        compute_study(study)
        study.save()
        record(
            user,
            "footprint.study.create",
            study,
            after=_summary(study),
            summary=f"{enterprise.credit_code} {study.product}: {study.score:.4g} kgCO2e",
            request=request,
        )
    return study


def _summary(study: FootprintStudy) -> dict:
    return {
        "enterprise": study.enterprise.credit_code,
        "product": study.product,
        "score": study.score,
        "grade": study.grade,
        "background": study.background.version,
        "suppliers": [s.pact_id for s in study.suppliers.all()] if study.pk else [],
    }


def study_system(study: FootprintStudy, *, suppliers: Iterable[SupplierFootprint] = ()):
    """The study's product system: its foreground model linked to the background version (and
    to the suppliers' footprints imported for it), and the process id of its product."""
    from carbonctl.footprint.foreground import foreground_system
    from carbonctl.footprint.system import merge_systems

    background = system_of(study.background)
    supplied = [_supplier_system(s) for s in suppliers]
    if supplied:
        background = merge_systems(background, *supplied, name=study.background.version)
    system = foreground_system(
        frame_of(study.model),
        background,
        product=study.product,
        output_amount=study.output_amount,
        output_unit=study.output_unit,
        allocation=study.allocation,
        file=study.model_file or "model",
    )
    return system, _product_process(system, study)


def _product_process(system, study: FootprintStudy) -> str:
    """The process that makes the study's product: the one named as the product, else the
    last foreground step."""
    processes = system.processes
    named = processes[processes["name"] == study.product]
    if len(named):
        return str(named["id"].iloc[-1])
    if "category" in processes:
        fore = processes[processes["category"].isna() | (processes["category"] == "")]
        if len(fore):
            return str(fore["id"].iloc[-1])
    return str(processes["id"].iloc[-1])


def _supplier_system(supplier: SupplierFootprint):
    from carbonctl.footprint.pact import import_pact

    return import_pact(supplier.document)


def compute_study(study: FootprintStudy, *, suppliers: Iterable[SupplierFootprint] = ()) -> None:
    """Compute ``study`` (unsaved or saved) in place: result, score, grade."""
    from carbonctl.footprint.study import Study, run_study

    system, demand = study_system(study, suppliers=suppliers)
    core_study = Study(
        product=study.product,
        product_code=study.product_code,
        industry=study.industry,
        declared_unit=study.declared_unit,
        declared_amount=study.declared_amount,
        boundary=study.boundary,
        allocation=study.allocation,
        method=study.method,
        period_start=study.period_start,
        period_end=study.period_end,
        geography=study.geography,
    )
    result = run_study(core_study, system, demand)
    names = dict(zip(system.processes["id"], system.processes["name"], strict=True))
    study.demand_process = demand
    study.result = result_json(result, names)
    study.score = study.result["score"]
    grade_study(study)


def result_json(result, names: Mapping[str, str]) -> dict:
    """A StudyResult as the JSON the pages read: score per declared unit, by gas, by stage,
    top processes (id, name, share), primary-data share."""
    top = [
        {"id": str(pid), "name": names.get(pid, str(pid)), "share": float(share)}
        for pid, share in getattr(result, "top_processes", ())
    ]
    return {
        "unit": "kgCO2e",
        "score": float(result.score),
        "by_gas": {str(k): float(v) for k, v in dict(result.by_gas).items()},
        "by_stage": {str(k): float(v) for k, v in dict(result.by_stage).items()},
        "top_processes": top,
        "primary_share": _plain(getattr(result, "primary_share", None)),
    }


def grade_study(study: FootprintStudy) -> None:
    """The study's label grade within its product (the core's ``grade_footprint``): against the
    verified studies of the product once there are enough, else the cited reference, else the
    background's unit score of the product."""
    from carbonctl.footprint.grading import grade_footprint

    verified = list(
        FootprintStudy.objects.filter(product=study.product, verified=True, score__isnull=False)
        .exclude(pk=study.pk)
        .values_list("score", flat=True)
    )
    reference = _background_reference(study)
    try:
        grade = grade_footprint(
            study.score,
            study.product,
            verified_scores=tuple(verified),
            background_reference=reference,
        )
    except CarbonctlError as exc:
        study.grade = ""
        study.grade_detail = {"error": str(exc)}
        return
    study.grade = str(grade.grade)
    study.grade_detail = {
        "grade": str(grade.grade),
        "basis": str(grade.basis),
        "reference": _plain(grade.reference),
        "ratio": _plain(getattr(grade, "ratio", None)),
        "percentile": _plain(getattr(grade, "percentile", None)),
        "source": str(grade.source),
        "status": str(grade.status),
    }


def _background_reference(study: FootprintStudy) -> float | None:
    """The background's unit score of a material named like the product (``mat:<x>`` whose
    name is the product), kgCO2e per its unit."""
    for p in study.background.processes:
        if p.get("category") == "material" and study.product in (p.get("name"), p.get("name_en")):
            return study.background.unit_scores.get(str(p.get("id")))
    return None


def recompute(user, study: FootprintStudy, *, request=None, action="footprint.study.recompute"):
    """Compute ``study`` again (after a supplier import) and save it, audited."""
    before = _summary(study)
    with transaction.atomic():
        compute_study(study, suppliers=list(study.suppliers.all()))
        study.pact_version += 1
        study.save()
        record(user, action, study, before=before, after=_summary(study), request=request)
    return study


# --- suppliers ----------------------------------------------------------------------------------


def read_pact_upload(data: bytes, *, file: str) -> list[dict]:
    """The documents of an uploaded PACT JSON file (one ProductFootprint or a list of them, or
    a response body ``{"data": [...]}``)."""
    try:
        parsed = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"not JSON: {exc}", file=file, expected="a PACT ProductFootprint") from exc
    if isinstance(parsed, dict) and isinstance(parsed.get("data"), list):
        parsed = parsed["data"]
    documents = parsed if isinstance(parsed, list) else [parsed]
    if not documents or not all(isinstance(d, dict) for d in documents):
        raise InputError("no ProductFootprint object", file=file, expected="a JSON object")
    return documents


def import_suppliers(
    user, study: FootprintStudy, documents: list[dict], *, file_name: str = "", request=None
) -> list[SupplierFootprint]:
    """Import suppliers' PACT footprints for ``study`` and compute it again; all or nothing (an
    invalid document raises the core's error naming the JSON path)."""
    from carbonctl.footprint.pact import import_pact

    made = []
    problems = []
    for index, document in enumerate(documents):
        try:
            system = import_pact(document)
        except CarbonctlError as exc:
            problems.append(InputError(str(exc), file=file_name or "pact.json", row=index + 1))
            continue
        made.append((document, system))
    if problems:
        raise InputErrors(problems)
    with transaction.atomic():
        saved = []
        for document, system in made:
            process = system.processes.iloc[0]
            pcf = float(system.exchanges["amount"].iloc[0])
            supplier, _created = SupplierFootprint.objects.update_or_create(
                study=study,
                pact_id=str(document.get("id", ""))[:64],
                defaults={
                    "company": str(document.get("companyName", ""))[:200],
                    "product": str(process["name"])[:200],
                    "declared_unit": str(process["unit"])[:40],
                    "pcf": pcf,
                    "process_id": str(process["id"])[:200],
                    "document": document,
                    "file_name": file_name[:200],
                    "imported_by": user,
                },
            )
            record(
                user,
                "footprint.supplier.import",
                supplier,
                after={"study": study.pk, "pact_id": supplier.pact_id, "pcf": pcf},
                summary=f"{supplier.company} {supplier.product}",
                request=request,
            )
            saved.append(supplier)
        recompute(user, study, request=request)
    return saved


# --- downloads ----------------------------------------------------------------------------------


def pact_document(study: FootprintStudy) -> dict:
    """The study as a PACT ProductFootprint, validated against the official schema (the core
    raises when it does not validate: nothing invalid is downloaded)."""
    from carbonctl.footprint import pact

    return pact.export_pact(
        _core_result(study),
        pact_id=str(study.pact_id),
        version=study.pact_version,
        company_name=study.enterprise.name_zh,
        company_ids=(f"urn:uuid:{study.enterprise.credit_code}",),
    )


def _core_result(study: FootprintStudy):
    """The study computed again as the core's StudyResult (downloads build on it)."""
    from carbonctl.footprint.study import Study, run_study

    system, demand = study_system(study, suppliers=list(study.suppliers.all()))
    core_study = Study(
        product=study.product,
        product_code=study.product_code,
        industry=study.industry,
        declared_unit=study.declared_unit,
        declared_amount=study.declared_amount,
        boundary=study.boundary,
        allocation=study.allocation,
        method=study.method,
        period_start=study.period_start,
        period_end=study.period_end,
        geography=study.geography,
    )
    return run_study(core_study, system, demand)


#: The CBAM goods (EU 2023/956 Annex I) the platform's studies may be communicated for.
CBAM_INDUSTRIES = ("steel", "aluminium", "cement")


def cbam_rows(study: FootprintStudy) -> list[tuple[str, object]]:
    """The CBAM communication of the study as (field, value) rows; a good outside steel,
    aluminium and cement raises the core's error."""
    from carbonctl.footprint import cbam

    return list(cbam.communication_rows(_core_result(study), cn_code=study.product_code))


def report_tables(study: FootprintStudy):
    """The GB/T 24067-2024 report of the study as the core's ReportTable tuples."""
    from carbonctl.footprint import report

    return report.study_report(_core_result(study), grade=study.grade_detail)


# --- uploads and reference tables ---------------------------------------------------------------


def read_model(path: Path, *, file: str) -> pd.DataFrame:
    """An uploaded foreground model as text cells (the core checks and links every row)."""
    from carbonctl.io.readers import read_table

    return read_table(path, source=file)


def read_additions(processes_path: Path, exchanges_path: Path):
    """Uploaded additions to the background database as a System (located errors)."""
    return read_system_upload(processes_path, exchanges_path)


def template_rows() -> list[list[str]] | None:
    """The foreground model template of the core (its example file), when it ships one."""
    return None


def _refdata(name: str) -> pd.DataFrame | None:
    from carbonctl import refdata

    if name not in refdata.TABLES:
        return None
    return refdata.load_table(name)


#: Grade codes when the thresholds table is not there (the order the grades page shows).
DEFAULT_GRADES = ("一级", "二级", "三级", "未达标")


def grade_codes() -> list[str]:
    table = _refdata("footprint_label_grades")
    if table is None or "grade" not in table:
        return list(DEFAULT_GRADES)
    return list(dict.fromkeys(table["grade"]))


def threshold_rows() -> list[dict]:
    table = _refdata("footprint_label_grades")
    return [] if table is None else table.to_dict(orient="records")


def reference_rows() -> list[dict]:
    """The cited reference values of products (grades are judged against them)."""
    table = _refdata("footprint_product_references")
    return [] if table is None else table.to_dict(orient="records")
