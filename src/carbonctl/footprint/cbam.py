"""EU CBAM (Carbon Border Adjustment Mechanism) communication of an installation to the importers
of its goods, for iron and steel, aluminium and cement: the fields of the communication
template of Implementing Regulation (EU) 2023/1773 (installation, CN code, production route,
specific direct and indirect embedded emissions, electricity consumed and its emission factor,
precursors, reporting period, carbon price due), computed from a footprint study.

Per tonne of the good (the study's functional unit converted to t):

- direct emissions at the installation = Σ over installation processes p of supply(p) × the
  CBAM greenhouse gases p emits directly (CO2; CO2 and PFCs for aluminium, Annex I of
  Regulation (EU) 2023/956), characterised with the study's GWP method, / 1000 (kg -> t);
  installation processes default to the product's own (foreground) processes and the fuel
  combustion processes they use;
- electricity consumed (MWh/t) = Σ over the installation's technosphere inputs of electricity
  processes, amount × supply(consumer);
- its emission factor (tCO2/MWh) = the electricity processes' unit score weighted by use
  (the background grid processes' score is the grid factor);
- precursors: each listed input process made outside the installation, amount (t/t) × its
  embedded emissions (its ``cbam_see_direct`` / ``cbam_see_indirect`` columns from the
  supplier's own communication, tCO2e/t, or else its cradle-to-gate unit score counted as
  direct: an upper bound);
- specific direct embedded emissions SEE_dir = direct at the installation + Σ precursors'
  direct; SEE_ind = electricity × factor + Σ precursors' indirect.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from carbonctl.errors import CarbonctlError
from carbonctl.footprint.engine import unit_scores
from carbonctl.footprint.study import (
    StudyResult,
    characterisation_factors,
    site_processes,
)
from carbonctl.footprint.system import System
from carbonctl.refdata import load_table
from carbonctl.units import conversion_factor, is_convertible

__all__ = [
    "CBAM_GASES",
    "GOODS",
    "CbamCommunication",
    "CbamError",
    "CbamPrecursor",
    "cbam_communication",
    "cbam_good",
]

GOODS = ("steel", "aluminium", "cement")
#: Greenhouse gases CBAM counts for each good (Regulation (EU) 2023/956 Annex I).
CBAM_GASES: dict[str, tuple[str, ...]] = {
    "steel": ("CO2",),
    "cement": ("CO2",),
    "aluminium": ("CO2", "CF4 (PFC-14)", "C2F6 (PFC-116)"),
}


class CbamError(CarbonctlError):
    """A good outside the three CBAM goods handled here, or a study CBAM cannot use."""


@dataclass(frozen=True)
class CbamPrecursor:
    """A precursor bought in: ``amount`` t per t of the good and its embedded emissions
    (tCO2e per t of precursor) with the basis they come from."""

    process: str
    name: str
    amount: float
    direct: float
    indirect: float
    basis: str


@dataclass(frozen=True)
class CbamCommunication:
    """One good's CBAM communication; emissions in tCO2e per t of the good."""

    installation: Mapping[str, str]
    good: str
    cn_code: str
    cn_description: str
    production_route: str
    period_start: dt.date | None
    period_end: dt.date | None
    direct_at_installation: float
    electricity_mwh_per_t: float
    electricity_factor: float
    electricity_factor_source: str
    precursors: tuple[CbamPrecursor, ...]
    carbon_price: Mapping[str, Any] | None = None
    method: str = "AR6"
    cn_status: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def see_direct(self) -> float:
        return self.direct_at_installation + sum(p.amount * p.direct for p in self.precursors)

    @property
    def see_indirect(self) -> float:
        return self.electricity_mwh_per_t * self.electricity_factor + sum(
            p.amount * p.indirect for p in self.precursors
        )

    @property
    def see_total(self) -> float:
        return self.see_direct + self.see_indirect

    def as_dict(self) -> dict[str, Any]:
        """The communication as JSON-ready data (dates as ISO text)."""
        return {
            "installation": dict(self.installation),
            "reporting_period": {
                "start": self.period_start.isoformat() if self.period_start else None,
                "end": self.period_end.isoformat() if self.period_end else None,
            },
            "goods": [
                {
                    "good": self.good,
                    "cn_code": self.cn_code,
                    "cn_description": self.cn_description,
                    "production_route": self.production_route,
                    "unit": "tCO2e/t",
                    "specific_direct_embedded_emissions": self.see_direct,
                    "specific_indirect_embedded_emissions": self.see_indirect,
                    "specific_embedded_emissions": self.see_total,
                    "direct_emissions_at_installation": self.direct_at_installation,
                    "electricity_consumed_mwh_per_t": self.electricity_mwh_per_t,
                    "electricity_emission_factor_tco2_per_mwh": self.electricity_factor,
                    "electricity_emission_factor_source": self.electricity_factor_source,
                    "precursors": [asdict(p) for p in self.precursors],
                    "carbon_price_due": dict(self.carbon_price) if self.carbon_price else None,
                }
            ],
            "gwp_method": self.method,
            "notes": list(self.notes),
        }

    def rows(self) -> list[tuple[str, str, Any, str]]:
        """(section, field, value, unit) rows for an Excel sheet."""
        rows: list[tuple[str, str, Any, str]] = [
            ("installation", key, value, "") for key, value in self.installation.items()
        ]
        rows += [
            ("period", "start", self.period_start.isoformat() if self.period_start else "", ""),
            ("period", "end", self.period_end.isoformat() if self.period_end else "", ""),
            ("good", "good", self.good, ""),
            ("good", "cn_code", self.cn_code, ""),
            ("good", "cn_description", self.cn_description, ""),
            ("good", "production_route", self.production_route, ""),
            ("emissions", "specific_direct_embedded_emissions", self.see_direct, "tCO2e/t"),
            ("emissions", "specific_indirect_embedded_emissions", self.see_indirect, "tCO2e/t"),
            ("emissions", "specific_embedded_emissions", self.see_total, "tCO2e/t"),
            (
                "emissions",
                "direct_emissions_at_installation",
                self.direct_at_installation,
                "tCO2e/t",
            ),
            ("electricity", "consumed", self.electricity_mwh_per_t, "MWh/t"),
            ("electricity", "emission_factor", self.electricity_factor, "tCO2/MWh"),
            ("electricity", "emission_factor_source", self.electricity_factor_source, ""),
        ]
        for p in self.precursors:
            rows += [
                ("precursor", f"{p.process} amount", p.amount, "t/t"),
                ("precursor", f"{p.process} direct", p.direct, "tCO2e/t"),
                ("precursor", f"{p.process} indirect", p.indirect, "tCO2e/t"),
                ("precursor", f"{p.process} basis", p.basis, ""),
            ]
        for key, value in (self.carbon_price or {}).items():
            rows.append(("carbon_price", key, value, ""))
        return rows


def _digits(code: str) -> str:
    return re.sub(r"\D", "", str(code))


def cbam_good(cn_code: str) -> dict[str, str]:
    """The cbam_goods row covering ``cn_code`` (spaces optional; longest prefix wins):
    good, cn_code (the Annex I entry), description, greenhouse_gases, source, status."""
    digits = _digits(cn_code)
    if len(digits) < 4:
        raise CbamError(f"{cn_code!r} is not a CN code (expected 8 digits such as 2523 29 00)")
    table = load_table("cbam_goods")
    table["prefix"] = table["cn_code"].map(_digits)
    hits = table[[digits.startswith(p) for p in table["prefix"]]]
    if hits.empty:
        raise CbamError(
            f"CN code {cn_code} is not a CBAM good of iron and steel, aluminium or cement "
            "(CBAM also covers fertilisers, hydrogen and electricity, not handled here)"
        )
    row = hits.loc[hits["prefix"].str.len().idxmax()]
    return {k: str(v) for k, v in row.drop("prefix").items()}


def _column(processes: pd.DataFrame, name: str) -> pd.Series:
    if name in processes.columns:
        return processes[name].fillna("").astype(str).str.strip()
    return pd.Series([""] * len(processes), index=processes.index)


def cbam_communication(
    result: StudyResult,
    system: System,
    *,
    cn_code: str,
    installation: Mapping[str, str],
    production_route: str,
    installation_processes: Iterable[str] | None = None,
    electricity_processes: Iterable[str] | None = None,
    precursors: Iterable[str] = (),
    carbon_price: Mapping[str, Any] | None = None,
) -> CbamCommunication:
    """The CBAM communication of the good of ``result`` (see the module docstring).

    ``installation``: name (required), operator, address, country, unlocode, coordinates …;
    ``installation_processes``: the process ids at the installation (default: the product's
    own processes and their fuel combustion); ``electricity_processes`` (default: processes of
    category ``electricity``); ``precursors``: ids of bought-in precursor processes;
    ``carbon_price``: the carbon price due in the country of origin, e.g. ``{"amount": 90,
    "currency": "CNY", "per": "tCO2e", "instrument": "national ETS"}``.
    """
    good = cbam_good(cn_code)
    if good["good"] not in GOODS:
        raise CbamError(f"CN code {cn_code} is a CBAM {good['good']} good, not handled here")
    if not str(installation.get("name", "")).strip():
        raise CbamError("the CBAM communication needs the installation's name")
    study = result.study
    if not is_convertible(study.declared_unit, "t"):
        raise CbamError(
            f"CBAM emissions are per tonne; the study's declared unit {study.declared_unit!r} "
            "is not a mass"
        )
    tonnes = study.amount * conversion_factor(study.declared_unit, "t")
    processes = system.processes.reset_index(drop=True)
    ids = processes["id"].astype(str)
    known = set(ids)
    # amount of each process's product per functional unit (every process the product needs
    # is among the study's contributions)
    supply = {c.process: c.amount for c in result.contributions}
    inst = set(installation_processes) if installation_processes is not None else None
    inst = inst if inst is not None else site_processes(system)
    unknown = sorted((inst | set(precursors)) - known)
    if unknown:
        raise CbamError(f"unknown process ids: {', '.join(unknown)}")
    categories = _column(processes, "category")
    if electricity_processes is None:
        elec = set(ids[categories == "electricity"])
    else:
        elec = set(electricity_processes)

    gases = CBAM_GASES[good["good"]]
    factors = characterisation_factors(study.method)
    exchanges = system.exchanges
    bio = exchanges[(exchanges["type"] == "biosphere") & exchanges["input"].isin(gases)]
    direct_kg = sum(
        supply.get(str(c), 0.0) * float(a) * factors[str(g)]
        for c, g, a in zip(bio["consumer"], bio["input"], bio["amount"], strict=True)
        if str(c) in inst
    )

    tech = exchanges[exchanges["type"] == "technosphere"]
    units = dict(zip(ids, processes["unit"].astype(str), strict=True))
    names = dict(zip(ids, processes["name"].astype(str), strict=True))
    sources = dict(zip(ids, _column(processes, "source"), strict=True))
    scores = unit_scores(system, study.method)
    mwh = 0.0
    emitted = 0.0
    used_sources = []
    for consumer, input_, amount in zip(
        tech["consumer"], tech["input"], tech["amount"], strict=True
    ):
        consumer, input_ = str(consumer), str(input_)
        if consumer in inst and input_ in elec:
            used = supply.get(consumer, 0.0) * float(amount)
            per_mwh = conversion_factor(units[input_], "MWh")
            mwh += used * per_mwh
            emitted += used * scores[input_] / 1000  # kgCO2e per unit -> t
            if used and sources[input_] not in used_sources:
                used_sources.append(sources[input_] or input_)
    factor = emitted / mwh if mwh else 0.0

    columns = {c: _column(processes, c) for c in ("cbam_see_direct", "cbam_see_indirect")}
    found = []
    for precursor in precursors:
        if precursor in inst:
            raise CbamError(
                f"precursor {precursor!r} is made at the installation: its emissions are "
                "already in the direct emissions"
            )
        row = int(ids[ids == precursor].index[0])
        bought = sum(
            supply.get(str(c), 0.0) * float(a)
            for c, i, a in zip(tech["consumer"], tech["input"], tech["amount"], strict=True)
            if str(i) == precursor and str(c) in inst
        )
        per_t = conversion_factor(units[precursor], "t")
        amount_t = bought * per_t / tonnes
        given_direct = pd.to_numeric(columns["cbam_see_direct"][row], errors="coerce")
        if not math.isnan(given_direct):
            indirect = pd.to_numeric(columns["cbam_see_indirect"][row], errors="coerce")
            direct = float(given_direct)
            indirect = 0.0 if math.isnan(indirect) else float(indirect)
            basis = "supplier's CBAM communication (cbam_see_direct / cbam_see_indirect)"
        else:
            direct = scores[precursor] / 1000 / per_t  # kgCO2e per unit -> tCO2e per t
            indirect = 0.0
            basis = "cradle-to-gate unit score counted as direct (upper bound; no supplier data)"
        found.append(CbamPrecursor(precursor, names[precursor], amount_t, direct, indirect, basis))

    notes = [
        f"computed by carbonctl from the footprint study of {study.product} "
        f"({study.reference_period}, GWP100 {study.method})",
        f"greenhouse gases counted: {', '.join(gases)}",
    ]
    if not mwh:
        notes.append("no electricity consumed at the installation in the product system")
    return CbamCommunication(
        installation=dict(installation),
        good=good["good"],
        cn_code=str(cn_code).strip(),
        cn_description=good["description"],
        production_route=production_route,
        period_start=study.period_start,
        period_end=study.period_end,
        direct_at_installation=direct_kg / 1000 / tonnes,
        electricity_mwh_per_t=mwh / tonnes,
        electricity_factor=factor,
        electricity_factor_source="; ".join(used_sources),
        precursors=tuple(found),
        carbon_price=dict(carbon_price) if carbon_price else None,
        method=study.method,
        cn_status=good["status"],
        notes=tuple(notes),
    )
