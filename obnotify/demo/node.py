"""A simulated OB Go server node on loopback: the socket at ``/ws`` and the REST API on one port.

It behaves like openbazaar-go 0.14.5 (or a 0.13 node), quirks included: Go's
JSON, sanitised strings, 403 with a plain-text body for any refused request,
echo of whatever a client sends to every client, a ``walletUpdate`` on a
timer, ``null`` replaced by ``[]`` in the notifications list, and async
profile lookups answered on the socket with ``peerID`` spelt two ways. Tests
script it; ``obnotify --demo`` plays a scenario on it.

It can also misbehave on purpose, as a node is not trusted: slow, held or
oversized answers, pages that never end, redirects elsewhere, pictures that are
not pictures (serve any bytes with :meth:`SimNode.add_image`) and, given an
``ssl_context``, whatever certificate that context holds.

Everything runs on the caller's event loop; :class:`ThreadedSimNode` wraps it
for code that cannot share a loop with it.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import hmac
import json
import re
import ssl
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final, Literal, Self

from aiohttp import WSMsgType, web

from obnotify.demo import gojson
from obnotify.demo.cid import cid_v0, random_cid, random_request_id, random_token
from obnotify.demo.frames import (
    PUSH_ONLY_TYPES,
    Balance,
    FrameFactory,
    Generation,
    unwrap_notification,
)
from obnotify.demo.sanitize import sanitize_value
from obnotify.demo.store import ChatMessage, ChatStore, NotificationStore, StoredNotification

__all__ = [
    "AUTH_MODES",
    "COOKIE_NAME",
    "DEFAULT_PEER_ID",
    "DEFAULT_WALLETS",
    "IMAGE_CACHE_CONTROL",
    "AuthMode",
    "SimNode",
]

AuthMode = Literal["none", "basic", "cookie"]
AUTH_MODES: Final[tuple[AuthMode, ...]] = ("none", "basic", "cookie")

COOKIE_NAME: Final = "OpenBazaar_Auth_Cookie"
"""The cookie the node checks in cookie mode (and the prefix of its ``.cookie`` file)."""

DEFAULT_PEER_ID: Final = cid_v0(b"obnotify simulated node")
"""The node's own peer id unless one is given."""

DEFAULT_WALLETS: Final = ("BTC", "BCH", "LTC", "ZEC", "ETH")
"""Coins a 0.14 node runs wallets for."""

IMAGE_CACHE_CONTROL: Final = "public, max-age=29030400, immutable"

FORBIDDEN_BODY: Final = "403 - Forbidden"

_WALLET_IDLE_CHECK: Final = 0.5
"""How often the wallet timer looks again while ``wallet_interval`` is None."""

_SHUTDOWN_TIMEOUT: Final = 0.5
"""Seconds in-flight requests get when the node stops (a real node just dies)."""

_PADDING_CHUNK: Final = 64 * 1024
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


def _json_body(value: Any, *, sort_keys: bool = True) -> str:
    return gojson.dumps(sanitize_value(value), sort_keys=sort_keys)


def _json(value: Any, status: int = 200, *, sort_keys: bool = True) -> web.Response:
    """A sanitised, Go-formatted JSON answer, as the node's ``SanitizedResponse`` writes it."""
    return web.Response(
        text=_json_body(value, sort_keys=sort_keys), status=status, content_type="application/json"
    )


def _error(status: int, reason: str) -> web.Response:
    """The node's ``ErrorResponse``: ``success`` before ``reason``, double quotes made single."""
    body = gojson.dumps({"success": False, "reason": reason.replace('"', "'")}, sort_keys=False)
    return web.Response(text=body, status=status, content_type="application/json")


def _is_json(response: web.Response) -> bool:
    return response.content_type == "application/json"


def _forbidden() -> web.Response:
    return web.Response(status=403, text=FORBIDDEN_BODY, content_type="text/plain", charset="utf-8")


async def _drop_server_header(request: web.Request, response: web.StreamResponse) -> None:
    """Go's HTTP server sends no ``Server`` header; neither does the simulated node."""
    response.headers.popall("Server", None)


def _int_param(request: web.Request, name: str, default: int) -> int:
    raw = request.query.get(name, "")
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise _Refusal(500, f'strconv.Atoi: parsing "{raw}": invalid syntax') from None


class _Refusal(Exception):
    """Raised by a route to answer with the node's error shape."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class SimNode:
    """A scriptable fake OB node serving HTTP and WebSocket on one loopback port.

    Args:
        host: Interface to bind.
        port: 0 picks a free port; after the first start the node keeps it, so
            ``stop()`` then ``start()`` comes back on the same port with its state.
        auth: ``"none"``, ``"basic"`` (username and password) or ``"cookie"``.
        username: Basic-auth user name.
        password: Basic-auth password (plain; the real node stores its hash).
        cookie: Cookie value for cookie mode; a random one is made when empty.
        generation: ``"0.14"`` or ``"0.13"`` amount shapes and type names.
        wallet_interval: Seconds between ``walletUpdate`` frames; None sends none
            (a node with its wallet disabled).
        peer_id: The node's own peer id.
        testnet: Reported by ``GET /ob/config``.
        wallets: Coin codes the node has wallets for (zero balances to start).
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        auth: AuthMode = "none",
        username: str = "",
        password: str = "",
        cookie: str = "",
        generation: Generation = "0.14",
        wallet_interval: float | None = 15.0,
        peer_id: str = DEFAULT_PEER_ID,
        *,
        testnet: bool = False,
        wallets: Iterable[str] = DEFAULT_WALLETS,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        if auth not in AUTH_MODES:
            raise ValueError(f"unknown auth mode {auth!r}")
        if auth == "basic" and not (username and password):
            raise ValueError("basic auth needs a username and a password")
        self.host = host
        self.port = port
        """The bound port once started (kept across restarts)."""
        self.auth: AuthMode = auth
        self.username = username
        self.password = password
        self.cookie = cookie or random_token()
        """The value clients must send as ``OpenBazaar_Auth_Cookie`` in cookie mode."""
        self.generation: Generation = generation
        self.frames = FrameFactory(generation)
        """Builds notifications and frames in this node's generation."""
        self.wallet_interval = wallet_interval
        self.peer_id = peer_id
        self.testnet = testnet
        self.ssl_context = ssl_context
        """Serve https and wss with this context (a node with SSL on), or plain http and ws."""

        self.refuse_all = False
        """Answer every request, socket or REST, with 403 (wrong credentials, IP not allowed)."""
        self.accept_and_drop = False
        """Accept socket handshakes and close the connection at once, sending nothing."""
        self.image_delay = 0.0
        """Seconds each image request waits before answering (a slow IPFS fetch)."""
        self.image_fail: set[str] = set()
        """Image hashes answered with 500."""
        self.rest_broken = False
        """Answer every REST request with 500 and a body that is not JSON (the socket works)."""
        self.profile_delay = 0.02
        """Seconds before async profile answers go out on the socket."""

        # Faults: a node that is not to be trusted.
        self.hold_images = False
        """Image requests wait while this holds (a node stuck fetching from IPFS); see
        :meth:`release_images`."""
        self.padding = 0
        """Bytes of JSON whitespace streamed inside every JSON answer of the REST API: the
        same content, as large as a node gone wrong could make it. 0 sends answers as they are."""
        self.ignore_limit = False
        """``GET /ob/notifications`` answers every stored notification, whatever ``limit`` says."""
        self.endless_pages = False
        """Every ``GET /ob/notifications`` page holds ``limit`` new notifications, each older
        than the last: paging never reaches the end, nor a client's cursor."""
        self.endless_chat_pages = False
        """Every ``GET /ob/chatmessages`` page holds ``limit`` new unread messages, each older
        than the last: paging never reaches the conversation's start, nor a client's anchor."""
        self.redirect_to = ""
        """A base URL (``http://host:port``) every request, socket or REST, is redirected to
        with a 302 to the same path there (``ws://`` for the socket)."""
        self.failing_subjects: set[str] = set()
        """Order ids whose chat (``GET /ob/chatmessages/PEER?subject=ID``) is answered with 500."""
        self.drip_interval = 0.0
        """Seconds between the bytes of every REST answer, which are spaces and never end
        while this is set: a node (or a path to it) that keeps a request alive forever.
        0 answers as usual."""
        self.greeting: list[Mapping[str, Any]] = []
        """Frames pushed to each client as soon as its socket is open."""
        self.images_in_flight = 0
        """Image requests being answered right now."""
        self.most_images_in_flight = 0
        """The highest ``images_in_flight`` has been."""
        self._endless_served = 0

        self.handshake_attempts = 0
        """Requests to ``/ws``, refused or not."""
        self.connections_accepted = 0
        """Socket handshakes that succeeded (including ``accept_and_drop`` ones)."""
        self.credentials_seen = 0
        """Requests, REST or socket, that came with an ``Authorization`` header or the auth
        cookie, whether the node wanted them or not."""
        self.requests: list[tuple[str, str]] = []
        """Every HTTP request except ``/ws`` handshakes, refused or not: (method, path+query)."""
        self.client_messages: list[bytes] = []
        """Raw payloads clients sent on the socket (each was echoed to all clients)."""
        self.close_codes: list[int | None] = []
        """How each client's socket ended, in order: the code of the close frame it sent
        (1000 for a goodbye), or 1006 when it went without one, as the real node logs it."""
        self.frames_sent: list[bytes] = []
        """Every frame broadcast to the connected clients, in order."""
        self.frames_written = 0
        """Frames that reached an open socket: one broadcast to two clients counts two, one
        broadcast while no client is connected counts none."""
        self.read_ids: list[str] = []
        """Ids given to ``POST /ob/marknotificationasread/ID``, in order, unknown ones too."""
        self.mark_all_read_calls = 0
        """How often ``POST /ob/marknotificationsasread`` was called."""
        self.chat_sent: list[dict[str, str]] = []
        """``POST /ob/chat`` bodies with the ``messageId`` the node gave each."""
        self.chat_read: list[tuple[str, str]] = []
        """(peer id, subject) of every ``POST /ob/markchatasread``."""
        self.profile_requests: list[tuple[str, list[str]]] = []
        """(request id, peer ids) of every ``POST /ob/fetchprofiles``."""

        self.notifications = NotificationStore()
        self.chat = ChatStore()
        self.balances: dict[str, Balance] = {code: Balance() for code in wallets}
        self.transactions: dict[str, list[dict[str, Any]]] = {code: [] for code in self.balances}
        """Wallet transactions per coin, newest first (inner dicts of ``wallet`` frames)."""
        self.profiles: dict[str, dict[str, Any]] = {}
        self.images: dict[str, bytes] = {}

        self._sockets: dict[web.WebSocketResponse, asyncio.Transport | None] = {}
        self._runner: web.AppRunner | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._changed = asyncio.Event()
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = [
            (method, re.compile(pattern), handler)
            for method, pattern, handler in self._route_table()
        ]

    @property
    def _authority(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    @property
    def url(self) -> str:
        """``http(s)://HOST:PORT``, the base of the REST API."""
        return f"{'https' if self.ssl_context else 'http'}://{self._authority}"

    @property
    def ws_url(self) -> str:
        """``ws(s)://HOST:PORT/ws``."""
        return f"{'wss' if self.ssl_context else 'ws'}://{self._authority}/ws"

    @property
    def clients(self) -> int:
        """Sockets open right now."""
        return len(self._sockets)

    @property
    def running(self) -> bool:
        """Whether the node is listening."""
        return self._runner is not None

    @property
    def cookie_line(self) -> str:
        """What the node writes to its ``.cookie`` file."""
        return f"{COOKIE_NAME}={self.cookie}"

    def write_cookie_file(self, path: str | Path) -> Path:
        """Write ``OpenBazaar_Auth_Cookie=VALUE`` (no newline) as the node does.

        ``path`` may be a directory (the node's data folder); the file is then ``.cookie`` in it.
        """
        target = Path(path)
        if target.is_dir():
            target = target / ".cookie"
        target.write_text(self.cookie_line, encoding="utf-8")
        return target

    def release_images(self) -> None:
        """Let held image requests (``hold_images``) answer, and stop holding new ones."""
        self.hold_images = False
        self._bump()

    def _bump(self) -> None:
        """Wake everyone in :meth:`wait_until`; state they look at may have changed."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_until(self, predicate: Callable[[], bool], timeout: float | None = 5.0) -> None:
        """Return once ``predicate()`` holds, checked after every request and socket event.

        Raises:
            TimeoutError: it did not hold within ``timeout`` seconds (None waits forever).
        """
        try:
            async with asyncio.timeout(timeout):
                while not predicate():
                    await self._changed.wait()
        except TimeoutError:
            raise TimeoutError(f"condition not met within {timeout} s") from None

    async def wait_for_clients(self, count: int = 1, timeout: float = 5.0) -> None:
        """Return once exactly ``count`` sockets are open."""
        await self.wait_until(lambda: self.clients == count, timeout)

    async def start(self) -> None:
        """Listen (on the same port as before after a restart) and start the wallet timer."""
        if self._runner is not None:
            return
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        app.on_response_prepare.append(_drop_server_header)
        runner = web.AppRunner(
            app, handle_signals=False, access_log=None, shutdown_timeout=_SHUTDOWN_TIMEOUT
        )
        await runner.setup()
        site = web.TCPSite(
            runner, self.host, self.port, reuse_address=True, ssl_context=self.ssl_context
        )
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        address = runner.addresses[0]
        self.port = int(address[1])
        self._runner = runner
        self._spawn(self._wallet_loop())

    async def stop(self) -> None:
        """Stop listening and cut every socket without a close frame, like a node that quits."""
        runner, self._runner = self._runner, None
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        await self.drop_connections()
        if runner is not None:
            await runner.cleanup()
        self._bump()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def _spawn(self, coro: Awaitable[None]) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drop_connections(self) -> None:
        """Abort every client socket's TCP connection: no close frame, as on a dead path."""
        sockets = list(self._sockets.items())
        self._sockets.clear()
        for ws, transport in sockets:
            if transport is not None:
                transport.abort()
            else:
                await ws.close()
        if sockets:
            self._bump()

    async def push(self, frame: Mapping[str, Any]) -> None:
        """Send ``frame`` to every client as the node would: sanitised, Go JSON, nulls dropped."""
        await self._broadcast(_json_body(frame).encode())

    async def push_raw(self, text: str | bytes) -> None:
        """Send ``text`` verbatim as one text frame to every client (garbage, huge frames)."""
        await self._broadcast(text.encode() if isinstance(text, str) else text)

    async def _broadcast(self, data: bytes) -> None:
        self.frames_sent.append(data)
        sockets = list(self._sockets)
        await asyncio.gather(*(self._send(ws, data) for ws in sockets))

    async def _send(self, ws: web.WebSocketResponse, data: bytes) -> None:
        try:
            await ws.send_frame(data, WSMsgType.TEXT)
        except (ConnectionError, RuntimeError):
            if self._sockets.pop(ws, None) is not None:
                self._bump()
        else:
            self.frames_written += 1

    def store_notification(
        self,
        notification: Mapping[str, Any],
        *,
        read: bool = False,
        timestamp: datetime | None = None,
    ) -> str:
        """Only store ``notification``, as if it arrived while no client was connected.

        Accepts the inner dict or ``{"notification": {...}}``; returns its id.
        """
        notification_id = self.notifications.add(
            unwrap_notification(notification), read=read, timestamp=timestamp
        )
        self._bump()
        return notification_id

    async def notify(self, notification: Mapping[str, Any]) -> str:
        """Store (unless the type is push-only, like ``unfollow``) and push; returns the id."""
        inner = unwrap_notification(notification)
        inner.setdefault("notificationId", random_cid())
        if str(inner.get("type", "")) not in PUSH_ONLY_TYPES:
            self.store_notification(inner)
        await self.push(self.frames.notification_frame(inner))
        return str(inner["notificationId"])

    async def deliver(self, frame: Mapping[str, Any]) -> None:
        """Push ``frame`` and keep the node's state in step, as a real event would.

        A notification is stored (see :meth:`notify`), a chat message goes into the
        chat history, a wallet transaction into the transaction list, and a
        ``walletUpdate`` sets the balances. Other frames are only pushed.
        """
        if "notification" in frame:
            await self.notify(frame)
            return
        if isinstance(frame.get("message"), Mapping):
            self.chat.add(ChatMessage.from_wire(frame["message"]))
        elif isinstance(frame.get("wallet"), Mapping):
            self.record_transaction(frame["wallet"])
        elif isinstance(frame.get("walletUpdate"), Mapping):
            self._apply_wallet_update(frame["walletUpdate"])
        await self.push(frame)

    def add_chat_message(self, message: ChatMessage | Mapping[str, Any]) -> ChatMessage:
        """Put a message into the chat history without pushing it (for catch-up tests)."""
        stored = message if isinstance(message, ChatMessage) else ChatMessage.from_wire(message)
        self.chat.add(stored)
        self._bump()
        return stored

    def add_profile(self, peer_id: str, profile: Mapping[str, Any]) -> None:
        """Make ``peer_id`` known to ``fetchprofiles`` and ``GET /ob/profile``."""
        self.profiles[peer_id] = {"peerID": peer_id, **profile}

    def add_image(self, data: bytes) -> str:
        """Serve ``data`` at ``/ob/images/HASH``; returns the hash (its CIDv0)."""
        image_hash = cid_v0(data)
        self.images[image_hash] = data
        return image_hash

    def set_balance(self, code: str, confirmed: int, unconfirmed: int = 0, height: int = 0) -> None:
        """Set one coin's balance in base units (adds the wallet if it is new)."""
        self.balances[code] = Balance(confirmed, unconfirmed, height)
        self.transactions.setdefault(code, [])

    def record_transaction(self, tx: Mapping[str, Any]) -> None:
        """Add a ``wallet`` frame's inner dict to its coin's transaction list."""
        code = str(tx.get("wallet", ""))
        self.transactions.setdefault(code, []).insert(0, dict(tx))

    def wallet_update_frame(self) -> dict[str, Any]:
        """The ``walletUpdate`` frame for the current balances."""
        return self.frames.wallet_update(self.balances)

    async def push_wallet_update(self) -> None:
        """Send a ``walletUpdate`` now instead of waiting for the timer."""
        await self.push(self.wallet_update_frame())

    def _apply_wallet_update(self, update: Mapping[str, Any]) -> None:
        for code, entry in update.items():
            if isinstance(entry, Mapping):
                self.set_balance(
                    str(code),
                    int(entry.get("confirmed", 0)),
                    int(entry.get("unconfirmed", 0)),
                    int(entry.get("height", 0)),
                )

    async def _wallet_loop(self) -> None:
        while True:
            interval = self.wallet_interval
            await asyncio.sleep(interval if interval is not None else _WALLET_IDLE_CHECK)
            if interval is not None and self.wallet_interval is not None:
                await self.push_wallet_update()

    def _authorised(self, request: web.BaseRequest) -> bool:
        if self.refuse_all:
            return False
        if self.auth == "none":
            return True
        if self.auth == "cookie":
            sent = request.cookies.get(COOKIE_NAME)
            return sent is not None and hmac.compare_digest(sent.encode(), self.cookie.encode())
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            decoded = base64.b64decode(token.strip(), validate=True)
        except (binascii.Error, ValueError):
            return False
        user, colon, password = decoded.partition(b":")
        return bool(colon) and (
            hmac.compare_digest(user, self.username.encode())
            & hmac.compare_digest(password, self.password.encode())
        )

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        if "Authorization" in request.headers or COOKIE_NAME in request.cookies:
            self.credentials_seen += 1
        if request.path == "/ws":
            return await self._socket(request)
        self.requests.append((request.method, request.path_qs))
        self._bump()
        if self.redirect_to:
            return self._redirect(request)
        if not self._authorised(request):
            return _forbidden()
        if self.rest_broken:
            return web.Response(status=500, text="<html>internal error</html>")
        if self.drip_interval > 0:
            return await self._drip(request)
        response = await self._route(request)
        if self.padding > 0 and isinstance(response, web.Response) and _is_json(response):
            return await self._padded(request, response)
        return response

    async def _route(self, request: web.Request) -> web.StreamResponse:
        for method, pattern, handler in self._routes:
            match = pattern.fullmatch(request.path)
            if match and request.method == method:
                try:
                    return await handler(request, *match.groups())
                except _Refusal as refusal:
                    return _error(refusal.status, refusal.reason)
        return _error(404, "Not Found")

    def _redirect(self, request: web.Request) -> web.Response:
        target = self.redirect_to.rstrip("/")
        if request.path == "/ws":
            target = re.sub(r"^http", "ws", target)
        return web.Response(
            status=302, headers={"Location": target + request.path_qs}, text="302 Found"
        )

    async def _padded(self, request: web.Request, response: web.Response) -> web.StreamResponse:
        """``response`` streamed with ``padding`` spaces after its first character."""
        body = (response.text or "").encode()
        stream = web.StreamResponse(
            status=response.status, headers={"Content-Type": response.headers["Content-Type"]}
        )
        stream.enable_chunked_encoding()
        await stream.prepare(request)
        filler = b" " * _PADDING_CHUNK
        # A client that stops reading resets the connection: that is the point.
        with contextlib.suppress(ConnectionError):
            await stream.write(body[:1])
            left = self.padding
            while left > 0:
                await stream.write(filler[:left])
                left -= len(filler)
            await stream.write(body[1:])
            await stream.write_eof()
        return stream

    async def _drip(self, request: web.Request) -> web.StreamResponse:
        """A 200 whose body comes one space per ``drip_interval`` until the fault is lifted."""
        stream = web.StreamResponse(headers={"Content-Type": "application/json"})
        stream.enable_chunked_encoding()
        await stream.prepare(request)
        with contextlib.suppress(ConnectionError):
            while self.drip_interval > 0:
                await stream.write(b" ")
                await asyncio.sleep(self.drip_interval)
            await stream.write_eof()
        return stream

    async def _socket(self, request: web.Request) -> web.StreamResponse:
        self.handshake_attempts += 1
        self._bump()
        if self.redirect_to:
            return self._redirect(request)
        if not self._authorised(request):
            return _forbidden()
        ws = web.WebSocketResponse(
            autoping=True, heartbeat=None, compress=False, max_msg_size=0, decode_text=False
        )
        if not ws.can_prepare(request).ok:
            return web.Response(status=400, text="Bad Request", content_type="text/plain")
        await ws.prepare(request)
        self.connections_accepted += 1
        if self.accept_and_drop:
            if request.transport is not None:
                request.transport.close()
            self._bump()
            return ws
        self._sockets[ws] = request.transport
        self._bump()
        for frame in self.greeting:
            await self._send(ws, _json_body(frame).encode())
        try:
            async for message in ws:
                if message.type in (WSMsgType.TEXT, WSMsgType.BINARY):
                    data = (
                        message.data
                        if isinstance(message.data, bytes)
                        else str(message.data).encode()
                    )
                    self.client_messages.append(data)
                    self._bump()
                    await self._broadcast(data)
        finally:
            self.close_codes.append(ws.close_code)
            if self._sockets.pop(ws, None) is not None:
                self._bump()
        return ws

    def _route_table(self) -> list[tuple[str, str, Handler]]:
        """Method, path pattern and handler of every REST route this node answers."""
        return [
            ("GET", r"/ob/notifications/?", self._get_notifications),
            ("POST", r"/ob/marknotificationasread/([^/]*)", self._post_mark_read),
            ("POST", r"/ob/marknotificationsasread/?", self._post_mark_all_read),
            ("GET", r"/ob/images/([^/]+)", self._get_image),
            ("POST", r"/ob/fetchprofiles/?", self._post_fetch_profiles),
            ("GET", r"/ob/profile/?([^/]*)", self._get_profile),
            ("POST", r"/ob/chat/?", self._post_chat),
            ("POST", r"/ob/markchatasread/([^/]+)", self._post_mark_chat_read),
            ("GET", r"/ob/chatconversations/?", self._get_conversations),
            ("GET", r"/ob/chatmessages/([^/]+)", self._get_chat_messages),
            ("GET", r"/wallet/balance/?", self._get_balance),
            ("GET", r"/wallet/transactions/([^/]+)", self._get_transactions),
            ("GET", r"/ob/config/?", self._get_config),
            ("GET", r"/ob/healthcheck/?", self._get_healthcheck),
        ]

    async def _get_notifications(self, request: web.Request) -> web.StreamResponse:
        limit = _int_param(request, "limit", -1)
        offset_id = request.query.get("offsetId", "")
        types = [t for t in request.query.get("filter", "").split(",") if t]
        if self.endless_pages:
            rows, total = self._endless_page(limit if limit > 0 else _ENDLESS_PAGE), 0
        else:
            rows, total = self.notifications.page(
                -1 if self.ignore_limit else limit, offset_id, types
            )
        payload = {
            "notifications": [row.as_item() for row in rows],
            "total": total,
            "unread": self.notifications.unread(),
        }
        mangled = gojson.dumps(payload).replace("null", "[]")
        return _json(json.loads(mangled))

    def _endless_page(self, size: int) -> list[StoredNotification]:
        """``size`` follows never seen before, each a second older than the one before."""
        start = datetime.now(UTC)
        rows = []
        for _ in range(size):
            self._endless_served += 1
            notification = unwrap_notification(self.frames.follow(peer_id=DEFAULT_PEER_ID))
            notification["notificationId"] = random_cid()
            stamp = start - timedelta(seconds=self._endless_served)
            rows.append(StoredNotification(0, notification, read=False, timestamp=stamp))
        return rows

    async def _post_mark_read(
        self, request: web.Request, notification_id: str
    ) -> web.StreamResponse:
        self.read_ids.append(notification_id)
        self.notifications.mark_read(notification_id)
        self._bump()
        return _json({})

    async def _post_mark_all_read(self, request: web.Request) -> web.StreamResponse:
        self.mark_all_read_calls += 1
        self.notifications.mark_all_read()
        self._bump()
        return _json({})

    async def _get_image(self, request: web.Request, image_hash: str) -> web.StreamResponse:
        self.images_in_flight += 1
        self.most_images_in_flight = max(self.most_images_in_flight, self.images_in_flight)
        self._bump()
        try:
            if self.image_delay > 0:
                await asyncio.sleep(self.image_delay)
            await self.wait_until(lambda: not self.hold_images, timeout=None)
            return self._image(image_hash)
        finally:
            self.images_in_flight -= 1
            self._bump()

    def _image(self, image_hash: str) -> web.Response:
        if image_hash in self.image_fail:
            raise _Refusal(500, "context deadline exceeded")
        data = self.images.get(image_hash)
        if data is None:
            raise _Refusal(404, "merkledag: not found")
        return web.Response(
            body=data,
            content_type="image/jpeg",
            headers={"Cache-Control": IMAGE_CACHE_CONTROL},
        )

    async def _read_json(self, request: web.Request) -> Any:
        try:
            return json.loads(await request.read())
        except (ValueError, UnicodeDecodeError) as exc:
            raise _Refusal(400, str(exc)) from None

    async def _post_fetch_profiles(self, request: web.Request) -> web.StreamResponse:
        body = await self._read_json(request)
        if not isinstance(body, list) or not all(isinstance(p, str) for p in body):
            raise _Refusal(400, "json: cannot unmarshal into Go value of type []string")
        peers = list(dict.fromkeys(body))
        if request.query.get("async", "") not in _TRUE_WORDS:
            return _json([self.profiles[p] for p in peers if p in self.profiles])
        request_id = request.query.get("asyncID") or random_request_id()
        self.profile_requests.append((request_id, peers))
        self._spawn(self._answer_profiles(request_id, peers))
        return _json({"id": request_id}, status=202)

    async def _answer_profiles(self, request_id: str, peers: list[str]) -> None:
        await asyncio.sleep(self.profile_delay)
        for peer in peers:
            profile = self.profiles.get(peer)
            if profile is None:
                await self.push(self.frames.profile_error(request_id, peer))
            else:
                await self.push(self.frames.profile_reply(request_id, peer, profile))

    async def _get_profile(self, request: web.Request, peer_id: str) -> web.StreamResponse:
        profile = self.profiles.get(peer_id or self.peer_id)
        if profile is None:
            raise _Refusal(404, "profile not found")
        rank = {key: index for index, key in enumerate(_PROFILE_ORDER)}
        ordered = dict(sorted(profile.items(), key=lambda kv: rank.get(kv[0], len(rank))))
        return _json(ordered, sort_keys=False)

    async def _post_chat(self, request: web.Request) -> web.StreamResponse:
        body = await self._read_json(request)
        if not isinstance(body, dict) or not body.get("peerId"):
            raise _Refusal(400, "peerId is required")
        message = ChatMessage(
            peer_id=str(body["peerId"]),
            message=str(body.get("message", "")),
            subject=str(body.get("subject", "")),
            outgoing=True,
        )
        self.chat.add(message)
        self.chat_sent.append(
            {
                "peerId": message.peer_id,
                "subject": message.subject,
                "message": message.message,
                "messageId": message.message_id,
            }
        )
        self._bump()
        return _json({"messageId": message.message_id})

    async def _post_mark_chat_read(self, request: web.Request, peer_id: str) -> web.StreamResponse:
        subject = request.query.get("subject", "")
        self.chat.mark_read(peer_id, subject)
        self.chat_read.append((peer_id, subject))
        self._bump()
        return _json({})

    async def _get_conversations(self, request: web.Request) -> web.StreamResponse:
        return _json(self.chat.conversations())

    async def _get_chat_messages(self, request: web.Request, peer_id: str) -> web.StreamResponse:
        if request.query.get("subject", "") in self.failing_subjects:
            return _error(500, "order chat unavailable")
        if self.endless_chat_pages:
            return _json([m.as_wire() for m in self._endless_chat(peer_id, request)])
        messages = self.chat.messages(
            peer_id,
            subject=request.query.get("subject", ""),
            limit=_int_param(request, "limit", -1),
            offset_id=request.query.get("offsetId", ""),
        )
        return _json([m.as_wire() for m in messages])

    def _endless_chat(self, peer_id: str, request: web.Request) -> list[ChatMessage]:
        """``limit`` unread messages never sent before, each a second older than the last."""
        start = datetime.now(UTC)
        rows = []
        for _ in range(max(1, _int_param(request, "limit", _ENDLESS_PAGE))):
            self._endless_served += 1
            stamp = gojson.rfc3339_nano(start - timedelta(seconds=self._endless_served))
            message = {"peerId": peer_id, "message": "again", "timestamp": stamp}
            rows.append(ChatMessage.from_wire(message))
        return rows

    async def _get_balance(self, request: web.Request) -> web.StreamResponse:
        return _json(self.wallet_update_frame()["walletUpdate"])

    async def _get_transactions(self, request: web.Request, code: str) -> web.StreamResponse:
        if code not in self.transactions:
            raise _Refusal(400, "Unknown wallet type")
        txs = self.transactions[code]
        limit = _int_param(request, "limit", -1)
        shown = txs if limit < 0 else txs[:limit]
        return _json({"count": len(txs), "transactions": shown or None})

    async def _get_config(self, request: web.Request) -> web.StreamResponse:
        return _json(
            {
                "peerID": self.peer_id,
                "testnet": self.testnet,
                "tor": False,
                "wallets": list(self.balances),
            }
        )

    async def _get_healthcheck(self, request: web.Request) -> web.StreamResponse:
        return _json({})
