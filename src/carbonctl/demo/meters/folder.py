"""One folder of synthetic meter data as a utility would hand it over: ``meters.parquet``,
``readings/month=YYYY-MM/part-*.parquet``, ``dispatch.parquet`` (when plants are asked for) and
``manifest.json`` (what was generated and which faults were injected)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from carbonctl.demo.meters.dispatch import synth_dispatch, write_dispatch
from carbonctl.demo.meters.meters import synth_meters
from carbonctl.demo.meters.readings import SynthManifest, write_readings


@dataclass(frozen=True)
class MeterFolder:
    """What :func:`write_meter_folder` wrote: the meters table, the readings' manifest and the
    number of dispatch hours (0 without plants)."""

    meters: pd.DataFrame
    manifest: SynthManifest
    dispatch_rows: int


def write_meter_folder(
    out: Path,
    plan: pd.DataFrame,
    *,
    start: str | dt.date,
    end: str | dt.date,
    n_meters: int | None = None,
    meters_per_cell: int | None = None,
    freq: str = "D",
    seed: int = 0,
    counties_with_plants: Sequence[str] = (),
    progress: Callable[[int, int], None] | None = None,
) -> MeterFolder:
    """Meters drawn for ``plan`` (county, industry, month, kwh), their readings from ``start``
    to ``end`` and, for ``counties_with_plants``, hourly dispatch, all written under ``out``."""
    meters = synth_meters(plan, n_meters=n_meters, meters_per_cell=meters_per_cell, seed=seed)
    out.mkdir(parents=True, exist_ok=True)
    manifest = write_readings(
        meters,
        plan,
        out / "readings",
        start=start,
        end=end,
        freq=freq,
        seed=seed,
        progress=progress,
    )
    meters.to_parquet(out / "meters.parquet", index=False)
    dispatch_rows = 0
    if counties_with_plants:
        dispatch = synth_dispatch(list(counties_with_plants), start, end, seed=seed)
        write_dispatch(dispatch, out / "dispatch.parquet")
        dispatch_rows = len(dispatch)
    (out / "manifest.json").write_text(
        json.dumps(manifest.to_dict(), ensure_ascii=False, indent=2, default=str),
        encoding="utf-8",
    )
    return MeterFolder(meters=meters, manifest=manifest, dispatch_rows=dispatch_rows)
