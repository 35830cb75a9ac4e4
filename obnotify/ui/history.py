"""What the window needs of the history store, as a Protocol.

The widgets read rows through this narrow interface, so they work with the
SQLite store and with a small in-memory stand-in alike, and never write.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Protocol

from obnotify.core.details import RecordedRow
from obnotify.core.render import Category

__all__ = ["HistoryRowLike", "HistorySource", "row_category"]


class HistoryRowLike(RecordedRow, Protocol):
    """The fields of a recorded event the window shows (``obnotify.store.row.HistoryRow``):
    those the detail reads, and the ones the list needs besides."""

    @property
    def rowid(self) -> int: ...
    @property
    def key(self) -> str: ...
    @property
    def event_id(self) -> str: ...
    @property
    def category(self) -> str:
        """The category's stored name; :func:`row_category` reads it as the enum."""
        ...

    @property
    def urgency(self) -> str: ...
    @property
    def received_at(self) -> float: ...
    @property
    def node_time(self) -> str: ...
    @property
    def read(self) -> bool: ...


class HistorySource(Protocol):
    """Read access to recorded events, newest first."""

    def recent(
        self,
        *,
        limit: int = 200,
        offset: int = 0,
        categories: Collection[str] | None = None,
        search: str = "",
    ) -> Sequence[HistoryRowLike]:
        """A page of rows, newest first, of the given categories (None: all) matching ``search``."""
        ...

    def count(self, *, categories: Collection[str] | None = None, search: str = "") -> int:
        """How many rows :meth:`recent` would page through."""
        ...

    def row(self, rowid: int) -> HistoryRowLike | None:
        """One row by id, whatever the filter."""
        ...


def row_category(row: HistoryRowLike) -> Category:
    """A row's category: the store keeps its name, the window works with the enum.

    A name this version does not know (written by a newer one) reads as other.
    """
    try:
        return Category(row.category)
    except ValueError:
        return Category.OTHER
