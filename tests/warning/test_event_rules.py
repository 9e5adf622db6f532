"""Late data (数据未按时报送) and events in red regions (红色预警地区的项目)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from carbonctl.errors import InputError, RefdataError
from carbonctl.warning import (
    EVENT_COLUMNS,
    REPORTING_COLUMNS,
    Level,
    evaluate,
    find_rule,
    rule_from_record,
)

DEADLINE = dt.date(2026, 6, 15)


def report(as_of, received="", deadline="2026-06-15"):
    return ["140105", "小店区", "140105", "2026-05", deadline, received, as_of]


def late(*rows, rule=None):
    table = pd.DataFrame(list(rows), columns=list(REPORTING_COLUMNS))
    return evaluate(rule or find_rule("late_data"), table)


def days(n: int) -> str:
    return (DEADLINE + dt.timedelta(days=n)).isoformat()


# --- late_data ---------------------------------------------------------------------------------


def test_on_the_deadline_is_quiet_the_day_after_yellow():
    assert late(report(days(0))) == []
    assert late(report(days(-3))) == []
    (yellow,) = late(report(days(1)))
    assert (yellow.level, yellow.value, yellow.threshold) == (Level.YELLOW, 1, 0)
    assert (yellow.subject, yellow.period) == ("140105", "2026-05")


def test_red_only_after_red_after_days():
    (at,) = late(report(days(30)))
    assert at.level is Level.YELLOW
    (red,) = late(report(days(31)))
    assert (red.level, red.value, red.threshold) == (Level.RED, 31, 30)
    assert red.message.startswith("小店区（140105） 2026-05 数据未按时报送：红色（一级）。")
    for text in ("2026年6月15日", "2026年7月16日", "逾期31天", "超过30天"):
        assert text in red.message, text
    assert red.details == {
        "region": "140105",
        "subject_name": "小店区",
        "deadline": "2026-06-15",
        "as_of": "2026-07-16",
        "days_overdue": 31,
    }
    assert red.measure == find_rule("late_data").measure(Level.RED) != ""


def test_received_data_is_quiet_even_when_late():
    assert late(report(days(60), received=days(40))) == []
    assert late(report(days(2), received=days(-1))) == []


def test_dates_as_date_objects_work_as_well():
    (yellow,) = late(["e1", "某企业", "140100", "2026", DEADLINE, None, pd.Timestamp(days(5))])
    assert yellow.value == 5


def test_a_blank_red_after_days_is_never_red(stored):
    rule = rule_from_record(
        {**stored("late_data"), "red_after_days": "", "explanation_overdue_long": ""}
    )
    (warning,) = late(report(days(400)), rule=rule)
    assert warning.level is Level.YELLOW


@pytest.mark.parametrize(
    ("bad", "column", "text"),
    [
        (report("2026/07/01"), "as_of", "not a date"),
        (report(days(5), deadline="soon"), "deadline", "not a date"),
        (report(days(5), received="2026-02-30"), "received", "not a date"),
        (report(days(5), received=days(9)), "received", "after as_of"),
        (report(""), "as_of", "as_of is blank"),
        (["", "小店区", "140105", "2026-05", "2026-06-15", "", days(3)], "subject", "blank"),
    ],
)
def test_a_bad_cell_names_row_and_column(bad, column, text):
    with pytest.raises(InputError) as caught:
        late(report(days(1)), bad)
    assert (caught.value.row, caught.value.column) == (3, column)
    assert text in str(caught.value)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"red_after_days": "1.5"}, "red_after_days 1.5"),
        ({"red_after_days": "-1"}, "red_after_days -1.0"),
        ({"explanation_overdue": "{days_late}"}, "uses {days_late}"),
    ],
)
def test_a_bad_late_data_rule_is_refused_at_load(stored, change, message):
    with pytest.raises(RefdataError) as caught:
        rule_from_record({**stored("late_data"), "rule_id": "edited", **change})
    assert "'edited'" in str(caught.value) and message in str(caught.value)


# --- red_region_event --------------------------------------------------------------------------


def event(level, region_name="太原市"):
    return [
        "P-2026-0042",
        "某焦化升级项目",
        "140100",
        region_name,
        "项目节能审查申请",
        "2026-06-18",
        level,
    ]


def events(*rows, rule=None):
    table = pd.DataFrame(list(rows), columns=list(EVENT_COLUMNS))
    return evaluate(rule or find_rule("red_region_event"), table)


def test_an_event_in_a_red_region_is_red_at_once():
    (red,) = events(event("red"))
    assert (red.level, red.subject, red.period) == (Level.RED, "P-2026-0042", "2026-06-18")
    assert (red.value, red.threshold) == (2, 2)
    assert (
        "太原市" in red.message
        and "红色（一级）" in red.message
        and "项目节能审查申请" in red.message
    )
    assert "某焦化升级项目" in red.message
    assert red.measure == "暂停该地区“两高”项目节能审查（国家规划布局的重大项目除外）"
    assert red.details["region"] == "140100" and red.details["region_level"] == "red"


@pytest.mark.parametrize("level", ["yellow", "green", "", None, "黄色", "绿"])
def test_other_regions_are_quiet_with_the_packaged_rule(level):
    assert events(event(level)) == []


def test_yellow_regions_fire_when_the_rule_says_so(stored):
    rule = rule_from_record({**stored("red_region_event"), "yellow_on_yellow": "1"})
    (yellow,) = events(event("黄色"), rule=rule)
    assert (yellow.level, yellow.value, yellow.threshold) == (Level.YELLOW, 1, 1)
    assert events(event("green"), rule=rule) == []
    assert events(event("红色"), rule=rule)[0].level is Level.RED


def test_a_blank_region_name_is_looked_up():
    (red,) = events(event("red", region_name=""))
    assert "太原市" in red.message


def test_an_unknown_level_names_row_and_column():
    with pytest.raises(InputError) as caught:
        events(event("red"), event("purple"))
    assert (caught.value.row, caught.value.column) == (3, "region_level")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"yellow_on_yellow": "yes"}, "parameter yellow_on_yellow 'yes' is not a number"),
        ({"yellow_on_yellow": "0.5"}, "yellow_on_yellow 0.5"),
        ({"explanation_in_red": "{event}{project}"}, "uses {project}"),
        ({"yellow_on_yellow": "1", "explanation_in_yellow": ""}, "no explanation"),
    ],
)
def test_a_bad_event_rule_is_refused_at_load(stored, change, message):
    with pytest.raises(RefdataError) as caught:
        rule_from_record({**stored("red_region_event"), "rule_id": "edited", **change})
    assert "'edited'" in str(caught.value) and message in str(caught.value)
