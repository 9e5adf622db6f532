"""Web conventions: carbonctl errors from the API are JSON with the CLI's message, bad page
parameters are a 400 with the message, PDFs come from pdf_response, and templates show
quantities through the display filter."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory

from carbonctl import refdata
from carbonctl.errors import (
    CarbonctlError,
    InputError,
    InputErrors,
    MissingParameterError,
    RefdataError,
    UnitError,
    UnknownNameError,
)
from carbonctl.web.accounts.models import Role
from carbonctl.web.accounts.tokens import issue_token
from carbonctl.web.api import api, status_for
from carbonctl.web.electricity.models import Assessment, Estimate
from carbonctl.web.exports import pdf_response
from carbonctl.web.inventories.models import Dataset, RegionTotal
from carbonctl.web.submissions.services import factor_set

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"  # the province fixture's users (tests/conftest.py)


# --- the API's answer to a CarbonctlError ----------------------------------------------------


@pytest.mark.parametrize(
    ("error", "status", "problems"),
    [
        (
            UnknownNameError("fuel", "coal gas", ["coke oven gas"]),
            422,
            ["unknown fuel 'coal gas'; closest matches: coke oven gas"],
        ),
        (InputError("not a number", row=3, column="amount"), 422, ["not a number"]),
        (InputErrors([InputError("a"), InputError("b")]), 422, ["a", "b"]),
        (MissingParameterError("no NCV for this fuel"), 422, ["no NCV for this fuel"]),
        (
            UnitError("furlong", "a mass unit"),
            422,
            ["unknown or unsuitable unit 'furlong'; expected a mass unit"],
        ),
        (RefdataError("grid factors table has no 2031 row"), 400, None),
        (CarbonctlError("something else"), 400, None),
    ],
)
def test_a_carbonctl_error_is_json_with_the_cli_message(error, status, problems):
    """400: ``{"detail"}``; 422: ``{"detail", "errors"}`` with each problem's message."""
    request = RequestFactory().get("/api/v1/anything")
    assert status_for(error) == status
    response = api.on_exception(request, error)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert body["detail"] == str(error)
    if problems is None:
        assert body == {"detail": str(error)}
    else:
        assert [problem["message"] for problem in body["errors"]] == problems


def test_an_unknown_factor_set_is_a_404_naming_it(client, province):
    token = issue_token(province["users"][Role.PROVINCE_ANALYST])
    response = client.get(
        "/api/v1/factor-sets/fuels",
        {"code": "GB/T 32150-2016"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 404
    with pytest.raises(UnknownNameError) as raised:
        refdata.fuel_factors("GB/T 32150-2016")
    assert response.json() == {"detail": str(raised.value)}


# --- page query parameters -------------------------------------------------------------------


@pytest.fixture
def inventory(province):
    dataset = Dataset.objects.create(
        code="t", label="test", factor_set=factor_set(), synthetic=True
    )
    RegionTotal.objects.create(
        dataset=dataset, region_id="140000", year=2023, key_industry="钢铁 steel", tco2=66e6
    )
    return dataset


def login(client, province, role=Role.PROVINCE_ANALYST):
    assert client.login(username=province["users"][role].username, password=PASSWORD)


BAD_YEARS = ["nan", "abc", "inf", "2020.5", "99999999999999999999", "-1"]


@pytest.mark.parametrize("year", BAD_YEARS)
@pytest.mark.parametrize("path", ["/", "/inventory/140100/", "/inventory/140100/cells/"])
def test_a_bad_year_is_a_400_naming_the_parameter(client, province, inventory, path, year):
    login(client, province)
    response = client.get(path, {"year": year})
    assert response.status_code == 400
    assert "year" in response.content.decode()


def test_the_public_disclosure_page_refuses_a_bad_year_too(client, inventory):
    response = client.get("/disclosures/", {"year": "nan"})
    assert response.status_code == 400 and "year" in response.content.decode()


def test_good_parameters_still_show_the_page(client, province, inventory):
    login(client, province)
    assert client.get("/", {"year": "2023"}).status_code == 200
    assert client.get("/inventory/140100/", {"year": "2023"}).status_code == 200


@pytest.mark.parametrize("path", ["/regions/", "/submissions/", "/factors/grid/"])
def test_an_unknown_export_format_is_a_400(client, province, path):
    login(client, province)
    response = client.get(path, {"format": "docx"})
    assert response.status_code == 400 and "format" in response.content.decode()


@pytest.fixture
def assessment(province):
    saved = Assessment.objects.create(label="test", year=2025, through_year=2024)
    for month in ("2025-01", "2025-02"):
        Estimate.objects.create(
            assessment=saved,
            level="province",
            region_id="140000",
            sector="ALL",
            month=month,
            kind="month",
            basis="nowcast",
            kwh=1e9,
            tco2=1e6,
            lo=9e5,
            hi=1.1e6,
        )
    return saved


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("region", "999999"),  # no such region
        ("region", "14'01"),
        ("month", "2025-13"),
        ("month", "2024-01"),  # a month the assessment does not have
        ("sector", "no-such-sector"),
        ("format", "csv"),
    ],
)
def test_the_electricity_page_refuses_bad_parameters(client, province, assessment, name, value):
    login(client, province)
    response = client.get("/electricity/", {name: value})
    assert response.status_code == 400
    assert name in response.content.decode()


def test_the_electricity_page_shows_a_chosen_month(client, province, assessment):
    login(client, province)
    response = client.get("/electricity/", {"month": "2025-01", "region": "140000"})
    assert response.status_code == 200 and response.context["month"] == "2025-01"
    assert "100.00" in response.content.decode()  # 10^6 t is 100.00 万吨


# --- PDF downloads and the display filter ----------------------------------------------------


def test_pdf_response_is_an_attachment_of_the_rendered_template():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    response = pdf_response(request, "page.pdf", "electricity/bulletin_tables.html", {})
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="page.pdf"'
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("value", "argument", "shown"),
    [
        (66e6, "10^4 t", "6600"),
        (66e6, "万吨", "6600"),
        (12_345_678.0, "10^4 t:2", "1234.57"),
        (1.5e9, "10^8 kWh", "15.00"),
        (-0.0381, "%", "-3.8%"),
        (None, "%", "–"),
    ],
)
def test_the_quantity_filter(value, argument, shown):
    template = Template('{% load display %}{{ value|quantity:"' + argument + '" }}')
    assert template.render(Context({"value": value})) == shown


@pytest.mark.parametrize(
    ("data", "bad"),
    [
        ({"target": "nan"}, "target"),
        ({"target": "inf"}, "target"),
        ({"target": "0"}, "target"),
        ({"target": "100"}, "target"),
        ({"growth": "-inf"}, "growth"),
        ({"floor": "nan"}, "floor"),
        ({"floor": "30", "ceiling": "20"}, "ceiling"),
        ({"plan": "13th"}, "plan"),
        ({"format": "pdf"}, "format"),
    ],
)
def test_the_workbench_form_refuses_non_finite_and_out_of_range_numbers(data, bad):
    from carbonctl.web.targets.forms import WorkbenchForm

    form = WorkbenchForm(data)
    assert not form.is_valid() and set(form.errors) == {bad}


def test_the_targets_queries_accept_good_values():
    from carbonctl.web.targets.forms import AssessmentQuery, TreeQuery, WorkbenchForm

    workbench = WorkbenchForm({"plan": "14th", "target": "17", "growth": "5", "floor": "0"})
    assert workbench.is_valid()
    cleaned = workbench.cleaned_data
    # typed in %, kept as fractions
    assert (cleaned["target"], cleaned["growth"], cleaned["floor"]) == (0.17, 0.05, 0.0)
    assert cleaned["plan"] == "14th" and cleaned["ceiling"] is None
    assert TreeQuery({"plan": "14th", "year": "2025"}).is_valid()
    assert AssessmentQuery({"year": "2020", "format": "pdf"}).is_valid()


@pytest.mark.parametrize(
    ("path", "data", "bad"),
    [
        ("/targets/allocation/", {"growth": "inf"}, "growth"),
        ("/targets/allocation/", {"target": "nan"}, "target"),
        ("/targets/", {"year": "nan"}, "year"),
        ("/targets/assessment/", {"year": "abc"}, "year"),
        ("/targets/assessment/", {"format": "docx"}, "format"),
    ],
)
def test_the_targets_pages_answer_a_bad_parameter_with_a_400(
    client, province, inventory, path, data, bad
):
    client.force_login(province["users"][Role.PROVINCE_ANALYST])
    response = client.get(path, data)
    assert response.status_code == 400 and bad in response.content.decode()
