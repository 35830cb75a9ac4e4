"""What the window lists: rows of one or several nodes, each under a typed key.

Each node keeps its own store (its own file, its own row ids), so a row is
known by its node's place and its id in that store (:class:`RowKey`). The
window reads rows through :class:`Listing`, which one node's store and several
merged implement alike (:mod:`obnotify.ui.store_listing`); the widgets work
with that interface and a listed row, and never write. No Qt here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, NamedTuple, Protocol

from obnotify.core.details import RecordedRow
from obnotify.core.render import Category

if TYPE_CHECKING:
    from obnotify.store.row import HistoryRow

__all__ = ["HistoryRowLike", "ListedRow", "Listing", "RowKey", "listed_order", "row_category"]


class RowKey(NamedTuple):
    """Where a listed row lives: its node and its id in that node's store."""

    node: int
    """The node's place in the window's node list."""
    rowid: int
    """The row's id in its node's store."""


@dataclasses.dataclass(frozen=True, slots=True)
class ListedRow:
    """A row as the window lists it: the store's row and the node it belongs to."""

    node: int
    """The node's place in the window's node list."""
    row: HistoryRow

    @property
    def key(self) -> RowKey:
        return RowKey(self.node, self.row.rowid)


def listed_order(listed: ListedRow) -> tuple[float, int, int]:
    """The list's order, newest first, as an ascending key: a store's own order within
    a node, and a fixed one between nodes for rows of the same moment and id."""
    return (-listed.row.received_at, -listed.row.rowid, -listed.node)


class Listing(Protocol):
    """The rows the window lists, newest first, read a page at a time."""

    def recent(
        self,
        *,
        limit: int = 200,
        offset: int = 0,
        categories: Collection[str] | None = None,
        search: str = "",
    ) -> Sequence[ListedRow]:
        """A page of rows, newest first, of the given categories (None: all) matching ``search``."""
        ...

    def count(self, *, categories: Collection[str] | None = None, search: str = "") -> int:
        """How many rows :meth:`recent` would page through."""
        ...

    def row(self, key: RowKey) -> ListedRow | None:
        """One row by key, whatever the filter."""
        ...

    def includes(self, node: int) -> bool:
        """Whether the rows of the node at this place are listed now."""
        ...

    def show_only(self, nodes: Collection[int] | None) -> None:
        """List only the rows of these nodes (by place), or of every node (None)."""
        ...


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


def row_category(row: HistoryRowLike) -> Category:
    """A row's category: the store keeps its name, the window works with the enum.

    A name this version does not know (written by a newer one) reads as other.
    """
    try:
        return Category(row.category)
    except ValueError:
        return Category.OTHER
