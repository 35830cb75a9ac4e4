"""Toasts about one order that say one thing: a sale and its payment, repeated dispute warnings.

A seller's node announces a paid order twice: the ``order`` notification and,
from its wallet, the incoming transaction that pays it (a ``wallet`` frame with
the same ``orderId``). The server also sends the same dispute-window warning
several times over, with a new notification id each time (openbazaar-go #982,
#1399). Each of those is one piece of news, so it gets one toast; every row
still lands in history, and each is delivered once with the toast that carries
it.

This module says which events pair up and into what; :mod:`obnotify.core.dispatch`
decides when they go out: an order at once, a payment that came first and a
warning after :data:`PAIRING_WAIT` at most. Pure: no clock is read here, the
dispatcher passes the time in.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from typing import Final, Generic, TypeVar

from obnotify.core.events import Event, Notification, WalletTx
from obnotify.core.events import NotificationType as T
from obnotify.core.ids import short_id
from obnotify.core.plain_text import clip, one_line
from obnotify.core.render import BODY_LIMIT, Category, Toast
from obnotify.core.wording import plural

__all__ = [
    "PAIRING_WAIT",
    "SALE",
    "SALE_MEMORY",
    "Held",
    "PairKey",
    "Pairing",
    "Part",
    "Piece",
    "pairing_of",
    "sale_toast",
]

P = TypeVar("P")

PAIRING_WAIT: Final = 4.0
"""Seconds a payment waits for its order (or a warning for a newer one) before it goes out alone.

The order notification and the wallet frame of its payment leave the node at
about the same moment, when the node sees the transaction; the session then
hands each on once its name and picture are fetched (at most
``obnotify.node.session.ENRICH_TIMEOUT``, 2 s), in arrival order. So the two
reach the dispatcher at most a wire gap plus 2 s apart: 4 s covers that with a
margin. The order itself never waits: a seller acts on it.
"""

SALE_MEMORY: Final = 600.0
"""Seconds after an order's toast during which its payment joins the history without a toast.

Long enough for any payment announced with its order; a payment much later (a
second one, say) is news again.
"""

SALE: Final = "sale"
"""The topic of an order and its payment."""

_LISTING_LIMIT: Final = 60
_WARNINGS: Final = frozenset(
    {
        T.BUYER_DISPUTE_TIMEOUT,
        T.BUYER_DISPUTE_EXPIRY,
        T.VENDOR_DISPUTE_TIMEOUT,
        T.MODERATOR_DISPUTE_EXPIRY,
    }
)
"""Dispute-window warnings: the server repeats them, and only the newest still matters."""


class Part(enum.Enum):
    """What an event is in its pair."""

    ORDER = "order"
    PAYMENT = "payment"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class PairKey:
    """Events of one node with equal keys make one toast."""

    topic: str
    """:data:`SALE`, or the warning's notification type: a warning pairs with its own kind only."""
    order_id: str
    """The order (or dispute case) the events are about."""


@dataclass(frozen=True, slots=True)
class Pairing:
    """How an event may pair up, and what it adds to the toast of its pair."""

    key: PairKey
    part: Part
    words: str = ""
    """Its share of the sale toast: the listing (order) or the money received (payment)."""


def pairing_of(event: Event) -> Pairing | None:
    """How ``event`` pairs with others about its order; None when it stands alone."""
    if isinstance(event, Notification) and event.order_id:
        if event.type is T.ORDER:
            listing = clip(one_line(event.title), _LISTING_LIMIT)
            lead = listing or f"Order {short_id(one_line(event.order_id)[:80])}"
            return Pairing(PairKey(SALE, event.order_id), Part.ORDER, lead)
        if event.type in _WARNINGS:
            return Pairing(PairKey(event.type.value, event.order_id), Part.WARNING)
    if isinstance(event, WalletTx) and event.incoming and event.order_id:
        state = (
            "unconfirmed"
            if event.confirmations <= 0
            else plural(event.confirmations, "confirmation")
        )
        received = f"{event.value.format()} received ({state})"
        return Pairing(PairKey(SALE, event.order_id), Part.PAYMENT, received)
    return None


def sale_toast(order: Toast, lead: str, received: str) -> Toast:
    """The one toast of a paid order: the order's title, picture and click; the payment's news.

    Args:
        order: The order's own toast.
        lead: :attr:`Pairing.words` of the order: the listing it is for.
        received: :attr:`Pairing.words` of the payment: how much came in, how confirmed.
    """
    body = clip(one_line(f"{lead} is paid: {received}. Fulfil it from your sales."), BODY_LIMIT)
    return replace(order, body=body)


@dataclass(frozen=True, slots=True)
class Piece(Generic[P]):
    """One event waiting for its pair, as the dispatcher was handed it."""

    toast: Toast
    """Its own toast, before the user's settings style it."""
    category: Category
    pairing: Pairing
    payload: P | None


@dataclass
class Held(Generic[P]):
    """The events of one :class:`PairKey` waiting for their partner or the end of the wait."""

    due: float
    """Monotonic time at which they go out, partner or not: :data:`PAIRING_WAIT` after the first."""
    pieces: dict[Part, Piece[P]] = field(default_factory=dict)
    rowids: list[int] = field(default_factory=list)
    """Every row the toast carries, superseded warnings included: delivered when it is shown."""

    def join(self, rowid: int, piece: Piece[P]) -> bool:
        """Take an event in: a sale's missing half, or a newer warning in place of the older.

        Returns:
            False for a second order or a second payment of one sale: that one is
            news of its own and goes out on its own.
        """
        part = piece.pairing.part
        if part is not Part.WARNING and part in self.pieces:
            return False
        self.pieces[part] = piece
        self.rowids.append(rowid)
        return True

    @property
    def complete(self) -> bool:
        """Whether nothing more is awaited: the order and its payment are both in."""
        return Part.ORDER in self.pieces and Part.PAYMENT in self.pieces

    def outcome(self) -> Piece[P]:
        """The one toast they make: the sale's, or the only piece (the newest warning)."""
        order = self.pieces.get(Part.ORDER)
        payment = self.pieces.get(Part.PAYMENT)
        if order is not None and payment is not None:
            toast = sale_toast(order.toast, order.pairing.words, payment.pairing.words)
            return replace(order, toast=toast)
        return next(iter(self.pieces.values()))
