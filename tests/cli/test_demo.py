"""`carbonctl demo`: the bundled examples, accounted."""

from __future__ import annotations

import pandas as pd
from typer.testing import CliRunner

from carbonctl.cli import app
from carbonctl.demo import ENTERPRISES, demo_file

runner = CliRunner()


def test_demo_runs_on_the_bundled_examples(data_dir):
    """The demo's 2019 inventory, accounted from its quantities, gives back the CEADs total: the
    computed total line matches the published figure (read from the CEADs file, not printed)."""
    published = pd.read_csv(data_dir / "ceads_shanxi_totals_1998_2022_MtCO2.csv")
    total = published.set_index("year").at[2019, "total_MtCO2"]
    result = runner.invoke(app, ["demo"])
    assert result.exit_code == 0, result.stderr
    assert "示例钢铁公司" in result.stdout
    assert f"total: {total:,.2f} MtCO2" in result.stdout
    assert demo_file(ENTERPRISES).exists()
