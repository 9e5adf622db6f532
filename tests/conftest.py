"""Shared fixtures: paths of the published test data, the synthetic demo (built once per test
process) and small activity tables. Nothing here imports Django: the platform's fixtures are in
tests/web/conftest.py."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def demo_dataset():
    """The synthetic Shanxi demo dataset (default seed), built once per test run (~4 s)."""
    from carbonctl.demo.synthetic import build_dataset

    return build_dataset()


@pytest.fixture(scope="session")
def demo_electricity(demo_dataset):
    """The electricity–carbon demo: history 2015–2025, the 2025 assessment and Q4 meter data
    through the pipeline (~15 s, once per test run)."""
    from carbonctl.demo.assessment import build_demo_electricity

    return build_demo_electricity(demo_dataset)


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


def pytest_collection_modifyitems(items):
    """Browser tests run last: as transactional tests they empty every table when they finish,
    migration data included, which the other database tests rely on."""
    items.sort(key=lambda item: "tests/web/browser/" in str(item.path).replace("\\", "/"))
