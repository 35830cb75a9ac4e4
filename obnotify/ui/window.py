"""The main window: balances, status, filters, the activity list and the selected event.

With several nodes it lists them beside the activity ("All nodes" first) and
the rows name their node. It shows what it is told and says what the user asks
for through signals; the composition root decides what those mean (routes,
read state, replies, conversations). Closing it only hides it: the tray menu quits.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import Final

from PySide6.QtCore import (
    QAbstractItemModel,
    QItemSelection,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QCloseEvent, QCursor, QHideEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QMainWindow,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from obnotify.core.connection import ConnState
from obnotify.core.details import Detail
from obnotify.core.events import WalletBalances
from obnotify.core.render import Category
from obnotify.ui.activity_model import ActivityModel, Column
from obnotify.ui.balances import BalancesView
from obnotify.ui.detail import DetailPane
from obnotify.ui.filter_bar import FilterBar
from obnotify.ui.icons import app_icon
from obnotify.ui.listing import HistoryRowLike, ListedRow, Listing, RowKey
from obnotify.ui.node_list import NodeList
from obnotify.ui.status_line import StatusLine

__all__ = ["ActivityView", "Describer", "MainWindow"]

Describer = Callable[[ListedRow], tuple[Detail | None, Path | None]]
"""What the detail pane shows of a row: its detail and its picture's file."""

DEFAULT_SIZE: Final = (760, 660)
"""Room for eight rows of activity above an order's detail, on a 768-pixel-high screen."""
LEAST_LIST_ROWS: Final = 3
"""Rows of activity the detail pane leaves when it takes the height it asks for."""
NODE_LIST_EXTRA_WIDTH: Final = 180
"""The window is this much wider while it lists several nodes."""
TICK_MS: Final = 30_000
"""How often "2 min ago" moves on."""
EVENT_COLUMN_WIDTH: Final = 250
WHEN_COLUMN_WIDTH: Final = 96
NODE_COLUMN_WIDTH: Final = 120
ROW_HEIGHT_FACTOR: Final = 1.9
"""Row height as a multiple of the font's line height: airy, and the same for every row."""


class ActivityView(QTableView):
    """The activity list's view: whole rows, fixed row heights, no grid."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setAlternatingRowColors(True)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setCornerButtonEnabled(False)
        self.setSortingEnabled(False)
        vertical = self.verticalHeader()
        vertical.setVisible(False)
        # Fixed heights let the view place 100,000 rows without measuring any.
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(round(self.fontMetrics().height() * ROW_HEIGHT_FACTOR))
        horizontal = self.horizontalHeader()
        horizontal.setHighlightSections(False)
        horizontal.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        horizontal.setMinimumSectionSize(60)

    def rowsInserted(
        self, parent: QModelIndex | QPersistentModelIndex, start: int, end: int, /
    ) -> None:
        """Rows that arrive above the first one shown push nothing down while the user is
        at work in the list (the pointer over it, or scrolled down): the row under the
        pointer stays the row a click selects. At the top with the pointer elsewhere, the
        newest rows show."""
        bar = self.verticalScrollBar()
        scrolled = bar.value()
        above = start * self.verticalHeader().defaultSectionSize() <= scrolled
        keep = above and (scrolled > 0 or self.pointer_over())
        super().rowsInserted(parent, start, end)
        if keep:
            self.scroll_to(
                scrolled + (end - start + 1) * self.verticalHeader().defaultSectionSize()
            )

    def scroll_to(self, offset: int) -> None:
        """Scroll to ``offset`` pixels from the top, for rows just added or read again."""
        self.updateGeometries()
        self.verticalScrollBar().setValue(offset)

    def pointer_over(self) -> bool:
        """Whether the pointer is over the rows, where a click would select one."""
        viewport = self.viewport()
        return viewport.isVisible() and viewport.rect().contains(
            viewport.mapFromGlobal(QCursor.pos())
        )

    def setModel(self, model: QAbstractItemModel | None) -> None:
        super().setModel(model)
        horizontal = self.horizontalHeader()
        horizontal.setSectionResizeMode(Column.EVENT, QHeaderView.ResizeMode.Interactive)
        horizontal.setSectionResizeMode(Column.DETAILS, QHeaderView.ResizeMode.Stretch)
        horizontal.setSectionResizeMode(Column.NODE, QHeaderView.ResizeMode.Interactive)
        horizontal.setSectionResizeMode(Column.WHEN, QHeaderView.ResizeMode.Fixed)
        horizontal.resizeSection(Column.EVENT, EVENT_COLUMN_WIDTH)
        horizontal.resizeSection(Column.NODE, NODE_COLUMN_WIDTH)
        horizontal.resizeSection(Column.WHEN, WHEN_COLUMN_WIDTH)
        self.setColumnHidden(Column.NODE, True)


class MainWindow(QMainWindow):
    """obnotify's window.

    Args:
        listing: The rows to list: one node's or several nodes'.
        node_name: Shown in the title.
        now: The clock for relative times; Unix seconds.
        parent: The owning widget, usually None.
    """

    open_route = Signal(object)
    """Open a row's route in the OpenBazaar app (the ``ListedRow`` is passed)."""
    reply_requested = Signal(object, str, str, str)
    """Send a chat message from the ``ListedRow`` shown: peer id, subject (order id or
    empty), text."""
    mark_read_requested = Signal(object)
    """The user asked to mark this ``ListedRow`` as read."""
    conversation_requested = Signal(object, str, str)
    """The detail pane wants the conversation of this chat row: row, peer id, subject."""
    node_picked = Signal(object)
    """The user picked a node in the list (its place), or "All nodes" (None)."""

    def __init__(
        self,
        listing: Listing,
        *,
        node_name: str = "",
        now: Callable[[], float] = time.time,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowIcon(app_icon())
        self.resize(*DEFAULT_SIZE)
        self.setMinimumSize(520, 420)
        self.listing = listing
        self._describe: Describer | None = None
        self._shown: ListedRow | None = None
        """The row the detail pane shows, with its node."""

        self.balances = BalancesView(self)
        """Per-coin balances."""
        self.status_line = StatusLine(self, now=now)
        """Connection, publishing, typing."""
        self.filter_bar = FilterBar(self)
        """Category chips and the search box."""
        self.model = ActivityModel(listing, now=now, parent=self)
        """The activity rows."""
        self.view = ActivityView(self)
        """The activity list."""
        self.view.setModel(self.model)
        self.detail = DetailPane(self)
        """The selected event, with the reply box for chat."""
        self.node_list = NodeList(self)
        """Every node, "All nodes" first; shown only while there are several."""
        self.node_list.hide()

        central = QWidget(self)
        outer = QHBoxLayout(central)
        outer.setContentsMargins(12, 12, 12, 10)
        outer.setSpacing(10)
        outer.addWidget(self.node_list)
        layout = QVBoxLayout()
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.balances)
        layout.addWidget(self.status_line)
        layout.addSpacing(4)
        layout.addWidget(self.filter_bar)
        self.splitter = QSplitter(Qt.Orientation.Vertical, central)
        """The list above the selected event; the user may drag the line between them."""
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        layout.addWidget(self.splitter, 1)
        outer.addLayout(layout, 1)
        self.setCentralWidget(central)

        self.filter_bar.filter_changed.connect(self.on_filter_changed)
        self.view.activated.connect(self.on_view_activated)
        self.view.selectionModel().selectionChanged.connect(self.on_selection_changed)
        self._kept: RowKey | None = None
        """The row selected when the list was read again, selected again after."""
        self._kept_scroll = 0
        self.model.modelAboutToBeReset.connect(self.on_model_about_to_be_reset)
        self.model.modelReset.connect(self.on_model_reset)
        self.model.dataChanged.connect(self.on_model_data_changed)
        self.detail.open_requested.connect(self.on_detail_open_requested)
        self.detail.mark_read_requested.connect(self.on_detail_mark_read_requested)
        self.detail.reply_requested.connect(self.on_detail_reply_requested)
        self.detail.conversation_requested.connect(self.on_conversation_requested)
        self.node_list.picked.connect(self.on_node_picked)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self, self.on_find_shortcut)
        clear_search = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.filter_bar.search)
        clear_search.setContext(Qt.ShortcutContext.WidgetShortcut)
        clear_search.activated.connect(self.filter_bar.reset)

        self.tick_timer = QTimer(self)
        """Moves "2 min ago" on while the window is open."""
        self.tick_timer.setInterval(TICK_MS)
        self.tick_timer.timeout.connect(self.model.tick)
        self.set_node_name(node_name)

    # What the composition root calls.

    def set_node_name(self, name: str) -> None:
        """Put the node's name in the title: ``obnotify — <name>``."""
        flat = " ".join(name.split())
        self.setWindowTitle(f"obnotify — {flat}" if flat else "obnotify")

    def set_nodes(self, nodes: Sequence[tuple[str, str]]) -> None:
        """The nodes listed, by place: name and colour. With more than one, the node
        list shows beside the activity and the rows of "All nodes" name their node."""
        several = len(nodes) > 1
        if several and not self.node_list.isVisibleTo(self):
            self.resize(self.width() + NODE_LIST_EXTRA_WIDTH, self.height())
        self.node_list.set_nodes(nodes)
        self.node_list.setVisible(several)
        self.model.set_node_labels(nodes)
        self._show_node_column()

    def set_node_state(self, place: int, line: str, unread: int) -> None:
        """A node's state line and unread count, in the node list."""
        self.node_list.set_state(place, line, unread)

    def picked_node(self) -> int | None:
        """The node shown, by place, or None while every node is."""
        return self.node_list.picked_node() if self.node_list.isVisibleTo(self) else None

    def pick_node(self, place: int | None) -> None:
        """Show one node's activity, or every node's (None)."""
        self.node_list.pick(place)

    def set_describer(self, describe: Describer) -> None:
        """What the detail pane shows of a row: its detail and its picture's file."""
        self._describe = describe

    def set_connection(self, state: ConnState, detail: str = "") -> None:
        """Show the link state and its detail."""
        self.status_line.set_connection(state, detail)

    def set_retry_source(self, source: Callable[[], float | None] | None) -> None:
        """Where the status line reads when the node shown is tried again."""
        self.status_line.set_retry_source(source)

    def set_publishing(self, status: str) -> None:
        """Show the node's publishing status (``publishing``, ``publish complete``...)."""
        self.status_line.set_publishing(status)

    def show_typing(self, name: str) -> None:
        """Show "<name> is typing…" for a few seconds."""
        self.status_line.show_typing(name)

    def set_balances(self, balances: WalletBalances) -> None:
        self.balances.set_balances(balances)

    def add_event(self, listed: ListedRow) -> None:
        """Show a row just recorded at the top of the list, if the filter lets it through."""
        self.model.prepend(listed)

    def mark_read(self, key: RowKey) -> None:
        """Show a row as read, once the store has it so."""
        self.model.mark_read(key)

    def mark_all_read(self, node: int | None = None) -> None:
        """Show every row as read: of one node (by place) or of all."""
        self.model.mark_all_read(node)

    def refresh(self) -> None:
        """Read the list again from the store (after a catch-up, say)."""
        self.model.refresh()

    def rows_held(self) -> int:
        """Rows the list holds in memory."""
        return self.model.rowCount()

    def show_event(self, key: RowKey) -> bool:
        """Select a row and scroll to it, clearing the filter if it hides the row, and
        listing every node if the node shown is another.

        Returns:
            Whether the row was found.
        """
        if not self.listing.includes(key.node):
            self.pick_node(None)
        index = self.model.index_of(key)
        if not index.isValid() and (self.model.categories is not None or self.model.search):
            self.filter_bar.reset()
            index = self.model.index_of(key)
        if not index.isValid():
            return False
        self.view.selectRow(index.row())
        self.view.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        return True

    def filter(self) -> tuple[Collection[Category] | None, str]:
        """The categories and search text in force."""
        return self.model.categories, self.model.search

    # Qt overrides.

    def closeEvent(self, event: QCloseEvent) -> None:
        """Hide instead of closing, so the tray keeps the app alive.

        A close the user asks for (spontaneous) is refused after hiding; one Qt
        sends while quitting is accepted, or it would hold up the quit.
        """
        self.hide()
        if event.spontaneous():
            event.ignore()
        else:
            event.accept()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit_detail()
        self.model.tick()
        self.tick_timer.start()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.tick_timer.stop()

    # Slots.

    def on_filter_changed(self, categories: frozenset[Category] | None, search: str) -> None:
        self.model.set_filter(categories, search)

    def on_view_activated(self, index: QModelIndex) -> None:
        listed = self.model.row_at(index)
        if listed is not None:
            self.open_route.emit(listed)

    def on_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._show_current()

    def on_model_about_to_be_reset(self) -> None:
        self._kept = self._shown.key if self._shown is not None else None
        self._kept_scroll = self.view.verticalScrollBar().value()

    def on_model_reset(self) -> None:
        """The list read again (a catch-up, a filter): the same row stays selected, and the
        view where it was, when the row is still listed."""
        kept = self.model.index_of(self._kept, max_pages=0) if self._kept is not None else None
        if kept is None or not kept.isValid():
            self._shown = None
            self.detail.show_row(None)
            self._fit_detail()
            return
        self.view.selectRow(kept.row())
        self.view.scroll_to(self._kept_scroll)

    def on_model_data_changed(self, top_left: QModelIndex, bottom_right: QModelIndex) -> None:
        if self._shown is None:
            return
        current = self.view.selectionModel().currentIndex()
        if top_left.row() <= current.row() <= bottom_right.row():
            listed = self.model.row_at(current)
            if listed is not None and listed.key == self._shown.key:
                self.detail.set_unread(self.model.is_unread(listed))

    def on_detail_open_requested(self, _row: HistoryRowLike) -> None:
        if self._shown is not None:
            self.open_route.emit(self._shown)

    def on_detail_mark_read_requested(self, _row: HistoryRowLike) -> None:
        if self._shown is not None:
            self.mark_read_requested.emit(self._shown)

    def on_detail_reply_requested(self, peer_id: str, subject: str, text: str) -> None:
        if self._shown is not None:
            self.reply_requested.emit(self._shown, peer_id, subject, text)

    def on_conversation_requested(self, peer_id: str, subject: str) -> None:
        if self._shown is not None:
            self.conversation_requested.emit(self._shown, peer_id, subject)

    def on_node_picked(self, place: int | None) -> None:
        self.listing.show_only(None if place is None else (place,))
        self.model.refresh()
        self._show_node_column()
        self.node_picked.emit(place)

    def _show_node_column(self) -> None:
        several = self.node_list.isVisibleTo(self)
        self.view.setColumnHidden(Column.NODE, not several or self.picked_node() is not None)

    def on_find_shortcut(self) -> None:
        self.filter_bar.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_bar.search.selectAll()

    def _show_current(self) -> None:
        rows = self.view.selectionModel().selectedRows()
        listed = self.model.row_at(rows[0]) if rows else None
        self._shown = listed
        if listed is None:
            self.detail.show_row(None)
            self._fit_detail()
            return
        detail, picture = self._describe(listed) if self._describe is not None else (None, None)
        self.detail.show_row(
            listed.row, unread=self.model.is_unread(listed), detail=detail, picture=picture
        )
        self._fit_detail()

    def _fit_detail(self) -> None:
        """Give the event shown the height it asks for, once: a height the user dragged the
        pane to since is kept, and the selected row stays in view above it."""
        list_height, pane_height = self.splitter.sizes()
        total = list_height + pane_height
        least_list = self.view.verticalHeader().defaultSectionSize() * LEAST_LIST_ROWS
        wanted = min(self.detail.wanted_height(), total - least_list)
        if total <= 0 or wanted <= 0:
            return
        if self.detail.row is None:
            # The one-line hint: everything else is the list's.
            self.splitter.setSizes([total - wanted, wanted])
            return
        if pane_height >= wanted:
            return
        self.splitter.setSizes([total - wanted, wanted])
        current = self.view.currentIndex()
        if current.isValid():
            self.view.scrollTo(current)
