"""Exact amounts: base units of both generations, decimals per coin, text without floats."""

from __future__ import annotations

import pytest

from obnotify.core.money import (
    MAX_DIGITS,
    Amount,
    AmountError,
    divisibility_for,
    divisibility_from_multiplier,
    parse_base_units,
)


@pytest.mark.parametrize(
    ("units", "decimals", "code", "text"),
    [
        (23422, 8, "LTC", "0.00023422 LTC"),
        (2657, 8, "BTC", "0.00002657 BTC"),
        (0, 8, "BTC", "0 BTC"),
        (100000000, 8, "BTC", "1 BTC"),
        (150000000, 8, "BTC", "1.5 BTC"),
        (2100000000000000, 8, "BTC", "21000000 BTC"),
        (-27236, 8, "LTC", "-0.00027236 LTC"),
        (-100000000, 8, "LTC", "-1 LTC"),
        (1, 18, "TETH", "0.000000000000000001 TETH"),
        (-1, 18, "TETH", "-0.000000000000000001 TETH"),
        (1000000000000000001, 18, "TETH", "1.000000000000000001 TETH"),
        (1500000000000000000, 18, "ETH", "1.5 ETH"),
        (10**59, 18, "TETH", "100000000000000000000000000000000000000000 TETH"),
        (123456789012345678901234567890, 18, "TETH", "123456789012.34567890123456789 TETH"),
        (42, 0, "PTS", "42 PTS"),
        (-42, 0, "PTS", "-42 PTS"),
        (7, 2, "USD", "0.07 USD"),
        (1, 30, "X", "0.000000000000000000000000000001 X"),
        (5, 8, "", "0.00000005"),
    ],
)
def test_format(units: int, decimals: int, code: str, text: str) -> None:
    amount = Amount(units, decimals, code)
    assert amount.format() == text
    assert str(amount) == text
    assert amount.decimal_text() == text.split(" ")[0]


def test_divisibility_range() -> None:
    with pytest.raises(AmountError):
        Amount(1, -1, "BTC")
    with pytest.raises(AmountError):
        Amount(1, 31, "BTC")
    assert Amount(1, 30, "X").divisibility == 30


def test_amount_is_a_value() -> None:
    assert Amount(1, 8, "BTC") == Amount(1, 8, "BTC")
    assert Amount(1, 8, "BTC") != Amount(1, 8, "TBTC")
    assert Amount(100, 2, "X") != Amount(1, 0, "X")
    assert len({Amount(1, 8, "BTC"), Amount(1, 8, "BTC")}) == 1


@pytest.mark.parametrize(
    ("value", "units"),
    [
        (0, 0),
        (21756, 21756),
        (-27236, -27236),
        ("0", 0),
        ("23422", 23422),
        ("-27236", -27236),
        ("007", 7),
        ("-0", 0),
        (" 5 ", 5),
        ("9" * MAX_DIGITS, int("9" * MAX_DIGITS)),
        (10**MAX_DIGITS - 1, 10**MAX_DIGITS - 1),
        (-(10**MAX_DIGITS - 1), -(10**MAX_DIGITS - 1)),
    ],
)
def test_parse_base_units(value: int | str, units: int) -> None:
    assert parse_base_units(value) == units


@pytest.mark.parametrize(
    "value",
    [
        True,
        False,
        "",
        " ",
        "1.5",
        "1e5",
        "0x10",
        "+5",
        "--5",
        "1_000",
        "1,000",
        "\u0661\u0662",
        "\uff11",
        "5 BTC",
        "NaN",
        "Infinity",
        "9" * (MAX_DIGITS + 1),
        "1" * 100,
        10**MAX_DIGITS,
        -(10**MAX_DIGITS),
    ],
)
def test_parse_base_units_rejects(value: int | str) -> None:
    """Only plain ASCII digits: ``int()`` alone would take underscores, '+' and other scripts' digits."""
    with pytest.raises(AmountError):
        parse_base_units(value)


def test_parse_error_message_is_short() -> None:
    with pytest.raises(AmountError) as info:
        parse_base_units("x" * 10_000)
    assert len(str(info.value)) < 100


@pytest.mark.parametrize(
    ("code", "decimals"),
    [
        ("BTC", 8),
        ("BCH", 8),
        ("LTC", 8),
        ("ZEC", 8),
        ("ETH", 18),
        ("TETH", 18),
        ("teth", 18),
        ("TBTC", 8),
        ("eth", 18),
        ("XMR", 8),
        ("", 8),
        ("T", 8),
        ("TTETH", 8),
    ],
)
def test_divisibility_for(code: str, decimals: int) -> None:
    assert divisibility_for(code) == decimals


@pytest.mark.parametrize(
    ("multiplier", "decimals"),
    [
        (100000000, 8),
        (10**18, 18),
        (1000, 3),
        (10**30, 30),
        (8, 8),
        (18, 18),
        (0, 0),
        (30, 30),
    ],
)
def test_divisibility_from_multiplier(multiplier: int, decimals: int) -> None:
    assert divisibility_from_multiplier(multiplier) == decimals


@pytest.mark.parametrize("multiplier", [-1, -100000000, 31, 12345, 200, 10**31, 99999999])
def test_divisibility_from_multiplier_rejects(multiplier: int) -> None:
    with pytest.raises(AmountError):
        divisibility_from_multiplier(multiplier)
