"""Enterprise carbon-efficiency grades (企业碳效码, 碳效等级 1–5) and carbon levels
(低碳/中碳/高碳), by the Zhejiang method behind DB33/T 1347-2023 (refdata
``enterprise_carbon_efficiency_grades``).

For an enterprise in industry i and year t::

    net CO2   = CO2 − CO2 credited for zero-carbon power and sinks      (净排放)
    L         = net CO2 / value added (t per 10⁴ CNY)                  (碳排放强度)
    average_i = Σ net CO2 / Σ value added over the industry's enterprises of the year, unless
                a published industry average is supplied
    K         = L / average_i                                          (碳效值)

K falls into the bands of the table (upper bound inclusive): grade 1 K ≤ 0.6 … grade 5 K > 2.0;
L into 低碳 ≤ 0.6 < 中碳 ≤ 2.0 < 高碳. A negative net (sinks above emissions) is grade 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from carbonctl.errors import InputError, InputErrors
from carbonctl.io.records import Column, read_records, validate_records
from carbonctl.refdata import load_table

__all__ = [
    "GRADE_COLUMNS",
    "Band",
    "GradeResult",
    "carbon_level",
    "grade_bands",
    "grade_distribution",
    "grade_enterprises",
    "grade_of",
    "read_grade_input",
]

GRADE_COLUMNS: tuple[Column, ...] = (
    Column("enterprise", "text", aliases=("企业", "企业名称")),
    Column("industry", "text", aliases=("行业",)),
    Column("year", "year", aliases=("年度", "年份")),
    Column("co2_t", aliases=("二氧化碳排放量",)),
    Column("zero_carbon_co2_t", blank=True, minimum=None, aliases=("零碳抵扣",)),
    Column("value_added_10k_cny", minimum=None, aliases=("工业增加值",)),
    Column("industry_average", required=False, blank=True, minimum=None, aliases=("行业平均",)),
)


@dataclass(frozen=True)
class Band:
    """One band of K or L: ``lower`` < x ≤ ``upper`` (None: open)."""

    name: str
    lower: float | None
    upper: float | None
    meaning: str
    status: str
    source: str

    def holds(self, x: float) -> bool:
        return (self.lower is None or x > self.lower) and (self.upper is None or x <= self.upper)


@cache
def _bands(scheme: str) -> tuple[Band, ...]:
    table = load_table("enterprise_carbon_efficiency_grades")
    rows = table[table["scheme"] == scheme]

    def bound(text: str) -> float | None:
        return float(text) if text.strip() else None

    return tuple(
        Band(
            r.grade,
            bound(r.lower_exclusive),
            bound(r.upper_inclusive),
            r.meaning,
            r.status,
            r.source,
        )
        for r in rows.itertuples(index=False)
    )


def grade_bands() -> tuple[Band, ...]:
    """The five grade bands of K, grade 1 first."""
    return _bands("carbon_efficiency_grade")


def grade_of(k: float) -> int:
    """The carbon-efficiency grade (1 best … 5) of K; K below every band (negative) is 1. K is
    rounded to 10 decimals first, so a K of 0.6 reached through a pooled average
    (0.6000000000000001) stays on the bound it equals."""
    bands = grade_bands()
    k = round(k, 10)
    for band in bands:
        if band.holds(k):
            return int(band.name)
    if bands[0].upper is not None and k <= bands[0].upper:
        return int(bands[0].name)
    raise ValueError(f"K {k!r} is not a number")


def carbon_level(intensity: float) -> str:
    """低碳 / 中碳 / 高碳 (the table's names) of L, t CO2 per 10⁴ CNY value added."""
    bands = _bands("carbon_level")
    intensity = round(intensity, 10)
    for band in bands:
        if band.holds(intensity):
            return band.name.split()[0]
    return bands[0].name.split()[0]  # below the lowest bound (negative net)


@dataclass(frozen=True)
class GradeResult:
    """Grades of the enterprises of a table: one row per enterprise and year."""

    rows: pd.DataFrame

    def table(self) -> pd.DataFrame:
        return self.rows.copy()

    def to_json(self) -> dict:
        """``{"enterprises": {enterprise: {"k", "grade", …}}}``: an enterprise's latest year,
        with every year's figures under ``years`` when the table has several."""
        out: dict[str, dict] = {}
        for enterprise, rows in self.rows.groupby("enterprise", sort=False):
            ordered = rows.sort_values("year")
            latest = ordered.iloc[-1]
            entry = _entry(latest)
            if len(ordered) > 1:
                entry["years"] = {str(int(r["year"])): _entry(r) for _, r in ordered.iterrows()}
            out[str(enterprise)] = entry
        return {"enterprises": out}


def _entry(row: pd.Series) -> dict:
    return {
        "k": float(row["k"]),
        "grade": int(row["grade"]),
        "year": int(row["year"]),
        "industry": row["industry"],
        "net_co2_t": float(row["net_co2_t"]),
        "intensity_t_per_10k_cny": float(row["intensity"]),
        "industry_average": float(row["industry_average"]),
        "industry_average_basis": row["average_basis"],
        "carbon_level": row["carbon_level"],
    }


def read_grade_input(path: str | Path, *, sheet: str | None = None) -> pd.DataFrame:
    return read_records(path, GRADE_COLUMNS, sheet=sheet)


def grade_enterprises(table: pd.DataFrame, *, source: str = "<table>") -> GradeResult:
    """Grade each enterprise-year of ``table`` (:data:`GRADE_COLUMNS`). Raises
    :class:`InputErrors` for a value added ≤ 0, a repeated enterprise-year, or an industry-year
    whose average is not positive (it cannot be a yardstick)."""
    data = validate_records(table, GRADE_COLUMNS, source=source)
    errors: list[InputError] = []
    rows = data.index.to_numpy()
    va = data["value_added_10k_cny"].to_numpy(dtype=float)
    for row in rows[~(va > 0)]:
        errors.append(
            InputError(
                f"value added {data.at[row, 'value_added_10k_cny']:g}",
                file=source,
                row=int(row),
                column="value_added_10k_cny",
                expected="value added > 0 (10⁴ CNY, income method)",
            )
        )
    repeated = data.duplicated(["enterprise", "year"], keep="first").to_numpy()
    for row in rows[repeated]:
        errors.append(
            InputError(
                f"{data.at[row, 'enterprise']} {int(data.at[row, 'year'])} repeated",
                file=source,
                row=int(row),
                column="enterprise",
                expected="one row per enterprise and year",
            )
        )
    if errors:
        raise InputErrors(errors)
    net = data["co2_t"] - data["zero_carbon_co2_t"].fillna(0.0)
    frame = data.assign(net_co2_t=net, intensity=net / data["value_added_10k_cny"])
    groups = frame.groupby(["industry", "year"], sort=False)
    pooled = groups["net_co2_t"].transform("sum") / groups["value_added_10k_cny"].transform("sum")
    given = frame["industry_average"]
    frame["industry_average"] = given.where(given.notna(), pooled)
    frame["average_basis"] = np.where(given.notna(), "supplied", "pooled")
    bad = ~(frame["industry_average"] > 0)
    for row in frame.index[bad]:
        errors.append(
            InputError(
                f"the {frame.at[row, 'industry']} {int(frame.at[row, 'year'])} industry average "
                f"is {frame.at[row, 'industry_average']:g}",
                file=source,
                row=int(row),
                column="industry_average",
                expected="an industry average > 0 (t CO2 per 10⁴ CNY)",
            )
        )
    if errors:
        raise InputErrors(errors)
    frame["k"] = frame["intensity"] / frame["industry_average"]
    frame["grade"] = [grade_of(k) for k in frame["k"]]
    frame["carbon_level"] = [carbon_level(x) for x in frame["intensity"]]
    frame["year"] = frame["year"].astype(int)
    columns = [
        "enterprise",
        "industry",
        "year",
        "co2_t",
        "zero_carbon_co2_t",
        "value_added_10k_cny",
        "net_co2_t",
        "intensity",
        "industry_average",
        "average_basis",
        "k",
        "grade",
        "carbon_level",
    ]
    return GradeResult(frame[columns].reset_index(drop=True))


def grade_distribution(grades: pd.DataFrame, by: str) -> pd.DataFrame:
    """Count of enterprises per grade (columns 1–5) for each value of ``by`` (e.g. a county
    column joined to the grades), with the total and the share of grades 4–5."""
    counts = pd.crosstab(grades[by], grades["grade"]).reindex(columns=range(1, 6), fill_value=0)
    counts["total"] = counts.sum(axis=1)
    counts["share_4_5"] = (counts[4] + counts[5]) / counts["total"]
    return counts
