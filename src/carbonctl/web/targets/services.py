"""The regional table an allocation starts from, built from the platform's data, and the side-by-
side comparison of allocation methods (carbonctl.targets does the arithmetic)."""

from __future__ import annotations

import pandas as pd
from django.db.models import Sum

from carbonctl import refdata
from carbonctl.errors import CarbonctlError
from carbonctl.targets import allocate
from carbonctl.web.inventories.models import Dataset, MacroFigure, RegionCell, RegionTotal

#: Methods compared on the workbench (ZSG-DEA needs labour and capital stock, which the
#: platform does not hold yet).
WORKBENCH_METHODS = ("equal", "grandfather", "per_capita", "gdp", "entropy_index")
#: CEADs fuel groups counted as coal for the non-coal share (coal and coal products).
COAL_GROUPS = {"Raw_Coal", "Cleaned_Coal", "Other_Washed_Coal", "Briquettes", "Coke"}


def coal_fuel_names() -> set[str]:
    """Every name a coal fuel may carry in inventory cells (Chinese, English, CEADs)."""
    fuels = refdata.load_table("fuels")
    coal = fuels[fuels["ceads_group"].isin(COAL_GROUPS)]
    return {*coal["name_zh"], *coal["name_en"], *coal["ceads_name"].loc[lambda s: s != ""]}


BURDEN_INDICATORS = {
    "gdp_per_capita": "+",
    "carbon_intensity": "+",
    "co2_per_capita": "+",
    "non_coal_share": "-",
}


def city_table(dataset: Dataset, base_year: int, annual_growth: float) -> pd.DataFrame:
    """Cities' base-year population, GDP (constant prices), CO2 and burden indicators, with the
    plan's last-year GDP projected at ``annual_growth`` a year (an assumption shown to users)."""
    macro = {
        m.region_id: m
        for m in MacroFigure.objects.filter(dataset=dataset, year=base_year, region__level="city")
    }
    co2 = dict(
        RegionTotal.objects.filter(dataset=dataset, year=base_year, region__level="city")
        .values_list("region_id")
        .annotate(t=Sum("tco2"))
    )
    coal = dict(
        RegionCell.objects.filter(
            dataset=dataset,
            year=base_year,
            region__level="city",
            fuel__in=coal_fuel_names(),
        )
        .values_list("region_id")
        .annotate(t=Sum("tco2"))
    )
    rows = []
    for adcode, figure in sorted(macro.items()):
        if adcode not in co2 or not figure.gdp_constant or not figure.population:
            continue
        rows.append(
            {
                "region": adcode,
                "population": figure.population * 1e4,
                "gdp_base": figure.gdp_constant,
                "gdp_target": figure.gdp_constant * (1 + annual_growth) ** 5,
                "co2_base": co2[adcode],
                "coal_share": coal.get(adcode, 0.0) / co2[adcode],
            }
        )
    table = pd.DataFrame(rows)
    if table.empty:
        raise CarbonctlError(f"no city figures for {base_year} in dataset {dataset.code}")
    table["gdp_per_capita"] = table["gdp_base"] * 1e8 / table["population"]
    table["carbon_intensity"] = table["co2_base"] / (table["gdp_base"] * 1e4)
    table["co2_per_capita"] = table["co2_base"] / table["population"]
    table["non_coal_share"] = 1.0 - table["coal_share"]
    return table


def compare(table: pd.DataFrame, target: float) -> dict[str, object]:
    """Every workbench method on the same table: reductions and caps per city, achieved province
    reduction and fairness figures per method (a method that cannot serve the table says why)."""
    results, problems = {}, {}
    for method in WORKBENCH_METHODS:
        options = {"indicators": BURDEN_INDICATORS} if method == "entropy_index" else {}
        try:
            results[method] = allocate(method, table, target, **options)
        except CarbonctlError as exc:
            problems[method] = str(exc)
    return {"results": results, "problems": problems}
