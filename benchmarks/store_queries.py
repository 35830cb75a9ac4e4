"""The window's queries on a store of 100,000 events: how long each takes.

A ``Store`` file is filled with 100,000 rows of the six categories, written straight into the
schema the store made (so filling takes seconds), and each query the window runs is timed with
``perf_counter``: the best of five runs, so a figure is the query's cost and not the machine's
other work. The goal is what a window can spend without a visible stall.
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from harness import emit, figure, method, say

from obnotify.store import Store

ROWS = 100_000
GOAL_MS = 50.0
CATEGORIES = ["orders", "chat", "funds", "followers", "disputes", "other"]


def fill(path: Path, rows: int) -> None:
    """Rows written straight into the schema the store made, so filling takes seconds."""
    Store(path).close()
    with sqlite3.connect(path) as db:
        db.executemany(
            "INSERT INTO history (key, kind, event_id, category, title, body, image, route, "
            "urgency, received_at, node_time, read, toasted, folded) "
            "VALUES (?, 'notification', ?, ?, ?, ?, '', '', 'normal', ?, '', ?, 1, ?)",
            (
                (
                    f"n:{i}",
                    str(i),
                    CATEGORIES[i % 6],
                    f"Order {i}",
                    "A body of some length",
                    float(i),
                    int(i > 50),
                    f"order {i}\na body of some length",
                )
                for i in range(rows)
            ),
        )
        db.execute("INSERT INTO history_raw (id, raw) SELECT id, '{}' FROM history")


def best_ms(call: Callable[[], object]) -> float:
    times = []
    for _ in range(5):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return min(times)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="obnotify-bench-") as tmp:
        path = Path(tmp) / "bench.sqlite3"
        fill(path, ROWS)
        with Store(path) as store:
            timings = {
                "recent(limit=200)": lambda: store.recent(limit=200),
                "recent(limit=200, offset=50_000)": lambda: store.recent(limit=200, offset=50_000),
                "recent(limit=200, chat)": lambda: store.recent(limit=200, categories=["chat"]),
                "count()": store.count,
                "count(chat)": lambda: store.count(categories=["chat"]),
                "unread_count()": store.unread_count,
                "search 'order 99999'": lambda: store.recent(limit=200, search="order 99999"),
            }
            measured = {name: best_ms(call) for name, call in timings.items()}
    for name, ms in measured.items():
        say(f"{name:36} {ms:8.2f} ms")
    slowest = max(measured, key=lambda name: measured[name])
    emit(
        "store_queries",
        [
            figure(
                "window queries on 100,000 rows: the slowest",
                round(measured[slowest], 2),
                "ms",
                goal=f"< {GOAL_MS:g} ms each",
                met=measured[slowest] < GOAL_MS,
                note=f"{slowest}; "
                + ", ".join(
                    f"{name} {ms:.1f} ms" for name, ms in measured.items() if name != slowest
                ),
            )
        ],
        method=method(__doc__),
        rows=ROWS,
        best_of_5_ms={name: round(ms, 3) for name, ms in measured.items()},
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
