"""Indicator systems for the composite assessment of cities (评价指标体系): which indicators,
their direction and, where the system fixes them, their weights. Systems are CSV files."""

from __future__ import annotations

import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd

from carbonctl.errors import InputError, InputErrors

__all__ = [
    "BURDEN_INDICATORS_FILE",
    "CITY_INDEX_FILE",
    "PLATFORM_INDEX_FILE",
    "SEED_INDEX_FILE",
    "Indicator",
    "IndicatorSystem",
    "burden_indicators",
    "city_index_system",
    "load_index_system",
    "platform_index_system",
    "seed_index_system",
]

#: 张保留 et al. 2023 (环境科学 44(7):3649-3659), the basis of the 中国城市双碳指数: three criteria,
#: seven elements, 14 indicators with AHP weights; a copy of
#: ``shared/refdata/policy/city_eval_index_system.csv`` with its source column.
CITY_INDEX_FILE = "city_eval_index_system.csv"

#: The indicators named by the seed policy (晋政办发〔2024〕53号 item 20): total and intensity,
#: energy structure, energy intensity, resource efficiency, carbon sinks. No preset weights.
SEED_INDEX_FILE = "seed_index_system.csv"

#: The indicators the platform computes from its own data for the city assessment (intensity, its
#: change, CO2 per person, non-coal share); energy intensity and carbon sinks of the seed's list
#: need data the platform does not hold yet.
PLATFORM_INDEX_FILE = "platform_index_system.csv"

#: Burden indicators of the entropy-index allocation (减排责任指标); here ``+`` means a higher
#: value is a larger reduction burden (examples README section 1), not "higher is better".
BURDEN_INDICATORS_FILE = "burden_indicators.csv"

_DIRECTIONS = ("+", "-")


@dataclass(frozen=True)
class Indicator:
    """One indicator: ``direction`` ``+`` = higher is better, ``-`` = lower is better.

    ``weight`` is the overall weight the system fixes (None: derive from data, e.g. 熵权法);
    ``weight_status`` is ``CONFIRMED`` or ``UNCONFIRMED`` as the source table says.
    ``unit`` is the unit of the values (``fraction`` for shares and changes); ``unit_zh`` and
    ``unit_en`` say it in words for pages (a fraction is shown in %), with ``decimals``.
    """

    name: str
    direction: str
    criterion: str = ""
    element: str = ""
    weight: float | None = None
    weight_status: str = ""
    source: str = ""
    name_zh: str = ""
    name_en: str = ""
    unit: str = ""
    unit_zh: str = ""
    unit_en: str = ""
    decimals: int | None = None

    @property
    def is_fraction(self) -> bool:
        """The values are fractions (shares, changes), shown in %."""
        return self.unit == "fraction"


@dataclass(frozen=True)
class IndicatorSystem:
    """An ordered set of indicators, e.g. a criterion → element → indicator hierarchy."""

    name: str
    indicators: tuple[Indicator, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(i.name for i in self.indicators)

    @property
    def negative(self) -> tuple[str, ...]:
        """Indicators where a lower value is better (pass as ``negative=`` to ``evaluate``)."""
        return tuple(i.name for i in self.indicators if i.direction == "-")

    @property
    def directions(self) -> dict[str, str]:
        """Indicator name → direction (``+``/``-``), in the system's order."""
        return {i.name: i.direction for i in self.indicators}

    @property
    def labels(self) -> dict[str, str]:
        """Indicator name → "中文 English" label for tables and charts (the name if unlabelled)."""
        return {
            i.name: " ".join(part for part in (i.name_zh, i.name_en) if part) or i.name
            for i in self.indicators
        }

    def weights(self) -> pd.Series | None:
        """The fixed weights as a Series over :attr:`names`, or None if any is not fixed."""
        if any(i.weight is None for i in self.indicators):
            return None
        return pd.Series({i.name: i.weight for i in self.indicators}, dtype=float, name="weight")


def _within_element_weight(text: str, group_size: int) -> tuple[float, str]:
    """``indicator_weight_within_element`` is a number or ``equal ... (UNCONFIRMED)``."""
    status = "UNCONFIRMED" if "UNCONFIRMED" in text.upper() else "CONFIRMED"
    if text.strip().lower().startswith("equal"):
        return 1.0 / group_size, status
    return float(text), status


def load_index_system(path: str | Path, name: str | None = None) -> IndicatorSystem:
    """Read an indicator system from a CSV (UTF-8).

    Required columns: ``indicator``, ``direction`` (``+``/``-``). Optional: ``criterion``,
    ``element``, ``source``, ``status``, the names and units in words (``name_zh``,
    ``name_en``, ``unit``, ``unit_zh``, ``unit_en``, ``decimals`` shown), and either ``weight``
    (overall weight) or the hierarchical ``criterion_weight``, ``element_weight``,
    ``indicator_weight_within_element``, from which the overall weight is
    w = w_criterion · w_element · w_within (``equal`` within an element = 1 / number of
    indicators in that element).
    """
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return _system_from_frame(frame, name or Path(path).stem, str(path))


def _system_from_frame(frame: pd.DataFrame, name: str, source_file: str) -> IndicatorSystem:
    errors = [
        InputError("missing column", file=source_file, column=c, expected="a column " + repr(c))
        for c in ("indicator", "direction")
        if c not in frame.columns
    ]
    if errors:
        raise InputErrors(errors)
    hierarchical = {"criterion_weight", "element_weight", "indicator_weight_within_element"}
    has_hierarchy = hierarchical <= set(frame.columns)
    group_sizes = (
        frame.groupby(["criterion", "element"])["indicator"].transform("size")
        if has_hierarchy
        else None
    )
    indicators = []
    seen: set[str] = set()
    for position, record in enumerate(frame.to_dict("records")):
        row = position + 2
        indicator = record["indicator"].strip()
        direction = record["direction"].strip()
        if direction not in _DIRECTIONS:
            errors.append(
                InputError(
                    f"direction {direction!r}",
                    file=source_file,
                    row=row,
                    column="direction",
                    expected="+ (higher is better) or - (lower is better)",
                )
            )
        if not indicator or indicator in seen:
            errors.append(
                InputError(
                    f"indicator {indicator!r} is blank or repeated",
                    file=source_file,
                    row=row,
                    column="indicator",
                    expected="a unique indicator name",
                )
            )
        seen.add(indicator)
        weight: float | None = None
        decimals: int | None = None
        status = record.get("status", "")
        try:
            if has_hierarchy and group_sizes is not None:
                within, status = _within_element_weight(
                    record["indicator_weight_within_element"], int(group_sizes.iloc[position])
                )
                weight = (
                    float(record["criterion_weight"]) * float(record["element_weight"]) * within
                )
            elif record.get("weight", "").strip():
                weight = float(record["weight"])
        except ValueError as exc:
            errors.append(InputError(f"weight is not a number: {exc}", file=source_file, row=row))
        if record.get("decimals", "").strip():
            try:
                decimals = int(record["decimals"])
            except ValueError:
                errors.append(
                    InputError(
                        f"decimals {record['decimals']!r} is not a whole number",
                        file=source_file,
                        row=row,
                        column="decimals",
                        expected="the number of decimals shown, e.g. 3",
                    )
                )
        indicators.append(
            Indicator(
                name=indicator,
                direction=direction,
                criterion=record.get("criterion", ""),
                element=record.get("element", ""),
                weight=weight,
                weight_status=status,
                source=record.get("source", ""),
                name_zh=record.get("name_zh", ""),
                name_en=record.get("name_en", ""),
                unit=record.get("unit", ""),
                unit_zh=record.get("unit_zh", ""),
                unit_en=record.get("unit_en", ""),
                decimals=decimals,
            )
        )
    system = IndicatorSystem(name=name, indicators=tuple(indicators))
    fixed = system.weights()
    if fixed is not None and not math.isclose(fixed.sum(), 1.0, abs_tol=1e-6):
        errors.append(
            InputError(
                f"the indicator weights sum to {fixed.sum():.6g}",
                file=source_file,
                expected="weights summing to 1",
            )
        )
    if errors:
        raise InputErrors(errors)
    return system


def _packaged(file: str, name: str) -> IndicatorSystem:
    with resources.files("carbonctl.evaluation").joinpath("data", file).open("rb") as handle:
        frame = pd.read_csv(handle, dtype=str, keep_default_na=False, encoding="utf-8")
    return _system_from_frame(frame, name, file)


def city_index_system() -> IndicatorSystem:
    """The 城市碳达峰碳中和行动指数 template (张保留 et al. 2023): 14 indicators, AHP weights from
    the paper's criterion and element weights, equal within an element (UNCONFIRMED)."""
    return _packaged(CITY_INDEX_FILE, "城市碳达峰碳中和行动指数 (张保留 et al. 2023)")


def seed_index_system() -> IndicatorSystem:
    """The default system of the seed policy (晋政办发〔2024〕53号 item 20): CO2 total and
    intensity, energy structure, energy intensity, resource efficiency, carbon sinks. The
    concrete metrics are carbonctl's choice (UNCONFIRMED); weights come from the data."""
    return _packaged(SEED_INDEX_FILE, "山西碳排放双控考评 (晋政办发〔2024〕53号)")


def platform_index_system() -> IndicatorSystem:
    """The assessment the platform runs on its own data (平台评价指标): CO2 intensity and its
    year-on-year change, CO2 per person (lower is better), non-coal share (higher is better)."""
    return _packaged(PLATFORM_INDEX_FILE, "平台城市评价 (platform city assessment)")


def burden_indicators() -> IndicatorSystem:
    """The entropy-index allocation's burden indicators (减排责任指标) and directions, ``+`` = a
    higher value means a larger burden: GDP per capita, CO2 intensity, CO2 per capita (+),
    non-coal share (−)."""
    return _packaged(BURDEN_INDICATORS_FILE, "减排责任指标 (burden indicators)")
