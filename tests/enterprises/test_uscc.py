"""Unified social credit codes (GB 32100-2015): the check character and what is refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carbonctl.enterprises.uscc import (
    ALPHABET,
    InvalidCreditCode,
    check_character,
    is_valid_credit_code,
    parse_credit_code,
)


def test_a_complete_code_sums_to_zero_mod_31():
    """GB 32100-2015's verification form, independent of how the check character is derived:
    with weight 1 on the check character, the weighted sum of all 18 values is 0 mod 31."""
    from carbonctl.enterprises.uscc import VALUE, WEIGHTS

    first17 = "91140100MA0K1234X"
    code = first17 + check_character(first17)
    total = sum(VALUE[c] * w for c, w in zip(code, (*WEIGHTS, 1), strict=True))
    assert total % 31 == 0
    assert parse_credit_code(code).adcode == "140100"


def test_weights_are_powers_of_three_mod_31():
    from carbonctl.enterprises.uscc import WEIGHTS

    assert WEIGHTS[:6] == (1, 3, 9, 27, 19, 26)


def test_parts_and_normalisation():
    code = "91140000600037341" + check_character("91140000600037341")
    parsed = parse_credit_code(f" {code.lower()} ")
    assert (parsed.authority, parsed.entity_type, parsed.adcode) == ("9", "1", "140000")
    assert parsed.organisation_code == "600037341"


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91110000600037341", "17 characters"),
        ("91110000600037341M", "check character"),
        ("9111000060003734IL", "no I, O, S, V, Z"),
        ("91A10000600037341L", "division code"),
    ],
)
def test_bad_codes_say_why(code, reason):
    with pytest.raises(InvalidCreditCode, match=reason):
        parse_credit_code(code)
    assert not is_valid_credit_code(code)


@given(st.text(alphabet=ALPHABET, min_size=17, max_size=17).filter(lambda s: s[2:8].isdigit()))
def test_completed_codes_validate_and_one_changed_character_fails(first17):
    code = first17 + check_character(first17)
    assert is_valid_credit_code(code)
    changed = ALPHABET[(ALPHABET.index(code[9]) + 1) % 31]
    assert not is_valid_credit_code(code[:9] + changed + code[10:])
