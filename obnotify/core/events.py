"""Typed events: what a frame from an OB node means, independent of its wire shape.

Both protocol generations decode to these. Text fields hold plain text, entity
escaping already undone once; markup that survived the node's sanitiser is left
as literal characters that no renderer may interpret.
"""

from __future__ import annotations

import enum
from typing import Final, TypeAlias

import msgspec

from obnotify.core.ids import is_ipfs_hash
from obnotify.core.money import Amount

__all__ = [
    "ChatMessage",
    "ChatRead",
    "CoinBalance",
    "DecodeError",
    "Event",
    "Notification",
    "NotificationType",
    "Profile",
    "ProfileReply",
    "PublishStatus",
    "Role",
    "Thumbnail",
    "Typing",
    "UnknownFrame",
    "WalletBalances",
    "WalletTx",
    "event_id",
    "event_key",
    "event_kind",
]


class NotificationType(enum.StrEnum):
    """Every notification type the server defines, under the 0.14 name."""

    ORDER = "order"
    PAYMENT = "payment"
    ORDER_CONFIRMATION = "orderConfirmation"
    ORDER_DECLINED = "orderDeclined"
    CANCEL = "cancel"
    REFUND = "refund"
    FULFILLMENT = "fulfillment"
    ORDER_COMPLETE = "orderComplete"
    PROCESSING_ERROR = "processingError"
    DISPUTE_OPEN = "disputeOpen"
    DISPUTE_UPDATE = "disputeUpdate"
    DISPUTE_CLOSE = "disputeClose"
    DISPUTE_ACCEPTED = "disputeAccepted"
    VENDOR_FINALIZED_PAYMENT = "vendorFinalizedPayment"
    BUYER_DISPUTE_TIMEOUT = "buyerDisputeTimeout"
    BUYER_DISPUTE_EXPIRY = "buyerDisputeExpiry"
    VENDOR_DISPUTE_TIMEOUT = "vendorDisputeTimeout"
    MODERATOR_DISPUTE_EXPIRY = "moderatorDisputeExpiry"
    FOLLOW = "follow"
    UNFOLLOW = "unfollow"
    MODERATOR_ADD = "moderatorAdd"
    MODERATOR_REMOVE = "moderatorRemove"
    # Kinds only a Mobazha node sends, under its own event names.
    ORDER_FUNDED = "order.funded"
    ORDER_RATED = "order.rated"
    ORDER_EXPIRED = "order.expired"
    STALE_WARNING = "order.stale_warning"
    AUTO_COMPLETED = "order.auto_completed"
    AUTO_CANCELLED = "order.auto_cancelled"
    PROTECTION_REMINDER = "order.protection_reminder"
    CASE_OPEN = "dispute.case_open"
    AFTER_SALE_DISPUTE = "dispute.after_sale_opened"
    PAYMENT_LOCKED = "payment.locked"
    PAYMENT_EXPIRED = "payment.expired"
    PAYMENT_CANCELLED = "payment.cancelled"
    PARTIAL_PAYMENT = "payment.partial"
    UNKNOWN = "unknown"


TYPE_ALIASES: Final[dict[str, NotificationType]] = {"declined": NotificationType.ORDER_DECLINED}
"""Older names (the 0.13 guide) of types the 0.14 server renamed."""


class Role(enum.StrEnum):
    """The part the user plays in the order a notification is about."""

    SELLER = "seller"
    BUYER = "buyer"
    MODERATOR = "moderator"
    NONE = "none"


class Thumbnail(msgspec.Struct, frozen=True):
    """IPFS hashes of a picture at two sizes; either may be empty."""

    tiny: str = ""
    small: str = ""

    def best(self) -> str:
        """The hash to show in a toast: ``small`` before ``tiny``, only well-formed ids."""
        for candidate in (self.small, self.tiny):
            if candidate and is_ipfs_hash(candidate):
                return candidate
        return ""


class Notification(msgspec.Struct, frozen=True, kw_only=True):
    """A ``{"notification": ...}`` frame, or one item of ``GET /ob/notifications``."""

    id: str
    """``notificationId``: the same on the socket and in the REST history."""
    type: NotificationType
    raw_type: str
    """The type as sent (``declined``, or a type this version does not know)."""
    order_id: str = ""
    """``orderId``, ``purchaseOrderId`` (vendorDisputeTimeout) or the case id (moderator)."""
    peer_id: str = ""
    """The other person this is about: buyer, vendor, disputer, other party or follower."""
    peer_handle: str = ""
    title: str = ""
    slug: str = ""
    listing_type: str = ""
    amount: Amount | None = None
    """The order price (``order``) or the funding total (``payment``)."""
    expires_in: int | None = None
    """Seconds left in a dispute window; 0 or less means it has run out."""
    thumbnail: Thumbnail = Thumbnail()
    buyer_id: str = ""
    """Disputes: the buyer of the order, which tells the user's role."""
    disputee_id: str = ""
    disputee_handle: str = ""
    fields: tuple[tuple[str, str], ...] = ()
    """For a type this version does not know: its scalar fields, so it can still be shown."""
    peer_name: str = ""
    """The other person's display name, where the node sends one (Mobazha) instead of a handle."""
    due: Amount | None = None
    """A partial payment: what is still to pay (``amount`` is what was paid)."""
    detail: str = ""
    """A Mobazha reason, state or count the text names: ``shipment_overdue``, ``3``."""


class ChatMessage(msgspec.Struct, frozen=True, kw_only=True):
    """A chat message; ``subject`` is an order id for order chat, empty for direct chat."""

    id: str
    peer_id: str
    text: str
    subject: str = ""
    outgoing: bool = False
    read: bool = False
    timestamp: str = ""


class Typing(msgspec.Struct, frozen=True, kw_only=True):
    """The peer is typing in a chat."""

    message_id: str = ""
    peer_id: str = ""
    subject: str = ""


class ChatRead(msgspec.Struct, frozen=True, kw_only=True):
    """The peer read our messages up to ``message_id``."""

    message_id: str = ""
    peer_id: str = ""
    subject: str = ""


class WalletTx(msgspec.Struct, frozen=True, kw_only=True):
    """A wallet transaction; negative ``value`` is money going out."""

    txid: str
    value: Amount
    confirmations: int = 0
    height: int = 0
    status: str = ""
    memo: str = ""
    """The listing's title when the transaction pays for an order."""
    order_id: str = ""
    thumbnail: str = ""
    timestamp: str = ""
    address: str = ""

    @property
    def incoming(self) -> bool:
        return self.value.units > 0


class CoinBalance(msgspec.Struct, frozen=True, kw_only=True):
    """The balance of one wallet."""

    code: str
    confirmed: Amount
    unconfirmed: Amount
    height: int = 0
    name: str = ""


class WalletBalances(msgspec.Struct, frozen=True, kw_only=True):
    """A ``walletUpdate`` frame or ``GET /wallet/balance``: every wallet, ordered by code."""

    coins: tuple[CoinBalance, ...]


class PublishStatus(msgspec.Struct, frozen=True, kw_only=True):
    """Publishing progress: ``publishing``, ``publish complete``, ``error publishing``."""

    status: str


class Profile(msgspec.Struct, frozen=True, kw_only=True):
    """What a notifier needs of a peer's profile."""

    peer_id: str
    name: str = ""
    handle: str = ""
    avatar: Thumbnail = Thumbnail()
    vendor: bool = False
    moderator: bool = False


class ProfileReply(msgspec.Struct, frozen=True, kw_only=True):
    """An answer to an async ``ob/fetchprofiles`` call; ``profile`` is None on failure."""

    request_id: str
    peer_id: str
    profile: Profile | None = None
    error: str = ""


class UnknownFrame(msgspec.Struct, frozen=True, kw_only=True):
    """A well-formed frame of a shape this version does not know (an echo, a future kind)."""

    keys: tuple[str, ...] = ()
    """Its top-level keys, sorted, at most 20, each cut short and escaped for the log."""


class DecodeError(msgspec.Struct, frozen=True, kw_only=True):
    """A frame that could not be decoded; the reason says why, for the log."""

    reason: str
    excerpt: str = ""
    """The start of the frame, escaped (``\\x1b``, ``\\x0a``): fit for a log line or a terminal."""


Event: TypeAlias = (
    Notification
    | ChatMessage
    | Typing
    | ChatRead
    | WalletTx
    | WalletBalances
    | PublishStatus
    | ProfileReply
    | UnknownFrame
)

_KINDS: Final[dict[type, str]] = {
    Notification: "notification",
    ChatMessage: "message",
    Typing: "messageTyping",
    ChatRead: "messageRead",
    WalletTx: "wallet",
    WalletBalances: "walletUpdate",
    PublishStatus: "status",
    ProfileReply: "profile",
    UnknownFrame: "unknown",
    DecodeError: "error",
}


def event_kind(event: Event | DecodeError) -> str:
    """The frame kind by its wire name (``notification``, ``message``...; ``error``)."""
    return _KINDS[type(event)]


def event_id(event: Event | DecodeError) -> str:
    """The node's id of an event: notificationId, messageId or txid; else ``""``."""
    if isinstance(event, (Notification, ChatMessage)):
        return event.id
    if isinstance(event, WalletTx):
        return event.txid
    if isinstance(event, (Typing, ChatRead)):
        return event.message_id
    return ""


def event_key(event: Event | DecodeError) -> str | None:
    """The key an event is recorded and deduplicated under, or None for state-only frames.

    A transaction is keyed by txid and confirmation count, since the same txid
    comes again when it confirms and each step is news.
    """
    if isinstance(event, Notification) and event.id:
        return f"n:{event.id}"
    if isinstance(event, ChatMessage) and event.id:
        return f"m:{event.id}"
    if isinstance(event, WalletTx) and event.txid:
        return f"t:{event.txid}:{event.confirmations}"
    return None
