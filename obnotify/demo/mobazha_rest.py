"""The simulated Mobazha node's REST API: one handler per route, and the answers' shapes.

Mobazha answers under ``/v1`` wrapped in ``{"data": ...}`` and fails with
``{"error": {"code", "message"}}`` (read from mobazha/mobazha,
``docs/mobazha-protocol.md``). Each handler takes the node
(:class:`obnotify.demo.mobazha.MobazhaSimNode`), the request and the route's
captured path parts, as those of :mod:`obnotify.demo.rest` do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from aiohttp import web

from obnotify.demo import gojson
from obnotify.demo.rest import Route
from obnotify.demo.sanitize import sanitize_value

if TYPE_CHECKING:
    from obnotify.demo.mobazha import MobazhaSimNode

__all__ = ["ROUTES", "failure"]


def _envelope(data: Any, status: int = 200) -> web.Response:
    """``{"data": ...}``, sanitised and written the Go way (``sanitizedJSONResponse``)."""
    body = gojson.dumps({"data": sanitize_value(data)})
    return web.Response(text=body, status=status, content_type="application/json")


def failure(status: int, message: str) -> web.Response:
    """``ErrorResponse``: ``{"error": {"code", "message"}}``."""
    code = {401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND"}.get(status, "INTERNAL")
    body = gojson.dumps({"error": {"code": code, "message": message}})
    return web.Response(text=body, status=status, content_type="application/json")


async def list_notifications(node: MobazhaSimNode, request: web.Request) -> web.StreamResponse:
    raw_limit = request.query.get("limit", "") or "-1"
    try:
        limit = int(raw_limit)
    except ValueError:
        return failure(400, f'strconv.Atoi: parsing "{raw_limit}": invalid syntax')
    rows, total = node.page(
        limit, request.query.get("offsetID", ""), request.query.get("filter", "")
    )
    return _envelope(
        {"unread": node.unread(), "total": total, "notifications": [r.as_item() for r in rows]}
    )


async def count(node: MobazhaSimNode, request: web.Request) -> web.StreamResponse:
    return _envelope({"unread": node.unread(), "total": len(node.events)})


async def read_all(node: MobazhaSimNode, request: web.Request) -> web.StreamResponse:
    node.journal.mark_all_read_calls += 1
    for row in node.events:
        row.read = True
    node.wake_waiters()
    return _envelope({})


async def read_one(
    node: MobazhaSimNode, request: web.Request, notification_id: str
) -> web.StreamResponse:
    node.journal.read_ids.append(notification_id)
    for row in node.events:
        if row.id == notification_id:
            row.read = True
    node.wake_waiters()
    return _envelope({})


async def healthz(node: MobazhaSimNode, request: web.Request) -> web.StreamResponse:
    return web.Response(text="ok", content_type="text/plain")


def _chat_off(node: MobazhaSimNode) -> web.Response | None:
    if node.faults.chat_off:
        return failure(503, "matrix chat service not available")
    return None


async def chat_rooms(node: MobazhaSimNode, request: web.Request) -> web.StreamResponse:
    off = _chat_off(node)
    if off is not None:
        return off
    rooms = [
        {
            "roomId": room_id,
            "name": "",
            "roomType": "direct",
            "isDirect": True,
            "members": [
                {"userId": user, "displayName": name, "membership": "join"}
                for user, name in room["members"].items()
            ],
            "unreadCount": room["unread"],
            "encrypted": True,
        }
        for room_id, room in node.rooms.items()
    ]
    return _envelope(rooms)


async def chat_status(node: MobazhaSimNode, request: web.Request) -> web.StreamResponse:
    if node.faults.chat_off:
        return _envelope({"connected": False, "syncRunning": False})
    return _envelope({"connected": True, "userId": node.matrix_user, "syncRunning": True})


async def chat_messages(
    node: MobazhaSimNode, request: web.Request, room_id: str
) -> web.StreamResponse:
    off = _chat_off(node)
    if off is not None:
        return off
    newest_first = node.room_messages.get(room_id, [])[::-1]
    limit = int(request.query.get("limit", "50") or 50)
    start = int(request.query.get("before", "t0")[1:] or 0)
    page = newest_first[start : start + limit]
    end = f"t{start + len(page)}" if start + len(page) < len(newest_first) else ""
    return _envelope({"messages": page, "end": end})


ROUTES: Final[tuple[Route, ...]] = (
    ("GET", r"/v1/notifications/?", list_notifications),
    ("GET", r"/v1/notifications/count/?", count),
    ("POST", r"/v1/notifications/read/?", read_all),
    ("POST", r"/v1/notifications/([^/]+)/read/?", read_one),
    ("GET", r"/healthz", healthz),
    ("GET", r"/v1/chat/rooms/?", chat_rooms),
    ("GET", r"/v1/chat/status/?", chat_status),
    ("GET", r"/v1/chat/rooms/([^/]+)/messages/?", chat_messages),
)
"""Every REST route a Mobazha node answers."""
