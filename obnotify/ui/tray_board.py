"""The one tray icon every node reports to, and its menu wired to the right node.

Each node (its controller, seen as a :class:`TrayNode`) reports what it is
doing; the board keeps the latest report of every node, asks the pure core for
the one state, badge and tooltip, and hands them to the tray. What the user picks in the menu goes to
one node (its submenu: open, reconnect, pause), to every node ("Mark all as read",
"Reconnect") or to the shared pause.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from PySide6.QtCore import QObject

from obnotify.core.connection import ConnState
from obnotify.core.node_colours import colour_for
from obnotify.core.tray_state import (
    NodeStatus,
    node_line,
    overall_state,
    overall_tooltip,
    total_unread,
)
from obnotify.ui.toasts import ToastRouter
from obnotify.ui.tray import Tray

__all__ = ["TrayBoard", "TrayNode"]


class TrayNode(Protocol):
    """What the board needs of a node: its names and state, and what its menu entries do."""

    node: str
    """The node's name in the router."""
    state: ConnState

    @property
    def display_name(self) -> str: ...

    def show_window(self) -> None:
        """The window, as "Open obnotify" shows it."""
        ...

    def show_node(self) -> None:
        """The window on this node's activity alone."""
        ...

    def pause(self, until: datetime | None) -> None:
        """Pause this node's toasts alone until ``until``; None resumes."""
        ...

    def on_tray_reconnect_requested(self) -> None: ...

    def on_tray_mark_all_read_requested(self) -> None: ...


class TrayBoard(QObject):
    """One tray icon for every node.

    Args:
        tray: The icon to draw on.
        toasts: The router whose one pause every node shares.
        on_idle_open: What "Open obnotify" does while no node is watched (the settings).
        parent: The owning QObject.
    """

    def __init__(
        self,
        tray: Tray,
        toasts: ToastRouter,
        *,
        on_idle_open: Callable[[], None] = lambda: None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.tray = tray
        self.toasts = toasts
        self._on_idle_open = on_idle_open
        self._nodes: list[TrayNode] = []
        self._statuses: dict[str, NodeStatus] = {}
        tray.open_requested.connect(self.on_open_requested)
        tray.node_open_requested.connect(self.on_node_open_requested)
        tray.node_reconnect_requested.connect(self.on_node_reconnect_requested)
        tray.node_pause_requested.connect(self.on_node_pause_requested)
        tray.mark_all_read_requested.connect(self.on_mark_all_read_requested)
        tray.reconnect_requested.connect(self.on_reconnect_requested)
        tray.pause_requested.connect(toasts.pause)
        toasts.pause_changed.connect(self.redraw)

    def attach(self, member: TrayNode) -> None:
        """Put a node on the icon, after those already on it."""
        self._nodes.append(member)

    def detach(self, member: TrayNode) -> None:
        if member in self._nodes:
            self._nodes.remove(member)
        self._statuses.pop(member.node, None)
        self.redraw()

    def report(self, member: TrayNode, status: NodeStatus) -> None:
        """A node's latest state, unread count and last event; the icon is drawn again."""
        self._statuses[member.node] = status
        self.redraw()

    def redraw(self) -> None:
        statuses = [
            dataclasses.replace(
                self._statuses.get(
                    member.node,
                    NodeStatus(member.display_name, member.state, 0),
                ),
                # Read at each redraw: a node's pause also ends on its own.
                paused_until=self.toasts.node_pause_end_text(member.node) or "",
            )
            for member in self._nodes
        ]
        paused = self.toasts.paused_until is not None
        self.tray.set_paused(paused)
        self.tray.set_nodes(
            [(colour_for(index), node_line(status)) for index, status in enumerate(statuses)]
        )
        self.tray.set_state(
            overall_state(statuses, paused),
            overall_tooltip(statuses, self.toasts.pause_end_text()),
            total_unread(statuses),
        )

    def on_open_requested(self) -> None:
        if self._nodes:
            self._nodes[0].show_window()
        else:
            self._on_idle_open()

    def on_node_open_requested(self, index: int) -> None:
        if 0 <= index < len(self._nodes):
            self._nodes[index].show_node()

    def on_node_reconnect_requested(self, index: int) -> None:
        if 0 <= index < len(self._nodes):
            self._nodes[index].on_tray_reconnect_requested()

    def on_node_pause_requested(self, index: int, until: datetime | None) -> None:
        if 0 <= index < len(self._nodes):
            self._nodes[index].pause(until)

    def on_mark_all_read_requested(self) -> None:
        for member in self._nodes:
            member.on_tray_mark_all_read_requested()

    def on_reconnect_requested(self) -> None:
        for member in self._nodes:
            member.on_tray_reconnect_requested()
