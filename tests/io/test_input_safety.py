"""Input that cannot hurt: control characters, numbers that are not finite, and amounts or
parameters beyond the platform's plausibility bounds (hard: error; soft: a warning)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from carbonctl import refdata
from carbonctl.accounting import account
from carbonctl.io import plausibility_warnings, read_activities, validate_activities

from .conftest import HEADER
from .test_streaming import _cells, _workbook


def _row(amount="10", unit="t", item="柴油", category="燃料燃烧", subject="示例企业"):
    return [subject, "2023", category, item, amount, unit]


@pytest.mark.parametrize(
    ("cell", "named"),
    [("示例\x00企业", "U+0000 (NUL)"), ("a\x1bb", "U+001B (ESC)"), ("x\x7f", "U+007F (DEL)")],
)
def test_control_characters_are_row_errors_naming_the_column(write_csv, errors_of, cell, named):
    path = write_csv([_row(), _row(subject=cell)])
    errors = errors_of(lambda: read_activities(path))
    (error,) = errors.errors
    assert (error.row, error.column) == (3, "subject")
    assert named in error.detail


def test_a_tab_is_allowed_and_control_characters_in_xlsx_and_extra_columns_are_not(
    write_xlsx, tmp_path, errors_of
):
    good = read_activities(write_xlsx({"s": [HEADER, _row(subject="示例\t企业")]}))
    assert good["subject"].tolist() == ["示例\t企业"]
    # Excel writes control characters as _x0001_ escapes; line breaks (Alt+Enter) as such
    strings: list[str] = []
    sheet = (
        _cells(1, [*HEADER, "备注"], strings)
        + _cells(2, [*_row(item="柴油_x0001_"), "ok"], strings)
        + _cells(3, [*_row(subject="第一行\n第二行"), "_x0002_"], strings)
    )
    path = _workbook(tmp_path / "control.xlsx", sheet, strings)
    errors = errors_of(lambda: read_activities(path, source="a.xlsx"))
    assert sorted((e.row, e.column) for e in errors.errors) == [
        (2, "item"),
        (3, "subject"),
        (3, "备注"),
    ]


@pytest.mark.parametrize("amount", ["nan", "inf", "-inf", "Infinity"])
def test_nan_and_inf_are_not_numbers(write_csv, errors_of, amount):
    errors = errors_of(lambda: read_activities(write_csv([_row(amount)])))
    (error,) = errors.errors
    assert error.column == "amount" and "not a number" in error.detail


def test_an_amount_too_large_for_a_float_is_an_error_not_infinity(write_csv, errors_of):
    errors = errors_of(lambda: read_activities(write_csv([_row("1e400"), _row("-1e400")])))
    assert [(e.row, e.column) for e in errors.errors] == [(2, "amount"), (3, "amount")]
    assert all("'1e400' is too large" in e.detail or "'-1e400'" in e.detail for e in errors.errors)


def test_infinite_numbers_in_an_in_memory_table_are_refused(errors_of):
    frame = pd.DataFrame([_row()], columns=HEADER).assign(amount=[np.inf], ncv=[np.inf])
    errors = errors_of(lambda: validate_activities(frame))
    assert sorted(e.column for e in errors.errors) == ["amount", "ncv"]
    assert all("inf is too large" in e.detail for e in errors.errors)


def test_1e300_t_of_diesel_is_beyond_the_hard_bound(write_csv, errors_of):
    errors = errors_of(lambda: read_activities(write_csv([_row("1e300"), _row("1e308")])))
    assert [e.row for e in errors.errors] == [2, 3]
    assert (
        "1e+300 t is 1e+300 t, above the plausibility limit of 1e+09 t" in errors.errors[0].detail
    )
    assert "plausibility_bounds" in errors.errors[0].expected


def test_bounds_apply_after_converting_the_unit(write_csv, errors_of):
    # 10万 万吨 = 1e9 t is at the bound; 10.1万 万吨 is over it; 9e8 kg is 9e5 t, fine
    rows = [_row("100000", "万吨"), _row("101000", "万吨"), _row("9e8", "kg")]
    errors = errors_of(lambda: read_activities(write_csv(rows)))
    (error,) = errors.errors
    assert error.row == 3
    assert "101000 万吨 is 1.01e+09 t, above the plausibility limit of 1e+09 t" in error.detail


def test_each_category_and_dimension_has_its_own_bound(write_csv, errors_of):
    rows = [
        _row("2e9", "万千瓦时", "电力", "购入电力"),  # 2e13 kWh > 1e13
        _row("9e8", "万千瓦时", "电力", "购入电力"),  # 9e12 kWh, fine
        _row("2e7", "万Nm3", "天然气"),  # 2e11 m3 > 1e11
        _row("2e11", "吉焦", "蒸汽", "购入热力"),  # 2e11 GJ > 1e11
    ]
    errors = errors_of(lambda: read_activities(write_csv(rows)))
    assert [e.row for e in errors.errors] == [2, 4, 5]
    assert "kWh" in errors.errors[0].detail and "m3" in errors.errors[1].detail


def test_measured_parameters_have_hard_bounds(write_csv, errors_of):
    header = [*HEADER, "ncv", "carbon_content"]
    rows = [[*_row(item="烟煤"), "1e7", ""], [*_row(item="烟煤"), "20", "2"]]
    errors = errors_of(lambda: read_activities(write_csv(rows, header=header)))
    assert [(e.row, e.column) for e in errors.errors] == [(2, "ncv"), (3, "carbon_content")]


def test_totals_stay_finite_at_the_largest_accepted_amounts(write_csv):
    rows = [_row("1e9", "t", "烟煤")] * 50 + [_row("1e13", "kWh", "电力", "购入电力")] * 50
    result = account(read_activities(write_csv(rows)))
    assert np.isfinite(result.total_tco2) and result.total_tco2 > 0


def test_soft_bounds_give_warnings_for_the_reviewer(write_csv):
    rows = [
        _row("2000", "万吨", "烟煤"),  # 2e7 t > soft 1e7 t
        _row("500", "万吨", "烟煤"),  # 5e6 t, usual
        _row("2e10", "kWh", "电力", "购入电力"),  # > soft 1e10 kWh
    ]
    warnings = plausibility_warnings(read_activities(write_csv(rows)))
    assert list(warnings.columns) == ["row_id", "column", "message"]
    assert warnings["row_id"].tolist() == [2, 4]
    assert set(warnings["column"]) == {"amount"}
    assert "2000 万吨 is 2e+07 t, above the usual largest 1e+07 t" in warnings["message"].iloc[0]
    assert "请复核" in warnings["message"].iloc[1]


def test_plausibility_warnings_of_a_table_without_any():
    table = validate_activities(pd.DataFrame([_row()], columns=HEADER))
    assert plausibility_warnings(table).empty


def test_the_bounds_table_is_a_labelled_platform_rule():
    bounds = refdata.plausibility_bounds("activities")
    amounts = {(b.category, b.dimension): b for b in bounds if b.column == "amount"}
    assert amounts[("combustion", "mass")].hard_max == 1e9
    assert amounts[("electricity", "energy")].base_unit == "kWh"
    assert all(b.soft_max is None or b.soft_max < b.hard_max for b in bounds)
    assert all(b.status.startswith("UNCONFIRMED (platform") for b in bounds)
