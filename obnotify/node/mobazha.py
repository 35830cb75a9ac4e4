"""Talking to a Mobazha node's REST API, and telling a Mobazha node from an OB one.

The calls a session makes are those of :class:`NodeApi`, answered from the
``/v1`` routes (docs/mobazha-protocol.md). What a Mobazha node has no route for
in this version (profiles by peer id, OB chat, ``/wallet/balance``) answers
nothing rather than a wrong guess: names come in its frames, and balances on
its socket.
"""

from __future__ import annotations

import logging
from typing import Any, ClassVar, Final

import httpx
import msgspec

from obnotify.core.conversation import ChatLine
from obnotify.core.decode import NotificationPage, StoredNotification
from obnotify.core.events import ChatMessage, DecodeError, Profile, WalletBalances
from obnotify.core.ids import path_segment, safe_id
from obnotify.core.mobazha import (
    MobazhaRoom,
    decode_mobazha_messages,
    decode_mobazha_page,
    decode_mobazha_rooms,
)
from obnotify.node.api import MAX_PAGE_BYTES, ApiError, NodeApi
from obnotify.node.config import NodeConfig

__all__ = ["PROBE_PATH", "MobazhaApi", "api_for", "detect_kind"]

log = logging.getLogger(__name__)

PROBE_PATH: Final = "/v1/notifications/count"
"""A route every Mobazha node answers and an OB node does not (404)."""

_NOT_STORED: Final = "partial:"
_NO_CHAT: Final = ("HTTP 404", "HTTP 503")
"""What a node without Matrix chat answers its chat routes."""
"""Ids the decoder makes for pushed-only events: the node has no record to mark read."""


class MobazhaApi(NodeApi):
    """The REST calls of :class:`NodeApi` against a Mobazha node.

    Args:
        config: The node.
        client: The client for API calls, made from ``config`` when not given.
        shared: An API whose clients (and their connections) to use instead of new
            ones, for a node found to be a Mobazha node after they were made.
    """

    pages_from_any_item: ClassVar[bool] = False
    """Notifications page by whole-second time, a room's chat by the token of a page read."""

    def __init__(
        self,
        config: NodeConfig,
        client: httpx.AsyncClient | None = None,
        *,
        shared: NodeApi | None = None,
    ) -> None:
        self._own_user = ""
        self._rooms: dict[str, MobazhaRoom] = {}
        self._left: dict[str, int] = {}
        """Unread messages of each room not yet read back."""
        self._ends: dict[tuple[str, str], str] = {}
        """(room, oldest message id of a page) -> the token of the page before it."""
        if shared is None:
            super().__init__(config, client)
            self._shared: NodeApi = self
            return
        # The shared clients read their credentials from ``shared.config``: keep it current.
        self._shared = shared
        self.client = shared.client
        self._auth = shared._auth
        self._pictures = None
        self.gate = shared.gate
        self.deadline = shared.deadline
        self.config = config

    @property
    def pictures(self) -> httpx.AsyncClient:
        """The pictures client of the API this one shares, else one of its own."""
        return self._shared.pictures if self._shared is not self else super().pictures

    async def aclose(self) -> None:
        """Close the clients, the shared API's when it lent them."""
        await (self._shared.aclose() if self._shared is not self else super().aclose())

    @property
    def config(self) -> NodeConfig:
        return self._config

    @config.setter
    def config(self, value: NodeConfig) -> None:
        self._config = value
        shared = getattr(self, "_shared", None)
        if shared is not None and shared is not self:
            shared.config = value

    async def notifications(self, *, limit: int = 50, offset_id: str = "") -> NotificationPage:
        params: dict[str, str | int] = {"limit": limit}
        if offset_id:
            params["offsetID"] = offset_id
        body = await self._call("GET", "/v1/notifications", max_bytes=MAX_PAGE_BYTES, params=params)
        page = decode_mobazha_page(body)
        if isinstance(page, DecodeError):
            raise ApiError(f"GET /v1/notifications: undecodable answer: {page.reason}")
        if page.errors:
            log.info("skipped %d notifications of the node's list", len(page.errors))
        if len(page.items) > limit:
            log.info("the node sent %d notifications for a page of %d", len(page.items), limit)
            page = msgspec.structs.replace(page, items=page.items[:limit])
        return msgspec.structs.replace(page, items=_without_trailing_ties(page.items))

    async def mark_notification_read(self, notification_id: str) -> None:
        nid = safe_id(notification_id)
        if nid and not nid.startswith(_NOT_STORED):
            await self._call("POST", f"/v1/notifications/{nid}/read", content=b"{}")

    async def mark_all_notifications_read(self) -> None:
        await self._call("POST", "/v1/notifications/read", content=b"{}")

    async def fetch_profiles_async(self, peer_ids: list[str], async_id: str) -> None:
        raise ApiError("a Mobazha node names people in its frames, not by profile lookups")

    async def profile(self, peer_id: str) -> Profile | None:
        return None

    async def balances(self) -> WalletBalances | None:
        return None

    async def _chat_answer(self, path: str, **kwargs: Any) -> bytes | None:
        """A chat route's answer, or None where the node runs no chat (404, 503)."""
        try:
            return await self._call("GET", path, max_bytes=MAX_PAGE_BYTES, **kwargs)
        except ApiError as exc:
            if str(exc).endswith(_NO_CHAT):
                log.info("no chat on this node: %s", exc)
                return None
            raise

    async def chat_conversations(self) -> list[tuple[str, int]]:
        """(room id, unread count) of every Matrix room; names of their members are kept
        for :meth:`chat_profiles`."""
        body = await self._chat_answer("/v1/chat/rooms")
        if body is None:
            return []
        rooms = decode_mobazha_rooms(body)
        if isinstance(rooms, DecodeError):
            raise ApiError(f"GET /v1/chat/rooms: undecodable answer: {rooms.reason}")
        status = await self._chat_answer("/v1/chat/status")
        self._own_user = _own_user(status) if status is not None else ""
        self._rooms = {room.room_id: room for room in rooms}
        self._left = {room.room_id: room.unread for room in rooms}
        return [(room.room_id, room.unread) for room in rooms]

    def chat_profiles(self) -> list[Profile]:
        """The members of the Matrix rooms listed last, named as they chose."""
        return [member for room in self._rooms.values() for member in room.members if member.name]

    async def chat_messages(
        self, peer_id: str, *, limit: int, subject: str = "", offset_id: str = ""
    ) -> list[tuple[ChatMessage, str]]:
        """A room's newest messages (``peer_id`` is its id), newest first; ``offset_id``
        pages to older ones with the token the page that ended there gave."""
        token = self._ends.get((peer_id, offset_id), "") if offset_id else ""
        room = path_segment(peer_id)
        if subject or not room or peer_id not in self._rooms or (offset_id and not token):
            return []
        params: dict[str, str | int] = {"limit": limit}
        if token:
            params["before"] = token
        body = await self._chat_answer(f"/v1/chat/rooms/{room}/messages", params=params)
        if body is None:
            return []
        left = self._left.get(peer_id, 0)
        decoded = decode_mobazha_messages(body, own_user=self._own_user, unread=left)
        if isinstance(decoded, DecodeError):
            raise ApiError(f"GET /v1/chat/rooms/…/messages: undecodable answer: {decoded.reason}")
        messages, end = decoded
        messages = messages[:limit]
        self._left[peer_id] = left - sum(1 for m, _raw in messages if not m.outgoing)
        if messages and end:
            self._ends[(peer_id, messages[-1][0].id)] = end
        return messages

    async def chat_conversation(
        self, peer_id: str, subject: str = "", *, limit: int
    ) -> list[ChatLine]:
        return []

    async def send_chat(self, peer_id: str, message: str, subject: str = "") -> str:
        raise ApiError("replying to Matrix chat is not supported yet: answer in Mobazha")

    async def mark_chat_read(self, peer_id: str, subject: str = "") -> None:
        return None


def _without_trailing_ties(items: tuple[StoredNotification, ...]) -> tuple[StoredNotification, ...]:
    """A page less the items at its end that share the last one's timestamp.

    The node pages to items strictly older than the ``offsetID`` item: paging on from
    the last item would skip the others of its timestamp. Ending the page before them
    brings them on the next page. A page of one timestamp only is kept whole: there is
    no earlier item to page on from.
    """
    if not items:
        return items
    last = items[-1].timestamp
    end = len(items)
    while end > 0 and items[end - 1].timestamp == last:
        end -= 1
    return items[:end] if end else items


def _own_user(status: bytes) -> str:
    """Our Matrix id from ``GET /v1/chat/status``, or ``""``."""
    try:
        answer = msgspec.json.decode(status)
    except msgspec.DecodeError:
        return ""
    data = answer.get("data") if isinstance(answer, dict) else None
    user = data.get("userId") if isinstance(data, dict) else None
    return user if isinstance(user, str) else ""


def api_for(config: NodeConfig) -> NodeApi:
    """The REST client for a node of the configured kind (OB's until a probe says otherwise)."""
    return MobazhaApi(config) if config.kind == "mobazha" else NodeApi(config)


async def detect_kind(api: NodeApi) -> str:
    """``mobazha`` if the node answers :data:`PROBE_PATH`, ``ob`` if it has no such route.

    Raises:
        ApiError: The node could not be asked (down, refused the credentials...).
    """
    try:
        body = await api._call("GET", PROBE_PATH)
    except ApiError as exc:
        if str(exc).endswith("HTTP 404"):
            return "ob"
        raise
    try:
        answer = msgspec.json.decode(body)
    except msgspec.DecodeError:
        return "ob"
    return "mobazha" if isinstance(answer, dict) and isinstance(answer.get("data"), dict) else "ob"
