"""Schedule progress of many regions' targets at once (时序进度表): achieved reductions from CO2
and GDP, the published compounding rule, and the rows without a schedule."""

from __future__ import annotations

import pandas as pd
import pytest

from carbonctl.indicators import schedule_table
from carbonctl.indicators.schedule import NO_SCHEDULE


def test_progress_of_each_target_from_co2_and_gdp():
    targets = pd.DataFrame(
        {
            "region": ["A", "B", "C", "D"],
            "base_year": [2025, 2025, 2025, 2025],
            "reduction": [0.17, 0.17, -0.05, 0.17],
        }
    )
    figures = pd.DataFrame(
        {
            "region": ["A", "A", "B", "B", "C", "C", "D"],
            "year": [2025, 2027, 2025, 2027, 2025, 2027, 2025],
            "tco2": [100.0, 95.0, 100.0, 103.0, 50.0, 50.0, 10.0],
            "gdp": [10.0, 11.0, 10.0, 10.0, 5.0, 5.0, 1.0],
        }
    )
    table = schedule_table(targets, figures, 2027)
    a, b, c, d = table.to_dict("records")
    # A: intensity 10 -> 95/11; achieved 1 - 0.8636… = 0.1364; required 1 - 0.83^(2/5)
    assert a["achieved"] == pytest.approx(1 - (95 / 11) / 10)
    assert a["required_cumulative"] == pytest.approx(1 - 0.83 ** (2 / 5))
    assert a["completion_rate"] == pytest.approx(a["achieved"] / a["required_cumulative"])
    assert a["status"] == "ahead"
    assert b["achieved"] == pytest.approx(-0.03) and b["status"] == "behind"
    assert c["status"] == NO_SCHEDULE and c["required_cumulative"] is None
    assert d["achieved"] is None and d["status"] == "" and d["completion_rate"] is None


def test_a_year_without_gdp_has_no_achieved_figure():
    targets = pd.DataFrame({"region": ["A"], "base_year": [2025], "reduction": [0.17]})
    figures = pd.DataFrame(
        {"region": ["A", "A"], "year": [2025, 2026], "tco2": [1.0, 1.0], "gdp": [1.0, None]}
    )
    assert schedule_table(targets, figures, 2026).loc[0, "achieved"] is None
