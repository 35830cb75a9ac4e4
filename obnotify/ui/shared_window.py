"""The one window of every node, made the first time it is opened.

Each node's controller addresses the window directly, naming itself by its
place in the node list: it reports its status (the one the tray icon gets),
hands on its rows and its balances, and asks for the window on one of its
rows. What the user asks of a row goes straight to the row's node, which
:meth:`SharedWindow.attach` made known.

Most of the time a tray app's window is never opened: building it anyway costs
memory and a model update for every event of a burst. Until the first
:meth:`SharedWindow.show` only what the window shows when it appears is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final, Protocol

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from obnotify.core.connection import ConnState
from obnotify.core.details import Detail
from obnotify.core.events import WalletBalances
from obnotify.core.node_colours import colour_for
from obnotify.core.tray_state import NodeStatus, node_line
from obnotify.store.database import Store
from obnotify.store.row import HistoryRow
from obnotify.ui.listing import ListedRow, Listing, RowKey
from obnotify.ui.store_listing import MergedListing
from obnotify.ui.window_nodes import NodeShown, header

if TYPE_CHECKING:
    from obnotify.ui.detail import DetailPane
    from obnotify.ui.window import MainWindow

__all__ = ["MAX_ROWS_WHILE_HIDDEN", "SharedWindow", "WindowNode"]

MAX_ROWS_WHILE_HIDDEN: Final = 1000
"""Rows the hidden window may hold before it lets go of all but the first page."""


class WindowNode(Protocol):
    """What the window needs of a node: what its rows say, and what the user asks of them."""

    def retry_at(self) -> float | None:
        """When the node is tried again, or None."""
        ...

    def describe(self, row: HistoryRow) -> tuple[Detail | None, Path | None]:
        """What the detail pane shows of one of the node's rows, and its picture's file."""
        ...

    def open_row(self, row: HistoryRow) -> None: ...

    def mark_read(self, row: HistoryRow) -> None: ...

    def on_window_reply_requested(self, peer_id: str, subject: str, text: str) -> None: ...

    def on_conversation_requested(self, peer_id: str, subject: str) -> None:
        """The detail pane shows a chat row of this node: its peer id and subject."""
        ...


def _make_window(listing: Listing) -> MainWindow:
    from obnotify.ui.window import MainWindow

    return MainWindow(listing)


class SharedWindow(QObject):
    """One window for every node, built on first show.

    Args:
        stores: Each node's history store, in the order of the settings.
        names: Each node's display name, in the same order.
        ob_handler: Whether the system opens ``ob://`` links.
        make: Builds the window over the merged listing.
    """

    def __init__(
        self,
        stores: Sequence[Store],
        names: Sequence[str],
        *,
        ob_handler: bool = False,
        make: Callable[[Listing], MainWindow] = _make_window,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.listing = MergedListing(stores)
        self._make = make
        self._ob_handler = ob_handler
        self.window: MainWindow | None = None
        """The window once built."""
        self._shown = [NodeShown(NodeStatus(name, ConnState.CONNECTING, 0)) for name in names]
        """What the window shows of each node, kept while it is not built."""
        self._nodes: dict[int, WindowNode] = {}
        """Each node the user's requests go to, by place."""

    def attach(self, place: int, node: WindowNode) -> None:
        """Make a node known: what the user asks of its rows goes to it."""
        self._nodes[place] = node
        self._node_changed(place)

    # The window as a whole.

    def window_built(self) -> MainWindow:
        if self.window is None:
            window = self._make(self.listing)
            window.detail.set_ob_handler(self._ob_handler)
            window.set_describer(self._describe)
            window.open_route.connect(self._on_open_route)
            window.reply_requested.connect(self._on_reply_requested)
            window.mark_read_requested.connect(self._on_mark_read_requested)
            window.conversation_requested.connect(self._on_conversation_requested)
            window.node_picked.connect(self._on_node_picked)
            self.window = window
            window.set_nodes(self._labels())
            for place in range(len(self._shown)):
                self._show_state(place)
            self._show_picked(picked_now=True)
        return self.window

    def show(self, node: int | None = None, rowid: int | None = None) -> bool:
        """Show the window raised and active: on a node's row, on a node's activity
        (a node alone), or as it was (neither).

        Returns:
            Whether the row asked for was found (True when none was asked for).
        """
        window = self.window_built()
        if rowid is None and node is not None and len(self._shown) > 1:
            window.pick_node(node)
        window.show()
        window.raise_()
        window.activateWindow()
        if node is None or rowid is None:
            return True
        return window.show_event(RowKey(node, rowid))

    def is_visible(self) -> bool:
        return self.window is not None and self.window.isVisible()

    @property
    def detail(self) -> DetailPane | None:
        """The detail pane, once the window is built."""
        return self.window.detail if self.window is not None else None

    def focus_reply(self) -> bool:
        """Put the cursor in the reply box, if a chat row is shown."""
        return self.window is not None and self.window.detail.focus_reply()

    def dialog_parent(self) -> QWidget | None:
        """What a node's dialog sits on: the window if there is one."""
        return self.window

    def close(self) -> None:
        """Hide and let go of the window: its nodes are closed."""
        if self.window is not None:
            self.window.hide()
            self.window.deleteLater()
            self.window = None

    # What the nodes tell it.

    def report(self, place: int, status: NodeStatus) -> None:
        """A node's name, state, detail and unread count: the report the tray icon gets."""
        shown = self._shown[place]
        renamed = status.name != shown.status.name
        if not shown.report(status):
            return
        if renamed and self.window is not None:
            self.window.set_nodes(self._labels())
            for other in range(len(self._shown)):
                self._show_state(other)
        self._node_changed(place)

    def tell(self, place: int, note: str) -> None:
        """Show a line of the window's alone (a reply not sent...) as the node's detail,
        until its state changes."""
        self._shown[place].note = note
        self._node_changed(place)

    def set_balances(self, place: int, balances: WalletBalances) -> None:
        self._shown[place].balances = balances
        self._node_changed(place)

    def set_publishing(self, place: int, status: str) -> None:
        self._shown[place].publishing = status
        window = self.window
        if window is not None and window.picked_node() in (None, place):
            window.set_publishing(status)

    def show_typing(self, place: int, name: str) -> None:
        """Typing is news of the moment: a window that is not there has nothing to show."""
        if self.window is not None and self.listing.includes(place):
            self.window.show_typing(name)

    def add_event(self, place: int, row: HistoryRow) -> None:
        """A row just recorded; a window built later reads its rows from the store.

        Months in the tray must not pile every event up in memory: a hidden window
        that holds too many rows starts again from page one.
        """
        window = self.window
        if window is None or not self.listing.includes(place):
            return
        window.add_event(ListedRow(place, row))
        if not window.isVisible() and window.rows_held() > MAX_ROWS_WHILE_HIDDEN:
            window.refresh()

    def mark_read(self, place: int, rowid: int) -> None:
        if self.window is not None:
            self.window.mark_read(RowKey(place, rowid))

    def mark_all_read(self, place: int) -> None:
        if self.window is not None:
            self.window.mark_all_read(place)

    def refresh(self, place: int) -> None:
        """Read the list again if it lists this node (its read flags changed, say)."""
        if self.window is not None and self.listing.includes(place):
            self.window.refresh()

    # What the window shows of the nodes.

    def _node_changed(self, place: int) -> None:
        """A node's state, unread count or balances changed."""
        if self.window is None:
            return
        self._show_state(place)
        if self.listing.includes(place):
            self._show_picked()

    def _labels(self) -> list[tuple[str, str]]:
        return [(shown.status.name, colour_for(place)) for place, shown in enumerate(self._shown)]

    def _show_state(self, place: int) -> None:
        if self.window is not None:
            shown = self._shown[place]
            self.window.set_node_state(place, node_line(shown.line()), shown.status.unread)

    def _retry_source(self, place: int | None) -> Callable[[], float | None] | None:
        node = self._nodes.get(place) if place is not None else None
        return node.retry_at if node is not None else None

    def _show_picked(self, *, picked_now: bool = False) -> None:
        """The title, status line and balances of what the window shows: a node, or all.

        The publishing news is shown again only when the node is picked: told
        again on every change, a finished publish would never fade.
        """
        window = self.window
        if window is None:
            return
        head = header(self._shown, window.picked_node())
        window.set_node_name(head.title)
        window.set_connection(head.state, head.detail)
        window.set_retry_source(self._retry_source(head.retry_node))
        if picked_now:
            window.set_publishing(head.publishing)
        if head.balances is not None:
            window.set_balances(head.balances)

    def _on_node_picked(self, _place: int | None) -> None:
        self._show_picked(picked_now=True)

    # The user's requests, handed to the row's node.

    def _describe(self, listed: ListedRow) -> tuple[Detail | None, Path | None]:
        node = self._nodes.get(listed.node)
        return node.describe(listed.row) if node is not None else (None, None)

    def _on_open_route(self, listed: ListedRow) -> None:
        if (node := self._nodes.get(listed.node)) is not None:
            node.open_row(listed.row)

    def _on_mark_read_requested(self, listed: ListedRow) -> None:
        if (node := self._nodes.get(listed.node)) is not None:
            node.mark_read(listed.row)

    def _on_reply_requested(self, listed: ListedRow, peer_id: str, subject: str, text: str) -> None:
        if (node := self._nodes.get(listed.node)) is not None:
            node.on_window_reply_requested(peer_id, subject, text)

    def _on_conversation_requested(self, listed: ListedRow, peer_id: str, subject: str) -> None:
        if (node := self._nodes.get(listed.node)) is not None:
            node.on_conversation_requested(peer_id, subject)
