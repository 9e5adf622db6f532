"""Invariants of the accounting engine, checked with hypothesis: linearity in the amount, unit
invariance (t vs 万t, kWh vs MWh), and independence of row order."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carbonctl.accounting import account
from carbonctl.errors import InputErrors

ROWS = [
    {"category": "combustion", "item": "烟煤", "unit": "t"},
    {"category": "combustion", "item": "天然气", "unit": "万Nm3"},
    {"category": "combustion", "item": "柴油", "unit": "t"},
    {
        "category": "combustion",
        "item": "原煤",
        "unit": "t",
        "ncv": 21.0,
        "carbon_content": 0.026,
        "oxidation_rate": 0.93,
    },
    {"category": "process", "item": "石灰石", "unit": "t", "purity": 0.9},
    {"category": "process", "item": "粗钢", "unit": "t"},
    {"category": "electricity", "item": "电力", "unit": "MWh"},
    {"category": "electricity", "item": "绿电", "unit": "MWh", "region": "北京"},
    {"category": "heat", "item": "蒸汽", "unit": "GJ"},
]
# The same quantity written in a bigger unit: amount_in_big = amount / factor.
UNIT_TWINS = {"t": ("万t", 1e4), "MWh": ("万kWh", 10.0), "GJ": ("TJ", 1e3), "万Nm3": ("m3", 1e-4)}

amounts = st.floats(min_value=0.0, max_value=1e7, allow_nan=False, allow_infinity=False)
table_rows = st.lists(
    st.tuples(
        st.integers(0, len(ROWS) - 1),
        amounts,
        st.sampled_from(["A", "B", "C"]),
        st.sampled_from(["2021", "2022", "2023-05", "2024"]),
    ),
    min_size=1,
    max_size=25,
)
relaxed = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def build(spec) -> pd.DataFrame:
    records = []
    for kind, amount, subject, period in spec:
        records.append({"subject": subject, "period": period, "amount": amount, **ROWS[kind]})
    return pd.DataFrame(records)


@relaxed
@given(table_rows, st.floats(min_value=0.001, max_value=1000.0))
def test_emissions_are_linear_in_the_amount(spec, k):
    table = build(spec)
    base = account(table).rows
    scaled = account(table.assign(amount=table["amount"] * k)).rows
    np.testing.assert_allclose(scaled["tco2"], base["tco2"] * k, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(scaled["tco2_market"], base["tco2_market"] * k, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(scaled["tce"], base["tce"] * k, rtol=1e-9, atol=1e-9)


@relaxed
@given(table_rows)
def test_results_do_not_depend_on_the_unit_of_the_amount(spec):
    table = build(spec)
    twins = table.copy()
    for unit, (bigger, factor) in UNIT_TWINS.items():
        mask = twins["unit"] == unit
        twins.loc[mask, "amount"] = twins.loc[mask, "amount"] / factor
        twins.loc[mask, "unit"] = bigger
    base, other = account(table).rows, account(twins).rows
    np.testing.assert_allclose(other["tco2"], base["tco2"], rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(other["tce"], base["tce"], rtol=1e-9, atol=1e-6)


@relaxed
@given(table_rows, st.randoms(use_true_random=False))
def test_row_order_does_not_change_any_result(spec, rnd):
    table = build(spec)
    table["row_id"] = range(2, len(table) + 2)
    order = list(range(len(table)))
    rnd.shuffle(order)
    base = account(table)
    shuffled = account(table.iloc[order].reset_index(drop=True))
    columns = ["tco2", "tco2_market", "tce"]
    left = base.rows.set_index("row_id")[columns].sort_index()
    right = shuffled.rows.set_index("row_id")[columns].sort_index()
    pd.testing.assert_frame_equal(left, right)
    assert shuffled.total_tco2 == pytest.approx(base.total_tco2, rel=1e-12)
    assert shuffled.by_subject() == pytest.approx(base.by_subject(), rel=1e-12)


def test_an_unvalidated_category_is_refused_not_dropped():
    table = pd.DataFrame(
        [
            {
                "subject": "A",
                "period": "2023",
                "category": "combustion",
                "item": "焦炭",
                "amount": 1.0,
                "unit": "t",
            },
            {
                "subject": "A",
                "period": "2023",
                "category": "燃料燃烧",
                "item": "焦炭",
                "amount": 1.0,
                "unit": "t",
            },
        ]
    )
    with pytest.raises(InputErrors, match=r"row 3.*unknown category"):
        account(table)
