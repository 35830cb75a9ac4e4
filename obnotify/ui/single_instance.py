"""One tray app per user: a second start asks the running one to show its window, then exits.

Two apps would watch the same nodes twice: two icons, every toast twice, two writers of
one history. The first app listens on a local socket named for the user; a later start
connects to it, says ``show`` and ends. A socket left by an app that was killed accepts no
connection: it is removed and this start listens in its place.

This runs before the tray icon is shown, so it loads QtNetwork and nothing else.
"""

from __future__ import annotations

import getpass
import os
from typing import Final

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

__all__ = ["SingleInstance", "claim", "instance_name"]

CONNECT_TIMEOUT_MS: Final = 1000
"""How long a second start waits for the running app; a live one answers at once."""
SHOW: Final = b"show\n"


def instance_name() -> str:
    """The socket's name: in the user's runtime folder where there is one, else named for the user.

    Qt puts a bare name in the temporary folder (or the user's named pipes on Windows), so it
    carries the user's name to keep two users on one computer apart.
    """
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    if runtime and os.path.isdir(runtime):
        return os.path.join(runtime, "obnotify-instance")
    try:
        user = getpass.getuser()
    except (OSError, KeyError):
        user = str(os.getuid()) if hasattr(os, "getuid") else "user"
    return f"obnotify-{user}"


class SingleInstance(QObject):
    """The running app's end of the socket: ``activated`` once a later start asks to be shown."""

    activated = Signal()

    def __init__(self, server: QLocalServer, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._server = server
        server.setParent(self)
        server.newConnection.connect(self._accept)

    @property
    def server_name(self) -> str:
        """Where the socket is (a path on Unix); for logs."""
        return self._server.fullServerName()

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)
            self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        """Whatever else may come on the socket is ignored: any local program can write to it."""
        if socket.canReadLine() and bytes(socket.readLine().data()) == SHOW:
            self.activated.emit()
            socket.disconnectFromServer()

    def close(self) -> None:
        """Stop listening and remove the socket, so the next start is the first again."""
        self._server.close()


def _tell_running(name: str) -> bool:
    """Whether an app listens on ``name``; if so it has been asked to show its window."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(CONNECT_TIMEOUT_MS):
        return False
    socket.write(SHOW)
    socket.waitForBytesWritten(CONNECT_TIMEOUT_MS)
    socket.disconnectFromServer()
    if socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
        socket.waitForDisconnected(CONNECT_TIMEOUT_MS)
    return True


def claim(name: str, parent: QObject | None = None) -> SingleInstance | None:
    """Become the one app under ``name``, or tell the one running to show itself.

    Returns the running app's end of the socket, or None when another app runs and has been
    told; then this start is to exit. If the socket cannot be made at all, this app runs alone
    without it rather than not at all (a second start would then run too).
    """
    if _tell_running(name):
        return None
    server = QLocalServer()
    server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
    if not server.listen(name):
        # Another start may have begun listening since; else the socket is one left behind.
        if _tell_running(name):
            return None
        QLocalServer.removeServer(name)
        server.listen(name)
    return SingleInstance(server, parent)
