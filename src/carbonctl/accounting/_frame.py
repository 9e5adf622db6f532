"""Small vectorised helpers shared by the accounting steps: look a value up once per distinct
key instead of once per row, and collect row-located errors."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence

import numpy as np
import pandas as pd

from carbonctl.errors import CarbonctlError, InputError, InputErrors


def map_unique(
    keys: Sequence[pd.Series], compute: Callable[..., object], dtype: object = object
) -> np.ndarray:
    """Apply ``compute(*key)`` once per distinct key tuple and spread the answers over the rows.

    A million rows with a few hundred distinct (item, unit) pairs cost a few hundred calls.
    """
    if len(keys) == 1:
        codes, uniques = pd.factorize(keys[0], use_na_sentinel=False)
        answers = [compute(u) for u in uniques]
    else:
        frame = pd.concat([k.reset_index(drop=True) for k in keys], axis=1)
        grouped = frame.groupby(list(frame.columns), dropna=False, sort=False)
        codes = grouped.ngroup().to_numpy()
        answers = [compute(*(u if isinstance(u, tuple) else (u,))) for u in grouped.groups]
    values = np.empty(len(answers), dtype=dtype)
    values[:] = answers if dtype is not object else _as_object(answers)
    return values[codes]


def _as_object(answers: list[object]) -> np.ndarray:
    out = np.empty(len(answers), dtype=object)
    for i, answer in enumerate(answers):
        out[i] = answer
    return out


def safe(compute: Callable[..., object]) -> Callable[..., object]:
    """Wrap ``compute`` so that a :class:`CarbonctlError` becomes the answer instead of raising."""

    def wrapped(*key: Hashable) -> object:
        try:
            return compute(*key)
        except CarbonctlError as exc:
            return exc

    return wrapped


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
