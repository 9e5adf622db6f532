"""GB 17167-2006 equipping: rate = equipped points / needed points per carrier and level, a
meter of worse accuracy than required does not count, requirements keep their UNCONFIRMED
flag."""

from __future__ import annotations

import pandas as pd
import pytest

from carbonctl.metrology import check_equipping, check_equipping_by, equipping_requirements


def points(*rows: tuple[str, str, str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["point", "measures", "level"])


def meters(*rows: tuple[str, float]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["point", "accuracy_class"])


def test_requirements_are_data_with_source_and_status():
    table = equipping_requirements()
    row = table[(table["carrier"] == "steam") & (table["level"] == "equipment")].iloc[0]
    assert row["required_rate_pct"] == 70.0
    assert (table["status"] == "UNCONFIRMED").all()
    assert table["source"].str.contains("GB 17167-2006").all()


def test_rate_per_carrier_and_level_counts_missing_and_inaccurate_meters():
    needed = points(
        ("P1", "electricity", "unit"),
        ("P2", "electricity", "equipment"),
        ("P3", "electricity", "equipment"),
        ("P4", "electricity", "equipment"),
        ("P5", "electricity", "equipment"),
        ("P6", "steam", "equipment"),
        ("P7", "co2_flue_gas", "unit"),  # no GB 17167 requirement: left out
    )
    have = meters(("P1", 0.5), ("P2", 1.0), ("P3", 2.0), ("P4", 2.5), ("P6", 2.5))
    check = check_equipping(needed, have)
    table = check.table.set_index(["measures", "level"])
    equipment = table.loc[("electricity", "equipment")]
    assert equipment["points"] == 4
    assert equipment["equipped"] == 2  # P4 is class 2.5, worse than the required 2.0
    assert equipment["inaccurate"] == 1
    assert equipment["missing"] == 1
    assert equipment["rate_pct"] == pytest.approx(50.0)
    assert not equipment["meets"]
    assert table.loc[("electricity", "unit"), "meets"]
    assert table.loc[("steam", "equipment"), "rate_pct"] == pytest.approx(100.0)
    assert ("co2_flue_gas", "unit") not in table.index
    assert not check.meets
    assert list(check.shortfalls["measures"]) == ["electricity"]
    assert check.unconfirmed


def test_rate_at_the_required_level_meets_it():
    needed = points(*((f"P{i}", "steam", "equipment") for i in range(10)))
    have = meters(*((f"P{i}", 2.5) for i in range(7)))
    check = check_equipping(needed, have)
    assert check.table.loc[0, "rate_pct"] == pytest.approx(70.0)
    assert check.meets


def test_no_meters_at_all_is_zero_rate():
    check = check_equipping(points(("P1", "coal", "unit")), meters())
    assert check.table.loc[0, "rate_pct"] == 0.0
    assert check.table.loc[0, "missing"] == 1
    assert not check.meets


def test_many_enterprises_at_once_give_each_enterprises_own_check():
    """The grouped check (one computation for a province's page) equals the check of each
    enterprise alone, point codes repeating across enterprises included."""
    needed = points(
        ("P1", "electricity", "unit"),
        ("P2", "electricity", "equipment"),
        ("P3", "steam", "equipment"),
    )
    a = meters(("P1", 0.5), ("P2", 2.5))
    b = meters(("P1", 2.0), ("P2", 1.0), ("P3", 2.5))
    c = meters()  # points without any meter
    both_points = pd.concat([needed.assign(e=e) for e in ("A", "B", "C")])
    both_meters = pd.concat([a.assign(e="A"), b.assign(e="B"), c.assign(e="C")])
    checks = check_equipping_by(both_points, both_meters, "e")
    for key, own in (("A", a), ("B", b), ("C", c)):
        alone = check_equipping(needed, own).table
        pd.testing.assert_frame_equal(checks[key].table, alone, check_dtype=False)
    assert checks["C"].table["missing"].sum() == 3
