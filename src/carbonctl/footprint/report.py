"""The product carbon-footprint study report (产品碳足迹报告, structure of GB/T 24067-2024 /
ISO 14067 §7) as :class:`~carbonctl.enterprises.reports.ReportTable` tuples the web renders as
Excel and Chinese PDF: goal and scope, inventory by stage and by process, results by gas and
stage, data quality, label grade and limitations.

Table and column keys are labelled by the shells; the stage keys have their names here
(:data:`STAGE_LABELS`) as GB/T 24067 words them.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import MappingProxyType

from carbonctl.enterprises.reports import ReportTable
from carbonctl.footprint.grading import LabelGrade
from carbonctl.footprint.study import StudyResult
from carbonctl.refdata import status_label

__all__ = ["STAGE_LABELS", "study_report"]

#: Life-cycle stage -> (Chinese, English) names.
STAGE_LABELS = MappingProxyType(
    {
        "raw_materials": ("原材料获取阶段", "Raw material acquisition"),
        "production": ("生产阶段", "Production"),
        "distribution": ("分销阶段", "Distribution"),
        "use": ("使用阶段", "Use"),
        "end_of_life": ("寿命终止阶段", "End of life"),
    }
)


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def _limitations(result: StudyResult, grade: LabelGrade | None) -> list[str]:
    study = result.study
    notes = [
        "fossil and biogenic carbon content of the product not assessed",
    ]
    if study.cut_off_percent:
        notes.append(
            f"cut-off: {study.cut_off_percent:g}% of emissions excluded"
            + (f" ({study.cut_off_description})" if study.cut_off_description else "")
        )
    if not study.tier_shares:
        notes.append("data-quality tiers of the foreground activity data not assessed")
    flagged = [
        c
        for c in result.contributions
        if status_label(c.status) in ("UNCONFIRMED", "DESIGN PROPOSAL") and c.direct
    ]
    if flagged:
        share = sum(c.direct for c in flagged) / result.score if result.score else 0.0
        notes.append(
            f"{len(flagged)} processes with UNCONFIRMED or DESIGN PROPOSAL data make "
            f"{100 * share:.1f}% of the score"
        )
    if grade is not None and status_label(grade.status) == "DESIGN PROPOSAL":
        notes.append("label grade bands are a DESIGN PROPOSAL, not an official scheme")
    if grade is not None and status_label(grade.reference_status) in ("UNCONFIRMED", "SECONDARY"):
        notes.append(f"label grade reference value is {status_label(grade.reference_status)}")
    return notes


def study_report(
    result: StudyResult,
    grade: LabelGrade | None = None,
    *,
    limitations: Sequence[str] = (),
) -> tuple[ReportTable, ...]:
    """The report's tables: goal_scope, results_summary, results_by_stage, results_by_gas,
    inventory_by_process, data_quality, label_grade (when graded), limitations (generated
    ones first, then ``limitations``)."""
    study = result.study
    score = result.score
    goal = ReportTable(
        "goal_scope",
        ("item", "value"),
        (
            ("product", study.product),
            ("industry", study.industry),
            ("cpc_code", study.cpc_code),
            ("cn_code", study.cn_code),
            ("functional_unit", study.functional_unit or f"{study.amount:g} {study.declared_unit}"),
            ("declared_unit", study.declared_unit),
            ("amount", study.amount),
            ("boundary", study.boundary),
            ("allocation", study.allocation),
            ("cut_off_percent", float(study.cut_off_percent)),
            ("cut_off_description", study.cut_off_description),
            ("method", f"GWP100 {study.method}"),
            ("reference_period", study.reference_period),
            ("geography", study.geography),
            ("standard", "GB/T 24067-2024 / ISO 14067:2018"),
        ),
    )
    summary = ReportTable(
        "results_summary",
        ("item", "value", "unit"),
        (
            ("score", score, f"kgCO2e/{study.amount:g} {study.declared_unit}"),
            ("score_per_unit", result.score_per_unit, f"kgCO2e/{study.declared_unit}"),
            ("fossil_score", result.fossil_score, "kgCO2e"),
            ("biogenic_co2", result.biogenic_co2, "kg CO2 (not in the score)"),
            ("primary_data_share", result.primary_data_share, "%"),
        ),
    )
    stages = ReportTable(
        "results_by_stage",
        ("stage", "kgco2e", "share"),
        (
            *((s, v, _share(v, score)) for s, v in result.by_stage.items()),
            ("total", score, 1.0 if score else None),
        ),
    )
    counted = {g: v for g, v in result.by_gas.items() if g != "CO2 biogenic"}
    gases = ReportTable(
        "results_by_gas",
        ("gas", "kgco2e", "share"),
        (
            *((g, v, _share(v, score)) for g, v in sorted(counted.items(), key=lambda kv: -kv[1])),
            ("total", score, 1.0 if score else None),
        ),
    )
    processes = ReportTable(
        "inventory_by_process",
        (
            "process",
            "name",
            "stage",
            "category",
            "amount",
            "unit",
            "kgco2e",
            "share",
            "source",
            "status",
        ),
        tuple(
            (
                c.process,
                c.name,
                c.stage,
                c.category,
                c.amount,
                c.unit,
                c.direct,
                c.share,
                c.source,
                c.status,
            )
            for c in result.contributions
        ),
    )
    quality = ReportTable(
        "data_quality",
        ("item", "value"),
        (
            *((f"tier:{tier}", share) for tier, share in study.tier_shares.items()),
            ("primary_data_share", result.primary_data_share),
        ),
    )
    tables = [goal, summary, stages, gases, processes, quality]
    if grade is not None:
        tables.append(
            ReportTable(
                "label_grade",
                (
                    "grade",
                    "basis",
                    "reference_kind",
                    "reference",
                    "unit",
                    "ratio",
                    "percentile",
                    "verified_count",
                    "reference_source",
                    "reference_status",
                    "status",
                ),
                (
                    (
                        grade.grade,
                        grade.basis,
                        grade.reference_kind,
                        grade.reference,
                        f"kgCO2e/{grade.unit}",
                        grade.ratio,
                        grade.percentile,
                        grade.verified_count,
                        grade.reference_source,
                        grade.reference_status,
                        grade.status,
                    ),
                ),
            )
        )
    notes = [*_limitations(result, grade), *limitations]
    tables.append(ReportTable("limitations", ("limitation",), tuple((n,) for n in notes)))
    return tuple(tables)
