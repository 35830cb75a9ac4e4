"""The simulated OB node's REST API: one handler per route, and the answers' shapes.

Each handler takes the node and the request (and the route's captured path
parts) and answers as openbazaar-go 0.14.5 does: Go's JSON, sanitised strings,
errors as ``{"success": false, "reason": ...}``. The node
(:class:`obnotify.demo.node.SimNode`) owns the state they read and write, the
auth in front of them, and the faults that bend the transport around them.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

from aiohttp import web

from obnotify.demo import gojson
from obnotify.demo.cid import DEFAULT_PEER_ID, random_cid, random_request_id
from obnotify.demo.frames import unwrap_notification
from obnotify.demo.sanitize import sanitize_value
from obnotify.demo.store import ChatRow, NotificationRow

if TYPE_CHECKING:
    from obnotify.demo.node import SimNode

__all__ = [
    "IMAGE_CACHE_CONTROL",
    "ROUTES",
    "Handler",
    "Refusal",
    "Route",
    "error",
    "json_body",
]

IMAGE_CACHE_CONTROL: Final = "public, max-age=29030400, immutable"

_ENDLESS_PAGE: Final = 50
"""Notifications in an endless page when the client gives no ``limit``."""

_PROFILE_ORDER: Final = (
    "peerID", "handle", "name", "location", "about", "shortDescription", "nsfw", "vendor",
    "moderator", "moderatorInfo", "contactInfo", "colors", "avatarHashes", "headerHashes",
    "stats", "bitcoinPubkey", "lastModified", "currencies", "version",
)  # fmt: skip
"""Protobuf field order: ``GET /ob/profile`` keeps it instead of sorting keys."""

_TRUE_WORDS: Final = frozenset({"1", "t", "T", "TRUE", "true", "True"})
"""What Go's ``strconv.ParseBool`` reads as true."""

Handler = Callable[..., Awaitable[web.StreamResponse]]
"""``handler(node, request, *path_parts)``: one route's answer."""

Route = tuple[str, str, Handler]
"""Method, path pattern (its groups are the handler's path parts) and handler."""


class Refusal(Exception):
    """Raised by a handler to answer with the node's error shape."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def json_body(value: Any, *, sort_keys: bool = True) -> str:
    """``value`` sanitised and written the Go way, as the node puts it on the wire."""
    return gojson.dumps(sanitize_value(value), sort_keys=sort_keys)


def _json_response(value: Any, status: int = 200, *, sort_keys: bool = True) -> web.Response:
    """A sanitised, Go-formatted JSON answer, as the node's ``SanitizedResponse`` writes it."""
    return web.Response(
        text=json_body(value, sort_keys=sort_keys), status=status, content_type="application/json"
    )


def error(status: int, reason: str) -> web.Response:
    """The node's ``ErrorResponse``: ``success`` before ``reason``, double quotes made single."""
    body = gojson.dumps({"success": False, "reason": reason.replace('"', "'")}, sort_keys=False)
    return web.Response(text=body, status=status, content_type="application/json")


def _int_param(request: web.Request, name: str, default: int) -> int:
    raw = request.query.get(name, "")
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise Refusal(500, f'strconv.Atoi: parsing "{raw}": invalid syntax') from None


async def _read_json(request: web.Request) -> Any:
    try:
        return json.loads(await request.read())
    except (ValueError, UnicodeDecodeError) as exc:
        raise Refusal(400, str(exc)) from None


async def get_notifications(node: SimNode, request: web.Request) -> web.StreamResponse:
    limit = _int_param(request, "limit", -1)
    offset_id = request.query.get("offsetId", "")
    types = [t for t in request.query.get("filter", "").split(",") if t]
    if node.faults.endless_pages:
        rows, total = _endless_page(node, limit if limit > 0 else _ENDLESS_PAGE), 0
    else:
        rows, total = node.notifications.page(
            -1 if node.faults.ignore_limit else limit, offset_id, types
        )
    payload = {
        "notifications": [row.as_item() for row in rows],
        "total": total,
        "unread": node.notifications.unread(),
    }
    mangled = gojson.dumps(payload).replace("null", "[]")
    return _json_response(json.loads(mangled))


def _endless_page(node: SimNode, size: int) -> list[NotificationRow]:
    """``size`` follows never seen before, each a second older than the one before."""
    start = datetime.now(UTC)
    rows = []
    for _ in range(size):
        node.journal.endless_served += 1
        notification = unwrap_notification(node.frames.follow(peer_id=DEFAULT_PEER_ID))
        notification["notificationId"] = random_cid()
        stamp = start - timedelta(seconds=node.journal.endless_served)
        rows.append(NotificationRow(0, notification, read=False, timestamp=stamp))
    return rows


async def post_mark_read(
    node: SimNode, request: web.Request, notification_id: str
) -> web.StreamResponse:
    node.journal.read_ids.append(notification_id)
    node.notifications.mark_read(notification_id)
    node.wake_waiters()
    return _json_response({})


async def post_mark_all_read(node: SimNode, request: web.Request) -> web.StreamResponse:
    node.journal.mark_all_read_calls += 1
    node.notifications.mark_all_read()
    node.wake_waiters()
    return _json_response({})


async def get_image(node: SimNode, request: web.Request, image_hash: str) -> web.StreamResponse:
    journal = node.journal
    journal.images_in_flight += 1
    journal.most_images_in_flight = max(journal.most_images_in_flight, journal.images_in_flight)
    node.wake_waiters()
    try:
        if node.faults.image_delay > 0:
            await asyncio.sleep(node.faults.image_delay)
        await node.wait_until(lambda: not node.faults.hold_images, timeout=None)
        return _image(node, image_hash)
    finally:
        journal.images_in_flight -= 1
        node.wake_waiters()


def _image(node: SimNode, image_hash: str) -> web.Response:
    if image_hash in node.faults.image_fail:
        raise Refusal(500, "context deadline exceeded")
    data = node.images.get(image_hash)
    if data is None:
        raise Refusal(404, "merkledag: not found")
    return web.Response(
        body=data,
        content_type="image/jpeg",
        headers={"Cache-Control": IMAGE_CACHE_CONTROL},
    )


async def post_fetch_profiles(node: SimNode, request: web.Request) -> web.StreamResponse:
    body = await _read_json(request)
    if not isinstance(body, list) or not all(isinstance(p, str) for p in body):
        raise Refusal(400, "json: cannot unmarshal into Go value of type []string")
    peers = list(dict.fromkeys(body))
    if request.query.get("async", "") not in _TRUE_WORDS:
        return _json_response([node.profiles[p] for p in peers if p in node.profiles])
    request_id = request.query.get("asyncID") or random_request_id()
    node.journal.profile_requests.append((request_id, peers))
    node.spawn(_answer_profiles(node, request_id, peers))
    return _json_response({"id": request_id}, status=202)


async def _answer_profiles(node: SimNode, request_id: str, peers: list[str]) -> None:
    await asyncio.sleep(node.faults.profile_delay)
    for peer in peers:
        profile = node.profiles.get(peer)
        if profile is None:
            await node.push(node.frames.profile_error(request_id, peer))
        else:
            await node.push(node.frames.profile_reply(request_id, peer, profile))


async def get_profile(node: SimNode, request: web.Request, peer_id: str) -> web.StreamResponse:
    profile = node.profiles.get(peer_id or node.peer_id)
    if profile is None:
        raise Refusal(404, "profile not found")
    rank = {key: index for index, key in enumerate(_PROFILE_ORDER)}
    ordered = dict(sorted(profile.items(), key=lambda kv: rank.get(kv[0], len(rank))))
    return _json_response(ordered, sort_keys=False)


async def post_chat(node: SimNode, request: web.Request) -> web.StreamResponse:
    body = await _read_json(request)
    if not isinstance(body, dict) or not body.get("peerId"):
        raise Refusal(400, "peerId is required")
    message = ChatRow(
        peer_id=str(body["peerId"]),
        message=str(body.get("message", "")),
        subject=str(body.get("subject", "")),
        outgoing=True,
    )
    node.chat.add(message)
    node.journal.chat_sent.append(
        {
            "peerId": message.peer_id,
            "subject": message.subject,
            "message": message.message,
            "messageId": message.message_id,
        }
    )
    node.wake_waiters()
    return _json_response({"messageId": message.message_id})


async def post_mark_chat_read(
    node: SimNode, request: web.Request, peer_id: str
) -> web.StreamResponse:
    subject = request.query.get("subject", "")
    node.chat.mark_read(peer_id, subject)
    node.journal.chat_read.append((peer_id, subject))
    node.wake_waiters()
    return _json_response({})


async def get_conversations(node: SimNode, request: web.Request) -> web.StreamResponse:
    return _json_response(node.chat.conversations())


async def get_chat_messages(
    node: SimNode, request: web.Request, peer_id: str
) -> web.StreamResponse:
    if request.query.get("subject", "") in node.faults.failing_subjects:
        return error(500, "order chat unavailable")
    if node.faults.endless_chat_pages:
        return _json_response([m.as_wire() for m in _endless_chat(node, peer_id, request)])
    messages = node.chat.messages(
        peer_id,
        subject=request.query.get("subject", ""),
        limit=_int_param(request, "limit", -1),
        offset_id=request.query.get("offsetId", ""),
    )
    return _json_response([m.as_wire() for m in messages])


def _endless_chat(node: SimNode, peer_id: str, request: web.Request) -> list[ChatRow]:
    """``limit`` unread messages never sent before, each a second older than the last."""
    start = datetime.now(UTC)
    rows = []
    for _ in range(max(1, _int_param(request, "limit", _ENDLESS_PAGE))):
        node.journal.endless_served += 1
        stamp = gojson.rfc3339_nano(start - timedelta(seconds=node.journal.endless_served))
        message = {"peerId": peer_id, "message": "again", "timestamp": stamp}
        rows.append(ChatRow.from_wire(message))
    return rows


async def get_balance(node: SimNode, request: web.Request) -> web.StreamResponse:
    return _json_response(node.wallet_update_frame()["walletUpdate"])


async def get_transactions(node: SimNode, request: web.Request, code: str) -> web.StreamResponse:
    if code not in node.transactions:
        raise Refusal(400, "Unknown wallet type")
    txs = node.transactions[code]
    limit = _int_param(request, "limit", -1)
    shown = txs if limit < 0 else txs[:limit]
    return _json_response({"count": len(txs), "transactions": shown or None})


async def get_config(node: SimNode, request: web.Request) -> web.StreamResponse:
    return _json_response(
        {
            "peerID": node.peer_id,
            "testnet": node.testnet,
            "tor": False,
            "wallets": list(node.balances),
        }
    )


async def get_healthcheck(node: SimNode, request: web.Request) -> web.StreamResponse:
    return _json_response({})


ROUTES: Final[tuple[Route, ...]] = (
    ("GET", r"/ob/notifications/?", get_notifications),
    ("POST", r"/ob/marknotificationasread/([^/]*)", post_mark_read),
    ("POST", r"/ob/marknotificationsasread/?", post_mark_all_read),
    ("GET", r"/ob/images/([^/]+)", get_image),
    ("POST", r"/ob/fetchprofiles/?", post_fetch_profiles),
    ("GET", r"/ob/profile/?([^/]*)", get_profile),
    ("POST", r"/ob/chat/?", post_chat),
    ("POST", r"/ob/markchatasread/([^/]+)", post_mark_chat_read),
    ("GET", r"/ob/chatconversations/?", get_conversations),
    ("GET", r"/ob/chatmessages/([^/]+)", get_chat_messages),
    ("GET", r"/wallet/balance/?", get_balance),
    ("GET", r"/wallet/transactions/([^/]+)", get_transactions),
    ("GET", r"/ob/config/?", get_config),
    ("GET", r"/ob/healthcheck/?", get_healthcheck),
)
"""Every REST route an OB node answers."""
