"""Catching up against the simulated node: real sockets, real SQLite."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path
from typing import Any

from waiting import until

from obnotify.core.catchup import MAX_CHAT_PAGES, PAGE_SIZE
from obnotify.core.connection import ConnState
from obnotify.core.policy import Source
from obnotify.demo.node import SimNode
from obnotify.node.session import NodeSession

from .test_session import BUYER, Recorder, retrying_session, run

PEER = "QmVQzkdi3Fq6LRFG9UNqDZfSry67weCZV6ZL26QVx64UFy"
LIVE = MAX_CHAT_PAGES * PAGE_SIZE + 100
"""Chat that comes live after a reconnect, before its catch-up can read: more than a
catch-up ever reads of one conversation."""


def test_chat_missed_behind_a_long_live_run_is_still_caught_up(tmp_path: Path) -> None:
    """Chat missed while away is found however much live chat came before the catch-up read.

    The catch-up's chat read fails until thousands of live messages, all unread on the
    node, have come in: the missed ones then lie behind more pages than any read takes.
    """

    async def scenario() -> tuple[Recorder, list[str], int]:
        node = SimNode(wallet_interval=None)
        node.add_chat_message({"peerId": PEER, "message": "before", "read": False})
        await node.start()
        rec = Recorder()
        session, store = retrying_session(node, tmp_path, rec)
        task = asyncio.create_task(session.run())
        await until(lambda: rec.catch_ups and len(rec.new) == 1, message="first start")
        for i in range(2):
            await node.deliver(node.frames.message(peer_id=PEER, text=f"live before {i}"))
        await until(lambda: len(rec.new) == 3, message="chat while connected")
        await node.stop()
        away = [
            node.add_chat_message({"peerId": PEER, "message": f"while away {i}", "read": False})
            for i in range(3)
        ]
        node.set_faults(failing_subjects=frozenset({""}))
        await node.start()
        await until(lambda: any("catch-up failed" in d for _, d in rec.states), message="failed")
        for i in range(LIVE):
            await node.deliver(node.frames.message(peer_id=PEER, text=f"live after {i}"))
        await until(lambda: len(rec.new) == 3 + LIVE, timeout=30, message="the live chat")
        node.set_faults(failing_subjects=frozenset())
        recorded = await finish(session, task, rec)
        await node.stop()
        store.close()
        return rec, [m.message_id for m in away], recorded

    rec, away, recorded = run(scenario())
    caught_up = [n.row.event_id for n in rec.new if n.source is Source.CATCH_UP]
    assert caught_up == away, "the missed chat, oldest first, and nothing else"
    assert recorded == 1 + 2 + 3 + LIVE
    assert max(Counter(n.row.key for n in rec.new).values()) == 1, "none handed on twice"


def test_notifications_missed_behind_a_long_live_run_are_still_caught_up(tmp_path: Path) -> None:
    """Notifications missed while away are found however many came live before the
    catch-up could read: the read starts before the first that came live."""

    async def scenario() -> tuple[Recorder, list[str], int]:
        node = SimNode(wallet_interval=None)
        node.add_profile(BUYER, {"name": "Ann"})
        await node.start()
        rec = Recorder()
        session, store = retrying_session(node, tmp_path, rec)
        task = asyncio.create_task(session.run())
        await until(lambda: rec.catch_ups, message="first start")
        await node.notify(order(node, "before"))
        await until(lambda: len(rec.new) == 1, message="an order while connected")
        await node.stop()
        away = [node.store_notification(order(node, f"away {i}")) for i in range(3)]
        node.set_faults(rest_broken=True)
        await node.start()
        await until(lambda: any("catch-up failed" in d for _, d in rec.states), message="failed")
        for i in range(LIVE):
            await node.notify(order(node, f"live {i}"))
        await until(lambda: len(rec.new) == 1 + LIVE, timeout=60, message="the live orders")
        node.set_faults(rest_broken=False)
        recorded = await finish(session, task, rec)
        await node.stop()
        store.close()
        return rec, away, recorded

    rec, away, recorded = run(scenario())
    caught_up = [n.row.event_id for n in rec.new if n.source is Source.CATCH_UP]
    assert caught_up == away, "the missed orders, oldest first, and nothing else"
    assert recorded == 1 + 3 + LIVE
    assert max(Counter(n.row.key for n in rec.new).values()) == 1, "none handed on twice"


def order(node: SimNode, title: str) -> dict[str, Any]:
    return node.frames.order(buyer_id=BUYER, buyer_handle="ann", title=title, price=5)


async def finish(session: NodeSession, task: asyncio.Task[None], rec: Recorder) -> int:
    """Wait for the catch-up tried again to work and for all it brought, then stop the
    session; how many events it recorded in all."""
    await until(lambda: rec.states[-1] == (ConnState.CONNECTED, ""), message="caught up")
    recorded = session.counters.recorded
    await until(lambda: len(rec.new) == recorded, message="everything handed on")
    session.stop()
    await asyncio.wait_for(task, 10)
    return recorded
