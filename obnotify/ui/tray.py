"""The tray icon and its menu. It draws the state it is given and reports what the user picks.

No decision is made here: the state comes from ``overall_state``, the pause
deadline from ``pause_deadline``, and every menu entry only emits a signal.
One icon serves every node; with more than one, the menu has a submenu per node.
The icon is drawn in the style the settings name (coloured or monochrome).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from datetime import datetime

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from obnotify.core.tray_state import PauseChoice, TrayState, TrayStyle, pause_deadline
from obnotify.ui.tray_icons import node_marker, tray_icon

__all__ = ["Tray"]

MARKER_SIZE = 16
"""Pixels of the coloured disc that tells the nodes apart in the menu."""


def _local_now() -> datetime:
    return datetime.now().astimezone()


class Tray(QObject):
    """The system tray icon with obnotify's menu.

    Args:
        now: The clock for pause deadlines; returns an aware local datetime.
        parent: The owning QObject.
    """

    open_requested = Signal()
    """Open the window: "Open obnotify", or a left click on the icon."""
    mark_all_read_requested = Signal()
    pause_requested = Signal(object)
    """Pause notifications until the given aware ``datetime``; ``None`` resumes them."""
    reconnect_requested = Signal()
    """Reconnect every node."""
    node_open_requested = Signal(int)
    """Open the window of the node at this place in the menu (0 is the first)."""
    node_reconnect_requested = Signal(int)
    """Reconnect the node at this place in the menu."""
    node_pause_requested = Signal(int, object)
    """Pause the toasts of the node at this place until the aware datetime; None resumes."""
    settings_requested = Signal()
    """Open the settings window: nodes, notifications, general."""
    help_requested = Signal()
    """Show the guide (the README) in a window of its own."""
    about_requested = Signal()
    autostart_toggled = Signal(bool)
    """The user turned "Start at login" on or off."""
    quit_requested = Signal()

    def __init__(
        self,
        *,
        now: Callable[[], datetime] = _local_now,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._now = now
        self._state = TrayState.CONNECTING
        self._unread = 0
        self._style = TrayStyle.COLOUR
        self.icon = QSystemTrayIcon(parent=self)
        """The platform tray icon this wraps."""
        self.menu = QMenu()
        """The context menu; kept here because QSystemTrayIcon does not own it."""
        self.open_action = self._action("&Open obnotify", self.open_requested.emit)
        self.menu.setDefaultAction(self.open_action)
        self.node_menus: list[QMenu] = []
        """One submenu per node ("Open", "Reconnect"), only while there is more than one."""
        self._nodes_end = self.menu.addSeparator()
        self._nodes_end.setVisible(False)
        self.mark_all_read_action = self._action(
            "&Mark all as read", self.mark_all_read_requested.emit
        )
        self.menu.addSeparator()
        self.pause_menu = self.menu.addMenu("&Pause notifications")
        """The submenu: for an hour, until tomorrow, resume."""
        self.pause_hour_action = self._action(
            "For 1 hour", lambda: self.on_pause_chosen(PauseChoice.HOUR), menu=self.pause_menu
        )
        self.pause_tomorrow_action = self._action(
            "Until tomorrow",
            lambda: self.on_pause_chosen(PauseChoice.TOMORROW),
            menu=self.pause_menu,
        )
        self.pause_menu.addSeparator()
        self.resume_action = self._action(
            "Resume", lambda: self.on_pause_chosen(PauseChoice.RESUME), menu=self.pause_menu
        )
        self.reconnect_action = self._action("&Reconnect", self.reconnect_requested.emit)
        self.menu.addSeparator()
        self.settings_action = self._action("&Settings…", self.settings_requested.emit)
        self.help_action = self._action("&Help", self.help_requested.emit)
        self.about_action = self._action("&About obnotify", self.about_requested.emit)
        self.autostart_action = QAction("Start at &login", self)
        """Checkable; hidden where the platform has no autostart the app can set."""
        self.autostart_action.setCheckable(True)
        self.autostart_action.setVisible(False)
        self.autostart_action.toggled.connect(self.autostart_toggled)
        self.menu.addAction(self.autostart_action)
        self.quit_action = self._action("&Quit", self.quit_requested.emit)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self.on_icon_activated)
        self.set_paused(False)
        self.set_state(TrayState.CONNECTING, "obnotify", 0)

    @staticmethod
    def available() -> bool:
        """Whether the desktop has a tray; without one the window is the only way in."""
        return QSystemTrayIcon.isSystemTrayAvailable()

    @property
    def state(self) -> TrayState:
        return self._state

    @property
    def unread(self) -> int:
        return self._unread

    @property
    def style(self) -> TrayStyle:
        return self._style

    def show(self) -> None:
        self.icon.show()

    def hide(self) -> None:
        self.icon.hide()

    def set_state(self, state: TrayState, tooltip: str, unread: int) -> None:
        """Show a state, its tooltip (from ``tray_state.overall_tooltip``) and the unread badge."""
        self._state = state
        self._unread = max(0, unread)
        self.icon.setIcon(tray_icon(state, self._unread, self._style))
        self.icon.setToolTip(tooltip)
        self.mark_all_read_action.setEnabled(self._unread > 0)

    def set_style(self, style: str) -> None:
        """Draw the icon as the settings' ``tray_style`` says, from now on and at once.

        Args:
            style: ``"colour"``, ``"mono-light"`` or ``"mono-dark"`` (a :class:`TrayStyle`);
                the settings have checked it already, so anything else is a bug and raises.
        """
        self._style = TrayStyle(style)
        self.icon.setIcon(tray_icon(self._state, self._unread, self._style))

    def set_nodes(self, nodes: Sequence[tuple[str, str]]) -> None:
        """List the nodes, each as (colour, "name: state"), once there is more than one.

        A lone node needs no submenu: the global entries already act on it.
        """
        listed = nodes if len(nodes) > 1 else ()
        if len(listed) != len(self.node_menus):
            for menu in self.node_menus:
                self.menu.removeAction(menu.menuAction())
                menu.deleteLater()
            self.node_menus = [self._node_menu(index) for index in range(len(listed))]
        for menu, (colour, text) in zip(self.node_menus, listed, strict=True):
            # A node's name is text: an "&" in it is no keyboard shortcut.
            menu.setTitle(text.replace("&", "&&"))
            menu.setIcon(node_marker(colour, MARKER_SIZE))
        self._nodes_end.setVisible(bool(listed))
        self.mark_all_read_action.setText(
            "&Mark all as read (all nodes)" if listed else "&Mark all as read"
        )

    def _node_menu(self, index: int) -> QMenu:
        menu = QMenu()
        self._action("&Open", lambda: self.node_open_requested.emit(index), menu=menu)
        self._action("&Reconnect", lambda: self.node_reconnect_requested.emit(index), menu=menu)
        menu.addSeparator()
        for text, choice in (
            ("&Pause for 1 hour", PauseChoice.HOUR),
            ("Pause until &tomorrow", PauseChoice.TOMORROW),
            ("Re&sume", PauseChoice.RESUME),
        ):
            self._action(
                text, functools.partial(self.on_node_pause_chosen, index, choice), menu=menu
            )
        self.menu.insertMenu(self._nodes_end, menu)
        return menu

    def set_autostart(self, available: bool, enabled: bool) -> None:
        """Show the "Start at login" entry where it works, ticked as it is now, without emitting."""
        self.autostart_action.setVisible(available)
        self.autostart_action.blockSignals(True)
        self.autostart_action.setChecked(enabled)
        self.autostart_action.blockSignals(False)

    def set_paused(self, paused: bool) -> None:
        """Offer "Resume" only while paused."""
        self.resume_action.setEnabled(paused)

    def on_node_pause_chosen(self, index: int, choice: PauseChoice) -> None:
        self.node_pause_requested.emit(index, pause_deadline(choice, self._now()))

    def on_pause_chosen(self, choice: PauseChoice) -> None:
        self.pause_requested.emit(pause_deadline(choice, self._now()))

    def on_icon_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.open_requested.emit()

    def _action(
        self, text: str, slot: Callable[[], object], *, menu: QMenu | None = None
    ) -> QAction:
        action = QAction(text, self)
        action.triggered.connect(lambda _checked=False: slot())
        (menu or self.menu).addAction(action)
        return action
