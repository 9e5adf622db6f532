"""Imports that scale: limits, file names, small files at once and large ones through a job and
the worker (202, polling, scoping), staging that nothing sees until it is published, cleanup of
failed, stopped and killed imports, paging, review fields, and rows inside the submitter's scope.

The worker runs in this process here (``run_worker(burst=True)``); the concurrency test with a
real server and worker process is in ``test_imports_concurrency.py``.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import socket
import zipfile
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from carbonctl.web.accounts.models import Role
from carbonctl.web.accounts.scope import submissions_for
from carbonctl.web.accounts.tokens import issue_token
from carbonctl.web.audit.models import AuditEntry
from carbonctl.web.submissions import jobs, services, staging
from carbonctl.web.submissions.models import (
    ActivityRecord,
    ImportJob,
    Submission,
)

pytestmark = pytest.mark.django_db

HEADER = "主体,期间,类别,品种,数量,单位,地区\n"


def csv_rows(n: int, region: str = "") -> str:
    return HEADER + "".join(
        f"示例太原钢铁,2023,燃料燃烧,焦炭,{i + 1},吨,{region}\n" for i in range(n)
    )


def upload(text: str, name: str = "report.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def api(client, user):
    return {"Authorization": f"Bearer {issue_token(user)}"}


def post_api(client, province, text, *, role=Role.ENTERPRISE_REPORTER, name="report.csv", **form):
    data = {"file": upload(text, name), **form}
    if "region" not in form:
        data.setdefault("enterprise", province["taiyuan"].pk)
    return client.post("/api/v1/submissions", data, headers=api(client, province["users"][role]))


@pytest.fixture
def small_sync(settings):
    """Files of more than 3 rows go to the worker."""
    settings.CARBONCTL_UPLOAD_SYNC_ROWS = 3
    return settings


# --- 202, the job, the worker --------------------------------------------------------------------


def test_a_large_upload_is_queued_polled_and_published_by_the_worker(client, province, small_sync):
    reporter = province["users"][Role.ENTERPRISE_REPORTER]
    response = post_api(client, province, csv_rows(5))
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued" and body["url"] == f"/api/v1/imports/{body['job']}"
    job = ImportJob.objects.get(pk=body["job"])
    stored = services.uploads_dir() / job.stored_name
    assert stored.is_file() and stored.suffix == ".csv" and "report" not in stored.name
    assert not Submission.objects.exists()  # nothing yet

    polled = client.get(body["url"], headers=api(client, reporter)).json()
    assert (polled["status"], polled["rows_done"], polled["submission"]) == ("queued", 0, None)

    assert jobs.run_worker(burst=True) == 1
    polled = client.get(body["url"], headers=api(client, reporter)).json()
    assert polled["status"] == "done" and polled["rows_done"] == 5 and polled["errors"] == []
    submission = Submission.objects.get(pk=polled["submission"])
    assert (submission.status, submission.rows, submission.file_name) == (
        "pending",
        5,
        "report.csv",
    )
    assert submission.total_tco2 == pytest.approx(15 * 2.860419, rel=1e-6)
    assert submission.activities.filter(factor_id="fuel:coke").count() == 5
    assert list(submission.activities.order_by("row_id").values_list("row_id", "amount")) == [
        (r, float(r - 1)) for r in range(2, 7)
    ]
    assert AuditEntry.objects.filter(action="create", object_id=str(submission.pk)).exists()
    assert not stored.exists()  # the stored upload is removed once imported


def test_the_job_is_seen_by_its_uploader_and_province_roles_only(client, province, small_sync):
    users = province["users"]
    job = post_api(client, province, csv_rows(5)).json()["job"]
    url = f"/api/v1/imports/{job}"
    for role in (Role.PROVINCE_ADMIN, Role.PROVINCE_ANALYST, Role.REVIEWER):
        assert client.get(url, headers=api(client, users[role])).status_code == 200
    missing = client.get(f"/api/v1/imports/{job + 1000}", headers=api(client, users[Role.PUBLIC]))
    for role in (Role.CITY_OFFICIAL, Role.COUNTY_OFFICIAL, Role.PUBLIC):
        denied = client.get(url, headers=api(client, users[role]))
        # the same answer as for a job that does not exist: ids cannot be probed
        assert denied.status_code == 404 and denied.json() == missing.json()
    denials = AuditEntry.objects.filter(action="deny", object_type="submissions.ImportJob")
    assert denials.count() == 3 and {d.object_id for d in denials} == {str(job)}
    assert (
        client.get("/api/v1/imports/999999", headers=api(client, users[Role.PUBLIC])).status_code
        == 404
    )
    client.force_login(users[Role.CITY_OFFICIAL])
    assert client.get(f"/submissions/imports/{job}/").status_code == 404


def test_the_upload_page_redirects_to_a_job_page_that_refreshes_until_done(
    client, province, small_sync
):
    client.force_login(province["users"][Role.ENTERPRISE_REPORTER])
    response = client.post(
        "/submissions/",
        {
            "file": upload(csv_rows(5)),
            "enterprise": province["taiyuan"].pk,
            "factor_set": "GB/T 32150-2015",
            "grid_basis": "provincial",
        },
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/submissions/imports/{job.pk}/"
    page = client.get(response["Location"])
    assert page.status_code == 200 and page["Refresh"] == "2"
    text = page.content.decode()
    assert "report.csv" in text and "<script>" not in text  # no inline script (CSP)
    assert "report.csv" in client.get("/submissions/").content.decode()  # listed as a job
    jobs.run_worker(burst=True)
    page = client.get(response["Location"])
    assert "Refresh" not in page
    submission = Submission.objects.get()
    assert f'href="/submissions/{submission.pk}/"' in page.content.decode()


def test_a_failed_import_reports_every_row_error_and_leaves_nothing(client, province, small_sync):
    bad = csv_rows(6).replace(",3,吨", ",abc,吨").replace(",6,吨", ",6,光年")
    job = post_api(client, province, bad).json()["job"]
    jobs.run_worker(burst=True)
    found = ImportJob.objects.get(pk=job)
    assert found.status == "failed" and found.submission_id is None
    assert {(e["row"], e["column"]) for e in found.errors} == {(4, "amount"), (7, "unit")}
    assert {e["file"] for e in found.errors} == {"report.csv"}
    assert not Submission.all_objects.exists() and not ActivityRecord.objects.exists()
    assert not (services.uploads_dir() / found.stored_name).exists()


def test_a_stopped_worker_discards_its_staged_rows_and_queues_the_job_again(
    client, province, small_sync
):
    small_sync.CARBONCTL_IMPORT_CHUNK_ROWS = 2
    job = ImportJob.objects.get(pk=post_api(client, province, csv_rows(6)).json()["job"])
    claimed = jobs.claim("test-worker")
    calls = iter([False, False, True])  # stop before the third chunk: two were staged
    assert jobs.run_job(claimed, should_stop=lambda: next(calls)) == "queued"
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.submission_id, job.worker) == ("queued", 0, None, "")
    assert not Submission.all_objects.exists() and not ActivityRecord.objects.exists()
    assert (services.uploads_dir() / job.stored_name).exists()  # kept for the next worker
    assert not multiprocessing.active_children()  # the reading process was stopped too
    jobs.run_worker(burst=True)
    job.refresh_from_db()
    assert job.status == "done" and job.submission.rows == 6


def test_a_reading_process_that_dies_fails_the_job_and_leaves_nothing(client, province, small_sync):
    small_sync.CARBONCTL_IMPORT_CHUNK_ROWS = 2
    job = ImportJob.objects.get(pk=post_api(client, province, csv_rows(40)).json()["job"])
    claimed = jobs.claim("test-worker")
    killed = []

    def kill_the_reader() -> bool:  # called by the writer before each chunk
        if not killed:
            (reader,) = multiprocessing.active_children()
            os.kill(reader.pid, signal.SIGKILL)
            killed.append(reader.pid)
        return False

    assert jobs.run_job(claimed, should_stop=kill_the_reader) == "failed"
    job.refresh_from_db()
    assert job.status == "failed" and "nothing was published" in job.message
    assert not Submission.all_objects.exists() and not ActivityRecord.objects.exists()
    assert not multiprocessing.active_children()


def test_row_errors_found_by_the_reading_process_reach_the_job_intact(client, province, small_sync):
    small_sync.CARBONCTL_IMPORT_CHUNK_ROWS = 2
    bad = csv_rows(9, region="140212")  # 大同 云州区: outside the reporter's 小店区
    job = post_api(client, province, bad).json()["job"]
    jobs.run_worker(burst=True)
    found = ImportJob.objects.get(pk=job)
    assert found.status == "failed"
    assert [(e["row"], e["column"], e["file"]) for e in found.errors] == [
        (row, "region", "report.csv") for row in range(2, 11)
    ]
    assert all("140105" in e["expected"] for e in found.errors)  # the scope, listed


def _staged(province, job: ImportJob) -> Submission:
    """Rows staged by a job as a worker does before it is killed."""
    submission = Submission.all_objects.create(
        status=Submission.Status.IMPORTING,
        region_id="140105",
        file_name=job.file_name,
        factor_set=services.factor_set(None),
        uploaded_by=job.created_by,
    )
    ImportJob.objects.filter(pk=job.pk).update(submission=submission)
    from carbonctl.accounting import account
    from carbonctl.io import read_activities

    path = services.uploads_dir() / job.stored_name
    table = read_activities(path)
    staging.write_rows(submission.pk, table, account(table).rows)
    return submission


@pytest.mark.parametrize("how", ["dead process on this host", "heartbeat too old"])
def test_a_killed_import_is_failed_and_cleaned_up_by_the_next_worker(
    client, province, small_sync, how
):
    from datetime import timedelta

    from django.utils import timezone

    job = ImportJob.objects.get(pk=post_api(client, province, csv_rows(5)).json()["job"])
    assert jobs.claim("killed") is not None
    staged = _staged(province, job)
    assert ActivityRecord.objects.filter(submission=staged).count() == 5
    assert not submissions_for(province["users"][Role.PROVINCE_ADMIN]).exists()  # invisible
    if how == "heartbeat too old":
        ImportJob.objects.filter(pk=job.pk).update(
            worker="elsewhere:1", heartbeat_at=timezone.now() - timedelta(hours=1)
        )
    else:
        ImportJob.objects.filter(pk=job.pk).update(worker=f"{socket.gethostname()}:999999999")
    assert jobs.run_worker(burst=True) == 0  # recovers on start; nothing queued
    job.refresh_from_db()
    assert job.status == "failed" and "nothing was published" in job.message
    assert not Submission.all_objects.exists()
    assert not ActivityRecord.objects.exists()
    assert not (services.uploads_dir() / job.stored_name).exists()


def test_a_live_job_is_left_alone_by_recovery(client, province, small_sync):
    job = ImportJob.objects.get(pk=post_api(client, province, csv_rows(5)).json()["job"])
    jobs.claim(f"{socket.gethostname()}:{__import__('os').getpid()}")  # this process: alive
    assert jobs.recover("another") == 0
    job.refresh_from_db()
    assert job.status == "running"


def test_staged_submissions_are_invisible_everywhere(client, province):
    admin = province["users"][Role.PROVINCE_ADMIN]
    staged = Submission.all_objects.create(
        status=Submission.Status.IMPORTING,
        region_id="140105",
        enterprise=province["taiyuan"],
        file_name="staged.csv",
        factor_set=services.factor_set(None),
        uploaded_by=province["users"][Role.ENTERPRISE_REPORTER],
    )
    assert not submissions_for(admin).exists() and not Submission.objects.exists()
    client.force_login(admin)
    assert client.get(f"/submissions/{staged.pk}/").status_code == 404
    assert "staged.csv" not in client.get("/submissions/").content.decode()
    assert (
        "staged.csv" not in client.get(f"/enterprises/{province['taiyuan'].pk}/").content.decode()
    )
    assert client.get("/api/v1/submissions", headers=api(client, admin)).json() == []


# --- limits, file names ---------------------------------------------------------------------------


def _stored() -> set:
    folder = services.uploads_dir()
    return set(folder.iterdir()) if folder.exists() else set()


def test_an_upload_over_the_byte_limit_is_refused_with_413(client, province, settings, tmp_path):
    settings.CARBONCTL_UPLOAD_MAX_BYTES = 100
    settings.DATA_DIR = tmp_path  # an uploads folder of this test's own
    before = _stored()
    response = post_api(client, province, csv_rows(10))
    assert response.status_code == 413
    assert "too large" in response.json()["detail"] and "100 bytes" in response.json()["detail"]
    client.force_login(province["users"][Role.ENTERPRISE_REPORTER])
    page = client.post(
        "/submissions/",
        {
            "file": upload(csv_rows(10)),
            "enterprise": province["taiyuan"].pk,
            "factor_set": "GB/T 32150-2015",
            "grid_basis": "provincial",
        },
    )
    assert page.status_code == 413 and "too large" in page.content.decode()
    assert not Submission.all_objects.exists()
    assert _stored() == before == set()  # the part received was not kept


def test_a_body_over_the_limit_is_refused_before_it_is_read(client, province, settings):
    settings.CARBONCTL_UPLOAD_MAX_BYTES = 1000
    big = csv_rows(1) + "#" * (1100 * 1024)
    response = post_api(client, province, big)
    assert response.status_code == 413 and response["Content-Type"] == "application/json"
    assert "CARBONCTL_UPLOAD_MAX_BYTES" in response.json()["detail"]
    page = client.post("/submissions/", {"file": upload(big)})
    assert page.status_code == 413 and "上传文件过大" in page.content.decode()


def test_too_many_rows_and_a_zip_bomb_are_refused_with_clear_errors(client, province, settings):
    settings.CARBONCTL_UPLOAD_MAX_ROWS = 2
    response = post_api(client, province, csv_rows(3))
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    # the reader stops at the first row over the limit (row 4: header + 2 allowed rows)
    assert error["file"] == "report.csv" and error["row"] == 4
    assert "more than 2 data rows" in error["message"] and "2" in error["expected"]

    settings.CARBONCTL_UPLOAD_MAX_ROWS = 1000
    settings.CARBONCTL_UPLOAD_MAX_XLSX_UNCOMPRESSED = 50_000
    book = Workbook()
    book.active.append(["主体", "期间", "类别", "品种", "数量", "单位"])
    book.active.append(["示例太原钢铁", "2023", "燃料燃烧", "焦炭", 1, "吨"])
    buffer = BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("xl/padding.xml", b" " * 200_000)  # compresses to almost nothing
    assert len(buffer.getvalue()) < 20_000
    response = client.post(
        "/api/v1/submissions",
        {
            "file": SimpleUploadedFile("bomb.xlsx", buffer.getvalue()),
            "enterprise": province["taiyuan"].pk,
        },
        headers=api(client, province["users"][Role.ENTERPRISE_REPORTER]),
    )
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert "expands to" in error["message"] and "uncompressed" in error["expected"]


def test_a_file_of_another_kind_is_refused(client, province):
    response = post_api(client, province, csv_rows(1), name="report.txt")
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"] == "cannot read .txt files"


def test_a_long_chinese_file_name_is_kept_for_display_but_never_used_as_a_path(client, province):
    name = (
        "山西省太原市小店区示例钢铁有限公司二〇二三年度能源消费与温室气体排放活动水平数据报送表" * 2
    )
    name = name[:86] + ".csv"
    assert len(name) == 90 and len(name.encode()) > 255  # too long for a file system name
    response = post_api(client, province, csv_rows(2), name=name)
    assert response.status_code == 201, response.content
    assert response.json()["file_name"] == name
    bad = post_api(client, province, csv_rows(2).replace(",1,吨", ",x,吨"), name=name)
    assert bad.json()["errors"][0]["file"] == name
    assert "/tmp" not in bad.content.decode() and "uploads" not in bad.content.decode()


def test_file_names_lose_their_folders_and_control_characters():
    assert services.display_name("../../etc/passwd.csv") == "passwd.csv"
    assert services.display_name("C:\\Users\\me\\报表.xlsx") == "报表.xlsx"
    assert services.display_name("a\x00b\r\nc.csv") == "abc.csv"
    assert services.display_name("") == "upload"
    long = services.display_name("数" * 300 + ".xlsx")
    assert len(long) == 255 and long.endswith(".xlsx")


# --- paging, review, scope ------------------------------------------------------------------------


def test_the_rows_of_a_submission_are_paged(client, province):
    response = post_api(client, province, csv_rows(250))
    assert response.status_code == 201
    submission = response.json()["id"]
    client.force_login(province["users"][Role.ENTERPRISE_REPORTER])
    page = client.get(f"/submissions/{submission}/", {"page": 2})
    rows = page.context["rows"].object_list
    assert [a.row_id for a in rows] == list(range(102, 202))  # data rows 101-200
    assert "共 250 条" in page.content.decode()
    assert len(client.get(f"/submissions/{submission}/").context["rows"].object_list) == 100
    for bad in ("abc", "0", "4", "nan", "1e3"):
        refused = client.get(f"/submissions/{submission}/", {"page": bad})
        assert refused.status_code == 400, bad
        assert "page" in refused.content.decode()
    assert client.get("/submissions/", {"page": "x"}).status_code == 400


def test_review_decision_note_and_reviewer_are_shown_to_the_submitter(client, province):
    users = province["users"]
    submission = post_api(client, province, csv_rows(2)).json()["id"]
    client.force_login(users[Role.REVIEWER])
    client.post(
        f"/submissions/{submission}/review/", {"decision": "reject", "note": "焦炭数量有误"}
    )
    reporter = users[Role.ENTERPRISE_REPORTER]
    body = client.get(f"/api/v1/submissions/{submission}", headers=api(client, reporter)).json()
    assert (body["status"], body["reviewed_by"], body["review_note"]) == (
        "rejected",
        "reviewer",
        "焦炭数量有误",
    )
    assert body["reviewed_at"] is not None
    listed = client.get("/api/v1/submissions", headers=api(client, reporter)).json()
    assert listed[0]["reviewed_by"] == "reviewer"
    client.force_login(reporter)
    page = client.get(f"/submissions/{submission}/").content.decode()
    assert 'id="review"' in page and "焦炭数量有误" in page and "reviewer" in page
    table = client.get("/submissions/").content.decode()
    assert "焦炭数量有误" in table and "reviewer" in table


@pytest.mark.parametrize(
    ("role", "region", "row_region", "allowed"),
    [
        (Role.COUNTY_OFFICIAL, "140105", "140212", False),  # another city's county
        (Role.COUNTY_OFFICIAL, "140105", "140121", False),  # another county of the same city
        (Role.COUNTY_OFFICIAL, "140105", "大同市", False),
        (Role.COUNTY_OFFICIAL, "140105", "140105", True),
        (Role.COUNTY_OFFICIAL, "140105", "太原市", True),  # the enclosing city
        (Role.COUNTY_OFFICIAL, "140105", "山西省", True),  # the enclosing province
        (Role.CITY_OFFICIAL, "140100", "140121", True),
        (Role.CITY_OFFICIAL, "140100", "140200", False),
        (Role.ENTERPRISE_REPORTER, None, "140212", False),
        (Role.ENTERPRISE_REPORTER, None, "140105", True),
        (Role.PROVINCE_ADMIN, "140100", "140212", True),
    ],
)
def test_rows_must_lie_inside_the_submitters_scope(
    client, province, role, region, row_region, allowed
):
    form = {"region": region} if region else {}
    response = post_api(client, province, csv_rows(2, row_region), role=role, **form)
    if allowed:
        assert response.status_code == 201, response.content
        return
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [(e["row"], e["column"]) for e in errors] == [(2, "region"), (3, "region")]
    assert "outside your scope" in errors[0]["message"]
    assert errors[0]["expected"].startswith("a region in your scope:")
    assert not Submission.all_objects.exists()


def test_an_unusually_large_amount_is_a_warning_the_reviewer_sees(client, province):
    """2×10^7 t of coke in one row is above the soft plausibility bound (10^7 t) but below the
    hard one (10^9 t): the file is accepted and the row is pointed out on the page and in the
    API; 2×10^9 t is refused as a row error."""
    text = (
        HEADER
        + "示例太原钢铁,2023,燃料燃烧,焦炭,5,吨,\n示例太原钢铁,2023,燃料燃烧,焦炭,2000,万吨,\n"
    )
    response = post_api(client, province, text)
    assert response.status_code == 201, response.content
    (warning,) = response.json()["warnings"]
    assert warning["row"] == 3 and warning["column"] == "amount" and "请复核" in warning["message"]
    client.force_login(province["users"][Role.REVIEWER])
    page = client.get(f"/submissions/{response.json()['id']}/").content.decode()
    assert 'id="warnings"' in page and "1 行数量偏大" in page

    refused = post_api(client, province, HEADER + "示例太原钢铁,2023,燃料燃烧,焦炭,2e9,吨,\n")
    assert refused.status_code == 422
    (error,) = refused.json()["errors"]
    assert error["row"] == 2 and error["column"] == "amount"
