"""The Excel template of a project file (项目申报模板): the same fields as the JSON file on four
sheets (project, products, activities, baseline) and a guide sheet, written with openpyxl and read
back through :func:`carbonctl.io.read_table` so messages name the sheet, row and column."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from carbonctl import refdata
from carbonctl.errors import InputError, InputErrors
from carbonctl.io import read_table
from carbonctl.projects.filing import (
    ACTIVITY_FIELDS,
    FIELDS,
    PRODUCT_FIELDS,
    REPLACEMENT_FIELDS,
    RawFiling,
)

__all__ = ["SHEETS", "read_workbook", "write_template"]

#: Sheet name -> what it holds.
SHEETS = {
    "project": "项目基本信息 the project's fields (field | value)",
    "products": "产品及能效 products, capacity and design specific energy",
    "activities": "项目能源消费和排放活动 activity rows of the project (account layout)",
    "baseline": "改造前基准 activity rows before a retrofit (retrofit only)",
    "guide": "填写说明 what each field expects",
}
#: Scalar fields of the project sheet, in order (capacity replacement as three rows).
PROJECT_ROWS = (
    "name",
    "owner",
    "region",
    "industry",
    "kind",
    "year",
    "coal_rate_gce_per_kwh",
    "value_added_10k_cny",
    "operating_share",
    *(f"capacity_replacement.{k}" for k in REPLACEMENT_FIELDS),
)
_ACTIVITY_HELP = {
    "category": "combustion, process, electricity or heat (燃料燃烧, 工业过程, 购入电力, 购入热力)",
    "item": "a fuel, a process material, 电力/绿电 or 热力/蒸汽",
    "amount": "a number ≥ 0 per year",
    "unit": "t, 万t, 万Nm3, kWh, 万kWh, GJ …",
    "region": "optional: the region of the electricity (default: the project's)",
    "raw_material": "true for energy used as feedstock (原料用能)",
}
_HEADER = Font(bold=True)
_FILL = PatternFill("solid", fgColor="DDEBF7")


def _header(sheet, names: list[str]) -> None:
    sheet.append(names)
    for cell in sheet[1]:
        cell.font = _HEADER
        cell.fill = _FILL
    for index, name in enumerate(names, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(name) + 4)


def write_template(path: str | Path, data: Mapping[str, object] | None = None) -> Path:
    """Write the Excel template to ``path``; with ``data`` (a project file as a mapping, e.g. a
    parsed JSON file) its values are filled in, so the workbook files the same project."""
    data = data or {}
    book = Workbook()
    project = book.active
    project.title = "project"
    _header(project, ["field", "value", "说明 expected"])
    replacement = data.get("capacity_replacement") or {}
    for name in PROJECT_ROWS:
        head, _, sub = name.partition(".")
        value = replacement.get(sub) if sub and isinstance(replacement, Mapping) else data.get(name)
        expected = REPLACEMENT_FIELDS[sub] if sub else FIELDS[head]
        project.append([name, value, expected])
    project.column_dimensions["B"].width = 40
    project.column_dimensions["C"].width = 80

    products = book.create_sheet("products")
    _header(products, list(PRODUCT_FIELDS))
    for item in data.get("products") or []:
        products.append([item.get(k) for k in PRODUCT_FIELDS])
    for what in ("activities", "baseline"):
        sheet = book.create_sheet(what)
        _header(sheet, list(ACTIVITY_FIELDS))
        for row in data.get(what) or []:
            sheet.append([row.get(k) for k in ACTIVITY_FIELDS])

    guide = book.create_sheet("guide")
    _header(guide, ["sheet", "field", "说明 expected"])
    for name, what in SHEETS.items():
        guide.append([name, "", what])
    for name in PROJECT_ROWS:
        head, _, sub = name.partition(".")
        guide.append(["project", name, REPLACEMENT_FIELDS[sub] if sub else FIELDS[head]])
    for name, what in PRODUCT_FIELDS.items():
        guide.append(["products", name, what])
    for name in ACTIVITY_FIELDS:
        guide.append(
            ["activities / baseline", name, _ACTIVITY_HELP.get(name, "optional measured value")]
        )
    guide.column_dimensions["C"].width = 90
    target = Path(path)
    book.save(target)
    return target


def _sheet(path: Path, name: str) -> pd.DataFrame:
    return read_table(path, sheet=name, source=f"{path} [{name}]")


def read_workbook(path: str | Path) -> RawFiling:
    """Read a filled-in template into a :class:`RawFiling` (validated by ``build_filing``)."""
    path = Path(path)
    project = _sheet(path, "project")
    if project.shape[1] < 2:
        raise InputErrors(
            [
                InputError(
                    "the project sheet needs a field and a value column",
                    file=f"{path} [project]",
                    row=1,
                    expected="columns field | value",
                )
            ]
        )
    fields: dict[str, object] = {}
    replacement: dict[str, object] = {}
    rows_of: dict[str, int] = {}
    for row, (key, value) in zip(
        project.index, project.iloc[:, :2].itertuples(index=False), strict=True
    ):
        name = "" if key is None or pd.isna(key) else str(key).strip()
        if not name:
            continue
        rows_of[name] = int(row)
        value = None if value is None or pd.isna(value) or not str(value).strip() else value
        head, _, sub = name.partition(".")
        if head == "capacity_replacement" and sub:
            if value is not None:
                replacement[sub] = value
        else:
            fields[name] = value
    if replacement:
        fields["capacity_replacement"] = replacement
        rows_of.setdefault(
            "capacity_replacement", min(rows_of[f"capacity_replacement.{k}"] for k in replacement)
        )

    products = _sheet(path, "products")
    product_rows = products.index.to_numpy(dtype=np.int64)
    items = [
        {
            str(k): (None if v is None or pd.isna(v) or not str(v).strip() else v)
            for k, v in record.items()
            if k is not None and not pd.isna(k) and refdata.normalise_name(k)
        }
        for record in products.to_dict("records")
    ]

    def tables(name: str) -> tuple[pd.DataFrame, np.ndarray, str] | None:
        frame = _sheet(path, name)
        if frame.empty:
            return None
        return frame, frame.index.to_numpy(dtype=np.int64), f"{path} [{name}]"

    def locate(name: str, index: int | None) -> dict[str, object]:
        head, _, rest = name.partition(".")
        if head == "products":
            row = int(product_rows[index]) if index is not None else None
            return {"file": f"{path} [products]", "row": row, "column": rest or None}
        if head in ("activities", "baseline"):
            return {"file": f"{path} [{head}]"}
        if head == "file":
            return {"file": f"{path} [project]", "column": "field"}
        key = name if name in rows_of else head
        return {"file": f"{path} [project]", "row": rows_of.get(key), "column": name}

    return RawFiling(
        fields=fields,
        products=items,
        activities=tables("activities"),
        baseline=tables("baseline"),
        locate=locate,
        source=str(path),
    )
