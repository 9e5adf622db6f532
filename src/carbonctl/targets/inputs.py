"""The regional table an allocation (目标分解) starts from: built from a platform's figures
(:func:`allocation_table`), or read from CSV/XLSX and checked, every problem located by
spreadsheet row (header = row 1) and column, all in one pass."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from carbonctl.errors import InputError, InputErrors
from carbonctl.indicators.regional import (
    complete_figures,
    persons,
    project_gdp,
    regional_indicators,
)
from carbonctl.indicators.schedule import PLAN_LENGTH
from carbonctl.io.readers import read_table

__all__ = [
    "BASE_COLUMNS",
    "DEA_INPUT_COLUMNS",
    "FIGURE_COLUMNS",
    "INPUT_NAMES",
    "allocation_table",
    "check_target",
    "read_allocation_input",
    "validate_allocation_input",
]

#: Columns every allocation needs: population, GDP of the base year and of the plan's last year
#: (constant base-year prices), base-year CO2 (tCO2 in the CLI contract).
BASE_COLUMNS: tuple[str, ...] = ("region", "population", "gdp_base", "gdp_target", "co2_base")
#: Inputs of ZSG-DEA that are not contracted (labour, capital stock, energy).
DEA_INPUT_COLUMNS: tuple[str, ...] = ("labor", "capital", "energy")

#: What a method may need beyond the base columns, in words, for a page that says why a method
#: cannot run on the data at hand and what would let it: table columns and options a person sets.
INPUT_NAMES: dict[str, tuple[str, str]] = {
    "labor": ("从业人员（万人）", "employment (10^4 persons)"),
    "capital": ("资本存量（亿元，可比价）", "capital stock (10^8 yuan, constant prices)"),
    "energy": ("能源消费量（万吨标准煤）", "energy consumption (10^4 tce)"),
    "mac": ("边际减排成本（元/吨二氧化碳）", "marginal abatement cost (yuan per tCO2)"),
    "weights": ("由人设定的各指标权重", "indicator weights set by a person"),
}

#: What :func:`allocation_table` takes, one row per region: population, GDP at constant
#: base-year prices, CO2 (tCO2) and CO2 from coal (tCO2, optional).
FIGURE_COLUMNS: tuple[str, ...] = ("region", "population", "gdp_constant", "co2_tco2", "coal_tco2")

# What a good value of each column looks like, for the error messages.
_EXPECTED = {
    "region": "a region name, once per table",
    "population": "a number greater than 0",
    "gdp_base": "a number greater than 0",
    "gdp_target": "a number greater than 0",
    "co2_base": "a number 0 or greater",
    "labor": "a number greater than 0",
    "capital": "a number greater than 0",
    "energy": "a number greater than 0",
}
_POSITIVE = ("population", "gdp_base", "gdp_target", *DEA_INPUT_COLUMNS)


def check_target(target: float) -> float:
    """The province's intensity-reduction target R (强度下降目标) as a float in (0, 1)."""
    try:
        value = float(target)
    except (TypeError, ValueError):
        value = float("nan")
    if not (0.0 < value < 1.0):
        raise InputErrors(
            [
                InputError(
                    f"target {target!r} is outside (0, 1)",
                    column="target",
                    expected="an intensity reduction such as 0.17 for 17%",
                )
            ]
        )
    return value


def _spreadsheet_rows(table: pd.DataFrame) -> np.ndarray:
    """Row numbers a person sees: the index of :func:`read_table` output, else position + 2."""
    if table.index.name == "row" and pd.api.types.is_integer_dtype(table.index):
        return table.index.to_numpy(dtype=np.int64)
    return np.arange(2, len(table) + 2, dtype=np.int64)


def _is_blank(values: pd.Series) -> np.ndarray:
    text = values.astype("string")
    return (values.isna() | (text.str.strip() == "")).to_numpy(dtype=bool)


def validate_allocation_input(
    table: pd.DataFrame,
    *,
    indicators: Iterable[str] = (),
    dea: bool = False,
    source: str | None = None,
) -> pd.DataFrame:
    """Check a regional table and return it clean: ``region`` as text, numbers as floats, in the
    order given, with a fresh index.

    Required: ``region, population, gdp_base, gdp_target, co2_base``; ``indicators`` and, with
    ``dea``, ``labor, capital, energy`` too. Region names must be present and unique, population,
    GDP and DEA inputs greater than 0, emissions 0 or more, indicators numbers. Other columns are
    kept as they are. Raises :class:`InputErrors` naming row (header = 1) and column.
    """
    indicators = list(dict.fromkeys(indicators))
    wanted = [*BASE_COLUMNS, *(DEA_INPUT_COLUMNS if dea else ()), *indicators]
    wanted = list(dict.fromkeys(wanted))
    errors: list[InputError] = []
    missing = [c for c in wanted if c not in table.columns]
    for column in missing:
        errors.append(
            InputError(
                "column is missing",
                file=source,
                row=1,
                column=column,
                expected=f"a header {column!r} in row 1",
            )
        )
    if missing:
        raise InputErrors(errors)
    if len(table) == 0:
        raise InputErrors(
            [InputError("no regions", file=source, row=2, expected="one region per row")]
        )

    rows = _spreadsheet_rows(table)
    clean = table.reset_index(drop=True).copy()
    # located problems: (row, column order, error)
    found: list[tuple[int, int, InputError]] = []

    def add(positions: Sequence[int] | np.ndarray, column: str, message: str) -> None:
        for p in positions:
            found.append(
                (
                    int(rows[p]),
                    wanted.index(column),
                    InputError(
                        message.format(value=clean[column].iloc[p]),
                        file=source,
                        row=int(rows[p]),
                        column=column,
                        expected=_EXPECTED.get(column, "a number"),
                    ),
                )
            )

    names = clean["region"]
    blank = _is_blank(names)
    add(np.flatnonzero(blank), "region", "region name is blank")
    text = names.astype("string").str.strip()
    duplicated = text.duplicated(keep="first").to_numpy(dtype=bool) & ~blank
    for p in np.flatnonzero(duplicated):
        first = int(rows[int(np.flatnonzero((text == text.iloc[p]).to_numpy(dtype=bool))[0])])
        add([p], "region", f"region {{value!r}} is listed twice (first in row {first})")
    clean["region"] = text.astype(object)

    for column in wanted[1:]:
        raw = clean[column]
        empty = _is_blank(raw)
        numbers = pd.to_numeric(raw, errors="coerce").astype("float64")
        finite = np.isfinite(numbers.to_numpy())
        add(np.flatnonzero(empty), column, f"{column} is blank")
        add(np.flatnonzero(~empty & ~finite), column, "{value!r} is not a number")
        values = numbers.to_numpy()
        if column in _POSITIVE:
            add(np.flatnonzero(finite & (values <= 0)), column, "{value} is not greater than 0")
        elif column == "co2_base":
            add(np.flatnonzero(finite & (values < 0)), column, "{value} is negative")
        clean[column] = numbers
    if found:
        found.sort(key=lambda item: (item[0], item[1]))
        raise InputErrors([error for _, _, error in found])
    return clean


def read_allocation_input(
    path: str | Path,
    *,
    sheet: str | None = None,
    indicators: Iterable[str] = (),
    dea: bool = False,
) -> pd.DataFrame:
    """Read a regional table from CSV or XLSX (UTF-8/GBK, see :func:`carbonctl.io.read_table`)
    and check it with :func:`validate_allocation_input`; errors name the file, row and column."""
    table = read_table(path, sheet)
    duplicated = table.columns[table.columns.duplicated()]
    if len(duplicated) > 0:
        raise InputErrors(
            [
                InputError(
                    "header appears twice",
                    file=str(path),
                    row=1,
                    column=str(duplicated[0]),
                    expected="each header once",
                )
            ]
        )
    table.columns = [None if c is None else str(c).strip() for c in table.columns]
    return validate_allocation_input(table, indicators=indicators, dea=dea, source=str(path))


def allocation_table(
    figures: pd.DataFrame,
    annual_growth: float,
    *,
    years: int = PLAN_LENGTH,
    gdp_unit: str = "亿元",
    population_unit: str = "万人",
    where: str = "",
) -> pd.DataFrame:
    """The regional table of an allocation from a platform's base-year figures
    (:data:`FIGURE_COLUMNS`; population in ``population_unit``, GDP at constant prices in
    ``gdp_unit``), regions sorted, those lacking CO2, GDP or population left out:

    ``region, population`` (persons), ``gdp_base`` (in ``gdp_unit``), ``gdp_target`` (the plan's
    last year, :func:`~carbonctl.indicators.regional.project_gdp` at ``annual_growth``),
    ``co2_base`` (tCO2), and the burden indicators of
    :func:`~carbonctl.indicators.regional.regional_indicators` (``gdp_per_capita`` …
    ``non_coal_share``). ``where`` names the figures in the error raised when no region is left
    (:func:`~carbonctl.indicators.regional.complete_figures`).
    """
    usable = complete_figures(figures, where)
    table = regional_indicators(usable, gdp_unit=gdp_unit, population_unit=population_unit)
    base = pd.DataFrame(
        {
            "region": table["region"].astype(str),
            "population": persons(table["population"], population_unit),
            "gdp_base": table["gdp_constant"].astype(float),
            "gdp_target": project_gdp(table["gdp_constant"], annual_growth, years),
            "co2_base": table["co2_tco2"].astype(float),
        }
    )
    indicators = ["coal_share", "gdp_per_capita", "carbon_intensity", "co2_per_capita"]
    return base.join(table[[*indicators, "non_coal_share"]])
