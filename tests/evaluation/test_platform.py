"""The indicator lists as packaged CSV (assessment and allocation burden) and the platform's city
assessment from plain figures."""

from __future__ import annotations

import pandas as pd
import pytest

from carbonctl.errors import InputError
from carbonctl.evaluation import (
    assess_platform,
    assessment_table,
    assessment_years,
    burden_indicators,
    platform_index_system,
    radar_average,
    radar_scores,
)


def test_the_burden_indicators_and_their_directions_come_from_the_csv():
    burden = burden_indicators()
    assert burden.directions == {
        "gdp_per_capita": "+",
        "carbon_intensity": "+",
        "co2_per_capita": "+",
        "non_coal_share": "-",
    }
    assert all(i.name_zh and i.name_en and i.source for i in burden.indicators)


def test_the_platform_assessment_indicators_come_from_the_csv():
    system = platform_index_system()
    assert system.directions == {
        "carbon_intensity": "-",
        "intensity_change": "-",
        "co2_per_capita": "-",
        "non_coal_share": "+",
    }
    assert system.labels["carbon_intensity"] == "碳排放强度 CO2 intensity"


def test_every_platform_indicator_has_its_unit_in_words_and_its_decimals():
    for indicator in platform_index_system().indicators:
        assert indicator.unit_zh and indicator.unit_en and indicator.decimals is not None
        # a fraction is shown in %, and its unit says so in both languages
        assert indicator.is_fraction == (indicator.unit == "fraction")
        if indicator.is_fraction:
            assert indicator.unit_zh.startswith("%") and indicator.unit_en.startswith("%")
    ci = {i.name: i for i in platform_index_system().indicators}["carbon_intensity"]
    assert (ci.unit_zh, ci.decimals) == ("吨二氧化碳/万元，可比价", 3)


def test_a_non_integer_decimals_is_located(tmp_path):
    from carbonctl.errors import InputErrors
    from carbonctl.evaluation import load_index_system

    path = tmp_path / "system.csv"
    path.write_text("indicator,direction,decimals\na,+,2\nb,-,two\n", encoding="utf-8")
    with pytest.raises(InputErrors) as raised:
        load_index_system(path)
    assert [(e.row, e.column) for e in raised.value.errors] == [(3, "decimals")]


def _figures() -> pd.DataFrame:
    rows = []
    for year, factor in ((2019, 1.0), (2020, 0.95)):
        for i, region in enumerate(["A", "B", "C"]):
            rows.append(
                {
                    "region": region,
                    "year": year,
                    "population": 100.0 + 10 * i,
                    "gdp_constant": 1000.0 * (1 + i) * (1 + 0.05 * (year - 2019)),
                    "co2_tco2": 5e7 * (1 + 0.5 * i) * factor ** (i + 1),
                    "coal_tco2": 3e7 * (1 + 0.2 * i),
                }
            )
    return pd.DataFrame(rows)


def test_the_assessment_table_has_the_intensity_change_on_the_year_before():
    figures = _figures()
    table = assessment_table(figures, 2020)
    assert table.columns.tolist() == ["region", *platform_index_system().names]
    a = figures.set_index(["region", "year"])
    before = a.loc[("A", 2019), "co2_tco2"] / a.loc[("A", 2019), "gdp_constant"]
    now = a.loc[("A", 2020), "co2_tco2"] / a.loc[("A", 2020), "gdp_constant"]
    assert table.loc[0, "intensity_change"] == pytest.approx(now / before - 1)
    result = assess_platform(table)
    assert sorted(result.regions["rank"]) == [1, 2, 3]
    scores = radar_scores(table)
    assert scores.min().min() == 0.0 and scores.max().max() == 100.0


def test_a_year_without_figures_is_named():
    with pytest.raises(InputError, match="2010"):
        assessment_table(_figures(), 2011, where="city figures")


def test_the_years_to_assess_need_the_year_before():
    figures = _figures()
    assert assessment_years(figures) == [2020]
    later = figures[figures["year"] == 2020].assign(year=2022)
    assert assessment_years(pd.concat([figures, later])) == [2020]  # 2021 is missing
    gap = figures.assign(co2_tco2=figures["co2_tco2"].where(figures["year"] != 2019))
    assert assessment_years(gap) == []


def test_the_radar_average_is_the_cities_mean_of_each_indicator():
    scores = radar_scores(assessment_table(_figures(), 2020))
    average = radar_average(scores)
    assert list(average.index) == list(platform_index_system().names)
    assert average.tolist() == pytest.approx(scores.mean().tolist(), abs=0.05)
