"""The energy-efficiency benchmark table (能效标杆水平和基准水平): every row of the shared table,
its statuses and UNCONFIRMED flags kept, found by product name."""

from __future__ import annotations

import pytest

from carbonctl import refdata
from carbonctl.errors import UnknownNameError


def test_every_row_and_status_of_the_policy_table_is_packaged():
    table = refdata.load_table("energy_efficiency_benchmarks")
    assert len(table) == 32
    assert list(table.columns) == [
        "sector",
        "product_or_process",
        "benchmark_标杆",
        "baseline_基准",
        "unit",
        "edition",
        "shanxi_relevance",
        "status",
        "source",
    ]
    labels = table["status"].map(refdata.status_label)
    assert (labels == "UNCONFIRMED").sum() == 24
    assert set(labels) == {"UNCONFIRMED", "SECONDARY"}
    assert not (table["source"].str.strip().isin(["", "-"])).any()


def test_a_product_is_found_with_its_levels_and_status():
    steel = refdata.efficiency_benchmark("转炉工序")
    assert (steel.benchmark, steel.baseline, steel.unit) == (-30.0, -10.0, "kgce/t")
    assert refdata.status_label(steel.status) == "SECONDARY"
    coke = refdata.efficiency_benchmark(" 焦炭(顶装焦炉) ")  # half-width brackets, spaces
    assert (coke.benchmark, coke.baseline) == (110.0, 135.0)
    assert refdata.status_label(refdata.efficiency_benchmark("电石").status) == "UNCONFIRMED"
    assert all(b.benchmark <= b.baseline for b in refdata.efficiency_benchmarks())


def test_an_unknown_product_lists_the_closest():
    with pytest.raises(UnknownNameError) as caught:
        refdata.efficiency_benchmark("合成氨")
    assert all(s.startswith("合成氨") for s in caught.value.suggestions)
    assert len(caught.value.suggestions) == 4
