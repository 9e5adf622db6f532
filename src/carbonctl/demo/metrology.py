"""The demo's meter registers (演示计量器具台账): metering points, meters and their calibration
history for the demo's key enterprises, so the metrology pages, the enterprise sections and the
``calibration_overdue`` warnings have something to show. Everything here is SYNTHETIC.

Each enterprise gets metering points by GB 17167-2006 level for the carriers of its industry
(:data:`CARRIERS`): one point where each carrier enters the unit, and electricity and the main
fuel also at main sub-units and main equipment. Nearly every point has a meter of the required
accuracy class; a few points have none or a meter of a worse class, so some enterprises fall
short of the equipping rates. Every meter has two calibrations a cycle apart; the latest is valid
well past ``today`` except for a few meters of a few enterprises, overdue (10–100 days before
the day the caller names, the demo's first warning run) or due within the next weeks. The
demo reporter's enterprise always has one of each.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from carbonctl.metrology import equipping_requirements

__all__ = ["CARRIERS", "demo_meter_registers"]

#: Carriers metered at each demo industry (by CEADs sector); the first fuel is the main one.
CARRIERS: dict[str, tuple[str, ...]] = {
    "Production and Supply of Electric Power, Steam and Hot Water": (
        "electricity", "coal", "steam", "water", "co2_flue_gas"),
    "Smelting and Pressing of Ferrous Metals": (
        "electricity", "coke", "coal", "natural_gas", "coal_gas", "water"),
    "Petroleum Processing and Coking": ("electricity", "coal", "coal_gas", "steam", "water"),
    "Nonmetal Mineral Products": ("electricity", "coal", "water"),
    "Smelting and Pressing of Nonferrous Metals": ("electricity", "coal", "natural_gas", "water"),
    "Raw Chemical Materials and Chemical Products": (
        "electricity", "coal", "natural_gas", "steam", "water"),
    "Coal Mining and Dressing": ("electricity", "coal", "water"),
}  # fmt: skip
DEFAULT_CARRIERS = ("electricity", "coal", "water")
#: Points per level for electricity and the main fuel (every carrier has one at the unit).
SUB_POINTS = {"secondary": 2, "equipment": 3}
#: Chance that a point has no meter, or a meter one class worse than required (synthetic).
MISSING_SHARE = {"unit": 0.0, "secondary": 0.03, "equipment": 0.08}
INACCURATE_SHARE = 0.03
#: Calibration cycle of the demo (GB 17167 leaves it to the verification regulations).
CYCLE = dt.timedelta(days=365)
#: Enterprises (besides the reporter's) with one meter overdue, and with one due soon.
OVERDUE_ENTERPRISES = 6
DUE_SOON_ENTERPRISES = 6
#: Accuracy classes in order, to pick "one class worse" than required.
CLASSES = (0.2, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0)


def demo_meter_registers(
    enterprises: pd.DataFrame,
    today: dt.date,
    *,
    reporter: str = "",
    overdue_on: dt.date | None = None,
    seed: int = 20240101,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(points, meters, calibrations) for ``enterprises`` (credit_code, sector), synthetic.

    points: enterprise, point, measures, level, name; meters: enterprise, meter_id, point,
    accuracy_class, installed_on, name; calibrations: enterprise, meter_id, certificate,
    calibrated_on, due_on (oldest first). ``reporter``: the credit code that always gets one
    overdue and one due-soon meter. ``overdue_on`` (default ``today``, never later): the day the
    overdue meters must already be overdue on — 10 to 100 days before it.
    """
    overdue_on = min(overdue_on or today, today)
    rng = np.random.default_rng(seed)
    required = equipping_requirements().set_index(["carrier", "level"])["accuracy_class"]
    codes = list(enterprises["credit_code"])
    others = [c for c in codes if c != reporter]
    size = min(len(others), OVERDUE_ENTERPRISES + DUE_SOON_ENTERPRISES)
    picked = rng.choice(len(others), size=size, replace=False)
    overdue = {others[i] for i in picked[:OVERDUE_ENTERPRISES]} | {reporter}
    due_soon = {others[i] for i in picked[OVERDUE_ENTERPRISES:]} | {reporter}
    points, meters, calibrations = [], [], []
    for row in enterprises.itertuples(index=False):
        carriers = CARRIERS.get(row.sector, DEFAULT_CARRIERS)
        main = {"electricity", next(c for c in carriers if c != "electricity")}
        places = [(c, "unit", 1) for c in carriers]
        places += [(c, level, n) for c in carriers if c in main for level, n in SUB_POINTS.items()]
        made: list[str] = []
        for carrier, level, count in places:
            for k in range(1, count + 1):
                point = f"{carrier.upper()}-{level[0].upper()}{k}"
                points.append((row.credit_code, point, carrier, level, ""))
                forced = row.credit_code == reporter and level == "unit"
                if not forced and rng.random() < MISSING_SHARE[level]:
                    continue
                need = required.get((carrier, level), 2.0)
                worse = not forced and rng.random() < INACCURATE_SHARE
                klass = CLASSES[min(CLASSES.index(need) + 1, len(CLASSES) - 1)] if worse else need
                meter_id = f"M-{len(made) + 1:03d}"
                made.append(meter_id)
                installed = dt.date(int(rng.integers(2012, 2023)), int(rng.integers(1, 13)), 1)
                meters.append((row.credit_code, meter_id, point, klass, installed, ""))
        for i, meter_id in enumerate(made):
            if row.credit_code in overdue and i == 0:
                due = overdue_on - dt.timedelta(days=int(rng.integers(10, 100)))
            elif row.credit_code in due_soon and i == 1:
                due = today + dt.timedelta(days=int(rng.integers(3, 25)))
            else:
                due = today + dt.timedelta(days=int(rng.integers(45, 360)))
            for cycle in (1, 0):
                end = due - cycle * CYCLE
                calibrations.append(
                    (row.credit_code, meter_id, f"JD-{end.year}-{rng.integers(10**5, 10**6)}",
                     end - CYCLE + dt.timedelta(days=1), end)
                )  # fmt: skip
    return (
        pd.DataFrame(points, columns=["enterprise", "point", "measures", "level", "name"]),
        pd.DataFrame(
            meters,
            columns=["enterprise", "meter_id", "point", "accuracy_class", "installed_on", "name"],
        ),
        pd.DataFrame(
            calibrations,
            columns=["enterprise", "meter_id", "certificate", "calibrated_on", "due_on"],
        ),
    )
