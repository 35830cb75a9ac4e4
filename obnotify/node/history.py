"""The store as a running session writes it: a failed write is kept, tried again, never fatal.

A full disk, a lock held by another program or a read-only file must not stop
events from reaching the screen. While the store refuses writes, new events are
kept in memory (deduplicated, bounded) with their delivery state, the problem
is reported, and every few seconds the whole backlog is written again; once
that works, the problem is cleared.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final, ParamSpec

from obnotify.store.database import Store
from obnotify.store.errors import StoreUnavailable
from obnotify.store.row import HistoryRow

__all__ = ["MAX_UNWRITTEN", "RETRY_EVERY", "SessionHistory"]

log = logging.getLogger(__name__)

P = ParamSpec("P")

MAX_UNWRITTEN: Final = 10_000
"""Events kept in memory while the store refuses them; beyond this the oldest are let go
(they were shown; the node still has its notifications)."""
RETRY_EVERY: Final = 2.0
"""Seconds between attempts to write the backlog."""


@dataclass(slots=True)
class _Record:
    """What :meth:`Store.record` takes, kept up to date (rendering, delivered)."""

    row: HistoryRow
    raw: str
    cursor: str


@dataclass(slots=True)
class _Unwritten:
    rowid: int
    """The stand-in row id the event was handed on with (negative: never a store id)."""
    record: _Record


class SessionHistory:
    """Writes to one node's store on behalf of its session.

    Args:
        store: The node's store.
        on_problem: Told the problem (``"disk full"``...) when writes start failing, and
            ``""`` when they work again.
    """

    def __init__(self, store: Store, on_problem: Callable[[str], None]) -> None:
        self.store = store
        self.problem = ""
        """Why history cannot be written now, or ``""``."""
        self.dropped = 0
        """Events let go because the backlog was full."""
        self._on_problem = on_problem
        self._unwritten: dict[str, _Unwritten] = {}
        self._keys: dict[int, str] = {}
        """The key of each stand-in row id still unwritten."""
        self._written: dict[int, int] = {}
        """Stand-in row ids already written, and the store's id each got."""
        self._batch: dict[int, _Record] = {}
        """Records in the store's open batch, by row id: if its commit fails (a full disk
        rolls the whole batch back), they move to the backlog."""
        self._moved: dict[int, int] = {}
        """Row ids of a batch that was rolled back, and the stand-in each has now."""
        self._next_rowid = -1
        self._retry: asyncio.TimerHandle | None = None

    @property
    def backlog(self) -> int:
        """Events waiting to be written."""
        return len(self._unwritten)

    def record(self, row: HistoryRow, *, raw: str, cursor: str = "") -> int | None:
        """Record an event once; a row id (negative while only in memory) or None if known."""
        if not self.problem:
            try:
                rowid = self.store.record(row, raw=raw, cursor=cursor)
            except StoreUnavailable as exc:
                self._failed(exc)
                self._keep_lost_batch()
            else:
                if rowid is not None and self.store.on_deferred is not None:
                    self._batch[rowid] = _Record(row, raw, cursor)
                return rowid
        if row.key in self._unwritten or self._seen(row.key):
            return None
        return self._keep(_Record(row, raw, cursor))

    def _keep(self, record: _Record) -> int:
        """Hold an event in memory under a new stand-in row id."""
        if len(self._unwritten) >= MAX_UNWRITTEN:
            oldest = next(iter(self._unwritten))
            self._keys.pop(self._unwritten.pop(oldest).rowid, None)
            self.dropped += 1
        rowid = self._next_rowid
        self._next_rowid -= 1
        self._unwritten[record.row.key] = _Unwritten(rowid, record)
        self._keys[rowid] = record.row.key
        return rowid

    def settle(self, rowid: int) -> int:
        """The row id to hand an event on with: committed first, so that a commit that
        fails cannot take back a row the screen already knows."""
        if rowid in self._batch:
            self.flush()
        return self._moved.get(rowid, rowid)

    def save_rendering(
        self, rowid: int, *, title: str, body: str, image: str, route: str, urgency: str
    ) -> None:
        """Keep the texts a row is shown with."""
        rowid = self._moved.get(rowid, rowid)
        entry = self._entry(rowid)
        kept = entry.record if entry is not None else self._batch.get(rowid)
        if kept is not None:
            kept.row = dataclasses.replace(
                kept.row, title=title, body=body, image=image, route=route, urgency=urgency
            )
        if entry is not None:
            return
        self.write(
            self.store.save_rendering,
            self._written.get(rowid, rowid),
            title=title,
            body=body,
            image=image,
            route=route,
            urgency=urgency,
        )

    def mark_delivered(self, *rowids: int) -> None:
        """The listener is done with these rows."""
        stored: list[int] = []
        for rowid in (self._moved.pop(r, r) for r in rowids):
            entry = self._entry(rowid)
            if entry is not None:
                entry.record.row = dataclasses.replace(entry.record.row, pending=False)
            elif rowid in self._written:
                stored.append(self._written.pop(rowid))
            elif rowid > 0:
                stored.append(rowid)
        if stored:
            self.write(self.store.mark_delivered, *stored)

    def write(self, method: Callable[P, Any], *args: P.args, **kwargs: P.kwargs) -> bool:
        """Any other write (a cursor, a read flag, a profile): True when it was done.

        While the store is unavailable these are not attempted: they are small
        state the next success or the next catch-up sets again.
        """
        if self.problem:
            return False
        try:
            method(*args, **kwargs)
        except StoreUnavailable as exc:
            self._failed(exc)
            return False
        return True

    def flush(self) -> None:
        """Commit the store's open batch; if the store rolled it back, keep its records."""
        if self.write(self.store.flush):
            self._batch.clear()
            return
        self._keep_lost_batch()

    def _keep_lost_batch(self) -> None:
        """After a failed write: if the store rolled its batch back, keep what it held."""
        if self.store.in_transaction:
            return
        for rowid, record in self._batch.items():
            if record.row.key not in self._unwritten:
                self._moved[rowid] = self._keep(record)
        self._batch.clear()

    def close(self) -> None:
        if self._retry is not None:
            self._retry.cancel()
            self._retry = None
        if self._unwritten:
            log.warning("%d events were never written to history", len(self._unwritten))

    def _entry(self, rowid: int) -> _Unwritten | None:
        key = self._keys.get(rowid)
        return self._unwritten.get(key) if key is not None else None

    def _seen(self, key: str) -> bool:
        try:
            return self.store.seen(key)
        except StoreUnavailable:
            return False

    def _failed(self, exc: StoreUnavailable) -> None:
        if exc.reason != self.problem:
            self.problem = exc.reason
            self._on_problem(self.problem)
        if self._retry is None:
            with contextlib.suppress(RuntimeError):
                loop = asyncio.get_running_loop()
                self._retry = loop.call_later(RETRY_EVERY, self._try_again)

    def _try_again(self) -> None:
        """Write the backlog in order, then declare the store well again."""
        self._retry = None
        try:
            self.store.flush()
            while self._unwritten:
                key, entry = next(iter(self._unwritten.items()))
                record = entry.record
                rowid = self.store.record(record.row, raw=record.raw, cursor=record.cursor)
                del self._unwritten[key]
                self._keys.pop(entry.rowid, None)
                if rowid is not None and record.row.pending:
                    self._written[entry.rowid] = rowid
            self.store.flush()
        except StoreUnavailable as exc:
            self._failed(exc)
            return
        log.info("history is writable again")
        self.problem = ""
        self._on_problem("")
