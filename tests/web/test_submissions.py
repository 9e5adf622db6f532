"""The submission workflow: upload → validated → pending → approved or rejected; corrections as
new versions; all-or-nothing imports; row errors in the page and the API; every step audited."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from carbonctl.web.accounts.models import Role
from carbonctl.web.accounts.tokens import issue_token
from carbonctl.web.audit.models import AuditEntry
from carbonctl.web.submissions.models import (
    ActivityRecord,
    FrozenError,
    Submission,
)

pytestmark = pytest.mark.django_db

HEADER = "主体,期间,类别,品种,数量,单位\n"
GOOD = (
    HEADER
    + "示例太原钢铁,2023,燃料燃烧,焦炭,1000,吨\n示例太原钢铁,2023,购入电力,电力,100,万千瓦时\n"
)
BAD = HEADER + "示例太原钢铁,2023,燃料燃烧,焦炭,abc,吨\n示例太原钢铁,2023,燃料燃烧,天燃气,5,万Nm3\n"


def upload_file(text: str, name: str = "report.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def post_upload(client, enterprise, text, **extra):
    data = {
        "file": upload_file(text),
        "enterprise": enterprise.pk,
        "factor_set": "GB/T 32150-2015",
        "grid_basis": "provincial",
        **extra,
    }
    return client.post("/submissions/", data)


def test_upload_accounts_rows_and_waits_for_review(client, province):
    client.force_login(province["users"][Role.ENTERPRISE_REPORTER])
    response = post_upload(client, province["taiyuan"], GOOD)
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert (submission.status, submission.version, submission.rows) == ("pending", 1, 2)
    # 1000 t coke x 2.860419 + 1000 MWh x 0.6634 (Shanxi 2023)
    assert submission.total_tco2 == pytest.approx(2860.419 + 663.4, abs=1e-3)
    results = submission.activities.all()
    assert {r.factor_id for r in results} == {"fuel:coke", "shanxi_2023"}
    assert AuditEntry.objects.filter(action="create", object_type="submissions.Submission").exists()
    page = client.get(f"/submissions/{submission.pk}/")
    assert "焦炭" in page.content.decode() and "二手来源" in page.content.decode()  # in words


def test_a_bad_upload_shows_row_errors_and_writes_nothing(client, province):
    client.force_login(province["users"][Role.ENTERPRISE_REPORTER])
    response = post_upload(client, province["taiyuan"], BAD)
    assert response.status_code == 422
    html = response.content.decode()
    assert "report.csv" in html and "amount" in html and "天然气" in html
    assert Submission.objects.count() == 0
    assert ActivityRecord.objects.count() == 0


def test_a_failure_while_storing_rolls_everything_back(client, province, monkeypatch):
    from carbonctl.web.submissions import staging

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(staging, "_insert", broken)
    client.force_login(province["users"][Role.ENTERPRISE_REPORTER])
    with pytest.raises(RuntimeError):
        post_upload(client, province["taiyuan"], GOOD)
    assert Submission.objects.count() == 0
    assert ActivityRecord.objects.count() == 0
    assert not AuditEntry.objects.filter(object_type="submissions.Submission").exists()


def test_review_and_correction_keep_both_versions(client, province):
    users = province["users"]
    client.force_login(users[Role.ENTERPRISE_REPORTER])
    post_upload(client, province["taiyuan"], GOOD)
    first = Submission.objects.get()
    client.force_login(users[Role.REVIEWER])
    client.post(f"/submissions/{first.pk}/review/", {"decision": "approve", "note": "ok"})
    first.refresh_from_db()
    assert first.status == "approved"

    client.force_login(users[Role.ENTERPRISE_REPORTER])
    corrected = GOOD.replace("1000,吨", "900,吨")
    post_upload(client, province["taiyuan"], corrected, supersedes=first.pk)
    second = Submission.objects.exclude(pk=first.pk).get()
    assert (second.version, second.supersedes_id, second.status) == (2, first.pk, "pending")
    first.refresh_from_db()
    assert first.status == "approved"  # still in force until the correction is approved

    client.force_login(users[Role.REVIEWER])
    client.post(f"/submissions/{second.pk}/review/", {"decision": "approve"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("superseded", "approved")
    assert ActivityRecord.objects.filter(submission=first).count() == 2  # old rows kept
    actions = list(
        AuditEntry.objects.filter(object_type="submissions.Submission")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "approve", "create", "approve", "supersede"]
    supersede = AuditEntry.objects.get(action="supersede")
    assert (supersede.before["status"], supersede.after["status"]) == ("approved", "superseded")


def test_approved_rows_are_never_edited_in_place(client, province):
    client.force_login(province["users"][Role.ENTERPRISE_REPORTER])
    post_upload(client, province["taiyuan"], GOOD)
    row = ActivityRecord.objects.first()
    row.amount = 1.0
    with pytest.raises(FrozenError):
        row.save()
    with pytest.raises(FrozenError):
        row.delete()


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.REVIEWER, True),
        (Role.PROVINCE_ADMIN, True),
        (Role.CITY_OFFICIAL, False),
        (Role.ENTERPRISE_REPORTER, False),
        (Role.PROVINCE_ANALYST, False),
    ],
)
def test_only_reviewers_decide(client, province, role, allowed):
    client.force_login(province["users"][Role.COUNTY_OFFICIAL])
    post_upload(client, province["taiyuan"], GOOD)
    submission = Submission.objects.get()
    client.force_login(province["users"][role])
    response = client.post(f"/submissions/{submission.pk}/review/", {"decision": "approve"})
    submission.refresh_from_db()
    assert (submission.status == "approved") is allowed
    if not allowed:
        assert response.status_code in (403, 404)


def test_nobody_reviews_their_own_submission(client, province):
    admin = province["users"][Role.PROVINCE_ADMIN]
    client.force_login(admin)
    post_upload(client, province["taiyuan"], GOOD)
    submission = Submission.objects.get()
    assert (
        client.post(f"/submissions/{submission.pk}/review/", {"decision": "approve"}).status_code
        == 403
    )
    submission.refresh_from_db()
    assert submission.status == "pending"


def test_submitting_for_someone_elses_enterprise_is_refused(client, province):
    client.force_login(province["users"][Role.ENTERPRISE_REPORTER])
    response = post_upload(client, province["datong"], GOOD)
    assert response.status_code == 422  # the form does not offer that enterprise
    assert Submission.objects.count() == 0


def test_other_cities_cannot_open_a_submission(client, province):
    client.force_login(province["users"][Role.CITY_OFFICIAL])
    post_upload(client, province["taiyuan"], GOOD)
    submission = Submission.objects.get()
    client.force_login(province["users"][Role.ENTERPRISE_REPORTER])
    assert client.get(f"/submissions/{submission.pk}/").status_code == 200  # own enterprise
    client.force_login(province["users"][Role.PUBLIC])
    assert client.get(f"/submissions/{submission.pk}/").status_code == 404
    assert client.get(f"/api/v1/submissions/{submission.pk}").status_code == 404


def test_api_upload_with_a_token_and_its_row_errors(client, province):
    token = issue_token(province["users"][Role.ENTERPRISE_REPORTER])
    headers = {"Authorization": f"Bearer {token}"}
    bad = client.post(
        "/api/v1/submissions",
        {"file": upload_file(BAD), "enterprise": province["taiyuan"].pk},
        headers=headers,
    )
    assert bad.status_code == 422
    errors = bad.json()["errors"]
    assert {(e["row"], e["column"]) for e in errors} == {(2, "amount"), (3, "item")}
    good = client.post(
        "/api/v1/submissions",
        {"file": upload_file(GOOD), "enterprise": province["taiyuan"].pk},
        headers=headers,
    )
    assert good.status_code == 201
    body = good.json()
    assert (body["status"], body["rows"], body["factor_set"]) == ("pending", 2, "GB/T 32150-2015")
    status = client.get(f"/api/v1/submissions/{body['id']}", headers=headers)
    assert status.json()["status"] == "pending"
    assert (
        client.get("/api/v1/submissions", headers={"Authorization": "Bearer wrong"}).status_code
        == 401
    )
    schema = client.get("/api/v1/openapi.json").json()
    responses = schema["paths"]["/api/v1/submissions"]["post"]["responses"]
    assert {"201", "401", "403", "422"} <= set(responses)


def test_excel_export_of_a_submission(client, province):
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(province["users"][Role.ENTERPRISE_REPORTER])
    post_upload(client, province["taiyuan"], GOOD)
    submission = Submission.objects.get()
    response = client.get(f"/submissions/{submission.pk}/export.xlsx")
    assert response.streaming  # written to a temporary file and streamed, not built in memory
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    response.close()
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "行号 row" and len(rows) == 3
    assert rows[1][12] == "焦炭"  # the factor by its fuel's name


def test_lists_export_to_excel_and_the_enterprise_page_lists_its_submissions(client, province):
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(province["users"][Role.ENTERPRISE_REPORTER])
    post_upload(client, province["taiyuan"], GOOD)
    export = client.get("/submissions/", {"format": "xlsx"})
    rows = list(load_workbook(BytesIO(export.content)).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][6] == "待审核"  # the status in words, after the credit code
    page = client.get(f"/enterprises/{province['taiyuan'].pk}/")
    assert "report.csv" in page.content.decode()
    regions = client.get("/regions/", {"format": "xlsx"})
    assert len(list(load_workbook(BytesIO(regions.content)).active.iter_rows())) == 130
