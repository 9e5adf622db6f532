"""The JSON API as a whole: every operation declares its error responses in OpenAPI with one of
the error bodies, every error under /api/ is JSON (also those Django answers itself), the factor
sets are served with their sources, and machine clients authenticate with tokens."""

from __future__ import annotations

import json
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponseServerError
from django.test import RequestFactory

from carbonctl.web.accounts.models import Role
from carbonctl.web.accounts.tokens import issue_token
from carbonctl.web.api import api
from carbonctl.web.api_errors import MAX_URI_LENGTH, ApiJsonErrors
from carbonctl.web.submissions.models import Submission

pytestmark = pytest.mark.django_db

ERROR_SCHEMAS = {
    "#/components/schemas/ErrorOut",
    "#/components/schemas/InvalidInput",
    "#/components/schemas/ServerErrorOut",
}


@pytest.fixture
def headers(province):
    token = issue_token(province["users"][Role.PROVINCE_ADMIN])
    return {"Authorization": f"Bearer {token}"}


def _operations(schema: dict) -> list[tuple[str, str, dict]]:
    return [
        (path, method, op)
        for path, methods in schema["paths"].items()
        for method, op in methods.items()
    ]


def test_every_operation_declares_its_errors_with_an_error_body():
    schema = api.get_openapi_schema()
    operations = _operations(schema)
    assert len(operations) >= 19
    for path, method, operation in operations:
        responses = {str(code): answer for code, answer in operation["responses"].items()}
        where = f"{method.upper()} {path}"
        assert {"400", "414", "422", "500"} <= set(responses), where
        if operation.get("security"):
            assert {"401", "429"} <= set(responses), f"{where} does not declare 401 and 429"
        for code, answer in responses.items():
            if int(code) < 400:
                continue
            body = answer["content"]["application/json"]["schema"]
            assert body["$ref"] in ERROR_SCHEMAS, f"{where} {code}: {body}"
        assert responses["422"]["content"]["application/json"]["schema"]["$ref"].endswith(
            "/InvalidInput"
        )
        assert responses["500"]["content"]["application/json"]["schema"]["$ref"].endswith(
            "/ServerErrorOut"
        )
    upload = {
        str(c): a for c, a in schema["paths"]["/api/v1/submissions"]["post"]["responses"].items()
    }
    assert "413" in upload
    # what gunicorn answers itself, before the platform sees the request
    assert "text/html" in upload["414"]["content"]


def test_parameters_are_left_out_not_null_and_show_their_choices():
    schema = api.get_openapi_schema()
    listing = schema["paths"]["/api/v1/submissions"]["get"]["parameters"]
    status = next(p for p in listing if p["name"] == "status")
    assert status["schema"]["enum"] == list(Submission.Status.values)
    assert "anyOf" not in status["schema"] and not status["required"]
    form = schema["paths"]["/api/v1/submissions"]["post"]["requestBody"]["content"]
    fields = form["multipart/form-data"]["schema"]["properties"]
    assert fields["grid_basis"]["enum"] == ["provincial", "national", "ets", "residual"]
    assert fields["supersedes"]["type"] == "integer"  # not "integer or null"
    region = schema["paths"]["/api/v1/regions/{adcode}"]["get"]["parameters"][0]
    assert region["schema"]["pattern"] == "^[0-9]{6}$"
    assert region["examples"] == {"140105": {"value": "140105"}}


def test_an_unknown_factor_set_in_an_upload_is_a_422_naming_the_known_sets(client, headers):
    upload = SimpleUploadedFile("report.csv", b"a,b\n1,2\n", content_type="text/csv")
    response = client.post(
        "/api/v1/submissions",
        {"file": upload, "region": "140105", "factor_set": "NOPE"},
        headers=headers,
    )
    assert response.status_code == 422
    body = response.json()
    assert "unknown factor set 'NOPE'" in body["detail"]
    assert body["errors"] == [
        {
            "message": body["detail"],
            "parameter": "form.factor_set",
            "file": None,
            "row": None,
            "column": None,
            "expected": "one of GB/T 32150-2015, NDRC-2013-guidelines",
        }
    ]


def test_a_choice_outside_its_set_is_a_422_naming_parameter_and_choices(client, headers):
    upload = SimpleUploadedFile("report.csv", b"a,b\n1,2\n", content_type="text/csv")
    response = client.post(
        "/api/v1/submissions",
        {"file": upload, "region": "140105", "grid_basis": "coal"},
        headers=headers,
    )
    assert response.status_code == 422
    (problem,) = response.json()["errors"]
    assert problem["parameter"] == "form.grid_basis"
    assert problem["expected"] == "'provincial', 'national', 'ets' or 'residual'"
    assert response.json()["detail"].startswith("invalid request: form.grid_basis: ")


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/api/v1/inventories/overview?year=nan", "query.year"),
        ("/api/v1/inventories/overview?year=1e308", "query.year"),
        ("/api/v1/inventories/140100?year=99999999999999999999", "query.year"),
        ("/api/v1/enterprises/99999999999999999999", "path.enterprise_id"),
        ("/api/v1/submissions/0", "path.submission_id"),
        ("/api/v1/targets/allocation?target=inf", "query.target"),
        ("/api/v1/targets/allocation?growth=1e308", "query.growth"),
        ("/api/v1/electricity/signals?month=2025-13", "query.month"),
        ("/api/v1/inventories/14%000", "path.adcode"),
        ("/api/v1/factor-sets/fuels?code=GB%00T", "query.code"),
    ],
)
def test_a_bad_parameter_is_a_422_before_any_query(client, headers, url, parameter):
    response = client.get(url, headers=headers)
    assert response.status_code == 422, response.content
    body = response.json()
    assert [p["parameter"] for p in body["errors"]] == [parameter]
    assert body["detail"].startswith(f"invalid request: {parameter}: ")


def test_a_review_note_with_control_characters_is_refused(client, headers):
    response = client.post(
        "/api/v1/submissions/1/review",
        {"approve": True, "note": "ok\x00"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["parameter"] == "body.decision.note"


def test_an_unexpected_fault_is_a_json_500_whose_id_finds_the_traceback(
    client, headers, monkeypatch, caplog
):
    from carbonctl.web.factors import api as factors_api

    def broken():
        raise RuntimeError("the disk is on fire")

    monkeypatch.setattr(factors_api.refdata, "factor_sets", broken)
    with caplog.at_level(logging.ERROR, logger="carbonctl.api"):
        response = client.get("/api/v1/factor-sets", headers=headers)
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["detail"] == "internal error" and len(body["id"]) == 12
    assert "the disk is on fire" not in response.content.decode()
    (logged,) = [r for r in caplog.records if body["id"] in r.getMessage()]
    assert logged.exc_info and "the disk is on fire" in str(logged.exc_info[1])


def test_errors_django_answers_below_the_api_are_json(client, headers, settings):
    unknown = client.get("/api/v1/no-such-thing", headers=headers)
    assert (unknown.status_code, unknown.json()) == (404, {"detail": "not found"})

    wrong_method = client.delete("/api/v1/regions")
    assert wrong_method.status_code == 405
    assert wrong_method.json() == {"detail": "method not allowed"}
    assert wrong_method["Allow"] == "GET"

    bad_host = client.get("/api/v1/regions", HTTP_HOST="evil.example")
    assert (bad_host.status_code, bad_host.json()) == (400, {"detail": "bad request"})

    too_long = client.get("/api/v1/regions", {"parent": "1" * MAX_URI_LENGTH})
    assert too_long.status_code == 414 and "longer than" in too_long.json()["detail"]

    broken_form = client.post(
        "/api/v1/submissions",
        b"--x\r\nbroken",
        content_type="multipart/form-data",  # no boundary
        headers=headers,
    )
    assert broken_form.status_code == 400
    assert broken_form.json()["detail"].startswith("bad request: unreadable form data")

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    too_big = client.post(
        "/api/v1/submissions/1/review",
        {"approve": True, "note": "x" * 200},
        content_type="application/json",
        headers=headers,
    )
    assert too_big.status_code == 413
    assert too_big.json() == {"detail": "request body larger than 100 bytes"}


def test_a_server_error_outside_the_operations_is_json_with_an_id(caplog):
    def page(request):
        return HttpResponseServerError("<h1>Server Error (500)</h1>")

    middleware = ApiJsonErrors(page)
    with caplog.at_level(logging.ERROR, logger="carbonctl.api"):
        response = middleware(RequestFactory().get("/api/v1/regions"))
    body = json.loads(response.content)
    assert response.status_code == 500 and body["detail"] == "internal error"
    assert any(body["id"] in r.getMessage() for r in caplog.records)
    # pages keep their own error pages
    assert middleware(RequestFactory().get("/regions/")).content.startswith(b"<h1>")


def test_factor_sets_api(client, province):
    token = issue_token(province["users"][Role.COUNTY_OFFICIAL])
    headers = {"Authorization": f"Bearer {token}"}
    sets = client.get("/api/v1/factor-sets", headers=headers).json()
    assert {s["code"] for s in sets} == {"GB/T 32150-2015", "NDRC-2013-guidelines"}
    fuels = client.get(
        "/api/v1/factor-sets/fuels", {"code": "NDRC-2013-guidelines"}, headers=headers
    ).json()
    coke = next(f for f in fuels if f["fuel_id"] == "coke")
    assert coke["ncv_GJ_per_unit"] == 28.447 and coke["status"].startswith("SECONDARY")
    missing = client.get("/api/v1/factor-sets/fuels", {"code": "nope"}, headers=headers)
    assert missing.status_code == 404
    assert "GB/T 32150-2015" in missing.json()["detail"]  # the known sets are named
    assert client.get("/api/v1/factor-sets").status_code == 401
    assert client.get("/api/v1/factor-sets").json() == {"detail": "Unauthorized"}
