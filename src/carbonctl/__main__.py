"""``python -m carbonctl`` runs the command line."""

from carbonctl.cli import app

app(prog_name="carbonctl")
