"""Authentication, TLS and liveness of the link against the simulated node."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import socket
import time
from pathlib import Path

import pytest
from waiting import until

from obnotify.core.backoff import Backoff
from obnotify.core.connection import ConnState
from obnotify.demo.images import thumbnail_set
from obnotify.demo.node import SimNode
from obnotify.desktop.thumbnails import ThumbnailCache
from obnotify.node.api import NodeApi, TlsPinMismatch
from obnotify.node.config import ConfigError, make_config
from obnotify.node.session import NodeSession
from obnotify.node.tls import PinMismatch, fingerprint
from obnotify.store.database import Store

from .conftest import ServerContext
from .test_session import FAST, Recorder, run


async def _connect_once(url: str, tmp_path: Path, **options: object) -> tuple[ConnState, str]:
    """Run a session until it connects or fails; the state it reached and why."""
    rec = Recorder()
    store = Store(tmp_path / f"{len(list(tmp_path.iterdir()))}.sqlite3")
    session = NodeSession(make_config(url, **options), store, rec, link_options=dict(FAST))  # type: ignore[arg-type]
    task = asyncio.create_task(session.run())
    try:
        await until(
            lambda: rec.state in (ConnState.CONNECTED, ConnState.TLS_FAILED, ConnState.AUTH_FAILED),
            timeout=10,
            message="a verdict",
        )
        verdict = rec.states[-1]
        if verdict[0] is ConnState.CONNECTED:
            # Catch-up is REST: it proves the HTTP client shares the socket's auth and TLS.
            await until(lambda: rec.catch_ups, timeout=10, message="catch-up over REST")
    finally:
        session.stop()
        await asyncio.wait_for(task, 10)
        store.close()
    return verdict


def test_tls_with_the_nodes_ca_or_a_pin(
    tmp_path: Path, certs: dict[str, Path], server_context: ServerContext
) -> None:
    pin = hashlib.sha256(certs["der"].read_bytes()).hexdigest()

    async def scenario() -> dict[str, tuple[ConnState, str]]:
        node = SimNode(wallet_interval=None, ssl_context=server_context("node"))
        await node.start()
        assert node.url.startswith("https://")
        try:
            return {
                "ca": await _connect_once(node.url, tmp_path, ca_file=str(certs["ca"])),
                "pin": await _connect_once(
                    node.url, tmp_path, pin=":".join(pin[i : i + 2] for i in range(0, 64, 2))
                ),
                "wrong pin": await _connect_once(node.url, tmp_path, pin="00" * 32),
                "system store": await _connect_once(node.url, tmp_path),
            }
        finally:
            await node.stop()

    results = run(scenario())
    assert results["ca"][0] is ConnState.CONNECTED
    assert results["pin"][0] is ConnState.CONNECTED
    assert results["wrong pin"][0] is ConnState.TLS_FAILED
    assert "pinned" in results["wrong pin"][1]
    assert results["system store"][0] is ConnState.TLS_FAILED
    assert "certificate" in results["system store"][1]


def test_a_wrong_pin_sends_not_one_byte_of_http(
    tmp_path: Path, certs: dict[str, Path], server_context: ServerContext
) -> None:
    """A node showing another certificate than the pinned one never sees a request, so it
    never sees the password: the pin is checked inside the TLS handshake."""
    pinned = certs["der"].read_bytes()
    impostor = certs["impostor-der"].read_bytes()

    async def scenario() -> tuple[tuple[ConnState, str], str, str, SimNode]:
        node = SimNode(
            auth="basic",
            username="alice",
            password="s3cret",
            wallet_interval=None,
            ssl_context=server_context("impostor"),
        )
        await node.start()
        options = {"username": "alice", "password": "s3cret"}
        options["pin"] = hashlib.sha256(pinned).hexdigest()
        try:
            verdict = await _connect_once(node.url, tmp_path, **options)
            api = NodeApi(make_config(node.url, **options))
            try:
                with pytest.raises(TlsPinMismatch) as refused:
                    await api.balances()
                with pytest.raises(TlsPinMismatch):
                    await api.notifications(limit=5)
            finally:
                await api.aclose()
            ctx = make_config(node.url, **options).ssl_context()
            assert ctx is not None

            def blocking_connect() -> str:
                with socket.create_connection(("127.0.0.1", node.port), timeout=10) as raw:
                    try:
                        with ctx.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
                            tls.sendall(b"GET /wallet/balance HTTP/1.1\r\nHost: x\r\n\r\n")
                    except PinMismatch as exc:
                        return str(exc)
                return "connected"

            blocking = await asyncio.to_thread(blocking_connect)
            return verdict, str(refused.value), blocking, node
        finally:
            await node.stop()

    (state, detail), rest_error, blocking, node = run(scenario())
    assert node.journal.handshake_attempts == 0
    assert node.journal.requests == []
    assert state is ConnState.TLS_FAILED
    assert "pinned" in detail and fingerprint(impostor) in detail
    assert "pinned" in rest_error and "pinned" in blocking


def test_tls_failures_say_what_to_do(
    tmp_path: Path, certs: dict[str, Path], server_context: ServerContext
) -> None:
    async def scenario() -> dict[str, tuple[ConnState, str]]:
        tls_node = SimNode(wallet_interval=None, ssl_context=server_context("node"))
        plain_node = SimNode(wallet_interval=None)
        await tls_node.start()
        await plain_node.start()
        try:
            return {
                "untrusted": await _connect_once(tls_node.url, tmp_path),
                "plain": await _connect_once(
                    plain_node.url.replace("http://", "https://"), tmp_path
                ),
            }
        finally:
            await tls_node.stop()
            await plain_node.stop()

    results = run(scenario())
    assert results["untrusted"][0] is ConnState.TLS_FAILED
    assert "--ca" in results["untrusted"][1] and "--pin" in results["untrusted"][1]
    assert results["plain"] == (
        ConnState.TLS_FAILED,
        "the node did not answer in TLS: if its SSL is off, use an http:// address",
    )


def test_cookie_file_auth(tmp_path: Path) -> None:
    async def scenario() -> tuple[tuple[ConnState, str], tuple[ConnState, str]]:
        node = SimNode(auth="cookie", wallet_interval=None)
        await node.start()
        try:
            cookie = node.write_cookie_file(tmp_path / "datadir")
            good = await _connect_once(node.url, tmp_path, cookie_file=str(cookie))
            bad = await _connect_once(node.url, tmp_path, cookie="not-the-cookie")
            return good, bad
        finally:
            await node.stop()

    good, bad = run(scenario())
    assert good[0] is ConnState.CONNECTED
    assert bad[0] is ConnState.AUTH_FAILED


def test_bad_settings_say_what_to_fix(tmp_path: Path) -> None:
    unreadable = tmp_path / "nope.crt"
    with pytest.raises(ConfigError, match="CA file .* does not exist"):
        make_config("https://127.0.0.1:4002", ca_file=str(unreadable))
    garbage = tmp_path / "garbage.crt"
    garbage.write_text("not a certificate")
    with pytest.raises(ConfigError, match="Cannot use CA file"):
        make_config("https://127.0.0.1:4002", ca_file=str(garbage))
    with pytest.raises(ConfigError, match="64 hex digits"):
        make_config("https://127.0.0.1:4002", pin="abc")
    with pytest.raises(ConfigError, match="Cannot read cookie file"):
        make_config("http://127.0.0.1:4002", cookie_file=str(tmp_path / "missing" / ".cookie"))
    with pytest.raises(ConfigError, match="Bad port"):
        make_config("http://127.0.0.1:99999")
    with pytest.raises(ConfigError, match="allow-insecure-auth"):
        make_config("ws://198.51.100.7:4002", username="a", password="b")
    with pytest.raises(ConfigError, match="your auth cookie unencrypted to 198.51.100.7"):
        make_config("ws://198.51.100.7:4002", cookie="c0ffee")
    cookie_file = tmp_path / ".cookie"
    cookie_file.write_text("OpenBazaar_Auth_Cookie=c0ffee")
    with pytest.raises(ConfigError, match="allow-insecure-auth"):
        make_config("http://198.51.100.7:4002", cookie_file=str(cookie_file))
    assert make_config("ws://198.51.100.7:4002", cookie="c0ffee", allow_insecure_auth=True)
    assert make_config("wss://198.51.100.7:4002", cookie="c0ffee").cookie == "c0ffee"
    assert make_config("ws://127.0.0.1:4002", cookie="c0ffee").cookie == "c0ffee"
    assert make_config(
        "ws://198.51.100.7:4002", username="a", password="b", allow_insecure_auth=True
    )
    assert (
        make_config("http://[::1]:4002/ws", username="a", password="b").ws_url
        == "ws://[::1]:4002/ws"
    )


class Blackhole:
    """A TCP relay to the node that can go silent, like a path that died while the socket stays open."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.silent = False
        self.port = 0
        self._server: asyncio.Server | None = None
        self._writers: list[asyncio.StreamWriter] = []

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        self._writers += [writer, up_writer]

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(ConnectionError, asyncio.CancelledError):
                while data := await src.read(65536):
                    if not self.silent:
                        dst.write(data)
                        await dst.drain()
            dst.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    async def stop(self) -> None:
        for w in self._writers:
            w.close()
        if self._server is not None:
            self._server.close()


def test_silent_socket_is_declared_dead_and_replaced(tmp_path: Path) -> None:
    async def scenario() -> list[ConnState]:
        node = SimNode(wallet_interval=None)
        await node.start()
        relay = Blackhole(node.port)
        await relay.start()
        rec = Recorder()
        store = Store(tmp_path / "n.sqlite3")
        config = make_config(f"http://127.0.0.1:{relay.port}")
        options = dict(FAST, ping_interval=0.3, ping_timeout=0.3)
        session = NodeSession(config, store, rec, link_options=options)
        task = asyncio.create_task(session.run())
        await until(lambda: rec.state is ConnState.CONNECTED, message="connected")
        relay.silent = True
        await until(
            lambda: rec.state is ConnState.UNREACHABLE,
            timeout=10,
            message="the dead socket noticed",
        )
        relay.silent = False
        await until(lambda: rec.state is ConnState.CONNECTED, timeout=5, message="reconnected")
        session.stop()
        await asyncio.wait_for(task, 10)
        await relay.stop()
        await node.stop()
        store.close()
        return [s for s, _ in rec.states]

    states = run(scenario())
    assert states.count(ConnState.CONNECTED) == 2


def test_a_corrected_password_connects_without_a_restart(tmp_path: Path) -> None:
    async def scenario() -> tuple[list[ConnState], int, Path | None, Path | None]:
        node = SimNode(auth="basic", username="alice", password="right", wallet_interval=None)
        picture = node.add_image(thumbnail_set("a mug").pictures["small"].data)
        await node.start()
        rec = Recorder()
        store = Store(tmp_path / "n.sqlite3")
        config = make_config(node.url, username="alice", password="wrong")
        session = NodeSession(config, store, rec, link_options=dict(FAST))
        cache = ThumbnailCache(tmp_path / "thumbs", session.api.pictures, retry_after=0.0)
        task = asyncio.create_task(session.run())
        await until(lambda: rec.state is ConnState.AUTH_FAILED, message="auth-failed")
        refused = await cache.get(picture)
        session.update_password("right")
        await until(lambda: rec.catch_ups, message="connected and caught up over REST")
        # Pictures have a client of their own: it must use the new password too.
        fetched = await cache.get(picture)
        await cache.aclose()
        session.stop()
        await asyncio.wait_for(task, 10)
        await node.stop()
        store.close()
        return [s for s, _ in rec.states], node.journal.handshake_attempts, refused, fetched

    states, attempts, refused, fetched = run(scenario())
    assert ConnState.AUTH_FAILED in states and ConnState.CONNECTED in states
    assert attempts == 4, "each connection asks without the credentials first, then with them"
    assert refused is None and fetched is not None


def test_a_node_that_is_down_says_when_it_is_tried_next(tmp_path: Path) -> None:
    """The window counts down to the next attempt: the link says when it is, and only then."""

    async def scenario() -> tuple[float, float, float | None]:
        with socket.socket() as closed:
            closed.bind(("127.0.0.1", 0))
            port = closed.getsockname()[1]
        rec = Recorder()
        store = Store(tmp_path / "n.sqlite3")
        backoff = Backoff(initial=30.0, maximum=30.0, jitter=0.0)
        session = NodeSession(
            make_config(f"http://127.0.0.1:{port}"), store, rec, link_options={"backoff": backoff}
        )
        task = asyncio.create_task(session.run())
        await until(lambda: session.link.retry_at is not None, message="an attempt waited for")
        before = time.time()
        retry_at = session.link.retry_at
        assert retry_at is not None
        state = rec.state
        session.stop()
        await asyncio.wait_for(task, 10)
        store.close()
        assert state is ConnState.UNREACHABLE
        return before, retry_at, session.link.retry_at

    before, retry_at, after = run(scenario())
    assert 29 < retry_at - before <= 30, "the backoff's delay, not a guess"
    assert after is None, "a stopped link waits for nothing"


def test_stopping_says_goodbye_with_a_close_frame(tmp_path: Path) -> None:
    """The node logs a socket dropped without a close frame as an abnormal closure (1006)."""

    async def scenario() -> list[int | None]:
        node = SimNode(wallet_interval=None)
        await node.start()
        rec = Recorder()
        store = Store(tmp_path / "n.sqlite3")
        session = NodeSession(make_config(node.url), store, rec, link_options=dict(FAST))
        task = asyncio.create_task(session.run())
        await until(lambda: rec.catch_ups, message="connected and caught up")
        session.stop()
        await asyncio.wait_for(task, 10)
        await until(lambda: node.journal.close_codes, message="the node to see the socket end")
        await node.stop()
        store.close()
        return list(node.journal.close_codes)

    assert run(scenario()) == [1000], "a goodbye, not an abnormal closure"


def test_a_node_holds_a_picture_client_only_once_it_sends_a_picture(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import obnotify.node.api as api_module
    from obnotify.node.factory import open_node

    made: list[str] = []
    real_make_client = api_module.make_client

    def counting(*args: object, **kwargs: object) -> object:
        made.append("pictures" if "limits" in kwargs else "api")
        return real_make_client(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(api_module, "make_client", counting)

    async def scenario() -> tuple[list[str], list[str], Path | None]:
        node = SimNode(wallet_interval=None)
        picture = node.add_image(thumbnail_set("a mug").pictures["small"].data)
        await node.start()
        parts = open_node(
            make_config(node.url),
            data_dir=tmp_path / "data",
            cache_dir=tmp_path / "cache",
            history_cap=100,
        )
        await parts.session.api.notifications()
        before = list(made)
        fetched = await parts.thumbnails.get(picture)
        await parts.close()
        await node.stop()
        return before, list(made), fetched

    before, after, fetched = run(scenario())
    assert before == ["api"]
    assert after == ["api", "pictures"]
    assert fetched is not None and fetched.is_file()
