"""``carbonctl serve``, ``worker``, ``manage``, ``createuser`` and ``createtoken``: the web
platform (平台). They need the ``[web]`` extra."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from carbonctl.cli.common import console, guard, require
from carbonctl.errors import CarbonctlError

app = typer.Typer()


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="gunicorn worker processes.", min=1)] = 2,
) -> None:
    """Serve the web platform with gunicorn (production WSGI server), after migrating; starts
    the import worker beside it."""
    require("web")
    from carbonctl.web.runtime import serve as run_server

    run_server(host, port, workers)


@app.command()
def worker(
    burst: Annotated[
        bool, typer.Option("--burst", help="Run the queued imports, then exit.")
    ] = False,
    poll: Annotated[float, typer.Option(help="Seconds between looks at an empty queue.")] = 1.0,
    parent_pid: Annotated[int | None, typer.Option(hidden=True)] = None,
) -> None:
    """Run the import worker: large uploads queued by the platform are imported here (a loop on
    the database; SIGTERM stops it cleanly). `carbonctl serve` starts one itself."""
    require("web")
    from carbonctl.web.runtime import worker as run_worker

    done = run_worker(burst=burst, poll=poll, parent_pid=parent_pid)
    if burst:
        console.print(f"{done} import job(s) run")


@app.command(
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    add_help_option=False,
)
def manage(context: typer.Context) -> None:
    """Run a Django management command: carbonctl manage migrate, check --deploy, …"""
    require("web")
    from carbonctl.web.runtime import manage as run_manage

    run_manage(context.args)


@app.command()
def createuser(
    username: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[
        str,
        typer.Option(
            help="province_admin, province_analyst, city_official, "
            "county_official, enterprise_reporter, reviewer, public"
        ),
    ],
    region: Annotated[str | None, typer.Option(help="Adcode of the user's city or county.")] = None,
    enterprise: Annotated[
        str | None, typer.Option(help="Credit code of an enterprise reporter's enterprise.")
    ] = None,
    password: Annotated[
        str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)
    ] = "",
) -> None:
    """Create a platform user with a role and scope (audited)."""
    require("web")
    from carbonctl.web.runtime import create_user

    def work() -> None:
        try:
            create_user(username, password, role, region=region, enterprise_code=enterprise)
        except ValueError as exc:  # Django's ValidationError and ours: a bad role or scope
            raise CarbonctlError(str(exc)) from exc

    guard(work)
    console.print(f"user {username} created as {role}")


@app.command()
def createtoken(
    username: Annotated[str, typer.Argument(help="The user the token acts as.")],
    name: Annotated[str, typer.Option(help="A label for the token.")] = "api",
) -> None:
    """Create an API token for a user (printed once; only its hash is stored)."""
    require("web")
    from carbonctl.web.runtime import create_token

    def work() -> str:
        try:
            return create_token(username, name)
        except LookupError as exc:
            raise CarbonctlError(str(exc)) from exc

    sys.stdout.write(guard(work) + "\n")
