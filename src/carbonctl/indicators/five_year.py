"""Five-year intensity targets (五年规划约束性指标) as frozen values, and the packaged reference
rows they come from (``indicators/data/targets.csv``, copied from ``shared/refdata/policy``).

The 15th plan (2026–2030) national target — CO2 intensity −17 %, no energy-intensity target — is
the default. No Shanxi CO2-intensity figure was found for either plan, so Shanxi's value is
configured by the user (:func:`five_year_target` with ``intensity_reduction=…``), never invented.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from numbers import Integral, Real
from pathlib import Path

import pandas as pd

from carbonctl.errors import InputError, RefdataError
from carbonctl.indicators.schedule import PLAN_LENGTH, Progress, progress, year_index

__all__ = [
    "CONFIGURED",
    "DEFAULT_PLAN",
    "NATIONAL",
    "PLAN_BASE_YEARS",
    "FiveYearTarget",
    "default_target",
    "five_year_target",
    "load_targets",
]

NATIONAL = "100000"
DEFAULT_PLAN = "15th FYP"
#: Base year (year 0) of each five-year plan: GDP for its intensities is at this year's prices.
PLAN_BASE_YEARS: dict[str, int] = {"14th FYP": 2020, "15th FYP": 2025}
#: Status of a value a user set rather than one taken from the reference data.
CONFIGURED = "CONFIGURED (user-set)"

_COLUMNS = ["region", "plan", "base_year", "measure", "value", "unit", "type", "status", "source"]


def _fraction(value: object, name: str, *, upper_open: bool = True) -> None:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise InputError(f"{name} {value!r} is not a number", column=name)
    if not 0.0 < value < 1.0 if upper_open else not 0.0 <= value < 1.0:
        raise InputError(
            f"{name} {value!r} is outside {'(0, 1)' if upper_open else '[0, 1)'}",
            column=name,
            expected="a fraction, e.g. 0.17 for −17 %",
        )


@dataclass(frozen=True)
class FiveYearTarget:
    """A region's targets for one five-year plan (五年规划目标).

    - ``intensity_reduction``: CO2-intensity reduction R over the plan (碳排放强度降低), a fraction.
    - ``energy_intensity_reduction``: energy-intensity reduction (能耗强度降低) or None (the 15th
      plan has none nationally).
    - ``binding``: 约束性 (True) or 预期性 (False).
    - ``cap_tco2``: total-emission cap over the plan (碳排放总量), if any.
    - ``incentive_level``: incentive target (激励目标) reduction, stricter than the base target.
    - ``reserve_share``: share of a budget held back as reserve (预留), if any.
    - ``status`` and ``source``: how firm the figures are and where they come from.
    """

    region: str
    plan: str
    base_year: int
    intensity_reduction: float
    energy_intensity_reduction: float | None
    binding: bool
    cap_tco2: float | None
    incentive_level: float | None
    reserve_share: float | None
    status: str
    source: str

    def __post_init__(self) -> None:
        if isinstance(self.base_year, bool) or not isinstance(self.base_year, Integral):
            raise InputError(f"base year {self.base_year!r} is not a whole year")
        _fraction(self.intensity_reduction, "intensity_reduction")
        if self.energy_intensity_reduction is not None:
            _fraction(self.energy_intensity_reduction, "energy_intensity_reduction")
        if self.incentive_level is not None:
            _fraction(self.incentive_level, "incentive_level")
        if self.reserve_share is not None:
            _fraction(self.reserve_share, "reserve_share", upper_open=False)
        if self.cap_tco2 is not None and (
            isinstance(self.cap_tco2, bool)
            or not isinstance(self.cap_tco2, Real)
            or not self.cap_tco2 > 0
            or not math.isfinite(self.cap_tco2)
        ):
            raise InputError(f"cap {self.cap_tco2!r} is not a positive tCO2 amount", column="cap")

    @property
    def final_year(self) -> int:
        """The plan's last year (base year + 5), when the target R must be met."""
        return self.base_year + PLAN_LENGTH

    @property
    def years(self) -> range:
        """The plan's years, base year excluded (2026..2030 for the 15th plan)."""
        return range(self.base_year + 1, self.final_year + 1)

    def year_index(self, year: int) -> int:
        """t = year − base year, checked to lie in 0..5."""
        return year_index(self.base_year, year)

    def progress(self, year: int, achieved: float | None = None) -> Progress:
        """CO2-intensity schedule progress in ``year`` (see :func:`~.schedule.progress`)."""
        return progress(self.intensity_reduction, self.base_year, year, achieved)

    def energy_progress(self, year: int, achieved: float | None = None) -> Progress:
        """Energy-intensity schedule progress; an error when the plan sets no such target."""
        if self.energy_intensity_reduction is None:
            raise InputError(f"{self.plan} for region {self.region} has no energy-intensity target")
        return progress(self.energy_intensity_reduction, self.base_year, year, achieved)


def load_targets(extra: Path | str | None = None) -> pd.DataFrame:
    """Reference target rows: the packaged ``indicators/data/targets.csv`` plus, if given, a CSV
    of the same layout (columns region, plan, base_year, measure, value, unit, type, status,
    source) that an administrator keeps — e.g. Shanxi's own 15th-plan figures once published.

    ``value`` is a percent, or text where the source gives no number (kept, read as missing).
    """
    tables = [_packaged()]
    if extra is not None:
        path = Path(extra)
        try:
            table = pd.read_csv(path, dtype=str, keep_default_na=False)
        except (OSError, pd.errors.ParserError) as exc:
            raise RefdataError(f"{path}: cannot read targets ({exc})") from exc
        missing = [c for c in _COLUMNS if c not in table.columns]
        if missing:
            raise InputError(
                "targets file has no column",
                file=str(path),
                column=missing[0],
                expected=f"columns {', '.join(_COLUMNS)}",
            )
        tables.append(table)
    return pd.concat(tables, ignore_index=True)


@lru_cache(maxsize=1)
def _packaged_cached() -> pd.DataFrame:
    resource = resources.files("carbonctl.indicators").joinpath("data/targets.csv")
    with resource.open("r", encoding="utf-8") as handle:
        return pd.read_csv(handle, dtype=str, keep_default_na=False)


def _packaged() -> pd.DataFrame:
    return _packaged_cached().copy()


def _percent(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value / 100.0 if math.isfinite(value) else None


def five_year_target(
    region: str = NATIONAL,
    plan: str = DEFAULT_PLAN,
    *,
    intensity_reduction: float | None = None,
    energy_intensity_reduction: float | None = None,
    cap_tco2: float | None = None,
    incentive_level: float | None = None,
    reserve_share: float | None = None,
    binding: bool | None = None,
    targets: pd.DataFrame | None = None,
) -> FiveYearTarget:
    """The target of ``region`` (adcode) for ``plan``, from the reference rows (``targets``,
    default :func:`load_targets`) with any of the keyword values overriding or filling them in.

    A value given here is recorded with status ``CONFIGURED (user-set)``. When the reference data
    has no CO2-intensity figure and none is given, :class:`~carbonctl.errors.RefdataError` says so
    (Shanxi: no published figure was found for the 14th or the 15th plan).
    """
    rows = load_targets() if targets is None else targets
    mine = rows[(rows["region"].astype(str) == str(region)) & (rows["plan"] == plan)]
    if plan in PLAN_BASE_YEARS:
        base_year = PLAN_BASE_YEARS[plan]
    elif len(mine):
        base_year = int(mine["base_year"].iloc[0])
    else:
        raise InputError(f"unknown plan {plan!r}", expected=f"one of {', '.join(PLAN_BASE_YEARS)}")

    def reference(measure: str) -> tuple[float | None, pd.Series | None]:
        found = mine[mine["measure"] == measure]
        if found.empty:
            return None, None
        row = found.iloc[-1]  # a later (administrator's) row wins over the packaged one
        return _percent(str(row["value"])), row

    co2_value, co2_row = reference("co2_intensity")
    energy_value, energy_row = reference("energy_intensity")
    statuses: list[str] = []
    sources: list[str] = []
    if intensity_reduction is None:
        if co2_value is None:
            note = f" (reference says: {co2_row['value']})" if co2_row is not None else ""
            raise RefdataError(
                f"no CO2-intensity target for region {region} in the {plan} reference data{note}; "
                "set it with intensity_reduction=…"
            )
        intensity_reduction = co2_value
        statuses.append(str(co2_row["status"]))
        sources.append(str(co2_row["source"]))
    else:
        statuses.append(CONFIGURED)
        sources.append("set by user")
    if energy_intensity_reduction is None and energy_value is not None:
        energy_intensity_reduction = energy_value
        statuses.append(str(energy_row["status"]))
        sources.append(str(energy_row["source"]))
    elif energy_intensity_reduction is not None:
        statuses.append(CONFIGURED)
    if binding is None:
        binding = co2_row is None or str(co2_row["type"]).startswith("binding")
    return FiveYearTarget(
        region=str(region),
        plan=plan,
        base_year=base_year,
        intensity_reduction=float(intensity_reduction),
        energy_intensity_reduction=energy_intensity_reduction,
        binding=binding,
        cap_tco2=cap_tco2,
        incentive_level=incentive_level,
        reserve_share=reserve_share,
        status="; ".join(dict.fromkeys(statuses)),
        source="; ".join(dict.fromkeys(sources)),
    )


def default_target() -> FiveYearTarget:
    """The 15th plan (2026–2030) national target: CO2 intensity −17 % vs 2025, binding."""
    return five_year_target(NATIONAL, DEFAULT_PLAN)
