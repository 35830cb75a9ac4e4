"""The socket to one node: connect, authenticate, stay alive, reconnect, report state.

Frames go to a callback as text; what they mean is decided elsewhere. Nothing
is ever sent on the socket: the node echoes it to every connected client.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import ssl
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Final

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus, InvalidURI
from websockets.frames import CloseCode

from obnotify.core.backoff import Backoff
from obnotify.core.connection import ConnState
from obnotify.core.plain_text import printable
from obnotify.node.config import NodeConfig
from obnotify.node.guard import REFUSED, SecretGate
from obnotify.node.tls import describe_tls_error

__all__ = ["MAX_MESSAGE_BYTES", "NodeLink", "Then", "Verdict", "classify"]

log = logging.getLogger(__name__)

MAX_MESSAGE_BYTES: Final = 16 * 1024 * 1024
"""Socket frames up to this size are read and then judged by the decoder, so a huge one
is counted and skipped instead of closing the connection."""

PING_INTERVAL: Final = 20.0
PING_TIMEOUT: Final = 20.0
OPEN_TIMEOUT: Final = 10.0
CLOSE_TIMEOUT: Final = 2.0
"""A dead path never answers the closing handshake: give up on it quickly. It bounds the
goodbye too: :meth:`NodeLink.stop` waits this long for the node's answer, then drops the
connection."""
LOCATION_CHARS: Final = 200
"""A redirect's target is shown in the state line, cut to this length."""


class Then(enum.Enum):
    """What the link does after an attempt that ended."""

    RETRY = "retry"
    """Wait the backoff's delay, then connect again."""
    ASK_AGAIN = "ask-again"
    """The node asked for credentials: connect again at once, with them."""
    WAIT_FOR_USER = "wait-for-user"
    """Nothing changes by trying again: wait until the user changes the settings."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """What an attempt's end means: the state to show, why, and what comes next."""

    state: ConnState
    detail: str
    then: Then
    quiet_when_stopping: bool = False
    """A connection that fails because the app is quitting says nothing."""


def classify(
    exc: BaseException, *, sent_credentials: bool, has_credentials: bool
) -> Verdict | None:
    """What an attempt that ended in ``exc`` means, without any I/O: retry or give up.

    Args:
        exc: What the attempt raised.
        sent_credentials: Whether this attempt carried the credentials.
        has_credentials: Whether the node's settings have any to send.

    Returns:
        The verdict, or None for an exception that is not about the connection (a bug,
        which the caller lets through).
    """
    if isinstance(exc, InvalidStatus):
        code = exc.response.status_code
        if code in REFUSED and not sent_credentials and has_credentials:
            # The node asked: now, and only now, the credentials go.
            return Verdict(ConnState.CONNECTING, "", Then.ASK_AGAIN)
        if code in REFUSED:
            return Verdict(
                ConnState.AUTH_FAILED,
                f"the node refused the credentials (HTTP {code}): check the user name and "
                "password, or the cookie, and that this address is allowed",
                Then.WAIT_FOR_USER,
            )
        return Verdict(ConnState.UNREACHABLE, f"handshake refused: HTTP {code}", Then.RETRY)
    if isinstance(exc, _Redirected | _Unproven):
        return Verdict(ConnState.UNREACHABLE, str(exc), Then.RETRY)
    if isinstance(exc, ssl.SSLError):
        return Verdict(ConnState.TLS_FAILED, describe_tls_error(exc), Then.RETRY)
    if isinstance(exc, InvalidURI):
        return Verdict(ConnState.UNREACHABLE, f"bad URL: {exc}", Then.WAIT_FOR_USER)
    if isinstance(exc, OSError | TimeoutError | InvalidHandshake | ConnectionClosed | EOFError):
        return Verdict(ConnState.UNREACHABLE, _describe(exc), Then.RETRY, quiet_when_stopping=True)
    return None


FrameHandler = Callable[[str | bytes], Awaitable[None]]
StateHandler = Callable[[ConnState, str], None]
ConnectedHandler = Callable[[], Coroutine[Any, Any, None]]


class NodeLink:
    """Keeps one socket open for as long as :meth:`run` runs."""

    def __init__(
        self,
        config: NodeConfig,
        *,
        on_frame: FrameHandler,
        on_state: StateHandler,
        on_connected: ConnectedHandler | None = None,
        backoff: Backoff | None = None,
        ping_interval: float = PING_INTERVAL,
        ping_timeout: float = PING_TIMEOUT,
        gate: SecretGate | None = None,
    ) -> None:
        self.config = config
        self.gate = gate or SecretGate()
        """Whether the node asked for the credentials; shared with the node's REST client."""
        self._on_frame = on_frame
        self._on_state = on_state
        self._on_connected = on_connected
        self.backoff = backoff or Backoff()
        self.ping_interval = ping_interval
        self.ping_timeout = ping_timeout
        self.state = ConnState.STOPPED
        self.detail = ""
        self.attempts = 0
        """Connection attempts made, for the log and for tests that look for hot loops."""
        self.ever_connected = False
        """Whether the socket was ever open: a node that never answered leaves no history file."""
        self.retry_at: float | None = None
        """Unix time of the next attempt while waiting for it; None while connecting, connected,
        or waiting for the user (refused credentials, a bad URL)."""
        self._wake = asyncio.Event()
        self._stopping = False
        self._ws: ClientConnection | None = None
        self._goodbye: asyncio.Task[None] | None = None
        """The closing handshake :meth:`stop` began; kept so it runs to its end."""

    def _set_state(self, state: ConnState, detail: str = "") -> None:
        # Details quote exceptions, and those can quote what the node sent.
        detail = printable(detail)
        if state is self.state and detail == self.detail:
            return
        self.state, self.detail = state, detail
        log.info(
            "node %s: %s%s", self.config.display_name, state.value, f" ({detail})" if detail else ""
        )
        self._on_state(state, detail)

    def retry_now(self) -> None:
        """Try again at once: the user asked, or the settings changed (also after auth failed)."""
        self.backoff.reset()
        self._wake.set()

    async def reconnect(self) -> None:
        """Drop the current connection (if any) and connect again at once."""
        self.retry_now()
        if self._ws is not None:
            await self._ws.close()

    def stop(self) -> None:
        """Stop connecting, and say goodbye on an open socket: a close frame with code 1000.

        The node logs a socket dropped without one as an abnormal closure. The
        handshake takes at most :data:`CLOSE_TIMEOUT`; :meth:`run` returns once it ends.
        """
        self._stopping = True
        self._wake.set()
        if self._ws is not None and self._goodbye is None:
            self._goodbye = asyncio.ensure_future(
                self._ws.close(CloseCode.NORMAL_CLOSURE, "obnotify stops watching")
            )

    async def _wait(self, delay: float | None) -> None:
        """Sleep until the delay passes or someone calls :meth:`retry_now`; None waits for that alone."""
        self._wake.clear()
        if delay is None:
            await self._wake.wait()
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), delay)

    async def run(self) -> None:
        """Connect and reconnect until :meth:`stop`."""
        ssl_context = self.config.ssl_context()
        asked_now = False
        while not self._stopping:
            self._set_state(ConnState.CONNECTING)
            self.attempts += 1
            opened_at: float | None = None
            # Whatever answers after an outage is asked afresh, without the credentials.
            self.gate.asked = asked_now
            asked_now = False
            headers = self.config.auth_headers() if self.gate.asked else {}
            try:
                if headers and (problem := self.gate.problem(self.config)):
                    raise _Unproven(problem)
                async with _ConnectWithoutRedirects(
                    self.config.ws_url,
                    additional_headers=headers,
                    ssl=ssl_context,
                    proxy=self.config.proxy or None,
                    open_timeout=OPEN_TIMEOUT,
                    ping_interval=self.ping_interval,
                    ping_timeout=self.ping_timeout,
                    close_timeout=CLOSE_TIMEOUT,
                    max_size=MAX_MESSAGE_BYTES,
                    compression=None,
                ) as ws:
                    self._ws = ws
                    opened_at = time.monotonic()
                    self.ever_connected = True
                    self._set_state(ConnState.CONNECTED)
                    await self._receive(ws)
                if not self._stopping:
                    self._set_state(ConnState.UNREACHABLE, "the node closed the connection")
            except Exception as exc:
                verdict = classify(
                    exc,
                    sent_credentials=bool(headers),
                    has_credentials=bool(self.config.auth_headers()),
                )
                if verdict is None:
                    raise
                if verdict.then is Then.ASK_AGAIN:
                    asked_now = True
                    continue
                if not (verdict.quiet_when_stopping and self._stopping):
                    self._set_state(verdict.state, verdict.detail)
                if verdict.then is Then.WAIT_FOR_USER:
                    await self._wait(None)
                    continue
            finally:
                self._ws = None
            if self._stopping:
                break
            if opened_at is not None:
                self.backoff.connection_ended(time.monotonic() - opened_at)
            delay = self.backoff.next_delay()
            self.retry_at = time.time() + delay
            try:
                await self._wait(delay)
            finally:
                self.retry_at = None
        self._set_state(ConnState.STOPPED)

    async def _receive(self, ws: ClientConnection) -> None:
        connected_task: asyncio.Task[None] | None = None
        if self._on_connected is not None:
            connected_task = asyncio.create_task(self._on_connected())
        try:
            async for frame in ws:
                await self._on_frame(frame)
        finally:
            if connected_task is not None and not connected_task.done():
                connected_task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await connected_task


class _Unproven(Exception):
    """The node asked for credentials, but nothing proves it is the node: none were sent."""


class _Redirected(InvalidHandshake):
    """The node answered the socket's handshake with a redirect, which is never followed."""

    def __init__(self, status: int, location: str) -> None:
        super().__init__(
            f"the node answered with a redirect (HTTP {status}) to "
            f"{location[:LOCATION_CHARS] or 'nowhere'}, which is not followed: check the "
            "node's address (a captive portal or a proxy may be answering in its place)"
        )


class _ConnectWithoutRedirects(connect):
    """websockets' ``connect`` that refuses redirects instead of following them.

    websockets follows up to ten redirects by itself, to other hosts too (it only
    drops the credentials then) and would take events from whatever answers there.
    A node never redirects its socket.
    """

    def process_redirect(self, exc: Exception) -> Exception | str:
        if isinstance(exc, InvalidStatus) and 300 <= exc.response.status_code < 400:
            location = exc.response.headers.get("Location", "")
            return _Redirected(exc.response.status_code, location)
        return exc


def _describe(exc: BaseException) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused: is the node running on that port?"
    if isinstance(exc, TimeoutError):
        return "timed out"
    if isinstance(exc, ConnectionClosed):
        if exc.sent is not None and exc.sent.code == CloseCode.MESSAGE_TOO_BIG:
            return (
                f"the node sent a message larger than {MAX_MESSAGE_BYTES // (1024 * 1024)} MiB, "
                "so the connection was dropped"
            )
        return "connection lost"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__
