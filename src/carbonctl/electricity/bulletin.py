"""Monthly emission-trend bulletins (月度碳排放趋势简报) for cities, from electricity nowcasts.

A bulletin compares a city's estimated CO2 of one month (and of the year to date) with the same
period a year earlier, names the fastest-growing sectors and counties, and says so in Chinese and
English. Its :meth:`Bulletin.signals` are the rows the warning engine reads (a data source for
measure 十九's early warnings): one per region × sector × indicator.

Inputs are estimate tables in the nowcast layout (``level, region, sector, period, kind, kwh,
tco2, lo, hi``): ``current`` for the bulletin's month, ``previous`` for the same month of the year
before (reconciled to its inventory where one exists).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Final

import pandas as pd

from carbonctl.display import format_quantity
from carbonctl.electricity.schema import model_sectors
from carbonctl.errors import CarbonctlError
from carbonctl.labels import label

__all__ = ["MIN_SHARE", "Bulletin", "BulletinError", "city_bulletin"]

#: Sectors and counties below this share of the city's emissions are not ranked: a small base
#: makes large growth rates that mean little.
MIN_SHARE: Final = 0.01
ALL: Final = "ALL"


class BulletinError(CarbonctlError, ValueError):
    """The estimates do not cover the city or month asked for."""


@dataclass(frozen=True)
class Ranked:
    """One sector or county in a bulletin's ranking."""

    code: str
    name: str
    tco2: float
    previous: float
    growth: float
    share: float


@dataclass(frozen=True)
class Bulletin:
    """A city's bulletin for one month. Amounts in tCO2 and kWh; growth as fractions."""

    city: str
    city_name: str
    month: str
    tco2: float
    lo: float
    hi: float
    growth: float
    ytd_tco2: float
    ytd_growth: float
    kwh: float
    kwh_growth: float
    sectors: list[Ranked] = field(default_factory=list)
    counties: list[Ranked] = field(default_factory=list)
    text_zh: list[str] = field(default_factory=list)
    text_en: list[str] = field(default_factory=list)

    def fastest(self, what: str, top: int = 3) -> list[Ranked]:
        """The ``top`` fastest-growing ``sectors`` or ``counties`` (by year-on-year growth; those
        without last year's figure, or below :data:`MIN_SHARE`, are not ranked)."""
        items = [
            r for r in getattr(self, what) if r.share >= MIN_SHARE and not math.isnan(r.growth)
        ]
        return sorted(items, key=lambda r: r.growth, reverse=True)[:top]

    def signals(self) -> list[dict[str, Any]]:
        """Rows for the warning engine: year-on-year CO2 growth of the city (month and year to
        date), of each sector and of each county, with the estimate they rest on."""
        base = {"month": self.month, "source": "electricity-bulletin"}
        rows = [
            {
                **base,
                "region": self.city,
                "sector": ALL,
                "indicator": "co2_yoy_month",
                "value": self.growth,
                "tco2": self.tco2,
            },
            {
                **base,
                "region": self.city,
                "sector": ALL,
                "indicator": "co2_yoy_ytd",
                "value": self.ytd_growth,
                "tco2": self.ytd_tco2,
            },
        ]
        rows += [
            {
                **base,
                "region": self.city,
                "sector": r.code,
                "indicator": "co2_yoy_month",
                "value": r.growth,
                "tco2": r.tco2,
            }
            for r in self.sectors
        ]
        rows += [
            {
                **base,
                "region": r.code,
                "sector": ALL,
                "indicator": "co2_yoy_month",
                "value": r.growth,
                "tco2": r.tco2,
            }
            for r in self.counties
        ]
        return rows

    def to_dict(self) -> dict[str, Any]:
        """Plain values for JSON: a growth that cannot be computed (NaN) becomes ``None``, which
        PostgreSQL's jsonb accepts and NaN it does not."""
        return _json_safe(asdict(self))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Bulletin:
        values = {k: _nan(v) for k, v in data.items()}
        values["sectors"] = [
            Ranked(**{k: _nan(v) for k, v in r.items()}) for r in data.get("sectors", [])
        ]
        values["counties"] = [
            Ranked(**{k: _nan(v) for k, v in r.items()}) for r in data.get("counties", [])
        ]
        return cls(**values)


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    return value


def _nan(value: Any) -> Any:
    return float("nan") if value is None else value


def _rows(table: pd.DataFrame, level: str, kind: str) -> pd.DataFrame:
    return table[(table["level"] == level) & (table["kind"] == kind)]


def _one(table: pd.DataFrame, what: str) -> pd.Series:
    if len(table) != 1:
        raise BulletinError(f"the estimates hold {len(table)} rows for {what}; expected one")
    return table.iloc[0]


def _growth(now: float, before: float) -> float:
    return now / before - 1.0 if before > 0 else float("nan")


def _ranking(
    now: pd.DataFrame, before: pd.DataFrame, key: str, names: Mapping[str, str], total: float
) -> list[Ranked]:
    merged = now.merge(before[[key, "tco2"]], on=key, how="left", suffixes=("", "_prev"))
    return [
        Ranked(
            code=str(code),
            name=names.get(str(code), str(code)),
            tco2=float(t),
            previous=float(p) if pd.notna(p) else float("nan"),
            growth=_growth(float(t), float(p)) if pd.notna(p) else float("nan"),
            share=float(t) / total if total > 0 else 0.0,
        )
        for code, t, p in zip(merged[key], merged["tco2"], merged["tco2_prev"], strict=True)
    ]


def city_bulletin(
    current: pd.DataFrame,
    previous: pd.DataFrame,
    city: str,
    month: str,
    names: Mapping[str, str],
) -> Bulletin:
    """The bulletin of ``city`` for ``month``. ``names`` maps adcodes to Chinese names; sector
    names come from the model sectors. Raises :class:`BulletinError` when the tables lack the
    city's month or year-to-date row."""
    cur = current[current["region"].eq(city) | current["level"].eq("county")]

    def city_row(table: pd.DataFrame, kind: str, what: str) -> pd.Series:
        rows = _rows(table, "city", kind)
        return _one(
            rows[(rows["region"] == city) & (rows["sector"] == ALL)], f"city {city}, {what}"
        )

    head = city_row(cur, "month", month)
    ytd = city_row(cur, "ytd", f"year to date {month}")
    prev_head = city_row(previous, "month", f"a year before {month}")
    prev_ytd = city_row(previous, "ytd", f"year to date a year before {month}")
    total = float(head["tco2"])
    sector_names = {s.code: s.name_zh for s in model_sectors()}
    sectors = _ranking(
        _rows(cur, "city", "month").query("region == @city and sector != @ALL"),
        _rows(previous, "city", "month").query("region == @city and sector != @ALL"),
        "sector",
        sector_names,
        total,
    )
    counties_now = _rows(current, "county", "month").query("sector == @ALL")
    counties_now = counties_now[counties_now["region"].str[:4] == city[:4]]
    counties = _ranking(
        counties_now,
        _rows(previous, "county", "month").query("sector == @ALL"),
        "region",
        names,
        total,
    )
    bulletin = Bulletin(
        city=city,
        city_name=names.get(city, city),
        month=month,
        tco2=total,
        lo=float(head["lo"]),
        hi=float(head["hi"]),
        growth=_growth(total, float(prev_head["tco2"])),
        ytd_tco2=float(ytd["tco2"]),
        ytd_growth=_growth(float(ytd["tco2"]), float(prev_ytd["tco2"])),
        kwh=float(head["kwh"]),
        kwh_growth=_growth(float(head["kwh"]), float(prev_head["kwh"])),
        sectors=sectors,
        counties=counties,
    )
    zh, en = _texts(bulletin)
    return Bulletin(
        **{
            **asdict(bulletin),
            "sectors": sectors,
            "counties": counties,
            "text_zh": zh,
            "text_en": en,
        }
    )


def _pct(value: float) -> str:
    """A change as signed percent with one decimal (+3.2%)."""
    if pd.isna(value):
        return "—"
    return ("+" if value >= 0 else "") + format_quantity(value, "%", 1)


def _wan(tco2: float) -> str:
    return format_quantity(tco2, "万吨", 1, grouping=True)


def _yi_kwh(kwh: float) -> str:
    return format_quantity(kwh, "亿千瓦时", 2, grouping=True)


def _texts(b: Bulletin) -> tuple[list[str], list[str]]:
    year, mno = b.month.split("-")
    m = int(mno)
    zh = [
        f"{b.city_name}{year}年{m}月估算二氧化碳排放{_wan(b.tco2)}万吨"
        f"（90%区间{_wan(b.lo)}–{_wan(b.hi)}万吨），同比{_pct(b.growth)}；"
        f"1–{m}月累计{_wan(b.ytd_tco2)}万吨，同比{_pct(b.ytd_growth)}。"
        f"当月用电量{_yi_kwh(b.kwh)}亿千瓦时，同比{_pct(b.kwh_growth)}。",
    ]
    city_en = label("region", b.city, "en")
    en = [
        f"{city_en} {b.month}: estimated CO2 {_wan(b.tco2)} × 10⁴ t (90% interval "
        f"{_wan(b.lo)}–{_wan(b.hi)}), {_pct(b.growth)} year on year; January–{m} "
        f"{_wan(b.ytd_tco2)} × 10⁴ t, {_pct(b.ytd_growth)}. Electricity use "
        f"{_yi_kwh(b.kwh)} × 10⁸ kWh, {_pct(b.kwh_growth)}.",
    ]
    sectors = b.fastest("sectors")
    if sectors:
        zh.append(
            "增长最快的行业：" + "、".join(f"{r.name}（{_pct(r.growth)}）" for r in sectors) + "。"
        )
        en.append(
            "Fastest-growing sectors: "
            + ", ".join(
                f"{label('model_sector', r.code, 'en')} ({_pct(r.growth)})" for r in sectors
            )
            + "."
        )
    counties = b.fastest("counties")
    if counties:
        zh.append(
            "增长最快的县（市、区）："
            + "、".join(f"{r.name}（{_pct(r.growth)}）" for r in counties)
            + "。"
        )
        en.append(
            "Fastest-growing counties: "
            + ", ".join(f"{label('region', r.code, 'en')} ({_pct(r.growth)})" for r in counties)
            + "."
        )
    rising = [r for r in sectors if r.growth > 0.1]
    if rising:
        zh.append(
            "提示："
            + "、".join(r.name for r in rising)
            + "当月排放同比增长超过10%，建议核实产能变化并纳入预警研判。"
        )
        en.append(
            "Note: "
            + ", ".join(label("model_sector", r.code, "en") for r in rising)
            + " grew by more than 10% "
            "year on year; check capacity changes and consider them for early warning."
        )
    return zh, en
