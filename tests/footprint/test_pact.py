"""PACT ProductFootprint: an export validated against the official v2.3.3 schema, its fields
checked against the hand-solved study, the round trip export -> import, and invalid documents
rejected with the JSON path of each violation."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest

from carbonctl.footprint.engine import unit_scores
from carbonctl.footprint.pact import (
    SCHEMA_FILE,
    Assurance,
    PactError,
    PactValidationError,
    company_urn,
    export_pact,
    import_pact,
    pact_errors,
    product_urn,
    read_pact,
    validate_pact,
)
from carbonctl.footprint.study import Study, run_study

from .systems_fpact import COKE_AR6, coke_system

FOOTPRINT_ID = "3f1d7c2e-9a4b-4c1e-8d2f-0b6a5e4c3d21"


def coke_study(**changes) -> Study:
    values = dict(
        product="焦炭 coke",
        industry="焦化(含炼油) coking & refining",
        declared_unit="t",
        cpc_code="33100",
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 12, 31),
    )
    values.update(changes)
    return Study(**values)


@pytest.fixture(scope="module")
def result():
    return run_study(coke_study(), coke_system(), "coke")


@pytest.fixture(scope="module")
def exported(result):
    return export(result)


def export(result, **changes):
    values = dict(
        company_name="示例焦化有限公司",
        company_ids=[company_urn("91140000MA0XXXXX1X")],
        product_ids=[product_urn("demo.carbonctl.cn", "coke-grade-2")],
        footprint_id=FOOTPRINT_ID,
        created=dt.datetime(2025, 3, 1, 8, 0, tzinfo=dt.UTC),
    )
    values.update(changes)
    return export_pact(result, **values)


def test_the_schema_is_the_official_file_with_its_licence():
    folder = SCHEMA_FILE.parent
    text = SCHEMA_FILE.read_text(encoding="utf-8")
    assert "version: 2.3.3" in text and "ProductFootprint:" in text
    assert "World Business Council for Sustainable Development" in (
        folder / "LICENSE.md"
    ).read_text(encoding="utf-8")
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "wbcsd/data-exchange-protocol" in readme and "spec/v2/openapi.yaml" in readme


def test_export_validates_and_carries_the_study_per_declared_unit(exported):
    validate_pact(exported)  # raises on any violation
    assert pact_errors(exported) == []
    pcf = exported["pcf"]
    # 1 t of coke = 1000 kilogram declared units; the score is per kilogram
    assert (pcf["declaredUnit"], pcf["unitaryProductAmount"]) == ("kilogram", "1000")
    assert float(pcf["pCfExcludingBiogenic"]) == pytest.approx(COKE_AR6 / 1000)
    assert float(pcf["fossilGhgEmissions"]) == pytest.approx(COKE_AR6 / 1000)
    assert "pCfIncludingBiogenic" not in pcf  # no biogenic CO2 in this system
    assert pcf["characterizationFactors"] == "AR6"
    assert pcf["ipccCharacterizationFactorsSources"] == ["AR6"]
    assert pcf["geographyCountrySubdivision"] == "CN-SX"
    assert pcf["referencePeriodStart"] == "2024-01-01T00:00:00Z"
    assert pcf["referencePeriodEnd"] == "2025-01-01T00:00:00Z"  # exclusive end
    assert pcf["primaryDataShare"] == pytest.approx(100 * 300 / COKE_AR6, abs=1e-4)
    assert exported["specVersion"] == "2.3.3"
    assert exported["productCategoryCpc"] == "33100"
    assert exported["created"] == "2025-03-01T08:00:00Z"
    assert exported["companyIds"][0].startswith("urn:pact:company:customcode:vendor-assigned:")
    # JSON-serialisable as it is
    assert json.loads(json.dumps(exported, ensure_ascii=False)) == exported


def test_round_trip_export_then_import_gives_the_same_footprint(exported, tmp_path):
    supplier = import_pact(exported)
    process = supplier.processes.iloc[0]
    assert process["id"] == f"pact:{FOOTPRINT_ID}"
    assert (process["unit"], process["category"]) == ("kg", "supplier")
    assert process["company"] == "示例焦化有限公司"
    assert process["product_id"] == "urn:pact:demo.carbonctl.cn:product-id:coke-grade-2"
    assert process["pact_version"] == "1"
    # per kg in the supplier process, per t in the study
    score = unit_scores(supplier, "AR6")[f"pact:{FOOTPRINT_ID}"]
    assert score * 1000 == pytest.approx(COKE_AR6, rel=1e-9)
    path = tmp_path / "supplier.json"
    path.write_text(json.dumps({"data": [exported]}), encoding="utf-8")
    assert read_pact(path).processes["id"].tolist() == [f"pact:{FOOTPRINT_ID}"]


def test_biogenic_and_non_fossil_methane_go_to_their_fields():
    from .systems_fpact import coke_tables

    processes, exchanges = coke_tables()
    extra = exchanges.iloc[:2].copy()
    extra[["consumer", "input", "amount", "unit", "type"]] = [
        ("coke", "CO2 biogenic", 10, "kg", "biosphere"),
        ("coke", "CH4 non-fossil", 1, "kg", "biosphere"),
    ]
    import pandas as pd

    from carbonctl.footprint.system import system_from_tables

    system = system_from_tables(processes, pd.concat([exchanges, extra], ignore_index=True))
    res = run_study(coke_study(), system, "coke")
    assert res.score == pytest.approx(COKE_AR6 + 27.0)  # AR6 non-fossil CH4, no biogenic CO2
    pcf = export(res)["pcf"]
    assert float(pcf["otherBiogenicGhgEmissions"]) == pytest.approx(0.027)
    assert float(pcf["fossilGhgEmissions"]) == pytest.approx(COKE_AR6 / 1000)
    assert float(pcf["pCfIncludingBiogenic"]) == pytest.approx((COKE_AR6 + 27 + 10) / 1000)
    back = import_pact(export(res))
    bio = back.exchanges[back.exchanges["input"] == "CO2 biogenic"]["amount"]
    assert bio.tolist() == [pytest.approx(0.010)]


def test_invalid_documents_name_the_json_path(exported):
    bad = copy.deepcopy(exported)
    bad["pcf"]["declaredUnit"] = "ton"
    bad["pcf"]["pCfExcludingBiogenic"] = "1.2e3"
    del bad["companyName"]
    with pytest.raises(PactValidationError) as caught:
        import_pact(bad)
    paths = [p for p, _ in caught.value.problems]
    assert "$.pcf.declaredUnit" in paths
    assert "$.pcf.pCfExcludingBiogenic" in paths  # Decimal strings, no exponent
    assert any(p == "$" and "companyName" in m for p, m in caught.value.problems)
    # in a list, the second document's problem carries its index
    second = copy.deepcopy(exported)
    second["id"] = "not-a-uuid"
    with pytest.raises(PactValidationError) as caught:
        import_pact([exported, second])
    assert [p for p, _ in caught.value.problems] == ["$[1].id"]
    both = copy.deepcopy(exported)
    both["pcf"]["geographyCountry"] = "CN"  # beside CN-SX: only one geography is allowed
    ((path, message),) = pact_errors(both)
    assert path == "$.pcf" and "alternatives" in message and "geographyCountry" in message


def test_unreadable_file_and_unexportable_studies(tmp_path, result):
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(PactValidationError, match="not JSON"):
        read_pact(path)
    with pytest.raises(PactError, match="CPC"):
        export(run_study(coke_study(cpc_code=""), coke_system(), "coke"))
    with pytest.raises(PactError, match="reference period"):
        export(run_study(coke_study(period_start=None), coke_system(), "coke"))
    with pytest.raises(PactError, match="declared unit"):
        from carbonctl.footprint.system import system_from_tables

        from .systems_fpact import coke_tables

        processes, exchanges = coke_tables()
        processes.loc[processes["id"] == "coke", "unit"] = "h"
        study = coke_study(declared_unit="h")
        export(run_study(study, system_from_tables(processes, exchanges), "coke"))


def test_energy_and_volume_units_map_to_their_pact_units():
    from carbonctl.footprint.pact import _declared

    assert _declared("MWh") == ("kilowatt hour", 1000)
    assert _declared("GJ") == ("megajoule", 1000)
    assert _declared("Nm3")[0] == "cubic meter"
    assert _declared("L") == ("liter", 1)
    assert _declared("t") == ("kilogram", 1000)


def test_a_verified_footprint_carries_its_assurance_and_validates(result, exported):
    assert "assurance" not in exported["pcf"]  # self-declared: no assurance
    done = dt.datetime(2025, 4, 2, 9, 30, tzinfo=dt.UTC)
    assured = export(result, assurance=Assurance("示例核查机构", done, "reasonable", "ISO 14067"))
    validate_pact(assured)
    assert assured["pcf"]["assurance"] == {
        "assurance": True,
        "coverage": "product level",
        "level": "reasonable",
        "boundary": "Cradle-to-Gate",
        "providerName": "示例核查机构",
        "completedAt": "2025-04-02T09:30:00Z",
        "standardName": "ISO 14067",
    }
    # a cradle-to-grave study has no PACT assurance boundary: the field is left out
    assert "boundary" not in Assurance("X", done).to_pact("cradle-to-grave")
    with pytest.raises(PactError, match="provider"):
        Assurance(" ", done)
    with pytest.raises(PactError, match="level"):
        Assurance("X", done, level="full")
