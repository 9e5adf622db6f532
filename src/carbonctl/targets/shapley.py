"""Shapley value (沙普利值) of a small cooperative game, e.g. the abatement cost saved when regions
reallocate their abatement (合作减排成本节约), computed exactly in rational arithmetic."""

from __future__ import annotations

from fractions import Fraction
from itertools import combinations
from math import factorial

import numpy as np
import pandas as pd

from carbonctl.errors import CarbonctlError, InputError, InputErrors
from carbonctl.targets.result import Allocation

__all__ = [
    "MAX_PLAYERS",
    "TooManyPlayersError",
    "abatement_cost_game",
    "allocation_shapley",
    "shapley",
]

#: 2^n coalitions are enumerated; beyond this a sampling estimator would be needed.
MAX_PLAYERS = 12
MEMBER_PREFIX = "in_"


class TooManyPlayersError(CarbonctlError):
    """A game with more players than the exact Shapley value can enumerate."""


def abatement_cost_game(table: pd.DataFrame) -> pd.DataFrame:
    """The abatement cost-saving game of examples README section 4 (减排成本节约博弈).

    ``table``: ``region, abatement`` (a_i), ``mac`` (m_i, marginal abatement cost at a_i).
    With linear MAC b_i x, b_i = m_i / a_i and cost c_i(x) = b_i x^2 / 2:

        v(S) = sum_{i in S} m_i a_i / 2 - p_S A_S / 2,   p_S = A_S / sum_{i in S} 1/b_i

    Returns one row per non-empty coalition: ``coalition, size, in_<region>…, abatement,
    standalone_cost, common_marginal_cost, joint_min_cost, v``.
    """
    regions = table["region"].astype(str).tolist()
    a = table["abatement"].to_numpy(dtype=float)
    m = table["mac"].to_numpy(dtype=float)
    if len(regions) > MAX_PLAYERS:
        raise TooManyPlayersError(_too_many(len(regions)))
    b = m / a
    rows = []
    for size in range(1, len(regions) + 1):
        for members in combinations(range(len(regions)), size):
            s = list(members)
            total = a[s].sum()
            standalone = float(np.sum(m[s] * a[s]) / 2)
            price = total / np.sum(1.0 / b[s])
            joint = price * total / 2
            row: dict[str, object] = {"coalition": "+".join(regions[i] for i in s), "size": size}
            row.update({MEMBER_PREFIX + r: int(i in s) for i, r in enumerate(regions)})
            row.update(
                abatement=total,
                standalone_cost=standalone,
                common_marginal_cost=price,
                joint_min_cost=joint,
                v=0.0 if size == 1 else standalone - joint,
            )
            rows.append(row)
    return pd.DataFrame(rows)


def _too_many(n: int) -> str:
    return (
        f"the game has {n} players; the exact Shapley value enumerates 2^n coalitions and is "
        f"limited to {MAX_PLAYERS} players (group regions, or decompose in two levels)"
    )


def shapley(game: pd.DataFrame, value_column: str = "v") -> pd.DataFrame:
    """Exact Shapley value φ_i of a game given as a characteristic-function table:

        φ_i = sum_{S ⊆ N\\{i}} |S|! (n - |S| - 1)! / n! × [v(S ∪ {i}) - v(S)],   v(∅) = 0

    ``game`` has one row per coalition, membership in 0/1 columns ``in_<player>`` and its value
    in ``value_column``; missing coalitions are an error. Returns ``region, shapley_value,
    share`` (φ_i / v(N)). More than :data:`MAX_PLAYERS` players raise
    :class:`TooManyPlayersError`.
    """
    columns = [c for c in game.columns if str(c).startswith(MEMBER_PREFIX)]
    players = [str(c)[len(MEMBER_PREFIX) :] for c in columns]
    n = len(players)
    if n == 0 or value_column not in game.columns:
        raise InputErrors(
            [
                InputError(
                    "the game table has no membership or value columns",
                    row=1,
                    column=value_column if n else None,
                    expected=f"columns {MEMBER_PREFIX}<player> (0/1) and {value_column!r}",
                )
            ]
        )
    if n > MAX_PLAYERS:
        raise TooManyPlayersError(_too_many(n))
    membership = game[columns].to_numpy(dtype=int)
    masks = membership @ (1 << np.arange(n))
    values: dict[int, Fraction] = {0: Fraction(0)}
    for position, (mask, value) in enumerate(zip(masks, game[value_column], strict=True)):
        if int(mask) in values and int(mask) != 0:
            raise InputErrors(
                [
                    InputError(
                        "coalition is listed twice",
                        row=position + 2,
                        column=value_column,
                        expected="each coalition once",
                    )
                ]
            )
        values[int(mask)] = Fraction(float(value))
    missing = (1 << n) - len(values)
    if missing:
        raise InputErrors(
            [
                InputError(
                    f"{missing} coalitions are missing",
                    expected=f"all {(1 << n) - 1} non-empty coalitions of {n} players",
                )
            ]
        )
    weight = [Fraction(factorial(s) * factorial(n - s - 1), factorial(n)) for s in range(n)]
    phi = []
    for i in range(n):
        bit = 1 << i
        total = Fraction(0)
        for mask in range(1 << n):
            if mask & bit:
                continue
            total += weight[mask.bit_count()] * (values[mask | bit] - values[mask])
        phi.append(total)
    grand = values[(1 << n) - 1]
    return pd.DataFrame(
        {
            "region": players,
            "shapley_value": [float(p) for p in phi],
            "share": [float(p / grand) if grand else float("nan") for p in phi],
        }
    )


def allocation_shapley(table: pd.DataFrame, allocation: Allocation) -> pd.DataFrame:
    """The abatement cost-saving game (:func:`abatement_cost_game`) of an allocation and its
    Shapley value (合作减排的成本节约分摊).

    Region i's abatement is what its reduction asks of it against its base-year intensity,
    a_i = (C0_i / G0_i) × G_T,i × r_i (in the unit of ``co2_base``); ``table`` must carry
    ``mac``, the marginal abatement cost at a_i (e.g. yuan per tCO2). Returns ``region,
    abatement, mac, shapley_value, share``; the values sum to the saving of the grand coalition
    (in the unit of ``mac`` × ``co2_base``). A region with no abatement (r_i <= 0) or a missing
    or non-positive MAC is an :class:`InputErrors` naming it.
    """
    regions = allocation.regions.reset_index(drop=True)
    if "mac" not in table.columns:
        raise InputErrors(
            [
                InputError(
                    "the table has no marginal abatement cost",
                    column="mac",
                    expected="a column 'mac' with each region's marginal abatement cost",
                )
            ]
        )
    gt = table["gdp_target"].to_numpy(dtype=float)
    abatement = (
        regions["intensity_base"].to_numpy(dtype=float)
        * gt
        * regions["reduction"].to_numpy(dtype=float)
    )
    mac = pd.to_numeric(table["mac"], errors="coerce").to_numpy(dtype=float)
    problems = [
        InputError(
            f"region {region!r} has {what}",
            row=position + 2,
            column=column,
            expected=expected,
        )
        for position, (region, a, m) in enumerate(
            zip(regions["region"].astype(str), abatement, mac, strict=True)
        )
        for what, column, expected, bad in (
            ("no abatement to trade", "reduction", "a reduction above 0", not a > 0),
            ("no usable marginal abatement cost", "mac", "a cost above 0", not m > 0),
        )
        if bad
    ]
    if problems:
        raise InputErrors(problems)
    players = pd.DataFrame({"region": regions["region"].astype(str), "abatement": abatement})
    values = shapley(abatement_cost_game(players.assign(mac=mac)))
    return players.assign(mac=mac).merge(values, on="region")


def shapley_summary(table: pd.DataFrame, value_column: str = "v", *, where: str = "") -> dict:
    """The CLI's JSON summary of a Shapley allocation of ``table``: a game table (``in_<region>``
    columns and ``value_column``) or regions with ``abatement`` and ``mac`` (the abatement
    cost-saving game, :func:`abatement_cost_game`); ``where`` names the file in errors."""
    table = table.reset_index(drop=True)
    if {"abatement", "mac"} <= set(table.columns):
        numbers = table[["abatement", "mac"]].apply(pd.to_numeric)
        game = abatement_cost_game(table[["region"]].join(numbers))
        value_column = "v"
    else:
        game = table.copy()
        for column in [c for c in game.columns if c.startswith("in_")] + [value_column]:
            if column not in game.columns:
                raise CarbonctlError(f"{where}: no column {column!r} in the game table")
            game[column] = pd.to_numeric(game[column])
    values = shapley(game, value_column=value_column)
    return {
        "method": "shapley",
        "target": None,
        "achieved": None,
        "regions": {
            str(r.region): {"shapley_value": float(r.shapley_value), "share": float(r.share)}
            for r in values.itertuples(index=False)
        },
    }
