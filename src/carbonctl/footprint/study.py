"""A product carbon-footprint study (产品碳足迹研究, GB/T 24067-2024 / ISO 14067): the goal and
scope of one product's footprint — declared unit, boundary, allocation rule, GWP method,
reference period, geography, data-quality tiers — and its result computed by the footprint
engine: the score per functional unit, by gas, by life-cycle stage and process category, the
processes behind it and the share of primary data.

Life-cycle stages are the ``stage`` column of the processes (``raw_materials``, ``production``,
``distribution``, ``use``, ``end_of_life``). A process without a stage is counted in
``raw_materials`` when its ``category`` is ``material``, ``transport`` or ``supplier`` (inputs
bought in) and in ``production`` otherwise (the product's own steps and the energy they use,
including on-site combustion). A cradle-to-grave study needs use or end-of-life processes in
the product system; a cradle-to-gate study must not have any.

Primary data (PACT methodology §4.2): the share of the score from company-specific data — the
product's own foreground processes (``category`` ``foreground`` or blank) with the fuel
combustion they use on site (measured activity data), and suppliers' imported footprints
(``category`` ``supplier``, weighted by the supplier's own primary-data share when given in the
``pact_primary_data_share`` column). Other background processes are secondary data. The tier
shares (how the foreground's activity data were measured, :mod:`carbonctl.metrology`) are
reported beside it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from carbonctl.errors import CarbonctlError, InputError, UnknownNameError
from carbonctl.footprint.engine import compute
from carbonctl.footprint.system import System
from carbonctl.metrology.tiers import TIERS
from carbonctl.refdata import close_matches, load_table
from carbonctl.units import conversion_factor, parse_unit

__all__ = [
    "ALLOCATIONS",
    "BOUNDARIES",
    "FOREGROUND_CATEGORIES",
    "METHODS",
    "PRIMARY_CATEGORIES",
    "STAGES",
    "ProcessContribution",
    "Study",
    "StudyError",
    "StudyResult",
    "characterisation_factors",
    "direct_emissions",
    "process_stage",
    "run_study",
    "site_processes",
]

BOUNDARIES = ("cradle-to-gate", "cradle-to-grave")
ALLOCATIONS = ("mass", "economic", "energy", "none")
METHODS = ("AR5", "AR6")
STAGES = ("raw_materials", "production", "distribution", "use", "end_of_life")
GRAVE_STAGES = ("use", "end_of_life")
#: Categories of processes whose data are bought in (their stage defaults to raw_materials).
UPSTREAM_CATEGORIES = ("material", "transport", "supplier")
#: Categories of the product's own processes (the foreground model's steps; blank = own too).
FOREGROUND_CATEGORIES = ("", "foreground")
#: Categories counted as primary (company-specific) data.
PRIMARY_CATEGORIES = (*FOREGROUND_CATEGORIES, "supplier")


class StudyError(CarbonctlError):
    """A study whose scope is wrong: names the field and what was expected."""

    def __init__(self, field_name: str, message: str, expected: str = "") -> None:
        self.field = field_name
        self.expected = expected
        text = f"study {field_name}: {message}"
        if expected:
            text += f" (expected {expected})"
        super().__init__(text)


@dataclass(frozen=True)
class Study:
    """Goal and scope of a product footprint study.

    ``declared_unit`` and ``amount`` make the functional (or declared) unit: the score is for
    ``amount`` × ``declared_unit`` of the product (e.g. 1 t of coke). ``tier_shares`` maps the
    data-quality tiers of :data:`carbonctl.metrology.tiers.TIERS` to the share (0–1) of the
    foreground activity data measured that way (empty: not assessed). ``cut_off_percent`` is the
    share of emissions left out by the cut-off rule (PACT exempted emissions), 0–100.
    """

    product: str
    industry: str
    declared_unit: str
    amount: float = 1.0
    boundary: str = "cradle-to-gate"
    allocation: str = "none"
    method: str = "AR6"
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    geography: str = "CN-SX"
    cpc_code: str = ""
    cn_code: str = ""
    functional_unit: str = ""
    tier_shares: Mapping[str, float] = field(default_factory=dict)
    cut_off_percent: float = 0.0
    cut_off_description: str = ""
    packaging_included: bool = False
    product_description: str = ""
    comment: str = ""

    def __post_init__(self) -> None:
        if not str(self.product).strip():
            raise StudyError("product", "is blank", "the product's name")
        if self.boundary not in BOUNDARIES:
            raise StudyError("boundary", f"{self.boundary!r} is not known", " or ".join(BOUNDARIES))
        if self.allocation not in ALLOCATIONS:
            raise StudyError(
                "allocation", f"{self.allocation!r} is not known", ", ".join(ALLOCATIONS)
            )
        if self.method not in METHODS:
            raise StudyError("method", f"{self.method!r} is not known", " or ".join(METHODS))
        parse_unit(self.declared_unit)  # UnitError names the text
        if not (isinstance(self.amount, int | float) and math.isfinite(self.amount)) or (
            self.amount <= 0
        ):
            raise StudyError("amount", f"{self.amount!r}", "a number > 0")
        if (
            self.period_start is not None
            and self.period_end is not None
            and self.period_end < self.period_start
        ):
            raise StudyError("period_end", "is before period_start", "an end on or after the start")
        if not 0 <= float(self.cut_off_percent) <= 100:
            raise StudyError("cut_off_percent", f"{self.cut_off_percent!r}", "0 to 100")
        unknown = [t for t in self.tier_shares if t not in TIERS]
        if unknown:
            raise StudyError("tier_shares", f"unknown tier {unknown[0]!r}", ", ".join(TIERS))
        shares = [float(v) for v in self.tier_shares.values()]
        if any(not 0 <= s <= 1 for s in shares) or (shares and abs(sum(shares) - 1) > 1e-6):
            raise StudyError("tier_shares", f"{dict(self.tier_shares)}", "shares 0–1 summing to 1")
        object.__setattr__(self, "tier_shares", dict(self.tier_shares))

    @property
    def reference_period(self) -> str:
        """'2024-01-01 – 2024-12-31' (blank ends shown as …)."""
        start = self.period_start.isoformat() if self.period_start else "…"
        end = self.period_end.isoformat() if self.period_end else "…"
        return f"{start} – {end}"


@dataclass(frozen=True)
class ProcessContribution:
    """One process of the product system as the study sees it: how much of its product one
    functional unit needs (``amount`` in ``unit``) and the kgCO2e it emits directly for that."""

    process: str
    name: str
    stage: str
    category: str
    amount: float
    unit: str
    direct: float
    share: float
    location: str = ""
    source: str = ""
    status: str = ""


@dataclass(frozen=True)
class StudyResult:
    """A study's result. ``score`` is kgCO2e for the functional unit (``study.amount`` ×
    ``study.declared_unit``); ``by_gas`` in kgCO2e (``CO2 biogenic`` in kg CO2, not counted in
    the score); ``by_stage`` and ``by_category`` sum to the score; ``contributions`` lists every
    process the product needs, largest direct contribution first; ``primary_data_share`` is a
    percentage (0–100)."""

    study: Study
    demand_process: str
    method: str
    score: float
    by_gas: Mapping[str, float]
    by_stage: Mapping[str, float]
    by_category: Mapping[str, float]
    contributions: tuple[ProcessContribution, ...]
    top_processes: tuple[tuple[str, float], ...]
    primary_data_share: float
    biogenic_co2: float
    unit: str = "kgCO2e"

    @property
    def score_per_unit(self) -> float:
        """kgCO2e per one declared unit."""
        return self.score / self.study.amount

    @property
    def fossil_score(self) -> float:
        """The score without non-fossil (biogenic) methane, kgCO2e."""
        return self.score - self.by_gas.get("CH4 non-fossil", 0.0)


def characterisation_factors(method: str) -> dict[str, float]:
    """GWP100 of each gas under ``method`` (refdata gwp.csv), with ``CO2e`` = 1 and
    ``CO2 biogenic`` = 0 (kept by gas, never in the score)."""
    if method not in METHODS:
        raise StudyError("method", f"{method!r} is not known", " or ".join(METHODS))
    table = load_table("gwp")
    column = f"GWP100_{method}"
    factors = {
        str(row["gas"]): float(row[column]) for _, row in table.iterrows() if str(row[column])
    }
    factors["CO2e"] = 1.0
    factors["CO2 biogenic"] = 0.0
    return factors


def direct_emissions(system: System, method: str) -> dict[str, float]:
    """kgCO2e each process emits directly per unit of its product (its biosphere exchanges
    characterised with ``method``)."""
    factors = characterisation_factors(method)
    bio = system.exchanges[system.exchanges["type"] == "biosphere"]
    out: dict[str, float] = {}
    for consumer, gas, amount in zip(bio["consumer"], bio["input"], bio["amount"], strict=True):
        out[str(consumer)] = out.get(str(consumer), 0.0) + float(amount) * factors.get(
            str(gas), 0.0
        )
    return out


def _column(processes: pd.DataFrame, name: str) -> pd.Series:
    if name in processes.columns:
        return processes[name].fillna("").astype(str).str.strip()
    return pd.Series([""] * len(processes), index=processes.index)


def site_processes(system: System) -> set[str]:
    """The product's own processes (category ``foreground`` or blank) and the fuel-combustion
    processes (category ``fuel``, ``combustion`` in the id or 燃烧 in the name) they use
    directly: the emissions at the product's site."""
    processes = system.processes
    categories = _column(processes, "category")
    ids = processes["id"].astype(str)
    names = processes["name"].astype(str)
    own = set(ids[categories.isin(FOREGROUND_CATEGORIES)])
    combustion = {
        ids[i]
        for i in processes.index
        if categories[i] == "fuel" and ("combustion" in ids[i] or "燃烧" in names[i])
    }
    tech = system.exchanges[system.exchanges["type"] == "technosphere"]
    used = set(tech.loc[tech["consumer"].astype(str).isin(own), "input"].astype(str))
    return own | (combustion & used)


def process_stage(stage: str, category: str) -> str:
    """The life-cycle stage a process counts in (module docstring: blank stages)."""
    if stage:
        return stage
    return "raw_materials" if category in UPSTREAM_CATEGORIES else "production"


def _check_stages(processes: pd.DataFrame) -> None:
    stages = _column(processes, "stage")
    errors = [
        InputError(
            f"unknown life-cycle stage {value!r}",
            file="processes",
            row=int(i) + 2,
            column="stage",
            expected=", ".join(STAGES) + " or blank",
        )
        for i, value in stages.items()
        if value and value not in STAGES
    ]
    if errors:
        raise errors[0]


def _check_boundary(study: Study, processes: pd.DataFrame, needed: set[str]) -> None:
    stages = _column(processes, "stage")
    ids = processes["id"].astype(str)
    grave_rows = [
        (int(i), ids[i]) for i in processes.index if stages[i] in GRAVE_STAGES and ids[i] in needed
    ]
    if study.boundary == "cradle-to-grave" and not grave_rows:
        raise InputError(
            "the study's boundary is cradle-to-grave but no process the product needs is "
            "marked use or end_of_life",
            file="processes",
            column="stage",
            expected="use and end-of-life processes linked to the demanded product",
        )
    if study.boundary == "cradle-to-gate" and grave_rows:
        row, process = grave_rows[0]
        raise InputError(
            f"process {process!r} is in the {stages[row]} stage, outside a cradle-to-gate boundary",
            file="processes",
            row=row + 2,
            column="stage",
            expected="raw_materials, production or distribution (or a cradle-to-grave study)",
        )


def run_study(study: Study, system: System, demand_process: str) -> StudyResult:
    """Compute ``study`` on ``system`` for ``study.amount`` × ``study.declared_unit`` of the
    product made by process ``demand_process`` (its unit must convert from the declared unit).
    """
    processes = system.processes.reset_index(drop=True)
    ids = processes["id"].astype(str)
    if demand_process not in set(ids):
        raise UnknownNameError("process", demand_process, close_matches(demand_process, list(ids)))
    _check_stages(processes)
    row = processes.loc[ids == demand_process].iloc[0]
    amount = study.amount * conversion_factor(study.declared_unit, str(row["unit"]))
    result = compute(system, {"study": {demand_process: amount}}, method=study.method, top=10)
    score = float(result.scores["study"])
    supply = {str(k): float(v) for k, v in result.supply["study"].items() if v}
    _check_boundary(study, processes, set(supply))

    direct = direct_emissions(system, study.method)
    stages = _column(processes, "stage")
    categories = _column(processes, "category")
    extras = {c: _column(processes, c) for c in ("location", "source", "status")}
    primary_weight = pd.to_numeric(_column(processes, "pact_primary_data_share"), errors="coerce")
    contributions = []
    by_stage: dict[str, float] = {}
    by_category: dict[str, float] = {}
    primary = 0.0
    site = site_processes(system)
    for i in processes.index:
        pid = ids[i]
        if pid not in supply:
            continue
        emitted = supply[pid] * direct.get(pid, 0.0)
        stage = process_stage(stages[i], categories[i])
        category = categories[i] or "foreground"
        by_stage[stage] = by_stage.get(stage, 0.0) + emitted
        by_category[category] = by_category.get(category, 0.0) + emitted
        if categories[i] in PRIMARY_CATEGORIES or pid in site:
            weight = 1.0
            if categories[i] == "supplier" and not math.isnan(primary_weight[i]):
                weight = float(primary_weight[i]) / 100
            primary += emitted * weight
        contributions.append(
            ProcessContribution(
                process=pid,
                name=str(processes.at[i, "name"]),
                stage=stage,
                category=category,
                amount=supply[pid],
                unit=str(processes.at[i, "unit"]),
                direct=emitted,
                share=emitted / score if score else 0.0,
                location=extras["location"][i],
                source=extras["source"][i],
                status=extras["status"][i],
            )
        )
    contributions.sort(key=lambda c: (-abs(c.direct), c.process))
    by_gas = {str(g): float(v) for g, v in result.by_gas["study"].items()}
    share = min(max(100 * primary / score, 0.0), 100.0) if score > 0 else 0.0
    return StudyResult(
        study=study,
        demand_process=demand_process,
        method=study.method,
        score=score,
        by_gas=by_gas,
        by_stage={s: by_stage[s] for s in STAGES if s in by_stage},
        by_category=dict(sorted(by_category.items(), key=lambda kv: -kv[1])),
        contributions=tuple(contributions),
        top_processes=tuple((str(p), float(s)) for p, s in result.top_processes["study"]),
        primary_data_share=share,
        biogenic_co2=float(by_gas.get("CO2 biogenic", 0.0)),
    )
