"""The synthetic Shanxi demo dataset: its province figures are the published CEADs Shanxi inventory
(Shan et al., CEADs), and counties, cities, enterprises and the accounting all agree with it."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from carbonctl.accounting import account
from carbonctl.accounting.inventory import ceads_fuels, ceads_sectors, inventory
from carbonctl.demo import params
from carbonctl.demo.synthetic import (
    DemoDataError,
    build_dataset,
    ceads_table,
    city_inputs,
    city_matrix,
    province_by_fuel,
    province_matrix,
    province_targets,
    shanxi_regions,
    split_cities,
    write_dataset,
)
from carbonctl.enterprises.uscc import parse_credit_code

CEADS_YEARS = range(2015, 2023)
COLUMNS = [*ceads_fuels(), "Process"]


@pytest.fixture(scope="module")
def dataset():
    return build_dataset()


@pytest.fixture(scope="module")
def other_seed():
    return build_dataset(seed=7)


@pytest.fixture(scope="module")
def by_fuel(dataset):
    return province_by_fuel(dataset.energy, dataset.process)


@pytest.fixture(scope="module")
def with_city(dataset):
    """energy rows with the city adcode of their county."""
    parent = dataset.regions.set_index("adcode")["parent_adcode"]
    return dataset.energy.assign(city=dataset.energy["adcode"].map(parent))


def ceads_matrix(year: int) -> pd.DataFrame:
    table = ceads_table(f"matrix_{year}").set_index("sector").drop(index="TotalEmissions")
    return table[COLUMNS]


def city_totals(dataset) -> pd.DataFrame:
    """MtCO2 (fuels + cement) by year × city adcode, summed from the county tables."""
    parent = dataset.regions.set_index("adcode")["parent_adcode"]
    rows = pd.concat([dataset.energy[["adcode", "year", "tco2"]], dataset.process])
    rows = rows.assign(city=rows["adcode"].map(parent))
    return rows.pivot_table(index="year", columns="city", values="tco2", aggfunc="sum") / 1e6


# --- province calibration against the published CEADs figures -----------------------------------


def test_province_co2_by_fuel_equals_the_ceads_by_fuel_table(by_fuel):
    published = ceads_table("by_fuel").set_index("year")[COLUMNS]
    for year in CEADS_YEARS:
        if year in params.MATRIX_YEARS:
            # same figures, which the by-fuel workbook rounds to 4 decimals
            np.testing.assert_allclose(by_fuel.loc[year], published.loc[year], rtol=0, atol=1e-4)
        else:
            np.testing.assert_allclose(by_fuel.loc[year], published.loc[year], rtol=0, atol=1e-6)


def test_2015_and_2019_sector_by_fuel_cells_equal_ceads(dataset):
    for year in params.MATRIX_YEARS:
        ceads = ceads_matrix(year)
        energy = dataset.energy[dataset.energy["year"] == year]
        built = energy.pivot_table(
            index="sector", columns="fuel", values="tco2", aggfunc="sum", fill_value=0.0
        )
        built = built.rename(columns={f: c for c, f in params.CEADS_TO_FUEL.items()})
        built = built.reindex(index=ceads.index, columns=ceads_fuels(), fill_value=0.0) / 1e6
        np.testing.assert_allclose(built, ceads[ceads_fuels()], rtol=0, atol=1e-6)
        cement = dataset.process.loc[dataset.process["year"] == year, "tco2"].sum() / 1e6
        assert cement == pytest.approx(ceads.loc["Nonmetal Mineral Products", "Process"], abs=1e-6)


def test_totals_match_the_published_ceads_series(by_fuel):
    totals = ceads_table("totals").set_index("year")["total_MtCO2"]
    for year in CEADS_YEARS:
        # the series is given to 4 decimals, the fuels summed from 4- or 6-decimal figures
        assert by_fuel.loc[year].sum() == pytest.approx(totals[year], abs=2e-4), year


def test_cement_output_is_ceads_process_over_0_2906(dataset):
    cement = dataset.process.groupby("year")["cement_t"].sum()
    process = ceads_table("by_fuel").set_index("year")["Process"]
    for year in CEADS_YEARS:
        assert cement[year] * 0.2906 / 1e6 == pytest.approx(process[year], abs=1e-4)
    # worked example WE8c: 2019 Process / 0.2906 = 4 982.40 × 10^4 t of cement
    assert cement[2019] / 1e4 == pytest.approx(4982.40, abs=0.005)


def test_years_after_2022_are_a_damped_trend_labelled_synthetic(dataset, by_fuel):
    basis = dataset.meta["calibration"]["province_by_fuel_basis"]
    assert all(basis[str(y)].startswith("SYNTHETIC") for y in (2023, 2024, 2025))
    assert not any(basis[str(y)].startswith("SYNTHETIC") for y in CEADS_YEARS)
    totals = by_fuel.sum(axis=1)
    steps = [abs(totals[y] / totals[y - 1] - 1) for y in (2023, 2024, 2025)]
    assert steps[0] > steps[1] > steps[2]
    assert steps[0] < params.TREND_CAP


# --- the accounting gives the CO2 back from the physical amounts -------------------------------


def test_inventory_on_the_physical_amounts_of_2019_gives_the_ceads_province(dataset):
    year = 2019
    energy = dataset.energy[dataset.energy["year"] == year]
    cement = dataset.process[dataset.process["year"] == year]
    table = pd.concat(
        [
            energy.rename(columns={"adcode": "region"})
            .assign(period=str(year))
            .drop(columns=["year", "tco2", "status"]),
            pd.DataFrame(
                {
                    "region": cement["adcode"],
                    "period": str(year),
                    "sector": "Nonmetal Mineral Products",
                    "fuel": "水泥",
                    "amount": cement["cement_t"],
                    "unit": "t",
                }
            ),
        ],
        ignore_index=True,
    )
    result = inventory(table, factor_set="GB/T 32150-2015")
    ours = pd.Series(result.by_fuel())
    np.testing.assert_allclose(ours[COLUMNS] / 1e6, ceads_matrix(year).sum(), rtol=0, atol=1e-6)
    assert result.total_tco2 / 1e6 == pytest.approx(564.863335, abs=1e-5)  # WE8b


def test_account_on_the_combustion_rows_gives_their_co2(dataset):
    energy = dataset.energy[dataset.energy["year"] == 2021]
    activities = energy.assign(
        subject=energy["adcode"], period="2021", category="combustion", item=energy["fuel"]
    )
    result = account(activities, factor_set="GB/T 32150-2015")
    fuels = ceads_table("by_fuel").set_index("year").loc[2021, ceads_fuels()].sum()
    assert result.total_tco2 / 1e6 == pytest.approx(fuels, abs=1e-6)
    np.testing.assert_allclose(result.rows["tco2"], energy["tco2"], rtol=1e-12)


# --- counties add up to cities, cities to the province -----------------------------------------


def test_counties_add_up_to_cities_and_cities_to_the_province(dataset, with_city):
    regions = shanxi_regions()
    targets = province_targets()
    province = province_matrix(targets)
    cities = city_inputs(regions)
    city = city_matrix(province, split_cities(province, cities).shares)
    np.testing.assert_allclose(city.sum(axis=1), province, rtol=1e-12, atol=1e-12)

    sectors = list(ceads_sectors()["sector"])
    column_of = {f: i for i, f in enumerate(params.CEADS_TO_FUEL.values())}
    summed = with_city.groupby(["year", "city", "sector", "fuel"], sort=False)["tco2"].sum() / 1e6
    years, city_codes, sector_names, fuels = (summed.index.get_level_values(i) for i in range(4))
    expected = city[
        np.asarray(years) - params.FIRST_YEAR,
        [cities.adcodes.index(c) for c in city_codes],
        [sectors.index(s) for s in sector_names],
        [column_of[f] for f in fuels],
    ]
    np.testing.assert_allclose(summed.to_numpy(), expected, rtol=1e-9, atol=1e-12)
    # and no city cell is lost: every non-zero city cell has county rows
    assert len(summed) == int((city[..., :-1] > 0).sum())


def test_ceads_cities_keep_their_mutual_ceads_proportions(dataset):
    totals = city_totals(dataset)
    short = shanxi_regions().set_index("name_zh")
    published = ceads_table("cities")
    for year in range(2015, 2020):
        rows = published[published["year"] == year]
        codes = [short.index[short.index.str.startswith(c)][0] for c in rows["city"]]
        adcodes = short.loc[codes, "adcode"].to_numpy()
        ours = totals.loc[year, adcodes].to_numpy()
        ceads = rows["emission_MtCO2"].to_numpy()
        np.testing.assert_allclose(ours / ours.sum(), ceads / ceads.sum(), rtol=1e-9)
        # the city product exceeds the province: its figures are used as proportions only
        assert ours.sum() < ceads.sum()


def test_the_eight_ceads_cities_get_a_plausible_share_of_the_province(dataset):
    totals = city_totals(dataset)
    eight = ["140100", "140300", "140400", "140500", "140600", "140700", "140800", "140900"]
    for year in range(2015, 2020):
        share = totals.loc[year, eight].sum() / totals.loc[year].sum()
        assert 0.6 < share < 0.8, year
        assert share == pytest.approx(
            dataset.meta["calibration"]["covered_cities_share_of_province"][str(year)], abs=1e-6
        )
    assert (totals > 0).all().all()


def test_city_sector_mixes_follow_their_industries(with_city):
    key = ceads_sectors().set_index("sector")["key_industry"].str.split(" ").str[0]
    year = with_city[with_city["year"] == 2020]
    mix = year.assign(key=year["sector"].map(key)).pivot_table(
        index="city", columns="key", values="tco2", aggfunc="sum"
    )
    mix = mix.div(mix.sum(axis=1), axis=0)
    province = year.assign(key=year["sector"].map(key)).groupby("key")["tco2"].sum()
    province = province / province.sum()
    assert mix.loc["140600", "电力热力"] > province["电力热力"]  # 朔州 coal power
    assert mix.loc["140200", "电力热力"] > province["电力热力"]  # 大同
    assert mix.loc["140100", "钢铁"] > 2 * province["钢铁"]  # 太原 steel
    assert mix.loc["141100", "焦化(含炼油)"] > province["焦化(含炼油)"]  # 吕梁 coking
    assert mix.loc["141000", "焦化(含炼油)"] > province["焦化(含炼油)"]  # 临汾 coking
    assert mix.loc["140800", "有色"] > 2 * province["有色"]  # 运城 aluminium


# --- enterprises ------------------------------------------------------------------------------


def test_about_300_enterprises_in_the_key_industries(dataset):
    enterprises = dataset.enterprises
    assert len(enterprises) == 300
    assert enterprises["enterprise_id"].is_unique
    assert set(enterprises["sector"]) == {s for s, *_ in params.ENTERPRISE_INDUSTRIES.values()}
    assert enterprises["name_zh"].str.startswith("示例").all()
    assert enterprises["name_zh"].is_unique
    assert enterprises["name_en"].str.contains("synthetic").all()


def test_credit_codes_are_valid_and_carry_the_county_adcode(dataset):
    counties = set(dataset.regions.loc[dataset.regions["level"] == "county", "adcode"])
    for row in dataset.enterprises.itertuples(index=False):
        parsed = parse_credit_code(row.credit_code)
        assert parsed.adcode == row.adcode
        assert row.adcode in counties
    assert dataset.enterprises["credit_code"].is_unique


def test_enterprises_sit_in_counties_that_have_their_sector(dataset):
    present = set(zip(dataset.energy["adcode"], dataset.energy["sector"], strict=True))
    for row in dataset.enterprises.itertuples(index=False):
        assert (row.adcode, row.sector) in present


def test_enterprise_energy_never_exceeds_its_county_sector_use(dataset):
    rows = dataset.enterprise_energy.merge(
        dataset.enterprises[["enterprise_id", "adcode", "sector"]], on="enterprise_id"
    )
    keys = ["adcode", "sector", "year", "fuel"]
    used = rows.groupby(keys)["amount"].sum()
    county = dataset.energy.set_index(keys)["amount"]
    assert used.index.isin(county.index).all()
    assert (used <= county.reindex(used.index)).all()
    assert (rows["amount"] > 0).all()


def test_enterprise_co2_is_what_account_gives(dataset):
    rows = dataset.enterprise_energy
    activities = rows.assign(
        subject=rows["enterprise_id"],
        period=rows["year"].astype(str),
        category="combustion",
        item=rows["fuel"],
    )
    result = account(activities, factor_set="GB/T 32150-2015")
    np.testing.assert_allclose(result.rows["tco2"], rows["tco2"], rtol=1e-12)


# --- GDP and population -------------------------------------------------------------------------


def test_real_province_figures_keep_their_published_values_and_sources(dataset):
    macro = dataset.macro.set_index(["adcode", "year"])
    province = macro.loc["140000"]
    # NBS yearbook table 3-9 (2020-2022) and 山西省统计局 2023 preliminary, 亿元 current prices
    for year, value in {2020: 17651.93, 2021: 22590.2, 2022: 25642.6, 2023: 25698.18}.items():
        assert province.loc[year, "gdp_current_100m_yuan"] == value
        assert province.loc[year, "gdp_status"].startswith("REAL")
    # constant 2020 prices from the published indices 109.1, 104.4 and +5.0%
    assert province.loc[2023, "gdp_constant_2020_100m_yuan"] == pytest.approx(
        17651.93 * 1.091 * 1.044 * 1.05
    )
    assert province.loc[2020, "population_10k"] == pytest.approx(3491.5616)  # census 2020
    assert province.loc[2021, "population_10k"] == 3480.48  # year-end 2021
    assert province.loc[2019, "status"] == "SYNTHETIC (demo)"
    assert macro.loc[("140100", 2020), "population_10k"] == pytest.approx(530.4061)  # 太原 census


def test_cities_and_counties_add_up_to_the_province_economy(dataset):
    macro = dataset.macro.merge(dataset.regions[["adcode", "level", "parent_adcode"]], on="adcode")
    values = ["gdp_current_100m_yuan", "gdp_constant_2020_100m_yuan", "population_10k"]
    province = macro[macro["level"] == "province"].set_index("year")[values]
    cities = macro[macro["level"] == "city"]
    counties = macro[macro["level"] == "county"]
    pd.testing.assert_frame_equal(cities.groupby("year")[values].sum(), province, rtol=1e-12)
    by_city = counties.groupby(["parent_adcode", "year"])[values].sum()
    expected = cities.set_index(["adcode", "year"])[values].sort_index()
    pd.testing.assert_frame_equal(by_city, expected, rtol=1e-12, check_names=False)
    assert (counties["status"] == "SYNTHETIC (demo)").all()


# --- determinism, seeds, subsets, files ---------------------------------------------------------


def test_the_same_seed_gives_identical_tables(dataset):
    again = build_dataset()
    for name, table in dataset.tables().items():
        pd.testing.assert_frame_equal(table, again.tables()[name], check_exact=True, obj=name)
    assert dataset.meta == again.meta


def test_another_seed_moves_the_county_split_but_not_the_calibrated_totals(
    dataset, other_seed, by_fuel
):
    keys = ["adcode", "year", "sector", "fuel"]
    ours = dataset.energy.set_index(keys)["tco2"]
    theirs = other_seed.energy.set_index(keys)["tco2"]
    assert not ours.index.equals(theirs.index) or not np.allclose(ours, theirs)
    np.testing.assert_allclose(
        province_by_fuel(other_seed.energy, other_seed.process), by_fuel, rtol=1e-12, atol=1e-9
    )
    np.testing.assert_allclose(city_totals(other_seed), city_totals(dataset), rtol=1e-12)
    assert not dataset.enterprises["credit_code"].equals(other_seed.enterprises["credit_code"])


def test_a_single_year_build_gives_the_same_rows_and_writes_its_files(dataset, tmp_path):
    single = build_dataset(years=range(2019, 2020))
    full = dataset.energy[dataset.energy["year"] == 2019].reset_index(drop=True)
    pd.testing.assert_frame_equal(single.energy, full, check_exact=True)
    write_dataset(single, tmp_path)
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == sorted([*(f"{n}.csv" for n in single.tables()), "meta.json"])
    energy = pd.read_csv(tmp_path / "energy.csv", dtype={"adcode": str}, encoding="utf-8")
    pd.testing.assert_frame_equal(energy, single.energy, check_dtype=False)
    meta = json.loads((tmp_path / "meta.json").read_text(encoding="utf-8"))
    assert meta["seed"] == 20240101
    assert meta["label"].startswith("SYNTHETIC")


def test_years_outside_2015_2025_are_refused():
    with pytest.raises(DemoDataError, match="2015–2025"):
        build_dataset(years=range(2010, 2016))


def test_regions_are_shanxi_with_11_cities_and_117_counties(dataset):
    counts = dataset.regions["level"].value_counts()
    assert (counts["province"], counts["city"], counts["county"]) == (1, 11, 117)
    assert set(dataset.energy["adcode"]) <= set(dataset.regions["adcode"])
