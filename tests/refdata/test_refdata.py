"""Reference data: every table cited and labelled, fuels found by any name, grid factors chosen
by the documented rules, and factor sets added without a code change."""

from __future__ import annotations

import pandas as pd
import pytest

from carbonctl import refdata
from carbonctl.errors import RefdataError, UnknownNameError


@pytest.mark.parametrize("name", list(refdata.TABLES))
def test_every_table_has_sources_and_labelled_statuses(name):
    table = refdata.load_table(name)
    assert len(table) > 0
    assert (table["source"].str.strip() != "").all()
    if "status" in table.columns:
        labels = {refdata.status_label(s) for s in table["status"]}
        assert labels <= {"CONFIRMED", "SECONDARY", "UNCONFIRMED", "DESIGN PROPOSAL", "INFERRED"}


def test_unconfirmed_values_keep_their_flag():
    process = refdata.load_table("process_factors").set_index("material")
    assert process.loc["熟料 clinker (IPCC 2006 Tier 1 default)", "status"].startswith(
        "UNCONFIRMED"
    )
    assert process.loc["电石 calcium carbide", "status"].startswith("UNCONFIRMED")
    coal = refdata.load_table("standard_coal").set_index("energy_id")
    assert coal.loc["tar", "status"].startswith("UNCONFIRMED")
    assert coal.loc["blast_furnace_gas", "status"].startswith("UNCONFIRMED")
    regions = refdata.load_table("regions").set_index("adcode")
    assert regions.loc["140213", "status"].startswith("UNCONFIRMED")  # 平城区, code changed


def test_two_named_factor_sets_cover_the_same_fuel_units_as_the_catalogue():
    assert refdata.factor_set_ids() == ["GB/T 32150-2015", "NDRC-2013-guidelines"]
    units = refdata.load_table("fuels").set_index("fuel_id")["physical_unit"]
    for set_id in refdata.factor_set_ids():
        factors = refdata.fuel_factors(set_id)
        assert factors.attrs["factor_set"] == set_id
        assert (factors["unit"] == units.reindex(factors.index)).all()
        assert "raw_coal" not in factors.index  # 原煤 has no defaults: measured values needed


@pytest.mark.parametrize(
    "name", ["天然气", "natural gas", "Natural_Gas", "NATURAL GAS", " 天然气 "]
)
def test_fuels_are_found_by_chinese_english_or_ceads_name(name):
    assert refdata.find_fuel(name).fuel_id == "natural_gas"


def test_unknown_fuel_lists_the_closest_names():
    with pytest.raises(UnknownNameError) as caught:
        refdata.find_fuel("焦碳")
    assert "焦炭" in caught.value.suggestions


def test_shanxi_by_code_short_name_and_full_name():
    assert {refdata.find_region(x).adcode for x in ["140000", "山西", "山西省", "Shanxi"]} == {
        "140000"
    }
    assert refdata.find_region("太原市").province_adcode == "140000"
    assert refdata.find_region(140302).name_zh == "城区"


@pytest.mark.parametrize(
    ("region", "year", "basis", "value", "provisional"),
    [
        ("山西", 2021, "provincial", 0.7222, False),
        ("山西", 2022, "provincial", 0.7096, False),
        ("140100", 2023, "provincial", 0.6634, False),
        ("山西省", 2025, "provincial", 0.6634, True),  # 2025 not published: newest earlier year
        ("上海", 2022, "provincial", 0.5617, False),  # no Shanghai 2022 row: 华东 grid
        ("上海", 2023, "provincial", 0.5737, False),
        (None, 2022, "national", 0.5366, False),
        (None, 2021, "ets", 0.6101, False),
        (None, 2026, "ets", 0.5703, False),  # the ETS keeps its last reporting value
        (None, 2023, "residual", 0.6096, False),
    ],
)
def test_grid_factor_rules(region, year, basis, value, provisional):
    chosen = refdata.grid_factor(region, year, basis)
    assert chosen.value_tco2_per_mwh == value
    assert chosen.provisional is provisional
    if provisional:
        assert "2023 used" in chosen.note


def test_unknown_grid_basis_is_refused():
    with pytest.raises(UnknownNameError):
        refdata.grid_factor("山西", 2023, "market")


def test_gwp_table_has_fossil_methane():
    assert refdata.gwp("CH4 fossil", "AR5") == 30
    assert refdata.gwp("CH4", "AR5") == 28
    with pytest.raises(UnknownNameError):
        refdata.gwp("H2O", "AR5")


def test_a_factor_set_can_be_added_from_a_folder(tmp_path, monkeypatch):
    packaged = refdata.load_table("fuel_factors")
    extra = packaged[packaged["factor_set"] == "GB/T 32150-2015"].copy()
    extra["factor_set"] = "Shanxi-2026-measured"
    extra.loc[extra["fuel_id"] == "coke", "ncv_GJ_per_unit"] = "29.0"
    extra.to_csv(tmp_path / "fuel_factors_shanxi.csv", index=False)
    monkeypatch.setenv("CARBONCTL_REFDATA_DIRS", str(tmp_path))
    assert "Shanxi-2026-measured" in refdata.factor_set_ids()
    assert refdata.fuel_factors("Shanxi-2026-measured").loc["coke", "ncv_GJ_per_unit"] == 29.0
    monkeypatch.delenv("CARBONCTL_REFDATA_DIRS")
    assert "Shanxi-2026-measured" not in refdata.factor_set_ids()


def test_a_malformed_added_factor_set_is_refused(tmp_path, monkeypatch):
    pd.DataFrame({"factor_set": ["X"], "fuel_id": ["coke"]}).to_csv(
        tmp_path / "fuel_factors_bad.csv", index=False
    )
    monkeypatch.setenv("CARBONCTL_REFDATA_DIRS", str(tmp_path))
    with pytest.raises(RefdataError, match="missing columns"):
        refdata.factor_set_ids()
