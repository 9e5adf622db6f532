"""The synthetic meter-data generator: a plan, meters, readings with counted anomalies, dispatch.

The rules tested are the module's promises: clean readings add up to the plan, anomaly counts in
the manifest are what the files hold, the calendar shows in the data, and bad arguments fail early.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from carbonctl.demo import meters as synth
from carbonctl.demo.meters import profiles
from carbonctl.electricity import calendar, schema
from carbonctl.errors import InputError, UnknownNameError

COUNTIES = ["140105", "140522", "140181"]  # 小店区 (a city district), 阳城县, 古交市
START, END = "2024-01-01", "2024-03-31"  # holds the 2024 Spring Festival (10 February)
SEED = 7
DIRTY = synth.AnomalyRates(
    outage=0.05, outage_zero_share=0.5, missing=0.01, duplicate=0.01, spike=0.005, negative=0.003
)


def read_readings(root: Path) -> pd.DataFrame:
    """All readings under ``root`` with the partition folder as ``folder``, in file order."""
    frames = []
    for path in sorted(root.glob("month=*/part-*.parquet")):
        frame = pq.read_table(path).to_pandas()
        frames.append(frame.assign(folder=path.parent.name.removeprefix("month=")))
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def plan() -> pd.DataFrame:
    return synth.default_targets(COUNTIES, START, END, seed=SEED)


@pytest.fixture(scope="module")
def meters(plan: pd.DataFrame) -> pd.DataFrame:
    return synth.synth_meters(plan, meters_per_cell=6, seed=SEED, replacement_rate=0.05)


@pytest.fixture(scope="module")
def clean(plan, meters, tmp_path_factory) -> tuple[synth.SynthManifest, pd.DataFrame]:
    root = tmp_path_factory.mktemp("clean") / "readings"
    manifest = synth.write_readings(
        meters, plan, root, start=START, end=END, anomalies=synth.AnomalyRates.none(), seed=SEED
    )
    return manifest, read_readings(root)


@pytest.fixture(scope="module")
def dirty(plan, meters, tmp_path_factory) -> tuple[synth.SynthManifest, pd.DataFrame]:
    root = tmp_path_factory.mktemp("dirty") / "readings"
    manifest = synth.write_readings(
        meters, plan, root, start=START, end=END, anomalies=DIRTY, seed=SEED
    )
    return manifest, read_readings(root)


def daily_by_industry(readings: pd.DataFrame, meters: pd.DataFrame) -> pd.DataFrame:
    joined = readings.merge(meters[["meter_id", "industry"]], on="meter_id")
    return joined.groupby(["industry", "ts"], as_index=False)["kwh"].sum()


# --- the default plan ---------------------------------------------------------------------------


def test_default_plan_covers_every_model_sector_in_every_county_and_month(plan):
    assert list(plan.columns) == ["county", "industry", "month", "kwh"]
    assert sorted(plan["month"].unique()) == ["2024-01", "2024-02", "2024-03"]
    cells = plan.groupby("county")["industry"].nunique()
    assert (cells == len(synth.DEFAULT_PLAN)).all()
    sectors = {schema.model_sector_of(code) for code in plan["industry"]}
    assert sectors == {s.code for s in schema.model_sectors()}
    assert (plan["kwh"] > 0).all()
    assert not plan.duplicated(["county", "industry", "month"]).any()


def test_city_districts_are_more_residential_than_counties():
    codes = synth.county_codes()
    plan = synth.default_targets(codes, "2024-05-01", "2024-05-31", seed=SEED)
    share = plan.pivot_table(index="county", columns="industry", values="kwh", aggfunc="sum")
    share = share.div(share.sum(axis=1), axis=0)
    names = profiles._counties()
    district = np.array([names[code].endswith("区") for code in share.index])
    assert share.loc[district, "B1"].mean() > 1.5 * share.loc[~district, "B1"].mean()
    assert share.loc[district, "B2"].mean() < share.loc[~district, "B2"].mean()
    assert share["A02.2.19"].std() > 0.02  # steel sits in some counties, not all


def test_a_county_plan_depends_on_the_seed_and_its_own_code_only(plan):
    again = synth.default_targets(COUNTIES, START, END, seed=SEED)
    pd.testing.assert_frame_equal(plan, again)
    alone = synth.default_targets(COUNTIES[1:2], START, END, seed=SEED)
    subset = plan[plan["county"] == COUNTIES[1]].reset_index(drop=True)
    pd.testing.assert_frame_equal(alone, subset)
    other = synth.default_targets(COUNTIES, START, END, seed=SEED + 1)
    assert not np.allclose(other["kwh"], plan["kwh"])


def test_a_month_cut_by_the_span_gets_only_its_days(plan):
    late = synth.default_targets(COUNTIES, "2024-01-16", END, seed=SEED)
    key = ["county", "industry", "month"]
    both = late.merge(plan, on=key, suffixes=("_cut", "_full"))
    steel_january = both[(both["industry"] == "A02.2.19") & (both["month"] == "2024-01")]
    ratio = steel_january["kwh_cut"] / steel_january["kwh_full"]
    assert np.allclose(ratio, 16 / 31, atol=0.01)  # steel has no weekly rhythm


def test_plan_shows_winter_heating_and_the_cement_winter_pause():
    plan = synth.default_targets(["140429"], "2024-01-01", "2024-06-30", seed=SEED)
    days = {"2024-01": 31, "2024-05": 31}
    per_day = plan[plan["month"].isin(days)].assign(kwh=lambda t: t["kwh"] / t["month"].map(days))
    level = per_day.pivot_table(index="industry", columns="month", values="kwh")
    assert level.loc["B2", "2024-01"] > 1.2 * level.loc["B2", "2024-05"]  # rural electric heating
    assert level.loc["A02.2.18", "2024-01"] < 0.8 * level.loc["A02.2.18", "2024-05"]  # 错峰生产


# --- meters -------------------------------------------------------------------------------------


def test_meters_have_unique_ids_and_the_documented_columns(plan, meters):
    assert list(meters.columns) == [
        "meter_id", "county", "industry", "voltage", "capacity_kva", "installed", "removed",
    ]  # fmt: skip
    assert meters["meter_id"].dtype == np.int64
    assert meters["meter_id"].is_unique and meters["meter_id"].is_monotonic_increasing
    assert meters["installed"].dtype.kind == "M" and meters["removed"].dtype.kind == "M"
    assert set(meters["voltage"]) <= {name for name, _ in synth.VOLTAGE_LEVELS}
    assert (meters["meter_id"] // profiles.SERIALS_PER_COUNTY).astype(str).equals(meters["county"])
    originals = meters[meters["installed"] < pd.Timestamp(START)]
    per_cell = originals.groupby(["county", "industry"]).size()
    assert len(per_cell) == len(plan.groupby(["county", "industry"])) and (per_cell == 6).all()


def test_meter_sizes_are_heavy_tailed_and_big_meters_sit_at_high_voltage(plan):
    meters = synth.synth_meters(plan, meters_per_cell=40, seed=SEED, replacement_rate=0.0)
    top_share = meters.groupby(["county", "industry"])["capacity_kva"].agg(
        lambda kva: kva.max() / kva.sum()
    )
    steel = top_share.xs("A02.2.19", level="industry")
    residents = top_share.xs("B1", level="industry")
    assert steel.median() > 2 * residents.median()
    rank = {name: i for i, (name, _) in enumerate(synth.VOLTAGE_LEVELS)}
    level = meters["voltage"].map(rank)
    assert level[meters["industry"] == "A02.2.19"].mean() > level[meters["industry"] == "B1"].mean()
    for _, group in meters.assign(level=level).groupby("industry"):
        ordered = group.sort_values("capacity_kva")["level"]
        assert ordered.is_monotonic_increasing  # a bigger meter never has a lower voltage


def test_n_meters_counts_metering_points_with_more_of_them_for_households(plan):
    meters = synth.synth_meters(plan, n_meters=1000, seed=SEED, replacement_rate=0.0)
    assert len(meters) == 1000
    per_industry = meters.groupby("industry").size()
    assert per_industry["B1"] > 3 * per_industry["A02.2.20"]
    assert meters.groupby(["county", "industry"]).size().min() >= 1


def test_a_replaced_meter_hands_over_to_a_successor_the_next_day(meters):
    removed = meters[meters["removed"].notna()]
    assert 3 <= len(removed) <= 40  # 5 % of 288 meters
    successors = meters[meters["installed"] >= pd.Timestamp(START)]
    assert len(successors) == len(removed)
    pairs = removed.merge(successors, on=["county", "industry", "voltage", "capacity_kva"])
    pairs = pairs[pairs["installed_y"] == pairs["removed_x"] + pd.Timedelta(days=1)]
    assert len(pairs) == len(removed)
    assert pairs["meter_id_y"].is_unique and pairs["removed_y"].isna().all()


def test_readings_stay_inside_each_meter_span_and_replacements_do_not_overlap(meters, clean):
    _, readings = clean
    spans = (
        readings.groupby("meter_id")["ts"].agg(["min", "max"]).join(meters.set_index("meter_id"))
    )
    assert (spans["min"] >= spans["installed"].clip(lower=pd.Timestamp(START))).all()
    ended = spans[spans["removed"].notna()]
    assert (ended["max"] <= ended["removed"]).all()
    successors = spans[spans["installed"] >= pd.Timestamp(START)]
    for _, new in successors.iterrows():
        old = ended[(ended["county"] == new["county"]) & (ended["industry"] == new["industry"])]
        old = old[old["removed"] + pd.Timedelta(days=1) == new["installed"]]
        assert len(old) >= 1 and (old["max"] < new["min"]).all()
        assert new["min"] == new["installed"]


# --- readings: files, sums and determinism ------------------------------------------------------


def test_parts_are_partitioned_by_month_with_the_reading_schema(clean):
    manifest, readings = clean
    on_disk = sorted(manifest.out_dir.glob("**/*.parquet"))
    assert sorted(manifest.files) == on_disk and len(on_disk) == 3
    for path in on_disk:
        assert re.fullmatch(r"month=\d{4}-\d{2}", path.parent.name)
        assert re.fullmatch(r"part-\d{5}\.parquet", path.name)
        assert pq.read_schema(path).equals(synth.READING_SCHEMA)
        assert pq.read_schema(path).field("ts").type.tz is None  # naive Beijing wall-clock
    assert (readings["ts"].dt.strftime("%Y-%m") == readings["folder"]).all()
    assert (readings["ts"] == readings["ts"].dt.normalize()).all()
    assert not readings.duplicated(["meter_id", "ts"]).any()


def test_clean_readings_add_up_to_the_plan(plan, meters, clean):
    manifest, readings = clean
    joined = readings.merge(meters[["meter_id", "county", "industry"]], on="meter_id")
    got = joined.groupby(["county", "industry", "folder"])["kwh"].sum()
    want = plan.set_index(["county", "industry", "month"])["kwh"]
    got.index.names = want.index.names
    assert np.allclose(got.reindex(want.index), want, rtol=1e-9)
    assert manifest.clean_kwh == pytest.approx(plan["kwh"].sum(), rel=1e-9)
    assert (readings["kwh"] > 0).all()
    assert manifest.rows == manifest.clean_rows == len(readings)


def test_same_seed_writes_the_same_files_and_another_seed_does_not(plan, meters, clean, tmp_path):
    manifest, _ = clean
    again = synth.write_readings(
        meters, plan, tmp_path / "a", start=START, end=END, anomalies=synth.AnomalyRates.none(),
        seed=SEED,
    )  # fmt: skip
    for first, second in zip(manifest.files, again.files, strict=True):
        assert pq.read_table(first).equals(pq.read_table(second))
    other = synth.write_readings(
        meters, plan, tmp_path / "b", start=START, end=END, anomalies=synth.AnomalyRates.none(),
        seed=SEED + 1,
    )  # fmt: skip
    assert not pq.read_table(other.files[0]).equals(pq.read_table(manifest.files[0]))
    pd.testing.assert_frame_equal(
        meters, synth.synth_meters(plan, meters_per_cell=6, seed=SEED, replacement_rate=0.05)
    )


def test_big_months_are_split_into_parts_and_progress_is_reported(plan, meters, tmp_path):
    calls: list[tuple[int, int]] = []
    manifest = synth.write_readings(
        meters, plan, tmp_path / "r", start=START, end=END, anomalies=synth.AnomalyRates.none(),
        seed=SEED, rows_per_file=1_000, progress=lambda done, total: calls.append((done, total)),
    )  # fmt: skip
    per_month = pd.Series([path.parent.name for path in manifest.files]).value_counts()
    assert (per_month >= 5).all()
    sizes = [pq.read_metadata(path).num_rows for path in manifest.files]
    assert max(sizes) <= 1_000 + 31 and sum(sizes) == manifest.clean_rows
    assert len(calls) == len(manifest.files)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert calls[-1] == (manifest.clean_rows, manifest.clean_rows)


# --- anomalies ----------------------------------------------------------------------------------


def test_manifest_counts_are_what_the_files_hold(clean, dirty):
    manifest, readings = dirty
    _, truth = clean
    counts = manifest.to_dict()
    for name in ("outages", "outage_zero_rows", "outage_missing_rows", "missing_rows",
                 "duplicate_rows", "spike_rows", "negative_rows", "replacements"):  # fmt: skip
        assert counts[name] > 0, name
    assert len(readings) == manifest.rows
    assert manifest.rows == (
        manifest.clean_rows - manifest.outage_missing_rows - manifest.missing_rows
        + manifest.duplicate_rows
    )  # fmt: skip
    assert readings.duplicated().sum() == manifest.duplicate_rows
    assert (readings["kwh"] < 0).sum() == manifest.negative_rows
    assert (readings["kwh"] == 0).sum() == manifest.outage_zero_rows
    once = readings.drop_duplicates()
    both = truth.merge(once, on=["meter_id", "ts"], how="left", suffixes=("", "_dirty"))
    assert both["kwh_dirty"].isna().sum() == manifest.missing_rows + manifest.outage_missing_rows
    ratio = both["kwh_dirty"] / both["kwh"]
    assert ratio.between(*profiles.SPIKE_FACTOR).sum() == manifest.spike_rows
    untouched = ratio.notna() & ~ratio.between(*profiles.SPIKE_FACTOR) & (ratio > 0)
    assert (ratio[untouched] == 1.0).all()  # anomalies never change the clean values


def test_outages_last_a_few_whole_days(dirty):
    _, readings = dirty
    zero = readings[readings["kwh"] == 0].sort_values(["meter_id", "ts"])
    day = zero["ts"].dt.normalize()
    new_run = (zero["meter_id"].diff() != 0) | (day.diff() != pd.Timedelta(days=1))
    runs = new_run.cumsum().value_counts()
    assert runs.max() <= profiles.OUTAGE_DAYS[1]


def test_anomaly_rates_outside_zero_to_one_are_refused():
    with pytest.raises(InputError, match=r"spike=1\.5"):
        synth.AnomalyRates(spike=1.5)
    with pytest.raises(InputError, match="add up"):
        synth.AnomalyRates(missing=0.6, duplicate=0.6)


# --- the calendar in the readings ---------------------------------------------------------------


def test_spring_festival_dip_shows_in_light_industry_not_in_steel(meters, clean):
    _, readings = clean
    daily = daily_by_industry(readings, meters).set_index("ts")
    day0 = calendar.spring_festival(2024)
    first, _ = calendar.holiday_days(2024)
    core = slice(pd.Timestamp(day0 - dt.timedelta(days=2)), pd.Timestamp(day0 + dt.timedelta(7)))
    before = slice(pd.Timestamp(first - dt.timedelta(days=21)), pd.Timestamp(first))

    def dip(industry: str) -> float:
        series = daily[daily["industry"] == industry]["kwh"]
        return series[core].mean() / series[before].mean()

    assert dip("A02.2.01") < 0.7  # 农副食品加工业 stops for the holiday
    assert dip("A03") < 0.5  # building sites close
    assert dip("A02.2.19") > 0.9  # blast furnaces keep running


def test_commerce_dips_at_weekends_and_steel_does_not(meters, clean):
    _, readings = clean
    daily = daily_by_industry(readings, meters)
    march = daily[daily["ts"] >= "2024-03-01"]
    weekend = march["ts"].dt.day_of_week >= 5

    def ratio(industry: str) -> float:
        mine = march["industry"] == industry
        return march[mine & weekend]["kwh"].mean() / march[mine & ~weekend]["kwh"].mean()

    assert ratio("A06") < 0.92
    assert ratio("A11") < 0.8
    assert 0.97 < ratio("A02.2.19") < 1.03


def test_quarter_hour_readings_follow_the_load_shapes_and_the_plan(tmp_path):
    plan = synth.default_targets(["140429"], "2024-03-01", "2024-03-31", seed=SEED)
    meters = synth.synth_meters(plan, meters_per_cell=2, seed=SEED, replacement_rate=0.0)
    manifest = synth.write_readings(
        meters, plan, tmp_path / "q", start="2024-03-01", end="2024-03-31", freq="15min",
        anomalies=synth.AnomalyRates.none(), seed=SEED,
    )  # fmt: skip
    readings = read_readings(tmp_path / "q").merge(meters[["meter_id", "industry"]])
    assert manifest.clean_rows == len(meters) * 31 * 96 == len(readings)
    assert set(readings["ts"].dt.minute) == {0, 15, 30, 45}
    got = readings.groupby("industry")["kwh"].sum()
    assert np.allclose(got, plan.set_index("industry")["kwh"].reindex(got.index), rtol=1e-9)

    def evening_over_night(industry: str) -> float:
        mine = readings[readings["industry"] == industry]
        hour = mine["ts"].dt.hour
        return mine[hour.between(19, 21)]["kwh"].mean() / mine[hour.between(2, 4)]["kwh"].mean()

    assert evening_over_night("B1") > 1.5  # households light and cook in the evening
    assert 0.9 < evening_over_night("A02.2.20") < 1.15  # aluminium pots run flat


# --- bad arguments ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: synth.default_targets(["149999"], START, END), UnknownNameError, "county"),
        (lambda: synth.default_targets(COUNTIES, END, START), InputError, "before start"),
        (lambda: synth.default_targets(COUNTIES, "2024-02-30", END), InputError, "not a date"),
        (lambda: synth.default_targets(COUNTIES, "2010-01-01", END), InputError, "Spring"),
        (lambda: synth.default_targets([], START, END), InputError, "no counties"),
        (lambda: synth.default_targets(COUNTIES, START, END, seed=-1), InputError, "seed"),
        (lambda: synth.synth_dispatch(["14010"], START, END), UnknownNameError, "140105"),
    ],
)
def test_bad_plan_arguments_fail_with_a_clear_message(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_bad_targets_fail_with_a_clear_message(plan):
    unknown = plan.assign(industry=plan["industry"].replace({"A03": "A99"}))
    with pytest.raises(UnknownNameError, match="electricity-use class 'A99'"):
        synth.synth_meters(unknown)
    aggregate = plan.assign(industry=plan["industry"].replace({"A03": "A02"}))
    with pytest.raises(UnknownNameError, match="aggregate"):
        synth.synth_meters(aggregate)
    twice = pd.concat([plan, plan.iloc[:1]])
    with pytest.raises(InputError, match="twice"):
        synth.synth_meters(twice)
    bad_month = plan.copy()
    bad_month.loc[1, "month"] = "2024-1"
    with pytest.raises(InputError, match="row 3, column 'month'"):
        synth.synth_meters(bad_month)
    with pytest.raises(InputError, match="not both"):
        synth.synth_meters(plan, meters_per_cell=2, n_meters=500)
    with pytest.raises(InputError, match="below the"):
        synth.synth_meters(plan, n_meters=10)


def test_bad_reading_arguments_fail_with_a_clear_message(plan, meters, tmp_path):
    def write(**changes):
        args = dict(start=START, end=END, anomalies=synth.AnomalyRates.none())
        targets = changes.pop("targets", plan)
        out = changes.pop("out", tmp_path / "new")
        return synth.write_readings(meters, targets, out, **{**args, **changes})

    with pytest.raises(InputError, match="frequency 'H'"):
        write(freq="H")
    with pytest.raises(InputError, match=r"no kwh for .* 2024-03"):
        write(targets=plan[plan["month"] != "2024-03"])
    with pytest.raises(InputError, match="before start"):
        write(start=END, end=START)
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x.txt").write_text("taken")
    with pytest.raises(InputError, match="not an empty folder"):
        write(out=tmp_path / "full")
    with pytest.raises(UnknownNameError, match="county"):
        synth.write_readings(
            meters.assign(county="999999"), plan, tmp_path / "c", start=START, end=END
        )


# --- dispatch -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dispatch() -> tuple[pd.DataFrame, pd.DataFrame]:
    counties = synth.county_codes()[:30]
    return (
        synth.synth_units(counties, seed=SEED),
        synth.synth_dispatch(counties, "2023-01-01", "2023-12-31", seed=SEED),
    )


def test_dispatch_has_the_schema_columns_and_hourly_rows(dispatch):
    units, frame = dispatch
    assert list(frame.columns) == list(schema.DISPATCH_COLUMNS)
    assert frame["hour"].dtype == "datetime64[us]"
    assert set(frame["fuel"]) <= set(schema.DISPATCH_FUELS)
    assert (frame.groupby("unit_id").size() == 365 * 24).all()
    assert set(frame["unit_id"]) == set(units["unit_id"])
    first_units = units.groupby("county").head(1)
    assert set(first_units["fuel"]) <= schema.THERMAL_FUELS


def test_dispatch_stays_within_capacity_with_plausible_capacity_factors(dispatch):
    units, frame = dispatch
    capacity = frame["unit_id"].map(units.set_index("unit_id")["capacity_mw"])
    assert (frame["mwh"] >= 0).all() and (frame["mwh"] <= capacity + 1e-9).all()
    factor = (frame["mwh"] / capacity).groupby(frame["fuel"]).mean()
    assert 0.4 < factor["coal"] < 0.65
    assert 0.15 < factor["wind"] < 0.35
    assert 0.1 < factor["solar"] < 0.2
    share = frame.groupby("fuel")["mwh"].sum()
    assert share.idxmax() == "coal" and share["coal"] > 0.5 * share.sum()


def test_solar_follows_daylight(dispatch):
    _, frame = dispatch
    solar = frame[frame["fuel"] == "solar"]
    hour = solar["hour"].dt.hour
    assert (solar.loc[(hour <= 4) | (hour >= 21), "mwh"] == 0).all()
    noon = solar[hour == 12]
    assert (noon["mwh"] > 0).mean() > 0.99
    june = solar[solar["hour"].dt.month == 6]
    assert june["mwh"].mean() > solar[solar["hour"].dt.month == 12]["mwh"].mean()


def test_dispatch_is_deterministic_and_round_trips_through_parquet(dispatch, tmp_path):
    units, _ = dispatch
    counties = sorted(units["county"].unique())[:3]
    small = synth.synth_dispatch(counties, "2023-06-01", "2023-06-07", seed=SEED)
    pd.testing.assert_frame_equal(
        small, synth.synth_dispatch(counties, "2023-06-01", "2023-06-07", seed=SEED)
    )
    path = synth.write_dispatch(small, tmp_path / "dispatch" / "d.parquet")
    table = pq.read_table(path)
    assert table.schema.equals(synth.DISPATCH_SCHEMA)
    pd.testing.assert_frame_equal(table.to_pandas(), small)
    with pytest.raises(UnknownNameError, match="dispatch fuel 'nuclear'"):
        synth.write_dispatch(small.assign(fuel="nuclear"), tmp_path / "bad.parquet")


def test_daily_generation_spreads_each_month_without_piling_it_onto_a_few_days(
    tmp_path, electricity_history
):
    """The monthly totals have no outages, so no day of a coal unit's county × month may carry
    more than a few days' even share (a unit's maintenance outage in the hourly dispatch once piled
    a month's generation onto the days it ran: the December 2025 jump on the platform)."""
    from carbonctl.demo.meters import daily_generation

    days = daily_generation(
        electricity_history.generation, "2025-10-01", "2025-12-31", seed=7, folder=tmp_path
    )
    days["month"] = pd.to_datetime(days["day"]).dt.strftime("%Y-%m")
    coal = days[days["fuel"].isin(["coal", "coal_gangue"])]  # base load (wind and sun vary)
    share = coal["mwh"] / coal.groupby(["county", "fuel", "month"])["mwh"].transform("sum")
    assert share.max() < 3 / 30
    total = coal.groupby("day")["mwh"].sum()
    assert (total / total.shift(1) - 1).abs().max() < 0.25
