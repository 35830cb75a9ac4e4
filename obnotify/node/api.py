"""The node's REST API: httpx clients with the same auth and TLS as the socket.

A node is not trusted to behave: every answer is read as a stream and refused
once it outgrows what a real node ever sends, redirects are never followed, and
pictures go through a small pool of their own so that slow downloads cannot hold
up the calls that catch up.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import ssl
from collections.abc import Generator
from typing import Any, ClassVar, Final

import httpx
import msgspec
import socksio

from obnotify.core.conversation import ChatLine, conversation
from obnotify.core.decode import (
    NotificationPage,
    decode_balances,
    decode_chat_messages,
    decode_conversations,
    decode_notification_page,
    decode_profile,
)
from obnotify.core.events import ChatMessage, DecodeError, Profile, WalletBalances
from obnotify.core.ids import path_segment, safe_id
from obnotify.core.plain_text import printable
from obnotify.node.config import NodeConfig
from obnotify.node.guard import REFUSED, SecretGate
from obnotify.node.tls import PinMismatch, describe_tls_error

__all__ = [
    "MAX_PAGE_BYTES",
    "MAX_RECORD_BYTES",
    "PICTURE_CONNECTIONS",
    "REQUEST_DEADLINE",
    "ApiError",
    "AuthFailed",
    "NodeApi",
    "ResponseTooLarge",
    "TlsPinMismatch",
    "UnprovenNode",
]

log = logging.getLogger(__name__)

TIMEOUT: Final = httpx.Timeout(15.0, connect=10.0)
REQUEST_DEADLINE: Final = 30.0
"""Seconds one call may take from connecting to the last byte of its answer. A read timeout
alone never ends an answer that drips a byte at a time; a real node answers in well under
a second (pictures, which can take minutes, have a client and a deadline of their own)."""

_MIB: Final = 1024 * 1024
MAX_PAGE_BYTES: Final = 8 * _MIB
"""A list: a page of notifications (50 take about 100 KiB), the chat conversations, or up
to 50 chat messages of at most 20,000 characters each."""
MAX_RECORD_BYTES: Final = 1 * _MIB
"""One profile, the wallet balances, or the answer to a POST: a few KiB from a real node."""
PICTURE_CONNECTIONS: Final = 4
"""Connections the picture client may open; the API client keeps its own."""
_CHUNK: Final = 64 * 1024
_ERROR_CHARS: Final = 300


class ApiError(Exception):
    """A REST call failed; the message is fit for the log (no credentials, node text escaped)."""


class AuthFailed(ApiError):
    """The node answered 403: wrong credentials, or this address is not allowed."""


class TlsPinMismatch(ApiError):
    """The node's certificate does not match the pinned fingerprint; nothing was sent."""


class UnprovenNode(ApiError):
    """The node asked for credentials, but nothing proves it is the node: none were sent."""


class ResponseTooLarge(ApiError):
    """The answer grew past its limit while it streamed; the rest was never read."""


class _NodeAuth(httpx.Auth):
    """The credentials of the API's current settings, on the requests of both clients
    that the node asked them for (:mod:`obnotify.node.guard`).

    Read per request, so a corrected password reaches picture downloads too. Until the
    node has refused a request without them, each request goes without them first.
    """

    def __init__(self, api: NodeApi) -> None:
        self._api = api

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        config, gate = self._api.config, self._api.gate
        headers = config.auth_headers()
        if not headers:
            yield request
            return
        if not gate.asked:
            response = yield request
            if response.status_code not in REFUSED:
                return
            gate.asked = True
        problem = gate.problem(config)
        if problem:
            raise UnprovenNode(f"{request.method} {request.url.path}: {problem}")
        request.headers.update(headers)
        yield request


@functools.cache
def _trusts_nothing() -> ssl.SSLContext:
    """The TLS context of every plain-http client: no certificate, never used to connect."""
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


def make_client(
    config: NodeConfig,
    *,
    auth: httpx.Auth,
    limits: httpx.Limits | None = None,
) -> httpx.AsyncClient:
    """An HTTP client for one node; ``trust_env`` off so no proxy but the node's own sees them.

    Answers are asked for uncompressed: a compressed body can expand far past its
    limit in one read.
    """
    # A plain-http node needs no certificate store: a context that trusts nothing costs
    # nothing to build (the system store would be loaded into each client otherwise), and
    # with redirects refused no TLS connection is ever made with it, so one serves all.
    ctx = config.ssl_context() or _trusts_nothing()
    return httpx.AsyncClient(
        base_url=config.base_url,
        headers={"Accept-Encoding": "identity"},
        auth=auth,
        verify=ctx,
        timeout=TIMEOUT,
        limits=limits or httpx.Limits(),
        trust_env=False,
        proxy=config.proxy or None,
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


def _failure(where: str, exc: httpx.HTTPError | socksio.SOCKSError) -> ApiError:
    if isinstance(exc, socksio.SOCKSError):
        # httpx passes a proxy's malformed answer on as it is, outside its own errors.
        return ApiError(f"{where}: the proxy answered outside SOCKS5 ({exc})")
    tls = _tls_cause(exc)
    if isinstance(tls, PinMismatch):
        return TlsPinMismatch(f"{where}: {describe_tls_error(tls)}")
    if tls is not None:
        return ApiError(f"{where}: {describe_tls_error(tls)}")
    detail = printable(str(exc), _ERROR_CHARS)
    return ApiError(f"{where}: {type(exc).__name__}{': ' if detail else ''}{detail}")


def _path_id(value: str) -> str:
    """An id as one percent-encoded path segment, or ``""`` for one that is not an id.

    Ids come from the node: one that is not an id (``..``, ``a/b``, a query) must not
    choose the endpoint it is sent to.
    """
    return path_segment(safe_id(value))


def _check_status(where: str, response: httpx.Response) -> None:
    code = response.status_code
    if code in REFUSED:
        raise AuthFailed(f"{where}: {code}")
    if 300 <= code < 400:
        location = printable(response.headers.get("Location", ""), _ERROR_CHARS)
        raise ApiError(
            f"{where}: the node answered with a redirect (HTTP {code}) to {location or 'nowhere'}, "
            "which is not followed: check the node's address"
        )
    if code >= 400:
        raise ApiError(f"{where}: HTTP {code}")


async def _read_capped(where: str, response: httpx.Response, max_bytes: int) -> bytes:
    """The body, refused as soon as it is known to be over ``max_bytes``."""

    def too_large(size: str) -> ResponseTooLarge:
        return ResponseTooLarge(
            f"{where}: the node's answer is {size} the {max_bytes // _MIB} MiB limit, far more "
            "than a node sends: refused"
        )

    length = response.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > max_bytes:
        raise too_large(f"{int(length)} bytes, over")
    body = bytearray()
    async for chunk in response.aiter_bytes(_CHUNK):
        body += chunk
        if len(body) > max_bytes:
            raise too_large("over")
    return bytes(body)


class NodeApi:
    """The REST calls a notifier needs, returning core values.

    Args:
        config: The node; read again on every request, so a new password takes effect.
        client: The client for API calls, made from ``config`` when not given.
        deadline: Seconds each call may take in all; :data:`REQUEST_DEADLINE` when not given.
        gate: Whether the node asked for credentials, shared with the node's socket.
    """

    pages_from_any_item: ClassVar[bool] = True
    """Whether ``offset_id`` may be the id of any notification or chat message the node
    keeps, a page then holding exactly what the node stored before it (an OB node pages
    notifications by row and chat by the nanosecond)."""

    def __init__(
        self,
        config: NodeConfig,
        client: httpx.AsyncClient | None = None,
        *,
        deadline: float | None = None,
        gate: SecretGate | None = None,
    ) -> None:
        self.config = config
        self.gate = gate or SecretGate()
        self.deadline = REQUEST_DEADLINE if deadline is None else deadline
        self._auth = _NodeAuth(self)
        self.client = client or make_client(config, auth=self._auth)
        self._pictures: httpx.AsyncClient | None = None

    @property
    def pictures(self) -> httpx.AsyncClient:
        """A client of its own for ``GET /ob/images``, which can take minutes an image:
        however many wait, the API client's connections stay free. Made for the first
        picture: a node whose events carry none never holds it."""
        if self._pictures is None:
            self._pictures = make_client(
                self.config,
                auth=self._auth,
                limits=httpx.Limits(
                    max_connections=PICTURE_CONNECTIONS,
                    max_keepalive_connections=PICTURE_CONNECTIONS,
                ),
            )
        return self._pictures

    async def aclose(self) -> None:
        await self.client.aclose()
        if self._pictures is not None:
            await self._pictures.aclose()

    async def _call(
        self, method: str, path: str, *, max_bytes: int = MAX_RECORD_BYTES, **kwargs: Any
    ) -> bytes:
        """The body of a successful answer, read within ``max_bytes``."""
        where = f"{method} {path.split('?')[0]}"
        try:
            async with asyncio.timeout(self.deadline):
                async with self.client.stream(method, path, **kwargs) as response:
                    _check_status(where, response)
                    return await _read_capped(where, response, max_bytes)
        except TimeoutError as exc:
            raise ApiError(
                f"{where}: no whole answer within {self.deadline:g} s: the node, or something "
                "between, is too slow"
            ) from exc
        except (httpx.HTTPError, socksio.SOCKSError) as exc:
            raise _failure(where, exc) from exc

    async def notifications(self, *, limit: int = 50, offset_id: str = "") -> NotificationPage:
        params: dict[str, str | int] = {"limit": limit}
        if offset_id:
            params["offsetId"] = offset_id
        body = await self._call("GET", "/ob/notifications", max_bytes=MAX_PAGE_BYTES, params=params)
        page = decode_notification_page(body)
        if isinstance(page, DecodeError):
            raise ApiError(f"GET /ob/notifications: undecodable answer: {page.reason}")
        if len(page.items) > limit:
            # A node that ignores the limit must not make one catch-up step unbounded.
            log.info("the node sent %d notifications for a page of %d", len(page.items), limit)
            page = msgspec.structs.replace(page, items=page.items[:limit])
        return page

    async def mark_notification_read(self, notification_id: str) -> None:
        nid = _path_id(notification_id)
        if nid:
            await self._call("POST", f"/ob/marknotificationasread/{nid}")

    async def mark_all_notifications_read(self) -> None:
        await self._call("POST", "/ob/marknotificationsasread")

    async def fetch_profiles_async(self, peer_ids: list[str], async_id: str) -> None:
        """Ask for profiles; each arrives later on the socket, tagged with ``async_id``."""
        await self._call(
            "POST",
            "/ob/fetchprofiles",
            params={"async": "true", "asyncID": async_id, "usecache": "true"},
            content=msgspec.json.encode(peer_ids),
        )

    async def profile(self, peer_id: str) -> Profile | None:
        pid = _path_id(peer_id)
        if not pid:
            return None
        body = await self._call("GET", f"/ob/profile/{pid}", params={"usecache": "true"})
        decoded = decode_profile(body, peer_id)
        return None if isinstance(decoded, DecodeError) else decoded

    async def balances(self) -> WalletBalances | None:
        decoded = decode_balances(await self._call("GET", "/wallet/balance"))
        if isinstance(decoded, DecodeError):
            log.warning("wallet balance undecodable: %s", decoded.reason)
            return None
        return decoded

    async def send_chat(self, peer_id: str, message: str, subject: str = "") -> str:
        body = msgspec.json.encode({"peerId": peer_id, "subject": subject, "message": message})
        reply = await self._call("POST", "/ob/chat", content=body)
        try:
            answer = msgspec.json.decode(reply)
        except msgspec.DecodeError:
            return ""
        mid = answer.get("messageId") if isinstance(answer, dict) else None
        return mid if isinstance(mid, str) else ""

    async def mark_chat_read(self, peer_id: str, subject: str = "") -> None:
        pid = _path_id(peer_id)
        if pid:
            params = {"subject": subject} if subject else {}
            await self._call("POST", f"/ob/markchatasread/{pid}", params=params)

    async def chat_conversations(self) -> list[tuple[str, int]]:
        """(peer id, unread count) of every direct conversation."""
        body = await self._call("GET", "/ob/chatconversations", max_bytes=MAX_PAGE_BYTES)
        decoded = decode_conversations(body)
        if isinstance(decoded, DecodeError):
            raise ApiError(f"GET /ob/chatconversations: undecodable answer: {decoded.reason}")
        return decoded

    def chat_profiles(self) -> list[Profile]:
        """People named by the conversations :meth:`chat_conversations` listed last.

        An OB node lists none: names come from profile lookups.
        """
        return []

    async def chat_messages(
        self, peer_id: str, *, limit: int, subject: str = "", offset_id: str = ""
    ) -> list[tuple[ChatMessage, str]]:
        """The newest messages with a peer (of one order's chat when ``subject`` is given),
        newest first, each with its raw JSON; ``offset_id`` pages to older ones."""
        pid = _path_id(peer_id)
        if not pid:
            return []
        params: dict[str, str | int] = {"limit": limit}
        if subject:
            params["subject"] = subject
        if offset_id:
            params["offsetId"] = offset_id
        body = await self._call(
            "GET", f"/ob/chatmessages/{pid}", max_bytes=MAX_PAGE_BYTES, params=params
        )
        decoded = decode_chat_messages(body)
        if isinstance(decoded, DecodeError):
            raise ApiError(f"GET /ob/chatmessages: undecodable answer: {decoded.reason}")
        return decoded[:limit]

    async def chat_conversation(
        self, peer_id: str, subject: str = "", *, limit: int
    ) -> list[ChatLine]:
        """The newest ``limit`` messages with a peer (of one order's chat when ``subject``
        is given), both ways, oldest first, as plain text for the detail pane."""
        messages = await self.chat_messages(peer_id, limit=limit, subject=subject)
        return conversation(message for message, _raw in messages)
