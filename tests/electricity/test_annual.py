"""The annual estimate from a province's own data and its rolling-origin backtest (issue 16 item
3), on data with a known generating process: each sector's CO2 moves with its own driver (power
with thermal generation, steel with crude-steel output, services and residents with their
electricity use), times a steady efficiency drift. The structural estimate recovers it; the naive
baselines, which move the total with one driver, do not."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from carbonctl.electricity.annual import annual_backtest, estimate_year
from carbonctl.electricity.province import read_province_data

YEARS = range(2015, 2023)


def write_province(folder: Path, *, drift: float, seed: int = 1) -> dict[int, float]:
    """Sectors A02.3 (power), A02.2.19 (steel), A05-A11 (services), B1 (urban residents) with
    random yearly driver growth; CO2_s,Y = CO2_s,Y−1 × driver ratio × (1 + drift). Monthly data
    with January–February as a year-to-date block. Returns the total CO2 by year."""
    rng = np.random.default_rng(seed)
    drivers = {"thermal": 1000.0, "crude_steel": 500.0, "P3": 300.0, "B1": 200.0}
    co2 = {"A02.3": 200e6, "A02.2.19": 120e6, "A05-A11": 30e6, "B1": 20e6}
    link = {"A02.3": "thermal", "A02.2.19": "crude_steel", "A05-A11": "P3", "B1": "B1"}
    annual, power, generation, output = [], [], [], []
    totals = {}
    for year in YEARS:
        if year > YEARS[0]:
            growth = {k: float(rng.normal(0.03, 0.06)) for k in drivers}
            drivers = {k: v * (1 + growth[k]) for k, v in drivers.items()}
            co2 = {s: t * (1 + growth[link[s]]) * (1 + drift) for s, t in co2.items()}
        totals[year] = sum(co2.values())
        annual += [f"山西,{year},{s},{t:.3f}" for s, t in co2.items()]
        for month in [2, *range(3, 13)]:
            share = 2 / 12 if month == 2 else 1 / 12
            basis = "ytd" if month == 2 else "month"
            for key, name in (("P3", "第三产业"), ("B1", "城镇居民")):
                power.append(
                    f"山西,{year}-{month:02d},{name},{drivers[key] * share:.6f},亿kWh,{basis}"
                )
            total = (drivers["P3"] + drivers["B1"] + 900.0) * share
            power.append(f"山西,{year}-{month:02d},全社会,{total:.6f},亿kWh,{basis}")
            generation.append(
                f"山西,{year}-{month:02d},火电,{drivers['thermal'] * share:.6f},亿kWh,{basis}"
            )
            output.append(
                f"山西,{year}-{month:02d},粗钢,{drivers['crude_steel'] * share:.6f},万吨,{basis}"
            )
    (folder / "annual.csv").write_text("region,year,sector,tco2\n" + "\n".join(annual) + "\n")
    head = "region,period,{},amount,unit,basis\n"
    (folder / "electricity.csv").write_text(head.format("sector") + "\n".join(power) + "\n")
    (folder / "generation.csv").write_text(head.format("fuel") + "\n".join(generation) + "\n")
    (folder / "output.csv").write_text(head.format("product") + "\n".join(output) + "\n")
    return totals


def test_the_structural_estimate_is_exact_without_drift(tmp_path):
    totals = write_province(tmp_path, drift=0.0)
    data = read_province_data(tmp_path)
    found = estimate_year(data, "140000", 2020)
    assert found.raw == pytest.approx(totals[2020], rel=1e-6)
    assert found.drivers == {
        "A02.3": "thermal",
        "A02.2.19": "output:crude_steel",
        "A05-A11": "electricity:P3",
        "B1": "electricity:B1",
    }


def test_the_backtest_beats_the_baselines_and_learns_the_drift(tmp_path):
    totals = write_province(tmp_path, drift=-0.02)
    report = annual_backtest(read_province_data(tmp_path))
    province = report["annual"]["province"]
    assert sorted(province["estimates"]) == [str(y) for y in YEARS[1:]]
    baselines = report["baselines"]["province"]
    better = min(baselines["electricity_ratio"], baselines["thermal_ratio"])
    assert province["mape"] <= 0.75 * better
    # a steady −2 % a year is learned from the earlier years: later years are within 1 %
    late = [abs(province["estimates"][str(y)] / totals[y] - 1) for y in (2021, 2022)]
    assert max(late) < 0.01
    assert province["bias"] > 0  # the first years, before the drift is known, are too high
    assert set(province["estimates_h1"]) == set(province["estimates"])


def test_nothing_of_the_year_itself_is_used(tmp_path):
    """Changing the inventory of 2020 leaves the estimate of 2020 unchanged (rolling origin)."""
    write_province(tmp_path, drift=-0.02)
    before = estimate_year(read_province_data(tmp_path), "140000", 2020).estimate
    annual = (tmp_path / "annual.csv").read_text().splitlines()
    changed = [
        line.replace(line.split(",")[-1], "1.0") if ",2020," in line else line for line in annual
    ]
    (tmp_path / "annual.csv").write_text("\n".join(changed) + "\n")
    after = estimate_year(read_province_data(tmp_path), "140000", 2020).estimate
    assert after == pytest.approx(before)


def test_an_all_only_inventory_uses_the_blend(tmp_path):
    totals = write_province(tmp_path, drift=0.0, seed=3)
    lines = ["region,year,sector,tco2"] + [f"山西,{y},ALL,{t:.3f}" for y, t in totals.items()]
    (tmp_path / "annual.csv").write_text("\n".join(lines) + "\n")
    data = read_province_data(tmp_path)
    found = estimate_year(data, "140000", 2022)
    assert set(found.drivers) == {"ALL"} and not math.isnan(found.estimate)
    report = annual_backtest(data)
    assert not math.isnan(report["annual"]["province"]["mape"])


def test_intervals_come_from_earlier_errors_and_widen_on_coarse_data(tmp_path):
    """With the sectors' own drivers the structural estimate is exact on this process, so its
    interval has no width; the same province with a total-only inventory moves with one blend of
    drivers, misses, and gets a wide interval that still holds the inventory. Fewer than three
    earlier errors give no interval."""
    totals = write_province(tmp_path, drift=0.0, seed=3)
    fine = read_province_data(tmp_path)
    early = estimate_year(fine, "140000", 2018)  # errors of 2016 and 2017 only
    assert math.isnan(early.lo) and math.isnan(early.hi)
    exact = estimate_year(fine, "140000", 2022)
    assert exact.hi - exact.lo == pytest.approx(0.0, abs=1e-6 * exact.estimate)
    lines = ["region,year,sector,tco2"] + [f"山西,{y},ALL,{t:.3f}" for y, t in totals.items()]
    (tmp_path / "annual.csv").write_text("\n".join(lines) + "\n")
    coarse = estimate_year(read_province_data(tmp_path), "140000", 2022)
    assert coarse.hi - coarse.lo > 0.01 * coarse.estimate
    assert coarse.lo <= totals[2022] <= coarse.hi
    report = annual_backtest(read_province_data(tmp_path))["annual"]["province"]
    assert sorted(report["intervals"]) == ["2019", "2020", "2021", "2022"]
    assert 0.0 <= report["coverage"] <= 1.0


def test_year_to_date_moves_with_the_drivers_within_the_year(tmp_path):
    """Each driver is spread evenly over the months here, and CO2 moves with it: months 1…N
    hold N/12 of the year. January alone is not given (January–February come as one figure)."""
    from carbonctl.electricity.annual import coarse_nowcast, year_to_date

    totals = write_province(tmp_path, drift=0.0)
    data = read_province_data(tmp_path)
    assert year_to_date(data, "140000", 2020, 6).estimate == pytest.approx(totals[2020] / 2)
    assert math.isnan(year_to_date(data, "140000", 2020, 1).estimate)
    table = coarse_nowcast(data, "2020-03").set_index("kind")
    assert table.at["ytd", "period"] == "2020-01..03"
    assert table.at["ytd", "tco2"] == pytest.approx(totals[2020] * 3 / 12)
    assert table.at["month", "tco2"] == pytest.approx(totals[2020] / 12)
    assert list(coarse_nowcast(data, "2020-02")["kind"]) == ["ytd"]  # no January to subtract
