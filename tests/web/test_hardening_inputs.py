"""Input that cannot hurt: every page URL (found through the URL resolver) asked with hostile
values for each of its parameters answers 400 with a message or its page, never a 5xx."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from carbonctl.web.accounts.models import Role

from .conftest import plan_p_targets

pytestmark = pytest.mark.django_db

#: Values a careless or hostile client sends in place of a year, a number, a code or a name.
HOSTILE = [
    "nan",
    "inf",
    "-inf",
    "1e308",
    "99999999999999999999",
    "-1",
    "２０２０",  # full-width digits
    "",
    "2020.5",
    "<script>alert(1)</script>",
    "\x00",
    "x" * 3000,
    "2020-13",
]

#: Values of a parameter the page does not read (ignored: the page as without it).
UNKNOWN = ["nan", "\x00" + "x" * 3000]

#: The apps whose pages are ours (Django's admin and auth views are Django's).
APPS = {
    "home",
    "inventories",
    "regions",
    "submissions",
    "factors",
    "targets",
    "electricity",
    "enterprises",
    "warnings",
    "budget",
    "projects",
    "market",
    "metrology",
    "footprint",
}

#: Every GET page: its path arguments (``{key}`` from the ``ids`` fixture) and the query
#: parameters it reads. A page added to an app fails the resolver test until it is listed here.
PAGES = {
    "home:index": ({}, ["year"]),
    "home:screen": ({}, ["year"]),
    "inventories:overview": ({}, ["year", "format"]),
    "inventories:region": ({"adcode": "140100"}, ["year", "format"]),
    "inventories:cells": ({"adcode": "140100"}, ["year", "format", "sector", "fuel"]),
    "inventories:map": ({"level": "city"}, []),
    "inventories:disclosures": ({}, ["year", "format"]),
    "regions:list": ({}, ["format"]),
    "regions:detail": ({"adcode": "140100"}, []),
    "submissions:list": ({}, ["format", "page"]),
    "submissions:detail": ({"submission_id": "{submission}"}, ["page"]),
    "submissions:import": ({"job_id": "{job}"}, []),
    "submissions:export": ({"submission_id": "{submission}"}, []),
    "factors:sets": ({}, []),
    "factors:grid": ({}, ["format"]),
    "factors:sectors": ({}, ["format"]),
    "factors:sectors-scheme": ({"scheme": "ceads"}, ["format"]),
    "factors:set": ({"code": "GB/T 32150-2015"}, ["format"]),
    "targets:tree": ({}, ["plan", "year"]),
    "targets:workbench": ({}, ["plan", "target", "growth", "floor", "ceiling", "format"]),
    "targets:proposal": ({"proposal_id": "{proposal}"}, []),
    "targets:assessment": ({}, ["year", "format"]),
    "electricity:page": ({}, ["region", "sector", "month", "format"]),
    "electricity:bulletin": ({"bulletin_id": "{bulletin}"}, ["format"]),
    "enterprises:detail": ({"enterprise_id": "{enterprise}"}, []),
    "warnings:centre": (
        {},
        ["level", "rule", "region", "status", "period", "sort", "page", "format"],
    ),
    "warnings:detail": ({"warning_id": "{warning}"}, []),
    "warnings:barometer": ({}, ["period"]),
    "warnings:inbox": ({}, ["page"]),
    "warnings:rules": ({}, []),
    "warnings:rule-new": ({}, ["kind"]),
    "warnings:rule": ({"rule_id": "carbon_barometer"}, []),
    "warnings:rule-edit": ({"rule_id": "carbon_barometer"}, []),
    "budget:overview": ({}, ["year", "city", "format"]),
    "budget:region": ({"adcode": "140100"}, ["year", "as_of"]),
    "budget:report": ({"adcode": "140100"}, ["year", "month", "format"]),
    "projects:list": ({}, ["status", "city", "level", "page"]),
    "projects:new": ({}, []),
    "projects:template": ({}, []),
    "projects:detail": ({"project_id": "{project}"}, []),
    "projects:opinion": ({"project_id": "{project}"}, []),
    "projects:calculation": ({"project_id": "{project}"}, []),
    "enterprises:list": ({}, ["year", "kind", "region", "page", "format"]),
    "enterprises:grades": ({}, ["year"]),
    "enterprises:report": (
        {"enterprise_id": "{enterprise}", "year": "2023", "kind": "energy", "fmt": "xlsx"},
        [],
    ),
    "market:board": ({}, ["year", "format"]),
    "market:unit": ({"unit_id": "{ets_unit}"}, []),
    "market:verify": ({}, []),
    "metrology:page": ({}, ["city"]),
    "metrology:import": ({}, []),
    "metrology:template": ({}, []),
    "metrology:export": ({}, ["city"]),
    "footprint:page": ({}, ["product", "page", "format"]),
    "footprint:new": ({}, []),
    "footprint:template": ({}, []),
    "footprint:grades": ({}, ["industry"]),
    "footprint:background": ({}, ["version", "q", "category"]),
    "footprint:background-upload": ({}, []),
    "footprint:background-export": ({"version_id": "{background}"}, []),
    "footprint:study": ({"study_id": "{study}"}, []),
    "footprint:suppliers": ({"study_id": "{study}"}, []),
    "footprint:pact": ({"study_id": "{study}"}, []),
    "footprint:cbam": ({"study_id": "{study}"}, []),
    "footprint:report": ({"study_id": "{study}", "fmt": "xlsx"}, []),
}
#: Every POST-only action and the fields it reads.
ACTIONS = {
    "inventories:publish": ({}, ["year"]),
    "targets:propose": ({}, ["method", "target", "growth", "floor", "ceiling", "plan"]),
    "targets:review": ({"proposal_id": "{proposal}"}, ["decision"]),
    "targets:decompose": ({"target_id": "{target}"}, ["method"]),
    "submissions:review": ({"submission_id": "{submission}"}, ["decision", "note"]),
    "warnings:act": ({"warning_id": "{warning}"}, ["action", "note"]),
    "warnings:inbox-read": ({}, []),
    "budget:request": (
        {"adcode": "140100"},
        ["reason_code", "adjusts", "amount", "year", "reason"],
    ),
    "budget:decide": ({"request_id": "{adjustment}"}, ["decision", "note"]),
    "projects:assess": ({"project_id": "{filed}"}, []),
    "projects:decide": ({"project_id": "{filed}"}, ["outcome", "reasons", "conditions"]),
    "projects:withdraw": ({"project_id": "{filed}"}, ["note"]),
    "projects:revise": ({"project_id": "{filed}"}, ["file"]),
    "projects:acceptance": (
        {"project_id": "{project}"},
        ["year", "actual_co2_wan_t", "actual_energy_tce", "note"],
    ),
    "enterprises:derive": ({}, ["year", "provincial_list"]),
    "enterprises:value-added": ({}, ["file"]),
    "enterprises:saving-targets": ({}, ["file"]),
    "market:compute": ({}, ["year", "step"]),
    "market:assign": ({"unit_id": "{ets_unit}"}, ["year", "verifier"]),
    "footprint:assign-verifier": ({"study_id": "{study}"}, ["verifier"]),
    "footprint:verify": ({"study_id": "{study}"}, ["outcome", "level", "standard", "statement"]),
    "footprint:update-background": ({"study_id": "{study}"}, []),
}
#: Well-formed values for the fields an action needs besides the one made hostile.
VALID = {
    "method": "equal",
    "target": "18",
    "growth": "5",
    "plan": "14th",
    "action": "acknowledge",
    "reason_code": "gdp_revision",
    "amount": "1.5",
    "year": "2021",
    "reason": "测试",
    "outcome": "reject",
    "reasons": "测试",
    "actual_co2_wan_t": "1",
}


def _names(patterns, namespace: str = "") -> set[str]:
    found: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            found |= _names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and namespace in APPS and pattern.name:
            found.add(f"{namespace}:{pattern.name}")
    return found


def test_every_page_of_the_apps_is_in_the_hostile_table():
    assert _names(get_resolver().url_patterns) == set(PAGES) | set(ACTIONS)


@pytest.fixture(scope="module")
def module_data(django_db_setup, django_db_blocker, demo_database, demo_assessment):
    """The demo with its reviewed submission, the electricity demo, a pending proposal and an
    adopted city target (kept for the module, rolled back after it)."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from carbonctl.web.electricity.models import Bulletin
    from carbonctl.web.enterprises.models import Enterprise
    from carbonctl.web.submissions.models import ImportJob, Submission

    with django_db_blocker.unblock(), transaction.atomic():
        users = get_user_model().objects
        proposal, (target,) = plan_p_targets(users.get(username="analyst"), ("140100",))
        job = ImportJob.objects.create(
            file_name="活动数据.xlsx", region_id="140100", created_by=users.get(username="admin")
        )
        warning, adjustment = _warning_and_adjustment(users)
        filed, project = _projects(users)
        ets_unit = _ets_unit()
        background, study = _footprint_study()
        yield {
            "admin": users.get(username="admin"),
            "ids": {
                "submission": Submission.objects.first().pk,
                "proposal": proposal.pk,
                "target": target.pk,
                "bulletin": Bulletin.objects.filter(city_id="140100").first().pk,
                "enterprise": Enterprise.objects.first().pk,
                "job": job.pk,
                "warning": warning.pk,
                "adjustment": adjustment.pk,
                "filed": filed.pk,
                "project": project.pk,
                "ets_unit": ets_unit.pk,
                "background": background.pk,
                "study": study.pk,
            },
        }
        transaction.set_rollback(True)


def _projects(users):
    """Two projects of a demo enterprise filed by the analyst: one filed only, one assessed and
    approved by the reviewer (it has an opinion and a calculation)."""
    from carbonctl.web.enterprises.models import Enterprise
    from carbonctl.web.projects import services as projects

    owner = Enterprise.objects.order_by("credit_code").first()
    data = {
        "name": "测试项目",
        "owner": owner.credit_code,
        "region": owner.county_id,
        "industry": "39",
        "kind": "new",
        "year": 2020,
        "products": [],
        "activities": [{"category": "electricity", "item": "电力", "amount": 1e6, "unit": "kWh"}],
    }
    analyst, reviewer = users.get(username="analyst"), users.get(username="reviewer")
    filed = projects.file_project(analyst, data)
    project = projects.file_project(analyst, data)
    projects.assess_project(reviewer, project)
    projects.decide(reviewer, project, outcome="approve", reasons="测试")
    return filed, project


def _ets_unit():
    """An ETS unit of a demo enterprise (the market's pages take one by id)."""
    from carbonctl.web.enterprises.models import Enterprise
    from carbonctl.web.market.models import Category, EtsUnit

    return EtsUnit.objects.create(
        enterprise=Enterprise.objects.order_by("credit_code").first(),
        unit_id="HOSTILE-01",
        category=Category.values[0],
        capacity_mw=600.0,
        fuel=EtsUnit.Fuel.values[0],
    )


def _footprint_study():
    """A background version of one process and a cement study of a demo enterprise on it (its
    downloads answer 422: its foreground model is empty)."""
    import datetime as dt

    from carbonctl.web.enterprises.models import Enterprise
    from carbonctl.web.footprint.models import BackgroundVersion, FootprintStudy

    background = BackgroundVersion.objects.create(
        version="hostile",
        processes=[{"id": "mat:x", "name": "x", "unit": "t", "location": "",
                    "category": "material", "source": "test", "status": "UNCONFIRMED"}],
        exchanges=[{"consumer": "mat:x", "input": "CO2", "amount": 1.0, "unit": "kg",
                    "type": "biosphere"}],
        unit_scores={"mat:x": 1.0},
    )  # fmt: skip
    study = FootprintStudy.objects.create(
        enterprise=Enterprise.objects.order_by("credit_code").first(),
        product="水泥",
        industry="cement",
        cn_code="25232900",
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31),
        output_amount=1.0,
        background=background,
        score=1.0,
        result={"score": 1.0, "by_gas": {"CO2": 1.0}, "by_stage": {"production": 1.0}},
    )
    return background, study


def _warning_and_adjustment(users):
    """A stored warning of Taiyuan and a pending budget adjustment of Taiyuan (by the analyst)."""
    from carbonctl.web.budget import services as budgets
    from carbonctl.web.warnings import services as warnings
    from carbonctl.web.warnings.models import Warning, WarningRule

    warnings.ensure_rules()
    warning = Warning.objects.create(
        rule=WarningRule.objects.get(rule_id="carbon_barometer"),
        rule_id_text="carbon_barometer",
        subject="140100",
        subject_name="太原市",
        subject_kind=Warning.SubjectKind.REGION,
        region_id="140100",
        period="2021",
        level="red",
        value=0.01,
        threshold=0.04,
        message="测试",
    )
    analyst = users.get(username="analyst")
    budgets.append(
        analyst, region="140100", year=2021, kind="budget", amount_tco2=1e6, source="rule:test"
    )
    adjustment = budgets.request_adjustment(
        analyst, region="140100", year=2021, reason_code="gdp_revision", amount_tco2=1e4, reason="x"
    )
    return warning, adjustment


@pytest.fixture
def data(module_data, db):
    return module_data


def _url(name: str, kwargs: dict[str, str], ids: dict[str, int]) -> str:
    return reverse(name, kwargs={k: str(v).format(**ids) for k, v in kwargs.items()})


def _sound(response) -> str | None:
    """Why ``response`` is not a sound answer to bad input (None when it is): no 5xx, and a
    400 says what was wrong. A streamed answer (an export) is read to its end, so the test
    client closes it and its file (``response.close()`` itself would also close the test's
    database connection, as at the end of a real request)."""
    if response.streaming:
        b"".join(response.streaming_content)
    if response.status_code >= 500:
        return f"{response.status_code}"
    if response.status_code == 400 and not response.content.strip():
        return "400 without a message"
    return None


@pytest.mark.parametrize("name", list(PAGES))
def test_hostile_query_values_never_give_a_server_error(client, data, name):
    kwargs, params = PAGES[name]
    url = _url(name, kwargs, data["ids"])
    client.force_login(data["admin"])
    failures = {}
    for param, values in [*((p, HOSTILE) for p in params), ("unknown", UNKNOWN)]:
        for value in values:
            response = client.get(url, {param: value})
            if problem := _sound(response):
                failures[f"{param}={value[:20]!r}"] = problem
    assert failures == {}


@pytest.mark.parametrize("name", list(ACTIONS))
def test_hostile_form_values_never_give_a_server_error(client, data, name):
    kwargs, fields = ACTIONS[name]
    url = _url(name, kwargs, data["ids"])
    client.force_login(data["admin"])
    failures = {}
    for field in fields:
        for value in HOSTILE:
            response = client.post(url, {**VALID, field: value})
            if problem := _sound(response):
                failures[f"{field}={value[:20]!r}"] = problem
    assert failures == {}


@pytest.mark.parametrize("name", [n for n, (kwargs, _p) in PAGES.items() if kwargs])
def test_hostile_path_values_never_give_a_server_error(client, data, name):
    """Each path argument replaced by a hostile value (or a huge id): 404 or 400, no 5xx."""
    kwargs, _params = PAGES[name]
    client.force_login(data["admin"])
    failures = {}
    for key in kwargs:
        numeric = kwargs[key].startswith("{")
        values = ["99999999999999999999", "0"] if numeric else ["nan", "x" * 300, "..", "\x00"]
        for value in values:
            try:  # a placeholder, then the value as the client would send it (%00 for NUL)
                url = _url(name, {**kwargs, key: "PLACEHOLDER0"}, data["ids"])
            except NoReverseMatch:  # the URL pattern itself refuses the placeholder
                stand_in = "999999" if key == "adcode" else "0"  # adcodes: six digits
                url = _url(name, {**kwargs, key: stand_in}, data["ids"]).replace(
                    f"/{stand_in}/", "/PLACEHOLDER0/"
                )
            url = url.replace("PLACEHOLDER0", quote(value, safe=""))
            if problem := _sound(client.get(url)):
                failures[f"{key}={value[:20]!r}"] = problem
    assert failures == {}


def test_the_message_names_the_parameter(client, data):
    client.force_login(data["admin"])
    response = client.get("/targets/allocation/", {"target": "inf"})
    assert response.status_code == 400
    assert (
        "全省碳排放强度下降目标（%）</a>：请输入大于 0、小于 100 的百分数"
        in response.content.decode()
    )
    huge = client.get("/targets/allocation/", {"growth": "1e308"})
    assert huge.status_code == 400 and "规划期GDP年均增速（假设，%）</a>：" in huge.content.decode()


def test_a_proposal_with_a_bad_number_is_refused_without_a_write(client, data):
    from carbonctl.web.targets.models import Proposal

    client.force_login(data["admin"])
    before = Proposal.objects.count()
    for field, value in (("target", "nan"), ("growth", "1e308"), ("plan", "x" * 300)):
        response = client.post("/targets/allocation/propose/", {**VALID, field: value})
        assert response.status_code == 400 and field in response.content.decode()
    assert Proposal.objects.count() == before


def test_roles_do_not_change_the_outcome_of_bad_input(client, data):
    """A county official asking a page with a bad year gets the same 400 as an administrator."""
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(profile__role=Role.COUNTY_OFFICIAL))
    assert client.get("/", {"year": "nan"}).status_code == 400


#: Every operation of the aggregate routers (inventories, targets, electricity) and the query
#: parameters it reads; ``{adcode}`` is Taiyuan.
API = {
    "/api/v1/inventories/overview": ["year"],
    "/api/v1/inventories/{adcode}": ["year"],
    "/api/v1/targets/methods": [],
    "/api/v1/targets/targets": ["plan"],
    "/api/v1/targets/targets/{adcode}": [],
    "/api/v1/targets/allocation": ["plan", "target", "base_year", "growth"],
    "/api/v1/targets/assessment": ["year"],
    "/api/v1/electricity/estimates/{adcode}": ["month", "sector"],
    "/api/v1/electricity/signals": ["month"],
}


def test_the_api_table_lists_every_operation_of_the_aggregate_routers():
    from carbonctl.web.electricity.api import router as electricity
    from carbonctl.web.inventories.api import router as inventories
    from carbonctl.web.targets.api import router as targets

    routers = {"inventories": inventories, "targets": targets, "electricity": electricity}
    listed = {
        f"/api/v1/{prefix}{path}"
        for prefix, router in routers.items()
        for path in router.path_operations
    }
    assert listed == set(API)


def _sound_json(response) -> str | None:
    if response.status_code >= 500:
        return f"{response.status_code}"
    if response.status_code >= 400:
        if not response["Content-Type"].startswith("application/json"):
            return f"{response.status_code} as {response['Content-Type']}"
        if "detail" not in response.json():
            return f"{response.status_code} without detail"
    return None


@pytest.mark.parametrize("template", list(API))
def test_hostile_api_values_never_give_a_server_error(client, data, template):
    client.force_login(data["admin"])
    failures = {}
    for param, values in [*((p, HOSTILE) for p in API[template]), ("unknown", UNKNOWN)]:
        for value in values:
            response = client.get(template.format(adcode="140100"), {param: value})
            if problem := _sound_json(response):
                failures[f"{param}={value[:20]!r}"] = problem
    if "{adcode}" in template:
        for value in ("nan", "x" * 300, "\x00", "１４０１００"):
            url = template.format(adcode=quote(value, safe=""))
            if problem := _sound_json(client.get(url)):
                failures[f"adcode={value[:20]!r}"] = problem
    assert failures == {}


# --- safe exports --------------------------------------------------------------------------


FORMULA = '=HYPERLINK("http://example.com","点击")'


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (FORMULA, "'" + FORMULA),
        ("+1", "'+1"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("示例太原钢铁", "示例太原钢铁"),
        ("a=b", "a=b"),
        ("bad\x00byte", "bad\ufffdbyte"),
        (-1.5, -1.5),
        (0, 0),
        (None, None),
    ],
)
def test_safe_cell_neutralises_formulas_and_keeps_numbers(value, expected):
    from carbonctl.web.exports import safe_cell

    assert safe_cell(value) == expected


def _sheet(response):
    from io import BytesIO

    from openpyxl import load_workbook

    body = b"".join(response.streaming_content) if response.streaming else response.content
    return load_workbook(BytesIO(body)).active


def test_xlsx_exports_write_text_as_text_and_numbers_as_numbers(rf):
    from carbonctl.web.exports import xlsx_response

    response = xlsx_response("t.xlsx", "a:b/c", ["=head"], [[FORMULA, -3.25, "-1+2"]])
    sheet = _sheet(response)
    assert sheet.title == "a_b_c"
    header, (formula, number, text) = sheet["A1"], sheet[2]
    assert header.value == "'=head" and header.data_type == "s"
    assert formula.value == "'" + FORMULA and formula.data_type != "f"
    assert number.value == -3.25 and number.data_type == "n"
    assert text.value == "'-1+2" and text.data_type == "s"


def test_a_formula_subject_is_exported_as_text(client, data):
    """The injection found in issue 13: a subject that is a live formula in Excel. Uploaded as a
    plain report, then given the formula subject in the database, so that the export is tested
    whatever the upload's own checks accept."""
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from carbonctl.web.submissions.models import ActivityRecord, Submission

    reporter = get_user_model().objects.get(profile__role=Role.ENTERPRISE_REPORTER)
    enterprise = reporter.profile.enterprise
    upload = f"主体,期间,类别,品种,数量,单位\n{enterprise.name_zh},2023,燃料燃烧,焦炭,1000,吨\n"
    client.force_login(reporter)
    answer = client.post(
        "/submissions/",
        {
            "file": SimpleUploadedFile("=report.csv", upload.encode(), content_type="text/csv"),
            "enterprise": enterprise.pk,
            "factor_set": "GB/T 32150-2015",
            "grid_basis": "provincial",
        },
    )
    assert answer.status_code in (201, 302), answer.content[:500]
    submission = Submission.objects.get(file_name="=report.csv")
    ActivityRecord.objects.filter(submission=submission).update(subject=FORMULA)
    sheet = _sheet(client.get(f"/submissions/{submission.pk}/export.xlsx"))
    subject = sheet.cell(row=2, column=2)
    assert subject.value == "'" + FORMULA and subject.data_type != "f"
    amount = sheet.cell(row=2, column=6)
    assert amount.value == 1000 and amount.data_type == "n"
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)
    listed = _sheet(client.get("/submissions/", {"format": "xlsx"}))
    names = [row[1].value for row in listed.iter_rows(min_row=2)]
    assert "'=report.csv" in names  # the file name, as text


# --- production logging --------------------------------------------------------------------


def test_a_server_error_logs_its_traceback_in_production(client, settings, db):
    """With DEBUG off (the production settings the tests run with), a view that fails answers
    500 and its traceback reaches stderr through the configured console handler."""
    import io
    import logging

    from django.test import Client
    from django.urls import path

    def broken(request):
        raise RuntimeError("boom in a view")

    assert settings.DEBUG is False

    class BrokenUrls:  # a URLconf needs only ``urlpatterns`` (and to be hashable: cached)
        urlpatterns = (path("broken/", broken),)

    settings.ROOT_URLCONF = BrokenUrls
    # the configured handler (pytest adds capturing handlers of its own beside it)
    (console,) = [
        h for h in logging.getLogger("django.request").handlers if type(h) is logging.StreamHandler
    ]
    # a StreamHandler without a stream writes to stderr (pytest has replaced sys.stderr here)
    assert "stream" not in settings.LOGGING["handlers"]["console"]
    stream = io.StringIO()
    previous = console.setStream(stream)
    try:
        response = Client(raise_request_exception=False).get("/broken/")
    finally:
        console.setStream(previous)
    assert response.status_code == 500
    logged = stream.getvalue()
    assert "ERROR django.request" in logged and "Internal Server Error: /broken/" in logged
    assert (
        "Traceback (most recent call last)" in logged and "RuntimeError: boom in a view" in logged
    )
    assert console in logging.getLogger("django.server").handlers


# --- no server paths in messages -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("/tmp/tmpab12cd/上报.csv: row 3: bad", "上报.csv: row 3: bad"),
        ("C:\\Users\\svc\\AppData\\x.xlsx row 2", "x.xlsx row 2"),
        ("(/srv/carbonctl/var/a.csv)", "(a.csv)"),
        ("see http://example.com/a/b", "see http://example.com/a/b"),
        ("强度 t/万元, 10^4 t/10^4 yuan", "强度 t/万元, 10^4 t/10^4 yuan"),
    ],
)
def test_messages_lose_server_paths_but_keep_urls_and_units(text, shown):
    from carbonctl.web.forms import without_paths

    assert without_paths(text) == shown


def test_an_error_of_the_workbench_shows_no_server_path(client, data, monkeypatch):
    from carbonctl.errors import RefdataError
    from carbonctl.web.targets import services

    installed = "/opt/venv/lib/python3.11/site-packages/carbonctl/refdata/data/gdp.csv"

    def broken(*args, **kwargs):
        raise RefdataError(f"{installed}: missing columns ['gdp']")

    monkeypatch.setattr(services, "workbench", broken)
    monkeypatch.setattr(services, "city_years", lambda dataset: [2020, 2025])
    client.force_login(data["admin"])
    page = client.get("/targets/allocation/").content.decode()
    api = client.get("/api/v1/targets/allocation").json()["detail"]
    for shown in (page, api):
        assert "gdp.csv: missing columns" in shown and "/opt/venv" not in shown


def test_a_refused_action_quotes_the_input_as_text_not_html(client, data):
    client.force_login(data["admin"])
    url = f"/targets/{data['ids']['target']}/decompose/"
    response = client.post(url, {"method": "<script>alert(1)</script>"})
    assert response.status_code == 422
    assert response["Content-Type"].startswith("text/plain")
