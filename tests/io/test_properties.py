"""Invariants of reading, checked with hypothesis: numbers survive thousands separators, every
accepted way of writing a month means that month, and row order does not change the rows."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from carbonctl.io import validate_activities
from carbonctl.io.cleaning import clean_text, parse_numbers

FAST = settings(max_examples=30, deadline=None)


@FAST
@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=99))
def test_thousands_separators_do_not_change_the_number(whole, cents):
    value = float(f"{whole}.{cents:02d}")
    written = pd.Series([f"{whole:,}.{cents:02d}", f"{whole}.{cents:02d}"])
    numbers = parse_numbers(clean_text(written))
    assert numbers.iloc[0] == numbers.iloc[1] == value


@FAST
@given(
    st.integers(min_value=1900, max_value=2099),
    st.integers(min_value=1, max_value=12),
    st.sampled_from(
        [
            "{y}-{m:02d}",
            "{y}-{m}",
            "{y}/{m:02d}",
            "{y}/{m}",
            "{y}年{m}月",
            "{y}年{m:02d}月",
            "{y}-{m:02d}-01 00:00:00",
        ]
    ),
)
def test_every_way_of_writing_a_month_means_that_month(year, month, form):
    frame = pd.DataFrame(
        {
            "subject": ["A"],
            "period": [form.format(y=year, m=month)],
            "category": ["heat"],
            "item": ["蒸汽"],
            "amount": [1.0],
            "unit": ["GJ"],
        }
    )
    table = validate_activities(frame)
    assert table["period"].iloc[0] == f"{year}-{month:02d}"
    assert (table["year"].iloc[0], table["month"].iloc[0]) == (year, month)


ROWS = pd.DataFrame(
    {
        "主体": ["甲", "乙", "丙", "丁", "戊"],
        "期间": ["2023", "2023-01", "2023年2月", "2023", "2024"],
        "类别": ["燃料燃烧", "购入电力", "工业过程", "购入热力", "combustion"],
        "品种": ["烟煤", "绿电", "石灰石", "蒸汽", "天然气"],
        "数量": ["1,000", "2", "3.5", "4", "5e2"],
        "单位": ["t", "万千瓦时", "万吨", "GJ", "万Nm3"],
    }
)


@FAST
@given(st.permutations(range(len(ROWS))))
def test_row_order_does_not_change_the_rows(order):
    expected = validate_activities(ROWS)
    shuffled = ROWS.iloc[list(order)].assign(row_id=[i + 2 for i in order])
    table = validate_activities(shuffled).sort_values("row_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(table, expected, check_like=False)
