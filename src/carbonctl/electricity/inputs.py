"""The tables a province hands the electricity–carbon model (电碳模型输入) and their checks: every
problem names the table, the row (header = row 1) or column, and what was expected.

Method note: ``docs/methodology/electricity-carbon.md`` §1 (what the tables hold) and §4 (what a
nowcast month needs).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from carbonctl import refdata
from carbonctl.electricity.schema import (
    DISPATCH_FUELS,
    OUTPUT_PRODUCTS,
    model_sector_of,
    model_sectors,
    month_parts,
    nonnegative_amounts,
    parse_month,
)
from carbonctl.errors import InputError, UnknownNameError

__all__ = [
    "AMOUNT_COLUMNS",
    "DAY_COLUMNS",
    "TABLE_COLUMNS",
    "ModelInputs",
    "UnknownNameInTable",
    "check_day_table",
    "check_interval",
    "check_names",
    "check_option",
    "checked_nowcast_month",
    "inventory_years",
    "province_of",
    "require_activity_where_emitting",
    "require_counties_in_month",
    "require_months",
    "validate_model_inputs",
]

#: The columns of each table of :class:`ModelInputs`, in order.
TABLE_COLUMNS: Final = {
    "counties": ("county", "city"),
    "annual": ("county", "sector", "year", "tco2"),
    "monthly": ("county", "sector", "month", "kwh"),
    "generation": ("county", "month", "fuel", "mwh"),
    "output": ("city", "month", "product", "amount"),
}
#: The amount column of each table (a finite number ≥ 0).
AMOUNT_COLUMNS: Final = {
    "annual": "tco2",
    "monthly": "kwh",
    "generation": "mwh",
    "output": "amount",
}
#: How many missing months an error lists before it says "…".
_MONTHS_SHOWN: Final = 6
#: How many counties or county sectors an error lists.
_CELLS_SHOWN: Final = 5


@dataclass(frozen=True)
class ModelInputs:
    """The observable tables the model uses (never any CO2 truth).

    ``counties`` (county, city), ``annual`` inventory (county, sector, year, tco2), ``monthly``
    electricity use (county, sector, month, kwh), ``generation`` (county, month, fuel, mwh) and
    ``output`` (city, month, product, amount). Sectors are model-sector codes; months ``YYYY-MM``.
    """

    counties: pd.DataFrame
    annual: pd.DataFrame
    monthly: pd.DataFrame
    generation: pd.DataFrame
    output: pd.DataFrame


class UnknownNameInTable(UnknownNameError, InputError):
    """A county, sector, fuel or product in a model table that nobody knows, located by table,
    row (header = row 1) and column. Both an :class:`UnknownNameError` and an :class:`InputError`,
    so readers that re-locate input errors (a file path for the table name) can do so."""

    def __init__(
        self,
        kind: str,
        name: object,
        suggestions: Sequence[str] = (),
        *,
        file: str,
        row: int,
        column: str,
        expected: str,
    ) -> None:
        UnknownNameError.__init__(self, kind, name, suggestions)
        detail = self.args[0]
        InputError.__init__(self, detail, file=file, row=row, column=column, expected=expected)


# --- the tables -----------------------------------------------------------------------------------


def validate_model_inputs(data: ModelInputs) -> ModelInputs:
    """The tables of ``data`` checked and cleaned: only the columns of :data:`TABLE_COLUMNS`,
    names as text, amounts as floats, ``year`` as int; adds integer ``year`` and ``mno`` (month
    number) columns to the monthly tables.

    Raises :class:`InputError` for a missing table or column, a county listed twice, a malformed
    year or month, a negative or missing amount, and :class:`UnknownNameInTable` for counties,
    cities, sectors, fuels or products nobody knows.
    """
    tables = _required_columns(data)
    counties = _counties(tables["counties"])
    known = set(counties["county"])
    for name in ("annual", "monthly", "generation"):
        table = tables[name]
        table["county"] = table["county"].astype(str)
        check_names(
            table["county"], known, "county", name, expected="a county of the counties table"
        )
    tables["output"]["city"] = tables["output"]["city"].astype(str)
    check_names(
        tables["output"]["city"],
        set(counties["city"]),
        "city",
        "output",
        expected="a city of the counties table",
    )
    codes = {s.code for s in model_sectors()}
    for name in ("annual", "monthly"):
        tables[name]["sector"] = tables[name]["sector"].astype(str)
        check_names(
            tables[name]["sector"],
            codes,
            "model sector",
            name,
            column="sector",
            expected="a model sector of electricity/data/model_sectors.csv",
        )
    check_names(
        tables["generation"]["fuel"],
        set(DISPATCH_FUELS),
        "generation fuel",
        "generation",
        column="fuel",
        expected=f"one of {', '.join(DISPATCH_FUELS)}",
    )
    check_names(
        tables["output"]["product"],
        set(OUTPUT_PRODUCTS),
        "output product",
        "output",
        column="product",
        expected=f"one of {', '.join(OUTPUT_PRODUCTS)}",
    )
    for name, column in AMOUNT_COLUMNS.items():
        tables[name][column] = nonnegative_amounts(tables[name][column], name, column)
    annual = tables["annual"]
    annual["year"] = _years(annual["year"])
    for name in ("monthly", "generation", "output"):
        tables[name] = _with_month_parts(tables[name], name)
    return ModelInputs(
        counties=counties.reset_index(drop=True),
        annual=annual,
        monthly=tables["monthly"],
        generation=tables["generation"],
        output=tables["output"],
    )


def _required_columns(data: ModelInputs) -> dict[str, pd.DataFrame]:
    """A copy of each table with only its :data:`TABLE_COLUMNS`, all of which must be there."""
    tables = {}
    for name, columns in TABLE_COLUMNS.items():
        table = getattr(data, name, None)
        if not isinstance(table, pd.DataFrame):
            raise InputError(f"no {name} table", expected=f"a table with {', '.join(columns)}")
        missing = [c for c in columns if c not in table.columns]
        if missing:
            raise InputError(f"missing columns {missing}", file=name, expected=", ".join(columns))
        tables[name] = table[list(columns)].copy()
    return tables


def _counties(table: pd.DataFrame) -> pd.DataFrame:
    """The counties table as text, each county once."""
    counties = table.astype(str)
    twice = counties["county"].duplicated()
    if twice.any():
        at = int(np.flatnonzero(twice.to_numpy())[0])
        raise InputError(
            f"county {counties['county'].iloc[at]} is listed twice",
            file="counties",
            row=at + 2,
            column="county",
            expected="each county once",
        )
    return counties


def _years(values: pd.Series) -> pd.Series:
    """The annual table's years as int; :class:`InputError` names the first that is not one."""
    years = pd.to_numeric(values, errors="coerce")
    if years.isna().any() or (years % 1 != 0).any():
        bad = int(np.flatnonzero((years.isna() | (years % 1 != 0)).to_numpy())[0])
        raise InputError(
            f"year {values.iloc[bad]!r} is not a year",
            file="annual",
            row=bad + 2,
            column="year",
            expected="an integer such as 2023",
        )
    return years.astype(int)


def _with_month_parts(table: pd.DataFrame, name: str) -> pd.DataFrame:
    year, mno = month_parts(table["month"], name)
    return table.assign(month=table["month"].astype(str), year=year, mno=mno)


def check_names(
    values: pd.Series,
    known: Iterable[str],
    kind: str,
    table: str,
    *,
    column: str | None = None,
    expected: str | None = None,
) -> None:
    """Refuse the first (alphabetically) of ``values`` not in ``known`` with an
    :class:`UnknownNameInTable` that names ``table``, its first row (header = row 1) and
    ``column`` (default: ``kind``'s first word) and suggests close matches."""
    known = set(known)
    unknown = sorted(set(values.unique()) - known)
    if not unknown:
        return
    name = unknown[0]
    row = int(np.flatnonzero((values == name).to_numpy())[0]) + 2
    raise UnknownNameInTable(
        kind,
        name,
        refdata.close_matches(name, known),
        file=table,
        row=row,
        column=column or kind.split()[0],
        expected=expected or f"a known {kind}",
    )


# --- what a fit or a nowcast needs ----------------------------------------------------------------


def inventory_years(annual: pd.DataFrame, through_year: int) -> list[int]:
    """The consecutive inventory years ending at ``through_year`` (the source year T) that a fit
    uses; :class:`InputError` unless the annual table has T and T − 1 (a coefficient change)."""
    years = sorted(int(y) for y in annual["year"].unique())
    if through_year not in years:
        raise InputError(
            f"no annual inventory for {through_year}; the inventory covers {_span(years)}",
            file="annual",
            column="year",
            expected=f"rows of year {through_year}",
        )
    if through_year - 1 not in years:
        raise InputError(
            f"fitting through {through_year} needs the inventory of {through_year - 1} as well, "
            "to see how the coefficients change",
            file="annual",
            column="year",
            expected=f"rows of year {through_year - 1}",
        )
    first = through_year
    while first - 1 in years:
        first -= 1
    return list(range(first, through_year + 1))


def _span(years: list[int]) -> str:
    return f"{years[0]}–{years[-1]}" if years else "no years"


def require_months(table: pd.DataFrame, periods: pd.DataFrame, name: str, what: str) -> None:
    """Refuse ``table`` (with ``year``, ``mno``) unless it has rows for every (year, mno) of
    ``periods``; the error lists the missing months."""
    have = set(np.unique(table["year"].to_numpy() * 100 + table["mno"].to_numpy()).tolist())
    wanted = zip(periods["year"], periods["mno"], strict=True)
    missing = [f"{y}-{m:02d}" for y, m in wanted if y * 100 + m not in have]
    if missing:
        shown = ", ".join(missing[:_MONTHS_SHOWN]) + (" …" if len(missing) > _MONTHS_SHOWN else "")
        raise InputError(
            f"no {what} for {shown}",
            file=name,
            column="month",
            expected="rows for every month the model uses",
        )


def province_of(counties: pd.DataFrame) -> str:
    """The province adcode (first two digits + 0000) all ``counties`` belong to."""
    provinces = sorted({c[:2] + "0000" for c in counties["county"]})
    if len(provinces) != 1:
        raise InputError(
            f"the counties belong to {len(provinces)} provinces "
            f"({', '.join(provinces[:_CELLS_SHOWN])})",
            file="counties",
            column="county",
            expected="counties of one province",
        )
    return provinces[0]


def require_activity_where_emitting(panel: pd.DataFrame, through_year: int) -> None:
    """Refuse a county sector with inventory CO2 but no activity in the source year: its
    carbon–electricity coefficient k = E / A (碳电系数, method note §1) is undefined.
    ``panel``: county, sector, year, tco2, activity."""
    missing = panel[(panel["year"] == through_year) & (panel["tco2"] > 0)]
    missing = missing[missing["activity"] <= 0]
    if not missing.empty:
        cells = ", ".join(f"{r.county}/{r.sector}" for r in missing.head(_CELLS_SHOWN).itertuples())
        raise InputError(
            f"{len(missing)} county sectors have inventory CO2 in {through_year} but no "
            f"electricity use or generation, so their coefficient is undefined: {cells}",
            file="monthly",
            expected="activity for every county sector that emits",
        )


def check_option(name: str, value: object, allowed: Sequence[str]) -> None:
    """Refuse ``value`` of the option ``name`` unless it is one of ``allowed``."""
    if value not in allowed:
        raise InputError(f"{name} {value!r} is unknown", expected=" or ".join(allowed))


def check_interval(interval: float) -> None:
    """Refuse an interval probability outside (0, 1)."""
    if not 0.0 < interval < 1.0:
        raise InputError(f"interval {interval!r} is not a probability", expected="0 < interval < 1")


def checked_nowcast_month(month: object, through_year: int) -> tuple[int, int]:
    """Year and month number of a ``YYYY-MM`` month after the inventory years (a nowcast month)."""
    year, mno = parse_month(month)
    if year <= through_year:
        raise InputError(
            f"month {year}-{mno:02d} is within the inventory years (the model is fitted through "
            f"{through_year}); nowcasts are for later months",
            expected=f"a month of {through_year + 1} or later",
        )
    return year, mno


def require_counties_in_month(
    monthly: pd.DataFrame, counties: Iterable[str], year: int, mno: int
) -> None:
    """Refuse electricity use that lacks any of ``counties`` in month ``mno`` of ``year``."""
    month = monthly[(monthly["year"] == year) & (monthly["mno"] == mno)]
    absent = sorted(set(counties) - set(month["county"]))
    if absent:
        raise InputError(
            f"no electricity use for {year}-{mno:02d} in {len(absent)} counties: "
            f"{', '.join(absent[:_CELLS_SHOWN])}",
            file="monthly",
            column="county",
            expected="every county of the fitted model in every month",
        )


# --- daily figures --------------------------------------------------------------------------------

#: The columns of a day table (日度用电表).
DAY_COLUMNS: Final = ("county", "industry", "day", "kwh")


def check_day_table(
    day_table: pd.DataFrame, counties: Iterable[str]
) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """A checked copy of a day table (county, industry, day, kwh) with county as text and the
    model ``sector`` of each industry, its days as timestamps and its kwh as floats.

    Refuses missing columns, counties not in ``counties`` (those of the fitted model), industries
    without one model sector (:func:`schema.model_sector_of`), days that are not dates and
    amounts that are missing or negative; each error names the row and column.
    """
    missing = [c for c in DAY_COLUMNS if c not in day_table.columns]
    if missing:
        raise InputError(
            f"missing columns {missing}", file="day table", expected=", ".join(DAY_COLUMNS)
        )
    table = day_table.copy()
    table["county"] = table["county"].astype(str)
    check_names(
        table["county"],
        counties,
        "county (not in the fitted model)",
        "day",
        expected="a county the model was fitted on",
    )
    industries = table["industry"].astype(str)
    sector_of = {code: model_sector_of(code) for code in industries.unique()}
    table["sector"] = industries.map(sector_of)
    days = pd.to_datetime(table["day"], errors="coerce")
    if days.isna().any():
        row = int(np.flatnonzero(days.isna().to_numpy())[0])
        raise InputError(
            f"day {table['day'].iloc[row]!r} is not a date",
            file="day table",
            row=row + 2,
            column="day",
            expected="YYYY-MM-DD",
        )
    kwh = nonnegative_amounts(table["kwh"], "day table", "kwh")
    return table, days, kwh
