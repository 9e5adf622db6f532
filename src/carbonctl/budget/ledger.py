"""The carbon budget ledger (碳排放预算台账): an append-only list of entries per region, plan and
year, replayed into budget, actual, committed, pipeline, reserve and headroom at any past time.

Identity (预算余量): headroom = budget − actual − committed − reserve; pipeline (在审项目) is shown,
not deducted. Fields follow ``shared/refdata/policy/carbon_budget_ledger_fields.csv`` (DESIGN
PROPOSAL, 国办发〔2024〕39号 asks provinces and cities to set up carbon budget management); see
docs/budget.md for how entries combine.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from numbers import Integral, Real

import pandas as pd
import pint

from carbonctl.budget.plans import DEFAULT_PLAN, find_plan, plan_of_year
from carbonctl.errors import InputError, UnknownNameError
from carbonctl.units import conversion_factor, ureg

__all__ = [
    "ADJUSTABLE",
    "COMPONENTS",
    "ENTRY_COLUMNS",
    "AdjustmentReason",
    "BudgetState",
    "EntryKind",
    "Ledger",
    "LedgerEntry",
    "LedgerEntryError",
    "state",
    "to_tco2",
]

#: The unit ledger amounts are stored in.
TCO2 = "tCO2"
_ADCODE = re.compile(r"^\d{6}$")
#: C0 control characters but TAB, and DEL: the pattern of ``carbonctl.io.checks`` (a test keeps
#: them equal), written out so that the ledger does not load the upload readers.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


class LedgerEntryError(InputError):
    """An entry the ledger refuses: says which field (``column``) was wrong and what it needs."""


class EntryKind(StrEnum):
    """What an entry records (台账条目类型)."""

    BUDGET = "budget"
    ACTUAL = "actual"
    COMMITTED = "committed"
    PIPELINE = "pipeline"
    RESERVE = "reserve"
    ADJUSTMENT = "adjustment"

    @property
    def label_zh(self) -> str:
        """预算下达 / 实际排放 / 已批项目 / 在审项目 / 省级预留 / 调整."""
        return _KIND_ZH[self]


_KIND_ZH = {
    EntryKind.BUDGET: "预算下达",
    EntryKind.ACTUAL: "实际排放",
    EntryKind.COMMITTED: "已批项目",
    EntryKind.PIPELINE: "在审项目",
    EntryKind.RESERVE: "省级预留",
    EntryKind.ADJUSTMENT: "调整",
}

#: The components of a state; every entry but an adjustment records one of them.
COMPONENTS = (
    EntryKind.BUDGET,
    EntryKind.ACTUAL,
    EntryKind.COMMITTED,
    EntryKind.PIPELINE,
    EntryKind.RESERVE,
)


class AdjustmentReason(StrEnum):
    """Why an adjustment (调整) was made; the reasons of ``carbon_budget_ledger_fields.csv``
    (adjustment_events, DESIGN PROPOSAL)."""

    GDP_REVISION = "gdp_revision"
    STATISTICS_REVISION = "statistics_revision"
    PROJECT_CANCELLATION = "project_cancellation"
    BASE_YEAR_RECALCULATION = "base_year_recalculation"
    CARRY_OVER = "carry_over"

    @property
    def label_zh(self) -> str:
        """GDP修订 / 统计数据修订 / 项目取消 / 基准年重算 / 结转."""
        return _REASON_ZH[self]


_REASON_ZH = {
    AdjustmentReason.GDP_REVISION: "GDP修订",
    AdjustmentReason.STATISTICS_REVISION: "统计数据修订",
    AdjustmentReason.PROJECT_CANCELLATION: "项目取消",
    AdjustmentReason.BASE_YEAR_RECALCULATION: "基准年重算",
    AdjustmentReason.CARRY_OVER: "结转",
}

#: The components an adjustment of each reason may change; the first is the default. A GDP
#: revision, a base-year recalculation or a carry-over changes the budget; a statistics revision
#: the actual; a cancelled project its committed (approved) or pipeline (under review) figure.
ADJUSTABLE: dict[AdjustmentReason, tuple[EntryKind, ...]] = {
    AdjustmentReason.GDP_REVISION: (EntryKind.BUDGET,),
    AdjustmentReason.STATISTICS_REVISION: (EntryKind.ACTUAL,),
    AdjustmentReason.PROJECT_CANCELLATION: (EntryKind.COMMITTED, EntryKind.PIPELINE),
    AdjustmentReason.BASE_YEAR_RECALCULATION: (EntryKind.BUDGET,),
    AdjustmentReason.CARRY_OVER: (EntryKind.BUDGET,),
}


def to_tco2(amount: float | pint.Quantity, unit: str = TCO2) -> float:
    """``amount`` in tCO2: a pint quantity of CO2 mass, or a number in ``unit`` (``万tCO2``,
    ``MtCO2``, ``吨二氧化碳`` …). Raises :class:`~carbonctl.errors.UnitError` for a unit that is
    not a mass of CO2."""
    if isinstance(amount, pint.Quantity):
        try:
            return float(amount.to(ureg.parse_expression("t * CO2")).magnitude)
        except pint.errors.DimensionalityError:
            return float(amount.magnitude) * conversion_factor(str(amount.units), TCO2)
    return float(amount) * conversion_factor(unit, TCO2)


def _refuse(message: str, column: str, expected: str | None = None) -> LedgerEntryError:
    return LedgerEntryError(message, column=column, expected=expected)


def _text(value: object, column: str, *, required: bool) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise _refuse(f"{column} {value!r} is not text", column)
    if _CONTROL.search(value):
        raise _refuse(f"{column} contains a control character", column, "plain text")
    value = value.strip()
    if required and not value:
        raise _refuse(f"{column} is blank", column)
    return value


def _same_person(a: str, b: str) -> bool:
    return a.casefold() == b.casefold()


@dataclass(frozen=True)
class LedgerEntry:
    """One entry of the ledger (台账条目); never edited or deleted once recorded.

    - ``region``: adcode (140000 Shanxi, 1401xx Taiyuan …); ``plan``: "15th", "14th";
      ``year``: a year of the plan, or None for the plan as a whole (budgets are always annual).
    - ``kind``: budget, actual, committed, pipeline, reserve or adjustment.
    - ``amount_tco2``: tCO2. Not negative for every kind but an adjustment, whose amount is a
      signed change (not 0) of the component ``adjusts``, for ``reason_code``.
    - ``source``: what the entry came from ("inventory:17", "project:P-2026-001",
      "rule:intensity-path", "electricity:2026"). Every kind but an adjustment *states* the
      amount that source gives its component: a later entry of the same region, plan, year, kind
      and source replaces it (a correction is a new entry). Required but for adjustments.
    - ``reason`` (text; required for adjustments), ``author``, ``approver`` and ``time`` (aware).
      An approver is never the author; an adjustment must have one.
    """

    entry_id: int
    region: str
    plan: str
    year: int | None
    kind: EntryKind
    amount_tco2: float
    source: str
    author: str
    time: datetime
    approver: str = ""
    reason: str = ""
    reason_code: AdjustmentReason | None = None
    adjusts: EntryKind | None = None

    def __post_init__(self) -> None:
        def put(name: str, value: object) -> None:
            object.__setattr__(self, name, value)

        if isinstance(self.entry_id, bool) or not isinstance(self.entry_id, Integral):
            raise _refuse(f"entry id {self.entry_id!r} is not a whole number", "entry_id")
        if self.entry_id < 1:
            raise _refuse(f"entry id {self.entry_id} is not positive", "entry_id")
        put("entry_id", int(self.entry_id))
        region = _text(self.region, "region", required=True)
        if not _ADCODE.match(region):
            raise _refuse(f"region {region!r} is not an adcode", "region", "6 digits, e.g. 140100")
        put("region", region)
        try:
            plan = find_plan(self.plan)
        except UnknownNameError as exc:
            raise _refuse(str(exc), "plan") from None
        put("plan", plan.plan)
        if self.year is not None:
            if isinstance(self.year, bool) or not isinstance(self.year, Integral):
                raise _refuse(f"year {self.year!r} is not a whole year", "year")
            if self.year not in plan.years:
                raise _refuse(
                    f"year {self.year} is not a year of the {plan.plan} plan",
                    "year",
                    f"{plan.first_year}–{plan.last_year}, or none for the whole plan",
                )
            put("year", int(self.year))
        try:
            kind = EntryKind(self.kind)
        except ValueError:
            raise _refuse(
                f"unknown kind {self.kind!r}", "kind", ", ".join(k.value for k in EntryKind)
            ) from None
        put("kind", kind)
        amount = self.amount_tco2
        if isinstance(amount, bool) or not isinstance(amount, Real) or not math.isfinite(amount):
            raise _refuse(f"amount {amount!r} is not a finite number", "amount_tco2", "tCO2")
        put("amount_tco2", float(amount))
        put("source", _text(self.source, "source", required=kind is not EntryKind.ADJUSTMENT))
        author = _text(self.author, "author", required=True)
        approver = _text(self.approver, "approver", required=False)
        if kind is EntryKind.ADJUSTMENT and not approver:
            raise _refuse(
                "an adjustment has no approver", "approver", "an approver other than the author"
            )
        put("author", author)
        put("approver", approver)
        if approver and _same_person(author, approver):
            raise _refuse(
                f"{author!r} cannot approve their own {kind.value} entry",
                "approver",
                "an approver other than the author",
            )
        put("reason", _text(self.reason, "reason", required=kind is EntryKind.ADJUSTMENT))
        if not isinstance(self.time, datetime) or self.time.utcoffset() is None:
            raise _refuse(f"time {self.time!r} has no time zone", "time", "an aware datetime")
        if kind is EntryKind.ADJUSTMENT:
            self._check_adjustment(put)
        else:
            self._check_component(kind)

    def _check_component(self, kind: EntryKind) -> None:
        if self.amount_tco2 < 0:
            raise _refuse(
                f"{kind.value} amount {self.amount_tco2:g} tCO2 is negative",
                "amount_tco2",
                "0 or more; a change is a new entry of the same source or an adjustment",
            )
        if self.reason_code is not None or self.adjusts is not None:
            raise _refuse(f"a {kind.value} entry has no reason code", "reason_code")
        if kind is EntryKind.BUDGET and self.year is None:
            raise _refuse(
                "a budget is set per year; the plan's budget is the sum of its years",
                "year",
                "a year of the plan",
            )

    def _check_adjustment(self, put) -> None:
        codes = ", ".join(r.value for r in AdjustmentReason)
        if self.reason_code is None:
            raise _refuse("an adjustment has no reason code", "reason_code", codes)
        try:
            reason = AdjustmentReason(self.reason_code)
        except ValueError:
            raise _refuse(
                f"adjustment reason {self.reason_code!r} is unknown", "reason_code", codes
            ) from None
        put("reason_code", reason)
        allowed = ADJUSTABLE[reason]
        adjusts = allowed[0] if self.adjusts is None else self.adjusts
        if adjusts not in [k.value for k in allowed]:
            raise _refuse(
                f"a {reason.value} adjustment cannot change {adjusts!r}",
                "adjusts",
                " or ".join(k.value for k in allowed),
            )
        put("adjusts", EntryKind(adjusts))
        if self.amount_tco2 == 0:
            raise _refuse("an adjustment of 0 tCO2 changes nothing", "amount_tco2")
        if self.adjusts is EntryKind.BUDGET and self.year is None:
            raise _refuse("a budget adjustment is made to one year", "year", "a year of the plan")

    @property
    def component(self) -> EntryKind:
        """The component the entry changes: its kind, or for an adjustment what it adjusts."""
        return self.adjusts if self.kind is EntryKind.ADJUSTMENT else self.kind

    def as_dict(self) -> dict[str, object]:
        """The entry as plain values (kinds and reasons as their codes)."""
        return {
            "entry_id": self.entry_id,
            "region": self.region,
            "plan": self.plan,
            "year": self.year,
            "kind": self.kind.value,
            "amount_tco2": self.amount_tco2,
            "source": self.source,
            "author": self.author,
            "approver": self.approver,
            "reason": self.reason,
            "reason_code": None if self.reason_code is None else self.reason_code.value,
            "adjusts": None if self.adjusts is None else self.adjusts.value,
            "time": self.time,
        }


#: Columns of :meth:`Ledger.to_frame`.
ENTRY_COLUMNS = tuple(LedgerEntry.__dataclass_fields__)


@dataclass(frozen=True)
class Ledger:
    """The ledger: entries in the order they were recorded, times never decreasing.

    Immutable: :meth:`append` and :meth:`record` return a new ledger with one more entry, so
    an earlier ledger value is the ledger as it was. Entry ids are unique.
    """

    entries: tuple[LedgerEntry, ...] = ()
    _ids: frozenset[int] = field(default=frozenset(), repr=False, compare=False)

    def __post_init__(self) -> None:
        entries = tuple(self.entries)
        ids: set[int] = set()
        for before, entry in zip((None, *entries), entries, strict=False):
            if not isinstance(entry, LedgerEntry):
                raise TypeError(f"{entry!r} is not a LedgerEntry")
            if entry.entry_id in ids:
                raise _refuse(f"entry id {entry.entry_id} is used twice", "entry_id")
            ids.add(entry.entry_id)
            if before is not None and entry.time < before.time:
                raise _refuse(
                    f"entry {entry.entry_id} at {entry.time.isoformat()} comes after entry "
                    f"{before.entry_id} at {before.time.isoformat()}: the ledger is append-only",
                    "time",
                    "a time no earlier than the last entry's; record a correction as a new entry",
                )
        object.__setattr__(self, "entries", entries)
        object.__setattr__(self, "_ids", frozenset(ids))

    @classmethod
    def from_entries(cls, entries: Iterable[LedgerEntry]) -> Ledger:
        """A ledger of stored entries in any order, put in recording order (time, then id)."""
        return cls(tuple(sorted(entries, key=lambda e: (e.time, e.entry_id))))

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[LedgerEntry]:
        return iter(self.entries)

    @property
    def next_id(self) -> int:
        """The id :meth:`record` gives the next entry."""
        return max(self._ids, default=0) + 1

    def append(self, entry: LedgerEntry) -> Ledger:
        """The ledger with ``entry`` added at its end; refused if its id is taken or its time is
        before the last entry's (history is never rewritten)."""
        if entry.entry_id in self._ids:
            raise _refuse(f"entry id {entry.entry_id} is used twice", "entry_id")
        if self.entries and entry.time < self.entries[-1].time:
            last = self.entries[-1]
            raise _refuse(
                f"entry time {entry.time.isoformat()} is before the last entry's "
                f"({last.time.isoformat()}): the ledger is append-only",
                "time",
                "a time no earlier than the last entry's; record a correction as a new entry",
            )
        return Ledger((*self.entries, entry))

    def record(
        self,
        *,
        region: str,
        kind: EntryKind | str,
        amount: float | pint.Quantity,
        source: str = "",
        author: str,
        time: datetime,
        year: int | None,
        plan: str | None = None,
        unit: str = TCO2,
        approver: str = "",
        reason: str = "",
        reason_code: AdjustmentReason | str | None = None,
        adjusts: EntryKind | str | None = None,
    ) -> Ledger:
        """The ledger with a new entry (id :attr:`next_id`); ``amount`` in ``unit`` or a pint
        quantity, stored in tCO2; ``plan`` defaults to the plan of ``year`` (the default plan
        for a whole-plan entry)."""
        if plan is None:
            plan = DEFAULT_PLAN if year is None else _plan_of(year)
        entry = LedgerEntry(
            entry_id=self.next_id,
            region=region,
            plan=plan,
            year=year,
            kind=kind,
            amount_tco2=_amount(amount, unit),
            source=source,
            author=author,
            time=time,
            approver=approver,
            reason=reason,
            reason_code=reason_code,
            adjusts=adjusts,
        )
        return self.append(entry)

    def up_to(self, as_of: datetime | None) -> Ledger:
        """The ledger as it stood at ``as_of``: its entries with time ≤ ``as_of``."""
        if as_of is None:
            return self
        _check_as_of(as_of)
        return Ledger(tuple(e for e in self.entries if e.time <= as_of))

    def to_frame(self) -> pd.DataFrame:
        """One row per entry, in recording order (:data:`ENTRY_COLUMNS`)."""
        return pd.DataFrame(
            [e.as_dict() for e in self.entries], columns=list(ENTRY_COLUMNS), dtype=object
        )


def _plan_of(year: object) -> str:
    try:
        return plan_of_year(year).plan
    except InputError as exc:
        raise _refuse(exc.detail, "year", exc.expected) from None


def _amount(amount: float | pint.Quantity, unit: str) -> float:
    if isinstance(amount, bool) or not isinstance(amount, Real | pint.Quantity):
        raise _refuse(f"amount {amount!r} is not a number", "amount_tco2", "tCO2")
    return to_tco2(amount, unit)


def _check_as_of(as_of: datetime) -> None:
    if not isinstance(as_of, datetime) or as_of.utcoffset() is None:
        raise InputError(
            f"as_of {as_of!r} has no time zone", column="as_of", expected="an aware datetime"
        )


@dataclass(frozen=True)
class BudgetState:
    """A region's budget position (预算执行情况) for one year of a plan, or the whole plan
    (``year`` None), replayed from the ledger up to ``as_of`` (None: every entry). tCO2.

    headroom (余量) = budget − actual − committed − reserve; pipeline is shown, not deducted.
    ``budget_set`` says whether any budget entry exists (a budget of 0 is not "no budget").
    """

    region: str
    plan: str
    year: int | None
    as_of: datetime | None
    budget: float
    actual: float
    committed: float
    pipeline: float
    reserve: float
    headroom: float
    budget_set: bool
    entry_count: int

    @property
    def actual_limit(self) -> float:
        """What actual emissions may reach before the budget runs out (预算可排放量):
        budget − committed − reserve."""
        return self.budget - self.committed - self.reserve

    def as_dict(self) -> dict[str, object]:
        """The state as plain values (tCO2)."""
        return {
            "region": self.region,
            "plan": self.plan,
            "year": self.year,
            "budget_tco2": self.budget,
            "actual_tco2": self.actual,
            "committed_tco2": self.committed,
            "pipeline_tco2": self.pipeline,
            "reserve_tco2": self.reserve,
            "headroom_tco2": self.headroom,
        }


def state(
    ledger: Ledger | Iterable[LedgerEntry],
    region: str,
    year: int | None,
    as_of: datetime | None = None,
    *,
    plan: str | None = None,
) -> BudgetState:
    """Replay the ledger for ``region`` and ``year`` (None: the whole plan) up to ``as_of``.

    Each component is the sum, over the sources recorded for it, of each source's latest amount,
    plus the adjustments made to it; for the whole plan, over the plan-level entries and every
    year's. ``plan`` defaults to the plan containing ``year`` (the default plan, 15th, for the
    whole plan). Entries with time ≤ ``as_of`` count, so any past state can be replayed.
    """
    if not isinstance(ledger, Ledger):
        ledger = Ledger.from_entries(ledger)
    if as_of is not None:
        _check_as_of(as_of)
    region = str(region).strip()
    if year is not None:
        chosen = find_plan(plan) if plan is not None else plan_of_year(year)
        if year not in chosen.years:
            raise InputError(
                f"year {year} is not a year of the {chosen.plan} plan",
                column="year",
                expected=f"{chosen.first_year}–{chosen.last_year}",
            )
    else:
        chosen = find_plan(DEFAULT_PLAN if plan is None else plan)
    latest: dict[tuple[EntryKind, int | None, str], float] = {}
    adjustments: dict[EntryKind, list[float]] = {k: [] for k in COMPONENTS}
    count = 0
    for entry in ledger.entries:
        if as_of is not None and entry.time > as_of:
            break  # times never decrease: nothing later is at or before as_of
        if entry.region != region or entry.plan != chosen.plan:
            continue
        if year is not None and entry.year != year:
            continue
        count += 1
        if entry.kind is EntryKind.ADJUSTMENT:
            adjustments[entry.adjusts].append(entry.amount_tco2)
        else:
            latest[(entry.kind, entry.year, entry.source)] = entry.amount_tco2
    totals = {
        kind: math.fsum([*(v for (k, _, _), v in latest.items() if k is kind), *adjustments[kind]])
        for kind in COMPONENTS
    }
    budget = totals[EntryKind.BUDGET]
    actual = totals[EntryKind.ACTUAL]
    committed = totals[EntryKind.COMMITTED]
    reserve = totals[EntryKind.RESERVE]
    budget_set = any(k is EntryKind.BUDGET for k, _, _ in latest) or bool(
        adjustments[EntryKind.BUDGET]
    )
    return BudgetState(
        region=region,
        plan=chosen.plan,
        year=year,
        as_of=as_of,
        budget=budget,
        actual=actual,
        committed=committed,
        pipeline=totals[EntryKind.PIPELINE],
        reserve=reserve,
        headroom=budget - actual - committed - reserve,
        budget_set=budget_set,
        entry_count=count,
    )
