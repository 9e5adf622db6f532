"""Plausibility of amounts and parameters (数据合理性): each row's amount is converted to the base
unit of its dimension (t, m3, GJ, kWh) and compared with the platform's bounds
(:func:`carbonctl.refdata.plausibility_bounds`): above the hard bound is a row error, above the
soft bound a warning for the reviewer."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from carbonctl import refdata
from carbonctl.errors import UnitError
from carbonctl.io.checks import DIMENSIONS
from carbonctl.io.fields import PROCESS_ROW_NAMES
from carbonctl.io.problems import Problems
from carbonctl.refdata.bounds import Bound
from carbonctl.units import conversion_factor, parse_unit

__all__ = [
    "WARNING_COLUMNS",
    "check_amount_bounds",
    "check_parameter_bounds",
    "plausibility_warnings",
]

#: Columns of :func:`plausibility_warnings`.
WARNING_COLUMNS = ["row_id", "column", "message"]
_SEE = "platform plausibility bound, see `carbonctl refdata show plausibility_bounds`"


def _g(value: float) -> str:
    return f"{value:g}"


@lru_cache(maxsize=4096)
def _amount_bound(table: str, group: str, unit: str) -> tuple[float, Bound] | None:
    """(factor to the base unit, bound) for an amount of ``unit`` in row group ``group``."""
    try:
        quantity = parse_unit(unit)
    except UnitError:
        return None
    for bound in refdata.plausibility_bounds(table):
        if (
            bound.column == "amount"
            and bound.category == group
            and quantity.check(DIMENSIONS[bound.dimension])
        ):
            return conversion_factor(unit, bound.base_unit), bound
    return None


@dataclass(frozen=True)
class _Converted:
    """Amounts in their bound's base unit, with the bound of each row (NaN/None where none)."""

    base: np.ndarray
    factor: np.ndarray
    bound: np.ndarray  # object: Bound or None


def _convert(table: str, groups: pd.Series, units: pd.Series, amounts: pd.Series) -> _Converted:
    group_codes, group_values = pd.factorize(groups, use_na_sentinel=True)
    unit_codes, unit_values = pd.factorize(units, use_na_sentinel=True)
    width = len(unit_values) + 1
    combined = (group_codes.astype(np.int64) + 1) * width + (unit_codes.astype(np.int64) + 1)
    keys, inverse = np.unique(combined, return_inverse=True)
    factors = np.full(len(keys), np.nan)
    bounds = np.empty(len(keys), dtype=object)
    for k, key in enumerate(keys):
        g, u = divmod(int(key), width)
        if g and u:
            found = _amount_bound(table, str(group_values[g - 1]), str(unit_values[u - 1]))
            if found is not None:
                factors[k], bounds[k] = found
    inverse = inverse.ravel()
    factor = factors[inverse]
    with np.errstate(over="ignore", invalid="ignore"):
        base = amounts.to_numpy(dtype="float64", na_value=np.nan) * factor
    return _Converted(base, factor, bounds[inverse])


def check_amount_bounds(
    table: str,
    groups: pd.Series,
    units: pd.Series,
    amounts: pd.Series,
    problems: Problems,
) -> None:
    """Row errors where an amount, in its base unit, exceeds the hard bound of its group
    (``groups``: category of an activity row, fuel/process of an inventory row)."""
    converted = _convert(table, groups, units, amounts)
    rows = amounts.index.to_numpy()
    hard = np.array([b.hard_max if b is not None else np.inf for b in converted.bound])
    over = converted.base > hard
    if not over.any():
        return
    for bound in {b for b in converted.bound[over]}:
        mine = over & (converted.bound == bound)
        problems.add_formatted(
            rows[mine],
            "amount",
            f"an amount below {_g(bound.hard_max)} {bound.base_unit} for one {bound.category} "
            f"row ({_SEE})",
            "{amount} {unit} is {base} {base_unit}, above the plausibility limit of "
            f"{_g(bound.hard_max)} {bound.base_unit} for one row",
            amount=[_g(v) for v in amounts.to_numpy()[mine]],
            unit=units.to_numpy()[mine],
            base=[_g(v) for v in converted.base[mine]],
            base_unit=[bound.base_unit] * int(mine.sum()),
        )


def check_parameter_bounds(table: str, values: pd.DataFrame, problems: Problems) -> None:
    """Row errors where a measured parameter (ncv, carbon_content …) exceeds its hard bound."""
    rows = values.index.to_numpy()
    for bound in refdata.plausibility_bounds(table):
        if bound.column == "amount" or bound.column not in values:
            continue
        column = values[bound.column].to_numpy(dtype="float64", na_value=np.nan)
        over = column > bound.hard_max
        unit = f" {bound.base_unit}" if bound.base_unit else ""
        problems.add_formatted(
            rows[over],
            bound.column,
            f"a {bound.column} below {_g(bound.hard_max)}{unit} ({_SEE})",
            "{value} is above the plausibility limit of " + _g(bound.hard_max) + unit,
            value=[_g(v) for v in column[over]],
        )


def _groups(table: pd.DataFrame) -> tuple[str, pd.Series]:
    if "category" in table.columns:
        return "activities", table["category"]
    process = table["fuel"].map(
        lambda f: pd.notna(f) and refdata.normalise_name(f) in PROCESS_ROW_NAMES
    )
    return "inventory", pd.Series(np.where(process, "process", "fuel"), index=table.index)


def plausibility_warnings(table: pd.DataFrame) -> pd.DataFrame:
    """Rows of a validated activity (or inventory) table whose amount exceeds the soft bound:
    ``row_id``, ``column`` and a ``message`` for the reviewer (这些数量偏大，请复核). They are
    not errors: such a row may be right (a very large plant), but someone should look at it.
    """
    kind, groups = _groups(table)
    converted = _convert(kind, groups, table["unit"], table["amount"])
    soft = np.array(
        [b.soft_max if b is not None and b.soft_max else np.inf for b in converted.bound]
    )
    over = converted.base > soft
    amounts = table["amount"].to_numpy()[over]
    units = table["unit"].to_numpy()[over]
    messages = [
        f"{_g(amount)} {unit} is {_g(base)} {bound.base_unit}, above the usual largest "
        f"{_g(bound.soft_max)} {bound.base_unit} for one {bound.category} row: please check it "
        "(数量偏大，请复核)"
        for amount, unit, base, bound in zip(
            amounts, units, converted.base[over], converted.bound[over], strict=True
        )
    ]
    return pd.DataFrame(
        {
            "row_id": table["row_id"].to_numpy(dtype=np.int64)[over],
            "column": pd.Series(["amount"] * len(messages), dtype=object),
            "message": pd.Series(messages, dtype=object),
        },
        columns=WARNING_COLUMNS,
    )
