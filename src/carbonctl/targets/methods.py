"""The registry of allocation methods (分解方法): one entry per method with its labels, the table
columns it needs and whether the platform can run it on its own data; dispatch by name.

The CLI's ``--method`` choices, the web workbench and the tests are drawn from :data:`METHODS`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from carbonctl.errors import InputError, InputErrors
from carbonctl.targets.allocation import (
    entropy_index,
    equal,
    gdp,
    grandfather,
    index,
    per_capita,
)
from carbonctl.targets.inputs import BASE_COLUMNS, DEA_INPUT_COLUMNS
from carbonctl.targets.result import Allocation
from carbonctl.targets.zsg_dea import zsg_dea

__all__ = [
    "INDICATOR_COLUMNS",
    "METHODS",
    "SHAPLEY",
    "Analysis",
    "Method",
    "allocate",
    "county_methods",
    "decompose",
    "method_names",
    "workbench_methods",
]

#: Stands in :attr:`Method.inputs` for the indicator columns the user names (index methods).
INDICATOR_COLUMNS = "<indicators>"


@dataclass(frozen=True)
class Method:
    """One allocation method.

    - ``name``: the name :func:`allocate` takes (``per_capita``); :attr:`cli_name` is the CLI's
      spelling (``per-capita``).
    - ``label_zh``, ``label_en``: what people read.
    - ``explain_zh``, ``explain_en``: what the method does, in one line for the page.
    - ``inputs``: the table columns it needs (:data:`INDICATOR_COLUMNS` where the user names
      indicator columns).
    - ``options``: keyword arguments it needs besides the table and target (``weights``,
      ``indicators``).
    - ``on_platform``: the web workbench can run it on the platform's data (ZSG-DEA cannot: the
      platform holds no labour or capital stock; the weighted index needs weights a person sets).
    """

    name: str
    label_zh: str
    label_en: str
    explain_zh: str
    explain_en: str
    run: Callable[..., Allocation]
    inputs: tuple[str, ...]
    options: tuple[str, ...] = ()
    on_platform: bool = True

    @property
    def cli_name(self) -> str:
        return self.name.replace("_", "-")

    @property
    def label(self) -> str:
        """``中文 English``."""
        return f"{self.label_zh} {self.label_en}"


_INDEX_INPUTS = (*BASE_COLUMNS, INDICATOR_COLUMNS)

METHODS: dict[str, Method] = {
    m.name: m
    for m in (
        Method(
            "equal",
            "同比例分解",
            "equal reduction",
            "各地强度下降率相同，校准到全省目标恰好完成。",
            "Every region cuts its intensity by the same rate, calibrated so that the province "
            "meets its target exactly.",
            equal,
            BASE_COLUMNS,
        ),
        Method(
            "grandfather",
            "历史法",
            "grandfathering",
            "目标年排放配额按基准年排放量占比分配：贴近现状，但对已先行减排的地区不利。",
            "Target-year caps in proportion to base-year emissions: close to today, but hard on "
            "regions that cut early.",
            grandfather,
            BASE_COLUMNS,
        ),
        Method(
            "per_capita",
            "人均法",
            "equal per capita",
            "配额按常住人口占比分配，人均排放相同：人口多、排放少的地区压力小。",
            "Caps in proportion to population (the same emissions per person): populous, "
            "low-emitting regions are asked for less.",
            per_capita,
            BASE_COLUMNS,
        ),
        Method(
            "gdp",
            "GDP份额法",
            "GDP share",
            "配额按规划末年GDP占比分配，各地碳强度趋同：高碳地区降幅最大，低碳地区强度可能上升。",
            "Caps in proportion to projected GDP (the same intensity everywhere): carbon-heavy "
            "regions cut most, low-carbon ones may even rise.",
            gdp,
            BASE_COLUMNS,
        ),
        Method(
            "index",
            "综合指数法",
            "weighted index",
            "下降率与减排责任指数成正比，指数由人工设定权重的指标（人均GDP、碳强度等）合成。",
            "Reductions in proportion to a burden index of indicators (GDP per person, "
            "intensity …) with weights a person sets.",
            index,
            _INDEX_INPUTS,
            options=("weights",),
            on_platform=False,
        ),
        Method(
            "entropy_index",
            "熵权指数法",
            "entropy-weighted index",
            "同综合指数法，指标权重由熵权法从各地数据差异中算出（能力、潜力、责任）。",
            "As the weighted index, with the weights computed from the data by the entropy "
            "method (capability, potential, responsibility).",
            entropy_index,
            _INDEX_INPUTS,
            options=("indicators",),
        ),
        Method(
            "zsg_dea",
            "零和收益DEA",
            "ZSG-DEA",
            "总量不变，按投入产出效率（从业人员、资本、能源→GDP）反复调剂配额，直到各地都有效率。",
            "Redistributes caps at a fixed total by input–output efficiency (labour, capital, "
            "energy → GDP) until every region is efficient.",
            zsg_dea,
            (*BASE_COLUMNS, *DEA_INPUT_COLUMNS),
            on_platform=False,
        ),
    )
}


@dataclass(frozen=True)
class Analysis:
    """A view of an allocation that is not itself one, described like a :class:`Method` (labels,
    one-line explanation, the table columns it needs) so that pages name it and say what it
    needs; :func:`allocate` does not dispatch to it."""

    name: str
    label_zh: str
    label_en: str
    explain_zh: str
    explain_en: str
    inputs: tuple[str, ...]
    options: tuple[str, ...] = ()


#: The cooperative-game view beside the methods (合作博弈): the abatement cost saved when regions
#: trade their reductions, shared by the Shapley value
#: (:func:`carbonctl.targets.shapley.allocation_shapley`); it needs each region's marginal
#: abatement cost (``mac``).
SHAPLEY = Analysis(
    "shapley",
    "沙普利值法",
    "Shapley value",
    "若各地可相互调剂减排任务，节约的减排总成本按各地的平均边际贡献（沙普利值）分摊。",
    "If regions may trade their reductions, the abatement cost saved is shared by each "
    "region's average marginal contribution (the Shapley value).",
    (*BASE_COLUMNS, "mac"),
)


def method_names() -> tuple[str, ...]:
    """Every method's name, in the registry's order."""
    return tuple(METHODS)


def workbench_methods() -> tuple[str, ...]:
    """Methods the workbench compares on the platform's data (:attr:`Method.on_platform`)."""
    return tuple(name for name, m in METHODS.items() if m.on_platform)


def county_methods() -> tuple[str, ...]:
    """Methods that split a city's target among its counties: those that run on the platform's
    data with the regional table alone (no indicators or weights to choose)."""
    return tuple(name for name, m in METHODS.items() if m.on_platform and not m.options)


def allocate(method: str, table: pd.DataFrame, target: float, **options: Any) -> Allocation:
    """Run a method by name (one of :data:`METHODS`); ``options`` go to the method."""
    try:
        run = METHODS[method].run
    except KeyError:
        raise InputErrors(
            [
                InputError(
                    f"unknown allocation method {method!r}",
                    column="method",
                    expected="one of " + ", ".join(METHODS),
                )
            ]
        ) from None
    return run(table, target, **options)


def decompose(
    parent: float | Mapping[str, Any] | pd.Series,
    sub_table: pd.DataFrame,
    method: str = "equal",
    **options: Any,
) -> Allocation:
    """Further decomposition (逐级分解) of one region's target to its sub-regions or enterprises.

    ``parent`` is the region's reduction r_i (a float) or its row of ``Allocation.regions``
    (its ``reduction`` is used); ``sub_table`` has the same columns as a regional table and the
    same method machinery applies, with r_i as the target the sub-units must meet together.
    """
    target = parent["reduction"] if isinstance(parent, Mapping | pd.Series) else parent
    return allocate(method, sub_table, float(target), **options)
