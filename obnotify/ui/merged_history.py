"""Every node's history as one list, newest first, for the one window.

Each node keeps its own store (its own file, its own row ids). The window's
list works with one row id per row, so a row's id here is its store's id with
the node's place folded in (:data:`MAX_NODES` ids per store id): unique across
nodes, ordered as the store orders within a node, and split back without a
lookup. Pages are merged from each store's own pages; the place every store
had reached is kept for the next page, so scrolling far down reads a page from
each store, not everything above it again. No Qt here.
"""

from __future__ import annotations

import dataclasses
import heapq
from collections.abc import Collection, Sequence
from typing import Final

from obnotify.store.database import Store
from obnotify.store.row import HistoryRow

__all__ = ["MAX_NODES", "MergedHistory"]

MAX_NODES: Final = 1024
"""Nodes one window can list; far more than anyone watches."""

_Filter = tuple[frozenset[str] | None, str, frozenset[int] | None]


def _order(row: HistoryRow) -> tuple[float, int]:
    """The stores' order, newest first, as an ascending key."""
    return (-row.received_at, -row.rowid)


class MergedHistory:
    """The rows of several stores as one :class:`~obnotify.ui.history.HistorySource`.

    Args:
        stores: Each node's store, in the order of the node list.
    """

    def __init__(self, stores: Sequence[Store]) -> None:
        if len(stores) > MAX_NODES:
            raise ValueError(f"at most {MAX_NODES} nodes in one window")
        self._stores = tuple(stores)
        self._only: frozenset[int] | None = None
        self._cursors: dict[tuple[_Filter, int], tuple[int, ...]] = {}
        """Where each store's rows stand after the first ``offset`` merged rows of a filter."""

    @property
    def only(self) -> frozenset[int] | None:
        """The places of the nodes listed, or None for every node."""
        return self._only

    def show_only(self, nodes: Collection[int] | None) -> None:
        """List only the rows of these nodes (by place), or of every node (None)."""
        self._only = frozenset(nodes) if nodes is not None else None
        self._cursors.clear()

    def includes(self, node: int) -> bool:
        """Whether the rows of the node at this place are listed."""
        return self._only is None or node in self._only

    @staticmethod
    def merged_id(node: int, rowid: int) -> int:
        """The id in this list of a node's row."""
        return rowid * MAX_NODES + node

    @staticmethod
    def split(merged: int) -> tuple[int, int]:
        """A listed row's node place and its id in that node's store."""
        rowid, node = divmod(merged, MAX_NODES)
        return node, rowid

    def renumbered(self, node: int, row: HistoryRow) -> HistoryRow:
        """A node's row as this list shows it: the same row under its merged id."""
        return dataclasses.replace(row, rowid=self.merged_id(node, row.rowid))

    # HistorySource.

    def recent(
        self,
        *,
        limit: int = 200,
        offset: int = 0,
        categories: Collection[str] | None = None,
        search: str = "",
    ) -> list[HistoryRow]:
        if limit <= 0:
            return []
        names = frozenset(categories) if categories is not None else None
        key: _Filter = (names, search, self._only)
        offset = max(0, offset)
        if offset == 0:
            # A list read from its top again: places kept from before may have moved.
            self._cursors = {k: v for k, v in self._cursors.items() if k[0] != key}
        starts = self._cursors.get((key, offset))
        skip = 0
        if starts is None:
            starts, skip = (0,) * len(self._stores), offset
        wanted = skip + limit
        pages = [
            [
                self.renumbered(node, row)
                for row in store.recent(
                    limit=wanted, offset=starts[node], categories=names, search=search
                )
            ]
            if self.includes(node)
            else []
            for node, store in enumerate(self._stores)
        ]
        taken = list(heapq.merge(*pages, key=_order))[:wanted]
        ends = list(starts)
        for row in taken:
            ends[self.split(row.rowid)[0]] += 1
        self._cursors[(key, offset + len(taken) - skip)] = tuple(ends)
        return taken[skip:]

    def count(self, *, categories: Collection[str] | None = None, search: str = "") -> int:
        return sum(
            store.count(categories=categories, search=search)
            for node, store in enumerate(self._stores)
            if self.includes(node)
        )

    def row(self, rowid: int) -> HistoryRow | None:
        node, local = self.split(rowid)
        if not 0 <= node < len(self._stores):
            return None
        found = self._stores[node].row(local)
        return self.renumbered(node, found) if found is not None else None
