"""Factors beside the fuels': purchased heat (购入热力), industrial-process materials and their
factors (工业过程), and the 100-year GWPs (全球变暖潜势) of IPCC SAR to AR6."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from carbonctl.errors import RefdataError, UnknownNameError
from carbonctl.refdata.loader import (
    cached_table,
    close_matches,
    extra_dirs,
    load_table,
    normalise_name,
)

GWP_VERSIONS = ("SAR", "AR4", "AR5", "AR6")


def heat_factor() -> tuple[float, str, str]:
    """Purchased heat CO2 factor in tCO2/GJ with its status and source (0.11, GB/T 32150)."""
    row = load_table("heat_factors").iloc[0]
    return float(row["value"]), row["status"], row["source"]


# --- process materials -----------------------------------------------------------------------


@dataclass(frozen=True)
class Material:
    """A process material (工业过程 原料/产品) and how its CO2 is computed."""

    material_id: str
    name_zh: str
    name_en: str
    method: str
    factor: float | None
    default_direction: str
    status: str
    source: str


@lru_cache(maxsize=8)
def _material_index(extras: tuple[Path, ...]) -> dict[str, str]:
    index: dict[str, str] = {}
    for row in cached_table("process_materials", extras).itertuples(index=False):
        for name in (row.material_id, row.name_zh, row.name_en, *row.aliases.split(";")):
            if name:
                index.setdefault(normalise_name(name), row.material_id)
    return index


def material_index() -> dict[str, str]:
    """Normalised name -> material_id for process materials."""
    return _material_index(extra_dirs())


def process_factor(sector: str, material: str) -> tuple[float | None, str, str]:
    """(value, status, source) of one row of the process-factor table."""
    table = load_table("process_factors")
    hit = table[(table["sector"] == sector) & (table["material"] == material)]
    if hit.empty:
        raise RefdataError(f"process factor {sector}/{material} missing from process_factors.csv")
    row = hit.iloc[0]
    value = float(row["value"]) if row["value"] else None
    return value, row["status"], row["source"]


def find_material(name: object) -> Material:
    """Find a process material by Chinese or English name, formula or alias."""
    material_id = material_index().get(normalise_name(name))
    materials = load_table("process_materials").set_index("material_id")
    if material_id is None:
        names = [*materials["name_zh"], *materials["name_en"]]
        raise UnknownNameError("process material", name, close_matches(str(name), names))
    row = materials.loc[material_id]
    value, status, source = process_factor(row["factor_sector"], row["factor_material"])
    return Material(
        material_id,
        row["name_zh"],
        row["name_en"],
        row["method"],
        value,
        row["default_direction"],
        status,
        source,
    )


# --- GWP -----------------------------------------------------------------------------------------


def gwp(gas: str, version: str = "AR5") -> float:
    """100-year GWP of ``gas`` in IPCC ``version`` from the cited table (``CH4 fossil`` too)."""
    if version not in GWP_VERSIONS:
        raise UnknownNameError("GWP version", version, list(GWP_VERSIONS))
    table = load_table("gwp")
    keys = {normalise_name(g): g for g in table["gas"]}
    keys.update({normalise_name(g.split(" (")[0]): g for g in table["gas"]})
    gas_name = keys.get(normalise_name(gas))
    if gas_name is None:
        raise UnknownNameError("gas", gas, close_matches(gas, list(table["gas"])))
    value = table.loc[table["gas"] == gas_name, f"GWP100_{version}"].iloc[0]
    if value == "":
        raise RefdataError(f"no {version} GWP for {gas_name} in gwp.csv")
    return float(value)
