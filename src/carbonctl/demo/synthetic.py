"""Deterministic synthetic Shanxi demo dataset (山西演示数据集, 2015–2025): county sector × fuel
energy, cement, GDP, population and ~300 key enterprises, calibrated to the CEADs province figures.
Built in steps by ``inventory`` (1, 2, 5), ``regions`` (3, 4), ``economy`` (6) and ``enterprises``
(7) from ``sources``; this module puts them together (:func:`build_dataset`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from carbonctl.demo import params
from carbonctl.demo.economy import (
    ProvinceEconomy,
    macro_table,
    province_economy,
)
from carbonctl.demo.enterprises import (
    credit_code,
    enterprise_energy_rows,
    place_enterprises,
)
from carbonctl.demo.inventory import (
    ProvinceTargets,
    energy_rows,
    inventory_input,
    province_by_fuel,
    province_matrix,
    province_targets,
)
from carbonctl.demo.regions import (
    Cities,
    CitySplit,
    city_inputs,
    city_matrix,
    county_frame,
    county_weights,
    shanxi_regions,
    split_cities,
    split_counties,
)
from carbonctl.demo.sources import (
    ALL_YEARS,
    MT,
    PROCESS,
    DemoDataError,
    DemoDataset,
    ceads_table,
    region_table,
)

__all__ = [
    "DemoDataError",
    "DemoDataset",
    "build_dataset",
    "ceads_table",
    "city_inputs",
    "city_matrix",
    "credit_code",
    "inventory_input",
    "province_by_fuel",
    "province_matrix",
    "province_targets",
    "shanxi_regions",
    "split_cities",
    "write_dataset",
]

# --- the dataset ----------------------------------------------------------------------------------


def build_dataset(seed: int = 20240101, years: range = range(2015, 2026)) -> DemoDataset:
    """Build the synthetic Shanxi dataset for ``years`` (within 2015–2025).

    The same seed gives identical tables; a different seed changes the county split, the
    county economy and the enterprises, never the province or city figures. A shorter range of
    years gives the same rows for those years as the full build.
    """
    wanted = sorted(set(years))
    if not wanted or wanted[0] < ALL_YEARS.start or wanted[-1] >= ALL_YEARS.stop:
        raise DemoDataError(
            f"years {list(years)!r}: the demo covers {ALL_YEARS.start}–{ALL_YEARS.stop - 1}"
        )
    regions = shanxi_regions()
    targets = province_targets()
    province = province_matrix(targets)
    cities = city_inputs(regions)
    split = split_cities(province, cities)
    city = city_matrix(province, split.shares)
    counties = county_frame(regions, cities)
    rng = np.random.default_rng(seed)
    weights = county_weights(rng, counties, cities)
    county = split_counties(city, weights, counties["city_index"].to_numpy())
    cement = params.cement_factor()
    energy, process = energy_rows(county, counties, wanted, cement)
    economy = province_economy()
    macro = macro_table(rng, economy, cities, counties)
    macro = macro[macro["year"].isin(wanted)].reset_index(drop=True)
    enterprises, yearly = place_enterprises(rng, county, counties, cities)
    enterprise_energy = enterprise_energy_rows(enterprises, yearly, county, counties, wanted)
    meta = _meta(seed, wanted, targets, split, cities, economy, energy, process, cement)
    return DemoDataset(
        regions=regions[["adcode", "level", "name_zh", "name_en", "parent_adcode"]],
        energy=energy,
        process=process,
        macro=macro,
        enterprises=enterprises,
        enterprise_energy=enterprise_energy,
        meta=meta,
    )


def _meta(
    seed: int,
    years: list[int],
    targets: ProvinceTargets,
    split: CitySplit,
    cities: Cities,
    economy: ProvinceEconomy,
    energy: pd.DataFrame,
    process: pd.DataFrame,
    cement: float,
) -> dict[str, Any]:
    built = province_by_fuel(energy, process)
    wanted = targets.by_fuel.loc[years]
    published = ceads_table("by_fuel").set_index("year")[built.columns]
    common = [y for y in years if y in published.index]
    matrix_residual = {}
    for year in (y for y in params.MATRIX_YEARS if y in years):
        cells = energy[energy["year"] == year].groupby(["sector", "fuel"])["tco2"].sum() / MT
        ceads = targets.matrices[year].rename(columns=params.CEADS_TO_FUEL)
        ceads = ceads.drop(columns=PROCESS).stack()
        matrix_residual[str(year)] = float(
            (cells.reindex(ceads.index, fill_value=0) - ceads).abs().max()
        )
    city_years = [y for y in years if y in split.targets.index]
    return {
        "label": (
            "SYNTHETIC demo data for carbonctl, not statistics. Province CO2 by fuel equals the "
            "CEADs Shanxi inventory for 2015-2022 (sector x fuel for 2015 and 2019); cities, "
            "counties, enterprises, 2023-2025 and most GDP/population figures are generated."
        ),
        "seed": seed,
        "years": years,
        "factor_set": params.DEMO_FACTOR_SET,
        "cement_factor_tco2_per_t": cement,
        "demo_parameters": {k: list(v) for k, v in params.DEMO_PARAMETERS.items()},
        "calibration": {
            "province_by_fuel_MtCO2": {
                str(y): {c: _mt(v) for c, v in wanted.loc[y].items()} for y in years
            },
            "province_by_fuel_basis": {str(y): targets.basis[y] for y in years},
            "sector_by_fuel_years": [y for y in params.MATRIX_YEARS if y in years],
            "city_totals_MtCO2": {
                str(y): dict(zip(cities.adcodes, map(_mt, split.targets.loc[y]), strict=True))
                for y in city_years
            },
            "covered_cities_share_of_province": {
                str(y): round(split.covered_share[y], 6) for y in city_years
            },
            "ceads_city_MtCO2_used": {
                str(y): {a: float(v) for a, v in split.ceads_series.loc[y].dropna().items()}
                for y in city_years
            },
            "ceads_city_estimated": {
                str(y): sorted(split.estimated.columns[split.estimated.loc[y]]) for y in city_years
            },
        },
        "residuals": {
            "province_by_fuel_max_abs_MtCO2": float((built - wanted).abs().to_numpy().max()),
            "sector_by_fuel_max_abs_MtCO2": matrix_residual,
            "vs_published_by_fuel_table_max_abs_MtCO2": float(
                (built.loc[common] - published.loc[common]).abs().to_numpy().max()
            )
            if common
            else None,
            "note": (
                "the by-fuel table rounds to 4 decimals; 2015 and 2019 follow the 6-decimal "
                "sector x fuel tables, whose column sums differ from it by up to 5e-5 Mt"
            ),
        },
        "sources": {
            "ceads_province": sorted(set(ceads_table("by_fuel")["source"])),
            "ceads_matrices": sorted(
                {ceads_table(f"matrix_{y}")["source"].iloc[0] for y in params.MATRIX_YEARS}
            ),
            "ceads_cities": sorted(set(ceads_table("cities")["source"])),
            "macro": sorted(set(region_table("macro")["source"])),
        },
        "assumptions": {
            "trend": {
                "window": list(params.TREND_WINDOW),
                "cap": params.TREND_CAP,
                "damping": params.TREND_DAMPING,
                "share_damping": params.SHARE_DAMPING,
            },
            "city_profiles": {k: list(v) for k, v in params.CITY_PROFILES.items()},
            "profile_groups": list(params.PROFILE_GROUPS),
            "city_productivity": dict(params.CITY_PRODUCTIVITY),
            "real_growth": {str(k): v for k, v in params.REAL_GROWTH.items()},
            "deflator_change": {str(k): v for k, v in params.DEFLATOR_CHANGE.items()},
            "deflator_2020_is_1": {str(k): float(v) for k, v in economy.deflator.items()},
            "population_change": dict(params.POPULATION_CHANGE),
        },
        "counts": {
            "energy_rows": len(energy),
            "process_rows": len(process),
        },
    }


def _mt(value: float) -> float:
    """MtCO2 for meta.json: 9 decimals (1 kg) is finer than any source."""
    return round(float(value), 9)


def write_dataset(dataset: DemoDataset, folder: Path) -> None:
    """Write one UTF-8 CSV per table (``energy.csv`` …) and ``meta.json`` into ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, table in dataset.tables().items():
        table.to_csv(folder / f"{name}.csv", index=False, encoding="utf-8")
    with (folder / "meta.json").open("w", encoding="utf-8") as handle:
        json.dump(dataset.meta, handle, ensure_ascii=False, indent=2)
        handle.write("\n")
