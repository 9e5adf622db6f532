"""Foreground models: steps become processes linked to each other and to the background by name,
co-products are allocated by mass, price or energy as documented, every unlinked row is a
located error naming the closest background names, and the demo coke and cement plants give
footprints in the plausible bands of the reference values."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from carbonctl import refdata
from carbonctl.demo.footprint import (
    DEMO_ALLOCATION,
    DEMO_GRID_YEAR,
    demo_product_models,
    demo_product_systems,
)
from carbonctl.errors import InputError, InputErrors
from carbonctl.footprint.background import starter_background
from carbonctl.footprint.engine import unit_scores
from carbonctl.footprint.foreground import foreground_system, product_process


@pytest.fixture(scope="module")
def background():
    return starter_background()


@pytest.fixture(scope="module")
def bg_scores(background):
    return unit_scores(background, "AR6")


COLUMNS = ["step", "item", "amount", "unit", "category", "co_product", "price"]


def _model(rows):
    return pd.DataFrame(rows, columns=COLUMNS[: len(rows[0])])


def _footprint(model, background, product="焦炭", amount=1.0, unit="t", **kwargs):
    system = foreground_system(
        model, background, product=product, output_amount=amount, output_unit=unit, **kwargs
    )
    return system, unit_scores(system, "AR6")[product_process(system)]


def test_steps_link_to_each_other_and_to_the_background_by_name(background, bg_scores):
    model = _model(
        [
            ["磨粉", "石灰石粉", 10, "t", "output"],
            ["磨粉", "电力", 200, "kWh", "electricity"],
            ["磨粉", "铁路运输", 1000, "t*km", "transport"],
            ["烧成", "石灰石粉", 2, "t", "material"],  # another step's output: linked to it
            ["烧成", "焦炭", 0.1, "t", "combustion"],  # fuel: combustion + (no) upstream
            ["烧成", "bituminous coal", 0.05, "t", "material"],  # fuel as feedstock: upstream
            ["烧成", "蒸汽", 0.5, "GJ", "heat"],
            ["烧成", "CO2", 800, "kg", "process"],
            ["烧成", "CH4 fossil", 1, "kg", "过程排放"],
            ["烧成", "废渣", 3, "t", "截断"],
            ["烧成", "水泥", 1000, "kg", "材料"],
        ]
    )
    system, score = _footprint(model, background, product="生石灰", region="山西", year=2023)
    ch4 = refdata.gwp("CH4 fossil", "AR6")
    grind = (200 * bg_scores["elec:140000:2023"] + 1000 * bg_scores["transport:rail"]) / 10
    expected = (
        2 * grind
        + 0.1 * bg_scores["fuel:coke:combustion"]
        + 0.05 * bg_scores["fuel:bituminous_coal:upstream"]
        + 0.5 * bg_scores["heat:purchased"]
        + 800
        + ch4
        + 1.0 * bg_scores["mat:cement"]
    )
    assert score == pytest.approx(expected)
    fg = system.processes.set_index("id")
    assert fg.loc["fg:生石灰:烧成", "role"] == "product"
    assert fg.loc["fg:生石灰:磨粉", "role"] == "step"
    assert fg.loc["fg:生石灰:烧成", "unit"] == "t"
    assert "cut off: 废渣" in fg.loc["fg:生石灰:烧成", "note"]
    assert "no upstream factor: 焦炭" in fg.loc["fg:生石灰:烧成", "note"]
    ex = system.exchanges
    assert not (
        (ex["consumer"] == "fg:生石灰:烧成") & (ex["input"] == "fuel:bituminous_coal:combustion")
    ).any()


def test_electricity_takes_the_rows_region_and_year_else_the_defaults(background, bg_scores):
    model = _model(
        [
            ["s", "电力", 1, "MWh", "electricity"],
        ]
    )
    model["region"] = ["北京"]
    model["year"] = ["2022"]
    _, score = _footprint(model, background, product="x", region="山西", year=2023)
    assert score == pytest.approx(1000 * bg_scores["elec:110000:2022"])
    plain = _model([["s", "电力", 1, "kWh", "electricity"]])
    _, score = _footprint(plain, background, product="x", region="140000", year=2021)
    assert score == pytest.approx(bg_scores["elec:140000:2021"])


def _coproduct_model():
    # 2 t of coal and 10 kg of CO2 make 1 t of A and 0.5 t of B (co-product)
    return _model(
        [
            ["s", "焦炭", 1, "t", "output", "", 300],
            ["s", "焦油", 500, "kg", "output", "yes", 1.2],  # price per kg: the row unit
            ["s", "CO2", 1000, "kg", "process", "", None],
            ["s", "水泥", 2, "t", "material", "", None],
        ]
    )


@pytest.mark.parametrize("allocation", ["mass", "economic", "energy", "none"])
def test_co_products_share_the_burden_by_the_documented_rule(allocation, background, bg_scores):
    burden = 1000 + 2 * bg_scores["mat:cement"]
    ncv = refdata.fuel_factors()["ncv_GJ_per_unit"]
    share = {
        "mass": 1 / 1.5,
        "economic": 300 / (300 + 500 * 1.2),
        "energy": ncv["coke"] / (ncv["coke"] + 0.5 * ncv["tar"]),
        "none": 1.0,
    }[allocation]
    _system, score = _footprint(_coproduct_model(), background, allocation=allocation)
    assert score == pytest.approx(burden * share)
    # the amounts are per unit of the main output: 1000 kg of coke gives the same
    _, again = _footprint(_coproduct_model(), background, amount=1000, unit="kg",
                          allocation=allocation)  # fmt: skip
    assert again == pytest.approx(score)


def _errors(model, background, **kwargs):
    with pytest.raises(InputErrors) as caught:
        foreground_system(
            model, background, product=kwargs.pop("product", "焦炭"), output_amount=1,
            output_unit="t", file="model.csv", **kwargs,
        )  # fmt: skip
    return caught.value.errors


def test_an_unknown_item_is_located_and_names_the_closest_background_processes(background):
    model = _model(
        [
            ["s", "硅酸盐水泥熟料粉", 1, "t", "material"],
            ["s", "电力", 1, "t", "electricity"],
            ["s", "石英", 1, "t", "mystery"],
            ["s", "甲烷", 1, "kg", "process"],
        ]
    )
    errors = _errors(model, background)
    by_row = {e.row: e for e in errors}
    assert set(by_row) == {2, 3, 4, 5}
    assert all(e.file == "model.csv" for e in errors)
    assert by_row[2].column == "item" and "普通硅酸盐水泥" in by_row[2].expected
    assert by_row[3].column == "unit" and "kWh" in by_row[3].expected
    assert by_row[4].column == "category"
    assert by_row[5].column == "item" and "gas" in by_row[5].expected


def test_allocation_needs_its_data_and_one_final_step(background):
    model = _coproduct_model().drop(columns="price")
    errors = _errors(model, background, allocation="economic")
    assert [(e.row, e.column) for e in errors] == [(2, "price"), (3, "price")]
    gas = _model([["s", "焦炭", 1, "t", "output"], ["s", "焦炉煤气", 1, "10^4 Nm3", "副产品"]])
    errors = _errors(gas, background, allocation="mass")
    assert [(e.row, e.column) for e in errors] == [(3, "kg_per_unit")]
    two = _model([["a", "电力", 1, "kWh", "electricity"], ["b", "电力", 1, "kWh", "electricity"]])
    errors = _errors(two, background)
    assert errors[0].column == "step"
    wrong = _model([["s", "焦炭", 2, "t", "output"]])
    assert _errors(wrong, background)[0].column == "amount"
    with pytest.raises(InputError):
        foreground_system(
            wrong, background, product="焦炭", output_amount=2, output_unit="t",
            allocation="physical",
        )  # fmt: skip


def test_an_electricity_year_without_a_grid_process_is_located(background):
    model = _model([["s", "电力", 1, "kWh", "electricity"]])
    model["year"] = ["1999"]
    (error,) = _errors(model, background)
    assert (error.row, error.column) == (2, "year")


# --- the demo plants --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(background):
    out = {}
    for key, (model, product, amount, unit) in demo_product_models().items():
        system = foreground_system(
            model, background, product=product, output_amount=amount, output_unit=unit,
            file=model.attrs["file"], allocation=DEMO_ALLOCATION[key], year=DEMO_GRID_YEAR,
        )  # fmt: skip
        score = unit_scores(system, "AR6")[product_process(system)]
        out[key] = (model, system, score)
    return out


def _num(model, step, item, category):
    rows = model[
        (model["step"] == step) & (model["item"] == item) & (model["category"] == category)
    ]
    return float(rows["amount"].astype(float).sum())


def test_demo_cement_matches_a_hand_calculation_and_the_reference_value(demo, bg_scores):
    model, _, score = demo["cement"]
    elec = bg_scores[f"elec:140000:{DEMO_GRID_YEAR}"]
    coal = bg_scores["fuel:bituminous_coal:combustion"] + bg_scores["fuel:bituminous_coal:upstream"]
    limestone_out = _num(model, "石灰石开采", "石灰石", "output")
    limestone = (
        _num(model, "石灰石开采", "柴油", "combustion") * bg_scores["fuel:diesel:combustion"]
        + _num(model, "石灰石开采", "电力", "electricity") * elec
    ) / limestone_out
    meal = (
        _num(model, "生料制备", "石灰石", "intermediate") * limestone
        + _num(model, "生料制备", "黏土", "material") * bg_scores["mat:clay"]
        + _num(model, "生料制备", "砂", "material") * bg_scores["mat:sand"]
        + _num(model, "生料制备", "电力", "electricity") * elec
    ) / _num(model, "生料制备", "生料", "output")
    clinker = (
        _num(model, "熟料煅烧", "生料", "intermediate") * meal
        + _num(model, "熟料煅烧", "烟煤", "combustion") * coal
        + _num(model, "熟料煅烧", "铁路运输（中国市场平均）", "transport")
        * bg_scores["transport:rail"]
        + _num(model, "熟料煅烧", "电力", "electricity") * elec
        + _num(model, "熟料煅烧", "CO2", "process") * 1000
    ) / _num(model, "熟料煅烧", "熟料", "output")
    cement = (
        _num(model, "水泥粉磨", "熟料", "intermediate") * clinker
        + _num(model, "水泥粉磨", "天然石膏", "material") * bg_scores["mat:gypsum"]
        + _num(model, "水泥粉磨", "石灰石", "intermediate") * limestone
        + _num(model, "水泥粉磨", "电力", "electricity") * elec
    ) / 2_000_000
    assert score == pytest.approx(cement)
    assert 500 <= score <= 900  # kgCO2e per t of cement
    reference = bg_scores["mat:cement"]  # GB/T 51366 market average
    assert abs(score / reference - 1) < 0.25


def test_demo_coke_lies_in_the_plausible_band_and_allocation_moves_it(demo, background):
    model, system, score = demo["coke"]
    assert 300 <= score <= 800  # kgCO2e per t of coke, cradle-to-gate, coke not burnt
    fg = system.processes.set_index("id")
    assert fg.loc["fg:焦炭:炼焦", "allocation"].startswith("energy")
    scores = {}
    for allocation in ("mass", "energy", "economic", "none"):
        _, scores[allocation] = _footprint(
            model, background, amount=1_000_000, allocation=allocation, year=DEMO_GRID_YEAR
        )
    assert scores["energy"] == pytest.approx(score)
    assert max(scores["mass"], scores["energy"], scores["economic"]) < scores["none"]
    # burning the coke would add its combustion CO2: far above the cradle-to-gate figure
    assert refdata.fuel_factors().loc["coke", "ncv_GJ_per_unit"] > 0


EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "footprint"


def test_the_documented_lime_example_builds_and_is_near_the_reference(background, bg_scores):
    model = pd.read_csv(EXAMPLES / "model_lime.csv", dtype=str, keep_default_na=False)
    _, score = _footprint(model, background, product="生石灰", file="model_lime.csv")
    assert abs(score / bg_scores["mat:quicklime"] - 1) < 0.25


def test_the_documented_demo_copies_are_the_demo_files():
    for key, (model, _, _, _) in demo_product_models().items():
        copy = pd.read_csv(EXAMPLES / f"model_{key}.csv", dtype=str, keep_default_na=False)
        pd.testing.assert_frame_equal(copy, model)


def test_demo_product_systems_are_the_models_with_their_rules(demo, background):
    systems = demo_product_systems(background)
    assert set(systems) == {"coke", "cement"}
    for key, (system, pid) in systems.items():
        assert unit_scores(system, "AR6")[pid] == pytest.approx(demo[key][2])
