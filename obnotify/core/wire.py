"""The wire shapes of both protocol generations, as msgspec Structs.

Field names follow the server's JSON (camelCase). Every field has a default
because the server drops keys whose value is null; a missing key means empty.
Amounts accept both generations: a JSON integer (0.13) or an object with a
digit string and a currency (0.14).
"""

from __future__ import annotations

import msgspec

__all__ = [
    "AmountWire",
    "BalanceWire",
    "ConversationWire",
    "FrameWire",
    "MessageWire",
    "NotificationListWire",
    "NotificationWire",
    "ProfileWire",
    "TypeOnly",
    "WalletWire",
]


class CurrencyWire(msgspec.Struct):
    code: str = ""
    divisibility: int | None = None
    name: str = ""


class AmountWire(msgspec.Struct):
    amount: int | str = 0
    currency: CurrencyWire | None = None
    coinDivisibility: int | None = None
    currencyCode: str = ""


class ThumbnailWire(msgspec.Struct):
    tiny: str = ""
    small: str = ""


class TypeOnly(msgspec.Struct):
    """Reads only a notification's type, so an unknown type can take another path."""

    type: str = ""


class NotificationWire(msgspec.Struct):
    notificationId: str = ""
    type: str = ""
    orderId: str = ""
    purchaseOrderId: str = ""
    disputeCaseId: str = ""
    buyerId: str = ""
    buyerHandle: str = ""
    vendorId: str = ""
    vendorHandle: str = ""
    title: str = ""
    slug: str = ""
    listingType: str = ""
    price: AmountWire | None = None
    fundingTotal: int | str | AmountWire | None = None
    coinType: str = ""
    expiresIn: int | None = None
    thumbnail: ThumbnailWire | None = None
    peerId: str = ""
    disputerId: str = ""
    disputerHandle: str = ""
    disputeeId: str = ""
    disputeeHandle: str = ""
    buyer: str = ""
    otherPartyId: str = ""
    otherPartyHandle: str = ""


class MessageWire(msgspec.Struct):
    message: str = ""
    messageId: str = ""
    outgoing: bool = False
    peerId: str = ""
    read: bool = False
    subject: str = ""
    timestamp: str = ""


class ChatSignalWire(msgspec.Struct):
    messageId: str = ""
    peerId: str = ""
    subject: str = ""


class WalletWire(msgspec.Struct):
    txid: str = ""
    wallet: str = ""
    value: int | str | AmountWire = 0
    confirmations: int = 0
    height: int = 0
    status: str = ""
    memo: str = ""
    orderId: str = ""
    thumbnail: str | ThumbnailWire = ""
    timestamp: str = ""
    address: str = ""
    canBumpFee: bool = False


class BalanceWire(msgspec.Struct):
    confirmed: int | str = 0
    unconfirmed: int | str = 0
    height: int = 0
    currency: CurrencyWire | None = None


class AvatarWire(msgspec.Struct):
    tiny: str = ""
    small: str = ""
    medium: str = ""


class ProfileWire(msgspec.Struct):
    peerID: str = ""
    name: str = ""
    handle: str = ""
    avatarHashes: AvatarWire | None = None
    vendor: bool = False
    moderator: bool = False


class FrameWire(msgspec.Struct):
    """Every top-level key a frame can carry; which one is present says what it is."""

    notification: msgspec.Raw = msgspec.Raw(b"")
    """Kept raw: its ``type`` picks the struct, and unknown types keep every field."""
    message: MessageWire | None = None
    messageTyping: ChatSignalWire | None = None
    messageRead: ChatSignalWire | None = None
    wallet: WalletWire | None = None
    walletUpdate: dict[str, BalanceWire] | None = None
    status: str | None = None
    id: str | None = None
    peerId: str | None = None
    peerID: str | None = None
    profile: ProfileWire | None = None
    error: str | None = None


class ConversationWire(msgspec.Struct):
    """One item of ``GET /ob/chatconversations``."""

    peerId: str = ""
    unread: int = 0


class NotificationItemWire(msgspec.Struct):
    notification: msgspec.Raw = msgspec.Raw(b"")
    read: bool = False
    timestamp: str = ""
    type: str = ""


class NotificationListWire(msgspec.Struct):
    """``GET /ob/notifications``."""

    notifications: list[NotificationItemWire] | None = None
    total: int = 0
    unread: int = 0
