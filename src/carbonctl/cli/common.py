"""What every ``carbonctl`` command shares: the consoles, the bad-input guard (exit code 2), the
options declared once, and the check that an optional extra is installed."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.text import Text

from carbonctl.errors import CarbonctlError

console = Console()
if not console.is_terminal:  # piped or captured output: wide enough for the summary tables
    console.width = max(console.width, 120)
errors = Console(stderr=True)
T = TypeVar("T")

#: Exit code for bad input (the CLI contract): nothing is written.
EXIT_BAD_INPUT = 2

# --- options declared once ------------------------------------------------------------------------

JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]
FactorSet = Annotated[str | None, typer.Option(help="Fuel factor set id.")]
Sheet = Annotated[str | None, typer.Option(help="XLSX sheet (default: the first).")]
Seed = Annotated[int, typer.Option(help="Random seed.")]
DEMO_SEED = 20240101
Database = Annotated[Path | None, typer.Option(help="SQLite file (default: var/).")]
Negative = Annotated[
    str | None, typer.Option(help="Indicators where a higher value is better (less burden): a,b.")
]


def guard(action: Callable[[], T]) -> T:
    """Run ``action``; a carbonctl error becomes a message on stderr and exit code 2."""
    try:
        return action()
    except CarbonctlError as exc:
        fail(str(exc))


def fail(message: str) -> NoReturn:
    """Print ``message`` as an error and leave with the bad-input exit code."""
    # the message is plain text: square brackets in it ([web], [1, 2]) are not markup
    errors.print(
        Text.assemble(("error:", "bold red"), " ", message), highlight=False, soft_wrap=True
    )
    raise typer.Exit(EXIT_BAD_INPUT)


def wan(tonnes: float, unit: str = "万吨") -> str:
    """Tonnes (or tce with ``unit="万吨标准煤"``) shown in 10^4, as officials read them."""
    from carbonctl.display import format_quantity  # pint and pandas: only when printing

    return format_quantity(tonnes, unit, 2, grouping=True)


def names(text: str | None) -> list[str]:
    """``a, b,c`` -> ["a", "b", "c"]."""
    return [name.strip() for name in (text or "").split(",") if name.strip()]


# --- optional extras ------------------------------------------------------------------------------

#: The modules each optional extra of ``pyproject.toml`` brings.
EXTRAS: dict[str, tuple[str, ...]] = {
    "web": ("django", "ninja", "gunicorn", "whitenoise", "dj_database_url"),
    "spark": ("pyspark",),
    "pdf": ("weasyprint", "matplotlib"),
}


def require(extra: str) -> None:
    """Exit 2 with the install command when a module of ``extra`` is not installed."""
    missing = [m for m in EXTRAS[extra] if importlib.util.find_spec(m) is None]
    if missing:
        fail(
            f"this command needs the [{extra}] extra (missing: {', '.join(missing)}); "
            f"install it with: pip install 'carbonctl[{extra}]'"
        )


def use_database(db: Path | None) -> None:
    """Point the platform at the SQLite file ``db`` (when given) before Django starts."""
    require("web")
    if db is not None:
        os.environ["CARBONCTL_DATABASE_URL"] = f"sqlite:///{db.resolve()}"
