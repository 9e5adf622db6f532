"""The footprint background database (背景数据库, measure 十五): a starter set of processes built
from the platform's own cited reference data, extended and versioned by administrators and
industry associations without code, and exported as a SYSTEM_DIR.

Every background process makes one unit of its product and carries ``name_en``, ``category``
(electricity / fuel / heat / material / transport), ``aliases`` (other names it is found by),
``source``, ``status`` (the reference table's label, UNCONFIRMED kept), ``version`` and
``author``. Process ids are stable and readable:

- ``elec:140000:2023`` — 1 kWh of grid electricity used in Shanxi in 2023 (biosphere CO2 at the
  MEE/NBS provincial factor chosen by :func:`carbonctl.refdata.grid_factor`: a year not yet
  published takes the newest earlier year and says *provisional* in its status);
- ``fuel:coke:combustion`` — burning one unit (t or 10^4 Nm3) of a fuel: CO2 from the default
  factor set's NCV × carbon content × oxidation rate × 44/12 (no CH4/N2O: the factor sets give
  none);
- ``fuel:raw_coal:upstream`` — extraction, processing and transport of one unit of a fuel
  (refdata ``footprint_fuel_upstream``; fuels without a cited value are absent);
- ``heat:purchased`` — 1 GJ of purchased heat (refdata ``heat_factors``);
- ``mat:cement`` and ``transport:rail`` — cradle-to-gate footprints of materials and transport
  per t·km (refdata ``footprint_materials``), as one CO2e biosphere flow each.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from carbonctl import refdata
from carbonctl.errors import InputError, InputErrors
from carbonctl.footprint.system import System, system_from_tables, write_system
from carbonctl.refdata.regions import base_name

__all__ = [
    "BACKGROUND_CATEGORIES",
    "PROCESS_COLUMNS",
    "STARTER_AUTHOR",
    "STARTER_VERSION",
    "changed_processes",
    "export_background",
    "extend_background",
    "grid_years",
    "starter_background",
]

#: Version label of the packaged starter set (a new release of the reference tables bumps it).
STARTER_VERSION = "starter-2026.1"
STARTER_AUTHOR = "carbonctl starter set"
BACKGROUND_CATEGORIES = ("electricity", "fuel", "heat", "material", "transport")

#: Columns of a background process row (after the contract's id, name, unit, location).
PROCESS_COLUMNS = [
    "id",
    "name",
    "unit",
    "location",
    "name_en",
    "category",
    "aliases",
    "source",
    "status",
    "version",
    "author",
]
EXCHANGE_COLUMNS = ["consumer", "input", "amount", "unit", "type"]

CO2_PER_C = 44.0 / 12.0
#: Years after the newest published grid factor that still get a (provisional) process.
PROVISIONAL_YEARS = 2


def grid_years() -> list[int]:
    """Years that get a grid-electricity process: from the first published provincial factor
    to :data:`PROVISIONAL_YEARS` after the newest (those marked provisional)."""
    table = refdata.load_table("grid_factors")
    years = table.loc[table["scope"] == "province", "data_year"].astype(int)
    return list(range(int(years.min()), int(years.max()) + PROVISIONAL_YEARS + 1))


def starter_background(*, version: str | None = None) -> System:
    """The starter background database from the packaged reference tables.

    ``version`` labels every process (default :data:`STARTER_VERSION`).
    """
    version = version or STARTER_VERSION
    processes: list[dict[str, object]] = []
    exchanges: list[dict[str, object]] = []
    for block in (_electricity, _fuels, _heat, _materials):
        block_processes, block_exchanges = block()
        processes += block_processes
        exchanges += block_exchanges
    table = pd.DataFrame(processes)
    table["version"] = version
    table["author"] = STARTER_AUTHOR
    return system_from_tables(
        table[PROCESS_COLUMNS],
        pd.DataFrame(exchanges, columns=EXCHANGE_COLUMNS),
        name=f"carbonctl background {version}",
    )


def _process(
    pid: str,
    name: str,
    unit: str,
    *,
    location: str = "",
    name_en: str,
    category: str,
    aliases: str = "",
    source: str,
    status: str,
) -> dict[str, object]:
    return {
        "id": pid,
        "name": name,
        "unit": unit,
        "location": location,
        "name_en": name_en,
        "category": category,
        "aliases": aliases,
        "source": source,
        "status": status,
    }


def _emits(pid: str, gas: str, kg: float) -> dict[str, object]:
    return {"consumer": pid, "input": gas, "amount": kg, "unit": "kg", "type": "biosphere"}


def _electricity() -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    regions = refdata.load_table("regions")
    places = regions[regions["level"].isin(["country", "province"])]
    processes, exchanges = [], []
    for place in places.itertuples(index=False):
        short = "全国" if place.level == "country" else base_name(place.name_zh)
        for year in grid_years():
            basis = "national" if place.level == "country" else "provincial"
            factor = refdata.grid_factor(place.adcode, year, basis)
            status = factor.status
            notes = [factor.note] if factor.note else []
            notes.append(f"factor {factor.factor_id} (data year {factor.data_year})")
            status = f"{status}; {'; '.join(notes)}"
            pid = f"elec:{place.adcode}:{year}"
            processes.append(
                _process(
                    pid,
                    f"电力 {short} {year}",
                    "kWh",
                    location=place.name_zh,
                    name_en=f"grid electricity, {place.name_en}, {year}",
                    category="electricity",
                    source=factor.source,
                    status=status,
                )
            )
            # tCO2/MWh = kgCO2/kWh
            exchanges.append(_emits(pid, "CO2", factor.value_tco2_per_mwh))
    return processes, exchanges


def _fuels() -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    fuels = refdata.load_table("fuels").set_index("fuel_id")
    factors = refdata.fuel_factors()
    set_id = factors.attrs["factor_set"]
    processes, exchanges = [], []
    for fuel_id, row in factors.iterrows():
        values = row[["ncv_GJ_per_unit", "cc_tC_per_GJ", "oxidation_rate"]].astype(float)
        if values.isna().any():
            continue
        catalogue = fuels.loc[fuel_id]
        pid = f"fuel:{fuel_id}:combustion"
        kg_co2 = float(values.prod()) * CO2_PER_C * 1000.0
        processes.append(
            _process(
                pid,
                f"{catalogue['name_zh']}燃烧",
                row["unit"],
                name_en=f"combustion of {catalogue['name_en']}",
                category="fuel",
                source=f"factor set {set_id}: {row['source']}",
                status=row["status"],
            )
        )
        exchanges.append(_emits(pid, "CO2", kg_co2))
    upstream = refdata.load_table("footprint_fuel_upstream")
    for row in _upstream_rows(upstream, fuels).itertuples(index=False):
        catalogue = fuels.loc[row.fuel_id]
        pid = f"fuel:{row.fuel_id}:upstream"
        processes.append(
            _process(
                pid,
                f"{catalogue['name_zh']}（上游：开采、加工、运输）",
                row.unit,
                location=row.geography,
                name_en=f"{catalogue['name_en']}, upstream (extraction, processing, transport)",
                category="fuel",
                source=row.source,
                status=row.status,
            )
        )
        by_gas = {
            "CO2": row.kgCO2_per_unit,
            "CH4 fossil": row.kgCH4_per_unit,
            "N2O": row.kgN2O_per_unit,
        }
        given = {gas: float(v) for gas, v in by_gas.items() if str(v).strip()}
        if not given:
            given = {"CO2e": float(row.kgCO2e_per_unit)}
        exchanges += [_emits(pid, gas, kg) for gas, kg in given.items()]
    return processes, exchanges


def _upstream_rows(upstream: pd.DataFrame, fuels: pd.DataFrame) -> pd.DataFrame:
    """The upstream table plus, for each rank of raw coal (anthracite, bituminous coal, lignite:
    CEADs group Raw_Coal) without a row of its own, the raw-coal row: the mining footprint is per
    tonne of coal mined whatever its rank (the status says the figure was carried over)."""
    own = set(upstream["fuel_id"])
    if "raw_coal" not in own:
        return upstream
    raw = upstream[upstream["fuel_id"] == "raw_coal"].iloc[0]
    ranks = fuels[(fuels["ceads_group"] == "Raw_Coal") & ~fuels.index.isin(own)]
    extra = []
    for fuel_id, fuel in ranks.iterrows():
        row = raw.copy()
        row["fuel_id"] = fuel_id
        row["fuel"] = f"{fuel['name_zh']} {fuel['name_en']}"
        row["status"] = f"{raw['status']}; raw-coal figure applied to {fuel['name_en']}"
        extra.append(row)
    return pd.concat([upstream, pd.DataFrame(extra)], ignore_index=True)


def _heat() -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    row = refdata.load_table("heat_factors").iloc[0]
    kg_per_gj = float(row["value"]) * 1000.0  # tCO2/GJ
    process = _process(
        "heat:purchased",
        "外购热力（蒸汽、热水）",
        "GJ",
        name_en="purchased heat (steam or hot water)",
        category="heat",
        aliases="热力;蒸汽;热水;外购蒸汽;heat;steam;purchased steam",
        source=row["source"],
        status=row["status"],
    )
    return [process], [_emits("heat:purchased", "CO2", kg_per_gj)]


def _materials() -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    table = refdata.load_table("footprint_materials")
    processes, exchanges = [], []
    for row in table.itertuples(index=False):
        prefix = "transport" if row.category == "transport" else "mat"
        pid = f"{prefix}:{row.material_id}"
        processes.append(
            _process(
                pid,
                row.name_zh,
                row.unit,
                location=row.geography,
                name_en=row.name_en,
                category=row.category,
                aliases=row.aliases,
                source=f"{row.source} ({row.year}; {row.boundary})",
                status=row.status,
            )
        )
        exchanges.append(_emits(pid, "CO2e", float(row.kgCO2e_per_unit)))
    return processes, exchanges


# --- extension and versions ---------------------------------------------------------------------

REQUIRED_TEXT = {
    "source": "the public source of the figures (document, table, URL)",
    "status": "a status starting CONFIRMED, SECONDARY, UNCONFIRMED, DESIGN PROPOSAL or INFERRED",
}


def extend_background(
    base: System,
    additions: System | tuple[pd.DataFrame, pd.DataFrame] | str | Path,
    *,
    version: str,
    author: str,
    files: tuple[str, str] = ("processes", "exchanges"),
) -> System:
    """The background ``base`` with the processes of ``additions`` added or replacing those of
    the same id (an administrator or industry association extends the database without code).

    ``additions`` is a :class:`System`, a ``(processes, exchanges)`` pair of tables, or a folder
    with ``processes`` and ``exchanges`` files (CSV or XLSX) in the contract's layout; its
    exchanges may name processes of ``base``. Every added process row needs ``source`` and a
    labelled ``status`` (located :class:`InputError` otherwise). A replaced process keeps none of
    its old exchanges. Added and replaced rows get ``version`` and ``author``; the changes are
    read back with :func:`changed_processes`.
    """
    processes, exchanges = _addition_tables(additions)
    _check_addition_rows(processes, files[0])
    processes = processes.copy()
    processes["version"] = version
    processes["author"] = author
    new_ids = set(processes["id"])
    kept = base.processes[~base.processes["id"].isin(new_ids)]
    kept_exchanges = base.exchanges[~base.exchanges["consumer"].isin(new_ids)]
    merged = pd.concat([kept, processes], ignore_index=True)
    merged = merged.astype({c: object for c in merged.columns if merged[c].dtype == object})
    for column in ("name_en", "category", "aliases"):
        if column in merged.columns:
            merged[column] = merged[column].fillna("")
    return system_from_tables(
        merged,
        pd.concat([kept_exchanges, exchanges], ignore_index=True),
        name=f"{base.name} + {version}".strip(" +"),
        files=files,
    )


def _addition_tables(
    additions: System | tuple[pd.DataFrame, pd.DataFrame] | str | Path,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    if isinstance(additions, System):
        return additions.processes, additions.exchanges
    if isinstance(additions, tuple):
        processes, exchanges = additions
        return processes.reset_index(drop=True), exchanges.reset_index(drop=True)
    from carbonctl.io.readers import read_table

    folder = Path(additions)
    tables = []
    for stem in ("processes", "exchanges"):
        found = [folder / f"{stem}.{ext}" for ext in ("csv", "xlsx")]
        path = next((p for p in found if p.exists()), None)
        if path is None:
            raise InputError(f"no {stem}.csv or {stem}.xlsx in {folder}", file=str(folder))
        tables.append(read_table(path).reset_index(drop=True))
    processes, exchanges = tables
    return processes, exchanges


def _check_addition_rows(processes: pd.DataFrame, file: str) -> None:
    errors = []
    for column, expected in REQUIRED_TEXT.items():
        if column not in processes.columns:
            errors.append(InputError("column missing", file=file, column=column, expected=expected))
            continue
        for position, value in enumerate(processes[column]):
            text = "" if value is None or (isinstance(value, float) and np.isnan(value)) else value
            text = str(text).strip()
            bad = not text or (column == "status" and refdata.status_label(text) == "UNLABELLED")
            if bad:
                errors.append(
                    InputError(
                        f"{column} {'missing' if not text else repr(text)}",
                        file=file,
                        row=position + 2,
                        column=column,
                        expected=expected,
                    )
                )
    if errors:
        raise InputErrors(errors)


def _exchange_key(exchanges: pd.DataFrame) -> dict[str, tuple[tuple[str, str, float], ...]]:
    keyed: dict[str, list[tuple[str, str, float]]] = {}
    for row in exchanges.itertuples(index=False):
        keyed.setdefault(row.consumer, []).append(
            (str(row.type), str(row.input), round(float(row.amount), 12))
        )
    return {k: tuple(sorted(v)) for k, v in keyed.items()}


def changed_processes(base: System, new: System) -> pd.DataFrame:
    """What changed from ``base`` to ``new``, one row per process: ``id``, ``name``, ``change``
    (added / replaced / removed), ``old_version``, ``new_version``, ``author``, ``source`` and
    ``status`` (of the new row; of the old one when removed). A process counts as replaced when
    its row (name, unit, source, status, version) or its exchanges differ."""
    old = base.processes.set_index("id")
    now = new.processes.set_index("id")
    old_ex = _exchange_key(base.exchanges)
    new_ex = _exchange_key(new.exchanges)
    compared = ["name", "unit", "source", "status", "version"]
    rows = []

    def text(frame: pd.DataFrame, pid: str, column: str) -> str:
        return str(frame.at[pid, column]) if column in frame.columns else ""

    for pid in now.index:
        if pid not in old.index:
            change = "added"
        elif any(text(old, pid, c) != text(now, pid, c) for c in compared) or old_ex.get(
            pid
        ) != new_ex.get(pid):
            change = "replaced"
        else:
            continue
        rows.append(
            {
                "id": pid,
                "name": text(now, pid, "name"),
                "change": change,
                "old_version": text(old, pid, "version") if pid in old.index else "",
                "new_version": text(now, pid, "version"),
                "author": text(now, pid, "author"),
                "source": text(now, pid, "source"),
                "status": text(now, pid, "status"),
            }
        )
    for pid in old.index.difference(now.index):
        rows.append(
            {
                "id": pid,
                "name": text(old, pid, "name"),
                "change": "removed",
                "old_version": text(old, pid, "version"),
                "new_version": "",
                "author": "",
                "source": text(old, pid, "source"),
                "status": text(old, pid, "status"),
            }
        )
    columns = ["id", "name", "change", "old_version", "new_version", "author", "source", "status"]
    return pd.DataFrame(rows, columns=columns)


def export_background(system: System, directory: str | Path) -> None:
    """Write the background as a SYSTEM_DIR (``processes.csv`` + ``exchanges.csv``, the
    contract's :func:`~carbonctl.footprint.system.write_system`), usable by ``carbonctl footprint
    compute``."""
    write_system(system, directory)


def slug(text: object) -> str:
    """A readable id part: spaces to underscores, other characters kept (Chinese included)."""
    return re.sub(r"\s+", "_", str(text).strip())
