"""Shared fixtures: paths of the published test data, the synthetic demo (built once per test
process) and small activity tables. Nothing here imports Django: the platform's fixtures are in
tests/web/conftest.py."""

from __future__ import annotations

import fcntl
import functools
import hashlib
import importlib.metadata
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

DATA = Path(__file__).parent / "data"


@functools.cache
def _core_version() -> str:
    """A digest of carbonctl's core (every file outside ``carbonctl.web``, which the demo builders
    never import), the Python version and the versions of the libraries whose objects the
    fixtures hold: a fixture built from other code is never reused."""
    import carbonctl

    root = Path(carbonctl.__file__).parent
    digest = hashlib.sha256(sys.version.encode())
    for name in ("numpy", "pandas", "pyarrow", "scipy"):
        digest.update(f"{name}={importlib.metadata.version(name)};".encode())
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if path.is_file() and relative.parts[0] != "web" and "__pycache__" not in relative.parts:
            digest.update(str(relative).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:20]


def built_once(config: pytest.Config, name: str, build: Callable[[], Any]) -> Any:
    """``build()``, made once for all test processes of the run (and later runs of the same core
    code): the first process builds it under a file lock and stores it as a pickle in pytest's
    cache folder; the xdist workers, the browser run and the PostgreSQL run load that copy
    (about 0.2 s instead of 8–25 s each)."""
    cache = getattr(config, "cache", None)
    if cache is not None:
        folder = Path(cache.mkdir("carbonctl-fixtures"))
    else:  # -p no:cacheprovider
        folder = Path(tempfile.gettempdir()) / "carbonctl-test-fixtures"
        folder.mkdir(exist_ok=True)
    version = _core_version()
    path = folder / f"{name}-{version}.pickle"
    with (folder / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the other processes wait for the one building it
        if path.exists():
            with path.open("rb") as stored:
                return pickle.load(stored)
        value = build()
        partial = folder / f".{name}-{os.getpid()}.pickle"
        with partial.open("wb") as stored:
            pickle.dump(value, stored, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(path)
        for old in folder.glob(f"{name}-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
        return value


@pytest.fixture(scope="session")
def build_once(pytestconfig) -> Callable[[str, Callable[[], Any]], Any]:
    """``build_once(name, build)``: see :func:`built_once`."""
    return functools.partial(built_once, pytestconfig)


@pytest.fixture(scope="session")
def demo_dataset(pytestconfig):
    """The synthetic Shanxi demo dataset (default seed), built once per test run (~8 s)."""
    from carbonctl.demo.synthetic import build_dataset

    return built_once(pytestconfig, "demo_dataset", build_dataset)


@pytest.fixture(scope="session")
def demo_electricity(pytestconfig):
    """The electricity–carbon demo: history 2015–2025, the 2025 assessment and Q4 meter data
    through the pipeline, on the demo dataset (~25 s, once per test run)."""

    def build():
        from carbonctl.demo.assessment import build_demo_electricity
        from carbonctl.demo.synthetic import build_dataset

        return build_demo_electricity(built_once(pytestconfig, "demo_dataset", build_dataset))

    return built_once(pytestconfig, "demo_electricity", build)


@pytest.fixture(scope="session")
def demo_outlook(pytestconfig, demo_electricity):
    """The 2026 outlook (2026-01..06 continuing the history, its assessment, GDP 2026, product
    energy, reporting status) on the electricity demo (~20 s, once per test run)."""

    def build():
        from carbonctl.demo.outlook import build_outlook
        from carbonctl.demo.synthetic import build_dataset

        return build_outlook(
            built_once(pytestconfig, "demo_dataset", build_dataset),
            demo_electricity.history,
            electricity_2025=demo_electricity.assessment,
        )

    return built_once(pytestconfig, "demo_outlook", build)


@pytest.fixture(scope="session")
def electricity_history(demo_electricity):
    """The demo's monthly electricity–carbon history, 2015–2025."""
    return demo_electricity.history


@pytest.fixture(scope="session")
def electricity_2025(demo_electricity):
    """The electricity–carbon assessment of 2025 on the demo history."""
    return demo_electricity.assessment


@pytest.fixture
def electricity_tables(tmp_path, electricity_history) -> Path:
    """The demo history's five model tables in a folder as a province would hand them over:
    CSV, and the large monthly table as Parquet (without the synthetic truth)."""
    folder = tmp_path / "tables"
    folder.mkdir()
    for name in ("counties", "annual", "generation", "output"):
        getattr(electricity_history, name).to_csv(folder / f"{name}.csv", index=False)
    electricity_history.monthly.drop(columns="co2_true").to_parquet(folder / "monthly.parquet")
    return folder


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def worked_examples() -> pd.DataFrame:
    return pd.read_csv(DATA / "accounting_worked_examples.csv", dtype=str).set_index("id")


def activity(**columns: object) -> dict[str, object]:
    """One activity row with the required columns defaulted."""
    row: dict[str, object] = {"subject": "S", "period": "2023", "category": "combustion"}
    row.update(columns)
    return row


@pytest.fixture(scope="module", autouse=True)
def _demo_only_for_its_modules(request):
    """A test module none of whose tests asks for ``demo_database`` starts without the demo a
    previous module of this process left loaded (see KeptDemo in tests/web/conftest.py)."""
    kept = getattr(request.session, "kept_demo", None)
    if kept is not None and not any(
        "demo_database" in item.fixturenames
        for item in request.session.items
        if getattr(item, "module", None) is request.module
    ):
        kept.drop()


#: Test modules that start first, in this order; the others follow in their usual order. With
#: ``--dist loadfile --no-loadscope-reorder`` (the Makefile) xdist hands out whole modules in this
#: order: the modules on the small demo come one after another (a worker keeps the demo loaded
#: from one to the next, see KeptDemo), then the other long ones (each a minute or so of one
#: worker), so that the many short modules fill the end and both workers finish together.
FIRST = [
    # on the small demo
    "tests/web/test_aggregate_scope.py",
    "tests/web/test_api_schema.py",
    "tests/web/test_hardening_inputs.py",
    "tests/web/test_targets.py",
    "tests/web/test_demo.py",
    "tests/web/test_demo_outlook.py",
    # long
    "tests/web/test_crawl.py",
    "tests/electricity/test_engine_parity.py",
    "tests/web/test_imports_concurrency.py",
    "tests/electricity/test_backtest.py",
    "tests/web/test_electricity.py",
    "tests/web/test_platform.py",
    "tests/cli/test_electricity.py",
    "tests/cli/test_extras.py",
    "tests/demo/test_synthetic.py",
    "tests/accounting/test_properties.py",
    "tests/targets/test_allocation.py",
    "tests/web/test_imports.py",
    "tests/cli/test_accounting.py",
]


def pytest_collection_modifyitems(items):
    """The long test modules first (see FIRST), and the browser tests last: as transactional
    tests they empty every table when they finish, migration data included, which the other
    database tests rely on."""
    rank = {module: index for index, module in enumerate(FIRST)}

    def key(item) -> tuple[bool, int]:
        module = item.nodeid.split("::")[0]
        return module.startswith("tests/web/browser/"), rank.get(module, len(FIRST))

    items.sort(key=key)
