"""Which of the node's wallets are worth a line in the window. Pure."""

from __future__ import annotations

from collections.abc import Iterable

from obnotify.core.events import CoinBalance, WalletBalances
from obnotify.core.money import Amount

__all__ = ["combined", "held_coins", "is_empty"]


def is_empty(coin: CoinBalance) -> bool:
    """Nothing confirmed and nothing on its way: a wallet the node keeps but the user never used.

    A node lists every coin it supports, so most rows would read 0 and 0 and
    push the one that holds money out of sight.
    """
    return coin.confirmed.units == 0 and coin.unconfirmed.units == 0


def held_coins(balances: WalletBalances) -> tuple[CoinBalance, ...]:
    """The coins with anything in them (or coming, or going), in the node's order."""
    return tuple(coin for coin in balances.coins if not is_empty(coin))


def combined(every: Iterable[WalletBalances]) -> WalletBalances:
    """Several nodes' wallets as one: the amounts of each coin added up, in code order.

    Coins are told apart by code and divisibility, so amounts are only ever
    added in the same base units.
    """
    totals: dict[tuple[str, int, int], CoinBalance] = {}
    for balances in every:
        for coin in balances.coins:
            key = (coin.code, coin.confirmed.divisibility, coin.unconfirmed.divisibility)
            held = totals.get(key)
            if held is None:
                totals[key] = coin
                continue
            totals[key] = CoinBalance(
                code=coin.code,
                name=held.name or coin.name,
                confirmed=_add(held.confirmed, coin.confirmed),
                unconfirmed=_add(held.unconfirmed, coin.unconfirmed),
                height=max(held.height, coin.height),
            )
    return WalletBalances(coins=tuple(totals[key] for key in sorted(totals)))


def _add(a: Amount, b: Amount) -> Amount:
    return Amount(a.units + b.units, a.divisibility, a.code)
