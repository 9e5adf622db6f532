"""The bundled Shanxi examples that `make demo` runs: six synthetic enterprises' 2023 activity
data, and a province sector × fuel table for 2019 derived from the CEADs inventory."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from rich.console import Console

ENTERPRISES = "shanxi_enterprises_2023.csv"
INVENTORY = "shanxi_inventory_2019.csv"


def demo_file(name: str) -> Path:
    """Path of a bundled demo file (inside the installed package)."""
    return Path(str(resources.files("carbonctl.demo").joinpath("data", name)))


def run_demo(console: Console) -> None:
    """Account the enterprise example and the 2019 inventory and print readable summaries."""
    from carbonctl.accounting import account
    from carbonctl.accounting.inventory import inventory
    from carbonctl.cli import print_account, print_inventory
    from carbonctl.io import read_activities, read_inventory

    console.rule(
        "[bold]1. Enterprise accounting 企业碳排放核算 (synthetic Shanxi enterprises, 2023)"
    )
    result = account(read_activities(demo_file(ENTERPRISES)))
    print_account(result, None, None)
    console.rule(
        "[bold]2. Regional inventory 区域清单 (Shanxi 2019, quantities derived from CEADs)"
    )
    print_inventory(inventory(read_inventory(demo_file(INVENTORY))), None)
    console.print(
        "CEADs Shanxi 2019 total for comparison: 564.86 MtCO2 (Shan et al., CEADs). "
        "The quantities are back-calculated from that inventory; "
        "see docs/methodology/accounting.md."
    )
