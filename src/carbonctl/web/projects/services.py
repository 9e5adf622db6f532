"""The project workflow (项目节能审查和碳排放评价流程): filing, assessment, the reviewer's opinion,
withdrawal and the acceptance check, each a transaction, audited, and each checked against the
user's role and scope; the budget ledger and the warnings follow from the steps.

- filing: the file is validated by the core (errors name field, row and column); its owner must
  be an enterprise on the platform — for an enterprise reporter their own — and its place in the
  filer's regions;
- assessment: :func:`carbonctl.projects.assess` and the impact on the city
  (:func:`carbonctl.projects.city_impact` on the platform's budget, inventory, GDP and targets);
  a new 两高 project in a city the carbon barometer grades red is held (暂缓受理) with the
  rule named, and the event is raised to the warning engine; the project's CO2 × operating share
  enters the city's (and province's) ledger as ``pipeline``;
- opinion: approve / approve with conditions → ``committed``; reject → restated to 0; a
  prohibited project or a held one cannot be approved;
- acceptance: actual ≥ 110 % of the approved annual CO2 (``project_review_rules`` row
  ``re_review``) → re-review, and the ``project_overrun`` warning.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from carbonctl import projects as core
from carbonctl.errors import InputError, InputErrors
from carbonctl.projects.assess import at_least
from carbonctl.projects.reference import review_parameter
from carbonctl.web.accounts.models import Role
from carbonctl.web.accounts.permissions import can_file_project, can_review_project, role_of
from carbonctl.web.accounts.scope import scope_of
from carbonctl.web.audit.models import AuditEntry
from carbonctl.web.audit.services import record, snapshot
from carbonctl.web.enterprises.models import Enterprise
from carbonctl.web.projects.models import Acceptance, Opinion, Project

__all__ = [
    "WorkflowError",
    "assess_project",
    "decide",
    "decision_of",
    "file_project",
    "may_review",
    "may_revise",
    "may_withdraw",
    "projects_for",
    "record_acceptance",
    "revise",
    "run_assessment",
    "stored_impact",
    "withdraw",
]


class WorkflowError(InputError):
    """A step that does not follow from the project's status, or that the user may not take."""


# --- who sees and does what ---------------------------------------------------


def projects_for(user) -> QuerySet[Project]:
    """The projects ``user`` may see: all for the province's staff and reviewers; a city's or
    county's projects for its officials; the own enterprise's for an enterprise reporter."""
    scope = scope_of(user)
    rows = Project.objects.all()
    if scope.everything:
        return rows
    if scope.role == Role.ENTERPRISE_REPORTER:
        return rows.filter(enterprise_id__in=scope.enterprise_ids)
    if not scope.region_codes:
        return rows.none()
    return rows.filter(Q(region_id__in=scope.region_codes) | Q(city_id__in=scope.region_codes))


def may_review(user, project: Project) -> bool:
    return can_review_project(user, project.city_id, project.review_level, project.filed_by_id)


def may_withdraw(user, project: Project) -> bool:
    """The filer, the owner's reporter or the province administrator, while under review."""
    if not project.under_review:
        return False
    if user.pk == project.filed_by_id or role_of(user) == Role.PROVINCE_ADMIN:
        return True
    profile = getattr(user, "profile", None)
    return (
        role_of(user) == Role.ENTERPRISE_REPORTER
        and profile is not None
        and profile.enterprise_id == project.enterprise_id
    )


def _refuse(message: str, expected: str = "") -> WorkflowError:
    return WorkflowError(message, column="status", expected=expected)


# --- filing (申报) --------------------------------------------------------------


def _owner(user, filing: core.ProjectFiling) -> Enterprise:
    enterprise = Enterprise.objects.filter(credit_code=filing.owner).first()
    if enterprise is None:
        raise InputError(
            f"owner {filing.owner} is not an enterprise on the platform",
            file=filing.source,
            column="owner",
            expected="the credit code of an enterprise registered on the platform (重点企业名录)",
        )
    scope = scope_of(user)
    if scope.role == Role.ENTERPRISE_REPORTER and enterprise.pk not in scope.enterprise_ids:
        raise InputError(
            f"owner {filing.owner} is not your enterprise",
            file=filing.source,
            column="owner",
            expected="your own enterprise's credit code",
        )
    if (
        not scope.everything
        and scope.role != Role.ENTERPRISE_REPORTER
        and not ({filing.region, filing.city} & scope.region_codes)
    ):
        raise InputError(
            f"region {filing.region} ({filing.region_name}) is outside your regions",
            file=filing.source,
            column="region",
            expected="a county or city in your regions",
        )
    return enterprise


def _next_ref(year: int) -> str:
    prefix = f"XM-{year}-"
    last = (
        Project.objects.filter(ref__startswith=prefix)
        .order_by("-ref")
        .values_list("ref", flat=True)
        .first()
    )
    number = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{number:04d}"


def file_project(
    user, data: Mapping[str, object] | core.ProjectFiling, *, file_name: str = "", now=None
) -> Project:
    """File a project: ``data`` a project file mapping (parsed JSON) or a filing read by the
    core (an Excel upload). Raises :class:`InputErrors`/``InputError`` naming the field;
    nothing is written then."""
    if not can_file_project(user):
        raise _refuse("your role may not file projects", "a role that files projects")
    source = file_name or "<filing>"
    filing = (
        data if isinstance(data, core.ProjectFiling) else core.filing_from_mapping(data, source)
    )
    enterprise = _owner(user, filing)
    now = now or timezone.now()
    with transaction.atomic():
        project = Project.objects.create(
            ref=_next_ref(now.year),
            name=filing.name[:200],
            enterprise=enterprise,
            region_id=filing.region,
            city_id=filing.city,
            industry_code=filing.industry_code,
            industry_name=filing.industry_name[:100],
            kind=filing.kind,
            year=filing.year,
            filing=core.filing_mapping(filing),
            file_name=file_name[:200],
            filed_by=user,
            filed_at=now,
        )
        record(
            user,
            AuditEntry.Action.CREATE,
            project,
            after=snapshot(project),
            summary=f"项目申报 {project.ref} {project.name}",
        )
    return project


# --- assessment (评估) ----------------------------------------------------------


def _figures(figures: core.EnergyFigures | None) -> dict | None:
    if figures is None:
        return None
    return {**asdict(figures), "co2_total": figures.co2_total}


def _impact(assessment: core.ProjectAssessment) -> tuple[dict | None, list[str]]:
    """The city impact on the platform's data, and notes on what was missing."""
    from carbonctl.web.budget import services as budgets
    from carbonctl.web.budget.models import LedgerEntry
    from carbonctl.web.inventories.models import MacroFigure
    from carbonctl.web.inventories.services import current_dataset
    from carbonctl.web.warnings import services as warnings

    filing = assessment.filing
    city = filing.city
    notes: list[str] = []
    if LedgerEntry.objects.filter(region_id=city, year=filing.year, kind="budget").exists():
        headroom = budgets.show(city, filing.year)["headroom_tco2"]
        headroom_year = filing.year
    else:
        headroom_year = budgets.current_year()
        if (
            headroom_year is None
            or not LedgerEntry.objects.filter(
                region_id=city, year=headroom_year, kind="budget"
            ).exists()
        ):
            notes.append(f"所在市{filing.year}年尚未下达碳排放预算，未计算预算余量占用。")
            return None, notes
        headroom = budgets.show(city, headroom_year)["headroom_tco2"]
        notes.append(
            f"所在市{filing.year}年尚未下达预算，按{headroom_year}年预算余量计算（仅供参考）。"
        )
    dataset = current_dataset()
    year = budgets.current_year() or headroom_year
    context = warnings.Context(year=year, month=None, as_of=timezone.localdate())
    table = warnings.barometer_table(context)
    row = table[table["region"] == city]
    macro = (
        MacroFigure.objects.filter(
            dataset=dataset, region_id=city, gdp_constant__isnull=False, year__lte=year
        )
        .order_by("-year")
        .first()
        if dataset is not None
        else None
    )
    if row.empty or macro is None:
        notes.append("所在市缺少碳排放强度或地区生产总值数据，未计算强度和晴雨表影响。")
        return None, notes
    r = row.iloc[0]
    gdp_10k = macro.gdp_constant * 1e4  # 亿元 → 万元
    # intensities of the barometer table are tCO2 per 亿元; the impact works per 万元
    found = core.city_impact(
        assessment,
        headroom_tco2=float(headroom),
        city_co2_tco2=float(r["intensity"]) * macro.gdp_constant,
        city_gdp_10k_cny=gdp_10k,
        barometer_inputs={
            "target": float(r["target"]),
            "base_year": int(r["base_year"]),
            "year": int(r["year"]),
            "intensity_base": float(r["intensity_base"]) / 1e4,
            "intensity_previous": float(r["intensity_previous"]) / 1e4,
        },
    )
    notes.append(
        f"所在市碳排放强度按{int(r['year'])}年（地区生产总值{macro.year}年可比价）计；"
        "平台无分市能源消费量数据，未计算能耗强度变化。"
    )
    return {**asdict(found), "headroom_year": headroom_year, "intensity_year": int(r["year"])}, (
        notes
    )


def _hold_rule(city: str) -> tuple[str, str] | None:
    """(rule name and version, measure) of the event rule holding new 两高 projects, when the
    city's latest barometer level is red."""
    from carbonctl.warning import Level
    from carbonctl.web.warnings import services as warnings

    if warnings.latest_barometer_level(city) != "red":
        return None
    warnings.ensure_rules()
    for stored, rule in warnings.current_rules(kinds={"red_region_event"}):
        return f"{rule.name_zh}（{rule.rule_id} v{stored.version}）", rule.measure(Level.RED)
    return None


def in_a_plan(year: int) -> bool:
    """Whether ``year`` lies in a known five-year plan (only such years have budget ledgers)."""
    from carbonctl.budget import plan_of_year

    try:
        plan_of_year(year)
    except InputError:
        return False
    return True


def _to_ledger(user, project: Project, stage: str, reason: str) -> None:
    """The project's stage in the budget ledgers of its county, city and province (pipeline,
    committed or cancelled: :func:`carbonctl.web.budget.services.record_project`); nothing for
    a year outside the known plans, which has no ledger (the assessment says so)."""
    from carbonctl.web.budget import services as budgets

    if not in_a_plan(project.year):
        return
    budgets.record_project(
        user,
        project=project.ref,
        region=project.region_id,
        year=project.year,
        tco2=project.ledger_tco2 if stage != "cancelled" else 0.0,
        stage=stage,
        reason=reason,
    )


def _ledger_amount(assessment: core.ProjectAssessment) -> float:
    """Annual CO2 × operating share, never below 0 (a retrofit that cuts emissions commits
    nothing; the cut shows in the actual emissions)."""
    return max(assessment.counted.co2_total, 0.0) * assessment.filing.operating_share


def _stored(assessment: core.ProjectAssessment, impact, notes, hold) -> dict:
    return {
        "result": assessment.to_json(),
        "project": _figures(assessment.project),
        "baseline": _figures(assessment.baseline),
        "counted": _figures(assessment.counted),
        "coal_rate_gce_per_kwh": assessment.coal_rate_gce_per_kwh,
        "coal_rate_status": assessment.coal_rate_status,
        "two_high_groups": list(assessment.two_high_groups),
        "carbon_chapter_required": assessment.carbon_chapter_required,
        "factor_set": assessment.factor_set,
        "benchmark": {
            name: {
                "unit": e.unit,
                "status": e.levels.status,
                "source": e.levels.source,
                "computed": e.computed,
                "co2_per_unit": e.co2_per_unit,
            }
            for name, e in assessment.benchmark.items()
        },
        "impact": impact,
        "impact_notes": notes,
        "ledger_tco2": _ledger_amount(assessment),
        "hold": hold,
    }


def run_assessment(project: Project) -> core.ProjectAssessment:
    """The core's assessment of the stored filing."""
    return core.assess(core.filing_from_mapping(project.filing, project.ref))


def assess_project(user, project: Project, *, now=None) -> Project:
    """Assess a filed (or held, or re-review) project; see the module's docstring."""
    if not may_review(user, project):
        raise _refuse("you may not review this project", "a reviewer of its level and city")
    allowed = (Project.Status.SUBMITTED, Project.Status.HELD, Project.Status.RE_REVIEW)
    if project.status not in allowed:
        raise _refuse(
            f"a project {project.get_status_display()} cannot be assessed",
            "已申报、暂缓受理或重新审查的项目",
        )
    from carbonctl.web.warnings import services as warnings

    assessment = run_assessment(project)
    impact, notes = _impact(assessment)
    if not in_a_plan(project.year):
        notes.append(f"达产年份{project.year}年不在已知五年规划期内，项目未计入碳排放预算台账。")
    filing = assessment.filing
    hold = None
    if assessment.two_high and filing.kind != "retrofit":
        found = _hold_rule(filing.city)
        if found is not None:
            rule, measure = found
            hold = {"rule": rule, "measure": measure}
    before = snapshot(project)
    now = now or timezone.now()
    with transaction.atomic():
        project.assessment = _stored(assessment, impact, notes, hold)
        project.review_level = assessment.review_level
        project.two_high = assessment.two_high
        project.prohibited = assessment.prohibited
        project.co2_t = assessment.counted.co2_total
        project.energy_tce = assessment.counted.equivalent_tce
        project.ledger_tco2 = _ledger_amount(assessment)
        project.assessed_at = now
        project.status = Project.Status.HELD if hold else Project.Status.ASSESSED
        project.hold_reason = f"{hold['rule']}：{hold['measure']}" if hold else ""
        project.save()
        _to_ledger(user, project, "pipeline", f"在审项目：{project.name}（年排放×投产比例）")
        record(
            user,
            AuditEntry.Action.UPDATE,
            project,
            before=before,
            after=snapshot(project),
            summary=f"项目评估 {project.ref}：{project.get_status_display()}",
        )
        if hold:
            warnings.raise_event(
                event="两高项目节能审查申请（暂缓受理）",
                subject=project.ref,
                subject_name=project.name,
                region=project.region_id,
                period=now.date().isoformat(),
                user=user,
            )
    return project


# --- opinion (审查意见) -----------------------------------------------------------


def _next_opinion_number(year: int) -> str:
    prefix = f"晋碳评〔{year}〕"
    count = Opinion.objects.filter(number__startswith=prefix).count()
    return f"{prefix}{count + 1:04d}号"


def decide(
    user,
    project: Project,
    *,
    outcome: str,
    reasons: str,
    conditions: str = "",
    now=None,
) -> Opinion:
    """Sign the opinion on an assessed project (see the module's docstring)."""
    if not may_review(user, project):
        raise _refuse("you may not decide on this project", "a reviewer other than the filer")
    if outcome not in Opinion.Outcome.values:
        raise InputError(
            f"outcome {outcome!r}", column="outcome", expected=", ".join(Opinion.Outcome.values)
        )
    approving = outcome != Opinion.Outcome.REJECT
    if project.status == Project.Status.HELD and approving:
        raise _refuse(
            f"the project is held: {project.hold_reason}",
            "不予同意，或在所在市晴雨表不再为红色后重新评估",
        )
    if project.status not in (Project.Status.ASSESSED, Project.Status.HELD):
        raise _refuse(
            f"a project {project.get_status_display()} has no open review", "已评估的项目"
        )
    if approving and project.prohibited:
        raise WorkflowError(
            "prohibited new capacity cannot be approved (晋政办发〔2024〕53号)",
            column="outcome",
            expected="reject, or a filing with a capacity replacement plan",
        )
    problems = []
    if not reasons.strip():
        problems.append(InputError("reasons are empty", column="reasons", expected="理由"))
    if outcome == Opinion.Outcome.CONDITIONAL and not conditions.strip():
        problems.append(
            InputError("conditions are empty", column="conditions", expected="须落实的条件")
        )
    if problems:
        raise InputErrors(problems)

    now = now or timezone.now()
    before = snapshot(project)
    with transaction.atomic():
        committed = project.ledger_tco2 if approving else None
        opinion = Opinion.objects.create(
            project=project,
            number=_next_opinion_number(now.year),
            outcome=outcome,
            reasons=reasons.strip(),
            conditions=conditions.strip(),
            assessment=project.assessment,
            committed_tco2=committed,
            reviewer=user,
            signed_at=now,
        )
        project.status = {
            Opinion.Outcome.APPROVE: Project.Status.APPROVED,
            Opinion.Outcome.CONDITIONAL: Project.Status.CONDITIONAL,
            Opinion.Outcome.REJECT: Project.Status.REJECTED,
        }[Opinion.Outcome(outcome)]
        project.save()
        _to_ledger(
            user,
            project,
            "committed" if approving else "cancelled",
            f"{'已批项目' if approving else '不予通过'}：{project.name}（{opinion.number}）",
        )
        record(
            user,
            AuditEntry.Action.APPROVE if approving else AuditEntry.Action.REJECT,
            project,
            before=before,
            after={**snapshot(project), "opinion": opinion.number, "reasons": opinion.reasons},
            summary=f"审查意见 {opinion.number}：{opinion.get_outcome_display()}",
        )
        record(user, AuditEntry.Action.CREATE, opinion, after=snapshot(opinion))
    return opinion


def may_revise(user, project: Project) -> bool:
    """The filer or the owner's reporter may file a revised project file while the project is
    filed, held or sent to re-review (修改申报)."""
    if project.status not in (
        Project.Status.SUBMITTED,
        Project.Status.HELD,
        Project.Status.RE_REVIEW,
    ):
        return False
    if user.pk == project.filed_by_id:
        return True
    profile = getattr(user, "profile", None)
    return (
        role_of(user) == Role.ENTERPRISE_REPORTER
        and profile is not None
        and profile.enterprise_id == project.enterprise_id
    )


def revise(
    user,
    project: Project,
    data: Mapping[str, object] | core.ProjectFiling,
    *,
    file_name: str = "",
    now=None,
) -> Project:
    """Replace the filing of a project by a revised file (same owner and place); the project
    is then ``submitted`` again and waits for a new assessment. The ledger keeps the last
    assessed figure as pipeline until then."""
    if not may_revise(user, project):
        raise _refuse(
            "you may not revise this project", "the filer or the owner, while filed or re-review"
        )
    source = file_name or project.ref
    filing = (
        data if isinstance(data, core.ProjectFiling) else core.filing_from_mapping(data, source)
    )
    enterprise = _owner(user, filing)
    if enterprise.pk != project.enterprise_id or filing.region != project.region_id:
        raise InputError(
            "a revised file keeps the project's owner and place",
            file=filing.source,
            column="owner" if enterprise.pk != project.enterprise_id else "region",
            expected=f"{project.enterprise.credit_code} in {project.region_id}; "
            "file a new project otherwise",
        )
    before = snapshot(project)
    with transaction.atomic():
        if filing.year != project.year and project.ledger_tco2 is not None:
            # the pipeline moves to the new year at the next assessment
            _to_ledger(user, project, "cancelled", f"修改申报：达产年份改为{filing.year}年")
        project.filing = core.filing_mapping(filing)
        project.name = filing.name[:200]
        project.industry_code = filing.industry_code
        project.industry_name = filing.industry_name[:100]
        project.kind = filing.kind
        project.year = filing.year
        project.file_name = file_name[:200]
        project.status = Project.Status.SUBMITTED
        project.hold_reason = ""
        project.save()
        record(
            user,
            AuditEntry.Action.UPDATE,
            project,
            before=before,
            after=snapshot(project),
            summary=f"修改申报 {project.ref}",
        )
    return project


def withdraw(user, project: Project, *, note: str = "") -> Project:
    """The owner withdraws a project under review (撤回): its pipeline entries go to 0."""
    if not may_withdraw(user, project):
        raise _refuse("you may not withdraw this project", "the filer or the owner, under review")

    before = snapshot(project)
    with transaction.atomic():
        project.status = Project.Status.CANCELLED
        project.save()
        _to_ledger(
            user,
            project,
            "cancelled",
            f"项目撤回：{project.name}" + (f"（{note}）" if note else ""),
        )
        record(
            user,
            AuditEntry.Action.UPDATE,
            project,
            before=before,
            after={**snapshot(project), "note": note},
            summary=f"项目撤回 {project.ref}",
        )
    return project


# --- acceptance (验收) ----------------------------------------------------------


def approved_co2(project: Project) -> float:
    """The annual CO2 the opinion approved: the project's own total (for a retrofit the plant
    after it, not the increment), tCO2."""
    return float(project.assessment["project"]["co2_total"])


def record_acceptance(
    user,
    project: Project,
    *,
    year: int,
    actual_co2_t: float,
    actual_energy_tce: float | None = None,
    note: str = "",
    now=None,
) -> Acceptance:
    """The acceptance check of an approved project: actual annual CO2 against the approved;
    at or above the re-review ratio the project goes to re-review and a warning is raised."""
    if not may_review(user, project):
        raise _refuse("you may not check this project", "a reviewer of its level and city")
    if project.status not in (
        Project.Status.APPROVED,
        Project.Status.CONDITIONAL,
        Project.Status.ACCEPTED,
    ):
        raise _refuse(
            f"a project {project.get_status_display()} has no acceptance check",
            "审查通过的项目",
        )
    problems = []
    for name, value in (("actual_co2_t", actual_co2_t), ("actual_energy_tce", actual_energy_tce)):
        if value is None and name == "actual_energy_tce":
            continue
        if not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
            problems.append(InputError(f"{name} {value!r}", column=name, expected="a number ≥ 0"))
    if problems:
        raise InputErrors(problems)
    from carbonctl.web.warnings import services as warnings

    approved = approved_co2(project)
    if approved <= 0:
        raise _refuse("the approved CO2 is not above 0", "a project with approved emissions")
    ratio = actual_co2_t / approved
    limit = review_parameter("re_review", "actual_over_approved").value
    over = at_least(ratio, limit)
    now = now or timezone.now()
    before = snapshot(project)
    with transaction.atomic():
        check = Acceptance.objects.create(
            project=project,
            year=year,
            actual_co2_t=float(actual_co2_t),
            actual_energy_tce=actual_energy_tce,
            approved_co2_t=approved,
            ratio=ratio,
            outcome=Acceptance.Outcome.RE_REVIEW if over else Acceptance.Outcome.ACCEPTED,
            note=note.strip(),
            recorded_by=user,
            recorded_at=now,
        )
        project.status = Project.Status.RE_REVIEW if over else Project.Status.ACCEPTED
        project.save()
        record(
            user,
            AuditEntry.Action.UPDATE,
            project,
            before=before,
            after={**snapshot(project), "acceptance": snapshot(check)},
            summary=f"验收核查 {project.ref}：实际/批复 {ratio:.1%}",
        )
        warnings.raise_overrun(
            subject=project.ref,
            subject_name=project.name,
            region=project.region_id,
            period=str(year),
            approved_tco2=approved,
            actual_tco2=float(actual_co2_t),
            user=user,
        )
    return check


# --- what the documents read -------------------------------------------------------------------


def stored_impact(project: Project) -> core.CityImpact | None:
    """The city impact computed at the assessment, as the core's record."""
    impact = (project.assessment or {}).get("impact")
    if not impact:
        return None
    names = core.CityImpact.__dataclass_fields__
    return core.CityImpact(**{k: v for k, v in impact.items() if k in names})


def decision_of(opinion: Opinion):
    """The opinion as the core's :class:`carbonctl.projects.Decision` (for the documents)."""
    return core.Decision(
        outcome=opinion.outcome,
        reasons=opinion.reasons,
        conditions=opinion.conditions,
        reviewer=opinion.reviewer.get_full_name() or opinion.reviewer.get_username(),
        decided_at=opinion.signed_at.date().isoformat(),
        committed_tco2=opinion.committed_tco2,
    )
