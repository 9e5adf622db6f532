"""The platform's demo (演示数据), in one module: the synthetic Shanxi dataset (carbonctl.demo)
loaded into the database with one demo user per role and a reviewed submission, the
electricity–carbon demo of 2025 and the first half of 2026 (the 15th plan's first year in
progress, ``carbonctl.demo.outlook``) saved as assessments, the newest current, so a newcomer
sees everything working."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from carbonctl.accounting.inventory import ceads_sectors
from carbonctl.demo import ENTERPRISES, demo_file
from carbonctl.demo.assessment import DemoElectricity, build_demo_electricity
from carbonctl.demo.outlook import DemoOutlook, build_outlook
from carbonctl.demo.synthetic import DemoDataset, build_dataset
from carbonctl.enterprises.uscc import parse_credit_code
from carbonctl.web.accounts.models import Role
from carbonctl.web.accounts.services import create_user
from carbonctl.web.audit.models import AuditEntry
from carbonctl.web.audit.services import record, snapshot
from carbonctl.web.electricity.models import Assessment
from carbonctl.web.electricity.services import DAY_COLUMNS, save_assessment
from carbonctl.web.enterprises.models import Enterprise
from carbonctl.web.inventories.models import Dataset, InventoryCell, MacroFigure
from carbonctl.web.inventories.services import rebuild_totals
from carbonctl.web.submissions import services as submissions

DATASET = "demo-shanxi"
BATCH = 5000
ELECTRICITY_LABEL = (
    "演示数据：合成的山西省分县分部门月度用电与排放历史及2025年第四季度电表数据 "
    "(synthetic Shanxi electricity–carbon demo; not statistics)"
)
OUTLOOK_LABEL = (
    "演示数据：合成的山西省2026年上半年（“十五五”开局之年）分县分部门月度用电与排放估算 "
    "(synthetic Shanxi electricity–carbon demo, 2026 H1; not statistics)"
)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    scope: str


def demo_logins(enterprise_code: str = "", enterprise_name: str = "") -> list[DemoLogin]:
    """The demo accounts; passwords are printed by `make demo` and are for the demo only."""
    return [
        DemoLogin("admin", "demo-admin-2024", Role.PROVINCE_ADMIN, "山西省"),
        DemoLogin("analyst", "demo-analyst-2024", Role.PROVINCE_ANALYST, "山西省"),
        DemoLogin("reviewer", "demo-reviewer-2024", Role.REVIEWER, "山西省"),
        DemoLogin("taiyuan", "demo-taiyuan-2024", Role.CITY_OFFICIAL, "140100"),
        DemoLogin("xiaodian", "demo-xiaodian-2024", Role.COUNTY_OFFICIAL, "140105"),
        DemoLogin(
            "reporter",
            "demo-reporter-2024",
            Role.ENTERPRISE_REPORTER,
            enterprise_code or enterprise_name,
        ),
        DemoLogin("public", "demo-public-2024", Role.PUBLIC, ""),
        DemoLogin("verifier", "demo-verifier-2024", Role.VERIFIER, ""),
    ]


def current_logins() -> list[DemoLogin]:
    """The demo logins of a database built earlier (with the reporter's enterprise)."""
    enterprise = Enterprise.objects.filter(profile__user__username="reporter").first()
    return [*demo_logins(enterprise.credit_code if enterprise else ""), *footprint_logins()]


def footprint_logins() -> list[DemoLogin]:
    """The footprint demo's reporter login (issue 19), once the control demo has made it."""
    from carbonctl.web.footprint.demo import demo_extra_logins

    return [DemoLogin(*login) for login in demo_extra_logins()]


def is_loaded() -> bool:
    return Dataset.objects.filter(code=DATASET).exists()


def electricity_is_loaded() -> bool:
    return Assessment.objects.filter(label=ELECTRICITY_LABEL).exists()


def outlook_is_loaded() -> bool:
    return Assessment.objects.filter(label=OUTLOOK_LABEL).exists()


def build(*, if_missing: bool = False, seed: int = 20240101) -> tuple[list[DemoLogin], bool]:
    """Load the whole demo into a migrated database; returns the demo logins and whether it was
    loaded now (False: it was already there and ``if_missing``; the parts a demo built by an
    older version lacks — the electricity demo, the 2026 outlook — are added then)."""
    if is_loaded():
        if not if_missing:
            raise ValueError("the database already holds the demo; use a new --db or --if-missing")
        electricity = None
        if not electricity_is_loaded():  # a demo built before the electricity page existed
            electricity = build_demo_electricity(seed=seed)
            load_demo_electricity(demo=electricity)
        if not outlook_is_loaded():  # a demo built before the 2026 outlook existed
            load_demo_outlook(_outlook(None, electricity, seed))
        if not control_is_loaded():  # a demo built before budgets and warnings existed
            load_demo_control()
        return current_logins(), False
    dataset = build_dataset(seed=seed)  # once, for the inventories and the electricity history
    logins = load_demo(dataset)
    electricity = build_demo_electricity(dataset, seed=seed)
    load_demo_electricity(demo=electricity)
    load_demo_outlook(_outlook(dataset, electricity, seed))
    load_demo_control()
    return [*logins, *footprint_logins()], True


def _outlook(
    dataset: DemoDataset | None, electricity: DemoElectricity | None, seed: int
) -> DemoOutlook:
    """The 2026 outlook on the electricity demo's history (and its 2025 nowcasts) when at hand."""
    if electricity is None:
        return build_outlook(dataset, seed=seed)
    return build_outlook(
        dataset, electricity.history, seed=seed, electricity_2025=electricity.assessment
    )


def load_demo_electricity(dataset: DemoDataset | None = None, *, seed: int = 20240101, demo=None):
    """Build (or take, ``demo``) the electricity–carbon demo (history, 2025 assessment, Q4 meter
    data through the pipeline) and save it; returns the :class:`Assessment`."""
    demo = demo if demo is not None else build_demo_electricity(dataset, seed=seed)
    return save_assessment(
        demo.assessment,
        demo.days,
        demo.quality,
        label=ELECTRICITY_LABEL,
        synthetic=True,
        source="carbonctl.demo.assessment, docs/methodology/electricity-carbon.md",
    )


def load_demo_outlook(outlook: DemoOutlook) -> Assessment:
    """Save the 2026 outlook (``carbonctl.demo.outlook.build_outlook``) in one transaction: the
    2026 H1 assessment (nowcasts, 2025 reconciled, bulletins; no meter data, so no daily
    figures), which becomes the current one, and the 2026 GDP projection as MacroFigure rows of
    the demo dataset (constant prices only; current-price GDP and population left empty).
    Then :func:`load_outlook_tables` (the budget and warning apps' part). Returns the
    :class:`Assessment`."""
    with transaction.atomic():
        assessment = save_assessment(
            outlook.assessment,
            pd.DataFrame(columns=DAY_COLUMNS),
            {},
            label=OUTLOOK_LABEL,
            synthetic=True,
            source="carbonctl.demo.outlook, docs/demo-data.md",
        )
        _load_gdp_projection(outlook.gdp_2026)
        load_outlook_tables(outlook)
    return assessment


def load_outlook_tables(outlook: DemoOutlook) -> None:
    """The outlook's enterprise and reporting tables (inside :func:`load_demo_outlook`'s
    transaction): specific energy use of products (单位产品能耗) as ``ProductEnergy`` and the
    reports owed (报送义务) as ``ReportingObligation`` (received None: not received by
    ``carbonctl.demo.outlook.REPORTING_AS_OF``)."""
    from carbonctl.web.enterprises.models import ProductEnergy
    from carbonctl.web.warnings.models import ReportingObligation

    enterprises = dict(Enterprise.objects.values_list("credit_code", "pk"))
    ProductEnergy.objects.bulk_create(
        [
            ProductEnergy(
                enterprise_id=enterprises[r.credit_code],
                year=int(r.year),
                product=r.product,
                output=float(r.output),
                output_unit=r.output_unit,
                specific_energy=float(r.specific_energy),
                unit=r.unit,
                source="演示数据 (synthetic demo): carbonctl.demo.outlook",
            )
            for r in outlook.product_energy.itertuples(index=False)
        ],
        batch_size=BATCH,
    )
    ReportingObligation.objects.bulk_create(
        [
            ReportingObligation(
                subject_kind=r.subject_kind,
                region_id=r.region,
                enterprise_id=enterprises[r.subject] if r.subject_kind == "enterprise" else None,
                report=r.report,
                period=r.period,
                deadline=r.deadline,
                received_at=None if pd.isna(r.received) else r.received,
            )
            for r in outlook.reporting.itertuples(index=False)
        ],
        batch_size=BATCH,
    )


#: Share of the province's annual budget held as the provincial reserve in the demo.
DEMO_RESERVE_SHARE = 0.02


def control_is_loaded() -> bool:
    from carbonctl.web.budget.models import LedgerEntry

    return LedgerEntry.objects.exists()


def load_demo_control() -> dict[str, int]:
    """Budgets and warnings for the demo (issue 14), by the demo users, in one transaction:
    the stored warning rules; the 14th and 15th plans' annual budgets for every region (intensity
    path) and the actual emissions of 2021–2026 (inventories; 2026 to June from the monthly
    estimates); a provincial reserve; a GDP revision requested by the analyst and approved by
    the administrator; the warnings of 2025 and of 2026 to June published; the demo's twelve
    investment projects taken through the review workflow to their states
    (:func:`load_demo_projects`: the held one raises its event warning, the re-review one its
    overrun warning); one warning acknowledged by Taiyuan's official. Returns counts."""
    from django.contrib.auth import get_user_model

    from carbonctl.web.budget import services as budgets
    from carbonctl.web.enterprises.demo import load_demo_key_units
    from carbonctl.web.market.demo import load_demo_market
    from carbonctl.web.metrology.demo import load_demo_metrology
    from carbonctl.web.warnings import services as warnings
    from carbonctl.web.warnings.models import Warning

    users = {u.username: u for u in get_user_model().objects.all()}
    admin, analyst = users["admin"], users["analyst"]
    counts: dict[str, int] = {}
    with transaction.atomic():
        warnings.ensure_rules(admin)
        for plan in ("14th", "15th"):
            counts[f"budgets_{plan}"] = budgets.append_many(
                analyst, budgets.derive_budgets(plan), summary=f"演示：{plan}规划年度预算"
            )
        actual = 0
        for year in range(2021, 2027):
            actual += budgets.append_many(
                analyst, budgets.derive_actuals(year), summary=f"演示：{year}年实际排放"
            )
        counts["actuals"] = actual
        province_2026 = budgets.show("140000", 2026)["budget_tco2"]
        budgets.append(
            analyst,
            region="140000",
            year=2026,
            kind="reserve",
            amount_tco2=DEMO_RESERVE_SHARE * province_2026,
            source="reserve:demo-2026",
            reason=f"演示：省级预留（重大项目）按全省年度预算的{DEMO_RESERVE_SHARE:.0%}",
        )
        request = budgets.request_adjustment(
            analyst,
            region="140600",
            year=2026,
            reason_code="gdp_revision",
            amount_tco2=0.3e6,
            reason="演示：2026年一季度GDP核实后上修，预算相应调增",
        )
        budgets.decide_adjustment(admin, request, approve=True, note="演示：同意")
        counts.update(load_demo_key_units(users))
        counts.update(load_demo_metrology(users))
        counts.update(load_demo_market(users))
        from carbonctl.web.footprint.demo import load_demo_footprint

        counts.update(load_demo_footprint(users))
        published = 0
        for year, month in ((2025, None), (2026, 6)):
            run = warnings.publish(
                warnings.evaluate(year, month), year=year, month=month, user=admin
            )
            published += run.warnings.count()
        counts["projects"] = load_demo_projects(users)
        counts["warnings"] = published + Warning.objects.filter(run__trigger="event").count()
        taiyuan = (
            Warning.objects.filter(region_id="140100", status=Warning.Status.OPEN)
            .exclude(level="green")
            .first()
        )
        if taiyuan is not None:
            warnings.act(users["taiyuan"], taiyuan, "acknowledge", note="演示：已组织分析原因")
    return counts


def load_demo_projects(users: dict) -> int:
    """The demo's investment projects (:func:`carbonctl.demo.projects.demo_projects`, placed
    among the platform's enterprises) taken through the workflow by the demo users on their
    dates: filed by the province analyst; assessed, decided and checked by the reviewer (a
    city-level project of Taiyuan by Taiyuan's official); withdrawn by the analyst. Each ends in
    its designed state, or :class:`DemoDataError` says which did not. Returns how many."""
    from datetime import datetime, time, timedelta
    from zoneinfo import ZoneInfo

    from django.conf import settings
    from django.utils import timezone

    from carbonctl.demo.projects import demo_projects
    from carbonctl.demo.synthetic import DemoDataError
    from carbonctl.web.projects import services as projects

    analyst, reviewer = users["analyst"], users["reviewer"]
    enterprises = pd.DataFrame(
        Enterprise.objects.values_list("credit_code", "name_zh", "county_id", "sector"),
        columns=["credit_code", "name_zh", "adcode", "sector"],
    )
    zone = ZoneInfo(settings.TIME_ZONE)
    designed = demo_projects(enterprises)
    for demo in designed:
        filed = datetime.combine(datetime.fromisoformat(demo.filed_on).date(), time(9), zone)

        def later(days: int, filed: datetime = filed) -> datetime:
            return min(filed + timedelta(days=days), timezone.now())

        project = projects.file_project(
            analyst, demo.filing, file_name=f"{demo.ref}.json", now=filed
        )
        if demo.state == "submitted":
            continue
        projects.assess_project(reviewer, project, now=later(5))
        if demo.state == "cancelled":
            projects.withdraw(analyst, project, note=demo.reasons)
        elif demo.outcome is not None:
            decider = reviewer
            if project.review_level == "city" and project.city_id == "140100":
                decider = users["taiyuan"]
            projects.decide(
                decider,
                project,
                outcome=demo.outcome,
                reasons=demo.reasons or "演示：经审查，项目符合节能审查和碳排放评价要求。",
                conditions=demo.conditions,
                now=later(20),
            )
        if demo.actual is not None:
            projects.record_acceptance(
                reviewer,
                project,
                year=project.year,
                actual_co2_t=demo.actual["co2_t"],
                actual_energy_tce=demo.actual["energy_tce"],
                note=demo.actual["note"],
                now=later(200),
            )
        project.refresh_from_db()
        if project.status != demo.state:
            raise DemoDataError(
                f"demo project {demo.ref} ended {project.status}, designed {demo.state}"
            )
    return len(designed)


def _load_gdp_projection(gdp: pd.DataFrame) -> None:
    demo = Dataset.objects.get(code=DATASET)
    rows = MacroFigure.objects.bulk_create(
        [
            MacroFigure(
                dataset=demo,
                region_id=r.adcode,
                year=int(r.year),
                gdp_current=None,
                gdp_constant=float(r.gdp_constant),
                population=None,
                status=str(r.status)[:200],
            )
            for r in gdp.itertuples(index=False)
        ],
        batch_size=BATCH,
    )
    record(
        None,
        AuditEntry.Action.UPDATE,
        demo,
        after={"year": int(gdp["year"].iloc[0]), "macro_rows": len(rows)},
        summary=f"demo GDP projection {int(gdp['year'].iloc[0])}: {len(rows)} regions "
        "(synthetic, constant prices)",
    )


def load_demo(dataset: DemoDataset | None = None, *, seed: int = 20240101) -> list[DemoLogin]:
    """Build (or take) the synthetic dataset and load it in one transaction; returns the logins."""
    data = dataset if dataset is not None else build_dataset(seed=seed)
    keys = ceads_sectors().set_index("sector")["key_industry"]
    with transaction.atomic():
        factor_set = submissions.factor_set(data.meta.get("factor_set", "GB/T 32150-2015"))
        demo = Dataset.objects.create(
            code=DATASET,
            label="演示数据：合成的山西省分县分部门分品种数据，按 CEADs 省级数据校准 "
            "(synthetic Shanxi demo data calibrated to CEADs; not statistics)",
            synthetic=True,
            factor_set=factor_set,
            source="carbonctl.demo.synthetic, docs/demo-data.md",
        )
        _load_enterprises(data.enterprises)
        _load_cells(demo, data.energy, data.process, keys)
        _load_macro(demo, data.macro)
        rebuild_totals(demo)
        record(
            None,
            AuditEntry.Action.CREATE,
            demo,
            after=snapshot(demo),
            summary=f"demo dataset: {len(data.energy) + len(data.process)} cells",
        )
        logins = _create_users(data.enterprises)
    _demo_submissions(logins)
    return logins


def _load_enterprises(table: pd.DataFrame) -> None:
    for code in table["credit_code"]:
        parse_credit_code(code)  # bulk_create skips model validation: check here
    Enterprise.objects.bulk_create(
        [
            Enterprise(
                credit_code=r.credit_code,
                name_zh=r.name_zh,
                name_en=r.name_en,
                county_id=r.adcode,
                sector=r.sector,
                key_industry=r.key_industry,
            )
            for r in table.itertuples(index=False)
        ],
        batch_size=BATCH,
    )


def _load_cells(demo: Dataset, energy: pd.DataFrame, process: pd.DataFrame, keys) -> None:
    cells = [
        InventoryCell(
            dataset=demo,
            region_id=r.adcode,
            year=int(r.year),
            sector=r.sector,
            key_industry=keys.get(r.sector, ""),
            fuel=r.fuel,
            amount=float(r.amount),
            unit=r.unit,
            tco2=float(r.tco2),
        )
        for r in energy.itertuples(index=False)
    ]
    process_sector = "Nonmetal Mineral Products"
    cells += [
        InventoryCell(
            dataset=demo,
            region_id=r.adcode,
            year=int(r.year),
            sector=process_sector,
            key_industry=keys.get(process_sector, ""),
            fuel="Process",
            amount=float(r.cement_t),
            unit="t cement",
            tco2=float(r.tco2),
        )
        for r in process.itertuples(index=False)
    ]
    InventoryCell.objects.bulk_create(cells, batch_size=BATCH)


def _load_macro(demo: Dataset, macro: pd.DataFrame) -> None:
    MacroFigure.objects.bulk_create(
        [
            MacroFigure(
                dataset=demo,
                region_id=r.adcode,
                year=int(r.year),
                gdp_current=r.gdp_current_100m_yuan,
                gdp_constant=r.gdp_constant_2020_100m_yuan,
                population=r.population_10k,
                status=str(r.status)[:200],
            )
            for r in macro.itertuples(index=False)
        ],
        batch_size=BATCH,
    )


def _create_users(enterprises: pd.DataFrame) -> list[DemoLogin]:
    in_xiaodian = enterprises[enterprises["adcode"] == "140105"]
    chosen = (in_xiaodian if len(in_xiaodian) else enterprises).iloc[0]
    logins = demo_logins(chosen["credit_code"], chosen["name_zh"])
    for login in logins:
        region = login.scope if login.role in (Role.CITY_OFFICIAL, Role.COUNTY_OFFICIAL) else None
        enterprise = login.scope if login.role == Role.ENTERPRISE_REPORTER else None
        create_user(
            login.username, login.password, login.role, region=region, enterprise_code=enterprise
        )
    return logins


def _demo_submissions(logins: list[DemoLogin]) -> None:
    """The bundled enterprise example (its Taiyuan rows) submitted by the Xiaodian county
    official and approved by the reviewer, so the submission pages and the audit log have
    something to show."""
    from django.contrib.auth import get_user_model

    users = {u.username: u for u in get_user_model().objects.all()}
    # a county official submits rows inside the own scope only: the example's Taiyuan rows
    lines = Path(demo_file(ENTERPRISES)).read_text(encoding="utf-8-sig").splitlines()
    taiyuan = [lines[0], *(line for line in lines[1:] if line.split(",")[1] == "太原市")]
    upload = SimpleUploadedFile(ENTERPRISES, ("\n".join(taiyuan) + "\n").encode())
    first = submissions.submit(users["xiaodian"], upload, region=_region("140105"))
    submissions.review(users["reviewer"], first, approve=True, note="演示：审核通过")


def _region(adcode: str):
    from carbonctl.web.regions.models import Region

    return Region.objects.get(adcode=adcode)
