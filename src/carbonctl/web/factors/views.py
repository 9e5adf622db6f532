"""Pages over the cited reference data: factor sets, one set's fuel parameters, grid factors.
Every value is shown with its status label and source, and every table exports to Excel."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from carbonctl import refdata
from carbonctl.errors import UnknownNameError
from carbonctl.web.exports import xlsx_response
from carbonctl.web.forms import ExportQuery, query

FUEL_COLUMNS = refdata.FUEL_FACTOR_COLUMNS
GRID_COLUMNS = [
    "factor_id",
    "data_year",
    "scope",
    "region",
    "basis",
    "value_tCO2_per_MWh",
    "status",
    "source",
]


def _table(request, frame, columns, filename, template, context):
    rows = frame[columns].to_dict(orient="records")
    if query(request, ExportQuery)["format"] == "xlsx":
        return xlsx_response(
            filename, filename.split(".")[0][:31], columns, [[r[c] for c in columns] for r in rows]
        )
    shown = [
        {"cells": [r[c] for c in columns], "label": refdata.status_label(r["status"])} for r in rows
    ]
    return render(request, template, {**context, "columns": columns, "rows": shown})


@login_required
def factor_sets(request):
    sets = [
        {**described, "fuels": len(refdata.fuel_factors(described["code"]))}
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
    if scheme != "ceads":
        mapped = refdata.map_sectors(list(table["code"]), scheme, "ceads")
        targets = mapped.groupby("from_code")["to_code"].agg(lambda codes: "; ".join(codes))
        table["ceads_sectors"] = table["code"].map(targets).fillna("")
    else:
        table["ceads_sectors"] = table["code"]
    columns = [
        "code",
        "level",
        "name_zh",
        "name_en",
        "key_industry",
        "ceads_sectors",
        "status",
        "source",
    ]
    return _table(
        request,
        table,
        columns,
        f"sectors-{scheme}.xlsx",
        "factors/table.html",
        {"title": SCHEMES[scheme], "schemes": SCHEMES},
    )
