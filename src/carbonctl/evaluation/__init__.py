"""Composite assessment of cities (城市碳达峰碳中和综合评价): indicator systems, weights (熵权法,
层次分析法, combined), TOPSIS (逼近理想解排序法) scores, ranks, veto items, year comparison."""

from carbonctl.evaluation.assessment import (
    METHODS,
    Evaluation,
    Method,
    compare_years,
    evaluate,
    evaluation_summary,
)
from carbonctl.evaluation.indicators import (
    Indicator,
    IndicatorSystem,
    burden_indicators,
    city_index_system,
    load_index_system,
    platform_index_system,
    seed_index_system,
)
from carbonctl.evaluation.inputs import (
    REGION,
    WeightsInput,
    read_evaluation_input,
    read_weights,
    validate_evaluation_table,
)
from carbonctl.evaluation.platform import (
    RADAR_SCALE,
    assess_platform,
    assessment_table,
    radar_scores,
)
from carbonctl.evaluation.topsis import rank_scores, topsis
from carbonctl.evaluation.weights import (
    RANDOM_INDEX,
    SHIFT,
    AHPWeights,
    EntropyWeights,
    InconsistentJudgementError,
    ahp_weights,
    combine_weights,
    entropy_weights,
    normalise,
)

__all__ = [
    "METHODS",
    "RADAR_SCALE",
    "RANDOM_INDEX",
    "REGION",
    "SHIFT",
    "AHPWeights",
    "EntropyWeights",
    "Evaluation",
    "InconsistentJudgementError",
    "Indicator",
    "IndicatorSystem",
    "Method",
    "WeightsInput",
    "ahp_weights",
    "assess_platform",
    "assessment_table",
    "burden_indicators",
    "city_index_system",
    "combine_weights",
    "compare_years",
    "entropy_weights",
    "evaluate",
    "evaluation_summary",
    "load_index_system",
    "normalise",
    "platform_index_system",
    "radar_scores",
    "rank_scores",
    "read_evaluation_input",
    "read_weights",
    "seed_index_system",
    "topsis",
    "validate_evaluation_table",
]
