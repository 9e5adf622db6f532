"""Reading a project file from disk (项目申报文件读取): JSON or the Excel template, then the
validation of :mod:`carbonctl.projects.filing`."""

from __future__ import annotations

import json
from pathlib import Path

from carbonctl.errors import InputError
from carbonctl.projects.filing import ProjectFiling, build_filing, filing_from_mapping
from carbonctl.projects.workbook import read_workbook

__all__ = ["read_project"]


def read_project(path: str | Path) -> ProjectFiling:
    """Read and validate a project file: ``.json``, or ``.xlsx`` in the layout of
    :func:`carbonctl.projects.workbook.write_template`."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InputError("file not found", file=str(path)) from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            where = getattr(exc, "lineno", None)
            raise InputError(
                f"not valid JSON: {exc}", file=str(path), row=where, expected="a JSON object"
            ) from None
        return filing_from_mapping(data, str(path))
    if suffix in (".xlsx", ".xlsm"):
        return build_filing(read_workbook(path))
    raise InputError(
        f"unsupported file type {suffix or '(none)'!r}",
        file=str(path),
        expected="a .json or .xlsx project file",
    )
