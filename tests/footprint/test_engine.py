"""The LCA engine against hand solutions, a dense solve, unit changes and its domain errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from carbonctl.demo.lca_systems import synthetic_system
from carbonctl.footprint.engine import (
    Matrices,
    compute,
    matrices,
    monte_carlo,
    unit_scores,
)
from carbonctl.footprint.errors import (
    MissingFactorError,
    NonSquareSystemError,
    SingularSystemError,
    UnknownDemandError,
)
from carbonctl.footprint.solvers import (
    KRYLOV_MIN_SIZE,
    MANY_DEMANDS,
    Factorisation,
    KrylovSolver,
    make_solver,
)
from carbonctl.footprint.system import system_from_tables

BACKENDS = ["scipy", "pardiso", "krylov"]


def _cycle():
    return system_from_tables(*_tables())


def _tables(steel_unit: str = "t", steel_factor: float = 1.0):
    """A two-process cycle: electricity (kWh) needs 0.0001 t
    steel, steel (t) needs 500 kWh; electricity emits 0.8 kg CO2/kWh, steel 1000 kg CO2/t and
    1 kg CH4 fossil/t."""
    processes = pd.DataFrame(
        {
            "id": ["elec", "steel"],
            "name": ["electricity", "steel"],
            "unit": ["kWh", steel_unit],
            "location": ["CN-SX", "CN-SX"],
        }
    )
    exchanges = pd.DataFrame(
        {
            "consumer": ["elec", "steel", "elec", "steel", "steel"],
            "input": ["steel", "elec", "CO2", "CO2", "CH4 fossil"],
            "amount": [0.0001 * steel_factor, 500 / steel_factor, 0.8, 1000, 1],
            "unit": [steel_unit, "kWh", "kg", "kg", "kg"],
            "type": ["technosphere", "technosphere", "biosphere", "biosphere", "biosphere"],
        }
    )
    return processes, exchanges


def _hand(method_ch4: float) -> tuple[float, float, float]:
    # A = [[1, -500], [-0.0001, 1]] (rows: products elec, steel); A s = [0, 1]:
    # s_e = 500 s_s and s_s = 1 + 0.0001 s_e, so s_s = 1 / (1 - 0.05)
    det = 1 - 0.0001 * 500
    s_s = 1 / det
    s_e = 500 / det
    return s_e, s_s, 0.8 * s_e + (1000 + method_ch4) * s_s


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_cycle_solved_by_hand(backend):
    s_e, s_s, score = _hand(29.8)
    result = compute(_cycle(), {"steel": {"steel": 1}}, method="AR6", backend=backend)
    assert result.scores["steel"] == pytest.approx(score, rel=1e-12)
    assert result.supply["steel"]["elec"] == pytest.approx(s_e, rel=1e-12)
    assert result.by_gas["steel"]["CH4 fossil"] == pytest.approx(29.8 * s_s, rel=1e-12)
    top = dict(result.top_processes["steel"])
    assert top["steel"] == pytest.approx(1029.8 * s_s / score, rel=1e-12)
    assert sum(top.values()) == pytest.approx(1.0)
    ar5 = compute(_cycle(), {"steel": {"steel": 1}}, method="AR5", backend=backend)
    assert ar5.scores["steel"] == pytest.approx(_hand(30)[2], rel=1e-12)


def test_units_do_not_change_the_footprint():
    in_t = compute(_cycle(), {"d": {"steel": 2}}).scores["d"]
    # the steel process now makes 1 kg: exchanges in kg, demand of 2000 kg
    processes, exchanges = _tables()
    processes.loc[processes["id"] == "steel", "unit"] = "kg"
    exchanges.loc[0, ["amount", "unit"]] = [0.1, "kg"]
    exchanges.loc[1, "amount"] = 0.5
    exchanges.loc[3:4, "amount"] = [1.0, 0.001]
    in_kg = compute(system_from_tables(processes, exchanges), {"d": {"steel": 2000}}).scores["d"]
    assert in_kg == pytest.approx(in_t, rel=1e-12)
    # and the exchanges may be written in any unit that converts
    processes, exchanges2 = _tables()
    exchanges2.loc[1, ["amount", "unit"]] = [0.5, "MWh"]
    exchanges2.loc[3, ["amount", "unit"]] = [1.0, "t"]
    again = compute(system_from_tables(processes, exchanges2), {"d": {"steel": 2}})
    assert again.scores["d"] == pytest.approx(in_t, rel=1e-12)


def _random(n: int, seed: int) -> Matrices:
    rng = np.random.default_rng(seed)
    k = n * 4
    rows, cols = rng.integers(0, n, k), rng.integers(0, n, k)
    keep = rows != cols
    rows, cols = rows[keep], cols[keep]
    amounts = rng.random(rows.size)
    colsum = np.bincount(cols, weights=amounts, minlength=n)
    amounts = amounts / colsum[cols] * 0.9
    flows = 3
    return Matrices.from_arrays(
        n,
        (rows, cols, amounts),
        (rng.integers(0, flows, n), np.arange(n), rng.random(n) * 10),
        np.array([1.0, 27.9, 273.0]),
    )


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_equal_to_a_dense_solve_for_many_demands_and_the_adjoint(backend, seed):
    m = _random(300, seed)
    dense = m.technosphere.toarray()
    demands = np.random.default_rng(seed).random((300, 7))
    fact = make_solver(m.technosphere, backend)
    expected = np.linalg.solve(dense, demands)
    np.testing.assert_allclose(fact.solve(demands), expected, rtol=1e-10, atol=1e-12)
    g = m.characterised
    np.testing.assert_allclose(
        fact.solve_transposed(g), np.linalg.solve(dense.T, g), rtol=1e-10, atol=1e-12
    )
    # scores both ways agree
    np.testing.assert_allclose(
        g @ fact.solve(demands), demands.T @ fact.solve_transposed(g), rtol=1e-10
    )


def _solutions(m: Matrices, demands: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    direct = Factorisation(m.technosphere, "scipy")
    return direct.solve(demands), direct.solve_transposed(m.characterised)


def test_krylov_is_chosen_for_large_systems_and_agrees_with_the_factorisation():
    n = KRYLOV_MIN_SIZE + 500
    s = synthetic_system(n, seed=7)
    m = Matrices.from_arrays(n, s.technosphere, s.biosphere, s.factors)
    solver = make_solver(m.technosphere)
    assert isinstance(solver, KrylovSolver)
    assert isinstance(make_solver(m.technosphere, "scipy"), Factorisation)
    rng = np.random.default_rng(7)
    demands = np.zeros((n, 6))
    demands[rng.choice(n, 5, replace=False), np.arange(5)] = 1.0  # one-hot demands
    demands[:, 5] = rng.random(n) * (rng.random(n) < 0.01)
    supply, unit = _solutions(m, demands)
    np.testing.assert_allclose(solver.solve(demands), supply, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(solver.solve(demands[:, 0]), supply[:, 0], rtol=1e-12)
    np.testing.assert_allclose(solver.solve_transposed(m.characterised), unit, rtol=1e-12)
    assert solver.fallbacks == 0


def test_krylov_keeps_its_accuracy_with_credits_and_mixed_units():
    """Negative inputs (avoided products credited) and units a thousand times apart."""
    m = _random(400, 5)
    a = m.technosphere.tolil()
    rng = np.random.default_rng(5)
    for i, j in zip(rng.integers(0, 400, 40), rng.integers(0, 400, 40), strict=True):
        if i != j:
            a[i, j] = 0.2  # a credit: the consumer's process yields some of product i
    scale = sp.diags(np.where(rng.random(400) < 0.5, 1000.0, 1.0))
    a = (scale @ a.tocsr() @ sp.diags(1 / scale.diagonal())).tocsr()
    mixed = Matrices(a, m.biosphere, m.factors, m.processes, m.flows, m.method)
    demands = rng.random((400, 3))
    supply, unit = _solutions(mixed, demands)
    solver = KrylovSolver(mixed.technosphere)
    np.testing.assert_allclose(solver.solve(demands), supply, rtol=1e-11)
    np.testing.assert_allclose(solver.solve_transposed(mixed.characterised), unit, rtol=1e-11)


def test_krylov_hands_over_to_a_factorisation_when_it_cannot_converge():
    m = _random(300, 4)
    demands = np.random.default_rng(4).random((300, 2))
    supply, unit = _solutions(m, demands)
    solver = KrylovSolver(m.technosphere, maxiter=1, passes=1)
    np.testing.assert_allclose(solver.solve(demands), supply, rtol=1e-12)
    assert solver.fallbacks == 1
    np.testing.assert_allclose(solver.solve_transposed(m.characterised), unit, rtol=1e-12)
    assert solver.fallbacks == 1  # the factorisation is kept for the next solves


@pytest.mark.parametrize(("leak", "handed_over"), [(1e-3, 0), (1e-7, 1)])
def test_krylov_hands_a_nearly_unproductive_cycle_to_the_factorisation(leak, handed_over):
    """A three-process cycle returning all but ``leak`` of its output: A's condition grows as
    1/leak, and the error bound decides whether the Krylov answer is kept."""
    a = sp.csr_matrix(np.array([[1.0, -1, 0], [0, 1, -1], [-(1 - leak), 0, 1]]))
    solver = KrylovSolver(a)
    expected = np.linalg.solve(a.toarray(), [1.0, 0, 0])
    np.testing.assert_allclose(solver.solve(np.array([1.0, 0, 0])), expected, rtol=1e-8)
    assert solver.fallbacks == handed_over


def test_krylov_factorises_a_large_block_of_demands():
    m = _random(300, 6)
    demands = np.random.default_rng(6).random((300, MANY_DEMANDS + 1))
    supply, _ = _solutions(m, demands)
    solver = KrylovSolver(m.technosphere)
    np.testing.assert_allclose(solver.solve(demands[:, :2]), supply[:, :2], rtol=1e-12)
    assert solver.backend == "krylov" and solver._direct is None
    np.testing.assert_allclose(solver.solve(demands), supply, rtol=1e-12)
    assert isinstance(solver._direct, Factorisation) and solver.fallbacks == 0


def test_unit_scores_are_the_footprint_of_one_unit():
    scores = unit_scores(_cycle())
    assert scores["steel"] == pytest.approx(compute(_cycle(), {"d": {"steel": 1}}).scores["d"])
    assert scores["elec"] == pytest.approx(compute(_cycle(), {"d": {"elec": 1}}).scores["d"])


def test_domain_errors():
    singular = system_from_tables(
        pd.DataFrame({"id": ["a", "b"], "name": ["a", "b"], "unit": ["t", "t"]}),
        pd.DataFrame(
            {
                "consumer": ["a", "b", "a"],
                "input": ["b", "a", "CO2"],
                "amount": [1.0, 1.0, 1.0],
                "unit": ["t", "t", "kg"],
                "type": ["technosphere", "technosphere", "biosphere"],
            }
        ),
    )
    for backend in BACKENDS:
        with pytest.raises(SingularSystemError) as caught:
            compute(singular, {"d": {"a": 1}}, backend=backend)
        assert {"a", "b"} <= set(caught.value.processes)
    with pytest.raises(UnknownDemandError, match="stee"):
        compute(_cycle(), {"d": {"stele": 1}})
    processes, exchanges = _tables()
    exchanges.loc[4, "input"] = "CH4 swamp"
    odd = system_from_tables(processes, exchanges)
    with pytest.raises(MissingFactorError, match=r"CH4 swamp.*exchanges row 6"):
        matrices(odd)
    with pytest.raises(NonSquareSystemError):
        Matrices.from_arrays(2, ([], [], []), ([], [], []), np.ones(1), shape=(3, 2))


def test_monte_carlo_centres_on_the_deterministic_score():
    processes, exchanges = _tables()
    exchanges["uncertainty"] = ["lognormal", None, None, "normal", None]
    exchanges["sd"] = [1.2, np.nan, np.nan, 50.0, np.nan]
    system = system_from_tables(processes, exchanges)
    draws = monte_carlo(system, {"d": {"steel": 1}}, iterations=400, backend="scipy")
    # Krylov starts each draw from the previous answer and still gives the same draws
    again = monte_carlo(system, {"d": {"steel": 1}}, iterations=400, backend="krylov")
    np.testing.assert_allclose(again["d"], draws["d"], rtol=1e-12)
    base = compute(system, {"d": {"steel": 1}}).scores["d"]
    assert draws["d"].std() > 0
    assert abs(draws["d"].median() - base) / base < 0.02
