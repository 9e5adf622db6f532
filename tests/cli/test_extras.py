"""The base install is the core and its command line: with none of the extras' packages
importable, every core module loads and the core commands run, and a command that needs an extra
names it and exits 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import carbonctl
from carbonctl.cli.common import EXTRAS
from carbonctl.demo import ENTERPRISES, demo_file

#: What the extras bring (web, spark, pdf) and the test tools: none may be needed by the core.
ABSENT = sorted({m for modules in EXTRAS.values() for m in modules} | {"psycopg", "playwright"})
SOURCE = Path(carbonctl.__file__).parent


AGGREGATE = ("electricity", "aggregate", "r.parquet", "--meters", "m.csv", "--out", "o")


def run_without_extras(code: str) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter in which the extras' packages cannot be imported."""
    blocker = f"import sys\nfor name in {ABSENT!r}:\n    sys.modules[name] = None\n"
    return subprocess.run(
        [sys.executable, "-c", blocker + code],
        capture_output=True,
        text=True,
        timeout=300,
    )


def cli(*args: str) -> subprocess.CompletedProcess:
    return run_without_extras(
        f"from carbonctl.cli import app\nsys.argv = ['carbonctl', *{list(args)!r}]\napp()"
    )


def core_modules() -> list[str]:
    modules = []
    for path in sorted(SOURCE.rglob("*.py")):
        parts = path.relative_to(SOURCE.parent).with_suffix("").parts
        if parts[1] in {"web", "__main__"}:
            continue
        modules.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return modules


def test_the_blocker_blocks():
    result = run_without_extras("import django")
    assert result.returncode != 0 and "django" in result.stderr


def test_every_core_demo_and_cli_module_imports_without_the_extras():
    modules = core_modules()
    assert "carbonctl.electricity.pipeline" in modules and "carbonctl.cli.electricity" in modules
    result = run_without_extras("".join(f"import {m}\n" for m in modules))
    assert result.returncode == 0, result.stderr


def test_accounting_runs_on_the_base_install():
    result = cli("account", str(demo_file(ENTERPRISES)), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["total_tco2"] > 0


@pytest.mark.parametrize(
    ("args", "extra"),
    [
        (("serve",), "web"),
        (("createtoken", "someone"), "web"),
        (("demo", "build", "--db", "/nonexistent/demo.sqlite3"), "web"),
        ((*AGGREGATE,), None),
        ((*AGGREGATE, "--engine", "spark"), "spark"),
    ],
)
def test_a_command_that_needs_a_missing_extra_names_it(args, extra):
    result = cli(*args)
    if extra is None:  # DuckDB is in the base install: the command runs and fails on the input
        assert result.returncode == 2 and "carbonctl[" not in result.stderr
        return
    assert result.returncode == 2, result.stderr
    assert f"pip install 'carbonctl[{extra}]'" in " ".join(result.stderr.split())
