"""Plausibility bounds of input values (合理性上限): the platform's own rule of how large one row's
amount or measured parameter may be, per table, column, category and physical dimension.

These are not official limits: they stop impossible values (1e300 t of diesel, an NCV of 1e9)
before they reach the accounts (hard bound: a row error) and flag unusual ones for the reviewer
(soft bound: a warning). The table's ``note`` and ``source`` columns say why each figure is safe.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from carbonctl.errors import RefdataError
from carbonctl.refdata.loader import load_table

__all__ = ["Bound", "plausibility_bounds"]


@dataclass(frozen=True)
class Bound:
    """One row of ``plausibility_bounds.csv``.

    For ``amount`` rows, ``category`` is the row group (combustion, process, electricity, heat
    for activities; fuel or process for inventories) and ``dimension`` one of mass, volume,
    energy: the amount is converted to ``base_unit`` before it is compared. For a measured
    parameter (ncv, carbon_content, emission_factor) the value is compared as written.
    ``soft_max`` is None where no warning is given.
    """

    table: str
    column: str
    category: str
    dimension: str
    base_unit: str
    soft_max: float | None
    hard_max: float
    status: str
    source: str


def _number(text: str, what: str) -> float | None:
    if not text.strip():
        return None
    value = float(text)
    if not math.isfinite(value) or value <= 0:
        raise RefdataError(f"plausibility_bounds.csv: {what} {text!r} is not a positive number")
    return value


@lru_cache(maxsize=1)
def _bounds() -> tuple[Bound, ...]:
    rows = []
    for row in load_table("plausibility_bounds").itertuples(index=False):
        hard = _number(row.hard_max, "hard_max")
        if hard is None:
            raise RefdataError(f"plausibility_bounds.csv: {row.table}/{row.column} has no hard_max")
        rows.append(
            Bound(
                table=row.table,
                column=row.column,
                category=row.category,
                dimension=row.dimension,
                base_unit=row.base_unit,
                soft_max=_number(row.soft_max, "soft_max"),
                hard_max=hard,
                status=row.status,
                source=row.source,
            )
        )
    return tuple(rows)


def plausibility_bounds(table: str) -> tuple[Bound, ...]:
    """The bounds of one input table: ``activities`` or ``inventory``."""
    return tuple(b for b in _bounds() if b.table == table)
