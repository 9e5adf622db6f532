"""Activity data -> CO2 (碳排放核算): fuel combustion, industrial processes, purchased electricity
and heat, standard coal, and the CEADs-layout regional inventory. Pure functions over tables.

Every result row keeps the id of its input row and the factor set and factor it used.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from carbonctl import refdata
from carbonctl.accounting.combustion import combustion
from carbonctl.accounting.process import process
from carbonctl.accounting.purchased import electricity, heat
from carbonctl.frames import ensure_columns, raise_row_errors, text

__all__ = ["CATEGORIES", "RESULT_COLUMNS", "AccountingResult", "account", "compress_ids"]

CATEGORIES = ("combustion", "process", "electricity", "heat")

OPTIONAL_INPUTS: dict[str, object] = {
    "region": pd.NA,
    "ncv": np.nan,
    "ncv_unit": pd.NA,
    "carbon_content": np.nan,
    "oxidation_rate": np.nan,
    "carbon_fraction": np.nan,
    "purity": np.nan,
    "cao_fraction": np.nan,
    "mgo_fraction": np.nan,
    "emission_factor": np.nan,
    "direction": pd.NA,
}

RESULT_COLUMNS = [
    "row_id",
    "subject",
    "period",
    "year",
    "region",
    "category",
    "item",
    "item_id",
    "amount",
    "unit",
    "activity",
    "activity_unit",
    "ncv_GJ_per_unit",
    "cc_tC_per_GJ",
    "oxidation_rate",
    "carbon_fraction",
    "emission_factor",
    "ef_unit",
    "tco2",
    "tco2_market",
    "tce",
    "tce_equal_value",
    "parameters",
    "factor_set",
    "factor_id",
    "factor_status",
    "provisional",
    "note",
]
TOTALS = ["tco2", "tco2_market", "tce", "tce_equal_value"]
INPUT_COLUMNS = [
    "row_id",
    "subject",
    "period",
    "year",
    "region",
    "category",
    "item",
    "amount",
    "unit",
]
STEP_INPUTS = ["row_id", "year", "item", "amount", "unit", *OPTIONAL_INPUTS]


@dataclass(frozen=True)
class AccountingResult:
    """Emissions of each activity row plus the settings that produced them.

    ``rows`` has :data:`RESULT_COLUMNS`; ``tco2`` is location-based, ``tco2_market`` market-based
    (green power at 0), ``tce`` standard coal with electricity at 当量值, ``tce_equal_value``
    at 等价值.
    """

    rows: pd.DataFrame
    factor_set: str
    grid_basis: str
    settings: dict[str, object] = field(default_factory=dict)

    @property
    def total_tco2(self) -> float:
        return float(self.rows["tco2"].sum())

    @property
    def total_tco2_market(self) -> float:
        return float(self.rows["tco2_market"].sum())

    @property
    def total_tce(self) -> float:
        """Standard coal at equivalent value (当量值) of every row that has one."""
        return float(self.rows["tce"].sum())

    def by(self, *keys: str) -> pd.DataFrame:
        """Totals grouped by ``keys`` with the ids of the input rows behind each figure."""
        grouped = self.rows.groupby(list(keys), sort=True, observed=True, dropna=False)
        table = grouped[TOTALS].sum(min_count=1)
        table["rows"] = grouped.size()
        table["input_row_ids"] = grouped["row_id"].agg(compress_ids)
        table["factor_set"] = self.factor_set
        return table.reset_index()

    def by_category(self) -> dict[str, float]:
        sums = self.rows.groupby("category", observed=True)["tco2"].sum()
        return {c: float(sums[c]) for c in CATEGORIES if c in sums.index}

    def by_subject(self) -> dict[str, float]:
        sums = self.rows.groupby("subject", sort=True, observed=True)["tco2"].sum()
        return {str(k): float(v) for k, v in sums.items()}

    def summary(self) -> dict[str, object]:
        """The CLI's ``--json`` object (contract: keys and meaning are stable)."""
        return {
            "factor_set": self.factor_set,
            "rows": len(self.rows),
            "total_tco2": self.total_tco2,
            "by_category": self.by_category(),
            "by_subject": self.by_subject(),
        }


def compress_ids(ids: pd.Series) -> str:
    """Row ids as compact ranges: 2,3,4,7 -> '2-4;7' (drill-down from a total to its rows)."""
    values = np.unique(np.asarray(ids, dtype=np.int64))
    if values.size == 0:
        return ""
    breaks = np.flatnonzero(np.diff(values) != 1)
    starts = np.concatenate(([values[0]], values[breaks + 1]))
    ends = np.concatenate((values[breaks], [values[-1]]))
    return ";".join(str(s) if s == e else f"{s}-{e}" for s, e in zip(starts, ends, strict=True))


def _prepare(activities: pd.DataFrame) -> pd.DataFrame:
    rows = ensure_columns(activities, OPTIONAL_INPUTS)
    if "row_id" not in rows.columns:
        rows = rows.assign(row_id=np.arange(2, len(rows) + 2))
    if "year" not in rows.columns:
        rows = rows.assign(year=rows["period"].astype(str).str.slice(0, 4).astype(int))
    return rows.reset_index(drop=True)


def account(
    activities: pd.DataFrame,
    *,
    factor_set: str | None = None,
    grid_basis: str = "provincial",
    default_region: str = refdata.PROVINCE,
    coal_rate_kgce_per_kwh: float | None = None,
) -> AccountingResult:
    """Account CO2 for a validated activity table (see :func:`carbonctl.io.read_activities`).

    ``grid_basis`` picks the electricity factor: ``provincial`` (region's MEE/NBS factor, falling
    back to its grid region and the national value), ``national`` or ``ets``. Electricity rows
    without a region use ``default_region`` (the platform's province, ``refdata.PROVINCE``).
    ``coal_rate_kgce_per_kwh`` is the thermal-power coal rate for 等价值 standard coal.
    """
    from carbonctl.io import is_green_electricity  # io depends on refdata only; no cycle

    set_id = refdata.resolve_factor_set(factor_set)
    refdata.grid_factor(default_region, 2023, grid_basis)  # validates basis and region up front
    rows = _prepare(activities)
    rows.attrs = activities.attrs
    category = rows["category"].to_numpy(dtype=object)
    raise_row_errors(
        rows,
        ~np.isin(category, CATEGORIES),
        lambda r: f"unknown category {r['category']!r}",
        "category",
        "combustion, process, electricity or heat (validate with carbonctl.io first)",
    )
    computed: dict[str, np.ndarray] = {}
    for name in CATEGORIES:
        positions = np.flatnonzero(category == name)
        if not positions.size:
            continue
        # only the columns the steps read: taking text columns of a big table is not free
        subset = rows[STEP_INPUTS].take(positions)
        subset.attrs = activities.attrs
        if name == "combustion":
            part = combustion(subset, set_id)
        elif name == "process":
            part = process(subset)
        elif name == "electricity":
            part = electricity(
                subset,
                basis=grid_basis,
                default_region=default_region,
                is_green=is_green_electricity(subset["item"]).to_numpy(dtype=bool),
                coal_rate_kgce_per_kwh=coal_rate_kgce_per_kwh,
            )
        else:
            part = heat(subset)
        for column, values in part.items():
            if column not in computed:
                computed[column] = _empty(len(rows), values.dtype)
            computed[column][positions] = values
    result = {column: rows[column] for column in INPUT_COLUMNS}
    for column in RESULT_COLUMNS:
        if column in INPUT_COLUMNS:
            continue
        if column == "factor_set":
            result[column] = pd.Series(text(set_id, len(rows)), dtype=object)
            continue
        values = computed.get(column, np.full(len(rows), np.nan))
        # object columns stay object: converting a million shared labels to str dtype costs more
        # than the whole computation
        result[column] = pd.Series(values, dtype=values.dtype, copy=False)
    return AccountingResult(
        rows=pd.DataFrame(result, copy=False),
        factor_set=set_id,
        grid_basis=grid_basis,
        settings={
            "default_region": default_region,
            "coal_rate_kgce_per_kwh": coal_rate_kgce_per_kwh,
        },
    )


def _empty(n: int, dtype: np.dtype) -> np.ndarray:
    if dtype.kind == "f":
        return np.full(n, np.nan)
    if dtype.kind == "b":
        return np.zeros(n, dtype=bool)
    return np.empty(n, dtype=object)  # numpy fills object arrays with None
