"""The LCA matrix engine (生命周期评价矩阵计算): score h = c B A⁻¹ f.

Loading is kept apart from solving, as in Brightway's bw2calc: :func:`matrices` turns a checked
:class:`~carbonctl.footprint.system.System` into the technosphere A (square, sparse, cycles
allowed: production 1 on the diagonal, inputs negative), the biosphere B (flows × processes, kg)
and the characterisation vector c (kgCO2e per kg, GWP100 of the chosen IPCC report from refdata
``gwp.csv``). The solvers (:mod:`carbonctl.footprint.solvers`) solve any number of demands as one
matrix right-hand side, or the transposed system for the score of one unit of every product
(adjoint): a direct factorisation (PARDISO or SuperLU) for small systems, BiCGSTAB with
iterative refinement for large ones, with the same answers (see docs/footprint.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from carbonctl.errors import CarbonctlError
from carbonctl.footprint.errors import (
    MissingFactorError,
    NonSquareSystemError,
    UnknownDemandError,
)
from carbonctl.footprint.solvers import BACKENDS, Factorisation, KrylovSolver, make_solver
from carbonctl.footprint.system import BIOSPHERE, TECHNOSPHERE, System
from carbonctl.refdata.loader import close_matches, load_table

__all__ = [
    "BACKENDS",
    "METHODS",
    "Factorisation",
    "FootprintResult",
    "KrylovSolver",
    "Matrices",
    "characterisation",
    "compute",
    "matrices",
    "monte_carlo",
    "unit_scores",
]

METHODS = ("AR5", "AR6")
#: Flows with a fixed factor under every method: already characterised supplier figures (CO2e)
#: and biogenic CO2, reported by gas but not counted in the score (ISO 14067 §6.4.9.3 / PACT).
FIXED_FACTORS = {"CO2e": 1.0, "CO2 biogenic": 0.0}
UNIT = "kgCO2e"


def characterisation(method: str) -> dict[str, float]:
    """GWP100 factors of ``method`` (AR5 or AR6) by gas, plus the fixed CO2e and biogenic CO2."""
    if method not in METHODS:
        raise CarbonctlError(
            f"unknown characterisation method {method!r}; expected one of {', '.join(METHODS)}"
        )
    table = load_table("gwp")
    values = pd.to_numeric(table[f"GWP100_{method}"], errors="coerce")
    factors = {g: float(v) for g, v in zip(table["gas"], values, strict=True) if np.isfinite(v)}
    factors.update({g.split(" (")[0]: v for g, v in list(factors.items()) if " (" in g})
    factors.update(FIXED_FACTORS)
    return factors


@dataclass(frozen=True)
class Matrices:
    """A (n×n CSR), B (flows×n CSR, kg per unit of product), c (per flow, kgCO2e/kg)."""

    technosphere: sp.csr_matrix
    biosphere: sp.csr_matrix
    factors: np.ndarray
    processes: tuple[str, ...]
    flows: tuple[str, ...]
    method: str

    @property
    def characterised(self) -> np.ndarray:
        """c B: kgCO2e emitted directly per unit of each process's product."""
        return np.asarray(self.biosphere.T @ self.factors).ravel()

    @classmethod
    def from_arrays(
        cls,
        n: int,
        technosphere: tuple[np.ndarray, np.ndarray, np.ndarray],
        biosphere: tuple[np.ndarray, np.ndarray, np.ndarray],
        factors: np.ndarray,
        *,
        processes: Sequence[str] | None = None,
        flows: Sequence[str] | None = None,
        method: str = "AR6",
        shape: tuple[int, int] | None = None,
    ) -> Matrices:
        """From coordinate arrays: technosphere (input row, consumer column, amount used) —
        production of 1 on the diagonal is added — and biosphere (flow row, process column,
        kg). ``shape`` (products, processes) of a technosphere given whole must be square."""
        if shape is not None and shape[0] != shape[1]:
            raise NonSquareSystemError(*shape)
        rows, cols, amounts = technosphere
        diagonal = np.arange(n)
        a = sp.csr_matrix(
            (
                np.concatenate([np.ones(n), -np.asarray(amounts, dtype=float)]),
                (np.concatenate([diagonal, rows]), np.concatenate([diagonal, cols])),
            ),
            shape=(n, n),
        )
        a.sum_duplicates()
        factors = np.asarray(factors, dtype=float)
        b = sp.csr_matrix(
            (np.asarray(biosphere[2], dtype=float), (biosphere[0], biosphere[1])),
            shape=(factors.size, n),
        )
        b.sum_duplicates()
        names = tuple(processes) if processes is not None else tuple(map(str, range(n)))
        flow_names = tuple(flows) if flows is not None else tuple(map(str, range(factors.size)))
        return cls(a, b, factors, names, flow_names, method)


def matrices(system: System, method: str = "AR6") -> Matrices:
    """The matrices of ``system`` under ``method``; a flow without a factor is an error."""
    factors_of = characterisation(method)
    ids = system.processes["id"].to_numpy(dtype=object)
    index = pd.Index(ids)
    ex = system.exchanges
    tech = ex[ex["type"] == TECHNOSPHERE]
    bio = ex[ex["type"] == BIOSPHERE]
    flows = tuple(pd.unique(bio["input"].to_numpy(dtype=object)))
    missing = [f for f in flows if f not in factors_of]
    if missing:
        rows = bio.index[bio["input"].isin(missing)].tolist()
        raise MissingFactorError(method, missing, system.where(rows))
    flow_index = pd.Index(flows)
    return Matrices.from_arrays(
        len(ids),
        (
            index.get_indexer(tech["input"]),
            index.get_indexer(tech["consumer"]),
            tech["amount"].to_numpy(dtype=float),
        ),
        (
            flow_index.get_indexer(bio["input"]),
            index.get_indexer(bio["consumer"]),
            bio["amount"].to_numpy(dtype=float),
        ),
        np.array([factors_of[f] for f in flows], dtype=float),
        processes=tuple(ids),
        flows=flows,
        method=method,
    )


@dataclass(frozen=True)
class FootprintResult:
    method: str
    unit: str
    scores: dict[str, float]
    top_processes: dict[str, list[tuple[str, float]]]
    by_gas: dict[str, dict[str, float]]
    supply: dict[str, dict[str, float]]

    def to_json(self) -> dict:
        return {
            "method": self.method,
            "scores": self.scores,
            "unit": self.unit,
            "top_processes": {
                d: [[p, s] for p, s in rows] for d, rows in self.top_processes.items()
            },
        }


def _demand_matrix(
    demands: Mapping[str, Mapping[str, float]], ids: Sequence[str]
) -> tuple[list[str], np.ndarray]:
    index = pd.Index(ids)
    names = list(demands)
    f = np.zeros((len(ids), len(names)))
    for k, name in enumerate(names):
        wanted = list(demands[name])
        positions = index.get_indexer(wanted)
        if (positions < 0).any():
            missing = [w for w, p in zip(wanted, positions, strict=True) if p < 0]
            raise UnknownDemandError(name, missing, close_matches(str(missing[0]), list(ids)))
        np.add.at(f[:, k], positions, [float(demands[name][w]) for w in wanted])
    return names, f


def _factorise(m: Matrices, backend: str) -> Factorisation | KrylovSolver:
    return make_solver(m.technosphere, backend, m.processes)


def compute(
    system: System,
    demands: Mapping[str, Mapping[str, float]],
    *,
    method: str = "AR6",
    top: int = 10,
    backend: str = "auto",
) -> FootprintResult:
    """Footprints of ``demands`` (name → {process id: amount in the process's unit}) in kgCO2e,
    with each demand's ``top`` processes by direct contribution (signed share of the score),
    the score by gas, and the supply of every process."""
    m = matrices(system, method)
    names, f = _demand_matrix(demands, m.processes)
    supply = _factorise(m, backend).solve(f).reshape(len(m.processes), len(names))
    direct = m.characterised[:, None] * supply
    scores = direct.sum(axis=0)
    by_flow = (m.biosphere @ supply) * np.where(m.factors == 0, 1.0, m.factors)[:, None]
    result_top: dict[str, list[tuple[str, float]]] = {}
    for k, name in enumerate(names):
        column = direct[:, k]
        order = np.argsort(-np.abs(column), kind="stable")[:top]
        total = scores[k]
        result_top[name] = [
            (m.processes[i], float(column[i] / total) if total else 0.0)
            for i in order
            if column[i] != 0
        ]
    return FootprintResult(
        method=method,
        unit=UNIT,
        scores={n: float(scores[k]) for k, n in enumerate(names)},
        top_processes=result_top,
        by_gas={
            n: {flow: float(by_flow[j, k]) for j, flow in enumerate(m.flows)}
            for k, n in enumerate(names)
        },
        supply={
            n: {m.processes[i]: float(supply[i, k]) for i in np.flatnonzero(supply[:, k])}
            for k, n in enumerate(names)
        },
    )


def unit_scores(system: System, method: str = "AR6", backend: str = "auto") -> dict[str, float]:
    """kgCO2e per unit of every process's product (cradle-to-gate), by one transposed solve."""
    m = matrices(system, method)
    scores = _factorise(m, backend).solve_transposed(m.characterised)
    return {p: float(s) for p, s in zip(m.processes, scores, strict=True)}


def monte_carlo(
    system: System,
    demands: Mapping[str, Mapping[str, float]],
    *,
    iterations: int = 1000,
    method: str = "AR6",
    seed: int = 0,
    backend: str = "auto",
) -> pd.DataFrame:
    """Scores of ``demands`` over ``iterations`` draws of the exchanges' uncertainty (lognormal,
    normal, uniform, triangular), one row per draw and a column per demand. Every draw keeps the
    sparsity pattern, so A is refactorised numerically with the first analysis reused."""
    m = matrices(system, method)
    names, f = _demand_matrix(demands, m.processes)
    ex = system.exchanges
    rng = np.random.default_rng(seed)
    index = pd.Index(m.processes)
    flow_index = pd.Index(m.flows)
    tech = ex[ex["type"] == TECHNOSPHERE]
    bio = ex[ex["type"] == BIOSPHERE]
    n = len(m.processes)
    a_rows = np.concatenate([np.arange(n), index.get_indexer(tech["input"])])
    a_cols = np.concatenate([np.arange(n), index.get_indexer(tech["consumer"])])
    b_rows = flow_index.get_indexer(bio["input"])
    b_cols = index.get_indexer(bio["consumer"])
    fact = _factorise(m, backend)
    out = np.empty((iterations, len(names)))
    for i in range(iterations):
        values = np.concatenate([np.ones(n), -_draw(tech, rng)])
        a = sp.csr_matrix((values, (a_rows, a_cols)), shape=(n, n))
        a.sum_duplicates()
        fact.refactor(a.data)
        supply = fact.solve(f).reshape(n, len(names))
        b = sp.csr_matrix((_draw(bio, rng), (b_rows, b_cols)), shape=(len(m.flows), n))
        out[i] = m.factors @ (b @ supply)
    return pd.DataFrame(out, columns=names)


def _draw(exchanges: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    amount = exchanges["amount"].to_numpy(dtype=float).copy()
    kind = exchanges["uncertainty"].to_numpy(dtype=object)
    sd = exchanges["sd"].to_numpy(dtype=float)
    low = exchanges["minimum"].to_numpy(dtype=float)
    high = exchanges["maximum"].to_numpy(dtype=float)
    for name in ("lognormal", "normal", "uniform", "triangular"):
        sel = kind == name
        if not sel.any():
            continue
        if name == "lognormal":
            amount[sel] = np.sign(amount[sel]) * rng.lognormal(
                np.log(np.abs(amount[sel])), np.log(sd[sel])
            )
        elif name == "normal":
            amount[sel] = rng.normal(amount[sel], sd[sel])
        elif name == "uniform":
            amount[sel] = rng.uniform(low[sel], high[sel])
        else:
            amount[sel] = rng.triangular(low[sel], amount[sel], high[sel])
    return amount
