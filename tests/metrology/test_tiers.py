"""Data-quality tiers of activity rows: a calibration valid through its due date covers the
row's period; one day short makes the row merely metered; no meter makes it estimated."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from carbonctl.metrology import TIERS, activity_tiers, tier_of, tier_table

JAN1, DEC31 = dt.date(2024, 1, 1), dt.date(2024, 12, 31)


def test_tiers_have_ordered_uncertainties_with_source_and_status():
    table = tier_table()
    widths = [table.at[t, "activity_half_width_95_pct"] for t in TIERS]
    assert TIERS == ("metered_calibrated", "metered", "estimated")
    assert widths == sorted(widths) and widths[0] < widths[-1]
    assert (table["source"] != "").all() and (table["status"] != "").all()


@pytest.mark.parametrize(
    ("calibrated", "due", "tier"),
    [
        (dt.date(2023, 6, 1), DEC31, "metered_calibrated"),  # due on the last day: still valid
        (dt.date(2023, 6, 1), dt.date(2024, 12, 30), "metered"),  # one day short
        (JAN1, dt.date(2025, 6, 1), "metered_calibrated"),  # calibrated on the first day
        (dt.date(2024, 1, 2), dt.date(2025, 6, 1), "metered"),  # calibrated a day late
        (None, None, "metered"),  # never calibrated
    ],
)
def test_tier_at_the_calibration_boundaries(calibrated, due, tier):
    assert tier_of(JAN1, DEC31, [(calibrated, due)]) == tier


def test_no_meter_is_estimated_and_one_valid_meter_is_enough():
    assert tier_of(JAN1, DEC31, []) == "estimated"
    lapsed, valid = (dt.date(2022, 1, 1), dt.date(2023, 1, 1)), (dt.date(2023, 12, 1), DEC31)
    assert tier_of(JAN1, DEC31, [lapsed, valid]) == "metered_calibrated"


def test_activity_rows_take_the_tier_of_their_enterprise_and_carrier():
    meters = pd.DataFrame(
        [
            ("E1", "electricity", dt.date(2020, 1, 1), dt.date(2023, 12, 1), dt.date(2024, 12, 31)),
            ("E1", "coal", dt.date(2020, 1, 1), dt.date(2022, 1, 1), dt.date(2023, 1, 1)),
            ("E2", "electricity", dt.date(2025, 3, 1), dt.date(2025, 3, 1), dt.date(2026, 3, 1)),
        ],
        columns=["enterprise", "measures", "installed_on", "calibrated_on", "due_on"],
    )
    rows = pd.DataFrame(
        [
            ("E1", "electricity", JAN1, DEC31),
            ("E1", "coal", JAN1, DEC31),
            ("E1", "natural_gas", JAN1, DEC31),
            ("E2", "electricity", JAN1, DEC31),  # its meter was installed after the year
        ],
        columns=["enterprise", "measures", "start", "end"],
    )
    assert list(activity_tiers(rows, meters)) == [
        "metered_calibrated",
        "metered",
        "estimated",
        "estimated",
    ]
