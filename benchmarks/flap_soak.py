"""Flap soak: a quarter of an hour of events while the node is killed and restarted every minute.

A ``NodeSession`` with a real ``Store`` on a temporary SQLite file, and the reconnect schedule
the app uses, watches a simulated node on loopback that runs on a loop and thread of its own.
The node has one order notification a second (and a chat message every third), keeping both in
its history as a real node does. Every minute it is killed (every socket cut, no close frame,
nothing listening) and started again ``--down`` seconds later on the same port; events keep
coming meanwhile and can only come back through catch-up. Counted: events sent against rows
in the history file and events handed to the listener (none lost, none twice); the process's
resident set and what tracemalloc finds still held outside the simulated node, once a minute;
and, per outage, the seconds from the kill to the client's next connection.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from harness import emit, figure, method, rss_mib, say
from soak import BUYER, STALL, Listener, Sent, _held_by_client, deliver, lost_figures, rows_by_kind

from obnotify.core.connection import ConnState
from obnotify.demo.node import SimNode
from obnotify.demo.threaded import ThreadedSimNode
from obnotify.node.config import make_config
from obnotify.node.session import NodeSession
from obnotify.store.database import Store

MINUTES = 15
RATE = 1.0
"""Order notifications a second."""
CHAT_EVERY = 3
DOWN = 2.0
"""Seconds the node stays dead at each kill."""
KILL_AT = 30.0
"""Seconds into each minute at which the node is killed."""
GOAL_OFFLINE_S = 10.0
GOAL_GROWTH_MIB = 2.0
"""What the client may still hold at the end beyond what it held after the second minute."""


class FlapListener(Listener):
    """The soak's listener, with the moments the session said it was connected."""

    def __init__(self) -> None:
        super().__init__()
        self.connected_at: list[float] = []

    def on_state(self, state: ConnState, detail: str) -> None:
        super().on_state(state, detail)
        if state is ConnState.CONNECTED:
            self.connected_at.append(time.monotonic())


async def produce(node: SimNode, args: argparse.Namespace, kills: list[float]) -> tuple[Sent, Sent]:
    """Events at ``args.rate`` for ``args.minutes``, the node killed once a minute."""
    notifications, chats = Sent(), Sent()
    loop = asyncio.get_running_loop()
    start = loop.time()

    async def flap() -> None:
        for minute in range(args.minutes):
            await asyncio.sleep(max(0.0, start + 60 * minute + KILL_AT - loop.time()))
            kills.append(time.monotonic())
            await node.stop()
            await asyncio.sleep(args.down)
            await node.start()

    flapping = asyncio.create_task(flap())
    for i in range(int(args.minutes * 60 * args.rate)):
        await asyncio.sleep(max(0.0, start + i / args.rate - loop.time()))
        order = node.frames.order(buyer_id=BUYER, buyer_handle="soak", title=f"Item {i}", price=i)
        await deliver(node, node.frames.notification_frame(order), notifications)
        if i % CHAT_EVERY == 0:
            await deliver(node, node.frames.message(peer_id=BUYER, text=f"chat {i}"), chats)
    await flapping
    return notifications, chats


async def soak(args: argparse.Namespace, directory: Path) -> dict[str, Any]:
    with ThreadedSimNode(wallet_interval=None) as node:
        node.add_profile(BUYER, {"handle": "soak", "name": "Soak Buyer"})
        listener = FlapListener()
        path = directory / "soak.sqlite3"
        store = Store(path, history_cap=10_000)
        session = NodeSession(make_config(node.url), store, listener)
        task = asyncio.create_task(session.run())
        while listener.connected == 0:
            await asyncio.sleep(0.01)
        tracemalloc.start()
        kills: list[float] = []
        memory: list[tuple[float, float]] = []
        started = time.monotonic()
        producing = asyncio.wrap_future(node.submit(produce(node.node, args, kills)))
        while not producing.done():
            await asyncio.wait({producing}, timeout=60.0)
            held = _held_by_client(tracemalloc.take_snapshot()) / 2**20
            memory.append((round(rss_mib(os.getpid()), 1), round(held, 2)))
            say(f"{len(memory)} min: RSS {memory[-1][0]} MiB, client holds {memory[-1][1]} MiB")
        notifications, chats = producing.result()
        expected = notifications.sent + chats.sent
        recorded, progress_at = rows_by_kind(path), time.monotonic()
        while sum(recorded.values()) < expected and time.monotonic() - progress_at < STALL:
            await asyncio.sleep(0.2)
            now = rows_by_kind(path)
            if now != recorded:
                recorded, progress_at = now, time.monotonic()
        await asyncio.sleep(1.0)  # What was recorded last is handed on too.
        session.stop()
        await task
        store.close()
        elapsed = time.monotonic() - started
    offline = [
        round(min((t for t in listener.connected_at if t > kill), default=float("nan")) - kill, 2)
        for kill in kills
    ]
    return {
        "minutes": args.minutes,
        "down_s": args.down,
        "notifications": vars(notifications),
        "chats": vars(chats),
        "recorded": dict(recorded),
        "delivered": dict(listener.delivered),
        "delivered_twice": sum(1 for n in listener.keys.values() if n > 1),
        "offline_s": offline,
        "memory_per_minute": memory,
        "elapsed_s": round(elapsed, 1),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=int, default=MINUTES, help="length, one kill a minute")
    parser.add_argument("--rate", type=float, default=RATE, help="order notifications per second")
    parser.add_argument("--down", type=float, default=DOWN, help="seconds dead at each kill")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="obnotify-bench-") as tmp:
        result = asyncio.run(soak(args, Path(tmp)))
    say(str(result))
    offline = result["offline_s"]
    memory = result["memory_per_minute"]
    settled = memory[min(1, len(memory) - 1)][1]
    growth = memory[-1][1] - settled
    figures = [
        *lost_figures(result),
        figure(
            "flap soak: events handed on twice",
            result["delivered_twice"],
            "events",
            goal="0",
            met=result["delivered_twice"] == 0,
        ),
        figure(
            "flap soak: longest time offline after a kill",
            max(offline),
            "s",
            goal=f"<= {GOAL_OFFLINE_S:g} s",
            met=max(offline) <= GOAL_OFFLINE_S,
            note=f"{len(offline)} kills of {result['down_s']:g} s; each: "
            + ", ".join(f"{s:g}" for s in offline),
        ),
        figure(
            "flap soak: client memory growth after the second minute",
            round(growth, 2),
            "MiB",
            goal=f"< {GOAL_GROWTH_MIB:g} MiB",
            met=growth < GOAL_GROWTH_MIB,
            note="tracemalloc outside obnotify/demo, per minute: "
            + ", ".join(f"{held:g}" for _, held in memory)
            + f"; process RSS {memory[0][0]} -> {memory[-1][0]} MiB (node and client)",
        ),
    ]
    emit("flap_soak", figures, method=method(__doc__), **result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
