"""The schema of a node's file, as an append-only list of migrations.

A file records its version in ``PRAGMA user_version``; opening it
(:func:`obnotify.store.connection.connect`) applies the scripts it has not seen yet.
"""

from __future__ import annotations

import sqlite3
from typing import Final

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "statements"]

MIGRATIONS: Final[tuple[str, ...]] = (
    # v1
    """
    CREATE TABLE history (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        key TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        event_id TEXT NOT NULL,
        category TEXT NOT NULL,
        title TEXT NOT NULL,
        body TEXT NOT NULL,
        image TEXT NOT NULL,
        route TEXT NOT NULL,
        urgency TEXT NOT NULL,
        received_at REAL NOT NULL,
        node_time TEXT NOT NULL,
        read INTEGER NOT NULL DEFAULT 0,
        toasted INTEGER NOT NULL DEFAULT 0,
        folded TEXT NOT NULL
    );
    -- The frame text lives apart: a chat frame can be 20,000 characters, and keeping
    -- it out of history keeps a search's full scan to a few pages per thousand rows.
    CREATE TABLE history_raw (
        id INTEGER PRIMARY KEY,
        raw TEXT NOT NULL
    );
    CREATE TRIGGER history_raw_prune AFTER DELETE ON history BEGIN
        DELETE FROM history_raw WHERE id = old.id;
    END;
    CREATE INDEX history_time ON history (received_at, id);
    CREATE INDEX history_category_time ON history (category, received_at, id);
    CREATE INDEX history_unread ON history (id) WHERE read = 0;
    CREATE TABLE seen (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        at REAL NOT NULL
    );
    CREATE TABLE state (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE profiles (
        peer_id TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        expires_at REAL NOT NULL
    ) WITHOUT ROWID;
    """,
    # v2: the delivery state, the peer and order an event is about, and where it came from.
    """
    ALTER TABLE history ADD COLUMN peer_id TEXT NOT NULL DEFAULT '';
    ALTER TABLE history ADD COLUMN order_id TEXT NOT NULL DEFAULT '';
    ALTER TABLE history ADD COLUMN source TEXT NOT NULL DEFAULT 'socket';
    -- Rows recorded before this version were all handed on already.
    ALTER TABLE history ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE history DROP COLUMN toasted;
    CREATE INDEX history_pending ON history (id) WHERE pending = 1;
    """,
    # v3: the dedupe key is indexed once, in ``seen``. A history row is found by its key
    # through the seen row's time, which is the row's own ``received_at``.
    """
    CREATE TABLE history_v3 (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        key TEXT NOT NULL,
        kind TEXT NOT NULL,
        event_id TEXT NOT NULL,
        category TEXT NOT NULL,
        title TEXT NOT NULL,
        body TEXT NOT NULL,
        image TEXT NOT NULL,
        route TEXT NOT NULL,
        urgency TEXT NOT NULL,
        received_at REAL NOT NULL,
        node_time TEXT NOT NULL,
        read INTEGER NOT NULL DEFAULT 0,
        folded TEXT NOT NULL,
        peer_id TEXT NOT NULL DEFAULT '',
        order_id TEXT NOT NULL DEFAULT '',
        source TEXT NOT NULL DEFAULT 'socket',
        pending INTEGER NOT NULL DEFAULT 0
    );
    INSERT INTO history_v3 (id, key, kind, event_id, category, title, body, image, route,
        urgency, received_at, node_time, read, folded, peer_id, order_id, source, pending)
    SELECT id, key, kind, event_id, category, title, body, image, route,
        urgency, received_at, node_time, read, folded, peer_id, order_id, source, pending
    FROM history;
    -- Ids are never reused: the new table goes on from the old one's last id.
    DELETE FROM sqlite_sequence WHERE name = 'history_v3';
    UPDATE sqlite_sequence SET name = 'history_v3' WHERE name = 'history';
    DROP TABLE history;
    ALTER TABLE history_v3 RENAME TO history;
    CREATE TRIGGER history_raw_prune AFTER DELETE ON history BEGIN
        DELETE FROM history_raw WHERE id = old.id;
    END;
    CREATE INDEX history_time ON history (received_at, id);
    CREATE INDEX history_category_time ON history (category, received_at, id);
    CREATE INDEX history_unread ON history (id) WHERE read = 0;
    CREATE INDEX history_pending ON history (id) WHERE pending = 1;
    """,
    # v4: the column is named for what it holds, the text a search looks in.
    """
    ALTER TABLE history RENAME COLUMN folded TO search_text;
    """,
)
"""Schema scripts in order; after applying ``MIGRATIONS[i]`` the file is at version ``i + 1``.

Only ever append: a released script must never change, since files in the
field already carry its effects.
"""

SCHEMA_VERSION: Final = len(MIGRATIONS)
"""The version a file is at once opened by this obnotify."""


def statements(script: str) -> list[str]:
    """Split a migration script into statements (``executescript`` would commit on its own)."""
    found: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            if pending.strip():
                found.append(pending.strip())
            pending = ""
    if pending.strip():
        found.append(pending.strip())
    return found
