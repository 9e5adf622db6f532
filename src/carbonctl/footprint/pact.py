"""PACT (Partnership for Carbon Transparency, WBCSD) ProductFootprint JSON: export a study's
result, validated against the official schema, and import suppliers' footprints as processes.

The schema is the ``ProductFootprint`` of the PACT Technical Specifications v2.3.3 OpenAPI file
(``schema/pact-openapi-2.3.3.yaml``, kept unaltered with its licence; ``schema/README.md``
names the repository and commit). Numbers the schema types as Decimal are strings of a
dotted-decimal number; the ``decimal`` and ``date-time`` formats are checked too.

Export mapping (field by field in docs/footprint-disclosure.md): the declared unit becomes the
PACT declared unit it converts to (t -> kilogram with ``unitaryProductAmount`` 1000 per t, kWh,
MJ, m3, L, m2, t·km); ``pCfExcludingBiogenic`` is the score per declared unit (biogenic CO2 is
never in the score); ``fossilGhgEmissions`` is the score without non-fossil methane, which goes
to ``otherBiogenicGhgEmissions``; ``pCfIncludingBiogenic`` adds the biogenic CO2 emitted when
there is any. Carbon contents the study does not assess are reported as 0 and the comment says
so.

Import: each ProductFootprint becomes a process ``pact:<id>`` making one declared unit (kg, L,
m3, kWh, MJ, t*km, m^2) with a biosphere exchange ``CO2e`` = ``pCfExcludingBiogenic`` and, when
``pCfIncludingBiogenic`` is given, ``CO2 biogenic`` = the difference (kg CO2, may be negative).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pandas as pd
import yaml

from carbonctl.errors import CarbonctlError
from carbonctl.footprint.study import StudyResult
from carbonctl.footprint.system import System, system_from_tables
from carbonctl.units import conversion_factor, is_convertible

__all__ = [
    "SCHEMA_FILE",
    "SPEC_VERSION",
    "Assurance",
    "PactError",
    "PactValidationError",
    "company_urn",
    "export_pact",
    "import_pact",
    "pact_errors",
    "pact_tables",
    "product_footprint_schema",
    "product_urn",
    "read_pact",
    "validate_pact",
]

SPEC_VERSION = "2.3.3"
SCHEMA_FILE = Path(__file__).with_name("schema") / "pact-openapi-2.3.3.yaml"

#: PACT declared unit -> the carbonctl unit of an imported process (and of export conversions).
DECLARED_UNITS: dict[str, str] = {
    "kilogram": "kg",
    "liter": "L",
    "cubic meter": "m3",
    "kilowatt hour": "kWh",
    "megajoule": "MJ",
    "ton kilometer": "t*km",
    "square meter": "m^2",
}
_DECIMAL = re.compile(r"^-?\d+(\.\d+)?$")
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


class PactError(CarbonctlError):
    """A study that cannot be exported as PACT (a required field it lacks)."""


class PactValidationError(CarbonctlError):
    """A document that does not conform to the PACT ProductFootprint schema. ``problems`` lists
    (JSON path, message), e.g. ``("$.pcf.declaredUnit", "'ton' is not one of [...]")``."""

    def __init__(self, problems: Sequence[tuple[str, str]], source: str = "PACT document") -> None:
        self.problems = list(problems)
        self.source = source
        lines = [f"{path}: {message}" for path, message in self.problems[:20]]
        if len(self.problems) > 20:
            lines.append(f"... and {len(self.problems) - 20} more")
        super().__init__(f"{source} is not a valid PACT ProductFootprint:\n" + "\n".join(lines))


# --- schema -------------------------------------------------------------------------------------


@cache
def _openapi() -> dict:
    with SCHEMA_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@cache
def product_footprint_schema() -> dict:
    """The JSON Schema (2020-12, the dialect of OpenAPI 3.1) of a PACT ProductFootprint: the
    official components with a root reference to ``ProductFootprint``."""
    spec = _openapi()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": "#/components/schemas/ProductFootprint",
        "components": spec["components"],
    }


def _format_checker() -> jsonschema.FormatChecker:
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    checker = jsonschema.FormatChecker(formats=list(checker.checkers))

    @checker.checks("decimal")
    def _decimal(value: object) -> bool:
        return not isinstance(value, str) or bool(_DECIMAL.match(value))

    @checker.checks("date-time")
    def _date_time(value: object) -> bool:
        if not isinstance(value, str):
            return True
        if not _DATE_TIME.match(value):
            return False
        try:
            dt.datetime.fromisoformat(value.replace("z", "Z").replace("t", "T"))
        except ValueError:
            return False
        return True

    return checker


@cache
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        product_footprint_schema(), format_checker=_format_checker()
    )


def _path(prefix: str, parts: Iterable[Any]) -> str:
    text = prefix
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def _required_names(schema: Any) -> list[str]:
    if isinstance(schema, Mapping):
        return list(schema.get("required", [])) + [
            n for v in schema.values() for n in _required_names(v)
        ]
    if isinstance(schema, list):
        return [n for v in schema for n in _required_names(v)]
    return []


def pact_errors(document: Mapping, prefix: str = "$") -> list[tuple[str, str]]:
    """Every schema violation of one ProductFootprint as (JSON path, message), sorted by path."""
    problems = []
    for error in _validator().iter_errors(document):
        message = error.message
        if error.validator in ("oneOf", "anyOf"):
            # the geography rule: name the properties of the alternatives, not the whole object
            names = sorted(set(_required_names(error.schema[error.validator])))
            how = "more than one" if "valid under each" in message else "none"
            message = f"matches {how} of the alternatives of {error.validator} ({', '.join(names)})"
        problems.append((_path(prefix, error.absolute_path), message))
    return sorted(problems)


def validate_pact(document: Mapping, source: str = "PACT document") -> None:
    """Raise :class:`PactValidationError` listing every violation of the schema."""
    problems = pact_errors(document)
    if problems:
        raise PactValidationError(problems, source)


# --- export -------------------------------------------------------------------------------------


def _decimal(value: float) -> str:
    """A dotted-decimal string of ``value`` to 12 significant digits (no exponent)."""
    if value == 0:
        return "0"
    text = format(Decimal(f"{value:.12g}"), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _timestamp(value: dt.date | dt.datetime) -> str:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{value.isoformat()}T00:00:00Z"


#: Assurance levels of PACT (Methodology chapter 5): 有限保证 and 合理保证.
ASSURANCE_LEVELS = ("limited", "reasonable")
#: PACT's assurance boundaries for the study boundaries that have one.
ASSURANCE_BOUNDARIES = {"cradle-to-gate": "Cradle-to-Gate"}


@dataclass(frozen=True)
class Assurance:
    """A third party's assurance of a footprint (第三方核查), exported as PACT ``assurance``:
    the verification body, when it finished, limited or reasonable assurance, and the standard
    it verified against."""

    provider: str
    completed_at: dt.datetime
    level: str = "limited"
    standard: str = "ISO 14067:2018"
    comments: str = ""

    def __post_init__(self) -> None:
        if not self.provider.strip():
            raise PactError("an assurance names its provider (the verification body)")
        if self.level not in ASSURANCE_LEVELS:
            raise PactError(
                f"assurance level {self.level!r} is not one of {', '.join(ASSURANCE_LEVELS)}"
            )

    def to_pact(self, boundary: str) -> dict[str, Any]:
        out: dict[str, Any] = {
            "assurance": True,
            "coverage": "product level",
            "level": self.level,
            "providerName": self.provider,
            "completedAt": _timestamp(self.completed_at),
            "standardName": self.standard,
        }
        if boundary in ASSURANCE_BOUNDARIES:
            out["boundary"] = ASSURANCE_BOUNDARIES[boundary]
        if self.comments:
            out["comments"] = self.comments
        return out


def _declared(unit: str) -> tuple[str, float]:
    """The PACT declared unit ``unit`` converts to and how many of them one ``unit`` holds."""
    # energy in watt-hours stays kilowatt hour, other energy (GJ, tce) megajoule; volumes in
    # litres stay liter, other volumes (m3, Nm3) cubic meter
    order = list(DECLARED_UNITS)
    if "Wh" not in unit:
        order.remove("kilowatt hour")
    if not re.search(r"(^|[^a-zA-Z])[lL]$|liter|litre|升", unit):
        order.remove("liter")
    for declared in order:
        own = DECLARED_UNITS[declared]
        if is_convertible(unit, own):
            return declared, conversion_factor(unit, own)
    raise PactError(
        f"the declared unit {unit!r} has no PACT declared unit "
        f"(PACT {SPEC_VERSION} knows {', '.join(DECLARED_UNITS)})"
    )


def company_urn(code: str) -> str:
    """A company id as PACT recommends for a code of the data owner's own
    (``urn:pact:company:customcode:vendor-assigned:<code>``), e.g. a unified social credit code."""
    return f"urn:pact:company:customcode:vendor-assigned:{str(code).strip()}"


def product_urn(issuer_domain: str, product_id: str) -> str:
    """A product id in the PACT URN form ``urn:pact:<issuer domain>:product-id:<id>``."""
    return f"urn:pact:{issuer_domain.strip()}:product-id:{str(product_id).strip()}"


def _geography(code: str) -> dict[str, str]:
    code = str(code or "").strip()
    regions = _openapi()["components"]["schemas"]["CarbonFootprint"]["properties"][
        "geographyRegionOrSubregion"
    ]["enum"]
    if re.fullmatch(r"[A-Z]{2}-[A-Z0-9]{1,3}", code):
        return {"geographyCountrySubdivision": code}
    if re.fullmatch(r"[A-Z]{2}", code):
        return {"geographyCountry": code}
    if code in regions:
        return {"geographyRegionOrSubregion": code}
    return {}  # global


def _boundary_description(result: StudyResult) -> str:
    parts = []
    for stage in result.by_stage:
        names = [c.name for c in result.contributions if c.stage == stage][:6]
        parts.append(f"{stage}: {', '.join(names)}")
    return f"{result.study.boundary}; " + "; ".join(parts)


def export_pact(
    result: StudyResult,
    *,
    company_name: str,
    company_ids: Sequence[str],
    product_ids: Sequence[str],
    product_name: str | None = None,
    footprint_id: str | None = None,
    version: int = 1,
    created: dt.datetime | None = None,
    status: str = "Active",
    secondary_sources: Sequence[tuple[str, str]] = (),
    assurance: Assurance | None = None,
    validate: bool = True,
) -> dict:
    """The ProductFootprint of ``result`` (a dict ready for ``json.dumps``), validated against
    the official schema unless ``validate`` is false.

    ``company_ids`` and ``product_ids`` are URNs (:func:`company_urn`, :func:`product_urn`);
    ``footprint_id`` a UUID (a new one when None); ``secondary_sources`` (name, version) of the
    emission-factor databases behind the background processes; ``assurance`` the third-party
    verification, when there is one (a self-declared footprint has none).
    """
    study = result.study
    if not study.cpc_code.strip():
        raise PactError("a PACT footprint needs the product's UN CPC code (study cpc_code)")
    if result.score < 0:
        raise PactError(f"PACT footprints are >= 0; the study's score is {result.score:g}")
    if study.period_start is None or study.period_end is None:
        raise PactError("a PACT footprint needs the study's reference period (start and end)")
    declared, per_unit = _declared(study.declared_unit)
    units = study.amount * per_unit  # declared units in the functional unit
    per_declared = result.score / units
    non_fossil = max(result.by_gas.get("CH4 non-fossil", 0.0), 0.0) / units
    biogenic = result.biogenic_co2 / units
    comment = (
        f"Computed by carbonctl (GB/T 24067-2024 / ISO 14067), GWP100 {study.method}, "
        f"{study.boundary}, allocation {study.allocation}; functional unit {study.amount:g} "
        f"{study.declared_unit} of {study.product}. Fossil and biogenic carbon content of the "
        "product are not assessed and reported as 0."
    )
    if study.comment:
        comment += " " + study.comment
    pcf: dict[str, Any] = {
        "declaredUnit": declared,
        "unitaryProductAmount": _decimal(units),
        "pCfExcludingBiogenic": _decimal(per_declared),
        "fossilGhgEmissions": _decimal(per_declared - non_fossil),
        "fossilCarbonContent": "0",
        "biogenicCarbonContent": "0",
        "characterizationFactors": study.method,
        "ipccCharacterizationFactorsSources": [study.method],
        "crossSectoralStandardsUsed": ["ISO Standard 14067"],
        "crossSectoralStandards": ["ISO14067"],
        "productOrSectorSpecificRules": [
            {
                "operator": "Other",
                "ruleNames": ["GB/T 24067-2024"],
                "otherOperatorName": "Standardization Administration of China (SAC)",
            }
        ],
        "boundaryProcessesDescription": _boundary_description(result),
        "referencePeriodStart": _timestamp(study.period_start),
        # PACT's end is exclusive; the study's period end is the last day included
        "referencePeriodEnd": _timestamp(study.period_end + dt.timedelta(days=1)),
        **_geography(study.geography),
        "exemptedEmissionsPercent": float(study.cut_off_percent),
        "exemptedEmissionsDescription": study.cut_off_description,
        "packagingEmissionsIncluded": bool(study.packaging_included),
        "allocationRulesDescription": f"{study.allocation} allocation of co-products",
        "primaryDataShare": round(float(result.primary_data_share), 4),
    }
    if non_fossil:
        pcf["otherBiogenicGhgEmissions"] = _decimal(non_fossil)
    if biogenic:
        pcf["pCfIncludingBiogenic"] = _decimal(per_declared + biogenic)
    if declared == "kilogram":
        pcf["productMassPerDeclaredUnit"] = "1"
    if assurance is not None:
        pcf["assurance"] = assurance.to_pact(study.boundary)
    if secondary_sources:
        pcf["secondaryEmissionFactorSources"] = [
            {"name": name, "version": version_} for name, version_ in secondary_sources
        ]
    document = {
        "id": footprint_id or str(uuid.uuid4()),
        "specVersion": SPEC_VERSION,
        "version": int(version),
        "created": _timestamp(created or dt.datetime.now(dt.UTC)),
        "status": status,
        "companyName": company_name,
        "companyIds": list(company_ids),
        "productDescription": study.product_description or study.product,
        "productIds": list(product_ids),
        "productCategoryCpc": study.cpc_code.strip(),
        "productNameCompany": product_name or study.product,
        "comment": comment,
        "pcf": pcf,
    }
    if validate:
        validate_pact(document, f"PACT export of {study.product}")
    return document


# --- import -------------------------------------------------------------------------------------


def _footprints(document: Any) -> list[Mapping]:
    if isinstance(document, Mapping) and "data" in document and "pcf" not in document:
        document = document["data"]
    if isinstance(document, Mapping):
        return [document]
    if isinstance(document, list):
        return list(document)
    raise PactValidationError([("$", "expected a ProductFootprint object or a list of them")])


def pact_tables(document: Any, *, source: str = "PACT document") -> tuple[pd.DataFrame, ...]:
    """The processes and exchanges tables of suppliers' footprints (see the module docstring).

    ``document``: one ProductFootprint, a list of them, or a PACT API response
    (``{"data": ...}``). Every footprint is validated first; all violations are reported at once
    with their JSON path (``$[1].pcf.declaredUnit`` for the second of a list).
    """
    footprints = _footprints(document)
    many = len(footprints) > 1 or isinstance(document, list)
    problems = []
    for i, footprint in enumerate(footprints):
        if not isinstance(footprint, Mapping):
            problems.append((f"$[{i}]" if many else "$", "expected a ProductFootprint object"))
            continue
        problems += pact_errors(footprint, f"$[{i}]" if many else "$")
    if problems:
        raise PactValidationError(problems, source)
    processes, exchanges = [], []
    for footprint in footprints:
        pcf = footprint["pcf"]
        pid = f"pact:{footprint['id']}"
        geography = (
            pcf.get("geographyCountrySubdivision")
            or pcf.get("geographyCountry")
            or pcf.get("geographyRegionOrSubregion")
            or ""
        )
        share = pcf.get("primaryDataShare")
        processes.append(
            {
                "id": pid,
                "name": footprint["productNameCompany"],
                "unit": DECLARED_UNITS[pcf["declaredUnit"]],
                "location": geography,
                "category": "supplier",
                "company": footprint["companyName"],
                "company_ids": "; ".join(footprint["companyIds"]),
                "product_id": footprint["productIds"][0],
                "pact_id": footprint["id"],
                "pact_version": str(footprint["version"]),
                "pact_status": footprint["status"],
                "pact_spec_version": footprint["specVersion"],
                "pact_primary_data_share": "" if share is None else str(share),
                "reference_period": f"{pcf['referencePeriodStart']} / {pcf['referencePeriodEnd']}",
                "source": (
                    f"PACT ProductFootprint {footprint['id']} v{footprint['version']} "
                    f"by {footprint['companyName']}"
                ),
                "status": "SECONDARY (supplier-reported PACT footprint, not verified here)",
            }
        )
        excluding = float(pcf["pCfExcludingBiogenic"])
        exchanges.append(
            {"consumer": pid, "input": "CO2e", "amount": excluding, "unit": "kg",
             "type": "biosphere"}
        )  # fmt: skip
        if "pCfIncludingBiogenic" in pcf:
            biogenic = float(pcf["pCfIncludingBiogenic"]) - excluding
            if biogenic:
                exchanges.append(
                    {"consumer": pid, "input": "CO2 biogenic", "amount": biogenic, "unit": "kg",
                     "type": "biosphere"}
                )  # fmt: skip
    return pd.DataFrame(processes), pd.DataFrame(exchanges)


def import_pact(document: Any, *, name: str = "", source: str = "PACT document") -> System:
    """Suppliers' footprints as a :class:`~carbonctl.footprint.system.System` of one process
    each (merge it into a chain-leader's product system with ``merge_systems``)."""
    processes, exchanges = pact_tables(document, source=source)
    return system_from_tables(processes, exchanges, name=name or source, files=(source, source))


def read_pact(path: str | Path) -> System:
    """:func:`import_pact` of a JSON file (one footprint, a list, or an API response)."""
    path = Path(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise PactValidationError(
            [("$", f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")], str(path)
        ) from exc
    return import_pact(document, source=path.name)
