"""Small vectorised helpers shared by the accounting steps and the electricity pipeline: compute
once per distinct key instead of once per row, and collect row-located errors."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from carbonctl.errors import CarbonctlError, InputError, InputErrors


def _codes(values: pd.Series | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return codes.astype(np.int64), np.asarray(uniques, dtype=object)


def map_unique(
    keys: Sequence[pd.Series | np.ndarray],
    compute: Callable[..., object],
    dtype: type | None = None,
) -> np.ndarray:
    """Per-row answers of ``compute`` (see :func:`map_unique_checked`), raising on errors."""
    values, _bad = map_unique_checked(keys, compute, dtype, catch=False)
    return values


def map_unique_checked(
    keys: Sequence[pd.Series | np.ndarray],
    compute: Callable[..., object],
    dtype: type | None = None,
    *,
    catch: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Apply ``compute(*key)`` once per distinct key tuple and spread the answers over the rows.

    A million rows with a few hundred distinct (item, unit) pairs cost a few hundred calls.
    Answers come back as an object array (shared references, no per-row copies) unless ``dtype``
    is given. With ``catch``, a :class:`CarbonctlError` from ``compute`` marks the key's rows in
    the returned mask (their value is None, or NaN for a float ``dtype``).
    """
    row_codes, answers, bad = _per_unique(keys, compute, catch, np.nan if dtype is float else None)
    if dtype is not None:
        answers = answers.astype(dtype)
    return answers[row_codes], bad[row_codes]


def map_unique_fields(
    keys: Sequence[pd.Series | np.ndarray],
    compute: Callable[..., tuple[object, ...]],
    fields: dict[str, type],
    *,
    catch: bool = False,
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Like :func:`map_unique_checked` for a ``compute`` that returns one tuple of ``fields``
    per key: each field becomes its own per-row array of the given dtype."""
    blank = tuple(np.nan if dtype is float else None for dtype in fields.values())
    row_codes, answers, bad = _per_unique(keys, compute, catch, blank)
    out = {}
    for position, (name, dtype) in enumerate(fields.items()):
        column = np.empty(len(answers), dtype=dtype)
        for i, answer in enumerate(answers):
            column[i] = answer[position]
        out[name] = column[row_codes]
    return out, bad[row_codes]


def _per_unique(
    keys: Sequence[pd.Series | np.ndarray],
    compute: Callable[..., object],
    catch: bool,
    blank: object,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row codes, one answer per distinct key and an error mask per distinct key.

    Keys are factorised one by one and combined as mixed-radix integers, so no text is hashed
    twice and the combination is a fast integer factorisation.
    """
    combined: np.ndarray | None = None
    levels: list[np.ndarray] = []
    for key in keys:
        codes, uniques = _codes(key)
        levels.append(uniques)
        combined = codes if combined is None else combined * len(uniques) + codes
    assert combined is not None, "map_unique needs at least one key"
    row_codes, distinct = pd.factorize(combined)
    answers = np.empty(len(distinct), dtype=object)
    bad = np.zeros(len(distinct), dtype=bool)
    for position, value in enumerate(distinct):
        key = []
        for uniques in reversed(levels):
            value, index = divmod(int(value), len(uniques))
            key.append(uniques[index])
        try:
            answers[position] = compute(*reversed(key))
        except CarbonctlError:
            if not catch:
                raise
            bad[position] = True
            answers[position] = blank
    return row_codes, answers, bad


def raise_row_errors(
    rows: pd.DataFrame,
    bad: np.ndarray,
    message: Callable[[pd.Series], str],
    column: str,
    expected: str | None = None,
) -> None:
    """Raise :class:`InputErrors` for the rows where ``bad`` is true, located by ``row_id``."""
    if not bad.any():
        return
    source = rows.attrs.get("source_file")
    errors = [
        InputError(
            message(row), file=source, row=int(row["row_id"]), column=column, expected=expected
        )
        for _, row in rows[bad].head(200).iterrows()
    ]
    raise InputErrors(errors)


def ensure_columns(rows: pd.DataFrame, columns: dict[str, object]) -> pd.DataFrame:
    """Add optional columns that a caller's table lacks, filled with their empty value."""
    missing = {name: empty for name, empty in columns.items() if name not in rows.columns}
    return rows.assign(**missing) if missing else rows


def text(value: str, n: int) -> np.ndarray:
    """A column of ``n`` references to one string (8 bytes a row)."""
    out = np.empty(n, dtype=object)
    out[:] = value
    return out


def choose_text(condition: np.ndarray, yes: str, no: str) -> np.ndarray:
    """``yes`` where ``condition`` holds, else ``no``, as shared string references."""
    out = text(no, len(condition))
    out[np.asarray(condition, dtype=bool)] = yes
    return out
