"""The allocation workbench's computation (目标分解工作台): every method the regional table can
serve, side by side, with optional bounds on each region's reduction, feasibility flags against
the inventory history, the methods it cannot serve and what they would need, and the Shapley
sharing of the cost saved by cooperation where marginal abatement costs are known."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from carbonctl.errors import CarbonctlError
from carbonctl.targets.bounds import (
    InfeasibleBoundsError,
    achievable_range,
    bounded,
    check_bounds,
)
from carbonctl.targets.compare import compare, method_options
from carbonctl.targets.feasibility import (
    IntensityRecord,
    feasibility_flags,
    largest_intensity_fall,
)
from carbonctl.targets.inputs import BASE_COLUMNS, check_target
from carbonctl.targets.methods import INDICATOR_COLUMNS, METHODS, SHAPLEY, allocate
from carbonctl.targets.shapley import allocation_shapley

__all__ = ["Unavailable", "Workbench", "missing_inputs", "runnable_methods", "workbench"]


@dataclass(frozen=True)
class Unavailable:
    """A method (or the Shapley view) the table cannot serve: its registry entry's ``name``,
    labels and explanation, and ``missing``: the inputs it lacks (keys of
    :data:`carbonctl.targets.inputs.INPUT_NAMES`: table columns, or ``weights``)."""

    name: str
    label_zh: str
    label_en: str
    explain_zh: str
    explain_en: str
    missing: tuple[str, ...]


@dataclass(frozen=True)
class Workbench:
    """What the workbench shows (see :func:`workbench`).

    - ``comparison``: :func:`~carbonctl.targets.compare.compare`'s long table of the methods
      run, within the bounds when they are feasible;
    - ``flags``: :func:`~carbonctl.targets.feasibility.feasibility_flags` of it;
    - ``record``: the largest five-year intensity fall of the history (None: too short);
    - ``unavailable``: the methods, and the Shapley view, the table cannot serve;
    - ``infeasible``: why the bounds cannot meet the target (then ``comparison`` is unbounded);
    - ``shapley``: method -> its Shapley table, or why it has none (only with ``mac``).
    """

    target: float
    floor: float | None
    ceiling: float | None
    comparison: pd.DataFrame
    flags: pd.DataFrame
    record: IntensityRecord | None
    unavailable: tuple[Unavailable, ...]
    infeasible: InfeasibleBoundsError | None
    shapley: Mapping[str, pd.DataFrame | str]


def missing_inputs(entry, columns, *, weights: Mapping[str, float] | None = None) -> tuple:
    """The inputs a method or analysis (:class:`~carbonctl.targets.methods.Method`,
    :class:`~carbonctl.targets.methods.Analysis`) lacks in a table with ``columns``: its
    columns beyond the base ones that are absent, and ``weights`` when it needs weights none
    gave. Indicator columns are the platform's burden indicators (its default)."""
    present = set(columns)
    absent = [
        c
        for c in entry.inputs
        if c not in BASE_COLUMNS and c != INDICATOR_COLUMNS and c not in present
    ]
    if "weights" in entry.options and not weights:
        absent.append("weights")
    return tuple(absent)


def runnable_methods(
    table: pd.DataFrame, *, weights: Mapping[str, float] | None = None
) -> tuple[str, ...]:
    """The registry's methods, in its order, whose inputs the table has (:func:`missing_inputs`)."""
    return tuple(
        name
        for name, entry in METHODS.items()
        if not missing_inputs(entry, table.columns, weights=weights)
    )


def _unavailable(table: pd.DataFrame, weights) -> tuple[Unavailable, ...]:
    entries = [*METHODS.values(), SHAPLEY]
    found = []
    for entry in entries:
        missing = missing_inputs(entry, table.columns, weights=weights)
        if missing:
            found.append(
                Unavailable(
                    entry.name,
                    entry.label_zh,
                    entry.label_en,
                    entry.explain_zh,
                    entry.explain_en,
                    missing,
                )
            )
    return tuple(found)


def _shapley(
    table: pd.DataFrame, comparison: pd.DataFrame, target: float, bounds: dict, weights
) -> dict[str, pd.DataFrame | str]:
    """Each served method's Shapley table (or why not), when the table has MACs."""
    if "mac" not in table.columns:
        return {}
    found: dict[str, pd.DataFrame | str] = {}
    for method in dict.fromkeys(comparison.loc[comparison["error"].isna(), "method"]):
        try:
            result = allocate(method, table, target, **method_options(method, weights=weights))
            if bounds:
                result = bounded(result, table, **bounds)
            found[method] = allocation_shapley(table, result)
        except CarbonctlError as exc:
            found[method] = str(exc)
    return found


def workbench(
    table: pd.DataFrame,
    target: float,
    *,
    history: pd.DataFrame | None = None,
    floor: float | None = None,
    ceiling: float | None = None,
    weights: Mapping[str, float] | None = None,
) -> Workbench:
    """Every method the regional ``table`` can serve (:func:`runnable_methods`: ZSG-DEA where
    it has ``labor, capital, energy``, the weighted index where ``weights`` are given) on the
    province target ``target``, side by side.

    ``floor`` and ``ceiling`` bound every region's reduction; when no reductions within them
    meet the target, ``infeasible`` says why and the methods are shown without bounds.
    ``history`` (``region, year, gdp_constant, co2_tco2``) gives the record five-year fall the
    flags compare with. Where the table has ``mac`` (marginal abatement cost), each method's
    abatement is shared by the Shapley value.
    """
    target = check_target(target)
    check_bounds(floor, ceiling)
    bounds = {"floor": floor, "ceiling": ceiling}
    infeasible = None
    if floor is not None or ceiling is not None:
        lowest, highest = achievable_range(table, floor, ceiling)
        if not lowest <= target <= highest:
            infeasible = InfeasibleBoundsError(target, lowest, highest, floor, ceiling)
            bounds = {"floor": None, "ceiling": None}
    methods = runnable_methods(table, weights=weights)
    comparison = compare(table, target, methods, weights=weights, **bounds)
    record = largest_intensity_fall(history) if history is not None else None
    used = {k: v for k, v in bounds.items() if v is not None}
    return Workbench(
        target=target,
        floor=floor,
        ceiling=ceiling,
        comparison=comparison,
        flags=feasibility_flags(comparison, record),
        record=record,
        unavailable=_unavailable(table, weights),
        infeasible=infeasible,
        shapley=_shapley(table, comparison, target, used, weights),
    )
