"""Synthetic product systems for the footprint benchmark and tests (合成产品系统), shaped like a
background database: a quarter of the processes are markets that buy from the processes making
their product (and from a few transport markets); every other process makes one product and buys
from a handful of markets chosen with Zipf-like popularity (electricity, transport and steel are
bought by many). Markets buying from their suppliers close cycles through the whole system."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

__all__ = ["SyntheticSystem", "synthetic_system"]


@dataclass(frozen=True)
class SyntheticSystem:
    """Coordinates of technosphere inputs (input row, consumer column, amount used per unit) and
    biosphere emissions (flow row, process column, kg per unit) with the flows' factors."""

    n: int
    technosphere: tuple[np.ndarray, np.ndarray, np.ndarray]
    biosphere: tuple[np.ndarray, np.ndarray, np.ndarray]
    factors: np.ndarray
    largest_cycle_share: float


def synthetic_system(
    n: int, *, seed: int = 0, market_share: float = 0.25, inputs: int = 6, zipf: float = 1.1
) -> SyntheticSystem:
    """A system of ``n`` processes with cycles; ``largest_cycle_share`` is the share of processes
    in its largest strongly connected component."""
    rng = np.random.default_rng(seed)
    markets = max(int(n * market_share), 2)
    makers = np.arange(markets, n)
    rows = [makers]  # each maker sells to one market
    cols = [rng.integers(0, markets, makers.size)]
    popularity = 1.0 / np.arange(1, markets + 1) ** zipf
    popularity /= popularity.sum()
    bought = rng.poisson(inputs - 1, makers.size) + 1
    buyers = np.repeat(makers, bought)
    rows.append(rng.choice(markets, buyers.size, p=popularity))
    cols.append(buyers)
    rows.append(rng.integers(0, min(20, markets), markets))  # markets buy transport
    cols.append(np.arange(markets))
    r = np.concatenate(rows)
    c = np.concatenate(cols)
    keep = r != c
    keys = np.unique(r[keep].astype(np.int64) * n + c[keep])
    r, c = keys // n, keys % n
    amounts = rng.random(r.size)
    per_column = np.bincount(c, weights=amounts, minlength=n)
    amounts = amounts / per_column[c] * rng.uniform(0.3, 0.9, n)[c]
    graph = csr_matrix((np.ones(r.size), (r, c)), shape=(n, n))
    _, labels = connected_components(graph, directed=True, connection="strong")
    share = float(np.bincount(labels).max() / n)
    flows = np.array([1.0, 29.8, 273.0, 27.0])  # CO2, CH4 fossil, N2O, CH4 non-fossil (AR6)
    first = rng.integers(0, flows.size, n)  # two different flows per process
    second = (first + 1 + rng.integers(0, flows.size - 1, n)) % flows.size
    bio = (
        np.concatenate([first, second]),
        np.concatenate([np.arange(n), np.arange(n)]),
        rng.lognormal(0.0, 1.5, 2 * n),
    )
    return SyntheticSystem(n, (r, c, amounts), bio, flows, share)
