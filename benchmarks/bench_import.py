"""Benchmark: activity files of 200,000 and 1,000,000 rows through the platform's import path —
stored, queued, then read, validated, accounted and written by the worker (`carbonctl worker`)
— CSV and XLSX reported separately, on SQLite and on PostgreSQL.

Goals on the 2-core machine: ≥ 50,000 rows/s for CSV and ≥ 20,000 rows/s for XLSX (from the
worker claiming the job to the submission published), worker peak memory ≤ 1 GiB at 1,000,000
rows, and the p95 latency of page requests made during the import ≤ 2× their p95 when idle,
measured in the same run. The worker runs in a process of its own (its peak RSS is its own);
it reads and accounts each file in a helper process whose peak RSS is reported beside it. The
page requests come from a thread of this process (Django's test client, a province
administrator on the submissions page).

Run: ``make bench-import`` or ``python benchmarks/bench_import.py [--rows 200000,1000000]
[--database sqlite|postgres] [--formats csv,xlsx]``. PostgreSQL uses CARBONCTL_DATABASE_URL,
or starts a private server through scripts/with-postgres.sh.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from carbonctl.demo.workbooks import write_xlsx as write_workbook

ROOT = Path(__file__).resolve().parent.parent
KINDS = [
    ("燃料燃烧", "焦炭", "吨"),
    ("燃料燃烧", "烟煤", "万吨"),
    ("燃料燃烧", "天然气", "万立方米"),
    ("燃料燃烧", "柴油", "吨"),
    ("购入电力", "电力", "万千瓦时"),
    ("购入热力", "蒸汽", "GJ"),
]
HEADER = ["主体", "期间", "类别", "品种", "数量", "单位", "地区"]
REGIONS = ["140105", "太原市", "140212", "山西省", ""]
GOALS = {"csv": 50_000, "xlsx": 20_000}


def row(i: int) -> list:
    category, item, unit = KINDS[i % len(KINDS)]
    return [f"企业{i % 5000:04d}", "2023", category, item, (i % 997) + 1, unit, REGIONS[i % 5]]


def write_csv(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write(",".join(HEADER) + "\n")
        for start in range(0, rows, 100_000):
            out.write(
                "".join(
                    ",".join(map(str, row(i))) + "\n"
                    for i in range(start, min(start + 100_000, rows))
                )
            )


def write_xlsx(path: Path, rows: int) -> None:
    write_workbook(path, HEADER, (row(i) for i in range(rows)))


def input_file(folder: Path, kind: str, rows: int) -> Path:
    path = folder / f"activities-{rows}-v2.{kind}"  # v2: cells carry references
    if not path.exists():
        started = time.perf_counter()
        (write_csv if kind == "csv" else write_xlsx)(path, rows)
        print(
            f"  made {path.name} ({path.stat().st_size / 2**20:.0f} MiB) in "
            f"{time.perf_counter() - started:.0f} s",
            flush=True,
        )
    return path


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] if len(values) >= 20 else max(values)


class Pages(threading.Thread):
    """Requests the submissions page as a province administrator until stopped."""

    def __init__(self, user, stop: threading.Event, most: int = 100_000) -> None:
        super().__init__(daemon=True)
        self.user, self.stop, self.most = user, stop, most
        self.times: list[float] = []
        self.failures = 0

    def run(self) -> None:
        from django.db import connection
        from django.test import Client

        client = Client()
        client.force_login(self.user)
        try:
            while not self.stop.is_set() and len(self.times) < self.most:
                started = time.perf_counter()
                status = client.get("/submissions/").status_code
                self.times.append(time.perf_counter() - started)
                self.failures += status != 200
                time.sleep(0.05)
        finally:
            connection.close()


def run_worker_child() -> None:
    """Child mode: the worker until the queue is empty, then its peak RSS on stdout."""
    from carbonctl.web.runtime import worker
    from carbonctl.web.submissions import reading

    worker(burst=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    helpers = reading.helper_peak_rss  # the process that read and accounted the file
    print(json.dumps({"peak_rss": peak, "helper_peak_rss": helpers}))


def bench(database: str, sizes: list[int], formats: list[str], files: Path) -> list[dict]:
    import django

    django.setup()
    from django.core.files import File
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from carbonctl.web.accounts.models import Role
    from carbonctl.web.accounts.services import create_user
    from carbonctl.web.regions.models import Region
    from carbonctl.web.submissions import services
    from carbonctl.web.submissions.models import ImportJob

    admin = create_user(
        f"bench{secrets.token_hex(3)}", secrets.token_urlsafe(16), Role.PROVINCE_ADMIN
    )
    uploader = create_user(
        f"up{secrets.token_hex(3)}", secrets.token_urlsafe(16), Role.PROVINCE_ADMIN
    )
    province = Region.objects.get(adcode="140000")

    stop = threading.Event()
    idle = Pages(admin, stop, most=60)
    idle.start()
    idle.join()
    idle_p95 = p95(idle.times)
    results = []
    for rows in sizes:
        for kind in formats:
            path = input_file(files, kind, rows)
            with path.open("rb") as handle:
                job = services.submit(uploader, File(handle, name=path.name), region=province)
            assert isinstance(job, ImportJob), job
            stop = threading.Event()
            during = Pages(admin, stop)
            during.start()
            child = subprocess.run(
                [sys.executable, __file__, "--run-worker"],
                capture_output=True,
                text=True,
                check=False,
                env=os.environ,
            )
            stop.set()
            during.join()
            job.refresh_from_db()
            if child.returncode != 0 or job.status != "done":
                print(child.stderr[-3000:], job.status, job.message, job.errors[:3])
                raise SystemExit(f"the import of {path.name} failed")
            peaks = json.loads(child.stdout.strip().splitlines()[-1])
            peak, helper_peak = peaks["peak_rss"], peaks["helper_peak_rss"]
            seconds = (job.finished_at - job.started_at).total_seconds()
            result = {
                "database": database,
                "format": kind,
                "rows": rows,
                "seconds": seconds,
                "rows_per_s": rows / seconds,
                "peak_rss_mib": peak / 2**20,
                "helper_peak_rss_mib": helper_peak / 2**20,
                "p95_idle_ms": idle_p95 * 1000,
                "p95_during_ms": p95(during.times) * 1000 if during.times else float("nan"),
                "page_requests": len(during.times),
                "page_failures": during.failures,
            }
            result["p95_ratio"] = result["p95_during_ms"] / result["p95_idle_ms"]
            results.append(result)
            print(
                f"{database:8} {kind:4} {rows:>9,} rows  {seconds:7.1f} s  "
                f"{result['rows_per_s']:>9,.0f} rows/s (goal ≥ {GOALS[kind]:,})  "
                f"worker peak {result['peak_rss_mib']:6.0f} MiB "
                f"(its reader {result['helper_peak_rss_mib']:.0f} MiB)  "
                f"page p95 idle {result['p95_idle_ms']:.0f} ms, during "
                f"{result['p95_during_ms']:.0f} ms (×{result['p95_ratio']:.2f}, goal ≤ 2), "
                f"{len(during.times)} requests, {during.failures} failed",
                flush=True,
            )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", default="200000,1000000")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument(
        "--files", type=Path, default=Path(tempfile.gettempdir()) / "carbonctl-bench"
    )
    parser.add_argument("--run-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run_worker:
        run_worker_child()
        return
    url = os.environ.get("CARBONCTL_DATABASE_URL", "")
    if args.database == "postgres" and not url.startswith("postgres"):
        os.execvp(
            str(ROOT / "scripts" / "with-postgres.sh"),
            [str(ROOT / "scripts" / "with-postgres.sh"), sys.executable, *sys.argv],
        )
    if args.database == "sqlite":
        os.environ.pop("CARBONCTL_DATABASE_URL", None)
    args.files.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="carbonctl-bench-"))
    os.environ["CARBONCTL_DATA_DIR"] = str(work)  # a fresh SQLite file and uploads folder
    # production settings but static files from the apps (no minute of collectstatic)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carbonctl.web.settings_test")
    os.environ.setdefault("CARBONCTL_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("CARBONCTL_ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("CARBONCTL_INSECURE_HTTP", "1")
    sizes = [int(n) for n in args.rows.split(",")]
    formats = [f for f in args.formats.split(",") if f]
    print(f"import benchmark on {args.database}: {sizes} rows, {formats}", flush=True)
    bench(args.database, sizes, formats, args.files)


if __name__ == "__main__":
    main()
