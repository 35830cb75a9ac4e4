"""A simulated OB Go server node on loopback: the socket at ``/ws`` and the REST API on one port.

It behaves like openbazaar-go 0.14.5 (or a 0.13 node), quirks included: Go's
JSON, sanitised strings, 403 with a plain-text body for any refused request,
echo of whatever a client sends to every client, a ``walletUpdate`` on a
timer, ``null`` replaced by ``[]`` in the notifications list, and async
profile lookups answered on the socket with ``peerID`` spelt two ways. Tests
script it; ``obnotify --demo`` plays a scenario on it.

It can also misbehave on purpose, as a node is not trusted: slow, held or
oversized answers, pages that never end, redirects elsewhere (the
:class:`~obnotify.demo.faults.Faults` a test sets), pictures that are not
pictures (serve any bytes with :meth:`SimNode.add_image`) and, given an
``ssl_context``, whatever certificate that context holds.

The node holds the state and the transport (auth, the socket, the faults that
bend answers); :mod:`obnotify.demo.rest` answers each REST route, and
:class:`~obnotify.demo.journal.Journal` records what was asked and sent.

Everything runs on the caller's event loop; :class:`ThreadedSimNode` wraps it
for code that cannot share a loop with it.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import dataclasses
import hmac
import re
import ssl
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, Final, Literal, Self

from aiohttp import WSMsgType, web

from obnotify.demo import rest
from obnotify.demo.cid import DEFAULT_PEER_ID, cid_v0, random_cid, random_token
from obnotify.demo.faults import Faults
from obnotify.demo.frames import (
    PUSH_ONLY_TYPES,
    Balance,
    FrameFactory,
    Generation,
    unwrap_notification,
)
from obnotify.demo.journal import Journal
from obnotify.demo.rest import Handler, Refusal, Route, error, json_body
from obnotify.demo.store import ChatRow, ChatStore, NotificationStore

__all__ = [
    "AUTH_MODES",
    "COOKIE_NAME",
    "DEFAULT_PEER_ID",
    "DEFAULT_WALLETS",
    "AuthMode",
    "SimNode",
]

AuthMode = Literal["none", "basic", "cookie"]
AUTH_MODES: Final[tuple[AuthMode, ...]] = ("none", "basic", "cookie")

COOKIE_NAME: Final = "OpenBazaar_Auth_Cookie"
"""The cookie the node checks in cookie mode (and the prefix of its ``.cookie`` file)."""

DEFAULT_WALLETS: Final = ("BTC", "BCH", "LTC", "ZEC", "ETH")
"""Coins a 0.14 node runs wallets for."""

FORBIDDEN_BODY: Final = "403 - Forbidden"

_WALLET_IDLE_CHECK: Final = 0.5
"""How often the wallet timer looks again while ``wallet_interval`` is None."""

_SHUTDOWN_TIMEOUT: Final = 0.5
"""Seconds in-flight requests get when the node stops (a real node just dies)."""

_PADDING_CHUNK: Final = 64 * 1024


def _is_json(response: web.Response) -> bool:
    return response.content_type == "application/json"


def _forbidden() -> web.Response:
    return web.Response(status=403, text=FORBIDDEN_BODY, content_type="text/plain", charset="utf-8")


async def _drop_server_header(request: web.Request, response: web.StreamResponse) -> None:
    """Go's HTTP server sends no ``Server`` header; neither does the simulated node."""
    response.headers.popall("Server", None)


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

        self.faults: Faults = Faults()
        """How the node misbehaves; change it with :meth:`set_faults`."""
        self.journal = Journal()
        """What the node was asked and what it sent, for tests to read."""

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

    def set_faults(self, **changes: Any) -> None:
        """Change the named fields of :attr:`faults`, keep the others, and wake waiters.

        ``node.set_faults(padding=0)`` lifts one fault.
        """
        self.faults = dataclasses.replace(self.faults, **changes)
        self.wake_waiters()

    def release_images(self) -> None:
        """Let held image requests (``hold_images``) answer, and stop holding new ones."""
        self.set_faults(hold_images=False)

    def wake_waiters(self) -> None:
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
        self.spawn(self._wallet_loop())

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
        self.wake_waiters()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def spawn(self, coro: Awaitable[None]) -> None:
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
            self.wake_waiters()

    async def push(self, frame: Mapping[str, Any]) -> None:
        """Send ``frame`` to every client as the node would: sanitised, Go JSON, nulls dropped."""
        await self._broadcast(json_body(frame).encode())

    async def push_raw(self, text: str | bytes) -> None:
        """Send ``text`` verbatim as one text frame to every client (garbage, huge frames)."""
        await self._broadcast(text.encode() if isinstance(text, str) else text)

    async def _broadcast(self, data: bytes) -> None:
        sockets = list(self._sockets)
        await asyncio.gather(*(self._send(ws, data) for ws in sockets))

    async def _send(self, ws: web.WebSocketResponse, data: bytes) -> None:
        try:
            await ws.send_frame(data, WSMsgType.TEXT)
        except (ConnectionError, RuntimeError):
            if self._sockets.pop(ws, None) is not None:
                self.wake_waiters()
        else:
            self.journal.frames_written += 1

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
        self.wake_waiters()
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
            self.chat.add(ChatRow.from_wire(frame["message"]))
        elif isinstance(frame.get("wallet"), Mapping):
            self.record_transaction(frame["wallet"])
        elif isinstance(frame.get("walletUpdate"), Mapping):
            self._apply_wallet_update(frame["walletUpdate"])
        await self.push(frame)

    def add_chat_message(self, message: ChatRow | Mapping[str, Any]) -> ChatRow:
        """Put a message into the chat history without pushing it (for catch-up tests)."""
        stored = message if isinstance(message, ChatRow) else ChatRow.from_wire(message)
        self.chat.add(stored)
        self.wake_waiters()
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
        if self.faults.refuse_all:
            return False
        if self.auth == "none":
            return True
        if self.auth == "cookie":
            sent = request.cookies.get(COOKIE_NAME)
            return sent is not None and hmac.compare_digest(sent.encode(), self.cookie.encode())
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        return scheme.lower() == "basic" and self._basic_matches(token.strip())

    def _basic_matches(self, token: str) -> bool:
        """Whether a basic-auth token (base64 of ``user:password``) names this node's user."""
        try:
            decoded = base64.b64decode(token, validate=True)
        except (binascii.Error, ValueError):
            return False
        user, colon, password = decoded.partition(b":")
        return bool(colon) and (
            hmac.compare_digest(user, self.username.encode())
            & hmac.compare_digest(password, self.password.encode())
        )

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        if "Authorization" in request.headers or COOKIE_NAME in request.cookies:
            self.journal.credentials_seen += 1
        if request.path == "/ws":
            return await self._socket(request)
        self.journal.requests.append((request.method, request.path_qs))
        self.wake_waiters()
        if self.faults.redirect_to:
            return self._redirect(request)
        if not self._authorised(request):
            return _forbidden()
        if self.faults.rest_broken:
            return web.Response(status=500, text="<html>internal error</html>")
        if self.faults.drip_interval > 0:
            return await self._drip(request)
        response = await self._route(request)
        if self.faults.padding > 0 and isinstance(response, web.Response) and _is_json(response):
            return await self._padded(request, response)
        return response

    async def _route(self, request: web.Request) -> web.StreamResponse:
        for method, pattern, handler in self._routes:
            match = pattern.fullmatch(request.path)
            if match and request.method == method:
                try:
                    return await handler(self, request, *match.groups())
                except Refusal as refusal:
                    return error(refusal.status, refusal.reason)
        return error(404, "Not Found")

    def _redirect(self, request: web.Request) -> web.Response:
        target = self.faults.redirect_to.rstrip("/")
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
            left = self.faults.padding
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
            while self.faults.drip_interval > 0:
                await stream.write(b" ")
                await asyncio.sleep(self.faults.drip_interval)
            await stream.write_eof()
        return stream

    async def _socket(self, request: web.Request) -> web.StreamResponse:
        self.journal.handshake_attempts += 1
        self.wake_waiters()
        if self.faults.redirect_to:
            return self._redirect(request)
        if not self._authorised(request):
            return _forbidden()
        ws = web.WebSocketResponse(
            autoping=True, heartbeat=None, compress=False, max_msg_size=0, decode_text=False
        )
        if not ws.can_prepare(request).ok:
            return web.Response(status=400, text="Bad Request", content_type="text/plain")
        await ws.prepare(request)
        self.journal.connections_accepted += 1
        if self.faults.accept_and_drop:
            if request.transport is not None:
                request.transport.close()
            self.wake_waiters()
            return ws
        self._sockets[ws] = request.transport
        self.wake_waiters()
        for frame in self.faults.greeting:
            await self._send(ws, json_body(frame).encode())
        try:
            async for message in ws:
                if message.type in (WSMsgType.TEXT, WSMsgType.BINARY):
                    data = (
                        message.data
                        if isinstance(message.data, bytes)
                        else str(message.data).encode()
                    )
                    self.journal.client_messages.append(data)
                    self.wake_waiters()
                    await self._broadcast(data)
        finally:
            self.journal.close_codes.append(ws.close_code)
            if self._sockets.pop(ws, None) is not None:
                self.wake_waiters()
        return ws

    def _route_table(self) -> Iterable[Route]:
        """Method, path pattern and handler of every REST route this node answers."""
        return rest.ROUTES
