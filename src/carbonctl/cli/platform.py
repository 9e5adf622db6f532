"""``carbonctl serve``, ``worker``, ``manage``, ``createuser`` and ``token create|list|revoke``
(``createtoken`` is ``token create``): the web platform (平台). They need the ``[web]`` extra."""

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
            "county_official, enterprise_reporter, reviewer, verifier, public"
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


#: API tokens: ``carbonctl token create|list|revoke``.
token_app = typer.Typer(help="API tokens (API 令牌): create, list, revoke.", no_args_is_help=True)
app.add_typer(token_app, name="token")

Days = Annotated[
    int | None,
    typer.Option(help="Lifetime in days (default CARBONCTL_TOKEN_DAYS, 90).", show_default=False),
]


def _issue(username: str, name: str, days: int | None) -> None:
    require("web")
    from carbonctl.web.runtime import create_token

    def work() -> str:
        try:
            return create_token(username, name, days)
        except (LookupError, ValueError) as exc:
            raise CarbonctlError(str(exc)) from exc

    sys.stdout.write(guard(work) + "\n")


@token_app.command("create")
def token_create(
    username: Annotated[str, typer.Argument(help="The user the token acts as.")],
    name: Annotated[str, typer.Option(help="A label for the token.")] = "api",
    days: Days = None,
) -> None:
    """Create an API token for a user (printed once; only its hash is stored; audited)."""
    _issue(username, name, days)


@token_app.command("list")
def token_list(
    user: Annotated[str | None, typer.Option(help="Only this user's tokens.")] = None,
) -> None:
    """List API tokens: id, user, name, state (active, expired, revoked), dates."""
    require("web")
    from rich.table import Table

    from carbonctl.web.runtime import list_tokens

    def work() -> list[dict]:
        try:
            return list_tokens(user)
        except LookupError as exc:
            raise CarbonctlError(str(exc)) from exc

    rows = guard(work)
    table = Table("id", "user", "name", "state", "created", "expires", "last used")
    for row in rows:
        table.add_row(*(str(value) for value in row.values()))
    console.print(table)


@token_app.command("revoke")
def token_revoke(
    token_id: Annotated[int | None, typer.Argument(help="The token's id (see token list).")] = None,
    user: Annotated[str | None, typer.Option(help="Revoke this user's tokens.")] = None,
    name: Annotated[str | None, typer.Option(help="Only the user's tokens of this name.")] = None,
) -> None:
    """Revoke API tokens by id, or a user's (all, or those of one name); audited."""
    require("web")
    from carbonctl.web.runtime import revoke_token

    def work() -> list[int]:
        if name is not None and user is None:
            raise CarbonctlError("--name needs --user")
        if token_id is None and user is None:
            raise CarbonctlError("say which token: its id, or --user (and --name)")
        try:
            return revoke_token(token_id, username=user, name=name)
        except LookupError as exc:
            raise CarbonctlError(str(exc)) from exc

    revoked = guard(work)
    console.print(f"revoked token {', '.join(map(str, revoked))}")


@app.command()
def createtoken(
    username: Annotated[str, typer.Argument(help="The user the token acts as.")],
    name: Annotated[str, typer.Option(help="A label for the token.")] = "api",
    days: Days = None,
) -> None:
    """Create an API token for a user (the same as: carbonctl token create)."""
    _issue(username, name, days)
