"""The per-node SQLite store: history, seen keys, the catch-up cursor, small state, profiles.

One file per node, one connection, short synchronous calls made from the asyncio
thread, in WAL mode with ``synchronous=NORMAL``: a committed event survives a
killed process without an fsync on the event loop (a power cut can lose the last
few commits; the node still has those notifications and catch-up brings them
back, the cursor being committed with them).

A running session batches writes: what one turn of the event loop records and
renders is one transaction (:meth:`Store.flush`), so a burst costs a few
commits, not one per event. Each record is all or nothing within it.

An event is recorded *pending* and stays so until whoever shows it says it was
delivered (:meth:`Store.mark_delivered`, committed at once); a restart hands
every pending row on again, so nothing recorded is lost between the record and
the screen.
"""

from __future__ import annotations

import functools
import logging
import sqlite3
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Final, ParamSpec, Self, TypeVar

import msgspec

from obnotify.core.events import Profile

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "HistoryRow",
    "Store",
    "StoreError",
    "StoreUnavailable",
]

P = ParamSpec("P")
R = TypeVar("R")

log = logging.getLogger(__name__)

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
)
"""Schema scripts in order; after applying ``MIGRATIONS[i]`` the file is at version ``i + 1``.

Only ever append: a released script must never change, since files in the
field already carry its effects.
"""

SCHEMA_VERSION: Final = len(MIGRATIONS)

_BY_KEY: Final = "received_at = (SELECT at FROM seen WHERE key = ?) AND key = ?"
"""A history row by its key (given twice), through the seen key's index and ``history_time``."""

SEEN_FACTOR: Final = 10
"""Seen keys are kept this many times longer than history rows: a key must outlive its row."""

PRUNE_BATCH: Final = 100
"""Pruning goes this many rows (at most 1 % of the cap) below the cap, so it runs once per
that many inserts; small enough that one prune of large chat frames stays a few milliseconds."""

HISTORY_BYTES: Final = 256 * 1024 * 1024
"""The history file's default size in use, beyond which the oldest rows go."""

CHECKPOINT_PAGES: Final = 4000
"""The WAL is folded back into the file once it holds this many pages (16 MB)."""

BUSY_TIMEOUT_MS: Final = 100
"""A second process (``obnotify watch``) may hold the write lock for a moment; longer than
this and the write fails (the session keeps it in memory) rather than stall the loop."""

_CURSOR: Final = "catchup.cursor"
_RENDERING_UPDATE: Final = (
    "UPDATE history SET title = ?, body = ?, image = ?, route = ?, urgency = ?, folded = ? "
    "WHERE id = ?"
)

_COLUMNS: Final = (
    "h.id, h.key, h.kind, h.event_id, h.category, h.title, h.body, h.image, h.route, "
    "h.urgency, h.received_at, h.node_time, h.read, h.peer_id, h.order_id, h.source, h.pending"
)
"""What a page of history reads: never the frame text, which no list shows."""


class StoreError(Exception):
    """The store's file cannot be used; the message names the file and says what to do."""


class StoreUnavailable(Exception):
    """A write did not happen: the disk is full, another program holds the lock, the file is
    read-only. A state to wait out, not a bug: the caller keeps going and tries again."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
        """What the user is told, after "history unavailable: "."""


_REASONS: Final = {
    "SQLITE_FULL": "disk full",
    "SQLITE_BUSY": "locked by another program",
    "SQLITE_LOCKED": "locked by another program",
    "SQLITE_READONLY": "the history file is read-only",
    "SQLITE_CANTOPEN": "the history file cannot be opened",
}


def _reason(exc: sqlite3.Error) -> str:
    """A short account of a failed write for the tray, the window and ``watch``."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    for prefix, reason in _REASONS.items():
        if name.startswith(prefix):
            return reason
    if name.startswith("SQLITE_IOERR"):
        return "disk error"
    return str(exc) or name or type(exc).__name__


def _guarded(method: Callable[P, R]) -> Callable[P, R]:
    """Turn a failed write into :class:`StoreUnavailable` (the connection stays usable)."""

    @functools.wraps(method)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except (sqlite3.OperationalError, sqlite3.DatabaseError) as exc:
            if isinstance(exc, sqlite3.ProgrammingError):
                raise
            reason = _reason(exc)
            log.warning("history write failed: %s (%s)", reason, exc)
            raise StoreUnavailable(reason) from exc

    return guarded


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """One recorded event, as the activity window and ``obnotify watch`` show it."""

    rowid: int
    """Stable for the row's life; never reused after pruning."""
    key: str
    """The dedupe key from :func:`obnotify.core.events.event_key`."""
    kind: str
    """The frame kind by its wire name (``notification``, ``message``, ``wallet``...)."""
    event_id: str
    """The node's id: notificationId, messageId or txid."""
    category: str
    """A :class:`obnotify.core.render.Category` value, for filtering."""
    received_at: float
    """Unix time the app got the event (or the node's time for a caught-up one); orders the list."""
    node_time: str
    """The node's own timestamp text, RFC 3339, when it sent one."""
    read: bool
    title: str = ""
    body: str = ""
    image: str = ""
    """IPFS hash of the picture, or empty."""
    route: str = ""
    """Where a click leads."""
    urgency: str = ""
    peer_id: str = ""
    """The other person the event is about (buyer, vendor, follower, chat peer), or empty."""
    order_id: str = ""
    """The order (or dispute case) it is about, or empty."""
    source: str = "socket"
    """A :class:`obnotify.core.policy.Source` value: how it reached us."""
    pending: bool = False
    """Recorded but not yet delivered to the screen; a restart hands it on again."""


def _row(values: tuple[Any, ...]) -> HistoryRow:
    (rowid, key, kind, event_id, cat, title, body, image, route, urgency,
     received_at, node_time, read, peer_id, order_id, source, pending) = values  # fmt: skip
    return HistoryRow(
        rowid=rowid,
        key=key,
        kind=kind,
        event_id=event_id,
        category=cat,
        title=title,
        body=body,
        image=image,
        route=route,
        urgency=urgency,
        received_at=received_at,
        node_time=node_time,
        read=bool(read),
        peer_id=peer_id,
        order_id=order_id,
        source=source,
        pending=bool(pending),
    )


def _fold(text: str) -> str:
    """Case-folded text for search: SQLite's own ``lower`` and ``LIKE`` only fold ASCII."""
    return text.casefold()


class Store:
    """The SQLite file of one node.

    Args:
        path: The database file (created with its folder when missing), or ``":memory:"``.
        history_cap: At most this many history rows are kept; the oldest go first.
            Their keys stay in the ``seen`` table ten times longer, so a pruned
            event that the node sends again is still not recorded or toasted twice.
        history_bytes: And at most about this many bytes of file in use: a node sending
            huge frames fills it sooner than the row cap, and rows go sooner.

    Raises:
        StoreError: The file is not an SQLite database, is damaged, was written by
            a newer obnotify, or cannot be created.
    """

    def __init__(
        self,
        path: Path | str,
        *,
        history_cap: int = 100_000,
        history_bytes: int = HISTORY_BYTES,
    ) -> None:
        if history_cap < 1:
            raise ValueError("history_cap must be at least 1")
        self._byte_cap = history_bytes
        self._unmeasured = 0
        self.path = Path(path) if str(path) != ":memory:" else None
        """The file, or None for an in-memory store."""
        self._cap = history_cap
        self._slack = min(PRUNE_BATCH, history_cap // 100)
        self._seen_cap = history_cap * SEEN_FACTOR
        self._seen_slack = min(PRUNE_BATCH, self._seen_cap // 100)
        self._closed = False
        self.on_deferred: Callable[[], None] | None = None
        """When set, writes go into one open transaction and this is called as it opens,
        to arrange the :meth:`flush` that commits it soon (the session calls it on the
        next turn of its event loop). When None, every write commits on its own."""
        where = str(path)
        emptied = self.path is not None and self.path.is_file() and self.path.stat().st_size == 0
        try:
            if self.path is not None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(where, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"Cannot open the history database {where}: {exc}.") from exc
        try:
            self._setup()
            self._rows = self._scalar("SELECT count(*) FROM history")
            self._page_size = self._scalar("PRAGMA page_size")
            self._seen_rows = self._scalar("SELECT count(*) FROM seen")
        except StoreError:
            self._db.close()
            raise
        except sqlite3.Error as exc:
            self._db.close()
            name = getattr(exc, "sqlite_errorname", "") or ""
            if name.startswith(
                ("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_FULL", "SQLITE_IOERR")
            ):
                raise StoreError(
                    f"Cannot write the history database {where}: {_reason(exc)}. Make the "
                    "folder writable (or free some space), or choose another with --data-dir."
                ) from exc
            raise StoreError(
                f"The history database {where} is damaged or is not an obnotify database "
                f"({exc}). Move it away and obnotify starts a new one; the node still keeps "
                "its notifications."
            ) from exc
        if emptied:
            log.warning(
                "The history database %s was an empty file: starting a new history; "
                "the node's recent notifications are recorded as history, not shown as news",
                where,
            )

    def _setup(self) -> None:
        """Pragmas and migrations; any failure here means the file is unusable."""
        self._configure()
        if self._migrate() and self.path is not None:
            # The connection that migrated keeps what the migration compiled and cached,
            # about a third of a megabyte for a new file, for as long as it is open: the
            # store goes on with a connection of its own.
            self._db.close()
            self._db = sqlite3.connect(str(self.path), isolation_level=None)
            self._configure()

    def _configure(self) -> None:
        """The connection's pragmas (WAL mode is the file's, kept across connections)."""
        db = self._db
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if self.path is not None and str(mode).lower() != "wal":
            log.warning("SQLite refused WAL mode for %s (got %s)", self.path, mode)
        # In WAL mode NORMAL survives a killed process (the WAL is in the OS cache)
        # without an fsync per commit; FULL would make every event wait on the disk.
        db.execute("PRAGMA synchronous = NORMAL")
        # Checkpoints run inside a commit: fewer, larger ones keep a burst's commits short.
        db.execute(f"PRAGMA wal_autocheckpoint = {CHECKPOINT_PAGES}")

    def _migrate(self) -> bool:
        """Bring the file to :data:`SCHEMA_VERSION`, one transaction per step.

        Returns:
            Whether any step ran.
        """
        migrations = MIGRATIONS
        version = self._scalar("PRAGMA user_version")
        if version > len(migrations):
            raise StoreError(
                f"The history database {self.path} has schema version {version}, newer than "
                f"this obnotify understands ({len(migrations)}). Update obnotify, or move the "
                "file away to start a new history."
            )
        for number in range(version + 1, len(migrations) + 1):
            with self._transaction():
                for statement in _statements(migrations[number - 1]):
                    self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {number}")
            log.info("History database %s migrated to schema version %d", self.path, number)
        return version < len(migrations)

    def close(self) -> None:
        """Close the connection; safe to call twice.

        No ``PRAGMA optimize`` or ``ANALYZE``: statistics taken while the history is
        small would steer the planner into table scans once it is large, while the
        indexes alone already give the plans :meth:`recent` relies on.
        """
        if self._closed:
            return
        try:
            self.flush()
        finally:
            self._closed = True
            self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: taken up front so it never fails halfway on a busy lock."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _scalar(self, sql: str, params: tuple[Any, ...] = ()) -> int:
        return int(self._db.execute(sql, params).fetchone()[0])

    # History

    @_guarded
    def record(
        self,
        key: str,
        *,
        kind: str,
        event_id: str,
        category: str,
        raw: str,
        received_at: float,
        title: str = "",
        body: str = "",
        image: str = "",
        route: str = "",
        urgency: str = "",
        node_time: str = "",
        read: bool = False,
        peer_id: str = "",
        order_id: str = "",
        source: str = "socket",
        pending: bool = False,
        cursor: str = "",
    ) -> int | None:
        """Record an event unless its key was recorded before, in one transaction.

        Args:
            pending: Not yet delivered: :meth:`pending_rows` hands it on after a
                restart until :meth:`mark_delivered` is called.
            cursor: When set, the catch-up cursor moves to this notification id in
                the same transaction, so the two can never disagree after a kill.

        Returns:
            The new row's id, or None when ``key`` is already known (even when its
            row has since been pruned): the caller hands on only a new row.
        """
        with self._writing() as db:
            new_key = db.execute(
                "INSERT OR IGNORE INTO seen (key, at) VALUES (?, ?)", (key, received_at)
            )
            if new_key.rowcount == 0:
                return None
            # New in ``seen``, so new here: the seen key outlives its history row.
            cursor_row = db.execute(
                "INSERT INTO history (key, kind, event_id, category, title, body, "
                "image, route, urgency, received_at, node_time, read, folded, peer_id, "
                "order_id, source, pending) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    key,
                    str(kind),
                    event_id,
                    str(category),
                    title,
                    body,
                    image,
                    route,
                    str(urgency),
                    received_at,
                    node_time,
                    int(read),
                    _fold(f"{title}\n{body}"),
                    peer_id,
                    order_id,
                    str(source),
                    int(pending),
                ),
            )
            rowid = cursor_row.lastrowid
            db.execute("INSERT INTO history_raw (id, raw) VALUES (?, ?)", (rowid, raw))
            if cursor:
                self._put_state(_CURSOR, cursor)
            rows, seen_rows = self._prune(self._rows + 1, self._seen_rows + 1)
        self._rows, self._seen_rows = rows, seen_rows
        return rowid

    def _cap_rows_to(self, rows: int) -> None:
        """Keep only the newest ``rows`` history rows."""
        excess = self._scalar("SELECT count(*) FROM history") - rows
        if excess > 0:
            self._db.execute(
                "DELETE FROM history WHERE id IN "
                "(SELECT id FROM history ORDER BY received_at, id LIMIT ?)",
                (excess,),
            )

    def _prune(self, rows: int, seen_rows: int) -> tuple[int, int]:
        """Drop the oldest history and seen rows beyond their caps, in the caller's transaction.

        The counts are tracked in memory and only recounted when they pass a cap,
        so most inserts pay nothing; pruning goes a little below the cap so that
        it runs once per ``slack`` inserts.
        """
        db = self._db
        self._unmeasured += 1
        if self._unmeasured >= PRUNE_BATCH:
            self._unmeasured = 0
            used = self._scalar("PRAGMA page_count") - self._scalar("PRAGMA freelist_count")
            used *= self._page_size
            if used > self._byte_cap:
                # Too many bytes: the oldest rows go, as many as bring the file back under
                # the cap (and a tenth more), whatever the row count.
                count = self._scalar("SELECT count(*) FROM history")
                rows = max(1, count * self._byte_cap // used * 9 // 10)
                self._cap_rows_to(rows)
        if rows > self._cap:
            rows = self._scalar("SELECT count(*) FROM history")
            if rows > self._cap - self._slack:
                rows = self._cap - self._slack
                self._cap_rows_to(rows)
        if seen_rows > self._seen_cap:
            seen_rows = self._scalar("SELECT count(*) FROM seen")
            excess = seen_rows - (self._seen_cap - self._seen_slack)
            if excess > 0:
                db.execute(
                    "DELETE FROM seen WHERE id IN (SELECT id FROM seen ORDER BY id LIMIT ?)",
                    (excess,),
                )
                seen_rows -= excess
        return rows, seen_rows

    @_guarded
    def save_rendering(
        self, rowid: int, *, title: str, body: str, image: str, route: str, urgency: str
    ) -> None:
        """Keep the texts a row is shown with (committed with the batch it falls in).

        The search text follows, so the window finds the row by what it shows.
        """
        self._open_batch()
        self._db.execute(
            _RENDERING_UPDATE,
            (title, body, image, route, str(urgency), _fold(f"{title}\n{body}"), rowid),
        )

    @_guarded
    def mark_delivered(self, *rowids: int) -> None:
        """Note that rows reached the screen (or the policy chose not to show them).

        Committed at once, with the batch open: a kill after this never shows them
        again, a kill before it shows them once more after the restart, never zero
        times.
        """
        with self._writing() as db:
            db.executemany("UPDATE history SET pending = 0 WHERE id = ?", [(r,) for r in rowids])
        self.flush()

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """One write of several statements, all or nothing: on its own, or when batching,
        in the open batch, which a failure rolls back whole (the caller keeps what the
        batch held, see :class:`obnotify.node.history.SessionHistory`)."""
        if self.on_deferred is None:
            with self._transaction() as db:
                yield db
            return
        self._open_batch()
        try:
            yield self._db
        except BaseException:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise

    @property
    def in_transaction(self) -> bool:
        """Whether a batch is open (after a failed commit: whether it survived)."""
        return self._db.in_transaction

    def _open_batch(self) -> None:
        """When batching, make sure the batch's transaction is open (one statement alone
        is all or nothing by itself; several take :meth:`_writing`)."""
        if self.on_deferred is not None and not self._db.in_transaction:
            self._db.execute("BEGIN IMMEDIATE")
            self.on_deferred()

    @_guarded
    def flush(self) -> None:
        """Commit the open batch of writes, if any.

        A batch holds what one turn of the event loop wrote: a burst of thousands
        of events costs a handful of commits, not one each. Until it is committed,
        this connection reads its own writes; other processes see them after.
        """
        if not self._closed and self._db.in_transaction:
            self._db.execute("COMMIT")

    def pending_rows(self) -> list[tuple[HistoryRow, str]]:
        """Rows recorded and not yet delivered, oldest first, each with its frame text."""
        found = self._db.execute(
            f"SELECT {_COLUMNS}, coalesce(r.raw, '') FROM history AS h INDEXED BY history_pending "
            "LEFT JOIN history_raw AS r ON r.id = h.id WHERE h.pending = 1 ORDER BY h.id"
        ).fetchall()
        return [(_row(values[:-1]), values[-1]) for values in found]

    def raw(self, rowid: int) -> str:
        """The frame text of one row as received, or ``""`` when pruned."""
        found = self._db.execute("SELECT raw FROM history_raw WHERE id = ?", (rowid,)).fetchone()
        return str(found[0]) if found else ""

    def recent_orders(self, *, since: float, limit: int) -> list[tuple[str, str]]:
        """(other party, order id) of orders recorded since ``since``, newest first, distinct."""
        found = self._db.execute(
            "SELECT peer_id, order_id FROM history INDEXED BY history_category_time "
            "WHERE category IN ('orders', 'disputes') AND received_at >= ? "
            "AND order_id != '' AND peer_id != '' ORDER BY received_at DESC",
            (since,),
        )
        pairs: dict[tuple[str, str], None] = {}
        for peer_id, order_id in found:
            pairs[(peer_id, order_id)] = None
            if len(pairs) >= limit:
                break
        return list(pairs)

    def seen(self, key: str) -> bool:
        """Whether ``key`` was ever recorded (within the seen table's long memory)."""
        return self._db.execute("SELECT 1 FROM seen WHERE key = ?", (key,)).fetchone() is not None

    @_guarded
    def mark_read(self, key: str) -> bool:
        """Mark one event read; True when it was unread (so the node should hear it too)."""
        cursor = self._db.execute(
            f"UPDATE history SET read = 1 WHERE {_BY_KEY} AND read = 0", (key, key)
        )
        return cursor.rowcount > 0

    @_guarded
    def mark_all_read(self) -> int:
        """Mark everything read; returns how many rows changed."""
        return self._db.execute(
            "UPDATE history INDEXED BY history_unread SET read = 1 WHERE read = 0"
        ).rowcount

    @_guarded
    def set_read(self, key: str, read: bool) -> None:
        """Set one event's read flag either way (the window's "mark unread")."""
        self._db.execute(f"UPDATE history SET read = ? WHERE {_BY_KEY}", (int(read), key, key))

    def unread_count(self, categories: Collection[str] | None = None) -> int:
        """Unread rows, for the tray badge (a partial index keeps this cheap).

        Args:
            categories: Count only these categories (what the user has not turned off);
                None counts every one.
        """
        if categories is None:
            return self._scalar(
                "SELECT count(*) FROM history INDEXED BY history_unread WHERE read = 0"
            )
        names = sorted({str(c) for c in categories})
        if not names:
            return 0
        return self._scalar(
            "SELECT count(*) FROM history INDEXED BY history_unread "
            f"WHERE read = 0 AND category IN ({', '.join('?' * len(names))})",
            tuple(names),
        )

    def _where(
        self, categories: Collection[str] | None, search: str
    ) -> tuple[str, list[Any]] | None:
        """The filter clause, or None when it can match nothing (an empty category set)."""
        clauses: list[str] = []
        params: list[Any] = []
        if categories is not None:
            names = sorted({str(c) for c in categories})
            if not names:
                return None
            clauses.append(f"category IN ({', '.join('?' * len(names))})")
            params.extend(names)
        if search:
            # instr, not LIKE: the text is matched literally, so '%' and '_' need no escaping.
            clauses.append("instr(folded, ?) > 0")
            params.append(_fold(search))
        return (f"WHERE {' AND '.join(clauses)}" if clauses else "", params)

    def recent(
        self,
        *,
        limit: int = 200,
        offset: int = 0,
        categories: Collection[str] | None = None,
        search: str = "",
    ) -> list[HistoryRow]:
        """A page of history, newest ``received_at`` first (ties: last recorded first).

        Args:
            categories: Only these categories; None means all, an empty collection none.
            search: Case-insensitive literal substring of the title or body.
        """
        where = self._where(categories, search)
        if where is None or limit <= 0:
            return []
        clause, params = where
        # The page's ids come from the indexes alone; only those rows are then read,
        # never the rows sorted or skipped, and never their (possibly large) frame text.
        # CROSS JOIN keeps the page as the outer loop whatever the planner's statistics.
        rows = self._db.execute(
            f"SELECT {_COLUMNS} FROM (SELECT id FROM history {clause} "
            "ORDER BY received_at DESC, id DESC LIMIT ? OFFSET ?) AS page "
            "CROSS JOIN history AS h ON h.id = page.id",
            (*params, limit, max(0, offset)),
        ).fetchall()
        page = [_row(r) for r in rows]
        page.sort(key=lambda row: (row.received_at, row.rowid), reverse=True)
        return page

    def count(self, *, categories: Collection[str] | None = None, search: str = "") -> int:
        """How many rows :meth:`recent` could page through with the same filter."""
        where = self._where(categories, search)
        if where is None:
            return 0
        clause, params = where
        return self._scalar(f"SELECT count(*) FROM history {clause}", tuple(params))

    def row(self, rowid: int) -> HistoryRow | None:
        """One row by id, or None when pruned."""
        found = self._db.execute(
            f"SELECT {_COLUMNS} FROM history AS h WHERE h.id = ?", (rowid,)
        ).fetchone()
        return _row(found) if found else None

    def unread_of_order(self, order_id: str, category: str) -> list[HistoryRow]:
        """The unread rows of one category about one order (a sale's payments), oldest first."""
        found = self._db.execute(
            f"SELECT {_COLUMNS} FROM history AS h INDEXED BY history_category_time "
            "WHERE h.category = ? AND h.order_id = ? AND h.read = 0 ORDER BY h.id",
            (category, order_id),
        ).fetchall()
        return [_row(values) for values in found]

    def by_key(self, key: str) -> HistoryRow | None:
        """One row by dedupe key, or None when never recorded or pruned."""
        found = self._db.execute(
            f"SELECT {_COLUMNS} FROM history AS h WHERE {_BY_KEY}", (key, key)
        ).fetchone()
        return _row(found) if found else None

    def tx_seen_before(self, key: str) -> bool:
        """Whether the transaction of a ``t:TXID:CONFIRMATIONS`` key was recorded under an
        earlier key: then this one is a confirmation, not news."""
        txid = key[2:].rpartition(":")[0]
        found = self._db.execute(
            "SELECT 1 FROM seen WHERE key >= ? AND key < ? AND key != ? "
            "AND id < (SELECT id FROM seen WHERE key = ?) LIMIT 1",
            (f"t:{txid}:", f"t:{txid};", key, key),
        ).fetchone()
        return found is not None

    def known_txids(self) -> set[str]:
        """Txids of every recorded ``wallet`` event, for ``RenderContext.known_txids``.

        Read from the seen keys (``t:TXID:CONFIRMATIONS``) rather than history, so a
        confirmation of a transaction whose row was pruned is still not news.
        """
        keys = self._db.execute("SELECT key FROM seen WHERE key >= 't:' AND key < 't;'")
        return {key[2:].rpartition(":")[0] for (key,) in keys}

    # Catch-up cursor and small state

    def cursor(self) -> str:
        """The newest notificationId fully caught up, or ``""`` before the first catch-up."""
        return self.get_state(_CURSOR) or ""

    def set_cursor(self, notification_id: str) -> None:
        """Persist the catch-up cursor."""
        self.set_state(_CURSOR, notification_id)

    def get_state(self, name: str) -> str | None:
        """A small named value (last balances JSON, own peer id...), or None when unset."""
        found = self._db.execute("SELECT value FROM state WHERE name = ?", (name,)).fetchone()
        return str(found[0]) if found else None

    @_guarded
    def set_state(self, name: str, value: str) -> None:
        """Set a small named value."""
        self._put_state(name, value)

    def _put_state(self, name: str, value: str) -> None:
        self._db.execute(
            "INSERT INTO state (name, value) VALUES (?, ?) "
            "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            (name, value),
        )

    # Profile cache

    @_guarded
    def put_profile(self, profile: Profile, *, expires_at: float) -> None:
        """Cache a peer's profile until ``expires_at`` (Unix time)."""
        self._db.execute(
            "INSERT INTO profiles (peer_id, value, expires_at) VALUES (?, ?, ?) "
            "ON CONFLICT (peer_id) DO UPDATE SET value = excluded.value, "
            "expires_at = excluded.expires_at",
            (profile.peer_id, msgspec.json.encode(profile).decode(), expires_at),
        )

    def profile(self, peer_id: str, *, now: float) -> Profile | None:
        """A cached profile that has not expired at ``now``, else None."""
        found = self._db.execute(
            "SELECT value FROM profiles WHERE peer_id = ? AND expires_at > ?", (peer_id, now)
        ).fetchone()
        return _profile(found[0]) if found else None

    def profiles(self, *, now: float) -> dict[str, Profile]:
        """Every profile still fresh at ``now``, by peer id, to seed a render context."""
        result: dict[str, Profile] = {}
        for (value,) in self._db.execute("SELECT value FROM profiles WHERE expires_at > ?", (now,)):
            profile = _profile(value)
            if profile is not None:
                result[profile.peer_id] = profile
        return result


def _profile(value: str) -> Profile | None:
    """Decode a cached profile; one written by another version that no longer fits is a miss."""
    try:
        return msgspec.json.decode(value, type=Profile)
    except msgspec.DecodeError:
        log.debug("Ignoring a cached profile that no longer decodes")
        return None


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (``executescript`` would commit on its own)."""
    statements: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            if pending.strip():
                statements.append(pending.strip())
            pending = ""
    if pending.strip():
        statements.append(pending.strip())
    return statements
