"""The node's REST API: one httpx client with the same auth and TLS as the socket."""

from __future__ import annotations

import logging
import ssl
from typing import Any, Final

import httpx
import msgspec

from obnotify.core.decode import (
    NotificationPage,
    decode_balances,
    decode_chat_messages,
    decode_conversations,
    decode_notification_page,
    decode_profile,
)
from obnotify.core.events import ChatMessage, DecodeError, Profile, WalletBalances
from obnotify.core.ids import safe_id
from obnotify.node.config import NodeConfig
from obnotify.node.tls import PinMismatch, describe_tls_error

__all__ = ["ApiError", "AuthFailed", "NodeApi"]

log = logging.getLogger(__name__)

TIMEOUT: Final = httpx.Timeout(15.0, connect=10.0)


class ApiError(Exception):
    """A REST call failed; the message is fit for the log (no credentials)."""


class AuthFailed(ApiError):
    """The node answered 403: wrong credentials, or this address is not allowed."""


class TlsPinMismatch(ApiError):
    """The node's certificate does not match the pinned fingerprint; nothing was sent."""


def make_client(config: NodeConfig) -> httpx.AsyncClient:
    """An HTTP client for one node; ``trust_env`` off so no proxy sees the credentials."""
    ctx = config.ssl_context()
    return httpx.AsyncClient(
        base_url=config.base_url,
        headers=config.auth_headers(),
        verify=ctx if ctx is not None else True,
        timeout=TIMEOUT,
        trust_env=False,
        follow_redirects=False,
    )


def _tls_cause(exc: BaseException) -> ssl.SSLError | None:
    """The TLS error under an httpx error, if any (httpx wraps it twice)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


class NodeApi:
    """The REST calls a notifier needs, returning core values."""

    def __init__(self, config: NodeConfig, client: httpx.AsyncClient | None = None) -> None:
        self.config = config
        self.client = client or make_client(config)

    async def aclose(self) -> None:
        await self.client.aclose()

    async def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        where = f"{method} {path.split('?')[0]}"
        try:
            response = await self.client.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            tls = _tls_cause(exc)
            if isinstance(tls, PinMismatch):
                raise TlsPinMismatch(f"{where}: {describe_tls_error(tls)}") from exc
            if tls is not None:
                raise ApiError(f"{where}: {describe_tls_error(tls)}") from exc
            raise ApiError(f"{where}: {type(exc).__name__}: {exc}") from exc
        if response.status_code in (401, 403):
            raise AuthFailed(f"{method} {path.split('?')[0]}: {response.status_code}")
        if response.status_code >= 400:
            raise ApiError(f"{method} {path.split('?')[0]}: HTTP {response.status_code}")
        return response

    async def notifications(self, *, limit: int = 50, offset_id: str = "") -> NotificationPage:
        params: dict[str, str | int] = {"limit": limit}
        if offset_id:
            params["offsetId"] = offset_id
        response = await self._request("GET", "/ob/notifications", params=params)
        page = decode_notification_page(response.content)
        if isinstance(page, DecodeError):
            raise ApiError(f"GET /ob/notifications: undecodable answer: {page.reason}")
        return page

    async def mark_notification_read(self, notification_id: str) -> None:
        nid = safe_id(notification_id)
        if nid:
            await self._request("POST", f"/ob/marknotificationasread/{nid}")

    async def mark_all_notifications_read(self) -> None:
        await self._request("POST", "/ob/marknotificationsasread")

    async def fetch_profiles_async(self, peer_ids: list[str], async_id: str) -> None:
        """Ask for profiles; each arrives later on the socket, tagged with ``async_id``."""
        await self._request(
            "POST",
            "/ob/fetchprofiles",
            params={"async": "true", "asyncID": async_id, "usecache": "true"},
            content=msgspec.json.encode(peer_ids),
        )

    async def profile(self, peer_id: str) -> Profile | None:
        pid = safe_id(peer_id)
        if not pid:
            return None
        response = await self._request("GET", f"/ob/profile/{pid}", params={"usecache": "true"})
        decoded = decode_profile(response.content, pid)
        return None if isinstance(decoded, DecodeError) else decoded

    async def balances(self) -> WalletBalances | None:
        response = await self._request("GET", "/wallet/balance")
        decoded = decode_balances(response.content)
        if isinstance(decoded, DecodeError):
            log.warning("wallet balance undecodable: %s", decoded.reason)
            return None
        return decoded

    async def send_chat(self, peer_id: str, message: str, subject: str = "") -> str:
        body = msgspec.json.encode({"peerId": peer_id, "subject": subject, "message": message})
        response = await self._request("POST", "/ob/chat", content=body)
        try:
            answer = msgspec.json.decode(response.content)
        except msgspec.DecodeError:
            return ""
        mid = answer.get("messageId") if isinstance(answer, dict) else None
        return mid if isinstance(mid, str) else ""

    async def mark_chat_read(self, peer_id: str, subject: str = "") -> None:
        pid = safe_id(peer_id)
        if pid:
            params = {"subject": subject} if subject else {}
            await self._request("POST", f"/ob/markchatasread/{pid}", params=params)

    async def chat_conversations(self) -> list[tuple[str, int]]:
        """(peer id, unread count) of every direct conversation."""
        response = await self._request("GET", "/ob/chatconversations")
        decoded = decode_conversations(response.content)
        if isinstance(decoded, DecodeError):
            raise ApiError(f"GET /ob/chatconversations: undecodable answer: {decoded.reason}")
        return decoded

    async def chat_messages(
        self, peer_id: str, *, limit: int, subject: str = ""
    ) -> list[tuple[ChatMessage, str]]:
        """The newest messages with a peer (of one order's chat when ``subject`` is given),
        newest first, each with its raw JSON."""
        pid = safe_id(peer_id)
        if not pid:
            return []
        params: dict[str, str | int] = {"limit": limit}
        if subject:
            params["subject"] = subject
        response = await self._request("GET", f"/ob/chatmessages/{pid}", params=params)
        decoded = decode_chat_messages(response.content)
        if isinstance(decoded, DecodeError):
            raise ApiError(f"GET /ob/chatmessages: undecodable answer: {decoded.reason}")
        return decoded

    async def image(self, image_hash: str) -> httpx.Response:
        return await self._request("GET", f"/ob/images/{image_hash}")
