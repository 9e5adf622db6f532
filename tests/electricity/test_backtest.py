"""Rolling-origin backtest of the electricity–carbon nowcast on the synthetic demo history: the
report has the agreed shape, errors add up across levels as they must, and the model never sees
the truth it is scored against."""

from __future__ import annotations

import math

import numpy as np
import pytest

from carbonctl.electricity.backtest import LEVELS, backtest
from carbonctl.electricity.schema import model_sectors
from carbonctl.errors import InputError


@pytest.fixture(scope="module")
def history(electricity_history):
    return electricity_history


@pytest.fixture(scope="module")
def report(history):
    return backtest(history.inputs, history.truth)


def test_json_has_the_agreed_shape(report):
    result = report.to_json()
    assert set(result) == {"levels", "sectors", "months"}
    assert set(result["levels"]) == set(LEVELS)
    for figures in [*result["levels"].values(), *result["sectors"].values()]:
        assert set(figures) == {"mape", "bias"}
        assert all(isinstance(v, float) and math.isfinite(v) for v in figures.values())
    assert set(result["sectors"]) == {s.code for s in model_sectors()}
    assert result["months"] == 12 * len(range(2018, 2026))


def test_every_month_of_every_series_is_scored(report):
    errors = report.errors
    levels = report.levels.set_index("level")
    assert levels.at["province", "series"] == 1
    assert levels.at["city", "series"] == 11
    assert levels.at["county", "series"] == 117
    for level in LEVELS:
        assert levels.at[level, "estimates"] == levels.at[level, "series"] * report.months
    assert errors["month"].nunique() == report.months


def test_absolute_errors_add_up_from_county_sectors_to_the_province(report):
    """Estimates and truths are both sums of the county sectors, so for every month the
    province's absolute error is at most the cities' total, and so on down (|Σe| ≤ Σ|e|)."""
    errors = report.errors.assign(gap=lambda t: (t["estimate"] - t["truth"]).abs())
    whole = errors[(errors["sector"] == "ALL") | (errors["level"] == "county_sector")]
    by_level = whole.groupby(["month", "level"])["gap"].sum().unstack("level")
    tolerance = 1e-9 * whole.groupby("month")["truth"].max()
    assert (by_level["province"] <= by_level["city"] + tolerance).all()
    assert (by_level["city"] <= by_level["county"] + tolerance).all()
    assert (by_level["county"] <= by_level["county_sector"] + tolerance).all()


def test_demo_goal_province_and_city_accuracy(report):
    """The goal set for the demo data: monthly MAPE ≤ 3 % for the province, ≤ 6 % for cities."""
    levels = report.to_json()["levels"]
    assert levels["province"]["mape"] <= 3.0
    assert levels["city"]["mape"] <= 6.0


def test_intervals_hold_most_county_sector_truths(report):
    """The 90 % intervals are calibrated on the yearly inventories only; on the monthly truth of
    1,300-odd county sectors they should hold most values (not a coincidence of few series)."""
    coverage = report.levels.set_index("level").at["county_sector", "coverage"]
    assert 0.8 <= coverage <= 0.99


def test_the_model_never_sees_the_truth(history, report):
    """Scaling co2_true changes the truths scored against, never the estimates."""
    truth = history.truth
    again = backtest(history.inputs, truth.assign(tco2=truth["tco2"] * 1.5), years=[2025])
    mine = report.errors[report.errors["origin"] == 2024].reset_index(drop=True)
    np.testing.assert_array_equal(again.errors["estimate"], mine["estimate"])
    np.testing.assert_allclose(again.errors["truth"], 1.5 * mine["truth"], rtol=1e-12)


def test_markdown_report_lists_levels_and_sectors(report):
    text = report.to_markdown()
    assert text.startswith("# 电—碳快速评估回测")
    assert "## 各层级误差 Errors by level" in text
    for code in report.to_json()["sectors"]:
        assert f"| {code} |" in text
    assert "synthetic" in text


def test_years_without_an_inventory_before_them_are_refused(history):
    with pytest.raises(InputError, match="2014"):
        backtest(history.inputs, history.truth, years=[2015])
    with pytest.raises(InputError, match="no years"):
        backtest(history.inputs, history.truth, years=[])


def test_a_truth_table_without_its_columns_is_refused(history):
    with pytest.raises(InputError, match="tco2"):
        backtest(history.inputs, history.truth.drop(columns="tco2"), years=[2025])
