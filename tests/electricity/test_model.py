"""The electricity–carbon model (电碳模型): it recovers a known generating process, its nowcast rows
add up from county to city to province, intervals hold the estimate, and bad input is refused."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from carbonctl.electricity.model import (
    ALL_SECTORS,
    ModelInputs,
    daily_estimates,
    fit,
    model_inputs,
    nowcast,
    nowcasts,
)
from carbonctl.errors import CarbonctlError, InputError, UnknownNameError

COUNTIES = {
    "140105": "140100",
    "140106": "140100",
    "140107": "140100",
    "140108": "140100",
    "140212": "140200",
    "140213": "140200",
    "140214": "140200",
    "140215": "140200",
}
YEARS = range(2015, 2024)
#: The process the small generator follows: trend a and driver elasticity c per sector.
TRUE = {
    "A04": {"a": -0.03, "c": 0.0},
    "A02.2.19": {"a": -0.015, "c": 0.7},
    "A02.3": {"a": -0.01, "c": 1.0},
}
NOISE = 0.002  # sd of the monthly log noise of the coefficient


def small_history(seed: int = 7) -> tuple[ModelInputs, pd.DataFrame]:
    """The inputs and the monthly CO2 truth (county, sector, month, co2) of eight counties in
    two cities, 2015–2023: transport (trend only), steel (driver: crude steel per kWh of the
    city) and power (driver: thermal share), with log k = log k0 + a·t + c·x + ε and the CO2
    inventory as the sum of the months."""
    rng = np.random.default_rng(seed)
    months = [f"{y}-{m:02d}" for y in YEARS for m in range(1, 13)]
    t = np.repeat(np.arange(len(YEARS)), 12)
    season = np.tile(1 + 0.2 * np.cos(2 * np.pi * np.arange(12) / 12), len(YEARS))
    cities = sorted(set(COUNTIES.values()))
    anomaly = {c: np.repeat(rng.normal(0, 0.1, len(YEARS)), 12) for c in cities}
    monthly, annual, generation, city_kwh = [], [], [], {}
    for county, city in COUNTIES.items():
        for sector, truth in TRUE.items():
            size = rng.lognormal(18, 0.5) * np.exp(0.05 * t) * season
            k0 = rng.lognormal(np.log(8e-4), 0.2)
            noise = rng.normal(0, NOISE, len(months))
            if sector == "A02.3":
                renewable = np.repeat(rng.uniform(0.0, 0.4, len(YEARS)), 12)
                thermal, wind = size * (1 - renewable), size * renewable
                x = np.log(1 - renewable)
                generation += [
                    pd.DataFrame({"county": county, "month": months, "fuel": f, "mwh": v / 1e3})
                    for f, v in (("coal", thermal), ("wind", wind))
                ]
                kwh = 0.06 * thermal
            else:
                x = anomaly[city] if truth["c"] else np.zeros(len(months))
                kwh = size
                if truth["c"]:
                    city_kwh[city] = city_kwh.get(city, 0) + kwh
            co2 = k0 * size * np.exp(truth["a"] * t + truth["c"] * x + noise)
            monthly.append(
                pd.DataFrame(
                    {"county": county, "sector": sector, "month": months, "kwh": kwh, "co2": co2}
                )
            )
            annual.append(
                pd.DataFrame(
                    {
                        "county": county,
                        "sector": sector,
                        "year": list(YEARS),
                        "tco2": co2.reshape(len(YEARS), 12).sum(axis=1),
                    }
                )
            )
    output = pd.concat(
        pd.DataFrame(
            {
                "city": city,
                "month": months,
                "product": "crude_steel",
                "amount": 0.015 * city_kwh[city] * np.exp(anomaly[city]),
            }
        )
        for city in cities
    )
    monthly_table = pd.concat(monthly, ignore_index=True)
    inputs = ModelInputs(
        counties=pd.DataFrame({"county": list(COUNTIES), "city": list(COUNTIES.values())}),
        annual=pd.concat(annual, ignore_index=True),
        monthly=monthly_table.drop(columns="co2"),
        generation=pd.concat(generation, ignore_index=True),
        output=output.reset_index(drop=True),
    )
    return inputs, monthly_table[["county", "sector", "month", "co2"]]


@pytest.fixture(scope="module")
def generated() -> tuple[ModelInputs, pd.DataFrame]:
    return small_history()


@pytest.fixture(scope="module")
def data(generated) -> ModelInputs:
    return generated[0]


@pytest.fixture(scope="module")
def model(data):
    return fit(data, through_year=2021)


def replace(data: ModelInputs, **tables: pd.DataFrame) -> ModelInputs:
    return ModelInputs(**{**data.__dict__, **tables})


# --- fit --------------------------------------------------------------------------------------


def test_fit_recovers_trend_and_driver_elasticity(model):
    fitted = model.regressions.set_index("sector")
    for sector, truth in TRUE.items():
        assert fitted.at[sector, "a"] == pytest.approx(truth["a"], abs=0.001), sector
        assert fitted.at[sector, "c"] == pytest.approx(truth["c"], abs=0.01), sector
    assert fitted.at["A04", "driver"] == ""
    assert fitted.at["A02.2.19", "driver"] == "crude_steel"
    assert fitted.at["A02.3", "driver"] == "thermal_share"


def test_standard_errors_cover_the_true_values(model):
    fitted = model.regressions.set_index("sector")
    for sector, truth in TRUE.items():
        assert abs(fitted.at[sector, "a"] - truth["a"]) < 4 * fitted.at[sector, "a_se"] + 1e-4
        if truth["c"]:
            assert abs(fitted.at[sector, "c"] - truth["c"]) < 4 * fitted.at[sector, "c_se"] + 1e-3
    # residual noise is small: the annual mean of monthly N(0, 0.002) changes by ~0.001
    assert (fitted["sigma"] < 0.01).all()
    assert (fitted["n_obs"] == len(COUNTIES) * (2021 - 2015)).all()


def test_coefficient_is_inventory_over_activity_of_the_source_year(data, model):
    row = model.coefficients.set_index(["county", "sector"]).loc[("140105", "A04")]
    annual = data.annual
    tco2 = annual[
        (annual["county"] == "140105") & (annual["sector"] == "A04") & (annual["year"] == 2021)
    ]["tco2"].sum()
    monthly = data.monthly
    kwh = monthly[
        (monthly["county"] == "140105")
        & (monthly["sector"] == "A04")
        & monthly["month"].str.startswith("2021")
    ]["kwh"].sum()
    assert row["k"] == pytest.approx(tco2 / kwh, rel=1e-12)
    assert row["source_year"] == 2021
    power = model.coefficients.set_index(["county", "sector"]).loc[("140105", "A02.3")]
    generated = data.generation[
        (data.generation["county"] == "140105") & data.generation["month"].str.startswith("2021")
    ]["mwh"].sum()
    assert power["activity_kwh"] == pytest.approx(generated * 1000, rel=1e-12)


def test_fit_uses_nothing_after_the_source_year(data, model):
    later = data.monthly["month"] >= "2022-01"
    scrambled = replace(
        data,
        monthly=data.monthly.assign(kwh=data.monthly["kwh"].where(~later, 1.0)),
        annual=data.annual[data.annual["year"] <= 2021],
    )
    again = fit(scrambled, through_year=2021)
    pd.testing.assert_frame_equal(again.regressions, model.regressions)
    pd.testing.assert_frame_equal(again.coefficients, model.coefficients)


def test_one_year_of_changes_gives_unknown_not_narrow_intervals(data):
    """With inventories 2015 and 2016 only, a year-wide shock cannot be told from the trend."""
    early = fit(data, through_year=2016)
    assert early.regressions["note"].str.contains("year-common residual unknown").all()
    table = nowcast(early, data, "2017-03").table
    emitting = table[table["tco2"] > 0]
    assert emitting["lo"].isna().all() and emitting["hi"].isna().all()


def test_missing_inventory_year_is_refused(data):
    with pytest.raises(InputError, match="no annual inventory for 2030"):
        fit(data, through_year=2030)
    with pytest.raises(InputError, match="2014"):
        fit(data, through_year=2015)


# --- nowcast ----------------------------------------------------------------------------------


def test_county_sums_equal_city_and_province(data, model):
    table = nowcast(model, data, "2022-05").table
    for kind in ("month", "ytd"):
        rows = table[table["kind"] == kind]
        total = rows[rows["sector"] == ALL_SECTORS].groupby("level")["tco2"].sum()
        assert total["county"] == pytest.approx(total["city"], rel=1e-12)
        assert total["city"] == pytest.approx(total["province"], rel=1e-12)
        by_sector = rows[rows["sector"] != ALL_SECTORS].groupby(["level", "region"])["tco2"].sum()
        all_rows = rows[rows["sector"] == ALL_SECTORS].set_index(["level", "region"])["tco2"]
        pd.testing.assert_series_equal(
            by_sector.sort_index(), all_rows.sort_index(), check_names=False, rtol=1e-12
        )
        county_to_city = (
            rows[(rows["level"] == "county") & (rows["sector"] == "A02.2.19")]
            .assign(city=lambda t: t["region"].map(COUNTIES))
            .groupby("city")["tco2"]
            .sum()
        )
        city = rows[(rows["level"] == "city") & (rows["sector"] == "A02.2.19")]
        pd.testing.assert_series_equal(
            county_to_city.sort_index(),
            city.set_index("region")["tco2"].sort_index(),
            check_names=False,
            rtol=1e-12,
        )


def test_intervals_contain_the_estimate_and_widen_with_the_gap(data, model):
    near = nowcast(model, data, "2022-05").table
    assert (near["lo"] <= near["tco2"]).all() and (near["tco2"] <= near["hi"]).all()
    assert ((near["lo"] < near["tco2"]) | (near["tco2"] == 0)).all()
    far = nowcast(model, data, "2023-05").table
    key = ["level", "region", "sector", "kind"]
    both = near.merge(far, on=key, suffixes=("_near", "_far"))
    # a trend-only county sector: every variance term grows with the gap (a driver's term
    # depends on its change, which differs between years)
    both = both[(both["level"] == "county") & (both["sector"] == "A04")]
    width_near = (both["hi_near"] - both["lo_near"]) / both["tco2_near"]
    width_far = (both["hi_far"] - both["lo_far"]) / both["tco2_far"]
    assert (width_far > width_near).all()


def test_estimates_track_the_truth_of_the_generator(generated, model):
    """The nowcast of a 2022 month is within a few per cent of the generator's CO2: the process
    is the model's own, up to noise of 0.002 and estimation error."""
    data, truth = generated
    table = nowcast(model, data, "2022-08").table
    county = table[(table["level"] == "county") & (table["kind"] == "month")]
    county = county[county["sector"] != ALL_SECTORS].merge(
        truth[truth["month"] == "2022-08"],
        left_on=["region", "sector"],
        right_on=["county", "sector"],
    )
    assert len(county) == len(COUNTIES) * len(TRUE)
    error = (county["tco2"] / county["co2"] - 1).abs()
    assert error.max() < 0.02
    inside = (county["lo"] <= county["co2"]) & (county["co2"] <= county["hi"])
    assert inside.mean() >= 0.75


def test_trend_scales_with_the_gap(data, model):
    a = model.regressions.set_index("sector").at["A04", "a"]
    one = nowcast(model, data, "2022-03").coefficients.set_index(["county", "sector"])
    two = nowcast(model, data, "2023-03").coefficients.set_index(["county", "sector"])
    assert one.loc[("140105", "A04"), "factor_month"] == pytest.approx(np.exp(a), rel=1e-12)
    assert two.loc[("140105", "A04"), "factor_month"] == pytest.approx(np.exp(2 * a), rel=1e-12)
    assert two.loc[("140105", "A04"), "gap"] == 2


def test_ytd_rows_use_the_months_to_date(data, model):
    result = nowcast(model, data, "2022-03")
    table = result.table
    ytd = table[(table["kind"] == "ytd") & (table["level"] == "county")]
    assert set(ytd["period"]) == {"2022-01..03"}
    row = ytd[(ytd["region"] == "140105") & (ytd["sector"] == "A04")].iloc[0]
    monthly = data.monthly
    kwh = monthly[
        (monthly["county"] == "140105")
        & (monthly["sector"] == "A04")
        & monthly["month"].isin(["2022-01", "2022-02", "2022-03"])
    ]["kwh"].sum()
    coefficient = result.coefficients.set_index(["county", "sector"]).loc[("140105", "A04")]
    assert row["kwh"] == pytest.approx(kwh, rel=1e-12)
    assert row["tco2"] == pytest.approx(coefficient["k"] * kwh * coefficient["factor_ytd"])


def test_all_rows_report_electricity_use_of_all_sectors(data, model):
    table = nowcast(model, data, "2022-04").table
    row = table[
        (table["level"] == "province")
        & (table["sector"] == ALL_SECTORS)
        & (table["kind"] == "month")
    ]
    expected = data.monthly.loc[data.monthly["month"] == "2022-04", "kwh"].sum()
    assert row["kwh"].iloc[0] == pytest.approx(expected, rel=1e-12)
    assert row["region"].iloc[0] == "140000"


def test_same_months_driver_base_compares_year_to_date(data, model):
    result = nowcast(model, data, "2022-04", driver_base="same_months")
    coefficients = result.coefficients
    steel = coefficients[coefficients["sector"] == "A02.2.19"]
    assert (steel["driver_change_month"] == steel["driver_change_ytd"]).all()
    assert (coefficients.loc[coefficients["sector"] == "A04", "driver_change_ytd"] == 0).all()


#: Months of both nowcast years, out of order, one twice: nowcasts cuts each year's tables to
#: every month, as backtests and assessments ask for them.
SEVERAL_MONTHS = ["2022-01", "2023-05", "2022-07", "2022-12", "2022-07"]


@pytest.mark.parametrize("driver_base", ["inventory_year", "same_months"])
def test_nowcasts_of_several_months_equal_one_nowcast_per_month(data, model, driver_base):
    """The fast path (tables validated once, a year's activity and drivers computed once and cut
    to each month) gives the figures of the straightforward one, month by month. Equal up to
    the last bits of a float, not exactly: pandas sums a group with numpy's reduceat where the
    rows come sorted by group and with Kahan summation otherwise, so even the straightforward
    path can give January's sums different last bits in the nowcast of January and of July."""
    several = nowcasts(model, data, SEVERAL_MONTHS, interval=0.8, driver_base=driver_base)
    assert [result.month for result in several] == SEVERAL_MONTHS
    for month, fast in zip(SEVERAL_MONTHS, several, strict=True):
        slow = nowcast(model, data, month, interval=0.8, driver_base=driver_base)
        assert (fast.month, fast.through_year, fast.interval, fast.driver_base) == (
            slow.month,
            slow.through_year,
            slow.interval,
            slow.driver_base,
        )
        for part in ("table", "coefficients"):
            pd.testing.assert_frame_equal(
                getattr(fast, part), getattr(slow, part), check_exact=False, rtol=1e-13, atol=0
            )


def test_nowcasts_refuse_what_nowcast_refuses(data, model):
    monthly = data.monthly
    gap = monthly[~((monthly["county"] == "140212") & (monthly["month"] == "2022-03"))]
    hole = monthly[monthly["month"] != "2022-03"]
    for bad, month in ((gap, "2022-03"), (hole, "2022-05")):
        broken = replace(data, monthly=bad)
        with pytest.raises(InputError) as one:
            nowcast(model, broken, month)
        with pytest.raises(InputError) as several:
            nowcasts(model, broken, ["2022-02", month, "2022-12"])
        assert str(several.value) == str(one.value)
    with pytest.raises(InputError, match="within the inventory years"):
        nowcasts(model, data, ["2022-01", "2021-06"])


def test_unknown_county_is_refused(data, model):
    extra = pd.DataFrame([{"county": "149999", "sector": "A04", "month": "2022-01", "kwh": 1.0}])
    bad = replace(data, monthly=pd.concat([data.monthly, extra], ignore_index=True))
    with pytest.raises(UnknownNameError, match="149999"):
        nowcast(model, bad, "2022-01")


def test_unknown_sector_is_refused(data):
    extra = pd.DataFrame([{"county": "140105", "sector": "A99", "month": "2022-01", "kwh": 1.0}])
    bad = replace(data, monthly=pd.concat([data.monthly, extra], ignore_index=True))
    with pytest.raises(UnknownNameError, match="A99"):
        model_inputs(bad)


@pytest.mark.parametrize("month", ["2022-13", "July 2022", "2022-7-1", ""])
def test_malformed_month_is_refused(data, model, month):
    with pytest.raises(InputError, match="not a calendar month"):
        nowcast(model, data, month)


def test_month_without_data_is_refused(data, model):
    with pytest.raises(InputError, match="no electricity use for 2024-01"):
        nowcast(model, data, "2024-01")


def test_month_of_an_inventory_year_is_refused(data, model):
    with pytest.raises(InputError, match="within the inventory years"):
        nowcast(model, data, "2021-06")


def test_missing_county_in_the_month_is_refused(data, model):
    gone = data.monthly[
        ~((data.monthly["county"] == "140212") & (data.monthly["month"] == "2022-02"))
    ]
    with pytest.raises(InputError, match="140212"):
        nowcast(model, replace(data, monthly=gone), "2022-02")


def test_malformed_table_is_refused(data):
    with pytest.raises(InputError, match="missing columns"):
        model_inputs(replace(data, monthly=data.monthly.drop(columns="kwh")))
    negative = data.monthly.assign(kwh=data.monthly["kwh"].where(data.monthly.index != 5, -1.0))
    with pytest.raises(InputError, match="row 7"):
        model_inputs(replace(data, monthly=negative))


# --- daily ------------------------------------------------------------------------------------


def test_daily_estimates_apply_the_trend_adjusted_coefficient(model):
    days = pd.DataFrame(
        {
            "county": ["140105", "140105", "140213"],
            "industry": ["A04", "A02.3", "A02.2.19"],
            "day": ["2022-07-01", "2022-07-01", "2023-01-02"],
            "kwh": [1000.0, 500.0, 2000.0],
        }
    )
    out = daily_estimates(model, days)
    regressions = model.regressions.set_index("sector")
    k = model.coefficients.set_index(["county", "sector"])["k"]
    assert out["sector"].tolist() == ["A04", "A02.3", "A02.2.19"]
    assert out["tco2"].iloc[0] == pytest.approx(
        k[("140105", "A04")] * np.exp(regressions.at["A04", "a"]) * 1000.0
    )
    assert np.isnan(out["tco2"].iloc[1])  # the power sector is estimated from generation
    assert out["tco2"].iloc[2] == pytest.approx(
        k[("140213", "A02.2.19")] * np.exp(2 * regressions.at["A02.2.19", "a"]) * 2000.0
    )


def test_daily_estimates_refuse_aggregate_classes(model):
    days = pd.DataFrame(
        {"county": ["140105"], "industry": ["ALL"], "day": ["2022-07-01"], "kwh": [1.0]}
    )
    with pytest.raises(CarbonctlError):
        daily_estimates(model, days)


# --- layering ---------------------------------------------------------------------------------


def test_the_model_names_no_demo_generator():
    """The core model takes the tables a province has; the demo's history module (a synthetic
    generator) is not imported, not even for type checking."""
    import ast
    import inspect

    from carbonctl.electricity import inputs, model

    tree = ast.parse(inspect.getsource(model))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not {m for m in imported if m and ("history" in m or "demo" in m)}
    assert model.ModelInputs is inputs.ModelInputs
