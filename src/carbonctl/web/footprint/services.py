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
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from carbonctl.errors import CarbonctlError, InputError
from carbonctl.web.accounts.models import Role
from carbonctl.web.accounts.permissions import (
    can_manage_footprints,
    can_verify_footprints,
    role_of,
)
from carbonctl.web.accounts.scope import _visible_or_404, enterprises_for
from carbonctl.web.audit.models import AuditEntry
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
    """The studies of the enterprises ``user`` may see (accounts.scope); for a verifier, the
    studies assigned to it."""
    if user.is_authenticated and role_of(user) == Role.VERIFIER:
        studies = FootprintStudy.objects.filter(verifier=user)
    else:
        studies = FootprintStudy.objects.filter(enterprise__in=enterprises_for(user))
    return studies.select_related("enterprise", "enterprise__county", "background", "verifier")


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


#: Systems of stored versions, by (pk, version, created): a version never changes once stored.
_SYSTEMS: dict[tuple, object] = {}


def system_of(version: BackgroundVersion):
    """The stored version as the core's :class:`~carbonctl.footprint.system.System` (built once
    per process and version: the version's rows are never edited)."""
    from carbonctl.footprint.system import system_from_tables

    key = (version.pk, version.version, version.created, len(version.processes))
    if version.pk is None or key not in _SYSTEMS:
        system = system_from_tables(
            frame_of(version.processes),
            frame_of(version.exchanges),
            name=version.version,
            files=("processes.csv", "exchanges.csv"),
        )
        if version.pk is None:
            return system
        if len(_SYSTEMS) > 8:
            _SYSTEMS.clear()
        _SYSTEMS[key] = system
    return _SYSTEMS[key]


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
            AuditEntry.Action.CREATE,
            saved,
            after={"version": version, "processes": len(saved.processes), "parent": str(parent)},
            summary=f"background {version}: {len(saved.processes)} processes",
            request=request,
        )
    return saved


def extend_version(
    user, base: BackgroundVersion, additions, *, version: str, note: str = "",
    files: tuple[str, str] = ("processes", "exchanges"), request=None,
) -> BackgroundVersion:  # fmt: skip
    """A new version: ``base`` with ``additions`` (a (processes, exchanges) pair of tables; each
    process with source and status) added or replacing processes of the same id (the core's
    ``extend_background``); the changes with their old and new unit scores. Nothing is stored
    when a cell is wrong (located errors)."""
    from carbonctl.footprint.background import changed_processes, extend_background

    if BackgroundVersion.objects.filter(version=version).exists():
        raise InputError(
            f"background version {version!r} exists already", column="version",
            expected="a new version name",
        )  # fmt: skip
    old = system_of(base)
    author = user.get_username() if user is not None else ""
    new = extend_background(old, additions, version=version, author=author, files=files)
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
    cpc_code: str
    cn_code: str
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
    background: BackgroundVersion | None = None, tiers: Mapping[str, float] | None = None,
    request=None,
) -> FootprintStudy:  # fmt: skip
    """A study of ``enterprise``'s product from its foreground model, computed on the current
    background version; all or nothing: a model that does not link (an unknown item, a bad
    unit) raises InputErrors naming row and column and nothing is stored. A new study is
    self-declared: only its assigned verifier makes it verified (:func:`verify_study`)."""
    background = background or current_background()
    if background is None:
        raise CarbonctlError("no background database version: load one first")
    study = FootprintStudy(
        enterprise=enterprise,
        background=background,
        model=rows_of(model),
        model_file=file_name[:200],
        created_by=user,
        tiers=dict(tiers or {}),
        **fields.__dict__,
    )
    compute_study(study)  # raises before anything is written
    with transaction.atomic():
        study.save()
        record(
            user,
            AuditEntry.Action.CREATE,
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


def core_study(study: FootprintStudy):
    """The study's goal and scope as the core's :class:`~carbonctl.footprint.study.Study`."""
    from carbonctl.footprint.study import Study

    return Study(
        product=study.product,
        industry=study.industry,
        declared_unit=study.declared_unit,
        amount=study.declared_amount,
        boundary=study.boundary,
        allocation=study.allocation,
        method=study.method,
        period_start=study.period_start,
        period_end=study.period_end,
        geography=study.geography,
        cpc_code=study.cpc_code,
        cn_code=study.cn_code,
        tier_shares=dict(study.tiers or {}),
    )


def study_system(study: FootprintStudy, *, suppliers: Iterable[SupplierFootprint] = ()):
    """The study's product system (its foreground model linked to the background version and
    to the suppliers' footprints imported for it) and the id of the process making the product."""
    from carbonctl.footprint.foreground import foreground_system, product_process
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
        year=_grid_year(study),
    )
    return system, product_process(system, study.product)


def _grid_year(study: FootprintStudy) -> int | None:
    """The grid year of the study's period when the background has it (else the newest)."""
    wanted = study.period_end.year if study.period_end else None
    years = {
        int(str(p["id"]).rsplit(":", 1)[-1])
        for p in study.background.processes
        if str(p.get("id", "")).startswith("elec:") and str(p["id"]).rsplit(":", 1)[-1].isdigit()
    }
    return wanted if wanted in years else None


def _supplier_system(supplier: SupplierFootprint):
    from carbonctl.footprint.pact import import_pact

    return import_pact(supplier.document, source=supplier.file_name or "PACT document")


def run(study: FootprintStudy, *, suppliers: Iterable[SupplierFootprint] | None = None):
    """The study computed by the core: (StudyResult, System)."""
    from carbonctl.footprint.study import run_study

    chosen = (
        list(study.suppliers.all()) if suppliers is None and study.pk else list(suppliers or [])
    )
    system, demand = study_system(study, suppliers=chosen)
    return run_study(core_study(study), system, demand), system


def compute_study(study: FootprintStudy, *, suppliers=None) -> None:
    """Compute ``study`` (unsaved or saved) in place: result, score, grade."""
    result, _system = run(study, suppliers=suppliers)
    study.demand_process = result.demand_process
    study.result = result_json(result)
    study.score = study.result["score"]
    grade_study(study)


def result_json(result) -> dict:
    """A StudyResult as the JSON the pages read: score per declared unit, by gas, by stage and
    category, the ten largest contributions (direct emissions of each process, with its source
    and status), the primary-data share (%)."""
    top = [
        {
            "id": c.process,
            "name": c.name,
            "stage": c.stage,
            "category": c.category,
            "kg": float(c.direct),
            "share": float(c.share),
            "source": c.source,
            "status": c.status,
        }
        for c in result.contributions[:10]
        if c.direct
    ]
    return {
        "unit": "kgCO2e",
        "method": result.method,
        "score": float(result.score),
        "by_gas": {str(k): float(v) for k, v in dict(result.by_gas).items()},
        "by_stage": {str(k): float(v) for k, v in dict(result.by_stage).items()},
        "by_category": {str(k): float(v) for k, v in dict(result.by_category).items()},
        "top_processes": top,
        "primary_share": _plain(result.primary_data_share),
        "unconfirmed": sum(
            1 for c in result.contributions if c.direct and "UNCONFIRMED" in str(c.status).upper()
        ),
    }


def grade_study(study: FootprintStudy) -> None:
    """The study's label grade within its product (the core's ``grade_footprint``): against the
    verified studies of the product once there are enough, else the cited reference, else the
    background's unit score of the product; no reference at all leaves it ungraded (the page
    says why)."""
    from carbonctl.footprint.grading import grade_footprint

    verified = FootprintStudy.objects.filter(
        product=study.product, declared_unit=study.declared_unit, verified=True
    ).exclude(score__isnull=True)
    if study.pk:
        verified = verified.exclude(pk=study.pk)
    reference, status = _background_reference(study)
    per_unit = study.score / study.declared_amount
    try:
        grade = grade_footprint(
            per_unit,
            study.product,
            unit=study.declared_unit,
            verified_scores=[s / a for s, a in verified.values_list("score", "declared_amount")],
            background_reference=reference,
            background_status=status,
        )
    except CarbonctlError as exc:
        study.grade = ""
        study.grade_detail = {"error": str(exc)}
        return
    study.grade = str(grade.grade)
    study.grade_detail = {
        "grade": grade.grade,
        "basis": grade.basis,
        "reference_kind": grade.reference_kind,
        "reference": _plain(grade.reference),
        "unit": grade.unit,
        "ratio": _plain(grade.ratio),
        "percentile": _plain(grade.percentile),
        "verified_count": grade.verified_count,
        "upper_bound": _plain(grade.upper_bound),
        "reference_source": grade.reference_source,
        "reference_status": grade.reference_status,
        "source": grade.source,
        "status": grade.status,
    }


def _background_reference(study: FootprintStudy) -> tuple[float | None, str]:
    """The background's unit score of a material named like the product (its name, English name
    or an alias), kgCO2e per unit, with its status."""
    from carbonctl.refdata import normalise_name

    wanted = normalise_name(study.product)
    for p in study.background.processes:
        if p.get("category") != "material":
            continue
        names = [p.get("name"), p.get("name_en"), *str(p.get("aliases") or "").split(";")]
        if wanted in {normalise_name(n) for n in names if n}:
            return study.background.unit_scores.get(str(p.get("id"))), str(p.get("status") or "")
    return None, ""


def regrade(products: Iterable[str]) -> int:
    """Grade again every study of ``products`` (after verified studies were added); returns
    how many grades changed. Not audited: a grade follows from the stored studies."""
    changed = 0
    for study in FootprintStudy.objects.filter(product__in=list(products)).exclude(
        score__isnull=True
    ):
        before = study.grade
        grade_study(study)
        study.save(update_fields=["grade", "grade_detail", "updated"])
        changed += before != study.grade
    return changed


def recompute(
    user, study: FootprintStudy, *, request=None, action=AuditEntry.Action.UPDATE,
    background: BackgroundVersion | None = None,
) -> FootprintStudy:  # fmt: skip
    """Compute ``study`` again (after a supplier import, or on a newer ``background`` version)
    and save it, audited. A verification no longer holds for the new figure: it is cleared
    (the verifier stays assigned)."""
    before = {**_summary(study), **_verification(study), "background": study.background.version}
    was_verified = study.verified
    with transaction.atomic():
        if background is not None:
            study.background = background
        compute_study(study)
        _clear_verification(study)
        study.pact_version += 1
        study.save()
        after = {**_summary(study), **_verification(study), "background": study.background.version}
        record(user, action, study, before=before, after=after, request=request)
        if was_verified:
            regrade([study.product])
    return study


def update_background(user, study: FootprintStudy, *, request=None) -> FootprintStudy:
    """Compute ``study`` on the newest background version (who may manage it; scope is the
    caller's to check); a study already on it is left alone."""
    if not can_manage_footprints(user):
        raise PermissionDenied("role may not compute footprints")
    newest = current_background()
    if newest is None or newest.pk == study.background_id:
        return study
    return recompute(user, study, request=request, background=newest)


# --- verification -------------------------------------------------------------------------------


def _verification(study: FootprintStudy) -> dict:
    return {
        "verifier": study.verifier.get_username() if study.verifier_id else "",
        "verification_outcome": study.verification_outcome,
        "assurance_level": study.assurance_level,
        "verification_standard": study.verification_standard,
        "verification_statement": study.verification_statement,
        "verified": study.verified,
        "verified_at": study.verified_at.isoformat() if study.verified_at else "",
    }


def _clear_verification(study: FootprintStudy) -> None:
    study.verification_outcome = ""
    study.assurance_level = ""
    study.verification_standard = ""
    study.verification_statement = ""
    study.verified = False
    study.verified_at = None


def assign_verifier(user, study: FootprintStudy, verifier, *, request=None) -> FootprintStudy:
    """Assign ``verifier`` (a user with the verifier role) to verify ``study``: province staff or
    the enterprise's reporter (scope is the caller's to check). A study verified as passed
    keeps its verifier; any earlier opinion is cleared for the new one."""
    if not can_manage_footprints(user):
        raise PermissionDenied("role may not assign footprint verifiers")
    if verifier is None or role_of(verifier) != Role.VERIFIER:
        raise CarbonctlError("the verifier must be a user with the verifier role (核查机构)")
    if study.verification_outcome == FootprintStudy.Outcome.PASSED:
        raise CarbonctlError("the study is verified; compute it again before a new verification")
    before = _verification(study)
    with transaction.atomic():
        study.verifier = verifier
        _clear_verification(study)
        study.save()
        record(user, AuditEntry.Action.UPDATE, study, before=before, after=_verification(study),
               request=request)  # fmt: skip
    return study


@dataclass(frozen=True)
class Opinion:
    """A verifier's opinion on a study (核查意见)."""

    passed: bool
    level: str
    standard: str
    statement: str


def verify_study(user, study: FootprintStudy, opinion: Opinion, *, request=None) -> FootprintStudy:
    """Record the assigned verifier's opinion on ``study``: passed (the study counts as verified
    in its product's grade distribution and its PACT export carries the assurance) or not
    passed (the statement says why). Audited; the product's studies are graded again."""
    if not can_verify_footprints(user) or study.verifier_id != user.pk:
        raise PermissionDenied("study not assigned to the verifier")
    if study.score is None:
        raise CarbonctlError("the study has no result to verify")
    if opinion.level not in FootprintStudy.Assurance.values:
        raise CarbonctlError(
            f"assurance level {opinion.level!r}: expected one of "
            f"{', '.join(FootprintStudy.Assurance.values)}"
        )
    if not opinion.statement.strip():
        raise CarbonctlError("the verification statement (核查意见) is empty")
    before = _verification(study)
    with transaction.atomic():
        outcome = FootprintStudy.Outcome
        study.verification_outcome = outcome.PASSED if opinion.passed else outcome.FAILED
        study.assurance_level = opinion.level
        study.verification_standard = opinion.standard.strip()
        study.verification_statement = opinion.statement.strip()
        study.verified = opinion.passed
        study.verified_at = timezone.now()
        study.save()
        record(user, AuditEntry.Action.UPDATE, study, before=before, after=_verification(study),
               request=request)  # fmt: skip
        regrade([study.product])
    study.refresh_from_db()
    return study


# --- suppliers ----------------------------------------------------------------------------------


def read_pact_upload(data: bytes, *, file: str):
    """The parsed JSON of an uploaded PACT file (one ProductFootprint, a list of them, or a
    response body ``{"data": [...]}``)."""
    try:
        return json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"not JSON: {exc}", file=file, expected="a PACT ProductFootprint") from exc


def _documents(document) -> list[dict]:
    """The ProductFootprints of a PACT upload (one, a list, or an API response's ``data``)."""
    if isinstance(document, dict) and "data" in document and "pcf" not in document:
        document = document["data"]
    return [document] if isinstance(document, dict) else list(document)


def import_suppliers(
    user, study: FootprintStudy, document, *, file_name: str = "", request=None
) -> list[SupplierFootprint]:
    """Import suppliers' PACT footprints for ``study`` and compute it again; all or nothing (an
    invalid document raises the core's error naming the JSON path)."""
    from carbonctl.footprint.pact import import_pact

    system = import_pact(document, source=file_name or "PACT document")  # validates all first
    footprints = {str(f["id"]): f for f in _documents(document)}
    with transaction.atomic():
        saved = []
        for row in system.processes.to_dict(orient="records"):
            pact_id = str(row["pact_id"])
            mine = system.exchanges[
                (system.exchanges["consumer"] == row["id"]) & (system.exchanges["input"] == "CO2e")
            ]
            pcf = float(mine["amount"].sum())
            supplier, _created = SupplierFootprint.objects.update_or_create(
                study=study,
                pact_id=pact_id[:64],
                defaults={
                    "company": str(row.get("company", ""))[:200],
                    "product": str(row["name"])[:200],
                    "declared_unit": str(row["unit"])[:40],
                    "pcf": pcf,
                    "process_id": str(row["id"])[:200],
                    "document": footprints[pact_id],
                    "file_name": file_name[:200],
                    "imported_by": user,
                },
            )
            record(
                user,
                AuditEntry.Action.CREATE,
                supplier,
                after={"study": study.pk, "pact_id": supplier.pact_id, "pcf": pcf},
                summary=f"{supplier.company} {supplier.product}",
                request=request,
            )
            saved.append(supplier)
        recompute(user, study, request=request)
    return saved


# --- downloads ----------------------------------------------------------------------------------

#: The issuer domain of the platform's PACT product ids (urn:pact:<domain>:product-id:<id>).
PACT_DOMAIN = "carbonctl.shanxi.example"


def pact_document(study: FootprintStudy) -> dict:
    """The study as a PACT ProductFootprint, validated against the official schema (the core
    raises when it does not validate: nothing invalid is downloaded)."""
    from carbonctl.footprint.pact import company_urn, export_pact, product_urn

    result, _system = run(study)
    return export_pact(
        result,
        company_name=study.enterprise.name_en or study.enterprise.name_zh,
        company_ids=[company_urn(study.enterprise.credit_code)],
        product_ids=[product_urn(PACT_DOMAIN, f"{study.enterprise.credit_code}-{study.pk}")],
        product_name=study.product,
        footprint_id=str(study.pact_id),
        version=study.pact_version,
        created=study.updated,
        secondary_sources=[("carbonctl background database", study.background.version)],
        assurance=_assurance(study),
    )


def _assurance(study: FootprintStudy):
    """The PACT assurance of a study verified as passed; None for a self-declared one."""
    from carbonctl.footprint.pact import Assurance

    if not study.verified or study.verifier is None or study.verified_at is None:
        return None
    verifier = study.verifier
    return Assurance(
        provider=verifier.get_full_name() or verifier.get_username(),
        completed_at=study.verified_at,
        level=study.assurance_level or "limited",
        standard=study.verification_standard or "ISO 14067:2018",
        comments=study.verification_statement[:500],
    )


#: The CBAM goods (Regulation (EU) 2023/956 Annex I) the platform's studies communicate.
CBAM_INDUSTRIES = ("steel", "aluminium", "cement")


def cbam_rows(study: FootprintStudy) -> list[tuple[str, str, object, str]]:
    """The CBAM communication of the study as (section, field, value, unit) rows; a good outside
    steel, aluminium and cement raises the core's error."""
    from carbonctl.footprint.cbam import cbam_communication

    if not study.cn_code:
        raise CarbonctlError("a CBAM communication needs the product's CN code")
    result, system = run(study)
    enterprise = study.enterprise
    communication = cbam_communication(
        result,
        system,
        cn_code=study.cn_code,
        installation={
            "name": enterprise.name_en or enterprise.name_zh,
            "operator": enterprise.name_zh,
            "identifier": enterprise.credit_code,
            "country": "CN",
            "address": enterprise.county.name_zh if enterprise.county_id else "",
        },
        production_route=f"{study.product} ({study.boundary}, {study.allocation} allocation)",
    )
    return communication.rows()


def report_tables(study: FootprintStudy):
    """The GB/T 24067-2024 report of the study: the core's report tables
    (:func:`carbonctl.footprint.report.study_report`) and the label grade the study was given
    (graded on the platform's stored studies, kept as a field-value table)."""
    from carbonctl.enterprises.reports import ReportTable
    from carbonctl.footprint.report import study_report

    result, _system = run(study)
    detail = study.grade_detail or {}
    fields = ("grade", "basis", "reference", "ratio", "percentile", "reference_source",
              "reference_status", "source", "status")  # fmt: skip
    grade = ReportTable(
        "label_grade",
        ("field", "value"),
        tuple((k, detail.get(k)) for k in fields if detail.get(k) is not None),
    )
    tables = list(study_report(result))
    tables.insert(-1, grade)  # before the limitations
    return tuple(tables)


# --- uploads and reference tables ---------------------------------------------------------------


def read_model(path: Path, *, file: str) -> pd.DataFrame:
    """An uploaded foreground model as text cells (the core checks and links every row)."""
    from carbonctl.io.readers import read_table

    return read_table(path, source=file)


def read_additions(
    processes_path: Path, exchanges_path: Path, *, files: tuple[str, str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Uploaded additions to the background database as two tables of text cells (the core
    checks every cell when it extends the version)."""
    from carbonctl.io.readers import read_table

    return (
        read_table(processes_path, source=files[0]).reset_index(drop=True),
        read_table(exchanges_path, source=files[1]).reset_index(drop=True),
    )


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
