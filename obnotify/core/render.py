"""The words and pictures of every toast: typed event in, what the user sees out.

Pure: the caller passes in what it knows (profiles, transactions already seen,
its own peer id), so the same event always renders the same way.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from typing import Final
from urllib.parse import quote

from obnotify.core.events import (
    ChatMessage,
    DecodeError,
    Event,
    Notification,
    Profile,
    Role,
    WalletTx,
    event_id,
    event_kind,
)
from obnotify.core.events import NotificationType as T
from obnotify.core.ids import is_ipfs_hash, safe_id, short_id
from obnotify.core.mobazha_texts import (
    MOBAZHA_CRITICAL,
    MOBAZHA_DISPUTES,
    MOBAZHA_ROLES,
    MOBAZHA_TEXTS,
)
from obnotify.core.plain_text import clip, one_line
from obnotify.core.wording import NAME_LIMIT, humanize_duration, person, plural

__all__ = [
    "Category",
    "RenderContext",
    "Toast",
    "Urgency",
    "away_summary",
    "burst_summary",
    "category",
    "describe",
    "from_node",
    "render",
    "render_record",
    "rendering",
    "role_of",
    "toast_record",
]

BODY_LIMIT: Final = 240
TITLE_LIMIT: Final = 80
URGENT_WITHIN: Final = 2 * 86400
"""A dispute window closing within this many seconds makes its toast critical."""


class Urgency(enum.StrEnum):
    LOW = "low"
    NORMAL = "normal"
    CRITICAL = "critical"


class Category(enum.StrEnum):
    """What the window's filter and the notification settings group events by."""

    ORDERS = "orders"
    DISPUTES = "disputes"
    CHAT = "chat"
    ORDER_CHAT = "order-chat"
    """Chat about an order (the message has an order id as its subject)."""
    FOLLOWERS = "followers"
    FUNDS = "funds"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Toast:
    """One notification as the user will see it."""

    title: str
    body: str
    urgency: Urgency = Urgency.NORMAL
    route: str = ""
    """Where a click leads: an ``ob://`` route."""
    image: str = ""
    """IPFS hash of the picture (listing thumbnail or avatar), already validated; or empty."""
    image_kind: str = ""
    """``thumbnail`` or ``avatar``."""
    actions: tuple[tuple[str, str], ...] = ()
    """Buttons as (action id, label): ``mark-read``, ``reply``."""
    group: str = ""
    """Toasts of one group may be folded into one when they come in a burst."""
    sound: bool = False
    """Play the notification server's default sound (the user's per-category choice)."""
    sticky: bool = False
    """Stay on screen until dismissed (critical toasts, when the user chose so)."""


@dataclass(frozen=True, slots=True)
class RenderContext:
    """What the caller knows beyond the frame."""

    peers: Mapping[str, Profile] = field(default_factory=dict)
    """Profiles by peer id, for names and avatars."""
    known_txids: Collection[str] = ()
    """Transactions already recorded: a confirmation of one of them is not news."""
    own_peer_id: str = ""


_SELLER: Final = frozenset({T.ORDER, T.CANCEL, T.ORDER_COMPLETE, T.VENDOR_DISPUTE_TIMEOUT})
_BUYER: Final = frozenset(
    {
        T.PAYMENT,
        T.ORDER_CONFIRMATION,
        T.ORDER_DECLINED,
        T.REFUND,
        T.FULFILLMENT,
        T.PROCESSING_ERROR,
        T.VENDOR_FINALIZED_PAYMENT,
        T.BUYER_DISPUTE_TIMEOUT,
        T.BUYER_DISPUTE_EXPIRY,
    }
)
_MODERATOR: Final = frozenset({T.DISPUTE_UPDATE, T.MODERATOR_DISPUTE_EXPIRY})
_DISPUTES: Final = frozenset(
    {
        T.DISPUTE_OPEN,
        T.DISPUTE_UPDATE,
        T.DISPUTE_CLOSE,
        T.DISPUTE_ACCEPTED,
        T.BUYER_DISPUTE_TIMEOUT,
        T.BUYER_DISPUTE_EXPIRY,
        T.VENDOR_DISPUTE_TIMEOUT,
        T.MODERATOR_DISPUTE_EXPIRY,
    }
)


def role_of(n: Notification, own_peer_id: str = "") -> Role:
    """The user's part in the order: fixed by the type, or read off a dispute's parties."""
    if n.type in _SELLER:
        return Role.SELLER
    if n.type in _BUYER:
        return Role.BUYER
    if n.type in _MODERATOR:
        return Role.MODERATOR
    if n.type in MOBAZHA_ROLES:
        return MOBAZHA_ROLES[n.type]
    if n.type in (T.DISPUTE_OPEN, T.DISPUTE_CLOSE, T.DISPUTE_ACCEPTED):
        if own_peer_id and n.buyer_id:
            return Role.BUYER if own_peer_id == n.buyer_id else Role.SELLER
        if n.buyer_id and n.peer_id:
            # The other party named in the frame is the buyer, so the user sold.
            return Role.SELLER if n.peer_id == n.buyer_id else Role.BUYER
        return Role.NONE
    return Role.NONE


def category(event: Event | DecodeError) -> Category:
    """The filter group of an event."""
    if isinstance(event, Notification):
        if event.type in _DISPUTES or event.type in MOBAZHA_DISPUTES:
            return Category.DISPUTES
        if event.type in (T.FOLLOW, T.UNFOLLOW):
            return Category.FOLLOWERS
        if event.type in (T.MODERATOR_ADD, T.MODERATOR_REMOVE, T.UNKNOWN):
            return Category.OTHER
        return Category.ORDERS
    if isinstance(event, ChatMessage):
        return Category.ORDER_CHAT if event.subject else Category.CHAT
    if isinstance(event, WalletTx):
        return Category.FUNDS
    return Category.OTHER


def _order_route(role: Role, order_id: str) -> str:
    oid = safe_id(order_id)
    if role is Role.NONE:
        # Neither tab is a safe guess when the user's part in the order is unknown.
        return "ob://transactions" + (f"?orderId={oid}" if oid else "")
    if role is Role.MODERATOR:
        return "ob://transactions/cases" + (f"?caseId={oid}" if oid else "")
    tab = "purchases" if role is Role.BUYER else "sales"
    return f"ob://transactions/{tab}" + (f"?orderId={oid}" if oid else "")


def _profile_route(peer_id: str) -> str:
    pid = safe_id(peer_id)
    return f"ob://{pid}" if pid else ""


def _chat_route(peer_id: str, subject: str) -> str:
    pid = safe_id(peer_id)
    if not pid:
        return ""
    sub = safe_id(subject)
    return f"ob://chat/{pid}" + (f"?subject={quote(sub)}" if sub else "")


def _order_ref(n: Notification) -> str:
    if n.type is T.MODERATOR_DISPUTE_EXPIRY:
        return f"case {short_id(one_line(n.order_id)[:80])}" if n.order_id else "a dispute case"
    return f"order {short_id(one_line(n.order_id)[:80])}" if n.order_id else "an order"


def _avatar(peer_id: str, ctx: RenderContext) -> str:
    profile = ctx.peers.get(peer_id) if peer_id else None
    return profile.avatar.best() if profile is not None else ""


def _listing(n: Notification) -> str:
    return clip(one_line(n.title), 60)


def _order_body(n: Notification, ref: str) -> str:
    what = _listing(n) if n.title else ref.capitalize()
    paid = f": {n.amount.format()} paid." if n.amount else " is paid."
    return f"{what}{paid} Fulfil it from your sales."


_Texts = Callable[[Notification, str, str], tuple[str, str]]
"""(notification, who, order reference) -> (title, body)."""

_ORDER_TEXTS: Final[dict[T, _Texts]] = {
    T.ORDER: lambda n, who, ref: (
        f"New order from {who}" if who else "New order",
        _order_body(n, ref),
    ),
    T.PAYMENT: lambda n, who, ref: (
        "Payment sent",
        (f"{n.amount.format()} sent" if n.amount else "Your payment was sent")
        + f" for {ref}. The seller's node will confirm it.",
    ),
    T.ORDER_CONFIRMATION: lambda n, who, ref: (
        "Order accepted",
        f"{who or 'The seller'} accepted {ref}. You'll be told when it's fulfilled.",
    ),
    T.ORDER_DECLINED: lambda n, who, ref: (
        "Order declined",
        f"{who or 'The seller'} declined {ref}. Your payment goes back to your wallet.",
    ),
    T.CANCEL: lambda n, who, ref: (
        "Order cancelled",
        f"{who or 'The buyer'} cancelled {ref}. Nothing to ship.",
    ),
    T.REFUND: lambda n, who, ref: (
        "Refund received",
        f"{who or 'The seller'} refunded {ref}. Check your wallet.",
    ),
    T.FULFILLMENT: lambda n, who, ref: (
        "Order fulfilled",
        f"{who or 'The seller'} fulfilled {ref}. Complete the order once it arrives.",
    ),
    T.ORDER_COMPLETE: lambda n, who, ref: (
        "Order completed",
        f"{who or 'The buyer'} completed {ref} and left a rating.",
    ),
    T.PROCESSING_ERROR: lambda n, who, ref: (
        "Order could not be processed",
        (
            f"{who + chr(39) + 's' if who else 'The'} store could not process {ref}. "
            "Open the order to see what to do."
        ),
    ),
    T.DISPUTE_OPEN: lambda n, who, ref: (
        "Dispute opened",
        (
            f"{who or 'The other party'} opened a dispute on {ref}. "
            "Give the moderator your side of the story."
        ),
    ),
    T.DISPUTE_UPDATE: lambda n, who, ref: (
        "Dispute case updated",
        f"{who or 'A party'} sent new details on {ref}. Review the case before you decide.",
    ),
    T.DISPUTE_CLOSE: lambda n, who, ref: (
        "Dispute closed",
        f"The moderator decided the dispute on {ref}. Accept the payout to receive your share.",
    ),
    T.DISPUTE_ACCEPTED: lambda n, who, ref: (
        "Dispute payout accepted",
        f"{who or 'The other party'} accepted the payout for {ref}. The funds are released.",
    ),
    T.VENDOR_FINALIZED_PAYMENT: lambda n, who, ref: (
        "Seller claimed the payment",
        f"The seller claimed the payment for {ref} from escrow.",
    ),
}


def _expiry_texts(n: Notification, ref: str) -> tuple[str, str]:
    left = n.expires_in if n.expires_in is not None else 0
    expired = left <= 0
    when = humanize_duration(left)
    if n.type is T.VENDOR_DISPUTE_TIMEOUT:
        if expired:
            return (
                "Claim your payment",
                f"The buyer can no longer dispute {ref}. Claim the payment now.",
            )
        return "Payment on hold", f"{when} until you can claim the payment for {ref}."
    if n.type is T.MODERATOR_DISPUTE_EXPIRY:
        if expired:
            return "Dispute case expired", f"The time to decide {ref} has run out."
        return "Dispute case expiring", f"{when} left to decide {ref}."
    if expired:
        return "Dispute window closed", f"You can no longer open a dispute on {ref}."
    return (
        "Dispute window closing",
        f"{when} left to open a dispute on {ref}. Complete the order if all is well.",
    )


def _expiry_urgency(n: Notification) -> Urgency:
    """Critical while there is little time left to act, or once a seller can claim payment."""
    left = n.expires_in if n.expires_in is not None else 0
    if left <= 0:
        return Urgency.CRITICAL if n.type is T.VENDOR_DISPUTE_TIMEOUT else Urgency.NORMAL
    return Urgency.CRITICAL if left <= URGENT_WITHIN else Urgency.NORMAL


_EXPIRY: Final = frozenset(
    {
        T.BUYER_DISPUTE_TIMEOUT,
        T.BUYER_DISPUTE_EXPIRY,
        T.VENDOR_DISPUTE_TIMEOUT,
        T.MODERATOR_DISPUTE_EXPIRY,
    }
)
_CRITICAL: Final = frozenset({T.DISPUTE_OPEN, T.DISPUTE_UPDATE, T.PROCESSING_ERROR})
"""Someone has to act, and soon: a dispute needs an answer, a failed order a look."""
_LOW: Final = frozenset({T.FOLLOW, T.UNFOLLOW})
_MARK_READ: Final = (("mark-read", "Mark as read"),)
_REPLY: Final = (("reply", "Reply"),)


def _finish(title: str, body: str) -> tuple[str, str]:
    return clip(one_line(title), TITLE_LIMIT), clip(one_line(body), BODY_LIMIT)


def _notification(n: Notification, ctx: RenderContext) -> Toast:
    role = role_of(n, ctx.own_peer_id)
    who = clip(one_line(n.peer_name), NAME_LIMIT) or person(n.peer_id, n.peer_handle, ctx.peers)
    ref = _order_ref(n)
    image, image_kind = n.thumbnail.best(), "thumbnail"
    route = _order_route(role, n.order_id)
    urgency = Urgency.CRITICAL if n.type in _CRITICAL | MOBAZHA_CRITICAL else Urgency.NORMAL
    if n.raw_type in MOBAZHA_TEXTS and n.type is not T.UNKNOWN:
        title, body = MOBAZHA_TEXTS[n.raw_type](n, who, ref)
    elif n.type in _ORDER_TEXTS:
        title, body = _ORDER_TEXTS[n.type](n, who, ref)
    elif n.type in _EXPIRY:
        title, body = _expiry_texts(n, ref)
        urgency = _expiry_urgency(n)
    elif n.type in (T.FOLLOW, T.UNFOLLOW, T.MODERATOR_ADD, T.MODERATOR_REMOVE):
        someone = who or "Someone"
        title, body = {
            T.FOLLOW: ("New follower", f"{someone} followed you."),
            T.UNFOLLOW: ("Follower left", f"{someone} unfollowed you."),
            T.MODERATOR_ADD: ("Added as a moderator", f"{someone} added you as a moderator."),
            T.MODERATOR_REMOVE: (
                "Removed as a moderator",
                f"{someone} removed you as a moderator.",
            ),
        }[n.type]
        image, image_kind = _avatar(n.peer_id, ctx), "avatar"
        route = _profile_route(n.peer_id)
    else:
        title, body = _unknown_texts(n, who)
        route = _order_route(Role.NONE, n.order_id) if n.order_id else _profile_route(n.peer_id)
    if n.type in _LOW:
        urgency = Urgency.LOW
    title, body = _finish(title, body)
    return Toast(
        title=title,
        body=body,
        urgency=urgency,
        route=route,
        image=image,
        image_kind=image_kind if image else "",
        actions=_MARK_READ if n.id else (),
        group=f"notification:{n.type.value}",
    )


def _unknown_texts(n: Notification, who: str) -> tuple[str, str]:
    kind = one_line(n.raw_type)[:40] or "unknown"
    if n.title:
        detail = n.title
    elif n.order_id:
        detail = f"About {_order_ref(n)}" + (f", from {who}" if who else "") + "."
    elif who:
        detail = f"From {who}."
    else:
        shown = [f"{k}: {v}" for k, v in n.fields if k not in ("type", "notificationId") and v]
        detail = "; ".join(shown[:3]) or "Open obnotify to see it."
    return f"Node notification: {kind}", f"{detail} (type “{kind}”)"


def _chat(m: ChatMessage, ctx: RenderContext) -> Toast | None:
    if m.outgoing:
        return None
    who = person(m.peer_id, "", ctx.peers) or "Someone"
    title = f"{who} · order {short_id(one_line(m.subject))}" if m.subject else who
    text = one_line(m.text) or "(empty message)"
    title, body = _finish(title, text)
    image = _avatar(m.peer_id, ctx)
    return Toast(
        title=title,
        body=body,
        urgency=Urgency.NORMAL,
        route=_chat_route(m.peer_id, m.subject),
        image=image,
        image_kind="avatar" if image else "",
        actions=(*_REPLY, *_MARK_READ),
        group=f"chat:{m.peer_id}:{m.subject}",
    )


def _wallet(tx: WalletTx, ctx: RenderContext) -> Toast | None:
    if not tx.incoming or (tx.txid and tx.txid in ctx.known_txids):
        return None
    state = "unconfirmed" if tx.confirmations <= 0 else plural(tx.confirmations, "confirmation")
    if tx.order_id:
        title = "Payment received"
        body = f"+{tx.value.format()}" + (
            f" for “{clip(one_line(tx.memo), 60)}”" if tx.memo else ""
        )
    else:
        title = "Funds received"
        body = f"+{tx.value.format()} arrived in your {tx.value.code} wallet"
    title, body = _finish(title, f"{body} ({state}).")
    image = tx.thumbnail if is_ipfs_hash(tx.thumbnail) else ""
    code, txid = safe_id(tx.value.code), safe_id(tx.txid)
    query = "&".join(
        p for p in (f"coin={code}" if code else "", f"txid={txid}" if txid else "") if p
    )
    return Toast(
        title=title,
        body=body,
        urgency=Urgency.NORMAL,
        route="ob://wallet" + (f"?{query}" if query else ""),
        image=image,
        image_kind="thumbnail" if image else "",
        group="funds",
    )


NODE_NAME_LIMIT: Final = 30


def from_node(toast: Toast, node_name: str) -> Toast:
    """The toast with its node's name in front, for a user who watches more than one node."""
    name = clip(one_line(node_name), NODE_NAME_LIMIT)
    if not name:
        return toast
    return replace(toast, title=clip(f"{name} · {toast.title}", TITLE_LIMIT + NODE_NAME_LIMIT))


def render(event: Event | DecodeError, ctx: RenderContext | None = None) -> Toast | None:
    """The toast an event becomes, or None for events that only change state.

    Wallet updates, typing, read receipts, publishing status, profile replies,
    unknown frames and errors never toast.
    """
    ctx = ctx or RenderContext()
    if isinstance(event, Notification):
        return _notification(event, ctx)
    if isinstance(event, ChatMessage):
        return _chat(event, ctx)
    if isinstance(event, WalletTx):
        return _wallet(event, ctx)
    return None


def describe(event: Event | DecodeError, ctx: RenderContext | None = None) -> Toast | None:
    """How an event reads in the activity list: its toast, or for a quiet one a plain account.

    Outgoing payments, confirmations and our own chat messages never toast, but
    they are history all the same and must not show as empty rows.
    """
    return rendering(event, ctx)[1]


def rendering(
    event: Event | DecodeError, ctx: RenderContext | None = None
) -> tuple[Toast | None, Toast | None]:
    """The toast (or None) and the activity-list entry of an event, from one rendering."""
    ctx = ctx or RenderContext()
    toast = render(event, ctx)
    return toast, toast if toast is not None else _quiet(event, ctx)


def _quiet(event: Event | DecodeError, ctx: RenderContext) -> Toast | None:
    """The plain account of an event that does not toast, or None for state-only frames."""
    if isinstance(event, WalletTx):
        state = (
            "unconfirmed"
            if event.confirmations <= 0
            else plural(event.confirmations, "confirmation")
        )
        memo = f" for “{clip(one_line(event.memo), 60)}”" if event.memo else ""
        if event.incoming:
            title, body = "Payment confirmed", f"+{event.value.format()}{memo} ({state})."
        else:
            title, body = "Payment sent", f"{event.value.format()}{memo} ({state})."
        title, body = _finish(title, body)
        return Toast(title=title, body=body, urgency=Urgency.LOW, group="funds")
    if isinstance(event, ChatMessage):
        who = person(event.peer_id, "", ctx.peers) or "someone"
        title, body = _finish(f"You to {who}", one_line(event.text) or "(empty message)")
        return Toast(
            title=title,
            body=body,
            urgency=Urgency.LOW,
            route=_chat_route(event.peer_id, event.subject),
            group=f"chat:{event.peer_id}:{event.subject}",
        )
    return None


def render_record(
    event: Event | DecodeError, ctx: RenderContext | None = None
) -> dict[str, object]:
    """The JSON line ``obnotify render`` prints for an event."""
    return toast_record(event, render(event, ctx))


def toast_record(event: Event | DecodeError, toast: Toast | None) -> dict[str, object]:
    """The JSON line of an event already rendered: the shape ``render`` and ``watch`` share."""
    record: dict[str, object] = {
        "kind": event_kind(event),
        "id": event_id(event),
        "toast": toast is not None,
        "title": toast.title if toast else "",
        "body": toast.body if toast else "",
        "image": toast.image if toast else "",
        "urgency": toast.urgency.value if toast else "",
        "route": toast.route if toast else "",
        "category": category(event).value,
    }
    if isinstance(event, Notification):
        record["type"] = event.type.value
        record["rawType"] = event.raw_type
    if isinstance(event, DecodeError):
        record["reason"] = event.reason
    return record


_CATEGORY_NOUNS: Final = {
    Category.ORDERS: "order update",
    Category.DISPUTES: "dispute update",
    Category.CHAT: "chat message",
    Category.ORDER_CHAT: "order chat message",
    Category.FOLLOWERS: "follower update",
    Category.FUNDS: "payment",
    Category.OTHER: "other event",
}


def _breakdown(counts: Mapping[Category, int]) -> str:
    parts = [plural(c, _CATEGORY_NOUNS[cat]) for cat, c in counts.items() if c]
    return ", ".join(parts)


def _summary_body(counts: Mapping[Category, int]) -> str:
    total = sum(counts.values())
    see = "Open obnotify to see it." if total == 1 else "Open obnotify to see them all."
    breakdown = _breakdown(counts)
    return f"{breakdown}. {see}" if breakdown else see


def away_summary(counts: Mapping[Category, int]) -> Toast:
    """The one toast for events missed while disconnected, beyond the few shown singly."""
    total = sum(counts.values())
    return Toast(
        title=f"{plural(total, 'event')} while you were away",
        body=_summary_body(counts),
        route="obnotify://activity",
        group="summary",
    )


def burst_summary(counts: Mapping[Category, int]) -> Toast:
    """One toast in place of a flood arriving at once."""
    return Toast(
        title=plural(sum(counts.values()), "new event"),
        body=_summary_body(counts),
        route="obnotify://activity",
        group="summary",
    )
