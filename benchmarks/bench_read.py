"""Benchmark: activity files through the input path before any database (read + validate +
account, chunk by chunk with :func:`carbonctl.io.iter_activities`), CSV and XLSX separately.

Goal on the 2-core machine: ≥ 150,000 rows/s for CSV, ≥ 60,000 rows/s for XLSX, peak RSS while
iterating a 1,000,000-row file ≤ 600 MB. Each measurement runs in a fresh process so its peak
RSS is its own. Run: ``python benchmarks/bench_read.py [--rows 200000 1000000] [--dir DIR]``.
Files are generated once into ``--dir`` (XLSX written directly as XML, since openpyxl needs
minutes for a million rows).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from carbonctl.demo.workbooks import write_xlsx as write_workbook

sys.path.insert(0, str(Path(__file__).parent))

#: The input columns written to the files: those of the canonical activity table that
#: bench_accounting's rows fill, without the two the reader derives (row number, year).
DERIVED = ("row_id", "year")


def _frame(n: int):
    from bench_accounting import make_rows
    from carbonctl.io import ACTIVITY_COLUMNS

    rows = make_rows(n)
    frame = rows[[c for c in ACTIVITY_COLUMNS if c in rows.columns and c not in DERIVED]]
    frame["amount"] = frame["amount"].round(3)
    return frame


def generate(folder: Path, n: int) -> dict[str, Path]:
    paths = {"csv": folder / f"activities_{n}.csv", "xlsx": folder / f"activities_{n}.xlsx"}
    if all(p.exists() for p in paths.values()):
        return paths
    frame = _frame(n)
    frame.to_csv(paths["csv"], index=False)
    write_workbook(
        paths["xlsx"],
        list(frame.columns),
        frame.astype(object).where(frame.notna(), None).itertuples(index=False, name=None),
    )
    return paths


def _peak_rss_mib() -> float:
    """This process's peak RSS (VmHWM): ru_maxrss would carry over the parent's peak, which
    survives fork and exec on Linux, and the parent has just generated the files."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(path: str) -> dict[str, float]:
    """Run in a child process: iterate, validate and account the file; report time and RSS."""
    from carbonctl.accounting import account
    from carbonctl.io import iter_activities, validate_activities

    # warm the caches (reference tables, pint) as a running worker has them
    account(validate_activities(_frame(200).astype(str).replace("nan", "")))
    start = time.perf_counter()
    cpu = time.process_time()
    rows = 0
    tco2 = 0.0
    for chunk in iter_activities(path, source=Path(path).name):
        rows += len(chunk)
        tco2 += account(chunk).total_tco2
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu
    return {
        "rows": rows,
        "seconds": seconds,
        "cpu": cpu,
        # CPU time, not wall time: on a shared machine the wall clock counts other work
        "rate": rows / cpu,
        "rss_mib": _peak_rss_mib(),
        "tco2": tco2,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[200_000, 1_000_000])
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "bench_read")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return
    args.dir.mkdir(parents=True, exist_ok=True)
    goals = {"csv": 150_000, "xlsx": 60_000}
    print(
        f"{'file':<28}{'rows':>12}{'wall s':>8}{'CPU s':>8}{'rows/CPU s':>12}{'goal':>8}"
        f"{'peak RSS':>14}"
    )
    for n in args.rows:
        for kind, path in generate(args.dir, n).items():
            output = subprocess.run(
                [sys.executable, __file__, "--measure", str(path)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            result = json.loads(output.strip().splitlines()[-1])
            verdict = "OK" if result["rate"] >= goals[kind] else "MISSED"
            rss = f"{result['rss_mib']:.0f} MiB"
            if n >= 1_000_000:
                rss += " OK" if result["rss_mib"] <= 600 else " MISSED"
            print(
                f"{path.name:<28}{result['rows']:>12,}{result['seconds']:>8.1f}"
                f"{result['cpu']:>8.1f}{result['rate']:>12,.0f}{verdict:>8}{rss:>14}"
            )


if __name__ == "__main__":
    main()
