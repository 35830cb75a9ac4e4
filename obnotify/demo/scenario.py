"""The built-in demo: a seeded node and a script that sends every kind of event once.

``obnotify --demo`` and ``python -m obnotify.demo --scenario`` run it so the app
can be seen doing everything without a real node; tests use :func:`build_scenario`
to check that every event kind is handled. People, listings and pictures are
stable across runs; notification, message and transaction ids are fresh for each
build so an app that remembers ids from an earlier run still shows them.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from obnotify.demo.cid import cid_v0, random_cid
from obnotify.demo.frames import Balance, FrameFactory, Generation, Thumbnail
from obnotify.demo.gojson import rfc3339_nano
from obnotify.demo.images import PictureSet, avatar_set, thumbnail_set
from obnotify.demo.node import SimNode
from obnotify.demo.store import ChatRow

__all__ = [
    "LISTINGS",
    "PEERS",
    "SCENARIO",
    "SCENARIO_KINDS",
    "DemoListing",
    "DemoPeer",
    "Step",
    "build_scenario",
    "play",
    "seed",
]

DAY: Final = 24 * 60 * 60
"""Seconds in a day, for ``expiresIn``."""


@functools.cache
def _avatar(key: str, initial: str) -> PictureSet:
    """Drawn once per process: pictures are deterministic, and drawing costs milliseconds."""
    return avatar_set(f"avatar-{key}", initial)


@functools.cache
def _thumbnails(slug: str, initial: str) -> PictureSet:
    return thumbnail_set(f"listing-{slug}", initial)


@dataclass(frozen=True, slots=True)
class DemoPeer:
    """Someone the demo node trades with."""

    key: str
    """Short name used in code."""
    name: str
    handle: str
    about: str
    location: str
    vendor: bool = False
    moderator: bool = False

    @property
    def peer_id(self) -> str:
        """A stable, well-formed peer id derived from ``key``."""
        return cid_v0(f"obnotify demo peer {self.key}".encode())

    @property
    def avatar(self) -> PictureSet:
        return _avatar(self.key, self.name[:1].upper())

    def profile(self) -> dict[str, Any]:
        """The profile object the node serves for this peer."""
        return {
            "about": self.about,
            "avatarHashes": self.avatar.hashes(),
            "colors": {
                "primary": "#FFFFFF",
                "secondary": "#ECEEF2",
                "text": "#252525",
                "highlight": "#2BAD23",
                "highlightText": "#252525",
            },
            "currencies": ["BTC", "BCH", "LTC", "ZEC", "ETH"],
            "handle": self.handle,
            "lastModified": "2026-10-02T09:14:27.51823Z",
            "location": self.location,
            "moderator": self.moderator,
            "name": self.name,
            "nsfw": False,
            "shortDescription": self.about[:60],
            "stats": {
                "averageRating": 4.8,
                "followerCount": 37,
                "followingCount": 12,
                "listingCount": 9 if self.vendor else 0,
                "postCount": 2,
                "ratingCount": 21 if self.vendor else 0,
            },
            "vendor": self.vendor,
            "version": 5,
        }


@dataclass(frozen=True, slots=True)
class DemoListing:
    """Something sold in the demo."""

    slug: str
    title: str
    price: int
    """In base units of ``code``."""
    code: str
    listing_type: str = "PHYSICAL_GOOD"

    @property
    def pictures(self) -> PictureSet:
        return _thumbnails(self.slug, self.title[:1].upper())

    @property
    def thumbnail(self) -> Thumbnail:
        hashes = self.pictures.hashes()
        return Thumbnail(tiny=hashes["tiny"], small=hashes["small"])


PEERS: Final = {
    peer.key: peer
    for peer in (
        DemoPeer("alice", "Alice Moreau", "alicemakes", "Ceramics from a tiny studio.", "Lyon, FR", vendor=True),
        DemoPeer("bob", "Bob's Vintage Audio", "bobaudio", "Restored turntables & amps.", "Leeds, UK", vendor=True),
        DemoPeer("carla", "Carla Reyes", "carla_mod", "Neutral moderator since 2018.", "Porto, PT", moderator=True),
        DemoPeer("dmitri", "Dmitri Volkov", "dvolkov", "Buyer of odd and lovely things.", "Tallinn, EE"),
        DemoPeer("shop", "Hearth & Loom", "hearthandloom", "Knitwear and kitchen goods.", "Bergen, NO", vendor=True),
    )
}  # fmt: skip
"""The demo's people; ``shop`` is the node's own profile."""

UNKNOWN_PEER: Final = cid_v0(b"obnotify demo peer without a profile")
"""A peer with no profile: ``fetchprofiles`` answers ``not found`` for it."""

LISTINGS: Final = {
    listing.slug: listing
    for listing in (
        DemoListing("stoneware-mug", "Hand-thrown stoneware mug, speckled glaze", 123_000, "BTC"),
        DemoListing("technics-sl1200", "Vintage Technics SL-1200 turntable", 450_000_000, "LTC"),
        DemoListing("merino-beanie", "Merino wool beanie (charcoal)", 18_000_000_000_000_000, "ETH"),
        DemoListing("sourdough-kit", "Sourdough starter kit & proofing basket", 55_000, "BTC"),
        DemoListing("notebook-cover", "A5 leather notebook cover", 45_000_000, "LTC"),
        DemoListing("field-recordings", "Field recordings: Nordic forests (FLAC)", 12_000, "BTC", "DIGITAL_GOOD"),
    )
}  # fmt: skip

START_BALANCES: Final = {
    "BTC": Balance(confirmed=4_250_000, unconfirmed=0, height=871_234),
    "BCH": Balance(),
    "LTC": Balance(confirmed=610_000_000, unconfirmed=12_500_000, height=2_790_118),
    "ZEC": Balance(),
    "ETH": Balance(confirmed=750_000_000_000_000_000, unconfirmed=0, height=21_004_337),
}
"""Balances after :func:`seed` (ETH has 18 decimals: 0.75 ETH)."""


@dataclass(frozen=True, slots=True)
class Step:
    """One event of the scenario."""

    label: str
    """What happens, for people reading a log or a test failure."""
    kind: str
    """The notification type, or the frame's top-level key for other frames."""
    frame: dict[str, Any]
    """The whole frame, unescaped, as given to ``SimNode.deliver``."""


def _kind(frame: dict[str, Any]) -> str:
    notification = frame.get("notification")
    if isinstance(notification, dict):
        return str(notification["type"])
    return next(iter(frame))


def seed(node: SimNode) -> None:
    """Give ``node`` profiles, pictures, balances, older notifications and chat history."""
    for peer in PEERS.values():
        for picture in peer.avatar:
            node.add_image(picture.data)
        node.add_profile(peer.peer_id, peer.profile())
    node.add_profile(node.peer_id, PEERS["shop"].profile())
    for listing in LISTINGS.values():
        for picture in listing.pictures:
            node.add_image(picture.data)
    for code, balance in START_BALANCES.items():
        node.set_balance(code, balance.confirmed, balance.unconfirmed, balance.height)

    frames = node.frames
    now = datetime.now(UTC)
    dmitri, alice, bob = PEERS["dmitri"], PEERS["alice"], PEERS["bob"]
    node.store_notification(
        frames.follow(peer_id=dmitri.peer_id), read=True, timestamp=now - timedelta(days=2)
    )
    node.store_notification(
        frames.order_complete(
            buyer_id=alice.peer_id,
            buyer_handle=alice.handle,
            thumbnail=LISTINGS["notebook-cover"].thumbnail,
        ),
        timestamp=now - timedelta(hours=3),
    )
    history = (
        (alice, "Hi! Does the mug survive the dishwasher?", False, True, timedelta(hours=26)),
        (alice, "It does, the glaze is fired at 1240 °C.", True, True, timedelta(hours=25)),
        (bob, "Your turntable ships tomorrow morning.", False, False, timedelta(hours=5)),
    )
    for peer, text, outgoing, read, age in history:
        node.add_chat_message(
            ChatRow(
                peer_id=peer.peer_id,
                message=text,
                outgoing=outgoing,
                read=read,
                timestamp=rfc3339_nano(now - age),
            )
        )


def build_scenario(generation: Generation = "0.14") -> list[Step]:
    """Every event kind once (``buyerDisputeExpiry`` twice, once already expired).

    Ids are fresh on each call.
    """
    f = FrameFactory(generation)
    alice, bob, carla, dmitri = PEERS["alice"], PEERS["bob"], PEERS["carla"], PEERS["dmitri"]
    mug, turntable = LISTINGS["stoneware-mug"], LISTINGS["technics-sl1200"]
    beanie, kit = LISTINGS["merino-beanie"], LISTINGS["sourdough-kit"]
    recordings = LISTINGS["field-recordings"]
    mug_order, turntable_order, kit_order = random_cid(), random_cid(), random_cid()
    dispute_order = random_cid()
    note = f.notification_frame

    frames: list[tuple[str, dict[str, Any]]] = [
        ("Alice ordered the stoneware mug", note(f.order(
            buyer_id=alice.peer_id, buyer_handle=alice.handle, order_id=mug_order,
            title=mug.title, slug=mug.slug, price=mug.price, code=mug.code,
            listing_type=mug.listing_type, thumbnail=mug.thumbnail))),
        # As a real node does: the payment that came with the order, a moment after it.
        ("Payment for the mug arrived", f.wallet(
            code="BTC", value=mug.price, memo=mug.title, order_id=mug_order,
            thumbnail=mug.thumbnail.tiny, status="PENDING", confirmations=0)),
        ("Dmitri bought the field recordings", note(f.order(
            buyer_id=dmitri.peer_id, buyer_handle=dmitri.handle, title=recordings.title,
            slug=recordings.slug, price=recordings.price, code=recordings.code,
            listing_type=recordings.listing_type, thumbnail=recordings.thumbnail))),
        ("Our payment for the turntable went out", note(f.payment(
            order_id=turntable_order, funding_total=turntable.price, code=turntable.code))),
        ("Bob accepted the turntable order", note(f.order_confirmation(
            vendor_id=bob.peer_id, vendor_handle=bob.handle, order_id=turntable_order,
            thumbnail=turntable.thumbnail))),
        ("Alice declined the sourdough kit order", note(f.order_declined(
            vendor_id=alice.peer_id, vendor_handle=alice.handle, order_id=kit_order,
            thumbnail=kit.thumbnail))),
        ("Dmitri cancelled his beanie order", note(f.cancel(
            buyer_id=dmitri.peer_id, buyer_handle=dmitri.handle, thumbnail=beanie.thumbnail))),
        ("Alice refunded the sourdough kit", note(f.refund(
            vendor_id=alice.peer_id, vendor_handle=alice.handle, order_id=kit_order,
            thumbnail=kit.thumbnail))),
        ("Bob shipped the turntable", note(f.fulfillment(
            vendor_id=bob.peer_id, vendor_handle=bob.handle, order_id=turntable_order,
            thumbnail=turntable.thumbnail))),
        ("Alice completed the mug order", note(f.order_complete(
            buyer_id=alice.peer_id, buyer_handle=alice.handle, order_id=mug_order,
            thumbnail=mug.thumbnail))),
        ("Bob's node could not process an order", note(f.processing_error(
            vendor_id=bob.peer_id, vendor_handle=bob.handle, thumbnail=turntable.thumbnail))),
        ("Dmitri opened a dispute over the beanie", note(f.dispute_open(
            disputer_id=dmitri.peer_id, disputer_handle=dmitri.handle,
            disputee_id=alice.peer_id, disputee_handle=alice.handle, buyer=dmitri.peer_id,
            order_id=dispute_order, thumbnail=beanie.thumbnail))),
        ("Alice answered the beanie dispute", note(f.dispute_update(
            disputer_id=alice.peer_id, disputer_handle=alice.handle,
            disputee_id=dmitri.peer_id, disputee_handle=dmitri.handle, buyer=dmitri.peer_id,
            order_id=dispute_order, thumbnail=beanie.thumbnail))),
        ("Carla closed the beanie dispute", note(f.dispute_close(
            other_party_id=dmitri.peer_id, other_party_handle=dmitri.handle,
            buyer=dmitri.peer_id, order_id=dispute_order, thumbnail=beanie.thumbnail))),
        ("Dmitri accepted the payout", note(f.dispute_accepted(
            other_party_id=dmitri.peer_id, other_party_handle=dmitri.handle,
            buyer=dmitri.peer_id, order_id=dispute_order, thumbnail=beanie.thumbnail))),
        ("Bob released the escrow for the turntable", note(f.vendor_finalized_payment(
            order_id=turntable_order))),
        ("Dispute window for the turntable closes in 15 days", note(f.buyer_dispute_timeout(
            order_id=turntable_order, expires_in=15 * DAY, thumbnail=turntable.thumbnail))),
        ("Dispute window for the turntable expires in 1 day", note(f.buyer_dispute_expiry(
            order_id=turntable_order, expires_in=DAY, thumbnail=turntable.thumbnail))),
        ("Dispute window for the turntable has expired", note(f.buyer_dispute_expiry(
            order_id=turntable_order, expires_in=0, thumbnail=turntable.thumbnail))),
        ("Mug order: the buyer's dispute window closes in 2 days", note(f.vendor_dispute_timeout(
            purchase_order_id=mug_order, expires_in=2 * DAY, thumbnail=mug.thumbnail))),
        ("A case Carla moderates expires in 3 days", note(f.moderator_dispute_expiry(
            dispute_case_id=dispute_order, expires_in=3 * DAY, thumbnail=beanie.thumbnail))),
        ("Dmitri followed us", note(f.follow(peer_id=dmitri.peer_id))),
        ("Someone without a profile unfollowed us", note(f.unfollow(peer_id=UNKNOWN_PEER))),
        ("Carla added us as a moderator", note(f.moderator_add(peer_id=carla.peer_id))),
        ("Alice wrote (with markup, & and quotes)", f.message(
            peer_id=alice.peer_id,
            text="Hi! Is the <b>stoneware mug</b> still available? Price & shipping to "
                 "'Berlin'? <script>alert('x')</script>")),
        ("Bob wrote about the turntable order", f.message(
            peer_id=bob.peer_id, subject=turntable_order,
            text="Packed with double foam, tracking number follows tonight.")),
        ("Alice is typing", f.message_typing(peer_id=alice.peer_id)),
        ("Bob read our messages", f.message_read(peer_id=bob.peer_id, message_id=random_cid())),
        ("Publishing the store", f.status("publishing")),
        ("Store published", f.status("publish complete")),
        ("Paid for the turntable", f.wallet(
            code="LTC", value=-turntable.price, memo=turntable.title, order_id=turntable_order,
            address="ltc1qrrrqtazefwln9en5zhex4elswgj7qfupwrc7z4eydh5mv5frwauqhlpnmj",
            status="PENDING", confirmations=1, height=2_790_121, can_bump_fee=False)),
        ("Balances changed", f.wallet_update({
            **START_BALANCES,
            "BTC": Balance(confirmed=4_250_000, unconfirmed=mug.price, height=871_236),
            "LTC": Balance(confirmed=610_000_000 + 12_500_000 - turntable.price,
                           unconfirmed=0, height=2_790_121),
        })),
    ]  # fmt: skip
    return [Step(label=label, kind=_kind(frame), frame=frame) for label, frame in frames]


SCENARIO: Final = build_scenario()
"""One build of the 0.14 scenario, for inspecting its steps; :func:`play` builds its own."""

SCENARIO_KINDS: Final = frozenset(step.kind for step in SCENARIO)
"""Every event kind the scenario sends (0.14 names)."""


async def play(node: SimNode, delay: float = 2.0, steps: Sequence[Step] | None = None) -> None:
    """Deliver the scenario's events to ``node``, ``delay`` seconds apart.

    Args:
        node: A started node, usually :func:`seed`-ed first.
        delay: Seconds between events, so a person can watch each one.
        steps: Events to play; a fresh :func:`build_scenario` in the node's generation if None.
    """
    for index, step in enumerate(steps if steps is not None else build_scenario(node.generation)):
        if index and delay > 0:
            await asyncio.sleep(delay)
        await node.deliver(step.frame)
