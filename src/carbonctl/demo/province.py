"""The demo electricity history as a province would publish it (演示省级统计数据, issue 16): the
four tables of ``docs/methodology/electricity-province-data.md`` — annual inventories, monthly
electricity use, generation by fuel and industrial output — at the level and sector detail a
statistics bureau has, in its units (亿千瓦时 / 万千瓦时, 万吨), rounded as published, with
January–February given only as their year-to-date sum.

**Synthetic**: the figures are the demo history's (``carbonctl.demo.electricity``); only their
form is realistic. Used to backtest the annual estimate on a province-level set
(``carbonctl electricity demo-data``, ``carbonctl electricity backtest --data``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import pandas as pd

from carbonctl import refdata
from carbonctl.electricity.model import ModelInputs
from carbonctl.electricity.schema import THERMAL_FUELS, class_coverage, model_sectors

__all__ = ["DETAILS", "LEVELS", "province_tables", "write_province_folder"]

LEVELS: Final = ("province", "city", "county")
#: Sector detail of electricity use: all use only; the NEA release's three industries, 工业 and
#: residents; or those plus a class per model sector (a grid company's table).
DETAILS: Final = ("total", "three", "classes")
#: The classes of the NEA monthly release (全社会用电量 by 三次产业, 其中工业, 城乡居民生活用电).
RELEASE_CLASSES: Final = {
    "P1": "第一产业",
    "P2": "第二产业",
    "A02": "工业",
    "P3": "第三产业",
    "B": "城乡居民生活用电",
}
#: Generation fuels of the demo -> the NBS release's categories.
FUELS: Final = {**dict.fromkeys(sorted(THERMAL_FUELS), "火电"), "wind": "风电", "solar": "太阳能"}
#: Output products of the demo -> the NBS release's names.
PRODUCTS: Final = {"coke": "焦炭", "crude_steel": "粗钢", "cement": "水泥", "aluminium": "电解铝"}
#: (unit, divisor from kWh) of electricity by level: provinces and cities publish 亿千瓦时,
#: counties 万千瓦时; amounts are rounded to two decimals of that unit.
POWER_UNITS: Final = {
    "province": ("亿千瓦时", 1e8),
    "city": ("亿千瓦时", 1e8),
    "county": ("万千瓦时", 1e4),
}


def _region_column(table: pd.DataFrame, level: str, counties: pd.DataFrame) -> pd.Series:
    """The region of each county row at ``level``: the county's adcode, its city's Chinese
    name, or 山西省."""
    if level == "county":
        return table["county"].astype(str)
    if level == "province":
        return pd.Series("山西省", index=table.index)
    names = refdata.load_table("regions").set_index("adcode")["name_zh"]
    city = table["county"].map(counties.set_index("county")["city"])
    return city.map(names)


def _months(
    table: pd.DataFrame, key: str, amount: str, divisor: float, unit: str, jan_feb: bool
) -> pd.DataFrame:
    """Monthly rows ``region, period, <key>, amount, unit, basis``, rounded to two decimals;
    with ``jan_feb`` January and February are given only as their sum (ytd, period YYYY-02)."""
    month = table["month"].astype(str)
    year, number = month.str[:4], month.str[5:7].astype(int)
    period = year + "-" + number.clip(lower=2 if jan_feb else 1).map("{:02d}".format)
    grouped = (
        table.assign(period=period)
        .groupby(["region", "period", key], as_index=False, sort=True)[amount]
        .sum()
    )
    return pd.DataFrame(
        {
            "region": grouped["region"],
            "period": grouped["period"],
            key: grouped[key],
            "amount": (grouped[amount] / divisor).round(2),
            "unit": unit,
            "basis": (grouped["period"].str.endswith("-02") & jan_feb).map(
                {True: "ytd", False: "month"}
            ),
        }
    )


def _electricity(inputs: ModelInputs, level: str, detail: str, jan_feb: bool) -> pd.DataFrame:
    monthly = inputs.monthly.assign(region=_region_column(inputs.monthly, level, inputs.counties))
    parts = [monthly.assign(sector="全社会用电量")]
    if detail != "total":
        for code, name in RELEASE_CLASSES.items():
            covered = monthly["sector"].isin(class_coverage(code))
            parts.append(monthly[covered].assign(sector=name))
    if detail == "classes":
        # the history has one figure per model sector: a sector of several classes (A05–A11)
        # is written under its first class, which the model maps back to the same sector
        first = {s.code: s.includes[0] for s in model_sectors()}
        parts.append(monthly.assign(sector=monthly["sector"].map(first)))
    unit, divisor = POWER_UNITS[level]
    return _months(pd.concat(parts, ignore_index=True), "sector", "kwh", divisor, unit, jan_feb)


def _generation(inputs: ModelInputs, level: str, jan_feb: bool) -> pd.DataFrame:
    plants = inputs.generation[inputs.generation["fuel"].isin(FUELS)]
    table = plants.assign(
        region=_region_column(plants, level, inputs.counties),
        fuel=plants["fuel"].map(FUELS),
        kwh=plants["mwh"] * 1000.0,
    )
    unit, divisor = POWER_UNITS[level]
    return _months(table, "fuel", "kwh", divisor, unit, jan_feb)


def _output(inputs: ModelInputs, level: str, jan_feb: bool) -> pd.DataFrame:
    """Output is published by city: a county set has it by city (levels mix in one folder), a
    province set sums it."""
    output = inputs.output
    names = refdata.load_table("regions").set_index("adcode")["name_zh"]
    region = output["city"].astype(str).map(names) if level != "province" else "山西省"
    table = output.assign(region=region, product=output["product"].map(PRODUCTS))
    return _months(table, "product", "amount", 1e4, "万吨", jan_feb)


def _annual(inputs: ModelInputs, level: str, sectors: bool) -> pd.DataFrame:
    annual = inputs.annual.assign(region=_region_column(inputs.annual, level, inputs.counties))
    keys = ["region", "year", "sector"] if sectors else ["region", "year"]
    found = annual.groupby(keys, as_index=False, sort=True)["tco2"].sum()
    if not sectors:
        found.insert(2, "sector", "ALL")
    return found[["region", "year", "sector", "tco2"]].assign(tco2=found["tco2"].round(0))


def province_tables(
    inputs: ModelInputs,
    *,
    level: str = "province",
    detail: str = "three",
    annual_by_sector: bool = True,
    jan_feb_together: bool = True,
) -> dict[str, pd.DataFrame]:
    """The four tables (``annual``, ``electricity``, ``generation``, ``output``) of the demo
    history ``inputs`` at ``level`` (province, city, county) with electricity use at
    ``detail`` (:data:`DETAILS`); inventories by model sector or as totals only; January and
    February as one year-to-date figure (as the bureaus publish) or as months."""
    if level not in LEVELS:
        raise ValueError(f"level {level!r}: expected one of {', '.join(LEVELS)}")
    if detail not in DETAILS:
        raise ValueError(f"detail {detail!r}: expected one of {', '.join(DETAILS)}")
    return {
        "annual": _annual(inputs, level, annual_by_sector),
        "electricity": _electricity(inputs, level, detail, jan_feb_together),
        "generation": _generation(inputs, level, jan_feb_together),
        "output": _output(inputs, level, jan_feb_together),
    }


def write_province_folder(
    inputs: ModelInputs,
    folder: str | Path,
    *,
    level: str = "province",
    detail: str = "three",
    annual_by_sector: bool = True,
    jan_feb_together: bool = True,
) -> dict[str, int]:
    """Write :func:`province_tables` as ``annual.csv``, ``用电量.csv``, ``发电量.csv`` and
    ``产品产量.csv`` (UTF-8, Chinese stems for the published tables as a bureau names them);
    returns the rows written per table (a table without rows is not written)."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    stems = {
        "annual": "annual",
        "electricity": "用电量",
        "generation": "发电量",
        "output": "产品产量",
    }
    written = {}
    for name, table in province_tables(
        inputs,
        level=level,
        detail=detail,
        annual_by_sector=annual_by_sector,
        jan_feb_together=jan_feb_together,
    ).items():
        if table.empty:
            continue
        table.to_csv(out / f"{stems[name]}.csv", index=False, encoding="utf-8")
        written[name] = len(table)
    return written
