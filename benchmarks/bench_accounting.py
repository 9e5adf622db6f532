"""Benchmark: 1,000,000 mixed activity rows through the accounting engine.

Goal on the 2-core machine: ≤ 2 s from an in-memory table to results, ≥ 50× a plain per-row
Python loop measured in the same run, peak memory ≤ 1 GiB. Run: ``make bench`` or
``python benchmarks/bench_accounting.py [--rows N] [--loop-rows N]``.
"""

from __future__ import annotations

import argparse
import functools
import resource
import time

import numpy as np
import pandas as pd

from carbonctl import refdata
from carbonctl.accounting import account
from carbonctl.accounting.combustion import CO2_PER_C
from carbonctl.io import validate_activities
from carbonctl.units import conversion_factor

#: (category, item, unit, extra columns) mixes drawn for each row.
KINDS = [
    ("combustion", "烟煤", "t", {}),
    ("combustion", "烟煤", "万吨", {}),
    ("combustion", "焦炭", "t", {}),
    ("combustion", "天然气", "万Nm3", {}),
    ("combustion", "natural gas", "m3", {}),
    ("combustion", "柴油", "kg", {}),
    ("combustion", "Diesel_Oil", "t", {}),
    ("combustion", "焦炉煤气", "万立方米", {}),
    ("combustion", "原煤", "t", {"ncv": 20.9, "carbon_content": 0.0262, "oxidation_rate": 0.93}),
    ("combustion", "汽油", "GJ", {}),
    ("electricity", "电力", "kWh", {}),
    ("electricity", "电力", "万千瓦时", {}),
    ("electricity", "绿电", "MWh", {}),
    ("heat", "蒸汽", "GJ", {}),
    ("process", "石灰石", "t", {"purity": 0.92}),
    ("process", "熟料", "t", {"cao_fraction": 0.65, "mgo_fraction": 0.02}),
    ("process", "粗钢", "t", {}),
]
REGIONS = ["140100", "140200", "140400", "山西", "北京", "110000", "上海"]
PERIODS = ["2021", "2022", "2023", "2024", "2023-01", "2023-06", "2024-12"]


def make_rows(n: int, seed: int = 7) -> pd.DataFrame:
    """n activity rows in the canonical (validated) layout, deterministic for a seed."""
    rng = np.random.default_rng(seed)
    kind = rng.integers(0, len(KINDS), n)
    frame = pd.DataFrame(
        {
            "row_id": np.arange(2, n + 2),
            "subject": pd.Series(rng.integers(0, 5000, n)).map(lambda i: f"企业{i:04d}"),
            "period": np.array(PERIODS, dtype=object)[rng.integers(0, len(PERIODS), n)],
            "category": np.array([k[0] for k in KINDS], dtype=object)[kind],
            "item": np.array([k[1] for k in KINDS], dtype=object)[kind],
            "amount": rng.gamma(2.0, 500.0, n),
            "unit": np.array([k[2] for k in KINDS], dtype=object)[kind],
            "region": np.array(REGIONS, dtype=object)[rng.integers(0, len(REGIONS), n)],
        }
    )
    frame["year"] = frame["period"].str.slice(0, 4).astype(int)
    for column in (
        "ncv",
        "carbon_content",
        "oxidation_rate",
        "purity",
        "cao_fraction",
        "mgo_fraction",
    ):
        values = np.array([k[3].get(column, np.nan) for k in KINDS])
        frame[column] = values[kind]
    return frame


def per_row_loop(frame: pd.DataFrame, memoise: bool = False) -> list[float]:
    """The baseline: one row at a time in plain Python with the same formulas, calling the public
    look-ups (find_fuel, grid_factor, find_material, conversion_factor) for each row. With
    ``memoise`` those look-ups are cached per distinct key, as a careful loop would do."""
    defaults = refdata.fuel_factors(None)
    heat_factor = refdata.heat_factor()[0]
    find_fuel, grid_factor, find_material = (
        refdata.find_fuel,
        refdata.grid_factor,
        (refdata.find_material),
    )
    if memoise:
        find_fuel, grid_factor, find_material = (
            functools.lru_cache(maxsize=None)(f) for f in (find_fuel, grid_factor, find_material)
        )
    out = []
    for row in frame.itertuples(index=False):
        if row.category == "combustion":
            fuel = find_fuel(row.item)
            params = defaults.loc[fuel.fuel_id] if fuel.fuel_id in defaults.index else None
            try:
                activity = row.amount * conversion_factor(row.unit, fuel.physical_unit)
                ncv = row.ncv if row.ncv == row.ncv else params["ncv_GJ_per_unit"]
                heat = activity * ncv
            except Exception:  # an energy amount
                heat = row.amount * conversion_factor(row.unit, "GJ")
            cc = (
                row.carbon_content
                if row.carbon_content == row.carbon_content
                else (params["cc_tC_per_GJ"])
            )
            of = (
                row.oxidation_rate
                if row.oxidation_rate == row.oxidation_rate
                else (params["oxidation_rate"])
            )
            out.append(heat * cc * of * CO2_PER_C)
        elif row.category == "electricity":
            factor = grid_factor(row.region, row.year, "provincial").value_tco2_per_mwh
            out.append(row.amount * conversion_factor(row.unit, "MWh") * factor)
        elif row.category == "heat":
            out.append(row.amount * conversion_factor(row.unit, "GJ") * heat_factor)
        else:
            material = find_material(row.item)
            if material.method == "clinker":
                factor = row.cao_fraction * 44.01 / 56.08 + row.mgo_fraction * 44.01 / 40.30
            elif material.method == "carbonate":
                factor = (row.purity if row.purity == row.purity else 1.0) * material.factor
            else:
                factor = material.factor
            sign = -1.0 if material.default_direction == "output" else 1.0
            out.append(sign * row.amount * factor)
    return out


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--loop-rows",
        type=int,
        default=5_000,
        help="rows for the plain per-row baseline (10x this for the memoised one)",
    )
    args = parser.parse_args()

    frame = make_rows(args.rows)
    account(frame.head(1000))  # warm caches: reference tables, pint, imports
    rss_before = peak_rss_mib()
    start = time.perf_counter()
    result = account(frame)
    engine_s = time.perf_counter() - start
    rss_peak = peak_rss_mib()

    start = time.perf_counter()
    validated = validate_activities(frame, "benchmark table")
    validate_s = time.perf_counter() - start
    del validated

    sample = frame.head(args.loop_rows)
    start = time.perf_counter()
    looped = per_row_loop(sample)
    loop_s = time.perf_counter() - start
    memo_sample = frame.head(args.loop_rows * 10)
    start = time.perf_counter()
    memoised = per_row_loop(memo_sample, memoise=True)
    memo_s = time.perf_counter() - start
    engine_rate = args.rows / engine_s
    loop_rate = len(sample) / loop_s
    memo_rate = len(memo_sample) / memo_s
    tco2 = result.rows["tco2"].to_numpy()
    check = np.allclose(tco2[: len(sample)], looped, rtol=1e-9) and np.allclose(
        tco2[: len(memo_sample)], memoised, rtol=1e-9
    )

    print(f"rows                            {args.rows:>12,}")
    print(
        f"engine (account)                {engine_s:>12.3f} s   goal <= 2 s   "
        f"{'OK' if engine_s <= 2 else 'MISSED'}"
    )
    print(
        f"validation of the same table    {validate_s:>12.3f} s   (carbonctl.io, not in the goal)"
    )
    print(f"engine rate                     {engine_rate:>12,.0f} rows/s")
    print(f"plain per-row loop              {loop_rate:>12,.0f} rows/s ({len(sample):,} rows)")
    ratio = engine_rate / loop_rate
    print(
        f"speed-up vs plain loop          {ratio:>12.1f} x   goal >= 50x   "
        f"{'OK' if ratio >= 50 else 'MISSED'}"
    )
    print(f"memoised per-row loop           {memo_rate:>12,.0f} rows/s ({len(memo_sample):,} rows)")
    print(f"speed-up vs memoised loop       {engine_rate / memo_rate:>12.1f} x   (for reference)")
    print(
        f"peak RSS (process)              {rss_peak:>12.0f} MiB (before the run: "
        f"{rss_before:.0f})   goal <= 1024 MiB   {'OK' if rss_peak <= 1024 else 'MISSED'}"
    )
    print(f"loops and engine agree          {'yes' if check else 'NO'}")
    print(f"total                           {result.total_tco2 / 1e6:>12.3f} MtCO2")


if __name__ == "__main__":
    main()
