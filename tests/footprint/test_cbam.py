"""CBAM communication of a hand-solved cement plant: direct emissions at the installation
(kiln CO2 and coal combustion, not the coal's upstream methane), electricity and its factor,
a bought-in clinker precursor, CN codes of the three goods and the goods outside them."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from carbonctl.footprint.cbam import CbamError, cbam_communication, cbam_good
from carbonctl.footprint.study import Study, run_study
from carbonctl.footprint.system import system_from_tables

COLUMNS = ["id", "name", "unit", "location", "category", "source", "cbam_see_direct",
           "cbam_see_indirect"]  # fmt: skip


def cement_tables(*, supplier_data: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per t cement: 0.75 t own clinker (520 kg CO2 calcination, 0.12 t coal burnt and 60 kWh
    per t clinker), 0.1 t bought clinker, 0.05 t gypsum, 40 kWh grinding."""
    see = ("0.85", "0.05") if supplier_data else ("", "")
    processes = pd.DataFrame(
        [
            ("cement", "水泥", "t", "CN-SX", "", "plant", "", ""),
            ("clinker", "熟料", "t", "CN-SX", "", "plant", "", ""),
            ("fuel:coal:combustion", "原煤燃烧", "t", "", "fuel", "GB/T 32150", "", ""),
            ("fuel:coal:upstream", "原煤开采", "t", "", "fuel", "test", "", ""),
            ("elec", "山西电网", "kWh", "CN-SX", "electricity", "grid 2023", "", ""),
            ("gypsum", "石膏", "t", "", "material", "test", "", ""),
            ("clinker_bought", "外购熟料", "t", "", "material", "supplier", *see),
        ],
        columns=COLUMNS,
    )
    exchanges = pd.DataFrame(
        [
            ("cement", "clinker", 0.75, "t", "technosphere"),
            ("cement", "clinker_bought", 100, "kg", "technosphere"),
            ("cement", "gypsum", 0.05, "t", "technosphere"),
            ("cement", "elec", 40, "kWh", "technosphere"),
            ("clinker", "fuel:coal:combustion", 0.12, "t", "technosphere"),
            ("clinker", "elec", 0.06, "MWh", "technosphere"),
            ("clinker", "CO2", 520, "kg", "biosphere"),
            ("fuel:coal:combustion", "fuel:coal:upstream", 1, "t", "technosphere"),
            ("fuel:coal:combustion", "CO2", 2, "t", "biosphere"),
            ("fuel:coal:upstream", "CH4 fossil", 5, "kg", "biosphere"),
            ("elec", "CO2", 0.6, "kg", "biosphere"),
            ("gypsum", "CO2e", 10, "kg", "biosphere"),
            ("clinker_bought", "CO2e", 900, "kg", "biosphere"),
        ],
        columns=["consumer", "input", "amount", "unit", "type"],
    )
    return processes, exchanges


def communication(supplier_data: bool = True, **changes):
    system = system_from_tables(*cement_tables(supplier_data=supplier_data))
    study = Study(
        product="水泥 cement",
        industry="建材 building materials",
        declared_unit="t",
        cn_code="2523 29 00",
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 12, 31),
    )
    values = dict(
        cn_code="2523 29 00",
        installation={"name": "示例水泥厂", "country": "CN", "unlocode": "CNTYN"},
        production_route="grey clinker, dry kiln",
        precursors=["clinker_bought"],
        carbon_price={"amount": 0, "currency": "CNY", "per": "tCO2e", "instrument": "none"},
    )
    values.update(changes)
    return cbam_communication(run_study(study, system, "cement"), system, **values)


def test_cement_plant_embedded_emissions_by_hand():
    comm = communication()
    # direct: 0.75 × 520 kg calcination + 0.09 t coal × 2 t CO2; the coal's upstream CH4 is not
    # at the installation
    assert comm.direct_at_installation == pytest.approx((0.75 * 520 + 0.09 * 2000) / 1000)
    assert comm.electricity_mwh_per_t == pytest.approx(0.085)  # 0.75 × 60 + 40 kWh
    assert comm.electricity_factor == pytest.approx(0.6)
    assert comm.electricity_factor_source == "grid 2023"
    (precursor,) = comm.precursors
    assert (precursor.amount, precursor.direct, precursor.indirect) == (
        pytest.approx(0.1),
        0.85,
        0.05,
    )
    assert comm.see_direct == pytest.approx(0.57 + 0.1 * 0.85)
    assert comm.see_indirect == pytest.approx(0.085 * 0.6 + 0.1 * 0.05)
    assert comm.see_total == pytest.approx(comm.see_direct + comm.see_indirect)
    assert comm.good == "cement" and comm.cn_description == "Other Portland cement"


def test_precursor_without_supplier_data_uses_its_unit_score_as_an_upper_bound():
    (precursor,) = communication(supplier_data=False).precursors
    assert precursor.direct == pytest.approx(0.9) and precursor.indirect == 0
    assert "upper bound" in precursor.basis


def test_output_as_json_and_excel_rows():
    comm = communication()
    data = json.loads(json.dumps(comm.as_dict(), ensure_ascii=False))
    (good,) = data["goods"]
    assert good["specific_direct_embedded_emissions"] == pytest.approx(comm.see_direct)
    assert data["reporting_period"] == {"start": "2024-01-01", "end": "2024-12-31"}
    assert data["installation"]["unlocode"] == "CNTYN"
    rows = {(section, name): (value, unit) for section, name, value, unit in comm.rows()}
    assert rows[("emissions", "specific_indirect_embedded_emissions")] == (
        pytest.approx(comm.see_indirect),
        "tCO2e/t",
    )
    assert rows[("precursor", "clinker_bought amount")][1] == "t/t"
    assert rows[("carbon_price", "currency")] == ("CNY", "")


@pytest.mark.parametrize(
    ("code", "good"),
    [("2523 29 00", "cement"), ("25231000", "cement"), ("7601 10 00", "aluminium"),
     ("7208 51 20", "steel"), ("7202 41 10", "steel"), ("2601 12 00", "steel")],
)  # fmt: skip
def test_cn_codes_of_the_three_goods(code, good):
    assert cbam_good(code)["good"] == good


@pytest.mark.parametrize("code", ["2814 10 00", "2704 00 10", "7202 99 80", "12"])
def test_goods_outside_steel_aluminium_and_cement_are_refused(code):
    with pytest.raises(CbamError):
        cbam_good(code)
    if len(code) > 2:
        with pytest.raises(CbamError, match="not a CBAM good"):
            communication(cn_code=code)


def test_wrong_inputs_are_named():
    with pytest.raises(CbamError, match="already in the direct emissions"):
        communication(precursors=["clinker"])
    with pytest.raises(CbamError, match="unknown process ids: slag"):
        communication(precursors=["slag"])
    with pytest.raises(CbamError, match="installation's name"):
        communication(installation={"country": "CN"})


def test_site_combustion_counts_as_primary_data_but_not_its_upstream():
    system = system_from_tables(*cement_tables())
    study = Study(product="水泥", industry="建材 building materials", declared_unit="t")
    result = run_study(study, system, "cement")
    upstream = 0.09 * 5 * 29.8
    assert result.score == pytest.approx(570 + upstream + 85 * 0.6 + 0.05 * 10 + 0.1 * 900)
    assert result.primary_data_share == pytest.approx(100 * 570 / result.score)
