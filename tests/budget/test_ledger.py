"""The budget ledger: how entries combine into a state, what it refuses (self-approved or
unapproved adjustments, history rewritten, bad fields), and the identity and replay after any
sequence of entries (hypothesis state machine against an independent model)."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from carbonctl.budget import (
    ADJUSTABLE,
    COMPONENTS,
    AdjustmentReason,
    EntryKind,
    Ledger,
    LedgerEntry,
    LedgerEntryError,
    state,
)
from carbonctl.errors import InputError
from carbonctl.units import Q_

T0 = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
TAIYUAN = "140100"


def at(days: float) -> datetime:
    return T0 + timedelta(days=days)


def entry(kind="budget", amount=1000.0, **fields) -> dict:
    """Keyword arguments of Ledger.record for a 2026 entry of Taiyuan by 'zhang'."""
    base = {
        "region": TAIYUAN,
        "year": 2026,
        "kind": kind,
        "amount": amount,
        "source": "rule:intensity-path",
        "author": "zhang",
        "time": T0,
    }
    return base | fields


def adjustment(amount=-100.0, code="gdp_revision", **fields) -> dict:
    return (
        entry(
            "adjustment",
            amount,
            source="",
            reason_code=code,
            reason="2026 GDP revised by the statistics bureau",
            approver="li",
        )
        | fields
    )


# --- how entries combine ----------------------------------------------------------------------


def test_headroom_is_budget_minus_actual_committed_and_reserve_with_pipeline_not_deducted():
    ledger = (
        Ledger()
        .record(**entry("budget", 30_000_000))
        .record(**entry("actual", 12_000_000, source="electricity:2026"))
        .record(**entry("committed", 800_000, source="project:P-1"))
        .record(**entry("pipeline", 500_000, source="project:P-2"))
        .record(**entry("reserve", 1_000_000, source="province:reserve"))
    )
    s = state(ledger, TAIYUAN, 2026)
    assert (s.budget, s.actual, s.committed, s.pipeline, s.reserve) == (
        30e6,
        12e6,
        0.8e6,
        0.5e6,
        1e6,
    )
    assert s.headroom == 30e6 - 12e6 - 0.8e6 - 1e6 == 16.2e6
    assert s.actual_limit == 30e6 - 0.8e6 - 1e6
    assert s.budget_set and s.entry_count == 5


def test_a_later_entry_of_the_same_source_replaces_it_and_other_sources_add():
    ledger = (
        Ledger()
        .record(**entry("actual", 2_000_000, source="electricity:2026"))
        .record(**entry("actual", 5_000_000, source="electricity:2026", time=at(31)))
        .record(**entry("actual", 300_000, source="inventory:process", time=at(31)))
    )
    assert state(ledger, TAIYUAN, 2026).actual == 5_300_000
    # the original entries are all still there: a correction is a new entry
    assert [e.amount_tco2 for e in ledger] == [2_000_000, 5_000_000, 300_000]


def test_an_approved_project_moves_from_pipeline_to_committed():
    ledger = Ledger().record(**entry("pipeline", 400_000, source="project:P-7"))
    ledger = ledger.record(**entry("pipeline", 0, source="project:P-7", time=at(40)))
    ledger = ledger.record(
        **entry("committed", 400_000, source="project:P-7", time=at(40), approver="wang")
    )
    s = state(ledger, TAIYUAN, 2026)
    assert (s.pipeline, s.committed) == (0.0, 400_000.0)


def test_adjustments_change_the_component_their_reason_names():
    ledger = (
        Ledger()
        .record(**entry("budget", 10_000))
        .record(**entry("actual", 4_000, source="inventory:1"))
        .record(**entry("committed", 2_000, source="project:P-1"))
        .record(**adjustment(-500, "gdp_revision"))
        .record(**adjustment(+300, "statistics_revision"))
        .record(**adjustment(-2_000, "project_cancellation", source="project:P-1"))
    )
    s = state(ledger, TAIYUAN, 2026)
    assert (s.budget, s.actual, s.committed) == (9_500, 4_300, 0)
    assert s.headroom == 9_500 - 4_300
    kinds = [e.component for e in ledger]
    assert kinds[3:] == [EntryKind.BUDGET, EntryKind.ACTUAL, EntryKind.COMMITTED]


def test_a_carry_over_moves_budget_from_one_year_to_the_next():
    ledger = (
        Ledger()
        .record(**entry("budget", 10_000, year=2026))
        .record(**entry("budget", 9_800, year=2027))
        .record(**adjustment(-700, "carry_over", year=2026, reason="unused 2026 budget"))
        .record(**adjustment(+700, "carry_over", year=2027, reason="from 2026"))
    )
    assert state(ledger, TAIYUAN, 2026).budget == 9_300
    assert state(ledger, TAIYUAN, 2027).budget == 10_500
    assert state(ledger, TAIYUAN, None).budget == 19_800  # the plan's total is unchanged


def test_the_whole_plan_adds_its_years_and_its_plan_level_entries_but_not_other_plans():
    ledger = (
        Ledger()
        .record(**entry("budget", 100, year=2026))
        .record(**entry("budget", 90, year=2030))
        .record(**entry("reserve", 20, year=None, source="province:major-projects"))
        .record(**entry("budget", 500, year=2025))  # 14th plan
    )
    plan = state(ledger, TAIYUAN, None)
    assert (plan.plan, plan.budget, plan.reserve, plan.headroom) == ("15th", 190, 20, 170)
    assert state(ledger, TAIYUAN, 2026).reserve == 0  # a plan-level entry is in no single year
    assert state(ledger, TAIYUAN, None, plan="14th").budget == 500
    assert state(ledger, "140200", 2026).budget_set is False


def test_amounts_enter_in_any_co2_mass_unit_and_are_stored_in_tco2():
    ledger = Ledger().record(**entry("budget", 3_000, unit="万tCO2"))
    ledger = ledger.record(**entry("reserve", Q_(1.5, "Mt CO2"), source="province:reserve"))
    assert [e.amount_tco2 for e in ledger] == [30_000_000.0, 1_500_000.0]


# --- what the ledger refuses --------------------------------------------------------------------


@pytest.mark.parametrize("approver", ["zhang", " ZHANG ", ""])
def test_an_adjustment_needs_an_approver_other_than_its_author(approver):
    ledger = Ledger().record(**entry("budget", 10_000))
    with pytest.raises(LedgerEntryError, match="approver") as refused:
        ledger.record(**adjustment(approver=approver))
    assert refused.value.column == "approver"
    assert "an approver other than the author" in str(refused.value)
    assert state(ledger, TAIYUAN, 2026).budget == 10_000  # nothing was written


def test_an_adjustment_with_a_distinct_approver_is_recorded_with_both_names():
    ledger = Ledger().record(**entry("budget", 10_000)).record(**adjustment(approver="li"))
    last = ledger.entries[-1]
    assert (last.author, last.approver, last.reason_code) == (
        "zhang",
        "li",
        AdjustmentReason.GDP_REVISION,
    )


def test_no_one_approves_their_own_entry_of_any_kind():
    with pytest.raises(LedgerEntryError, match="'zhang' cannot approve their own budget entry"):
        Ledger().record(**entry("budget", 10_000, approver="Zhang"))


@pytest.mark.parametrize(
    ("fields", "column", "text"),
    [
        ({"kind": "actual", "amount": -1.0}, "amount_tco2", "negative"),
        ({"amount": math.inf}, "amount_tco2", "not a finite number"),
        ({"amount": math.nan}, "amount_tco2", "not a finite number"),
        ({"year": None}, "year", "a budget is set per year"),
        ({"year": 2031, "plan": "15th"}, "year", "not a year of the 15th plan"),
        ({"region": "太原"}, "region", "not an adcode"),
        ({"plan": "16th"}, "plan", "five-year plan"),
        ({"kind": "loan"}, "kind", "unknown kind"),
        ({"source": " "}, "source", "source is blank"),
        ({"author": ""}, "author", "author is blank"),
        ({"source": "inventory:\x00"}, "source", "control character"),
        ({"time": datetime(2026, 1, 10)}, "time", "no time zone"),
        ({"reason_code": "gdp_revision"}, "reason_code", "no reason code"),
    ],
)
def test_an_entry_with_a_bad_field_is_refused_naming_the_field(fields, column, text):
    with pytest.raises(LedgerEntryError, match=text) as refused:
        Ledger().record(**entry(**fields))
    assert refused.value.column == column


@pytest.mark.parametrize(
    ("fields", "column", "text"),
    [
        ({"reason_code": None}, "reason_code", "no reason code"),
        ({"reason_code": "borrowing"}, "reason_code", "unknown"),
        ({"reason": ""}, "reason", "reason is blank"),
        ({"amount": 0.0}, "amount_tco2", "changes nothing"),
        ({"adjusts": "reserve"}, "adjusts", "cannot change 'reserve'"),
        ({"year": None}, "year", "a budget adjustment is made to one year"),
    ],
)
def test_a_bad_adjustment_is_refused_naming_the_field(fields, column, text):
    with pytest.raises(LedgerEntryError, match=text) as refused:
        Ledger().record(**adjustment(**fields))
    assert refused.value.column == column


def test_history_is_never_rewritten_an_entry_before_the_last_is_refused():
    ledger = Ledger().record(**entry("budget", 10_000, time=at(5)))
    with pytest.raises(LedgerEntryError, match="append-only"):
        ledger.record(**entry("budget", 1, time=at(4)))
    ledger.record(**entry("budget", 1, time=at(5)))  # the same instant is not the past


def test_ids_are_unique_and_stored_entries_load_in_recording_order():
    first = LedgerEntry(2, TAIYUAN, "15th", 2026, "budget", 5.0, "a", "zhang", at(1))
    second = LedgerEntry(1, TAIYUAN, "15th", 2026, "budget", 7.0, "a", "zhang", at(2))
    ledger = Ledger.from_entries([second, first])
    assert [e.entry_id for e in ledger] == [2, 1]
    assert state(ledger, TAIYUAN, 2026).budget == 7.0  # the later entry of source "a" wins
    with pytest.raises(LedgerEntryError, match="entry id 2 is used twice"):
        ledger.append(first)
    with pytest.raises(LedgerEntryError, match="append-only"):
        Ledger((second, first))


def test_a_ledger_value_is_the_ledger_as_it_was():
    before = Ledger().record(**entry("budget", 10_000))
    after = before.record(**adjustment(-1_000))
    assert (len(before), len(after)) == (1, 2)
    assert state(before, TAIYUAN, 2026).budget == 10_000


def test_replay_needs_an_aware_time_and_a_year_of_the_plan():
    ledger = Ledger().record(**entry())
    with pytest.raises(InputError, match="no time zone"):
        state(ledger, TAIYUAN, 2026, datetime(2026, 2, 1))
    with pytest.raises(InputError, match="not a year of the 14th plan"):
        state(ledger, TAIYUAN, 2026, plan="14th")


def test_replay_at_a_past_time_gives_the_state_as_it_was_then():
    ledger = (
        Ledger()
        .record(**entry("budget", 10_000, time=at(0)))
        .record(**entry("actual", 1_000, source="electricity:2026", time=at(30)))
        .record(**adjustment(-500, time=at(60)))
        .record(**entry("actual", 2_500, source="electricity:2026", time=at(90)))
    )
    assert state(ledger, TAIYUAN, 2026, at(-1)).entry_count == 0
    assert state(ledger, TAIYUAN, 2026, at(0)).headroom == 10_000
    assert state(ledger, TAIYUAN, 2026, at(45)).headroom == 9_000
    assert state(ledger, TAIYUAN, 2026, at(89)).headroom == 8_500
    assert state(ledger, TAIYUAN, 2026).headroom == 7_000


# --- any sequence of entries (hypothesis) -----------------------------------------------------

REGIONS = ("140100", "140200")
YEARS = (2025, 2026, 2027, None)  # 2025 is in the 14th plan
SOURCES = ("inventory:1", "project:P-1", "project:P-2")
NAMES = ("zhang", "li", "wang")
AMOUNTS = st.floats(0, 1e9, allow_nan=False, allow_infinity=False)
CHANGES = AMOUNTS.filter(lambda a: a != 0).flatmap(lambda a: st.sampled_from([a, -a]))
#: (region, year, plan) of every state the machine checks: each year, and each plan as a whole.
KEYS = [(r, y, None) for r in REGIONS for y in (2025, 2026, 2027)] + [
    (r, None, plan) for r in REGIONS for plan in ("14th", "15th")
]


def _plan_of(year):
    return "14th" if year == 2025 else "15th"


class LedgerMachine(RuleBasedStateMachine):
    """Records entries (some refused) and checks every state against a model kept apart from
    the ledger: per (region, plan, year) the latest amount of each (kind, source) and the list
    of adjustments per component."""

    def __init__(self) -> None:
        super().__init__()
        self.ledger = Ledger()
        self.time = T0
        self.sources: dict[tuple, float] = {}  # (region, plan, year, kind, source) -> amount
        self.adjustments: list[tuple] = []  # (region, plan, year, component, amount)
        self.snapshots: list[tuple[datetime, int, dict]] = []

    def _model(self, region, year, plan):
        def matches(r, p, y):
            if r != region:
                return False
            return y == year if year is not None else p == plan

        totals = {}
        for kind in COMPONENTS:
            values = [
                v for (r, p, y, k, _), v in self.sources.items() if k is kind and matches(r, p, y)
            ]
            values += [a for r, p, y, c, a in self.adjustments if c is kind and matches(r, p, y)]
            totals[kind] = math.fsum(values)
        return totals

    @rule(
        region=st.sampled_from(REGIONS),
        year=st.sampled_from(YEARS),
        kind=st.sampled_from(COMPONENTS),
        source=st.sampled_from(SOURCES),
        amount=AMOUNTS,
        author=st.sampled_from(NAMES),
    )
    def record_component(self, region, year, kind, source, amount, author):
        fields = dict(region=region, year=year, kind=kind, amount=amount, source=source)
        fields |= dict(author=author, time=self.time)
        if kind is EntryKind.BUDGET and year is None:
            with pytest.raises(LedgerEntryError):
                self.ledger.record(**fields)
            return
        self.ledger = self.ledger.record(**fields)
        plan = _plan_of(year) if year is not None else "15th"
        self.sources[(region, plan, year, kind, source)] = amount

    @rule(
        region=st.sampled_from(REGIONS),
        year=st.sampled_from(YEARS[:3]),
        reason=st.sampled_from(AdjustmentReason),
        pick=st.integers(0, 1),
        amount=CHANGES,
        author=st.sampled_from(NAMES),
        approver=st.sampled_from(NAMES),
    )
    def record_adjustment(self, region, year, reason, pick, amount, author, approver):
        component = ADJUSTABLE[reason][pick % len(ADJUSTABLE[reason])]
        fields = dict(region=region, year=year, kind="adjustment", amount=amount, author=author)
        fields |= dict(approver=approver, time=self.time, reason_code=reason, reason="test")
        fields |= dict(adjusts=component)
        if approver == author:
            before = self.ledger
            with pytest.raises(LedgerEntryError, match="approver"):
                self.ledger.record(**fields)
            assert self.ledger == before
            return
        self.ledger = self.ledger.record(**fields)
        self.adjustments.append((region, _plan_of(year), year, component, amount))

    @rule(days=st.sampled_from([0.0, 0.5, 1.0, 30.0]))
    def advance_time(self, days):
        """Keep the state as of now, then let time pass (0: more entries at the same instant,
        so no snapshot: they would belong to it)."""
        if days == 0:
            return
        states = {key: state(self.ledger, key[0], key[1], plan=key[2]) for key in KEYS}
        self.snapshots.append((self.time, len(self.ledger), states))
        self.time += timedelta(days=days)

    @invariant()
    def every_state_matches_the_model_and_the_identity(self):
        for region, year, plan in KEYS:
            s = state(self.ledger, region, year, plan=plan)
            model = self._model(region, year, plan or _plan_of(year))
            for kind, value in zip(
                COMPONENTS, (s.budget, s.actual, s.committed, s.pipeline, s.reserve), strict=True
            ):
                assert math.isclose(value, model[kind], rel_tol=1e-12, abs_tol=1e-6)
            expected = (
                model[EntryKind.BUDGET]
                - model[EntryKind.ACTUAL]
                - model[EntryKind.COMMITTED]
                - model[EntryKind.RESERVE]
            )
            assert math.isclose(s.headroom, expected, rel_tol=1e-9, abs_tol=1e-3)
            assert s.headroom == s.budget - s.actual - s.committed - s.reserve

    @precondition(lambda self: self.snapshots)
    @invariant()
    def replay_at_any_past_time_gives_the_state_of_then(self):
        for time, count, states in self.snapshots[-3:]:
            # the entries up to then, as a ledger of their own (the ledger as it stood then)
            then = Ledger(tuple(e for e in self.ledger if e.time <= time))
            assert then.entries == self.ledger.entries[:count]
            for key, before in states.items():
                replayed = state(self.ledger, key[0], key[1], time, plan=key[2])
                assert replayed == state(then, key[0], key[1], time, plan=key[2])
                assert replayed.as_dict() == before.as_dict()


LedgerMachine.TestCase.settings = settings(
    max_examples=40,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_the_ledger_after_any_sequence_of_entries = LedgerMachine.TestCase


def test_the_ledger_refuses_the_same_control_characters_as_the_upload_checks():
    from carbonctl.budget import ledger as ledger_module
    from carbonctl.io.checks import CONTROL_CHARACTERS

    assert ledger_module._CONTROL.pattern == CONTROL_CHARACTERS
