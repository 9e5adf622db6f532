"""The electricity–carbon model (电碳模型): carbon–electricity coefficients from the latest annual
inventory, adjusted by a per-sector regression on drivers, give monthly CO2 nowcasts with intervals.

Formulas, assumptions and their limits: ``docs/methodology/electricity-carbon.md`` §1–§4.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal

import numpy as np
import pandas as pd
from scipy.stats import norm
from statsmodels.regression.linear_model import OLS

from carbonctl import refdata
from carbonctl.electricity.schema import (
    DISPATCH_FUELS,
    OUTPUT_PRODUCTS,
    THERMAL_FUELS,
    model_sector_of,
    model_sectors,
    month_parts,
    nonnegative_amounts,
    parse_month,
)
from carbonctl.errors import InputError, UnknownNameError
from carbonctl.units import conversion_factor

if TYPE_CHECKING:
    from carbonctl.electricity.history import ElectricityHistory

__all__ = [
    "ALL_SECTORS",
    "DriverBase",
    "FittedModel",
    "ModelInputs",
    "Nowcast",
    "daily_estimates",
    "fit",
    "model_inputs",
    "nowcast",
]

#: The ``sector`` of rows that sum all sectors.
ALL_SECTORS: Final = "ALL"
#: How the driver of a nowcast period is compared with the inventory year (see :func:`nowcast`).
DriverBase = Literal["inventory_year", "same_months"]
DRIVER_BASES: Final = ("inventory_year", "same_months")
MONTHS_PER_YEAR: Final = 12
#: With fewer consecutive residual pairs than this, the persistent/transient split is assumed.
MIN_LAG_PAIRS: Final = 10
#: The transient share of the within-year residual variance assumed when it cannot be estimated.
ASSUMED_TRANSIENT_SHARE: Final = 0.25

_TABLE_COLUMNS: Final = {
    "counties": ("county", "city"),
    "annual": ("county", "sector", "year", "tco2"),
    "monthly": ("county", "sector", "month", "kwh"),
    "generation": ("county", "month", "fuel", "mwh"),
    "output": ("city", "month", "product", "amount"),
}
_NUMBERS: Final = {"annual": "tco2", "monthly": "kwh", "generation": "mwh", "output": "amount"}


# --- inputs ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelInputs:
    """The observable tables the model uses (never any CO2 truth).

    ``counties`` (county, city), ``annual`` inventory (county, sector, year, tco2), ``monthly``
    electricity use (county, sector, month, kwh), ``generation`` (county, month, fuel, mwh) and
    ``output`` (city, month, product, amount). Sectors are model-sector codes; months ``YYYY-MM``.
    """

    counties: pd.DataFrame
    annual: pd.DataFrame
    monthly: pd.DataFrame
    generation: pd.DataFrame
    output: pd.DataFrame


def model_inputs(data: ModelInputs | ElectricityHistory) -> ModelInputs:
    """The validated observable tables of ``data`` (an :class:`ElectricityHistory` loses its
    ``co2_true``); adds integer ``year`` and ``mno`` (month number) columns to the monthly ones.

    Raises :class:`InputError` for missing columns, malformed months, negative or missing numbers,
    and :class:`UnknownNameError` for sectors, fuels, products or counties nobody knows.
    """
    tables = {}
    for name, columns in _TABLE_COLUMNS.items():
        table = getattr(data, name, None)
        if not isinstance(table, pd.DataFrame):
            raise InputError(f"no {name} table", expected=f"a table with {', '.join(columns)}")
        missing = [c for c in columns if c not in table.columns]
        if missing:
            raise InputError(f"missing columns {missing}", file=name, expected=", ".join(columns))
        tables[name] = table[list(columns)].copy()
    counties = tables["counties"].astype(str)
    if counties["county"].duplicated().any():
        twice = counties.loc[counties["county"].duplicated(), "county"].iloc[0]
        raise InputError(f"county {twice} is listed twice", file="counties", column="county")
    known = set(counties["county"])
    for name in ("annual", "monthly", "generation"):
        table = tables[name]
        table["county"] = table["county"].astype(str)
        _check_names(table["county"], known, "county", name)
    tables["output"]["city"] = tables["output"]["city"].astype(str)
    _check_names(tables["output"]["city"], set(counties["city"]), "city", "output")
    codes = {s.code for s in model_sectors()}
    for name in ("annual", "monthly"):
        tables[name]["sector"] = tables[name]["sector"].astype(str)
        _check_names(tables[name]["sector"], codes, "model sector", name)
    _check_names(tables["generation"]["fuel"], set(DISPATCH_FUELS), "generation fuel", "generation")
    _check_names(tables["output"]["product"], set(OUTPUT_PRODUCTS), "output product", "output")
    for name, column in _NUMBERS.items():
        tables[name][column] = nonnegative_amounts(tables[name][column], name, column)
    annual = tables["annual"]
    years = pd.to_numeric(annual["year"], errors="coerce")
    if years.isna().any() or (years % 1 != 0).any():
        bad = int(np.flatnonzero((years.isna() | (years % 1 != 0)).to_numpy())[0])
        raise InputError(
            f"year {annual['year'].iloc[bad]!r} is not a year",
            file="annual",
            row=bad + 2,
            column="year",
            expected="an integer such as 2023",
        )
    annual["year"] = years.astype(int)
    for name in ("monthly", "generation", "output"):
        tables[name] = _with_month_parts(tables[name], name)
    return ModelInputs(
        counties=counties.reset_index(drop=True),
        annual=annual,
        monthly=tables["monthly"],
        generation=tables["generation"],
        output=tables["output"],
    )


def _check_names(values: pd.Series, known: set[str], kind: str, table: str) -> None:
    unknown = sorted(set(values.unique()) - known)
    if unknown:
        raise UnknownNameError(
            f"{kind} in the {table} table", unknown[0], refdata.close_matches(unknown[0], known)
        )


def _with_month_parts(table: pd.DataFrame, name: str) -> pd.DataFrame:
    year, mno = month_parts(table["month"], name)
    return table.assign(month=table["month"].astype(str), year=year, mno=mno)


# --- activity and drivers -------------------------------------------------------------------------


def _sector_info() -> pd.DataFrame:
    return pd.DataFrame(
        [(s.code, s.side, s.driver) for s in model_sectors()], columns=["sector", "side", "driver"]
    )


def _power_sector() -> str:
    return next(s.code for s in model_sectors() if s.side == "generation")


def _activity(inputs: ModelInputs, periods: pd.DataFrame) -> pd.DataFrame:
    """county, sector, year, mno, activity (kWh): electricity use for consumption sectors and
    generation for the power sector, for the (year, mno) pairs of ``periods``."""
    monthly = inputs.monthly.merge(periods, on=["year", "mno"])
    consumption = monthly[monthly["sector"] != _power_sector()]
    consumption = consumption.groupby(["county", "sector", "year", "mno"], as_index=False)["kwh"]
    consumption = consumption.sum().rename(columns={"kwh": "activity"})
    generation = inputs.generation.merge(periods, on=["year", "mno"])
    generation = generation.groupby(["county", "year", "mno"], as_index=False)["mwh"].sum()
    generation = generation.assign(
        sector=_power_sector(), activity=generation["mwh"] * conversion_factor("MWh", "kWh")
    ).drop(columns="mwh")
    return pd.concat([consumption, generation], ignore_index=True)


def _driver_components(inputs: ModelInputs, periods: pd.DataFrame) -> pd.DataFrame:
    """region, sector, year, mno, numerator, denominator of each driver: city output (t) over city
    sector electricity use (kWh) for product-driven sectors, thermal over total generation of a
    county for the power sector."""
    info = _sector_info()
    product_of = dict(zip(info["driver"], info["sector"], strict=False))
    product_sectors = [product_of[p] for p in OUTPUT_PRODUCTS if p in product_of]
    monthly = inputs.monthly.merge(periods, on=["year", "mno"])
    monthly = monthly[monthly["sector"].isin(product_sectors)].merge(inputs.counties, on="county")
    city_kwh = monthly.groupby(["city", "sector", "year", "mno"], as_index=False)["kwh"].sum()
    output = inputs.output.merge(periods, on=["year", "mno"])
    output = output.assign(sector=output["product"].map(product_of))
    amounts = output.groupby(["city", "sector", "year", "mno"], as_index=False)["amount"].sum()
    products = city_kwh.merge(amounts, on=["city", "sector", "year", "mno"], how="outer")
    products = products.rename(
        columns={"city": "region", "amount": "numerator", "kwh": "denominator"}
    )
    generation = inputs.generation.merge(periods, on=["year", "mno"])
    thermal = generation["mwh"].where(generation["fuel"].isin(THERMAL_FUELS), 0.0)
    power = (
        generation.assign(numerator=thermal)
        .groupby(["county", "year", "mno"], as_index=False)
        .agg(numerator=("numerator", "sum"), denominator=("mwh", "sum"))
        .rename(columns={"county": "region"})
        .assign(sector=_power_sector())
    )
    table = pd.concat([products, power], ignore_index=True)
    return table.fillna({"numerator": 0.0, "denominator": 0.0})


def _log_ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """log(numerator/denominator), NaN where either is not positive."""
    valid = (numerator > 0) & (denominator > 0)
    return np.log(numerator.where(valid) / denominator.where(valid))


def _driver_region(coefficients: pd.DataFrame) -> pd.Series:
    """Where a county sector's driver is observed: its city (products) or itself (power)."""
    power = coefficients["side"] == "generation"
    return (
        coefficients["city"]
        .where(~power, coefficients["county"])
        .where(coefficients["driver"] != "", "")
    )


# --- fitting --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FittedModel:
    """A fitted electricity–carbon model.

    ``coefficients``: county, city, sector, side, driver, driver_region, source_year, tco2 and
    activity_kwh of the source year, k = tco2 / activity_kwh (tCO2 per kWh; per kWh generated
    for the power sector). ``regressions``: per sector the adjustment regression
    Δlog k = a + c·Δlog driver + e — a, a_se, c, c_se, ac_cov, sigma (residual sd),
    sigma_common, sigma_persistent, sigma_transient, sigma_month, n_obs, n_counties,
    first_year, last_year, r_squared, note. ``base_drivers``: region, sector, mno, numerator,
    denominator of the drivers in the source year.
    """

    through_year: int
    first_year: int
    province: str
    counties: pd.DataFrame
    coefficients: pd.DataFrame
    regressions: pd.DataFrame
    base_drivers: pd.DataFrame


def fit(data: ModelInputs | ElectricityHistory, *, through_year: int) -> FittedModel:
    """Fit the model on the inventories up to ``through_year`` and the monthly data to its end.

    Carbon–electricity coefficient (碳电系数) of county c, sector s: k = E_{c,s,T} / A_{c,s,T}, with
    E the inventory tCO2 and A the year's activity (electricity use, or generation for the power
    sector) in the source year T = ``through_year``. Adjustment regression, per sector, pooled over
    counties and consecutive years y ≤ T (OLS)::

        Δlog k_{c,s,y} = a_s + c_s · Δlog D_{c,s,y} + e

    D = city output / city sector kWh for product-driven sectors, thermal share of the county's
    generation for the power sector; trend only (c_s = 0) otherwise. The residual variance is
    split into a part common to the sector's counties in a year, a persistent county part and a
    transient part (methodology note §3).
    """
    inputs = model_inputs(data)
    years = sorted(int(y) for y in inputs.annual["year"].unique())
    if through_year not in years:
        raise InputError(
            f"no annual inventory for {through_year}; the inventory covers {_span(years)}",
            file="annual",
            column="year",
        )
    if through_year - 1 not in years:
        raise InputError(
            f"fitting through {through_year} needs the inventory of {through_year - 1} as well, "
            "to see how the coefficients change",
            file="annual",
            column="year",
        )
    first = through_year
    while first - 1 in years:
        first -= 1
    used = list(range(first, through_year + 1))
    periods = pd.DataFrame(
        [(y, m) for y in used for m in range(1, MONTHS_PER_YEAR + 1)], columns=["year", "mno"]
    )
    _require_months(inputs.monthly, periods, "monthly", "electricity use")
    province = _province(inputs.counties)

    activity = _activity(inputs, periods).groupby(["county", "sector", "year"])["activity"].sum()
    annual = inputs.annual[inputs.annual["year"].isin(used)]
    annual = annual.groupby(["county", "sector", "year"])["tco2"].sum()
    panel = pd.concat([annual, activity], axis=1).fillna(0.0).reset_index()
    panel = panel.merge(inputs.counties, on="county").merge(_sector_info(), on="sector")

    missing = panel[(panel["year"] == through_year) & (panel["tco2"] > 0)]
    missing = missing[missing["activity"] <= 0]
    if not missing.empty:
        cells = ", ".join(f"{r.county}/{r.sector}" for r in missing.head(5).itertuples())
        raise InputError(
            f"{len(missing)} county sectors have inventory CO2 in {through_year} but no "
            f"electricity use or generation, so their coefficient is undefined: {cells}",
            file="monthly",
            expected="activity for every county sector that emits",
        )
    panel["k"] = panel["tco2"] / panel["activity"].where(panel["activity"] > 0)
    panel["driver_region"] = _driver_region(panel)
    components = _driver_components(inputs, periods)
    yearly = components.groupby(["region", "sector", "year"], as_index=False)[
        ["numerator", "denominator"]
    ].sum()
    yearly["log_driver"] = _log_ratio(yearly["numerator"], yearly["denominator"])
    panel = panel.merge(
        yearly[["region", "sector", "year", "log_driver"]].rename(
            columns={"region": "driver_region"}
        ),
        on=["driver_region", "sector", "year"],
        how="left",
    )
    regressions = _regressions(panel)

    base = panel[panel["year"] == through_year]
    coefficients = (
        base[
            [
                "county",
                "city",
                "sector",
                "side",
                "driver",
                "driver_region",
                "tco2",
                "activity",
                "k",
            ]
        ]
        .rename(columns={"activity": "activity_kwh"})
        .assign(source_year=through_year)
        .fillna({"k": 0.0})
        .sort_values(["county", "sector"], ignore_index=True)
    )
    base_drivers = components[components["year"] == through_year].drop(columns="year")
    return FittedModel(
        through_year=through_year,
        first_year=first,
        province=province,
        counties=inputs.counties,
        coefficients=coefficients,
        regressions=regressions,
        base_drivers=base_drivers.reset_index(drop=True),
    )


def _span(years: list[int]) -> str:
    return f"{years[0]}–{years[-1]}" if years else "no years"


def _province(counties: pd.DataFrame) -> str:
    provinces = sorted({c[:2] + "0000" for c in counties["county"]})
    if len(provinces) != 1:
        raise InputError(
            f"the counties belong to {len(provinces)} provinces ({', '.join(provinces[:5])})",
            file="counties",
            column="county",
            expected="counties of one province",
        )
    return provinces[0]


def _require_months(table: pd.DataFrame, periods: pd.DataFrame, name: str, what: str) -> None:
    have = set(np.unique(table["year"].to_numpy() * 100 + table["mno"].to_numpy()).tolist())
    wanted = zip(periods["year"], periods["mno"], strict=True)
    missing = [f"{y}-{m:02d}" for y, m in wanted if y * 100 + m not in have]
    if missing:
        shown = ", ".join(missing[:6]) + (" …" if len(missing) > 6 else "")
        raise InputError(f"no {what} for {shown}", file=name, column="month")


def _regressions(panel: pd.DataFrame) -> pd.DataFrame:
    """One row per sector with any emissions: the adjustment regression and its residual split."""
    panel = panel.sort_values(["county", "sector", "year"])
    previous = panel.groupby(["county", "sector"])[["year", "k", "log_driver"]].shift(1)
    changes = panel.assign(
        consecutive=previous["year"] == panel["year"] - 1,
        dlog_k=np.log(panel["k"].where(panel["k"] > 0))
        - np.log(previous["k"].where(previous["k"] > 0)),
        dlog_driver=panel["log_driver"] - previous["log_driver"],
    )
    changes = changes[changes["consecutive"] & np.isfinite(changes["dlog_k"])]
    rows = []
    emitting = panel.groupby("sector")["tco2"].sum()
    for sector, driver in _sector_info()[["sector", "driver"]].itertuples(index=False):
        if emitting.get(sector, 0.0) <= 0:
            continue
        frame = changes[changes["sector"] == sector]
        if driver:
            frame = frame[np.isfinite(frame["dlog_driver"])]
        rows.append({"sector": sector, "driver": driver, **_fit_sector(frame, bool(driver))})
    return pd.DataFrame(rows)


def _fit_sector(frame: pd.DataFrame, with_driver: bool) -> dict[str, object]:
    """OLS of Δlog k on a constant (and Δlog driver), its residual variance components and the
    standard error of a widened for the year-common residual."""
    y = frame["dlog_k"].to_numpy()
    notes = []
    driver = frame["dlog_driver"].to_numpy()
    if with_driver and (len(driver) == 0 or np.ptp(driver) <= 1e-12):
        with_driver = False
        notes.append("driver did not change: trend only")
    columns = 2 if with_driver else 1
    result: dict[str, object] = {
        "a": 0.0,
        "a_se": np.nan,
        "c": 0.0,
        "c_se": 0.0,
        "ac_cov": 0.0,
        "sigma": np.nan,
        "sigma_common": np.nan,
        "sigma_persistent": np.nan,
        "sigma_transient": np.nan,
        "sigma_month": np.nan,
        "n_obs": len(y),
        "n_counties": frame["county"].nunique(),
        "first_year": int(frame["year"].min()) - 1 if len(y) else np.nan,
        "last_year": int(frame["year"].max()) if len(y) else np.nan,
        "r_squared": np.nan,
    }
    if len(y) < columns + 1:
        notes.append("too few observations: coefficient kept, intervals unknown")
        result["note"] = "; ".join(notes)
        return result
    design = np.ones((len(y), columns))
    if with_driver:
        design[:, 1] = frame["dlog_driver"].to_numpy()
    fitted = OLS(y, design).fit()
    cov = np.asarray(fitted.cov_params())
    residual = pd.DataFrame(
        {"county": frame["county"].to_numpy(), "year": frame["year"].to_numpy(), "r": fitted.resid}
    )
    parts = _residual_parts(residual, columns)
    n_years = residual["year"].nunique()
    a_var = cov[0, 0] + parts["common"] * max(1.0 / n_years - 1.0 / len(y), 0.0)
    result.update(
        a=float(fitted.params[0]),
        a_se=float(np.sqrt(a_var)),
        c=float(fitted.params[1]) if with_driver else 0.0,
        c_se=float(np.sqrt(cov[1, 1])) if with_driver else 0.0,
        ac_cov=float(cov[0, 1]) if with_driver else 0.0,
        sigma=float(np.sqrt(fitted.scale)),
        sigma_common=float(np.sqrt(parts["common"])),
        sigma_persistent=float(np.sqrt(parts["persistent"])),
        sigma_transient=float(np.sqrt(parts["transient"])),
        sigma_month=float(np.sqrt(MONTHS_PER_YEAR * parts["transient"])),
        r_squared=float(fitted.rsquared) if with_driver else np.nan,
    )
    notes.extend(parts["notes"])
    result["note"] = "; ".join(notes)
    return result


def _residual_parts(residual: pd.DataFrame, n_params: int) -> dict:
    """Method-of-moments split of the regression residual e = γ_y + Δp + Δη:

    - common γ (shared by the sector's counties in year y): variance of the year means less their
      sampling variance;
    - within-year deviations d: a persistent random walk step p (variance ω²) and the change of a
      transient annual-mean noise η (variance ν²), so Var d = ω² + 2ν² and the covariance of d
      in consecutive years of one county is −ν².
    """
    notes = []
    by_year = residual.groupby("year")["r"]
    means = by_year.transform("mean")
    deviation = residual["r"] - means
    n, n_years = len(residual), residual["year"].nunique()
    dof = max(n - n_years - (n_params - 1), 1)
    within = float((deviation**2).sum() / dof)
    if n_years >= 2:
        counts = by_year.size()
        spread = float(by_year.mean().var(ddof=1))
        common = max(spread - float((within / counts).mean()), 0.0)
    else:
        # the year's common shock is inseparable from the trend: the interval is unknown
        common = np.nan
        notes.append("one year of changes: year-common residual unknown, so are the intervals")
    lagged = residual.assign(d=deviation).sort_values(["county", "year"])
    previous = lagged.groupby("county")[["year", "d"]].shift(1)
    pairs = lagged[previous["year"] == lagged["year"] - 1]
    if len(pairs) >= MIN_LAG_PAIRS:
        autocovariance = float((pairs["d"] * previous.loc[pairs.index, "d"]).mean())
        transient = min(max(-autocovariance, 0.0), within / 2)
    else:
        transient = ASSUMED_TRANSIENT_SHARE * within / 2
        notes.append(
            f"too few consecutive residuals: transient share {ASSUMED_TRANSIENT_SHARE} assumed"
        )
    return {
        "common": common,
        "persistent": within - 2 * transient,
        "transient": transient,
        "notes": notes,
    }


# --- nowcasting -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Nowcast:
    """Monthly and year-to-date CO2 estimates with intervals.

    ``table``: level (county, city, province), region (adcode), sector (model code or ``ALL``),
    period (``YYYY-MM`` for kind ``month``, ``YYYY-01..MM`` for kind ``ytd``), kind, kwh (the
    rows' activity in kWh — generation for the power sector, electricity use of all sectors for
    ``ALL``), tco2, lo, hi. ``coefficients``: per county sector k, a, c, source_year, gap,
    driver_change_month, driver_change_ytd, factor_month, factor_ytd.
    """

    month: str
    through_year: int
    interval: float
    driver_base: str
    table: pd.DataFrame
    coefficients: pd.DataFrame


def nowcast(
    model: FittedModel,
    data: ModelInputs | ElectricityHistory,
    month: str,
    *,
    interval: float = 0.90,
    driver_base: DriverBase = "inventory_year",
) -> Nowcast:
    """Estimate CO2 of ``month`` and of its year to date for every county × sector and roll up.

    With g = year − T (T the model's source year), A the period's activity and ΔD the driver
    change::

        Ê = k · A · exp(g · â + ĉ · ΔD)

    ``driver_base`` ``inventory_year`` (default): ΔD = log D(period) − log D(year T), the period's
    own driver against the inventory year's, consistent with k being T's annual ratio.
    ``same_months``: ΔD = log D(Jan..month of this year) − log D(Jan..month of T) for both kinds,
    a year-on-year comparison that cancels the driver's seasonality. ``interval`` is the
    central probability of [lo, hi] (methodology note §4 for the variance).
    """
    if driver_base not in DRIVER_BASES:
        raise InputError(
            f"driver_base {driver_base!r} is unknown", expected=" or ".join(DRIVER_BASES)
        )
    if not 0.0 < interval < 1.0:
        raise InputError(f"interval {interval!r} is not a probability", expected="0 < interval < 1")
    year, mno = parse_month(month)
    month = f"{year}-{mno:02d}"
    if year <= model.through_year:
        raise InputError(
            f"month {month} is within the inventory years (the model is fitted through "
            f"{model.through_year}); nowcasts are for later months",
        )
    inputs = model_inputs(data)
    known = set(model.counties["county"])
    _check_names(inputs.monthly["county"], known, "county (not in the fitted model)", "monthly")
    periods = pd.DataFrame({"year": year, "mno": range(1, mno + 1)})
    inputs = _year_to_date(inputs, year, mno)
    _require_months(inputs.monthly, periods, "monthly", "electricity use")
    coefficients = model.coefficients
    present = inputs.monthly.merge(periods, on=["year", "mno"])
    absent = sorted(known - set(present.loc[present["mno"] == mno, "county"]))
    if absent:
        raise InputError(
            f"no electricity use for {month} in {len(absent)} counties: {', '.join(absent[:5])}",
            file="monthly",
        )
    emitting = coefficients[coefficients["k"] > 0]
    if (emitting["side"] == "generation").any():
        _require_months(inputs.generation, periods, "generation", "generation data")
    if emitting["driver"].isin(OUTPUT_PRODUCTS).any():
        _require_months(inputs.output, periods, "output", "output indicators")

    activity = _activity(inputs, periods)
    rows = coefficients.merge(model.regressions, on=["sector", "driver"], how="left")
    # a sector without a regression keeps its coefficient; its interval is unknown (NaN)
    rows = rows.fillna({"a": 0.0, "c": 0.0, "c_se": 0.0, "ac_cov": 0.0})
    month_activity = activity[activity["mno"] == mno]
    month_activity = month_activity.groupby(["county", "sector"])["activity"].sum()
    ytd_activity = activity.groupby(["county", "sector"])["activity"].sum()
    key = pd.MultiIndex.from_frame(rows[["county", "sector"]])
    rows["activity_month"] = month_activity.reindex(key, fill_value=0.0).to_numpy()
    rows["activity_ytd"] = ytd_activity.reindex(key, fill_value=0.0).to_numpy()

    rows["driver_change_month"], rows["driver_change_ytd"] = _driver_changes(
        model, inputs, rows, year, mno, driver_base
    )
    gap = year - model.through_year
    rows["gap"] = gap
    kinds = {}
    for kind, n_months, change in (
        ("month", 1, "driver_change_month"),
        ("ytd", mno, "driver_change_ytd"),
    ):
        factor = np.exp(gap * rows["a"] + rows["c"] * rows[change])
        rows[f"factor_{kind}"] = factor
        estimate = rows["k"] * rows[f"activity_{kind}"] * factor
        idiosyncratic = (
            gap * rows["sigma_persistent"] ** 2
            + rows["sigma_transient"] ** 2
            + rows["sigma_month"] ** 2 / n_months
        )
        kinds[kind] = pd.DataFrame(
            {
                "kind": kind,
                "county": rows["county"],
                "city": rows["city"],
                "sector": rows["sector"],
                "activity": rows[f"activity_{kind}"],
                "estimate": estimate,
                "estimate_change": estimate * rows[change],
                "idiosyncratic": np.where(estimate > 0, estimate**2 * idiosyncratic, 0.0),
            }
        )
    consumption = inputs.monthly
    kwh = pd.concat(
        [
            consumption[consumption["mno"] == mno].groupby("county")["kwh"].sum().to_frame(),
            consumption.groupby("county")["kwh"].sum().to_frame(),
        ],
        keys=["month", "ytd"],
        names=["kind", "county"],
    ).reset_index()
    z = float(norm.ppf(0.5 + interval / 2))
    table = _rollup(
        pd.concat(kinds.values(), ignore_index=True),
        kwh,
        model.regressions.set_index("sector"),
        gap,
        z,
        model,
    )
    table.insert(3, "period", table["kind"].map({"month": month, "ytd": f"{year}-01..{mno:02d}"}))
    order = {
        "level": {"province": 0, "city": 1, "county": 2},
        "sector": {ALL_SECTORS: "", **{s.code: s.code for s in model_sectors()}},
    }
    table = table.sort_values(
        ["kind", "level", "region", "sector"],
        key=lambda c: c.map(order[c.name]) if c.name in order else c,
        ignore_index=True,
    )
    explained = rows[
        [
            "county",
            "city",
            "sector",
            "side",
            "driver",
            "source_year",
            "k",
            "a",
            "c",
            "gap",
            "driver_change_month",
            "driver_change_ytd",
            "factor_month",
            "factor_ytd",
        ]
    ].reset_index(drop=True)
    return Nowcast(
        month=month,
        through_year=model.through_year,
        interval=interval,
        driver_base=driver_base,
        table=table,
        coefficients=explained,
    )


def _year_to_date(inputs: ModelInputs, year: int, mno: int) -> ModelInputs:
    """The monthly tables cut to January..``mno`` of ``year`` (the annual one unchanged)."""

    def cut(table: pd.DataFrame) -> pd.DataFrame:
        return table[(table["year"] == year) & (table["mno"] <= mno)]

    return ModelInputs(
        counties=inputs.counties,
        annual=inputs.annual,
        monthly=cut(inputs.monthly),
        generation=cut(inputs.generation),
        output=cut(inputs.output),
    )


def _driver_changes(
    model: FittedModel,
    inputs: ModelInputs,
    rows: pd.DataFrame,
    year: int,
    mno: int,
    driver_base: str,
) -> tuple[np.ndarray, np.ndarray]:
    """ΔD for the month and year-to-date rows (0 where a sector has no driver or it is missing)."""
    periods = pd.DataFrame({"year": year, "mno": range(1, mno + 1)})
    current = _driver_components(inputs, periods)
    base = model.base_drivers

    def log_driver(table: pd.DataFrame) -> pd.Series:
        sums = table.groupby(["region", "sector"])[["numerator", "denominator"]].sum()
        return _log_ratio(sums["numerator"], sums["denominator"])

    this_month = log_driver(current[current["mno"] == mno])
    this_ytd = log_driver(current)
    base_same = log_driver(base[base["mno"] <= mno])
    if driver_base == "same_months":
        month_change = ytd_change = this_ytd - base_same
    else:
        base_year = log_driver(base)
        month_change = this_month - base_year
        ytd_change = this_ytd - base_year
    key = pd.MultiIndex.from_frame(
        rows[["driver_region", "sector"]].set_axis(["region", "sector"], axis=1)
    )
    has_driver = (rows["driver"] != "").to_numpy()
    changes = []
    for change in (month_change, ytd_change):
        values = change.reindex(key).to_numpy(dtype=float)
        changes.append(np.where(has_driver & np.isfinite(values), values, 0.0))
    return changes[0], changes[1]


def _rollup(
    rows: pd.DataFrame,
    kwh: pd.DataFrame,
    parameters: pd.DataFrame,
    gap: int,
    z: float,
    model: FittedModel,
) -> pd.DataFrame:
    """County, city and province rows (by sector and ALL, for each kind) with intervals.

    Variance of a sum S = Σ Ê_i over the county sectors i of a sector s (delta method on log Ê):
    (g·ΣÊ)²·Var â + (ΣÊ·ΔD)²·Var ĉ + 2·g·ΣÊ·ΣÊΔD·Cov + g·σ_common²·(ΣÊ)² + Σ Ê_i²·v_i, with v_i
    the idiosyncratic log variance; sectors add independently. [lo, hi] = S·exp(∓z·sd/S).
    ``kwh``: kind, county, kwh — electricity use of all sectors, for the ALL rows.
    """
    a_var = parameters["a_se"] ** 2
    c_var = parameters["c_se"].fillna(0.0) ** 2
    ac_cov = parameters["ac_cov"].fillna(0.0)
    common = parameters["sigma_common"] ** 2
    county_city = model.counties.set_index("county")["city"]
    kwh = kwh.assign(city=kwh["county"].map(county_city), province=model.province)
    rows = rows.assign(province=model.province)
    frames = []
    for level in ("county", "city", "province"):
        sums = (
            rows.groupby(["kind", level, "sector"], as_index=False, sort=False)[
                ["activity", "estimate", "estimate_change", "idiosyncratic"]
            ]
            .sum(skipna=False)
            .rename(columns={level: "region"})
        )
        sector = sums["sector"]
        total, change = sums["estimate"], sums["estimate_change"]
        variance = (
            (gap * total) ** 2 * sector.map(a_var).to_numpy()
            + change**2 * sector.map(c_var).fillna(0.0).to_numpy()
            + 2 * gap * total * change * sector.map(ac_cov).fillna(0.0).to_numpy()
            + gap * total**2 * sector.map(common).to_numpy()
            + sums["idiosyncratic"]
        )
        sums = sums.assign(variance=variance.where(total > 0, 0.0))
        all_sectors = sums.groupby(["kind", "region"], as_index=False, sort=False)[
            ["estimate", "variance"]
        ].sum(skipna=False)
        all_kwh = kwh.groupby(["kind", level])["kwh"].sum()
        key = pd.MultiIndex.from_frame(all_sectors[["kind", "region"]])
        all_sectors = all_sectors.assign(
            sector=ALL_SECTORS, activity=all_kwh.reindex(key, fill_value=0.0).to_numpy()
        )
        both = pd.concat([sums, all_sectors], ignore_index=True)
        positive = both["estimate"] > 0
        spread = np.sqrt(both["variance"]) / both["estimate"].where(positive, 1.0)
        frames.append(
            pd.DataFrame(
                {
                    "level": level,
                    "region": both["region"],
                    "sector": both["sector"],
                    "kind": both["kind"],
                    "kwh": both["activity"],
                    "tco2": both["estimate"],
                    "lo": (both["estimate"] * np.exp(-z * spread)).where(positive, 0.0),
                    "hi": (both["estimate"] * np.exp(z * spread)).where(positive, 0.0),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


# --- daily figures --------------------------------------------------------------------------------


def daily_estimates(model: FittedModel, day_table: pd.DataFrame) -> pd.DataFrame:
    """Daily CO2 of consumption sectors from daily electricity use (日度电碳估算).

    ``day_table``: county, industry (electricity-use class), day, kwh. Adds ``sector`` (the model
    sector, :func:`schema.model_sector_of`), ``coefficient`` = k · exp(â · (year − T)) in tCO2 per
    kWh (the trend only: daily drivers are not observed) and ``tco2`` = coefficient × kwh. Rows of
    the power sector keep NaN coefficient and tco2: its emissions follow generation, not use.
    """
    missing = [c for c in ("county", "industry", "day", "kwh") if c not in day_table.columns]
    if missing:
        raise InputError(
            f"missing columns {missing}", file="day table", expected="county, industry, day, kwh"
        )
    table = day_table.copy()
    table["county"] = table["county"].astype(str)
    _check_names(
        table["county"], set(model.counties["county"]), "county (not in the fitted model)", "day"
    )
    industries = table["industry"].astype(str)
    sector_of = {code: model_sector_of(code) for code in industries.unique()}
    table["sector"] = industries.map(sector_of)
    days = pd.to_datetime(table["day"], errors="coerce")
    if days.isna().any():
        row = int(np.flatnonzero(days.isna().to_numpy())[0])
        raise InputError(
            f"day {table['day'].iloc[row]!r} is not a date",
            file="day table",
            row=row + 2,
            column="day",
            expected="YYYY-MM-DD",
        )
    kwh = nonnegative_amounts(table["kwh"], "day table", "kwh")
    coefficients = model.coefficients.merge(
        model.regressions[["sector", "a"]], on="sector", how="left"
    ).fillna({"a": 0.0})
    coefficients = coefficients[coefficients["side"] == "consumption"].set_index(
        ["county", "sector"]
    )
    key = pd.MultiIndex.from_arrays([table["county"], table["sector"]])
    k = coefficients["k"].reindex(key).to_numpy(dtype=float)
    trend = coefficients["a"].reindex(key).to_numpy(dtype=float)
    gap = days.dt.year.to_numpy() - model.through_year
    table["coefficient"] = k * np.exp(trend * gap)
    table["tco2"] = table["coefficient"] * kwh.to_numpy()
    return table
