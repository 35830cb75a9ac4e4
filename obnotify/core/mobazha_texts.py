"""The words of the toasts only a Mobazha node causes, and whose they are.

Kept beside :mod:`obnotify.core.render`, which looks here first for a
notification whose raw type is a Mobazha event name; every other type reads as
it does from an OB node.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from obnotify.core.events import Notification, Role
from obnotify.core.events import NotificationType as T
from obnotify.core.plain_text import clip, one_line
from obnotify.core.wording import humanize_duration

__all__ = ["MOBAZHA_CRITICAL", "MOBAZHA_DISPUTES", "MOBAZHA_ROLES", "MOBAZHA_TEXTS"]

Texts = Callable[[Notification, str, str], tuple[str, str]]
"""(notification, who, order reference) -> (title, body)."""


def _what(n: Notification, ref: str) -> str:
    """The listing's title, or the order reference when the node sent none."""
    return clip(one_line(n.title), 60) if n.title else _cap(ref)


def _cap(ref: str) -> str:
    """``order Qm…`` as a sentence's start; ``str.capitalize`` would lower the id."""
    return ref[:1].upper() + ref[1:]


def _paid(n: Notification) -> str:
    return f" ({n.amount.format()})" if n.amount else ""


def _words(code: str) -> str:
    """A node's reason code as words: ``shipment_overdue`` -> ``shipment overdue``."""
    return one_line(code.replace("_", " ")).strip()[:60]


def _funded(n: Notification, who: str, ref: str) -> tuple[str, str]:
    money = f": {n.amount.format()} in escrow." if n.amount else " is paid."
    return (
        f"Order funded by {who}" if who else "Order funded",
        f"{_what(n, ref)}{money} Ship it from your sales.",
    )


def _expired(n: Notification, who: str, ref: str) -> tuple[str, str]:
    why = f" ({_words(n.detail)})" if n.detail else ""
    return "Order expired", f"{_cap(ref)} expired{why}. Nothing more will happen on it."


def _stale(n: Notification, who: str, ref: str) -> tuple[str, str]:
    state, _, stuck = n.detail.partition("|")
    where = f" in state {_words(state).lower()}" if state else ""
    since = f" for {one_line(stuck)[:30]}" if stuck else ""
    return (
        "Order needs attention",
        f"{_cap(ref)} has not moved{where}{since}. Open it to move it on.",
    )


def _reminder(n: Notification, who: str, ref: str) -> tuple[str, str]:
    when = humanize_duration(n.expires_in or 0)
    if n.detail == "auto_cancel":
        return (
            "Ship soon or the order is cancelled",
            f"{_cap(ref)} is cancelled and refunded in {when} unless it is shipped.",
        )
    return (
        "Order completes soon",
        (
            f"{_cap(ref)} completes by itself in {when}. "
            "Open a dispute before then if something is wrong."
        ),
    )


def _after_sale(n: Notification, who: str, ref: str) -> tuple[str, str]:
    why = f" ({_words(n.detail).lower()})" if n.detail else ""
    return (
        "After-sale dispute",
        (
            f"{who or 'The buyer'} disputed {ref} after it was completed{why}. "
            "Reply or offer a refund."
        ),
    )


def _partial(n: Notification, who: str, ref: str) -> tuple[str, str]:
    paid = n.amount.format() if n.amount else "Part of the price"
    due = f"; {n.due.format()} still due" if n.due else ""
    return "Partial payment", f"{paid} paid for {ref}{due}."


MOBAZHA_TEXTS: Final[dict[str, Texts]] = {
    "order.funded": _funded,
    "order.payment_received": lambda n, who, ref: (
        "Payment received",
        (f"Your payment of {n.amount.format()}" if n.amount else "Your payment")
        + f" for {ref} arrived. The seller can ship it now.",
    ),
    "order.rated": lambda n, who, ref: (
        "Order rated",
        f"{who or 'The buyer'} rated {ref}.",
    ),
    "order.expired": _expired,
    "order.stale_warning": _stale,
    "order.auto_completed": lambda n, who, ref: (
        "Order completed automatically",
        f"{_cap(ref)} completed by itself: the buyer protection period ended.",
    ),
    "order.auto_cancelled": lambda n, who, ref: (
        "Order cancelled automatically",
        f"{_cap(ref)} was cancelled: it was not shipped in time. The buyer is refunded.",
    ),
    "order.protection_reminder": _reminder,
    "dispute.case_open": lambda n, who, ref: (
        "New dispute case",
        f"{who or 'A party'} opened a dispute on {ref}. Review the case and decide.",
    ),
    "dispute.after_sale_opened": _after_sale,
    "dispute.after_sale_received": _after_sale,
    "payment.locked": lambda n, who, ref: (
        "Payment locked in escrow",
        f"{who or 'The buyer'} locked the payment for {ref}{_paid(n)}.",
    ),
    "payment.expired": lambda n, who, ref: (
        "Payment window expired",
        f"The payment for {ref}{_paid(n)} was not made in time.",
    ),
    "payment.cancelled": lambda n, who, ref: (
        "Payment cancelled",
        f"{who or 'The buyer'} cancelled the payment for {ref}{_paid(n)}.",
    ),
    "payment.partial": _partial,
}
"""Texts by Mobazha event name; its other events read as their OB counterparts."""

MOBAZHA_ROLES: Final[dict[T, Role]] = {
    T.ORDER_FUNDED: Role.SELLER,
    T.ORDER_RATED: Role.SELLER,
    T.PAYMENT_LOCKED: Role.SELLER,
    T.PAYMENT_CANCELLED: Role.SELLER,
    T.CASE_OPEN: Role.MODERATOR,
}
"""Whose events these are; the rest reach buyer and seller alike."""

MOBAZHA_DISPUTES: Final = frozenset({T.CASE_OPEN, T.AFTER_SALE_DISPUTE})
MOBAZHA_CRITICAL: Final = frozenset({T.STALE_WARNING, T.CASE_OPEN, T.AFTER_SALE_DISPUTE})
"""Someone has to act, and soon."""
