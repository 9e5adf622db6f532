"""Warning rules as data: the packaged carbon barometer keeps its DESIGN PROPOSAL status and
sources, a rule row with other parameters changes the result without code, and a bad rule is
refused with a message naming the rule."""

from __future__ import annotations

import pandas as pd
import pytest

from carbonctl import refdata
from carbonctl.errors import RefdataError, UnknownNameError
from carbonctl.warning import (
    BAROMETER_COLUMNS,
    KINDS,
    Level,
    evaluate,
    find_rule,
    load_rules,
    render,
    rule_from_record,
)


@pytest.fixture
def record() -> dict[str, str]:
    """The packaged carbon barometer's row, as stored (all text)."""
    table = refdata.load_table("warning_rules_barometer").set_index("rule_id", drop=False)
    return table.loc["carbon_barometer"].to_dict()


def table(*rows) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=list(BAROMETER_COLUMNS))


def test_the_carbon_barometer_is_packaged_with_its_design_proposal_status_and_sources():
    rule = find_rule("carbon_barometer")
    assert rule.kind == "barometer"
    assert rule.indicator == "co2_intensity"
    assert refdata.status_label(rule.status) == "DESIGN PROPOSAL"
    assert "629号" in rule.source and "caixin" in rule.source
    assert rule.parameters == {"red_on_rise": 1.0, "red_gap_share": 0.1}
    assert set(rule.explanations) == {"rose", "behind_far", "behind", "on_track"}
    assert "两高" in rule.measure(Level.RED)
    assert rule.measure(Level.GREEN) == ""
    assert rule in load_rules()


def test_refdata_lists_the_rule_table_with_its_status():
    listed = refdata.describe_tables().set_index("table")
    assert listed.loc["warning_rules_barometer", "status"] == "DESIGN PROPOSAL"


def test_every_kind_has_its_rule_table():
    for kind in KINDS.values():
        assert len(refdata.load_table(kind.table)) > 0


def test_unknown_rule_lists_the_closest():
    with pytest.raises(UnknownNameError) as caught:
        find_rule("carbon_barometr")
    assert "carbon_barometer" in caught.value.suggestions


def test_a_rule_row_with_other_parameters_changes_the_levels_without_code(record):
    # The 2021 H1 energy barometer (629号) had no gap test: a region far behind is 二级 only.
    h1 = rule_from_record(
        {
            **record,
            "rule_id": "h1_style",
            "red_gap_share": "",
            "explanation_behind": "累计{achieved_change}，低于进度要求{required:.2%}",
            "status": "CONFIRMED",
        }
    )
    far_behind = table(["A市", 2027, 2025, 0.17, 1.0, 1.0, 0.99])
    assert evaluate(find_rule("carbon_barometer"), far_behind)[0].level is Level.RED
    assert evaluate(h1, far_behind)[0].level is Level.YELLOW
    # A stricter share turns a small gap red.
    strict = rule_from_record({**record, "rule_id": "strict", "red_gap_share": "0.01"})
    small_gap = table(["A市", 2027, 2025, 0.17, 1.0, 0.97, 0.93])
    assert evaluate(find_rule("carbon_barometer"), small_gap)[0].level is Level.YELLOW
    assert evaluate(strict, small_gap)[0].level is Level.RED


def test_an_edited_template_changes_the_message(record):
    edited = rule_from_record(
        {**record, "explanation_on_track": "进度达标：{achieved:.1%} ≥ {required:.1%}"}
    )
    (warning,) = evaluate(edited, table(["A市", 2027, 2025, 0.17, 1.0, 0.97, 0.92]))
    assert warning.message.endswith("进度达标：8.0% ≥ 7.2%。")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "thermometer"}, "unknown kind 'thermometer'"),
        ({"red_gap_share": "1.5"}, "red_gap_share 1.5"),
        ({"red_gap_share": "abc"}, "parameter red_gap_share 'abc' is not a number"),
        ({"red_on_rise": "2"}, "red_on_rise 2.0"),
        ({"red_on_rise": "0", "red_gap_share": ""}, "never red"),
        # without a gap test the template must not use the share: caught on loading
        ({"red_gap_share": ""}, "cannot be filled"),
        ({"explanation_behind": ""}, "no explanation for finding 'behind'"),
        ({"explanation_on_track": "{achieved:.2%} {typo}"}, "uses {typo}"),
        ({"explanation_on_track": "{subject.__class__}"}, "uses {subject.__class__}"),
        ({"explanation_on_track": "{subject[0]}"}, "uses {subject[0]}"),
        ({"explanation_on_track": "{achieved:d}"}, "cannot be filled"),
        ({"explanation_on_track": "{achieved"}, "malformed template"),
        ({"status": ""}, "needs a source and a status"),
        ({"source": " "}, "needs a source and a status"),
    ],
)
def test_a_bad_rule_is_refused_naming_the_rule(record, change, message):
    with pytest.raises(RefdataError) as caught:
        rule_from_record({**record, "rule_id": "edited", **change})
    assert "'edited'" in str(caught.value)
    assert message in str(caught.value)


def test_a_rule_without_measure_columns_is_refused(record):
    del record["measure_yellow"]
    with pytest.raises(RefdataError, match="no measure for yellow"):
        rule_from_record(record)


def test_render_fills_plain_names_only():
    assert render("{a:.1%}/{b}", {"a": 0.125, "b": "x"}) == "12.5%/x"
    with pytest.raises(RefdataError):
        render("{}", {"a": 1})


# --- every kind ----------------------------------------------------------------------------------

NEW_KINDS = [
    "budget_overuse",
    "budget_exhaustion",
    "fast_growth",
    "enterprise_benchmark",
    "late_data",
    "red_region_event",
    "project_overrun",
    "ets_shortfall",
    "calibration_overdue",
]


def test_load_rules_returns_every_packaged_rule_once():
    rules = load_rules()
    ids = [r.rule_id for r in rules]
    assert len(ids) == len(set(ids))
    assert {r.kind for r in rules} == set(KINDS) == {"barometer", *NEW_KINDS}
    for kind in NEW_KINDS:
        rule = find_rule(kind)  # each kind ships one rule named after it
        assert rule.kind == kind
        assert refdata.status_label(rule.status) == "DESIGN PROPOSAL"
        assert rule.source and rule.note
        assert rule.measure(Level.RED)  # every kind names a red measure


@pytest.mark.parametrize("kind", NEW_KINDS)
def test_every_template_of_a_new_kind_is_checked_at_load(kind):
    table = refdata.load_table(KINDS[kind].table)
    record = table.iloc[0].to_dict()
    rule_from_record(record)  # the packaged one loads
    # switch every optional level on so that every template is checked
    switched = {
        "budget_overuse": {"yellow_excess": "0.05"},
        "enterprise_benchmark": {"yellow_margin": "0.2"},
        "red_region_event": {"yellow_on_yellow": "1"},
        "project_overrun": {"yellow_ratio": "1.05"},
    }.get(kind, {})
    rule_from_record({**record, **switched})
    for column in [c for c in record if c.startswith("explanation_")]:
        with pytest.raises(RefdataError, match=r"uses \{unknown_field\}"):
            rule_from_record({**record, **switched, column: "{unknown_field}"})


def test_refdata_lists_the_new_rule_tables_with_their_status():
    listed = refdata.describe_tables().set_index("table")
    for kind in NEW_KINDS:
        assert listed.loc[f"warning_rules_{kind}", "status"] == "DESIGN PROPOSAL"


def test_a_missing_parameter_column_is_refused_naming_it():
    record = refdata.load_table("warning_rules_fast_growth").iloc[0].to_dict()
    del record["alpha"]
    with pytest.raises(RefdataError, match="has no parameter alpha"):
        rule_from_record(record)
