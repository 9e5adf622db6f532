"""The calibration_overdue kind: red once the due date is past or without any calibration,
yellow within the days before it (the due date itself is still valid), quiet earlier; the
message names the enterprise, the meter, what it measures and the dates."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from carbonctl.warning import CALIBRATION_COLUMNS, Level, evaluate, find_rule

AS_OF = dt.date(2025, 6, 30)


def table(*dues: dt.date | None) -> pd.DataFrame:
    return pd.DataFrame(
        [
            ["91140100MA0000000X", "示例热电", "140105", f"M{i}", "electricity",
             due.isoformat() if due else "", AS_OF.isoformat()]
            for i, due in enumerate(dues)
        ],
        columns=CALIBRATION_COLUMNS,
    )  # fmt: skip


def test_levels_around_the_due_date_and_the_yellow_window():
    rule = find_rule("calibration_overdue")
    within = int(rule.parameters["yellow_within_days"])
    day = dt.timedelta(days=1)
    found = evaluate(
        rule,
        table(
            AS_OF - day,  # overdue by a day: red
            AS_OF,  # due today: still valid, yellow
            AS_OF + within * day,  # last day of the window: yellow
            AS_OF + (within + 1) * day,  # beyond the window: quiet
            None,  # never calibrated: red
        ),
    )
    assert [(w.details["meter_id"], w.level) for w in found] == [
        ("M0", Level.RED),
        ("M1", Level.YELLOW),
        ("M2", Level.YELLOW),
        ("M4", Level.RED),
    ]
    red = found[0]
    assert red.subject == "91140100MA0000000X" and red.period == "2025"
    assert red.details["subject_kind"] == "enterprise" and red.details["region"] == "140105"
    assert "电力计量器具M0" in red.message and "2025年6月29日" in red.message
    assert "超期1天" in red.message
    assert red.value == pytest.approx(1.0)
    assert "没有检定/校准记录" in found[3].message
    assert red.measure and found[1].measure


def test_a_bad_date_is_located():
    bad = table(AS_OF)
    bad.loc[0, "due_on"] = "soon"
    with pytest.raises(Exception, match="due_on"):
        evaluate(find_rule("calibration_overdue"), bad)
