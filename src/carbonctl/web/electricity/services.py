"""Saving an electricity–carbon assessment (core ``electricity.assessment``) and reading it back
for pages, charts and the API. Every load is one transaction with its audit entry."""

from __future__ import annotations

import json
from collections.abc import Iterable

import pandas as pd
from django.db import transaction

from carbonctl.display import to_display
from carbonctl.electricity.assessment import YearAssessment, assess_year, daily_figures
from carbonctl.electricity.bulletin import Bulletin as CoreBulletin
from carbonctl.electricity.changes import year_on_year
from carbonctl.electricity.model import ModelInputs
from carbonctl.electricity.schema import model_sectors
from carbonctl.web.audit.models import AuditEntry
from carbonctl.web.audit.services import record, snapshot
from carbonctl.web.electricity.models import Assessment, Bulletin, DailyFigure, Estimate
from carbonctl.web.labels import label

BATCH = 2000
ALL = "ALL"


def _kept(table: pd.DataFrame) -> pd.DataFrame:
    """Rows the pages use: province and cities by sector, counties in total."""
    return table[(table["level"] != "county") | (table["sector"] == ALL)]


def _number(value: float) -> float:
    return 0.0 if pd.isna(value) else float(value)


def save_assessment(
    result: YearAssessment,
    days: pd.DataFrame,
    quality: dict,
    *,
    label: str,
    synthetic: bool,
    source: str,
    user=None,
) -> Assessment:
    """Store ``result`` (estimates, bulletins), the daily figures and the cleaning summary."""
    with transaction.atomic():
        assessment = Assessment.objects.create(
            label=label,
            synthetic=synthetic,
            year=result.year,
            through_year=result.through_year,
            quality=quality,
            # through JSON text: NaN (no interval with too little history) becomes null
            coefficients=json.loads(
                result.model.regressions.reset_index().to_json(orient="records")
            ),
            source=source,
        )
        estimates = pd.concat([_kept(result.current), _kept(result.previous)], ignore_index=True)
        Estimate.objects.bulk_create(
            (
                Estimate(
                    assessment=assessment,
                    level=r.level,
                    region_id=r.region,
                    sector=r.sector,
                    month=r.month,
                    kind=r.kind,
                    basis=r.basis,
                    kwh=_number(r.kwh),
                    tco2=_number(r.tco2),
                    lo=_number(r.lo),
                    hi=_number(r.hi),
                )
                for r in estimates.itertuples(index=False)
            ),
            batch_size=BATCH,
        )
        DailyFigure.objects.bulk_create(
            (
                DailyFigure(
                    assessment=assessment,
                    region_id=r.region,
                    sector=r.sector,
                    day=r.day,
                    kwh=float(r.kwh),
                    tco2=float(r.tco2),
                    n_readings=int(r.n_readings),
                    n_flagged=int(r.n_flagged),
                )
                for r in _kept(days).itertuples(index=False)
            ),
            batch_size=BATCH,
        )
        Bulletin.objects.bulk_create(
            Bulletin(assessment=assessment, city_id=b.city, month=b.month, content=b.to_dict())
            for b in result.bulletins
        )
        record(
            user,
            AuditEntry.Action.CREATE,
            assessment,
            after=snapshot(assessment) | {"quality": quality},
            summary=f"electricity–carbon assessment {result.year}: {len(estimates)} estimates, "
            f"{len(result.bulletins)} bulletins",
        )
    return assessment


DAY_COLUMNS = ["level", "region", "sector", "day", "kwh", "tco2", "n_readings", "n_flagged"]


def publish(
    inputs: ModelInputs,
    year: int,
    *,
    last_month: int = 12,
    day_table: pd.DataFrame | None = None,
    generation_day: pd.DataFrame | None = None,
    quality: dict | None = None,
    user=None,
    label: str,
    source: str,
) -> Assessment:
    """Assess ``year`` on a province's own tables (``electricity.assessment.read_model_inputs``)
    and save it as the current assessment, audited as ``user``'s. ``day_table`` is the
    pipeline's ``county_industry_day`` (daily figures are left empty without it)."""
    result = assess_year(inputs, year, last_month=last_month)
    cities = dict(zip(inputs.counties["county"], inputs.counties["city"], strict=True))
    if day_table is None:
        days = pd.DataFrame(columns=DAY_COLUMNS)
    else:
        days = daily_figures(result.model, day_table, cities, generation_day)
    return save_assessment(
        result, days, quality or {}, label=label, synthetic=False, source=source, user=user
    )


def current_assessment() -> Assessment | None:
    return Assessment.objects.order_by("-pk").first()


def sector_names() -> dict[str, str]:
    """Code -> name of the model's sectors, in the user's language."""
    return {s.code: label("model_sector", s.code) for s in model_sectors()}


def monthly_series(assessment: Assessment, region: str, sector: str = ALL) -> dict:
    """This year's nowcast (with its band) and last year's reconciled months, for a chart."""
    rows = Estimate.objects.filter(
        assessment=assessment, region_id=region, sector=sector, kind=Estimate.Kind.MONTH
    ).order_by("month")
    now = [r for r in rows if r.basis == Estimate.Basis.NOWCAST]
    before = {r.month[5:]: r.tco2 for r in rows if r.basis == Estimate.Basis.RECONCILED}
    return {
        "months": [r.month for r in now],
        "tco2": [to_display(r.tco2, "万吨", 2) for r in now],
        "lo": [to_display(r.lo, "万吨", 2) for r in now],
        "hi": [to_display(r.hi, "万吨", 2) for r in now],
        "previous": [to_display(before.get(r.month[5:], 0.0), "万吨", 2) for r in now],
    }


def daily_series(assessment: Assessment, region: str, sector: str = ALL) -> dict:
    rows = DailyFigure.objects.filter(assessment=assessment, region_id=region, sector=sector)
    rows = list(rows.order_by("day"))
    return {
        "days": [r.day.isoformat() for r in rows],
        "kwh": [to_display(r.kwh, "万千瓦时", 2) for r in rows],
        "tco2": [round(r.tco2, 1) for r in rows],
        "flagged": sum(r.n_flagged for r in rows),
        "readings": sum(r.n_readings for r in rows),
    }


def sector_table(assessment: Assessment, region: str, month: str) -> list[dict]:
    """The region's sectors in ``month``: estimate, interval (tCO2), electricity (kWh) and
    change on last year (a fraction, None without last year), the region first, then by CO2."""
    rows = sorted(
        Estimate.objects.filter(
            assessment=assessment, region_id=region, month=month, kind=Estimate.Kind.MONTH
        ),
        key=lambda r: (r.sector != ALL, -r.tco2),
    )
    previous_month = f"{int(month[:4]) - 1}{month[4:]}"
    before = dict(
        Estimate.objects.filter(
            assessment=assessment,
            region_id=region,
            month=previous_month,
            kind=Estimate.Kind.MONTH,
        ).values_list("sector", "tco2")
    )
    names = sector_names()
    growth = year_on_year({r.sector: r.tco2 for r in rows}, before)
    return [
        {
            "sector": r.sector,
            "name": names.get(r.sector, ""),
            "tco2": r.tco2,
            "lo": r.lo,
            "hi": r.hi,
            "kwh": r.kwh,
            "growth": None if pd.isna(growth[r.sector]) else float(growth[r.sector]),
        }
        for r in rows
    ]


def county_growth(assessment: Assessment, month: str, counties: Iterable[str]) -> list[dict]:
    """Year-to-date CO2 change on last year for ``counties`` (the map's values, in %)."""
    wanted = list(counties)
    previous_month = f"{int(month[:4]) - 1}{month[4:]}"
    base = Estimate.objects.filter(
        assessment=assessment,
        level="county",
        sector=ALL,
        kind=Estimate.Kind.YTD,
        region_id__in=wanted,
    )
    now = dict(base.filter(month=month).values_list("region_id", "tco2"))
    before = dict(base.filter(month=previous_month).values_list("region_id", "tco2"))
    growth = year_on_year({code: now[code] for code in wanted if code in now}, before).dropna()
    return [
        {"name": code, "label": label("region", code), "value": to_display(g, "%", 2)}
        for code, g in growth.items()
    ]


def bulletin_of(record: Bulletin) -> CoreBulletin:
    return CoreBulletin.from_dict(record.content)


def latest_nowcast(assessment: Assessment, region: str) -> dict | None:
    """The latest nowcast month of ``region`` (all sectors) for a headline: the month's
    estimate with its 90 % interval (tCO2), the year to date through that month and the same
    months of the year before (the stored year-to-date estimates; the sum of the months where
    the assessment has none), and the change on last year (:func:`year_on_year`, a fraction;
    None without last year). None when the assessment has no nowcast of the region."""
    rows = Estimate.objects.filter(assessment=assessment, region_id=region, sector=ALL)
    latest = (
        rows.filter(kind=Estimate.Kind.MONTH, basis=Estimate.Basis.NOWCAST)
        .order_by("-month")
        .first()
    )
    if latest is None:
        return None
    year, month = latest.month[:4], latest.month[5:]
    previous = f"{int(year) - 1}-{month}"

    def to_date(period: str, basis: str | None) -> float | None:
        """Year to date through ``period``: the stored figure (reconciled before nowcast),
        else the sum of the months (one figure per month, reconciled before nowcast)."""
        ytd = rows.filter(kind=Estimate.Kind.YTD, month=period)
        if basis is not None:
            ytd = ytd.filter(basis=basis)
        stored = sorted(ytd, key=lambda r: r.basis != Estimate.Basis.RECONCILED)
        if stored:
            return stored[0].tco2
        months = rows.filter(
            kind=Estimate.Kind.MONTH, month__gte=f"{period[:4]}-01", month__lte=period
        )
        if basis is not None:
            months = months.filter(basis=basis)
        by_month: dict[str, Estimate] = {}
        for r in sorted(months, key=lambda r: r.basis == Estimate.Basis.RECONCILED):
            by_month[r.month] = r  # a reconciled figure replaces the nowcast of its month
        return sum(r.tco2 for r in by_month.values()) if by_month else None

    now = to_date(latest.month, Estimate.Basis.NOWCAST)
    before = to_date(previous, None)
    growth = (
        year_on_year({"ytd": now}, {"ytd": before})["ytd"]
        if now is not None and before is not None
        else float("nan")
    )
    return {
        "month": latest.month,
        "tco2": latest.tco2,
        "lo": latest.lo,
        "hi": latest.hi,
        "ytd": now,
        "ytd_previous": before,
        "ytd_growth": None if pd.isna(growth) else float(growth),
    }
