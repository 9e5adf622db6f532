"""The footprint app (issue 19, item 6): studies are seen only in scope (a reporter its own
enterprise's, an official its region's, a verifier those assigned to it), a third-party
verification is assigned, given by the assigned verifier only and cleared by a recomputation, a
new study from a foreground model is
all or nothing with located errors and audited, the PACT download validates, and a background
upload makes a new version that keeps the UNCONFIRMED flags visible."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import pytest

from carbonctl.enterprises.uscc import check_character
from carbonctl.footprint.background import starter_background
from carbonctl.web.accounts.models import Role
from carbonctl.web.accounts.services import create_user
from carbonctl.web.audit.models import AuditEntry
from carbonctl.web.enterprises.models import Enterprise
from carbonctl.web.footprint import services
from carbonctl.web.footprint.models import BackgroundVersion, FootprintStudy

from .conftest import PASSWORD, kept_for_the_module

pytestmark = pytest.mark.django_db

#: A small background: grid electricity and a material whose figure is a recalled value.
PROCESSES = [
    {"id": "elec:140000:2024", "name": "山西电网电力", "unit": "kWh", "location": "CN-SX",
     "category": "electricity", "source": "生态环境部 2024 年电网排放因子", "status": "CONFIRMED",
     "version": "t1"},
    {"id": "mat:limestone", "name": "石灰石", "unit": "t", "location": "CN",
     "category": "material", "source": "CPCD 回忆值", "status": "UNCONFIRMED (recalled)",
     "version": "t1"},
]  # fmt: skip
EXCHANGES = [
    {"consumer": "elec:140000:2024", "input": "CO2", "amount": 0.5, "unit": "kg",
     "type": "biosphere"},
    {"consumer": "mat:limestone", "input": "CO2", "amount": 8.0, "unit": "kg",
     "type": "biosphere"},
]  # fmt: skip


def _enterprise(name: str, county: str, serial: str, key="水泥 cement") -> Enterprise:
    first17 = f"91{county}{serial}"
    return Enterprise.objects.create(
        credit_code=first17 + check_character(first17),
        name_zh=name,
        county_id=county,
        sector="Nonmetal Mineral Products",
        key_industry=key,
    )


def _study(enterprise, background, product="水泥", score=600.0, grade="二级") -> FootprintStudy:
    return FootprintStudy.objects.create(
        enterprise=enterprise,
        product=product,
        cpc_code="37440",
        cn_code="25232900",
        industry="cement",
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31),
        output_amount=1e6,
        background=background,
        result={
            "unit": "kgCO2e",
            "score": score,
            "by_gas": {"CO2": score},
            "by_stage": {"production": score},
            "top_processes": [
                {"id": "mat:limestone", "name": "石灰石", "stage": "raw_materials",
                 "category": "material", "kg": score, "share": 1.0, "source": "CPCD 回忆值",
                 "status": "UNCONFIRMED (recalled)"}
            ],
            "unconfirmed": 1,
        },
        score=score,
        grade=grade,
        grade_detail={"grade": grade, "basis": "ratio", "reference": 700.0, "ratio": score / 700,
                      "reference_source": "测试参考值", "reference_status": "UNCONFIRMED (test)"},
    )  # fmt: skip


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Three cement plants (小店区 and 清徐县 of Taiyuan, and Datong), a user per role (the
    reporter at 小店区's plant), a background version and one study per plant."""
    with kept_for_the_module(django_db_blocker):
        xiaodian = _enterprise("示例小店水泥", "140105", "MA00000F1")
        qingxu = _enterprise("示例清徐水泥", "140121", "MA00000F2")
        datong = _enterprise("示例大同水泥", "140212", "MA00000F3")
        users = {
            Role.PROVINCE_ADMIN: create_user("admin", PASSWORD, Role.PROVINCE_ADMIN),
            Role.PROVINCE_ANALYST: create_user("analyst", PASSWORD, Role.PROVINCE_ANALYST),
            Role.REVIEWER: create_user("reviewer", PASSWORD, Role.REVIEWER),
            Role.CITY_OFFICIAL: create_user(
                "taiyuan", PASSWORD, Role.CITY_OFFICIAL, region="140100"
            ),
            Role.COUNTY_OFFICIAL: create_user(
                "xiaodian", PASSWORD, Role.COUNTY_OFFICIAL, region="140105"
            ),
            Role.ENTERPRISE_REPORTER: create_user(
                "reporter", PASSWORD, Role.ENTERPRISE_REPORTER, enterprise_code=xiaodian.credit_code
            ),
            Role.PUBLIC: create_user("citizen", PASSWORD, Role.PUBLIC),
            Role.VERIFIER: create_user("verifier", PASSWORD, Role.VERIFIER),
        }
        background = BackgroundVersion.objects.create(
            version="t1",
            processes=PROCESSES,
            exchanges=EXCHANGES,
            unit_scores={"elec:140000:2024": 0.5, "mat:limestone": 8.0},
        )
        starter = services.save_background(
            users[Role.PROVINCE_ADMIN], starter_background(), version="starter-test"
        )
        studies = {
            "xiaodian": _study(xiaodian, background, score=600.0, grade="二级"),
            "qingxu": _study(qingxu, background, score=800.0, grade="未达标"),
            "datong": _study(datong, background, score=500.0, grade="一级"),
        }
        yield {
            "users": users,
            "background": background,
            "starter": starter,
            "studies": studies,
            "enterprises": {"xiaodian": xiaodian, "qingxu": qingxu, "datong": datong},
        }


@pytest.fixture
def w(world, db):
    return world


def _login(client, w, role):
    client.force_login(w["users"][role])


# --- scope --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "visible"),
    [
        (Role.PROVINCE_ADMIN, {"xiaodian", "qingxu", "datong"}),
        (Role.REVIEWER, {"xiaodian", "qingxu", "datong"}),
        (Role.CITY_OFFICIAL, {"xiaodian", "qingxu"}),
        (Role.COUNTY_OFFICIAL, {"xiaodian"}),
        (Role.ENTERPRISE_REPORTER, {"xiaodian"}),
    ],
    ids=lambda value: "-".join(sorted(value)) if isinstance(value, set) else str(value),
)
def test_each_role_sees_the_studies_of_its_scope_only(client, w, role, visible):
    _login(client, w, role)
    response = client.get("/footprint/")
    assert response.status_code == 200
    page = response.content.decode()
    for key, study in w["studies"].items():
        assert (f'href="/footprint/{study.pk}/"' in page) is (key in visible), key
        status = client.get(f"/footprint/{study.pk}/").status_code
        assert status == (200 if key in visible else 404), key
    api = client.get("/api/v1/footprint/studies").json()
    assert {s["id"] for s in api["studies"]} == {w["studies"][k].pk for k in visible}
    assert api["count"] == len(visible)


def test_a_reporter_asking_for_another_enterprise_s_study_gets_404_and_a_denial(client, w):
    _login(client, w, Role.ENTERPRISE_REPORTER)
    other = w["studies"]["datong"]
    before = AuditEntry.objects.filter(action=AuditEntry.Action.DENY).count()
    assert client.get(f"/footprint/{other.pk}/").status_code == 404
    assert client.get(f"/footprint/{other.pk}/pact.json").status_code == 404
    assert client.get(f"/footprint/{other.pk}/report.xlsx").status_code == 404
    assert client.get(f"/api/v1/footprint/studies/{other.pk}/pact").status_code == 404
    assert AuditEntry.objects.filter(action=AuditEntry.Action.DENY).count() >= before + 4


def test_the_public_has_no_footprint_pages(client, w):
    _login(client, w, Role.PUBLIC)
    own = w["studies"]["xiaodian"]
    for url in ("/footprint/", f"/footprint/{own.pk}/", "/footprint/background/",
                "/footprint/grades/", "/footprint/new/", "/api/v1/footprint/studies"):  # fmt: skip
        assert client.get(url).status_code == 404, url
    assert "/footprint/" not in client.get("/").content.decode()


def test_a_verifier_sees_only_the_studies_assigned_to_it(client, w):
    _login(client, w, Role.VERIFIER)
    assert client.get("/footprint/").status_code == 200
    assert client.get("/api/v1/footprint/studies").json()["count"] == 0
    own = w["studies"]["xiaodian"]
    denials = AuditEntry.objects.filter(action=AuditEntry.Action.DENY).count()
    for url in (f"/footprint/{own.pk}/", f"/footprint/{own.pk}/pact.json", "/footprint/new/"):
        assert client.get(url).status_code == 404, url
    assert AuditEntry.objects.filter(action=AuditEntry.Action.DENY).count() >= denials + 3


def test_only_the_province_administrator_may_add_to_the_background(client, w):
    for role in (Role.PROVINCE_ANALYST, Role.ENTERPRISE_REPORTER, Role.CITY_OFFICIAL):
        _login(client, w, role)
        assert client.get("/footprint/background/upload/").status_code == 404
        assert "upload-link" not in client.get("/footprint/background/").content.decode()
    _login(client, w, Role.PROVINCE_ADMIN)
    assert client.get("/footprint/background/upload/").status_code == 200


def test_officials_may_not_start_a_study(client, w):
    _login(client, w, Role.CITY_OFFICIAL)
    assert client.get("/footprint/new/").status_code == 404
    own = w["studies"]["xiaodian"]
    assert client.get(f"/footprint/{own.pk}/suppliers/").status_code == 404


# --- pages --------------------------------------------------------------------------------------


def test_the_background_page_highlights_unconfirmed_processes_and_searches(client, w):
    _login(client, w, Role.CITY_OFFICIAL)
    t1 = {"version": w["background"].pk}
    page = client.get("/footprint/background/", t1).content.decode()
    assert 'class="status-unconfirmed" data-id="mat:limestone"' in page
    assert 'data-id="elec:140000:2024"' in page
    found = client.get("/footprint/background/", {**t1, "q": "石灰"}).content.decode()
    assert 'data-id="mat:limestone"' in found and 'data-id="elec:140000:2024"' not in found
    by_category = client.get("/footprint/background/", {**t1, "category": "electricity"}).content
    assert b'data-id="mat:limestone"' not in by_category
    assert client.get("/footprint/background/", {"version": 999999}).status_code == 404


def test_a_background_version_exports_as_a_zip_of_two_tables(client, w):
    _login(client, w, Role.ENTERPRISE_REPORTER)
    response = client.get(f"/footprint/background/{w['background'].pk}.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = sorted(archive.namelist())
    assert names == ["t1/exchanges.csv", "t1/processes.csv"]
    processes = archive.read("t1/processes.csv").decode()
    assert "UNCONFIRMED (recalled)" in processes and "mat:limestone" in processes


def test_the_grades_page_counts_grades_of_the_studies_in_scope(client, w):
    _login(client, w, Role.CITY_OFFICIAL)
    page = client.get("/footprint/grades/").content.decode()
    assert "水泥" in page
    table = page.split('id="grades-by-product"')[1].split("</table>")[0]
    # Taiyuan's two studies: one 二级, one 未达标 (Datong's 一级 is outside the city)
    assert '<td class="number">2</td>' in table
    assert "status-unconfirmed" in table


def test_the_study_page_shows_the_result_grade_basis_and_downloads(client, w):
    _login(client, w, Role.ENTERPRISE_REPORTER)
    study = w["studies"]["xiaodian"]
    page = client.get(f"/footprint/{study.pk}/").content.decode()
    assert 'id="top-chart"' in page and "footprint/study.js" in page
    assert "测试参考值" in page and "status-unconfirmed" in page
    assert f"/footprint/{study.pk}/pact.json" in page
    assert f"/footprint/{study.pk}/cbam.xlsx" in page  # cement is a CBAM good


def test_the_enterprise_page_lists_its_studies(client, w):
    _login(client, w, Role.ENTERPRISE_REPORTER)
    enterprise = w["enterprises"]["xiaodian"]
    page = client.get(f"/enterprises/{enterprise.pk}/").content.decode()
    assert 'id="footprint-studies"' in page
    assert f"/footprint/{w['studies']['xiaodian'].pk}/" in page


def test_the_list_exports_the_studies_in_scope_to_excel(client, w):
    from openpyxl import load_workbook

    _login(client, w, Role.CITY_OFFICIAL)
    response = client.get("/footprint/", {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == ["示例小店水泥", "示例清徐水泥"]


def test_a_pact_upload_that_is_not_json_is_refused_with_its_reason(client, w):
    from django.core.files.uploadedfile import SimpleUploadedFile

    _login(client, w, Role.ENTERPRISE_REPORTER)
    study = w["studies"]["xiaodian"]
    response = client.post(
        f"/footprint/{study.pk}/suppliers/",
        {"file": SimpleUploadedFile("supplier.json", b"{not json", "application/json")},
    )
    assert response.status_code == 422
    assert "not JSON" in response.content.decode()
    assert not study.suppliers.exists()


def test_the_api_pages_the_studies(client, w):
    _login(client, w, Role.PROVINCE_ADMIN)
    body = client.get("/api/v1/footprint/studies", {"page": 2}).json()
    assert body["count"] == 3 and body["studies"] == [] and body["pages"] == 1
    assert client.get("/api/v1/footprint/studies", {"page": 0}).status_code == 422
    first = client.get("/api/v1/footprint/studies").json()["studies"][0]
    assert json.dumps(first, ensure_ascii=False).count("kgco2e") == 1


# --- computing on the starter background ---------------------------------------------------------

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "footprint"


def _study_form(w, model: bytes, name="model_cement.csv", **changes) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {
        "enterprise": w["enterprises"]["xiaodian"].pk,
        "product": "水泥",
        "cpc_code": "37440",
        "cn_code": "2523 29 00",
        "industry": "cement",
        "declared_unit": "t",
        "boundary": "cradle-to-gate",
        "allocation": "mass",
        "method": "AR6",
        "period_start": "2025-01-01",
        "period_end": "2025-12-31",
        "output_amount": "2000000",
        "file": SimpleUploadedFile(name, model, "text/csv"),
        **changes,
    }


@pytest.fixture
def computed(client, w):
    """The reporter's cement study computed from the example model (rolled back after a test)."""
    _login(client, w, Role.ENTERPRISE_REPORTER)
    model = (EXAMPLES / "model_cement.csv").read_bytes()
    response = client.post("/footprint/new/", _study_form(w, model))
    assert response.status_code == 302, response.content.decode()[:2000]
    return FootprintStudy.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))


def test_a_study_computed_from_an_uploaded_model_is_stored_graded_and_audited(client, w, computed):
    assert computed.background == w["starter"]
    assert 500 < computed.score < 1000  # kgCO2e per t of cement, cradle to gate
    assert computed.grade in {"一级", "二级", "三级", "未达标"}
    assert computed.grade_detail["reference_kind"] == "cited_average"
    entry = AuditEntry.objects.get(
        action=AuditEntry.Action.CREATE,
        object_type="footprint.FootprintStudy",
        object_id=str(computed.pk),
    )
    assert entry.username == "reporter" and entry.after["product"] == "水泥"
    page = client.get(f"/footprint/{computed.pk}/").content.decode()
    assert 'id="top-processes"' in page and "GNR" in page  # the cited reference's source
    assert f"/footprint/{computed.pk}/cbam.xlsx" in page


def test_an_upload_with_an_unknown_item_is_refused_whole_with_its_row(client, w):
    _login(client, w, Role.ENTERPRISE_REPORTER)
    lines = (EXAMPLES / "model_cement.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    row = lines[5].split(",")  # spreadsheet row 6: 生料制备 uses 黏土 (clay)
    row[header.index("item")] = "不存在的原料"
    lines[5] = ",".join(row)
    before = (FootprintStudy.objects.count(), AuditEntry.objects.count())
    response = client.post("/footprint/new/", _study_form(w, "\n".join(lines).encode()))
    assert response.status_code == 422
    page = response.content.decode()
    assert 'id="errors"' in page and "不存在的原料" in page
    assert "row 6, column &#x27;item&#x27;" in page
    assert (FootprintStudy.objects.count(), AuditEntry.objects.count()) == before


def test_the_tier_shares_are_stored_when_they_add_up_to_100(client, w):
    _login(client, w, Role.ENTERPRISE_REPORTER)
    model = (EXAMPLES / "model_cement.csv").read_bytes()
    shares = {"tier_metered_calibrated": "60", "tier_metered": "30", "tier_estimated": "5"}
    before = FootprintStudy.objects.count()
    response = client.post("/footprint/new/", _study_form(w, model, **shares))
    assert response.status_code == 422 and "95" in response.content.decode()
    assert FootprintStudy.objects.count() == before
    response = client.post(
        "/footprint/new/", _study_form(w, model, **{**shares, "tier_estimated": "10"})
    )
    assert response.status_code == 302
    study = FootprintStudy.objects.latest("pk")
    assert study.tiers == pytest.approx(
        {"metered_calibrated": 0.6, "metered": 0.3, "estimated": 0.1}
    )
    page = client.get(f"/footprint/{study.pk}/").content.decode()
    assert 'id="tiers"' in page and "60%" in page


def test_a_reporter_may_not_compute_for_another_enterprise(client, w):
    _login(client, w, Role.ENTERPRISE_REPORTER)
    model = (EXAMPLES / "model_cement.csv").read_bytes()
    other = w["enterprises"]["datong"].pk
    response = client.post("/footprint/new/", _study_form(w, model, enterprise=other))
    assert response.status_code == 422  # not among the choices the form offers
    assert not FootprintStudy.objects.filter(enterprise_id=other, background=w["starter"]).exists()


def test_the_pact_download_validates_against_the_official_schema(client, w, computed):
    from carbonctl.footprint.pact import validate_pact

    response = client.get(f"/footprint/{computed.pk}/pact.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    validate_pact(document)  # raises on any violation
    assert document["id"] == str(computed.pact_id)
    assert document["productCategoryCpc"] == "37440"
    assert float(document["pcf"]["pCfExcludingBiogenic"]) == pytest.approx(
        computed.score / 1000, rel=1e-9
    )  # per kilogram, the PACT declared unit of a mass
    api = client.get(f"/api/v1/footprint/studies/{computed.pk}/pact").json()
    assert api["id"] == document["id"]


def test_a_supplier_s_pact_footprint_is_imported_and_the_study_recomputed(client, w, computed):
    from django.core.files.uploadedfile import SimpleUploadedFile

    document = services.pact_document(computed)  # a "supplier" footprint: the cement itself
    document["productNameCompany"] = "供应商水泥"
    response = client.post(
        f"/footprint/{computed.pk}/suppliers/",
        {"file": SimpleUploadedFile("supplier.json", json.dumps(document).encode(), "text/json")},
    )
    assert response.status_code == 302
    supplier = computed.suppliers.get()
    assert supplier.pcf == pytest.approx(computed.score / 1000) and supplier.product == "供应商水泥"
    created = AuditEntry.objects.filter(action=AuditEntry.Action.CREATE)
    assert created.filter(object_type="footprint.SupplierFootprint").count() == 1
    updated = AuditEntry.objects.filter(action=AuditEntry.Action.UPDATE)
    assert updated.filter(object_type="footprint.FootprintStudy").count() == 1
    broken = {**document, "pcf": {**document["pcf"], "declaredUnit": "bucket"}}
    response = client.post(
        f"/footprint/{computed.pk}/suppliers/",
        {"file": SimpleUploadedFile("bad.json", json.dumps(broken).encode(), "text/json")},
    )
    assert response.status_code == 422 and "declaredUnit" in response.content.decode()


# --- third-party verification -------------------------------------------------------------------


def _opinion(**changes) -> dict:
    return {
        "outcome": "passed",
        "level": "limited",
        "standard": "ISO 14067:2018; GB/T 24067-2024",
        "statement": "数据与计量记录一致，核算符合 GB/T 24067-2024。",
        **changes,
    }


def test_a_study_is_assigned_verified_and_its_pact_carries_the_assurance(client, w, computed):
    from carbonctl.footprint.pact import validate_pact

    verifier = w["users"][Role.VERIFIER]
    other = create_user("verifier2", PASSWORD, Role.VERIFIER)
    # the reporter assigns the verification body; audited, before and after
    response = client.post(f"/footprint/{computed.pk}/verifier/", {"verifier": verifier.pk})
    assert response.status_code == 302
    assign = AuditEntry.objects.filter(object_type="footprint.FootprintStudy").latest("pk")
    assert assign.before["verifier"] == "" and assign.after["verifier"] == "verifier"
    # the reporter may not give the opinion; another verifier does not see the study
    denials = AuditEntry.objects.filter(action=AuditEntry.Action.DENY).count()
    assert client.post(f"/footprint/{computed.pk}/verify/", _opinion()).status_code == 404
    client.force_login(other)
    assert client.get(f"/footprint/{computed.pk}/").status_code == 404
    assert client.post(f"/footprint/{computed.pk}/verify/", _opinion()).status_code == 404
    assert AuditEntry.objects.filter(action=AuditEntry.Action.DENY).count() == denials + 3
    # the assigned verifier sees it, may not reassign it, and a blank statement is refused
    client.force_login(verifier)
    page = client.get(f"/footprint/{computed.pk}/").content.decode()
    assert 'id="opinion-form"' in page and 'id="verifier-form"' not in page
    assert client.get("/api/v1/footprint/studies").json()["count"] == 1
    assert (
        client.post(f"/footprint/{computed.pk}/verifier/", {"verifier": other.pk}).status_code
        == 404
    )
    refused = client.post(f"/footprint/{computed.pk}/verify/", _opinion(statement=" "))
    assert refused.status_code == 422 and 'id="verification-errors"' in refused.content.decode()
    assert not FootprintStudy.objects.get(pk=computed.pk).verification_outcome
    # the opinion: verified, audited, and the PACT export carries the assurance
    response = client.post(f"/footprint/{computed.pk}/verify/", _opinion(level="reasonable"))
    assert response.status_code == 302
    study = FootprintStudy.objects.get(pk=computed.pk)
    assert study.verified and study.verification_outcome == "passed" and study.verified_at
    entry = AuditEntry.objects.filter(object_type="footprint.FootprintStudy").latest("pk")
    assert entry.user == verifier and entry.before["verified"] is False
    assert entry.after["verified"] is True and entry.after["assurance_level"] == "reasonable"
    document = json.loads(client.get(f"/footprint/{computed.pk}/pact.json").content)
    validate_pact(document)
    assurance = document["pcf"]["assurance"]
    assert (assurance["providerName"], assurance["level"]) == ("verifier", "reasonable")
    assert assurance["boundary"] == "Cradle-to-Gate"
    # a verified study keeps its verifier: the reporter may not reassign it
    _login(client, w, Role.ENTERPRISE_REPORTER)
    assert 'id="verifier-form"' not in client.get(f"/footprint/{computed.pk}/").content.decode()
    response = client.post(f"/footprint/{computed.pk}/verifier/", {"verifier": other.pk})
    assert response.status_code == 422
    assert FootprintStudy.objects.get(pk=computed.pk).verifier == verifier


def test_a_recomputed_study_loses_its_verification(client, w, computed):
    from django.core.files.uploadedfile import SimpleUploadedFile

    verifier = w["users"][Role.VERIFIER]
    services.assign_verifier(w["users"][Role.ENTERPRISE_REPORTER], computed, verifier)
    opinion = services.Opinion(True, "limited", "ISO 14067", "符合要求")
    services.verify_study(verifier, computed, opinion)
    assert "assurance" in services.pact_document(computed)["pcf"]
    document = services.pact_document(computed)
    response = client.post(
        f"/footprint/{computed.pk}/suppliers/",
        {"file": SimpleUploadedFile("supplier.json", json.dumps(document).encode(), "text/json")},
    )
    assert response.status_code == 302
    study = FootprintStudy.objects.get(pk=computed.pk)
    assert not study.verified and not study.verification_outcome and study.verifier == verifier
    assert "assurance" not in services.pact_document(study)["pcf"]
    entry = AuditEntry.objects.filter(object_type="footprint.FootprintStudy").latest("pk")
    assert entry.before["verified"] is True and entry.after["verified"] is False


def test_only_a_user_with_the_verifier_role_may_be_assigned(client, w, computed):
    analyst = w["users"][Role.PROVINCE_ANALYST]
    response = client.post(f"/footprint/{computed.pk}/verifier/", {"verifier": analyst.pk})
    assert response.status_code == 422
    assert FootprintStudy.objects.get(pk=computed.pk).verifier is None
    _login(client, w, Role.CITY_OFFICIAL)  # sees the study, may not manage it
    assert client.post(f"/footprint/{computed.pk}/verifier/", {"verifier": 1}).status_code == 404


def test_the_report_downloads_as_excel_and_pdf(client, w, computed):
    from openpyxl import load_workbook

    xlsx = client.get(f"/footprint/{computed.pk}/report.xlsx")
    book = load_workbook(io.BytesIO(xlsx.content))
    report, cited = ([[c for c in r if c is not None] for r in s.values] for s in book.worksheets)
    assert "水泥" in " ".join(str(c) for row in report for c in row if c)
    assert ["目的和范围"] in report and ["系统边界", "从摇篮到大门"] in report
    assert cited[0] == ["表", "项目", "来源", "状态说明"]
    assert any("GNR" in str(r[2]) for r in cited)  # the cement reference's source, quoted
    pdf = client.get(f"/footprint/{computed.pk}/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    cbam = client.get(f"/footprint/{computed.pk}/cbam.xlsx")
    rows = list(load_workbook(io.BytesIO(cbam.content)).active.values)
    assert any(r[1] == "单位产品直接隐含排放" and r[2] > 0 for r in rows)


def test_a_background_upload_makes_a_new_version_that_keeps_unconfirmed_visible(client, w):
    from django.core.files.uploadedfile import SimpleUploadedFile

    folder = EXAMPLES / "association_2025"
    _login(client, w, Role.PROVINCE_ADMIN)

    def post(version, processes: bytes):
        return client.post(
            "/footprint/background/upload/",
            {
                "version": version,
                "note": "协会补充",
                "processes": SimpleUploadedFile("processes.csv", processes, "text/csv"),
                "exchanges": SimpleUploadedFile(
                    "exchanges.csv", (folder / "exchanges.csv").read_bytes(), "text/csv"
                ),
            },
        )

    good = (folder / "processes.csv").read_bytes()
    unstated = good.decode().replace(",UNCONFIRMED (association survey not verified)", ",")
    refused = post("assoc-bad", unstated.encode())
    assert refused.status_code == 422 and "status" in refused.content.decode()
    assert not BackgroundVersion.objects.filter(version="assoc-bad").exists()

    response = post("assoc-2025", good)
    assert response.status_code == 302
    made = BackgroundVersion.objects.get(version="assoc-2025")
    assert made.parent == w["starter"]
    assert {c["id"]: c["change"] for c in made.changes} == {
        "mat:cement": "replaced",
        "mat:coke_shanxi": "added",
    }
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.CREATE,
        object_type="footprint.BackgroundVersion",
        object_id=str(made.pk),
    )
    page = client.get(response["Location"]).content.decode()
    assert 'class="status-unconfirmed" data-id="mat:cement"' in page
    assert "UNCONFIRMED (association survey not verified)" in page
    assert post("assoc-2025", good).status_code == 422  # a version name is used once


def test_a_study_is_computed_again_on_a_newer_background_version(client, w, computed):
    verifier = w["users"][Role.VERIFIER]
    services.assign_verifier(w["users"][Role.ENTERPRISE_REPORTER], computed, verifier)
    services.verify_study(verifier, computed, services.Opinion(True, "limited", "ISO", "符合"))
    assert 'id="newer-background"' not in client.get(f"/footprint/{computed.pk}/").content.decode()
    newer = services.save_background(
        w["users"][Role.PROVINCE_ADMIN], starter_background(), version="starter-test-2"
    )
    page = client.get(f"/footprint/{computed.pk}/").content.decode()
    assert 'id="newer-background"' in page and "starter-test-2" in page
    _login(client, w, Role.CITY_OFFICIAL)  # sees the study, may not compute it
    assert 'id="update-background"' not in client.get(f"/footprint/{computed.pk}/").content.decode()
    assert client.post(f"/footprint/{computed.pk}/background/").status_code == 404
    _login(client, w, Role.ENTERPRISE_REPORTER)
    assert client.post(f"/footprint/{computed.pk}/background/").status_code == 302
    study = FootprintStudy.objects.get(pk=computed.pk)
    assert study.background == newer and study.pact_version == computed.pact_version + 1
    assert study.score == pytest.approx(computed.score, rel=1e-9)  # the same data, same figure
    assert not study.verified  # the opinion was on the old computation
    entry = AuditEntry.objects.filter(object_type="footprint.FootprintStudy").latest("pk")
    assert (entry.before["background"], entry.after["background"]) == (
        computed.background.version,
        "starter-test-2",
    )
