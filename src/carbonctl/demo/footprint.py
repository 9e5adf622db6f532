"""Demo product models for footprints (演示产品模型): a Shanxi coke plant and a cement plant as
foreground models (:mod:`carbonctl.footprint.foreground`), for the web demo and the tests.

These are demo data, not reference data: plausible annual figures of a mid-size plant, each row
saying where its figure comes from in the CSV's ``note`` column.

- ``coke_model.csv`` — a 1 Mt/a top-charged coke plant with its own coal washery. Washing:
  2.0 Mt of raw coal to 1.33 Mt of washed coking coal (66.5% yield; Shanxi washeries of coking
  coal commonly reach 55-70%) and 0.5 Mt of middlings sold as fuel (co-product). Coking: 1.33 t
  of washed coal per t of coke, ovens underfired with about 190 Nm3 of own coke-oven gas per t,
  32 kWh and 0.3 GJ of steam per t; co-products are the surplus gas (about 240 Nm3/t), tar (3.8%)
  and crude benzene (1.1%) — the usual yields of top-charged ovens. Prices (CNY) are
  round demo figures for economic allocation. Its default allocation is by energy (the NCVs
  come from the fuel factor set).
- ``cement_model.csv`` — a 2 Mt/a cement plant: own limestone quarry (0.9 kg diesel and 2 kWh
  per t), raw meal (85% limestone, clay, sand, pyrite cinder; 16 kWh/t), a precalciner kiln
  (1.55 t raw meal, about 3.1 GJ of bituminous coal, 30 kWh and 0.525 t of calcination CO2 per t
  of clinker) and cement grinding (75% clinker, 5% gypsum, 15% slag, 5% limestone filler,
  35 kWh/t) making P·O 42.5 cement. Slag and pyrite cinder are wastes of other industries and
  carry no burden (cut-off rule).
"""

from __future__ import annotations

import pandas as pd

from carbonctl.demo import demo_file
from carbonctl.footprint.background import starter_background
from carbonctl.footprint.foreground import foreground_system, product_process
from carbonctl.footprint.system import System

__all__ = ["DEMO_ALLOCATION", "DEMO_GRID_YEAR", "demo_product_models", "demo_product_systems"]

#: Allocation rule each demo model is meant to be computed with.
DEMO_ALLOCATION = {"coke": "energy", "cement": "mass"}
#: Year of the grid electricity the demo plants use.
DEMO_GRID_YEAR = 2023

_MODELS = {
    # key: (file, product, output amount, output unit)
    "coke": ("coke_model.csv", "焦炭", 1_000_000.0, "t"),
    "cement": ("cement_model.csv", "水泥", 2_000_000.0, "t"),
}


def demo_product_models() -> dict[str, tuple[pd.DataFrame, str, float, str]]:
    """The demo foreground models: key -> (model table, product, output amount, output unit)."""
    out = {}
    for key, (file, product, amount, unit) in _MODELS.items():
        path = demo_file(f"footprint/{file}")
        model = pd.read_csv(path, dtype=str, keep_default_na=False)
        model.attrs["file"] = file
        out[key] = (model, product, amount, unit)
    return out


def demo_product_systems(background: System | None = None) -> dict[str, tuple[System, str]]:
    """The demo products as systems on ``background`` (default the starter set), each with its
    allocation rule and grid year: key -> (system, id of the product's process)."""
    background = background if background is not None else starter_background()
    out = {}
    for key, (model, product, amount, unit) in demo_product_models().items():
        system = foreground_system(
            model,
            background,
            product=product,
            output_amount=amount,
            output_unit=unit,
            file=model.attrs["file"],
            allocation=DEMO_ALLOCATION[key],
            year=DEMO_GRID_YEAR,
        )
        out[key] = (system, product_process(system))
    return out
