"""How much history a file keeps: a cap in rows, a cap in bytes, and a longer memory of keys.

The counts are tracked in memory and only recounted when they pass a cap, so
most inserts pay nothing; pruning goes a little below the cap so that it runs
once per batch of inserts, not on each.
"""

from __future__ import annotations

import sqlite3
from typing import Final

from obnotify.store.connection import scalar

__all__ = ["HISTORY_BYTES", "PRUNE_BATCH", "SEEN_FACTOR", "Pruning"]

SEEN_FACTOR: Final = 10
"""Seen keys are kept this many times longer than history rows: a key must outlive its row."""

PRUNE_BATCH: Final = 100
"""Pruning goes this many rows (at most 1 % of the cap) below the cap, so it runs once per
that many inserts; small enough that one prune of large chat frames stays a few milliseconds."""

HISTORY_BYTES: Final = 256 * 1024 * 1024
"""The history file's default size in use, beyond which the oldest rows go."""


class Pruning:
    """The caps of one file and the row counts that tell when they are passed.

    Args:
        db: The file's connection (its tables at the current schema).
        history_cap: The cap in rows (see :class:`obnotify.store.database.Store`).
        history_bytes: The cap in bytes of file in use.
    """

    def __init__(self, db: sqlite3.Connection, *, history_cap: int, history_bytes: int) -> None:
        self._db = db
        self._cap = history_cap
        self._slack = min(PRUNE_BATCH, history_cap // 100)
        self._seen_cap = history_cap * SEEN_FACTOR
        self._seen_slack = min(PRUNE_BATCH, self._seen_cap // 100)
        self._byte_cap = history_bytes
        self._unmeasured = 0
        self._page_size = scalar(db, "PRAGMA page_size")
        self.rows = scalar(db, "SELECT count(*) FROM history")
        """History rows in the file, as of the last committed insert (or more)."""
        self.seen_rows = scalar(db, "SELECT count(*) FROM seen")
        """Seen keys in the file, likewise."""

    def after_insert(self) -> tuple[int, int]:
        """Drop the oldest history and seen rows beyond their caps, in the caller's transaction.

        Returns:
            The counts of history and seen rows once it commits: the caller sets
            :attr:`rows` and :attr:`seen_rows` to them then, and only then.
        """
        db = self._db
        rows, seen_rows = self.rows + 1, self.seen_rows + 1
        self._unmeasured += 1
        if self._unmeasured >= PRUNE_BATCH:
            self._unmeasured = 0
            used = scalar(db, "PRAGMA page_count") - scalar(db, "PRAGMA freelist_count")
            used *= self._page_size
            if used > self._byte_cap:
                # Too many bytes: the oldest rows go, as many as bring the file back under
                # the cap (and a tenth more), whatever the row count.
                count = scalar(db, "SELECT count(*) FROM history")
                rows = max(1, count * self._byte_cap // used * 9 // 10)
                self._cap_rows_to(rows)
        if rows > self._cap:
            rows = scalar(db, "SELECT count(*) FROM history")
            if rows > self._cap - self._slack:
                rows = self._cap - self._slack
                self._cap_rows_to(rows)
        if seen_rows > self._seen_cap:
            seen_rows = scalar(db, "SELECT count(*) FROM seen")
            excess = seen_rows - (self._seen_cap - self._seen_slack)
            if excess > 0:
                db.execute(
                    "DELETE FROM seen WHERE id IN (SELECT id FROM seen ORDER BY id LIMIT ?)",
                    (excess,),
                )
                seen_rows -= excess
        return rows, seen_rows

    def _cap_rows_to(self, rows: int) -> None:
        """Keep only the newest ``rows`` history rows."""
        excess = scalar(self._db, "SELECT count(*) FROM history") - rows
        if excess > 0:
            self._db.execute(
                "DELETE FROM history WHERE id IN "
                "(SELECT id FROM history ORDER BY received_at, id LIMIT ?)",
                (excess,),
            )
