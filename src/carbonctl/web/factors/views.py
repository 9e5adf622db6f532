"""Pages over the cited reference data: factor sets, one set's fuel parameters, grid factors,
sector classifications. Every value is shown with its status (in words) and source, every key by
its name in the user's language, and every table exports to Excel with the same headers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from carbonctl import refdata
from carbonctl.errors import UnknownNameError
from carbonctl.labels import SECTOR_KINDS
from carbonctl.web.exports import xlsx_response
from carbonctl.web.forms import ExportQuery, query
from carbonctl.web.labels import bilingual_text, label, status_text


@dataclass(frozen=True)
class Column:
    """A column of a reference table as shown: its key, its header, how a value is shown."""

    key: str
    header: str
    show: Callable[[object], object] = lambda value: value
    #: the column quotes a source in its own words (a citation, a status's detail)
    cite: bool = False


def _labelled(kind: str) -> Callable[[object], str]:
    return lambda value: label(kind, value)


STATUS = Column("status", _("数据状态"), status_text, cite=True)
SOURCE = Column("source", _("来源"), cite=True)
FUEL_COLUMNS = [
    Column("fuel_id", _("能源品种"), _labelled("fuel")),
    Column("unit", _("计量单位")),
    Column("ncv_GJ_per_unit", _("低位发热量 (GJ/单位)")),
    Column("cc_tC_per_GJ", _("单位热值含碳量 (tC/GJ)")),
    Column("oxidation_rate", _("碳氧化率")),
    STATUS,
    Column("note", _("说明"), status_text, cite=True),
    SOURCE,
]
GRID_COLUMNS = [
    Column("factor_id", _("因子编号")),
    Column("data_year", _("数据年份")),
    Column("scope", _("范围"), _labelled("grid_scope")),
    Column("region", _("地区")),
    Column("basis", _("口径"), bilingual_text),
    Column("value_tCO2_per_MWh", _("排放因子 (tCO2/MWh)")),
    STATUS,
    SOURCE,
]
SECTOR_COLUMNS = [
    Column("code", _("代码")),
    Column("level", _("层级"), _labelled("sector_level")),
    Column("name", _("名称")),
    Column("key_industry", _("重点行业"), _labelled("key_industry")),
    Column("ceads_sectors", _("对应CEADs部门")),
    STATUS,
    SOURCE,
]


def _table(request, frame, columns: list[Column], filename, template, context):
    rows = [[c.show(record[c.key]) for c in columns] for record in frame.to_dict(orient="records")]
    headers = [str(c.header) for c in columns]
    if query(request, ExportQuery)["format"] == "xlsx":
        return xlsx_response(filename, filename.split(".")[0][:31], headers, rows)
    statuses = [refdata.status_label(r) for r in frame["status"]]
    cited = [c.cite for c in columns]
    shown = [
        {"cells": list(zip(cells, cited, strict=True)), "label": s}
        for cells, s in zip(rows, statuses, strict=True)
    ]
    return render(request, template, {**context, "columns": headers, "rows": shown})


@login_required
def factor_sets(request):
    sets = [
        {
            **described,
            "status": status_text(described["status"]),
            "fuels": len(refdata.fuel_factors(described["code"])),
        }
        for described in refdata.factor_sets()
    ]
    return render(request, "factors/sets.html", {"sets": sets})


@login_required
def factor_set(request, code: str):
    try:
        frame = refdata.fuel_factors(code).reset_index()
    except UnknownNameError:
        raise Http404 from None
    set_id = frame.attrs.get("factor_set", code)
    return _table(
        request, frame, FUEL_COLUMNS, "fuel-factors.xlsx", "factors/table.html", {"title": set_id}
    )


@login_required
def grid_factors(request):
    frame = refdata.load_table("grid_factors")
    return _table(
        request,
        frame,
        GRID_COLUMNS,
        "grid-factors.xlsx",
        "factors/table.html",
        {"title": _("电网排放因子")},
    )


SCHEMES = {
    "gbt4754_2017": "GB/T 4754-2017",
    "electricity_use": _("全社会用电分类"),
    "ceads": "CEADs",
}


@login_required
def sectors(request, scheme: str = "gbt4754_2017"):
    """A sector classification with each code's mapping to the CEADs sectors and key industry."""
    if scheme not in SCHEMES:
        raise Http404
    table = refdata.sector_scheme(scheme).copy()
    ceads = _labelled("sector_ceads")
    if scheme != "ceads":
        mapped = refdata.map_sectors(list(table["code"]), scheme, "ceads")
        targets = mapped.groupby("from_code")["to_code"].agg(
            lambda codes: "; ".join(ceads(c) for c in codes)
        )
        table["ceads_sectors"] = table["code"].map(targets).fillna("")
    else:
        table["ceads_sectors"] = table["code"].map(ceads)
    table["name"] = table["code"].map(_labelled(SECTOR_KINDS[scheme]))
    return _table(
        request,
        table,
        SECTOR_COLUMNS,
        f"sectors-{scheme}.xlsx",
        "factors/table.html",
        {"title": SCHEMES[scheme], "schemes": SCHEMES},
    )
