"""Solving the technosphere (技术圈矩阵求解): direct factorisation and preconditioned Krylov.

:class:`Factorisation` factorises A once (PARDISO where ``pypardiso`` is installed, SciPy's
SuperLU otherwise) and solves any number of demands as one matrix right-hand side, or the
transposed system (the adjoint). :class:`KrylovSolver` solves the same systems by BiCGSTAB with
iterative refinement and accepts an answer only when its componentwise backward error is at the
level of a direct solve's; a system it cannot solve so is handed to a :class:`Factorisation`
made once, on demand. Technosphere matrices are I − T with T's inputs per unit of output, and for
a productive economy the spectral radius of T is below one, which is why iterative methods have
long been used for LCA (Peters 2007, *Efficient algorithms for life cycle assessment, input-output
analysis, and Monte-Carlo analysis*, Int J LCA 12(6)): at 20,000 processes a Krylov solve takes
milliseconds where a factorisation takes a second.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import LinearOperator, bicgstab, gmres, onenormest, splu

from carbonctl.footprint.errors import SingularSystemError

__all__ = [
    "BACKENDS",
    "BACKWARD_ERROR",
    "FORWARD_ERROR",
    "KRYLOV_MIN_SIZE",
    "MANY_DEMANDS",
    "Factorisation",
    "KrylovSolver",
    "make_solver",
]

BACKENDS = ("auto", "krylov", "pardiso", "scipy")
#: Below this many processes ``auto`` factorises: SuperLU takes milliseconds there.
KRYLOV_MIN_SIZE = 2000
#: Largest componentwise backward error max|b − Ax| / (|A||x| + |b|) a Krylov answer may keep; a
#: direct LU solve reaches 1e-16 to 1e-15 on technosphere matrices.
BACKWARD_ERROR = 1e-14
#: A block of more demands than this is factorised: each Krylov column costs 1–2 % of a
#: factorisation at 20,000 processes (docs/footprint.md has the figures).
MANY_DEMANDS = 32
#: Largest estimated relative forward error (∞-norm, per demand) a Krylov answer may keep.
FORWARD_ERROR = 1e-11


def pardiso_available() -> bool:
    return importlib.util.find_spec("pypardiso") is not None


def make_solver(
    technosphere: sp.spmatrix, backend: str = "auto", names: Sequence[str] = ()
) -> Factorisation | KrylovSolver:
    """The solver ``backend`` names; ``auto`` is Krylov from :data:`KRYLOV_MIN_SIZE` processes,
    else SuperLU (see :class:`Factorisation` for why not PARDISO there)."""
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}")
    if backend == "krylov" or (backend == "auto" and technosphere.shape[0] >= KRYLOV_MIN_SIZE):
        return KrylovSolver(technosphere, names)
    return Factorisation(technosphere, backend, names)


class Factorisation:
    """A factorised once; :meth:`solve` gives supply vectors A⁻¹F for a matrix of demands,
    :meth:`solve_transposed` gives A⁻ᵀg (the adjoint: unit scores of every product).

    ``refactor(values)`` factorises a matrix of the same pattern again (Monte Carlo), reusing
    the symbolic analysis: PARDISO's reordering (phase 22 only) or SuperLU's column ordering.
    ``auto`` is PARDISO where installed for systems from :data:`KRYLOV_MIN_SIZE` processes and
    SuperLU below, where PARDISO's fixed cost of about 0.4 s a call outweighs its speed.
    """

    def __init__(
        self, technosphere: sp.csr_matrix, backend: str = "auto", names: Sequence[str] = ()
    ) -> None:
        if backend not in ("auto", "pardiso", "scipy"):
            raise ValueError("a factorisation's backend is auto, pardiso or scipy")
        if backend == "auto":  # a PARDISO call costs about 0.4 s whatever the size (MKL's
            # threads; benchmark at 1,000 processes), SuperLU a few ms on small systems
            large = technosphere.shape[0] >= KRYLOV_MIN_SIZE
            backend = "pardiso" if large and pardiso_available() else "scipy"
        self.backend = backend
        self.n = technosphere.shape[0]
        self._a = technosphere.tocsr()
        self._a.sort_indices()
        self._names = names
        self._factorise(first=True)

    def _factorise(self, *, first: bool) -> None:
        if self.backend == "pardiso":
            from pypardiso import PyPardisoSolver

            if first:
                self._solver = PyPardisoSolver()
            # phase 12 analyses and factorises; 22 factorises again with the analysis kept
            self._solver.set_phase(12 if first else 22)
            self._solver._call_pardiso(self._a, np.zeros((self.n, 1)))
            if self._solver.get_iparm(14) == 0:  # no pivot perturbed
                self._check_pardiso()
                return
            # PARDISO perturbs tiny pivots and answers a singular system with huge numbers;
            # SuperLU, which refuses an exactly singular one, decides
            self.backend = "scipy"
        transposed = self._a.T  # CSC of Aᵀ sharing A's arrays
        try:
            self._lu = splu(transposed, permc_spec="COLAMD")
        except RuntimeError as exc:
            raise SingularSystemError(self._suspects()) from exc

    def _check_pardiso(self) -> None:
        probe = self.solve(np.ones(self.n))
        if not np.all(np.isfinite(probe)):
            raise SingularSystemError(self._suspects())

    def _suspects(self) -> list[str]:
        """Processes whose production is not net positive (diagonal ≤ 0); for small systems,
        the processes in the null space of A."""
        names = self._names or [str(i) for i in range(self.n)]
        diagonal = self._a.diagonal()
        bad = np.flatnonzero(diagonal <= 0)
        if bad.size == 0 and self.n <= 800:
            _, s, vt = np.linalg.svd(self._a.toarray())
            null = np.abs(vt[-1]) if s[-1] <= 1e-12 * max(s[0], 1.0) else np.zeros(self.n)
            bad = np.flatnonzero(null > 1e-8)
        return [names[i] for i in bad]

    def solve(self, demands: np.ndarray) -> np.ndarray:
        """A⁻¹F for F of shape (n,) or (n, k), in one call."""
        rhs = np.asarray(demands, dtype=float)
        if self.backend == "pardiso":
            self._solver.set_phase(33)
            self._solver.set_iparm(12, 0)
            out = self._solver._call_pardiso(self._a, np.asfortranarray(rhs))
        else:
            out = self._lu.solve(rhs, trans="T")
        if not np.all(np.isfinite(out)):
            raise SingularSystemError(self._suspects())
        return out

    def solve_transposed(self, g: np.ndarray) -> np.ndarray:
        """A⁻ᵀg: with g = Bᵀc, the score of one unit of every product."""
        rhs = np.asarray(g, dtype=float)
        if self.backend == "pardiso":
            self._solver.set_phase(33)
            self._solver.set_iparm(12, 2)
            try:
                out = self._solver._call_pardiso(self._a, np.asfortranarray(rhs))
            finally:
                self._solver.set_iparm(12, 0)
        else:
            out = self._lu.solve(rhs)
        return out

    def refactor(self, values: np.ndarray) -> None:
        """Factorise A with new ``values`` (same sparsity pattern, CSR order)."""
        self._a.data[:] = values
        self._factorise(first=False)


class KrylovSolver:
    """Solves A x = b and Aᵀ y = g by BiCGSTAB with iterative refinement (迭代求解).

    Each pass solves for the correction of the current residual to a relative 1e-10; passes go
    on until every column's componentwise backward error is below :data:`BACKWARD_ERROR` (two or
    three passes: the level a direct LU solve reaches). The answer is then kept only if
    LAPACK's forward error bound, estimated with a few rough solves, is below
    :data:`FORWARD_ERROR`. Otherwise — no convergence within ``maxiter`` iterations per pass and
    ``passes`` passes, or a bound too large (a singular or badly conditioned system) — A is
    handed to a :class:`Factorisation`, which every later solve of this matrix uses too;
    ``fallbacks`` counts such hand-overs. A block of more than :data:`MANY_DEMANDS` demands is
    factorised from the start, since a factorisation is then cheaper than a Krylov solve per
    column.

    ``refactor(values)`` takes new values of the same pattern (Monte Carlo) and starts the next
    solves from the previous answers, which refinement then corrects.
    """

    backend = "krylov"

    def __init__(
        self,
        technosphere: sp.spmatrix,
        names: Sequence[str] = (),
        *,
        maxiter: int = 300,
        passes: int = 4,
        direct: str = "auto",
    ) -> None:
        self.n = technosphere.shape[0]
        self._a = technosphere.tocsr()
        self._a.sort_indices()
        self._names = names
        self._maxiter = maxiter
        self._passes = passes
        self._direct_backend = direct
        self._direct: Factorisation | None = None
        self._last: dict[bool, np.ndarray] = {}
        self.fallbacks = 0
        self._prepare()

    def _prepare(self) -> None:
        self._at = self._a.T.tocsr()
        diagonal = self._a.diagonal()
        self._diagonal = np.where(diagonal != 0, diagonal, 1.0)
        self._abs = abs(self._a)
        self._abs_t = abs(self._at)

    def solve(self, demands: np.ndarray) -> np.ndarray:
        """A⁻¹F for F of shape (n,) or (n, k)."""
        return self._solve(np.asarray(demands, dtype=float), transposed=False)

    def solve_transposed(self, g: np.ndarray) -> np.ndarray:
        """A⁻ᵀg: with g = Bᵀc, the score of one unit of every product."""
        return self._solve(np.asarray(g, dtype=float), transposed=True)

    def refactor(self, values: np.ndarray) -> None:
        """New values of A (same sparsity pattern, CSR order)."""
        self._a.data[:] = values
        self._prepare()
        if self._direct is not None:
            self._direct.refactor(self._a.data)

    def _solve(self, rhs: np.ndarray, *, transposed: bool) -> np.ndarray:
        b = rhs.reshape(self.n, -1)
        if self._direct is None and b.shape[1] > MANY_DEMANDS:
            self._direct = Factorisation(self._a, self._direct_backend, self._names)
        if self._direct is None:
            x = self._iterate(b, transposed)
            if x is not None and self._error_bound(x, b, transposed) <= FORWARD_ERROR:
                self._last[transposed] = x
                return x.reshape(rhs.shape).copy()
            self.fallbacks += 1
            self._direct = Factorisation(self._a, self._direct_backend, self._names)
        direct = self._direct
        return direct.solve_transposed(rhs) if transposed else direct.solve(rhs)

    def _system(self, transposed: bool) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        return (self._at, self._abs_t) if transposed else (self._a, self._abs)

    def _iterate(self, b: np.ndarray, transposed: bool) -> np.ndarray | None:
        """Refinement passes until every column's backward error is small, or None."""
        a, absolute = self._system(transposed)
        last = self._last.get(transposed)
        if last is not None and last.shape == b.shape:
            x = last.copy()
        else:  # the Jacobi start b / diag(A): a one-hot b would break BiCGSTAB down at once
            x = b / self._diagonal[:, None]
        todo = _inaccurate(a, absolute, x, b, np.arange(b.shape[1]))
        for _ in range(self._passes):
            if todo.size == 0:
                break
            for k in todo:
                correction = self._krylov(a, b[:, k] - a @ x[:, k], 1e-10)
                if correction is None:
                    return None
                x[:, k] += correction
            todo = _inaccurate(a, absolute, x, b, todo)
        return x if todo.size == 0 else None

    def _krylov(self, a: sp.csr_matrix, rhs: np.ndarray, rtol: float) -> np.ndarray | None:
        """A d = rhs to ``rtol`` by BiCGSTAB, or restarted GMRES where BiCGSTAB breaks down (on
        some one-hot demands, whose residuals soon turn orthogonal to the first); None if
        neither converges. The right-hand side is scaled to 1 first: SciPy's breakdown tests
        are absolute, and a refinement's residual is near rounding level."""
        size = np.abs(rhs).max()
        if size == 0:
            return np.zeros_like(rhs)
        for method, options in ((bicgstab, {}), (gmres, {"restart": 20})):
            out, info = method(a, rhs / size, rtol=rtol, atol=0.0, maxiter=self._maxiter, **options)
            if info == 0 and np.all(np.isfinite(out)):
                return out * size
        return None

    def _error_bound(self, x: np.ndarray, b: np.ndarray, transposed: bool) -> float:
        """LAPACK's forward error bound (xGERFS's FERR) for the worst column:
        ‖ |S⁻¹| w ‖∞ / ‖x‖∞ with w = |b − Sx| + (nnz of the row + 1)·ε·(|S||x| + |b|), S the
        system solved, the norm estimated by Higham's 1-norm estimator on diag(w) S⁻ᵀ with
        rough Krylov solves; infinite when those solves do not converge (a singular or badly
        conditioned system)."""
        a, absolute = self._system(transposed)
        other, _ = self._system(not transposed)
        per_row = np.diff(a.indptr) + 1.0
        w = np.abs(b - a @ x) + (per_row * np.finfo(float).eps)[:, None] * (
            absolute @ np.abs(x) + np.abs(b)
        )
        size = np.abs(x).max(axis=0)
        w = (w / np.where(size > 0, size, 1.0)).max(axis=1)
        if not w.any():
            return 0.0

        def rough(matrix: sp.csr_matrix, v: np.ndarray) -> np.ndarray:
            out = self._krylov(matrix, np.asarray(v, dtype=float).ravel(), 1e-6)
            if out is None:
                raise _Unsolved
            return out

        operator = LinearOperator(
            (self.n, self.n),
            matvec=lambda v: w * rough(other, v),
            rmatvec=lambda v: rough(a, w * np.asarray(v).ravel()),
            dtype=float,
        )
        try:
            return float(onenormest(operator, t=2))
        except _Unsolved:
            return float("inf")


class _Unsolved(Exception):
    """A rough solve inside the error estimate did not converge."""


def _inaccurate(
    a: sp.csr_matrix, absolute: sp.csr_matrix, x: np.ndarray, b: np.ndarray, columns: np.ndarray
) -> np.ndarray:
    """The ``columns`` whose componentwise backward error exceeds :data:`BACKWARD_ERROR`."""
    residual = np.abs(b[:, columns] - a @ x[:, columns])
    scale = absolute @ np.abs(x[:, columns]) + np.abs(b[:, columns])
    error = np.where(scale > 0, residual / np.where(scale > 0, scale, 1.0), residual)
    return columns[error.max(axis=0, initial=0.0) > BACKWARD_ERROR]
