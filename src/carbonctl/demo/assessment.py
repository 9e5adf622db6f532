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

from carbonctl.demo.synthetic import DemoDataset
from carbonctl.electricity import synth
from carbonctl.electricity.assessment import YearAssessment, assess_year, daily_figures
from carbonctl.electricity.history import ElectricityHistory, demo_history
from carbonctl.electricity.pipeline import aggregate, aggregate_dispatch, month_label
from carbonctl.electricity.schema import model_sectors
from carbonctl.frames import map_unique

__all__ = ["DemoElectricity", "build_demo_electricity", "meter_plan"]

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


def meter_plan(history: ElectricityHistory, start: str, end: str) -> pd.DataFrame:
    """The synth plan (county, industry, month, kwh) of the history's months in [start, end]:
    each model sector metered under its first electricity-use class."""
    first_class = {s.code: s.includes[0] for s in model_sectors()}
    monthly = history.monthly
    chosen = monthly[(monthly["month"] >= start[:7]) & (monthly["month"] <= end[:7])]
    chosen = chosen[chosen["kwh"] > 0]
    return pd.DataFrame(
        {
            "county": chosen["county"].to_numpy(),
            "industry": chosen["sector"].map(first_class).to_numpy(),
            "month": chosen["month"].to_numpy(),
            "kwh": chosen["kwh"].to_numpy(),
        }
    )


def daily_generation(
    history: ElectricityHistory, start: str, end: str, *, seed: int, folder: Path
) -> pd.DataFrame:
    """Daily generation (county, day, fuel, mwh) that adds up to the history's monthly
    generation: hourly dispatch is synthesised, summed to days by the pipeline, and its daily
    shares within each county × fuel × month spread the history's month; a fuel the dispatch
    lacks is spread evenly over the month."""
    monthly = history.generation
    monthly = monthly[(monthly["month"] >= start[:7]) & (monthly["month"] <= end[:7])]
    monthly = monthly[monthly["mwh"] > 0]
    counties = sorted(monthly["county"].unique())
    hourly = synth.synth_dispatch(counties, start, end, seed=seed)
    day = aggregate_dispatch(
        synth.write_dispatch(hourly, folder / "dispatch.parquet"), period="day"
    )
    day["month"] = map_unique([day["day"]], month_label)
    keys = ["county", "fuel", "month"]
    day["share"] = day["mwh"] / day.groupby(keys)["mwh"].transform("sum")
    shaped = monthly.merge(day[[*keys, "day", "share"]], on=keys, how="inner")
    shaped["mwh"] = shaped["mwh"] * shaped["share"]
    covered = pd.MultiIndex.from_frame(day[keys].drop_duplicates())
    rest = monthly[~pd.MultiIndex.from_frame(monthly[keys]).isin(covered)]
    even = []
    for row in rest.itertuples(index=False):
        days = pd.period_range(row.month, periods=1, freq="M")[0]
        dates = pd.date_range(days.start_time, days.end_time, freq="D").date
        even.append(
            pd.DataFrame(
                {"county": row.county, "day": dates, "fuel": row.fuel, "mwh": row.mwh / len(dates)}
            )
        )
    columns = ["county", "day", "fuel", "mwh"]
    return pd.concat([shaped[columns], *even], ignore_index=True).sort_values(
        columns[:3], ignore_index=True
    )


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
    assessment = assess_year(history, YEAR, names=names)
    plan = meter_plan(history, *METERED)
    meters = synth.synth_meters(plan, meters_per_cell=meters_per_cell, seed=seed % 2**31)
    with tempfile.TemporaryDirectory(prefix="carbonctl-demo-meters-") as folder:
        synth.write_readings(
            meters,
            plan,
            Path(folder) / "readings",
            start=METERED[0],
            end=METERED[1],
            seed=seed % 2**31,
        )
        result = aggregate(Path(folder) / "readings", meters[["meter_id", "county", "industry"]])
        generation = daily_generation(history, *METERED, seed=seed % 2**31, folder=Path(folder))
    cities = dict(zip(history.counties["county"], history.counties["city"], strict=True))
    days = daily_figures(assessment.model, result.day, cities, generation)
    return DemoElectricity(
        history=history,
        assessment=assessment,
        days=days,
        quality=result.quality,
        generation_day=generation,
    )
