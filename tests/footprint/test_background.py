"""The footprint background database: the starter set is built from the cited reference tables
(each process keeps its source, status and version; provisional grid years say so), an
association extends or replaces processes without code and the changes are listed, and the
export is a SYSTEM_DIR the engine reads back with the same unit scores."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from carbonctl import refdata
from carbonctl.errors import InputErrors
from carbonctl.footprint.background import (
    BACKGROUND_CATEGORIES,
    STARTER_VERSION,
    changed_processes,
    export_background,
    extend_background,
    grid_years,
    starter_background,
)
from carbonctl.footprint.engine import unit_scores
from carbonctl.footprint.system import read_system


@pytest.fixture(scope="module")
def background():
    return starter_background()


@pytest.fixture(scope="module")
def scores(background):
    return unit_scores(background, "AR6")


def _row(system, pid):
    return system.processes.set_index("id").loc[pid]


def test_every_process_is_cited_labelled_and_versioned(background):
    p = background.processes
    assert p["id"].is_unique
    assert set(p["category"]) == set(BACKGROUND_CATEGORIES)
    assert (p["source"].str.strip() != "").all()
    labels = {refdata.status_label(s) for s in p["status"]}
    assert labels <= {"CONFIRMED", "SECONDARY", "UNCONFIRMED", "DESIGN PROPOSAL", "INFERRED"}
    assert (p["version"] == STARTER_VERSION).all()
    assert (p["name_en"].str.strip() != "").all()
    # every process emits something: nothing in the starter set is an empty placeholder
    assert set(background.exchanges["consumer"]) == set(p["id"])


def test_grid_electricity_is_the_factor_refdata_chooses_for_each_province_and_year(
    background, scores
):
    years = grid_years()
    provinces = refdata.load_table("regions").query("level == 'province'")["adcode"]
    for adcode in provinces:
        for year in years:
            factor = refdata.grid_factor(adcode, year)
            pid = f"elec:{adcode}:{year}"
            assert scores[pid] == pytest.approx(factor.value_tco2_per_mwh)  # kg/kWh = t/MWh
            assert _row(background, pid)["unit"] == "kWh"
    shanxi = _row(background, "elec:140000:2023")
    assert shanxi["status"].startswith(refdata.grid_factor("山西", 2023).status)
    assert scores["elec:140000:2023"] == pytest.approx(0.6634)
    # a year after the newest published factor is kept but says it is provisional
    late = _row(background, f"elec:140000:{years[-1]}")
    assert "provisional" in late["status"]
    assert "provisional" not in shanxi["status"]


def test_fuel_combustion_is_ncv_times_carbon_times_oxidation(background, scores):
    factors = refdata.fuel_factors()
    coke = factors.loc["coke"]
    expected = coke.ncv_GJ_per_unit * coke.cc_tC_per_GJ * coke.oxidation_rate * 44 / 12 * 1000
    assert scores["fuel:coke:combustion"] == pytest.approx(expected)
    assert _row(background, "fuel:coke_oven_gas:combustion")["unit"] == "10^4 Nm3"
    # raw coal has no default parameters in the factor set: no combustion process is invented
    assert "fuel:raw_coal:combustion" not in set(background.processes["id"])
    gases = background.exchanges.query("consumer.str.endswith(':combustion')")["input"]
    assert set(gases) == {"CO2"}  # no cited CH4/N2O factor, so none


def test_upstream_materials_heat_and_transport_come_from_their_tables(background, scores):
    upstream = refdata.load_table("footprint_fuel_upstream").set_index("fuel_id")
    for fuel_id, row in upstream.iterrows():
        assert scores[f"fuel:{fuel_id}:upstream"] == pytest.approx(float(row.kgCO2e_per_unit))
        assert _row(background, f"fuel:{fuel_id}:upstream")["status"] == row.status
    # the ranks of raw coal carry the raw-coal mining figure over, and say so
    bituminous = _row(background, "fuel:bituminous_coal:upstream")
    assert scores["fuel:bituminous_coal:upstream"] == pytest.approx(
        scores["fuel:raw_coal:upstream"]
    )
    assert bituminous["status"].endswith("raw-coal figure applied to bituminous coal")
    assert "fuel:coke:upstream" not in set(background.processes["id"])  # no cited value
    materials = refdata.load_table("footprint_materials")
    for row in materials.itertuples():
        prefix = "transport" if row.category == "transport" else "mat"
        pid = f"{prefix}:{row.material_id}"
        assert scores[pid] == pytest.approx(float(row.kgCO2e_per_unit))
        assert _row(background, pid)["status"] == row.status
    assert scores["heat:purchased"] == pytest.approx(110.0)
    assert _row(background, "transport:rail")["unit"] == "t*km"


def test_new_tables_are_registered_and_cited():
    for name in ("footprint_materials", "footprint_fuel_upstream"):
        table = refdata.load_table(name)
        assert (table["source"].str.strip() != "").all()
        assert (table["status"].str.strip() != "").all()
    described = refdata.describe_tables().set_index("table")
    assert described.loc["footprint_materials", "rows"] > 10


def _additions():
    processes = pd.DataFrame(
        [
            {
                "id": "mat:cement",
                "name": "普通硅酸盐水泥（协会 2025）",
                "unit": "t",
                "location": "山西",
                "source": "山西省建材行业协会 2025 survey",
                "status": "UNCONFIRMED (association survey, not verified)",
            },
            {
                "id": "mat:coke_shanxi",
                "name": "焦炭（山西协会平均）",
                "unit": "t",
                "location": "山西",
                "source": "山西省焦化行业协会 2025",
                "status": "SECONDARY (association average)",
            },
        ]
    )
    exchanges = pd.DataFrame(
        [
            {"consumer": "mat:cement", "input": "CO2e", "amount": 0.7, "unit": "t",
             "type": "biosphere"},
            {"consumer": "mat:coke_shanxi", "input": "elec:140000:2023", "amount": 40,
             "unit": "kWh", "type": "technosphere"},
            {"consumer": "mat:coke_shanxi", "input": "CO2", "amount": 400, "unit": "kg",
             "type": "biosphere"},
        ]
    )  # fmt: skip
    return processes, exchanges


def test_an_association_adds_and_replaces_processes_and_the_changes_are_listed(background, scores):
    extended = extend_background(
        background, _additions(), version="sx-2025.1", author="山西焦化协会"
    )
    new_scores = unit_scores(extended, "AR6")
    assert new_scores["mat:cement"] == pytest.approx(700.0)  # the old 735 kg is gone
    assert new_scores["mat:coke_shanxi"] == pytest.approx(400 + 40 * scores["elec:140000:2023"])
    assert len(extended.processes) == len(background.processes) + 1
    assert (extended.exchanges["consumer"] == "mat:cement").sum() == 1
    changes = changed_processes(background, extended).set_index("id")
    assert changes.loc["mat:cement", "change"] == "replaced"
    assert changes.loc["mat:cement", "old_version"] == STARTER_VERSION
    assert changes.loc["mat:cement", "new_version"] == "sx-2025.1"
    assert changes.loc["mat:coke_shanxi", "change"] == "added"
    assert changes.loc["mat:coke_shanxi", "author"] == "山西焦化协会"
    assert set(changes.index) == {"mat:cement", "mat:coke_shanxi"}
    # and the other way round a process that is gone is listed as removed
    back = changed_processes(extended, background).set_index("id")
    assert back.loc["mat:coke_shanxi", "change"] == "removed"


def test_an_addition_without_source_or_status_is_refused_row_by_row(background):
    processes, exchanges = _additions()
    processes.loc[1, "source"] = " "
    processes.loc[0, "status"] = "checked by me"
    with pytest.raises(InputErrors) as caught:
        extend_background(background, (processes, exchanges), version="v", author="a")
    located = {(e.row, e.column) for e in caught.value.errors}
    assert located == {(3, "source"), (2, "status")}
    with pytest.raises(InputErrors) as caught:
        extend_background(
            background, (processes.drop(columns="source"), exchanges), version="v", author="a"
        )
    assert any(e.column == "source" for e in caught.value.errors)


def test_additions_are_read_from_a_folder(background, tmp_path):
    processes, exchanges = _additions()
    processes.to_csv(tmp_path / "processes.csv", index=False)
    exchanges.to_csv(tmp_path / "exchanges.csv", index=False)
    extended = extend_background(background, tmp_path, version="sx-2025.1", author="协会")
    assert "mat:coke_shanxi" in set(extended.processes["id"])


def test_the_export_is_a_system_dir_with_the_same_scores(background, scores, tmp_path):
    export_background(background, tmp_path)
    assert {p.name for p in tmp_path.iterdir()} >= {"processes.csv", "exchanges.csv"}
    again = read_system(tmp_path)
    assert set(again.processes.columns) >= {"source", "status", "version", "name_en", "category"}
    again_scores = unit_scores(again, "AR6")
    for pid in ("elec:140000:2023", "fuel:coke:combustion", "mat:cement", "heat:purchased"):
        assert again_scores[pid] == pytest.approx(scores[pid])


def test_the_documented_association_example_extends_the_starter_set(background):
    folder = Path(__file__).resolve().parents[2] / "docs" / "examples" / "footprint"
    extended = extend_background(
        background, folder / "association_2025", version="sx-2025.1", author="协会"
    )
    changes = changed_processes(background, extended).set_index("id")["change"].to_dict()
    assert changes == {"mat:cement": "replaced", "mat:coke_shanxi": "added"}
