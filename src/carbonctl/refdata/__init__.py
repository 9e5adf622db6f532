"""Versioned, cited reference data (参考数据): fuel parameters by factor set, standard-coal
coefficients, grid and heat factors, process factors, GWPs, regions, the CEADs layout and the three
sector classifications (GB/T 4754-2017, 全社会用电分类, CEADs) with the mappings between them.

Every table keeps its ``source`` and ``status`` columns (CONFIRMED / SECONDARY / UNCONFIRMED …) so
users see how firm a value is. Administrators add a factor set without a code change by dropping
CSV files into a folder named in ``CARBONCTL_REFDATA_DIRS`` (see :func:`extra_dirs`).
"""

from __future__ import annotations

import difflib
import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pandas as pd

from carbonctl.errors import RefdataError, UnknownNameError

__all__ = [
    "PROVINCE",
    "Fuel",
    "GridFactor",
    "Material",
    "Region",
    "describe_tables",
    "factor_set_ids",
    "factor_sets",
    "find_fuel",
    "find_material",
    "find_region",
    "fuel_factors",
    "grid_factor",
    "gwp",
    "heat_factor",
    "load_table",
    "map_sectors",
    "normalise_name",
    "process_factor",
    "sector_scheme",
]

DEFAULT_FACTOR_SET = "GB/T 32150-2015"
NATIONAL = "100000"
#: The province carbonctl serves (Shanxi, 山西省): the root of the region tree and of every roll-up.
PROVINCE = "140000"

#: Table name -> (file, what it holds). Factor-set tables may be extended from extra folders.
TABLES: dict[str, tuple[str, str]] = {
    "factor_sets": ("factor_sets.csv", "named factor sets and their sources"),
    "fuels": ("fuels.csv", "fuel catalogue: Chinese/English names, CEADs codes, physical units"),
    "fuel_factors": ("fuel_factors.csv", "NCV, carbon content, oxidation rate by factor set"),
    "standard_coal": ("standard_coal.csv", "standard-coal coefficients (GB/T 2589-2020)"),
    "grid_factors": ("grid_factors.csv", "electricity CO2 factors by year, region and basis"),
    "heat_factors": ("heat_factors.csv", "purchased-heat CO2 factor"),
    "process_factors": ("process_factors.csv", "industrial-process CO2 factors"),
    "process_materials": ("process_materials.csv", "process materials and how each is computed"),
    "gwp": ("gwp.csv", "100-year GWPs (SAR, AR4, AR5, AR6)"),
    "regions": ("regions.csv", "China, its provinces, Shanxi's cities and counties (adcodes)"),
    "ceads_layout": ("ceads_layout.csv", "CEADs 17 fuels x 47 sectors and key-industry mapping"),
    "ceads_shanxi_key_industries": (
        "ceads_shanxi_key_industries.csv",
        "CEADs Shanxi emissions by key industry, 2019 and 2022",
    ),
    "uncertainty_defaults": (
        "uncertainty_defaults.csv",
        "default 95% uncertainty ranges for Monte Carlo propagation",
    ),
    "shanxi_county_names_en": (
        "shanxi_county_names_en.csv",
        "English (pinyin) names of Shanxi's 117 county-level units",
    ),
    "gbt4754_2017": (
        "gbt4754_2017.csv",
        "GB/T 4754-2017 industries: 20 sections, 97 divisions, key industries",
    ),
    "electricity_use_classes": (
        "electricity_use_classes.csv",
        "全社会用电分类: the electricity-use classes of China's power statistics",
    ),
    "sector_mappings": (
        "sector_mappings.csv",
        "mappings between GB/T 4754-2017, electricity-use classes and CEADs sectors",
    ),
}
EXTENSIBLE = ("factor_sets", "fuel_factors")


def extra_dirs() -> tuple[Path, ...]:
    """Folders named in ``CARBONCTL_REFDATA_DIRS`` (``os.pathsep``-separated).

    A ``fuel_factors*.csv`` there adds factor sets (same columns as the packaged file) and a
    ``factor_sets*.csv`` describes them; nothing else is read from them.
    """
    value = os.environ.get("CARBONCTL_REFDATA_DIRS", "")
    return tuple(Path(p) for p in value.split(os.pathsep) if p)


def _packaged(file: str) -> pd.DataFrame:
    with resources.files("carbonctl.refdata").joinpath("data", file).open("rb") as handle:
        return pd.read_csv(handle, dtype=str, keep_default_na=False)


@lru_cache(maxsize=64)
def _load(name: str, extras: tuple[Path, ...]) -> pd.DataFrame:
    try:
        file, _ = TABLES[name]
    except KeyError:
        raise UnknownNameError("reference table", name, close_matches(name, list(TABLES))) from None
    frames = [_packaged(file)]
    if name in EXTENSIBLE:
        stem = file.removesuffix(".csv")
        for folder in extras:
            for path in sorted(folder.glob(f"{stem}*.csv")):
                extra = pd.read_csv(path, dtype=str, keep_default_na=False)
                missing = set(frames[0].columns) - set(extra.columns)
                if missing:
                    raise RefdataError(f"{path}: missing columns {sorted(missing)}")
                frames.append(extra[frames[0].columns])
    table = pd.concat(frames, ignore_index=True)
    if "source" not in table.columns:
        raise RefdataError(f"reference table {name} has no source column")
    return table


def load_table(name: str) -> pd.DataFrame:
    """Return a copy of reference table ``name`` (all columns as text, as stored)."""
    return _load(name, extra_dirs()).copy()


def describe_tables() -> pd.DataFrame:
    """One row per reference table: name, rows, what it holds, and its status labels."""
    rows = []
    for name, (file, what) in TABLES.items():
        table = load_table(name)
        labels = sorted({status_label(s) for s in table["status"]}) if "status" in table else []
        rows.append(
            {
                "table": name,
                "file": file,
                "rows": len(table),
                "contents": what,
                "status": ", ".join(labels),
            }
        )
    return pd.DataFrame(rows)


_STATUS = re.compile(r"^(CONFIRMED|SECONDARY|UNCONFIRMED|DESIGN PROPOSAL|INFERRED)")


def status_label(status: str) -> str:
    """The leading label of a status text (``"SECONDARY (2x)"`` -> ``"SECONDARY"``)."""
    match = _STATUS.match(str(status).strip())
    return match.group(1) if match else "UNLABELLED"


# --- names -------------------------------------------------------------------------------------


def normalise_name(text: object) -> str:
    """Name key for lookups: NFKC, lower case, no spaces, underscores or hyphens."""
    cleaned = unicodedata.normalize("NFKC", str(text)).strip().lower()
    return re.sub(r"[\s_\-]+", "", cleaned)


def close_matches(name: str, candidates: list[str], n: int = 5) -> list[str]:
    key = normalise_name(name)
    keyed = {normalise_name(c): c for c in candidates}
    hits = difflib.get_close_matches(key, list(keyed), n=n, cutoff=0.4)
    contains = [c for k, c in keyed.items() if key and (key in k or k in key)]
    ordered = list(dict.fromkeys([*contains, *(keyed[h] for h in hits)]))
    return ordered[:n]


@dataclass(frozen=True)
class Fuel:
    """A fuel of the catalogue (燃料品种)."""

    fuel_id: str
    name_zh: str
    name_en: str
    ceads_name: str
    physical_unit: str


@lru_cache(maxsize=8)
def _fuel_index(extras: tuple[Path, ...]) -> dict[str, str]:
    fuels = _load("fuels", extras)
    index: dict[str, str] = {}
    for row in fuels.itertuples(index=False):
        names = [
            row.fuel_id,
            row.name_zh,
            row.name_en,
            row.ceads_name,
            f"{row.name_zh} {row.name_en}",
        ]
        names += [a for a in row.aliases.split(";") if a]
        for name in names:
            if name:
                index.setdefault(normalise_name(name), row.fuel_id)
    return index


def fuel_index() -> dict[str, str]:
    """Normalised name (Chinese, English, CEADs code, alias) -> fuel_id, for vectorised lookups."""
    return _fuel_index(extra_dirs())


def fuel_names() -> list[str]:
    """Display names of all fuels, for suggestions."""
    fuels = load_table("fuels")
    return [*fuels["name_zh"], *fuels["name_en"], *fuels["ceads_name"].loc[lambda s: s != ""]]


def find_fuel(name: object) -> Fuel:
    """Find a fuel by Chinese name, English name, CEADs code or alias.

    Raises :class:`UnknownNameError` listing the closest known names when nothing matches.
    """
    fuel_id = fuel_index().get(normalise_name(name))
    if fuel_id is None:
        raise UnknownNameError("fuel", name, close_matches(str(name), fuel_names()))
    row = load_table("fuels").set_index("fuel_id").loc[fuel_id]
    return Fuel(fuel_id, row["name_zh"], row["name_en"], row["ceads_name"], row["physical_unit"])


# --- factor sets -------------------------------------------------------------------------------


def factor_set_ids() -> list[str]:
    """Factor sets available (packaged and added by administrators)."""
    return list(dict.fromkeys(load_table("fuel_factors")["factor_set"]))


def resolve_factor_set(factor_set: str | None) -> str:
    """The factor-set id to use; raises with the known ids when ``factor_set`` is unknown."""
    if factor_set is None:
        return DEFAULT_FACTOR_SET
    ids = factor_set_ids()
    by_key = {normalise_name(i): i for i in ids}
    found = by_key.get(normalise_name(factor_set))
    if found is None:
        raise UnknownNameError("factor set", factor_set, ids)
    return found


def fuel_factors(factor_set: str | None = None) -> pd.DataFrame:
    """Default fuel parameters of one factor set, indexed by ``fuel_id``.

    Columns: unit, ncv_GJ_per_unit, cc_tC_per_GJ, oxidation_rate (floats), status, source.
    The frame's ``attrs["factor_set"]`` names the set.
    """
    set_id = resolve_factor_set(factor_set)
    table = load_table("fuel_factors")
    table = table[table["factor_set"] == set_id].copy()
    for column in ("ncv_GJ_per_unit", "cc_tC_per_GJ", "oxidation_rate"):
        table[column] = pd.to_numeric(table[column], errors="coerce")
    table = table.drop_duplicates("fuel_id", keep="last").set_index("fuel_id")
    table.attrs["factor_set"] = set_id
    return table[FUEL_FACTOR_COLUMNS]


#: Columns of :func:`fuel_factors` (besides the ``fuel_id`` index).
FUEL_FACTOR_COLUMNS = [
    "fuel",
    "unit",
    "ncv_GJ_per_unit",
    "cc_tC_per_GJ",
    "oxidation_rate",
    "status",
    "note",
    "source",
]


def factor_sets() -> list[dict[str, str]]:
    """Every factor set with its titles, status and source (an added set without a description
    in ``factor_sets*.csv`` says so)."""
    described = load_table("factor_sets").drop_duplicates("factor_set", keep="last")
    described = described.set_index("factor_set")
    out = []
    for code in factor_set_ids():
        row = described.loc[code] if code in described.index else None
        out.append(
            {
                "code": code,
                "title_zh": row["title_zh"] if row is not None else "",
                "title_en": row["title_en"] if row is not None else "",
                "status": row["status"] if row is not None else "added factor set (no description)",
                "source": row["source"] if row is not None else "",
            }
        )
    return out


# --- regions and grid factors -------------------------------------------------------------------

_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "省", "市")


@dataclass(frozen=True)
class Region:
    """An administrative region (行政区划) by adcode."""

    adcode: str
    level: str
    name_zh: str
    province_adcode: str
    grid_region: str


def _base_name(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name.removesuffix(suffix)
    return name


@lru_cache(maxsize=8)
def _region_index(extras: tuple[Path, ...]) -> dict[str, str]:
    regions = _load("regions", extras)
    index: dict[str, str] = {}
    # Counties first, so that a city or province of the same name wins on setdefault below.
    for row in regions.iloc[::-1].itertuples(index=False):
        for name in (row.adcode, row.name_zh, _base_name(row.name_zh), row.name_en):
            if name:
                index[normalise_name(name)] = row.adcode
    return index


def find_region(text: object) -> Region:
    """A region by adcode (``140000``) or Chinese/English name (``山西``, ``山西省``, ``Shanxi``).

    Two Shanxi counties share the name 城区; give those by adcode.
    """
    key = normalise_name(str(text).removesuffix(".0"))
    regions = load_table("regions").set_index("adcode")
    adcode = _region_index(extra_dirs()).get(key)
    if adcode is None and key.isdigit() and len(key) == 6:
        province = key[:2] + "0000"
        if province in regions.index:  # a valid province prefix: a county we do not list
            adcode = province
    if adcode is None:
        names = [*regions["name_zh"], *regions.index]
        raise UnknownNameError("region", text, close_matches(str(text), names))
    row = regions.loc[adcode]
    province = NATIONAL if adcode == NATIONAL else adcode[:2] + "0000"
    grid_region = regions.loc[province, "grid_region"] if province in regions.index else ""
    return Region(adcode, row["level"], row["name_zh"], province, grid_region)


@dataclass(frozen=True)
class GridFactor:
    """The electricity CO2 factor chosen for a region, year and basis (电网排放因子)."""

    factor_id: str
    value_tco2_per_mwh: float
    data_year: int
    basis: str
    region: str
    provisional: bool
    note: str
    status: str
    source: str


GRID_BASES = ("provincial", "national", "ets", "residual")


@lru_cache(maxsize=8)
def _grid_table(extras: tuple[Path, ...]) -> pd.DataFrame:
    table = _load("grid_factors", extras).copy()
    table["data_year"] = table["data_year"].astype(int)
    table["value"] = table["value_tCO2_per_MWh"].astype(float)
    return table


def _pick_year(candidates: pd.DataFrame, year: int, ets: bool) -> tuple[pd.Series, bool, str]:
    earlier = candidates[candidates["data_year"] <= year]
    if not earlier.empty:
        row = earlier.loc[earlier["data_year"].idxmax()]
        if row["data_year"] == year:
            return row, False, ""
        if ets:  # after the last listed reporting year the ETS keeps its last value
            return row, False, f"ETS reporting factor of {row['data_year']} still in force"
        return row, True, f"provisional: {year} not yet published, {row['data_year']} used"
    row = candidates.loc[candidates["data_year"].idxmin()]
    return row, True, f"provisional: no factor before {row['data_year']}, {row['data_year']} used"


def grid_factor(region: str | None, year: int, basis: str = "provincial") -> GridFactor:
    """Choose the grid emission factor for electricity used in ``year`` in ``region``.

    Rules (refdata README): provincial/national factors by ``data_year`` = year of use, newest
    earlier year when not yet published (provisional); provincial falls back to the grid region,
    then national. ``ets`` factors are by reporting year, the last value after the last year.
    ``residual`` is the national factor excluding market-traded non-fossil power (market-based).
    """
    if basis not in GRID_BASES:
        raise UnknownNameError("grid basis", basis, list(GRID_BASES))
    key = None if region is None else str(region)
    return _grid_factor(key, int(year), basis, extra_dirs())


@lru_cache(maxsize=4096)
def _grid_factor(region: str | None, year: int, basis: str, extras: tuple[Path, ...]) -> GridFactor:
    table = _grid_table(extras)
    scope_rows = {
        "national": table[
            (table["scope"] == "national") & table["basis"].str.startswith("电力平均")
        ],
        "residual": table[
            (table["scope"] == "national") & table["basis"].str.startswith("不包括市场化交易")
        ],
        "ets": table[table["scope"] == "ets"],
    }
    notes: list[str] = []
    if basis == "provincial":
        place = find_region(region if region is not None else NATIONAL)
        regions = load_table("regions").set_index("adcode")
        short = _base_name(regions.loc[place.province_adcode, "name_zh"])
        levels = [
            (short, table[(table["scope"] == "province") & (table["region"] == short)]),
            (
                place.grid_region,
                table[(table["scope"] == "regional") & (table["region"] == place.grid_region)],
            ),
            ("全国", scope_rows["national"]),
        ]
    else:
        levels = [("全国", scope_rows[basis])]
    levels = [(label, rows) for label, rows in levels if not rows.empty]
    # The first level with a factor for the year or an earlier one; else the first level's earliest.
    label, candidates = next(
        ((lab, rows) for lab, rows in levels if (rows["data_year"] <= int(year)).any()), levels[0]
    )
    if basis == "provincial" and label != levels[0][0]:
        notes.append(f"no factor for {levels[0][0]} in {year}: {label} used")
    row, provisional, note = _pick_year(candidates, int(year), basis == "ets")
    if note:
        notes.append(note)
    return GridFactor(
        factor_id=row["factor_id"],
        value_tco2_per_mwh=float(row["value"]),
        data_year=int(row["data_year"]),
        basis=basis,
        region=label,
        provisional=provisional,
        note="; ".join(notes),
        status=row["status"],
        source=row["source"],
    )


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
    for row in _load("process_materials", extras).itertuples(index=False):
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

GWP_VERSIONS = ("SAR", "AR4", "AR5", "AR6")


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


# --- sector classifications ----------------------------------------------------------------------

#: Sector classification (行业分类) -> what it is. ``ceads`` codes are the CEADs sector names.
SECTOR_SCHEMES: dict[str, str] = {
    "gbt4754_2017": "GB/T 4754-2017 国民经济行业分类: sections 门类 A–T, divisions 大类 01–97",
    "electricity_use": "全社会用电分类: electricity-use classes of power statistics (our codes)",
    "ceads": "CEADs 47 sectors (energy-balance industry list), by name",
}
_SCHEME_ALIASES = {
    "gbt4754_2017": ("GB/T 4754-2017", "GB/T 4754", "gbt4754", "国民经济行业分类"),
    "electricity_use": ("electricity", "electricity_use_classes", "全社会用电分类"),
    "ceads": ("CEADs sectors",),
}
SECTOR_COLUMNS = [
    "code",
    "level",
    "parent",
    "name_zh",
    "name_en",
    "key_industry",
    "status",
    "source",
]
_CEADS_STATUS = (
    "CONFIRMED (sector names read from the CEADs inventory workbooks, ceads_layout.csv); "
    "key_industry DESIGN PROPOSAL (mapping proposed by the research)"
)
_INVERSE = {"part_of": "consists_of", "consists_of": "part_of"}
# Row numbering in the power statistics' class names: "二、工业", "（二）制造业", "其中：…".
_CLASS_PREFIX = re.compile(
    r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|[AB]、|其中：)"
)


def resolve_sector_scheme(name: str) -> str:
    """The id of a sector classification; raises with the known ids when ``name`` is unknown."""
    keys = {normalise_name(s): s for s in SECTOR_SCHEMES}
    keys.update({normalise_name(a): s for s, aliases in _SCHEME_ALIASES.items() for a in aliases})
    scheme = keys.get(normalise_name(name))
    if scheme is None:
        raise UnknownNameError("sector scheme", name, list(SECTOR_SCHEMES))
    return scheme


def sector_scheme(name: str) -> pd.DataFrame:
    """The codes of one sector classification (行业分类), one row each.

    Columns: code, level, parent, name_zh, name_en, key_industry, status, source. ``key_industry``
    names the seed's key-industry group (电力热力 power & heat, 钢铁 steel, …) with the labels of
    ``ceads_layout.csv``; it is empty for the electricity-use classes and GB/T 4754 sections.
    """
    scheme = resolve_sector_scheme(name)
    if scheme == "ceads":
        layout = load_table("ceads_layout")
        sectors = layout[layout["kind"] == "sector"]
        return pd.DataFrame(
            {
                "code": sectors["name"],
                "level": "sector",
                "parent": "",
                "name_zh": "",
                "name_en": sectors["name"],
                "key_industry": sectors["platform_key_industry_mapping"],
                "status": _CEADS_STATUS,
                "source": sectors["source"],
            }
        ).reset_index(drop=True)
    table = load_table("gbt4754_2017" if scheme == "gbt4754_2017" else "electricity_use_classes")
    if "key_industry" not in table.columns:
        table["key_industry"] = ""
    return table[SECTOR_COLUMNS]


def _sector_index(table: pd.DataFrame) -> dict[str, str]:
    """Normalised code, Chinese or English name -> code; names also without their row numbering."""
    index: dict[str, str] = {}
    names_zh = table["name_zh"].str.replace(_CLASS_PREFIX, "", regex=True)
    for names in (table["name_en"], names_zh, table["name_zh"], table["code"]):  # codes win
        index.update({normalise_name(v): c for v, c in zip(names, table["code"], strict=True) if v})
    return index


def _sector_code(scheme: str, table: pd.DataFrame, index: dict[str, str], text: object) -> str:
    """The code of one sector given by code or name (``6`` is GB/T 4754 division ``06``)."""
    key = normalise_name(str(text).removesuffix(".0"))
    if scheme == "gbt4754_2017" and key.isdigit() and len(key) == 1:
        key = key.zfill(2)
    code = index.get(key)
    if code is None:
        candidates = [*table["code"], *table["name_zh"].loc[lambda s: s != ""]]
        raise UnknownNameError(f"{scheme} sector", text, close_matches(str(text), candidates))
    return code


def map_sectors(codes: str | Iterable[object], from_scheme: str, to_scheme: str) -> pd.DataFrame:
    """Map sector codes of one classification onto another (行业分类对照), weights kept.

    Returns one row per pair: from_code, to_code, relation, weight (float), status, note, source.
    ``part_of``: ``weight`` of the from-sector belongs to the to-sector; over one partition (GB/T
    4754 divisions to CEADs sectors) a code's weights sum to 1, and a split (橡胶和塑料制品业 ->
    Rubber + Plastic Products) carries fractional weights. ``consists_of``: the from-sector
    includes ``weight`` of the to-sector (1 = all of it), e.g. 第三产业 consists of divisions 05,
    11, 43 and 51–97. Mappings are kept in one direction and read backwards with the relation
    turned round, so CEADs -> GB/T 4754 works too. Codes may be given by code or name; an unknown
    one raises :class:`UnknownNameError` with the closest codes and names. A known code with no
    counterpart (CEADs "Logging and Transport of Wood and Bamboo" in GB/T 4754-2017) gives no row.
    An electricity-use class spanning several CEADs sectors (二、工业) reaches them through its
    GB/T 4754 divisions: map it to ``gbt4754_2017`` first, then those divisions to ``ceads``.
    """
    source_scheme = resolve_sector_scheme(from_scheme)
    target_scheme = resolve_sector_scheme(to_scheme)
    table = sector_scheme(source_scheme)
    index = _sector_index(table)
    given = [codes] if isinstance(codes, str) else list(codes)
    wanted = list(dict.fromkeys(_sector_code(source_scheme, table, index, c) for c in given))
    mappings = load_table("sector_mappings")
    forward = mappings[
        (mappings["from_scheme"] == source_scheme)
        & (mappings["to_scheme"] == target_scheme)
        & mappings["from_code"].isin(wanted)
    ]
    backward = mappings[
        (mappings["from_scheme"] == target_scheme)
        & (mappings["to_scheme"] == source_scheme)
        & mappings["to_code"].isin(wanted)
    ].rename(columns={"from_code": "to_code", "to_code": "from_code"})
    backward = backward.assign(relation=backward["relation"].map(_INVERSE))
    columns = ["from_code", "to_code", "relation", "weight", "status", "note", "source"]
    rows = pd.concat([forward[columns], backward[columns]], ignore_index=True)
    rows = rows.drop_duplicates(["from_code", "to_code", "relation"])
    rows["weight"] = rows["weight"].astype(float)
    order = {code: i for i, code in enumerate(wanted)}
    rows = rows.sort_values("from_code", key=lambda s: s.map(order), kind="stable")
    return rows.reset_index(drop=True)
