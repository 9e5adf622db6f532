"""Product carbon label grades (碳标识分级, measure 十六): a product's footprint graded within its
industry against a reference value.

The reference is, in order:

1. the distribution of verified studies of the same product, once there are at least
   ``min_verified_studies`` of them (refdata ``footprint_label_grades``): the grade follows the
   footprint's percentile rank among them, 100 × (number below + ½ number equal) / n;
2. a cited industry average (refdata ``footprint_product_references``, with source and status);
3. the background database's unit score of the product, given by the caller.

Against a reference value the grade follows the ratio footprint / reference. A grade applies
when the ratio (or percentile) is at most its ``upper_bound``; the last grade has none. The
bands are data (``footprint_label_grades.csv``); today's are a DESIGN PROPOSAL and say so.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from carbonctl.errors import CarbonctlError, UnknownNameError
from carbonctl.refdata import close_matches, load_table, normalise_name
from carbonctl.units import conversion_factor

__all__ = [
    "GradingError",
    "LabelGrade",
    "grade_footprint",
    "grade_table",
    "percentile_rank",
    "product_reference",
]

SCHEME = "product_carbon_label"


class GradingError(CarbonctlError):
    """A footprint that cannot be graded (a negative or non-finite score)."""


@dataclass(frozen=True)
class LabelGrade:
    """A footprint's grade and what it was graded against.

    ``basis``: ``ratio`` or ``percentile``; ``reference_kind``: ``verified_studies``,
    ``cited_average`` or ``background_database``; ``reference``: the reference value (the
    median of the verified studies for ``percentile``) in kgCO2e per ``unit``;
    ``source``/``status`` are the grade bands'; ``reference_source``/``reference_status`` the
    reference value's.
    """

    grade: str
    name_zh: str
    name_en: str
    rank: int
    basis: str
    reference_kind: str
    reference: float
    unit: str
    ratio: float | None
    percentile: float | None
    verified_count: int
    upper_bound: float | None
    reference_source: str
    reference_status: str
    source: str
    status: str


def grade_table(basis: str | None = None) -> pd.DataFrame:
    """The grade bands: grade, name_zh, name_en, rank (int), basis, upper_bound (float, NaN for
    none), min_verified_studies (float), source (``same`` resolved), status, note."""
    table = load_table("footprint_label_grades")
    table = table[table["scheme"] == SCHEME].copy()
    table["rank"] = table["rank"].astype(int)
    table["upper_bound"] = pd.to_numeric(table["upper_bound"], errors="coerce")
    table["min_verified_studies"] = pd.to_numeric(table["min_verified_studies"], errors="coerce")
    sources = table["source"].where(table["source"] != "same").ffill()
    table["source"] = sources
    if basis is not None:
        table = table[table["basis"] == basis]
    return table.sort_values(["basis", "rank"]).reset_index(drop=True)


def min_verified_studies() -> int:
    """How many verified studies of a product make its distribution the reference."""
    values = grade_table("percentile")["min_verified_studies"].dropna()
    return int(values.max())


def product_reference(product: str) -> dict[str, Any] | None:
    """The cited reference row of ``product`` (its key, Chinese or English name, or
    "中文 English"), or None. ``reference_kgco2e`` is a float."""
    table = load_table("footprint_product_references")
    wanted = normalise_name(product)
    for _, row in table.iterrows():
        names = {
            row["product"],
            row["name_zh"],
            row["name_en"],
            f"{row['name_zh']} {row['name_en']}",
        }
        if wanted in {normalise_name(n) for n in names}:
            found: dict[str, Any] = {str(k): str(v) for k, v in row.items()}
            found["reference_kgco2e"] = float(row["reference_kgco2e"])
            return found
    return None


def percentile_rank(score: float, others: Sequence[float]) -> float:
    """100 × (number of ``others`` below ``score`` + ½ number equal) / len(others)."""
    below = sum(1 for v in others if v < score)
    equal = sum(1 for v in others if v == score)
    return 100 * (below + 0.5 * equal) / len(others)


def _band(table: pd.DataFrame, value: float) -> pd.Series:
    for _, row in table.iterrows():
        if math.isnan(row["upper_bound"]) or value <= row["upper_bound"]:
            return row
    return table.iloc[-1]


def grade_footprint(
    score: float,
    product: str,
    *,
    unit: str = "t",
    verified_scores: Sequence[float] = (),
    background_reference: float | None = None,
    background_source: str = "background database unit score of the product",
    background_status: str = "",
) -> LabelGrade:
    """Grade ``score`` (kgCO2e per ``unit`` of ``product``) — see the module docstring.

    ``verified_scores``: footprints of verified studies of the same product, in the same unit;
    ``background_reference``: the background database's unit score of the product, kgCO2e per
    ``unit`` (used when no cited average exists). Raises
    :class:`~carbonctl.errors.UnknownNameError` when there is no reference at all.
    """
    if not math.isfinite(score) or score < 0:
        raise GradingError(f"cannot grade a footprint of {score!r} kgCO2e per {unit}")
    verified = [float(v) for v in verified_scores if math.isfinite(float(v))]
    if len(verified) >= min_verified_studies():
        bands = grade_table("percentile")
        percentile = percentile_rank(score, verified)
        row = _band(bands, percentile)
        return LabelGrade(
            grade=row["grade"],
            name_zh=row["name_zh"],
            name_en=row["name_en"],
            rank=int(row["rank"]),
            basis="percentile",
            reference_kind="verified_studies",
            reference=float(pd.Series(verified).median()),
            unit=unit,
            ratio=None,
            percentile=percentile,
            verified_count=len(verified),
            upper_bound=None if math.isnan(row["upper_bound"]) else float(row["upper_bound"]),
            reference_source=f"{len(verified)} verified studies of {product}",
            reference_status="",
            source=row["source"],
            status=row["status"],
        )
    cited = product_reference(product)
    if cited is not None:
        # kgCO2e per reference unit = kgCO2e per unit × (units in one reference unit)
        per_reference = score * conversion_factor(cited["declared_unit"], unit)
        reference = cited["reference_kgco2e"] / conversion_factor(cited["declared_unit"], unit)
        ratio = per_reference / cited["reference_kgco2e"]
        kind, ref_source, ref_status = "cited_average", cited["source"], cited["status"]
    elif background_reference is not None and background_reference > 0:
        reference = float(background_reference)
        ratio = score / reference
        kind, ref_source, ref_status = "background_database", background_source, background_status
    else:
        known = load_table("footprint_product_references")
        raise UnknownNameError(
            "product reference (no cited average and no background unit score)",
            product,
            close_matches(product, [*known["product"], *known["name_zh"], *known["name_en"]]),
        )
    row = _band(grade_table("ratio"), ratio)
    return LabelGrade(
        grade=row["grade"],
        name_zh=row["name_zh"],
        name_en=row["name_en"],
        rank=int(row["rank"]),
        basis="ratio",
        reference_kind=kind,
        reference=reference,
        unit=unit,
        ratio=ratio,
        percentile=None,
        verified_count=len(verified),
        upper_bound=None if math.isnan(row["upper_bound"]) else float(row["upper_bound"]),
        reference_source=ref_source,
        reference_status=ref_status,
        source=row["source"],
        status=row["status"],
    )
