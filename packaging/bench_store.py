"""The window's queries on a store of 100,000 events: how long each takes. A benchmark, not a test."""

from __future__ import annotations

import sqlite3
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from obnotify.store import Store

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


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite3"
        fill(path, 100_000)
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
            for name, call in timings.items():
                print(f"{name:36} {best_ms(call):8.2f} ms")


if __name__ == "__main__":
    main()
