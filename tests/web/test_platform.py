"""The platform as deployed: production settings pass Django's deployment checks, the test run
uses the database it was given, and `carbonctl serve` answers over HTTP with gunicorn."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from django.db import connection


def test_the_configured_database_is_the_one_in_use():
    url = os.environ.get("CARBONCTL_DATABASE_URL", "")
    expected = "postgresql" if url.startswith("postgres") else "sqlite"
    assert connection.vendor == expected


def _env(tmp_path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CARBONCTL_", "DJANGO_"))}
    env.update(CARBONCTL_DATA_DIR=str(tmp_path), **extra)
    return env


@pytest.mark.own_database
def test_production_settings_pass_check_deploy(tmp_path):
    env = _env(
        tmp_path,
        DJANGO_SETTINGS_MODULE="carbonctl.web.settings",
        CARBONCTL_SECRET_KEY="k" * 20 + "Q7#pZ!vR2@xL9$mN4&bT6^wY8*cH1(jK3)",
        CARBONCTL_ALLOWED_HOSTS="carbon.example.gov.cn",
    )
    done = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr + done.stdout


@pytest.mark.own_database
def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path):
    env = _env(tmp_path, DJANGO_SETTINGS_MODULE="carbonctl.web.settings")
    done = subprocess.run(
        [sys.executable, "-m", "django", "check"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert "CARBONCTL_SECRET_KEY" in done.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.own_database
def test_carbonctl_serve_runs_gunicorn_and_answers(tmp_path):
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "carbonctl", "serve", "--port", str(port), "--workers", "1"],
            # the test settings' plain static storage: the production storage's compression
            # takes a minute of CPU; what it collects is checked in-process below
            env=_env(tmp_path, DJANGO_SETTINGS_MODULE="carbonctl.web.settings_test"),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            body, server_header = _wait_for(
                f"http://127.0.0.1:{port}/api/v1/regions/140000", server
            )
            # its own gunicorn control socket, not one shared by every server of the host
            own_socket = (tmp_path / f"gunicorn-{port}.ctl").is_socket()
        finally:
            _stop(server)
    assert body is not None, "server did not answer:\n" + log.read_text()
    assert "山西省" in body  # Chinese as text, not \\u escapes
    assert json.loads(body)["name_en"] == "Shanxi"
    assert "gunicorn" in server_header
    assert own_socket
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "static" / "carbonctl.css").is_file()  # collectstatic ran


@pytest.mark.own_database  # no database: the same on PostgreSQL
def test_production_static_storage_collects_every_file_hashed_and_compressed(
    tmp_path, settings, monkeypatch
):
    """`carbonctl serve` collects the static files with the production storage (WhiteNoise's
    compressed manifest): every file under a content-hashed name, references inside CSS
    rewritten to those names, and compressed copies beside them. Brotli at its default level
    is left out here (it alone takes a minute of CPU on the vendored libraries); gzip is not."""
    import whitenoise.compress

    from carbonctl.web import settings as production
    from carbonctl.web.runtime import collect_static

    settings.STORAGES = production.STORAGES
    settings.STATIC_ROOT = root = tmp_path / "static"
    settings.WHITENOISE_USE_FINDERS = False
    monkeypatch.setattr(whitenoise.compress, "brotli_installed", False)
    assert collect_static()  # what `carbonctl serve` calls

    paths = json.loads((root / "staticfiles.json").read_text())["paths"]
    for name in ("carbonctl.css", "carbonctl.js", "vendor/echarts/echarts.min.js"):
        hashed = paths[name]
        assert hashed != name and (root / hashed).is_file()
        assert (root / f"{hashed}.gz").is_file()
    # a reference inside a stylesheet points to the hashed name of what it references
    admin_css = (root / paths["admin/css/base.css"]).read_text()
    assert "sorting-icons.svg)" not in admin_css
    assert f'url("../{paths["admin/img/sorting-icons.svg"].removeprefix("admin/")}")' in admin_css
    # the next start finds the same sources collected and skips the minute of compression
    assert not collect_static()
    (root / ".carbonctl-sources").write_text("other sources")
    assert collect_static()


def _stop(server: subprocess.Popen) -> None:
    """SIGTERM (gunicorn's graceful stop), then SIGKILL if a loaded machine keeps it past a
    minute: the server never outlives its test (a leftover process warned in a later one)."""
    server.terminate()
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def _wait_for(url: str, server: subprocess.Popen, seconds: float = 180) -> tuple[str | None, str]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(url) as response:
                return response.read().decode(), response.headers.get("Server", "")
        except OSError:
            time.sleep(0.3)
    return None, ""


@pytest.mark.own_database
def test_createuser_command_creates_a_scoped_user_and_refuses_a_bad_scope(tmp_path):
    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "carbonctl", "createuser", *args, "--password", "pw-1234-abcd"],
            env=_env(tmp_path),
            capture_output=True,
            text=True,
            check=False,
        )

    made = run("taiyuan", "--role", "city_official", "--region", "140100")
    assert made.returncode == 0, made.stderr
    refused = run("wrong", "--role", "city_official", "--region", "140105")
    assert refused.returncode == 2
    assert "region" in refused.stderr
    token = subprocess.run(
        [sys.executable, "-m", "carbonctl", "createtoken", "taiyuan"],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert len(token) >= 40
    unknown = subprocess.run(
        [sys.executable, "-m", "carbonctl", "createtoken", "nobody"],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        check=False,
    )
    assert unknown.returncode == 2 and "nobody" in unknown.stderr
