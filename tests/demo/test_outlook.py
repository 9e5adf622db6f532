"""The 2026 outlook of the demo (demo/outlook.py): the months continue the history without
changing it, the cities' barometer mix holds on the assessment's own numbers, the planted series
are there, and GDP, product energy and reporting status have what the warning rules need."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from carbonctl.demo.electricity import SECTOR_PROCESS
from carbonctl.demo.outlook import (
    CITY_DESIGN,
    FAST_GROWTH,
    REPORTING_AS_OF,
    SPIKE,
    _benchmarks,
)
from carbonctl.warning import barometer_grade

MONTHS = [f"2026-{m:02d}" for m in range(1, 7)]
CITIES = sorted(CITY_DESIGN)


def city_month_growth(outlook, city: str, sector: str) -> pd.Series:
    """Month-on-same-month-last-year CO2 growth of a city sector: 2026 nowcast over the 2025
    months reconciled to the inventory (what the bulletins compare)."""

    def months(table):
        rows = table[
            (table["level"] == "city")
            & (table["region"] == city)
            & (table["sector"] == sector)
            & (table["kind"] == "month")
        ]
        return rows.set_index("month")["tco2"].rename(lambda m: m[5:])

    now = months(outlook.assessment.current)
    before = months(outlook.assessment.previous)
    return (now / before.reindex(now.index) - 1.0).rename(lambda m: f"2026-{m}")


def test_the_2026_months_exist_for_every_county_and_sector(demo_outlook, electricity_history):
    monthly = demo_outlook.history.monthly
    new = monthly[monthly["month"] >= "2026-01"]
    counties = electricity_history.counties["county"]
    assert sorted(new["month"].unique()) == MONTHS
    assert len(new) == len(counties) * len(SECTOR_PROCESS) * 6
    assert not new.duplicated(["county", "sector", "month"]).any()
    assert (new["kwh"] >= 0).all() and np.isfinite(new["kwh"]).all()
    # every county-month that generated in 2025 generates in 2026; every city product goes on
    generation = demo_outlook.history.generation
    had = set(generation.loc[generation["month"] == "2025-06", "county"])
    assert had <= set(generation.loc[generation["month"] == "2026-06", "county"])
    output = demo_outlook.history.output
    before = output[output["month"] == "2025-06"][["city", "product"]]
    after = output[output["month"] == "2026-06"][["city", "product"]]
    assert before.merge(after).shape[0] == len(before)
    assert demo_outlook.history.annual.equals(electricity_history.annual)  # no 2026 inventory


def test_the_history_to_2025_is_unchanged_by_the_extension(demo_outlook, electricity_history):
    extended = demo_outlook.history
    for name, column in (("monthly", "month"), ("generation", "month"), ("output", "month")):
        old = getattr(electricity_history, name)
        kept = getattr(extended, name)
        kept = kept[kept[column] <= "2025-12"].reset_index(drop=True)
        pd.testing.assert_frame_equal(kept, old.reset_index(drop=True), check_exact=True)


def test_demo_history_gives_what_it_gave_before_it_kept_its_state(electricity_history):
    """Sums of the 2015–2025 history as main built it before the generator exposed its state
    (the same draws in the same order)."""
    history = electricity_history
    assert history.monthly["kwh"].sum() == pytest.approx(2517251334407.7646, rel=1e-9)
    assert history.monthly["co2_true"].sum() == pytest.approx(6314226424.182332, rel=1e-9)
    assert history.generation["mwh"].sum() == pytest.approx(4391864341.023867, rel=1e-9)
    assert history.output["amount"].sum() == pytest.approx(2076049755.0212262, rel=1e-9)
    assert (len(history.monthly), len(history.generation), len(history.output)) == (
        216216,
        50292,
        5808,
    )


def test_the_city_barometer_mix_holds_on_the_assessment_numbers(demo_outlook):
    """I_2026 / I_2025 = (CO2 H1 2026 / CO2 H1 2025) / (GDP 2026 / GDP 2025), graded on the
    15th plan (base 2025, 17 %); CO2 from the assessment's nowcast and reconciled rows."""
    assessment = demo_outlook.assessment
    assert (assessment.year, assessment.through_year, assessment.months[-1]) == (
        2026,
        2025,
        "2026-06",
    )

    def ytd(table, month):
        rows = table[
            (table["level"] == "city")
            & (table["sector"] == "ALL")
            & (table["kind"] == "ytd")
            & (table["month"] == month)
        ]
        return rows.set_index("region")["tco2"]

    now, before = ytd(assessment.current, "2026-06"), ytd(assessment.previous, "2025-06")
    gdp = demo_outlook.gdp_2026.set_index("adcode")["gdp_constant"]
    gdp_2025 = pd.Series(
        {
            row["city"]: gdp[row["city"]] / (1 + row["gdp_growth"])
            for row in demo_outlook.meta["barometer"]
        }
    )
    levels, rose = {}, []
    for city in CITIES:
        ratio = (now[city] / before[city]) / (gdp[city] / gdp_2025[city])
        grade = barometer_grade(0.17, 2025, 2026, 1.0, 1.0, ratio)
        levels[city] = str(grade.level)
        if "rose" in grade.findings:
            rose.append(city)
    counts = pd.Series(levels).value_counts()
    assert counts["red"] >= 2 and counts["yellow"] >= 2 and counts["green"] >= 2
    assert levels == {city: level for city, (_p, level) in CITY_DESIGN.items()}
    assert rose == ["140800"]
    assert [row["level"] for row in demo_outlook.meta["barometer"]] == [levels[c] for c in CITIES]


def test_gdp_2025_of_the_meta_is_the_dataset_macro(demo_outlook, demo_dataset):
    macro = demo_dataset.macro[demo_dataset.macro["year"] == 2025].set_index("adcode")
    gdp = demo_outlook.gdp_2026.set_index("adcode")["gdp_constant"]
    for row in demo_outlook.meta["barometer"]:
        expected = macro.at[row["city"], "gdp_constant_2020_100m_yuan"]
        assert gdp[row["city"]] / (1 + row["gdp_growth"]) == pytest.approx(expected, rel=1e-12)


def test_planted_fast_growth_is_sustained_and_outgrows_output(demo_outlook):
    for (city, sector), (_multiplier, theta) in FAST_GROWTH.items():
        growth = city_month_growth(demo_outlook, city, sector)
        assert (growth[MONTHS[-4:]] > 0.15).all(), (city, sector, growth.round(3).tolist())
        if theta is not None:
            product = next(
                f["product"] for f in demo_outlook.meta["fast_growth"] if f["city"] == city
            )
            output = demo_outlook.history.output
            rows = output[(output["city"] == city) & (output["product"] == product)]
            amounts = rows.set_index("month")["amount"]
            h1 = sum(amounts[m] for m in MONTHS) / sum(amounts[f"2025{m[4:]}"] for m in MONTHS)
            assert h1 - 1.0 < growth.mean() - 0.10  # clearly less than CO2's growth
    names = {(f["city"], f["sector"]) for f in demo_outlook.meta["fast_growth"]}
    assert names == set(FAST_GROWTH)


def test_the_spike_is_one_month_only(demo_outlook):
    city, sector, month, _factor = SPIKE
    growth = city_month_growth(demo_outlook, city, sector)
    assert growth[month] > 0.3
    assert (growth.drop(month) < 0.15).all()
    assert demo_outlook.meta["spike"]["month"] == month


def test_gdp_2026_adds_up_and_is_a_projection(demo_outlook, demo_dataset):
    gdp = demo_outlook.gdp_2026
    regions = demo_dataset.regions.set_index("adcode")
    assert len(gdp) == len(regions) and (gdp["year"] == 2026).all()
    level = gdp["adcode"].map(regions["level"])
    parent = gdp["adcode"].map(regions["parent_adcode"])
    cities = gdp[level == "city"].set_index("adcode")["gdp_constant"]
    counties = gdp[level == "county"].groupby(parent[level == "county"])["gdp_constant"].sum()
    assert counties.reindex(cities.index).to_numpy() == pytest.approx(cities.to_numpy(), rel=1e-12)
    province = gdp.loc[level == "province", "gdp_constant"].iloc[0]
    assert province == pytest.approx(cities.sum(), rel=1e-12)
    growth = [row["gdp_growth"] for row in demo_outlook.meta["barometer"]]
    assert min(growth) >= 0.035 and max(growth) <= 0.065
    assert gdp["status"].str.contains("SYNTHETIC").all()
    assert gdp["status"].str.contains("projection").all()


def test_product_energy_matches_the_benchmarks_and_some_are_worse(demo_outlook):
    energy = demo_outlook.product_energy
    levels = _benchmarks()
    assert list(energy.columns[:8]) == [
        "enterprise",
        "credit_code",
        "year",
        "product",
        "output",
        "output_unit",
        "specific_energy",
        "unit",
    ]
    assert set(energy["product"]) <= set(levels.index)
    assert (energy["unit"] == energy["product"].map(levels["unit"])).all()
    assert (energy["year"] == 2025).all() and (energy["output"] > 0).all()
    baseline = energy["product"].map(levels["baseline"])
    benchmark = energy["product"].map(levels["benchmark"])
    worse = set(energy.loc[energy["specific_energy"] > baseline, "enterprise"])
    assert 5 <= len(worse) <= 25
    assert worse == set(demo_outlook.meta["product_energy"]["worse_than_baseline"])
    between = (energy["specific_energy"] >= benchmark) & (energy["specific_energy"] <= baseline)
    assert between.mean() > 0.7
    assert {"高炉工序", "转炉工序", "水泥熟料", "电解铝（铝液交流电耗）"} <= set(energy["product"])


def test_reporting_has_late_and_missing_reports(demo_outlook, demo_dataset):
    reporting = demo_outlook.reporting
    assert list(reporting.columns)[:5] == [
        "subject",
        "subject_kind",
        "period",
        "deadline",
        "received",
    ]
    table = demo_dataset.enterprises
    owner = dict(zip(table["credit_code"], table["adcode"], strict=True))
    enterprise_rows = reporting[reporting["subject_kind"] == "enterprise"]
    assert (enterprise_rows["region"] == enterprise_rows["subject"].map(owner)).all()
    counties = reporting[reporting["subject_kind"] == "county"]
    enterprises = reporting[reporting["subject_kind"] == "enterprise"]
    n_counties = (demo_dataset.regions["level"] == "county").sum()
    assert len(counties) == n_counties * 6 and len(enterprises) == len(demo_dataset.enterprises)
    assert set(counties["period"]) == set(MONTHS)
    june = counties[counties["period"] == "2026-06"]
    assert (june["deadline"] == dt.date(2026, 7, 15)).all()
    assert set(counties.loc[counties["period"] == "2026-01", "deadline"]) == {dt.date(2026, 2, 15)}
    assert (enterprises["deadline"] == dt.date(2026, 3, 31)).all()
    received = reporting["received"].dropna()
    assert (received <= REPORTING_AS_OF).all()
    missing = reporting[reporting["received"].isna()]
    assert 2 <= (missing["subject_kind"] == "county").sum() <= 3
    assert set(missing.loc[missing["subject_kind"] == "county", "period"]) == {"2026-06"}
    assert 2 <= (missing["subject_kind"] == "enterprise").sum() <= 4
    late = reporting[reporting["received"].notna()]
    late = late[late["received"] > late["deadline"]]
    assert 0 < len(late) < 0.1 * len(reporting)
    assert len(late) == len(demo_outlook.meta["reporting"]["late"])
