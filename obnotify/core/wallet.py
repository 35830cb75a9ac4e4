"""Which of the node's wallets are worth a line in the window. Pure."""

from __future__ import annotations

from obnotify.core.events import CoinBalance, WalletBalances

__all__ = ["held_coins", "is_empty"]


def is_empty(coin: CoinBalance) -> bool:
    """Nothing confirmed and nothing on its way: a wallet the node keeps but the user never used.

    A node lists every coin it supports, so most rows would read 0 and 0 and
    push the one that holds money out of sight.
    """
    return coin.confirmed.units == 0 and coin.unconfirmed.units == 0


def held_coins(balances: WalletBalances) -> tuple[CoinBalance, ...]:
    """The coins with anything in them (or coming, or going), in the node's order."""
    return tuple(coin for coin in balances.coins if not is_empty(coin))
