"""The command line starts fast: ``carbonctl --help`` and the help of every command load none of
the data libraries (pandas, scipy, pandera, pint …), which a command imports when it runs; the
few values the help shows are written out and must agree with the core's."""

from __future__ import annotations

import json
import subprocess
import sys

#: Modules that take seconds to import together; none is needed to show help.
HEAVY = (
    "django",
    "numpy",
    "openscm_units",
    "pandas",
    "pandera",
    "pint",
    "pyarrow",
    "scipy",
    "statsmodels",
)

#: Shows the help of the command and of every sub-command, then prints what was imported
#: (``manage --help`` is Django's own help: that command hands everything to Django).
HELP_OF_EVERY_COMMAND = f"""
import json, sys
import typer
from typer.testing import CliRunner
from carbonctl.cli import app

def paths(command, prefix):
    yield prefix
    for name, sub in getattr(command, "commands", {{}}).items():
        yield from paths(sub, [*prefix, name])

runner = CliRunner()
shown = []
for path in paths(typer.main.get_command(app), []):
    if path == ["manage"]:
        continue
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0, (path, result.output)
    shown.append(" ".join(path))
loaded = sorted(m for m in {HEAVY!r} if m in sys.modules)
print(json.dumps({{"shown": shown, "loaded": loaded}}))
"""


def test_help_of_every_command_loads_no_data_library():
    result = subprocess.run(
        [sys.executable, "-c", HELP_OF_EVERY_COMMAND],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert {"", "account", "allocate", "warn", "electricity backtest", "budget show"} <= set(
        report["shown"]
    )
    assert report["loaded"] == []


def test_values_written_out_for_the_help_are_the_cores():
    from carbonctl import refdata
    from carbonctl.cli.accounting import PROVINCE
    from carbonctl.cli.targets import ALLOCATION_METHODS
    from carbonctl.targets import METHODS

    assert PROVINCE == refdata.PROVINCE
    assert (*(m.cli_name for m in METHODS.values()), "shapley") == ALLOCATION_METHODS
