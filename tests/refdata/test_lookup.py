"""refdata.lookup: what ``carbonctl refdata show NAME`` shows — a table, a fuel's parameters in
every factor set, or a process material — and the error naming the closest names."""

from __future__ import annotations

import pytest

from carbonctl import refdata
from carbonctl.errors import UnknownNameError


def test_a_table_name_gives_the_whole_table():
    grid = refdata.lookup("grid_factors")
    assert grid.equals(refdata.load_table("grid_factors"))
    shanxi = grid[grid["region"] == "山西"].set_index("data_year")["value_tCO2_per_MWh"]
    assert shanxi.to_dict() == {"2021": "0.7222", "2022": "0.7096", "2023": "0.6634"}


def test_a_fuel_gives_its_rows_in_every_factor_set():
    rows = refdata.lookup("天然气")
    assert set(rows["factor_set"]) == {"GB/T 32150-2015", "NDRC-2013-guidelines"}
    assert set(rows["fuel_id"]) == {refdata.find_fuel("天然气").fuel_id}
    assert rows["status"].str.startswith("SECONDARY").all()
    # any name of the fuel finds the same rows
    assert refdata.lookup("natural gas").equals(rows)


def test_a_fuel_without_defaults_says_to_measure():
    rows = refdata.lookup("原煤")
    assert len(rows) == 1
    row = rows.iloc[0]
    assert row["fuel_id"] == "raw_coal" and row["name_en"] == "raw coal"
    assert "measured NCV" in row["note"]


def test_a_process_material_gives_one_row_with_its_factor():
    rows = refdata.lookup("碳酸钙")
    assert len(rows) == 1
    material = refdata.find_material("CaCO3")
    assert rows.iloc[0].to_dict() == {
        "material_id": material.material_id,
        "name_zh": material.name_zh,
        "name_en": material.name_en,
        "method": material.method,
        "factor": material.factor,
        "default_direction": material.default_direction,
        "status": material.status,
        "source": material.source,
    }


def test_an_unknown_name_lists_the_closest_tables_and_fuels():
    with pytest.raises(UnknownNameError) as raised:
        refdata.lookup("天燃气")
    assert raised.value.kind == "table, fuel or material"
    assert "天然气" in raised.value.suggestions
    with pytest.raises(UnknownNameError) as raised:
        refdata.lookup("grid_factor")
    assert "grid_factors" in raised.value.suggestions
