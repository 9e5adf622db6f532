"""Key units of the demo (演示重点单位): each demo enterprise's fuel use of a year estimated from
its county sector's inventory cells, with synthetic value added and energy-saving targets.

Nothing here is a statistic (DESIGN PROPOSAL of the demo): an enterprise takes
:data:`COVERAGE` / n of every fuel of its county sector (n = the demo enterprises of that county
sector), the fuels without a default factor carry the demo's parameters
(:func:`carbonctl.demo.params.fuel_factors`), and the rows are accounted like any submission.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from carbonctl.demo import params

__all__ = [
    "COVERAGE",
    "SAVING_SHARE",
    "demo_activities",
    "demo_saving_targets",
    "demo_value_added",
]

#: Share of a county sector's energy its demo enterprises use together (the generator draws
#: 0.55–0.9 per county sector; the middle is taken here).
COVERAGE = 0.7
#: Energy-saving target of a key energy-using unit for the 14th plan: this share of its energy.
SAVING_SHARE = 0.05
#: Spread (log-normal σ) of the demo enterprises' carbon intensity around their industry's,
#: so the carbon-efficiency grades 1–5 all occur.
INTENSITY_SPREAD = 0.5
#: A demo enterprise's CO2 per 10⁴ CNY value added before the spread (t, any positive number:
#: grades compare with the industry's pooled average).
REFERENCE_INTENSITY = 5.0


def demo_activities(cells: pd.DataFrame, enterprises: pd.DataFrame) -> pd.DataFrame:
    """Activity rows (subject = enterprise key) for every enterprise and year of ``cells``.

    ``cells``: adcode, year, sector, fuel (the demo's fuel name, or ``Process``), amount, unit,
    tco2 — county inventory cells; ``enterprises``: enterprise (key), adcode, sector.
    Combustion rows carry the parameters of fuels without a default factor; ``Process`` cells
    become one process row in tCO2 (``item`` ``Process``) for the emission report, not
    accounted."""
    given = {
        f.fuel: (f.ncv, f.carbon_content, f.oxidation_rate)
        for f in params.fuel_factors(params.DEMO_FACTOR_SET).values()
        if f.given_in_row
    }
    members = enterprises.groupby(["adcode", "sector"])["enterprise"].transform("count")
    share = enterprises.assign(share=COVERAGE / members.to_numpy(dtype=float))
    merged = cells.merge(share, on=["adcode", "sector"])
    merged = merged[merged["tco2"].to_numpy(dtype=float) > 0]
    fuel = merged[merged["fuel"] != "Process"]
    items = fuel["fuel"].tolist()
    nan = (np.nan, np.nan, np.nan)
    parameters = np.array([given.get(item, nan) for item in items], dtype=float).reshape(-1, 3)
    rows = pd.DataFrame(
        {
            "subject": fuel["enterprise"].to_numpy(),
            "period": fuel["year"].astype(int).astype(str).to_numpy(),
            "category": "combustion",
            "item": items,
            "amount": fuel["share"].to_numpy(dtype=float) * fuel["amount"].to_numpy(dtype=float),
            "unit": fuel["unit"].to_numpy(),
            "ncv": parameters[:, 0],
            "carbon_content": parameters[:, 1],
            "oxidation_rate": parameters[:, 2],
        }
    )
    rows = rows.groupby(["subject", "period", "category", "item", "unit"], as_index=False).agg(
        amount=("amount", "sum"),
        ncv=("ncv", "first"),
        carbon_content=("carbon_content", "first"),
        oxidation_rate=("oxidation_rate", "first"),
    )
    process = merged[merged["fuel"] == "Process"]
    process_rows = pd.DataFrame(
        {
            "subject": process["enterprise"].to_numpy(),
            "period": process["year"].astype(int).astype(str).to_numpy(),
            "category": "process",
            "item": "Process",
            "unit": "tCO2",
            "amount": process["share"].to_numpy(dtype=float)
            * process["tco2"].to_numpy(dtype=float),
        }
    )
    return pd.concat([rows, process_rows], ignore_index=True)


def demo_value_added(co2: pd.Series, seed: int) -> pd.Series:
    """Synthetic value added (10⁴ CNY) for enterprises with CO2 ``co2`` (t): CO2 /
    (REFERENCE_INTENSITY × a log-normal spread), fixed by ``seed``."""
    rng = np.random.default_rng(seed)
    spread = np.exp(rng.normal(0.0, INTENSITY_SPREAD, len(co2)))
    return co2 / (REFERENCE_INTENSITY * spread)


def demo_saving_targets(energy: pd.Series, as_of_year: int, seed: int) -> pd.DataFrame:
    """14th-plan energy-saving targets (2021–2025, base 2020) of units with energy ``energy``
    (tce, index = unit key): target = SAVING_SHARE × energy; saved so far a synthetic 20–110 %
    of the share of the period elapsed by ``as_of_year``."""
    rng = np.random.default_rng(seed)
    target = SAVING_SHARE * energy
    schedule = (as_of_year - 2021 + 1) / 5
    achieved = target * schedule * rng.uniform(0.2, 1.1, len(energy))
    return pd.DataFrame(
        {
            "plan": "14th",
            "start_year": 2021,
            "end_year": 2025,
            "baseline_year": 2020,
            "baseline_energy_tce": energy,
            "target_saving_tce": target,
            "achieved_saving_tce": achieved,
            "as_of_year": as_of_year,
        },
        index=energy.index,
    )
