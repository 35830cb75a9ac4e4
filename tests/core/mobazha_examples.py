"""One example of every Mobazha event a node pushes, built field for field from its Go structs.

The decode and golden tests draw on these, so one reviewed set of inputs backs
both. The event list itself is ``tests/fixtures/mobazha-events.txt``, copied from
the node's ``pkg/events/registry.go``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

from obnotify.demo import gojson
from obnotify.demo.mobazha_frames import event, notification_frame

__all__ = [
    "ALICE",
    "BOB",
    "EXAMPLES",
    "ORDER",
    "REGISTRY",
    "THUMB",
    "frame_text",
    "registry_events",
]

REGISTRY: Final = Path(__file__).parents[1] / "fixtures" / "mobazha-events.txt"

ORDER: Final = "QmbMY8sGzmGiCTCqw7G6JfBQGkXaCm3jeBo9KA1MYkWFAZ"
CASE: Final = "QmPgRCqyHq3KRQf7nKkqA5m6gyNyBU6gtZ4tx787csgGpG"
ALICE: Final = "12D3KooWAlicePeerIdAlicePeerIdAlicePeerIdAlice1"
BOB: Final = "12D3KooWBobPeerIdBobPeerIdBobPeerIdBobPeerIdBob12"
THUMB: Final = {
    "tiny": "zb2rhXytP3KvSpk2w8uMNi8ApM6cEBkcSmAcEp4xuzJ3HXH8W",
    "small": "zb2rhdmv4SqzsxFzZK6tPeYkant6rRyFHDfJx3saUZLQsf6VT",
}
PRICE: Final = {"amount": "250000", "currencyCode": "BTC", "priceModifier": 0}
BUYER: Final = {"buyerName": "Alice", "buyerID": ALICE}
VENDOR: Final = {"vendorName": "Bob's Shop", "vendorID": BOB}
LISTING: Final = {"orderID": ORDER, "thumbnail": THUMB, "title": "Hand-bound notebook"}


def registry_events() -> list[tuple[str, bool, str]]:
    """(name, stored, category) of every event in the node's registry."""
    rows = []
    for line in REGISTRY.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, persistence, category = line.split()
            rows.append((name, persistence == "persistent", category))
    return rows


EXAMPLES: Final[dict[str, dict[str, Any]]] = {
    "order.created": {**BUYER, **LISTING, "price": PRICE, "slug": "notebook", "listingType": "PHYSICAL_GOOD"},
    "order.funded": {**BUYER, **LISTING, "price": PRICE, "slug": "notebook"},
    "order.payment_received": {"orderID": ORDER, "fundingTotal": "250000", "coinType": "BTC"},
    "order.confirmed": {"orderID": ORDER, "thumbnail": THUMB, **VENDOR},
    "order.shipped": {"orderID": ORDER, "thumbnail": THUMB, **VENDOR},
    "order.completed": {"orderID": ORDER, "thumbnail": THUMB, **BUYER},
    "order.rated": {"orderID": ORDER, "thumbnail": THUMB, **BUYER},
    "order.cancelled": {"orderID": ORDER, "thumbnail": THUMB, **BUYER},
    "order.expired": {**LISTING, "reason": "payment_timeout", **BUYER},
    "order.stale_warning": {**LISTING, "state": "AWAITING_SHIPMENT", "stuckFor": "72h0m0s", **BUYER},
    "order.declined": {"orderID": ORDER, "thumbnail": THUMB, **VENDOR},
    "order.refunded": {"orderID": ORDER, "thumbnail": THUMB, **VENDOR},
    "order.vendor_finalized": {"orderID": ORDER},
    "order.auto_completed": {**LISTING, "reason": "protection_expired", **BUYER, **VENDOR},
    "order.auto_cancelled": {**LISTING, "reason": "shipment_overdue", **BUYER, **VENDOR},
    "order.protection_reminder": {**LISTING, "type": "auto_complete", "daysRemaining": 3, **BUYER, **VENDOR},
    "dispute.opened": {
        "orderID": ORDER, "thumbnail": THUMB, "disputerID": ALICE, "disputerName": "Alice",
        "disputeeID": BOB, "disputeeName": "Bob's Shop",
    },
    "dispute.closed": {
        "orderID": ORDER, "thumbnail": THUMB, "otherPartyID": ALICE, "otherPartyName": "Alice",
        "buyer": ALICE, "buyerRefunded": True,
    },
    "dispute.accepted": {
        "orderID": ORDER, "thumbnail": THUMB, "otherPartyID": ALICE, "otherPartyName": "Alice",
        "buyer": ALICE,
    },
    "dispute.case_open": {
        "caseID": CASE, "thumbnail": THUMB, "disputerID": ALICE, "disputerName": "Alice",
        "disputeeID": BOB, "disputeeName": "Bob's Shop",
    },
    "dispute.case_update": {
        "caseID": CASE, "thumbnail": THUMB, "disputerID": BOB, "disputerName": "Bob's Shop",
        "disputeeID": ALICE, "disputeeName": "Alice",
    },
    "dispute.after_sale_opened": {
        **LISTING, "reason": "NOT_AS_DESCRIBED", "description": "Pages torn", **BUYER, **VENDOR,
    },
    "dispute.after_sale_received": {
        **LISTING, "reason": "NOT_RECEIVED", "description": "Never came", **BUYER,
    },
    "social.follow": {"peerID": ALICE},
    "social.unfollow": {"peerID": ALICE},
    "social.moderator_add": {"peerID": ALICE},
    "social.moderator_remove": {"peerID": ALICE},
    "payment.locked": {
        **LISTING, **BUYER, "slug": "notebook", "transactionHash": "0xabc", "coin": "BTC",
        "amount": "250000", "expiresAt": 1790000000,
    },
    "payment.expired": {"orderID": ORDER, "thumbnail": THUMB, "amount": "250000", "coin": "BTC"},
    "payment.cancelled": {"orderID": ORDER, "thumbnail": THUMB, **BUYER, "amount": "250000", "coin": "BTC"},
    "collection.created": {"collectionID": "c1", "title": "Spring", "type": "manual"},
    "collection.updated": {"collectionID": "c1", "title": "Spring"},
    "collection.deleted": {"collectionID": "c1"},
    "collection.products_changed": {"collectionID": "c1", "action": "add", "slugs": ["notebook"]},
}  # fmt: skip
"""The fields of each stored event, as a node fills them."""


def frame_text(name: str, unread: int = 1) -> str:
    """The pushed frame of one example, as the node writes it."""
    _record, obj = event(name, **EXAMPLES[name])
    return gojson.dumps(notification_frame(obj, unread))
