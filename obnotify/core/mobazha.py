"""Frames and answers of a Mobazha node into the same typed events as OB's.

Mobazha is the third generation of the OB Go server's ideas (docs/mobazha-protocol.md
says where each shape was read). Its event contract is not versioned, so
everything here is read defensively: like :mod:`obnotify.core.decode`, no
public function raises; bad input is a :class:`DecodeError`, a shape this
version does not know an :class:`UnknownFrame`, and a notification type it does
not know a ``Notification`` of type ``unknown`` that keeps its fields.
"""

from __future__ import annotations

import hashlib
from typing import Any, Final

import msgspec

from obnotify.core.decode import (
    MAX_FRAME_BYTES,
    MESSAGE_LIMIT,
    TEXT_LIMIT,
    UNREADABLE,
    NotificationPage,
    StoredNotification,
    _error,
    _text,
    decode_balances,
    decode_frame,
)
from obnotify.core.events import (
    ChatMessage,
    DecodeError,
    Event,
    Notification,
    NotificationType,
    Profile,
    PublishStatus,
    Thumbnail,
    Typing,
    UnknownFrame,
    WalletTx,
)
from obnotify.core.money import Amount, AmountError, divisibility_for, parse_base_units
from obnotify.core.plain_text import printable, strip_markup

__all__ = [
    "EVENT_TYPES",
    "MOBAZHA_TYPES",
    "QUIET_EVENTS",
    "MobazhaRoom",
    "decode_either_frame",
    "decode_mobazha_frame",
    "decode_mobazha_messages",
    "decode_mobazha_page",
    "decode_mobazha_rooms",
    "stable_id",
]

T = NotificationType

MOBAZHA_TYPES: Final = frozenset(
    {
        T.ORDER_FUNDED,
        T.ORDER_RATED,
        T.ORDER_EXPIRED,
        T.STALE_WARNING,
        T.AUTO_COMPLETED,
        T.AUTO_CANCELLED,
        T.PROTECTION_REMINDER,
        T.CASE_OPEN,
        T.AFTER_SALE_DISPUTE,
        T.PAYMENT_LOCKED,
        T.PAYMENT_EXPIRED,
        T.PAYMENT_CANCELLED,
        T.PARTIAL_PAYMENT,
    }
)
"""The notification types only a Mobazha node sends."""

_BUYER: Final = ("buyerID", "buyerName")
_VENDOR: Final = ("vendorID", "vendorName")
_DISPUTER: Final = ("disputerID", "disputerName")
_OTHER: Final = ("otherPartyID", "otherPartyName")
_PEER: Final = ("peerID", "")
_NOBODY: Final = ("", "")

EVENT_TYPES: Final[dict[str, tuple[NotificationType, tuple[str, str]]]] = {
    "order.created": (T.ORDER, _BUYER),
    "order.funded": (T.ORDER_FUNDED, _BUYER),
    "order.payment_received": (T.PAYMENT, _NOBODY),
    "order.confirmed": (T.ORDER_CONFIRMATION, _VENDOR),
    "order.shipped": (T.FULFILLMENT, _VENDOR),
    "order.completed": (T.ORDER_COMPLETE, _BUYER),
    "order.rated": (T.ORDER_RATED, _BUYER),
    "order.cancelled": (T.CANCEL, _BUYER),
    "order.expired": (T.ORDER_EXPIRED, _NOBODY),
    "order.stale_warning": (T.STALE_WARNING, _NOBODY),
    "order.declined": (T.ORDER_DECLINED, _VENDOR),
    "order.refunded": (T.REFUND, _VENDOR),
    "order.vendor_finalized": (T.VENDOR_FINALIZED_PAYMENT, _NOBODY),
    "order.auto_completed": (T.AUTO_COMPLETED, _NOBODY),
    "order.auto_cancelled": (T.AUTO_CANCELLED, _NOBODY),
    "order.protection_reminder": (T.PROTECTION_REMINDER, _NOBODY),
    "dispute.opened": (T.DISPUTE_OPEN, _DISPUTER),
    "dispute.closed": (T.DISPUTE_CLOSE, _OTHER),
    "dispute.accepted": (T.DISPUTE_ACCEPTED, _OTHER),
    "dispute.case_open": (T.CASE_OPEN, _DISPUTER),
    "dispute.case_update": (T.DISPUTE_UPDATE, _DISPUTER),
    "dispute.after_sale_opened": (T.AFTER_SALE_DISPUTE, _BUYER),
    "dispute.after_sale_received": (T.AFTER_SALE_DISPUTE, _BUYER),
    "social.follow": (T.FOLLOW, _PEER),
    "social.unfollow": (T.UNFOLLOW, _PEER),
    "social.moderator_add": (T.MODERATOR_ADD, _PEER),
    "social.moderator_remove": (T.MODERATOR_REMOVE, _PEER),
    "payment.locked": (T.PAYMENT_LOCKED, _BUYER),
    "payment.expired": (T.PAYMENT_EXPIRED, _NOBODY),
    "payment.cancelled": (T.PAYMENT_CANCELLED, _BUYER),
}
"""Every stored event of ``pkg/events/registry.go`` a user is told of, with the keys of the
other person it names."""

QUIET_EVENTS: Final = frozenset(
    {
        "collection.created",
        "collection.updated",
        "collection.deleted",
        "collection.products_changed",
    }
)
"""Stored events that are the user's own edits: counted as unknown frames, never shown."""

_STABLE_KEYS: Final[dict[str, tuple[str, ...]]] = {
    "order": ("orderID",),
    "payment": ("orderID",),
    "dispute": ("orderID", "caseID"),
}
"""``notificationDedupFields``: what the node's deterministic id is made of, per category."""

_AUTO_CANCEL_REASON: Final = "shipment_overdue"
KEY_CHARS: Final = 40
MAX_KEYS: Final = 20


class _Price(msgspec.Struct):
    amount: str | int = ""
    currencyCode: str = ""


class _Thumb(msgspec.Struct):
    tiny: str = ""
    small: str = ""


class _NotificationWire(msgspec.Struct):
    """The fields of every struct in ``pkg/events/orders.go`` and ``actions.go`` at once."""

    notificationID: str = ""
    type: str = ""
    orderID: str = ""
    caseID: str = ""
    buyerID: str = ""
    buyerName: str = ""
    vendorID: str = ""
    vendorName: str = ""
    disputerID: str = ""
    disputerName: str = ""
    disputeeID: str = ""
    disputeeName: str = ""
    otherPartyID: str = ""
    otherPartyName: str = ""
    peerID: str = ""
    buyer: str = ""
    title: str = ""
    slug: str = ""
    listingType: str = ""
    price: _Price | None = None
    fundingTotal: str | int = ""
    coinType: str = ""
    amount: str | int = ""
    coin: str = ""
    thumbnail: _Thumb | None = None
    reason: str = ""
    state: str = ""
    stuckFor: str = ""
    daysRemaining: int | None = None
    collectionID: str = ""


class _PartialWire(msgspec.Struct):
    orderID: str = ""
    paidAmount: int = 0
    expectedAmount: int = 0
    remainingAmount: int = 0
    coin: str = ""
    paymentAddress: str = ""


class _TxWire(msgspec.Struct):
    transactionID: str = ""
    value: str | int = "0"
    height: int = 0
    timestamp: str = ""
    blockInfo: dict[str, Any] | None = None
    CurrencyCode: str = ""


class _ChatWire(msgspec.Struct):
    id: str = ""
    roomId: str = ""
    sender: str = ""
    content: str = ""
    msgType: str = ""
    timestamp: str = ""


class _ItemWire(msgspec.Struct):
    notification: msgspec.Raw = msgspec.Raw(b"")
    read: bool = False
    timestamp: str = ""
    type: str = ""


class _ListWire(msgspec.Struct):
    notifications: list[_ItemWire] | None = None
    total: int = 0
    unread: int = 0


class _PageWire(msgspec.Struct):
    data: _ListWire | None = None


_any = msgspec.json.Decoder()
_notification_decoder = msgspec.json.Decoder(_NotificationWire)
_page_decoder = msgspec.json.Decoder(_PageWire)

_CHAT_MESSAGE: Final = frozenset({"chat.message", "chat.message.decrypted"})
_UNDECRYPTABLE: Final = "m.bad.encrypted"
"""A placeholder the node sends before the real message comes with the same id."""


def stable_id(event_name: str, entity_id: str) -> str:
    """The node's deterministic id: ``"stable:" + sha1(name + ":" + entity)``."""
    return "stable:" + hashlib.sha1(f"{event_name}:{entity_id}".encode()).hexdigest()


def _amount(value: str | int, code: str) -> Amount | None:
    """An amount of base units in ``code``; None when the node sent none or nonsense."""
    if value == "" or not code:
        return None
    try:
        return Amount(
            units=parse_base_units(value), divisibility=divisibility_for(code), code=code[:20]
        )
    except (AmountError, ValueError):
        return None


def _unknown(obj: dict[str, Any]) -> UnknownFrame:
    keys = sorted(printable(str(k)[:KEY_CHARS]) for k in obj)
    return UnknownFrame(keys=tuple(keys[:MAX_KEYS]))


def _event_name(n: _NotificationWire, listed_type: str) -> str:
    """The event's name: the list's ``type``, the frame's, or read off its shape.

    Three order events do not embed the node's ``Notification`` struct, so their
    frames carry no ``type`` (and the protection reminder's ``type`` is its own).
    """
    if listed_type:
        return listed_type
    if n.daysRemaining is not None:
        return "order.protection_reminder"
    if n.collectionID:
        # ``collection.created`` has a ``type`` of its own, the collection's kind.
        return "collection.updated"
    if n.type:
        return n.type
    if n.orderID:
        return "order.auto_cancelled" if n.reason == _AUTO_CANCEL_REASON else "order.auto_completed"
    return ""


def _notification(raw: bytes, listed_type: str = "") -> Notification | UnknownFrame:
    """One notification object (from a frame or a list item); raises on a wrong shape."""
    n = _notification_decoder.decode(raw)
    name = _event_name(n, listed_type)
    if name in QUIET_EVENTS:
        return UnknownFrame(keys=(printable(name[:KEY_CHARS]),))
    known = EVENT_TYPES.get(name)
    notification_id = n.notificationID
    category = name.partition(".")[0]
    if not notification_id:
        entity = next((getattr(n, k) for k in _STABLE_KEYS.get(category, ()) if getattr(n, k)), "")
        notification_id = stable_id(name, entity) if entity else ""
    if known is None:
        return _unknown_notification(raw, name, notification_id)
    kind, (peer_key, name_key) = known
    peer_id = getattr(n, peer_key) if peer_key else ""
    if kind in (T.DISPUTE_CLOSE, T.DISPUTE_ACCEPTED):
        buyer_id = n.buyer
    elif kind is T.DISPUTE_OPEN:
        buyer_id = ""
    else:
        buyer_id = n.buyerID
    if n.price is not None:
        amount = _amount(n.price.amount, n.price.currencyCode)
    elif n.fundingTotal != "":
        amount = _amount(n.fundingTotal, n.coinType)
    else:
        amount = _amount(n.amount, n.coin)
    detail, expires_in = n.reason or n.state, None
    if kind is T.PROTECTION_REMINDER:
        # Its own ``type`` says what happens when the days run out.
        detail = n.type if n.type in ("auto_complete", "auto_cancel") else "auto_complete"
        expires_in = max(0, min(n.daysRemaining or 0, 10_000)) * 86400
    elif kind is T.STALE_WARNING:
        detail = f"{n.state}|{n.stuckFor}"
    thumb = n.thumbnail
    return Notification(
        id=notification_id[:TEXT_LIMIT],
        type=kind,
        raw_type=_text(name),
        order_id=(n.orderID or n.caseID)[:TEXT_LIMIT],
        peer_id=peer_id[:TEXT_LIMIT],
        peer_name=_text(getattr(n, name_key)) if name_key else "",
        title=_text(n.title),
        slug=n.slug[:TEXT_LIMIT],
        listing_type=n.listingType[:TEXT_LIMIT],
        amount=amount,
        expires_in=expires_in,
        thumbnail=Thumbnail(tiny=thumb.tiny, small=thumb.small) if thumb else Thumbnail(),
        buyer_id=buyer_id[:TEXT_LIMIT],
        disputee_id=n.disputeeID[:TEXT_LIMIT],
        disputee_handle=_text(n.disputeeName),
        detail=_text(detail, 100),
    )


def _unknown_notification(raw: bytes, name: str, notification_id: str) -> Notification:
    """A type the registry gained later: kept with its scalar fields, shown generically."""
    obj: Any = _any.decode(raw)
    fields: list[tuple[str, str]] = []
    for key, value in obj.items():
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            fields.append((str(key)[:64], _text(str(value))[:500]))
    scalars = dict(fields)
    return Notification(
        id=notification_id[:TEXT_LIMIT],
        type=T.UNKNOWN,
        raw_type=_text(name or "unknown"),
        order_id=next((scalars[k] for k in ("orderID", "caseID") if k in scalars), ""),
        peer_id=next((scalars[k] for k in ("peerID", "buyerID", "vendorID") if k in scalars), ""),
        title=scalars.get("title", ""),
        fields=tuple(sorted(fields)[:40]),
    )


def _partial(obj: Any) -> Notification:
    p = msgspec.convert(obj, _PartialWire)
    code = p.coin[:20] or "BTC"
    decimals = divisibility_for(code)
    paid = Amount(units=parse_base_units(p.paidAmount), divisibility=decimals, code=code)
    due = Amount(units=parse_base_units(p.remainingAmount), divisibility=decimals, code=code)
    # Pushed only, never stored: its id is made of what it says, so the same
    # partial payment told twice is recorded once.
    return Notification(
        id=f"partial:{p.orderID[:200]}:{p.paidAmount}" if p.orderID else "",
        type=T.PARTIAL_PAYMENT,
        raw_type="payment.partial",
        order_id=p.orderID[:TEXT_LIMIT],
        amount=paid,
        due=due,
    )


def _wallet(obj: Any) -> Event:
    if not isinstance(obj, dict) or not isinstance(obj.get("transaction"), dict):
        # ``{"block": ...}``: a new block, state only.
        return _unknown(obj) if isinstance(obj, dict) else UnknownFrame()
    tx = msgspec.convert(obj["transaction"], _TxWire)
    code = tx.CurrencyCode[:20] or "BTC"
    return WalletTx(
        txid=tx.transactionID[:TEXT_LIMIT],
        value=Amount(
            units=parse_base_units(tx.value), divisibility=divisibility_for(code), code=code
        ),
        confirmations=1 if tx.blockInfo else 0,
        height=tx.height,
        timestamp=tx.timestamp[:64],
    )


def _chat(kind: str, data: Any) -> Event:
    if kind == "chat.typing":
        room = data.get("roomId") if isinstance(data, dict) else None
        return Typing(subject=room[:TEXT_LIMIT] if isinstance(room, str) else "")
    m = msgspec.convert(data, _ChatWire)
    if m.msgType == _UNDECRYPTABLE:
        return UnknownFrame(keys=(_UNDECRYPTABLE,))
    return ChatMessage(
        id=m.id[:TEXT_LIMIT],
        peer_id=m.sender[:TEXT_LIMIT],
        text=strip_markup(m.content[: MESSAGE_LIMIT * 8])[:MESSAGE_LIMIT],
        timestamp=m.timestamp[:64],
    )


def _from_object(obj: dict[str, Any], data: bytes | str) -> Event | DecodeError:
    kind = obj.get("type")
    payload = obj.get("data")
    if kind == "notification" and isinstance(payload, dict):
        inner = payload.get("notification")
        if not isinstance(inner, dict):
            return _error("notification frame without a notification object", data)
        return _notification(msgspec.json.encode(inner))
    if isinstance(kind, str) and (kind in _CHAT_MESSAGE or kind == "chat.typing"):
        if not isinstance(payload, dict):
            return _error(f"{printable(kind[:40])} frame without data", data)
        return _chat(kind, payload)
    if "wallet" in obj:
        return _wallet(obj["wallet"])
    if isinstance(obj.get("walletUpdate"), dict):
        return decode_balances(msgspec.json.encode(obj["walletUpdate"]))
    if isinstance(obj.get("partialPaymentReceived"), dict):
        return _partial(obj["partialPaymentReceived"])
    if isinstance(obj.get("status"), str):
        return PublishStatus(status=_text(obj["status"]))
    return _unknown(obj)


def decode_mobazha_frame(
    data: bytes | str, *, max_size: int = MAX_FRAME_BYTES
) -> Event | DecodeError:
    """Decode one socket frame of a Mobazha node into an event."""
    size = len(data) if isinstance(data, bytes) else len(data.encode("utf-8", "surrogatepass"))
    if size > max_size:
        return _error(f"frame larger than {max_size} bytes", data)
    try:
        obj = _any.decode(data)
        if not isinstance(obj, dict):
            return UnknownFrame()
        return _from_object(obj, data)
    except (msgspec.DecodeError, msgspec.ValidationError, AmountError) as exc:
        return _error(str(exc), data)
    except (RecursionError, UnicodeError, ValueError, OverflowError, TypeError) as exc:
        return _error(f"{type(exc).__name__}: {exc}", data)


_MOBAZHA_KEYS: Final = frozenset({"type", "partialPaymentReceived", "shoppingCart"})
_MOBAZHA_WALLET_KEYS: Final = frozenset({"transaction", "block"})


def decode_either_frame(
    data: bytes | str, *, max_size: int = MAX_FRAME_BYTES
) -> Event | DecodeError:
    """A frame of a node whose kind is not known yet, read by its shape.

    Mobazha's frames say ``type`` at the top, or wrap a wallet transaction in
    ``transaction``; OB's never do. Balances and publishing status look alike in both.
    """
    try:
        obj = _any.decode(data) if len(data) <= max_size else None
    except (msgspec.DecodeError, RecursionError, UnicodeError, ValueError):
        obj = None
    if isinstance(obj, dict):
        wallet = obj.get("wallet")
        if _MOBAZHA_KEYS & obj.keys() or (
            isinstance(wallet, dict) and _MOBAZHA_WALLET_KEYS & wallet.keys()
        ):
            return decode_mobazha_frame(data, max_size=max_size)
    return decode_frame(data, max_size=max_size)


def decode_mobazha_page(data: bytes | str) -> NotificationPage | DecodeError:
    """Decode ``GET /v1/notifications`` (``{"data": {...}}``); bad items are in ``errors``.

    Items of the user's own edits (collections) and items with no id are left out:
    neither is news, and neither can be a cursor.
    """
    try:
        page = _page_decoder.decode(data)
    except UNREADABLE as exc:
        return _error(str(exc), data)
    listing = page.data or _ListWire()
    items: list[StoredNotification] = []
    errors: list[DecodeError] = []
    for item in listing.notifications or []:
        raw = bytes(item.notification)
        try:
            n = _notification(raw, item.type) if raw else None
        except UNREADABLE as exc:
            errors.append(_error(str(exc), raw))
            continue
        if not isinstance(n, Notification) or not n.id:
            errors.append(
                DecodeError(reason=f"item of type {printable(item.type[:40])!r} not kept")
            )
            continue
        items.append(
            StoredNotification(
                notification=n,
                read=item.read,
                timestamp=item.timestamp[:64],
                raw=raw.decode("utf-8", "replace"),
            )
        )
    return NotificationPage(items=tuple(items), errors=tuple(errors), unread=listing.unread)


class MobazhaRoom(msgspec.Struct, frozen=True, kw_only=True):
    """A Matrix chat room as ``GET /v1/chat/rooms`` lists it."""

    room_id: str
    unread: int = 0
    members: tuple[Profile, ...] = ()
    """Who is in it, by Matrix id, with the name each chose: senders are named by these."""


class _MemberWire(msgspec.Struct):
    userId: str = ""
    displayName: str = ""


class _RoomWire(msgspec.Struct):
    roomId: str = ""
    unreadCount: int = 0
    members: list[_MemberWire] | None = None


class _RoomsWire(msgspec.Struct):
    data: list[_RoomWire] | None = None


class _MessageWire(msgspec.Struct):
    id: str = ""
    sender: str = ""
    content: str = ""
    msgType: str = ""
    timestamp: str = ""
    metadata: dict[str, str] | None = None


class _MessagesData(msgspec.Struct):
    messages: list[msgspec.Raw] | None = None
    end: str = ""


class _MessagesWire(msgspec.Struct):
    data: _MessagesData | None = None


_rooms_decoder = msgspec.json.Decoder(_RoomsWire)
_messages_decoder = msgspec.json.Decoder(_MessagesWire)
_message_item = msgspec.json.Decoder(_MessageWire)


def decode_mobazha_rooms(data: bytes | str) -> list[MobazhaRoom] | DecodeError:
    """``GET /v1/chat/rooms``: each room with its unread count and members."""
    try:
        rooms = _rooms_decoder.decode(data).data or []
    except UNREADABLE as exc:
        return _error(str(exc), data)
    return [
        MobazhaRoom(
            room_id=room.roomId[:TEXT_LIMIT],
            unread=max(0, room.unreadCount),
            members=tuple(
                Profile(peer_id=m.userId[:TEXT_LIMIT], name=_text(m.displayName, 100))
                for m in room.members or []
                if m.userId
            ),
        )
        for room in rooms
        if room.roomId
    ]


def decode_mobazha_messages(
    data: bytes | str, *, own_user: str, unread: int
) -> tuple[list[tuple[ChatMessage, str]], str] | DecodeError:
    """``GET /v1/chat/rooms/ID/messages`` (newest first) and the token of the older page.

    The node counts a room's unread messages but marks none: the newest ``unread``
    of the others' messages are the unread ones. Ours (sent as ``own_user``) are
    outgoing. A message the node could not decrypt is left out: the same id comes
    again once it can.
    """
    try:
        page = _messages_decoder.decode(data).data or _MessagesData()
        out: list[tuple[ChatMessage, str]] = []
        left = unread
        for raw in page.messages or []:
            m = _message_item.decode(raw)
            if not m.id or (m.metadata or {}).get("decryptionFailed") == "true":
                continue
            outgoing = bool(own_user) and m.sender == own_user
            message = ChatMessage(
                id=m.id[:TEXT_LIMIT],
                peer_id=m.sender[:TEXT_LIMIT],
                text=strip_markup(m.content[: MESSAGE_LIMIT * 8])[:MESSAGE_LIMIT],
                outgoing=outgoing,
                read=outgoing or left <= 0,
                timestamp=m.timestamp[:64],
            )
            if not outgoing:
                left -= 1
            out.append((message, bytes(raw).decode("utf-8", "replace")))
    except UNREADABLE as exc:
        return _error(str(exc), data)
    return out, page.end[:TEXT_LIMIT]
