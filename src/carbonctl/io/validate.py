"""Validation of input tables (输入校验): headers, pandera checks of types and ranges, and checks
against the reference data, with every problem of a table collected in one pass."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import pandera.pandas as pa

from carbonctl import refdata
from carbonctl.errors import InputError, InputErrors, UnknownNameError
from carbonctl.io.checks import (
    check_control_characters,
    check_names,
    check_ncv_units,
    check_regions,
    check_units,
    known_fuel_message,
    lookup_message,
)
from carbonctl.io.cleaning import (
    TEXT,
    clean_text,
    is_numeric_column,
    map_vocabulary,
    parse_numbers,
    parse_periods,
    per_unique,
    per_unique_flags,
    per_unique_text,
)
from carbonctl.io.fields import (
    ACTIVITY_FIELDS,
    CATEGORIES,
    GREEN_ELECTRICITY_ITEMS,
    GRID_ELECTRICITY_ITEMS,
    HEAT_ITEMS,
    INVENTORY_FIELDS,
    PROCESS_ROW_NAMES,
    Field,
)
from carbonctl.io.plausibility import check_amount_bounds, check_parameter_bounds
from carbonctl.io.problems import Problems, no_data_rows, show

__all__ = [
    "ACTIVITY_COLUMNS",
    "INVENTORY_COLUMNS",
    "activity_chunk",
    "check_headers",
    "inventory_chunk",
    "validate_activities",
    "validate_inventory",
]

#: Columns of the canonical activity table, in order.
ACTIVITY_COLUMNS = [
    "row_id",
    "subject",
    "period",
    "year",
    "month",
    "category",
    "item",
    "amount",
    "unit",
    "region",
    "ncv",
    "carbon_content",
    "oxidation_rate",
    "carbon_fraction",
    "purity",
    "cao_fraction",
    "mgo_fraction",
    "emission_factor",
    "ncv_unit",
    "direction",
]
#: Columns of the canonical inventory table, in order.
INVENTORY_COLUMNS = [
    "row_id",
    "region",
    "period",
    "year",
    "month",
    "sector_index",
    "sector",
    "fuel",
    "amount",
    "unit",
    "use",
    "ncv",
    "ncv_unit",
    "carbon_content",
    "oxidation_rate",
    "carbon_fraction",
]

#: Dimensions an activity amount may have, by category (units.py DIMENSIONS names).
CATEGORY_DIMENSIONS: dict[str, tuple[str, ...]] = {
    "combustion": ("mass", "volume", "energy"),
    "process": ("mass",),
    "electricity": ("energy",),
    "heat": ("energy",),
}
CATEGORY_UNITS: dict[str, str] = {
    "combustion": "a mass, volume or energy unit for combustion (t, 万t, 万Nm3, GJ …)",
    "process": "a mass unit for process rows (t, 万t, kg …)",
    "electricity": "an energy unit for electricity (kWh, 万千瓦时, MWh, 亿kWh …)",
    "heat": "an energy unit for heat (GJ, 吉焦, TJ …)",
}
#: Measured parameters of an activity row, float columns of the canonical table.
_ACTIVITY_PARAMETERS = (
    "ncv",
    "carbon_content",
    "oxidation_rate",
    "carbon_fraction",
    "purity",
    "cao_fraction",
    "mgo_fraction",
    "emission_factor",
)
_INVENTORY_DIMENSIONS = {"fuel": ("mass", "volume", "energy"), "process": ("mass",)}
_INVENTORY_UNITS = {
    "fuel": "a mass, volume or energy unit (t, 万t, 万Nm3, GJ …)",
    "process": "a mass unit for cement output (t, 万t …)",
}


def _schemas(fields: Sequence[Field]) -> tuple[pa.DataFrameSchema, pa.DataFrameSchema]:
    """(text schema, value schema). Blank required text fails the text schema; a blank or
    unreadable required number fails the value schema (it is NaN there)."""
    text = pa.DataFrameSchema(
        {
            f.name: pa.Column(
                nullable=not (f.required and f.kind != "number"), checks=list(f.text_checks)
            )
            for f in fields
        }
    )
    values = pa.DataFrameSchema(
        {
            f.name: pa.Column(float, nullable=not f.required, checks=list(f.value_checks))
            for f in fields
            if f.kind == "number"
        }
    )
    return text, values


_ACTIVITY_SCHEMAS = _schemas(ACTIVITY_FIELDS)
_INVENTORY_SCHEMAS = _schemas(INVENTORY_FIELDS)


@dataclass(frozen=True)
class _Prepared:
    """A table after the generic steps: cleaned text and numbers, indexed by spreadsheet row."""

    text: pd.DataFrame
    values: pd.DataFrame
    periods: pd.DataFrame
    problems: Problems


def _map_headers(headers: Sequence[object], fields: Sequence[Field], source: str) -> dict[str, int]:
    """Field name -> column position; raises when a required column is missing or doubled."""
    by_key = {key: f.name for f in fields for key in f.header_keys}
    found: dict[str, list[int]] = {}
    shown = []
    for position, header in enumerate(headers):
        if header is None or (isinstance(header, float) and np.isnan(header)):
            continue
        shown.append(str(header))
        name = by_key.get(refdata.normalise_name(header))
        if name is not None:
            found.setdefault(name, []).append(position)
    errors = []
    for f in fields:
        positions = found.get(f.name, [])
        spellings = " / ".join((f.name, *f.aliases))
        if len(positions) > 1:
            doubled = ", ".join(repr(str(headers[p])) for p in positions)
            errors.append(
                InputError(
                    f"columns {doubled} all give {f.name}",
                    file=source,
                    row=1,
                    column=f.name,
                    expected=f"one column for {spellings}",
                )
            )
        elif not positions and f.required:
            errors.append(
                InputError(
                    f"missing required column {f.name!r}; "
                    f"columns found: {', '.join(shown) or 'none'}",
                    file=source,
                    row=1,
                    column=f.name,
                    expected=f"a column headed {spellings}",
                )
            )
    if errors:
        raise InputErrors(errors)
    return {name: positions[0] for name, positions in found.items()}


def check_headers(
    headers: Sequence[object], fields: Sequence[Field], source: str
) -> dict[str, int]:
    """Field name -> column position of a header row; raises :class:`InputErrors` when a
    required column is missing or one is doubled. Readers call it before any data row."""
    return _map_headers(headers, fields, source)


def _run_schema(
    schema: pa.DataFrameSchema, frame: pd.DataFrame, problems: Problems, expected: dict[str, str]
) -> None:
    try:
        schema.validate(frame, lazy=True, inplace=True)
    except pa.errors.SchemaErrors as exc:
        problems.add_failure_cases(exc.failure_cases, expected)


def _prepare(
    frame: pd.DataFrame,
    source: str,
    fields: Sequence[Field],
    schemas: tuple[pa.DataFrameSchema, pa.DataFrameSchema],
) -> _Prepared:
    """Map headers, clean every field, run the pandera schemas; ``frame.index`` holds rows."""
    positions = _map_headers(list(frame.columns), fields, source)
    if len(frame) == 0:
        raise no_data_rows(source)
    problems = Problems(source, [f.name for f in fields])
    by_position = {p: name for name, p in positions.items()}
    check_control_characters(
        frame,
        [
            by_position.get(p, str(h) if h is not None and not pd.isna(h) else f"column {p + 1}")
            for p, h in enumerate(frame.columns)
        ],
        problems,
    )
    blank_text = pd.Series(pd.NA, index=frame.index, dtype=TEXT)
    texts: dict[str, pd.Series] = {}
    numbers: dict[str, pd.Series] = {}
    for f in fields:
        column = frame.iloc[:, positions[f.name]] if f.name in positions else None
        if f.kind == "number" and column is not None and is_numeric_column(column):
            # An in-memory table may hold numbers already: no text to read.
            texts[f.name] = blank_text
            numbers[f.name] = column.astype("float64")
            continue
        cleaned = blank_text if column is None else clean_text(column, nfkc=f.kind != "unit")
        if f.vocabulary is not None:
            cleaned = map_vocabulary(cleaned, f.vocabulary)
        texts[f.name] = cleaned
        if f.kind == "number":
            numbers[f.name] = parse_numbers(cleaned)
    expected = {f.name: f.expected for f in fields}
    text = pd.DataFrame(texts, index=frame.index)
    values = pd.DataFrame(numbers, index=frame.index)
    _check_finite(text, values, problems, expected)
    _run_schema(schemas[0], text, problems, expected)
    _run_schema(schemas[1], values, problems, expected)
    return _Prepared(text, values, parse_periods(text["period"]), problems)


def _check_finite(
    text: pd.DataFrame, values: pd.DataFrame, problems: Problems, expected: dict[str, str]
) -> None:
    """1e400 reads as infinity (and an in-memory table may hold inf): a row error, added
    before the schema's checks so that -inf is not reported as merely negative."""
    rows = values.index.to_numpy()
    for name in values.columns:
        infinite = np.isinf(values[name].to_numpy(dtype="float64", na_value=np.nan))
        if not infinite.any():
            continue
        written = text[name][infinite]
        shown = [
            repr(t) if isinstance(t, str) else show(v)
            for t, v in zip(written.astype(object), values[name][infinite], strict=True)
        ]
        problems.add_formatted(
            rows[infinite],
            name,
            expected[name],
            "{value} is too large to be a number",
            value=shown,
        )


def _with_rows(frame: pd.DataFrame, rows: Sequence[int] | np.ndarray | None) -> pd.DataFrame:
    """Index the table by spreadsheet row: ``rows`` if given, else its own integer ``row_id``
    column (a table validated before keeps its rows), else position + 2 (row 1 is the header)."""
    if rows is not None:
        numbers = np.asarray(rows, dtype=np.int64)
        if numbers.shape != (len(frame),):
            raise ValueError(f"rows has {numbers.size} numbers for a table of {len(frame)} rows")
    elif (
        "row_id" in frame.columns
        and pd.api.types.is_integer_dtype(frame["row_id"])
        and frame["row_id"].notna().all()
    ):
        numbers = frame["row_id"].to_numpy(dtype=np.int64)
    else:
        numbers = np.arange(2, len(frame) + 2, dtype=np.int64)
    return frame.set_axis(pd.Index(numbers, name="row"), axis=0)


def _known(names: frozenset[str], kind: str) -> Callable[[object], str | None]:
    return lambda name: (
        None if refdata.normalise_name(name) in names else f"unknown {kind} item {name!r}"
    )


def _material_message(name: object) -> str | None:
    if refdata.normalise_name(name) in refdata.material_index():
        return None
    return lookup_message(refdata.find_material, name)


def validate_activities(
    frame: pd.DataFrame, source: str = "<table>", *, rows: Sequence[int] | np.ndarray | None = None
) -> pd.DataFrame:
    """Validate an activity table (活动水平数据) and return it in canonical form.

    Headers may be English or Chinese (主体, 期间, 类别, 品种, 数量, 单位 …), in any case and
    spacing; columns that are not fields are ignored and missing optional ones created empty.
    Cells may be text or numbers. Rows are numbered as in a spreadsheet (header = row 1):
    ``rows`` if given (the file readers pass the rows they read), else an integer ``row_id``
    column, else position + 2.

    Returns :data:`ACTIVITY_COLUMNS`: text as pandas ``string`` (<NA> when blank), numbers as
    float64 (NaN when blank), ``year`` int64 and ``month`` Int64 (<NA> for a whole year);
    ``category`` and ``direction`` in English. An ``ncv`` without ``ncv_unit`` is in GJ per the
    fuel's factor unit (GJ/t, or GJ/10^4 Nm3 for gases). ``attrs["source_file"]`` is ``source``.
    Raises :class:`~carbonctl.errors.InputErrors` listing every problem found.
    """
    table = _activities(_with_rows(frame, rows), source)
    assert table is not None
    return table


def activity_chunk(frame: pd.DataFrame, source: str, collector: Problems) -> pd.DataFrame | None:
    """Validate one chunk of an activity file (``frame.index`` = spreadsheet rows, columns =
    the header cells): its canonical table, or None after adding its problems to
    ``collector``. Headers are assumed checked (:func:`check_headers`)."""
    return _activities(frame, source, collector)


def _settle(problems: Problems, collector: Problems | None) -> bool:
    """True when the table may be built: no problems, else raise or hand them over."""
    if collector is None:
        problems.raise_if_any()
        return True
    if problems.count():
        collector.extend(problems)
        return False
    return True


def _activities(
    frame: pd.DataFrame, source: str, collector: Problems | None = None
) -> pd.DataFrame | None:
    prepared = _prepare(frame, source, ACTIVITY_FIELDS, _ACTIVITY_SCHEMAS)
    text, values, problems = prepared.text, prepared.values, prepared.problems
    expected = {f.name: f.expected for f in ACTIVITY_FIELDS}
    is_category = {c: text["category"].eq(c).fillna(False).to_numpy(dtype=bool) for c in CATEGORIES}
    has_factor = values["emission_factor"].notna().to_numpy()
    has_carbon = values["carbon_fraction"].notna().to_numpy()

    # An explicit emission factor is per the row's own unit, so a process row with one may
    # give any unit (as accounting.process allows).
    check_units(
        text["unit"],
        text["category"],
        CATEGORY_DIMENSIONS,
        is_category["process"] & has_factor,
        problems,
        expected["unit"],
        CATEGORY_UNITS,
    )
    items = text["item"]
    check_names(
        items,
        is_category["combustion"],
        known_fuel_message,
        problems,
        "item",
        "a fuel of the catalogue (carbonctl refdata show fuels)",
    )
    check_names(
        items,
        is_category["process"] & ~has_factor & ~has_carbon,
        _material_message,
        problems,
        "item",
        "a process material of the catalogue (carbonctl refdata show "
        "process_materials), or an emission_factor or carbon_fraction in the row",
    )
    check_names(
        items,
        is_category["electricity"],
        _known(GRID_ELECTRICITY_ITEMS | GREEN_ELECTRICITY_ITEMS, "electricity"),
        problems,
        "item",
        "电力/购入电力/电网电力 (grid) or 绿电/绿色电力/绿证电力 (green power)",
    )
    check_names(
        items,
        is_category["heat"],
        _known(HEAT_ITEMS, "heat"),
        problems,
        "item",
        "热力, 蒸汽, 热水 or 购入热力 (heat, steam, hot water)",
    )
    check_regions(text["region"], problems, expected["region"])
    check_ncv_units(
        text["ncv_unit"], items, is_category["combustion"], problems, expected["ncv_unit"]
    )
    check_amount_bounds("activities", text["category"], text["unit"], values["amount"], problems)
    check_parameter_bounds("activities", values, problems)
    if not _settle(problems, collector):
        return None

    periods = prepared.periods
    table = pd.DataFrame(
        {
            "row_id": frame.index.to_numpy(dtype=np.int64),
            "subject": text["subject"],
            "period": periods["period"],
            "year": periods["year"].astype("int64"),
            "month": periods["month"],
            "category": text["category"],
            "item": items,
            "amount": values["amount"],
            "unit": text["unit"],
            "region": text["region"],
            **{name: values[name] for name in _ACTIVITY_PARAMETERS},
            "ncv_unit": text["ncv_unit"],
            "direction": text["direction"],
        },
        index=frame.index,
    )
    return _finish(table, ACTIVITY_COLUMNS, source)


def _finish(table: pd.DataFrame, columns: list[str], source: str) -> pd.DataFrame:
    table = table[columns].reset_index(drop=True)
    table.attrs["source_file"] = source
    return table


@lru_cache(maxsize=1)
def _sector_index() -> dict[str, tuple[int, str]]:
    layout = refdata.load_table("ceads_layout")
    sectors = layout[layout["kind"] == "sector"]
    index: dict[str, tuple[int, str]] = {}
    for number, name in zip(sectors["index"].astype(int), sectors["name"], strict=True):
        index[refdata.normalise_name(name)] = (number, name)
        index[str(number)] = (number, name)
    return index


def _find_sector(text: object) -> tuple[int, str] | str:
    """(index, canonical name) of a CEADs sector given by name or number, else the message."""
    hit = _sector_index().get(refdata.normalise_name(text))
    if hit is not None:
        return hit
    names = sorted({name for _, name in _sector_index().values()})
    return str(UnknownNameError("CEADs sector", text, refdata.close_matches(str(text), names)))


def _sector_name(found: tuple[int, str] | str) -> str | None:
    return found[1] if isinstance(found, tuple) else None


def validate_inventory(
    frame: pd.DataFrame, source: str = "<table>", *, rows: Sequence[int] | np.ndarray | None = None
) -> pd.DataFrame:
    """Validate a regional sector × fuel table in the CEADs layout (区域清单) and return it in
    canonical form (:data:`INVENTORY_COLUMNS`).

    ``sector`` is one of the 47 CEADs sectors by name or number (canonical name and
    ``sector_index`` 1–47 in the output). A row whose fuel is 水泥 / cement / Process is the
    cement process row (a mass of cement output); its sector may be blank (``sector_index`` 0).
    ``use`` is ``energy`` (default) or ``non-energy``. Rows, dtypes and errors as in
    :func:`validate_activities`.
    """
    table = _inventory(_with_rows(frame, rows), source)
    assert table is not None
    return table


def inventory_chunk(frame: pd.DataFrame, source: str, collector: Problems) -> pd.DataFrame | None:
    """Validate one chunk of an inventory file, as :func:`activity_chunk`."""
    return _inventory(frame, source, collector)


def _inventory(
    frame: pd.DataFrame, source: str, collector: Problems | None = None
) -> pd.DataFrame | None:
    prepared = _prepare(frame, source, INVENTORY_FIELDS, _INVENTORY_SCHEMAS)
    text, values, problems = prepared.text, prepared.values, prepared.problems
    expected = {f.name: f.expected for f in INVENTORY_FIELDS}
    rows = frame.index.to_numpy(dtype=np.int64)
    fuel = text["fuel"]
    is_process = per_unique_flags(
        fuel, lambda name: refdata.normalise_name(name) in PROCESS_ROW_NAMES
    )
    sector = per_unique_text(text["sector"], lambda s: _sector_name(_find_sector(s)))
    unknown_sector = sector.isna().to_numpy() & text["sector"].notna().to_numpy()
    problems.add_per_row(
        rows[unknown_sector],
        "sector",
        expected["sector"],
        per_unique(text["sector"][unknown_sector], _find_sector),
    )
    blank_sector = text["sector"].isna().to_numpy() & ~is_process
    problems.add(rows[blank_sector], "sector", expected["sector"], "sector is blank")

    check_names(fuel, ~is_process, known_fuel_message, problems, "fuel", expected["fuel"])
    groups = pd.Series(np.where(is_process, "process", "fuel"), index=frame.index)
    check_units(
        text["unit"],
        groups,
        _INVENTORY_DIMENSIONS,
        np.zeros(len(rows), dtype=bool),
        problems,
        expected["unit"],
        _INVENTORY_UNITS,
    )
    check_regions(text["region"], problems, expected["region"])
    check_ncv_units(text["ncv_unit"], fuel, ~is_process, problems, expected["ncv_unit"])
    check_amount_bounds("inventory", groups, text["unit"], values["amount"], problems)
    check_parameter_bounds("inventory", values, problems)
    if not _settle(problems, collector):
        return None

    sector_index = per_unique(
        sector, lambda name: _sector_index()[refdata.normalise_name(name)][0], missing=0
    ).astype(np.int64)
    periods = prepared.periods
    table = pd.DataFrame(
        {
            "row_id": rows,
            "region": text["region"],
            "period": periods["period"],
            "year": periods["year"].astype("int64"),
            "month": periods["month"],
            "sector_index": sector_index,
            "sector": sector,
            "fuel": fuel,
            "amount": values["amount"],
            "unit": text["unit"],
            "use": text["use"].fillna("energy"),
            "ncv": values["ncv"],
            "ncv_unit": text["ncv_unit"],
            "carbon_content": values["carbon_content"],
            "oxidation_rate": values["oxidation_rate"],
            "carbon_fraction": values["carbon_fraction"],
        },
        index=frame.index,
    )
    return _finish(table, INVENTORY_COLUMNS, source)
