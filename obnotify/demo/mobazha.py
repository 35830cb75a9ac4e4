"""A simulated Mobazha node: :class:`SimNode`'s socket and faults, speaking Mobazha.

What differs from an OB node, each read from mobazha/mobazha (docs/mobazha-protocol.md):
``Authorization: Bearer mbz_...`` tokens beside basic auth, and 401 with a JSON
error for wrong credentials; REST under ``/v1`` wrapped in ``{"data": ...}``;
notifications listed newest first by timestamp and paged with ``offsetID`` to
items strictly older than that one (so items sharing its timestamp fall
between pages); ids that are ``stable:`` hashes for order, payment and dispute
events, a repeat of which the node drops; and the frames of
:mod:`obnotify.demo.mobazha_frames`. Its REST routes are answered in
:mod:`obnotify.demo.mobazha_rest`. ``obnotify --demo --kind mobazha`` plays
:func:`play` on one.
"""

from __future__ import annotations

import asyncio
import hmac
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from aiohttp import web

from obnotify.demo import gojson, mobazha_rest
from obnotify.demo.cid import random_token, random_txid
from obnotify.demo.faults import MobazhaFaults
from obnotify.demo.mobazha_frames import (
    chat_frame,
    event,
    notification_frame,
    partial_payment_frame,
    wallet_tx_frame,
    wallet_update_frame,
)
from obnotify.demo.mobazha_rest import failure
from obnotify.demo.node import SimNode
from obnotify.demo.rest import Route

__all__ = [
    "DEFAULT_PORT",
    "MobazhaSimNode",
    "StoredEvent",
    "play",
    "play_when_watched",
    "scenario",
    "seed",
]

DEFAULT_PORT: Final = 5102
"""A Mobazha node's gateway port (``internal/repo/config.go``)."""

TOKEN_PREFIX: Final = "mbz_"


@dataclass(slots=True)
class StoredEvent:
    """One row of the node's ``NotificationRecord`` table."""

    id: str
    """The record's id; a frame shows it only for events that embed ``Notification``."""
    type: str
    notification: dict[str, Any]
    read: bool
    timestamp: datetime

    def as_item(self) -> dict[str, Any]:
        """An item of ``GET /v1/notifications``: no id of its own, as the handler writes it."""
        return {
            "timestamp": gojson.rfc3339_nano(self.timestamp),
            "read": self.read,
            "type": self.type,
            "notification": self.notification,
        }


class MobazhaSimNode(SimNode):
    """A scriptable Mobazha node on loopback; everything else as :class:`SimNode`.

    Args:
        token: The ``mbz_`` API token clients must send as a Bearer; empty accepts none.
        username: Basic-auth user; with ``password``, basic auth is accepted too.
        password: Basic-auth password.
        kwargs: What :class:`SimNode` takes besides its auth (port, ``wallet_interval``...).
    """

    def __init__(
        self, *, token: str = "", username: str = "", password: str = "", **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.faults: MobazhaFaults = MobazhaFaults()
        """How the node misbehaves; change it with :meth:`set_faults`."""
        self.token = token
        self.username = username
        self.password = password
        self.events: list[StoredEvent] = []
        """The notifications table, in insertion order."""
        self.mobazha_balances: dict[str, tuple[int, int, int]] = {}
        """(confirmed, unconfirmed, height) per coin, for ``walletUpdate``."""
        self.matrix_user = "@shop:mobazha.local"
        """The node's own Matrix id (``GET /v1/chat/status``)."""
        self.rooms: dict[str, dict[str, Any]] = {}
        """Matrix rooms by id: ``members`` ({user id: display name}) and ``unread``."""
        self.room_messages: dict[str, list[dict[str, Any]]] = {}
        """Each room's messages, oldest first, as ``MatrixMessage`` marshals them."""

    @property
    def auth_required(self) -> bool:
        return bool(self.token or (self.username and self.password))

    # Auth -------------------------------------------------------------------

    def _authorised(self, request: web.BaseRequest) -> bool:
        if self.faults.refuse_all:
            return False
        if not self.auth_required:
            return True
        scheme, _, credential = request.headers.get("Authorization", "").partition(" ")
        credential = credential.strip()
        if scheme == "Bearer" and self.token and credential.startswith(TOKEN_PREFIX):
            return hmac.compare_digest(credential.encode(), self.token.encode())
        if scheme.lower() == "basic" and self.username:
            return self._basic_matches(credential)
        return False

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        if not self.faults.redirect_to and not self._authorised(request):
            if request.path == "/ws":
                self.journal.handshake_attempts += 1
            else:
                self.journal.requests.append((request.method, request.path_qs))
            self.wake_waiters()
            return failure(401, "Authentication required")
        return await super()._dispatch(request)

    # REST -------------------------------------------------------------------

    def _route_table(self) -> Iterable[Route]:
        return mobazha_rest.ROUTES

    async def _route(self, request: web.Request) -> web.StreamResponse:
        response = await super()._route(request)
        # No route of this node answers 404 itself: that is the OB-shaped "no such route".
        return failure(404, "Not Found") if response.status == 404 else response

    def unread(self) -> int:
        """Unread rows of the notifications table."""
        return sum(1 for row in self.events if not row.read)

    def page(
        self, limit: int, offset_id: str = "", filter_: str = ""
    ) -> tuple[list[StoredEvent], int]:
        """Rows and ``total`` as ``GetNotifications`` returns them (``ignore_limit`` and
        ``endless_pages`` faults do not apply here)."""
        types = {t for t in filter_.split(",") if t}
        rows = [r for r in self.events if not types or r.type in types]
        total = len(rows)
        if offset_id:
            anchor = next((r for r in self.events if r.id == offset_id), None)
            if anchor is None:
                return [], total
            rows = [r for r in rows if r.timestamp < anchor.timestamp]
        ordered = sorted(enumerate(rows), key=lambda p: (p[1].timestamp, p[0]), reverse=True)
        newest = [row for _index, row in ordered]
        return (newest if limit < 0 else newest[:limit]), total

    # Chat -------------------------------------------------------------------

    def add_room(self, room_id: str, members: Mapping[str, str]) -> None:
        """A room with its members ({Matrix id: display name}); the node's own user is added."""
        self.rooms[room_id] = {"members": {self.matrix_user: "Shop", **members}, "unread": 0}
        self.room_messages.setdefault(room_id, [])

    def add_room_message(
        self, room_id: str, sender: str, content: str, *, when: datetime | None = None
    ) -> dict[str, Any]:
        """Store a message as if it came while no client listened; another's counts unread."""
        frame = chat_frame(
            f"${random_token(12)}", sender, content, when=when or datetime.now(UTC), room=room_id
        )
        message: dict[str, Any] = frame["data"]
        self.room_messages[room_id].append(message)
        if sender != self.matrix_user:
            self.rooms[room_id]["unread"] += 1
        self.wake_waiters()
        return message

    async def say(self, room_id: str, sender: str, content: str) -> dict[str, Any]:
        """A message arriving now: stored, and pushed unless it is the node's own."""
        message = self.add_room_message(room_id, sender, content)
        if sender != self.matrix_user:
            await self.push({"type": "chat.message", "data": message})
        return message

    # Events -----------------------------------------------------------------

    def store_event(
        self, name: str, *, read: bool = False, timestamp: datetime | None = None, **fields: Any
    ) -> tuple[str, dict[str, Any]] | None:
        """Store one event as if it happened while no client listened; returns
        ``(id, notification)``, or None when its stable id is stored already (the
        node drops the repeat)."""
        record, obj = event(name, **fields)
        if any(row.id == record for row in self.events):
            return None
        moment = timestamp or datetime.now(UTC)
        if self.faults.whole_seconds:
            moment = moment.replace(microsecond=0)
        self.events.append(StoredEvent(record, name, obj, read, moment))
        self.wake_waiters()
        return record, obj

    async def emit(self, name: str, **fields: Any) -> str:
        """Store one event and push it, as ``handlePersistentNotification`` does; returns
        its id. A repeat of a stable id is neither stored nor pushed."""
        stored = self.store_event(name, **fields)
        if stored is None:
            return ""
        record, obj = stored
        await self.push(notification_frame(obj, self.unread()))
        return record

    def set_balance(self, code: str, confirmed: int, unconfirmed: int = 0, height: int = 0) -> None:
        super().set_balance(code, confirmed, unconfirmed, height)
        self.mobazha_balances[code] = (confirmed, unconfirmed, height)

    def wallet_update_frame(self) -> dict[str, Any]:
        return wallet_update_frame(self.mobazha_balances)


# The demo ---------------------------------------------------------------------

_ALICE: Final = "12D3KooWQp7vHj3a2Mz1Fh8wT4sXy9cRkLmNbVdGe6uPq5Ai7Ce1"
_DMITRI: Final = "12D3KooWRt3kLm8nPq2Vx5yZa7bCd9eFg1hJk4mN6pQr8sTuDm7t"
_TITLE: Final = "Hand-bound notebook"
_NOTEBOOK: Final = {"title": _TITLE, "slug": "hand-bound-notebook"}


def scenario() -> list[tuple[str, str, dict[str, Any]]]:
    """(what happens, event name or frame kind, fields or frame) for one demo run; fresh
    order ids each time, so an app that remembers earlier runs still shows them."""
    order, other = f"Qm{random_token(32)}"[:46], f"Qm{random_token(32)}"[:46]
    buyer = {"buyerName": "Alice", "buyerID": _ALICE}
    price = {"amount": "250000", "currencyCode": "BTC", "priceModifier": 0}
    return [
        ("a new order", "order.created", {**buyer, **_NOTEBOOK, "orderID": order, "price": price}),
        ("it is funded", "order.funded", {**buyer, **_NOTEBOOK, "orderID": order, "price": price}),
        (
            "a partial payment on another order",
            "frame",
            partial_payment_frame(other, paid=100_000, expected=250_000, coin="BTC"),
        ),
        (
            "the buyer asks",
            "frame",
            chat_frame(
                f"${random_token(12)}",
                "@alice:mobazha.org",
                "Can you ship by Friday?",
                when=datetime.now(UTC),
            ),
        ),
        (
            "a stale order",
            "order.stale_warning",
            {
                "orderID": other,
                "state": "AWAITING_SHIPMENT",
                "stuckFor": "72h0m0s",
                "title": _TITLE,
            },
        ),
        (
            "money arrives",
            "frame",
            wallet_tx_frame(random_txid(), 300_000, "BTC", when=datetime.now(UTC)),
        ),
        ("a follower", "social.follow", {"peerID": _DMITRI}),
        (
            "an order completes by itself",
            "order.auto_completed",
            {"orderID": other, "reason": "protection_expired", **buyer, "title": _TITLE},
        ),
    ]


def seed(node: MobazhaSimNode) -> None:
    """Balances and two older notifications, so the window has something at once."""
    node.set_balance("BTC", 1_250_000, 0, 904_112)
    now = datetime.now(UTC)
    node.store_event("social.follow", read=True, timestamp=now - timedelta(days=2), peerID=_DMITRI)
    node.store_event(
        "order.completed",
        timestamp=now - timedelta(hours=3),
        orderID=f"Qm{random_token(32)}"[:46],
        buyerName="Alice",
        buyerID=_ALICE,
    )


async def play(
    node: MobazhaSimNode,
    delay: float = 2.0,
    steps: Sequence[tuple[str, str, Mapping[str, Any]]] | None = None,
) -> None:
    """Send the scenario's events to ``node``, ``delay`` seconds apart."""
    for index, (_label, kind, body) in enumerate(steps if steps is not None else scenario()):
        if index and delay > 0:
            await asyncio.sleep(delay)
        if kind == "frame":
            await node.push(body)
        else:
            await node.emit(kind, **body)


async def play_when_watched(node: MobazhaSimNode, delay: float) -> None:
    """``obnotify --demo --kind mobazha``: the scenario, once the app's socket is open."""
    await node.wait_for_clients(1, timeout=3600)
    await play(node, delay)
