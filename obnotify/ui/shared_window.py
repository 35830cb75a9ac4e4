"""The one window of every node, made the first time it is opened.

Each node's controller talks to its :class:`NodePort` as if the window were its
own: its state, balances, rows and requests. The port puts the node's rows
under the window's ids (:class:`~obnotify.ui.merged_history.MergedHistory`),
shows the node's state in the node list, and hands the user's requests on a
row back to the row's node with the node's own row id.

Most of the time a tray app's window is never opened: building it anyway costs
memory and a model update for every event of a burst. Until the first
:meth:`SharedWindow.show` only what the window shows when it appears is kept.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from obnotify.core.connection import ConnState
from obnotify.core.conversation import ChatLine
from obnotify.core.details import Detail
from obnotify.core.events import WalletBalances
from obnotify.core.node_colours import colour_for
from obnotify.core.tray_state import NodeStatus, node_line, window_connection, worst_node
from obnotify.core.wallet import combined
from obnotify.store.database import Store
from obnotify.store.row import HistoryRow
from obnotify.ui.merged_history import MergedHistory

if TYPE_CHECKING:
    from obnotify.ui.history import HistoryRowLike
    from obnotify.ui.window import MainWindow

__all__ = ["NodePort", "SharedWindow"]

Describer = Callable[[HistoryRow], tuple[Detail | None, Path | None]]


@dataclasses.dataclass(slots=True)
class _Shown:
    """What the window shows of one node when it appears."""

    name: str
    state: ConnState = ConnState.CONNECTING
    detail: str = ""
    publishing: str = ""
    balances: WalletBalances | None = None
    unread: int = 0
    retry_at: Callable[[], float | None] | None = None
    """When the node is tried again (its link's ``retry_at``)."""

    def status(self) -> NodeStatus:
        return NodeStatus(self.name, self.state, self.unread, "", self.detail)


def _make_window(history: MergedHistory) -> MainWindow:
    from obnotify.ui.window import MainWindow

    return MainWindow(history)


class SharedWindow(QObject):
    """One window for every node, built on first show.

    Args:
        stores: Each node's history store, in the order of the settings.
        names: Each node's display name, in the same order.
        ob_handler: Whether the system opens ``ob://`` links.
        make: Builds the window over the merged history.
    """

    def __init__(
        self,
        stores: Sequence[Store],
        names: Sequence[str],
        *,
        ob_handler: bool = False,
        make: Callable[[MergedHistory], MainWindow] = _make_window,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.history = MergedHistory(stores)
        self._make = make
        self._ob_handler = ob_handler
        self.window: MainWindow | None = None
        """The window once built."""
        self._shown = [_Shown(name) for name in names]
        self.ports = tuple(NodePort(self, place) for place in range(len(stores)))
        """Each node's side of the window, by place."""

    # The window as a whole.

    def window_built(self) -> MainWindow:
        if self.window is None:
            window = self._make(self.history)
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

    def isVisible(self) -> bool:
        return self.window is not None and self.window.isVisible()

    def show(self, place: int | None = None) -> None:
        """Show the window; with a place, on that node's activity."""
        window = self.window_built()
        if place is not None and len(self._shown) > 1:
            window.pick_node(place)
        window.show()

    def hide(self) -> None:
        if self.window is not None:
            self.window.hide()

    def rows_held(self) -> int:
        """Rows the window holds in memory (none before it is built)."""
        return self.window.rows_held() if self.window is not None else 0

    def close(self) -> None:
        """Hide and let go of the window: its nodes are closed."""
        if self.window is not None:
            self.window.hide()
            self.window.deleteLater()
            self.window = None

    # What the ports tell it.

    def node_state(self, place: int) -> _Shown:
        """What the window shows of one node; its port keeps it up to date."""
        return self._shown[place]

    def rename(self, place: int, name: str) -> None:
        self._shown[place].name = name
        if self.window is not None:
            self.window.set_nodes(self._labels())
            for other in range(len(self._shown)):
                self._show_state(other)
        self.node_changed(place)

    def node_changed(self, place: int) -> None:
        """A node's state, unread count or balances changed."""
        if self.window is None:
            return
        self._show_state(place)
        if self.shows(place):
            self._show_picked()

    def shows(self, place: int) -> bool:
        """Whether the window, built, lists this node's rows now."""
        return self.window is not None and self.history.includes(place)

    def _labels(self) -> list[tuple[str, str]]:
        return [(shown.name, colour_for(place)) for place, shown in enumerate(self._shown)]

    def _show_state(self, place: int) -> None:
        if self.window is not None:
            shown = self._shown[place]
            self.window.set_node_state(place, node_line(shown.status()), shown.unread)

    def _show_picked(self, *, picked_now: bool = False) -> None:
        """The title, status line and balances of what the window shows: a node, or all.

        The publishing news is shown again only when the node is picked: told
        again on every change, a finished publish would never fade.
        """
        window = self.window
        if window is None:
            return
        picked = window.picked_node()
        if picked is None and len(self._shown) > 1:
            every = self._shown
            window.set_node_name("All nodes")
            statuses = [shown.status() for shown in every]
            window.set_connection(*window_connection(statuses))
            worst = worst_node(statuses)
            window.set_retry_source(every[worst].retry_at if worst is not None else None)
            if picked_now:
                window.set_publishing("")
            known = [shown.balances for shown in every if shown.balances is not None]
            if known:
                window.set_balances(combined(known))
            return
        shown = self._shown[picked if picked is not None else 0]
        window.set_node_name(shown.name)
        window.set_connection(shown.state, shown.detail)
        window.set_retry_source(shown.retry_at)
        if picked_now:
            window.set_publishing(shown.publishing)
        if shown.balances is not None:
            window.set_balances(shown.balances)

    def _on_node_picked(self, _place: int | None) -> None:
        self._show_picked(picked_now=True)

    # The user's requests, handed to the row's node.

    def _port_and_row(self, row: HistoryRowLike) -> tuple[NodePort, HistoryRow] | None:
        place, rowid = MergedHistory.split(row.rowid)
        if not 0 <= place < len(self.ports) or not isinstance(row, HistoryRow):
            return None
        return self.ports[place], dataclasses.replace(row, rowid=rowid)

    def _describe(self, row: HistoryRowLike) -> tuple[Detail | None, Path | None]:
        found = self._port_and_row(row)
        if found is None or found[0].describer is None:
            return None, None
        return found[0].describer(found[1])

    def _on_open_route(self, row: HistoryRowLike) -> None:
        if (found := self._port_and_row(row)) is not None:
            found[0].open_route.emit(found[1])

    def _on_mark_read_requested(self, row: HistoryRowLike) -> None:
        if (found := self._port_and_row(row)) is not None:
            found[0].mark_read_requested.emit(found[1])

    def _on_reply_requested(self, peer_id: str, subject: str, text: str) -> None:
        row = self.window.detail.row if self.window is not None else None
        if row is not None and (found := self._port_and_row(row)) is not None:
            found[0].reply_requested.emit(peer_id, subject, text)

    def _on_conversation_requested(self, row: HistoryRowLike, peer_id: str, subject: str) -> None:
        if (found := self._port_and_row(row)) is not None:
            found[0].conversation_requested.emit(peer_id, subject)


class NodePort(QObject):
    """One node's side of the shared window: what its controller tells it and hears from it."""

    open_route = Signal(object)
    """Open this node's ``HistoryRow`` (its own row id)."""
    reply_requested = Signal(str, str, str)
    mark_read_requested = Signal(object)
    conversation_requested = Signal(str, str)
    """The detail pane shows a chat row of this node: its peer id and subject."""

    def __init__(self, shared: SharedWindow, place: int) -> None:
        super().__init__(shared)
        self.shared = shared
        self.place = place
        self.describer: Describer | None = None
        """What the detail pane shows of one of this node's rows."""

    def _window(self) -> MainWindow | None:
        return self.shared.window

    def set_describer(self, describe: Describer) -> None:
        self.describer = describe

    def set_node_name(self, name: str) -> None:
        self.shared.rename(self.place, name)

    def set_retry_source(self, source: Callable[[], float | None]) -> None:
        """Where the window reads when this node is tried again."""
        self.shared.node_state(self.place).retry_at = source
        self.shared.node_changed(self.place)

    def set_connection(self, state: ConnState, detail: str = "") -> None:
        shown = self.shared.node_state(self.place)
        shown.state, shown.detail = state, detail
        self.shared.node_changed(self.place)

    def set_publishing(self, status: str) -> None:
        self.shared.node_state(self.place).publishing = status
        window = self._window()
        if window is not None and window.picked_node() in (None, self.place):
            window.set_publishing(status)

    def show_typing(self, name: str) -> None:
        """Typing is news of the moment: a window that is not there has nothing to show."""
        window = self._window()
        if window is not None and self.shared.shows(self.place):
            window.show_typing(name)

    def set_balances(self, balances: WalletBalances) -> None:
        self.shared.node_state(self.place).balances = balances
        self.shared.node_changed(self.place)

    def set_unread(self, unread: int) -> None:
        shown = self.shared.node_state(self.place)
        if shown.unread != unread:
            shown.unread = unread
            self.shared.node_changed(self.place)

    def add_event(self, row: HistoryRow) -> None:
        """A window built later reads its rows from the store: nothing to keep here."""
        window = self._window()
        if window is not None and self.shared.shows(self.place):
            window.add_event(self.shared.history.renumbered(self.place, row))

    def mark_read(self, rowid: int) -> None:
        window = self._window()
        if window is not None:
            window.mark_read(MergedHistory.merged_id(self.place, rowid))

    def mark_all_read(self) -> None:
        window = self._window()
        if window is not None:
            window.mark_all_read(self.place)

    def refresh(self) -> None:
        window = self._window()
        if window is not None and self.shared.shows(self.place):
            window.refresh()

    def rows_held(self) -> int:
        return self.shared.rows_held()

    def isVisible(self) -> bool:
        return self.shared.isVisible()

    def show(self) -> None:
        self.shared.show()

    def show_node(self) -> None:
        """Show the window on this node's activity."""
        self.shared.show(self.place)

    def hide(self) -> None:
        self.shared.hide()

    def raise_(self) -> None:
        self.shared.window_built().raise_()

    def activateWindow(self) -> None:
        self.shared.window_built().activateWindow()

    def show_event(self, rowid: int) -> bool:
        return self.shared.window_built().show_event(MergedHistory.merged_id(self.place, rowid))

    def dialog_parent(self) -> QWidget | None:
        """What a dialog of this node's sits on: the window if there is one."""
        return self.shared.window

    def focus_reply(self) -> bool:
        """Put the cursor in the reply box, if a chat row is shown."""
        window = self._window()
        return window is not None and window.detail.focus_reply()

    def show_conversation(self, peer_id: str, subject: str, lines: Sequence[ChatLine]) -> None:
        window = self._window()
        if window is not None:
            window.detail.show_conversation(peer_id, subject, lines)

    def show_conversation_failed(self, peer_id: str, subject: str, reason: str) -> None:
        window = self._window()
        if window is not None:
            window.detail.show_conversation_failed(peer_id, subject, reason)

    def show_sent(self, peer_id: str, subject: str, text: str) -> None:
        window = self._window()
        if window is not None:
            window.detail.show_sent(peer_id, subject, text)

    def set_picture(self, image_hash: str, path: Path) -> None:
        window = self._window()
        if window is not None:
            window.detail.set_picture(image_hash, path)
