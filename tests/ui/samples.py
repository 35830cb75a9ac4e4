"""Sample history and balances for the widget tests and the window screenshot."""

from __future__ import annotations

import json

from obnotify.core.events import CoinBalance, WalletBalances
from obnotify.core.money import Amount
from obnotify.store.database import Store
from obnotify.store.row import HistoryRow

NOW = 1_760_000_000.0
"""The tests' fixed "now" (Unix seconds)."""

PEER = "QmeVMcgXmNtbLThdkuRYtZdA57wWuxqHmvjfC8EPVNh7nT"
ORDER = "QmYhUkWHiAhH4RTUcJ6QUjASEEEMaYVq7ZQMUdyp6dTJnk"
PEER_2 = "QmSbK3ZPMc2knXEWLCN1KmYKgCHWvQmSXJVtsJEBadp5Bx"


SAMPLES: tuple[tuple[str, str, str, str, str, float, bool], ...] = (
    # (category, kind, title, body, route, age in seconds, read)
    (
        "chat",
        "message",
        "Alice · order QmYhUkWH…dTJnk",
        "Hi! Could you ship it by Friday? I'll be away next week.",
        f"ob://chat/{PEER}?subject={ORDER}",
        40,
        False,
    ),
    (
        "orders",
        "notification",
        "New order from Alice",
        "Handmade walnut bowl: 0.00002657 BTC paid. Fulfil it from your sales.",
        f"ob://transactions/sales?orderId={ORDER}",
        130,
        False,
    ),
    (
        "funds",
        "wallet",
        "Payment received",
        "+0.00002657 BTC for “Handmade walnut bowl” (unconfirmed).",
        "ob://wallet?coin=BTC",
        150,
        False,
    ),
    (
        "disputes",
        "notification",
        "Dispute opened",
        "Bob opened a dispute on order QmXk9Lw…4fTq. Give the moderator your side of the story.",
        "ob://transactions/sales?orderId=QmXk9Lw",
        3 * 3600,
        True,
    ),
    (
        "followers",
        "notification",
        "New follower",
        "Carol <b>the</b> collector followed you.",
        f"ob://{PEER_2}",
        26 * 3600,
        True,
    ),
    (
        "chat",
        "message",
        "Bob",
        "Thanks, got it! <script>alert(1)</script> & all good.",
        f"ob://chat/{PEER_2}",
        3 * 86400,
        True,
    ),
    (
        "orders",
        "notification",
        "Order completed",
        "Dave completed order QmPq3…9xYz and left a rating.",
        "ob://transactions/sales?orderId=QmPq3",
        10 * 86400,
        True,
    ),
    (
        "other",
        "notification",
        "Node notification: moderatorAdd",
        "Erin added you as a moderator.",
        "",
        40 * 86400,
        True,
    ),
)


def record_samples(store: Store, now: float = NOW) -> list[int]:
    """Record the sample events, oldest first; returns their row ids, newest first."""
    ids: list[int] = []
    for number, (category, kind, title, body, route, age, read) in enumerate(reversed(SAMPLES)):
        rowid = store.record(
            HistoryRow(
                key=f"s:{number}",
                kind=kind,
                event_id=f"sample-{number}",
                category=category,
                title=title,
                body=body,
                image="",
                route=route,
                urgency="normal",
                received_at=now - age,
                read=read,
            ),
            raw=json.dumps({"sample": number}),
        )
        assert rowid is not None
        ids.append(rowid)
    return list(reversed(ids))


CATEGORIES = ("orders", "disputes", "chat", "followers", "funds", "other")


def record_many(store: Store, count: int, now: float = NOW) -> None:
    """Record ``count`` events, one second apart, cycling through the categories."""
    for number in range(count):
        category = CATEGORIES[number % len(CATEGORIES)]
        store.record(
            HistoryRow(
                key=f"b:{number}",
                kind="notification",
                event_id=f"bulk-{number}",
                category=category,
                title=f"Event {number} ({category})",
                body=f"Body of event {number}: walnut bowl #{number % 97}",
                image="",
                route=f"ob://transactions/sales?orderId=Order{number}",
                urgency="normal",
                received_at=now - count + number,
                read=number % 3 == 0,
            ),
            raw="{}",
        )


def sample_balances() -> WalletBalances:
    """BTC with 2657 sats, ETH with one wei, and a testnet coin with nothing yet."""
    return WalletBalances(
        coins=(
            CoinBalance(
                code="BTC",
                name="Bitcoin",
                confirmed=Amount(2657, 8, "BTC"),
                unconfirmed=Amount(150_000, 8, "BTC"),
                height=871_234,
            ),
            CoinBalance(
                code="ETH",
                name="Ethereum",
                confirmed=Amount(1, 18, "ETH"),
                unconfirmed=Amount(0, 18, "ETH"),
                height=20_512_877,
            ),
            CoinBalance(
                code="TLTC",
                name="Litecoin testnet",
                confirmed=Amount(0, 8, "TLTC"),
                unconfirmed=Amount(-42_000_000, 8, "TLTC"),
                height=0,
            ),
        )
    )


def find_row(store: Store, rowid: int) -> HistoryRow:
    row = store.row(rowid)
    assert row is not None
    return row
