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
        Method("equal", "同比例分解", "equal reduction", equal, BASE_COLUMNS),
        Method("grandfather", "历史法", "grandfathering", grandfather, BASE_COLUMNS),
        Method("per_capita", "人均法", "equal per capita", per_capita, BASE_COLUMNS),
        Method("gdp", "GDP份额法", "GDP share", gdp, BASE_COLUMNS),
        Method(
            "index",
            "综合指数法",
            "weighted index",
            index,
            _INDEX_INPUTS,
            options=("weights",),
            on_platform=False,
        ),
        Method(
            "entropy_index",
            "熵权指数法",
            "entropy-weighted index",
            entropy_index,
            _INDEX_INPUTS,
            options=("indicators",),
        ),
        Method(
            "zsg_dea",
            "零和收益DEA",
            "ZSG-DEA",
            zsg_dea,
            (*BASE_COLUMNS, *DEA_INPUT_COLUMNS),
            on_platform=False,
        ),
    )
}


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
