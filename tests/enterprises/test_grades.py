"""Carbon-efficiency grades (碳效码): the bands of the reference table at their bounds, K against
the pooled or supplied industry average, net of zero-carbon power, and bad input."""

from __future__ import annotations

import pandas as pd
import pytest

from carbonctl.enterprises.grades import (
    carbon_level,
    grade_bands,
    grade_distribution,
    grade_enterprises,
    grade_of,
)
from carbonctl.errors import InputErrors
from carbonctl.refdata import load_table


def test_bands_come_from_the_reference_table_with_inclusive_upper_bounds():
    table = load_table("enterprise_carbon_efficiency_grades")
    grades = table[table["scheme"] == "carbon_efficiency_grade"]
    assert [b.name for b in grade_bands()] == list(grades["grade"])
    for band in grade_bands():
        grade = int(band.name)
        if band.upper is not None:
            assert grade_of(band.upper) == grade
            assert grade_of(band.upper + 1e-6) == grade + 1
        if band.lower is not None:
            assert grade_of(band.lower + 1e-6) == grade
    assert grade_of(-0.5) == 1


def test_carbon_levels_at_their_bounds():
    assert carbon_level(0.6) == "低碳"
    assert carbon_level(0.6001) == "中碳"
    assert carbon_level(2.0) == "中碳"
    assert carbon_level(2.0001) == "高碳"


def frame(rows: list[tuple]) -> pd.DataFrame:
    columns = ["enterprise", "industry", "year", "co2_t", "zero_carbon_co2_t",
               "value_added_10k_cny"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def test_k_is_against_the_pooled_average_of_the_industry_and_year():
    table = frame(
        [
            ("A", "steel", 2024, 60.0, 0.0, 100.0),  # 0.6 / pooled 1.0 -> K 0.6: grade 1
            ("B", "steel", 2024, 140.0, 20.0, 100.0),  # net 120 -> K 1.2: grade 3
            ("C", "steel", 2024, 120.0, 0.0, 100.0),  # 1.2 / 1.0 -> K 1.2: grade 3
            ("D", "cement", 2024, 300.0, 0.0, 100.0),  # alone: K 1 -> grade 3
            ("A", "steel", 2023, 10.0, 0.0, 100.0),
        ]
    )
    table.loc[len(table)] = ("E", "steel", 2023, 90.0, 0.0, 100.0)  # 2023 pooled 0.5
    result = grade_enterprises(table).table().set_index(["enterprise", "year"])
    pooled_2024 = (60 + 120 + 120) / 300
    assert result.loc[("A", 2024), "industry_average"] == pytest.approx(pooled_2024)
    assert result.loc[("A", 2024), "k"] == pytest.approx(0.6 / pooled_2024)
    assert result.loc[("B", 2024), "net_co2_t"] == 120.0
    assert result.loc[("D", 2024), "grade"] == 3
    assert result.loc[("A", 2023), "k"] == pytest.approx(0.1 / 0.5)
    assert result.loc[("E", 2023), "grade"] == grade_of(0.9 / 0.5)


def test_a_supplied_industry_average_is_used_and_json_keys_enterprises():
    table = frame([("A", "steel", 2024, 80.0, 0.0, 100.0), ("A", "steel", 2023, 90.0, 0.0, 100.0)])
    table["industry_average"] = [1.0, None]
    out = grade_enterprises(table).to_json()["enterprises"]
    assert out["A"]["year"] == 2024 and out["A"]["k"] == pytest.approx(0.8)
    assert out["A"]["grade"] == 2 and out["A"]["industry_average_basis"] == "supplied"
    assert out["A"]["years"]["2023"]["k"] == pytest.approx(1.0)


def test_bad_input_names_row_and_column():
    table = frame([("A", "steel", 2024, 80.0, 0.0, 0.0), ("A", "steel", 2024, 1.0, 0.0, 1.0)])
    with pytest.raises(InputErrors) as caught:
        grade_enterprises(table, source="g.csv")
    found = {(e.row, e.column) for e in caught.value.errors}
    assert found == {(2, "value_added_10k_cny"), (3, "enterprise")}
    zero = frame([("A", "steel", 2024, 10.0, 10.0, 100.0)])
    with pytest.raises(InputErrors, match="industry average is 0"):
        grade_enterprises(zero)


def test_distribution_counts_grades_per_county():
    grades = pd.DataFrame({"county": ["x", "x", "x", "y"], "grade": [1, 4, 5, 3]})
    counts = grade_distribution(grades, "county")
    assert counts.loc["x", [1, 2, 3, 4, 5]].tolist() == [1, 0, 0, 1, 1]
    assert counts.loc["x", "share_4_5"] == pytest.approx(2 / 3)
    assert counts.loc["y", "total"] == 1
