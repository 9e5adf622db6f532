"""The electricity–carbon part of the demo (电碳演示): the 2025 assessment on the synthetic
history, and meter readings for its last quarter run through the real pipeline, so the platform's
page shows daily figures that came out of cleaning and aggregation like real data would.

The meters are planned from the history's own monthly electricity (county × model sector), so the
daily meter totals and the monthly history agree.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from carbonctl.demo.electricity import ElectricityHistory, demo_history
from carbonctl.demo.meters import daily_generation, meter_plan, write_meter_folder
from carbonctl.demo.synthetic import DemoDataset
from carbonctl.electricity.assessment import YearAssessment, assess_year, daily_figures
from carbonctl.electricity.pipeline import aggregate

__all__ = ["DemoElectricity", "build_demo_electricity"]

YEAR = 2025
METERED = ("2025-10-01", "2025-12-31")


@dataclass(frozen=True)
class DemoElectricity:
    """The demo's assessment, its daily figures (``assessment.daily_figures`` layout) and the
    pipeline's cleaning summary."""

    history: ElectricityHistory
    assessment: YearAssessment
    days: pd.DataFrame
    quality: dict
    generation_day: pd.DataFrame


def build_demo_electricity(
    dataset: DemoDataset | None = None,
    *,
    names: Mapping[str, str] | None = None,
    meters_per_cell: int = 2,
    seed: int = 20240101,
) -> DemoElectricity:
    """History, the 2025 assessment, and Q4 2025 meter and dispatch data generated, cleaned and
    aggregated."""
    history = demo_history(dataset, seed=seed)
    assessment = assess_year(history.inputs, YEAR, names=names)
    plan = meter_plan(history.monthly, *METERED)
    with tempfile.TemporaryDirectory(prefix="carbonctl-demo-meters-") as folder:
        written = write_meter_folder(
            Path(folder),
            plan,
            start=METERED[0],
            end=METERED[1],
            meters_per_cell=meters_per_cell,
            seed=seed % 2**31,
        )
        meters = written.meters[["meter_id", "county", "industry"]]
        result = aggregate(Path(folder) / "readings", meters)
        generation = daily_generation(
            history.generation, *METERED, seed=seed % 2**31, folder=Path(folder)
        )
    cities = dict(zip(history.counties["county"], history.counties["city"], strict=True))
    days = daily_figures(assessment.model, result.day, cities, generation)
    return DemoElectricity(
        history=history,
        assessment=assessment,
        days=days,
        quality=result.quality,
        generation_day=generation,
    )
