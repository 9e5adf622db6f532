"""What the synthetic Shanxi demo is built from (演示数据来源): the bundled CEADs and regional
tables, the dataset type and its error. Every generator module of the demo reads them here."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import pandas as pd

from carbonctl import refdata
from carbonctl.demo import params
from carbonctl.errors import CarbonctlError

PROVINCE = refdata.PROVINCE
ALL_YEARS = range(params.FIRST_YEAR, params.LAST_YEAR + 1)
PROCESS = "Process"
MT = 1e6  # tCO2 per MtCO2

CEADS_FILES = {
    "by_fuel": "ceads_shanxi_province_totals_by_fuel_MtCO2.csv",
    "totals": "ceads_shanxi_totals_1998_2022_MtCO2.csv",
    "matrix_2015": "ceads_shanxi_2015_sector_by_fuel_MtCO2.csv",
    "matrix_2019": "ceads_shanxi_2019_sector_by_fuel_MtCO2.csv",
    "cities": "ceads_shanxi_cities_MtCO2.csv",
}
REGION_FILES = {"macro": "shanxi_macro.csv", "cities": "shanxi_cities.csv"}


class DemoDataError(CarbonctlError, ValueError):
    """A request the demo generator cannot serve (years outside 2015–2025, a broken data file)."""


@dataclass(frozen=True)
class DemoDataset:
    """The synthetic Shanxi demo tables (long form) and how they were made.

    ``energy`` and ``process`` are county-level; cities and the province are their sums. Every
    table that is not a published statistic carries ``status`` = ``SYNTHETIC (demo)``.
    """

    regions: pd.DataFrame
    energy: pd.DataFrame
    process: pd.DataFrame
    macro: pd.DataFrame
    enterprises: pd.DataFrame
    enterprise_energy: pd.DataFrame
    meta: dict[str, Any] = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Name -> table, in the order :func:`write_dataset` writes them."""
        return {
            "regions": self.regions,
            "energy": self.energy,
            "process": self.process,
            "macro": self.macro,
            "enterprises": self.enterprises,
            "enterprise_energy": self.enterprise_energy,
        }


# --- package data -------------------------------------------------------------------------------


def _read(folder: str, file: str) -> pd.DataFrame:
    path = resources.files("carbonctl.demo").joinpath("data", folder, file)
    with path.open("rb") as handle:
        return pd.read_csv(handle)


def ceads_table(name: str) -> pd.DataFrame:
    """A CEADs Shanxi table bundled with the demo (``by_fuel``, ``totals``, ``matrix_2015``,
    ``matrix_2019``, ``cities``), unchanged with its ``source`` column."""
    return _read("ceads", CEADS_FILES[name])


def region_table(name: str) -> pd.DataFrame:
    return _read("regions", REGION_FILES[name])
