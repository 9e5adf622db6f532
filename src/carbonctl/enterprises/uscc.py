"""Unified social credit codes (统一社会信用代码, GB 32100-2015): parse, check and complete them.

An 18-character code: registration authority (1), entity type (1), administrative division of
registration (6 digits, the adcode), organisation code (9) and a check character (1) computed
over the first 17 with weights 3^i mod 31 (GB 32100-2015, 4.2 and Annex A).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from carbonctl.errors import CarbonctlError

#: The 31 characters a code may use, in value order 0..30 (I, O, S, V and Z are excluded).
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUE = {char: value for value, char in enumerate(ALPHABET)}
#: Weight of position i (0-based) is 3^i mod 31.
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))


class InvalidCreditCode(CarbonctlError, ValueError):
    """A unified social credit code that is malformed or fails its check character."""


@dataclass(frozen=True)
class CreditCode:
    """The parts of a valid code."""

    code: str
    authority: str
    entity_type: str
    adcode: str
    organisation_code: str


def check_character(first17: str) -> str:
    """The 18th character for the given first 17 (GB 32100-2015 Annex A):
    C18 = 31 − (Σ value_i × weight_i mod 31), with 31 written as 0."""
    if len(first17) != 17 or any(c not in VALUE for c in first17):
        raise InvalidCreditCode(
            f"{first17!r} is not 17 characters of {ALPHABET} (I, O, S, V, Z are not used)"
        )
    total = sum(VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalise(code: object) -> str:
    """Upper case, full-width characters folded (ＡＢ → AB), spaces removed."""
    return "".join(unicodedata.normalize("NFKC", str(code)).split()).upper()


def parse_credit_code(code: object) -> CreditCode:
    """Validate a code and return its parts; raises :class:`InvalidCreditCode` saying why."""
    text = normalise(code)
    if len(text) != 18:
        raise InvalidCreditCode(f"{code!r} has {len(text)} characters; a code has 18")
    bad = sorted({c for c in text if c not in VALUE})
    if bad:
        raise InvalidCreditCode(
            f"{code!r} contains {''.join(bad)!r}; codes use {ALPHABET} (no I, O, S, V, Z)"
        )
    if not text[2:8].isdigit():
        raise InvalidCreditCode(f"{code!r}: characters 3-8 must be the 6-digit division code")
    expected = check_character(text[:17])
    if text[17] != expected:
        raise InvalidCreditCode(
            f"{code!r}: check character is {text[17]!r}, the first 17 characters give {expected!r}"
        )
    return CreditCode(text, text[0], text[1], text[2:8], text[8:17])


def is_valid_credit_code(code: object) -> bool:
    """True when ``code`` is a well-formed code with the right check character."""
    try:
        parse_credit_code(code)
    except InvalidCreditCode:
        return False
    return True
