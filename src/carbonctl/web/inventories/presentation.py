"""The region pages' figures as people read them: every key by its name in the user's language
(sectors, fuels, key industries, regions, statuses), emissions in one unit, each matrix cell with
the link to the figures behind it, the trend as chart data, the matrix as Excel rows. Shaping
only: the figures come from :mod:`carbonctl.accounting.matrix` through the services."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from carbonctl import labels as core_labels
from carbonctl import refdata
from carbonctl.accounting.inventory import ceads_sectors
from carbonctl.accounting.matrix import OTHERS, DefaultFactor, KeyIndustryTrend, SectorFuelMatrix
from carbonctl.display import format_quantity, to_display
from carbonctl.web.labels import label, status_text
from carbonctl.web.regions.models import Region

#: The matrix's one unit (万吨 CO2) and its decimals, so small cells do not all read 0.
MATRIX_UNIT, MATRIX_DECIMALS = "万吨", 2
#: Groups of the matrix shown open when the page opens (the largest; the rest collapsed).
OPEN_GROUPS = 3
#: Activity units of inventory cells in words (as stored -> as read).
UNIT_WORDS = {
    "t": _("吨"),
    "万Nm3": _("万标准立方米"),
    "10^4 Nm3": _("万标准立方米"),
    "t cement": _("吨水泥"),
}


def unit_words(unit: object) -> str:
    """An activity unit in words in the user's language (an unknown unit as it is)."""
    return str(UNIT_WORDS.get(str(unit), unit or ""))


def key_industry_name(key: str) -> str:
    if key == OTHERS:
        return gettext("其他")
    if not key:
        return gettext("未归入重点行业")
    return label("key_industry", key)


def key_industry_colour(key: str) -> int:
    """The position of ``key`` in the key-industry registry: the chart palette's index for it
    (static/inventories/palette.js), so a key industry has one colour on every page; -1 for the
    rest (其他)."""
    keys = core_labels.label_table("key_industry").index
    return int(keys.get_loc(key)) if key in keys else -1


def matrix_text(value: float | None) -> str:
    """A matrix figure (tCO2) as the table shows it: 万吨 with two decimals and thousands
    separators, "<0.01" for an emission too small to read so (it is there), "" for none."""
    if value is None:
        return ""
    text = format_quantity(value, MATRIX_UNIT, MATRIX_DECIMALS, grouping=True)
    if value and float(text.replace(",", "")) == 0:
        return "<0.01" if value > 0 else ">-0.01"
    return text


def factor_check(implied: float | None, factor: DefaultFactor | None) -> bool | None:
    """Whether the factor the figures imply (ΣE / ΣAD) is the default factor (within 0.1 %);
    None when either is missing."""
    if implied is None or factor is None or not factor.emission_factor:
        return None
    return abs(implied / factor.emission_factor - 1) < 1e-3


def matrix_page(matrix: SectorFuelMatrix, region: Region, year: int) -> dict:
    """The matrix for the template: fuel columns by name, groups (name, subtotals, open or
    collapsed) with their sectors by name, every non-empty cell with its drill-down link."""
    cells_url = reverse("inventories:cells", args=[region.adcode])

    def link(sector: str, fuel: str) -> str:
        return f"{cells_url}?{urlencode({'year': year, 'sector': sector, 'fuel': fuel})}"

    groups = []
    for number, group in enumerate(matrix.groups):
        sectors = [
            {
                "key": row.sector,
                "name": label("sector_ceads", row.sector),
                "total": matrix_text(row.total),
                "cells": [
                    {
                        "text": matrix_text(value),
                        "url": link(row.sector, fuel) if value is not None else "",
                    }
                    for fuel, value in zip(matrix.fuels, row.values, strict=True)
                ],
            }
            for row in group.sectors
        ]
        groups.append(
            {
                "id": f"group-{number + 1}",
                "key": group.key_industry,
                "name": key_industry_name(group.key_industry),
                "values": [matrix_text(v) for v in group.values],
                "total": matrix_text(group.total),
                "share": group.total / matrix.total if matrix.total else None,
                "open": number < OPEN_GROUPS,
                "sectors": sectors,
            }
        )
    return {
        "fuels": [{"key": f, "name": label("fuel", f)} for f in matrix.fuels],
        "groups": groups,
        "fuel_totals": [matrix_text(v) for v in matrix.fuel_totals],
        "total": matrix_text(matrix.total),
    }


def matrix_sheet(matrix: SectorFuelMatrix) -> tuple[list[str], list[list[object]]]:
    """The matrix as an Excel sheet, the page's layout and names: key industry, sector, one
    column per fuel and the total, each with the unit in its header; a subtotal row above each
    group's sectors, the column totals last. Values in 万吨, unrounded."""
    unit = gettext("万吨")

    def wan(values) -> list[float | None]:
        return [to_display(v, MATRIX_UNIT) for v in values]

    header = [
        gettext("重点行业"),
        gettext("部门"),
        *[f"{label('fuel', f)} ({unit})" for f in matrix.fuels],
        f"{gettext('合计')} ({unit})",
    ]
    rows: list[list[object]] = []
    for group in matrix.groups:
        name = key_industry_name(group.key_industry)
        rows.append([name, gettext("小计"), *wan(group.values), to_display(group.total, "万吨")])
        rows += [
            [name, label("sector_ceads", s.sector), *wan(s.values), to_display(s.total, "万吨")]
            for s in group.sectors
        ]
    rows.append([gettext("合计"), "", *wan(matrix.fuel_totals), to_display(matrix.total, "万吨")])
    return header, rows


def trend_chart(trend: KeyIndustryTrend) -> dict:
    """The stacked trend's data for ECharts: years, one series per key industry (name, palette
    index, 万吨 with one decimal) and the unit; the chart scales nothing."""
    return {
        "years": list(trend.years),
        "series": [
            {
                "name": key_industry_name(s.key),
                "colour": key_industry_colour(s.key),
                "values": [to_display(v, "万吨", 1) for v in s.values],
            }
            for s in trend.series
        ],
        "unit": gettext("万吨"),
    }


def change_words(change: float | None) -> dict | None:
    """A change on the year before as the page words it: direction (up, down, flat) and size."""
    if change is None:
        return None
    direction = "up" if change > 0.0005 else "down" if change < -0.0005 else "flat"
    return {"direction": direction, "size": abs(change)}


def factor_rows(factor: DefaultFactor) -> list[dict]:
    """The parameters of a default factor, each with its unit in words, status (a label) and
    source: NCV, carbon content, oxidation rate and the emission factor they give."""
    activity = unit_words(factor.activity_unit)
    state = refdata.status_label(factor.status) if factor.status else ""
    shown = {
        "status": label("status", state) if state else "",
        "status_key": state.lower().replace(" ", "-"),
        # what the status says besides its label ("(transcription, 2x)"), in the source's words
        "detail": status_text(factor.status.strip()[len(state) :].strip()),
        "source": factor.source,
    }
    if factor.process:
        return [
            {
                "name": gettext("排放因子 EF"),
                "value": factor.emission_factor,
                "decimals": 4,
                "unit": f"tCO2/{activity}",
                **shown,
            }
        ]
    return [
        {
            "name": gettext("低位发热量 NCV"),
            "value": factor.ncv,
            "decimals": 3,
            "unit": f"GJ/{activity}",
            **shown,
        },
        {
            "name": gettext("单位热值含碳量 CC"),
            "value": factor.carbon_content,
            "decimals": 5,
            "unit": "tC/GJ",
            **shown,
        },
        {
            "name": gettext("碳氧化率 OF"),
            "value": factor.oxidation_rate,
            "decimals": 2,
            "unit": "",
            **shown,
        },
        {
            "name": gettext("排放因子 EF = NCV × CC × OF × 44/12"),
            "value": factor.emission_factor,
            "decimals": 4,
            "unit": f"tCO2/{activity}",
            **shown,
        },
    ]


def sector_key_industry(sector: str) -> str:
    """The key industry a CEADs sector belongs to ("" when the layout does not map it)."""
    return str(ceads_sectors().set_index("sector")["key_industry"].get(sector, ""))


def headline_page(headline: dict | None) -> dict:
    """A region's headline figures (:func:`~carbonctl.web.inventories.services.region_headline`)
    with the changes in words and the largest key industry by name, for
    ``inventories/_headline.html``."""
    if headline is None:
        return {"headline": None}
    key = headline["key_industry"]
    return {
        "headline": headline,
        "change": change_words(headline["change"]),
        "intensity_change": change_words(headline["intensity_change"]),
        "key_industry": key_industry_name(key) if key is not None else None,
    }
