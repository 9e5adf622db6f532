"""The calibration_overdue kind: one warning per enterprise, red once any meter is past its due
date or was never calibrated, yellow when one falls due within the window (the due date itself
is still valid), quiet earlier; the message names the meters and the earliest due date."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from carbonctl.warning import CALIBRATION_COLUMNS, Level, evaluate, find_rule

AS_OF = dt.date(2025, 6, 30)
DAY = dt.timedelta(days=1)


def table(*meters: tuple[str, dt.date | None]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            [f"9114010{e}MA0000000X", f"示例企业{e}", "140105", f"M{i}", "electricity",
             due.isoformat() if due else "", AS_OF.isoformat()]
            for i, (e, due) in enumerate(meters)
        ],
        columns=CALIBRATION_COLUMNS,
    )  # fmt: skip


def test_levels_around_the_due_date_and_the_yellow_window():
    rule = find_rule("calibration_overdue")
    within = int(rule.parameters["yellow_within_days"])
    found = evaluate(
        rule,
        table(
            ("A", AS_OF - DAY),  # overdue by a day: red
            ("A", AS_OF + DAY),  # A is red already; this one is not counted as overdue
            ("B", AS_OF),  # due today: still valid, yellow
            ("C", AS_OF + within * DAY),  # last day of the window: yellow
            ("D", AS_OF + (within + 1) * DAY),  # beyond the window: quiet
            ("E", None),  # never calibrated: red
        ),
    )
    assert [(w.subject[7], w.level, w.value) for w in found] == [
        ("A", Level.RED, 1.0),
        ("B", Level.YELLOW, 1.0),
        ("C", Level.YELLOW, 1.0),
        ("E", Level.RED, 1.0),
    ]
    red = found[0]
    assert red.period == "2025" and red.details["meters"] == "M0"
    assert red.details["region"] == "140105" and red.details["subject_name"] == "示例企业A"
    assert "示例企业A" in red.message and "电力M0" in red.message
    assert "2025年6月29日" in red.message
    assert "无检定记录" in found[3].message
    assert "还有0天" in found[1].message
    assert red.measure and found[1].measure


def test_many_meters_of_one_enterprise_make_one_warning_naming_five():
    found = evaluate(
        find_rule("calibration_overdue"), table(*(("A", AS_OF - k * DAY) for k in range(1, 8)))
    )
    assert len(found) == 1 and found[0].value == 7.0
    assert "等7台" in found[0].message and "M5" not in found[0].message
    assert found[0].details["due_on"] == (AS_OF - 7 * DAY).isoformat()


def test_a_bad_date_is_located():
    bad = table(("A", AS_OF))
    bad.loc[0, "due_on"] = "soon"
    with pytest.raises(Exception, match="due_on"):
        evaluate(find_rule("calibration_overdue"), bad)
