"""City bulletins: growth, rankings, texts and warning signals, on hand-made estimate tables."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from carbonctl.electricity.bulletin import MIN_SHARE, Bulletin, BulletinError, city_bulletin

CITY = "140100"
NAMES = {CITY: "太原市", "140105": "小店区", "140106": "迎泽区"}


def rows(
    month: str, city: dict[str, float], counties: dict[str, float], kwh: float
) -> pd.DataFrame:
    """Estimate rows: the city's ALL row (month and ytd = 3 × month), its sectors, counties."""
    total = sum(city.values())
    out = [
        ("city", CITY, "ALL", month, "month", kwh, total, total * 0.95, total * 1.05),
        ("city", CITY, "ALL", month, "ytd", kwh * 3, total * 3, total * 2.9, total * 3.1),
    ]
    out += [("city", CITY, s, month, "month", 0.0, v, v, v) for s, v in city.items()]
    out += [("county", c, "ALL", month, "month", 0.0, v, v, v) for c, v in counties.items()]
    out += [("county", "140212", "ALL", month, "month", 0.0, 1e9, 1e9, 1e9)]  # another city
    columns = ["level", "region", "sector", "period", "kind", "kwh", "tco2", "lo", "hi"]
    return pd.DataFrame(out, columns=columns)


@pytest.fixture
def tables():
    previous = rows(
        "2024-03",
        {"A02.2.19": 100.0, "A02.3": 300.0, "B1": 0.5},
        {"140105": 250.0, "140106": 150.5},
        kwh=1000.0,
    )
    current = rows(
        "2025-03",
        {"A02.2.19": 130.0, "A02.3": 294.0, "B1": 2.0},
        {"140105": 256.0, "140106": 170.0},
        kwh=1100.0,
    )
    return current, previous


def test_headline_growth_is_against_the_same_month(tables):
    bulletin = city_bulletin(*tables, CITY, "2025-03", NAMES)
    assert bulletin.tco2 == 426.0
    assert bulletin.growth == pytest.approx(426.0 / 400.5 - 1)
    assert bulletin.ytd_growth == pytest.approx(426.0 * 3 / (400.5 * 3) - 1)
    assert bulletin.kwh_growth == pytest.approx(0.1)
    assert (bulletin.lo, bulletin.hi) == (426.0 * 0.95, 426.0 * 1.05)


def test_rankings_skip_tiny_shares_and_other_cities(tables):
    bulletin = city_bulletin(*tables, CITY, "2025-03", NAMES)
    sectors = [r.code for r in bulletin.fastest("sectors")]
    # B1 grew fourfold but is under MIN_SHARE of the city's emissions
    assert MIN_SHARE > 2.0 / 426.0 and sectors == ["A02.2.19", "A02.3"]
    assert [r.code for r in bulletin.fastest("counties")] == ["140106", "140105"]
    assert {r.code for r in bulletin.counties} == {"140105", "140106"}


def test_texts_name_the_city_and_the_fastest_sector(tables):
    bulletin = city_bulletin(*tables, CITY, "2025-03", NAMES)
    text = "".join(bulletin.text_zh)
    assert text.startswith("太原市2025年3月") and "黑色金属冶炼和压延加工业（+30.0%）" in text
    assert "迎泽区" in text and "提示" in text  # steel grew more than 10 %
    english = " ".join(bulletin.text_en)
    # the English text names the sector, city and counties in English, never by code
    assert "Fastest-growing sectors: Ferrous metal smelting" in english and "(+30.0%)" in english
    assert english.startswith("Taiyuan 2025-03") and "A02.2.19" not in english


def test_signals_feed_the_warning_engine(tables):
    bulletin = city_bulletin(*tables, CITY, "2025-03", NAMES)
    signals = pd.DataFrame(bulletin.signals())
    city = signals[(signals["region"] == CITY) & (signals["sector"] == "ALL")]
    assert set(city["indicator"]) == {"co2_yoy_month", "co2_yoy_ytd"}
    steel = signals[signals["sector"] == "A02.2.19"].iloc[0]
    assert steel["value"] == pytest.approx(0.3) and steel["month"] == "2025-03"


def test_round_trip_through_json_compatible_dict(tables):
    bulletin = city_bulletin(*tables, CITY, "2025-03", NAMES)
    assert Bulletin.from_dict(bulletin.to_dict()) == bulletin


def test_growth_without_a_base_is_none_in_json(tables):
    current, previous = tables
    previous = previous[previous["region"] != "140106"]  # the county is new this year
    bulletin = city_bulletin(current, previous, CITY, "2025-03", NAMES)
    county = next(r for r in bulletin.to_dict()["counties"] if r["code"] == "140106")
    assert county["growth"] is None and county["previous"] is None
    again = Bulletin.from_dict(bulletin.to_dict())
    assert math.isnan(next(r for r in again.counties if r.code == "140106").growth)


def test_missing_city_is_an_error(tables):
    with pytest.raises(BulletinError, match="140200"):
        city_bulletin(*tables, "140200", "2025-03", NAMES)
