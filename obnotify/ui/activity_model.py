"""The activity list as a table model over the history store, loaded a page at a time.

Only the pages the user scrolls to are read from the store, so a history of a
hundred thousand events opens and filters as fast as one of a hundred. Every
text shown comes from the node and is untrusted: it is returned as plain text
for the default delegate, and tooltips are escaped into explicit HTML because
Qt guesses rich text for tooltips.
"""

from __future__ import annotations

import bisect
import enum
import time
from collections.abc import Callable, Collection, Sequence
from typing import Final

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QFont, QIcon

from obnotify.core.render import Category
from obnotify.ui.icons import category_icon
from obnotify.ui.listing import (
    HistoryRowLike,
    ListedRow,
    Listing,
    RowKey,
    listed_order,
    row_category,
)
from obnotify.ui.plain import tooltip_html
from obnotify.ui.relative_time import relative_time
from obnotify.ui.tray_icons import node_marker

__all__ = ["ROW_ROLE", "ActivityModel", "Column"]

ROW_ROLE: Final = Qt.ItemDataRole.UserRole
"""The role under which every cell returns its whole row (the store's ``HistoryRow``)."""

PAGE_SIZE: Final = 200
NODE_MARKER_SIZE: Final = 12
DISPLAY_LIMIT: Final = 300
"""Characters of a body put in a cell; the tooltip and the detail pane show all of it."""

_Index = QModelIndex | QPersistentModelIndex


class Column(enum.IntEnum):
    """The model's columns, in order."""

    EVENT = 0
    DETAILS = 1
    NODE = 2
    """The row's node: shown only while the window lists more than one."""
    WHEN = 3


_HEADERS: Final[dict[Column, str]] = {
    Column.EVENT: "Event",
    Column.DETAILS: "Details",
    Column.NODE: "Node",
    Column.WHEN: "When",
}


def _alignment(column: Column) -> Qt.AlignmentFlag:
    horizontal = (
        Qt.AlignmentFlag.AlignRight if column is Column.WHEN else Qt.AlignmentFlag.AlignLeft
    )
    return horizontal | Qt.AlignmentFlag.AlignVCenter


def _names(categories: frozenset[Category] | None) -> frozenset[str] | None:
    """The categories as the store names them."""
    return None if categories is None else frozenset(c.value for c in categories)


def _one_line(text: str, limit: int = DISPLAY_LIMIT) -> str:
    flat = " ".join(text[: limit * 2].split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _tooltip(row: HistoryRowLike) -> str:
    """The full text of a row, escaped, so Qt never takes node text for markup."""
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(row.received_at))
    return tooltip_html(row.title, row.body, stamp, bold_first=True)


class ActivityModel(QAbstractTableModel):
    """Recorded events, newest first, filtered by category and search text.

    Args:
        listing: Where rows come from: one node's store or several.
        now: The clock for "2 min ago"; Unix seconds.
        page_size: Rows read per page.
        parent: The owning QObject.
    """

    def __init__(
        self,
        listing: Listing,
        *,
        now: Callable[[], float] = time.time,
        page_size: int = PAGE_SIZE,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._listing = listing
        self._node_labels: tuple[tuple[str, QIcon], ...] = ()
        self._now = now
        self._page_size = page_size
        self._rows: list[ListedRow] = []
        self._keys: set[RowKey] = set()
        self._exhausted = False
        """Whether the last page read was short, so the store has nothing more."""
        self._fetching = False
        self._categories: frozenset[Category] | None = None
        self._search = ""
        self._read: set[RowKey] = set()
        """Rows marked read here since they were loaded; the store catches up on its own."""
        self._all_read_upto: dict[int, int] = {}
        """By node place: every row of that node up to this row id counts as read."""
        self._bold = QFont()
        self._bold.setBold(True)
        self.refresh()

    # Qt's model interface.

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> object:
        if orientation is not Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _HEADERS[Column(section)]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _alignment(Column(section))
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        listed = self._rows[index.row()]
        row = listed.row
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == Column.EVENT:
                return _one_line(row.title)
            if column == Column.DETAILS:
                return _one_line(row.body)
            if column == Column.WHEN:
                return relative_time(row.received_at, self._now())
            if column == Column.NODE:
                label = self._label(listed.node)
                return label[0] if label is not None else ""
            return None
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.FontRole:
            # The title and the time carry the weight; a bold body would only be harder to read.
            if column != Column.DETAILS and self.is_unread(listed):
                return self._bold
            return None
        if role == Qt.ItemDataRole.DecorationRole and column == Column.EVENT:
            return category_icon(row_category(row))
        if role == Qt.ItemDataRole.DecorationRole and column == Column.NODE:
            label = self._label(listed.node)
            return label[1] if label is not None else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(row)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _alignment(Column(column))
        return None

    def canFetchMore(self, parent: _Index) -> bool:
        return not parent.isValid() and not self._exhausted and not self._fetching

    def fetchMore(self, parent: _Index) -> None:
        if parent.isValid() or self._exhausted or self._fetching:
            return
        # A view or tester may ask for more while rows are going in; it waits its turn.
        self._fetching = True
        try:
            page = self._read_page(len(self._rows))
            fresh = [listed for listed in page if listed.key not in self._keys]
            if fresh:
                first = len(self._rows)
                self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
                self._append(fresh)
                self.endInsertRows()
        finally:
            self._fetching = False

    # The window's interface.

    @property
    def categories(self) -> frozenset[Category] | None:
        """The categories shown, or None for all."""
        return self._categories

    @property
    def search(self) -> str:
        return self._search

    def set_node_labels(self, labels: Sequence[tuple[str, str]]) -> None:
        """Each node's name and colour (hex), by place, for the node column."""
        self._node_labels = tuple(
            (name, node_marker(colour, NODE_MARKER_SIZE)) for name, colour in labels
        )
        if self._rows:
            self.dataChanged.emit(
                self.index(0, Column.NODE),
                self.index(len(self._rows) - 1, Column.NODE),
                [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole],
            )

    def set_filter(self, categories: Collection[Category] | None, search: str) -> None:
        """Show only rows of ``categories`` (None: all) whose text matches ``search``.

        The match itself is the store's, so the list and a count agree.
        """
        wanted = frozenset(categories) if categories is not None else None
        text = search.strip()
        if wanted == self._categories and text == self._search:
            return
        self._categories = wanted
        self._search = text
        self.refresh()

    def refresh(self) -> None:
        """Drop the loaded rows and read the first page again."""
        self.beginResetModel()
        self._rows = []
        self._keys = set()
        self._exhausted = False
        self._append(self._read_page(0))
        self.endResetModel()

    def prepend(self, listed: ListedRow) -> bool:
        """Show a row just recorded, in its place, if it passes the filter.

        A live event lands at the top. A caught-up one carries the node's older
        time and lands further down; when that is below the rows loaded so far
        it is left for the page that will hold it, so the loaded rows stay an
        exact prefix of the store's list and paging neither skips nor repeats.
        A row already shown is updated in place.

        Returns:
            Whether the list changed.
        """
        key = listed.key
        if key in self._keys:
            position = self._position(key)
            if position is None:
                return False
            self._rows[position] = listed
            self._emit_row_changed(position)
            return True
        if not self._passes_filter(listed.row):
            return False
        position = bisect.bisect_left(self._rows, listed_order(listed), key=listed_order)
        if position == len(self._rows) and not self._exhausted:
            return False
        self.beginInsertRows(QModelIndex(), position, position)
        self._rows.insert(position, listed)
        self._keys.add(key)
        self.endInsertRows()
        return True

    def mark_read(self, key: RowKey) -> bool:
        """Show a row as read (not bold). The store is updated by whoever marked it."""
        self._read.add(key)
        position = self._position(key)
        if position is None:
            return False
        self._emit_row_changed(position)
        return True

    def mark_all_read(self, node: int | None = None) -> None:
        """Show every row loaded so far, and every older one, as read: of one node
        (by place) or of all."""
        for listed in self._rows:
            place, rowid = listed.key
            if node is None or place == node:
                self._all_read_upto[place] = max(self._all_read_upto.get(place, 0), rowid)
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 0),
                self.index(len(self._rows) - 1, len(Column) - 1),
                [Qt.ItemDataRole.FontRole],
            )

    def is_unread(self, listed: ListedRow) -> bool:
        """Whether a row is shown bold: unread in the store and not marked read here since."""
        return (
            not listed.row.read
            and listed.key not in self._read
            and listed.row.rowid > self._all_read_upto.get(listed.node, 0)
        )

    def row_at(self, index: _Index) -> ListedRow | None:
        """The row behind an index of any column."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        return self._rows[index.row()]

    def index_of(self, key: RowKey, *, max_pages: int = 25) -> QModelIndex:
        """The index of a row, reading further pages (up to ``max_pages``) to reach it.

        Returns:
            An invalid index when the row is not in the filtered list.
        """
        for _ in range(max_pages + 1):
            position = self._position(key)
            if position is not None:
                return self.index(position, Column.EVENT)
            if self._exhausted:
                break
            self.fetchMore(QModelIndex())
        return QModelIndex()

    def tick(self) -> None:
        """Let the "2 min ago" column move on; the view repaints only the visible cells."""
        if self._rows:
            self.dataChanged.emit(
                self.index(0, Column.WHEN),
                self.index(len(self._rows) - 1, Column.WHEN),
                [Qt.ItemDataRole.DisplayRole],
            )

    # Internals.

    def _read_page(self, offset: int) -> Sequence[ListedRow]:
        page = self._listing.recent(
            limit=self._page_size,
            offset=offset,
            categories=_names(self._categories),
            search=self._search,
        )
        self._exhausted = len(page) < self._page_size
        return page

    def _append(self, rows: Sequence[ListedRow]) -> None:
        for listed in rows:
            if listed.key not in self._keys:
                self._rows.append(listed)
                self._keys.add(listed.key)

    def _label(self, place: int) -> tuple[str, QIcon] | None:
        return self._node_labels[place] if 0 <= place < len(self._node_labels) else None

    def _passes_filter(self, row: HistoryRowLike) -> bool:
        """The store's filter, for one row: its categories, and its search.

        The search is ``Store.recent``'s: a case-insensitive literal substring
        of the title or the body.
        """
        names = _names(self._categories)
        if names is not None and row.category not in names:
            return False
        if self._search:
            return self._search.casefold() in f"{row.title}\n{row.body}".casefold()
        return True

    def _position(self, key: RowKey) -> int | None:
        if key not in self._keys:
            return None
        for position, listed in enumerate(self._rows):
            if listed.key == key:
                return position
        return None

    def _emit_row_changed(self, position: int) -> None:
        self.dataChanged.emit(self.index(position, 0), self.index(position, len(Column) - 1))
