"""The demo meter registers: one point code per enterprise, the reporter's enterprise always
with an overdue and a due-soon meter, a few others overdue, the same registers for one seed."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from carbonctl.demo.metrology import OVERDUE_ENTERPRISES, demo_meter_registers
from carbonctl.metrology import calibration_state

TODAY = dt.date(2026, 12, 5)
RUN = dt.date(2026, 1, 31)
POWER = "Production and Supply of Electric Power, Steam and Hot Water"
STEEL = "Smelting and Pressing of Ferrous Metals"


def enterprises(n: int = 30) -> pd.DataFrame:
    return pd.DataFrame(
        {"credit_code": [f"E{i:02d}" for i in range(n)], "sector": [POWER, STEEL] * (n // 2)}
    )


def test_registers_are_consistent_and_reproducible():
    points, meters, calibrations = demo_meter_registers(enterprises(), TODAY, reporter="E00")
    assert not points.duplicated(["enterprise", "point"]).any()
    assert not meters.duplicated(["enterprise", "meter_id"]).any()
    assert set(zip(meters["enterprise"], meters["point"], strict=True)) <= set(
        zip(points["enterprise"], points["point"], strict=True)
    )
    assert len(calibrations) == 2 * len(meters)
    again = demo_meter_registers(enterprises(), TODAY, reporter="E00")
    pd.testing.assert_frame_equal(calibrations, again[2])


def test_the_reporter_and_a_few_others_have_overdue_meters():
    _, _, calibrations = demo_meter_registers(enterprises(), TODAY, reporter="E00", overdue_on=RUN)
    latest = calibrations.groupby(["enterprise", "meter_id"])["due_on"].max().reset_index()
    latest["state"] = [calibration_state(d, TODAY, 30) for d in latest["due_on"]]
    own = set(latest.loc[latest["enterprise"] == "E00", "state"])
    assert {"overdue", "due_soon"} <= own
    overdue = set(latest.loc[latest["state"] == "overdue", "enterprise"])
    assert len(overdue) == OVERDUE_ENTERPRISES + 1
    # overdue on the day the caller names too (the demo's first warning run)
    assert (latest.loc[latest["state"] == "overdue", "due_on"] < RUN).all()
