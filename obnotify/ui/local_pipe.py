"""The single-instance channel where Python has no Unix-domain socket (Windows): QtNetwork's
local socket, a named pipe of the user's session there.

Loaded only on such systems, since QtNetwork costs 2 MiB that the app keeps for its whole
life; elsewhere :mod:`obnotify.ui.local_socket` does the same with Python's own socket.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Final

from PySide6.QtCore import QObject
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from obnotify.ui.local_socket import MAX_LINE, TIMEOUT, peer_is_user

__all__ = ["PipeListener", "ask", "listen", "remove"]

TIMEOUT_MS: Final = int(TIMEOUT * 1000)


def _peer_is_user(sock: QLocalSocket) -> bool:
    """Whether the other end runs as this user where the system can tell (Linux)."""
    descriptor = int(sock.socketDescriptor())
    if not hasattr(socket, "SO_PEERCRED") or descriptor < 0:
        return True
    with socket.fromfd(descriptor, socket.AF_UNIX, socket.SOCK_STREAM) as peer:
        return peer_is_user(peer)


def ask(name: str, request: bytes | None) -> bytes | None:
    """As :func:`obnotify.ui.local_socket.ask`, over Qt's local socket."""
    sock = QLocalSocket()
    sock.connectToServer(name)
    if not sock.waitForConnected(TIMEOUT_MS):
        return None
    if not _peer_is_user(sock):
        sock.abort()
        return None
    answer = b""
    if request is not None:
        sock.write(request)
        sock.waitForBytesWritten(TIMEOUT_MS)
        while not sock.canReadLine() and sock.waitForReadyRead(TIMEOUT_MS):
            pass
        if sock.canReadLine():
            answer = bytes(sock.readLine(MAX_LINE).data())
    sock.disconnectFromServer()
    if sock.state() != QLocalSocket.LocalSocketState.UnconnectedState:
        sock.waitForDisconnected(TIMEOUT_MS)
    return answer


class PipeListener(QObject):
    """As :class:`obnotify.ui.local_socket.Listener`, over Qt's local server."""

    def __init__(
        self, server: QLocalServer, answer: Callable[[bytes], str], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._server = server
        server.setParent(self)
        server.newConnection.connect(self._accept)
        self._answer = answer

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            conn = self._server.nextPendingConnection()
            conn.disconnected.connect(conn.deleteLater)
            if not _peer_is_user(conn):
                conn.abort()
                continue
            conn.readyRead.connect(lambda c=conn: self._read(c))
            self._read(conn)

    def _read(self, conn: QLocalSocket) -> None:
        if not conn.canReadLine():
            if conn.bytesAvailable() > MAX_LINE:
                conn.abort()
            return
        answer = self._answer(bytes(conn.readLine(MAX_LINE).data()))
        if answer:
            conn.write(answer.encode() + b"\n")
            conn.flush()
        conn.disconnectFromServer()

    def close(self) -> None:
        """Stop listening and remove the socket, so the next start is the first again."""
        self._server.close()


def listen(
    name: str, answer: Callable[[bytes], str], parent: QObject | None = None
) -> PipeListener | None:
    """Listen at ``name`` (the user's alone), or None when the name is taken."""
    server = QLocalServer()
    server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
    if not server.listen(name):
        return None
    return PipeListener(server, answer, parent)


def remove(name: str) -> None:
    """Remove a socket left at ``name`` by an app that is gone."""
    QLocalServer.removeServer(name)
