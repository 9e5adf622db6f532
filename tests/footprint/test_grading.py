"""Label grades: the band edges of the ratio rule against a cited average, the fallback to the
background database's unit score, the switch to the verified studies' distribution once there
are enough of them, and the tables' flags kept."""

from __future__ import annotations

import pytest

from carbonctl import labels, refdata
from carbonctl.errors import UnknownNameError
from carbonctl.footprint.grading import (
    GradingError,
    grade_footprint,
    grade_table,
    min_verified_studies,
    percentile_rank,
    product_reference,
)


@pytest.mark.parametrize(
    ("score", "grade"),
    [(0, "一级"), (1528, "一级"), (1529, "二级"), (1910, "二级"), (2292, "三级"), (2293, "未达标")],
)
def test_crude_steel_bands_of_the_ratio_to_worldsteel(score, grade):
    # 1910 kg/t: bands at 0.8 (1528), 1.0 (1910) and 1.2 (2292), upper bounds inclusive
    graded = grade_footprint(score, "粗钢")
    assert graded.grade == grade
    assert (graded.basis, graded.reference_kind) == ("ratio", "cited_average")
    assert graded.reference == 1910 and graded.ratio == pytest.approx(score / 1910)
    assert graded.reference_status.startswith("CONFIRMED")
    assert graded.status.startswith("DESIGN PROPOSAL")


def test_units_convert_and_products_are_found_by_any_name():
    per_kg = grade_footprint(1.9, "crude steel", unit="kg")
    assert per_kg.ratio == pytest.approx(1900 / 1910)
    assert per_kg.reference == pytest.approx(1.91)
    assert product_reference("Primary aluminium")["product"] == "primary_aluminium"
    assert product_reference("合成氨（煤气化） Ammonia (coal gasification)")["product"] == "ammonia"
    assert product_reference("焦炭") is None  # no cited average: background database instead


def test_background_reference_when_no_cited_average():
    graded = grade_footprint(
        450, "焦炭 coke", background_reference=500, background_status="UNCONFIRMED"
    )
    assert (graded.grade, graded.reference_kind, graded.ratio) == (
        "二级",
        "background_database",
        pytest.approx(0.9),
    )
    assert graded.reference_status == "UNCONFIRMED"
    with pytest.raises(UnknownNameError) as caught:
        grade_footprint(450, "水泥熟料")
    assert "水泥" in caught.value.suggestions


def test_enough_verified_studies_grade_by_percentile():
    n = min_verified_studies()
    assert n == 10
    verified = [float(v) for v in range(100, 100 + 10 * n, 10)]  # 100, 110, …, 190
    best = grade_footprint(95, "焦炭 coke", verified_scores=verified)
    assert (best.basis, best.reference_kind, best.grade) == (
        "percentile",
        "verified_studies",
        "一级",
    )
    assert best.percentile == 0 and best.verified_count == n
    assert best.reference == pytest.approx(145)
    assert grade_footprint(140, "coke", verified_scores=verified).grade == "二级"  # 45th
    assert grade_footprint(170, "coke", verified_scores=verified).grade == "三级"  # 75th
    assert grade_footprint(185, "coke", verified_scores=verified).grade == "未达标"  # 85th
    # one study short: the cited average (or background) decides
    fewer = grade_footprint(1900, "粗钢", verified_scores=verified[:-1])
    assert fewer.basis == "ratio" and fewer.verified_count == n - 1


def test_percentile_rank_counts_ties_half():
    assert percentile_rank(2, [1, 2, 3, 4]) == pytest.approx(37.5)
    assert percentile_rank(0, [1, 2]) == 0 and percentile_rank(9, [1, 2]) == 100


def test_negative_scores_are_not_graded():
    with pytest.raises(GradingError):
        grade_footprint(-1, "粗钢")
    with pytest.raises(GradingError):
        grade_footprint(float("nan"), "粗钢")


def test_tables_are_registered_cited_and_labelled():
    assert {"footprint_product_references", "footprint_label_grades"} <= set(refdata.TABLES)
    bands = grade_table()
    assert set(bands["basis"]) == {"ratio", "percentile"}
    assert (bands["source"].str.len() > 20).all()  # "same" resolved to the cited text
    for grade in bands["grade"]:
        assert labels.label("footprint_grade", grade, "en").startswith(("Grade", "Not"))
    references = refdata.load_table("footprint_product_references")
    assert (references["source"] != "").all() and (references["status"] != "").all()
