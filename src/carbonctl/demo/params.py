"""Parameters of the Shanxi demo data (演示数据参数): CEADs column -> catalogue fuel, parameters for
fuels without defaults, and the synthetic generator's assumptions (docs/demo-data.md §5)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import pandas as pd

from carbonctl import refdata
from carbonctl.accounting.combustion import CO2_PER_C
from carbonctl.accounting.inventory import ceads_sectors

# --- accounting conventions shared by scripts/build_demo.py and demo/synthetic.py ---------------

#: CEADs fuel column -> the catalogue fuel whose physical quantity the demo lists.
CEADS_TO_FUEL: Final[dict[str, str]] = {
    "Raw_Coal": "原煤",
    "Cleaned_Coal": "洗精煤",
    "Other_Washed_Coal": "其他洗煤",
    "Briquettes": "型煤",
    "Coke": "焦炭",
    "Coke_Oven_Gas": "焦炉煤气",
    "Other_Gas": "其他煤气",
    "Other_Coking_Products": "其他焦化产品",
    "Crude_Oil": "原油",
    "Gasoline": "汽油",
    "Kerosene": "一般煤油",
    "Diesel_Oil": "柴油",
    "Fuel_Oil": "燃料油",
    "LPG": "液化石油气",
    "Refinery_Gas": "炼厂干气",
    "Other_Petroleum_Products": "其他石油制品",
    "Natural_Gas": "天然气",
}
#: Parameters (NCV GJ/t, CC tC/GJ, OF) for fuels without defaults: raw coal takes the GB/T 2589
#: raw-coal NCV with the GB/T 32150 bituminous-coal carbon content and oxidation rate; other
#: coking products take tar's.
DEMO_PARAMETERS: Final[dict[str, tuple[float, float, float]]] = {
    "原煤": (20.908, 0.0261, 0.93),
    "其他焦化产品": (33.453, 0.0220, 0.98),
}
#: The factor set the demo quantities are back-calculated with.
DEMO_FACTOR_SET: Final = "GB/T 32150-2015"
#: The process-factor row that turns cement output into CEADs "Process" CO2 (0.2906 t/t).
CEMENT_FACTOR_ROW: Final = ("cement (CEADs)", "水泥 cement output (province inventory)")


def cement_factor() -> float:
    """tCO2 per t of cement behind the CEADs Shanxi Process column (INFERRED, process_factors)."""
    value, _status, _source = refdata.process_factor(*CEMENT_FACTOR_ROW)
    if value is None:
        raise ValueError("the CEADs cement process factor has no value in process_factors.csv")
    return value


@dataclass(frozen=True)
class FuelFactor:
    """How one CEADs fuel column becomes a physical quantity (燃料排放因子)."""

    ceads_column: str
    fuel: str
    unit: str
    ncv: float
    carbon_content: float
    oxidation_rate: float
    given_in_row: bool

    @property
    def tco2_per_unit(self) -> float:
        """EF = NCV × CC × OF × 44/12 (GB/T 32150-2015 formula (2)–(4)), tCO2 per t or 万Nm3."""
        return self.ncv * self.carbon_content * self.oxidation_rate * CO2_PER_C


def fuel_factors(factor_set: str = DEMO_FACTOR_SET) -> dict[str, FuelFactor]:
    """The factor of each CEADs fuel column: the set's defaults, or :data:`DEMO_PARAMETERS` for
    the fuels without one (those rows must then carry the parameters themselves)."""
    defaults = refdata.fuel_factors(factor_set)
    units = refdata.load_table("fuels").set_index("name_zh")["physical_unit"]
    factors = {}
    for column, fuel in CEADS_TO_FUEL.items():
        given = fuel in DEMO_PARAMETERS
        if given:
            ncv, cc, of = DEMO_PARAMETERS[fuel]
        else:
            row = defaults.loc[refdata.find_fuel(fuel).fuel_id]
            ncv, cc, of = row["ncv_GJ_per_unit"], row["cc_tC_per_GJ"], row["oxidation_rate"]
        unit = "万Nm3" if units[fuel] == "10^4 Nm3" else "t"
        factors[column] = FuelFactor(column, fuel, unit, float(ncv), float(cc), float(of), given)
    return factors


# --- synthetic generator: what is assumed (DESIGN PROPOSAL) -------------------------------------
# None of the values below is a statistic: each is a stated choice of the demo, documented in
# docs/demo-data.md and recorded in the generated dataset's meta.json.

#: Years the generator can produce; CEADs province figures cover 2015–2022.
FIRST_YEAR: Final = 2015
LAST_YEAR: Final = 2025
#: Years whose province sector × fuel matrix CEADs publishes (and the demo keeps exactly).
MATRIX_YEARS: Final = (2015, 2019)

#: After the last CEADs year each fuel grows at its average rate over TREND_WINDOW, capped at
#: ±TREND_CAP a year and multiplied by TREND_DAMPING once more each further year.
TREND_WINDOW: Final = (2019, 2022)
TREND_CAP: Final = 0.06
TREND_DAMPING: Final = 0.5
#: After 2019 the yearly change of the sector shares within a fuel (the 2015→2019 average)
#: continues, multiplied by SHARE_DAMPING once more each year, so structure drifts and settles.
SHARE_DAMPING: Final = 0.5

#: Profile group of each CEADs sector index (1–47); sectors not listed are "other industry".
PROFILE_GROUP_OF_SECTOR: Final[dict[int, str]] = {
    39: "power",
    4: "steel",
    28: "steel",
    21: "coking",
    6: "building",
    27: "building",
    5: "nonferrous",
    29: "nonferrous",
    22: "chemicals",
    24: "chemicals",
    2: "coal",
    42: "urban",
    43: "urban",
    44: "urban",
    45: "urban",
    46: "urban",
    1: "rural",
    47: "rural",
}
PROFILE_GROUPS: Final = (
    "power",
    "steel",
    "coking",
    "building",
    "nonferrous",
    "chemicals",
    "coal",
    "urban",
    "other",
    "rural",
)
#: City industrial profile (城市产业结构特征): emissions per head in each group relative to the
#: province, a qualitative reading of each city's well-known industries (朔州/大同 coal power and
#: mining, 太原 steel, 吕梁/临汾 coking, 运城/吕梁 aluminium, 晋城/长治 coal chemicals …), not
#: statistics. Columns in PROFILE_GROUPS order; the city's census population multiplies them.
CITY_PROFILES: Final[dict[str, tuple[float, ...]]] = {
    #        power steel coking build nonfe chem  coal  urban other rural
    "140100": (0.8, 3.0, 0.6, 0.8, 0.3, 1.2, 0.6, 1.8, 1.5, 0.4),  # 太原
    "140200": (2.0, 0.3, 0.5, 1.2, 0.3, 0.6, 2.0, 1.0, 0.8, 1.0),  # 大同
    "140300": (1.2, 0.3, 0.5, 1.5, 1.2, 0.8, 2.5, 1.0, 0.8, 0.5),  # 阳泉
    "140400": (1.0, 1.6, 1.5, 1.0, 0.3, 1.6, 1.6, 0.9, 1.0, 1.0),  # 长治
    "140500": (1.3, 0.8, 0.8, 1.0, 0.3, 2.2, 2.2, 0.9, 1.0, 0.9),  # 晋城
    "140600": (2.6, 0.2, 0.3, 1.3, 0.3, 0.5, 2.4, 0.8, 0.6, 1.2),  # 朔州
    "140700": (1.0, 1.0, 1.8, 1.0, 0.5, 1.0, 1.3, 1.0, 1.1, 1.2),  # 晋中
    "140800": (0.9, 1.3, 1.4, 1.2, 3.0, 1.2, 0.3, 0.9, 1.2, 1.5),  # 运城
    "140900": (1.3, 0.6, 0.5, 1.0, 1.0, 0.6, 1.4, 0.8, 0.7, 1.2),  # 忻州
    "141000": (0.9, 1.8, 2.4, 1.0, 0.4, 0.9, 1.4, 0.9, 0.9, 1.3),  # 临汾
    "141100": (1.0, 1.2, 2.6, 0.9, 2.4, 0.9, 1.8, 0.8, 0.8, 1.1),  # 吕梁
}
#: GDP per head relative to the province (人均GDP相对水平), for splitting province GDP by city.
CITY_PRODUCTIVITY: Final[dict[str, float]] = {
    "140100": 1.45,
    "140200": 0.85,
    "140300": 1.0,
    "140400": 1.05,
    "140500": 1.25,
    "140600": 1.3,
    "140700": 0.85,
    "140800": 0.75,
    "140900": 0.65,
    "141000": 0.75,
    "141100": 0.95,
}

#: County split (区县分解). Relative size of a county-level unit by type, before a lognormal
#: draw with this sigma; districts (区) weigh more in the urban groups, counties (县) in the
#: rural ones. A heavy-industry group is present in a county with probability
#: PRESENCE_BASE + PRESENCE_SLOPE × the city's profile value (clipped), × DISTRICT_PRESENCE in
#: districts (urban cores host less heavy industry), and in at least one county of the city;
#: ALWAYS_PRESENT groups are in every county (every county has heat supply 供热, households,
#: farming). County shares drift by a drawn rate (sigma COUNTY_DRIFT_SIGMA a year) around 2020.
COUNTY_TYPE_SIZE: Final = {"district": 1.4, "city": 1.2, "county": 0.8}
COUNTY_SIZE_SIGMA: Final = 0.35
URBAN_DISTRICT_FACTOR: Final = 2.0
RURAL_DISTRICT_FACTOR: Final = 0.3
SECTOR_WEIGHT_SIGMA: Final = 0.6
PRESENCE_BASE: Final = 0.3
PRESENCE_SLOPE: Final = 0.15
PRESENCE_RANGE: Final = (0.2, 0.85)
OTHER_INDUSTRY_PRESENCE: Final = 0.6
DISTRICT_PRESENCE: Final = 0.6
ALWAYS_PRESENT: Final = ("power", "urban", "rural")
COUNTY_DRIFT_SIGMA: Final = 0.02

#: Key enterprises (重点企业): per industry the CEADs sector they report in, how many, and the
#: words of their synthetic names. 300 in all.
ENTERPRISE_INDUSTRIES: Final[dict[str, tuple[str, int, str, str]]] = {
    "power": ("Production and Supply of Electric Power, Steam and Hot Water", 70, "热电", "Power"),
    "steel": ("Smelting and Pressing of Ferrous Metals", 35, "钢铁", "Iron and Steel"),
    "coking": ("Petroleum Processing and Coking", 60, "焦化", "Coking"),
    "building": ("Nonmetal Mineral Products", 45, "水泥", "Cement"),
    "nonferrous": ("Smelting and Pressing of Nonferrous Metals", 25, "铝业", "Aluminium"),
    "chemicals": ("Raw Chemical Materials and Chemical Products", 35, "化工", "Chemicals"),
    "coal": ("Coal Mining and Dressing", 30, "煤业", "Coal Mining"),
}
#: The key enterprises of one county and sector together use this share of its energy (drawn
#: uniformly), each year varied by up to ±ENTERPRISE_YEAR_VARIATION; the maximum stays below 1.
ENTERPRISE_COVERAGE: Final = (0.55, 0.9)
#: Dirichlet concentration of that split: 2 gives unequal but not extreme sizes.
ENTERPRISE_SPLIT_CONCENTRATION: Final = 2.0
ENTERPRISE_YEAR_VARIATION: Final = 0.08
#: Fuels below this share of a county sector's CO2 are left out of its enterprises' reports.
ENTERPRISE_MIN_FUEL_SHARE: Final = 0.005

#: Province economy where no statistic is at hand (2015–2019, 2024–2025): real GRP growth and
#: change of the GRP deflator (GDP平减指数) by year, and resident population change a year.
REAL_GROWTH: Final[dict[int, float]] = {
    2016: 0.045,
    2017: 0.070,
    2018: 0.067,
    2019: 0.062,
    2024: 0.045,
    2025: 0.045,
}
DEFLATOR_CHANGE: Final[dict[int, float]] = {
    2016: -0.010,
    2017: 0.100,
    2018: 0.020,
    2019: 0.000,
    2020: 0.000,
    2024: -0.020,
    2025: 0.000,
}
POPULATION_CHANGE: Final[dict[str, float]] = {"before_2020": -0.001, "after_2021": -0.003}
#: County population and GDP: seeded lognormal weights within the city; districts (区) weigh more.
COUNTY_POPULATION_SIGMA: Final = 0.25
COUNTY_PRODUCTIVITY_SIGMA: Final = 0.3
DISTRICT_POPULATION_FACTOR: Final = 1.3
DISTRICT_PRODUCTIVITY_FACTOR: Final = 1.3
#: Base year of constant-price GDP (the 14th five-year plan's base year).
CONSTANT_PRICE_YEAR: Final = 2020

SYNTHETIC: Final = "SYNTHETIC (demo)"


def profile_groups(sectors: pd.Series) -> pd.Series:
    """Profile group of each CEADs sector name (``other`` for the remaining industries)."""
    index = ceads_sectors().set_index("sector")["index"]
    return sectors.map(index).map(lambda i: PROFILE_GROUP_OF_SECTOR.get(int(i), "other"))
