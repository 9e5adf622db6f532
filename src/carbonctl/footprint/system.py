"""A product system (产品系统) as two tables — processes and exchanges — read, checked and put in
the units the engine computes in.

``processes``: ``id, name, unit, location``; each process makes one ``unit`` of its reference
product. ``exchanges``: ``consumer, input, amount, unit, type``: a ``technosphere`` row is
``amount`` of ``input``'s product used per unit of the consumer's product; a ``biosphere`` row is
``amount`` (a mass) of the gas named by ``input`` emitted per unit. Optional uncertainty columns:
``uncertainty`` (``lognormal`` with ``sd`` the geometric standard deviation, ``normal`` with
``sd``, ``uniform`` or ``triangular`` with ``minimum`` and ``maximum``). Any other column is kept
as it is (``source``, ``status``, ``version`` …).

Amounts are converted on reading: technosphere amounts to the unit of the input's process,
biosphere amounts to kg, through :mod:`carbonctl.units`, so a system written in kg and one
written in t give the same footprint. Every bad cell is reported at once, by file, row and
column; nothing is returned unless the whole system is good.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from carbonctl.errors import InputError, InputErrors, UnitError
from carbonctl.io.problems import Problems
from carbonctl.io.readers import read_table
from carbonctl.io.records import Column, validate_records
from carbonctl.io.writers import write_table
from carbonctl.refdata.loader import close_matches
from carbonctl.units import conversion_factor

__all__ = [
    "BIOSPHERE",
    "EXCHANGE_COLUMNS",
    "PROCESS_COLUMNS",
    "TECHNOSPHERE",
    "UNCERTAINTY_KINDS",
    "System",
    "merge_systems",
    "read_demands",
    "read_system",
    "system_from_tables",
    "write_system",
]

TECHNOSPHERE = "technosphere"
BIOSPHERE = "biosphere"
_TYPES = {
    "technosphere": TECHNOSPHERE,
    "技术圈": TECHNOSPHERE,
    "biosphere": BIOSPHERE,
    "生物圈": BIOSPHERE,
    "emission": BIOSPHERE,
    "排放": BIOSPHERE,
}
UNCERTAINTY_KINDS = ("lognormal", "normal", "uniform", "triangular")
#: The mass unit biosphere amounts are converted to (scores are kgCO2e).
FLOW_UNIT = "kg"

PROCESS_COLUMNS = (
    Column("id", "text", aliases=("process", "过程编号", "编号")),
    Column("name", "text", aliases=("名称", "过程名称")),
    Column("unit", "text", aliases=("单位",), expected="a unit such as t, kg, kWh, GJ, m3"),
    Column("location", "text", required=False, blank=True, aliases=("地点", "地区")),
)
EXCHANGE_COLUMNS = (
    Column("consumer", "text", aliases=("过程", "使用过程")),
    Column("input", "text", aliases=("输入", "flow", "流")),
    Column("amount", "number", minimum=None, aliases=("数量",)),
    Column("unit", "text", aliases=("单位",), expected="a unit such as t, kg, kWh, GJ, m3"),
    Column(
        "type", "text", aliases=("类型",), expected="technosphere or biosphere (技术圈 / 生物圈)"
    ),
    Column(
        "uncertainty",
        "text",
        required=False,
        blank=True,
        expected=f"blank or one of {', '.join(UNCERTAINTY_KINDS)}",
    ),
    Column("sd", "number", required=False, blank=True),
    Column("minimum", "number", required=False, blank=True, minimum=None),
    Column("maximum", "number", required=False, blank=True, minimum=None),
)
_PROCESS_NAMES = tuple(c.name for c in PROCESS_COLUMNS)
_EXCHANGE_NAMES = tuple(c.name for c in EXCHANGE_COLUMNS)


@dataclass(frozen=True)
class System:
    """A checked product system: processes (one reference product each) and exchanges with
    amounts in the input process's unit (technosphere) or kg (biosphere). Both tables are
    indexed by the spreadsheet row they came from; ``files`` names them in messages."""

    processes: pd.DataFrame
    exchanges: pd.DataFrame
    name: str = ""
    files: tuple[str, str] = field(default=("processes", "exchanges"))

    @property
    def ids(self) -> list[str]:
        return self.processes["id"].tolist()

    def where(self, rows: Sequence[int]) -> list[str]:
        """``exchanges row N`` labels for messages."""
        return [f"{self.files[1]} row {int(r)}" for r in rows]


def _extras(frame: pd.DataFrame, declared: Sequence[str], checked: pd.DataFrame) -> pd.DataFrame:
    """The checked columns followed by the columns the file had beyond the declared ones."""
    taken = set(declared)
    for c in declared:
        taken.update(
            a for col in (PROCESS_COLUMNS + EXCHANGE_COLUMNS) if col.name == c for a in col.aliases
        )
    extra = [c for c in frame.columns if isinstance(c, str) and c not in taken]
    if not extra:
        return checked
    kept = frame[extra].set_axis(checked.index, axis=0)
    return pd.concat([checked, kept], axis=1)


def _rowed(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.index.name == "row":
        return frame
    return frame.set_axis(pd.Index(np.arange(2, len(frame) + 2), name="row"), axis=0)


def _check_processes(processes: pd.DataFrame, source: str) -> None:
    problems = Problems(source, _PROCESS_NAMES)
    rows = processes.index.to_numpy()
    duplicated = processes["id"].duplicated(keep="first").to_numpy()
    if duplicated.any():
        problems.add_formatted(
            rows[duplicated],
            "id",
            "a process id used once",
            "process id {id!r} is used twice",
            id=processes["id"].to_numpy()[duplicated],
        )
    for unit, group in processes.groupby("unit", sort=False).groups.items():
        try:
            conversion_factor(unit, unit)
        except UnitError as exc:
            problems.add(
                np.asarray(group), "unit", exc.expected, f"unknown unit {unit!r}", kind=unit
            )
    problems.raise_if_any()


def _factors(
    units: np.ndarray, targets: np.ndarray, rows: np.ndarray, problems: Problems, what: str
) -> np.ndarray:
    """Conversion factor of each exchange's unit to its target unit (NaN where impossible)."""
    factors = np.full(len(units), np.nan)
    pairs = pd.DataFrame({"u": units, "t": targets}).groupby(["u", "t"], sort=False).indices
    for (unit, target), positions in pairs.items():
        try:
            factors[positions] = conversion_factor(unit, target)
        except UnitError:
            problems.add(
                rows[positions],
                "unit",
                f"a unit convertible to {target} ({what})",
                f"unit {unit!r} does not convert to {target!r}",
                kind=(unit, target),
            )
    return factors


def _check_exchanges(exchanges: pd.DataFrame, processes: pd.DataFrame, source: str) -> pd.DataFrame:
    problems = Problems(source, _EXCHANGE_NAMES)
    rows = exchanges.index.to_numpy()
    kinds = exchanges["type"].str.strip().str.lower().map(_TYPES)
    bad_type = kinds.isna().to_numpy()
    if bad_type.any():
        problems.add_formatted(
            rows[bad_type],
            "type",
            "technosphere or biosphere (技术圈 / 生物圈)",
            "unknown exchange type {t!r}",
            t=exchanges["type"].to_numpy()[bad_type],
        )
    ids = processes["id"].to_numpy(dtype=object)
    unit_of = dict(zip(ids, processes["unit"], strict=True))
    known = pd.Index(ids)
    consumer_ok = known.get_indexer(exchanges["consumer"]) >= 0
    if not consumer_ok.all():
        missing = exchanges["consumer"].to_numpy()[~consumer_ok]
        problems.add_per_row(
            rows[~consumer_ok],
            "consumer",
            "a process id of the processes table",
            np.array([_unknown(m, ids) for m in missing], dtype=object),
        )
    technosphere = (kinds == TECHNOSPHERE).to_numpy()
    input_ok = known.get_indexer(exchanges["input"]) >= 0
    unknown_input = technosphere & ~input_ok
    if unknown_input.any():
        missing = exchanges["input"].to_numpy()[unknown_input]
        problems.add_per_row(
            rows[unknown_input],
            "input",
            "a process id of the processes table (technosphere input)",
            np.array([_unknown(m, ids) for m in missing], dtype=object),
        )
    targets = np.where(
        technosphere, exchanges["input"].map(unit_of).fillna("").to_numpy(dtype=object), FLOW_UNIT
    )
    convertible = (technosphere & input_ok) | (kinds == BIOSPHERE).to_numpy()
    factors = np.full(len(exchanges), np.nan)
    if convertible.any():
        factors[convertible] = _factors(
            exchanges["unit"].to_numpy(dtype=object)[convertible],
            targets[convertible],
            rows[convertible],
            problems,
            "the input process's unit, or a mass for a biosphere flow",
        )
    _check_uncertainty(exchanges, rows, problems)
    problems.raise_if_any()
    out = exchanges.copy()
    out["type"] = kinds.to_numpy(dtype=object)
    out["amount"] = exchanges["amount"].to_numpy() * factors
    out["unit"] = targets
    for column in ("minimum", "maximum"):
        out[column] = exchanges[column].to_numpy() * factors
    normal = (exchanges["uncertainty"] == "normal").to_numpy()
    out.loc[normal, "sd"] = exchanges["sd"].to_numpy()[normal] * factors[normal]
    return out


def _check_uncertainty(exchanges: pd.DataFrame, rows: np.ndarray, problems: Problems) -> None:
    kind = exchanges["uncertainty"].astype(object).fillna("").astype(str).str.strip().str.lower()
    exchanges["uncertainty"] = kind.where(kind != "", None)
    bad = ~kind.isin(("", *UNCERTAINTY_KINDS)).to_numpy()
    if bad.any():
        problems.add_formatted(
            rows[bad],
            "uncertainty",
            f"blank or one of {', '.join(UNCERTAINTY_KINDS)}",
            "unknown uncertainty {k!r}",
            k=kind.to_numpy()[bad],
        )
    sd = exchanges["sd"].to_numpy(dtype=float)
    low = exchanges["minimum"].to_numpy(dtype=float)
    high = exchanges["maximum"].to_numpy(dtype=float)
    amount = exchanges["amount"].to_numpy(dtype=float)
    k = kind.to_numpy(dtype=object)
    with np.errstate(invalid="ignore"):
        lognormal_bad = (k == "lognormal") & ~(sd > 1)
        normal_bad = (k == "normal") & ~(sd > 0)
        range_bad = np.isin(k, ("uniform", "triangular")) & ~(low < high)
        mode_bad = (k == "triangular") & ~range_bad & ~((low <= amount) & (amount <= high))
        lognormal_sign = (k == "lognormal") & (amount == 0)
    problems.add(
        rows[lognormal_bad], "sd", "a geometric standard deviation above 1", "sd is not above 1"
    )
    problems.add(rows[normal_bad], "sd", "a standard deviation above 0", "sd is not above 0")
    problems.add(
        rows[range_bad], "maximum", "minimum below maximum", "maximum is not above minimum"
    )
    problems.add(
        rows[mode_bad],
        "amount",
        "the amount between minimum and maximum (triangular mode)",
        "amount is outside minimum–maximum",
    )
    problems.add(
        rows[lognormal_sign], "amount", "a non-zero amount for a lognormal", "amount is zero"
    )


def _unknown(name: object, ids: np.ndarray) -> str:
    hint = close_matches(str(name), list(ids))
    tail = f"; closest: {', '.join(hint)}" if hint else ""
    return f"process {name!r} is not in the processes table{tail}"


def system_from_tables(
    processes: pd.DataFrame,
    exchanges: pd.DataFrame,
    *,
    name: str = "",
    files: tuple[str, str] = ("processes", "exchanges"),
) -> System:
    """Check the two tables (see the module docstring) and return the :class:`System`.

    Raises :class:`~carbonctl.errors.InputErrors` naming every bad cell by file, row and column:
    blank or non-numeric cells, a duplicate process id, an unknown unit, an exchange whose
    consumer or technosphere input is not a process, a unit that does not convert to the input
    process's unit (or to a mass for a biosphere flow), an inconsistent uncertainty."""
    processes = _rowed(processes)
    exchanges = _rowed(exchanges)
    checked = validate_records(processes, PROCESS_COLUMNS, source=files[0])
    checked = _extras(processes, _PROCESS_NAMES, checked)
    _check_processes(checked, files[0])
    flows = validate_records(exchanges, EXCHANGE_COLUMNS, source=files[1])
    flows = _extras(exchanges, _EXCHANGE_NAMES, flows)
    flows = _check_exchanges(flows, checked, files[1])
    checked["location"] = checked["location"].astype(object).fillna("")
    return System(checked, flows, name=name, files=files)


def _find(directory: Path, stem: str) -> Path:
    found = [p for p in (directory / f"{stem}.csv", directory / f"{stem}.xlsx") if p.is_file()]
    if len(found) != 1:
        raise InputError(
            "found both a CSV and an XLSX file" if found else f"no {stem} table",
            file=str(directory / stem),
            expected=f"exactly one of {stem}.csv or {stem}.xlsx in the system folder",
        )
    return found[0]


def read_system(directory: str | Path) -> System:
    """The system in ``directory``: ``processes.csv|xlsx`` and ``exchanges.csv|xlsx``."""
    folder = Path(directory)
    if not folder.is_dir():
        raise InputError(
            "not a folder", file=str(folder), expected="a folder with processes and exchanges"
        )
    paths = (_find(folder, "processes"), _find(folder, "exchanges"))
    tables = [read_table(p) for p in paths]
    return system_from_tables(
        tables[0], tables[1], name=folder.name, files=(str(paths[0]), str(paths[1]))
    )


def merge_systems(*systems: System, name: str = "") -> System:
    """One system holding all the processes and exchanges of ``systems`` (a foreground model
    over a background database). A process id defined in two of them is an error."""
    if not systems:
        raise InputErrors([InputError("no product system to merge", expected="one or more")])
    processes = pd.concat([s.processes for s in systems], ignore_index=True)
    twice = processes["id"][processes["id"].duplicated()].unique().tolist()
    if twice:
        owners = [s.name or s.files[0] for s in systems if s.processes["id"].isin(twice[:1]).any()]
        raise InputError(
            f"process id {twice[0]!r} is defined in {' and '.join(owners)}"
            + (f" ({len(twice) - 1} more ids too)" if len(twice) > 1 else ""),
            column="id",
            expected="each process id defined in one system only",
        )
    processes.index = pd.Index(np.arange(2, len(processes) + 2), name="row")
    exchanges = pd.concat([s.exchanges for s in systems], ignore_index=True)
    exchanges.index = pd.Index(np.arange(2, len(exchanges) + 2), name="row")
    files = (f"{name or 'merged'} processes", f"{name or 'merged'} exchanges")
    return System(processes, exchanges, name=name, files=files)


def write_system(system: System, directory: str | Path) -> None:
    """Write ``processes.csv`` and ``exchanges.csv`` (UTF-8 with BOM) into ``directory``: a
    folder :func:`read_system` and ``carbonctl footprint compute`` read back unchanged."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    exchanges = system.exchanges.dropna(axis=1, how="all")
    for column in ("consumer", "input", "amount", "unit", "type"):
        if column not in exchanges:
            exchanges[column] = system.exchanges[column]
    write_table(system.processes, folder / "processes.csv")
    write_table(exchanges, folder / "exchanges.csv")


DEMAND_COLUMNS = (
    Column("process", "text", aliases=("id", "过程编号")),
    Column("amount", "number", minimum=None, aliases=("数量",)),
    Column("demand", "text", required=False, blank=True, aliases=("需求",)),
)


def read_demands(
    path: str | Path, system: System | None = None, *, sheet: str | None = None
) -> dict[str, dict[str, float]]:
    """Demands from a ``process, amount`` table (CSV or XLSX): a ``demand`` column groups rows
    into named demands, else all rows form one demand named ``demand``; a process listed twice
    in one demand adds up. With ``system``, a process id not in it is a located error."""
    table = validate_records(read_table(path, sheet), DEMAND_COLUMNS, source=str(path))
    if system is not None:
        known = set(system.ids)
        bad = ~table["process"].isin(known).to_numpy()
        if bad.any():
            problems = Problems(str(path), [c.name for c in DEMAND_COLUMNS])
            problems.add_per_row(
                table.index.to_numpy()[bad],
                "process",
                "a process id of the product system",
                np.array(
                    [_unknown(p, np.array(sorted(known))) for p in table["process"][bad]],
                    dtype=object,
                ),
            )
            problems.raise_if_any()
    names = table["demand"].astype(object).fillna("demand")
    demands: dict[str, dict[str, float]] = {}
    for name, process, amount in zip(names, table["process"], table["amount"], strict=True):
        row = demands.setdefault(str(name), {})
        row[process] = row.get(process, 0.0) + float(amount)
    return demands
