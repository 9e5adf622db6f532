"""The ``budget show`` record: the contract's keys and types, the region by adcode or name, the
ledger replayed for the year, the forecast of the current year (the latest with monthly data)
and the exhaustion date, and the years with nothing to forecast from."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from carbonctl.budget import BUDGET_SHOW_FIELDS, Ledger, budget_show
from carbonctl.errors import UnknownNameError

from .conftest import true_month

TAIYUAN = "140100"
T0 = datetime(2026, 1, 10, tzinfo=UTC)
CONTRACT = (
    "region",
    "year",
    "budget_tco2",
    "actual_tco2",
    "committed_tco2",
    "pipeline_tco2",
    "reserve_tco2",
    "headroom_tco2",
    "forecast_tco2",
    "forecast_lo",
    "forecast_hi",
    "exhaustion_date",
)
#: The noise-free 2026 emissions of the synthetic city, month by month.
MONTHS_2026 = [true_month(2026, m) for m in range(1, 13)]


def ledger(budget: float, *, committed: float = 0.0, reserve: float = 0.0) -> Ledger:
    common = {"region": TAIYUAN, "year": 2026, "author": "zhang", "time": T0}
    book = Ledger().record(kind="budget", amount=budget, source="rule:intensity-path", **common)
    book = book.record(
        kind="actual", amount=sum(MONTHS_2026[:6]), source="electricity:2026", **common
    )
    book = book.record(kind="committed", amount=committed, source="project:P-1", **common)
    book = book.record(kind="pipeline", amount=250_000.0, source="project:P-2", **common)
    return book.record(kind="reserve", amount=reserve, source="province:reserve", **common)


def test_the_record_has_the_contract_keys_and_json_types(make_series):
    record = budget_show(ledger(4e7), make_series(region=TAIYUAN, noise=0.0), TAIYUAN, 2026)
    assert tuple(record) == BUDGET_SHOW_FIELDS == CONTRACT
    assert record["region"] == TAIYUAN and record["year"] == 2026
    for key in CONTRACT[2:-1]:
        assert type(record[key]) is float, key
    assert json.loads(json.dumps(record)) == record


def test_the_budget_figures_are_the_ledger_state_and_headroom_keeps_the_identity(make_series):
    book = ledger(4e7, committed=1e6, reserve=5e5)
    record = budget_show(book, make_series(region=TAIYUAN), TAIYUAN, 2026)
    assert record["budget_tco2"] == 4e7
    assert record["actual_tco2"] == pytest.approx(sum(MONTHS_2026[:6]))
    assert (record["committed_tco2"], record["pipeline_tco2"], record["reserve_tco2"]) == (
        1e6,
        2.5e5,
        5e5,
    )
    assert record["headroom_tco2"] == pytest.approx(4e7 - record["actual_tco2"] - 1e6 - 5e5)


def test_the_region_may_be_named_in_chinese(make_series):
    series = make_series(region=TAIYUAN)
    by_name = budget_show(ledger(4e7), series, "太原市", 2026)
    assert by_name == budget_show(ledger(4e7), series, TAIYUAN, 2026)
    assert budget_show(ledger(4e7), series, "太原", 2026)["region"] == TAIYUAN


def test_an_unknown_six_digit_code_is_refused_not_widened_to_its_province():
    with pytest.raises(UnknownNameError, match="'140199'"):
        budget_show(Ledger(), None, "140199", 2026)


def test_the_forecast_covers_the_true_total_and_exhaustion_falls_in_october(make_series):
    committed, reserve = 1.5e6, 5e5
    limit = sum(MONTHS_2026[:9]) + MONTHS_2026[9] / 3  # a third of the way into October
    book = ledger(limit + committed + reserve, committed=committed, reserve=reserve)
    record = budget_show(book, make_series(region=TAIYUAN, noise=0.0), TAIYUAN, 2026)
    assert record["forecast_lo"] <= sum(MONTHS_2026) <= record["forecast_hi"]
    assert record["forecast_tco2"] == pytest.approx(sum(MONTHS_2026), rel=1e-9)
    assert record["exhaustion_date"] == "2026-10-11"


def test_a_budget_above_the_forecast_has_no_exhaustion_date(make_series):
    record = budget_show(ledger(sum(MONTHS_2026) * 1.2), make_series(region=TAIYUAN), TAIYUAN, 2026)
    assert record["forecast_hi"] < record["budget_tco2"]
    assert record["exhaustion_date"] is None


def test_only_the_regions_own_rows_are_forecast(make_series):
    own = make_series(region=TAIYUAN)
    other = make_series(region="140200", seed=7).assign(tco2=lambda f: f["tco2"] * 10)
    mixed = pd.concat([own, other], ignore_index=True)
    assert budget_show(ledger(4e7), mixed, TAIYUAN, 2026) == budget_show(
        ledger(4e7), own, TAIYUAN, 2026
    )


def test_a_past_year_is_its_monthly_total_and_a_later_year_has_no_forecast(make_series):
    series = make_series(months=6, region=TAIYUAN)
    past = budget_show(Ledger(), series, TAIYUAN, 2025)
    total_2025 = float(series.loc[series["year"] == 2025, "tco2"].sum())
    assert past["forecast_tco2"] == past["forecast_lo"] == past["forecast_hi"]
    assert past["forecast_tco2"] == pytest.approx(total_2025)
    assert past["exhaustion_date"] is None  # no budget recorded for 2025
    later = budget_show(Ledger(), series, TAIYUAN, 2027)
    assert later["forecast_tco2"] is later["forecast_lo"] is later["exhaustion_date"] is None


def test_without_monthly_data_only_the_ledger_is_shown():
    record = budget_show(ledger(4e7), None, TAIYUAN, 2026)
    assert record["budget_tco2"] == 4e7
    assert record["forecast_tco2"] is None and record["exhaustion_date"] is None


def test_as_of_replays_the_ledger_as_it_stood(make_series):
    book = ledger(4e7).record(
        region=TAIYUAN,
        year=2026,
        kind="adjustment",
        amount=-2e6,
        reason_code="gdp_revision",
        reason="2026 GDP revised down",
        author="zhang",
        approver="li",
        time=T0 + timedelta(days=90),
    )
    series = make_series(region=TAIYUAN)
    before = budget_show(book, series, TAIYUAN, 2026, as_of=T0 + timedelta(days=1))
    after = budget_show(book, series, TAIYUAN, 2026)
    assert (before["budget_tco2"], after["budget_tco2"]) == (4e7, 3.8e7)
    assert after["headroom_tco2"] == pytest.approx(before["headroom_tco2"] - 2e6)
