"""A synthetic monthly history for the electricity–carbon model (电碳模型演示历史数据), 2015–2025:
electricity use, generation, output indicators and the monthly CO2 truth behind the demo inventory.

The generating process is known (``ElectricityHistory.parameters``) so tests and the backtest can
check what the model recovers. It is written out in ``docs/methodology/electricity-carbon.md`` §5.
Every figure here is SYNTHETIC; the calibration targets marked *recalled* are rough recollections of
Shanxi's published totals, used only to give the demo plausible magnitudes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final, NamedTuple

import numpy as np
import pandas as pd

from carbonctl.demo.synthetic import DemoDataError, DemoDataset, build_dataset
from carbonctl.electricity.calendar import holiday_days
from carbonctl.electricity.model import ModelInputs
from carbonctl.electricity.schema import (
    DISPATCH_FUELS,
    OUTPUT_PRODUCTS,
    model_sectors,
)
from carbonctl.units import conversion_factor

__all__ = [
    "OUTPUT_2015_T",
    "SECTOR_PROCESS",
    "ElectricityHistory",
    "GeneratingParameters",
    "SectorProcess",
    "demo_history",
    "monthly_shares",
]

SYNTHETIC: Final = "SYNTHETIC (demo)"
PROCESS_COLUMN: Final = "Process"  # the CEADs column of cement process CO2


class SectorProcess(NamedTuple):
    """How one model sector's monthly CO2 and electricity are generated.

    ``trend`` a_s (Δlog of the carbon–electricity coefficient per year, electrification),
    ``elasticity`` c_s (of the coefficient to the driver), ``sigma`` σ_s (sd of the monthly log
    noise ε), ``kwh_2015`` the sector's 2015 electricity use in 亿kWh (*recalled*, rounded; for
    the power sector its thermal generation instead), and the monthly pattern: a yearly cosine of
    relative ``amplitude`` peaking on day-of-year ``peak_day`` and a relative ``holiday`` change
    over the Spring Festival span (negative: plants close).
    """

    trend: float
    elasticity: float
    sigma: float
    kwh_2015: float
    amplitude: float
    peak_day: int
    holiday: float


#: The generating process by model sector. 2015 electricity use adds up to ≈1,725 亿kWh with the
#: power sector's own use (Shanxi 2015: ≈1,737 亿kWh, industry ≈70 %, *recalled*); thermal
#: generation ≈2,200 亿kWh of ≈2,450 亿kWh (*recalled*). Heating sectors peak in January, cement
#: in summer (winter staggered shutdown 错峰生产), agriculture and construction in summer.
SECTOR_PROCESS: Final[dict[str, SectorProcess]] = {
    "A01": SectorProcess(-0.020, 0.0, 0.05, 28, 0.25, 180, -0.20),
    "A02.1": SectorProcess(-0.020, 0.0, 0.04, 260, 0.05, 350, -0.35),
    "A02.2.13": SectorProcess(-0.015, 0.8, 0.03, 75, 0.03, 1, -0.05),
    "A02.2.14": SectorProcess(-0.025, 0.0, 0.04, 110, 0.03, 1, -0.10),
    "A02.2.18": SectorProcess(-0.020, 0.6, 0.04, 85, 0.30, 220, -0.50),
    "A02.2.19": SectorProcess(-0.015, 0.7, 0.03, 260, 0.04, 250, -0.05),
    "A02.2.20": SectorProcess(-0.010, 0.5, 0.03, 170, 0.02, 1, -0.02),
    "A02.2": SectorProcess(-0.030, 0.0, 0.05, 90, 0.05, 200, -0.50),
    "A02.3": SectorProcess(-0.010, 1.0, 0.02, 2200, 0.20, 15, 0.0),
    "A03": SectorProcess(-0.030, 0.0, 0.06, 22, 0.35, 200, -0.80),
    "A04": SectorProcess(-0.030, 0.0, 0.04, 75, 0.05, 200, 0.10),
    "A05-A11": SectorProcess(-0.030, 0.0, 0.05, 150, 0.20, 15, -0.20),
    "B1": SectorProcess(-0.030, 0.0, 0.06, 140, 0.35, 15, 0.10),
    "B2": SectorProcess(-0.025, 0.0, 0.06, 120, 0.45, 15, 0.10),
}
#: 2015 output of the driver products, t (*recalled*, rounded): coke ≈8,000万t, crude steel
#: ≈4,000万t, cement ≈3,800万t, electrolytic aluminium ≈100万t.
OUTPUT_2015_T: Final[dict[str, float]] = {
    "coke": 8.0e7,
    "crude_steel": 4.0e7,
    "cement": 3.8e7,
    "aluminium": 1.0e6,
}

# Common parameters of the process (documented in the methodology note §5).
COEFFICIENT_SPREAD: Final = 0.25  # sd of log k0 across counties (lognormal)
SECTOR_YEAR_SD: Final = 0.015  # sd of the yearly step of a sector's province-wide random walk ζ
COUNTY_YEAR_SD: Final = 0.015  # sd of the yearly step of a county's own random walk κ
SHARE_NOISE_SD: Final = 0.02  # sd of the log noise on monthly shares of annual CO2
DRIVER_RHO: Final = 0.9  # AR(1) coefficient of the monthly process-mix anomaly u
DRIVER_SD: Final = 0.06  # stationary sd of u
OUTPUT_NOISE_SD: Final = 0.01  # sd of the log measurement noise on monthly output
RENEWABLE_COUNTY_CHANCE: Final = 0.6  # chance that a county has wind or solar plants
RENEWABLE_SHARE_2015: Final = 0.10  # province renewable share of generation (*recalled*, rounded)
RENEWABLE_SHARE_2025: Final = 0.30  # the same in 2025 (*recalled*, rounded)
RENEWABLE_SPREAD: Final = 0.4  # sd of log renewable intensity across renewable counties
RENEWABLE_CAP: Final = 0.85  # a county's renewable share of generation stays below this
RENEWABLE_SEASON: Final = 0.20  # amplitude of the renewable monthly pattern (peak in April)
RENEWABLE_NOISE_SD: Final = 0.05  # sd of the monthly log noise of a county's renewable share
OWN_USE_THERMAL: Final = 0.06  # power-sector electricity use per kWh of thermal generation
OWN_USE_RENEWABLE: Final = 0.01  # the same per kWh of wind/solar generation
OWN_USE_NOISE_SD: Final = 0.02
GANGUE_MAX: Final = 0.25  # coal-gangue share of thermal fuel, mining counties
GAS_CHANCE: Final = 0.2  # chance that a county's thermal plants burn some gas
GAS_MAX: Final = 0.10


@dataclass(frozen=True)
class GeneratingParameters:
    """The true parameters of the demo history.

    ``sectors``: sector, side, driver, trend (a_s), elasticity (c_s), sigma (σ_s), kwh_2015 and
    the monthly pattern. ``coefficients``: county, sector, k0 — the base carbon–electricity
    coefficient (tCO2 per kWh of activity, 2015, driver at its mean). ``year_effects``: sector,
    year, zeta — the realised sector-wide random walk ζ. ``common``: the scalars (random-walk
    steps, driver AR(1), noise levels).
    """

    sectors: pd.DataFrame
    coefficients: pd.DataFrame
    year_effects: pd.DataFrame
    common: dict[str, float]


@dataclass(frozen=True)
class ElectricityHistory:
    """Monthly electricity, generation and output with the CO2 truth, and the annual inventory.

    - ``counties``: county, city (adcodes).
    - ``annual``: county, sector, year, tco2 — the inventory (demo energy + process tCO2).
    - ``monthly``: county, sector, month (``YYYY-MM``), kwh, co2_true (sums to ``annual``).
    - ``generation``: county, month, fuel, mwh.
    - ``output``: city, month, product, amount (t).
    - ``parameters``: the generating process (:class:`GeneratingParameters`).
    - ``state``: where the random processes stand at the last month (arrays in the order of
      ``counties``, cities sorted, sectors of SECTOR_PROCESS), so that later months can continue
      the same process (``demo.outlook``): ``kappa`` [county, sector] and ``zeta`` [sector] (the
      random walks' last year), ``anomaly`` [city, sector] (the AR(1) driver's last month),
      ``renewable_share`` [county] (last year), ``wind_fraction``, ``gangue``, ``gas`` [county],
      ``quantity`` {product: t per kWh}.
    """

    counties: pd.DataFrame
    annual: pd.DataFrame
    monthly: pd.DataFrame
    generation: pd.DataFrame
    output: pd.DataFrame
    parameters: GeneratingParameters
    meta: dict[str, Any] = field(default_factory=dict)
    state: dict[str, Any] = field(default_factory=dict)

    @property
    def inputs(self) -> ModelInputs:
        """What a province would have: the observable tables, without the CO2 truth."""
        return ModelInputs(
            counties=self.counties,
            annual=self.annual,
            monthly=self.monthly.drop(columns="co2_true"),
            generation=self.generation,
            output=self.output,
        )

    @property
    def truth(self) -> pd.DataFrame:
        """The monthly CO2 truth (county, sector, month, tco2) a backtest is judged against."""
        return self.monthly[["county", "sector", "month", "co2_true"]].rename(
            columns={"co2_true": "tco2"}
        )


# --- the seasonal pattern -------------------------------------------------------------------------


def monthly_shares(years: list[int]) -> np.ndarray:
    """[sector, year, month] shares of annual CO2 (each year sums to 1), in SECTOR_PROCESS order.

    Daily weights 1 + A·cos(2π(doy − peak)/365.25), times (1 + holiday change) over the Spring
    Festival span (:func:`calendar.holiday_days`), summed by calendar month.
    """
    out = np.zeros((len(SECTOR_PROCESS), len(years), 12))
    for j, year in enumerate(years):
        days = pd.date_range(f"{year}-01-01", f"{year}-12-31", freq="D")
        doy = days.day_of_year.to_numpy()
        start, end = holiday_days(year)
        span = np.asarray((days.date >= start) & (days.date <= end))
        month = days.month.to_numpy() - 1
        for i, process in enumerate(SECTOR_PROCESS.values()):
            season = 1.0 + process.amplitude * np.cos(2 * np.pi * (doy - process.peak_day) / 365.25)
            weight = season * np.where(span, 1.0 + process.holiday, 1.0)
            sums = np.bincount(month, weights=weight, minlength=12)
            out[i, j] = sums / sums.sum()
    return out


# --- the generator --------------------------------------------------------------------------------


def _annual_inventory(dataset: DemoDataset, counties: list[str], years: list[int]) -> np.ndarray:
    """[county, sector, year] tCO2: energy by CEADs sector mapped to model sectors + Process."""
    sector_of = {name: s.code for s in model_sectors() for name in s.ceads}
    energy = dataset.energy.assign(model=dataset.energy["sector"].map(sector_of))
    unmapped = sorted(set(energy.loc[energy["model"].isna(), "sector"]))
    if unmapped:
        raise DemoDataError(f"CEADs sectors {unmapped} belong to no model sector")
    process = dataset.process.assign(model=sector_of[PROCESS_COLUMN])
    table = pd.concat(
        [energy[["adcode", "model", "year", "tco2"]], process[["adcode", "model", "year", "tco2"]]]
    )
    sums = table.groupby(["adcode", "model", "year"])["tco2"].sum()
    index = pd.MultiIndex.from_product([counties, list(SECTOR_PROCESS), years])
    values = sums.reindex(index, fill_value=0.0).to_numpy()
    return values.reshape(len(counties), len(SECTOR_PROCESS), len(years))


def _ar1(rng: np.random.Generator, shape: tuple[int, ...], n: int) -> np.ndarray:
    """[*shape, n] stationary AR(1) paths with DRIVER_RHO and stationary sd DRIVER_SD."""
    out = np.empty((*shape, n))
    out[..., 0] = rng.normal(0.0, DRIVER_SD, shape)
    innovation = DRIVER_SD * np.sqrt(1.0 - DRIVER_RHO**2)
    steps = rng.normal(0.0, innovation, (*shape, n))
    for t in range(1, n):
        out[..., t] = DRIVER_RHO * out[..., t - 1] + steps[..., t]
    return out


def _random_walk(rng: np.random.Generator, sd: float, shape: tuple[int, ...], n: int) -> np.ndarray:
    """[*shape, n] random walks starting at 0 in the first year."""
    steps = rng.normal(0.0, sd, (*shape, n))
    steps[..., 0] = 0.0
    return np.cumsum(steps, axis=-1)


def _renewable_shares(intensity: np.ndarray, thermal: np.ndarray, target: np.ndarray) -> np.ndarray:
    """[county, year] renewable shares of generation r = min(cap, λ_y · intensity), with λ_y
    found by bisection so that the province share Σ T·r/(1−r) / Σ T/(1−r) is ``target[y]``
    (T: thermal generation, [county, year])."""

    def province(scale: np.ndarray) -> np.ndarray:
        r = np.minimum(RENEWABLE_CAP, scale[None, :] * intensity[:, None])
        generation = thermal / (1.0 - r)
        return (generation * r).sum(axis=0) / generation.sum(axis=0)

    low, high = (
        np.zeros_like(target),
        np.full_like(target, RENEWABLE_CAP / intensity[intensity > 0].min()),
    )
    for _ in range(60):
        middle = (low + high) / 2
        above = province(middle) > target
        high = np.where(above, middle, high)
        low = np.where(above, low, middle)
    return np.minimum(RENEWABLE_CAP, ((low + high) / 2)[None, :] * intensity[:, None])


def generation_by_fuel(
    counties: list[str],
    months: list[str],
    thermal: np.ndarray,
    renewables: np.ndarray,
    *,
    gangue: np.ndarray,
    gas: np.ndarray,
    wind: np.ndarray,
) -> pd.DataFrame:
    """County × month generation (MWh) by fuel from thermal and wind/solar kWh [county, month]:
    thermal split into coal, gas and coal gangue by the county's shares, renewables into wind
    and solar; zero rows dropped (rows fuel by fuel, then county, then month)."""
    mwh = conversion_factor("kWh", "MWh")
    fuel_split = {
        "coal": thermal * (1.0 - gangue - gas)[:, None],
        "gas": thermal * gas[:, None],
        "coal_gangue": thermal * gangue[:, None],
        "wind": renewables * wind[:, None],
        "solar": renewables * (1.0 - wind)[:, None],
    }
    generation = pd.concat(
        [
            pd.DataFrame(
                {
                    "county": np.repeat(counties, len(months)),
                    "month": np.tile(months, len(counties)),
                    "fuel": fuel,
                    "mwh": values.ravel() * mwh,
                }
            )
            for fuel, values in fuel_split.items()
        ],
        ignore_index=True,
    )
    return generation[generation["mwh"] > 0]


def demo_history(dataset: DemoDataset | None = None, *, seed: int = 20240101) -> ElectricityHistory:
    """The demo monthly history for every county × model sector × month of the dataset's years.

    Generating process (c county, s sector, m month of year y, t = y − first year)::

        co2[c,s,m]   = annual[c,s,y] · share[s,y,month] · exp(noise), renormalised per year
        log k[c,s,m] = log k0[c,s] + a_s·t + c_s·x[c,s,m] + ζ[s,y] + κ[c,s,y] + ε[c,s,m]
        activity     = co2 / k

    x is the city's process-mix anomaly u (AR(1)) for product-driven sectors, log thermal share
    for the power sector, 0 otherwise; ζ and κ are yearly random walks (sector-wide, county);
    ε ~ N(0, σ_s). Activity is electricity use (kWh) for consumption sectors, generation for
    the power sector, split into thermal = share × generation and wind/solar. Output of a product
    = q · city sector kWh · exp(u + measurement noise). ``dataset`` defaults to
    :func:`build_dataset` (about 4 s); ``seed`` drives only this generator.
    """
    dataset = build_dataset() if dataset is None else dataset
    regions = dataset.regions
    county_rows = regions[regions["level"] == "county"].sort_values("adcode")
    counties = county_rows["adcode"].astype(str).tolist()
    city_of = county_rows["parent_adcode"].astype(str).to_numpy()
    cities = sorted(set(city_of))
    city_index = np.array([cities.index(c) for c in city_of])
    years = sorted(int(y) for y in dataset.energy["year"].unique())
    if years != list(range(years[0], years[-1] + 1)):
        raise DemoDataError(f"the dataset's years {years} are not consecutive")
    sectors = list(SECTOR_PROCESS)
    if set(sectors) != {s.code for s in model_sectors()}:
        raise DemoDataError("SECTOR_PROCESS does not list exactly the sectors of model_sectors.csv")
    processes = list(SECTOR_PROCESS.values())
    n_c, n_s, n_y = len(counties), len(sectors), len(years)
    n_m = 12 * n_y
    year_of_month = np.repeat(np.arange(n_y), 12)
    info = {s.code: s for s in model_sectors()}
    power = sectors.index(next(code for code, s in info.items() if s.side == "generation"))
    drivers = {
        i: info[code].driver
        for i, code in enumerate(sectors)
        if info[code].driver in OUTPUT_PRODUCTS
    }

    rng = np.random.default_rng(seed)
    annual = _annual_inventory(dataset, counties, years)  # [c, s, y]

    # 1. monthly CO2: the sector pattern with county noise, exactly normalised per year
    pattern = monthly_shares(years)  # [s, y, 12]
    share = pattern.reshape(1, n_s, n_m) * np.exp(rng.normal(0.0, SHARE_NOISE_SD, (n_c, n_s, n_m)))
    share = share.reshape(n_c, n_s, n_y, 12)
    share /= share.sum(axis=3, keepdims=True)
    co2 = (annual[:, :, :, None] * share).reshape(n_c, n_s, n_m)

    # 2. the carbon–electricity coefficient
    spread = rng.normal(0.0, COEFFICIENT_SPREAD, (n_c, n_s))
    zeta = _random_walk(rng, SECTOR_YEAR_SD, (n_s,), n_y)  # [s, y]
    kappa = _random_walk(rng, COUNTY_YEAR_SD, (n_c, n_s), n_y)  # [c, s, y]
    sigma = np.array([p.sigma for p in processes])
    epsilon = rng.normal(0.0, 1.0, (n_c, n_s, n_m)) * sigma[None, :, None]
    anomaly = _ar1(rng, (len(cities), n_s), n_m)  # [city, s, m]; used for driver sectors only
    output_noise = rng.normal(0.0, OUTPUT_NOISE_SD, (len(cities), n_s, n_m))

    # 3. wind and solar: which counties, how much, monthly pattern
    has_renewables = rng.random(n_c) < RENEWABLE_COUNTY_CHANCE
    intensity = rng.lognormal(0.0, RENEWABLE_SPREAD, n_c)
    wind_fraction = rng.uniform(0.3, 0.9, n_c)
    renewable_noise = rng.normal(0.0, RENEWABLE_NOISE_SD, (n_c, n_m))
    gangue = np.where(annual[:, sectors.index("A02.1")].sum(axis=1) > 0, 1.0, 0.0)
    gangue *= rng.uniform(0.0, GANGUE_MAX, n_c)
    gas = np.where(rng.random(n_c) < GAS_CHANCE, rng.uniform(0.0, GAS_MAX, n_c), 0.0)
    own_use_noise = rng.normal(0.0, OWN_USE_NOISE_SD, (n_c, n_m))

    province_share = np.interp(years, [2015, 2025], [RENEWABLE_SHARE_2015, RENEWABLE_SHARE_2025])
    thermal_weight = annual[:, power, :] * np.exp(-spread[:, power])[:, None]  # ∝ thermal kWh
    county_share = _renewable_shares(
        np.where(has_renewables, intensity, 0.0), thermal_weight, province_share
    )  # [c, y]
    month_of = np.tile(np.arange(1, 13), n_y)
    season = 1.0 + RENEWABLE_SEASON * np.cos(2 * np.pi * (month_of - 4) / 12)
    renewable = county_share[:, year_of_month] * season[None, :] * np.exp(renewable_noise)
    renewable = np.minimum(renewable, RENEWABLE_CAP)
    thermal_share = 1.0 - renewable  # [c, m]

    driver_x = np.zeros((n_c, n_s, n_m))
    for i in drivers:
        driver_x[:, i, :] = anomaly[city_index, i, :]
    driver_x[:, power, :] = np.log(thermal_share)

    # base coefficients: province level calibrated to the 2015 targets, lognormal by county
    elasticity = np.array([p.elasticity for p in processes])
    trend = np.array([p.trend for p in processes])
    relative = np.exp(spread)
    target = np.array([p.kwh_2015 for p in processes]) * conversion_factor("亿kWh", "kWh")
    # 2015 activity per unit of co2/k0 is the mean of exp(−c·x); the power target is thermal
    # generation, which is co2/k0 when c = 1
    per_unit = np.exp(-elasticity[None, :, None] * driver_x[:, :, :12]).mean(axis=2)
    per_unit[:, power] = 1.0
    base = (annual[:, :, 0] * per_unit / relative).sum(axis=0) / target
    k0 = base[None, :] * relative  # [c, s] tCO2 per kWh

    t = np.array(years, dtype=float) - years[0]
    log_k = (
        np.log(k0)[:, :, None]
        + (trend[:, None] * t[None, :])[None, :, year_of_month]
        + elasticity[None, :, None] * driver_x
        + zeta[None, :, year_of_month]
        + kappa[:, :, year_of_month]
        + epsilon
    )
    activity = co2 / np.exp(log_k)  # kWh; generation for the power sector

    kwh = activity.copy()
    generation_kwh = activity[:, power, :]
    thermal = thermal_share * generation_kwh
    renewables = generation_kwh - thermal
    kwh[:, power, :] = (OWN_USE_THERMAL * thermal + OWN_USE_RENEWABLE * renewables) * np.exp(
        own_use_noise
    )

    months = [f"{y}-{m:02d}" for y in years for m in range(1, 13)]
    monthly = pd.DataFrame(
        {
            "county": np.repeat(counties, n_s * n_m),
            "sector": np.tile(np.repeat(sectors, n_m), n_c),
            "month": np.tile(months, n_c * n_s),
            "kwh": kwh.ravel(),
            "co2_true": co2.ravel(),
        }
    )
    annual_table = pd.DataFrame(
        {
            "county": np.repeat(counties, n_s * n_y),
            "sector": np.tile(np.repeat(sectors, n_y), n_c),
            "year": np.tile(years, n_c * n_s),
            "tco2": annual.ravel(),
        }
    )
    generation = generation_by_fuel(
        counties, months, thermal, renewables, gangue=gangue, gas=gas, wind=wind_fraction
    )
    order = {fuel: i for i, fuel in enumerate(DISPATCH_FUELS)}
    generation = generation.sort_values(
        ["county", "month", "fuel"], key=lambda c: c.map(order) if c.name == "fuel" else c
    ).reset_index(drop=True)

    city_kwh = np.zeros((len(cities), n_s, n_m))
    np.add.at(city_kwh, city_index, kwh)
    frames = []
    quantities = {}
    for i, product in drivers.items():
        province_2015 = kwh[:, i, :12].sum()
        quantity = quantities[product] = OUTPUT_2015_T[product] / province_2015  # t per kWh
        amount = quantity * city_kwh[:, i, :] * np.exp(anomaly[:, i, :] + output_noise[:, i, :])
        frame = pd.DataFrame(
            {
                "city": np.repeat(cities, n_m),
                "month": np.tile(months, len(cities)),
                "product": product,
                "amount": amount.ravel(),
            }
        )
        frames.append(frame[frame["amount"] > 0])
    output = pd.concat(frames, ignore_index=True).sort_values(
        ["city", "month", "product"], ignore_index=True
    )

    parameters = GeneratingParameters(
        sectors=pd.DataFrame(
            {
                "sector": sectors,
                "side": [info[s].side for s in sectors],
                "driver": [info[s].driver for s in sectors],
                **{name: [getattr(p, name) for p in processes] for name in SectorProcess._fields},
            }
        ),
        coefficients=pd.DataFrame(
            {
                "county": np.repeat(counties, n_s),
                "sector": np.tile(sectors, n_c),
                "k0": k0.ravel(),
            }
        ),
        year_effects=pd.DataFrame(
            {
                "sector": np.repeat(sectors, n_y),
                "year": np.tile(years, n_s),
                "zeta": zeta.ravel(),
            }
        ),
        common={
            "coefficient_spread": COEFFICIENT_SPREAD,
            "sector_year_sd": SECTOR_YEAR_SD,
            "county_year_sd": COUNTY_YEAR_SD,
            "share_noise_sd": SHARE_NOISE_SD,
            "driver_rho": DRIVER_RHO,
            "driver_sd": DRIVER_SD,
            "output_noise_sd": OUTPUT_NOISE_SD,
        },
    )
    return ElectricityHistory(
        counties=pd.DataFrame({"county": counties, "city": city_of}),
        annual=annual_table,
        monthly=monthly,
        generation=generation,
        output=output,
        parameters=parameters,
        meta={
            "label": f"{SYNTHETIC}: monthly electricity, generation, output and CO2 truth",
            "seed": seed,
            "dataset_seed": dataset.meta.get("seed"),
            "years": years,
            "first_month": months[0],
            "last_month": months[-1],
        },
        state={
            "kappa": kappa[:, :, -1].copy(),
            "zeta": zeta[:, -1].copy(),
            "anomaly": anomaly[:, :, -1].copy(),
            "renewable_share": county_share[:, -1].copy(),
            "wind_fraction": wind_fraction,
            "gangue": gangue,
            "gas": gas,
            "quantity": quantities,
        },
    )
