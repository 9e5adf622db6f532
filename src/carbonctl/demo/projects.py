"""The demo's fixed-asset investment projects (演示固定资产投资项目, issue 15 item 7): twelve
filings across Shanxi's cities in every state of the review workflow — a new coking plant refused,
a coal-to-methanol plant at province level, a data centre, a plant on green power, retrofits,
a capacity-replacement coking plant with conditions, a new 两高 plant held in a red-barometer city,
and others submitted, accepted, sent to re-review or withdrawn. Everything here is SYNTHETIC.

**Filings.** Each filing is the mapping of a project JSON file (docs/projects.md § 1) with
realistic Shanxi sizes and energy use: capacities, fuels, electricity and design specific energy
per unit are typed per project (their per-unit basis in the comments), products named as in
``energy_efficiency_benchmarks`` (or ``gb_energy_quota_levels``) where a benchmark exists. Every
filing validates and assesses (``carbonctl.projects``).

**Places and owners.** A project's owner is a demo key enterprise (``carbonctl.demo.enterprises``)
of a fitting industry in the project's city — the first of the project's preferred counties that
has one, else the enterprise with the smallest credit code —, and the filing's region is that
enterprise's county, so the owner exists in the county the platform loads it in. The held
project goes to the first red city of the demo's designed barometer
(:data:`carbonctl.demo.outlook.CITY_DESIGN`) that has a fitting enterprise; the other new 两高
projects lie in cities that are not red (a red city would hold them).

**Acceptance (验收).** For the ``accepted`` and ``re_review`` projects, ``actual`` is the
project's own annual CO2 and energy (at 当量值) as assessed, in a full year of operation (the
operating share is the first year's, not the check's) × :data:`ACCEPTED_RATIO` or
:data:`RE_REVIEW_RATIO`: below and above the re-review ratio 1.10 of ``project_review_rules``, as
the platform compares them.

The timeline is compressed for the demo: a project filed in January 2026 is checked by November.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Final

import pandas as pd

from carbonctl import refdata
from carbonctl.demo import params
from carbonctl.demo.outlook import CITY_DESIGN
from carbonctl.demo.synthetic import DemoDataError
from carbonctl.errors import CarbonctlError
from carbonctl.projects import assess, filing_from_mapping

__all__ = [
    "ACCEPTED_RATIO",
    "RE_REVIEW_RATIO",
    "STATES",
    "DemoProject",
    "demo_projects",
    "red_cities",
]

#: The web workflow's states: 已提交, 已评估, 暂缓受理, 通过, 有条件通过, 不予通过, 验收通过,
#: 重新审查, 已撤销.
STATES: Final = (
    "submitted",
    "assessed",
    "held",
    "approved",
    "conditional",
    "rejected",
    "accepted",
    "re_review",
    "cancelled",
)
OUTCOMES: Final = ("approve", "conditional", "reject")
#: Actual over approved (the assessed annual figure) at the acceptance check: CO2 and energy.
ACCEPTED_RATIO: Final = (0.97, 0.98)
RE_REVIEW_RATIO: Final = (1.18, 1.15)
SYNTHETIC: Final = "SYNTHETIC (demo)"


@dataclass(frozen=True)
class DemoProject:
    """A demo project: its filing, the workflow state it is shown in, and the decision.

    - ``filing``: the project file as a mapping (docs/projects.md § 1), JSON-serialisable.
    - ``state``: one of :data:`STATES`.
    - ``outcome``: the reviewer's decision (``approve``, ``conditional``, ``reject``) or None
      before a decision (submitted, assessed, held) and for a withdrawn filing.
    - ``reasons``: the decision's reasons in Chinese; for ``held`` the rule that holds it and for
      ``cancelled`` the owner's reason to withdraw; "" when none.
    - ``conditions``: the conditions of a ``conditional`` approval, else "".
    - ``actual``: for ``accepted`` and ``re_review`` the acceptance check's figures
      ``{"co2_t", "energy_tce", "note"}`` (a full year's), else None.
    - ``filed_on``: ISO date the owner filed.
    - ``owner_name``: the owner enterprise's Chinese name.
    """

    ref: str
    filing: dict[str, Any]
    state: str
    outcome: str | None
    reasons: str
    conditions: str
    actual: dict[str, Any] | None
    filed_on: str
    owner_name: str = field(default="")


@dataclass(frozen=True)
class _Spec:
    """A project before it is placed: the city (an adcode, or ``red``), the enterprise
    industries that fit it (keys of ``params.ENTERPRISE_INDUSTRIES``, best first), preferred
    county names, and the filing with ``{county}`` in its name."""

    ref: str
    city: str
    industries: tuple[str, ...]
    counties: tuple[str, ...]
    filing: Mapping[str, Any]
    state: str
    outcome: str | None
    filed_on: str
    reasons: str = ""
    conditions: str = ""
    note: str = ""


def _electricity(wan_kwh: float, item: str = "电力") -> dict[str, Any]:
    return {"category": "electricity", "item": item, "amount": wan_kwh, "unit": "万kWh"}


def _fuel(item: str, amount: float, unit: str, **more: Any) -> dict[str, Any]:
    return {"category": "combustion", "item": item, "amount": amount, "unit": unit, **more}


def _product(name: str, capacity: float, unit: str, design: float, energy_unit: str):
    return {
        "product": name,
        "capacity": capacity,
        "unit": unit,
        "design_specific_energy": design,
        "specific_energy_unit": energy_unit,
    }


#: Anthracite of 晋城 as measured for the methanol plant (GJ/t, tC/GJ, oxidation).
_ANTHRACITE: Final = {"ncv": 25.0, "carbon_content": 0.0275, "oxidation_rate": 0.98}

#: The demo projects (see the module docstring). Amounts are per year at full operation.
SPECS: Final[tuple[_Spec, ...]] = (
    _Spec(
        ref="DEMO-P01",
        city="141100",  # 吕梁
        industries=("coking",),
        counties=("柳林县", "汾阳市", "交城县"),
        filing={
            "name": "{county}新建150万吨/年捣固焦化项目",
            "industry": "2521",
            "kind": "new",
            "year": 2027,
            "products": [_product("焦炭（捣固焦炉）", 1_500_000, "t/a", 108, "kgce/t")],
            "activities": [
                # underfiring coke-oven gas 170 Nm3/t coke; electricity 32 kWh/t
                _fuel("焦炉煤气", 25_500, "万Nm3"),
                _electricity(4_800),
            ],
            "coal_rate_gce_per_kwh": 302,
            "value_added_10k_cny": 120_000,
            "operating_share": 1,
            "capacity_replacement": None,
        },
        state="rejected",
        outcome="reject",
        filed_on="2026-03-12",
        reasons="项目属炼焦行业新增产能。山西省严禁新增焦化产能（晋政办发〔2024〕53号），"
        "申报材料未附产能置换方案，不予通过。",
    ),
    _Spec(
        ref="DEMO-P02",
        city="140500",  # 晋城
        industries=("chemicals",),
        counties=("阳城县", "高平市", "泽州县"),
        filing={
            "name": "{county}40万吨/年无烟煤制甲醇项目",
            "industry": "2614",
            "kind": "new",
            "year": 2027,
            "products": [_product("煤制甲醇", 400_000, "t/a", 1_340, "kgce/t")],
            "activities": [
                # anthracite 1.0 t/t methanol as feedstock (gasification), 0.45 t/t as fuel
                # (boilers); electricity 900 kWh/t; carbon fixed in methanol 1.375 tCO2/t
                _fuel("无烟煤", 400_000, "t", raw_material=True, **_ANTHRACITE),
                _fuel("无烟煤", 180_000, "t", **_ANTHRACITE),
                _electricity(36_000),
                {
                    "category": "process",
                    "item": "甲醇",
                    "amount": 400_000,
                    "unit": "t",
                    "direction": "output",
                },
            ],
            "coal_rate_gce_per_kwh": 300,
            "value_added_10k_cny": 180_000,
            "operating_share": 1,
            "capacity_replacement": None,
        },
        state="conditional",
        outcome="conditional",
        filed_on="2026-02-26",
        reasons="设计单位产品能耗达到标杆水平，原料用能单独列示；属两高项目，年综合能源消费量超过"
        "5万吨标准煤，已报国家发展改革委窗口指导（演示）。同意建设，附条件。",
        conditions="一、落实煤炭消费减量替代方案，替代量不低于项目新增燃料煤消费量；"
        "二、单位产品综合能耗按不高于1,340 kgce/t建设，竣工验收时核实；"
        "三、预留二氧化碳捕集利用（CCUS）接口；"
        "四、项目碳排放纳入晋城市年度碳排放预算管理。",
    ),
    _Spec(
        ref="DEMO-P03",
        city="140200",  # 大同
        industries=("power", "coal"),
        counties=("平城区", "云州区", "左云县"),
        filing={
            "name": "{county}2000架标准机架绿色数据中心项目",
            "industry": "6450",
            "kind": "new",
            "year": 2027,
            "products": [_product("数据中心（标准机架）", 2_000, "架", 1.25, "PUE")],
            "activities": [
                # 2,000 racks × 5 kW IT × PUE 1.25 × 8,760 h × 64 % load ≈ 7,000 万kWh;
                # diesel for the backup generators' tests
                _electricity(7_000),
                _fuel("柴油", 40, "t"),
            ],
            "coal_rate_gce_per_kwh": 298,
            "value_added_10k_cny": 60_000,
            "operating_share": 1,
            "capacity_replacement": None,
        },
        state="assessed",
        outcome=None,
        filed_on="2026-10-15",
    ),
    _Spec(
        ref="DEMO-P04",
        city="140600",  # 朔州
        industries=("power", "nonferrous"),
        counties=("右玉县", "山阴县", "怀仁市"),
        filing={
            "name": "{county}年产2万吨单晶硅棒项目（配套光伏、绿电交易）",
            "industry": "3825",
            "kind": "new",
            "year": 2027,
            "products": [_product("单晶硅棒", 20_000, "t/a", 25_000, "kWh/t")],
            "activities": [
                # crystal pulling 25 kWh/kg: 50,000 万kWh, of which 32,000 green (the
                # plant's own PV and green-power trading with certificates) and 18,000 grid
                _electricity(32_000, "绿电"),
                _electricity(18_000),
                _fuel("天然气", 80, "万Nm3"),
            ],
            "coal_rate_gce_per_kwh": 300,
            "value_added_10k_cny": 150_000,
            "operating_share": 1,
            "capacity_replacement": None,
        },
        state="approved",
        outcome="approve",
        filed_on="2026-04-08",
        reasons="非两高项目；用电以自建光伏和绿电交易（绿证核销）为主，电力排放按电网因子计入，"
        "按市场法显著降低；设计电耗处于行业先进水平。同意建设。",
    ),
    _Spec(
        ref="DEMO-P05",
        city="141000",  # 临汾 (red: a retrofit adds no capacity and is not held)
        industries=("coking",),
        counties=("浮山县", "汾西县"),
        filing={
            "name": "{county}焦化厂干熄焦余热利用及汽改电节能改造项目",
            "industry": "2521",
            "kind": "retrofit",
            "year": 2027,
            "products": [_product("焦炭（顶装焦炉）", 1_000_000, "t/a", 115, "kgce/t")],
            "activities": [
                # after: underfiring gas 178 Nm3/t, steam from the dry quenching's waste heat,
                # steam-driven fans and pumps moved to electric drives (52 kWh/t)
                _fuel("焦炉煤气", 17_800, "万Nm3"),
                _electricity(5_200),
            ],
            "baseline": [
                # before: gas also fired the steam boilers (205 Nm3/t), 45 kWh/t
                _fuel("焦炉煤气", 20_500, "万Nm3"),
                _electricity(4_500),
            ],
            "coal_rate_gce_per_kwh": 302,
            "value_added_10k_cny": 3_000,
            "operating_share": 1,
            "capacity_replacement": None,
        },
        state="approved",
        outcome="approve",
        filed_on="2026-05-20",
        reasons="改造项目不新增产能，年综合能源消费量和二氧化碳排放量均减少，单位产品能耗明显下降、"
        "接近标杆水平；同意实施。",
    ),
    _Spec(
        ref="DEMO-P06",
        city="140700",  # 晋中
        industries=("coking",),
        counties=("灵石县", "寿阳县", "昔阳县"),
        filing={
            "name": "{county}100万吨/年焦化产能置换升级项目",
            "industry": "2521",
            "kind": "new",
            "year": 2027,
            "products": [_product("焦炭（顶装焦炉）", 1_000_000, "t/a", 105, "kgce/t")],
            "activities": [
                # 7.65 m top-charged ovens with dry quenching: gas 165 Nm3/t, 35 kWh/t
                _fuel("焦炉煤气", 16_500, "万Nm3"),
                _electricity(3_500),
            ],
            "coal_rate_gce_per_kwh": 300,
            "value_added_10k_cny": 90_000,
            "operating_share": 1,
            "capacity_replacement": {
                "document": "晋工信产业函〔2026〕12号（演示）",
                "replaced_capacity": 125,
                "unit": "万t",
            },
        },
        state="conditional",
        outcome="conditional",
        filed_on="2026-06-03",
        reasons="已附产能置换方案，置换比例1.25:1，属减量置换；设计单位产品能耗达到标杆水平。"
        "同意建设，附条件。",
        conditions="一、被置换的125万吨/年焦化产能在本项目投产前关停并拆除主体设备，"
        "由市工信部门验收确认；"
        "二、同步建设干熄焦及余热发电装置；"
        "三、单位产品能耗按不高于110 kgce/t（标杆）建设，竣工验收时核实；"
        "四、项目碳排放纳入晋中市年度碳排放预算管理。",
    ),
    _Spec(
        ref="DEMO-P07",
        city="red",  # the first red city of the designed barometer with a fitting enterprise
        industries=("chemicals",),
        counties=(),
        filing={
            "name": "{county}20万吨/年电石项目",
            "industry": "2619",
            "kind": "new",
            "year": 2027,
            "products": [_product("电石", 200_000, "t/a", 805, "kgce/t")],
            "activities": [
                # closed furnaces: 3,050 kWh/t, coke 0.45 t/t; lime from own kilns:
                # limestone 1.6 t/t calcined (process CO2)
                _electricity(61_000),
                _fuel("焦炭", 90_000, "t"),
                {"category": "process", "item": "石灰石", "amount": 320_000, "unit": "t"},
            ],
            "coal_rate_gce_per_kwh": 305,
            "value_added_10k_cny": 50_000,
            "operating_share": 1,
            "capacity_replacement": None,
        },
        state="held",
        outcome=None,
        filed_on="2026-08-05",
        reasons="所在市2026年上半年碳排放晴雨表为红色预警，暂停该地区新建“两高”项目节能审查"
        "（预警规则 red_region_event，国家规划布局的重大项目除外），申请暂缓受理。",
    ),
    _Spec(
        ref="DEMO-P08",
        city="140900",  # 忻州
        industries=("building",),
        counties=("原平市", "代县", "五台县"),
        filing={
            "name": "{county}年产100万吨水泥粉磨站项目",
            "industry": "3011",
            "kind": "new",
            "year": 2027,
            "products": [_product("水泥制备工段", 1_000_000, "t/a", 27, "kWh/t")],
            "activities": [
                # roller press + ball mill 27 kWh/t plus packing and loading (28 kWh/t in all);
                # diesel of the loaders; no coal rate filed: the reference default is shown
                _electricity(2_800),
                _fuel("柴油", 120, "t"),
            ],
            "value_added_10k_cny": 20_000,
            "operating_share": 1,
            "capacity_replacement": None,
        },
        state="submitted",
        outcome=None,
        filed_on="2026-11-03",
    ),
    _Spec(
        ref="DEMO-P09",
        city="140100",  # 太原
        industries=("chemicals",),
        counties=("清徐县", "晋源区"),
        filing={
            "name": "{county}年产1万吨磷酸铁锂正极材料项目",
            "industry": "3985",
            "kind": "new",
            "year": 2026,
            "products": [_product("磷酸铁锂", 10_000, "t/a", 840, "kgce/t")],
            "activities": [
                # sintering kilns and drying: 3,600 kWh/t, natural gas 300 Nm3/t
                _electricity(3_600),
                _fuel("天然气", 300, "万Nm3"),
            ],
            "coal_rate_gce_per_kwh": 300,
            "value_added_10k_cny": 25_000,
            "operating_share": 0.5,
            "capacity_replacement": None,
        },
        state="accepted",
        outcome="approve",
        filed_on="2026-01-20",
        reasons="非两高项目，年综合能源消费量在市级审查范围内，设计能耗合理。同意建设。",
        note="2026年7—12月试运行监测：实际排放低于批复排放量的110%，验收通过。",
    ),
    _Spec(
        ref="DEMO-P10",
        city="140800",  # 运城 (red, but not a 两高 project)
        industries=("nonferrous",),
        counties=("河津市", "永济市", "盐湖区"),
        filing={
            "name": "{county}年产1万吨锂电池人造石墨负极材料项目",
            "industry": "3091",
            "kind": "new",
            "year": 2026,
            "products": [_product("人造石墨负极材料", 10_000, "t/a", 14_000, "kWh/t")],
            "activities": [
                # Acheson graphitisation 12,000 kWh/t + granulation and carbonisation
                # 2,000 kWh/t; natural gas 150 Nm3/t for the carbonisation kilns
                _electricity(14_000),
                _fuel("天然气", 150, "万Nm3"),
            ],
            "coal_rate_gce_per_kwh": 300,
            "value_added_10k_cny": 30_000,
            "operating_share": 0.6,
            "capacity_replacement": None,
        },
        state="re_review",
        outcome="approve",
        filed_on="2026-02-10",
        reasons="非两高项目；单位产品电耗达到行业先进水平。同意建设，投产后按批复开展验收。",
        note="2026年投产后监测：石墨化炉实际电耗高于设计值，实际排放达到批复排放量的110%以上，"
        "转入重新审查。",
    ),
    _Spec(
        ref="DEMO-P11",
        city="140300",  # 阳泉
        industries=("nonferrous",),
        counties=("平定县",),
        filing={
            "name": "{county}年产5万吨再生铝合金项目",
            "industry": "3216",
            "kind": "new",
            "year": 2027,
            "products": [_product("再生铝合金锭", 50_000, "t/a", 120, "kgce/t")],
            "activities": [
                # reverberatory melting: natural gas 85 Nm3/t, 160 kWh/t
                _fuel("天然气", 425, "万Nm3"),
                _electricity(800),
            ],
            "coal_rate_gce_per_kwh": 300,
            "value_added_10k_cny": 15_000,
            "operating_share": 1,
            "capacity_replacement": None,
        },
        state="cancelled",
        outcome=None,
        filed_on="2026-07-14",
        reasons="业主申请撤回：废铝原料长期供应协议未落实，项目暂缓建设。",
    ),
    _Spec(
        ref="DEMO-P12",
        city="140300",  # 阳泉
        industries=("coal",),
        counties=("郊区",),
        filing={
            "name": "{county}煤矿矿井水深度处理及回用项目",
            "industry": "4620",
            "kind": "new",
            "year": 2027,
            "products": [_product("矿井水处理", 2_000_000, "m3/a", 1.6, "kWh/m3")],
            "activities": [
                # 2 million m3 a year at 1.6 kWh/m3 (ultrafiltration and reverse osmosis)
                _electricity(320),
            ],
            "coal_rate_gce_per_kwh": 300,
            "value_added_10k_cny": 800,
            "operating_share": 1,
            "capacity_replacement": None,
        },
        state="approved",
        outcome="approve",
        filed_on="2026-09-22",
        reasons="年综合能源消费量不足1,000吨标准煤且年电力消费量不足500万千瓦时，无需单独编制"
        "节能报告，按节能承诺备案；同意建设。",
    ),
)


def red_cities() -> tuple[str, ...]:
    """The cities the demo's barometer is designed red in (:data:`CITY_DESIGN`), in its order."""
    return tuple(city for city, (_progress, level) in CITY_DESIGN.items() if level == "red")


@cache
def _default_enterprises() -> pd.DataFrame:
    from carbonctl.demo.synthetic import build_dataset

    return build_dataset().enterprises


def _region_names() -> pd.Series:
    return refdata.load_table("regions").set_index("adcode")["name_zh"]


def _place_name(adcode: str) -> str:
    """How a project's name says where it is: 柳林县, or 大同市平城区 for a district."""
    names = _region_names()
    county = names[adcode]
    return names[refdata.county_city()[adcode]] + county if county.endswith("区") else county


def _region_text(adcode: str, name: str) -> str:
    """The county's name when it names only that county, else its adcode (城区 …)."""
    try:
        return name if refdata.find_region(name).adcode == adcode else adcode
    except CarbonctlError:
        return adcode


def _place(spec: _Spec, enterprises: pd.DataFrame) -> tuple[str, str, str, str]:
    """(county adcode, county name, owner credit code, owner name) of a spec: see the module
    docstring."""
    names = _region_names()
    city_of = refdata.county_city()
    table = enterprises.assign(
        city=enterprises["adcode"].map(city_of), county=enterprises["adcode"].map(names)
    ).sort_values("credit_code", kind="stable")
    cities = red_cities() if spec.city == "red" else (spec.city,)
    for city in cities:
        for industry in spec.industries:
            sector = params.ENTERPRISE_INDUSTRIES[industry][0]
            pool = table[(table["city"] == city) & (table["sector"] == sector)]
            if pool.empty:
                continue
            for county in spec.counties:
                if (pool["county"] == county).any():
                    pool = pool[pool["county"] == county]
                    break
            owner = pool.iloc[0]
            return owner["adcode"], owner["county"], owner["credit_code"], owner["name_zh"]
    raise DemoDataError(
        f"{spec.ref}: no demo enterprise of {', '.join(spec.industries)} in {', '.join(cities)}"
    )


def _actual(filing: dict[str, Any], ratios: tuple[float, float], note: str) -> dict[str, Any]:
    """The acceptance check's figures: the assessed annual CO2 and energy × ratios."""
    result = assess(filing_from_mapping(filing))
    co2_ratio, energy_ratio = ratios
    return {
        "co2_t": round(result.project.co2_total * co2_ratio, 1),
        "energy_tce": round(result.project.equivalent_tce * energy_ratio, 1),
        "note": note,
    }


def demo_projects(enterprises: pd.DataFrame | None = None) -> tuple[DemoProject, ...]:
    """The demo's twelve projects, placed among ``enterprises`` (columns credit_code, name_zh,
    adcode — the county —, sector, as in :attr:`DemoDataset.enterprises` or the platform's
    loaded enterprises); by default the demo dataset's (built with the default seed, about 7 s
    the first time)."""
    table = _default_enterprises() if enterprises is None else enterprises
    projects = []
    for spec in SPECS:
        adcode, county, owner, owner_name = _place(spec, table)
        filing = copy.deepcopy(dict(spec.filing))
        filing["name"] = filing["name"].format(county=_place_name(adcode))
        filing = {
            "name": filing.pop("name"),
            "owner": owner,
            "region": _region_text(adcode, county),
            **filing,
        }
        actual = None
        if spec.state == "accepted":
            actual = _actual(filing, ACCEPTED_RATIO, spec.note)
        elif spec.state == "re_review":
            actual = _actual(filing, RE_REVIEW_RATIO, spec.note)
        projects.append(
            DemoProject(
                ref=spec.ref,
                filing=filing,
                state=spec.state,
                outcome=spec.outcome,
                reasons=spec.reasons,
                conditions=spec.conditions,
                actual=actual,
                filed_on=spec.filed_on,
                owner_name=owner_name,
            )
        )
    return tuple(projects)
