"""Loading the packaged reference tables (参考数据表) and the factor sets administrators add, with
the name keys and close-match suggestions every look-up shares."""

from __future__ import annotations

import difflib
import os
import re
import unicodedata
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pandas as pd

from carbonctl.errors import RefdataError, UnknownNameError

#: Table name -> (file, what it holds). Factor-set tables may be extended from extra folders.
TABLES: dict[str, tuple[str, str]] = {
    "factor_sets": ("factor_sets.csv", "named factor sets and their sources"),
    "fuels": ("fuels.csv", "fuel catalogue: Chinese/English names, CEADs codes, physical units"),
    "fuel_factors": ("fuel_factors.csv", "NCV, carbon content, oxidation rate by factor set"),
    "standard_coal": ("standard_coal.csv", "standard-coal coefficients (GB/T 2589-2020)"),
    "grid_factors": ("grid_factors.csv", "electricity CO2 factors by year, region and basis"),
    "heat_factors": ("heat_factors.csv", "purchased-heat CO2 factor"),
    "process_factors": ("process_factors.csv", "industrial-process CO2 factors"),
    "process_materials": ("process_materials.csv", "process materials and how each is computed"),
    "gwp": ("gwp.csv", "100-year GWPs (SAR, AR4, AR5, AR6)"),
    "regions": ("regions.csv", "China, its provinces, Shanxi's cities and counties (adcodes)"),
    "labels": (
        "labels.csv",
        "Chinese and English labels of keys without a registry of their own (carbonctl.labels)",
    ),
    "ceads_layout": ("ceads_layout.csv", "CEADs 17 fuels x 47 sectors and key-industry mapping"),
    "ceads_shanxi_key_industries": (
        "ceads_shanxi_key_industries.csv",
        "CEADs Shanxi emissions by key industry, 2019 and 2022",
    ),
    "uncertainty_defaults": (
        "uncertainty_defaults.csv",
        "default 95% uncertainty ranges for Monte Carlo propagation",
    ),
    "shanxi_county_names_en": (
        "shanxi_county_names_en.csv",
        "English (pinyin) names of Shanxi's 117 county-level units",
    ),
    "gbt4754_2017": (
        "gbt4754_2017.csv",
        "GB/T 4754-2017 industries: 20 sections, 97 divisions, key industries",
    ),
    "electricity_use_classes": (
        "electricity_use_classes.csv",
        "全社会用电分类: the electricity-use classes of China's power statistics",
    ),
    "sector_mappings": (
        "sector_mappings.csv",
        "mappings between GB/T 4754-2017, electricity-use classes and CEADs sectors",
    ),
    "plausibility_bounds": (
        "plausibility_bounds.csv",
        "platform plausibility bounds of one input row's amount and parameters",
    ),
    "ets_power_benchmarks": (
        "ets_power_benchmarks.csv",
        "national ETS power-sector benchmarks by year, unit category and output basis",
    ),
    "ets_unit_categories": (
        "ets_unit_categories.csv",
        "national ETS power-unit categories with Chinese names and accepted spellings",
    ),
    "ets_rules": (
        "ets_rules.csv",
        "national ETS parameters by year: pre-allocation, gap cap, CCER limit, banking, deadlines",
    ),
    "enterprise_carbon_efficiency_grades": (
        "enterprise_carbon_efficiency_grades.csv",
        "enterprise carbon-efficiency grades (碳效码) and carbon levels: bands of K and L",
    ),
    "green_certificate_rules": (
        "green_certificate_rules.csv",
        "green electricity certificates (绿证) and green power: rules for accounting",
    ),
    "warning_rules_ets_shortfall": (
        "warning_rules_ets_shortfall.csv",
        "early-warning rules: ETS allowances short of the required surrender (配额清缴缺口)",
    ),
    "warning_rules_barometer": (
        "warning_rules_barometer.csv",
        "early-warning rules of the barometer kind (晴雨表): the carbon barometer",
    ),
    "warning_rules_budget_overuse": (
        "warning_rules_budget_overuse.csv",
        "early-warning rules: budget use beyond the pro-rated budget (预算超序时进度)",
    ),
    "warning_rules_budget_exhaustion": (
        "warning_rules_budget_exhaustion.csv",
        "early-warning rules: budget projected to run out before year end (预算预计提前用尽)",
    ),
    "warning_rules_fast_growth": (
        "warning_rules_fast_growth.csv",
        "early-warning rules: fast-growing sectors and regions (排放快速增长)",
    ),
    "warning_rules_enterprise_benchmark": (
        "warning_rules_enterprise_benchmark.csv",
        "early-warning rules: enterprises worse than the 基准 level (能效低于基准水平)",
    ),
    "warning_rules_late_data": (
        "warning_rules_late_data.csv",
        "early-warning rules: data not reported by its deadline (数据未按时报送)",
    ),
    "warning_rules_red_region_event": (
        "warning_rules_red_region_event.csv",
        "early-warning rules: workflow events in red regions (红色预警地区的项目)",
    ),
    "warning_rules_project_overrun": (
        "warning_rules_project_overrun.csv",
        "early-warning rules: projects emitting above the approved level "
        "(项目实际排放超出审查批复)",
    ),
    "energy_efficiency_benchmarks": (
        "energy_efficiency_benchmarks.csv",
        "energy-efficiency 标杆 and 基准 levels of industrial products (发改产业〔2021〕1609号, "
        "〔2023〕723号)",
    ),
    "five_year_plans": (
        "five_year_plans.csv",
        "five-year plans (五年规划): base year, years, national CO2-intensity target",
    ),
    "gb_energy_quota_levels": (
        "gb_energy_quota_levels.csv",
        "GB energy-consumption quota levels 1/2/3 of products (能耗限额, GB 16780, 21342 …)",
    ),
    "project_review_rules": (
        "project_review_rules.csv",
        "fixed-asset project energy review: thresholds, carbon evaluation, raw material, coal rate",
    ),
    "two_high_industries": (
        "two_high_industries.csv",
        "两高 industries (GB/T 4754-2017 classes) and Shanxi's prohibited new capacity",
    ),
    "meter_equipping_gb17167": (
        "meter_equipping_gb17167.csv",
        "GB 17167-2006 energy-meter equipping rates and accuracy classes by carrier and level",
    ),
    "meter_terms": (
        "meter_terms.csv",
        "what a meter measures (energy carriers, emission flows) and GB 17167 metering levels",
    ),
    "warning_rules_calibration_overdue": (
        "warning_rules_calibration_overdue.csv",
        "early-warning rules: meter calibration overdue or about to lapse (计量器具检定超期)",
    ),
    "activity_data_tiers": (
        "activity_data_tiers.csv",
        "data-quality tiers of activity rows by how they were measured, with uncertainties",
    ),
    "activity_carriers": (
        "activity_carriers.csv",
        "the metered energy carrier (meter_terms) of each fuel and of electricity and heat rows",
    ),
    "key_unit_criteria": (
        "key_unit_criteria.csv",
        "criteria of key energy-using units and national ETS units (重点用能和碳排放单位)",
    ),
    "footprint_materials": (
        "footprint_materials.csv",
        "cradle-to-gate footprints of key materials and transport per t·km (footprint background)",
    ),
    "footprint_fuel_upstream": (
        "footprint_fuel_upstream.csv",
        "fuels' upstream (extraction, processing, transport) footprints (footprint background)",
    ),
    "footprint_product_references": (
        "footprint_product_references.csv",
        "products' reference carbon footprints for label grades: cited industry averages",
    ),
    "footprint_label_grades": (
        "footprint_label_grades.csv",
        "product carbon label grades (碳标识等级): bands of ratio or percentile",
    ),
    "cbam_goods": (
        "cbam_goods.csv",
        "EU CBAM goods of iron and steel, aluminium and cement by CN code (Reg. (EU) 2023/956)",
    ),
}
EXTENSIBLE = ("factor_sets", "fuel_factors")


def extra_dirs() -> tuple[Path, ...]:
    """Folders named in ``CARBONCTL_REFDATA_DIRS`` (``os.pathsep``-separated).

    A ``fuel_factors*.csv`` there adds factor sets (same columns as the packaged file) and a
    ``factor_sets*.csv`` describes them; nothing else is read from them.
    """
    value = os.environ.get("CARBONCTL_REFDATA_DIRS", "")
    return tuple(Path(p) for p in value.split(os.pathsep) if p)


def _packaged(file: str) -> pd.DataFrame:
    with resources.files("carbonctl.refdata").joinpath("data", file).open("rb") as handle:
        return pd.read_csv(handle, dtype=str, keep_default_na=False)


@lru_cache(maxsize=64)
def cached_table(name: str, extras: tuple[Path, ...]) -> pd.DataFrame:
    """Reference table ``name`` with the additions found in ``extras``, cached per folder set.

    The frame is shared between callers: read it, never change it (:func:`load_table` copies).
    """
    try:
        file, _ = TABLES[name]
    except KeyError:
        raise UnknownNameError("reference table", name, close_matches(name, list(TABLES))) from None
    frames = [_packaged(file)]
    if name in EXTENSIBLE:
        stem = file.removesuffix(".csv")
        for folder in extras:
            for path in sorted(folder.glob(f"{stem}*.csv")):
                extra = pd.read_csv(path, dtype=str, keep_default_na=False)
                missing = set(frames[0].columns) - set(extra.columns)
                if missing:
                    raise RefdataError(f"{path}: missing columns {sorted(missing)}")
                frames.append(extra[frames[0].columns])
    table = pd.concat(frames, ignore_index=True)
    if "source" not in table.columns:
        raise RefdataError(f"reference table {name} has no source column")
    return table


def load_table(name: str) -> pd.DataFrame:
    """Return a copy of reference table ``name`` (all columns as text, as stored)."""
    return cached_table(name, extra_dirs()).copy()


def describe_tables() -> pd.DataFrame:
    """One row per reference table: name, rows, what it holds, and its status labels."""
    rows = []
    for name, (file, what) in TABLES.items():
        table = load_table(name)
        labels = sorted({status_label(s) for s in table["status"]}) if "status" in table else []
        rows.append(
            {
                "table": name,
                "file": file,
                "rows": len(table),
                "contents": what,
                "status": ", ".join(labels),
            }
        )
    return pd.DataFrame(rows)


#: The status labels a reference value's status text starts with (and may name again inside).
STATUS_WORDS = ("CONFIRMED", "SECONDARY", "UNCONFIRMED", "DESIGN PROPOSAL", "INFERRED")
_STATUS = re.compile(rf"^({'|'.join(STATUS_WORDS)})")


def status_label(status: str) -> str:
    """The leading label of a status text (``"SECONDARY (2x)"`` -> ``"SECONDARY"``)."""
    match = _STATUS.match(str(status).strip())
    return match.group(1) if match else "UNLABELLED"


# --- names -------------------------------------------------------------------------------------


def normalise_name(text: object) -> str:
    """Name key for lookups: NFKC, lower case, no spaces, underscores or hyphens."""
    cleaned = unicodedata.normalize("NFKC", str(text)).strip().lower()
    return re.sub(r"[\s_\-]+", "", cleaned)


def close_matches(name: str, candidates: list[str], n: int = 5) -> list[str]:
    """Up to ``n`` of ``candidates`` close to ``name``: those containing it (or it them) first."""
    key = normalise_name(name)
    keyed = {normalise_name(c): c for c in candidates}
    hits = difflib.get_close_matches(key, list(keyed), n=n, cutoff=0.4)
    contains = [c for k, c in keyed.items() if key and (key in k or k in key)]
    ordered = list(dict.fromkeys([*contains, *(keyed[h] for h in hits)]))
    return ordered[:n]
