"""Shared fixtures: paths of the published test data and small activity tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from carbonctl.enterprises.uscc import check_character
from carbonctl.web.accounts.models import Role
from carbonctl.web.accounts.services import create_user
from carbonctl.web.enterprises.models import Enterprise

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


# --- the web platform: enterprises in two cities and one user of each role ---------------------

PASSWORD = "correct-horse-battery-staple"


def _enterprise(name: str, county: str, serial: str) -> Enterprise:
    first17 = f"91{county}{serial}"
    return Enterprise.objects.create(
        credit_code=first17 + check_character(first17),
        name_zh=name,
        county_id=county,
        sector="Smelting and Pressing of Ferrous Metals",
        key_industry="钢铁 steel",
    )


@pytest.fixture
def province(db):
    """Two enterprises in Taiyuan (小店区 140105, 清徐县 140121), one in Datong (140212), and a
    user for every role: the city official is Taiyuan's, the county official 小店区's and the
    enterprise reporter belongs to the 小店区 enterprise."""
    taiyuan = _enterprise("示例太原钢铁", "140105", "MA0000001")
    qingxu = _enterprise("示例清徐焦化", "140121", "MA0000002")
    datong = _enterprise("示例大同电厂", "140212", "MA0000003")
    users = {
        Role.PROVINCE_ADMIN: create_user("admin", PASSWORD, Role.PROVINCE_ADMIN),
        Role.PROVINCE_ANALYST: create_user("analyst", PASSWORD, Role.PROVINCE_ANALYST),
        Role.REVIEWER: create_user("reviewer", PASSWORD, Role.REVIEWER),
        Role.CITY_OFFICIAL: create_user("taiyuan", PASSWORD, Role.CITY_OFFICIAL, region="140100"),
        Role.COUNTY_OFFICIAL: create_user(
            "xiaodian", PASSWORD, Role.COUNTY_OFFICIAL, region="140105"
        ),
        Role.ENTERPRISE_REPORTER: create_user(
            "reporter", PASSWORD, Role.ENTERPRISE_REPORTER, enterprise_code=taiyuan.credit_code
        ),
        Role.PUBLIC: create_user("citizen", PASSWORD, Role.PUBLIC),
    }
    return {"users": users, "taiyuan": taiyuan, "qingxu": qingxu, "datong": datong}


def pytest_collection_modifyitems(items):
    """Browser tests run last: as transactional tests they empty every table when they finish,
    migration data included, which the other database tests rely on."""
    items.sort(key=lambda item: "tests/browser/" in str(item.path).replace("\\", "/"))


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty Django cache (cached overviews belong to one test's data)."""
    from django.core.cache import cache

    cache.clear()
