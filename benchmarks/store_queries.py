"""The window's queries on a store of 100,000 events: how long each takes.

A ``Store`` file is filled with 100,000 rows of the six categories through its own ``record``
(in one batch, so filling takes seconds), and each query the window runs is timed with
``perf_counter``: the best of five runs, so a figure is the query's cost and not the machine's
other work. The goal is what a window can spend without a visible stall.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from harness import emit, figure, method, say

from obnotify.store.database import Store
from obnotify.store.row import HistoryRow

ROWS = 100_000
GOAL_MS = 50.0
CATEGORIES = ["orders", "chat", "funds", "followers", "disputes", "other"]


def fill(path: Path, rows: int) -> None:
    """Rows written through the store's own ``record``, in one batch so filling takes seconds.

    Two in three are read, as in a history that has been looked at; the category, title and
    body vary so filters and search have work to do.
    """
    with Store(path, history_cap=rows) as store:
        # One open batch for the whole fill, committed by flush(): as a burst is written.
        store.on_deferred = lambda: None
        for i in range(rows):
            store.record(
                HistoryRow(
                    key=f"n:{i}",
                    kind="notification",
                    event_id=str(i),
                    category=CATEGORIES[i % len(CATEGORIES)],
                    received_at=float(i),
                    title=f"Order {i}",
                    body="A body of some length",
                    urgency="normal",
                    read=i % 3 != 0,
                ),
                raw="{}",
            )
        store.flush()


def best_ms(call: Callable[[], object]) -> float:
    """The fastest of five runs of ``call``, in milliseconds."""
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
            rows = store.count()
    for name, ms in measured.items():
        say(f"{name:36} {ms:8.2f} ms")
    slowest = max(measured, key=lambda name: measured[name])
    emit(
        "store_queries",
        [
            figure(
                f"window queries on {rows:,} rows: the slowest",
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
        rows=rows,
        best_of_5_ms={name: round(ms, 3) for name, ms in measured.items()},
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
