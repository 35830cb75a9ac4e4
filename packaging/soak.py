"""A long run of the node link in one process: many events, dropped connections, memory.

Pushes events through the simulated node to a session with a real store, drops the
connection now and then, and prints throughput and how resident memory grew.
A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import tempfile
import time
import tracemalloc
from pathlib import Path

from obnotify.core.backoff import Backoff
from obnotify.core.events import ChatRead, PublishStatus, Typing, WalletBalances
from obnotify.demo.node import SimNode
from obnotify.node.config import make_config
from obnotify.node.link import ConnState
from obnotify.node.session import NewEvent, NodeSession
from obnotify.store import Store

BUYER = "QmeVMcgXsy9xyXshREU5avCYYPyrz5bgMZyTZjv44KhNnT"


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Counter:
    def __init__(self) -> None:
        self.new = 0
        self.connected = 0

    def on_state(self, state: ConnState, detail: str) -> None:
        self.connected += state is ConnState.CONNECTED

    def on_new_event(self, new: NewEvent) -> None:
        self.new += 1

    def on_balances(self, balances: WalletBalances) -> None: ...
    def on_signal(self, event: Typing | ChatRead | PublishStatus) -> None: ...
    def on_catch_up_done(self, missed: int) -> None: ...


async def soak(events: int, drop_every: int, directory: Path) -> None:
    node = SimNode(wallet_interval=1.0)
    await node.start()
    counter = Counter()
    store = Store(directory / "soak.sqlite3", history_cap=5_000)
    session = NodeSession(
        make_config(node.url),
        store,
        counter,
        link_options={"backoff": Backoff(initial=0.05, maximum=0.2)},
    )
    task = asyncio.create_task(session.run())
    while counter.connected == 0:
        await asyncio.sleep(0.01)
    tracemalloc.start()
    start_rss, started = rss_mib(), time.monotonic()
    sent: list[str] = []
    for i in range(events):
        sent.append(
            await node.notify(
                node.frames.order(buyer_id=BUYER, buyer_handle="soak", title=f"Item {i}", price=i)
            )
        )
        if i % 3 == 0:
            await node.push(node.frames.message(peer_id=BUYER, text=f"chat {i}"))
        if i and i % drop_every == 0:
            await node.drop_connections()
        if i % 50 == 0:
            await asyncio.sleep(0)
    deadline = time.monotonic() + 300
    missing = sent
    while missing and time.monotonic() < deadline:
        missing = [nid for nid in missing if not store.seen(f"n:{nid}")]
        await asyncio.sleep(0.1)
    elapsed = time.monotonic() - started
    print(
        f"{events} notifications + {events // 3 + 1} chats pushed, {events // drop_every} drops: "
        f"{events - len(missing)} of {events} notifications recorded in {elapsed:.1f} s, "
        f"{counter.new} events delivered ({counter.new / elapsed:.0f}/s), "
        f"{counter.connected} connections"
    )
    print(
        f"frames {session.counters.frames}, recorded {session.counters.recorded}, "
        f"duplicates {session.counters.duplicates}, bad {session.counters.bad}"
    )
    print(f"history rows kept: {store.count()} (cap 5000)")
    print(f"resident memory: {start_rss:.0f} MiB -> {rss_mib():.0f} MiB (node and client together)")
    held = _held_by_client(tracemalloc.take_snapshot())
    print(
        f"still held by the client side (tracemalloc, outside obnotify/demo): {held / 2**20:.1f} MiB"
    )
    session.stop()
    await task
    await node.stop()
    store.close()


def _held_by_client(snapshot: tracemalloc.Snapshot) -> int:
    """Bytes allocated since the start and still alive, by code outside the simulated node."""
    demo = tracemalloc.Filter(False, "*obnotify/demo/*")
    aiohttp = tracemalloc.Filter(False, "*aiohttp*")
    stats = snapshot.filter_traces([demo, aiohttp]).statistics("filename")
    return sum(stat.size for stat in stats)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--drop-every", type=int, default=1_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(soak(args.events, args.drop_every, Path(tmp)))


if __name__ == "__main__":
    main()
