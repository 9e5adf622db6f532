"""A large import never blocks anyone: 200,000 rows of XLSX go through the HTTP API to the worker
that `carbonctl serve` starts, and while it runs a small upload (201), a login and a denied
request (404 and its audit entry) all succeed — on SQLite (WAL, a file of its own) and, in the
PostgreSQL run, on a database of its own on that server.

The server and its worker are real processes, so the database cannot be the test database
(SQLite's is in memory); the test makes its own and reads it directly at the end.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest
import requests

from carbonctl.demo.workbooks import write_xlsx as write_workbook

ROWS = 200_000
PASSWORD = "correct-horse-battery-staple"


ITEMS = [("燃料燃烧", "焦炭", "吨"), ("购入电力", "电力", "万千瓦时"), ("燃料燃烧", "柴油", "吨")]


def write_xlsx(path: Path, rows: int) -> None:
    """An activity workbook of ``rows`` data rows (three kinds of row in turn)."""
    write_workbook(
        path,
        ["主体", "期间", "类别", "品种", "数量", "单位"],
        (
            [f"示例企业{i % 97}", "2023", *ITEMS[i % 3][:2], (i % 500) + 1, ITEMS[i % 3][2]]
            for i in range(rows)
        ),
    )


@pytest.fixture(scope="session")
def big_xlsx() -> Path:
    """The 200,000-row workbook, made once and kept in the temporary folder between runs."""
    folder = Path(tempfile.gettempdir()) / "carbonctl-test-cache"
    folder.mkdir(exist_ok=True)
    path = folder / f"activities-{ROWS}-v3.xlsx"
    if not path.exists():
        partial = folder / f".{secrets.token_hex(4)}.xlsx"
        write_xlsx(partial, ROWS)
        partial.replace(path)  # atomic: parallel test processes never see half a file
    return path


class Database:
    """A database of the test's own, copied from the migrated (and at this point empty) test
    database — migrating a new one would take longer than the test: a SQLite file made with
    SQLite's backup, or a database on the test run's PostgreSQL server made from the test
    database as its template."""

    def __init__(self, folder: Path) -> None:
        from django.db import connection, connections

        server = os.environ.get("CARBONCTL_DATABASE_URL", "")
        self.postgres = server.startswith("postgres")
        if self.postgres:
            import psycopg

            template = connection.settings_dict["NAME"]
            connections.close_all()  # a template database must have no other sessions
            self.name = f"carbonctl_imports_{secrets.token_hex(4)}"
            self.admin_url = server
            with psycopg.connect(server, autocommit=True) as admin:
                admin.execute(f'CREATE DATABASE "{self.name}" TEMPLATE "{template}"')
            self.url = server.rsplit("/", 1)[0] + "/" + self.name
        else:
            import sqlite3

            path = folder / "carbonctl.sqlite3"
            connection.ensure_connection()
            with sqlite3.connect(path) as copy:
                connection.connection.backup(copy)
            self.url = f"sqlite:///{path}"

    def count(self, sql: str) -> int:
        if self.postgres:
            import psycopg

            with psycopg.connect(self.url) as connection:
                return connection.execute(sql).fetchone()[0]
        import sqlite3

        with sqlite3.connect(self.url.removeprefix("sqlite:///")) as connection:
            return connection.execute(sql).fetchone()[0]

    def drop(self) -> None:
        if self.postgres:
            import psycopg

            with psycopg.connect(self.admin_url, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


SETUP = textwrap.dedent(
    """
    import json
    from carbonctl.web import runtime
    runtime.prepare_environment()
    import django
    django.setup()
    from carbonctl.web.accounts.services import create_user
    from carbonctl.web.accounts.tokens import issue_token
    users = {
        "admin": create_user("admin", PASSWORD, "province_admin"),
        "xiaodian": create_user("xiaodian", PASSWORD, "county_official", region="140105"),
        "citizen": create_user("citizen", PASSWORD, "public"),
    }
    print(json.dumps({name: issue_token(user) for name, user in users.items()}))
    """
)


def _niceness_below(root: int) -> dict[str, set[int]]:
    """The niceness of the processes under ``root`` (the server): its gunicorn workers, the
    import worker and the processes the worker started (fork server, reading process)."""
    parents, found = {}, {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue  # ended meanwhile
        pid = int(stat.parent.name)
        parents[pid] = int(fields[1])
        found[pid] = (int(fields[16]), cmdline)  # field 19 of stat: nice

    def under(pid: int, ancestor: int) -> bool:
        while pid in parents and pid != ancestor:
            pid = parents[pid]
        return pid == ancestor

    out: dict[str, set[int]] = {}
    workers = [p for p, (_n, cmd) in found.items() if " worker " in f"{cmd} " and under(p, root)]
    for pid, (nice, _cmd) in found.items():
        if pid == root or not under(pid, root):
            continue
        if pid in workers:
            kind = "worker"
        elif any(under(pid, w) for w in workers):
            kind = "worker's helpers"
        else:
            kind = "gunicorn"
        out.setdefault(kind, set()).add(nice)
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _login(base: str) -> int:
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=60)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = session.post(
        f"{base}/accounts/login/",
        {"username": "xiaodian", "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/accounts/login/"},
        allow_redirects=False,
        timeout=60,
    )
    return answer.status_code


@pytest.fixture(scope="module")
def database(django_db_setup, django_db_blocker, tmp_path_factory):
    """The server's own database, copied before any test transaction is open."""
    with django_db_blocker.unblock():
        made = Database(tmp_path_factory.mktemp("server-db"))
    yield made
    made.drop()


@pytest.mark.django_db  # the test database is the template of the server's own (see Database)
def test_a_large_import_does_not_block_uploads_logins_or_denials(tmp_path, big_xlsx, database):
    import json

    env = {k: v for k, v in os.environ.items() if not k.startswith(("CARBONCTL_", "DJANGO_"))}
    # the test settings: static files from the apps (collectstatic's compression of the
    # production storage takes a minute), fast password hashing, plain HTTP on loopback
    env.update(
        CARBONCTL_DATA_DIR=str(tmp_path),
        CARBONCTL_DATABASE_URL=database.url,
        DJANGO_SETTINGS_MODULE="carbonctl.web.settings_test",
        # small chunks: the import writes (and takes the write lock) many times, so the
        # requests below meet it while it writes
        CARBONCTL_IMPORT_CHUNK_ROWS="5000",
    )
    server = None
    try:
        made = subprocess.run(
            [sys.executable, "-c", f"PASSWORD = {PASSWORD!r}\n" + SETUP],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert made.returncode == 0, made.stderr
        tokens = json.loads(made.stdout.strip().splitlines()[-1])
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        with (tmp_path / "serve.log").open("w") as log:
            server = subprocess.Popen(
                [sys.executable, "-m", "carbonctl", "serve", "--port", str(port), "--workers", "2"],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None and time.monotonic() < deadline, (
                tmp_path / "serve.log"
            ).read_text()
            try:
                requests.get(f"{base}/api/v1/regions/140000", timeout=60)
                break
            except requests.ConnectionError:
                time.sleep(0.3)

        def auth(name: str) -> dict:
            return {"Authorization": f"Bearer {tokens[name]}"}

        with big_xlsx.open("rb") as handle:
            started = requests.post(
                f"{base}/api/v1/submissions",
                files={"file": ("全省活动数据.xlsx", handle)},
                data={"region": "140000"},
                headers=auth("admin"),
                timeout=120,
            )
        assert started.status_code == 202, started.text
        job_url = base + started.json()["url"]

        small = "主体,期间,类别,品种,数量,单位\n示例,2023,燃料燃烧,焦炭,10,吨\n"
        rounds, staging_rounds, seen = [], 0, {}
        niceness: dict[str, set[int]] = {}
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            before = requests.get(job_url, headers=auth("admin"), timeout=60).json()
            if before["status"] in ("done", "failed"):
                seen = before
                break
            uploaded = requests.post(
                f"{base}/api/v1/submissions",
                files={"file": ("small.csv", small.encode())},
                data={"region": "140105"},
                headers=auth("xiaodian"),
                timeout=60,
            )
            logged_in = _login(base)
            denied = requests.get(
                f"{base}/api/v1/submissions/{uploaded.json().get('id', 0)}",
                headers=auth("citizen"),
                timeout=60,
            )
            after = requests.get(job_url, headers=auth("admin"), timeout=60).json()
            rounds.append((uploaded.status_code, logged_in, denied.status_code))
            if before["rows_done"] > 0 and after["status"] == "running":
                staging_rounds += 1  # this round ran while the import wrote its chunks
                niceness.update(_niceness_below(server.pid))
            time.sleep(0.2)
        log_text = (tmp_path / "serve.log").read_text()
        assert seen.get("status") == "done", (seen, log_text[-3000:])
        assert rounds and set(rounds) == {(201, 302, 404)}, (rounds, log_text[-3000:])
        assert staging_rounds >= 1, rounds
        # the web server at normal priority; the worker and its reading processes yield to it
        assert niceness["gunicorn"] == {0} and niceness["worker"] == {10}, niceness
        assert niceness["worker's helpers"] == {10}, niceness
        assert seen["rows_done"] == ROWS
        body = requests.get(
            f"{base}/api/v1/submissions/{seen['submission']}", headers=auth("admin"), timeout=60
        ).json()
        assert (body["rows"], body["status"]) == (ROWS, "pending")
        assert "database is locked" not in log_text and " 500 " not in log_text
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=60)
    assert database.count("SELECT count(*) FROM audit_auditentry WHERE action = 'deny'") == len(
        rounds
    )
    assert database.count("SELECT count(*) FROM submissions_submission") == len(rounds) + 1
