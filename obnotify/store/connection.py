"""Opening a node's file: the connection's pragmas, the migrations, and what a refusal means.

One connection per file, used from the asyncio thread in autocommit mode, in WAL
mode with ``synchronous=NORMAL``: a committed event survives a killed process
without an fsync on the event loop (a power cut can lose the last few commits; the
node still has those notifications and catch-up brings them back, the cursor being
committed with them).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

from obnotify.store import schema
from obnotify.store.errors import StoreError
from obnotify.store.sqlite_errors import reason

__all__ = ["BUSY_TIMEOUT_MS", "CHECKPOINT_PAGES", "connect", "scalar", "transaction", "unusable"]

log = logging.getLogger(__name__)

CHECKPOINT_PAGES: Final = 4000
"""The WAL is folded back into the file once it holds this many pages (16 MB)."""

BUSY_TIMEOUT_MS: Final = 100
"""A second process (``obnotify watch``) may hold the write lock for a moment; longer than
this and the write fails (the session keeps it in memory) rather than stall the loop."""


def connect(path: Path | None) -> sqlite3.Connection:
    """The file's connection, configured and at :data:`obnotify.store.schema.SCHEMA_VERSION`.

    Args:
        path: The database file (created with its folder when missing), or None for
            an in-memory database.

    Raises:
        StoreError: The file is not an SQLite database, is damaged, was written by
            a newer obnotify, or cannot be created.
    """
    where = str(path) if path is not None else ":memory:"
    emptied = path is not None and path.is_file() and path.stat().st_size == 0
    try:
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(where, isolation_level=None)
    except (OSError, sqlite3.Error) as exc:
        raise StoreError(f"Cannot open the history database {where}: {exc}.") from exc
    try:
        _configure(db, path)
        if _migrate(db, path) and path is not None:
            # The connection that migrated keeps what the migration compiled and cached,
            # about a third of a megabyte for a new file, for as long as it is open: the
            # store goes on with a connection of its own.
            db.close()
            db = sqlite3.connect(where, isolation_level=None)
            _configure(db, path)
    except StoreError:
        db.close()
        raise
    except sqlite3.Error as exc:
        db.close()
        raise unusable(where, exc) from exc
    if emptied:
        log.warning(
            "The history database %s was an empty file: starting a new history; "
            "the node's recent notifications are recorded as history, not shown as news",
            where,
        )
    return db


def unusable(where: str, exc: sqlite3.Error) -> StoreError:
    """What to tell the user when the file cannot be used: what is wrong, what to do."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_FULL", "SQLITE_IOERR")):
        return StoreError(
            f"Cannot write the history database {where}: {reason(exc)}. Make the "
            "folder writable (or free some space), or choose another with --data-dir."
        )
    return StoreError(
        f"The history database {where} is damaged or is not an obnotify database "
        f"({exc}). Move it away and obnotify starts a new one; the node still keeps "
        "its notifications."
    )


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction: taken up front so it never fails halfway on a busy lock."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def scalar(db: sqlite3.Connection, sql: str, params: tuple[Any, ...] = ()) -> int:
    """The one number a query answers (a count, a pragma)."""
    return int(db.execute(sql, params).fetchone()[0])


def _configure(db: sqlite3.Connection, path: Path | None) -> None:
    """The connection's pragmas (WAL mode is the file's, kept across connections)."""
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if path is not None and str(mode).lower() != "wal":
        log.warning("SQLite refused WAL mode for %s (got %s)", path, mode)
    # In WAL mode NORMAL survives a killed process (the WAL is in the OS cache)
    # without an fsync per commit; FULL would make every event wait on the disk.
    db.execute("PRAGMA synchronous = NORMAL")
    # Checkpoints run inside a commit: fewer, larger ones keep a burst's commits short.
    db.execute(f"PRAGMA wal_autocheckpoint = {CHECKPOINT_PAGES}")


def _migrate(db: sqlite3.Connection, path: Path | None) -> bool:
    """Bring the file to :data:`obnotify.store.schema.SCHEMA_VERSION`, one transaction per step.

    Returns:
        Whether any step ran.
    """
    migrations = schema.MIGRATIONS
    version = scalar(db, "PRAGMA user_version")
    if version > len(migrations):
        raise StoreError(
            f"The history database {path} has schema version {version}, newer than "
            f"this obnotify understands ({len(migrations)}). Update obnotify, or move the "
            "file away to start a new history."
        )
    for number in range(version + 1, len(migrations) + 1):
        with transaction(db):
            for statement in schema.statements(migrations[number - 1]):
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {number}")
        log.info("History database %s migrated to schema version %d", path, number)
    return version < len(migrations)
