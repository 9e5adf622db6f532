"""The electricity–carbon model (电碳模型): carbon–electricity coefficients from the latest annual
inventory, adjusted by a per-sector regression on drivers, give monthly CO2 nowcasts with intervals.

Formulas, assumptions and their limits: ``docs/methodology/electricity-carbon.md`` §1–§4; each
step below names its section. Input checks: :mod:`carbonctl.electricity.inputs`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import pandas as pd
from scipy.stats import norm
from statsmodels.regression.linear_model import OLS

from carbonctl.electricity.inputs import (
    ModelInputs,
    check_day_table,
    check_interval,
    check_names,
    check_option,
    checked_nowcast_month,
    inventory_years,
    province_of,
    require_activity_where_emitting,
    require_counties_in_month,
    require_months,
    validate_model_inputs,
)
from carbonctl.electricity.schema import OUTPUT_PRODUCTS, THERMAL_FUELS, model_sectors
from carbonctl.errors import InputError
from carbonctl.units import conversion_factor

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
    "nowcasts",
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
#: A spread of Δlog driver at most this is rounding, not a change: the sector falls back to the
#: trend only (method note §2).
DRIVER_UNCHANGED: Final = 1e-12


# --- inputs ---------------------------------------------------------------------------------------


def model_inputs(data: ModelInputs) -> ModelInputs:
    """The validated tables of ``data`` (:func:`inputs.validate_model_inputs`), with integer
    ``year`` and ``mno`` (month number) columns added to the monthly ones. The model takes only
    :class:`ModelInputs`, the tables a province has; a synthetic history hands over its own."""
    if not isinstance(data, ModelInputs):
        raise InputError(
            f"the model was given a {type(data).__name__}",
            expected="ModelInputs (counties, annual, monthly, generation, output)",
        )
    return validate_model_inputs(data)


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


def fit(data: ModelInputs, *, through_year: int) -> FittedModel:
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
    years = inventory_years(inputs.annual, through_year)
    periods = _months_of(years)
    require_months(inputs.monthly, periods, "monthly", "electricity use")
    province = province_of(inputs.counties)
    panel = _panel(inputs, years, periods)
    require_activity_where_emitting(panel, through_year)
    panel = _with_coefficients(panel)
    components = _driver_components(inputs, periods)
    panel = _with_log_drivers(panel, _yearly_log_drivers(components))
    return FittedModel(
        through_year=through_year,
        first_year=years[0],
        province=province,
        counties=inputs.counties,
        coefficients=_source_coefficients(panel, through_year),
        regressions=_regressions(panel),
        base_drivers=_base_drivers(components, through_year),
    )


def _months_of(years: list[int]) -> pd.DataFrame:
    """year, mno: every month of ``years``."""
    return pd.DataFrame(
        [(y, m) for y in years for m in range(1, MONTHS_PER_YEAR + 1)], columns=["year", "mno"]
    )


def _panel(inputs: ModelInputs, years: list[int], periods: pd.DataFrame) -> pd.DataFrame:
    """§1 E and A: inventory CO2 (tco2) and activity (kWh) of every county sector in each of
    ``years`` (0 where one is absent), with the county's city and the sector's side and driver."""
    activity = _activity(inputs, periods).groupby(["county", "sector", "year"])["activity"].sum()
    annual = inputs.annual[inputs.annual["year"].isin(years)]
    annual = annual.groupby(["county", "sector", "year"])["tco2"].sum()
    panel = pd.concat([annual, activity], axis=1).fillna(0.0).reset_index()
    return panel.merge(inputs.counties, on="county").merge(_sector_info(), on="sector")


def _with_coefficients(panel: pd.DataFrame) -> pd.DataFrame:
    """§1 the carbon–electricity coefficient k = E / A (tCO2 per kWh) of every county sector and
    year; NaN without activity (E = 0 there: :func:`inputs.require_activity_where_emitting`)."""
    return panel.assign(k=panel["tco2"] / panel["activity"].where(panel["activity"] > 0))


def _yearly_log_drivers(components: pd.DataFrame) -> pd.DataFrame:
    """§2 log D per region, sector and year: the log of the year's numerator over its
    denominator (NaN where either is not positive)."""
    yearly = components.groupby(["region", "sector", "year"], as_index=False)[
        ["numerator", "denominator"]
    ].sum()
    yearly["log_driver"] = _log_ratio(yearly["numerator"], yearly["denominator"])
    return yearly[["region", "sector", "year", "log_driver"]]


def _with_log_drivers(panel: pd.DataFrame, yearly: pd.DataFrame) -> pd.DataFrame:
    """The panel with the region its driver is observed in and log D of that region's year."""
    panel = panel.assign(driver_region=_driver_region(panel))
    return panel.merge(
        yearly.rename(columns={"region": "driver_region"}),
        on=["driver_region", "sector", "year"],
        how="left",
    )


def _source_coefficients(panel: pd.DataFrame, through_year: int) -> pd.DataFrame:
    """§1 the coefficients of the source year T, 0 for a county sector without activity."""
    base = panel[panel["year"] == through_year]
    columns = ["county", "city", "sector", "side", "driver", "driver_region", "tco2", "activity"]
    return (
        base[[*columns, "k"]]
        .rename(columns={"activity": "activity_kwh"})
        .assign(source_year=through_year)
        .fillna({"k": 0.0})
        .sort_values(["county", "sector"], ignore_index=True)
    )


def _base_drivers(components: pd.DataFrame, through_year: int) -> pd.DataFrame:
    """§4 the monthly driver numerators and denominators of the source year, the base ΔD is
    measured from."""
    base = components[components["year"] == through_year].drop(columns="year")
    return base.reset_index(drop=True)


def _regressions(panel: pd.DataFrame) -> pd.DataFrame:
    """§2 one row per sector with any emissions: the adjustment regression and its residual
    split."""
    changes = _coefficient_changes(panel)
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


def _coefficient_changes(panel: pd.DataFrame) -> pd.DataFrame:
    """§2 the observations: Δlog k and Δlog D of a county sector between consecutive years,
    where k > 0 in both years."""
    panel = panel.sort_values(["county", "sector", "year"])
    previous = panel.groupby(["county", "sector"])[["year", "k", "log_driver"]].shift(1)
    changes = panel.assign(
        consecutive=previous["year"] == panel["year"] - 1,
        dlog_k=np.log(panel["k"].where(panel["k"] > 0))
        - np.log(previous["k"].where(previous["k"] > 0)),
        dlog_driver=panel["log_driver"] - previous["log_driver"],
    )
    return changes[changes["consecutive"] & np.isfinite(changes["dlog_k"])]


def _fit_sector(frame: pd.DataFrame, with_driver: bool) -> dict[str, object]:
    """§2–§3 for one sector: OLS of Δlog k on a constant (and Δlog driver), its residual
    variance components and the standard error of â widened for the year-common residual."""
    y = frame["dlog_k"].to_numpy()
    notes = []
    driver = frame["dlog_driver"].to_numpy()
    if with_driver and (len(driver) == 0 or np.ptp(driver) <= DRIVER_UNCHANGED):
        with_driver = False
        notes.append("driver did not change: trend only")
    columns = 2 if with_driver else 1
    result = _unfitted(frame)
    if len(y) < columns + 1:
        notes.append("too few observations: coefficient kept, intervals unknown")
        result["note"] = "; ".join(notes)
        return result
    fitted = OLS(y, _design(frame, with_driver)).fit()
    cov = np.asarray(fitted.cov_params())
    residual = pd.DataFrame(
        {"county": frame["county"].to_numpy(), "year": frame["year"].to_numpy(), "r": fitted.resid}
    )
    parts = _residual_parts(residual, columns)
    a_var = _widened_a_variance(cov[0, 0], parts["common"], residual["year"].nunique(), len(y))
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


def _unfitted(frame: pd.DataFrame) -> dict[str, object]:
    """§2 the row of a sector kept as it is (a = c = 0, every spread unknown) and the size and
    years of its observations."""
    n = len(frame)
    return {
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
        "n_obs": n,
        "n_counties": frame["county"].nunique(),
        "first_year": int(frame["year"].min()) - 1 if n else np.nan,
        "last_year": int(frame["year"].max()) if n else np.nan,
        "r_squared": np.nan,
    }


def _design(frame: pd.DataFrame, with_driver: bool) -> np.ndarray:
    """§2 the regressors: a constant (→ a) and, with a driver, Δlog D (→ c)."""
    design = np.ones((len(frame), 2 if with_driver else 1))
    if with_driver:
        design[:, 1] = frame["dlog_driver"].to_numpy()
    return design


def _widened_a_variance(ols_variance: float, common: float, n_years: int, n_obs: int) -> float:
    """§3 Var â = OLS Var â + σ_common² (1/Y − 1/n): the year effects are shared by all counties
    of a year, which the pooled OLS treats as independent."""
    return ols_variance + common * max(1.0 / n_years - 1.0 / n_obs, 0.0)


def _residual_parts(residual: pd.DataFrame, n_params: int) -> dict:
    """§3 method-of-moments split of the regression residual e = γ_y + Δp + Δη:

    - common γ (shared by the sector's counties in year y): variance of the year means less their
      sampling variance;
    - within-year deviations d: a persistent random walk step p (variance ω²) and the change of a
      transient annual-mean noise η (variance ν²), so Var d = ω² + 2ν² and the covariance of d
      in consecutive years of one county is −ν².
    """
    notes: list[str] = []
    deviation, within = _within_year(residual, n_params)
    common = _common_variance(residual, within, notes)
    transient = _transient_variance(residual, deviation, within, notes)
    return {
        "common": common,
        "persistent": within - 2 * transient,
        "transient": transient,
        "notes": notes,
    }


def _within_year(residual: pd.DataFrame, n_params: int) -> tuple[pd.Series, float]:
    """§3 the deviations d = e − ē_y from the year means and their variance Var d (degrees of
    freedom less the year means and the slope)."""
    deviation = residual["r"] - residual.groupby("year")["r"].transform("mean")
    n, n_years = len(residual), residual["year"].nunique()
    dof = max(n - n_years - (n_params - 1), 1)
    return deviation, float((deviation**2).sum() / dof)


def _common_variance(residual: pd.DataFrame, within: float, notes: list[str]) -> float:
    """§3 σ_common²: the variance of the yearly residual means less their sampling variance
    (≥ 0); NaN with one year of changes, where it cannot be told from the trend."""
    by_year = residual.groupby("year")["r"]
    if residual["year"].nunique() >= 2:
        counts = by_year.size()
        spread = float(by_year.mean().var(ddof=1))
        return max(spread - float((within / counts).mean()), 0.0)
    # the year's common shock is inseparable from the trend: the interval is unknown
    notes.append("one year of changes: year-common residual unknown, so are the intervals")
    return np.nan


def _transient_variance(
    residual: pd.DataFrame, deviation: pd.Series, within: float, notes: list[str]
) -> float:
    """§3 ν² = −Cov(d_y, d_{y−1}) of one county, clipped to [0, Var d / 2]; with fewer than
    :data:`MIN_LAG_PAIRS` consecutive pairs the share :data:`ASSUMED_TRANSIENT_SHARE` is assumed."""
    lagged = residual.assign(d=deviation).sort_values(["county", "year"])
    previous = lagged.groupby("county")[["year", "d"]].shift(1)
    pairs = lagged[previous["year"] == lagged["year"] - 1]
    if len(pairs) >= MIN_LAG_PAIRS:
        autocovariance = float((pairs["d"] * previous.loc[pairs.index, "d"]).mean())
        return min(max(-autocovariance, 0.0), within / 2)
    notes.append(
        f"too few consecutive residuals: transient share {ASSUMED_TRANSIENT_SHARE} assumed"
    )
    return ASSUMED_TRANSIENT_SHARE * within / 2


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
    data: ModelInputs,
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
    central probability of [lo, hi] (methodology note §4 for the variance). Several months:
    :func:`nowcasts` gives the same results in less time.
    """
    check_option("driver_base", driver_base, DRIVER_BASES)
    check_interval(interval)
    year, mno = checked_nowcast_month(month, model.through_year)
    inputs, periods = _period_inputs(model, model_inputs(data), year, mno)
    tables = _PeriodTables(
        activity=_activity(inputs, periods),
        drivers=_driver_components(inputs, periods),
        monthly=inputs.monthly,
    )
    base_year = _log_drivers(model.base_drivers)
    return _nowcast(model, year, mno, tables, interval, driver_base, base_year)


def nowcasts(
    model: FittedModel,
    data: ModelInputs,
    months: Iterable[str],
    *,
    interval: float = 0.90,
    driver_base: DriverBase = "inventory_year",
) -> list[Nowcast]:
    """:func:`nowcast` of each of ``months`` in turn — the same checks, errors and figures — with
    the tables validated once and each year's activity and driver components (§4) computed once
    and cut to each month: what a backtest or the assessment of a year runs."""
    check_option("driver_base", driver_base, DRIVER_BASES)
    check_interval(interval)
    inputs: ModelInputs | None = None
    base_year = _log_drivers(model.base_drivers)
    years: dict[int, tuple[ModelInputs, _PeriodTables]] = {}
    results = []
    for month in months:
        year, mno = checked_nowcast_month(month, model.through_year)
        if inputs is None:
            inputs = model_inputs(data)
        if year not in years:
            years[year] = _year_tables(model, inputs, year)
        tables_of_year, whole_year = years[year]
        _require_period(model, tables_of_year, year, mno)
        tables = whole_year.up_to(mno)
        results.append(_nowcast(model, year, mno, tables, interval, driver_base, base_year))
    return results


@dataclass(frozen=True)
class _PeriodTables:
    """§4 what a nowcast of January..mno of a year takes from the tables, rows of those months
    only: ``activity`` (:func:`_activity`), ``drivers`` (:func:`_driver_components`) and
    ``monthly`` electricity use of every sector (the activity of the ``ALL`` rows)."""

    activity: pd.DataFrame
    drivers: pd.DataFrame
    monthly: pd.DataFrame

    def up_to(self, mno: int) -> _PeriodTables:
        """The rows of January..``mno``. Each table is grouped by month before it is summed over
        months, and the cut keeps the rows' order, so every sum is the one of tables cut first."""
        return _PeriodTables(
            *(table[table["mno"] <= mno] for table in (self.activity, self.drivers, self.monthly))
        )


def _nowcast(
    model: FittedModel,
    year: int,
    mno: int,
    tables: _PeriodTables,
    interval: float,
    driver_base: str,
    base_year: pd.Series,
) -> Nowcast:
    """§4 the nowcast of month ``mno`` of ``year`` and its year to date from the checked
    ``tables`` of January..``mno`` (``base_year``: :func:`_driver_changes`)."""
    rows = _parameters(model)
    rows["activity_month"], rows["activity_ytd"] = _period_activity(tables.activity, rows, mno)
    rows["driver_change_month"], rows["driver_change_ytd"] = _driver_changes(
        model, tables.drivers, rows, mno, driver_base, base_year
    )
    gap = year - model.through_year
    rows["gap"] = gap
    estimates = []
    for kind, n_months in (("month", 1), ("ytd", mno)):
        rows[f"factor_{kind}"] = _factor(rows, gap, f"driver_change_{kind}")
        estimates.append(_estimates(rows, kind, gap, n_months))
    table = _rollup(
        pd.concat(estimates, ignore_index=True),
        _all_sector_kwh(tables.monthly, mno),
        gap,
        _z(interval),
        model,
    )
    return Nowcast(
        month=f"{year}-{mno:02d}",
        through_year=model.through_year,
        interval=interval,
        driver_base=driver_base,
        table=_in_order(_with_period(table, year, mno)),
        coefficients=_explained(rows),
    )


def _period_inputs(
    model: FittedModel, inputs: ModelInputs, year: int, mno: int
) -> tuple[ModelInputs, pd.DataFrame]:
    """§4 the validated tables cut to the period January..``mno`` of ``year`` (and its year,
    mno pairs), refused unless they hold every month the estimate needs
    (:func:`_require_period`)."""
    _require_model_counties(model, inputs)
    periods = pd.DataFrame({"year": year, "mno": range(1, mno + 1)})
    inputs = _year_to_date(inputs, year, mno)
    _require_period(model, inputs, year, mno)
    return inputs, periods


def _year_tables(
    model: FittedModel, inputs: ModelInputs, year: int
) -> tuple[ModelInputs, _PeriodTables]:
    """§4 the validated tables cut to ``year``, and the nowcast tables of all its months."""
    _require_model_counties(model, inputs)
    inputs = _year_to_date(inputs, year, MONTHS_PER_YEAR)
    periods = _months_of([year])
    tables = _PeriodTables(
        activity=_activity(inputs, periods),
        drivers=_driver_components(inputs, periods),
        monthly=inputs.monthly,
    )
    return inputs, tables


def _require_model_counties(model: FittedModel, inputs: ModelInputs) -> None:
    """Refuse electricity use of a county the model was not fitted on."""
    check_names(
        inputs.monthly["county"],
        set(model.counties["county"]),
        "county (not in the fitted model)",
        "monthly",
        expected="a county the model was fitted on",
    )


def _require_period(model: FittedModel, inputs: ModelInputs, year: int, mno: int) -> None:
    """§4 refuse ``inputs`` (of ``year``) unless they hold every month January..``mno`` the
    estimate needs: electricity use of every county of the model, generation and output where
    an emitting sector's driver uses them."""
    periods = pd.DataFrame({"year": year, "mno": range(1, mno + 1)})
    require_months(inputs.monthly, periods, "monthly", "electricity use")
    require_counties_in_month(inputs.monthly, set(model.counties["county"]), year, mno)
    emitting = model.coefficients[model.coefficients["k"] > 0]
    if (emitting["side"] == "generation").any():
        require_months(inputs.generation, periods, "generation", "generation data")
    if emitting["driver"].isin(OUTPUT_PRODUCTS).any():
        require_months(inputs.output, periods, "output", "output indicators")


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


def _parameters(model: FittedModel) -> pd.DataFrame:
    """§4 k, â, ĉ and the variance parts of every county sector. A sector without a regression
    keeps its coefficient (â = ĉ = 0); its interval is unknown (NaN)."""
    rows = model.coefficients.merge(model.regressions, on=["sector", "driver"], how="left")
    return rows.fillna({"a": 0.0, "c": 0.0, "c_se": 0.0, "ac_cov": 0.0})


def _period_activity(
    activity: pd.DataFrame, rows: pd.DataFrame, mno: int
) -> tuple[np.ndarray, np.ndarray]:
    """§4 A of the month and of the year to date (kWh) for each of ``rows`` (0 without data),
    from the :func:`_activity` of January..``mno``."""
    month_activity = activity[activity["mno"] == mno]
    month_activity = month_activity.groupby(["county", "sector"])["activity"].sum()
    ytd_activity = activity.groupby(["county", "sector"])["activity"].sum()
    key = pd.MultiIndex.from_frame(rows[["county", "sector"]])
    return (
        month_activity.reindex(key, fill_value=0.0).to_numpy(),
        ytd_activity.reindex(key, fill_value=0.0).to_numpy(),
    )


def _driver_changes(
    model: FittedModel,
    current: pd.DataFrame,
    rows: pd.DataFrame,
    mno: int,
    driver_base: str,
    base_year: pd.Series,
) -> tuple[np.ndarray, np.ndarray]:
    """§4 ΔD for the month and year-to-date rows (0 where a sector has no driver or it is
    missing), against the whole inventory year (``base_year``, :func:`_log_drivers` of the
    model's base drivers) or (``same_months``) its January..``mno``. ``current``: the
    :func:`_driver_components` of January..``mno``."""
    this_month = _log_drivers(current[current["mno"] == mno])
    this_ytd = _log_drivers(current)
    if driver_base == "same_months":
        base = model.base_drivers
        month_change = ytd_change = this_ytd - _log_drivers(base[base["mno"] <= mno])
    else:
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


def _log_drivers(components: pd.DataFrame) -> pd.Series:
    """§4 log D by region and sector over the months of ``components``."""
    sums = components.groupby(["region", "sector"])[["numerator", "denominator"]].sum()
    return _log_ratio(sums["numerator"], sums["denominator"])


def _factor(rows: pd.DataFrame, gap: int, change: str) -> pd.Series:
    """§4 the adjustment exp(g · â + ĉ · ΔD) of k, with ΔD from the column ``change``."""
    return np.exp(gap * rows["a"] + rows["c"] * rows[change])


def _estimates(rows: pd.DataFrame, kind: str, gap: int, n_months: int) -> pd.DataFrame:
    """§4 Ê = k · A · factor of each county sector for ``kind`` (``month`` or ``ytd``), with
    Ê · ΔD and the idiosyncratic variance Ê² · v_i the roll-up needs."""
    estimate = rows["k"] * rows[f"activity_{kind}"] * rows[f"factor_{kind}"]
    idiosyncratic = _idiosyncratic_variance(rows, gap, n_months)
    return pd.DataFrame(
        {
            "kind": kind,
            "county": rows["county"],
            "city": rows["city"],
            "sector": rows["sector"],
            "activity": rows[f"activity_{kind}"],
            "estimate": estimate,
            "estimate_change": estimate * rows[f"driver_change_{kind}"],
            "idiosyncratic": np.where(estimate > 0, estimate**2 * idiosyncratic, 0.0),
        }
    )


def _idiosyncratic_variance(rows: pd.DataFrame, gap: int, n_months: int) -> pd.Series:
    """§4 v_i = g · σ_persistent² + σ_transient² + σ_month² / n, the log variance of a county
    sector independent of the others (n = months in the period)."""
    return (
        gap * rows["sigma_persistent"] ** 2
        + rows["sigma_transient"] ** 2
        + rows["sigma_month"] ** 2 / n_months
    )


def _all_sector_kwh(monthly: pd.DataFrame, mno: int) -> pd.DataFrame:
    """kind, county, kwh: electricity use of all sectors in the month and the year to date, the
    activity of the ``ALL`` rows."""
    return pd.concat(
        [
            monthly[monthly["mno"] == mno].groupby("county")["kwh"].sum().to_frame(),
            monthly.groupby("county")["kwh"].sum().to_frame(),
        ],
        keys=["month", "ytd"],
        names=["kind", "county"],
    ).reset_index()


def _z(interval: float) -> float:
    """§4 z = Φ⁻¹(1/2 + p/2), the half-width of a central interval of probability p in sds."""
    return float(norm.ppf(0.5 + interval / 2))


def _rollup(
    rows: pd.DataFrame, kwh: pd.DataFrame, gap: int, z: float, model: FittedModel
) -> pd.DataFrame:
    """§4 county, city and province rows (by sector and ALL, for each kind) with intervals.
    ``kwh``: kind, county, kwh — electricity use of all sectors, for the ALL rows."""
    parameters = model.regressions.set_index("sector")
    county_city = model.counties.set_index("county")["city"]
    kwh = kwh.assign(city=kwh["county"].map(county_city), province=model.province)
    rows = rows.assign(province=model.province)
    frames = []
    for level in ("county", "city", "province"):
        sums = _sector_sums(rows, level)
        sums = sums.assign(variance=_sum_variance(sums, parameters, gap))
        both = pd.concat([sums, _all_sectors(sums, kwh, level)], ignore_index=True)
        lo, hi = _interval(both["estimate"], both["variance"], z)
        frames.append(
            pd.DataFrame(
                {
                    "level": level,
                    "region": both["region"],
                    "sector": both["sector"],
                    "kind": both["kind"],
                    "kwh": both["activity"],
                    "tco2": both["estimate"],
                    "lo": lo,
                    "hi": hi,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _sector_sums(rows: pd.DataFrame, level: str) -> pd.DataFrame:
    """kind, region, sector and the sums of activity, Ê, Ê·ΔD and Ê²·v_i over the county sectors
    of each region of ``level``; a NaN part (unknown variance) keeps the sum NaN."""
    return (
        rows.groupby(["kind", level, "sector"], as_index=False, sort=False)[
            ["activity", "estimate", "estimate_change", "idiosyncratic"]
        ]
        .sum(skipna=False)
        .rename(columns={level: "region"})
    )


def _sum_variance(sums: pd.DataFrame, parameters: pd.DataFrame, gap: int) -> pd.Series:
    """§4 Var S of a sum S = Σ Ê_i over the county sectors i of a sector (delta method on
    log Ê), 0 where S is 0::

        (g·ΣÊ)²·Var â + (ΣÊ·ΔD)²·Var ĉ + 2·g·ΣÊ·ΣÊΔD·Cov + g·σ_common²·(ΣÊ)² + Σ Ê_i²·v_i
    """
    a_var = parameters["a_se"] ** 2
    c_var = parameters["c_se"].fillna(0.0) ** 2
    ac_cov = parameters["ac_cov"].fillna(0.0)
    common = parameters["sigma_common"] ** 2
    sector = sums["sector"]
    total, change = sums["estimate"], sums["estimate_change"]
    variance = (
        (gap * total) ** 2 * sector.map(a_var).to_numpy()
        + change**2 * sector.map(c_var).fillna(0.0).to_numpy()
        + 2 * gap * total * change * sector.map(ac_cov).fillna(0.0).to_numpy()
        + gap * total**2 * sector.map(common).to_numpy()
        + sums["idiosyncratic"]
    )
    return variance.where(total > 0, 0.0)


def _all_sectors(sums: pd.DataFrame, kwh: pd.DataFrame, level: str) -> pd.DataFrame:
    """§4 the ``ALL`` row of each region and kind: Ê and Var S summed over sectors (they are
    independent), with the electricity use of all sectors as activity."""
    all_sectors = sums.groupby(["kind", "region"], as_index=False, sort=False)[
        ["estimate", "variance"]
    ].sum(skipna=False)
    all_kwh = kwh.groupby(["kind", level])["kwh"].sum()
    key = pd.MultiIndex.from_frame(all_sectors[["kind", "region"]])
    return all_sectors.assign(
        sector=ALL_SECTORS, activity=all_kwh.reindex(key, fill_value=0.0).to_numpy()
    )


def _interval(estimate: pd.Series, variance: pd.Series, z: float) -> tuple[pd.Series, pd.Series]:
    """§4 the log-symmetric interval [S·exp(−z·sd/S), S·exp(z·sd/S)]; [0, 0] where S is 0."""
    positive = estimate > 0
    spread = np.sqrt(variance) / estimate.where(positive, 1.0)
    return (
        (estimate * np.exp(-z * spread)).where(positive, 0.0),
        (estimate * np.exp(z * spread)).where(positive, 0.0),
    )


def _with_period(table: pd.DataFrame, year: int, mno: int) -> pd.DataFrame:
    """The table with its period label: ``YYYY-MM`` for ``month`` rows, ``YYYY-01..MM`` for
    ``ytd``."""
    labels = {"month": f"{year}-{mno:02d}", "ytd": f"{year}-01..{mno:02d}"}
    table.insert(3, "period", table["kind"].map(labels))
    return table


def _in_order(table: pd.DataFrame) -> pd.DataFrame:
    """Rows by kind, then province, cities, counties, then region, then ALL before the sectors."""
    order = {
        "level": {"province": 0, "city": 1, "county": 2},
        "sector": {ALL_SECTORS: "", **{s.code: s.code for s in model_sectors()}},
    }
    return table.sort_values(
        ["kind", "level", "region", "sector"],
        key=lambda c: c.map(order[c.name]) if c.name in order else c,
        ignore_index=True,
    )


def _explained(rows: pd.DataFrame) -> pd.DataFrame:
    """§4 what explains each county sector's estimate: k, â, ĉ, source year, gap, ΔD and the
    factors."""
    columns = ["county", "city", "sector", "side", "driver", "source_year", "k", "a", "c", "gap"]
    factors = ["driver_change_month", "driver_change_ytd", "factor_month", "factor_ytd"]
    return rows[[*columns, *factors]].reset_index(drop=True)


# --- daily figures --------------------------------------------------------------------------------


def daily_estimates(model: FittedModel, day_table: pd.DataFrame) -> pd.DataFrame:
    """Daily CO2 of consumption sectors from daily electricity use (日度电碳估算).

    ``day_table``: county, industry (electricity-use class), day, kwh. Adds ``sector`` (the model
    sector, :func:`schema.model_sector_of`), ``coefficient`` = k · exp(â · (year − T)) in tCO2 per
    kWh (the trend only: daily drivers are not observed) and ``tco2`` = coefficient × kwh. Rows of
    the power sector keep NaN coefficient and tco2: its emissions follow generation, not use.
    """
    table, days, kwh = check_day_table(day_table, model.counties["county"])
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
