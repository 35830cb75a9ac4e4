"""A node, or a proxy on the way to it, that stalls or lies: every call ends, as an ApiError.

A server that drips a byte at a time never trips a read timeout; a SOCKS proxy whose
CONNECT reply is malformed raises outside httpx's errors. Neither may hang the doctor's
checks or the catch-up, nor escape as a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from pathlib import Path

import pytest
from waiting import until

from obnotify.core.backoff import Backoff
from obnotify.core.connection import ConnState
from obnotify.demo.node import SimNode
from obnotify.node import api as api_module
from obnotify.node.api import ApiError, NodeApi
from obnotify.node.checks import CREDENTIALS, check_node
from obnotify.node.config import make_config
from obnotify.node.session import NodeSession
from obnotify.store.database import Store

from .test_proxy import Socks5Server
from .test_session import BUYER, FAST, Recorder, attempts, run

DRIP = 0.2
"""Seconds between the bytes of a dripping answer: well inside any read timeout."""
DEADLINE = 1.0


class LyingSocksProxy(Socks5Server):
    """Greets as SOCKS5 should, then answers CONNECT with bytes that are no SOCKS5 reply."""

    connects = 0

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, asyncio.IncompleteReadError):
            _, methods = await reader.readexactly(2)
            await reader.readexactly(methods)
            writer.write(b"\x05\x00")
            await reader.read(300)
            self.connects += 1
            writer.write(b"\x05\x00\x00\x07garbage\x00\x00")
            await writer.drain()
            await reader.read(1)
        writer.close()


def test_a_dripping_answer_ends_at_the_call_deadline() -> None:
    async def scenario() -> tuple[str, float]:
        async with SimNode(wallet_interval=None) as node:
            node.set_faults(drip_interval=DRIP)
            api = NodeApi(make_config(node.url), deadline=DEADLINE)
            started = time.monotonic()
            try:
                with pytest.raises(ApiError) as caught:
                    await api.notifications(limit=1)
            finally:
                node.set_faults(drip_interval=0)
                await api.aclose()
            return str(caught.value), time.monotonic() - started

    message, took = run(scenario(), timeout=30)
    assert "GET /ob/notifications: no whole answer within 1 s" in message
    assert took < 10 * DEADLINE


def test_the_doctor_checks_end_on_a_dripping_node(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api_module, "REQUEST_DEADLINE", DEADLINE)

    async def scenario() -> list[tuple[str, bool, str]]:
        async with SimNode(wallet_interval=None) as node:
            node.set_faults(drip_interval=DRIP)
            try:
                checks = await check_node(make_config(node.url))
            finally:
                node.set_faults(drip_interval=0)
            return [(c.name, c.ok, c.message) for c in checks]

    checks = run(scenario(), timeout=30)
    credentials = next(c for c in checks if c[0] == CREDENTIALS)
    assert not credentials[1]
    assert "no whole answer within 1 s" in credentials[2]


def test_a_catch_up_stuck_on_a_dripping_answer_is_tried_again(tmp_path: Path) -> None:
    async def scenario() -> tuple[Recorder, str]:
        async with SimNode(wallet_interval=None) as node:
            missed = node.store_notification(node.frames.follow(peer_id=BUYER))
            store = Store(tmp_path / "node.sqlite3")
            store.set_state("first-start-done", "1")
            store.set_cursor("QmOlderThanAnything")
            store.flush()
            node.set_faults(drip_interval=DRIP)
            rec = Recorder()
            session = NodeSession(
                make_config(node.url),
                store,
                rec,
                api=NodeApi(make_config(node.url), deadline=DEADLINE),
                link_options=dict(FAST),
                retry=Backoff(initial=0.05, maximum=0.2),
            )
            task = asyncio.create_task(session.run())
            await until(lambda: any("catch-up failed" in d for _, d in rec.states), message="said")
            node.set_faults(drip_interval=0)
            await until(lambda: len(rec.catch_ups) == 2, message="caught up on a later try")
            session.stop()
            await asyncio.wait_for(task, 10)
            store.close()
            return rec, missed

    rec, missed = run(scenario(), timeout=60)
    assert [n.row.event_id for n in rec.new] == [missed]
    assert rec.catch_ups == [0, 1]
    assert rec.state is ConnState.STOPPED


def test_a_lying_socks_proxy_is_an_api_error_everywhere(tmp_path: Path) -> None:
    async def scenario() -> tuple[str, list[tuple[str, bool, str]], Recorder, int]:
        async with LyingSocksProxy() as proxy:
            config = make_config("http://127.0.0.1:4002", proxy=proxy.url)
            api = NodeApi(config)
            try:
                with pytest.raises(ApiError) as caught:
                    await api.notifications(limit=1)
            finally:
                await api.aclose()
            checks = await check_node(config)
            rec = await attempts(config, tmp_path, 3)
            return (
                str(caught.value),
                [(c.name, c.ok, c.message) for c in checks],
                rec,
                proxy.connects,
            )

    message, checks, rec, connects = run(scenario(), timeout=60)
    assert "the proxy answered outside SOCKS5" in message
    assert not all(ok for _, ok, _ in checks), checks
    assert connects >= 3
    assert rec.state is ConnState.STOPPED
    assert any(state is ConnState.UNREACHABLE for state, _ in rec.states)
