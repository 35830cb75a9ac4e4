"""Exact amounts of money: integer base units, never floats."""

from __future__ import annotations

import re
from typing import Final

import msgspec

__all__ = ["KNOWN_DIVISIBILITY", "Amount", "AmountError", "divisibility_for", "parse_base_units"]

KNOWN_DIVISIBILITY: Final[dict[str, int]] = {
    "BTC": 8,
    "BCH": 8,
    "LTC": 8,
    "ZEC": 8,
    "ETH": 18,
}
"""Decimals per coin, for the 0.13 generation whose frames carry only a code."""

MAX_DIGITS: Final = 60
"""Longer digit strings are not money but an attack on int() (and 10**60 is more than any supply)."""

MAX_DIVISIBILITY: Final = 30

_DIGITS = re.compile(rf"-?[0-9]{{1,{MAX_DIGITS}}}")


class AmountError(ValueError):
    """An amount that cannot be represented exactly."""


def divisibility_for(code: str) -> int:
    """Decimals of a coin code, testnet codes (``TBTC``) included; 8 when unknown.

    Only the older protocol generation needs this: 0.14 sends divisibility with
    every amount.
    """
    upper = code.upper()
    if upper in KNOWN_DIVISIBILITY:
        return KNOWN_DIVISIBILITY[upper]
    if upper.startswith("T") and upper[1:] in KNOWN_DIVISIBILITY:
        return KNOWN_DIVISIBILITY[upper[1:]]
    return 8


def parse_base_units(value: int | str) -> int:
    """Base units from a JSON integer (0.13) or a decimal digit string (0.14)."""
    if isinstance(value, bool):
        raise AmountError("amount is a boolean")
    if isinstance(value, int):
        if abs(value) >= 10**MAX_DIGITS:
            raise AmountError("amount out of range")
        return value
    text = value.strip()
    if not _DIGITS.fullmatch(text):
        raise AmountError(f"amount {value[:40]!r} is not a whole number of base units")
    return int(text)


def divisibility_from_multiplier(multiplier: int) -> int:
    """Decimals from 0.13's ``coinDivisibility`` (a power of ten such as 100000000).

    Some 0.13 builds already sent the number of decimals there; a small value is
    taken as such.
    """
    if 0 <= multiplier <= MAX_DIVISIBILITY:
        return multiplier
    digits = str(multiplier)
    if multiplier > 0 and digits.rstrip("0") == "1" and len(digits) - 1 <= MAX_DIVISIBILITY:
        return len(digits) - 1
    raise AmountError(f"coinDivisibility {multiplier} is not a power of ten")


class Amount(msgspec.Struct, frozen=True):
    """An amount of one coin: ``units`` / 10**``divisibility`` ``code``."""

    units: int
    """Signed integer of base units (satoshi, wei...)."""
    divisibility: int
    """Number of decimals of the coin: 8 for BTC, 18 for ETH."""
    code: str
    """Coin code exactly as sent, testnet prefix included (``TBTC``)."""

    def __post_init__(self) -> None:
        if not 0 <= self.divisibility <= MAX_DIVISIBILITY:
            raise AmountError(f"divisibility {self.divisibility} out of range")

    def decimal_text(self) -> str:
        """The exact value in decimal notation, trailing zeros trimmed (``0.00023422``)."""
        sign = "-" if self.units < 0 else ""
        digits = str(abs(self.units))
        if self.divisibility == 0:
            return sign + digits
        digits = digits.rjust(self.divisibility + 1, "0")
        whole, frac = digits[: -self.divisibility], digits[-self.divisibility :].rstrip("0")
        return f"{sign}{whole}.{frac}" if frac else f"{sign}{whole}"

    def format(self) -> str:
        """Human text with the coin code: ``0.00023422 LTC``."""
        return f"{self.decimal_text()} {self.code}".strip()

    def __str__(self) -> str:
        return self.format()
