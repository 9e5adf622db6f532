"""Indicators and five-year schedule progress (时序进度): the published schedule table, the 17 %
target's annual rate, invariants (hypothesis), intensity tables, caps, targets and bad input."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carbonctl.errors import InputError, RefdataError
from carbonctl.indicators import (
    FiveYearTarget,
    ScheduleStatus,
    cap_use,
    cap_use_table,
    co2_intensity,
    completion_rate,
    cumulative_reduction,
    default_target,
    energy_intensity,
    five_year_target,
    indicator_table,
    load_targets,
    progress,
    remaining_required_rate,
    required_annual_rate,
    required_cumulative,
    required_cumulative_midyear,
    schedule_status,
    year_on_year_change,
)

DATA = Path(__file__).parent.parent / "data"
SCHEDULE = pd.read_csv(DATA / "progress_schedule.csv", dtype=str)

targets_r = st.floats(min_value=0.001, max_value=0.9, allow_nan=False)
indices = st.integers(min_value=0, max_value=5)


def _decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def _check_printed(value: float, text: str) -> None:
    assert round(value, _decimals(text)) == pytest.approx(float(text), abs=1e-12), (value, text)


# --- the published schedule (shared/refdata/policy/progress_schedule.csv) ----------------------


def _row_id(row: dict[str, str]) -> str:
    return f"{row['target']}-t{row['year_index']}"


@pytest.mark.parametrize("row", SCHEDULE.to_dict("records"), ids=_row_id)
def test_every_row_of_progress_schedule_is_reproduced(row: dict[str, str]) -> None:
    target_r, t = float(row["R_5yr"]), int(row["year_index"])
    _check_printed(required_annual_rate(target_r), row["required_annual_rate"])
    _check_printed(required_cumulative(target_r, t), row["required_cumulative_by_year_end"])
    _check_printed(required_cumulative_midyear(target_r, t), row["required_cumulative_by_midyear"])


def test_schedule_table_covers_four_targets_of_five_years() -> None:
    assert len(SCHEDULE) == 20
    assert SCHEDULE.groupby("target")["year_index"].apply(list).map(len).eq(5).all()


def test_17_percent_target_needs_3_658_percent_a_year() -> None:
    # Published: 15th plan CO2 intensity −17 % (targets.csv); "17% -> 3.66%" (policy_rules.md § 5).
    rate = required_annual_rate(0.17)
    assert rate == pytest.approx(1 - 0.83 ** (1 / 5), rel=1e-15)
    assert rate == pytest.approx(0.0365800871, abs=1e-10)
    assert f"{rate:.6f}" == "0.036580"
    assert (1 - rate) ** 5 == pytest.approx(0.83, rel=1e-14)


def test_chongqing_14_percent_compounds_to_2_97_percent_a_year() -> None:
    # Chongqing 14th plan: 14 % over five years => 2.97 %/yr (targets.csv, yx822.com).
    assert round(required_annual_rate(0.14) * 100, 2) == 2.97


def test_progress_returns_exactly_the_cli_json() -> None:
    result = progress(0.17, 2025, 2027, 0.08)
    assert list(result) == [
        "annual_required",
        "required_cumulative",
        "remaining_required",
        "completion_rate",
    ]
    assert result["annual_required"] == pytest.approx(0.036580087, abs=1e-9)
    assert result["required_cumulative"] == pytest.approx(0.071822, abs=5e-7)
    assert result["remaining_required"] == pytest.approx(1 - (0.83 / 0.92) ** (1 / 3))
    assert result["completion_rate"] == pytest.approx(0.08 / required_cumulative(0.17, 2))


def test_progress_without_achieved_gives_nulls() -> None:
    result = progress(0.17, 2025, 2028, None)
    assert result["remaining_required"] is None
    assert result["completion_rate"] is None
    assert result["required_cumulative"] == pytest.approx(0.105775, abs=5e-7)


def test_no_remaining_rate_in_the_last_year_and_no_completion_in_the_base_year() -> None:
    assert progress(0.17, 2025, 2030, 0.12)["remaining_required"] is None
    at_base = progress(0.17, 2025, 2025, 0.0)
    assert at_base["completion_rate"] is None
    assert at_base["required_cumulative"] == 0.0
    assert at_base["remaining_required"] == pytest.approx(required_annual_rate(0.17))


def test_target_already_exceeded_allows_intensity_to_rise() -> None:
    assert remaining_required_rate(0.17, 3, 0.20) < 0


def test_completion_rate_midyear_uses_the_midyear_schedule() -> None:
    assert completion_rate(0.17, 1, 0.01846, midyear=True) == pytest.approx(1.0, abs=1e-4)


@pytest.mark.parametrize(
    ("achieved", "status"),
    [
        (0.0720, ScheduleStatus.ON_TRACK),
        (0.0718, ScheduleStatus.ON_TRACK),
        (0.0730, ScheduleStatus.AHEAD),
        (0.0700, ScheduleStatus.BEHIND),
        (-0.01, ScheduleStatus.BEHIND),
    ],
)
def test_schedule_status_within_half_a_published_digit_is_on_track(
    achieved: float, status: ScheduleStatus
) -> None:
    # required by year 2 of a 17 % target: 0.071822
    assert schedule_status(0.17, 2, achieved) is status


def test_schedule_status_tolerance_is_configurable() -> None:
    assert schedule_status(0.17, 2, 0.0700, tolerance=0.005) is ScheduleStatus.ON_TRACK


# --- invariants ---------------------------------------------------------------------------------


@given(targets_r)
def test_required_cumulative_at_year_five_equals_target(target_r: float) -> None:
    assert required_cumulative(target_r, 5) == pytest.approx(target_r, rel=1e-12, abs=1e-15)


@given(targets_r, st.integers(min_value=1, max_value=4))
def test_meeting_the_schedule_exactly_gives_completion_one_and_the_annual_rate(
    target_r: float, t: int
) -> None:
    achieved = required_cumulative(target_r, t)
    assert completion_rate(target_r, t, achieved) == pytest.approx(1.0, rel=1e-12)
    assert remaining_required_rate(target_r, t, achieved) == pytest.approx(
        required_annual_rate(target_r), rel=1e-9, abs=1e-15
    )
    assert schedule_status(target_r, t, achieved) is ScheduleStatus.ON_TRACK


@given(targets_r, indices)
def test_required_cumulative_rises_with_time_and_stays_below_target(
    target_r: float, t: int
) -> None:
    now = required_cumulative(target_r, t)
    assert 0.0 <= now <= target_r * (1 + 1e-12)
    if t < 5:
        assert required_cumulative(target_r, t + 1) > now


@given(targets_r, st.integers(min_value=0, max_value=4), st.floats(-0.5, 0.95))
def test_remaining_rate_then_meets_the_target(target_r: float, t: int, achieved: float) -> None:
    rate = remaining_required_rate(target_r, t, achieved)
    assert rate is not None
    final = 1 - (1 - achieved) * (1 - rate) ** (5 - t)
    assert final == pytest.approx(target_r, rel=1e-9, abs=1e-12)


def _region_table(rng: np.random.Generator, years: range, regions: list[str]) -> pd.DataFrame:
    rows = [
        {
            "region": region,
            "year": year,
            "co2_tco2": float(rng.uniform(1e6, 5e8)),
            "energy_tce": float(rng.uniform(1e5, 2e8)),
            "gdp_constant": float(rng.uniform(1e2, 3e4)),  # 亿元
        }
        for region in regions
        for year in years
    ]
    return pd.DataFrame(rows)


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_intensity_is_invariant_to_the_gdp_unit(seed: int) -> None:
    table = _region_table(np.random.default_rng(seed), range(2025, 2029), ["140100", "140200"])
    in_wan = table.assign(gdp_constant=table["gdp_constant"] * 1e4)  # same GDP in 万元
    in_yuan = table.assign(gdp_constant=table["gdp_constant"] * 1e8)  # and in 元
    first = indicator_table(table, 2025, gdp_unit="亿元")
    for other, unit in ((in_wan, "万元"), (in_yuan, "元")):
        second = indicator_table(other, 2025, gdp_unit=unit)
        for column in ("co2_intensity", "energy_intensity"):
            for suffix in ("", "_change", "_reduction"):
                np.testing.assert_allclose(
                    first[column + suffix], second[column + suffix], rtol=1e-12, atol=1e-15
                )


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_cumulative_reduction_compounds_the_yearly_changes(seed: int) -> None:
    table = _region_table(np.random.default_rng(seed), range(2025, 2031), ["140000"])
    table = table.sample(frac=1.0, random_state=seed % 1000)  # order must not matter
    values = co2_intensity(table)
    change = year_on_year_change(table, values)
    reduction = cumulative_reduction(table, values, 2025)
    chained = (1 + change.reindex(table.sort_values("year").index)).iloc[1:].prod()
    last = table["year"].idxmax()
    assert reduction[last] == pytest.approx(1 - chained, rel=1e-9, abs=1e-12)


# --- intensity on a small worked table ----------------------------------------------------------


def test_intensity_table_by_hand() -> None:
    table = pd.DataFrame(
        {
            "region": ["140000", "140000", "140000", "140100"],
            "year": [2025, 2026, 2027, 2026],
            "co2_tco2": [100.0, 99.0, 96.0, 10.0],
            "energy_tce": [50.0, 50.0, 49.0, 5.0],
            "gdp_constant": [10.0, 11.0, 12.0, 2.0],  # 万元
        }
    )
    out = indicator_table(table, 2025)
    assert out["co2_intensity"].tolist() == pytest.approx([10.0, 9.0, 8.0, 5.0])
    assert out["co2_intensity_change"].iloc[1] == pytest.approx(-0.1)
    assert out["co2_intensity_change"].iloc[2] == pytest.approx(8 / 9 - 1)
    assert math.isnan(out["co2_intensity_change"].iloc[0])
    assert math.isnan(out["co2_intensity_change"].iloc[3])  # no 2025 row for 140100
    assert out["co2_intensity_reduction"].tolist()[:3] == pytest.approx([0.0, 0.1, 0.2])
    assert math.isnan(out["co2_intensity_reduction"].iloc[3])
    assert out["energy_intensity"].iloc[2] == pytest.approx(49 / 12)
    # per 亿元 instead of per 万元: 10^4 times larger, same reductions
    per_yi = co2_intensity(table, per="亿元")
    assert per_yi.iloc[0] == pytest.approx(10.0 * 1e4)


def test_intensity_rounded_like_the_statistical_bulletin() -> None:
    table = pd.DataFrame({"energy_tce": [1.0], "gdp_constant": [3.0]})
    assert energy_intensity(table, decimals=4).iloc[0] == 0.3333


# --- caps ---------------------------------------------------------------------------------------


def test_cap_use() -> None:
    use = cap_use(1000.0, 250.0)
    assert (use.remaining_tco2, use.share_used, use.exceeded) == (750.0, 0.25, False)
    assert cap_use(100.0, 120.0).exceeded


def test_cap_use_table_sums_the_plan_years() -> None:
    emissions = pd.DataFrame(
        {
            "region": ["140100", "140100", "140100", "140200"],
            "year": [2025, 2026, 2027, 2026],
            "co2_tco2": [999.0, 100.0, 200.0, 50.0],
        }
    )
    out = cap_use_table(emissions, {"140100": 1000.0, "140300": 10.0}, range(2026, 2031))
    first = out.set_index("region").loc["140100"]
    assert (first["used_tco2"], first["remaining_tco2"], first["share_used"]) == (300.0, 700.0, 0.3)
    assert first["years_reported"] == 2
    assert out.set_index("region").loc["140300", "used_tco2"] == 0.0


# --- targets ------------------------------------------------------------------------------------


def test_default_target_is_the_15th_plan_national_minus_17_percent() -> None:
    target = default_target()
    assert (target.region, target.plan, target.base_year) == ("100000", "15th FYP", 2025)
    assert target.intensity_reduction == pytest.approx(0.17)
    assert target.energy_intensity_reduction is None
    assert target.binding and target.status == "CONFIRMED"
    assert "tanpaifang.com" in target.source
    assert list(target.years) == [2026, 2027, 2028, 2029, 2030]
    assert target.progress(2026)["annual_required"] == pytest.approx(0.0365800871)


def test_packaged_targets_keep_source_and_status() -> None:
    rows = load_targets()
    assert rows["source"].str.len().gt(0).all()
    assert rows["status"].str.len().gt(0).all()


def test_shanxi_has_no_co2_target_in_the_reference_data_until_configured() -> None:
    with pytest.raises(RefdataError, match="intensity_reduction"):
        five_year_target("140000", "15th FYP")
    with pytest.raises(RefdataError, match="number not found"):
        five_year_target("140000", "14th FYP")
    shanxi = five_year_target("140000", "15th FYP", intensity_reduction=0.18, cap_tco2=6e8)
    assert shanxi.status.startswith("CONFIGURED")
    assert shanxi.cap_tco2 == 6e8


def test_shanxi_14th_plan_energy_target_is_14_5_percent() -> None:
    shanxi = five_year_target("140000", "14th FYP", intensity_reduction=0.18)
    assert shanxi.energy_intensity_reduction == pytest.approx(0.145)
    assert shanxi.energy_progress(2021)["annual_required"] == pytest.approx(0.030845, abs=5e-7)


def test_administrator_file_fills_in_shanxi(tmp_path: Path) -> None:
    extra = tmp_path / "shanxi.csv"
    extra.write_text(
        "region,plan,base_year,measure,value,unit,type,status,source\n"
        "140000,15th FYP,2025,co2_intensity,19,%,binding,CONFIRMED,晋政发 (test)\n",
        encoding="utf-8",
    )
    target = five_year_target("140000", "15th FYP", targets=load_targets(extra))
    assert target.intensity_reduction == pytest.approx(0.19)
    assert target.source == "晋政发 (test)"


def test_target_is_frozen() -> None:
    with pytest.raises(AttributeError):
        default_target().intensity_reduction = 0.2  # type: ignore[misc]


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize("year", [2024, 2031])
def test_year_outside_the_plan_is_an_input_error(year: int) -> None:
    with pytest.raises(InputError, match="outside the five-year plan"):
        progress(0.17, 2025, year, None)


@pytest.mark.parametrize("target_r", [0.0, 1.0, -0.1, 17.0, float("nan"), float("inf")])
def test_target_outside_zero_one_is_an_input_error(target_r: float) -> None:
    with pytest.raises(InputError, match=r"outside \(0, 1\)"):
        progress(target_r, 2025, 2026, None)


def test_percent_given_instead_of_fraction_gets_a_hint() -> None:
    with pytest.raises(InputError, match=r"0\.17, not 17"):
        progress(17, 2025, 2026, None)
    with pytest.raises(InputError, match="not below 1"):
        progress(0.17, 2025, 2026, 5.0)


def test_non_numbers_are_input_errors() -> None:
    with pytest.raises(InputError):
        progress("0.17", 2025, 2026, None)  # type: ignore[arg-type]
    with pytest.raises(InputError):
        progress(0.17, 2025, 2026.5, None)  # type: ignore[arg-type]


def test_bad_tables_are_located() -> None:
    table = pd.DataFrame(
        {
            "region": ["1", "1"],
            "year": [2025, 2026],
            "co2_tco2": [1.0, 1.0],
            "gdp_constant": [1.0, 0.0],
        }
    )
    with pytest.raises(InputError, match="row 3") as error:
        co2_intensity(table)
    assert error.value.column == "gdp_constant"
    with pytest.raises(InputError, match="gdp_constant"):
        co2_intensity(table.drop(columns="gdp_constant"))
    twice = table.assign(year=[2025, 2025], gdp_constant=[1.0, 1.0])
    with pytest.raises(InputError, match="twice"):
        indicator_table(twice, 2025)
    with pytest.raises(InputError, match="GDP unit"):
        co2_intensity(table.assign(gdp_constant=1.0), gdp_unit="美元")


def test_bad_target_values_are_input_errors() -> None:
    with pytest.raises(InputError):
        FiveYearTarget("140000", "15th FYP", 2025, 1.7, None, True, None, None, None, "x", "y")
    with pytest.raises(InputError):
        cap_use(0.0, 1.0)
    with pytest.raises(InputError):
        schedule_status(0.17, 1, 0.03, tolerance=-1.0)
