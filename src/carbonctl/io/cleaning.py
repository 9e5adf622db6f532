"""Turning cells into clean values (单元格清洗): text, numbers, periods and vocabulary words,
vectorised, with any Python work done once per distinct value rather than once per row."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from carbonctl.io.fields import NUMBER_PATTERN, PERIOD_PATTERNS
from carbonctl.refdata import normalise_name

__all__ = [
    "TEXT",
    "clean_text",
    "is_numeric_column",
    "map_vocabulary",
    "parse_numbers",
    "parse_periods",
    "per_unique",
    "per_unique_flags",
    "per_unique_pair",
    "per_unique_text",
]

#: Text columns: pyarrow-backed strings with <NA> for a missing value.
TEXT = pd.StringDtype("pyarrow")

_PERIOD_RES = tuple(re.compile(p) for p in PERIOD_PATTERNS)


def is_numeric_column(values: pd.Series) -> bool:
    """True for a column that already holds numbers (an in-memory table), not text."""
    return pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)


def _arrow_text(values: object) -> pa.Array:
    array = pa.array(pd.Series(values).astype(TEXT).array)
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def clean_text(values: pd.Series, *, nfkc: bool = True) -> pd.Series:
    """Cells as text: NFKC-normalised (full-width ｔ, １２３, （）) unless ``nfkc`` is false,
    trimmed, blank -> <NA>. With ``nfkc``, an integer that Excel or pandas stored as a float
    (2023.0, 141181.0) loses its ".0", since it was typed as an integer.

    Each distinct cell is cleaned once, in Arrow compute: pandas would normalise a million
    cells one Python call at a time.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    text = _arrow_text(uniques)
    if nfkc:
        text = pc.utf8_normalize(text, form="NFKC")
    text = pc.utf8_trim_whitespace(text)
    text = pc.if_else(pc.equal(text, ""), pa.scalar(None, text.type), text)
    if nfkc:
        text = pc.replace_substring_regex(text, pattern=r"^([0-9]+)\.0+$", replacement=r"\1")
    cleaned = pd.arrays.ArrowStringArray(text).take(codes, allow_fill=True)
    return pd.Series(cleaned, index=values.index)


def parse_numbers(text: pd.Series) -> pd.Series:
    """Numbers (float64, NaN when blank or not a number) from cleaned text; 12,345.6 is allowed.

    Cells that are not numbers are reported by the pandera text check with the same pattern.
    """
    if text.isna().all():
        return pd.Series(np.nan, index=text.index, dtype="float64")
    cells = _arrow_text(text)
    valid = pc.match_substring_regex(cells, NUMBER_PATTERN)
    digits = pc.replace_substring(pc.if_else(valid, cells, pa.scalar(None, cells.type)), ",", "")
    try:
        numbers = pc.cast(digits, pa.float64()).to_numpy(zero_copy_only=False)
    except pa.ArrowInvalid:  # a form Arrow's parser refuses although the pattern allows it
        numbers = pd.to_numeric(
            pd.Series(pd.arrays.ArrowStringArray(digits)), errors="coerce"
        ).to_numpy(dtype=float)
    return pd.Series(numbers, index=text.index, dtype="float64")


def _parse_period(text: str) -> tuple[str, int, int] | None:
    for pattern in _PERIOD_RES:
        match = pattern.fullmatch(text)
        if match:
            year = int(match["year"])
            month = int(match.groupdict().get("month") or 0)
            return (f"{year}-{month:02d}" if month else str(year)), year, month
    return None


def parse_periods(text: pd.Series) -> pd.DataFrame:
    """``period`` normalised (``2023`` or ``2023-07``), ``year`` and ``month`` (Int64; month
    <NA> for a whole year) from cleaned text; an unparseable period gives <NA> in all three."""
    codes, uniques = pd.factorize(text, use_na_sentinel=True)
    parsed = [_parse_period(str(u)) for u in uniques]
    periods = pd.array([p[0] if p else None for p in parsed], dtype=TEXT)
    years = pd.array([p[1] if p else None for p in parsed], dtype="Int64")
    months = pd.array([p[2] if p and p[2] else None for p in parsed], dtype="Int64")
    return pd.DataFrame(
        {
            "period": periods.take(codes, allow_fill=True),
            "year": years.take(codes, allow_fill=True),
            "month": months.take(codes, allow_fill=True),
        },
        index=text.index,
    )


def per_unique(
    values: pd.Series, compute: Callable[[object], object], missing: object = None
) -> np.ndarray:
    """``compute(value)`` once per distinct non-missing value, spread over the rows (object
    array; ``missing`` where the value is missing). A million rows of a few hundred distinct
    names cost a few hundred calls."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    answers = np.empty(len(uniques) + 1, dtype=object)
    for i, value in enumerate(uniques):
        answers[i] = compute(value)
    answers[-1] = missing  # code -1 (missing) picks this last slot
    return answers[codes]


def per_unique_flags(
    values: pd.Series, predicate: Callable[[object], bool], missing: bool = False
) -> np.ndarray:
    """Boolean array: ``predicate(value)`` once per distinct value (``missing`` where blank)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    answers = np.array([bool(predicate(u)) for u in uniques] + [missing], dtype=bool)
    return answers[codes]


def per_unique_text(values: pd.Series, compute: Callable[[object], str | None]) -> pd.Series:
    """Text series: ``compute(value)`` once per distinct value (<NA> where blank or None)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    answers = pd.array([compute(u) for u in uniques], dtype=TEXT)
    return pd.Series(answers.take(codes, allow_fill=True), index=values.index)


def map_vocabulary(text: pd.Series, vocabulary: Mapping[str, str]) -> pd.Series:
    """Known spellings (燃料燃烧, 投入 …) -> their canonical word; unknown text is kept as it was
    so that the error message can quote it."""
    return per_unique_text(text, lambda value: vocabulary.get(normalise_name(value), str(value)))


def per_unique_pair(
    first: pd.Series,
    second: pd.Series,
    compute: Callable[[object, object], object],
    missing: object = None,
) -> np.ndarray:
    """``compute(a, b)`` once per distinct pair where neither is missing, spread over the rows."""
    codes_a, uniques_a = pd.factorize(first, use_na_sentinel=True)
    codes_b, uniques_b = pd.factorize(second, use_na_sentinel=True)
    width = len(uniques_b) + 1
    combined = (codes_a.astype(np.int64) + 1) * width + (codes_b.astype(np.int64) + 1)
    keys, inverse = np.unique(combined, return_inverse=True)
    answers = np.empty(len(keys), dtype=object)
    for k, key in enumerate(keys):
        index_a, index_b = divmod(int(key), width)
        if index_a == 0 or index_b == 0:
            answers[k] = missing
        else:
            answers[k] = compute(uniques_a[index_a - 1], uniques_b[index_b - 1])
    return answers[inverse.ravel()]
