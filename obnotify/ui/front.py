"""What a later start of the app reaches: the one running app, and what it brings forward.

A second ``obnotify`` hands its ``--node`` (or a plain "show") to the app already
running through the single-instance socket, and says on stderr what happened;
the running app's :class:`Front` shows the window the user expects.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Final

from obnotify.cli.options import AppOptions
from obnotify.ui.single_instance import SHOW, SingleInstance, claim, instance_name, node_request

if TYPE_CHECKING:
    from obnotify.ui.node_controller import NodeController
    from obnotify.ui.single_instance import NodeHandler

__all__ = ["EXIT_BAD_OPTIONS", "Front", "one_app"]

EXIT_BAD_OPTIONS: Final = 2
"""A later start with options that are wrong, as when alone."""


class Front:
    """What a second start of the app brings forward: the first node's window, else what is shown.

    A start that comes while nothing is on screen and no node is open yet (the app is still
    loading) is kept, and the first node's window shows once the node is open.
    """

    def __init__(self) -> None:
        self._controllers: list[NodeController] = []
        self._asked = False
        self._instance: SingleInstance | None = None

    def listen(self, instance: SingleInstance) -> None:
        """Answer the later starts that ``instance`` hears of."""
        self._instance = instance
        instance.activated.connect(self.bring_forward)

    def offer_nodes(self, offer: NodeHandler) -> None:
        """What to do with a node a later start was given, now that the nodes can change."""
        if self._instance is not None:
            self._instance.on_node = offer

    def watching(self, controllers: list[NodeController]) -> None:
        """The nodes now watched, first node first (none while they are closed)."""
        self._controllers = controllers
        if self._asked and controllers:
            self._asked = False
            controllers[0].show_window()

    def bring_forward(self) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QApplication

        if self._controllers:
            self._controllers[0].show_window()
            return
        shown = [
            widget
            for widget in QApplication.topLevelWidgets()
            if widget.isVisible()
            and widget.windowType() in (Qt.WindowType.Window, Qt.WindowType.Dialog)
            # On X11 the tray icon is drawn in a window of Qt's own: it is not one to raise.
            and widget.metaObject().className() != "QSystemTrayIconSys"
        ]
        for widget in shown:
            widget.raise_()
            widget.activateWindow()
        self._asked = not shown


def one_app(options: AppOptions, front: Front) -> SingleInstance | int | None:
    """Become the one app of this user, or hand ``options`` to the one running.

    Returns this app's end of the socket; or, when another app runs, the exit status of
    this start, once it has said on stderr what happened (wrong options are told as a start
    alone tells them, and handed to no one); or None where no private socket can be had.
    """
    from obnotify.cli.handover import node_fields, not_handed_on, option_problem

    problem = option_problem(options)
    name = instance_name()
    if name is None:
        _say(
            "no private folder for the socket that keeps obnotify to one app: this one runs "
            "without it"
        )
        return None
    request = None if problem else node_request(node_fields(options)) if options.node else SHOW
    claimed = claim(name, request)
    if not isinstance(claimed, str):
        front.listen(claimed)
        return claimed
    if problem:
        _say(problem)
        return EXIT_BAD_OPTIONS
    _say(claimed or "obnotify is already running: it was asked to show its window.", "")
    if ignored := not_handed_on(options):
        _say(
            f"not taken by the running app: {', '.join(ignored)} (quit it and start obnotify "
            "again to use them)"
        )
    return 0


def _say(text: str, prefix: str = "obnotify: ") -> None:
    """A line on stderr for the one who typed the command (a windowed build has no stderr)."""
    if sys.stderr is not None:
        print(prefix + text, file=sys.stderr)
