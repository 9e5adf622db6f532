"""The pipeline on generated readings: it finds exactly the anomalies the generator injected and
gives back the planned electricity."""

from __future__ import annotations

import pandas as pd
import pytest

from carbonctl.demo import meters as synth
from carbonctl.electricity.pipeline import aggregate


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("synth")
    counties = ["140105", "140212", "140525", "141002"]
    targets = synth.default_targets(counties, "2025-01-01", "2025-03-31", seed=5)
    meters = synth.synth_meters(targets, meters_per_cell=6, seed=5)
    rates = synth.AnomalyRates(
        outage=0.01,
        outage_zero_share=0.5,
        missing=0.003,
        duplicate=0.003,
        spike=0.002,
        negative=0.001,
    )
    manifest = synth.write_readings(
        meters,
        targets,
        folder / "readings",
        start="2025-01-01",
        end="2025-03-31",
        anomalies=rates,
        seed=5,
    )
    return targets, meters, manifest, aggregate(folder / "readings", meters)


def test_injected_anomalies_are_found(generated):
    _, _, manifest, result = generated
    flagged = result.quality["flagged"]
    assert manifest.duplicate_rows > 0 and flagged["duplicate"] == manifest.duplicate_rows
    assert manifest.negative_rows > 0 and flagged["negative"] == manifest.negative_rows
    assert manifest.spike_rows > 0 and flagged["spike"] == manifest.spike_rows
    dropped = manifest.missing_rows + manifest.outage_missing_rows
    # a reading dropped on a meter's first or last day is not a gap (the meter's span is unknown)
    assert 0.9 * dropped <= flagged["gap"] <= dropped
    assert result.quality["readings"] == manifest.rows


def test_cleaned_totals_come_back_to_the_plan(generated):
    targets, _, manifest, result = generated
    month = result.month.groupby(["county", "industry", "month"])["kwh"].sum()
    planned = targets.set_index(["county", "industry", "month"])["kwh"]
    both = pd.concat({"got": month, "planned": planned}, axis=1).dropna()
    assert len(both) == len(planned)
    assert result.month["kwh"].sum() == pytest.approx(manifest.clean_kwh, rel=0.005)
    relative = (both["got"] / both["planned"] - 1).abs()
    assert relative.median() < 0.01
