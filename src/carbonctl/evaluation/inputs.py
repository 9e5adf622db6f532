"""Reading and validating assessment inputs: the region × indicator table, a weights file
(indicator, weight) or an AHP pairwise comparison matrix (判断矩阵). Errors name row and column."""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd

from carbonctl.errors import InputError, InputErrors
from carbonctl.io.readers import read_table

__all__ = [
    "REGION",
    "WeightsInput",
    "read_evaluation_input",
    "read_weights",
    "validate_evaluation_table",
]

#: The column naming the region (city, county) in an evaluation input table.
REGION = "region"

_WEIGHT_SUM_TOL = 1e-6


def _number(text: object) -> float | None:
    """A cell as a finite float; fractions such as ``1/3`` are accepted (AHP judgements)."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return None
    if isinstance(text, int | float | np.number):
        value = float(text)
    else:
        cleaned = str(text).strip()
        if not cleaned:
            return None
        try:
            value = float(Fraction(cleaned)) if "/" in cleaned else float(cleaned)
        except (ValueError, ZeroDivisionError):
            return None
    return value if math.isfinite(value) else None


def _blank(value: object) -> bool:
    return (
        value is None or (isinstance(value, float) and math.isnan(value)) or not str(value).strip()
    )


def validate_evaluation_table(
    table: pd.DataFrame, file: str | None = None, rows: Sequence[int] | None = None
) -> pd.DataFrame:
    """Check a ``region`` + indicator-columns table and return it with float indicator columns
    (index 0..n-1, ``region`` first).

    ``rows`` are the spreadsheet row numbers of the table's rows (header = row 1); by default
    row 2 onwards. Collects every problem and raises one :class:`~carbonctl.errors.InputErrors`:
    missing ``region`` column, blank or repeated region, blank or repeated header, no indicator,
    fewer than two regions, non-numeric or missing value, constant indicator (zero range).
    """
    row_numbers = list(rows) if rows is not None else list(range(2, len(table) + 2))
    headers = [None if _blank(h) else str(h).strip() for h in table.columns]
    errors: list[InputError] = []
    if REGION not in headers:
        raise InputErrors(
            [
                InputError(
                    "no region column",
                    file=file,
                    row=1,
                    column=REGION,
                    expected="a header 'region' and one column per indicator",
                )
            ]
        )
    for position, header in enumerate(headers):
        if header is None:
            errors.append(
                InputError(
                    f"blank header in column {position + 1}",
                    file=file,
                    row=1,
                    expected="an indicator name",
                )
            )
        elif headers.index(header) != position:
            errors.append(
                InputError(
                    "repeated column", file=file, row=1, column=header, expected="unique headers"
                )
            )
    if errors:
        raise InputErrors(errors)
    indicators = [h for h in headers if h != REGION]
    if not indicators:
        errors.append(
            InputError(
                "no indicator columns", file=file, row=1, expected="one column per indicator"
            )
        )
    if len(table) < 2:
        errors.append(
            InputError(f"{len(table)} region(s)", file=file, expected="at least two regions")
        )
    data = table.set_axis(headers, axis=1)
    first_row: dict[str, int] = {}
    regions = []
    for row, value in zip(row_numbers, data[REGION], strict=True):
        name = "" if _blank(value) else str(value).strip()
        regions.append(name)
        if not name:
            errors.append(
                InputError("missing region", file=file, row=row, column=REGION, expected="a name")
            )
        elif name in first_row:
            errors.append(
                InputError(
                    f"region {name!r} repeated (first in row {first_row[name]})",
                    file=file,
                    row=row,
                    column=REGION,
                    expected="one row per region",
                )
            )
        else:
            first_row[name] = row
    values: dict[str, list[float]] = {}
    for indicator in indicators:
        column = []
        for row, cell in zip(row_numbers, data[indicator], strict=True):
            number = _number(cell)
            if number is None:
                shown = "missing value" if _blank(cell) else f"{cell!r} is not a number"
                errors.append(
                    InputError(
                        shown, file=file, row=row, column=indicator, expected="a finite number"
                    )
                )
                number = math.nan
            column.append(number)
        values[indicator] = column
        finite = [v for v in column if not math.isnan(v)]
        if len(finite) == len(column) >= 2 and min(finite) == max(finite):
            errors.append(
                InputError(
                    f"indicator {indicator!r} has the same value ({finite[0]:g}) for every "
                    "region (zero range), so it cannot tell regions apart",
                    file=file,
                    column=indicator,
                    expected="at least two different values, or drop the indicator",
                )
            )
    if errors:
        raise InputErrors(errors)
    result = pd.DataFrame({REGION: regions, **values})
    if file is not None:
        result.attrs["source_file"] = file
    return result


def read_evaluation_input(path: str | Path, sheet: str | None = None) -> pd.DataFrame:
    """Read an assessment input (CSV or XLSX): a ``region`` column and one numeric column per
    indicator, one row per region. Returns the validated table (see
    :func:`validate_evaluation_table`); errors name the spreadsheet row (header = 1) and column.
    """
    table = read_table(path, sheet)
    return validate_evaluation_table(table, str(path), rows=table.index.to_list())


@dataclass(frozen=True)
class WeightsInput:
    """A weights file: either fixed ``weights`` (indicator → weight) or an ``ahp_matrix``."""

    weights: pd.Series | None = None
    ahp_matrix: pd.DataFrame | None = None


def _unknown(
    names: Sequence[tuple[int, str]],
    indicators: Collection[str] | None,
    file: str,
    column: str,
) -> list[InputError]:
    if indicators is None:
        return []
    known = set(indicators)
    return [
        InputError(
            f"unknown indicator {name!r}",
            file=file,
            row=row,
            column=column,
            expected=f"one of {', '.join(sorted(known))}",
        )
        for row, name in names
        if name not in known
    ]


def read_weights(
    path: str | Path, indicators: Collection[str] | None = None, sheet: str | None = None
) -> WeightsInput:
    """Read a weights file (CSV or XLSX) in one of two layouts:

    - **weights**: header ``indicator,weight`` (other columns such as ``source`` are ignored),
      one row per indicator, weights >= 0 summing to 1 (±1e-6);
    - **AHP matrix**: the first header cell blank or ``indicator``, the other headers the
      indicators, and the same indicators in the same order down the first column; cells are
      judgements on Saaty's 1-9 scale, fractions such as ``1/3`` allowed.

    With ``indicators`` (the input table's columns), names outside it are errors.
    """
    source = str(path)
    table = read_table(path, sheet)
    rows = table.index.to_list()
    headers = ["" if _blank(h) else str(h).strip() for h in table.columns]
    data = table.set_axis(headers, axis=1)
    errors: list[InputError] = []
    if "indicator" in headers and "weight" in headers:
        names: list[tuple[int, str]] = []
        weights: dict[str, float] = {}
        for row, name, cell in zip(rows, data["indicator"], data["weight"], strict=True):
            name = "" if _blank(name) else str(name).strip()
            number = _number(cell)
            if not name or name in weights:
                errors.append(
                    InputError(
                        f"indicator {name!r} is blank or repeated",
                        file=source,
                        row=row,
                        column="indicator",
                        expected="one row per indicator",
                    )
                )
                continue
            if number is None or number < 0:
                errors.append(
                    InputError(
                        f"weight {cell!r}",
                        file=source,
                        row=row,
                        column="weight",
                        expected="a number >= 0",
                    )
                )
                continue
            names.append((row, name))
            weights[name] = number
        errors += _unknown(names, indicators, source, "indicator")
        total = math.fsum(weights.values())
        if not errors and abs(total - 1.0) > _WEIGHT_SUM_TOL:
            errors.append(
                InputError(
                    f"weights sum to {total:.6g}",
                    file=source,
                    column="weight",
                    expected="weights summing to 1",
                )
            )
        if errors:
            raise InputErrors(errors)
        return WeightsInput(weights=pd.Series(weights, dtype=float, name="weight"))

    if headers and headers[0] in ("", "indicator"):
        labels = headers[1:]
        row_labels = ["" if _blank(v) else str(v).strip() for v in data.iloc[:, 0]]
        if row_labels != labels:
            raise InputErrors(
                [
                    InputError(
                        f"row labels {row_labels} differ from column labels {labels}",
                        file=source,
                        column=headers[0] or "A",
                        expected="an AHP matrix with the same indicators, in the same order, "
                        "down the first column as across row 1",
                    )
                ]
            )
        errors += _unknown(list(zip(rows, row_labels, strict=True)), indicators, source, "A")
        matrix = np.full((len(labels), len(labels)), math.nan)
        for i, row in enumerate(rows):
            for j, label in enumerate(labels):
                cell = data.iloc[i, j + 1]
                number = _number(cell)
                if number is None or number <= 0:
                    errors.append(
                        InputError(
                            f"judgement {cell!r}",
                            file=source,
                            row=row,
                            column=label,
                            expected="a positive number or fraction such as 1/3",
                        )
                    )
                else:
                    matrix[i, j] = number
        if errors:
            raise InputErrors(errors)
        return WeightsInput(ahp_matrix=pd.DataFrame(matrix, index=labels, columns=labels))

    raise InputErrors(
        [
            InputError(
                f"unrecognised header {headers}",
                file=source,
                row=1,
                expected="'indicator,weight' or an AHP matrix (blank first header cell, "
                "then the indicators)",
            )
        ]
    )
