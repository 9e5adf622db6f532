"""The electricity–carbon model's input checks (电碳模型输入): every bad table is refused with an
error that names the table, the row (header = row 1) or column, and what was expected."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from carbonctl.electricity.inputs import (
    ModelInputs,
    UnknownNameInTable,
    check_day_table,
    check_interval,
    check_option,
    checked_nowcast_month,
    inventory_years,
    province_of,
    require_activity_where_emitting,
    require_counties_in_month,
    require_months,
    validate_model_inputs,
)
from carbonctl.electricity.model import model_inputs
from carbonctl.errors import InputError, UnknownNameError

MONTHS = ["2022-01", "2022-02"]


@pytest.fixture
def tables() -> ModelInputs:
    """Two counties of one city, transport and power, two months of 2022."""
    counties = ["140105", "140106"]
    return ModelInputs(
        counties=pd.DataFrame({"county": counties, "city": ["140100", "140100"]}),
        annual=pd.DataFrame(
            {
                "county": counties * 2,
                "sector": ["A04", "A04", "A02.3", "A02.3"],
                "year": [2021, 2021, 2021, 2021],
                "tco2": [10.0, 20.0, 30.0, 40.0],
            }
        ),
        monthly=pd.DataFrame(
            {
                "county": [c for c in counties for _ in MONTHS],
                "sector": "A04",
                "month": MONTHS * 2,
                "kwh": [1.0, 2.0, 3.0, 4.0],
            }
        ),
        generation=pd.DataFrame(
            {"county": "140105", "month": MONTHS, "fuel": ["coal", "wind"], "mwh": [5.0, 6.0]}
        ),
        output=pd.DataFrame(
            {"city": "140100", "month": MONTHS, "product": "coke", "amount": [7.0, 8.0]}
        ),
    )


def with_cell(tables: ModelInputs, name: str, row: int, column: str, value) -> ModelInputs:
    """``tables`` with one cell of table ``name`` (position ``row``) set to ``value``."""
    table = getattr(tables, name).astype({column: object})
    table.iloc[row, table.columns.get_loc(column)] = value
    return replace(tables, **{name: table})


def test_good_tables_come_back_clean_with_year_and_month_number(tables):
    extra = tables.monthly.assign(note="kept out")
    clean = validate_model_inputs(replace(tables, monthly=extra))
    assert list(clean.monthly.columns) == ["county", "sector", "month", "kwh", "year", "mno"]
    assert clean.monthly["mno"].tolist() == [1, 2, 1, 2]
    assert (clean.monthly["year"] == 2022).all()
    assert clean.annual["year"].dtype.kind == "i"
    assert clean.generation["mwh"].dtype == float


# --- the tables -----------------------------------------------------------------------------------


def test_a_missing_table_is_named(tables):
    with pytest.raises(InputError, match="no output table") as caught:
        validate_model_inputs(replace(tables, output=None))
    assert caught.value.expected == "a table with city, month, product, amount"


def test_a_missing_column_names_the_table_and_the_columns_expected(tables):
    with pytest.raises(InputError, match="missing columns \\['kwh'\\]") as caught:
        validate_model_inputs(replace(tables, monthly=tables.monthly.drop(columns="kwh")))
    assert (caught.value.file, caught.value.expected) == ("monthly", "county, sector, month, kwh")


def test_a_county_listed_twice_is_refused_at_its_second_row(tables):
    twice = pd.concat([tables.counties, tables.counties.iloc[[0]]], ignore_index=True)
    with pytest.raises(InputError, match="county 140105 is listed twice") as caught:
        validate_model_inputs(replace(tables, counties=twice))
    error = caught.value
    assert (error.file, error.row, error.column) == ("counties", 4, "county")
    assert error.expected == "each county once"


@pytest.mark.parametrize(
    ("name", "row", "column", "value", "expected"),
    [
        ("annual", 2, "county", "149999", "a county of the counties table"),
        ("monthly", 3, "county", "149999", "a county of the counties table"),
        ("generation", 1, "county", "149999", "a county of the counties table"),
        ("output", 0, "city", "149900", "a city of the counties table"),
        ("annual", 1, "sector", "A99", "a model sector of electricity/data/model_sectors.csv"),
        ("monthly", 2, "sector", "A99", "a model sector of electricity/data/model_sectors.csv"),
        ("generation", 1, "fuel", "nuclear", "one of coal, gas, coal_gangue, wind, solar, hydro"),
        ("output", 1, "product", "glass", "one of coke, crude_steel, cement, aluminium"),
    ],
)
def test_an_unknown_name_names_table_row_column_and_what_is_known(
    tables, name, row, column, value, expected
):
    with pytest.raises(UnknownNameInTable, match=value) as caught:
        validate_model_inputs(with_cell(tables, name, row, column, value))
    error = caught.value
    assert (error.file, error.row, error.column) == (name, row + 2, column)
    assert error.expected == expected
    assert str(error).startswith(f"{name}, row {row + 2}, column {column!r}: unknown ")
    # both kinds of error: callers that catch either keep working
    assert isinstance(error, UnknownNameError)
    assert isinstance(error, InputError)


def test_an_unknown_name_suggests_close_matches(tables):
    with pytest.raises(UnknownNameInTable, match=r"closest matches: 140106, 140105 \(expected"):
        validate_model_inputs(with_cell(tables, "monthly", 0, "county", "140150"))


@pytest.mark.parametrize(
    ("name", "column"),
    [("annual", "tco2"), ("monthly", "kwh"), ("generation", "mwh"), ("output", "amount")],
)
@pytest.mark.parametrize("value", [-1.0, None, "many", float("inf")])
def test_an_amount_that_is_missing_or_negative_names_its_row(tables, name, column, value):
    with pytest.raises(InputError, match="is not an amount") as caught:
        validate_model_inputs(with_cell(tables, name, 1, column, value))
    error = caught.value
    assert (error.file, error.row, error.column) == (name, 3, column)
    assert error.expected == "a finite number ≥ 0"


@pytest.mark.parametrize("value", ["last year", 2021.5, None])
def test_a_year_that_is_not_one_names_its_row(tables, value):
    with pytest.raises(InputError, match="is not a year") as caught:
        validate_model_inputs(with_cell(tables, "annual", 2, "year", value))
    error = caught.value
    assert (error.file, error.row, error.column) == ("annual", 4, "year")
    assert error.expected == "an integer such as 2023"


@pytest.mark.parametrize("name", ["monthly", "generation", "output"])
def test_a_malformed_month_names_its_row(tables, name):
    with pytest.raises(InputError, match="not a calendar month") as caught:
        validate_model_inputs(with_cell(tables, name, 1, "month", "2022-13"))
    error = caught.value
    assert (error.file, error.row, error.column, error.expected) == (name, 3, "month", "YYYY-MM")


# --- the adaptor in the model ---------------------------------------------------------------------


def test_the_model_takes_only_model_inputs(tables):
    class Carrier:
        """Like the demo's history: the five tables and a CO2 truth the model must not see."""

        co2_true = pd.DataFrame({"co2": [1.0]})

        def __init__(self, inputs: ModelInputs) -> None:
            self.__dict__.update(inputs.__dict__)

    with pytest.raises(InputError, match=r"Carrier.*expected ModelInputs"):
        model_inputs(Carrier(tables))
    pd.testing.assert_frame_equal(
        model_inputs(tables).monthly, validate_model_inputs(tables).monthly
    )


def test_inputs_without_a_table_are_refused_naming_it(tables):
    with pytest.raises(InputError, match="no generation table"):
        model_inputs(replace(tables, generation=None))


# --- what a fit needs -----------------------------------------------------------------------------


def test_a_fit_uses_the_consecutive_inventory_years_up_to_the_source_year():
    annual = pd.DataFrame({"year": [2015, 2017, 2018, 2019, 2019, 2021]})
    assert inventory_years(annual, 2019) == [2017, 2018, 2019]


def test_a_fit_without_the_source_year_says_which_years_there_are():
    annual = pd.DataFrame({"year": [2017, 2018]})
    with pytest.raises(InputError, match=r"no annual inventory for 2020; .* 2017–2018") as caught:
        inventory_years(annual, 2020)
    error = caught.value
    assert (error.file, error.column, error.expected) == ("annual", "year", "rows of year 2020")


def test_a_fit_without_the_year_before_is_refused():
    with pytest.raises(InputError, match="needs the inventory of 2017") as caught:
        inventory_years(pd.DataFrame({"year": [2016, 2018]}), 2018)
    assert caught.value.expected == "rows of year 2017"


def test_missing_months_are_listed_and_cut_after_six():
    table = pd.DataFrame({"year": [2022], "mno": [1]})
    periods = pd.DataFrame({"year": 2022, "mno": range(1, 13)})
    with pytest.raises(
        InputError, match=r"no electricity use for 2022-02, .*, 2022-07 … "
    ) as caught:
        require_months(table, periods, "monthly", "electricity use")
    assert (caught.value.file, caught.value.column) == ("monthly", "month")


def test_counties_of_two_provinces_are_refused():
    counties = pd.DataFrame({"county": ["140105", "130102"]})
    with pytest.raises(InputError, match="2 provinces \\(130000, 140000\\)") as caught:
        province_of(counties)
    assert (caught.value.file, caught.value.column) == ("counties", "county")
    assert province_of(counties.iloc[[0]]) == "140000"


def test_emissions_without_activity_name_the_county_sectors():
    panel = pd.DataFrame(
        {
            "county": ["140105", "140106", "140106"],
            "sector": ["A04", "A04", "A04"],
            "year": [2021, 2021, 2020],
            "tco2": [5.0, 5.0, 5.0],
            "activity": [0.0, 1.0, 0.0],
        }
    )
    with pytest.raises(
        InputError, match=r"^monthly: 1 county sectors .* undefined: 140105/A04 \(expected"
    ) as caught:
        require_activity_where_emitting(panel, 2021)
    assert caught.value.file == "monthly"
    assert caught.value.expected == "activity for every county sector that emits"
    require_activity_where_emitting(panel, 2022)


# --- what a nowcast needs -------------------------------------------------------------------------


def test_options_of_a_nowcast_are_checked():
    with pytest.raises(InputError, match="driver_base 'yearly' is unknown") as caught:
        check_option("driver_base", "yearly", ("inventory_year", "same_months"))
    assert caught.value.expected == "inventory_year or same_months"
    for interval in (0.0, 1.0, 1.5):
        with pytest.raises(InputError, match="is not a probability"):
            check_interval(interval)
    check_interval(0.9)


def test_a_nowcast_month_must_follow_the_inventory_years():
    assert checked_nowcast_month(" 2022-03 ", 2021) == (2022, 3)
    with pytest.raises(InputError, match="within the inventory years") as caught:
        checked_nowcast_month("2021-12", 2021)
    assert caught.value.expected == "a month of 2022 or later"
    with pytest.raises(InputError, match="not a calendar month"):
        checked_nowcast_month("2022-3", 2021)


def test_a_county_without_electricity_use_in_the_month_is_named(tables):
    monthly = validate_model_inputs(tables).monthly
    with pytest.raises(InputError, match="no electricity use for 2022-02 in 1 counties: 140107"):
        require_counties_in_month(monthly, ["140105", "140107"], 2022, 2)
    require_counties_in_month(monthly, ["140105", "140106"], 2022, 2)


# --- day tables -----------------------------------------------------------------------------------


@pytest.fixture
def days() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "county": ["140105", "140106"],
            "industry": ["A04", "A02.3"],
            "day": ["2022-07-01", "2022-07-02"],
            "kwh": [1.0, 2.0],
        }
    )


def test_a_good_day_table_gets_its_model_sector(days):
    table, parsed, kwh = check_day_table(days, ["140105", "140106"])
    assert table["sector"].tolist() == ["A04", "A02.3"]
    assert parsed.dt.day.tolist() == [1, 2]
    assert kwh.tolist() == [1.0, 2.0]


def test_a_day_table_without_a_column_is_refused(days):
    with pytest.raises(InputError, match="missing columns \\['day'\\]") as caught:
        check_day_table(days.drop(columns="day"), ["140105", "140106"])
    assert caught.value.expected == "county, industry, day, kwh"


def test_a_day_table_county_outside_the_model_names_its_row(days):
    with pytest.raises(UnknownNameInTable, match="not in the fitted model") as caught:
        check_day_table(days, ["140105"])
    assert (caught.value.row, caught.value.column) == (3, "county")


@pytest.mark.parametrize(
    ("column", "value", "message", "expected"),
    [
        ("day", "July 1st", "is not a date", "YYYY-MM-DD"),
        ("kwh", -3, "is not an amount", "a finite number ≥ 0"),
    ],
)
def test_a_bad_day_or_amount_names_its_row(days, column, value, message, expected):
    bad = days.astype({column: object})
    bad.loc[1, column] = value
    with pytest.raises(InputError, match=message) as caught:
        check_day_table(bad, ["140105", "140106"])
    assert (caught.value.file, caught.value.row, caught.value.column) == ("day table", 3, column)
    assert caught.value.expected == expected
