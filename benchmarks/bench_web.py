"""Benchmark: 20 concurrent clients on the home page (the province's, for the analyst) and the
inventory API for 30 s.

Goal on the 2-core machine: p95 ≤ 150 ms, zero errors. Serves the demo database with gunicorn
(`carbonctl serve`) on loopback; builds the demo database first when --db does not exist. Prints
p50/p95/p99 and requests/s, and the same figures for one client measured in the same run as the
baseline. Run: ``make bench-web`` or ``python benchmarks/bench_web.py [--seconds 30]``.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

CITIES = [
    "140100",
    "140200",
    "140300",
    "140400",
    "140500",
    "140600",
    "140700",
    "140800",
    "140900",
    "141000",
    "141100",
]
USER, PASSWORD = "analyst", "demo-analyst-2024"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    """One keep-alive HTTP client logged in with a session cookie."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.connection.port}{path}"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, content

    def login(self) -> None:
        status, page = self.request("GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        form = urlencode({"username": USER, "password": PASSWORD, "csrfmiddlewaretoken": token})
        status, _ = self.request("POST", "/accounts/login/", form)
        if status != 302:
            raise SystemExit(f"login failed with {status}")


def paths(i: int) -> str:
    """Alternate the home page and the inventory API over cities and years."""
    if i % 2 == 0:
        return f"/?year={2015 + i % 11}"
    return f"/api/v1/inventories/{CITIES[i % len(CITIES)]}?year={2015 + (i // 2) % 11}"


def run_clients(port: int, clients: int, seconds: float) -> tuple[list[float], int, float]:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def work(number: int) -> None:
        client = Client(port)
        client.login()
        i = number
        mine: list[float] = []
        bad = 0
        while time.monotonic() < stop:
            start = time.perf_counter()
            try:
                status, _ = client.request("GET", paths(i))
            except OSError:
                status = 0
                client = Client(port)
                client.login()
            mine.append(time.perf_counter() - start)
            bad += status != 200
            i += 1
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=work, args=(n,)) for n in range(clients)]
    begin = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors[0], time.monotonic() - begin


def describe(label: str, latencies: list[float], errors: int, elapsed: float) -> dict:
    ms = sorted(x * 1000 for x in latencies)
    q = statistics.quantiles(ms, n=100)
    figures = {"p50": q[49], "p95": q[94], "p99": q[98], "rps": len(ms) / elapsed}
    print(
        f"{label:<24} requests {len(ms):>7,}  errors {errors:>3}  "
        f"p50 {figures['p50']:7.1f} ms  p95 {figures['p95']:7.1f} ms  "
        f"p99 {figures['p99']:7.1f} ms  {figures['rps']:8.1f} req/s"
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--data-dir", type=Path, default=Path("var/bench"))
    args = parser.parse_args()

    env = {**os.environ, "CARBONCTL_DATA_DIR": str(args.data_dir.resolve())}
    env.pop("CARBONCTL_DATABASE_URL", None)
    carbonctl = [sys.executable, "-m", "carbonctl"]
    subprocess.run(
        [*carbonctl, "demo", "build", "--if-missing"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    port = free_port()
    server = subprocess.Popen(
        [*carbonctl, "serve", "--port", str(port), "--workers", str(args.workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                Client(port).request("GET", "/accounts/login/")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("server did not start") from None
                time.sleep(0.3)
        run_clients(port, 4, 3)  # warm every worker
        print(
            f"gunicorn {args.workers} workers on 127.0.0.1:{port}, demo database in "
            f"{args.data_dir}; {args.seconds:.0f} s per run"
        )
        single = describe("baseline: 1 client", *run_clients(port, 1, min(args.seconds, 10)))
        loaded = describe(f"{args.clients} clients", *run_clients(port, args.clients, args.seconds))
        print(
            f"p95 under load / baseline p95: {loaded['p95'] / single['p95']:.1f}x   "
            f"goal p95 <= 150 ms: {'OK' if loaded['p95'] <= 150 else 'MISSED'}"
        )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
