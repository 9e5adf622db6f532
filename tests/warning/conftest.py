"""Shared fixtures of the warning tests: a packaged rule's row as stored (all text), to edit."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from carbonctl import refdata
from carbonctl.warning import KINDS, find_rule


@pytest.fixture
def stored() -> Callable[[str], dict[str, str]]:
    """``stored(rule_id)``: the packaged rule's row of its kind's table, as the platform stores
    it (every cell text)."""

    def row(rule_id: str) -> dict[str, str]:
        table = refdata.load_table(KINDS[find_rule(rule_id).kind].table)
        return table.set_index("rule_id", drop=False).loc[rule_id].to_dict()

    return row
