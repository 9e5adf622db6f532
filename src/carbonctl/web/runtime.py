"""Starting the platform: environment defaults, Django set-up, and a gunicorn server.

Used by `carbonctl serve`, `carbonctl manage` and `carbonctl demo build`; keeps those shells thin.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from carbonctl.electricity.model import ModelInputs

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def data_dir() -> Path:
    """Where the SQLite file, the secret key and collected static files live."""
    return Path(os.environ.get("CARBONCTL_DATA_DIR", Path.cwd() / "var")).resolve()


def prepare_environment(host: str | None = None) -> None:
    """Defaults for a local installation: settings module, a persistent secret key kept in the
    data folder (0600), and plain HTTP when serving on loopback only."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carbonctl.web.settings")
    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("CARBONCTL_DATA_DIR", str(folder))
    if not os.environ.get("CARBONCTL_SECRET_KEY"):
        key_file = folder / "secret_key"
        if not key_file.exists():
            key_file.touch(mode=0o600)
            key_file.write_text(secrets.token_urlsafe(50))
        os.environ["CARBONCTL_SECRET_KEY"] = key_file.read_text().strip()
    if host in LOOPBACK:
        # TLS is terminated by a proxy in production; a loopback demo has none.
        os.environ.setdefault("CARBONCTL_INSECURE_HTTP", "1")


def manage(arguments: Sequence[str]) -> None:
    """Run a Django management command (``carbonctl manage migrate`` …)."""
    prepare_environment()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["carbonctl manage", *arguments])


def start_worker() -> subprocess.Popen:
    """``carbonctl worker`` in a process of its own beside the server; it stops by itself when
    this process is gone."""
    return subprocess.Popen(
        [sys.executable, "-m", "carbonctl", "worker", "--parent-pid", str(os.getpid())]
    )


def stop_worker(process: subprocess.Popen, seconds: float = 30) -> None:
    """SIGTERM (the import in progress stops after its chunk and is queued again), then kill."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def worker(*, burst: bool = False, poll: float = 1.0, parent_pid: int | None = None) -> int:
    """Run the import worker (see :mod:`carbonctl.web.submissions.jobs`) until SIGTERM/SIGINT,
    or with ``burst`` until the queue is empty; returns the number of jobs run."""
    prepare_environment()
    import threading

    import django

    django.setup()
    from django.conf import settings

    from carbonctl.web.submissions.jobs import run_worker

    # background work yields the CPU to the web server's requests (inherited by the reading
    # processes: the fork server is started from here)
    wanted, now = min(19, settings.CARBONCTL_WORKER_NICE), os.nice(0)
    if wanted > now:  # (lowering it again would need privileges)
        os.nice(wanted - now)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    return run_worker(burst=burst, poll=poll, stop=stop, parent_pid=parent_pid)


def _static_sources() -> str:
    """A fingerprint of every static file the finders see (path, size, modification time) and
    of the storage that collects them."""
    import hashlib

    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders

    digest = hashlib.sha256(repr(settings.STORAGES.get("staticfiles")).encode())
    for finder in get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            found = os.stat(storage.path(path))
            digest.update(f"{path}\0{found.st_size}\0{found.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def collect_static() -> bool:
    """Collect the static files into STATIC_ROOT unless what is there was collected from the
    same files (the compressed copies take a minute of CPU); True when it collected."""
    from django.conf import settings
    from django.core.management import call_command

    stamp = Path(settings.STATIC_ROOT) / ".carbonctl-sources"
    wanted = _static_sources()
    if stamp.is_file() and stamp.read_text() == wanted:
        return False
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.write_text(wanted)
    return True


def serve(host: str, port: int, workers: int) -> None:
    """Migrate, collect static files and serve with gunicorn (WhiteNoise serves the static),
    with the import worker in a process beside it (stopped with the server)."""
    prepare_environment(host)
    import django
    from django.core.management import call_command
    from gunicorn.app.base import BaseApplication

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    collect_static()

    from carbonctl.web.wsgi import application

    class Server(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"[{host}]:{port}" if ":" in host else f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("accesslog", "-")
            self.cfg.set("timeout", 120)
            # one control socket per server, not gunicorn's shared $HOME/.gunicorn/gunicorn.ctl
            socket = control_socket(port)
            self.cfg.set("control_socket_disable", socket is None)
            if socket is not None:
                self.cfg.set("control_socket", socket)

        def load(self):
            return application

    from django.db import connections

    connections.close_all()  # the worker and gunicorn's processes open their own
    imports = start_worker()
    try:
        Server().run()
    finally:
        stop_worker(imports)


#: The longest path a Unix socket may have (sun_path is 108 bytes on Linux, 104 on BSD/macOS).
UNIX_SOCKET_PATH_MAX = 100


def control_socket(port: int) -> str | None:
    """The gunicorn control socket (for ``gunicornc``) of the server on ``port``: in the data
    folder, so two servers on one host never share one; None (no control socket) when that
    path is too long for a Unix socket."""
    path = str(data_dir() / f"gunicorn-{port}.ctl")
    return path if len(path.encode()) <= UNIX_SOCKET_PATH_MAX else None


def create_user(username: str, password: str, role: str, **scope: str | None) -> None:
    """Create a user on the configured database (migrating it first if needed)."""
    prepare_environment()
    import django
    from django.core.exceptions import ValidationError
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    from carbonctl.web.accounts.services import create_user as create

    try:
        create(username, password, role, **scope)
    except ValidationError as exc:
        fields = getattr(exc, "message_dict", {"": exc.messages})
        raise ValueError(
            "; ".join(
                f"{field}: {' '.join(m)}" if field else " ".join(m) for field, m in fields.items()
            )
        ) from exc


def build_demo(*, if_missing: bool = False, seed: int = 20240101) -> tuple[list, bool]:
    """Migrate and load the synthetic Shanxi demo; returns the demo logins and whether it was
    built now (False: it was already there and ``if_missing``)."""
    prepare_environment()
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    from carbonctl.web import demo

    return demo.build(if_missing=if_missing, seed=seed)


def create_token(username: str, name: str = "api", days: int | None = None) -> str:
    """Issue an API token for an existing user, valid ``days`` (default from the settings);
    raises LookupError for an unknown user, ValueError for a lifetime out of range."""
    prepare_environment()
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    from carbonctl.web.accounts.tokens import issue_token

    return issue_token(_user(username), name, days=days)


def list_tokens(username: str | None = None) -> list[dict]:
    """The API tokens (of ``username``, or all), oldest first: id, user, name, state, created,
    expires, last used (local times, minutes)."""
    prepare_environment()
    import django

    django.setup()
    from django.utils import timezone

    from carbonctl.web.accounts.models import ApiToken

    tokens = ApiToken.objects.select_related("user").order_by("created_at", "pk")
    if username is not None:
        tokens = tokens.filter(user=_user(username))
    now = timezone.now()

    def when(moment) -> str:
        return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else ""

    return [
        {
            "id": token.pk,
            "user": token.user.get_username(),
            "name": token.name,
            "state": token.state(now),
            "created": when(token.created_at),
            "expires": when(token.expires_at),
            "last_used": when(token.last_used_at),
        }
        for token in tokens
    ]


def revoke_token(
    token_id: int | None = None, *, username: str | None = None, name: str | None = None
) -> list[int]:
    """Revoke a token by id, or a user's tokens (those named ``name``, or all); audited.
    Returns the ids revoked now; LookupError when nothing matches."""
    prepare_environment()
    import django

    django.setup()
    from carbonctl.web.accounts.models import ApiToken
    from carbonctl.web.accounts.tokens import revoke_tokens

    tokens = ApiToken.objects.select_related("user").filter(revoked_at__isnull=True)
    if token_id is not None:
        tokens = tokens.filter(pk=token_id)
    if username is not None:
        tokens = tokens.filter(user=_user(username))
    if name is not None:
        tokens = tokens.filter(name=name)
    revoked = revoke_tokens(tokens.order_by("pk"))
    if not revoked:
        raise LookupError("no unrevoked token matches " + _described(token_id, username, name))
    return [token.pk for token in revoked]


def _described(token_id: int | None, username: str | None, name: str | None) -> str:
    parts = [
        f"{label} {value!r}"
        for label, value in (("id", token_id), ("user", username), ("name", name))
        if value is not None
    ]
    return ", ".join(parts)


def _user(username: str):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise LookupError(f"no user {username!r}")
    return user


def publish_electricity(
    inputs: ModelInputs,
    year: int,
    *,
    source: str,
    last_month: int = 12,
    days: pd.DataFrame | None = None,
    generation_days: pd.DataFrame | None = None,
    username: str | None = None,
) -> tuple[int, int]:
    """Assess ``year`` on a province's tables (``inputs``, read from ``source``) and save it as
    the platform's current electricity–carbon assessment; returns its id and the number of
    bulletins. ``days`` and ``generation_days`` are the pipeline's daily tables, when given."""
    prepare_environment()
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    from django.contrib.auth import get_user_model

    from carbonctl.web.electricity.services import publish

    user = None
    if username is not None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise LookupError(f"no user {username!r}")
    if days is not None:
        days = days.astype({"kwh": float, "n_readings": int, "n_flagged": int})
    if generation_days is not None:
        generation_days = generation_days.astype({"mwh": float})
    saved = publish(
        inputs,
        year,
        last_month=last_month,
        day_table=days,
        generation_day=generation_days,
        user=user,
        label=f"电碳评估 {year} (electricity–carbon assessment) from {source}",
        source=source,
    )
    return saved.pk, saved.bulletins.count()


def _setup_platform() -> None:
    prepare_environment()
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)


def _user_or_none(username: str | None):
    if username is None:
        return None
    return _user(username)


def platform_warnings(
    year: int, month: int | None = None, *, publish: bool = False, username: str | None = None
) -> tuple[list[dict], dict | None]:
    """Every active warning rule over the platform's data for ``year`` (to ``month``): the
    warnings as JSON records, and with ``publish`` the stored run's counts (warnings stored,
    users notified in the platform and by e-mail)."""
    _setup_platform()
    from carbonctl.web.warnings import services

    user = _user_or_none(username)
    found = services.evaluate(year, month)
    run = services.publish(found, year=year, month=month, user=user) if publish else None
    return [f.as_dict() for f in found], (None if run is None else {"run": run.pk, **run.counts})


def platform_budget_show(region: str, year: int | None) -> dict:
    """``budget show`` over the platform's ledger and monthly data; ``year`` None = the current
    year (the latest with monthly data)."""
    _setup_platform()
    from carbonctl.errors import InputError
    from carbonctl.web.budget import services

    if year is None:
        year = services.current_year()
        if year is None:
            raise InputError("the platform has no monthly data", column="year", expected="--year")
    return dict(services.show(region, year))


def platform_budget_update(*, plan: str | None, year: int | None, username: str) -> dict[str, int]:
    """Record budgets (of ``plan``) and actuals (of ``year``) derived from the platform's
    targets, inventories, GDP and monthly estimates, as entries by ``username``."""
    _setup_platform()
    from carbonctl.web.budget import services

    user = _user(username)
    written = {"budget": 0, "actual": 0}
    if plan is not None:
        entries = services.derive_budgets(plan)
        written["budget"] = services.append_many(user, entries, summary=f"budgets of {plan}")
    if year is not None:
        entries = services.derive_actuals(year)
        written["actual"] = services.append_many(user, entries, summary=f"actuals of {year}")
    return written
