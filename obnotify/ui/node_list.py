"""The window's list of nodes: "All nodes" first, then each node with its colour.

Picking an entry says which node the window shows (:attr:`NodeList.picked`:
the node's place, or None for all). The window hides the list while it shows
a single node.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem, QWidget

from obnotify.ui.icons import app_icon
from obnotify.ui.tray_icons import node_marker
from obnotify.ui.window_nodes import ALL_NODES

__all__ = ["NodeList"]

DOT_SIZE: Final = 12
LIST_WIDTH: Final = 168
ITEM_SPACING: Final = 3
NAME_LIMIT: Final = 28
_PLACE_ROLE: Final = Qt.ItemDataRole.UserRole


def _label(name: str, unread: int) -> str:
    flat = " ".join(name.split())
    if len(flat) > NAME_LIMIT:
        flat = flat[: NAME_LIMIT - 1] + "…"
    return f"{flat} ({unread:,})" if unread > 0 else flat


class NodeList(QListWidget):
    """Every node by name and colour, with its unread count and, as a tooltip, its state."""

    picked = Signal(object)
    """The node the user picked, by place, or None for "All nodes"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setFixedWidth(LIST_WIDTH)
        self.setIconSize(QSize(DOT_SIZE, DOT_SIZE))
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setSpacing(ITEM_SPACING)
        self._names: list[str] = []
        self._unread: list[int] = []
        self.currentRowChanged.connect(self.on_current_row_changed)

    def set_nodes(self, nodes: Sequence[tuple[str, str]]) -> None:
        """The nodes' names and colours, by place; "All nodes" stays picked if it was."""
        picked = self.picked_node()
        self.blockSignals(True)
        self.clear()
        self._names = [name for name, _colour in nodes]
        self._unread = [0] * len(nodes)
        every = QListWidgetItem(app_icon(), ALL_NODES, self)
        every.setData(_PLACE_ROLE, None)
        for place, (name, colour) in enumerate(nodes):
            item = QListWidgetItem(node_marker(colour, DOT_SIZE), _label(name, 0), self)
            item.setData(_PLACE_ROLE, place)
        self.setCurrentRow(0 if picked is None or picked >= len(nodes) else picked + 1)
        self.blockSignals(False)

    def set_state(self, place: int, line: str, unread: int) -> None:
        """A node's state line (its tooltip) and unread count (beside its name)."""
        item = self.item(place + 1)
        if item is None:
            return
        self._unread[place] = unread
        item.setText(_label(self._names[place], unread))
        item.setToolTip(line)
        total = sum(self._unread)
        every = self.item(0)
        if every is not None:
            every.setText(_label(ALL_NODES, total))

    def picked_node(self) -> int | None:
        """The place of the node picked, or None for all."""
        item = self.currentItem()
        if item is None:
            return None
        place = item.data(_PLACE_ROLE)
        return place if isinstance(place, int) else None

    def pick(self, place: int | None) -> None:
        """Pick a node by place, or "All nodes" (None), as the user would."""
        self.setCurrentRow(0 if place is None else place + 1)

    def on_current_row_changed(self, _row: int) -> None:
        self.picked.emit(self.picked_node())
