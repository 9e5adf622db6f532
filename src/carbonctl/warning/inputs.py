"""The barometer's input table (晴雨表输入): region, year, base year, five-year target and three
intensities, with English or Chinese headers, read by the shared readers and checked row by row;
every problem names file, row and column."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from carbonctl.indicators.schedule import PLAN_LENGTH
from carbonctl.io.checks import check_control_characters
from carbonctl.io.cleaning import TEXT, clean_text, parse_numbers, per_unique
from carbonctl.io.fields import YEAR_PATTERN, Field
from carbonctl.io.problems import Problems, no_data_rows
from carbonctl.io.readers import read_table
from carbonctl.io.validate import check_headers
from carbonctl.warning.barometer import BAROMETER_COLUMNS

__all__ = ["BAROMETER_FIELDS", "read_barometer_input", "validate_barometer_input"]

_INTENSITY = "a CO2 intensity greater than 0 (any one unit for the three intensities)"
_YEAR_EXPECTED = "a year such as 2026"

#: Columns of the barometer input, English or Chinese headers (地区, 年份, 基准年, 目标, 基准年强度,
#: 上年强度, 本年强度).
BAROMETER_FIELDS: tuple[Field, ...] = (
    Field("region", ("地区",), required=True, expected="the region's name (地区), not blank"),
    Field("year", ("年份",), required=True, expected=_YEAR_EXPECTED),
    Field("base_year", ("基准年",), required=True, expected="the plan's base year, e.g. 2025"),
    Field(
        "target",
        ("目标",),
        required=True,
        expected="the five-year intensity reduction as a fraction in (0, 1), e.g. 0.17 or 17%",
    ),
    Field("intensity_base", ("基准年强度",), "number", required=True, expected=_INTENSITY),
    Field("intensity_previous", ("上年强度",), "number", required=True, expected=_INTENSITY),
    Field("intensity", ("本年强度",), "number", required=True, expected=_INTENSITY),
)
_EXPECTED = {f.name: f.expected for f in BAROMETER_FIELDS}
_YEAR = re.compile(YEAR_PATTERN)


def _spreadsheet_rows(frame: pd.DataFrame, rows: Sequence[int] | None) -> pd.Index:
    """Row numbers a person sees: ``rows``, the index of :func:`read_table` output, else
    position + 2 (row 1 is the header)."""
    if rows is not None:
        numbers = np.asarray(rows, dtype=np.int64)
        if numbers.shape != (len(frame),):
            raise ValueError(f"rows has {numbers.size} numbers for a table of {len(frame)} rows")
    elif frame.index.name == "row" and pd.api.types.is_integer_dtype(frame.index):
        numbers = frame.index.to_numpy(dtype=np.int64)
    else:
        numbers = np.arange(2, len(frame) + 2, dtype=np.int64)
    return pd.Index(numbers, name="row")


def _year(text: object) -> float:
    match = _YEAR.fullmatch(str(text))
    return float(match["year"]) if match else np.nan


def _target(text: object) -> float:
    """0.17 from "0.17" or "17%"; NaN when it is not a number."""
    cell = str(text)
    percent = cell.endswith("%")
    number = parse_numbers(pd.Series([cell.removesuffix("%").strip()], dtype=TEXT)).iloc[0]
    return number / 100.0 if percent else number


def _blank(text: pd.Series, name: str, problems: Problems) -> np.ndarray:
    blank = text.isna().to_numpy(dtype=bool)
    problems.add(text.index.to_numpy()[blank], name, _EXPECTED[name], f"{name} is blank")
    return blank


def _unreadable(
    text: pd.Series, values: np.ndarray, blank: np.ndarray, name: str, problems: Problems, what: str
) -> np.ndarray:
    """Rows whose cell is written but not a finite number (or year): recorded, returned."""
    bad = ~blank & ~np.isfinite(values)
    problems.add_formatted(
        text.index.to_numpy()[bad],
        name,
        _EXPECTED[name],
        "{value!r} is not " + what,
        value=text[bad].astype(object),
    )
    return bad


def validate_barometer_input(
    frame: pd.DataFrame, source: str = "<table>", *, rows: Sequence[int] | None = None
) -> pd.DataFrame:
    """Check a barometer input table and return it clean, one row per region and year.

    Headers: ``region, year, base_year, target, intensity_base, intensity_previous, intensity``
    or ``地区, 年份, 基准年, 目标, 基准年强度, 上年强度, 本年强度`` (case and spacing do not
    matter; other columns are ignored). ``target`` is a fraction (0.17) or a percentage written
    with % (17%); a bare 17 is an error asking for a fraction. Years are whole years with
    base_year ≤ year ≤ base_year + 5; intensities finite numbers above 0; regions not blank and
    each region-year once. Rows are numbered as a spreadsheet shows them (header = row 1).

    Returns ``row_id`` and :data:`~carbonctl.warning.barometer.BAROMETER_COLUMNS` (region as
    given but trimmed, years int64, the rest float64); ``attrs["source_file"]`` is ``source``.
    Raises :class:`~carbonctl.errors.InputErrors` listing every problem, located.
    """
    positions = check_headers(list(frame.columns), BAROMETER_FIELDS, source)
    if len(frame) == 0:
        raise no_data_rows(source, "one row per region and year below the header")
    frame = frame.set_axis(_spreadsheet_rows(frame, rows), axis=0)
    problems = Problems(source, [f.name for f in BAROMETER_FIELDS])
    by_position = {p: name for name, p in positions.items()}
    check_control_characters(
        frame,
        [by_position.get(p, f"column {p + 1}") for p in range(frame.shape[1])],
        problems,
    )
    # The region is kept as written (only trimmed): it is the warning's subject.
    text = {
        f.name: clean_text(frame.iloc[:, positions[f.name]], nfkc=f.name != "region")
        for f in BAROMETER_FIELDS
    }
    rows_index = frame.index.to_numpy()
    blank = {name: _blank(column, name, problems) for name, column in text.items()}

    numbers: dict[str, np.ndarray] = {}
    for name in ("year", "base_year"):
        numbers[name] = per_unique(text[name], _year, missing=np.nan).astype("float64")
        _unreadable(text[name], numbers[name], blank[name], name, problems, "a year (e.g. 2026)")
    target = per_unique(text["target"], _target, missing=np.nan).astype("float64")
    written = text["target"].astype(object).to_numpy()
    bare_percent = (
        ~blank["target"]
        & np.isfinite(target)
        & (target >= 1.0)
        & (target < 100.0)
        & ~np.array([str(t).endswith("%") for t in written], dtype=bool)
    )
    problems.add_formatted(
        rows_index[bare_percent],
        "target",
        _EXPECTED["target"],
        "{value} is not a fraction: write {fraction:g} (or {value}%) for a {value}% reduction",
        value=written[bare_percent],
        fraction=target[bare_percent] / 100.0,
    )
    bad_target = _unreadable(
        text["target"], target, blank["target"], "target", problems, "a number"
    )
    outside = ~blank["target"] & ~bad_target & ~bare_percent & ~((target > 0) & (target < 1))
    problems.add_formatted(
        rows_index[outside],
        "target",
        _EXPECTED["target"],
        "{value!r} is outside (0, 1)",
        value=written[outside],
    )
    for name in ("intensity_base", "intensity_previous", "intensity"):
        values = parse_numbers(text[name]).to_numpy(dtype="float64")
        numbers[name] = values
        infinite = np.isinf(values)
        problems.add_formatted(
            rows_index[infinite],
            name,
            _EXPECTED[name],
            "{value!r} is too large to be a number",
            value=text[name][infinite].astype(object),
        )
        unreadable = ~blank[name] & np.isnan(values)
        problems.add_formatted(
            rows_index[unreadable],
            name,
            _EXPECTED[name],
            "{value!r} is not a number",
            value=text[name][unreadable].astype(object),
        )
        not_positive = np.isfinite(values) & (values <= 0)
        problems.add_formatted(
            rows_index[not_positive],
            name,
            _EXPECTED[name],
            "{value!r} is not greater than 0",
            value=text[name][not_positive].astype(object),
        )

    year, base_year = numbers["year"], numbers["base_year"]
    both = np.isfinite(year) & np.isfinite(base_year)
    early = both & (year < base_year)
    problems.add_formatted(
        rows_index[early],
        "year",
        f"a year from base_year to base_year + {PLAN_LENGTH}",
        "year {year:.0f} is before the base year {base:.0f}",
        year=year[early],
        base=base_year[early],
    )
    late = both & (year > base_year + PLAN_LENGTH)
    problems.add_formatted(
        rows_index[late],
        "year",
        f"a year from base_year to base_year + {PLAN_LENGTH} (one five-year plan)",
        "year {year:.0f} is after {last:.0f}, the last year of the plan with base year {base:.0f}",
        year=year[late],
        last=base_year[late] + PLAN_LENGTH,
        base=base_year[late],
    )
    regions = text["region"]
    keyed = pd.DataFrame({"region": regions, "year": year}).loc[
        ~blank["region"] & np.isfinite(year)
    ]
    repeated = keyed.duplicated(keep="first").to_numpy(dtype=bool)
    if repeated.any():
        first = (
            keyed.reset_index().groupby(["region", "year"], sort=False)["row"].transform("first")
        )
        problems.add_formatted(
            keyed.index.to_numpy()[repeated],
            "region",
            "one row per region and year",
            "region {region!r} and year {year:.0f} are already in row {first}",
            region=keyed["region"].to_numpy(dtype=object)[repeated],
            year=keyed["year"].to_numpy()[repeated],
            first=first.to_numpy()[repeated],
        )
    problems.raise_if_any()

    table = pd.DataFrame(
        {
            "row_id": rows_index.astype(np.int64),
            "region": regions.astype(object).to_numpy(),
            "year": year.astype(np.int64),
            "base_year": base_year.astype(np.int64),
            "target": target,
            "intensity_base": numbers["intensity_base"],
            "intensity_previous": numbers["intensity_previous"],
            "intensity": numbers["intensity"],
        }
    )
    assert list(table.columns[1:]) == list(BAROMETER_COLUMNS)
    table.attrs["source_file"] = source
    return table


def read_barometer_input(path: str | Path, sheet: str | None = None) -> pd.DataFrame:
    """Read a barometer input file (CSV in UTF-8 or GBK, or XLSX; see
    :func:`carbonctl.io.read_table`) and check it with :func:`validate_barometer_input`;
    errors name the file, the spreadsheet row (header = 1) and the column."""
    table = read_table(path, sheet)
    return validate_barometer_input(table, str(path))
