"""Every synthetic generator of carbonctl (合成演示数据) and the bundled Shanxi examples: six
synthetic enterprises' 2023 activity data and a 2019 province sector × fuel table derived from the
CEADs inventory (``demo_file``); ``synthetic`` (regions, inventories, enterprises), ``electricity``
(the monthly history), ``meters`` (meters, readings, dispatch) and ``assessment`` (the demo year).
The core never imports this package; the shells and the tests do."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

ENTERPRISES = "shanxi_enterprises_2023.csv"
INVENTORY = "shanxi_inventory_2019.csv"


def demo_file(name: str) -> Path:
    """Path of a bundled demo file (inside the installed package)."""
    return Path(str(resources.files("carbonctl.demo").joinpath("data", name)))
