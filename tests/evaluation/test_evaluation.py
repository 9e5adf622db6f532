"""Composite assessment: the worked examples (examples README sections 1 and 5, synthetic data,
tests/data/worked_*.csv), AHP consistency, invariances, and bad input."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carbonctl.errors import InputError, InputErrors
from carbonctl.evaluation import (
    RANDOM_INDEX,
    InconsistentJudgementError,
    ahp_weights,
    city_index_system,
    combine_weights,
    compare_years,
    entropy_weights,
    evaluate,
    evaluation_summary,
    load_index_system,
    normalise,
    read_evaluation_input,
    read_weights,
    seed_index_system,
)

DATA = Path(__file__).parents[1] / "data"
DOCS = Path(__file__).parents[2] / "docs" / "examples"
CITIES = [f"City_{c}" for c in "ABCDE"]
TOL = 1e-6


@pytest.fixture(scope="module")
def entropy_example() -> pd.DataFrame:
    return pd.read_csv(DATA / "worked_entropy_weights.csv").set_index("indicator")


@pytest.fixture(scope="module")
def topsis_weights() -> pd.DataFrame:
    return pd.read_csv(DATA / "worked_topsis_weights.csv").set_index("indicator")


@pytest.fixture(scope="module")
def topsis_scores() -> pd.DataFrame:
    return pd.read_csv(DATA / "worked_topsis_scores.csv")


@pytest.fixture(scope="module")
def topsis_input(topsis_weights: pd.DataFrame, topsis_scores: pd.DataFrame) -> pd.DataFrame:
    return topsis_scores.rename(columns={"city": "region"})[
        ["region", *topsis_weights.index.to_list()]
    ]


def negatives(table: pd.DataFrame) -> list[str]:
    return table.index[table["direction"] == "-"].to_list()


# --- worked example 1: entropy weights of four burden indicators ---------------------------------


def test_entropy_weights_reproduce_worked_example_1(entropy_example: pd.DataFrame) -> None:
    values = entropy_example[CITIES].T
    result = entropy_weights(values, negative=negatives(entropy_example))
    expected = entropy_example
    assert np.allclose(result.entropy, expected["entropy_e"], rtol=0, atol=TOL)
    assert np.allclose(result.divergence, expected["divergence_d"], rtol=0, atol=TOL)
    assert np.allclose(result.weights, expected["weight_w"], rtol=0, atol=TOL)
    assert result.weights.sum() == pytest.approx(1.0, abs=1e-12)


def test_entropy_without_shift_gives_the_documented_wrong_weights(
    entropy_example: pd.DataFrame,
) -> None:
    # README section 1, "typical mistakes": no shift (0·ln 0 = 0) is off by about 1e-5.
    values = entropy_example[CITIES].T
    result = entropy_weights(values, negative=negatives(entropy_example), shift=0.0)
    assert np.allclose(result.weights, [0.398779, 0.177713, 0.257637, 0.165871], rtol=0, atol=1e-6)


def test_shifted_normalisation_matches_worked_example_2_intermediates(
    entropy_example: pd.DataFrame,
) -> None:
    z = normalise(entropy_example[CITIES].T, negative=negatives(entropy_example))
    assert z.loc["City_A"].to_list() == pytest.approx([1.0001, 0.0001, 0.240147, 0.0001], abs=1e-6)
    assert z.loc["City_B"].to_list() == pytest.approx(
        [0.236707, 0.775962, 1.0001, 0.900100], abs=1e-6
    )


# --- worked example 5: entropy-TOPSIS ---------------------------------------------------------


def test_entropy_topsis_weights_reproduce_worked_example_5(
    topsis_input: pd.DataFrame, topsis_weights: pd.DataFrame
) -> None:
    values = topsis_input.set_index("region")
    result = entropy_weights(values, negative=negatives(topsis_weights))
    assert np.allclose(result.entropy, topsis_weights["entropy_e"], rtol=0, atol=TOL)
    assert np.allclose(result.divergence, topsis_weights["divergence_d"], rtol=0, atol=TOL)
    assert np.allclose(result.weights, topsis_weights["entropy_weight"], rtol=0, atol=TOL)


def test_entropy_topsis_scores_reproduce_worked_example_5(
    topsis_input: pd.DataFrame, topsis_weights: pd.DataFrame, topsis_scores: pd.DataFrame
) -> None:
    ev = evaluate(topsis_input, "entropy-topsis", negative=negatives(topsis_weights))
    regions = ev.regions
    assert regions["region"].to_list() == topsis_scores["city"].to_list()
    assert np.allclose(regions["d_plus"], topsis_scores["D_plus"], rtol=0, atol=TOL)
    assert np.allclose(regions["d_minus"], topsis_scores["D_minus"], rtol=0, atol=TOL)
    assert np.allclose(regions["closeness"], topsis_scores["closeness_C"], rtol=0, atol=TOL)
    assert np.allclose(regions["score"], 100 * topsis_scores["closeness_C"], rtol=0, atol=1e-4)
    assert regions["rank"].to_list() == topsis_scores["rank"].to_list()
    assert regions["passed"].all()
    assert ev.weights == pytest.approx(topsis_weights["entropy_weight"].to_dict(), abs=TOL)


def test_summary_is_the_cli_json(topsis_input: pd.DataFrame, topsis_weights: pd.DataFrame) -> None:
    summary = evaluation_summary(evaluate(topsis_input, negative=negatives(topsis_weights)))
    assert json.loads(json.dumps(summary)) == summary
    assert summary["method"] == "entropy-topsis"
    assert set(summary["weights"]) == set(topsis_weights.index)
    assert summary["regions"]["City_A"]["rank"] == 1
    assert summary["regions"]["City_E"]["score"] == pytest.approx(13.3008998298, abs=1e-6)


def test_docs_example_input_is_the_worked_example(
    topsis_weights: pd.DataFrame, topsis_scores: pd.DataFrame
) -> None:
    table = read_evaluation_input(DOCS / "evaluation_input.csv")
    ev = evaluate(table, negative=negatives(topsis_weights))
    assert np.allclose(ev.regions["closeness"], topsis_scores["closeness_C"], rtol=0, atol=TOL)


def test_docs_ahp_matrix_is_consistent_and_usable(topsis_weights: pd.DataFrame) -> None:
    table = read_evaluation_input(DOCS / "evaluation_input.csv")
    given_weights = read_weights(DOCS / "ahp_matrix.csv", indicators=table.columns[1:])
    assert given_weights.ahp_matrix is not None
    ev = evaluate(
        table, "ahp-topsis", ahp_matrix=given_weights.ahp_matrix, negative=negatives(topsis_weights)
    )
    assert ev.consistency_ratio is not None and ev.consistency_ratio < 0.1
    assert sum(ev.weights.values()) == pytest.approx(1.0)
    assert ev.regions.sort_values("rank")["region"].iloc[0] == "City_A"


# --- AHP (层次分析法) ----------------------------------------------------------------------


def consistent_matrix(weights: list[float]) -> pd.DataFrame:
    names = [f"x{i}" for i in range(len(weights))]
    w = np.array(weights)
    return pd.DataFrame(w[:, None] / w[None, :], index=names, columns=names)


def test_consistent_matrix_gives_its_weights_and_zero_cr() -> None:
    result = ahp_weights(consistent_matrix([0.5, 0.3, 0.2]))
    assert result.weights.to_list() == pytest.approx([0.5, 0.3, 0.2], abs=1e-12)
    assert result.lambda_max == pytest.approx(3.0, abs=1e-9)
    assert result.consistency_ratio == pytest.approx(0.0, abs=1e-9)
    assert result.random_index == 0.58


def test_cr_is_ci_over_ri_for_a_mildly_inconsistent_matrix() -> None:
    names = ["a", "b", "c"]
    matrix = pd.DataFrame([[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]], index=names, columns=names)
    result = ahp_weights(matrix)
    ci = (result.lambda_max - 3) / 2
    assert result.consistency_index == pytest.approx(ci)
    assert result.consistency_ratio == pytest.approx(ci / 0.58)
    assert 0 < result.consistency_ratio < 0.1
    assert result.weights.idxmax() == "a"
    # A w = λmax w
    assert np.allclose(matrix.to_numpy() @ result.weights, result.lambda_max * result.weights)


def test_inconsistent_matrix_raises_with_its_cr() -> None:
    names = ["a", "b", "c"]
    cyclic = pd.DataFrame([[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]], index=names, columns=names)
    with pytest.raises(InconsistentJudgementError, match=r"inconsistent: CR = \d+\.\d+"):
        ahp_weights(cyclic)
    assert ahp_weights(cyclic, check_consistency=False).consistency_ratio >= 0.1


def test_non_reciprocal_matrix_is_rejected() -> None:
    names = ["a", "b"]
    matrix = pd.DataFrame([[1, 3], [3, 1]], index=names, columns=names)
    with pytest.raises(InputErrors, match="reciprocal"):
        ahp_weights(matrix)


def test_random_index_table_covers_1_to_15() -> None:
    assert sorted(RANDOM_INDEX) == list(range(1, 16))
    assert RANDOM_INDEX[9] == 1.45


def test_combined_weights_are_a_convex_mix(
    topsis_input: pd.DataFrame, topsis_weights: pd.DataFrame
) -> None:
    names = topsis_weights.index.to_list()
    preset = pd.Series(1 / len(names), index=names)
    ev = evaluate(
        topsis_input,
        "combined-topsis",
        weights=preset,
        negative=negatives(topsis_weights),
        alpha=0.25,
    )
    expected = combine_weights(preset, topsis_weights["entropy_weight"], 0.25)
    assert ev.weights == pytest.approx(expected.to_dict(), abs=TOL)
    assert sum(ev.weights.values()) == pytest.approx(1.0)


# --- veto, pass score, years ---------------------------------------------------------------------


def test_veto_fails_a_region_whatever_its_score(
    topsis_input: pd.DataFrame, topsis_weights: pd.DataFrame
) -> None:
    ev = evaluate(topsis_input, negative=negatives(topsis_weights), veto={"City_A": True})
    a = ev.regions.set_index("region").loc["City_A"]
    assert a["rank"] == 1 and not a["passed"]
    assert ev.regions.set_index("region").drop("City_A")["passed"].all()


def test_pass_score_fails_low_scores(
    topsis_input: pd.DataFrame, topsis_weights: pd.DataFrame
) -> None:
    ev = evaluate(topsis_input, negative=negatives(topsis_weights), pass_score=60)
    passed = ev.regions.set_index("region")["passed"]
    assert passed.to_dict() == {
        "City_A": True,
        "City_B": False,
        "City_C": False,
        "City_D": True,
        "City_E": False,
    }


def test_year_comparison_gives_score_and_rank_change(
    topsis_input: pd.DataFrame, topsis_weights: pd.DataFrame
) -> None:
    neg = negatives(topsis_weights)
    later = topsis_input.copy()
    later.loc[later["region"] == "City_E", "forest_cover"] = 0.40
    later.loc[later["region"] == "City_E", "green_power_share"] = 0.10
    first, second = evaluate(topsis_input, negative=neg), evaluate(later, negative=neg)
    table = compare_years({2024: second, 2023: first}).set_index(["year", "region"])
    assert table.loc[2023, "rank_change"].isna().all()
    e = table.loc[(2024, "City_E")]
    assert e["score_change"] == pytest.approx(
        second.regions.set_index("region").loc["City_E", "score"]
        - first.regions.set_index("region").loc["City_E", "score"]
    )
    assert e["score_change"] > 0 and e["rank_change"] > 0


# --- indicator systems ---------------------------------------------------------------------------


def test_city_index_system_weights_follow_the_paper() -> None:
    system = city_index_system()
    weights = system.weights()
    assert weights is not None and len(weights) == 14
    assert weights.sum() == pytest.approx(1.0)
    # 低碳状态 0.4 × 碳排放水平 0.4 / 2 indicators
    assert weights["人均碳排放"] == pytest.approx(0.08)
    assert "碳排放强度" in system.negative
    assert all("张保留" in i.source for i in system.indicators)
    assert {i.weight_status for i in system.indicators} == {"CONFIRMED", "UNCONFIRMED"}


def test_seed_index_system_names_the_policy_criteria() -> None:
    system = seed_index_system()
    assert system.weights() is None
    criteria = {i.criterion for i in system.indicators}
    assert criteria == {"总量和强度", "能源结构", "能耗强度", "资源利用效率", "生态系统碳汇"}
    assert all("53号" in i.source for i in system.indicators)


def test_index_system_with_bad_direction_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "system.csv"
    path.write_text("indicator,direction,weight\na,+,0.5\nb,up,0.5\n", encoding="utf-8")
    with pytest.raises(InputErrors) as info:
        load_index_system(path)
    assert (info.value.errors[0].row, info.value.errors[0].column) == (3, "direction")


# --- properties ----------------------------------------------------------------------------------


@st.composite
def tables(draw: st.DrawFn) -> tuple[pd.DataFrame, list[str]]:
    n = draw(st.integers(3, 8))
    m = draw(st.integers(2, 5))
    columns = {}
    for j in range(m):
        column = draw(st.lists(st.integers(0, 1000), min_size=n, max_size=n))
        if len(set(column)) == 1:
            column[0] = column[0] + 1
        columns[f"x{j}"] = [float(v) for v in column]
    negative = [c for c in columns if draw(st.booleans())]
    table = pd.DataFrame({"region": [f"R{i}" for i in range(n)], **columns})
    return table, negative


@settings(max_examples=40, deadline=None)
@given(tables(), st.floats(1e-3, 1e3), st.integers(0, 4))
def test_scores_do_not_depend_on_units(
    case: tuple[pd.DataFrame, list[str]], factor: float, which: int
) -> None:
    table, negative = case
    column = table.columns[1 + which % (table.shape[1] - 1)]
    scaled = table.assign(**{column: table[column] * factor})
    before = evaluate(table, negative=negative).regions
    after = evaluate(scaled, negative=negative).regions
    assert np.allclose(before["score"], after["score"], rtol=0, atol=1e-8)


@settings(max_examples=40, deadline=None)
@given(tables(), st.randoms(use_true_random=False))
def test_scores_do_not_depend_on_row_order(
    case: tuple[pd.DataFrame, list[str]], rng: random.Random
) -> None:
    table, negative = case
    order = list(range(len(table)))
    rng.shuffle(order)
    before = evaluate(table, negative=negative).regions.set_index("region")
    after = evaluate(table.iloc[order], negative=negative).regions.set_index("region")
    after = after.loc[before.index]
    assert (before["score"] == after["score"]).all()
    assert (before["rank"] == after["rank"]).all()


@settings(max_examples=40, deadline=None)
@given(tables())
def test_ranks_follow_scores(case: tuple[pd.DataFrame, list[str]]) -> None:
    table, negative = case
    regions = evaluate(table, negative=negative).regions
    assert regions["score"].between(0, 100).all()
    assert regions["rank"].min() == 1
    for a in regions.itertuples():
        for b in regions.itertuples():
            if round(a.closeness, 12) > round(b.closeness, 12):
                assert a.rank < b.rank
            elif round(a.closeness, 12) == round(b.closeness, 12):
                assert a.rank == b.rank


def test_identical_regions_tie() -> None:
    table = pd.DataFrame({"region": ["a", "b", "c", "d"], "x": [1.0, 2.0, 2.0, 3.0]})
    assert evaluate(table).regions["rank"].to_list() == [4, 2, 2, 1]


# --- bad input -----------------------------------------------------------------------------------


def located(errors: InputErrors) -> set[tuple[int | None, str | None]]:
    return {(e.row, e.column) for e in errors.errors}


def write(tmp_path: Path, text: str, name: str = "input.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_region_column(tmp_path: Path) -> None:
    with pytest.raises(InputErrors) as info:
        read_evaluation_input(write(tmp_path, "city,x\nA,1\nB,2\n"))
    assert located(info.value) == {(1, "region")}


def test_duplicate_and_missing_regions_are_located(tmp_path: Path) -> None:
    with pytest.raises(InputErrors) as info:
        read_evaluation_input(write(tmp_path, "region,x\nA,1\nB,2\nA,3\n,4\n"))
    assert located(info.value) == {(4, "region"), (5, "region")}
    assert "first in row 2" in str(info.value)


def test_non_numeric_and_missing_values_are_located(tmp_path: Path) -> None:
    with pytest.raises(InputErrors) as info:
        read_evaluation_input(write(tmp_path, "region,x,y\nA,1,2\nB,abc,3\nC,2,\n"))
    assert located(info.value) == {(3, "x"), (4, "y")}
    assert "'abc' is not a number" in str(info.value)


def test_constant_indicator_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputErrors, match="'y' has the same value") as info:
        read_evaluation_input(write(tmp_path, "region,x,y\nA,1,5\nB,2,5\nC,3,5\n"))
    assert located(info.value) == {(None, "y")}


def test_constant_indicator_in_a_frame_is_named() -> None:
    table = pd.DataFrame({"region": ["a", "b"], "x": [1.0, 2.0], "y": [3.0, 3.0]})
    with pytest.raises(InputErrors, match="'y'"):
        evaluate(table)


def test_xlsx_input_is_read(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in [["region", "x", "y"], ["A", 1, 0.1], ["B", 2, 0.2], ["C", 3, 0.4]]:
        sheet.append(row)
    path = tmp_path / "input.xlsx"
    book.save(path)
    table = read_evaluation_input(path)
    assert table["x"].to_list() == [1.0, 2.0, 3.0]
    assert evaluate(table).regions["rank"].to_list() == [3, 2, 1]


def test_weights_file_with_unknown_indicator(tmp_path: Path) -> None:
    path = write(tmp_path, "indicator,weight\nx,0.5\nz,0.5\n", "weights.csv")
    with pytest.raises(InputErrors) as info:
        read_weights(path, indicators=["x", "y"])
    assert located(info.value) == {(3, "indicator")}


def test_weights_not_summing_to_one(tmp_path: Path) -> None:
    path = write(tmp_path, "indicator,weight\nx,0.5\ny,0.6\n", "weights.csv")
    with pytest.raises(InputErrors, match=r"sum to 1\.1"):
        read_weights(path)


def test_weights_with_bad_number_is_located(tmp_path: Path) -> None:
    path = write(tmp_path, "indicator,weight\nx,half\ny,0.5\n", "weights.csv")
    with pytest.raises(InputErrors) as info:
        read_weights(path)
    assert located(info.value) == {(2, "weight")}


def test_preset_weights_drive_ahp_topsis(tmp_path: Path) -> None:
    table = pd.DataFrame({"region": ["a", "b", "c"], "x": [1.0, 2.0, 3.0], "y": [3.0, 1.0, 2.0]})
    given_weights = read_weights(write(tmp_path, "indicator,weight\nx,0.9\ny,0.1\n", "w.csv"))
    assert given_weights.weights is not None
    ev = evaluate(table, "ahp-topsis", weights=given_weights.weights)
    assert ev.weights == {"x": 0.9, "y": 0.1}
    assert ev.regions["rank"].to_list() == [3, 2, 1]


def test_unknown_indicator_in_preset_weights() -> None:
    table = pd.DataFrame({"region": ["a", "b"], "x": [1.0, 2.0]})
    with pytest.raises(InputErrors, match="unknown indicator"):
        evaluate(table, "ahp-topsis", weights={"x": 0.5, "z": 0.5})


def test_ahp_matrix_file_with_fractions_and_bad_cell(tmp_path: Path) -> None:
    good = write(tmp_path, ",x,y\nx,1,3\ny,1/3,1\n", "ahp.csv")
    matrix = read_weights(good).ahp_matrix
    assert matrix is not None and matrix.loc["y", "x"] == pytest.approx(1 / 3)
    bad = write(tmp_path, ",x,y\nx,1,3\ny,-1,1\n", "bad.csv")
    with pytest.raises(InputErrors) as info:
        read_weights(bad)
    assert located(info.value) == {(3, "x")}


def test_entropy_method_refuses_preset_weights() -> None:
    table = pd.DataFrame({"region": ["a", "b"], "x": [1.0, 2.0]})
    with pytest.raises(InputErrors, match="derives the weights"):
        evaluate(table, weights={"x": 1.0})


def test_unknown_method_and_unknown_veto_region() -> None:
    table = pd.DataFrame({"region": ["a", "b"], "x": [1.0, 2.0]})
    with pytest.raises(InputErrors, match="unknown method"):
        evaluate(table, "vikor")  # type: ignore[arg-type]
    with pytest.raises(InputErrors, match="unknown region"):
        evaluate(table, veto={"z": True})
    assert isinstance(InconsistentJudgementError("x"), InputError)
