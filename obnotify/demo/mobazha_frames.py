"""Frames a Mobazha node pushes, field for field as its Go structs marshal them.

Each event's fields are copied from ``pkg/events/orders.go``, ``actions.go`` and
``collections.go`` of mobazha/mobazha (docs/mobazha-protocol.md names the commit):
every key a struct has, in its JSON spelling, with Go's zero value when the
caller gives none and left out only where the struct says ``omitempty``. Quirks
are kept: three order events and the collection events carry no
``notificationID`` nor ``type``, the protection reminder's ``type`` is its own,
and order, payment and dispute events have deterministic ``stable:`` ids.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final

from obnotify.core.mobazha import stable_id
from obnotify.demo.cid import random_token
from obnotify.demo.gojson import rfc3339_nano

__all__ = [
    "EMBEDS_NOTIFICATION",
    "FIELDS",
    "chat_frame",
    "event",
    "notification_frame",
    "partial_payment_frame",
    "payment_readiness_frame",
    "record_id",
    "wallet_tx_frame",
    "wallet_update_frame",
]

_BUYER: Final = ("buyerName", "buyerID", "buyerAvatar?")
_VENDOR: Final = ("vendorName", "vendorID", "vendorAvatar?")
_BOTH_OPTIONAL: Final = (
    "buyerName?", "buyerID?", "buyerAvatar?", "vendorName?", "vendorID?", "vendorAvatar?",
)  # fmt: skip
_BOTH: Final = ("buyerName", "buyerID", "buyerAvatar", "vendorName", "vendorID", "vendorAvatar")
_DISPUTE_PARTIES: Final = (
    "disputerID", "disputerName", "disputerAvatar?", "disputeeID", "disputeeName", "disputeeAvatar?",
)  # fmt: skip
_OTHER_PARTY: Final = ("otherPartyID", "otherPartyName", "otherPartyAvatar?", "buyer")
_LISTING: Final = ("listingType", "orderID", "price", "slug", "thumbnail", "title")

FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "order.created": (*_BUYER, *_LISTING),
    "order.funded": ("tenantID?", *_BUYER, *_LISTING),
    "order.payment_received": ("tenantID?", "orderID", "fundingTotal", "coinType"),
    "order.confirmed": ("orderID", "thumbnail", *_VENDOR),
    "order.shipped": ("orderID", "thumbnail", *_VENDOR),
    "order.completed": ("orderID", "thumbnail", *_BUYER),
    "order.rated": ("orderID", "thumbnail", *_BUYER),
    "order.cancelled": ("orderID", "thumbnail", *_BUYER),
    "order.expired": ("orderID", "reason", *_BOTH_OPTIONAL, "thumbnail", "title?"),
    "order.stale_warning": ("orderID", "state", "stuckFor", *_BOTH_OPTIONAL, "thumbnail", "title?"),
    "order.declined": ("orderID", "thumbnail", *_VENDOR),
    "order.refunded": ("orderID", "thumbnail", *_VENDOR),
    "order.vendor_finalized": ("orderID",),
    "order.auto_completed": ("orderID", "reason?", *_BOTH, "thumbnail", "title"),
    "order.auto_cancelled": ("orderID", "reason", *_BOTH, "thumbnail", "title"),
    "order.protection_reminder": ("orderID", "type", "daysRemaining", *_BOTH, "thumbnail", "title"),
    "dispute.opened": ("orderID", "thumbnail", *_DISPUTE_PARTIES),
    "dispute.closed": ("orderID", "thumbnail", *_OTHER_PARTY, "buyerRefunded"),
    "dispute.accepted": ("orderID", "thumbnail", *_OTHER_PARTY),
    "dispute.case_open": ("caseID", "thumbnail", *_DISPUTE_PARTIES),
    "dispute.case_update": ("caseID", "thumbnail", *_DISPUTE_PARTIES),
    "dispute.after_sale_opened": ("orderID", "reason", "description", *_BOTH, "thumbnail", "title"),
    "dispute.after_sale_received": (
        "orderID",
        "reason",
        "description",
        "buyerName",
        "buyerID",
        "thumbnail",
        "title",
    ),
    "social.follow": ("peerID",),
    "social.unfollow": ("peerID",),
    "social.moderator_add": ("peerID",),
    "social.moderator_remove": ("peerID",),
    "payment.locked": (
        "orderID",
        *_BUYER,
        "slug",
        "thumbnail",
        "title",
        "transactionHash",
        "coin",
        "amount",
        "expiresAt",
    ),
    "payment.expired": ("orderID", "thumbnail", "amount", "coin"),
    "payment.cancelled": ("orderID", "thumbnail", *_BUYER, "amount", "coin"),
    "collection.created": ("collectionID", "title", "type"),
    "collection.updated": ("collectionID", "title"),
    "collection.deleted": ("collectionID",),
    "collection.products_changed": ("collectionID", "action", "slugs?"),
}
"""The JSON keys of each stored event's struct; ``?`` marks ``omitempty``."""

EMBEDS_NOTIFICATION: Final = frozenset(FIELDS) - {
    "order.auto_completed",
    "order.auto_cancelled",
    "order.protection_reminder",
    "collection.created",
    "collection.updated",
    "collection.deleted",
    "collection.products_changed",
}
"""Events whose struct embeds ``events.Notification``: only these get an id and type."""

_STABLE_KEYS: Final = {
    "order": ("orderID",),
    "payment": ("orderID",),
    "dispute": ("orderID", "caseID"),
}
_NUMBERS: Final = frozenset({"daysRemaining", "expiresAt"})
_BOOLS: Final = frozenset({"buyerRefunded"})


def _zero(key: str) -> Any:
    """Go's zero value of a field, as it marshals."""
    if key == "thumbnail":
        return {"small": "", "tiny": ""}
    if key == "price":
        return {"amount": "", "currencyCode": "", "priceModifier": 0}
    if key in _NUMBERS:
        return 0
    if key in _BOOLS:
        return False
    return ""


def record_id(name: str, fields: Mapping[str, Any]) -> str:
    """The id the node stores the event under: stable for orders, payments and disputes."""
    for key in _STABLE_KEYS.get(name.partition(".")[0], ()):
        value = fields.get(key)
        if isinstance(value, str) and value:
            return stable_id(name, value)
    return random_token(20)


def event(name: str, **values: Any) -> tuple[str, dict[str, Any]]:
    """``(record id, notification object)`` of one stored event, as the node marshals it.

    Unknown names (a future event) keep exactly what is given, with an id and type.
    """
    keys = FIELDS.get(name)
    record = str(values.pop("notificationID", "")) or record_id(name, values)
    if keys is None:
        return record, {**values, "notificationID": record, "type": name}
    obj: dict[str, Any] = {}
    for spec in keys:
        key, optional = spec.rstrip("?"), spec.endswith("?")
        value = values.pop(key, _zero(key))
        if optional and value in ("", 0, None, [], {}):
            continue
        obj[key] = value
    if values:
        raise ValueError(f"{name} has no fields {sorted(values)}")
    if name in EMBEDS_NOTIFICATION:
        obj["notificationID"] = record
        obj["type"] = name
    return record, obj


def notification_frame(notification: Mapping[str, Any], unread: int) -> dict[str, Any]:
    """``notificationPushMessage``: how a stored event is pushed."""
    return {"type": "notification", "data": {"notification": dict(notification), "unread": unread}}


def partial_payment_frame(
    order_id: str, *, paid: int, expected: int, coin: str, address: str = ""
) -> dict[str, Any]:
    """``payment.partial``: pushed only, never stored."""
    return {
        "partialPaymentReceived": {
            "orderID": order_id,
            "paidAmount": paid,
            "expectedAmount": expected,
            "remainingAmount": max(0, expected - paid),
            "coin": coin,
            "paymentAddress": address,
        }
    }


def payment_readiness_frame(order_id: str) -> dict[str, Any]:
    """``payment.readiness``: a buyer's payment page may refresh."""
    return {"type": "paymentReadiness", "data": {"paymentReadiness": {"orderID": order_id}}}


def wallet_tx_frame(
    txid: str, value: int, code: str, *, when: datetime, height: int = 0, block: bool = False
) -> dict[str, Any]:
    """``wallet.tx_received`` (``Transaction.MarshalJSON`` plus ``CurrencyCode``)."""
    tx: dict[str, Any] = {
        "transactionID": txid,
        "from": [],
        "to": [],
        "value": str(value),
        "height": height,
        "timestamp": rfc3339_nano(when),
        "CurrencyCode": code,
    }
    if block:
        tx["blockInfo"] = {"blockID": random_token(32), "height": height}
    return {"wallet": {"transaction": tx}}


def wallet_update_frame(balances: Mapping[str, tuple[int, int, int]]) -> dict[str, Any]:
    """``wallet.update``: ``events.WalletInfo`` per coin, amounts as bare JSON numbers."""
    return {
        "walletUpdate": {
            code: {
                "confirmed": confirmed,
                "unconfirmed": unconfirmed,
                "height": height,
                "currency": {
                    "name": code,
                    "code": code,
                    "divisibility": 8,
                    "currencyType": "crypto",
                    "blockInterval": 600000000000,
                },
            }
            for code, (confirmed, unconfirmed, height) in balances.items()
        }
    }


def chat_frame(
    message_id: str,
    sender: str,
    content: str,
    *,
    when: datetime,
    room: str = "!room:mobazha.local",
    msg_type: str = "m.text",
    kind: str = "chat.message",
) -> dict[str, Any]:
    """A Matrix chat message as ``matrix_chat_ws_bridge.go`` forwards it."""
    return {
        "type": kind,
        "data": {
            "id": message_id,
            "roomId": room,
            "sender": sender,
            "content": content,
            "msgType": msg_type,
            "timestamp": rfc3339_nano(when),
        },
    }
