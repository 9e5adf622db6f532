"""The demo's first year of the 15th five-year plan in progress (“十五五”开局之年演示数据): monthly
electricity, generation and output for 2026-01 … 2026-06 continuing the demo history, the 2026
assessment on them, a GDP projection for 2026, enterprises' specific energy use (单位产品能耗) in
2025 and the reporting status the late-data rule reads. Everything here is SYNTHETIC.

**The months** continue the generating process of :mod:`carbonctl.demo.electricity` (seasonal
shares, carbon–electricity coefficients with their random walks, the AR(1) driver, renewables,
own use, output) from where the history's ``state`` left it, with random numbers of their own
(``SeedSequence([seed, 2026])``), so the 2015–2025 history stays identical. A county sector's
2026 CO2 is its 2025 inventory × (1 + its city's designed growth) × a cell-level draw, spread over
the months by the 2026 seasonal shares; the planted series (:data:`FAST_GROWTH`, :data:`SPIKE`)
are multiplied on top and the city's other cells rescaled so that the city keeps its growth.

**The designed barometer mix.** The platform grades the year in progress by the year-to-date
intensity change chained to the last full year::

    I_2026 = I_2025 × (CO2_H1_2026 / CO2_H1_2025) / (GDP_2026 / GDP_2025)

with CO2 of 2026 from the nowcasts and of 2025 from the months reconciled to the inventory (the
2026 assessment's own tables). :data:`CITY_DESIGN` gives each city's achieved reduction as a
multiple of the required one (15th plan: base 2025, R = 17 %, required in 2026 =
1 − 0.83^(1/5) ≈ 3.66 %): red (intensity rose, or achieved < 90 % of required), yellow
(90–100 %), green (≥ 100 %). Because the nowcast misses a city's H1 total by about 1 % (more
than the yellow band is wide), each city's 2026 months are scaled once after a first nowcast so
that the nowcast's H1 growth is the designed one; the nowcast of a city is proportional to its
electricity, generation and output (the drivers are ratios), so the scaling is exact, and the
truth keeps the model's error. The 2026 assessment is then computed once more on the final data.

**GDP 2026** (at the constant prices of the macro table, 2020 = 100): each city's 2025 figure ×
(1 + a seeded growth around 5 %), counties by their own draws rescaled to sum to their city, the
province the sum of its cities. A projection, not a statistic.

**Specific energy use 2025** of the demo enterprises whose industry has a product in the national
energy-efficiency benchmark table (refdata ``energy_efficiency_benchmarks``): steel (高炉工序
and 转炉工序, or an electric arc furnace, or ferroalloys), coking (焦炭), cement clinker
(水泥熟料) and flat glass, electrolytic aluminium (电解铝) and chemicals. Most lie between the
benchmark (标杆) and the baseline (基准) level, about one in ten better than the benchmark, and
:data:`WORSE_THAN_BASELINE` of them worse than the baseline (lower is better for every row).

**Reporting status** (报送情况) for the late-data rule: each county's monthly energy report for
2026-01 … 2026-06 (deadline: the 15th of the next month) and each key enterprise's annual report
for 2025 (deadline 2026-03-31), with the date received. The rule reads it as of
:data:`REPORTING_AS_OF`: a report received after its deadline is **late**; a report not received
(``received`` empty) whose deadline has passed is **missing**; otherwise it is on time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any, Final

import numpy as np
import pandas as pd

from carbonctl import refdata
from carbonctl.demo.electricity import (
    COUNTY_YEAR_SD,
    DRIVER_RHO,
    DRIVER_SD,
    OUTPUT_NOISE_SD,
    OWN_USE_NOISE_SD,
    OWN_USE_RENEWABLE,
    OWN_USE_THERMAL,
    RENEWABLE_CAP,
    RENEWABLE_NOISE_SD,
    RENEWABLE_SEASON,
    SECTOR_PROCESS,
    SECTOR_YEAR_SD,
    SHARE_NOISE_SD,
    ElectricityHistory,
    demo_history,
    generation_by_fuel,
    monthly_shares,
)
from carbonctl.demo.synthetic import DemoDataError, DemoDataset, build_dataset
from carbonctl.electricity import model as ec
from carbonctl.electricity.assessment import YearAssessment, assess_year
from carbonctl.electricity.reconcile import benchmark
from carbonctl.electricity.schema import DISPATCH_FUELS, OUTPUT_PRODUCTS, model_sectors
from carbonctl.indicators.schedule import required_cumulative
from carbonctl.refdata.benchmarks import efficiency_benchmarks
from carbonctl.warning.barometer import barometer_grade

__all__ = [
    "CITY_DESIGN",
    "FAST_GROWTH",
    "LAST_MONTH",
    "REPORTING_AS_OF",
    "SPIKE",
    "YEAR",
    "DemoOutlook",
    "build_outlook",
    "city_barometer",
]

SYNTHETIC: Final = "SYNTHETIC (demo)"
YEAR: Final = 2026
LAST_MONTH: Final = 6
BASE_YEAR: Final = 2025
PLAN: Final = "15th"

#: Each city's designed achieved reduction in 2026 as a multiple of the required one (and the
#: level it gives): 3 red (运城's intensity rises), 3 yellow (0.93–0.97: the band is 0.9–1.0),
#: 5 green. 太原 (the demo's city official) is yellow, so that login sees a warning.
CITY_DESIGN: Final[dict[str, tuple[float, str]]] = {
    "140100": (0.95, "yellow"),  # 太原
    "140200": (1.25, "green"),  # 大同
    "140300": (1.60, "green"),  # 阳泉
    "140400": (0.40, "red"),  # 长治: far behind
    "140500": (1.10, "green"),  # 晋城
    "140600": (0.93, "yellow"),  # 朔州
    "140700": (1.40, "green"),  # 晋中
    "140800": (-0.40, "red"),  # 运城: intensity rose
    "140900": (0.97, "yellow"),  # 忻州
    "141000": (0.60, "red"),  # 临汾: far behind
    "141100": (1.80, "green"),  # 吕梁
}

#: Planted fast-growing series (city, model sector): the CO2 multiplier on the normal 2026 path
#: by month (January first), and for a product-driven sector the exponent θ of the output's
#: share of it (output × multiplier^θ: θ = 0.2 keeps output growth well below CO2's).
FAST_GROWTH: Final[dict[tuple[str, str], tuple[tuple[float, ...], float | None]]] = {
    ("140800", "A02.2.20"): ((1.20, 1.24, 1.28, 1.30, 1.30, 1.32), 0.2),  # 运城 aluminium
    ("140400", "A02.1"): ((1.05, 1.10, 1.30, 1.30, 1.32, 1.32), None),  # 长治 mining
}
#: One month's spike that a trend test should ignore: (city, sector, month, multiplier).
SPIKE: Final = ("140300", "A02.1", f"{YEAR}-{LAST_MONTH:02d}", 1.45)  # 阳泉 mining, June only

CELL_GROWTH_SD: Final = 0.03  # sd of the log growth of a county sector around its city's
GDP_GROWTH: Final = 0.05  # mean real GDP growth of a city in 2026 (demo projection)
GDP_CITY_SD: Final = 0.007
GDP_COUNTY_SD: Final = 0.01
GDP_STATUS: Final = (
    "SYNTHETIC (demo) projection: 2025 at constant 2020 prices × (1 + seeded growth ≈ 5 %), "
    "not statistics"
)
#: The province's renewable share of generation keeps rising by 2 points a year (2025: 30 %).
RENEWABLE_SHARE_STEP: Final = 0.32 / 0.30

#: The benchmark products of each demo industry (CEADs sector): alternatives with their chance;
#: an alternative may list several processes of one plant (a long-process steel works).
PRODUCTS: Final[dict[str, tuple[tuple[tuple[str, ...], float], ...]]] = {
    "Smelting and Pressing of Ferrous Metals": (
        (("高炉工序", "转炉工序"), 0.70),
        (("电弧炉冶炼（公称容量≥50t）",), 0.15),
        (("硅铁",), 0.10),
        (("锰硅合金",), 0.05),
    ),
    "Petroleum Processing and Coking": (
        (("焦炭（捣固焦炉）",), 0.6),
        (("焦炭（顶装焦炉）",), 0.4),
    ),
    "Nonmetal Mineral Products": (
        (("水泥熟料",), 0.85),
        (("平板玻璃（生产能力>800t/d）",), 0.15),
    ),
    "Smelting and Pressing of Nonferrous Metals": ((("电解铝（铝液交流电耗）",), 1.0),),
    "Raw Chemical Materials and Chemical Products": (
        (("合成氨（粉煤：无烟粉煤、烟煤）",), 0.35),
        (("煤制甲醇",), 0.30),
        (("电石",), 0.20),
        (("烧碱（离子膜法液碱≥30%）",), 0.15),
    ),
}
#: Rough direct tCO2 per unit of product, only to give the output column plausible magnitudes
#: from an enterprise's 2025 emissions (DESIGN, not sourced); the unit of output per product.
PRODUCT_SIZE: Final[dict[str, tuple[float, str]]] = {
    "高炉工序": (1.5, "t 铁水"),
    "转炉工序": (0.15, "t 粗钢"),
    "电弧炉冶炼（公称容量≥50t）": (0.1, "t 粗钢"),
    "硅铁": (1.0, "t"),
    "锰硅合金": (0.8, "t"),
    "焦炭（捣固焦炉）": (0.45, "t 焦炭"),
    "焦炭（顶装焦炉）": (0.45, "t 焦炭"),
    "水泥熟料": (0.85, "t 熟料"),
    "平板玻璃（生产能力>800t/d）": (0.03, "重量箱"),
    "电解铝（铝液交流电耗）": (2.0, "t 铝液"),
    "合成氨（粉煤：无烟粉煤、烟煤）": (3.5, "t"),
    "煤制甲醇": (2.5, "t"),
    "电石": (1.8, "t"),
    "烧碱（离子膜法液碱≥30%）": (0.5, "t"),
}
#: Share of enterprises better than the benchmark (标杆) and worse than the baseline (基准).
BETTER_THAN_BENCHMARK: Final = 0.10
WORSE_THAN_BASELINE: Final = 0.07

#: The date the reporting status is read at (after the June reports' deadline of 2026-07-15).
REPORTING_AS_OF: Final = dt.date(2026, 7, 20)
ENTERPRISE_DEADLINE: Final = dt.date(2026, 3, 31)
LATE_SHARE: Final = 0.03  # share of reports received late
COUNTIES_MISSING_JUNE: Final = 3
MONTHLY_REPORT: Final = "月度能源消费报表"
ANNUAL_REPORT: Final = f"{BASE_YEAR}年度能源利用状况报告"
ENTERPRISES_MISSING: Final = 3


@dataclass(frozen=True)
class DemoOutlook:
    """The 2026 demo (see the module docstring).

    - ``history``: the demo history extended by the 2026 months (``annual`` unchanged).
    - ``assessment``: ``assess_year(history.inputs, 2026, last_month=6)``.
    - ``gdp_2026``: adcode, year, gdp_constant (亿元, constant 2020 prices), status.
    - ``product_energy``: enterprise (enterprise_id), credit_code, year, product, output,
      output_unit, specific_energy, unit (product and unit as in the benchmark table).
    - ``reporting``: subject (county adcode or enterprise credit code), subject_kind
      (county|enterprise), period (``YYYY-MM`` or ``YYYY``), deadline, received (dates; received
      None when not received by :data:`REPORTING_AS_OF`), and for loading: region (the county,
      an enterprise's county) and report (what is owed, Chinese).
    - ``meta``: the design, what was planted and the barometer the assessment gives.
    """

    history: ElectricityHistory
    assessment: YearAssessment
    gdp_2026: pd.DataFrame
    product_energy: pd.DataFrame
    reporting: pd.DataFrame
    meta: dict[str, Any] = field(default_factory=dict)


def _plan() -> tuple[int, float]:
    plans = refdata.load_table("five_year_plans").set_index("plan")
    return int(plans.at[PLAN, "base_year"]), float(plans.at[PLAN, "co2_intensity_target"])


def build_outlook(
    dataset: DemoDataset | None = None,
    history: ElectricityHistory | None = None,
    *,
    seed: int = 20240101,
    electricity_2025: YearAssessment | None = None,
) -> DemoOutlook:
    """The 2026 demo on ``dataset`` and its ``history`` (built from ``seed`` when not given).
    ``electricity_2025`` (the demo's 2025 assessment) saves recomputing the 2025 nowcasts the
    design needs; without it they are computed here (about 5 s more)."""
    dataset = build_dataset(seed=seed) if dataset is None else dataset
    history = demo_history(dataset, seed=seed) if history is None else history
    if not history.state:
        raise DemoDataError("the history has no generator state to continue")
    if history.meta.get("last_month") != f"{BASE_YEAR}-12":
        raise DemoDataError(f"the history must end in {BASE_YEAR}-12 to continue into {YEAR}")
    streams = np.random.SeedSequence([seed, YEAR]).spawn(4)
    gdp = _gdp_2026(dataset, np.random.default_rng(streams[0]))
    base_year, target = _plan()
    required = required_cumulative(target, YEAR - base_year)
    growth = gdp.set_index("adcode")["gdp_constant"] / _gdp_2025(dataset) - 1.0
    wanted = {
        city: (1.0 - progress * required) * (1.0 + growth[city]) - 1.0
        for city, (progress, _level) in CITY_DESIGN.items()
    }
    months = _continue(history, np.random.default_rng(streams[1]), wanted)
    extended = _extended(history, months)
    reference = _reconciled_h1(history, electricity_2025)
    fitted = ec.fit(extended.inputs, through_year=BASE_YEAR)
    first = _city_ytd(ec.nowcast(fitted, extended.inputs, f"{YEAR}-{LAST_MONTH:02d}").table)
    scale = {city: (1.0 + wanted[city]) * reference[city] / first[city] for city in CITY_DESIGN}
    extended = _extended(history, _scaled(months, history.counties, scale))
    assessment = assess_year(extended.inputs, YEAR, last_month=LAST_MONTH)
    barometer = city_barometer(assessment, gdp, _gdp_2025(dataset), target, base_year)
    energy = _product_energy(dataset, np.random.default_rng(streams[2]))
    reporting = _reporting(dataset, np.random.default_rng(streams[3]))
    meta = {
        "label": f"{SYNTHETIC}: the 15th plan's first year in progress, {YEAR}-01…"
        f"{YEAR}-{LAST_MONTH:02d}",
        "seed": seed,
        "year": YEAR,
        "last_month": f"{YEAR}-{LAST_MONTH:02d}",
        "plan": {"plan": PLAN, "base_year": base_year, "target": target, "required": required},
        "design": {
            city: {
                "progress": progress,
                "level": level,
                "co2_growth_h1": float(wanted[city]),
                "gdp_growth": float(growth[city]),
                "calibration": float(scale[city]),
            }
            for city, (progress, level) in CITY_DESIGN.items()
        },
        "barometer": barometer.to_dict("records"),
        "fast_growth": [
            {
                "city": city,
                "sector": sector,
                "multiplier": list(multiplier),
                "output_exponent": theta,
                "product": _product_of(sector),
            }
            for (city, sector), (multiplier, theta) in FAST_GROWTH.items()
        ],
        "spike": dict(zip(("city", "sector", "month", "multiplier"), SPIKE, strict=True)),
        "product_energy": {
            "worse_than_baseline": sorted(
                energy.loc[energy["worse_than_baseline"], "enterprise"].unique().tolist()
            ),
        },
        "reporting": {
            "as_of": REPORTING_AS_OF.isoformat(),
            "late": [
                (r.subject, r.period)
                for r in reporting.itertuples(index=False)
                if r.received is not None and r.received > r.deadline
            ],
            "missing": [
                (r.subject, r.period)
                for r in reporting.itertuples(index=False)
                if r.received is None
            ],
        },
        "gdp_status": GDP_STATUS,
    }
    return DemoOutlook(
        history=extended,
        assessment=assessment,
        gdp_2026=gdp,
        product_energy=energy.drop(columns="worse_than_baseline"),
        reporting=reporting,
        meta=meta,
    )


# --- GDP ------------------------------------------------------------------------------------------


def _gdp_2025(dataset: DemoDataset) -> pd.Series:
    macro = dataset.macro[dataset.macro["year"] == BASE_YEAR]
    if macro.empty:
        raise DemoDataError(f"the dataset has no macro figures for {BASE_YEAR}")
    return macro.set_index(macro["adcode"].astype(str))["gdp_constant_2020_100m_yuan"]


def _gdp_2026(dataset: DemoDataset, rng: np.random.Generator) -> pd.DataFrame:
    """Province, city and county GDP 2026 (see the module docstring); cities and counties add
    up."""
    base = _gdp_2025(dataset)
    regions = dataset.regions.assign(adcode=dataset.regions["adcode"].astype(str))
    province = regions.loc[regions["level"] == "province", "adcode"].iloc[0]
    cities = sorted(regions.loc[regions["level"] == "city", "adcode"])
    counties = regions[regions["level"] == "county"].sort_values("adcode")
    city_growth = np.clip(rng.normal(GDP_GROWTH, GDP_CITY_SD, len(cities)), 0.035, 0.065)
    city_gdp = base[cities].to_numpy() * (1.0 + city_growth)
    county_gdp = base[counties["adcode"]].to_numpy() * np.exp(
        rng.normal(0.0, GDP_COUNTY_SD, len(counties))
    )
    parent = counties["parent_adcode"].astype(str).to_numpy()
    position = {c: i for i, c in enumerate(cities)}
    index = np.array([position[p] for p in parent])
    totals = np.bincount(index, weights=county_gdp, minlength=len(cities))
    county_gdp *= city_gdp[index] / totals[index]
    return pd.DataFrame(
        {
            "adcode": [province, *cities, *counties["adcode"]],
            "year": YEAR,
            "gdp_constant": [city_gdp.sum(), *city_gdp, *county_gdp],
            "status": GDP_STATUS,
        }
    )


# --- the 2026 months ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Months:
    monthly: pd.DataFrame
    generation: pd.DataFrame
    output: pd.DataFrame


def _product_of(sector: str) -> str:
    driver = {s.code: s.driver for s in model_sectors()}[sector]
    return driver if driver in OUTPUT_PRODUCTS else ""


def _cube(table: pd.DataFrame, counties: list[str], sectors: list[str], value: str) -> np.ndarray:
    index = pd.MultiIndex.from_product([counties, sectors])
    series = table.set_index(["county", "sector"])[value]
    return series.reindex(index, fill_value=0.0).to_numpy().reshape(len(counties), len(sectors))


def _continue(
    history: ElectricityHistory, rng: np.random.Generator, wanted: dict[str, float]
) -> _Months:
    """The months of 2026 by the history's process (:func:`demo_history`'s docstring), with
    each city's H1 CO2 growing by ``wanted`` on 2025 (planted series on top)."""
    counties = history.counties["county"].astype(str).tolist()
    city_of = history.counties["city"].astype(str).to_numpy()
    cities = sorted(set(city_of))
    city_index = np.array([cities.index(c) for c in city_of])
    sectors = list(SECTOR_PROCESS)
    processes = list(SECTOR_PROCESS.values())
    info = {s.code: s for s in model_sectors()}
    power = sectors.index(next(c for c, s in info.items() if s.side == "generation"))
    drivers = {
        i: info[c].driver for i, c in enumerate(sectors) if info[c].driver in OUTPUT_PRODUCTS
    }
    n_c, n_s, n_m = len(counties), len(sectors), LAST_MONTH
    first_year = int(history.meta["years"][0])
    state = history.state

    # 1. CO2: the 2025 inventory grown by the city's design, spread by the 2026 shares
    annual = history.annual[history.annual["year"] == BASE_YEAR]
    annual = _cube(annual, counties, sectors, "tco2")
    pattern = monthly_shares([YEAR])[:, 0, :]  # [s, 12]
    share = pattern[None] * np.exp(rng.normal(0.0, SHARE_NOISE_SD, (n_c, n_s, 12)))
    share /= share.sum(axis=2, keepdims=True)
    growth = np.array([wanted[c] for c in city_of])
    level = annual * (1.0 + growth[:, None]) * np.exp(rng.normal(0.0, CELL_GROWTH_SD, (n_c, n_s)))
    co2 = level[:, :, None] * share[:, :, :n_m]
    planted = np.zeros((n_c, n_s), dtype=bool)
    shift = np.zeros((len(cities), n_s, n_m))  # driver anomaly shifts of planted product sectors
    for (city, sector), (multiplier, theta) in FAST_GROWTH.items():
        rows, s = city_of == city, sectors.index(sector)
        factor = np.asarray(multiplier[:n_m])
        co2[rows, s, :] *= factor
        planted[rows, s] = True
        if theta is not None:
            # output ∝ kWh·e^u and k ∝ e^(c·u): output / CO2 ∝ e^((1 − c)·u)
            shift[cities.index(city), s] = (
                (theta - 1.0) * np.log(factor) / (1.0 - processes[s].elasticity)
            )
    spike_city, spike_sector, spike_month, spike_factor = SPIKE
    spike_rows, spike_s = city_of == spike_city, sectors.index(spike_sector)
    co2[spike_rows, spike_s, int(spike_month[5:]) - 1] *= spike_factor
    planted[spike_rows, spike_s] = True
    before = history.monthly[
        history.monthly["month"].between(f"{BASE_YEAR}-01", f"{BASE_YEAR}-{n_m:02d}")
    ]
    before = before.assign(city=before["county"].map(dict(zip(counties, city_of, strict=True))))
    before = before.groupby("city")["co2_true"].sum()
    for city in cities:
        rows = city_of == city
        fixed = co2[rows][planted[rows]].sum()
        free = co2[rows][~planted[rows]].sum()
        target = before[city] * (1.0 + wanted[city])
        scale = np.where(planted[rows], 1.0, (target - fixed) / free)
        co2[rows] *= scale[:, :, None]

    # 2. the carbon–electricity coefficient, continued
    coefficients = history.parameters.coefficients
    k0 = _cube(coefficients, counties, sectors, "k0")
    zeta = state["zeta"] + rng.normal(0.0, SECTOR_YEAR_SD, n_s)
    kappa = state["kappa"] + rng.normal(0.0, COUNTY_YEAR_SD, (n_c, n_s))
    sigma = np.array([p.sigma for p in processes])
    epsilon = rng.normal(0.0, 1.0, (n_c, n_s, n_m)) * sigma[None, :, None]
    anomaly = np.empty((len(cities), n_s, n_m))
    innovation = DRIVER_SD * np.sqrt(1.0 - DRIVER_RHO**2)
    steps = rng.normal(0.0, innovation, (len(cities), n_s, n_m))
    previous = state["anomaly"]
    for m in range(n_m):
        previous = anomaly[:, :, m] = DRIVER_RHO * previous + steps[:, :, m]
    anomaly += shift
    output_noise = rng.normal(0.0, OUTPUT_NOISE_SD, (len(cities), n_s, n_m))

    # 3. wind and solar
    renewable_noise = rng.normal(0.0, RENEWABLE_NOISE_SD, (n_c, n_m))
    own_use_noise = rng.normal(0.0, OWN_USE_NOISE_SD, (n_c, n_m))
    county_share = np.minimum(RENEWABLE_CAP, state["renewable_share"] * RENEWABLE_SHARE_STEP)
    month_of = np.arange(1, n_m + 1)
    season = 1.0 + RENEWABLE_SEASON * np.cos(2 * np.pi * (month_of - 4) / 12)
    renewable = np.minimum(
        county_share[:, None] * season[None, :] * np.exp(renewable_noise), RENEWABLE_CAP
    )
    thermal_share = 1.0 - renewable

    driver_x = np.zeros((n_c, n_s, n_m))
    for i in drivers:
        driver_x[:, i, :] = anomaly[city_index, i, :]
    driver_x[:, power, :] = np.log(thermal_share)
    elasticity = np.array([p.elasticity for p in processes])
    trend = np.array([p.trend for p in processes])
    with np.errstate(divide="ignore"):
        log_k = (
            np.log(k0)[:, :, None]
            + (trend * (YEAR - first_year))[None, :, None]
            + elasticity[None, :, None] * driver_x
            + zeta[None, :, None]
            + kappa[:, :, None]
            + epsilon
        )
    activity = np.where(co2 > 0, co2 / np.exp(log_k), 0.0)
    kwh = activity.copy()
    generation_kwh = activity[:, power, :]
    thermal = thermal_share * generation_kwh
    renewables = generation_kwh - thermal
    kwh[:, power, :] = (OWN_USE_THERMAL * thermal + OWN_USE_RENEWABLE * renewables) * np.exp(
        own_use_noise
    )

    months = [f"{YEAR}-{m:02d}" for m in month_of]
    monthly = pd.DataFrame(
        {
            "county": np.repeat(counties, n_s * n_m),
            "sector": np.tile(np.repeat(sectors, n_m), n_c),
            "month": np.tile(months, n_c * n_s),
            "kwh": kwh.ravel(),
            "co2_true": co2.ravel(),
        }
    )
    generation = generation_by_fuel(
        counties,
        months,
        thermal,
        renewables,
        gangue=state["gangue"],
        gas=state["gas"],
        wind=state["wind_fraction"],
    )
    city_kwh = np.zeros((len(cities), n_s, n_m))
    np.add.at(city_kwh, city_index, kwh)
    frames = []
    for i, product in drivers.items():
        amount = (
            state["quantity"][product]
            * city_kwh[:, i, :]
            * np.exp(anomaly[:, i, :] + output_noise[:, i, :])
        )
        frame = pd.DataFrame(
            {
                "city": np.repeat(cities, n_m),
                "month": np.tile(months, len(cities)),
                "product": product,
                "amount": amount.ravel(),
            }
        )
        frames.append(frame[frame["amount"] > 0])
    return _Months(monthly, generation, pd.concat(frames, ignore_index=True))


def _scaled(months: _Months, counties: pd.DataFrame, scale: dict[str, float]) -> _Months:
    """Every figure of a city's 2026 months × ``scale[city]`` (CO2, electricity, generation and
    output together: the coefficients and drivers stay as generated)."""
    city_of = dict(zip(counties["county"].astype(str), counties["city"].astype(str), strict=True))
    county_factor = months.monthly["county"].map(lambda c: scale[city_of[c]])
    monthly = months.monthly.assign(
        kwh=months.monthly["kwh"] * county_factor,
        co2_true=months.monthly["co2_true"] * county_factor,
    )
    generation = months.generation.assign(
        mwh=months.generation["mwh"] * months.generation["county"].map(lambda c: scale[city_of[c]])
    )
    output = months.output.assign(amount=months.output["amount"] * months.output["city"].map(scale))
    return _Months(monthly, generation, output)


def _extended(history: ElectricityHistory, months: _Months) -> ElectricityHistory:
    order = {fuel: i for i, fuel in enumerate(DISPATCH_FUELS)}
    generation = pd.concat([history.generation, months.generation], ignore_index=True)
    generation = generation.sort_values(
        ["county", "month", "fuel"], key=lambda c: c.map(order) if c.name == "fuel" else c
    ).reset_index(drop=True)
    output = pd.concat([history.output, months.output], ignore_index=True).sort_values(
        ["city", "month", "product"], ignore_index=True
    )
    sector_order = {sector: i for i, sector in enumerate(SECTOR_PROCESS)}
    monthly = pd.concat([history.monthly, months.monthly], ignore_index=True).sort_values(
        ["county", "sector", "month"],
        key=lambda c: c.map(sector_order) if c.name == "sector" else c,
        ignore_index=True,
        kind="stable",
    )
    return replace(
        history,
        monthly=monthly,
        generation=generation,
        output=output,
        meta={**history.meta, "last_month": f"{YEAR}-{LAST_MONTH:02d}", "extended_by": __name__},
    )


# --- the barometer's inputs -----------------------------------------------------------------------


def _city_ytd(table: pd.DataFrame) -> pd.Series:
    rows = table[
        (table["level"] == "city") & (table["sector"] == ec.ALL_SECTORS) & (table["kind"] == "ytd")
    ]
    return rows.set_index("region")["tco2"]


def _reconciled_h1(history: ElectricityHistory, assessment: YearAssessment | None) -> pd.Series:
    """City CO2 of 2025-01 … 2025-06 as the 2026 assessment's ``previous`` table will have it:
    the months of 2025 nowcast through 2024, benchmarked to the 2025 inventory (taken from the
    2025 assessment's nowcasts when given)."""
    if (
        assessment is not None
        and (assessment.year, assessment.through_year) == (BASE_YEAR, BASE_YEAR - 1)
        and len(assessment.months) == 12
    ):
        table = assessment.current
    else:
        fitted = ec.fit(history.inputs, through_year=BASE_YEAR - 1)
        table = pd.concat(
            [
                ec.nowcast(fitted, history.inputs, f"{BASE_YEAR}-{m:02d}").table.assign(
                    month=f"{BASE_YEAR}-{m:02d}"
                )
                for m in range(1, 13)
            ],
            ignore_index=True,
        )
    rows = table[
        (table["level"] == "county")
        & (table["kind"] == "month")
        & (table["sector"] != ec.ALL_SECTORS)
    ]
    cells = rows.rename(columns={"region": "county"})[["county", "sector", "month", "tco2"]]
    annual = history.annual[history.annual["year"] == BASE_YEAR]
    adjusted = cells.assign(tco2=benchmark(cells, annual)["adjusted"].to_numpy())
    adjusted = adjusted[adjusted["month"] <= f"{BASE_YEAR}-{LAST_MONTH:02d}"]
    city_of = dict(zip(history.counties["county"], history.counties["city"], strict=True))
    return adjusted.groupby(adjusted["county"].map(city_of))["tco2"].sum()


def city_barometer(
    assessment: YearAssessment,
    gdp_2026: pd.DataFrame,
    gdp_2025: pd.Series,
    target: float,
    base_year: int,
) -> pd.DataFrame:
    """Each city's carbon barometer for the year in progress from the assessment's numbers:
    city, co2_now (nowcast, Jan..last month), co2_before (reconciled, same months a year
    earlier), gdp_growth, intensity_change (I_t / I_{t−1} − 1), required, achieved, level."""
    year, last = assessment.year, assessment.months[-1]
    now = _city_ytd(assessment.current[assessment.current["month"] == last])
    before = _city_ytd(assessment.previous[assessment.previous["month"] == f"{year - 1}{last[4:]}"])
    gdp_now = gdp_2026.set_index("adcode")["gdp_constant"]
    rows = []
    for city in sorted(now.index):
        change = (now[city] / before[city]) / (gdp_now[city] / gdp_2025[city])
        grade = barometer_grade(target, base_year, year, 1.0, 1.0, change)
        rows.append(
            {
                "city": city,
                "co2_now": float(now[city]),
                "co2_before": float(before[city]),
                "gdp_growth": float(gdp_now[city] / gdp_2025[city] - 1.0),
                "intensity_change": float(change - 1.0),
                "required": grade.required,
                "achieved": grade.achieved,
                "level": str(grade.level),
            }
        )
    return pd.DataFrame(rows)


# --- enterprises ----------------------------------------------------------------------------------


def _benchmarks() -> pd.DataFrame:
    """The benchmark table (refdata ``energy_efficiency_benchmarks``) by product: benchmark,
    baseline, unit."""
    return pd.DataFrame(
        [(b.product, b.benchmark, b.baseline, b.unit) for b in efficiency_benchmarks()],
        columns=["product_or_process", "benchmark", "baseline", "unit"],
    ).set_index("product_or_process")


def _product_energy(dataset: DemoDataset, rng: np.random.Generator) -> pd.DataFrame:
    """Specific energy use in 2025 of the enterprises with a benchmark product (module
    docstring); ``worse_than_baseline`` marks the enterprises planted above the baseline."""
    levels = _benchmarks()
    enterprises = dataset.enterprises[dataset.enterprises["sector"].isin(PRODUCTS)].reset_index(
        drop=True
    )
    energy = dataset.enterprise_energy[dataset.enterprise_energy["year"] == BASE_YEAR]
    tco2 = energy.groupby("enterprise_id")["tco2"].sum()
    n = len(enterprises)
    worse = np.zeros(n, dtype=bool)
    worse[rng.choice(n, size=max(1, round(WORSE_THAN_BASELINE * n)), replace=False)] = True
    better = ~worse & (rng.random(n) < BETTER_THAN_BENCHMARK)
    rows = []
    for i, enterprise in enumerate(enterprises.itertuples(index=False)):
        options = PRODUCTS[enterprise.sector]
        chance = np.array([p for _, p in options])
        products = options[rng.choice(len(options), p=chance / chance.sum())][0]
        emitted = float(tco2.get(enterprise.enterprise_id, 0.0)) or float(tco2.median())
        for product in products:
            row = levels.loc[product]
            low, high = row["benchmark"], row["baseline"]
            width = high - low
            if worse[i]:
                value = high + width * rng.uniform(0.15, 0.6)
            elif better[i]:
                value = low - width * rng.uniform(0.02, 0.2)
            else:
                value = low + width * rng.beta(2.5, 2.0)
            per_unit, unit = PRODUCT_SIZE[product]
            output = emitted / per_unit / len(products) * rng.uniform(0.8, 1.2)
            rows.append(
                {
                    "enterprise": enterprise.enterprise_id,
                    "credit_code": enterprise.credit_code,
                    "year": BASE_YEAR,
                    "product": product,
                    "output": round(output, -1),
                    "output_unit": unit,
                    "specific_energy": round(value, 1 if abs(width) < 100 else 0),
                    "unit": row["unit"],
                    "worse_than_baseline": bool(worse[i]),
                }
            )
    table = pd.DataFrame(rows)
    if not set(table["product"]) <= set(levels.index):
        raise DemoDataError("a demo product is not in the benchmark table")
    return table


# --- reporting status -----------------------------------------------------------------------------


def _deadline(month: str) -> dt.date:
    year, mno = int(month[:4]), int(month[5:])
    return dt.date(year + mno // 12, mno % 12 + 1, 15)


def _received(rng: np.random.Generator, deadline: dt.date, late: bool) -> dt.date:
    days = int(rng.integers(1, 21)) if late else -int(rng.integers(0, 11))
    return deadline + dt.timedelta(days=days)


def _reporting(dataset: DemoDataset, rng: np.random.Generator) -> pd.DataFrame:
    """The reporting status (module docstring): a few reports late, some June county reports
    and some enterprise reports missing."""
    regions = dataset.regions
    counties = sorted(regions.loc[regions["level"] == "county", "adcode"].astype(str))
    missing_june = set(rng.choice(counties, size=COUNTIES_MISSING_JUNE, replace=False))
    rows = []
    for county in counties:
        for m in range(1, LAST_MONTH + 1):
            period = f"{YEAR}-{m:02d}"
            deadline = _deadline(period)
            received = None
            if not (m == LAST_MONTH and county in missing_june):
                received = _received(rng, deadline, rng.random() < LATE_SHARE)
                received = min(received, REPORTING_AS_OF)
            rows.append(("county", county, county, MONTHLY_REPORT, period, deadline, received))
    codes = dataset.enterprises["credit_code"].tolist()
    county_of = dict(zip(codes, dataset.enterprises["adcode"].astype(str), strict=True))
    missing = set(rng.choice(codes, size=ENTERPRISES_MISSING, replace=False))
    for code in codes:
        received = None
        if code not in missing:
            received = _received(rng, ENTERPRISE_DEADLINE, rng.random() < LATE_SHARE)
        report = (county_of[code], ANNUAL_REPORT, str(BASE_YEAR), ENTERPRISE_DEADLINE)
        rows.append(("enterprise", code, *report, received))
    columns = ["subject_kind", "subject", "region", "report", "period", "deadline", "received"]
    table = pd.DataFrame(rows, columns=columns)
    return table[["subject", "subject_kind", "period", "deadline", "received", "region", "report"]]
