"""Green electricity certificates (绿证, GEC) and green-power contracts (绿电交易) held by
enterprises and claimed by projects, counted once (green_certificate_rules.csv).

- 1 GEC = 1 MWh (发改能源〔2023〕1044号). A holding row gives a range of certificate serial
  numbers; its MWh must equal the number of certificates in the range.
- A certificate is the sole proof of the environmental attribute: each serial may be claimed by
  one holder (enterprise or project) for one year only. A green-power contract carries the
  certificates of its power (绿电交易 bundles the GECs), so its serials must not appear again as
  separate certificates, and a contract id appears once.
- In market-based accounting the green MWh count at 0 and the rest of the purchased electricity
  takes the residual-mix factor; green MWh beyond the electricity used are not counted (no
  negative emissions). The same green MWh raise a unit's or a project's renewable share.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from carbonctl.errors import InputError, InputErrors
from carbonctl.io.records import Column, read_records, validate_records

__all__ = [
    "HOLDING_COLUMNS",
    "MarketBased",
    "check_green_rows",
    "check_holdings",
    "green_mwh",
    "market_based_electricity",
    "read_holdings",
    "renewable_share",
]

HOLDING_COLUMNS: tuple[Column, ...] = (
    Column("holder", "text", aliases=("持有方", "enterprise", "企业")),
    Column("year", "year", aliases=("年度",)),
    Column("kind", "text", aliases=("类型",), expected="gec or contract (绿证/绿电合同)"),
    Column("mwh", minimum=0.0, aliases=("电量",)),
    Column("serial_from", "text", required=False, blank=True, aliases=("起始编号",)),
    Column("serial_to", "text", required=False, blank=True, aliases=("截止编号",)),
    Column("contract_id", "text", required=False, blank=True, aliases=("合同编号",)),
)

KINDS = {"gec": "gec", "绿证": "gec", "contract": "contract", "绿电合同": "contract"}


def read_holdings(path: str | Path, *, sheet: str | None = None) -> pd.DataFrame:
    return check_holdings(read_records(path, HOLDING_COLUMNS, sheet=sheet), source=str(path))


def _serial(text: object) -> tuple[str, int, int] | None:
    """A serial as (prefix, number, digits): the trailing digits are the number."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return None
    value = str(text).strip()
    digits = len(value) - len(value.rstrip("0123456789"))
    if digits == 0:
        return None
    return value[:-digits], int(value[-digits:]), digits


def check_holdings(holdings: pd.DataFrame, *, source: str = "<table>") -> pd.DataFrame:
    """The validated holdings with ``kind`` canonical and ``first``/``last`` serial numbers;
    :class:`InputErrors` for an MWh that is not the certificate count, a serial claimed twice
    (naming both rows), a contract id repeated, or a certificate row without serials."""
    table = validate_records(holdings, HOLDING_COLUMNS, source=source)
    errors: list[InputError] = []

    def error(row: int, column: str, message: str, expected: str) -> None:
        errors.append(InputError(message, file=source, row=row, column=column, expected=expected))

    ranges: list[tuple[str, int, int, int]] = []  # prefix, first, last, row
    width: dict[str, int] = {}  # prefix -> digits of its serials, to show them as written
    contracts: dict[str, int] = {}
    kinds, firsts, lasts, prefixes = [], [], [], []
    for number, row in table.iterrows():
        number = int(number)
        kind = KINDS.get(str(row["kind"]).strip().lower())
        kinds.append(kind)
        if kind is None:
            error(number, "kind", f"kind {row['kind']!r}", "gec or contract (绿证/绿电合同)")
        start, end = _serial(row["serial_from"]), _serial(row["serial_to"])
        first = last = None
        prefix = ""
        if start is None and end is None:
            if kind == "gec":
                error(number, "serial_from", "a certificate row without serial numbers",
                      "the first and last serial of the certificates")  # fmt: skip
        elif start is None or end is None or start[0] != end[0] or end[1] < start[1]:
            error(number, "serial_to", f"serials {row['serial_from']!r} to {row['serial_to']!r}",
                  "two serials with the same prefix, the last not below the first")  # fmt: skip
        else:
            prefix, first, last = start[0], start[1], end[1]
            width[prefix] = start[2]
            count = last - first + 1
            if abs(row["mwh"] - count) > 1e-9:
                error(number, "mwh", f"{row['mwh']:g} MWh for {count} certificates",
                      "1 MWh per certificate (1 GEC = 1 MWh)")  # fmt: skip
            ranges.append((prefix, first, last, number))
        contract = row["contract_id"]
        if contract:
            if contract in contracts:
                error(number, "contract_id",
                      f"contract {contract!r} already counted in row {contracts[contract]}",
                      "each green-power contract once")  # fmt: skip
            contracts.setdefault(contract, number)
        elif kind == "contract" and first is None:
            error(number, "contract_id", "a contract row without contract id or serials",
                  "the contract id or the serials of its certificates")  # fmt: skip
        firsts.append(first)
        lasts.append(last)
        prefixes.append(prefix)
    ranges.sort()
    reach: tuple[str, int, int] | None = None  # prefix, furthest last serial so far, its row
    for prefix, first, last, number in ranges:
        if reach is not None and reach[0] == prefix and first <= reach[1]:
            error(number, "serial_from",
                  f"certificates {prefix}{first:0{width[prefix]}d}.."
                  f"{prefix}{min(last, reach[1]):0{width[prefix]}d} are also "
                  f"claimed in row {reach[2]}",
                  "each certificate claimed once (no double counting)")  # fmt: skip
        if reach is None or reach[0] != prefix or last > reach[1]:
            reach = (prefix, last, number)
    if errors:
        raise InputErrors(sorted(errors, key=lambda e: e.row or 0))
    return table.assign(kind=kinds, prefix=prefixes, first=firsts, last=lasts)


def green_mwh(holdings: pd.DataFrame, holder: str, year: int) -> float:
    """MWh of certificates and contracts ``holder`` claims for ``year`` (checked holdings)."""
    chosen = holdings[(holdings["holder"] == holder) & (holdings["year"] == year)]
    return math.fsum(chosen["mwh"])


@dataclass(frozen=True)
class MarketBased:
    """Purchased electricity split into green (counted at 0) and the rest (residual mix)."""

    purchased_mwh: float
    green_counted_mwh: float
    green_unused_mwh: float
    residual_mwh: float
    factor_t_per_mwh: float
    tco2: float


def market_based_electricity(
    purchased_mwh: float, green: float, residual_factor_t_per_mwh: float
) -> MarketBased:
    """Market-based CO2 of purchased electricity: green MWh (at most what was used) at 0, the
    rest at the residual-mix factor (不包括市场化交易的非化石能源电量)."""
    if purchased_mwh < 0 or green < 0:
        raise ValueError("electricity and green MWh are not negative")
    counted = min(green, purchased_mwh)
    residual = purchased_mwh - counted
    return MarketBased(
        purchased_mwh=purchased_mwh,
        green_counted_mwh=counted,
        green_unused_mwh=green - counted,
        residual_mwh=residual,
        factor_t_per_mwh=residual_factor_t_per_mwh,
        tco2=residual * residual_factor_t_per_mwh,
    )


def renewable_share(consumed_mwh: float, green: float, own_renewable_mwh: float = 0.0) -> float:
    """Share of electricity that is renewable: own renewable generation used on site plus the
    certificates claimed, at most all of it (可再生能源电力消费占比)."""
    if consumed_mwh <= 0:
        return 0.0
    return min(green + own_renewable_mwh, consumed_mwh) / consumed_mwh


def check_green_rows(reported: dict[tuple[str, int], float], holdings: pd.DataFrame) -> None:
    """Green electricity reported at 0 by each (holder, year) must be backed by certificates it
    holds: :class:`InputErrors` naming the holder where more is reported than held."""
    errors = []
    for (holder, year), mwh in sorted(reported.items()):
        held = green_mwh(holdings, holder, year)
        if mwh > held + 1e-9:
            errors.append(
                InputError(
                    f"{holder} {year}: {mwh:g} MWh of green electricity reported, "
                    f"{held:g} MWh of certificates held",
                    column="green electricity",
                    expected="green electricity backed by certificates (1 GEC = 1 MWh)",
                )
            )
    if errors:
        raise InputErrors(errors)
