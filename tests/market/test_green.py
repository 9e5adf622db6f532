"""Green certificates and green-power contracts: 1 GEC = 1 MWh, each certificate claimed once,
contracts once, market-based electricity never below zero, and green electricity reported at 0
only when certificates back it."""

from __future__ import annotations

import pandas as pd
import pytest

from carbonctl.errors import InputErrors
from carbonctl.market.green import (
    check_green_rows,
    check_holdings,
    green_mwh,
    market_based_electricity,
    renewable_share,
)


def holding(holder="E1", year=2024, kind="gec", mwh=100.0, first="GEC-0001", last="GEC-0100",
            contract=None) -> dict:  # fmt: skip
    return {"holder": holder, "year": year, "kind": kind, "mwh": mwh, "serial_from": first,
            "serial_to": last, "contract_id": contract}  # fmt: skip


def test_certificates_count_one_mwh_each_and_sum_per_holder_and_year():
    table = check_holdings(
        pd.DataFrame(
            [
                holding(),
                holding(first="GEC-0101", last="GEC-0150", mwh=50),
                holding(holder="P1", first="GEC-0151", last="GEC-0160", mwh=10),
                holding(kind="绿电合同", first=None, last=None, mwh=300, contract="GP-1"),
            ]
        )
    )
    assert green_mwh(table, "E1", 2024) == 450.0
    assert green_mwh(table, "P1", 2024) == 10.0
    assert green_mwh(table, "E1", 2023) == 0.0
    with pytest.raises(InputErrors, match=r"row 2.*99 MWh for 100 certificates"):
        check_holdings(pd.DataFrame([holding(mwh=99)]))


def test_a_certificate_claimed_twice_is_refused_naming_both_rows():
    table = pd.DataFrame(
        [
            holding(first="GEC-0001", last="GEC-1000", mwh=1000),
            holding(holder="E2", first="GEC-0500", last="GEC-0500", mwh=1),
            holding(holder="P9", first="GEC-0900", last="GEC-1100", mwh=201),
            holding(first="OTHER-0500", last="OTHER-0500", mwh=1),  # another series: fine
        ]
    )
    with pytest.raises(InputErrors) as caught:
        check_holdings(table, source="gec.csv")
    errors = caught.value.errors
    assert [e.row for e in errors] == [3, 4]
    assert all("also claimed in row 2" in str(e) for e in errors)
    assert "GEC-0900..GEC-1000" in str(errors[1])


def test_a_contract_counted_twice_or_a_gec_without_serials_is_refused():
    with pytest.raises(InputErrors, match="contract 'GP-1' already counted in row 2"):
        check_holdings(
            pd.DataFrame(
                [
                    holding(kind="contract", first=None, last=None, contract="GP-1"),
                    holding(holder="E2", kind="contract", first=None, last=None, contract="GP-1"),
                ]
            )
        )
    with pytest.raises(InputErrors, match="certificate row without serial"):
        check_holdings(pd.DataFrame([holding(first=None, last=None)]))


def test_market_based_electricity_counts_green_at_zero_and_never_below_zero():
    split = market_based_electricity(1000.0, 300.0, 0.5856)
    assert split.residual_mwh == 700.0
    assert split.tco2 == pytest.approx(700.0 * 0.5856)
    over = market_based_electricity(1000.0, 1500.0, 0.5856)
    assert over.tco2 == 0.0 and over.green_counted_mwh == 1000.0
    assert over.green_unused_mwh == 500.0
    assert renewable_share(1000.0, 300.0, 100.0) == pytest.approx(0.4)
    assert renewable_share(1000.0, 1500.0) == 1.0


def test_green_electricity_reported_must_be_backed_by_certificates():
    table = check_holdings(pd.DataFrame([holding()]))
    check_green_rows({("E1", 2024): 100.0}, table)
    with pytest.raises(InputErrors, match=r"E1 2024: 120 MWh .* 100 MWh of certificates"):
        check_green_rows({("E1", 2024): 120.0}, table)
