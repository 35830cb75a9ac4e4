"""A node's window, made the first time it is opened.

Most of the time a tray app's window is never opened: building it anyway costs
about 10 MB a node and a model update for every event of a burst. The slot
takes what the window would be told (state, balances, the name), keeps only
what the window shows when it appears, and builds the window on the first
:meth:`WindowSlot.show`; from then on it passes everything through.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from obnotify.core.connection import ConnState
from obnotify.core.events import WalletBalances

if TYPE_CHECKING:
    from obnotify.ui.history import HistoryRowLike
    from obnotify.ui.window import MainWindow

__all__ = ["WindowSlot"]


class WindowSlot(QObject):
    """Stands in for a :class:`MainWindow` until it is first shown.

    Args:
        make: Builds the window.
        node_name: Shown in the title.
    """

    open_route = Signal(object)
    reply_requested = Signal(str, str, str)
    mark_read_requested = Signal(object)

    def __init__(
        self, make: Callable[[], MainWindow], *, node_name: str = "", parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._make = make
        self.window: MainWindow | None = None
        """The window once built."""
        self._name = node_name
        self._connection: tuple[ConnState, str] = (ConnState.CONNECTING, "")
        self._publishing = ""
        self._balances: WalletBalances | None = None

    def _built(self) -> MainWindow:
        if self.window is None:
            window = self._make()
            window.set_node_name(self._name)
            window.set_connection(*self._connection)
            if self._publishing:
                window.set_publishing(self._publishing)
            if self._balances is not None:
                window.set_balances(self._balances)
            window.open_route.connect(self.open_route)
            window.reply_requested.connect(self.reply_requested)
            window.mark_read_requested.connect(self.mark_read_requested)
            self.window = window
        return self.window

    def set_node_name(self, name: str) -> None:
        self._name = name
        if self.window is not None:
            self.window.set_node_name(name)

    def set_connection(self, state: ConnState, detail: str = "") -> None:
        self._connection = (state, detail)
        if self.window is not None:
            self.window.set_connection(state, detail)

    def set_publishing(self, status: str) -> None:
        self._publishing = status
        if self.window is not None:
            self.window.set_publishing(status)

    def show_typing(self, name: str) -> None:
        """Typing is news of the moment: a window that is not there has nothing to show."""
        if self.window is not None:
            self.window.show_typing(name)

    def set_balances(self, balances: WalletBalances) -> None:
        self._balances = balances
        if self.window is not None:
            self.window.set_balances(balances)

    def add_event(self, row: HistoryRowLike) -> None:
        """A window built later reads its rows from the store: nothing to keep here."""
        if self.window is not None:
            self.window.add_event(row)

    def mark_read(self, rowid: int) -> None:
        if self.window is not None:
            self.window.mark_read(rowid)

    def mark_all_read(self) -> None:
        if self.window is not None:
            self.window.mark_all_read()

    def refresh(self) -> None:
        if self.window is not None:
            self.window.refresh()

    def rows_held(self) -> int:
        """Rows the window holds in memory (none before it is built)."""
        return self.window.model.rowCount() if self.window is not None else 0

    def isVisible(self) -> bool:
        return self.window is not None and self.window.isVisible()

    def show(self) -> None:
        self._built().show()

    def hide(self) -> None:
        if self.window is not None:
            self.window.hide()

    def raise_(self) -> None:
        self._built().raise_()

    def activateWindow(self) -> None:
        self._built().activateWindow()

    def show_event(self, rowid: int) -> bool:
        return self._built().show_event(rowid)

    def dialog_parent(self) -> QWidget | None:
        """What a dialog of this node's sits on: the window if there is one."""
        return self.window
