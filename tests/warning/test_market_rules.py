"""The ets_shortfall kind: red after the surrender deadline, yellow within the days before it,
quiet without a shortfall or too early; the message names unit, shortfall and deadline."""

from __future__ import annotations

import pandas as pd
import pytest

from carbonctl.warning import ETS_SHORTFALL_COLUMNS, Level, evaluate, find_rule


def table(*rows: tuple[float, str]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            ["91140100MA0000000X", "示例热电", "140105", f"U{i}", 2024, 2.75e6, shortfall,
             "2025-12-31", as_of]
            for i, (shortfall, as_of) in enumerate(rows)
        ],
        columns=ETS_SHORTFALL_COLUMNS,
    )  # fmt: skip


def test_levels_around_the_deadline_and_the_yellow_window():
    rule = find_rule("ets_shortfall")
    within = int(rule.parameters["yellow_within_days"])
    found = evaluate(
        rule,
        table(
            (18_370.0, "2026-01-01"),  # after the deadline: red
            (18_370.0, "2025-12-31"),  # on the deadline: yellow
            (18_370.0, str(pd.Timestamp("2025-12-31") - pd.Timedelta(days=within))[:10]),
            (18_370.0, str(pd.Timestamp("2025-12-31") - pd.Timedelta(days=within + 1))[:10]),
            (0.0, "2026-02-01"),  # no shortfall: quiet
        ),
    )
    assert [(w.details["unit_id"], w.level) for w in found] == [
        ("U0", Level.RED),
        ("U1", Level.YELLOW),
        ("U2", Level.YELLOW),
    ]
    red = found[0]
    assert red.subject == "91140100MA0000000X" and red.period == "2024"
    assert "1.8万吨" in red.message and "2025年12月31日已过" in red.message
    assert red.value == pytest.approx(18_370.0)
