"""Builders for every frame and notification the node sends, in both generations.

Tests and the built-in scenario describe events in base units and ids; the
factory turns them into the exact shape a 0.14 node (amounts as digit strings
with a currency object) or a 0.13 node (plain integers) would send. Values
are plain dicts, still unescaped: the node sanitises them when it sends.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final, Literal

from obnotify.demo.cid import random_cid, random_txid
from obnotify.demo.gojson import rfc3339_nano

__all__ = [
    "CURRENCIES",
    "GENERATIONS",
    "NOTIFICATION_TYPES",
    "PUSH_ONLY_TYPES",
    "Balance",
    "FrameFactory",
    "Generation",
    "Thumbnail",
    "currency_info",
    "unwrap_notification",
]

Generation = Literal["0.14", "0.13"]
GENERATIONS: Final[tuple[Generation, ...]] = ("0.14", "0.13")

CURRENCIES: Final[Mapping[str, tuple[str, int]]] = {
    "BTC": ("Bitcoin", 8),
    "BCH": ("Bitcoin Cash", 8),
    "LTC": ("Litecoin", 8),
    "ZEC": ("Zcash", 8),
    "ETH": ("Ethereum", 18),
}
"""Display name and divisibility (decimal places) per mainnet coin code."""

NOTIFICATION_TYPES: Final = (
    "order",
    "payment",
    "orderConfirmation",
    "orderDeclined",
    "cancel",
    "refund",
    "fulfillment",
    "orderComplete",
    "processingError",
    "disputeOpen",
    "disputeUpdate",
    "disputeClose",
    "disputeAccepted",
    "vendorFinalizedPayment",
    "buyerDisputeTimeout",
    "buyerDisputeExpiry",
    "vendorDisputeTimeout",
    "moderatorDisputeExpiry",
    "follow",
    "unfollow",
    "moderatorAdd",
    "moderatorRemove",
)
"""Every notification type a 0.14 node defines (0.13 calls ``orderDeclined`` ``declined``)."""

PUSH_ONLY_TYPES: Final = frozenset({"unfollow"})
"""Notification types the node sends on the socket without storing them."""

_DEFAULT_DIVISIBILITY: Final = 8


def currency_info(code: str) -> dict[str, Any]:
    """The 0.14 currency object for ``code``; a ``T`` prefix means testnet.

    Unknown codes get divisibility 8 and the code as name, so tests can invent coins.
    """
    base = code[1:] if code.startswith("T") and code[1:] in CURRENCIES else code
    name, divisibility = CURRENCIES.get(base, (code, _DEFAULT_DIVISIBILITY))
    if base != code:
        name = f"Testnet {name}"
    return {"code": code, "currencyType": "crypto", "divisibility": divisibility, "name": name}


@dataclass(frozen=True, slots=True)
class Thumbnail:
    """A listing picture in the two sizes notifications carry (IPFS hashes)."""

    tiny: str = ""
    """About 120 px."""
    small: str = ""
    """About 240 px."""

    def as_dict(self) -> dict[str, str]:
        """The wire shape: both keys always present, empty when unknown."""
        return {"small": self.small, "tiny": self.tiny}


@dataclass(frozen=True, slots=True)
class Balance:
    """One wallet's balance in base units."""

    confirmed: int = 0
    unconfirmed: int = 0
    height: int = 0
    """Chain height the wallet has synced to."""


ThumbnailLike = Thumbnail | Mapping[str, str] | None


def _thumbnail(value: ThumbnailLike) -> dict[str, str]:
    if value is None:
        return Thumbnail().as_dict()
    if isinstance(value, Thumbnail):
        return value.as_dict()
    return {"small": value.get("small", ""), "tiny": value.get("tiny", "")}


def unwrap_notification(value: Mapping[str, Any]) -> dict[str, Any]:
    """The inner notification of ``{"notification": {...}}``, or ``value`` itself."""
    inner = value.get("notification")
    if isinstance(inner, Mapping) and "type" not in value:
        return dict(inner)
    return dict(value)


class FrameFactory:
    """Makes notifications and frames shaped like one server generation.

    Notification builders return the inner notification dict (with a fresh
    ``notificationId`` unless one is given); wrap it with
    :meth:`notification_frame` to push it by hand, or give it to
    ``SimNode.notify``. Other builders return whole frames.
    """

    def __init__(self, generation: Generation = "0.14") -> None:
        if generation not in GENERATIONS:
            raise ValueError(f"unknown generation {generation!r}")
        self.generation: Generation = generation
        """``"0.14"`` (strings + currency objects) or ``"0.13"`` (integers)."""

    @property
    def modern(self) -> bool:
        """Whether amounts are 0.14-style strings with currency objects."""
        return self.generation == "0.14"

    def amount(self, value: int, code: str) -> dict[str, Any] | int:
        """An amount in base units: ``{"amount": "123", "currency": {...}}`` or ``123``."""
        if self.modern:
            return {"amount": str(value), "currency": currency_info(code)}
        return value

    def price(self, value: int, code: str) -> dict[str, Any]:
        """A listing price as an ``order`` notification carries it."""
        if self.modern:
            return {"amount": str(value), "currency": currency_info(code)}
        divisibility = int(currency_info(code)["divisibility"])
        return {
            "amount": value,
            "coinDivisibility": 10**divisibility,
            "currencyCode": code,
            "priceModifier": 0,
        }

    def balance(self, code: str, balance: Balance) -> dict[str, Any]:
        """One coin's entry of ``walletUpdate`` and ``GET /wallet/balance``."""
        if self.modern:
            return {
                "confirmed": str(balance.confirmed),
                "currency": currency_info(code),
                "height": balance.height,
                "unconfirmed": str(balance.unconfirmed),
            }
        return {
            "confirmed": balance.confirmed,
            "height": balance.height,
            "unconfirmed": balance.unconfirmed,
        }

    def _notification(
        self, kind: str, notification_id: str | None, **fields: Any
    ) -> dict[str, Any]:
        return {"notificationId": notification_id or random_cid(), "type": kind, **fields}

    def order(
        self,
        *,
        buyer_id: str,
        title: str,
        price: int,
        code: str = "BTC",
        buyer_handle: str = "",
        order_id: str | None = None,
        slug: str = "",
        listing_type: str = "PHYSICAL_GOOD",
        thumbnail: ThumbnailLike = None,
        notification_id: str | None = None,
    ) -> dict[str, Any]:
        """Seller side: a paid order arrived."""
        return self._notification(
            "order",
            notification_id,
            buyerHandle=buyer_handle,
            buyerId=buyer_id,
            listingType=listing_type,
            orderId=order_id or random_cid(),
            price=self.price(price, code),
            slug=slug,
            thumbnail=_thumbnail(thumbnail),
            title=title,
        )

    def payment(
        self,
        *,
        funding_total: int,
        code: str = "BTC",
        order_id: str | None = None,
        notification_id: str | None = None,
    ) -> dict[str, Any]:
        """Buyer side: our payment for an order was sent."""
        return self._notification(
            "payment",
            notification_id,
            coinType=code,
            fundingTotal=self.amount(funding_total, code),
            orderId=order_id or random_cid(),
        )

    def _vendor_event(
        self,
        kind: str,
        vendor_id: str,
        vendor_handle: str,
        order_id: str | None,
        thumbnail: ThumbnailLike,
        notification_id: str | None,
    ) -> dict[str, Any]:
        return self._notification(
            kind,
            notification_id,
            orderId=order_id or random_cid(),
            thumbnail=_thumbnail(thumbnail),
            vendorHandle=vendor_handle,
            vendorId=vendor_id,
        )

    def _buyer_event(
        self,
        kind: str,
        buyer_id: str,
        buyer_handle: str,
        order_id: str | None,
        thumbnail: ThumbnailLike,
        notification_id: str | None,
    ) -> dict[str, Any]:
        return self._notification(
            kind,
            notification_id,
            buyerHandle=buyer_handle,
            buyerId=buyer_id,
            orderId=order_id or random_cid(),
            thumbnail=_thumbnail(thumbnail),
        )

    def order_confirmation(
        self,
        *,
        vendor_id: str,
        vendor_handle: str = "",
        order_id: str | None = None,
        thumbnail: ThumbnailLike = None,
        notification_id: str | None = None,
    ) -> dict[str, Any]:
        """Buyer side: the seller accepted the order."""
        return self._vendor_event(
            "orderConfirmation", vendor_id, vendor_handle, order_id, thumbnail, notification_id
        )

    def order_declined(
        self,
        *,
        vendor_id: str,
        vendor_handle: str = "",
        order_id: str | None = None,
        thumbnail: ThumbnailLike = None,
        notification_id: str | None = None,
    ) -> dict[str, Any]:
        """Buyer side: the seller declined (type ``declined`` on a 0.13 node)."""
        kind = "orderDeclined" if self.modern else "declined"
        return self._vendor_event(
            kind, vendor_id, vendor_handle, order_id, thumbnail, notification_id
        )

    def refund(
        self,
        *,
        vendor_id: str,
        vendor_handle: str = "",
        order_id: str | None = None,
        thumbnail: ThumbnailLike = None,
        notification_id: str | None = None,
    ) -> dict[str, Any]:
        """Buyer side: the seller refunded the order."""
        return self._vendor_event(
            "refund", vendor_id, vendor_handle, order_id, thumbnail, notification_id
        )

    def fulfillment(
        self,
        *,
        vendor_id: str,
        vendor_handle: str = "",
        order_id: str | None = None,
        thumbnail: ThumbnailLike = None,
        notification_id: str | None = None,
    ) -> dict[str, Any]:
        """Buyer side: the order was shipped or delivered."""
        return self._vendor_event(
            "fulfillment", vendor_id, vendor_handle, order_id, thumbnail, notification_id
        )

    def processing_error(
        self,
        *,
        vendor_id: str,
        vendor_handle: str = "",
        order_id: str | None = None,
        thumbnail: ThumbnailLike = None,
        notification_id: str | None = None,
    ) -> dict[str, Any]:
        """Buyer side: the seller's node could not process the order."""
        return self._vendor_event(
            "processingError", vendor_id, vendor_handle, order_id, thumbnail, notification_id
        )

    def cancel(
        self,
        *,
        buyer_id: str,
        buyer_handle: str = "",
        order_id: str | None = None,
        thumbnail: ThumbnailLike = None,
        notification_id: str | None = None,
    ) -> dict[str, Any]:
        """Seller side: the buyer cancelled."""
        return self._buyer_event(
            "cancel", buyer_id, buyer_handle, order_id, thumbnail, notification_id
        )

    def order_complete(
        self,
        *,
        buyer_id: str,
        buyer_handle: str = "",
        order_id: str | None = None,
        thumbnail: ThumbnailLike = None,
        notification_id: str | None = None,
    ) -> dict[str, Any]:
        """Seller side: the buyer completed the order and left a rating."""
        return self._buyer_event(
            "orderComplete", buyer_id, buyer_handle, order_id, thumbnail, notification_id
        )

    def _dispute_open_or_update(
        self,
        kind: str,
        disputer_id: str,
        disputee_id: str,
        buyer: str,
        disputer_handle: str,
        disputee_handle: str,
        order_id: str | None,
        thumbnail: ThumbnailLike,
        notification_id: str | None,
    ) -> dict[str, Any]:
        return self._notification(
            kind,
            notification_id,
            buyer=buyer,
            disputeeHandle=disputee_handle,
            disputeeId=disputee_id,
            disputerHandle=disputer_handle,
            disputerId=disputer_id,
            orderId=order_id or random_cid(),
            thumbnail=_thumbnail(thumbnail),
        )

    def dispute_open(
        self,
        *,
        disputer_id: str,
        disputee_id: str,
        buyer: str,
        disputer_handle: str = "",
        disputee_handle: str = "",
        order_id: str | None = None,
        thumbnail: ThumbnailLike = None,
        notification_id: str | None = None,
    ) -> dict[str, Any]:
        """Both parties: a dispute was opened."""
        return self._dispute_open_or_update(
            "disputeOpen", disputer_id, disputee_id, buyer, disputer_handle,
            disputee_handle, order_id, thumbnail, notification_id,
        )  # fmt: skip

    def dispute_update(
        self,
        *,
        disputer_id: str,
        disputee_id: str,
        buyer: str,
        disputer_handle: str = "",
        disputee_handle: str = "",
        order_id: str | None = None,
        thumbnail: ThumbnailLike = None,
        notification_id: str | None = None,
    ) -> dict[str, Any]:
        """Moderator: a party sent its side of the dispute."""
        return self._dispute_open_or_update(
            "disputeUpdate", disputer_id, disputee_id, buyer, disputer_handle,
            disputee_handle, order_id, thumbnail, notification_id,
        )  # fmt: skip

    def _dispute_outcome(
        self,
        kind: str,
        other_party_id: str,
        other_party_handle: str,
        buyer: str,
        order_id: str | None,
        thumbnail: ThumbnailLike,
        notification_id: str | None,
    ) -> dict[str, Any]:
        return self._notification(
            kind,
            notification_id,
            buyer=buyer,
            orderId=order_id or random_cid(),
            otherPartyHandle=other_party_handle,
            otherPartyId=other_party_id,
            thumbnail=_thumbnail(thumbnail),
        )

    def dispute_close(
        self,
        *,
        other_party_id: str,
        buyer: str,
        other_party_handle: str = "",
        order_id: str | None = None,
        thumbnail: ThumbnailLike = None,
        notification_id: str | None = None,
    ) -> dict[str, Any]:
        """Both parties: the moderator decided the dispute."""
        return self._dispute_outcome(
            "disputeClose", other_party_id, other_party_handle, buyer, order_id,
            thumbnail, notification_id,
        )  # fmt: skip

    def dispute_accepted(
        self,
        *,
        other_party_id: str,
        buyer: str,
        other_party_handle: str = "",
        order_id: str | None = None,
        thumbnail: ThumbnailLike = None,
        notification_id: str | None = None,
    ) -> dict[str, Any]:
        """Both parties: the other party accepted the moderator's payout."""
        return self._dispute_outcome(
            "disputeAccepted", other_party_id, other_party_handle, buyer, order_id,
            thumbnail, notification_id,
        )  # fmt: skip

    def vendor_finalized_payment(
        self, *, order_id: str | None = None, notification_id: str | None = None
    ) -> dict[str, Any]:
        """Buyer side: the seller released the escrowed funds."""
        return self._notification(
            "vendorFinalizedPayment", notification_id, orderId=order_id or random_cid()
        )

    def _expiry(
        self,
        kind: str,
        id_key: str,
        target_id: str | None,
        expires_in: int,
        thumbnail: ThumbnailLike,
        notification_id: str | None,
    ) -> dict[str, Any]:
        fields: dict[str, Any] = {
            id_key: target_id or random_cid(),
            "expiresIn": expires_in,
            "thumbnail": _thumbnail(thumbnail),
        }
        return self._notification(kind, notification_id, **fields)

    def buyer_dispute_timeout(
        self,
        *,
        expires_in: int,
        order_id: str | None = None,
        thumbnail: ThumbnailLike = None,
        notification_id: str | None = None,
    ) -> dict[str, Any]:
        """Buyer: the window to dispute is closing (``expiresIn`` seconds)."""
        return self._expiry(
            "buyerDisputeTimeout", "orderId", order_id, expires_in, thumbnail, notification_id
        )

    def buyer_dispute_expiry(
        self,
        *,
        expires_in: int,
        order_id: str | None = None,
        thumbnail: ThumbnailLike = None,
        notification_id: str | None = None,
    ) -> dict[str, Any]:
        """Buyer: the dispute window expires in ``expiresIn`` seconds (0: it has)."""
        return self._expiry(
            "buyerDisputeExpiry", "orderId", order_id, expires_in, thumbnail, notification_id
        )

    def vendor_dispute_timeout(
        self,
        *,
        expires_in: int,
        purchase_order_id: str | None = None,
        thumbnail: ThumbnailLike = None,
        notification_id: str | None = None,
    ) -> dict[str, Any]:
        """Seller: the order's dispute window is closing; the id key is ``purchaseOrderId``."""
        return self._expiry(
            "vendorDisputeTimeout", "purchaseOrderId", purchase_order_id, expires_in,
            thumbnail, notification_id,
        )  # fmt: skip

    def moderator_dispute_expiry(
        self,
        *,
        expires_in: int,
        dispute_case_id: str | None = None,
        thumbnail: ThumbnailLike = None,
        notification_id: str | None = None,
    ) -> dict[str, Any]:
        """Moderator: a case's window is closing; the id key is ``disputeCaseId``."""
        return self._expiry(
            "moderatorDisputeExpiry", "disputeCaseId", dispute_case_id, expires_in,
            thumbnail, notification_id,
        )  # fmt: skip

    def _peer_event(self, kind: str, peer_id: str, notification_id: str | None) -> dict[str, Any]:
        return self._notification(kind, notification_id, peerId=peer_id)

    def follow(self, *, peer_id: str, notification_id: str | None = None) -> dict[str, Any]:
        """``peer_id`` started following us (stored)."""
        return self._peer_event("follow", peer_id, notification_id)

    def unfollow(self, *, peer_id: str, notification_id: str | None = None) -> dict[str, Any]:
        """``peer_id`` stopped following us (socket only, never stored)."""
        return self._peer_event("unfollow", peer_id, notification_id)

    def moderator_add(self, *, peer_id: str, notification_id: str | None = None) -> dict[str, Any]:
        """``peer_id`` added us as a moderator (defined; 0.14.5 never sends it)."""
        return self._peer_event("moderatorAdd", peer_id, notification_id)

    @staticmethod
    def notification_frame(notification: Mapping[str, Any]) -> dict[str, Any]:
        """``{"notification": ...}``, the frame that carries a notification."""
        return {"notification": dict(notification)}

    @staticmethod
    def message(
        *,
        peer_id: str,
        text: str,
        subject: str = "",
        message_id: str | None = None,
        outgoing: bool = False,
        read: bool = False,
        timestamp: datetime | None = None,
    ) -> dict[str, Any]:
        """A chat message frame; ``subject`` is an order id for order chat, else empty."""
        return {
            "message": {
                "message": text,
                "messageId": message_id or random_cid(),
                "outgoing": outgoing,
                "peerId": peer_id,
                "read": read,
                "subject": subject,
                "timestamp": rfc3339_nano(timestamp or datetime.now(UTC)),
            }
        }

    @staticmethod
    def message_typing(
        *, peer_id: str, subject: str = "", message_id: str | None = None
    ) -> dict[str, Any]:
        """The other side is typing."""
        return {
            "messageTyping": {
                "messageId": message_id or random_cid(),
                "peerId": peer_id,
                "subject": subject,
            }
        }

    @staticmethod
    def message_read(*, peer_id: str, message_id: str, subject: str = "") -> dict[str, Any]:
        """The other side read our messages up to ``message_id``."""
        return {"messageRead": {"messageId": message_id, "peerId": peer_id, "subject": subject}}

    @staticmethod
    def status(text: str) -> dict[str, Any]:
        """Publishing status: ``publishing``, ``publish complete`` or ``error publishing``."""
        return {"status": text}

    def wallet(
        self,
        *,
        code: str,
        value: int,
        txid: str | None = None,
        address: str = "",
        memo: str = "",
        order_id: str = "",
        thumbnail: str = "",
        status: str = "UNCONFIRMED",
        confirmations: int = 0,
        height: int = 0,
        can_bump_fee: bool = True,
        timestamp: datetime | None = None,
    ) -> dict[str, Any]:
        """A wallet transaction frame; ``value`` is negative when money goes out."""
        return {
            "wallet": {
                "address": address,
                "canBumpFee": can_bump_fee,
                "confirmations": confirmations,
                "height": height,
                "memo": memo,
                "orderId": order_id,
                "status": status,
                "thumbnail": thumbnail,
                "timestamp": rfc3339_nano(timestamp or datetime.now(UTC)),
                "txid": txid or random_txid(),
                "value": self.amount(value, code),
                "wallet": code,
            }
        }

    def wallet_update(self, balances: Mapping[str, Balance]) -> dict[str, Any]:
        """The periodic ``walletUpdate`` frame with every coin's balance."""
        return {"walletUpdate": {code: self.balance(code, b) for code, b in balances.items()}}

    @staticmethod
    def profile_reply(request_id: str, peer_id: str, profile: Mapping[str, Any]) -> dict[str, Any]:
        """The socket answer to an async ``fetchprofiles`` call for a found peer."""
        return {"id": request_id, "peerId": peer_id, "profile": dict(profile)}

    @staticmethod
    def profile_error(request_id: str, peer_id: str, error: str = "not found") -> dict[str, Any]:
        """The failure answer; note ``peerID`` with a capital D, unlike the success case."""
        return {"error": error, "id": request_id, "peerID": peer_id}
