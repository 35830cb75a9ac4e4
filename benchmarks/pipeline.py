"""Decode, render and record: events per second through the session's own frame handler.

A ``NodeSession`` with a real ``Store`` on a temporary SQLite file is handed frames exactly as
its socket link hands them on (the text of each frame), and the rows the history table holds
are counted from another connection, so only what was committed counts; the rate is rows
recorded per second of wall time, until the last of them is in. The mix is order
notifications, chat messages, follows, payments and wallet transactions, every one with a new
id, as the simulated node writes them. The same frames go through a session whose store is in
memory, in the same run, to show what the file costs. No node listens at the session's
address, so enrichment's profile lookups fail at once and cost only their attempt.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

from harness import emit, figure, method, say

from obnotify.demo import gojson
from obnotify.demo.frames import FrameFactory
from obnotify.demo.sanitize import sanitize_value
from obnotify.node.config import make_config
from obnotify.node.session import NodeSession
from obnotify.store.database import Store

PEER = "QmeVMcgXsy9xyXshREU5avCYYPyrz5bgMZyTZjv44KhNnT"
BUYER = "QmVQzkdi3Fq6LRFG9UNqDZfSry67weCZV6ZL26QVx64UFy"
UNREACHABLE = "http://127.0.0.1:9"
"""The session's node: never asked, since only the frame handler runs."""
FRAMES = 20_000
BUDGET = 10.0
"""Seconds each run may take; a slow path stops early and its rate is still counted."""
GOAL = 20_000
WRITE_WAIT = 10.0
"""Seconds the rows handed in may take to reach the file after the last frame."""
ROW_POLL = 0.001
"""Seconds between looks at the file while the store finishes writing."""


def handler(session: NodeSession) -> Callable[[str], Awaitable[None]]:
    """The one place this benchmark reaches into the session: how a frame off the socket
    enters it. Adapt this function, and only it, when the session's insides change."""
    return session._on_frame


def make_frames(count: int) -> list[str]:
    factory = FrameFactory()
    makers: list[Callable[[int], dict[str, Any]]] = [
        lambda i: factory.notification_frame(
            factory.order(buyer_id=BUYER, buyer_handle="buyer", title=f"Item {i}", price=i)
        ),
        lambda i: factory.message(peer_id=PEER, text=f"chat message {i}"),
        lambda i: factory.notification_frame(factory.follow(peer_id=PEER)),
        lambda i: factory.notification_frame(factory.payment(funding_total=1000 + i)),
        lambda i: factory.wallet(code="BTC", value=1000 + i),
    ]
    return [gojson.dumps(sanitize_value(makers[i % len(makers)](i))) for i in range(count)]


async def feed(
    store: Store, frames: Sequence[str], rows: Callable[[], int]
) -> tuple[int, int, float]:
    """Frames through a fresh session's handler; (frames handed in, rows recorded, seconds).

    The clock stops once ``rows()`` counts every frame handed in (or the budget is spent), so a
    store that batches its writes is timed until they are in, not until they are queued.
    """
    session = NodeSession(make_config(UNREACHABLE), store)
    on_frame = handler(session)
    fed = 0
    start = time.perf_counter()
    for frame in frames:
        await on_frame(frame)
        fed += 1
        if fed % 100 == 0 and time.perf_counter() - start > BUDGET:
            break
    while rows() < fed and time.perf_counter() - start < BUDGET + WRITE_WAIT:
        await asyncio.sleep(ROW_POLL)
    elapsed = time.perf_counter() - start
    counted = rows()
    pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    await session.api.aclose()
    return fed, counted, elapsed


def recorded(path: Path) -> int:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return int(db.execute("SELECT count(*) FROM history").fetchone()[0])
    finally:
        db.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--frames", type=int, default=FRAMES, help="frames per run at most")
    args = parser.parse_args(argv)
    frames = make_frames(args.frames)
    with tempfile.TemporaryDirectory(prefix="obnotify-bench-") as tmp:
        path = Path(tmp) / "history.sqlite3"
        store = Store(path)
        fed, rows, elapsed = asyncio.run(feed(store, frames, lambda: recorded(path)))
        store.close()
    say(f"file: {rows} rows from {fed} frames in {elapsed:.2f} s")
    memory = Store(":memory:")
    memory_fed, memory_rows, memory_elapsed = asyncio.run(feed(memory, frames, memory.count))
    memory.close()
    say(f"memory: {memory_rows} rows from {memory_fed} frames in {memory_elapsed:.2f} s")
    rate = rows / elapsed
    memory_rate = memory_rows / memory_elapsed
    figures = [
        figure(
            "decode + render + record, store on disk",
            round(rate),
            "events/s",
            goal=f">= {GOAL:,}/s",
            met=rate >= GOAL,
            note=f"{rows:,} rows from {fed:,} frames in {elapsed:.2f} s; the same frames "
            f"with the store in memory: {memory_rate:,.0f}/s ({memory_rate / rate:.1f}x)",
        ),
    ]
    emit(
        "pipeline",
        figures,
        method=method(__doc__),
        file={"frames": fed, "rows": rows, "seconds": round(elapsed, 3)},
        memory={"frames": memory_fed, "rows": memory_rows, "seconds": round(memory_elapsed, 3)},
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
