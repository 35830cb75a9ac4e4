"""The SQLite file of one node: recording events, their delivery, and the window's queries.

A running session batches writes: what one turn of the event loop records and
renders is one transaction (:meth:`Store.flush`), so a burst costs a few
commits, not one per event. Each record is all or nothing within it.

An event is recorded *pending* and stays so until whoever shows it says it was
delivered (:meth:`Store.mark_delivered`, committed at once); a restart hands
every pending row on again, so nothing recorded is lost between the record and
the screen.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Self

import msgspec

from obnotify.core.events import Profile
from obnotify.store.connection import connect, scalar, transaction, unusable
from obnotify.store.pruning import HISTORY_BYTES, Pruning
from obnotify.store.row import SELECTED, WRITTEN, HistoryRow, row_of, written_values
from obnotify.store.sqlite_errors import guarded, read_guarded

__all__ = ["Store"]

log = logging.getLogger(__name__)

_BY_KEY: Final = "received_at = (SELECT at FROM seen WHERE key = ?) AND key = ?"
"""A history row by its key (given twice), through the seen key's index and ``history_time``."""

_CURSOR: Final = "catchup.cursor"
_RENDERING_UPDATE: Final = (
    "UPDATE history SET title = ?, body = ?, image = ?, route = ?, urgency = ?, search_text = ? "
    "WHERE id = ?"
)

_INSERT: Final = (
    f"INSERT INTO history ({', '.join(WRITTEN)}, search_text) "
    f"VALUES ({', '.join('?' * (len(WRITTEN) + 1))})"
)
"""A new row: its fields and its search text."""


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
        self.path = Path(path) if str(path) != ":memory:" else None
        """The file, or None for an in-memory store."""
        self._closed = False
        self.on_deferred: Callable[[], None] | None = None
        """When set, writes go into one open transaction and this is called as it opens,
        to arrange the :meth:`flush` that commits it soon (the session calls it on the
        next turn of its event loop). When None, every write commits on its own."""
        self._db = connect(self.path)
        try:
            self._pruning = Pruning(self._db, history_cap=history_cap, history_bytes=history_bytes)
        except sqlite3.Error as exc:
            self._db.close()
            raise unusable(str(path), exc) from exc

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

    def _scalar(self, sql: str, params: tuple[Any, ...] = ()) -> int:
        return scalar(self._db, sql, params)

    # History

    @guarded
    def record(self, row: HistoryRow, *, raw: str, cursor: str = "") -> int | None:
        """Record an event unless its key was recorded before, in one transaction.

        Args:
            row: The event as it is kept (its ``rowid`` is ignored: the file gives one).
                A pending row is handed on by :meth:`pending_rows` after a restart
                until :meth:`mark_delivered` is called.
            raw: The frame text as received, for the detail pane.
            cursor: When set, the catch-up cursor moves to this notification id in
                the same transaction, so the two can never disagree after a kill.

        Returns:
            The new row's id, or None when ``row.key`` is already known (even when its
            row has since been pruned): the caller hands on only a new row.
        """
        with self._writing() as db:
            new_key = db.execute(
                "INSERT OR IGNORE INTO seen (key, at) VALUES (?, ?)", (row.key, row.received_at)
            )
            if new_key.rowcount == 0:
                return None
            # New in ``seen``, so new here: the seen key outlives its history row.
            rowid = db.execute(
                _INSERT, (*written_values(row), _fold(f"{row.title}\n{row.body}"))
            ).lastrowid
            db.execute("INSERT INTO history_raw (id, raw) VALUES (?, ?)", (rowid, raw))
            if cursor:
                self._put_state(_CURSOR, cursor)
            counts = self._pruning.after_insert()
        self._pruning.rows, self._pruning.seen_rows = counts
        return rowid

    @guarded
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

    @guarded
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
            with transaction(self._db) as db:
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

    @guarded
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
            f"SELECT {SELECTED}, coalesce(r.raw, '') FROM history AS h INDEXED BY history_pending "
            "LEFT JOIN history_raw AS r ON r.id = h.id WHERE h.pending = 1 ORDER BY h.id"
        ).fetchall()
        return [(row_of(values[:-1]), values[-1]) for values in found]

    @read_guarded
    def raw(self, rowid: int) -> str:
        """The frame text of one row as received, or ``""`` when pruned.

        Raises:
            StoreUnavailable: The file cannot be read now (or is closed).
        """
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

    @read_guarded
    def seen(self, key: str) -> bool:
        """Whether ``key`` was ever recorded (within the seen table's long memory).

        Raises:
            StoreUnavailable: The file cannot be read now (or is closed).
        """
        return self._db.execute("SELECT 1 FROM seen WHERE key = ?", (key,)).fetchone() is not None

    @guarded
    def mark_read(self, key: str) -> bool:
        """Mark one event read; True when it was unread (so the node should hear it too)."""
        cursor = self._db.execute(
            f"UPDATE history SET read = 1 WHERE {_BY_KEY} AND read = 0", (key, key)
        )
        return cursor.rowcount > 0

    @guarded
    def mark_all_read(self) -> int:
        """Mark everything read; returns how many rows changed."""
        return self._db.execute(
            "UPDATE history INDEXED BY history_unread SET read = 1 WHERE read = 0"
        ).rowcount

    @guarded
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
            clauses.append("instr(search_text, ?) > 0")
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
            f"SELECT {SELECTED} FROM (SELECT id FROM history {clause} "
            "ORDER BY received_at DESC, id DESC LIMIT ? OFFSET ?) AS page "
            "CROSS JOIN history AS h ON h.id = page.id",
            (*params, limit, max(0, offset)),
        ).fetchall()
        page = [row_of(r) for r in rows]
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
            f"SELECT {SELECTED} FROM history AS h WHERE h.id = ?", (rowid,)
        ).fetchone()
        return row_of(found) if found else None

    def unread_of_order(self, order_id: str, category: str) -> list[HistoryRow]:
        """The unread rows of one category about one order (a sale's payments), oldest first."""
        found = self._db.execute(
            f"SELECT {SELECTED} FROM history AS h INDEXED BY history_category_time "
            "WHERE h.category = ? AND h.order_id = ? AND h.read = 0 ORDER BY h.id",
            (category, order_id),
        ).fetchall()
        return [row_of(values) for values in found]

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

    @guarded
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

    @guarded
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
