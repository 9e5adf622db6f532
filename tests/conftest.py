"""Shared fixtures: paths of the published test data and small activity tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

DATA = Path(__file__).parent / "data"


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
