"""Fixtures for the input-layer tests: write small CSV and XLSX files into ``tmp_path``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import openpyxl
import pytest

from carbonctl.errors import InputErrors

HEADER = ["subject", "period", "category", "item", "amount", "unit"]


def csv_text(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """CSV text; cells are written as given (quote a cell holding a comma yourself)."""
    lines = [",".join(header), *(",".join("" if c is None else str(c) for c in r) for r in rows)]
    return "\n".join(lines) + "\n"


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    def write(
        rows: Sequence[Sequence[object]],
        header: Sequence[str] = HEADER,
        name: str = "activities.csv",
        encoding: str = "utf-8",
    ) -> Path:
        path = tmp_path / name
        path.write_bytes(csv_text(header, rows).encode(encoding))
        return path

    return write


@pytest.fixture
def write_xlsx(tmp_path: Path) -> Callable[..., Path]:
    def write(sheets: dict[str, list[list[object]]], name: str = "activities.xlsx") -> Path:
        book = openpyxl.Workbook()
        book.remove(book.active)
        for title, rows in sheets.items():
            sheet = book.create_sheet(title)
            for row in rows:
                sheet.append(row)
        path = tmp_path / name
        book.save(path)
        return path

    return write


@pytest.fixture
def errors_of() -> Callable[[Callable[[], object]], InputErrors]:
    """Run a call that must raise InputErrors and return them."""

    def run(call: Callable[[], object]) -> InputErrors:
        with pytest.raises(InputErrors) as caught:
            call()
        return caught.value

    return run
