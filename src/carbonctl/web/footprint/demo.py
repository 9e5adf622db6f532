"""The demo's product carbon footprints (演示产品碳足迹): the starter background database as
version 1, a coking and building-materials enterprise (示例山西焦化建材有限公司, synthetic) with a
coke study and a cement study from the demo product models (:mod:`carbonctl.demo.footprint`),
its reporter login, and studies of the same products at other demo coking and cement
enterprises (their models varied a little), verified by the demo verifier so the label grades
have a distribution to rank in. The enterprise's coke study is verified too (its PACT export
carries the assurance); its cement study awaits the verifier's opinion.

Everything here is demo data: the plants' figures are plausible, not statistics, and the other
enterprises' studies are the demo models with their energy and material inputs scaled by
±15 % (a seeded draw), verified (a demo opinion) only so the percentile grading can be shown.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from carbonctl.demo.enterprises import credit_code
from carbonctl.demo.footprint import DEMO_ALLOCATION, demo_product_models
from carbonctl.footprint.background import STARTER_VERSION, starter_background
from carbonctl.web.accounts.models import Role
from carbonctl.web.accounts.services import create_user
from carbonctl.web.enterprises.models import Enterprise
from carbonctl.web.footprint import services
from carbonctl.web.footprint.models import BackgroundVersion, FootprintStudy

#: The demo's coking and building-materials enterprise (in 清徐县, Taiyuan's coking county).
ENTERPRISE_NAME = "示例山西焦化建材有限公司"
ENTERPRISE_NAME_EN = "Demo Shanxi Coking and Building Materials Co., Ltd. (synthetic)"
ENTERPRISE_COUNTY = "140121"
ENTERPRISE_CODE = credit_code(ENTERPRISE_COUNTY, "FP192026")
#: Its reporter's demo login (the password is for the demo only, printed by `make demo`).
LOGIN = ("footprint", "demo-footprint-2024")

PERIOD = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
#: Per demo model key: industry, UN CPC subclass and CN code of the product.
PRODUCTS = {
    "coke": ("coking", "33100", "27040010"),  # CPC 33100 coke of coal; CN 2704 00 10 coke
    "cement": ("cement", "37440", "25232900"),  # CPC 37440 Portland cement; CN 2523 29 00
}
#: Demo sectors of the other enterprises with a study of each product, and how many.
OTHERS = {
    "coke": ("Petroleum Processing and Coking", 11),
    "cement": ("Nonmetal Mineral Products", 4),
}
#: Categories of a model's rows that are scaled for the other enterprises' variants.
VARIED = ("combustion", "material", "electricity", "heat", "transport", "process")
SEED = 20260119


def demo_extra_logins() -> list[tuple[str, str, str, str]]:
    """The footprint demo's login as (username, password, role, scope), once its user exists
    (for the printed demo logins)."""
    from django.contrib.auth import get_user_model

    if not get_user_model().objects.filter(username=LOGIN[0]).exists():
        return []
    return [(LOGIN[0], LOGIN[1], Role.ENTERPRISE_REPORTER, ENTERPRISE_CODE)]


def load_demo_footprint(users: dict) -> dict[str, int]:
    """The footprint demo (see the module text); call inside the demo's transaction with the
    demo users by name. Returns counts: background processes, studies, verified studies."""
    admin = users.get("admin")
    background = BackgroundVersion.objects.filter(version=STARTER_VERSION).first()
    if background is None:
        background = services.save_background(
            admin,
            starter_background(),
            version=STARTER_VERSION,
            note="起步背景数据库：平台引用的电网、燃料、热力和主要材料因子（演示加载）",
        )
    enterprise = _enterprise()
    reporter = users.get(LOGIN[0]) or _reporter(enterprise)
    verifier = _verifier(users)
    models = demo_product_models()
    rng = np.random.default_rng(SEED)
    made = []
    for key, (sector, count) in OTHERS.items():
        others = Enterprise.objects.filter(sector=sector).exclude(pk=enterprise.pk)
        for other in others.order_by("credit_code")[:count]:
            model = _varied(models[key][0], rng)
            study = _study(admin, other, key, models[key], model, background)
            services.assign_verifier(admin, study, verifier)
            made.append(services.verify_study(verifier, study, OPINION))
    for key in PRODUCTS:
        model = models[key][0]
        made.append(_study(reporter, enterprise, key, models[key], model, background))
    coke, cement = made[-2:]
    # the coke study verified (its PACT carries the assurance), the cement one awaiting it
    services.assign_verifier(reporter, coke, verifier)
    made[-2] = services.verify_study(verifier, coke, OPINION)
    services.assign_verifier(reporter, cement, verifier)
    services.regrade({m.product for m in made})
    for study in made[-len(PRODUCTS) :]:
        services.pact_document(study)  # the demo's own studies export a valid PACT footprint
    return {
        "footprint_background_processes": len(background.processes),
        "footprint_studies": len(made),
        "footprint_verified": sum(m.verified for m in made),
    }


#: The demo verifier's opinion on the studies it verifies (demo text, not a real verification).
OPINION = services.Opinion(
    passed=True,
    level="limited",
    standard="ISO 14067:2018; GB/T 24067-2024",
    statement="（演示）活动数据与计量、生产记录抽样核对一致，背景数据来源已注明，核算符合标准要求。",
)


def _verifier(users: dict):
    """The demo's verification body: the market demo's ``verifier`` login."""
    from django.contrib.auth import get_user_model

    verifier = users.get("verifier") or get_user_model().objects.filter(username="verifier").first()
    if verifier is None:
        create_user("verifier", "demo-verifier-2024", Role.VERIFIER)
        verifier = get_user_model().objects.get(username="verifier")
    return verifier


def _enterprise() -> Enterprise:
    enterprise, _created = Enterprise.objects.get_or_create(
        credit_code=ENTERPRISE_CODE,
        defaults={
            "name_zh": ENTERPRISE_NAME,
            "name_en": ENTERPRISE_NAME_EN,
            "county_id": ENTERPRISE_COUNTY,
            "sector": "Petroleum Processing and Coking",
            "key_industry": "",
        },
    )
    return enterprise


def _reporter(enterprise: Enterprise):
    return create_user(
        LOGIN[0], LOGIN[1], Role.ENTERPRISE_REPORTER, enterprise_code=enterprise.credit_code
    )


def _varied(model: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """The model with the amounts of its inputs scaled by a factor in [0.85, 1.15] each."""
    varied = model.copy()
    rows = varied["category"].isin(VARIED)
    factors = rng.uniform(0.85, 1.15, int(rows.sum()))
    amounts = pd.to_numeric(varied.loc[rows, "amount"]) * factors
    varied.loc[rows, "amount"] = [f"{a:.6g}" for a in amounts]
    varied.attrs.update(model.attrs)
    return varied


def _study(user, enterprise, key, product_model, model, background):
    _model, product, amount, unit = product_model
    industry, cpc, cn = PRODUCTS[key]
    fields = services.StudyFields(
        product=product,
        cpc_code=cpc,
        cn_code=cn,
        industry=industry,
        declared_unit="t",
        declared_amount=1.0,
        boundary=FootprintStudy.Boundary.CRADLE_TO_GATE,
        allocation=DEMO_ALLOCATION[key],
        method=FootprintStudy.Method.AR6,
        period_start=PERIOD[0],
        period_end=PERIOD[1],
        geography="CN-SX",
        output_amount=amount,
        output_unit=unit,
    )
    return services.create_study(
        user,
        enterprise,
        fields,
        model,
        file_name=model.attrs.get("file", f"{key}_model.csv"),
        background=background,
    )
