"""Long runs against a misbehaving node: restarts at random moments, hostile frames.

Each test counts what the listener was told against what the node said: every
notification and chat message once, nothing else, in bounded memory.
"""

from __future__ import annotations

import asyncio
import json
import random
import tracemalloc
from collections import Counter
from pathlib import Path

from waiting import scaled, until

from obnotify.demo.cid import random_cid
from obnotify.demo.node import SimNode
from obnotify.node.session import NodeSession

from .test_session import BUYER, Acker, acking_session, run

PEERS = [random_cid() for _ in range(4)]


def test_100_node_restarts_at_random_moments_lose_and_repeat_nothing(tmp_path: Path) -> None:
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    total_notifications, total_chats, restarts = 1000, 300, 100

    async def scenario() -> tuple[list[str], list[str], Acker, int]:
        node = SimNode(wallet_interval=None)
        await node.start()
        session, store, rec = acking_session(node, tmp_path / "node.sqlite3")
        task = asyncio.create_task(session.run())
        await until(lambda: rec.catch_ups, message="first start")
        notifications: list[str] = []
        chats: list[str] = []
        done = asyncio.Event()

        async def produce() -> None:
            for i in range(total_notifications):
                frame = node.frames.order(buyer_id=BUYER, title=f"Soak {i}", price=1 + i)
                if node.running:
                    notifications.append(await node.notify(frame))
                else:
                    notifications.append(node.store_notification(frame))
                if i % 3 == 0 and len(chats) < total_chats:
                    message = node.frames.message(peer_id=rng.choice(PEERS), text=f"chat {i}")
                    chats.append(message["message"]["messageId"])
                    if node.running:
                        await node.deliver(message)
                    else:
                        node.add_chat_message(message["message"])
                await asyncio.sleep(rng.uniform(0, 0.004))
            done.set()

        async def restart() -> None:
            for _ in range(restarts):
                await asyncio.sleep(rng.uniform(0, 0.05))
                await node.stop()
                await asyncio.sleep(rng.uniform(0, 0.03))
                await node.start()
            await node.wait_for_clients(1, timeout=scaled(10))

        await asyncio.gather(produce(), restart())
        await done.wait()
        wanted = set(notifications) | set(chats)
        try:
            await until(
                lambda: {n.row.event_id for n in rec.new} >= wanted,
                timeout=60,
                message="all delivered",
            )
        except AssertionError:
            got = {n.row.event_id for n in rec.new}
            print(
                "missing notifications",
                len(set(notifications) - got),
                "chats",
                len(set(chats) - got),
            )
            print("states", rec.states[-5:], "catch-ups", len(rec.catch_ups), rec.catch_ups[-5:])
            raise
        await asyncio.sleep(0.2)  # a last catch-up may still be running: it must add nothing
        await until(lambda: not store.pending_rows(), message="all marked delivered")
        session.stop()
        await asyncio.wait_for(task, 10)
        recorded = store.count()
        store.close()
        await node.stop()
        return notifications, chats, rec, recorded

    notifications, chats, rec, recorded = run(scenario(), timeout=240)
    delivered = Counter(n.row.event_id for n in rec.new)
    print(
        f"seed {seed}: {len(notifications)} notifications and {len(chats)} chats, "
        f"{restarts} restarts; {recorded} recorded, {sum(delivered.values())} delivered"
    )
    assert set(delivered) == set(notifications) | set(chats), f"seed {seed}"
    assert max(delivered.values()) == 1, f"seed {seed}: delivered twice"
    assert recorded == len(notifications) + len(chats), f"seed {seed}"


HOSTILE = [
    "\ufffd\x00garbage \x1b[2J\r\nforged log line".encode(),
    b"{",
    b"[]",
    b"null",
    b'{"notification": {"type": "order", "notificationId": 5}}',
    b'{"message": {"message": "<b>bold</b><img src=x onerror=alert(1)>", "peerId": 1}}',
    b'{"notification": {"notificationId": "Qm\\u202e", "type": "\\u001b[31mred"}}',
    b'{"wallet": {"txid": "' + b"a" * 5000 + b'", "value": "1e999"}}',
    b'{"unknownKind": {"a": 1}}',
    (
        b'{"notification": {"type": "order", "notificationId": "x", "thumbnail": '
        b'{"tiny": "http://evil.example/x.png", "small": "../../etc/passwd"}}}'
    ),
    b'{"walletUpdate": {"BTC": {"confirmed": "not a number"}}}',
    b'"' + b"A" * 100_000 + b'"',
]


def test_100000_hostile_frames_among_valid_ones(tmp_path: Path) -> None:
    """No crash, nothing fetched from anywhere but the node, every valid event once, memory
    bounded."""
    hostile, valid_every = 100_000, 100

    async def scenario() -> tuple[list[str], Acker, NodeSession, int, list[str]]:
        node = SimNode(wallet_interval=None)
        await node.start()
        session, store, rec = acking_session(node, tmp_path / "node.sqlite3")
        task = asyncio.create_task(session.run())
        await until(lambda: rec.catch_ups, message="connected")
        sent: list[str] = []
        tracemalloc.start()
        for i in range(hostile):
            await node.push_raw(HOSTILE[i % len(HOSTILE)])
            if i % valid_every == 0:
                text = f"<i>valid</i> {i}"
                frame = node.frames.order(buyer_id=BUYER, title=text, price=5)
                sent.append(await node.notify(frame))
            if i % 1000 == 0:
                await until(
                    lambda: len(rec.new) >= len(sent) - 50, timeout=30, message="keeping up"
                )
        await until(lambda: len(rec.new) >= len(sent), timeout=60, message="all valid delivered")
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        session.stop()
        await asyncio.wait_for(task, 10)
        store.close()
        paths = [path for _, path in node.journal.requests]
        await node.stop()
        return sent, rec, session, peak, paths

    sent, rec, session, peak, paths = run(scenario(), timeout=280)
    delivered = Counter(n.row.event_id for n in rec.new)
    counters = session.counters
    print(
        f"{hostile} hostile frames and {len(sent)} valid: {counters.bad} bad, "
        f"{counters.unknown} unknown, {sum(delivered.values())} delivered, "
        f"peak {peak / 2**20:.1f} MiB traced"
    )
    assert all(count == 1 for count in delivered.values())
    assert set(sent) <= set(delivered)
    # Two hostile frames are notifications by their shape; each is recorded once.
    assert set(delivered) - set(sent) <= {"x", "Qm\u202e"}
    assert counters.bad + counters.unknown > hostile // 2
    toasts = [n.toast for n in rec.new if n.toast is not None]
    assert all("<i>" in t.body or "valid" not in t.body for t in toasts), "text stays text"
    shown = "".join(t.title + t.body for t in toasts)
    assert "\x1b" not in shown and "\u202e" not in shown and "\r" not in shown
    assert not any("evil.example" in p or "passwd" in p for p in paths), "no request off the node"
    assert peak < 64 * 2**20, f"peak {peak} bytes"
    json.dumps([t.body for t in toasts])
