"""One year's electricity–carbon assessment (年度电碳评估): the monthly nowcasts of the year so
far, the year before reconciled to its annual inventory, daily estimates and city bulletins —
everything the platform's electricity–carbon page shows, computed in one place.

For year Y with the inventory of Y−1 published:

- **current**: every month 1..M of Y nowcast with the model fitted through Y−1 (``basis`` =
  ``nowcast``), month and year-to-date rows with 90 % intervals;
- **previous**: every month of Y−1 nowcast with the model fitted through Y−2, then benchmarked to
  the Y−1 inventory county × sector by proportional Denton (``basis`` = ``reconciled``), summed to
  cities and the province; its interval is the point (the inventory is taken as exact);
- **bulletins**: each city's bulletin for every month of Y, against the same month of Y−1.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from carbonctl import refdata
from carbonctl.electricity import model as ec
from carbonctl.electricity.bulletin import Bulletin, city_bulletin
from carbonctl.electricity.pipeline import as_date, read_small_table
from carbonctl.electricity.reconcile import benchmark
from carbonctl.electricity.schema import (
    MONTH_COLUMNS,
    THERMAL_FUELS,
    model_sector_of,
    model_sectors,
    nonnegative_amounts,
)
from carbonctl.errors import InputError
from carbonctl.frames import map_unique

__all__ = [
    "ESTIMATE_COLUMNS",
    "YearAssessment",
    "assess_year",
    "daily_figures",
    "daily_power",
    "latest_inventory_before",
    "metered_inputs",
    "nowcast_month",
    "read_model_inputs",
    "rollup_sums",
]

ESTIMATE_COLUMNS = [
    "level",
    "region",
    "sector",
    "month",
    "kind",
    "basis",
    "kwh",
    "tco2",
    "lo",
    "hi",
]
ALL = refdata.ALL
GENERATION = [s.code for s in model_sectors() if s.side == "generation"]


@dataclass(frozen=True)
class YearAssessment:
    """The tables of :func:`assess_year` (``ESTIMATE_COLUMNS`` layout for both estimate tables)."""

    year: int
    through_year: int
    months: list[str]
    current: pd.DataFrame
    previous: pd.DataFrame
    coefficients: pd.DataFrame
    model: ec.FittedModel
    bulletins: list[Bulletin] = field(default_factory=list)


def _layout(table: pd.DataFrame, month: str, basis: str) -> pd.DataFrame:
    return table.assign(month=month, basis=basis)[ESTIMATE_COLUMNS]


def _months(year: int, last: int) -> list[str]:
    return [f"{year}-{m:02d}" for m in range(1, last + 1)]


def rollup_sums(
    cells: pd.DataFrame, cities: Mapping[str, str], value_columns: list[str]
) -> pd.DataFrame:
    """County × sector rows (``county, sector, month`` + values) -> county, city and province
    rows by sector and for all sectors (``ALL``), summed."""
    return refdata.roll_up(
        cells, by=["sector", "month"], values=value_columns, total="sector", cities=cities
    )


def _reconciled_year(data: ec.ModelInputs, year: int, cities: Mapping[str, str]) -> pd.DataFrame:
    """Months of ``year`` nowcast through ``year − 1`` and benchmarked to ``year``'s inventory."""
    fitted = ec.fit(data, through_year=year - 1)
    cells = []
    months = _months(year, 12)
    for month, result in zip(months, ec.nowcasts(fitted, data, months), strict=True):
        table = result.table
        rows = table[(table["level"] == "county") & (table["kind"] == "month")]
        cells.append(rows.rename(columns={"region": "county"}).assign(month=month))
    monthly = pd.concat(cells, ignore_index=True)
    monthly = monthly[monthly["sector"] != ALL]
    annual = data.annual[data.annual["year"] == year]
    adjusted = benchmark(monthly[["county", "sector", "month", "tco2"]], annual)
    monthly = monthly.assign(tco2=adjusted["adjusted"].to_numpy())
    # ALL's kWh is electricity use; the power sector's activity is generation, so ALL is rebuilt
    use = monthly.assign(kwh=monthly["kwh"].where(~monthly["sector"].isin(GENERATION), 0.0))
    sums = rollup_sums(
        monthly[["county", "sector", "month", "kwh", "tco2"]], cities, ["kwh", "tco2"]
    )
    use_sums = rollup_sums(use[["county", "sector", "month", "kwh", "tco2"]], cities, ["kwh"])
    is_all = sums["sector"] == ALL
    sums.loc[is_all, "kwh"] = use_sums.loc[use_sums["sector"] == ALL, "kwh"].to_numpy()
    months = sums.assign(kind="month")
    ytd = months.sort_values("month").copy()
    ytd[["kwh", "tco2"]] = ytd.groupby(["level", "region", "sector"])[["kwh", "tco2"]].cumsum()
    both = pd.concat([months, ytd.assign(kind="ytd")], ignore_index=True)
    both = both.assign(basis="reconciled", lo=both["tco2"], hi=both["tco2"])
    return both[ESTIMATE_COLUMNS]


def _region_names() -> dict[str, str]:
    regions = refdata.load_table("regions")
    return dict(zip(regions["adcode"].astype(str), regions["name_zh"], strict=True))


def assess_year(
    data: ec.ModelInputs,
    year: int,
    *,
    last_month: int = 12,
    names: Mapping[str, str] | None = None,
) -> YearAssessment:
    """Assess ``year`` up to ``last_month`` (see the module docstring). ``names`` maps adcodes
    to the names bulletins use (default: the Chinese names of the reference regions)."""
    if not 1 <= last_month <= 12:
        raise InputError(f"last month {last_month!r}", column="last_month", expected="1 to 12")
    years = set(data.annual["year"].astype(int))
    if year - 1 not in years or year - 2 not in years:
        raise InputError(
            f"no annual inventory for {year - 1} or {year - 2}",
            expected=f"inventories of the two years before {year} (have {min(years)}–{max(years)})",
        )
    cities = dict(zip(data.counties["county"], data.counties["city"], strict=True))
    fitted = ec.fit(data, through_year=year - 1)
    months = _months(year, last_month)
    current, coefficients = [], None
    for month, result in zip(months, ec.nowcasts(fitted, data, months), strict=True):
        current.append(_layout(result.table, month, "nowcast"))
        coefficients = result.coefficients
    current_table = pd.concat(current, ignore_index=True)
    previous = _reconciled_year(data, year - 1, cities)
    labels = dict(names) if names is not None else _region_names()
    bulletins = []
    for month in months:
        now = current_table[current_table["month"] == month]
        before_month = f"{year - 1}-{month[5:]}"
        before = previous[previous["month"] == before_month]
        for city in sorted(set(cities.values())):
            bulletins.append(city_bulletin(now, before, city, month, labels))
    return YearAssessment(
        year=year,
        through_year=year - 1,
        months=months,
        current=current_table,
        previous=previous,
        coefficients=coefficients,
        model=fitted,
        bulletins=bulletins,
    )


def daily_power(model: ec.FittedModel, generation_day: pd.DataFrame) -> pd.DataFrame:
    """Daily CO2 of the power sector from the generation side (发电侧日度估算): for each county
    with a power coefficient, ``k · A · exp(g·â + ĉ·(log D_day − log D_T))`` with A the day's
    generation (kWh), D the day's thermal share and D_T the source year's (as the monthly
    nowcast does). ``generation_day``: county, day, fuel, mwh. Returns county, day, kwh
    (generation), tco2; a day without thermal generation emits nothing."""
    power = GENERATION[0]
    table = generation_day.assign(
        county=generation_day["county"].astype(str),
        thermal=generation_day["mwh"].where(generation_day["fuel"].isin(THERMAL_FUELS), 0.0),
    )
    days = table.groupby(["county", "day"], as_index=False)[["mwh", "thermal"]].sum()
    coefficients = model.coefficients[model.coefficients["sector"] == power].set_index("county")
    base = model.base_drivers[model.base_drivers["sector"] == power]
    base = base.groupby("region")[["numerator", "denominator"]].sum()
    base_share = (base["numerator"] / base["denominator"]).where(base["denominator"] > 0)
    regression = model.regressions.set_index("sector").loc[power]
    a = float(regression["a"]) if pd.notna(regression["a"]) else 0.0
    c = float(regression["c"]) if pd.notna(regression["c"]) else 0.0
    k = coefficients["k"].reindex(days["county"]).to_numpy(dtype=float)
    share = (days["thermal"] / days["mwh"]).where(days["mwh"] > 0, 0.0).to_numpy(dtype=float)
    base_d = base_share.reindex(days["county"]).to_numpy(dtype=float)
    gap = pd.to_datetime(days["day"]).dt.year.to_numpy() - model.through_year
    with np.errstate(divide="ignore", invalid="ignore"):
        change = np.where(share > 0, np.log(share) - np.log(base_d), -np.inf)
        factor = np.exp(gap * a + c * change)
    kwh = days["mwh"].to_numpy(dtype=float) * 1000.0
    tco2 = np.nan_to_num(k * kwh * factor, nan=0.0, posinf=0.0)
    return pd.DataFrame({"county": days["county"], "day": days["day"], "kwh": kwh, "tco2": tco2})


def daily_figures(
    model: ec.FittedModel,
    day_table: pd.DataFrame,
    cities: Mapping[str, str],
    generation_day: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Pipeline day rows (county, industry, day, kwh, n_readings, n_flagged) -> estimated daily
    CO2, as county, city and province rows by model sector and ``ALL`` (columns level, region,
    sector, day, kwh, tco2, n_readings, n_flagged). Consumption sectors follow their meters. The
    power sector's CO2 follows generation: :func:`daily_power` of ``generation_day`` when given
    (its kWh stay the sector's own use), else none."""
    estimated = ec.daily_estimates(model, day_table)
    estimated["tco2"] = estimated["tco2"].fillna(0.0)
    if generation_day is not None:
        power = daily_power(model, generation_day).assign(sector=GENERATION[0])
        power["day"] = map_unique([power["day"]], as_date)
        estimated["day"] = map_unique([estimated["day"]], as_date)
        keys = ["county", "sector", "day"]
        own_use = estimated[estimated["sector"] == GENERATION[0]]
        own_use = own_use.groupby(keys, as_index=False)[["kwh", "n_readings", "n_flagged"]].sum()
        merged = power[[*keys, "tco2"]].merge(own_use, on=keys, how="outer")
        merged = merged.fillna({"tco2": 0.0, "kwh": 0.0, "n_readings": 0, "n_flagged": 0})
        estimated = pd.concat(
            [estimated[estimated["sector"] != GENERATION[0]], merged], ignore_index=True
        )
    cells = estimated.rename(columns={"day": "month"})[
        ["county", "sector", "month", "kwh", "tco2", "n_readings", "n_flagged"]
    ]
    sums = rollup_sums(cells, cities, ["kwh", "tco2", "n_readings", "n_flagged"])
    return sums.rename(columns={"month": "day"})


MODEL_TABLES = ("counties", "annual", "monthly", "generation", "output")


def latest_inventory_before(data: ec.ModelInputs, month: str) -> int:
    """The last year with an annual inventory (最新年度清单) before ``month`` (``YYYY-MM``): the
    year a nowcast of that month is fitted through."""
    year = int(month[:4]) if month[:4].isdigit() else 0
    earlier = [y for y in set(data.annual["year"].astype(int)) if y < year]
    if not earlier:
        raise InputError(
            f"no annual inventory before {month!r}",
            column="month",
            expected="a month after the first inventory year",
        )
    return max(earlier)


def nowcast_month(
    data: ec.ModelInputs,
    month: str,
    *,
    metered: pd.DataFrame | None = None,
    metered_generation: pd.DataFrame | None = None,
) -> ec.Nowcast:
    """Nowcast ``month`` (即时估算) with the model fitted through the latest inventory before it;
    metered electricity (``county_industry_month``) and generation (``county_fuel_month``)
    from the pipeline take the place of ``data``'s where given (:func:`metered_inputs`)."""
    inputs = data
    if metered is not None or metered_generation is not None:
        inputs = metered_inputs(data, metered, metered_generation)
    through = latest_inventory_before(data, month)
    return ec.nowcast(ec.fit(inputs, through_year=through), inputs, month)


def read_model_inputs(folder: str | Path) -> ec.ModelInputs:
    """The model's five tables from ``folder``: ``counties``, ``annual``, ``monthly``,
    ``generation`` and ``output``, each as ``NAME.csv`` (UTF-8 or GBK) or ``NAME.parquet`` with
    the columns of :class:`~carbonctl.electricity.model.ModelInputs`. Errors name the file."""
    root = Path(folder)
    tables, paths = {}, {}
    for name in MODEL_TABLES:
        found = [root / f"{name}.{suffix}" for suffix in ("parquet", "csv")]
        path = next((p for p in found if p.is_file()), None)
        if path is None:
            raise InputError(
                "missing table", file=str(found[1]), expected=f"{name}.csv or {name}.parquet"
            )
        paths[name] = str(path)
        tables[name] = read_small_table(path)
    inputs = ec.ModelInputs(**tables)
    try:
        return ec.model_inputs(inputs)
    except InputError as exc:
        if exc.file not in paths:
            raise
        raise InputError(
            exc.detail,
            file=paths[exc.file],
            row=exc.row,
            column=exc.column,
            expected=exc.expected,
        ) from None


def metered_inputs(
    data: ec.ModelInputs,
    month_table: pd.DataFrame | None = None,
    generation: pd.DataFrame | None = None,
) -> ec.ModelInputs:
    """The model's inputs with what the pipeline measured taking the place of the history's for
    the county × sector × months it covers: electricity use from ``county_industry_month``
    (county, industry, month, kwh) and generation from ``county_fuel_month`` (county, month,
    fuel, mwh). Everything else stays as it was."""
    inputs = ec.model_inputs(data)
    monthly, plants = inputs.monthly, inputs.generation
    if month_table is not None:
        missing = [c for c in MONTH_COLUMNS[:4] if c not in month_table.columns]
        if missing:
            raise InputError(
                f"missing columns {missing}",
                file="county_industry_month",
                expected=", ".join(MONTH_COLUMNS),
            )
        industries = month_table["industry"].astype(str)
        table = month_table.assign(
            county=month_table["county"].astype(str),
            kwh=nonnegative_amounts(month_table["kwh"], "county_industry_month", "kwh"),
            sector=industries.map({i: model_sector_of(i) for i in industries.unique()}),
        )
        metered = table.groupby(["county", "sector", "month"], as_index=False)["kwh"].sum()
        monthly = _replace(monthly, metered, ["county", "sector", "month"], "kwh")
    if generation is not None:
        missing = [c for c in ("county", "month", "fuel", "mwh") if c not in generation.columns]
        if missing:
            raise InputError(
                f"missing columns {missing}",
                file="county_fuel_month",
                expected="county, month, fuel, mwh",
            )
        measured = generation.assign(
            county=generation["county"].astype(str),
            mwh=nonnegative_amounts(generation["mwh"], "county_fuel_month", "mwh"),
        )
        # dispatch covers all of a county's plants: its months replace the history's whole
        plants = _replace(
            plants, measured, ["county", "month", "fuel"], "mwh", cover=["county", "month"]
        )
    return ec.ModelInputs(
        counties=inputs.counties,
        annual=inputs.annual,
        monthly=monthly,
        generation=plants,
        output=inputs.output,
    )


def _replace(
    base: pd.DataFrame,
    new: pd.DataFrame,
    keys: list[str],
    value: str,
    cover: list[str] | None = None,
) -> pd.DataFrame:
    """``base`` without the rows ``new`` covers (same ``cover`` keys, default ``keys``), plus
    ``new``'s rows."""
    cover = cover or keys
    covered = pd.MultiIndex.from_frame(new[cover].drop_duplicates())
    kept = base[~pd.MultiIndex.from_frame(base[cover]).isin(covered)]
    both = pd.concat([kept[[*keys, value]], new[[*keys, value]]], ignore_index=True)
    return both.sort_values(keys, ignore_index=True)
