"""Queries behind the overview and region pages, and the roll-up of county cells into totals."""

from __future__ import annotations

import hashlib

import pandas as pd
from django.core.cache import cache
from django.db import transaction
from django.db.models import Max, Sum

from carbonctl import refdata
from carbonctl.accounting.matrix import (
    Breakdown,
    DefaultFactor,
    KeyIndustryTrend,
    SectorFuelMatrix,
    breakdown,
    default_factor,
    key_industry_trend,
    sector_fuel_matrix,
)
from carbonctl.display import to_display
from carbonctl.errors import UnknownNameError
from carbonctl.indicators.intensity import co2_intensity, year_on_year_change
from carbonctl.web.inventories.models import (
    Dataset,
    InventoryCell,
    MacroFigure,
    RegionCell,
    RegionTotal,
)
from carbonctl.web.regions.models import Region


def current_dataset() -> Dataset | None:
    """The dataset pages show: the most recently loaded one."""
    return Dataset.objects.order_by("-pk").first()


def latest_year(dataset: Dataset) -> int | None:
    return RegionTotal.objects.filter(dataset=dataset).aggregate(y=Max("year"))["y"]


def rebuild_totals(dataset: Dataset) -> int:
    """Sum county cells into totals by key industry (county, city, province) and into city and
    province sector × fuel cells (:func:`carbonctl.refdata.roll_up`), in one transaction.
    Returns the number of totals."""
    cells = pd.DataFrame.from_records(
        InventoryCell.objects.filter(dataset=dataset)
        .values_list("region_id", "year", "key_industry", "sector", "fuel")
        .annotate(t=Sum("tco2"))
        .order_by(),
        columns=["county", "year", "key_industry", "sector", "fuel", "tco2"],
    )
    totals = refdata.roll_up(cells, by=["year", "key_industry"], values=["tco2"])
    matrix = refdata.roll_up(
        cells, by=["year", "sector", "fuel"], values=["tco2"], levels=("city", "province")
    )
    with transaction.atomic():
        RegionTotal.objects.filter(dataset=dataset).delete()
        RegionTotal.objects.bulk_create(
            [
                RegionTotal(
                    dataset=dataset,
                    region_id=r.region,
                    year=r.year,
                    key_industry=r.key_industry,
                    tco2=r.tco2,
                )
                for r in totals.itertuples(index=False)
            ],
            batch_size=2000,
        )
        RegionCell.objects.filter(dataset=dataset).delete()
        RegionCell.objects.bulk_create(
            [
                RegionCell(
                    dataset=dataset,
                    region_id=r.region,
                    year=r.year,
                    sector=r.sector,
                    fuel=r.fuel,
                    tco2=r.tco2,
                )
                for r in matrix.itertuples(index=False)
            ],
            batch_size=2000,
        )
    return len(totals)


def _totals(dataset: Dataset, **filters) -> dict:
    return dict(
        RegionTotal.objects.filter(dataset=dataset, **filters)
        .values_list("region_id", "year")
        .annotate(t=Sum("tco2"))
        .values_list("region_id", "t")
    )


def overview(dataset: Dataset, year: int, regions, focus: Region | None = None) -> dict:
    """The overview of ``focus`` (the province when None) for a user who may see ``regions``
    (a queryset): its total and intensity in ``year``, its trend and its split by key industry,
    the visible cities (total and intensity), and — when the focus is a city or county — the
    province's total and average for comparison (``comparison``; the rule of
    :mod:`carbonctl.web.accounts.aggregates`). The caller decides the focus by that rule
    (:func:`carbonctl.web.accounts.scope.overview_focus`).

    Cached per dataset, year, focus and set of visible regions: a dataset's figures do not change
    after loading (a new load is a new dataset)."""
    focus_code = focus.adcode if focus is not None else refdata.PROVINCE
    visible = frozenset(regions.values_list("adcode", flat=True))
    # a digest of the visible set, not hash(): a collision would show one user another's scope
    scope = hashlib.sha256(",".join(sorted(visible)).encode()).hexdigest()
    key = f"overview:{dataset.pk}:{dataset.loaded_at.timestamp()}:{year}:{focus_code}:{scope}"
    cached = cache.get(key)
    if cached is None:
        cached = _overview(dataset, year, visible, focus_code)
        cache.set(key, cached, timeout=3600)
    return cached


def _overview(
    dataset: Dataset, year: int, visible: frozenset[str], focus: str = refdata.PROVINCE
) -> dict:
    region = Region.objects.get(adcode=focus)
    gdp = {
        (m.region_id, m.year): m
        for m in MacroFigure.objects.filter(dataset=dataset, region__level__in=["province", "city"])
        | MacroFigure.objects.filter(dataset=dataset, region_id=focus)
    }

    def intensity(region: str, y: int, tco2: float) -> float | None:
        return _intensity(tco2, gdp.get((region, y)))

    def trend_of(adcode: str) -> list[dict]:
        rows = (
            RegionTotal.objects.filter(dataset=dataset, region_id=adcode)
            .values("year")
            .annotate(t=Sum("tco2"))
            .order_by("year")
        )
        return [
            {"year": r["year"], "tco2": r["t"], "intensity": intensity(adcode, r["year"], r["t"])}
            for r in rows
        ]

    trend = trend_of(focus)
    city_totals = (
        RegionTotal.objects.filter(dataset=dataset, year=year, region__level="city")
        .values("region_id", "region__name_zh", "region__name_en")
        .annotate(t=Sum("tco2"))
        .order_by("region_id")
    )
    cities = [
        {
            "adcode": c["region_id"],
            "name_zh": c["region__name_zh"],
            "name_en": c["region__name_en"],
            "tco2": c["t"],
            "intensity": intensity(c["region_id"], year, c["t"]),
        }
        for c in city_totals
        if c["region_id"] in visible
    ]
    keys = (
        RegionTotal.objects.filter(dataset=dataset, year=year, region_id=focus)
        .values("key_industry")
        .annotate(t=Sum("tco2"))
        .order_by("-t")
    )
    return {
        "year": year,
        "region": {
            "adcode": region.adcode,
            "level": region.level,
            "name_zh": region.name_zh,
            "name_en": region.name_en,
        },
        "total": next((t for t in trend if t["year"] == year), None),
        "trend": trend,
        "cities": cities,
        "key_industries": [{"name": k["key_industry"], "tco2": k["t"]} for k in keys],
        "comparison": None if focus == refdata.PROVINCE else _comparison(dataset, year, region),
    }


def _intensity(tco2: float, figure: MacroFigure | None) -> float | None:
    """Carbon intensity (碳排放强度) in t per 10^4 yuan of constant-price GDP (亿元 stored)."""
    if figure is None or not figure.gdp_constant:
        return None
    row = pd.DataFrame({"co2_tco2": [tco2], "gdp_constant": [figure.gdp_constant]})
    return float(co2_intensity(row, gdp_unit="亿元", per="万元").iloc[0])


def _comparison(dataset: Dataset, year: int, region: Region) -> dict | None:
    """The province's total (and intensity) in ``year`` and its average per region of
    ``region``'s level: the province total over the number of such regions with a total that
    year. Nothing of any single other region enters it."""
    province = RegionTotal.objects.filter(dataset=dataset, year=year, region_id=refdata.PROVINCE)
    tco2 = province.aggregate(t=Sum("tco2"))["t"]
    if tco2 is None:
        return None
    count = (
        RegionTotal.objects.filter(dataset=dataset, year=year, region__level=region.level)
        .values("region_id")
        .distinct()
        .count()
    )
    gdp = MacroFigure.objects.filter(dataset=dataset, year=year, region_id=refdata.PROVINCE).first()
    return {
        "province_tco2": tco2,
        "province_intensity": _intensity(tco2, gdp),
        "level": region.level,
        "regions": count,
        "average_tco2": tco2 / count if count else None,
    }


def _matrix_cells(dataset: Dataset, region: Region, year: int):
    source = InventoryCell if region.level == "county" else RegionCell
    return source.objects.filter(dataset=dataset, region=region, year=year)


def overview_chart(data: dict) -> dict:
    """The overview's figures as its charts draw them: CO2 in 万吨 (whole numbers), intensity
    in t per 10^4 yuan."""

    def wan(tco2: float) -> float | None:
        return to_display(tco2, "万吨", 0)

    return {
        "cities": [
            {
                "adcode": c["adcode"],
                "name_zh": c["name_zh"],
                "name_en": c["name_en"],
                "value": wan(c["tco2"]),
            }
            for c in data["cities"]
        ],
        "trend": [
            {"year": t["year"], "value": wan(t["tco2"]), "intensity": t["intensity"]}
            for t in data["trend"]
        ],
        "key_industries": [
            {"name": k["name"], "value": wan(k["tco2"])} for k in data["key_industries"]
        ],
    }


def region_matrix_total(dataset: Dataset, region: Region, year: int) -> float:
    """The sum of :func:`region_matrix` (tCO2)."""
    return _matrix_cells(dataset, region, year).aggregate(t=Sum("tco2"))["t"] or 0.0


def region_matrix(dataset: Dataset, region: Region, year: int) -> list[dict]:
    """Sector × fuel CO2 of a region in a year: a county's own cells, or the pre-summed cells
    of a city or the province."""
    rows = (
        _matrix_cells(dataset, region, year)
        .values("sector", "fuel")
        .annotate(t=Sum("tco2"))
        .order_by("sector", "fuel")
    )
    return [{"sector": r["sector"], "fuel": r["fuel"], "tco2": r["t"]} for r in rows]


def publish(user, dataset: Dataset, year: int) -> int:
    """Publish the province's and the cities' CO2 and intensity of ``year`` (province
    administrators only); one transaction with an audit entry per figure."""
    from django.core.exceptions import PermissionDenied

    from carbonctl.web.accounts.permissions import can_publish
    from carbonctl.web.audit.models import AuditEntry
    from carbonctl.web.audit.services import record, snapshot
    from carbonctl.web.inventories.models import Disclosure

    if not can_publish(user):
        raise PermissionDenied("only province administrators publish")
    figures = _overview(dataset, year, frozenset(Region.objects.values_list("adcode", flat=True)))
    rows = [(refdata.PROVINCE, figures["total"])] + [(c["adcode"], c) for c in figures["cities"]]
    published = 0
    with transaction.atomic():
        for region, figure in rows:
            if figure is None or Disclosure.objects.filter(region_id=region, year=year).exists():
                continue
            disclosure = Disclosure.objects.create(
                dataset=dataset,
                region_id=region,
                year=year,
                tco2=figure["tco2"],
                intensity=figure.get("intensity"),
                published_by=user,
            )
            record(
                user,
                AuditEntry.Action.CREATE,
                disclosure,
                after=snapshot(disclosure),
                summary=f"published {region} {year}",
            )
            published += 1
    return published


def years(dataset: Dataset) -> list[int]:
    return sorted(
        RegionTotal.objects.filter(dataset=dataset, region_id=refdata.PROVINCE)
        .values_list("year", flat=True)
        .distinct()
    )


def region_trend(dataset: Dataset, region: Region) -> list[dict]:
    """CO2 of a region by year."""
    rows = (
        RegionTotal.objects.filter(dataset=dataset, region=region)
        .values("year")
        .annotate(t=Sum("tco2"))
        .order_by("year")
    )
    return [{"year": r["year"], "tco2": r["t"]} for r in rows]


def cells_behind(
    dataset: Dataset, region: Region, year: int, sector: str, fuel: str
) -> tuple[list[InventoryCell], float]:
    """The county cells a region's sector × fuel figure is the sum of, and that sum (tCO2)."""
    cells = InventoryCell.objects.filter(dataset=dataset, year=year, sector=sector, fuel=fuel)
    if region.level == "city":
        cells = cells.filter(region__parent=region)
    elif region.level == "county":
        cells = cells.filter(region=region)
    total = cells.aggregate(t=Sum("tco2"))["t"] or 0.0
    return list(cells.select_related("region").order_by("region_id")), total


# --- region pages: answer first, the matrix by key industry, the figures behind a cell ---------

#: Key industries the region trend draws one by one; the rest are one series (UI.md: at most
#: about seven series).
TREND_SERIES = 6


def region_matrix_grouped(dataset: Dataset, region: Region, year: int) -> SectorFuelMatrix:
    """:func:`region_matrix` as the page shows it: sectors grouped by key industry with
    subtotals, fuels as columns, totals (:func:`carbonctl.accounting.matrix.sector_fuel_matrix`)."""
    cells = pd.DataFrame(region_matrix(dataset, region, year), columns=["sector", "fuel", "tco2"])
    return sector_fuel_matrix(cells)


def region_key_industry_trend(
    dataset: Dataset, region: Region, top: int = TREND_SERIES
) -> KeyIndustryTrend:
    """CO2 of a region by key industry and year: the ``top`` largest of the latest year and the
    rest together (:func:`carbonctl.accounting.matrix.key_industry_trend`)."""
    rows = RegionTotal.objects.filter(dataset=dataset, region=region).values_list(
        "year", "key_industry", "tco2"
    )
    totals = pd.DataFrame.from_records(rows, columns=["year", "key_industry", "tco2"])
    return key_industry_trend(totals, top)


def region_headline(dataset: Dataset, region: Region, year: int) -> dict | None:
    """The figures a region page opens with, for ``year``: total tCO2 and its change on the year
    before, the largest key industry and its share, and the intensity (t per 10^4 yuan of
    constant-price GDP) with its change when GDP is known. None when the year has no total."""
    by_year = {
        y: t
        for y, t in RegionTotal.objects.filter(
            dataset=dataset, region=region, year__in=[year - 1, year]
        )
        .values("year")
        .annotate(t=Sum("tco2"))
        .values_list("year", "t")
    }
    if year not in by_year:
        return None
    gdp = {
        m.year: m
        for m in MacroFigure.objects.filter(
            dataset=dataset, region=region, year__in=[year - 1, year]
        )
    }
    years = sorted(by_year)
    table = pd.DataFrame({"region": region.adcode, "year": years})
    totals = pd.Series([by_year[y] for y in years], name="tco2")
    intensities = pd.Series(
        [_intensity(by_year[y], gdp.get(y)) for y in years], name="intensity", dtype=float
    )
    change = dict(zip(years, year_on_year_change(table, totals), strict=True))
    intensity_change = dict(zip(years, year_on_year_change(table, intensities), strict=True))
    largest = (
        RegionTotal.objects.filter(dataset=dataset, region=region, year=year)
        .values("key_industry")
        .annotate(t=Sum("tco2"))
        .order_by("-t")
        .first()
    )

    def number(value: float) -> float | None:
        return None if pd.isna(value) else float(value)

    total = by_year[year]
    return {
        "year": year,
        "tco2": total,
        "change": number(change[year]),
        "key_industry": largest["key_industry"] if largest else None,
        "key_industry_share": largest["t"] / total if largest and total else None,
        "intensity": number(intensities.iloc[-1]),
        "intensity_change": number(intensity_change[year]),
    }


def cell_breakdown(
    dataset: Dataset, region: Region, year: int, sector: str, fuel: str
) -> tuple[Breakdown, dict[str, Region], DefaultFactor | None]:
    """The county cells behind a region's sector × fuel figure with their shares
    (:func:`carbonctl.accounting.matrix.breakdown`), the counties by adcode, and the default
    factor of the fuel in the dataset's factor set (None for a fuel the catalogue lacks)."""
    cells, _total = cells_behind(dataset, region, year, sector, fuel)
    frame = pd.DataFrame.from_records(
        [(c.region_id, c.amount, c.unit, c.tco2) for c in cells],
        columns=["region", "amount", "unit", "tco2"],
    )
    counties = {c.region_id: c.region for c in cells}
    try:
        factor = default_factor(fuel, dataset.factor_set.code)
    except UnknownNameError:
        factor = None
    return breakdown(frame), counties, factor


def region_totals(dataset: Dataset, year: int, adcodes) -> dict[str, dict]:
    """tCO2 of each of ``adcodes`` in ``year`` and its change on the year before (None without
    a figure for that year); regions without a total in ``year`` are left out."""
    rows = pd.DataFrame.from_records(
        RegionTotal.objects.filter(
            dataset=dataset, year__in=[year - 1, year], region_id__in=list(adcodes)
        )
        .values("region_id", "year")
        .annotate(t=Sum("tco2"))
        .values_list("region_id", "year", "t"),
        columns=["region", "year", "tco2"],
    )
    if rows.empty:
        return {}
    rows["change"] = year_on_year_change(rows, rows["tco2"])
    current = rows[rows["year"] == year]
    return {
        r.region: {"tco2": float(r.tco2), "change": None if pd.isna(r.change) else r.change}
        for r in current.itertuples(index=False)
    }
