"""The stores as the window lists them: one node's, or every node's merged.

Both are a :class:`~obnotify.ui.listing.Listing`, so the window works the same
with one node and with several. Pages of several nodes are merged from each
store's own pages; the place every store had reached is kept for the next page,
so scrolling far down reads a page from each store, not everything above it
again. No Qt here.
"""

from __future__ import annotations

import heapq
from collections.abc import Collection, Sequence

from obnotify.store.database import Store
from obnotify.ui.listing import ListedRow, RowKey, listed_order

__all__ = ["MergedListing", "StoreListing"]

_Filter = tuple[frozenset[str] | None, str]
"""Categories and search text: which nodes are listed is not in it, since changing them
clears every place kept."""


class StoreListing:
    """One node's store, its rows under that node's place.

    Args:
        store: The node's store.
        node: The node's place in the window's node list.
    """

    def __init__(self, store: Store, node: int = 0) -> None:
        self._store = store
        self.node = node
        self._listed = True
        """Whether the node's rows are listed now (a node list may show other nodes only)."""

    def recent(
        self,
        *,
        limit: int = 200,
        offset: int = 0,
        categories: Collection[str] | None = None,
        search: str = "",
    ) -> list[ListedRow]:
        if not self._listed:
            return []
        rows = self._store.recent(limit=limit, offset=offset, categories=categories, search=search)
        return [ListedRow(self.node, row) for row in rows]

    def count(self, *, categories: Collection[str] | None = None, search: str = "") -> int:
        return self._store.count(categories=categories, search=search) if self._listed else 0

    def row(self, key: RowKey) -> ListedRow | None:
        if key.node != self.node:
            return None
        found = self._store.row(key.rowid)
        return ListedRow(self.node, found) if found is not None else None

    def includes(self, node: int) -> bool:
        return self._listed and node == self.node

    def show_only(self, nodes: Collection[int] | None) -> None:
        self._listed = nodes is None or self.node in nodes


class MergedListing:
    """The rows of several stores as one list, newest first.

    Args:
        stores: Each node's store, in the order of the node list.
    """

    def __init__(self, stores: Sequence[Store]) -> None:
        self._nodes = tuple(StoreListing(store, node) for node, store in enumerate(stores))
        self._cursors: dict[tuple[_Filter, int], tuple[int, ...]] = {}
        """Where each store's rows stand after the first ``offset`` merged rows of a filter."""

    def show_only(self, nodes: Collection[int] | None) -> None:
        for listing in self._nodes:
            listing.show_only(nodes)
        self._cursors.clear()

    def includes(self, node: int) -> bool:
        return 0 <= node < len(self._nodes) and self._nodes[node].includes(node)

    def recent(
        self,
        *,
        limit: int = 200,
        offset: int = 0,
        categories: Collection[str] | None = None,
        search: str = "",
    ) -> list[ListedRow]:
        if limit <= 0:
            return []
        names = frozenset(categories) if categories is not None else None
        key: _Filter = (names, search)
        offset = max(0, offset)
        if offset == 0:
            # A list read from its top again: places kept from before may have moved.
            self._cursors = {k: v for k, v in self._cursors.items() if k[0] != key}
        starts = self._cursors.get((key, offset))
        skip = 0
        if starts is None:
            starts, skip = (0,) * len(self._nodes), offset
        wanted = skip + limit
        pages = [
            listing.recent(limit=wanted, offset=starts[node], categories=names, search=search)
            for node, listing in enumerate(self._nodes)
        ]
        taken = list(heapq.merge(*pages, key=listed_order))[:wanted]
        ends = list(starts)
        for listed in taken:
            ends[listed.node] += 1
        self._cursors[(key, offset + len(taken) - skip)] = tuple(ends)
        return taken[skip:]

    def count(self, *, categories: Collection[str] | None = None, search: str = "") -> int:
        return sum(listing.count(categories=categories, search=search) for listing in self._nodes)

    def row(self, key: RowKey) -> ListedRow | None:
        if not 0 <= key.node < len(self._nodes):
            return None
        return self._nodes[key.node].row(key)
