"""Units for carbon accounting: one pint registry (openscm-units) with the energy and emission units
Chinese statistics use — tce (吨标准煤), 万t, 亿kWh, 万Nm3 — and the Chinese spellings users type.

Everything in carbonctl converts through this module; nobody multiplies by 10^4 by hand.
"""

from __future__ import annotations

import logging
import re
import unicodedata
import warnings
from functools import lru_cache

import pint
from openscm_units import unit_registry as _openscm_registry

from carbonctl.errors import UnitError

__all__ = [
    "GJ_PER_TCE",
    "GWP_CONTEXTS",
    "Q_",
    "conversion_factor",
    "normalise_unit_text",
    "parse_unit",
    "ureg",
]

#: The single registry. openscm-units brings the greenhouse gases and the GWP contexts; quantities
#: from two registries cannot be mixed, so carbonctl never creates another one.
ureg: pint.UnitRegistry = _openscm_registry
Q_ = ureg.Quantity

#: pint context names for the 100-year GWPs of IPCC SAR, AR4, AR5 and AR6.
GWP_CONTEXTS: dict[str, str] = {
    "SAR": "SARGWP100",
    "AR4": "AR4GWP100",
    "AR5": "AR5GWP100",
    "AR6": "AR6GWP100",
}

#: Standard coal equivalent (标准煤), GJ per tce: 1 kgce = 7000 kcal = 29.3076 MJ (GB/T 2589-2020,
#: 3.4). The one place the figure is written; the pint units tce and kgce are defined from it.
GJ_PER_TCE: float = 29.3076

_DEFINITIONS = [
    f"tce = {GJ_PER_TCE!r} * GJ",
    f"kgce = {GJ_PER_TCE!r} * MJ",  # GJ/t = MJ/kg
    "CO2e = CO2",
    "tCO2e = t * CO2e",
    "Nm3 = m ** 3",
]

# Compound units users type. pint would parse "3 万 t" with 万 as a number but not "万t", so each
# 万/亿 unit is defined explicitly (STACK.md). Values are pint expressions in the registry's units.
_ALIASES: dict[str, str] = {
    # mass
    "吨": "t",
    "万t": "1e4 * t",
    "万吨": "1e4 * t",
    "千克": "kg",
    "公斤": "kg",
    "kt": "1e3 * t",
    "千吨": "1e3 * t",
    "Mt": "1e6 * t",
    "百万吨": "1e6 * t",
    "亿吨": "1e8 * t",
    # volume (gas volumes are at standard conditions, 0 °C and 101.325 kPa)
    "立方米": "m ** 3",
    "m3": "m ** 3",
    "标准立方米": "Nm3",
    "标方": "Nm3",
    "万立方米": "1e4 * m ** 3",
    "万m3": "1e4 * m ** 3",
    "万Nm3": "1e4 * Nm3",
    "万标准立方米": "1e4 * Nm3",
    "万标方": "1e4 * Nm3",
    "亿立方米": "1e8 * m ** 3",
    "亿m3": "1e8 * m ** 3",
    "亿Nm3": "1e8 * Nm3",
    # electricity
    "千瓦时": "kWh",
    "度": "kWh",
    "万千瓦时": "1e4 * kWh",
    "万kWh": "1e4 * kWh",
    "兆瓦时": "MWh",
    "亿千瓦时": "1e8 * kWh",
    "亿kWh": "1e8 * kWh",
    "吉瓦时": "GWh",
    "太瓦时": "TWh",
    # heat / energy
    "千焦": "kJ",
    "兆焦": "MJ",
    "吉焦": "GJ",
    "太焦": "TJ",
    "拍焦": "PJ",
    "百万千焦": "GJ",
    "万吉焦": "1e4 * GJ",
    "万GJ": "1e4 * GJ",
    # standard coal
    "吨标准煤": "tce",
    "吨标煤": "tce",
    "万tce": "1e4 * tce",
    "万吨标准煤": "1e4 * tce",
    "万吨标煤": "1e4 * tce",
    "千克标准煤": "kgce",
    "千克标煤": "kgce",
    # emissions
    "tCO2": "t * CO2",
    "吨二氧化碳": "t * CO2",
    "万tCO2": "1e4 * t * CO2",
    "万吨二氧化碳": "1e4 * t * CO2",
    "MtCO2": "1e6 * t * CO2",
    "万tCO2e": "1e4 * tCO2e",
    # freight (tonne-kilometre, 吨公里) for product footprints' transport processes
    "tkm": "t * km",
    "吨公里": "t * km",
    "吨二氧化碳当量": "tCO2e",
    "万吨二氧化碳当量": "1e4 * tCO2e",
}

# What a unit may contain: letters (any script), digits, spaces and the operators pint reads.
# pint's tokenizer would silently drop other characters ("t!" -> t, "kg#x" -> kg).
_ALLOWED = re.compile(r"^[\w\s.^*/()\-]+$")
# Names pint knows but a Chinese user rarely means: pint's "ton" is the US short ton (907 kg).
_AMBIGUOUS = {"ton": "t (metric tonne)", "tons": "t (metric tonne)", "cal": "kcal or kJ"}
# "10^4 Nm3" at the start or after an operator ("GJ/10^4 Nm3") is the 万 unit.
_TEN_THOUSAND = re.compile(r"(?:^|(?<=[/*(]))\s*(?:10\^4|10\*\*4|10⁴|1e4)\s*(?=[^\W\d])")
_HUNDRED_MILLION = re.compile(r"(?:^|(?<=[/*(]))\s*(?:10\^8|10\*\*8|10⁸|1e8)\s*(?=[^\W\d])")


def _install_definitions(registry: pint.UnitRegistry) -> None:
    # A registry that already has them (module reloaded in a test run) is left alone: redefining
    # logs a warning per unit.
    if "tce" in registry:
        return
    logger = logging.getLogger("pint")
    previous = logger.level
    logger.setLevel(logging.ERROR)
    try:
        for definition in _DEFINITIONS:
            registry.define(definition)
        for name, expression in _ALIASES.items():
            if name not in registry:
                registry.define(f"{name} = {expression}")
    finally:
        logger.setLevel(previous)


_install_definitions(ureg)


def normalise_unit_text(text: str) -> str:
    """NFKC (full-width ｔ, ｍ³ …), trimmed, superscripts and 10^4 prefixes spelt as 万/亿."""
    cleaned = unicodedata.normalize("NFKC", str(text)).strip()
    cleaned = cleaned.replace("³", "3").replace("²", "2").replace("·", "*").replace("×", "*")
    cleaned = _TEN_THOUSAND.sub("万", cleaned)
    cleaned = _HUNDRED_MILLION.sub("亿", cleaned)
    # "万 Nm3" -> "万Nm3": the 万/亿 units are single names
    return re.sub(r"(?<=[万亿])\s+", "", cleaned)


@lru_cache(maxsize=4096)
def _parse(text: str) -> pint.Quantity:
    normalised = normalise_unit_text(text)
    if not normalised or not _ALLOWED.match(normalised):
        raise UnitError(text, "a unit such as t, 万t, kWh, 万Nm3, GJ")
    if normalised.lower() in _AMBIGUOUS:
        raise UnitError(text, _AMBIGUOUS[normalised.lower()])
    try:
        quantity = ureg.parse_expression(normalised)
    except Exception as exc:  # pint raises many types on junk input; all mean "not a unit"
        raise UnitError(text, "a unit such as t, 万t, kWh, 万Nm3, GJ") from exc
    if not isinstance(quantity, pint.Quantity) or quantity.dimensionless:
        raise UnitError(text, "a unit such as t, 万t, kWh, 万Nm3, GJ")
    return quantity


def parse_unit(text: str) -> pint.Quantity:
    """Parse a unit as users write it and return it as a quantity of 1 (scale included).

    ``parse_unit("万吨")`` is 10 000 t; ``parse_unit("10^4 Nm3")`` is 10 000 Nm3. Raises
    :class:`~carbonctl.errors.UnitError` naming the text when it is not a known unit.
    """
    return _parse(str(text))


@lru_cache(maxsize=4096)
def conversion_factor(from_unit: str, to_unit: str) -> float:
    """Multiply an amount in ``from_unit`` by this to express it in ``to_unit``.

    Raises :class:`~carbonctl.errors.UnitError` if the units are unknown or of different dimensions.
    """
    source = parse_unit(from_unit)
    target = parse_unit(to_unit)
    try:
        return float((source / target).to("dimensionless").magnitude)
    except pint.errors.DimensionalityError as exc:
        raise UnitError(from_unit, f"a unit convertible to {to_unit}") from exc


def is_convertible(from_unit: str, to_unit: str) -> bool:
    """True when both units parse and share a dimension."""
    try:
        conversion_factor(from_unit, to_unit)
    except UnitError:
        return False
    return True


def to_co2e(amount: float, gas: str, version: str = "AR5") -> float:
    """Convert a mass of ``gas`` in t to tCO2e with the pint GWP context of ``version``.

    The product's own cited GWP table (:func:`carbonctl.refdata.gwp`) also has the fossil-methane
    values that openscm-units does not carry; this is the pint path used for unit conversion.
    """
    try:
        context = GWP_CONTEXTS[version]
    except KeyError as exc:
        raise UnitError(version, f"one of {', '.join(GWP_CONTEXTS)}") from exc
    quantity = ureg.Quantity(amount, f"t {gas}")
    with warnings.catch_warnings():
        # globalwarmingpotentials (under openscm-units) still calls a deprecated importlib API
        # when the GWP contexts are first loaded; nothing we can fix here.
        warnings.simplefilter("ignore", DeprecationWarning)
        return float(quantity.to("t CO2", context).magnitude)
