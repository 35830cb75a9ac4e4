"""A long run of the node link in one process: many events, dropped connections, what arrives.

A ``NodeSession`` with a real ``Store`` on a temporary SQLite file watches a simulated node on
loopback, in the same process but on a loop and thread of its own. The node sends 200 order notifications a second and, after every third, a
chat message from one peer, keeping both in its own history as a real node does, and now and
then cuts every socket without a close frame. Each figure counts what happened: frames the node
wrote to an open socket (the others went out while no client was connected and can only come
back through catch-up), rows in the SQLite history file by kind (read-only), events the session
handed to its listener, drops made while a client was connected, and handshakes the node
accepted. Memory is the process's resident set (node and client together) and what tracemalloc
finds still held by code outside the simulated node.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness import emit, figure, method, rss_mib, say

from obnotify.core.backoff import Backoff
from obnotify.core.connection import ConnState
from obnotify.core.events import ChatRead, PublishStatus, Typing, WalletBalances
from obnotify.demo.node import SimNode
from obnotify.demo.threaded import ThreadedSimNode
from obnotify.node.config import make_config
from obnotify.node.session import NewEvent, NodeSession
from obnotify.store.database import Store

BUYER = "QmeVMcgXsy9xyXshREU5avCYYPyrz5bgMZyTZjv44KhNnT"
EVENTS = 3_000
DROP_EVERY = 300
CHAT_EVERY = 3
RATE = 200.0
"""Order notifications a second: a busy store's peak, far above a normal day's."""
STALL = 10.0
"""Seconds without a new row, once everything is sent, after which what is missing is lost."""
DEADLINE = 300.0


@dataclass
class Sent:
    """What the node sent of one kind, and how much of it reached an open socket."""

    sent: int = 0
    live: int = 0


@dataclass
class Listener:
    """Counts what the session hands on, by kind, and which events came twice."""

    delivered: Counter[str] = field(default_factory=Counter)
    keys: Counter[str] = field(default_factory=Counter)
    connected: int = 0

    def on_state(self, state: ConnState, detail: str) -> None:
        self.connected += state is ConnState.CONNECTED

    def on_new_event(self, new: NewEvent) -> None:
        self.delivered[new.row.kind] += 1
        self.keys[new.row.key] += 1

    def on_balances(self, balances: WalletBalances) -> None: ...
    def on_signal(self, event: Typing | ChatRead | PublishStatus) -> None: ...
    def on_catch_up_done(self, missed: int) -> None: ...


def rows_by_kind(path: Path) -> Counter[str]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5.0)
    try:
        return Counter(dict(db.execute("SELECT kind, count(*) FROM history GROUP BY kind")))
    finally:
        db.close()


async def deliver(node: SimNode, frame: dict[str, Any], tally: Sent) -> None:
    written = node.journal.frames_written
    await node.deliver(frame)
    tally.sent += 1
    tally.live += node.journal.frames_written > written


async def produce(node: SimNode, args: argparse.Namespace) -> tuple[Sent, Sent, int]:
    """Send everything on the node's own loop; what was sent of each kind, and the drops made."""
    notifications, chats = Sent(), Sent()
    drops = 0
    loop = asyncio.get_running_loop()
    start = loop.time()
    for i in range(args.events):
        delay = start + i / args.rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        order = node.frames.order(buyer_id=BUYER, buyer_handle="soak", title=f"Item {i}", price=i)
        await deliver(node, node.frames.notification_frame(order), notifications)
        if i % args.chat_every == 0:
            await deliver(node, node.frames.message(peer_id=BUYER, text=f"chat {i}"), chats)
        if i and i % args.drop_every == 0:
            drops += node.clients > 0
            await node.drop_connections()
    return notifications, chats, drops


async def soak(args: argparse.Namespace, directory: Path) -> dict[str, Any]:
    with ThreadedSimNode(wallet_interval=None) as node:
        node.add_profile(BUYER, {"handle": "soak", "name": "Soak Buyer"})
        listener = Listener()
        path = directory / "soak.sqlite3"
        store = Store(path, history_cap=max(5_000, 2 * args.events))
        session = NodeSession(
            make_config(node.url),
            store,
            listener,
            link_options={"backoff": Backoff(initial=0.05, maximum=0.2)},
        )
        task = asyncio.create_task(session.run())
        while listener.connected == 0:
            await asyncio.sleep(0.01)
        tracemalloc.start()
        start_rss, started = rss_mib(os.getpid()), time.monotonic()
        notifications, chats, drops = await asyncio.wrap_future(
            node.submit(produce(node.node, args))
        )
        sent_s = time.monotonic() - started
        expected = notifications.sent + chats.sent
        recorded = rows_by_kind(path)
        progress_at = time.monotonic()
        while sum(recorded.values()) < expected and time.monotonic() < started + DEADLINE:
            await asyncio.sleep(0.2)
            now = rows_by_kind(path)
            if now != recorded:
                recorded, progress_at = now, time.monotonic()
            elif time.monotonic() - progress_at > STALL:
                break
        elapsed = time.monotonic() - started
        held = _held_by_client(tracemalloc.take_snapshot())
        end_rss = rss_mib(os.getpid())
        session.stop()
        await task
        store.close()
        connections = node.journal.connections_accepted
    return {
        "events": args.events,
        "drops": drops,
        "connections": connections,
        "notifications": vars(notifications),
        "chats": vars(chats),
        "recorded": dict(recorded),
        "delivered": dict(listener.delivered),
        "delivered_twice": sum(1 for n in listener.keys.values() if n > 1),
        "send_s": round(sent_s, 2),
        "elapsed_s": round(elapsed, 2),
        "rss_mib": [round(start_rss, 1), round(end_rss, 1)],
        "client_held_mib": round(held / 2**20, 2),
    }


def _held_by_client(snapshot: tracemalloc.Snapshot) -> int:
    """Bytes allocated since the start and still alive, by code outside the simulated node."""
    demo = tracemalloc.Filter(False, "*obnotify/demo/*")
    aiohttp = tracemalloc.Filter(False, "*aiohttp*")
    stats = snapshot.filter_traces([demo, aiohttp]).statistics("filename")
    return sum(stat.size for stat in stats)


def lost_figure(kind: str, tally: dict[str, int], recorded: int, delivered: int) -> dict[str, Any]:
    lost = tally["sent"] - recorded
    return figure(
        f"soak: {kind} lost",
        lost,
        kind,
        goal="0",
        met=lost == 0,
        note=f"{tally['sent']} sent, {tally['live']} of them while a client was connected, "
        f"{recorded} recorded, {delivered} handed on",
    )


def lost_figures(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Notifications and chats lost: sent against recorded, with how many were handed on."""
    recorded, delivered = result["recorded"], result["delivered"]
    return [
        lost_figure(
            "notifications",
            result["notifications"],
            recorded.get("notification", 0),
            delivered.get("notification", 0),
        ),
        lost_figure(
            "chats", result["chats"], recorded.get("message", 0), delivered.get("message", 0)
        ),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=EVENTS, help="order notifications to send")
    parser.add_argument(
        "--drop-every", type=int, default=DROP_EVERY, help="notifications between drops"
    )
    parser.add_argument("--chat-every", type=int, default=CHAT_EVERY, help="notifications per chat")
    parser.add_argument("--rate", type=float, default=RATE, help="order notifications per second")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="obnotify-bench-") as tmp:
        result = asyncio.run(soak(args, Path(tmp)))
    say(str(result))
    figures = [
        *lost_figures(result),
        figure(
            "soak: events handed on twice",
            result["delivered_twice"],
            "events",
            goal="0",
            met=result["delivered_twice"] == 0,
            note=f"{result['drops']} drops while connected, {result['connections']} connections "
            f"accepted; everything sent in {result['send_s']} s, recorded after "
            f"{result['elapsed_s']} s",
        ),
        figure(
            "soak: memory the client still holds",
            result["client_held_mib"],
            "MiB",
            note="tracemalloc, outside obnotify/demo; process RSS "
            f"{result['rss_mib'][0]} -> {result['rss_mib'][1]} MiB (node and client)",
        ),
    ]
    emit("soak", figures, method=method(__doc__), **result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
