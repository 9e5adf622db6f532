"""Project files for the tests: a valid filing as a mapping, changed per test. The figures are
those of the worked examples in docs/projects.md."""

from __future__ import annotations

import copy
from collections.abc import Callable

import pytest

#: A valid credit code (check character computed by carbonctl.enterprises.uscc).
OWNER = "91141100MA0K00003R"


def coal(tonnes: float, **extra: object) -> dict[str, object]:
    """Raw coal with a measured NCV of 29.3076 GJ/t: 1 t = 1 tce exactly, and
    29.3076 × 0.0262 × 0.93 × 44/12 = 2.6183995992 tCO2/t."""
    return {
        "category": "combustion",
        "item": "原煤",
        "amount": tonnes,
        "unit": "t",
        "ncv": 29.3076,
        "carbon_content": 0.0262,
        "oxidation_rate": 0.93,
        **extra,
    }


def power(kwh: float, **extra: object) -> dict[str, object]:
    return {"category": "electricity", "item": "电力", "amount": kwh, "unit": "kWh", **extra}


BASE: dict[str, object] = {
    "name": "测试项目",
    "owner": OWNER,
    "region": "交城县",
    "industry": "2614",
    "kind": "new",
    "year": 2027,
    "products": [],
    "activities": [coal(10000)],
    "coal_rate_gce_per_kwh": 300,
    "value_added_10k_cny": 2000,
    "operating_share": 1,
    "capacity_replacement": None,
}


@pytest.fixture(name="coal")
def coal_fixture() -> Callable[..., dict[str, object]]:
    return coal


@pytest.fixture(name="power")
def power_fixture() -> Callable[..., dict[str, object]]:
    return power


@pytest.fixture
def make_filing() -> Callable[..., dict[str, object]]:
    """A project file mapping: BASE with the given fields replaced."""

    def make(**fields: object) -> dict[str, object]:
        data = copy.deepcopy(BASE)
        data.update(copy.deepcopy(fields))
        return data

    return make
