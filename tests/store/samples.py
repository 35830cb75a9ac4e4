"""Rows to record in the store tests, and ways to look at a file from outside."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from obnotify.store.database import Store
from obnotify.store.row import HistoryRow


def record(
    store: Store, key: str, *, raw: str = '{"notification": {}}', **overrides: Any
) -> int | None:
    """Record an order notification under ``key``, with any field changed."""
    fields: dict[str, Any] = {
        "kind": "notification",
        "event_id": key.split(":")[-1],
        "category": "orders",
        "title": f"Title {key}",
        "body": f"Body {key}",
        "route": f"ob://order/{key}",
        "urgency": "normal",
        "received_at": 1000.0,
    }
    fields.update(overrides)
    return store.record(HistoryRow(key=key, **fields), raw=raw)


def by_key(store: Store) -> dict[str, HistoryRow]:
    """Every row in the history, by key, as the window pages through them."""
    return {row.key: row for row in store.recent(limit=store.count() + 1)}


def user_version(path: Path) -> int:
    """The schema version the file says it is at."""
    with sqlite3.connect(path) as db:
        return int(db.execute("PRAGMA user_version").fetchone()[0])
