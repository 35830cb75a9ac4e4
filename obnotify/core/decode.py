"""Frames from an OB node into typed events.

Every public function here returns a value and never raises: bad JSON, a
non-object, a wrong field type or an oversized frame becomes a
:class:`DecodeError` that the caller logs, counts and skips.
"""

from __future__ import annotations

from typing import Any, Final

import msgspec

from obnotify.core import wire
from obnotify.core.events import (
    TYPE_ALIASES,
    ChatMessage,
    ChatRead,
    CoinBalance,
    DecodeError,
    Event,
    Notification,
    NotificationType,
    Profile,
    ProfileReply,
    PublishStatus,
    Thumbnail,
    Typing,
    UnknownFrame,
    WalletBalances,
    WalletTx,
)
from obnotify.core.money import (
    Amount,
    AmountError,
    divisibility_for,
    divisibility_from_multiplier,
    parse_base_units,
)
from obnotify.core.plain_text import printable, strip_markup, unescape

__all__ = [
    "MAX_FRAME_BYTES",
    "UNREADABLE",
    "NotificationPage",
    "StoredNotification",
    "decode_balances",
    "decode_chat_messages",
    "decode_conversations",
    "decode_event",
    "decode_frame",
    "decode_notification_page",
    "decode_profile",
    "encode_event",
]

TEXT_LIMIT: Final = 1000
"""Characters kept of a name, a title, a memo: a toast shows 80 of a title, 240 of a body."""
MESSAGE_LIMIT: Final = 20_000
"""Characters kept of a chat message, the most the node's own client lets one be."""

MAX_FRAME_BYTES: Final = 2 * 1024 * 1024
"""Largest frame decoded. Real frames are a few KiB; chat text is capped at 20,000 characters."""

UNREADABLE: Final = (msgspec.DecodeError, msgspec.ValidationError, ValueError, RecursionError)
"""What reading a node's bytes can raise, each turned into a counted ``DecodeError`` value:
bad JSON, a wrong shape, a bad amount (``AmountError`` is a ``ValueError``), nesting too deep."""
EXCERPT: Final = 120
REASON: Final = 300
KEY_CHARS: Final = 40
"""Keys of an unknown frame are logged: each is cut to this many characters."""
MAX_KEYS: Final = 20

_frame_decoder = msgspec.json.Decoder(wire.FrameWire)
_type_decoder = msgspec.json.Decoder(wire.TypeOnly)
_notification_decoder = msgspec.json.Decoder(wire.NotificationWire)
_page_decoder = msgspec.json.Decoder(wire.NotificationListWire)
_balances_decoder = msgspec.json.Decoder(dict[str, wire.BalanceWire])
_profile_decoder = msgspec.json.Decoder(wire.ProfileWire)
_any_decoder = msgspec.json.Decoder()
_conversations_decoder = msgspec.json.Decoder(list[wire.ConversationWire])
_raw_list_decoder = msgspec.json.Decoder(list[msgspec.Raw])
_message_decoder = msgspec.json.Decoder(wire.MessageWire)

_KNOWN_TYPES: Final[dict[str, NotificationType]] = {
    t.value: t for t in NotificationType if t is not NotificationType.UNKNOWN
} | TYPE_ALIASES


class StoredNotification(msgspec.Struct, frozen=True, kw_only=True):
    """One item of the node's notification history."""

    notification: Notification
    read: bool
    timestamp: str
    raw: str = ""
    """The notification object as the node sent it, for the history."""


class NotificationPage(msgspec.Struct, frozen=True, kw_only=True):
    """A page of ``GET /ob/notifications``, newest first; items that failed are in ``errors``."""

    items: tuple[StoredNotification, ...]
    errors: tuple[DecodeError, ...] = ()
    unread: int = 0


def _text(value: str, limit: int = TEXT_LIMIT) -> str:
    """Node text unescaped once and cut to ``limit`` characters: no more of a frame is kept
    than the product can show, however much a node sends."""
    # Entities only ever shrink text: cutting first bounds the work, too.
    return unescape(value[: limit * 8])[:limit]


def _excerpt(data: bytes | str) -> str:
    """The start of a bad frame for the log, escaped: it may hold ESC, CR or LF."""
    head = data[:EXCERPT]
    text = head.decode("utf-8", "replace") if isinstance(head, bytes) else head
    return printable(text, EXCERPT)


def _error(reason: str, data: bytes | str) -> DecodeError:
    # Parser messages can quote the frame, so the reason is escaped like the excerpt.
    return DecodeError(reason=printable(reason, REASON), excerpt=_excerpt(data))


def _too_big(data: bytes | str, limit: int) -> bool:
    # A str has at most 4 UTF-8 bytes per character: measure cheaply, exactly only near the limit.
    if isinstance(data, str) and len(data) * 4 > limit:
        return len(data.encode("utf-8", "surrogatepass")) > limit
    return len(data) > limit


def decode_frame(data: bytes | str, *, max_size: int = MAX_FRAME_BYTES) -> Event | DecodeError:
    """Decode one socket frame (text exactly as sent) into an event."""
    if _too_big(data, max_size):
        return DecodeError(reason=f"frame larger than {max_size} bytes", excerpt=_excerpt(data))
    try:
        frame = _frame_decoder.decode(data)
        return _from_frame(frame, data)
    except (msgspec.DecodeError, msgspec.ValidationError, AmountError) as exc:
        return _error(str(exc), data)
    except (RecursionError, UnicodeError, ValueError, OverflowError) as exc:
        return _error(f"{type(exc).__name__}: {exc}", data)


def _from_frame(frame: wire.FrameWire, data: bytes | str) -> Event | DecodeError:
    if frame.notification:
        return _notification(frame.notification)
    if frame.message is not None:
        return _message(frame.message)
    if frame.messageTyping is not None:
        s = frame.messageTyping
        return Typing(message_id=s.messageId, peer_id=s.peerId, subject=s.subject)
    if frame.messageRead is not None:
        s = frame.messageRead
        return ChatRead(message_id=s.messageId, peer_id=s.peerId, subject=s.subject)
    if frame.wallet is not None:
        return _wallet_tx(frame.wallet)
    if frame.walletUpdate is not None:
        return _balances(frame.walletUpdate)
    if frame.status is not None:
        return PublishStatus(status=_text(frame.status))
    if frame.id is not None and (frame.profile is not None or frame.error is not None):
        return _profile_reply(frame)
    keys = _any_decoder.decode(data)
    if not isinstance(keys, dict):
        return UnknownFrame()
    return UnknownFrame(keys=tuple(sorted(printable(str(k)[:KEY_CHARS]) for k in keys))[:MAX_KEYS])


def _thumbnail(thumb: wire.ThumbnailWire | None) -> Thumbnail:
    if thumb is None:
        return Thumbnail()
    return Thumbnail(tiny=thumb.tiny, small=thumb.small)


def _amount(value: int | str | wire.AmountWire | None, code: str) -> Amount | None:
    """An amount from either generation; ``code`` names the coin where 0.13 sends a bare integer."""
    if value is None:
        return None
    if isinstance(value, (int, str)):
        return Amount(units=parse_base_units(value), divisibility=divisibility_for(code), code=code)
    currency_code = value.currency.code if value.currency else ""
    currency_code = currency_code or value.currencyCode or code
    if value.currency is not None and value.currency.divisibility is not None:
        decimals = value.currency.divisibility
    elif value.coinDivisibility is not None:
        decimals = divisibility_from_multiplier(value.coinDivisibility)
    else:
        decimals = divisibility_for(currency_code)
    try:
        return Amount(
            units=parse_base_units(value.amount), divisibility=decimals, code=currency_code
        )
    except AmountError:
        raise
    except ValueError as exc:
        raise AmountError(str(exc)) from exc


_ORDER_PEER: Final[dict[NotificationType, tuple[str, str]]] = {
    NotificationType.ORDER: ("buyerId", "buyerHandle"),
    NotificationType.CANCEL: ("buyerId", "buyerHandle"),
    NotificationType.ORDER_COMPLETE: ("buyerId", "buyerHandle"),
    NotificationType.ORDER_CONFIRMATION: ("vendorId", "vendorHandle"),
    NotificationType.ORDER_DECLINED: ("vendorId", "vendorHandle"),
    NotificationType.REFUND: ("vendorId", "vendorHandle"),
    NotificationType.FULFILLMENT: ("vendorId", "vendorHandle"),
    NotificationType.PROCESSING_ERROR: ("vendorId", "vendorHandle"),
    NotificationType.DISPUTE_OPEN: ("disputerId", "disputerHandle"),
    NotificationType.DISPUTE_UPDATE: ("disputerId", "disputerHandle"),
    NotificationType.DISPUTE_CLOSE: ("otherPartyId", "otherPartyHandle"),
    NotificationType.DISPUTE_ACCEPTED: ("otherPartyId", "otherPartyHandle"),
    NotificationType.FOLLOW: ("peerId", ""),
    NotificationType.UNFOLLOW: ("peerId", ""),
    NotificationType.MODERATOR_ADD: ("peerId", ""),
    NotificationType.MODERATOR_REMOVE: ("peerId", ""),
}


def _notification(raw: msgspec.Raw) -> Notification:
    raw_type = _type_decoder.decode(raw).type
    kind = _KNOWN_TYPES.get(raw_type)
    if kind is None:
        return _unknown_notification(raw, raw_type)
    n = _notification_decoder.decode(raw)
    peer_key, handle_key = _ORDER_PEER.get(kind, ("", ""))
    amount = None
    if n.price is not None:
        amount = _amount(n.price, n.coinType)
    elif n.fundingTotal is not None:
        amount = _amount(n.fundingTotal, n.coinType)
    return Notification(
        id=n.notificationId,
        type=kind,
        raw_type=raw_type,
        order_id=(n.orderId or n.purchaseOrderId or n.disputeCaseId)[:TEXT_LIMIT],
        peer_id=getattr(n, peer_key) if peer_key else "",
        peer_handle=_text(getattr(n, handle_key)) if handle_key else "",
        title=_text(n.title),
        slug=n.slug[:TEXT_LIMIT],
        listing_type=n.listingType[:TEXT_LIMIT],
        amount=amount,
        expires_in=n.expiresIn,
        thumbnail=_thumbnail(n.thumbnail),
        buyer_id=n.buyer,
        disputee_id=n.disputeeId,
        disputee_handle=_text(n.disputeeHandle),
    )


_GENERIC_ID_KEYS: Final = ("orderId", "purchaseOrderId", "disputeCaseId", "caseId")
_GENERIC_PEER_KEYS: Final = ("peerId", "buyerId", "vendorId", "otherPartyId", "disputerId")


def _unknown_notification(raw: msgspec.Raw, raw_type: str) -> Notification:
    """Keep what a future type carries, so it is recorded and shown rather than lost."""
    obj: Any = _any_decoder.decode(raw)
    fields: list[tuple[str, str]] = []
    for key, value in obj.items():
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            fields.append((str(key)[:64], _text(str(value))[:500]))
    scalars = dict(fields)
    thumb = obj.get("thumbnail")
    thumbnail = Thumbnail()
    if isinstance(thumb, dict):
        tiny, small = thumb.get("tiny"), thumb.get("small")
        thumbnail = Thumbnail(
            tiny=tiny if isinstance(tiny, str) else "",
            small=small if isinstance(small, str) else "",
        )
    notification_id = obj.get("notificationId")
    return Notification(
        id=notification_id if isinstance(notification_id, str) else "",
        type=NotificationType.UNKNOWN,
        raw_type=_text(raw_type),
        order_id=next((scalars[k] for k in _GENERIC_ID_KEYS if k in scalars), ""),
        peer_id=next((scalars[k] for k in _GENERIC_PEER_KEYS if k in scalars), ""),
        title=scalars.get("title", ""),
        thumbnail=thumbnail,
        fields=tuple(sorted(fields)[:40]),
    )


def _message(m: wire.MessageWire) -> ChatMessage:
    return ChatMessage(
        id=m.messageId,
        peer_id=m.peerId,
        # Chat is the one field where a person types free text: the HTML the
        # node's sanitiser left in it is read as markup and shown as its text.
        text=strip_markup(m.message[: MESSAGE_LIMIT * 8])[:MESSAGE_LIMIT],
        subject=m.subject,
        outgoing=m.outgoing,
        read=m.read,
        timestamp=m.timestamp,
    )


def _wallet_tx(w: wire.WalletWire) -> WalletTx:
    value = _amount(w.value, w.wallet)
    assert value is not None
    thumb = (
        w.thumbnail
        if isinstance(w.thumbnail, str)
        else Thumbnail(tiny=w.thumbnail.tiny, small=w.thumbnail.small).best()
    )
    return WalletTx(
        txid=w.txid,
        value=value,
        confirmations=w.confirmations,
        height=w.height,
        status=w.status,
        memo=_text(w.memo),
        order_id=w.orderId,
        thumbnail=thumb,
        timestamp=w.timestamp,
        address=w.address,
    )


def _balances(coins: dict[str, wire.BalanceWire]) -> WalletBalances:
    out: list[CoinBalance] = []
    for code, b in sorted(coins.items()):
        currency = b.currency
        real_code = (currency.code if currency else "") or code
        decimals = (
            currency.divisibility
            if currency is not None and currency.divisibility is not None
            else divisibility_for(real_code)
        )
        out.append(
            CoinBalance(
                code=real_code,
                confirmed=Amount(
                    units=parse_base_units(b.confirmed), divisibility=decimals, code=real_code
                ),
                unconfirmed=Amount(
                    units=parse_base_units(b.unconfirmed), divisibility=decimals, code=real_code
                ),
                height=b.height,
                name=_text(currency.name) if currency else "",
            )
        )
    return WalletBalances(coins=tuple(out))


def _profile(p: wire.ProfileWire, peer_id: str) -> Profile:
    avatar = p.avatarHashes
    return Profile(
        peer_id=peer_id or p.peerID,
        name=_text(p.name),
        handle=_text(p.handle),
        avatar=Thumbnail(tiny=avatar.tiny, small=avatar.small) if avatar else Thumbnail(),
        vendor=p.vendor,
        moderator=p.moderator,
    )


def _profile_reply(frame: wire.FrameWire) -> ProfileReply:
    # Success carries ``peerId``, failure ``peerID``: accept either on both.
    peer_id = frame.peerId or frame.peerID or ""
    if frame.profile is not None and not frame.error:
        return ProfileReply(
            request_id=frame.id or "", peer_id=peer_id, profile=_profile(frame.profile, peer_id)
        )
    return ProfileReply(
        request_id=frame.id or "", peer_id=peer_id, error=_text(frame.error or "error")
    )


_STORED_EVENTS: Final[dict[str, type[Notification | ChatMessage | WalletTx]]] = {
    "notification": Notification,
    "message": ChatMessage,
    "wallet": WalletTx,
}
_stored_decoders: Final = {kind: msgspec.json.Decoder(cls) for kind, cls in _STORED_EVENTS.items()}
_stored_encoder: Final = msgspec.json.Encoder()


def encode_event(event: Notification | ChatMessage | WalletTx) -> str:
    """An event as the history keeps it: the decoded value, no more of the frame than that."""
    return _stored_encoder.encode(event).decode()


def decode_event(kind: str, data: str) -> Notification | ChatMessage | WalletTx | DecodeError:
    """An event back from :func:`encode_event`, by its kind; never raises."""
    decoder = _stored_decoders.get(kind)
    if decoder is None:
        return _error(f"no stored events of kind {kind!r}", data)
    try:
        return decoder.decode(data)
    except (msgspec.DecodeError, msgspec.ValidationError, ValueError) as exc:
        return _error(f"stored event does not decode: {exc}", data)


def decode_notification_page(data: bytes | str) -> NotificationPage | DecodeError:
    """Decode ``GET /ob/notifications``; a bad item is reported, the rest still decode."""
    try:
        page = _page_decoder.decode(data)
    except UNREADABLE as exc:
        return _error(str(exc), data)
    items: list[StoredNotification] = []
    errors: list[DecodeError] = []
    for item in page.notifications or []:
        if not item.notification:
            errors.append(DecodeError(reason="item without notification"))
            continue
        try:
            n = _notification(item.notification)
        except (msgspec.DecodeError, msgspec.ValidationError, AmountError, ValueError) as exc:
            errors.append(_error(str(exc), bytes(item.notification)))
            continue
        raw = bytes(item.notification).decode("utf-8", "replace")
        items.append(
            StoredNotification(notification=n, read=item.read, timestamp=item.timestamp, raw=raw)
        )
    return NotificationPage(items=tuple(items), errors=tuple(errors), unread=page.unread)


def decode_balances(data: bytes | str) -> WalletBalances | DecodeError:
    """Decode ``GET /wallet/balance``, the same per-coin shape as ``walletUpdate``."""
    try:
        return _balances(_balances_decoder.decode(data))
    except UNREADABLE as exc:
        return _error(str(exc), data)


def decode_profile(data: bytes | str, peer_id: str = "") -> Profile | DecodeError:
    """Decode ``GET /ob/profile/PEER``."""
    try:
        return _profile(_profile_decoder.decode(data), peer_id)
    except UNREADABLE as exc:
        return _error(str(exc), data)


def decode_conversations(data: bytes | str) -> list[tuple[str, int]] | DecodeError:
    """``GET /ob/chatconversations`` as (peer id, unread count) pairs."""
    try:
        return [(c.peerId, c.unread) for c in _conversations_decoder.decode(data) if c.peerId]
    except UNREADABLE as exc:
        return _error(str(exc), data)


def decode_chat_messages(data: bytes | str) -> list[tuple[ChatMessage, str]] | DecodeError:
    """``GET /ob/chatmessages/PEER``, newest first, each with its JSON as the node sent it."""
    try:
        items = _raw_list_decoder.decode(data)
        out = []
        for raw in items:
            text = bytes(raw).decode("utf-8", "replace")
            out.append((_message(_message_decoder.decode(raw)), text))
        return out
    except UNREADABLE as exc:
        return _error(str(exc), data)
