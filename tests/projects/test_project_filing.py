"""The project file: JSON and the Excel template give the same filing; bad filings raise errors
that name the field (and for activity rows the row and column)."""

from __future__ import annotations

import json

import pytest

from carbonctl.errors import InputErrors
from carbonctl.projects import assess, filing_from_mapping, read_project, write_template


def errors_of(data) -> str:
    with pytest.raises(InputErrors) as caught:
        filing_from_mapping(data, "p.json")
    return str(caught.value)


def test_a_valid_filing_resolves_region_city_and_industry(make_filing):
    filing = filing_from_mapping(make_filing(region="141122", industry="炼焦", kind="新建"))
    assert (filing.region, filing.city, filing.region_name) == ("141122", "141100", "交城县")
    assert (filing.industry_code, filing.industry_name, filing.kind) == ("2521", "炼焦", "new")
    assert filing.operating_share == 1.0
    assert list(filing.activities["raw_material"]) == [False]


def test_negative_capacity_names_the_product_field(make_filing):
    product = {
        "product": "焦炭（顶装焦炉）",
        "capacity": -5,
        "unit": "万t",
        "design_specific_energy": 110,
        "specific_energy_unit": "kgce/t",
    }
    message = errors_of(make_filing(products=[product]))
    assert "column 'products[0].capacity': capacity -5 is negative" in message


def test_unknown_fuel_and_unit_name_row_and_column(make_filing, coal):
    bad_fuel = {"category": "combustion", "item": "泥煤", "amount": 1, "unit": "t"}
    bad_unit = coal(1, unit="桶")
    message = errors_of(make_filing(activities=[coal(5), bad_fuel, bad_unit]))
    assert "p.json activities, row 2, column 'item': unknown fuel '泥煤'" in message
    assert "p.json activities, row 3, column 'unit'" in message


def test_missing_energy_data_is_refused(make_filing):
    process_only = [{"category": "process", "item": "石灰石", "amount": 100, "unit": "t"}]
    assert "column 'activities': the activities have no energy data" in errors_of(
        make_filing(activities=process_only)
    )
    assert "column 'activities': no activities" in errors_of(make_filing(activities=[]))


def test_a_retrofit_needs_baseline_activities_and_a_new_project_none(make_filing, coal):
    assert "column 'baseline': a retrofit has no baseline activities" in errors_of(
        make_filing(kind="retrofit")
    )
    assert "column 'baseline': a new project has baseline activities" in errors_of(
        make_filing(baseline=[coal(1)])
    )


@pytest.mark.parametrize(
    ("field", "value", "text"),
    [
        ("owner", "91141100MA0K000030", "column 'owner'"),
        ("region", "北京市", "not a county or city of Shanxi"),
        ("region", "火星", "column 'region'"),
        ("industry", "火星采矿", "column 'industry'"),
        ("kind", "demolition", "column 'kind'"),
        ("year", 1850, "column 'year'"),
        ("operating_share", 1.5, "column 'operating_share'"),
        ("coal_rate_gce_per_kwh", -1, "column 'coal_rate_gce_per_kwh'"),
        ("coal_rate", 300, "unknown field 'coal_rate'"),
    ],
)
def test_bad_fields_are_named(make_filing, field, value, text):
    assert text in errors_of(make_filing(**{field: value}))


def test_raw_material_only_on_fuel_rows(make_filing, coal, power):
    message = errors_of(make_filing(activities=[coal(5), power(10, raw_material=True)]))
    assert "row 2, column 'raw_material'" in message


def test_every_problem_is_reported_at_once(make_filing):
    message = errors_of(make_filing(owner="x", year="soon", kind="?"))
    assert all(f"column '{f}'" in message for f in ("owner", "year", "kind"))


def test_json_and_excel_template_file_the_same_project(tmp_path, make_filing, coal, power):
    data = make_filing(
        kind="retrofit",
        activities=[coal(12000), power(10_000_000), coal(300, raw_material=True)],
        baseline=[coal(20000)],
        products=[
            {
                "product": "煤制甲醇",
                "capacity": 100,
                "unit": "万t/a",
                "design_specific_energy": 1390,
                "specific_energy_unit": "kgce/t",
            }
        ],
        capacity_replacement={"document": "D-1", "replaced_capacity": 100, "unit": "万t"},
    )
    json_path = tmp_path / "p.json"
    json_path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    xlsx_path = write_template(tmp_path / "p.xlsx", data)
    from_json, from_xlsx = assess(read_project(json_path)), assess(read_project(xlsx_path))
    assert from_xlsx.to_json() == from_json.to_json()
    assert from_xlsx.filing.capacity_replacement == from_json.filing.capacity_replacement
    assert from_xlsx.filing.products == from_json.filing.products


def test_excel_errors_name_sheet_row_and_column(tmp_path, make_filing, coal):
    data = make_filing(activities=[coal(5), coal(-1)], year=3000)
    path = write_template(tmp_path / "bad.xlsx", data)
    with pytest.raises(InputErrors) as caught:
        read_project(path)
    message = str(caught.value)
    assert f"{path} [project], row 7, column 'year'" in message
    assert f"{path} [activities], row 3, column 'amount'" in message


def test_the_empty_template_lists_every_field(tmp_path):
    import openpyxl

    book = openpyxl.load_workbook(write_template(tmp_path / "t.xlsx"))
    assert book.sheetnames == ["project", "products", "activities", "baseline", "guide"]
    fields = [row[0] for row in book["project"].iter_rows(min_row=2, values_only=True)]
    assert fields[:6] == ["name", "owner", "region", "industry", "kind", "year"]
    with pytest.raises(InputErrors, match="name is missing"):
        read_project(tmp_path / "t.xlsx")


def test_unsupported_file_type(tmp_path):
    from carbonctl.errors import InputError

    with pytest.raises(InputError, match=r"unsupported file type '\.txt'"):
        read_project(tmp_path / "p.txt")
