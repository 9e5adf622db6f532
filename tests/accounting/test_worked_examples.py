"""The accounting worked examples (shared/refdata/examples/accounting_worked_examples.csv),
reproduced to their printed decimals through the engine and the reference tables."""

from __future__ import annotations

import re
from decimal import Decimal

import pandas as pd
import pytest

from carbonctl import refdata
from carbonctl.accounting import account
from carbonctl.units import conversion_factor, to_co2e

WE1 = [
    "天然气",
    "烟煤",
    "褐煤",
    "焦炭",
    "柴油",
    "汽油",
    "原油",
    "燃料油",
    "液化天然气",
    "液化石油气",
    "高炉煤气",
    "转炉煤气",
    "焦炉煤气",
    "石油焦",
]


def decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


@pytest.mark.parametrize("fuel", WE1)
def test_we1_default_emission_factor_of_set_a(fuel, worked_examples):
    expected = worked_examples.loc[f"WE1-{fuel}", "expected_result"]
    unit = refdata.find_fuel(fuel).physical_unit.replace("10^4 ", "万")
    rows = pd.DataFrame(
        [
            {
                "subject": "S",
                "period": "2023",
                "category": "combustion",
                "item": fuel,
                "amount": 1.0,
                "unit": unit,
            }
        ]
    )
    result = account(rows, factor_set="GB/T 32150-2015").rows.iloc[0]
    assert round(result["tco2"], decimals(expected)) == pytest.approx(float(expected), abs=0)
    assert result["factor_set"] == "GB/T 32150-2015"
    assert result["parameters"] == "default"


def test_we1_inputs_are_the_packaged_set_a_defaults(worked_examples):
    defaults = refdata.fuel_factors("GB/T 32150-2015")
    for fuel in WE1:
        inputs = worked_examples.loc[f"WE1-{fuel}", "inputs"]
        ncv, cc, of = (float(x) for x in re.findall(r"=([\d.]+)", inputs))
        row = defaults.loc[refdata.find_fuel(fuel).fuel_id]
        assert (row["ncv_GJ_per_unit"], row["cc_tC_per_GJ"], row["oxidation_rate"]) == (ncv, cc, of)


def test_we6a_raw_coal_to_tce(worked_examples):
    rows = pd.DataFrame(
        [
            {
                "subject": "S",
                "period": "2023",
                "category": "combustion",
                "item": "原煤",
                "amount": 10000,
                "unit": "t",
                "ncv": 20.908,
                "carbon_content": 0.0261,
                "oxidation_rate": 0.93,
            }
        ]
    )
    # measured NCV converts through 29.3076 GJ/tce; the reference coefficient 0.7143 applies
    # when the NCV is not measured. WE6a is the coefficient path.
    tce = account(rows).rows.iloc[0]["tce"]
    assert tce == pytest.approx(10000 * 20.908 / 29.3076)
    rows = rows.drop(columns=["ncv"]).assign(carbon_fraction=0.55)
    tce = account(rows).rows.iloc[0]["tce"]
    assert round(tce) == int(worked_examples.loc["WE6a", "expected_result"])


def test_we6b_electricity_equivalent_tce(worked_examples):
    rows = pd.DataFrame(
        [
            {
                "subject": "S",
                "period": "2023",
                "category": "electricity",
                "item": "电力",
                "amount": 1_000_000,
                "unit": "kWh",
            }
        ]
    )
    result = account(rows, coal_rate_kgce_per_kwh=0.3).rows.iloc[0]
    assert result["tce"] == pytest.approx(float(worked_examples.loc["WE6b", "expected_result"]))
    assert result["tce_equal_value"] == pytest.approx(300.0)


def test_we6c_heat_to_tce(worked_examples):
    rows = pd.DataFrame(
        [
            {
                "subject": "S",
                "period": "2023",
                "category": "heat",
                "item": "热力",
                "amount": 1,
                "unit": "TJ",
            }
        ]
    )
    result = account(rows).rows.iloc[0]
    assert result["tce"] == pytest.approx(float(worked_examples.loc["WE6c", "expected_result"]))
    assert result["tco2"] == pytest.approx(110.0)  # 1000 GJ x 0.11 tCO2/GJ


@pytest.mark.parametrize(("fuel", "expected"), [("气田天然气", "1214.3"), ("油田天然气", "1330.0")])
def test_we6d_natural_gas_to_tce(fuel, expected, worked_examples):
    assert expected in worked_examples.loc["WE6d", "expected_result"]
    rows = pd.DataFrame(
        [
            {
                "subject": "S",
                "period": "2023",
                "category": "combustion",
                "item": fuel,
                "amount": 1_000_000,
                "unit": "m3",
                "carbon_fraction": 0.1,
                "oxidation_rate": 0.99,
            }
        ]
    )
    assert round(account(rows).rows.iloc[0]["tce"], 1) == float(expected)


@pytest.mark.parametrize("gas", ["CH4", "N2O", "SF6", "CF4", "C2F6"])
def test_we7_gwp_conversion(gas, worked_examples):
    expected = dict(
        pair.split(" ") for pair in worked_examples.loc[f"WE7-{gas}", "expected_result"].split("; ")
    )
    name = "CH4 fossil" if gas == "CH4" else gas
    for version, value in expected.items():
        assert refdata.gwp(name, version) == float(value)


@pytest.mark.parametrize("gas", ["N2O", "SF6", "CF4", "C2F6"])
def test_pint_gwp_contexts_agree_with_the_cited_table(gas):
    for version in ("SAR", "AR5", "AR6"):
        assert to_co2e(1.0, gas, version) == pytest.approx(refdata.gwp(gas, version))


def test_we8b_ceads_2019_fuels_plus_process_equal_scope1(worked_examples, data_dir):
    ceads = pd.read_csv(data_dir / "ceads_shanxi_2019_sector_by_fuel_MtCO2.csv").set_index("sector")
    total = ceads.loc["TotalEmissions"]
    fuels = ceads.columns[:17]
    summed = Decimal(0)
    for fuel in [*fuels, "Process"]:
        summed += Decimal(str(total[fuel]))
    # 18 published cells, each rounded to 6 decimals: the sum may differ by up to 18 x 0.5e-6.
    expected = Decimal(worked_examples.loc["WE8b", "expected_result"])
    assert abs(summed - expected) <= Decimal("0.000009")
    assert Decimal(str(total["Scope_1_Total"])) == expected


def test_ceads_2019_sectors_sum_to_total_emissions(data_dir):
    ceads = pd.read_csv(data_dir / "ceads_shanxi_2019_sector_by_fuel_MtCO2.csv").set_index("sector")
    sectors = ceads.drop(index="TotalEmissions")
    assert len(sectors) == 47
    # 47 rows rounded to 6 decimals each
    assert sectors["Scope_1_Total"].sum() == pytest.approx(564.863335, abs=47 * 0.5e-6)


def test_we8c_cement_output_implied_by_process(worked_examples):
    value, _status, _source = refdata.process_factor(
        "cement (CEADs)", "水泥 cement output (province inventory)"
    )
    cement_10kt = 14.4788544e6 / value * conversion_factor("t", "万t")
    assert f"{cement_10kt:.2f}" == worked_examples.loc["WE8c", "expected_result"]


def test_we8def_shanxi_2022_intensities(worked_examples):
    co2_t = 629.3367 * conversion_factor("Mt", "t")
    grp_10k_yuan = 25642.6 * 1e4  # 亿元 -> 万元
    energy_tce = 21918.5 * conversion_factor("万tce", "tce")
    assert f"{co2_t / grp_10k_yuan:.4f}" == worked_examples.loc["WE8d", "expected_result"]
    assert f"{energy_tce / grp_10k_yuan:.4f}" == worked_examples.loc["WE8e", "expected_result"]
    assert f"{co2_t / energy_tce:.4f}" == worked_examples.loc["WE8f", "expected_result"]
