"""Meter classes as people write them (issue 16 item 1): any class of the electricity-use
classification (全社会用电分类), at any level, by code, Chinese name or the usual short form;
the model sectors each class covers; aggregation keeping the class given."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from carbonctl import refdata
from carbonctl.cli import app
from carbonctl.electricity.pipeline import aggregate, read_meters
from carbonctl.electricity.schema import (
    class_coverage,
    meter_class,
    model_sectors,
    modelled_as,
)
from carbonctl.errors import InputErrors, UnknownNameError

from .test_pipeline import write_readings

CLASSES = refdata.load_table("electricity_use_classes")
GROUPS = set(CLASSES.loc[CLASSES["level"] == "group", "code"])
ROWS = [r for r in CLASSES.itertuples(index=False) if r.code not in GROUPS]


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.code)
def test_every_class_is_accepted_by_code_and_by_chinese_name(row):
    assert meter_class(row.code) == row.code
    assert meter_class(row.name_zh) == row.code
    assert class_coverage(row.code)  # every class covers at least one model sector


@pytest.mark.parametrize("code", sorted(GROUPS))
def test_cross_cutting_groups_are_not_a_meters_class(code):
    with pytest.raises(UnknownNameError, match="cross-cutting group"):
        meter_class(code)


@pytest.mark.parametrize(
    ("text", "code", "unit"),
    [
        ("第一产业", "P1", "A01"),
        ("第二产业", "P2", "P2"),
        ("工业", "A02", "A02"),
        ("二、工业", "A02", "A02"),
        ("第三产业", "P3", "P3"),
        ("城乡居民生活用电", "B", "B"),
        ("城乡居民生活用电量", "B", "B"),
        ("城镇居民", "B1", "B1"),
        ("农村居民", "B2", "B2"),
        ("全社会", "ALL", "ALL"),
        ("全社会用电量", "ALL", "ALL"),
        ("黑色金属冶炼和压延加工业", "A02.2.19", "A02.2.19"),
        ("其中：充换电服务业", "A06.1", "A05-A11"),
        ("Urban residents", "B1", "B1"),
    ],
)
def test_names_people_write(text, code, unit):
    assert meter_class(text) == code
    assert modelled_as(code) == unit


def test_coverage_follows_the_tree_and_the_three_industries():
    everything = {s.code for s in model_sectors()}
    assert class_coverage("ALL") == everything
    assert class_coverage("A") == everything - {"B1", "B2"}
    assert class_coverage("B") == {"B1", "B2"}
    # the three industries partition all industries (A)
    parts = [class_coverage(p) for p in ("P1", "P2", "P3")]
    assert set().union(*parts) == class_coverage("A")
    assert sum(len(p) for p in parts) == len(class_coverage("A"))
    assert class_coverage("P2") == class_coverage("A02") | {"A03"}
    assert "A02.2.19" in class_coverage("A02") and "A02.3" in class_coverage("A02")


def test_an_unknown_class_names_the_closest():
    with pytest.raises(UnknownNameError) as error:
        meter_class("城乡居民生活")
    assert "B" in str(error.value) or "城乡居民" in str(error.value)


def test_aggregation_keeps_the_class_given(tmp_path):
    """Meters classed 第一产业, 工业, 第三产业, 城镇居民 and 乡村居民 (names, as a utility writes
    them) aggregate with their classes kept (as codes), and the county's ALL is their sum."""
    names = ["第一产业", "工业", "第三产业", "城镇居民", "乡村居民"]
    rows = [
        (meter, f"2024-01-{day:02d} 00:00", 10.0 * meter)
        for meter in range(1, 6)
        for day in range(1, 4)
    ]
    readings = write_readings(tmp_path / "r.parquet", rows)
    meters = pd.DataFrame({"meter_id": range(1, 6), "county": "140105", "industry": names})
    result = aggregate(readings, meters)
    month = result.month.set_index("industry")["kwh"]
    assert month.to_dict() == {"A02": 60.0, "B1": 120.0, "B2": 150.0, "P1": 30.0, "P3": 90.0}
    regions = result.regions.set_index(["level", "region", "industry"])["kwh"]
    assert regions[("county", "140105", "ALL")] == sum(month)
    assert regions[("province", "140000", "P3")] == 90.0


def test_bad_classes_are_refused_with_row_and_column(tmp_path):
    path = tmp_path / "meters.csv"
    path.write_text(
        "meter_id,county,industry\n1,140105,工业\n2,140105,钢铁\n3,140105,四大高载能行业\n",
        encoding="utf-8",
    )
    with pytest.raises(InputErrors) as error:
        read_meters(path)
    assert {(e.row, e.column) for e in error.value.errors} == {(3, "industry"), (4, "industry")}


def test_the_cli_exits_2_on_an_unknown_class(tmp_path):
    meters = tmp_path / "meters.csv"
    meters.write_text("meter_id,county,industry\n1,140105,钢铁\n", encoding="utf-8")
    readings = write_readings(tmp_path / "r.parquet", [(1, "2024-01-01 00:00", 1.0)])
    result = CliRunner().invoke(
        app,
        [
            "electricity",
            "aggregate",
            str(readings),
            "--meters",
            str(meters),
            "--out",
            str(tmp_path / "o"),
        ],
    )
    assert result.exit_code == 2, result.output
    assert "industry" in result.output
