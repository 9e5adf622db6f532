"""The tables a province really has (省级统计数据), read from one folder into one canonical form
(issue 16 item 2): annual inventories, monthly electricity use, generation by source and
industrial output, each at whatever level and detail the province publishes — province only,
the three industries, or county × class — in 亿千瓦时 or 万吨, with January–February published
together as a year-to-date figure. Pure; see docs/methodology/electricity-province-data.md.

Files in the folder (each ``.csv``, ``.xlsx`` or ``.parquet``; English or Chinese headers):

- ``annual`` (年度排放): ``region, year, sector, tco2``;
- ``electricity`` (用电量): ``region, period, sector, amount, unit[, basis]``;
- ``generation`` (发电量): ``region, period, fuel, amount, unit[, basis]``;
- ``output`` (产品产量): ``region, period, product, amount, unit[, basis]``.

The canonical monthly tables (:data:`MONTHLY_COLUMNS`) hold one row per region × key × block of
consecutive months: a month given as such is a block of one; year-to-date figures (``ytd``,
1–N月累计) become blocks by differencing consecutive figures of the same year, so January–February
published together is one block of two months — never split by an invented rule.
"""

from __future__ import annotations

import math
import re
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Final, TypeVar

import numpy as np
import pandas as pd

from carbonctl import refdata
from carbonctl.electricity.inputs import ModelInputs
from carbonctl.electricity.schema import OUTPUT_PRODUCTS, meter_class, model_sectors, modelled_as
from carbonctl.errors import InputError, InputErrors, UnitError, UnknownNameError
from carbonctl.units import conversion_factor

__all__ = [
    "ANNUAL_COLUMNS",
    "BASELINES",
    "FILES",
    "MONTHLY_COLUMNS",
    "CoarseDataError",
    "ProvinceData",
    "annual_totals",
    "baseline_estimates",
    "baseline_scores",
    "is_province_folder",
    "mape",
    "model_tables",
    "period_total",
    "read_province_data",
    "table_index",
]

#: Table -> the file stems accepted for it (English first).
FILES: Final = {
    "annual": ("annual", "年度排放", "排放清单"),
    "electricity": ("electricity", "用电量", "全社会用电量"),
    "generation": ("generation", "发电量"),
    "output": ("output", "产品产量", "工业产品产量"),
}
SUFFIXES: Final = (".csv", ".xlsx", ".parquet")
#: Canonical column -> the header names accepted for it (normalised by refdata.normalise_name).
HEADERS: Final = {
    "region": ("region", "地区", "区域", "行政区", "行政区划", "adcode", "地区代码"),
    "year": ("year", "年份", "年度", "年"),
    "sector": ("sector", "industry", "部门", "行业", "分类", "用电分类", "用电类别"),
    "tco2": ("tco2", "co2", "排放量", "二氧化碳排放量", "排放"),
    "period": ("period", "month", "期间", "月份", "时间", "统计期"),
    "amount": ("amount", "value", "数量", "数值", "值"),
    "unit": ("unit", "单位"),
    "basis": ("basis", "口径", "统计口径"),
    "fuel": ("fuel", "source", "燃料", "电源", "电源类型", "发电类型", "品种"),
    "product": ("product", "产品", "产品名称"),
}
#: Columns each table needs (and the optional ones).
REQUIRED: Final = {
    "annual": ("region", "year", "sector", "tco2"),
    "electricity": ("region", "period", "sector", "amount", "unit"),
    "generation": ("region", "period", "fuel", "amount", "unit"),
    "output": ("region", "period", "product", "amount", "unit"),
}
OPTIONAL: Final = ("basis",)
#: The key column of each monthly table and the unit its amounts are stored in.
KEY_OF: Final = {"electricity": "sector", "generation": "fuel", "output": "product"}
BASE_UNIT: Final = {"electricity": "kWh", "generation": "kWh", "output": "t"}
BASES: Final = {
    "month": "month",
    "当月": "month",
    "月": "month",
    "ytd": "ytd",
    "累计": "ytd",
    "1-n月累计": "ytd",
    "年累计": "ytd",
    "year": "year",
    "全年": "year",
    "年": "year",
}
MONTHLY_COLUMNS: Final = (
    "region",
    "level",
    "key",
    "year",
    "first_month",
    "months",
    "amount",
    "rows",
)
ANNUAL_COLUMNS: Final = ("region", "level", "sector", "year", "tco2", "row")
#: Two figures of the same month are the same when within this share (rounding of 亿kWh).
TOLERANCE: Final = 0.005
_ALL_SECTORS = {"all", "全社会", "全部", "合计", "总计"}
_PROVINCE_WORDS = {"全省", "省", "province"}


@dataclass(frozen=True)
class ProvinceData:
    """The tables of a province folder in canonical form.

    ``annual``: :data:`ANNUAL_COLUMNS`, tCO2 by region (adcode), level, sector (``ALL``, a model
    sector code or an electricity-use class code) and year. ``electricity``, ``generation`` and
    ``output``: :data:`MONTHLY_COLUMNS` — amount (kWh, kWh, t) of a block of ``months`` months
    from ``first_month`` of ``year`` (``months`` = 12 and ``first_month`` = 1 for a year given
    as a whole); ``key`` the class code (``ALL`` for 全社会), fuel key or product key; ``rows``
    the source rows (file and row) it came from.
    """

    annual: pd.DataFrame
    electricity: pd.DataFrame
    generation: pd.DataFrame
    output: pd.DataFrame

    def coverage(self) -> dict[str, object]:
        """What the data give, per table: levels, keys, years, and for the monthly tables the
        months covered singly and in multi-month blocks — what the model decides its detail on."""
        out: dict[str, object] = {}
        annual = self.annual
        out["annual"] = {
            "levels": sorted(annual["level"].unique().tolist()),
            "sectors": sorted(annual["sector"].unique().tolist()),
            "years": sorted(int(y) for y in annual["year"].unique()),
        }
        for name in ("electricity", "generation", "output"):
            table: pd.DataFrame = getattr(self, name)
            single = table[table["months"] == 1]
            out[name] = {
                "levels": sorted(table["level"].unique().tolist()),
                "keys": sorted(table["key"].unique().tolist()),
                "years": sorted(int(y) for y in table["year"].unique()),
                "months": len(single[["year", "first_month"]].drop_duplicates()),
                "blocks": int((table["months"].between(2, 11)).sum()),
                "annual_rows": int((table["months"] == 12).sum()),
            }
        detail = set(self.electricity["key"])
        out["sector_detail"] = (
            "none"
            if not detail
            else "total only"
            if detail <= {"ALL"}
            else "three industries"
            if detail <= {"ALL", "A", "A02", "P1", "P2", "P3", "B", "B1", "B2"}
            else "classes"
        )
        return out


# --- reading ------------------------------------------------------------------------------------


def _find(folder: Path, table: str) -> Path | None:
    found = [
        folder / f"{stem}{suffix}"
        for stem in FILES[table]
        for suffix in SUFFIXES
        if (folder / f"{stem}{suffix}").is_file()
    ]
    if len(found) > 1:
        raise InputError(
            f"{len(found)} files for the {table} table: {', '.join(p.name for p in found)}",
            file=str(folder),
            expected=f"one file named {' or '.join(FILES[table])} (.csv, .xlsx or .parquet)",
        )
    return found[0] if found else None


def _read(path: Path) -> pd.DataFrame:
    """The file as text, indexed by spreadsheet row (header = row 1)."""
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        table = pq.read_table(path).to_pandas().astype(object)
        return table.set_axis(pd.RangeIndex(2, len(table) + 2))
    from carbonctl.io import read_table

    return read_table(path)


@cache
def _header_index() -> dict[str, str]:
    return {refdata.normalise_name(n): column for column, names in HEADERS.items() for n in names}


def _canonical_headers(table: pd.DataFrame, name: str, source: str) -> pd.DataFrame:
    index = _header_index()
    renamed: dict[object, str] = {}
    for column in table.columns:
        canonical = index.get(refdata.normalise_name(column))
        if canonical is not None:
            if canonical in renamed.values():
                raise InputError(
                    f"two columns mean {canonical}",
                    file=source,
                    column=str(column),
                    expected=f"one column {canonical}",
                )
            renamed[column] = canonical
    table = table.rename(columns=renamed)
    missing = [c for c in REQUIRED[name] if c not in table.columns]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(missing)}",
            file=source,
            column=missing[0],
            expected=f"columns {', '.join(REQUIRED[name])} (and optionally basis); Chinese "
            "headers such as 地区, 期间, 数量, 单位, 口径 are accepted",
        )
    return table


# --- cells --------------------------------------------------------------------------------------


class _Errors:
    def __init__(self, source: str) -> None:
        self.source = source
        self.found: list[InputError] = []

    def add(self, row: int, column: str, message: str, expected: str) -> None:
        self.found.append(
            InputError(message, file=self.source, row=row, column=column, expected=expected)
        )


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value) == ""


def _text(value: object) -> str:
    return "" if _blank(value) else str(value).strip()


@cache
def _region(text: str) -> tuple[str, str]:
    """(adcode, level) of a Shanxi region given by adcode or name; 全省 is the province."""
    if refdata.normalise_name(text) in _PROVINCE_WORDS:
        return refdata.PROVINCE, "province"
    found = refdata.find_region(text.removesuffix(".0"))
    if found.province_adcode != refdata.PROVINCE or found.adcode == refdata.NATIONAL:
        raise UnknownNameError("Shanxi region", text, ["山西省", "太原市", "小店区"])
    return found.adcode, found.level


@cache
def _model_sector_codes() -> dict[str, str]:
    """Model sector codes and CEADs sector names -> model sector code."""
    index = {}
    for sector in model_sectors():
        index[refdata.normalise_name(sector.code)] = sector.code
        for name in sector.ceads:
            index[refdata.normalise_name(name)] = sector.code
    return index


def _annual_sector(text: str) -> str:
    """``ALL``, a model sector (by code or one of its CEADs sectors, which are summed into it),
    or an electricity-use class code."""
    key = refdata.normalise_name(text)
    if key in _ALL_SECTORS:
        return "ALL"
    if key in _model_sector_codes():
        return _model_sector_codes()[key]
    return meter_class(text)


def _electricity_sector(text: str) -> str:
    if refdata.normalise_name(text) in _ALL_SECTORS:
        return "ALL"
    return meter_class(text)


@cache
def _keys(table: str) -> dict[str, tuple[str, str]]:
    """Normalised name -> (key, unit) of the fuels or products (``province_keys.csv``)."""
    path = resources.files("carbonctl.electricity").joinpath("data", "province_keys.csv")
    with path.open(encoding="utf-8") as handle:
        rows = pd.read_csv(handle, dtype=str, keep_default_na=False)
    index = {}
    for row in rows[rows["table"] == table].itertuples(index=False):
        for name in (row.key, *row.names.split(";")):
            index[refdata.normalise_name(name)] = (row.key, row.unit)
    return index


def _key(table: str, text: str) -> str:
    found = _keys(table).get(refdata.normalise_name(text))
    if found is None:
        names = sorted({k for k, _ in _keys(table).values()})
        raise UnknownNameError(
            "fuel" if table == "generation" else "product",
            text,
            refdata.close_matches(text, [*names, *_chinese_names(table)]),
        )
    return found[0]


def _chinese_names(table: str) -> list[str]:
    return [n for n in _keys(table) if re.search(r"[\u4e00-\u9fff]", n)]


_PERIOD = (
    re.compile(r"^(\d{4})-(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月$"),
    re.compile(r"^(\d{4})(\d{2})$"),
)
_YEAR = re.compile(r"^(\d{4})(?:年)?$")


def parse_period(text: str) -> tuple[int, int | None]:
    """(year, month) of ``YYYY-MM`` (also ``2024.03``, ``2024/3``, ``2024年3月``, ``202403``), or
    (year, None) of ``YYYY``; ValueError otherwise."""
    text = text.strip().removesuffix(".0")
    for pattern in _PERIOD:
        match = pattern.match(text)
        if match:
            year, month = int(match.group(1)), int(match.group(2))
            if 1 <= month <= 12:
                return year, month
            raise ValueError(text)
    match = _YEAR.match(text)
    if match:
        return int(match.group(1)), None
    raise ValueError(text)


# --- the tables ---------------------------------------------------------------------------------


def _annual(table: pd.DataFrame, source: str) -> pd.DataFrame:
    errors = _Errors(source)
    region_of, sector_of = _memoised(_region), _memoised(_annual_sector)
    rows = []
    for row, record in zip(table.index, table.to_dict("records"), strict=True):
        problems = len(errors.found)
        region = sector = None
        try:
            region, level = region_of(_text(record["region"]))
        except UnknownNameError as exc:
            errors.add(row, "region", str(exc), "a Shanxi province, city or county: adcode or name")
        try:
            sector = sector_of(_text(record["sector"]))
        except UnknownNameError as exc:
            errors.add(
                row,
                "sector",
                str(exc),
                "ALL (全社会), a model sector, a CEADs sector or an electricity-use class",
            )
        year = pd.to_numeric(_text(record["year"]), errors="coerce")
        if pd.isna(year) or year != round(year) or not 1990 <= year <= 2100:
            errors.add(row, "year", f"year {record['year']!r}", "a year such as 2020")
        tco2 = _number(_text(record["tco2"]))
        if pd.isna(tco2) or not math.isfinite(tco2) or tco2 < 0:
            errors.add(row, "tco2", f"tco2 {record['tco2']!r}", "a number of tCO2 ≥ 0")
        if len(errors.found) == problems:
            rows.append((region, level, sector, int(year), float(tco2), f"{source} row {row}"))
    if errors.found:
        raise InputErrors(errors.found)
    annual = pd.DataFrame(rows, columns=ANNUAL_COLUMNS)
    repeated = annual.duplicated(["region", "sector", "year"], keep=False)
    if repeated.any():
        first = annual[repeated].iloc[0]
        raise InputError(
            f"{first['region']} {first['sector']} {first['year']} is given twice",
            file=source,
            column="sector",
            expected="one row per region, sector and year (CEADs sectors of one model sector "
            "are summed: give them once each)",
        )
    return annual.groupby(["region", "level", "sector", "year"], as_index=False).agg(
        tco2=("tco2", "sum"), row=("row", "first")
    )[list(ANNUAL_COLUMNS)]


def _monthly_rows(table: pd.DataFrame, name: str, source: str) -> pd.DataFrame:
    """Each row checked and converted: region, level, key, year, month (None for a year),
    basis, amount in the base unit, and where it came from."""
    errors = _Errors(source)
    key_column = KEY_OF[name]
    resolve: Callable[[str], str] = _memoised(
        _electricity_sector if name == "electricity" else lambda text: _key(name, text)
    )
    region_of, period_of = _memoised(_region), _memoised(parse_period)
    target = BASE_UNIT[name]
    factors: dict[str, float | None] = {}
    rows = []
    for row, record in zip(table.index, table.to_dict("records"), strict=True):
        problems = len(errors.found)
        region = level = key = month = None
        year = 0
        try:
            region, level = region_of(_text(record["region"]))
        except UnknownNameError as exc:
            errors.add(row, "region", str(exc), "a Shanxi province, city or county: adcode or name")
        try:
            key = resolve(_text(record[key_column]))
        except UnknownNameError as exc:
            errors.add(row, key_column, str(exc), f"a {key_column} named in the docs")
        try:
            year, month = period_of(_text(record["period"]))
        except ValueError:
            errors.add(
                row, "period", f"period {record['period']!r}", "YYYY-MM (a month) or YYYY (a year)"
            )
        basis_text = _text(record.get("basis", "")) or ("month" if month else "year")
        basis = BASES.get(refdata.normalise_name(basis_text))
        if basis is None:
            errors.add(row, "basis", f"basis {basis_text!r}", "month, ytd (累计) or year")
        elif (basis == "year") != (month is None) and not (basis == "ytd" and month):
            errors.add(
                row,
                "basis",
                f"basis {basis} with period {record['period']!r}",
                "a month (YYYY-MM) for month and ytd, a year (YYYY) for year",
            )
        unit = _text(record["unit"])
        if unit not in factors:
            try:
                factors[unit] = conversion_factor(unit, target)
            except UnitError:
                factors[unit] = None
        if factors[unit] is None:
            expected = f"a unit of {target} (亿kWh, 万千瓦时, 万吨 …)"
            errors.add(row, "unit", f"unit {unit!r}", expected)
        amount = _number(_text(record["amount"]))
        if pd.isna(amount) or not math.isfinite(amount) or amount < 0:
            errors.add(row, "amount", f"amount {record['amount']!r}", "a number ≥ 0")
        if len(errors.found) == problems:
            rows.append(
                (
                    region,
                    level,
                    key,
                    year,
                    month,
                    basis,
                    float(amount) * factors[unit],
                    f"{source} row {row}",
                )
            )
    if errors.found:
        raise InputErrors(errors.found)
    return pd.DataFrame(
        rows, columns=["region", "level", "key", "year", "month", "basis", "amount", "row"]
    )


def _memoised(resolve: Callable[[str], T]) -> Callable[[str], T]:
    """``resolve`` remembering its answer, or the error it raised, per text: a table repeats a
    few dozen names over thousands of rows, and resolving one is a fuzzy search on failure."""
    known: dict[str, tuple[bool, object]] = {}

    def cached(text: str) -> T:
        if text not in known:
            try:
                known[text] = (True, resolve(text))
            except (UnknownNameError, ValueError) as exc:
                known[text] = (False, exc)
        ok, value = known[text]
        if not ok:
            raise value  # type: ignore[misc]
        return value  # type: ignore[return-value]

    return cached


def _number(text: str) -> float:
    """A cell as a float (thousands separators allowed), NaN when it is not a number."""
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return math.nan


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=TOLERANCE, abs_tol=1e-9)


def _blocks(rows: pd.DataFrame, source: str) -> pd.DataFrame:
    """Monthly, year-to-date and annual rows of one table -> blocks of consecutive months
    (:data:`MONTHLY_COLUMNS`); contradictions are errors naming both rows."""
    out = []
    problems: list[InputError] = []
    groups: dict[tuple, dict[str, list]] = {}
    for r in rows.itertuples(index=False):
        by_basis = groups.setdefault((r.region, r.level, r.key, r.year), {})
        by_basis.setdefault(r.basis, []).append(r)
    for (region, level, key, year), by_basis in sorted(groups.items()):
        months = {}
        for r in by_basis.get("month", ()):
            if r.month in months and not _same(months[r.month][0], r.amount):
                problems.append(_clash(source, r.row, months[r.month][1], f"{year}-{r.month:02d}"))
            months[int(r.month)] = (r.amount, r.row)
        ytd = {}
        for r in by_basis.get("ytd", ()):
            if r.month in ytd and not _same(ytd[r.month][0], r.amount):
                problems.append(_clash(source, r.row, ytd[r.month][1], f"1–{r.month}月累计"))
            ytd[int(r.month)] = (r.amount, r.row)
        blocks: dict[tuple[int, int], tuple[float, str]] = {
            (m, 1): (a, where) for m, (a, where) in months.items()
        }
        previous_end, previous = 0, (0.0, "")
        for end in sorted(ytd):
            total, where = ytd[end]
            if total < previous[0] and not _same(total, previous[0]):
                problems.append(
                    InputError(
                        f"1–{end}月累计 {total:g} is below 1–{previous_end}月累计 "
                        f"{previous[0]:g} ({previous[1]})",
                        file=source,
                        column="amount",
                        expected="year-to-date figures that do not decrease",
                    )
                )
                continue
            first = previous_end + 1
            span = end - previous_end
            amount = max(total - previous[0], 0.0)
            covered = [m for m in range(first, end + 1) if m in months]
            if len(covered) == span:  # every month given too: they must add up
                given = sum(months[m][0] for m in covered)
                if not _same(given, amount):
                    problems.append(
                        _clash(source, where, months[covered[0]][1], f"{year}年{first}–{end}月")
                    )
            elif not covered:
                if span == 1:
                    blocks[(first, 1)] = (amount, where)
                else:
                    rows_ = where if not previous[1] else f"{where}; {previous[1]}"
                    blocks[(first, span)] = (amount, rows_)
            else:  # some months given singly: the rest is the block between them
                rest = amount - sum(months[m][0] for m in covered)
                missing = [m for m in range(first, end + 1) if m not in months]
                if missing == list(range(missing[0], missing[-1] + 1)):
                    blocks[(missing[0], len(missing))] = (max(rest, 0.0), where)
            previous_end, previous = end, (total, where)
        for r in by_basis.get("year", ()):
            given_months = sum(a for (m, n), (a, _w) in blocks.items())
            covered_all = sum(n for (m, n) in blocks) == 12
            if covered_all and not _same(given_months, r.amount):
                problems.append(_clash(source, r.row, "the months", f"{year}年全年"))
            elif not blocks:
                blocks[(1, 12)] = (r.amount, r.row)
        for (first, span), (amount, where) in sorted(blocks.items()):
            out.append((region, level, key, int(year), first, span, amount, where))
    if problems:
        raise InputErrors(problems)
    return pd.DataFrame(out, columns=MONTHLY_COLUMNS)


def _clash(source: str, row: str, other: str, what: str) -> InputError:
    return InputError(
        f"{what} is given twice with different amounts ({row}; {other})",
        file=source,
        column="amount",
        expected=f"the same amount within {TOLERANCE:.1%}, or one of the two rows",
    )


def _empty_monthly() -> pd.DataFrame:
    return pd.DataFrame(columns=MONTHLY_COLUMNS)


def is_province_folder(folder: str | Path) -> bool:
    """Whether ``folder`` holds a province's own tables (an electricity-use table under one of
    its names), rather than the model's five-table layout (``monthly``, ``counties`` …)."""
    return Path(folder).is_dir() and _find(Path(folder), "electricity") is not None


def read_province_data(folder: str | Path) -> ProvinceData:
    """Read and check a province folder (see the module's docstring); every problem of a table
    is raised at once (:class:`InputErrors`) naming file, row and column. A missing table is
    empty (``annual`` and ``electricity`` are required)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError("not a folder", file=str(folder), expected="a folder of the tables")
    tables: dict[str, pd.DataFrame] = {}
    for name in FILES:
        path = _find(folder, name)
        if path is None:
            if name in ("annual", "electricity"):
                raise InputError(
                    f"no {name} table",
                    file=str(folder),
                    expected=f"a file {FILES[name][0]}.csv (.xlsx, .parquet) or "
                    f"{FILES[name][1]}.csv",
                )
            tables[name] = pd.DataFrame(columns=ANNUAL_COLUMNS if name == "annual" else ())
            continue
        source = path.name
        raw = _canonical_headers(_read(path), name, source)
        if name == "annual":
            tables[name] = _annual(raw, source)
        else:
            tables[name] = _blocks(_monthly_rows(raw, name, source), source)
    return ProvinceData(
        annual=tables["annual"],
        electricity=tables["electricity"],
        generation=tables["generation"] if len(tables["generation"].columns) else _empty_monthly(),
        output=tables["output"] if len(tables["output"].columns) else _empty_monthly(),
    )


def monthly_array(table: pd.DataFrame) -> np.ndarray:
    """The months (1–12) each row of a canonical monthly table covers, as a boolean matrix."""
    months = np.zeros((len(table), 12), dtype=bool)
    for i, (first, span) in enumerate(zip(table["first_month"], table["months"], strict=True)):
        months[i, int(first) - 1 : int(first) - 1 + int(span)] = True
    return months


# --- totals and the naive baselines (issue 16 item 3) -------------------------------------------


def period_total(
    table: pd.DataFrame, region: str, key: str, year: int, through_month: int = 12
) -> float | None:
    """The amount of ``key`` in ``region`` over months 1…``through_month`` of ``year``, from the
    blocks that lie inside that span; None when a month of it is missing or a block straddles
    its end (a figure is never cut by an invented rule)."""
    blocks = table_index(table, "blocks", _blocks_by_key).get((region, key, int(year)))
    if not blocks:
        return None
    covered = np.zeros(12, dtype=bool)
    total = 0.0
    for first, span, amount in blocks:
        last = first + span - 1
        if last <= through_month:
            covered[first - 1 : last] = True
            total += amount
        elif first <= through_month:
            return None  # straddles the end
    return total if covered[:through_month].all() else None


#: (id(table), what) -> (a weak reference to the table, an index of it): the estimates ask for
#: thousands of period totals and inventories of the same few tables, each a scan without one.
_INDEXES: dict[tuple[int, str], tuple[weakref.ref, object]] = {}
T = TypeVar("T")


def table_index(table: pd.DataFrame, what: str, build: Callable[[pd.DataFrame], T]) -> T:
    """``build(table)``, computed once per table object and ``what`` (the tables of
    :class:`ProvinceData` are not changed once read) and dropped with the table."""
    key = (id(table), what)
    hit = _INDEXES.get(key)
    if hit is not None and hit[0]() is table:
        return hit[1]  # type: ignore[return-value]
    index = build(table)
    _INDEXES[key] = (weakref.ref(table, lambda _ref: _INDEXES.pop(key, None)), index)
    return index


def _blocks_by_key(
    table: pd.DataFrame,
) -> dict[tuple[str, str, int], list[tuple[int, int, float]]]:
    index: dict[tuple[str, str, int], list[tuple[int, int, float]]] = {}
    columns = ("region", "key", "year", "first_month", "months", "amount")
    for region, key, year, first, span, amount in zip(*(table[c] for c in columns), strict=True):
        index.setdefault((region, key, int(year)), []).append(
            (int(first), int(span), float(amount))
        )
    return index


#: The naive baselines a model is judged against (the JSON's ``baselines``).
BASELINES: Final = ("persistence", "electricity_ratio", "thermal_ratio")


def annual_totals(data: ProvinceData) -> pd.DataFrame:
    """Each inventory's total (region, level, year, tco2): its ``ALL`` row where it has one,
    else the sum of its sectors (an inventory by sector without a total row)."""
    annual = data.annual
    given = annual[annual["sector"] == "ALL"]
    summed = (
        annual[annual["sector"] != "ALL"]
        .groupby(["region", "level", "year"], as_index=False, sort=True)["tco2"]
        .sum()
    )
    keys = ["region", "year"]
    missing = summed.merge(given[keys], on=keys, how="left", indicator=True)
    missing = missing[missing["_merge"] == "left_only"].drop(columns="_merge")
    columns = ["region", "level", "year", "tco2"]
    return pd.concat([given[columns], missing[columns]], ignore_index=True).sort_values(keys)


def baseline_estimates(data: ProvinceData, *, through_month: int = 12) -> pd.DataFrame:
    """Rolling-origin estimates of every annual inventory (region × year, sector ALL) that has
    the year before: ``persistence`` = last year's inventory; ``electricity_ratio`` = last
    year's × the region's electricity use (ALL) over months 1…``through_month`` this year ÷ the
    same months last year; ``thermal_ratio`` the same with thermal generation. A baseline
    without its data is NaN. Columns: region, level, year, actual, and one per baseline."""
    totals = annual_totals(data)
    inventory = {(r, int(y)): float(t) for r, y, t in totals[["region", "year", "tco2"]].values}
    levels = dict(zip(totals["region"], totals["level"], strict=True))
    rows = []
    for (region, year), actual in sorted(inventory.items()):
        before = inventory.get((region, year - 1))
        if before is None:
            continue
        level = levels[region]
        estimates = {"persistence": before}
        for name, table, key in (
            ("electricity_ratio", data.electricity, "ALL"),
            ("thermal_ratio", data.generation, "thermal"),
        ):
            now = period_total(table, region, key, year, through_month)
            then = period_total(table, region, key, year - 1, through_month)
            estimates[name] = before * now / then if now is not None and then else math.nan
        rows.append({"region": region, "level": level, "year": year, "actual": actual, **estimates})
    return pd.DataFrame(rows, columns=["region", "level", "year", "actual", *BASELINES])


def mape(estimate: pd.Series, actual: pd.Series) -> float:
    """Mean absolute percentage error over the rows that have an estimate (NaN when none)."""
    known = estimate.notna() & (actual > 0)
    if not known.any():
        return math.nan
    return float((abs(estimate[known] / actual[known] - 1.0)).mean())


def baseline_scores(data: ProvinceData, *, through_month: int = 12) -> dict[str, dict[str, float]]:
    """MAPE of each baseline by level (``{"province": {"persistence": 0.03, …}, …}``)."""
    estimates = baseline_estimates(data, through_month=through_month)
    return {
        level: {name: mape(group[name], group["actual"]) for name in BASELINES}
        for level, group in estimates.groupby("level", sort=True)
    }


# --- the model's tables from a detailed province folder (issue 16 item 2) ------------------------

#: Fuels of the province tables -> the model's generation fuels (the model uses thermal as one).
MODEL_FUELS: Final = {"thermal": "coal", "wind": "wind", "solar": "solar", "hydro": "hydro"}


class CoarseDataError(InputError):
    """A province folder without the detail of the monthly county × sector model."""


def model_tables(data: ProvinceData, folder: str = "") -> ModelInputs:
    """The monthly model's tables (:class:`~carbonctl.electricity.inputs.ModelInputs`) from a
    province folder that has the detail the county × sector model needs: county inventories by
    model sector, monthly electricity use of every county by classes that each lie inside one
    model sector (single months), generation of the counties and output of the cities. Coarser
    classes (工业, 第三产业, ALL) are left out where finer ones are given; thermal generation
    counts as one thermal fuel. A folder without that detail raises :class:`InputError` saying
    what is missing as :class:`CoarseDataError` (the annual estimate works on any detail)."""
    problems = []
    annual = data.annual[data.annual["level"] == "county"]
    sectors = {s.code for s in model_sectors()}
    if annual.empty or not set(annual["sector"]) <= sectors:
        problems.append("annual: county inventories by model sector")
    power = data.electricity[(data.electricity["level"] == "county")]
    modelled = {k: modelled_as(k) for k in power["key"].unique() if k != "ALL"}
    fine = power[power["key"].map(lambda k: modelled.get(k) in sectors)]
    if fine.empty:
        problems.append(
            "electricity: monthly use of each county by classes inside one model sector "
            "(黑色金属冶炼和压延加工业, 城镇居民 …)"
        )
    elif (fine["months"] != 1).any():
        block = fine[fine["months"] != 1].iloc[0]
        problems.append(
            f"electricity: single months (a block of {int(block['months'])} months from "
            f"{int(block['year'])}-{int(block['first_month']):02d}, {block['rows']})"
        )
    if problems:
        raise CoarseDataError(
            "the monthly county × sector model needs " + "; ".join(problems),
            file=folder or None,
            expected="county detail for nowcast and publish; `electricity backtest --data` "
            "estimates the year from data at any detail",
        )

    def month(table: pd.DataFrame) -> pd.Series:
        return (
            table["year"].astype(int).astype(str) + "-" + table["first_month"].map("{:02d}".format)
        )

    monthly = (
        fine.assign(sector=fine["key"].map(modelled), month=month(fine))
        .groupby(["region", "sector", "month"], as_index=False, sort=True)["amount"]
        .sum()
        .rename(columns={"region": "county", "amount": "kwh"})
    )
    regions = refdata.load_table("regions").set_index("adcode")
    counties = sorted(set(annual["region"]) | set(monthly["county"]))
    plants = data.generation[
        (data.generation["level"] == "county")
        & (data.generation["months"] == 1)
        & data.generation["key"].isin(MODEL_FUELS)
    ]
    output = data.output[
        (data.output["level"] == "city")
        & (data.output["months"] == 1)
        & data.output["key"].isin(OUTPUT_PRODUCTS)
    ]
    return ModelInputs(
        counties=pd.DataFrame(
            {"county": counties, "city": [str(regions.at[c, "parent_adcode"]) for c in counties]}
        ),
        annual=annual.rename(columns={"region": "county"})[["county", "sector", "year", "tco2"]],
        monthly=monthly,
        generation=pd.DataFrame(
            {
                "county": plants["region"],
                "month": month(plants),
                "fuel": plants["key"].map(MODEL_FUELS),
                "mwh": plants["amount"] / 1000.0,
            }
        ),
        output=pd.DataFrame(
            {
                "city": output["region"],
                "month": month(output),
                "product": output["key"],
                "amount": output["amount"],
            }
        ),
    )
