"""Empty wallets are left out of the balances; any amount, even one going out, keeps a coin."""

from __future__ import annotations

from obnotify.core.events import CoinBalance, WalletBalances
from obnotify.core.money import Amount
from obnotify.core.wallet import combined, held_coins, is_empty


def _coin(code: str, confirmed: int, unconfirmed: int) -> CoinBalance:
    return CoinBalance(
        code=code, confirmed=Amount(confirmed, 8, code), unconfirmed=Amount(unconfirmed, 8, code)
    )


def test_only_coins_holding_or_moving_money_are_kept_in_order() -> None:
    coins = (
        _coin("BCH", 0, 0),
        _coin("BTC", 2657, 0),
        _coin("LTC", 0, 0),
        _coin("TLTC", 0, -42),
        _coin("ZEC", 0, 1),
    )
    assert [c.code for c in held_coins(WalletBalances(coins=coins))] == ["BTC", "TLTC", "ZEC"]
    assert is_empty(coins[0]) and not is_empty(coins[3])


def test_all_empty_leaves_nothing() -> None:
    assert held_coins(WalletBalances(coins=(_coin("BTC", 0, 0),))) == ()


def test_several_nodes_add_up_per_coin_and_never_across_units() -> None:
    shop = WalletBalances(coins=(_coin("BTC", 2657, 100), _coin("LTC", 5, 0)))
    eth = CoinBalance(code="BTC", confirmed=Amount(1, 18, "BTC"), unconfirmed=Amount(0, 18, "BTC"))
    home = WalletBalances(coins=(_coin("BTC", 1, -50), eth))
    total = combined([shop, home])
    assert [(c.code, c.confirmed.units, c.unconfirmed.units) for c in total.coins] == [
        ("BTC", 2658, 50),
        ("BTC", 1, 0),
        ("LTC", 5, 0),
    ], "amounts of other base units are kept apart, not added"
    assert combined([]) == WalletBalances(coins=())
