"""The nodes watched while the app runs: opening them behind the one tray icon, and closing them.

The room also holds what every node shares: the toast router, the tray icon with the app's
own menu entries (Settings, About, Help, start at login, Quit, the icon's style) and the
window a later start brings forward. The parts of a node load with its first opening,
behind the icon; About and Help load when first asked for.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from obnotify import __version__

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMessageBox

    from obnotify.cli.options import AppOptions
    from obnotify.node.config import NodeConfig
    from obnotify.node.factory import NodeParts
    from obnotify.settings.values import Settings
    from obnotify.ui.front import Front
    from obnotify.ui.help import HelpWindow
    from obnotify.ui.node_controller import NodeController
    from obnotify.ui.settings_slot import SettingsSlot
    from obnotify.ui.toasts import ToastRouter
    from obnotify.ui.tray import Tray
    from obnotify.ui.tray_board import TrayBoard

__all__ = ["NodeRoom", "Watched"]

log = logging.getLogger(__name__)

SHUTDOWN_TIMEOUT: Final = 5.0
"""Seconds the sessions get to close their sockets with a goodbye before the stores close."""


@dataclass(frozen=True, slots=True)
class Watched:
    """One node while the app runs: its parts, its controller and the task running its session."""

    parts: NodeParts
    controller: NodeController
    run: asyncio.Task[None]


class NodeRoom:
    """What every node shares while the app runs, and the opening of the nodes in it."""

    def __init__(
        self,
        options: AppOptions,
        toasts: ToastRouter,
        ob_handler: bool,
        quit_event: asyncio.Event,
        settings_window: SettingsSlot,
        front: Front,
    ) -> None:
        self.options = options
        self.front = front
        self.toasts = toasts
        self.ob_handler = ob_handler
        self.quit_event = quit_event
        self.settings_window = settings_window
        self._board: TrayBoard | None = None
        """The one tray icon of every node; it stays while the nodes are opened again,
        and with no node enabled it keeps the settings in reach."""
        self._help: HelpWindow | None = None
        """The guide's window once opened; closing it only hides it."""
        self._about: QMessageBox | None = None
        """The About box once opened; closing it only hides it."""

    def show_help(self) -> None:
        """One help window for the run: asking again brings it forward."""
        from obnotify.ui.help import show_help

        self._help = show_help(self._help)

    def set_tray_style(self, style: str) -> None:
        """Draw the tray icon as the settings' ``tray_style`` says."""
        if self._board is not None:
            self._board.tray.set_style(style)

    def show_about(self) -> None:
        """One About box for the run: asking again brings it forward."""
        from obnotify.app_log import log_path
        from obnotify.settings.location import default_config_path
        from obnotify.ui.about import show_about

        config = Path(self.options.config) if self.options.config else default_config_path()
        self._about = show_about(
            config, self.options.connection.data_path(), log_path(), self._about
        )

    def set_autostart(self, enabled: bool) -> None:
        """Start at login as the settings now say, and tick the tray menus to match."""
        from obnotify.desktop import autostart

        if not autostart.supported():
            return
        # The login start watches what this start does, the same way.
        autostart.set_enabled(enabled, autostart.login_args(self.options))
        if self._board is not None:
            self._board.tray.set_autostart(True, autostart.is_enabled())

    async def open(
        self,
        configs: list[NodeConfig],
        settings: Settings,
        first_tray: Tray | None,
        tray_available: bool,
        typed_password: str,
    ) -> list[Watched]:
        """Open each node behind the one tray icon (``first_tray`` on the first call) and start it."""
        from obnotify.node.factory import open_node
        from obnotify.ui.node_controller import NodeController
        from obnotify.ui.shared_window import SharedWindow

        if tray_available and self._board is None:
            self._board = self._make_board(first_tray)
        self.set_tray_style(settings.tray_style)
        connection = self.options.connection
        data_dir = connection.data_path()
        if self.options.demo and not connection.data_dir:
            data_dir = data_dir / "demo"
        opened: list[NodeParts] = []
        for config in configs:
            try:
                opened.append(
                    open_node(
                        config,
                        data_dir=data_dir,
                        cache_dir=connection.cache_path(),
                        history_cap=settings.history_limit,
                    )
                )
            except BaseException:
                for parts in opened:
                    await parts.close()
                raise
        # One window for every node, built when first opened.
        window = SharedWindow(
            [parts.store for parts in opened],
            [parts.session.config.display_name for parts in opened],
            ob_handler=self.ob_handler,
        )
        nodes: list[Watched] = []
        for index, parts in enumerate(opened):
            config = parts.session.config
            controller = NodeController(
                parts.session,
                window,
                self._board,
                self.toasts,
                place=index,
                ob_handler=self.ob_handler,
            )
            parts.session.listener = controller
            if index == 0 and typed_password:
                controller.keep_password_when_accepted(typed_password)
            controller.start()
            nodes.append(Watched(parts, controller, asyncio.create_task(parts.session.run())))
            log.info("obnotify %s watching %s", __version__, config.display_name)
        if self._board is None and nodes:
            window.show()
        self.front.watching([node.controller for node in nodes])
        if self._board is not None:
            self._board.redraw()
            self._board.tray.show()
        return nodes

    async def shut_down(self, nodes: list[Watched]) -> None:
        """Close the nodes opened: each socket with a goodbye, then its store, then the window."""
        self.front.watching([])
        for node in nodes:
            node.parts.session.stop()
        with contextlib.suppress(TimeoutError, asyncio.CancelledError):
            await asyncio.wait_for(asyncio.gather(*(node.run for node in nodes)), SHUTDOWN_TIMEOUT)
        for node in nodes:
            node.controller.stop()
            await node.parts.close()
            node.controller.deleteLater()
        if nodes:
            nodes[0].controller.window.close()

    def _make_board(self, first_tray: Tray | None) -> TrayBoard:
        """The one tray icon, its global entries wired once for the whole run."""
        from obnotify.desktop import autostart
        from obnotify.ui.tray import Tray
        from obnotify.ui.tray_board import TrayBoard

        tray = first_tray if first_tray is not None else Tray()
        board = TrayBoard(tray, self.toasts, on_idle_open=self.settings_window.show)
        # Not app.quit: that stops the loop under this coroutine, so the
        # sessions and stores would never be closed.
        tray.quit_requested.connect(self.quit_event.set)
        tray.settings_requested.connect(self.settings_window.show)
        tray.about_requested.connect(self.show_about)
        tray.help_requested.connect(self.show_help)
        tray.set_autostart(autostart.supported(), autostart.is_enabled())
        tray.autostart_toggled.connect(self.set_autostart)
        return board
