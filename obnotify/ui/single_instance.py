"""One tray app per user: a later start hands its request to the running one, then exits.

Two apps would watch the same nodes twice: two icons, every toast twice, two writers of
one history. The first app listens on a local socket of the user's own; a later start
connects to it, says what it was started for (``show``, or a node to add) in one line, reads
the one line the running app answers (what it did), and ends. A socket left by an app that
was killed accepts no connection: it is removed and this start listens in its place.

The socket lives in a folder only the user can enter (the runtime folder, else one made
for the user and checked: a folder, the user's own, mode 0700), so another user can
neither take the name first nor leave a file there; on Linux each end also checks that the
other runs as the same user (``SO_PEERCRED``).

This runs before the tray icon is shown, so it loads QtNetwork and nothing else.
"""

from __future__ import annotations

import getpass
import json
import os
import socket
import stat
import struct
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Final

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

__all__ = [
    "SHOW",
    "NodeHandler",
    "SingleInstance",
    "ask_running",
    "claim",
    "instance_name",
    "node_request",
]

CONNECT_TIMEOUT_MS: Final = 1000
"""How long a second start waits for the running app; a live one answers at once."""
SHOW: Final = b"show\n"
NODE: Final = b"node "
"""A node to add: ``node`` and the node's settings fields as a JSON object, on one line."""
MAX_REQUEST: Final = 16 * 1024
"""A request is one short line; a longer one is no request of obnotify's."""
SOCKET_PATH_MAX: Final = 100
"""Unix socket paths are limited to about 100 bytes (108 on Linux, 104 on macOS)."""
_SHOWN: Final = "obnotify is already running: its window is shown"
_STARTING: Final = (
    "obnotify is already running, still opening its nodes: start this again in a moment"
)

NodeHandler = Callable[[Mapping[str, str]], str]
"""What the running app does with a node a later start was given; returns what it did."""


def _is_private(path: Path) -> bool:
    """Whether ``path`` is a real folder of the user's own that no one else can enter."""
    try:
        info = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o077


def _private_folder(path: Path) -> bool:
    """Make ``path`` a private folder if it is not there yet; whether it is one now."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.mkdir(mode=0o700)
    except FileExistsError:
        pass
    except OSError:
        return False
    return _is_private(path)


def _fallback_folder() -> Path:
    """The user's own cache folder: used when the temporary folder's name is taken."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("obnotify", appauthor=False)) / "instance"


def instance_name() -> str | None:
    """The socket's path in a private folder, or None when no such folder can be had.

    The runtime folder (``$XDG_RUNTIME_DIR``) when it is private as the standard says,
    else ``obnotify-<uid>`` in the temporary folder, else a folder in the user's cache:
    a name in a shared folder could be taken first by another user. On Windows Qt makes a
    named pipe of the user's session.
    """
    if not hasattr(os, "getuid"):
        try:
            user = getpass.getuser()
        except (OSError, KeyError):
            user = "user"
        return f"obnotify-{user}"
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    if runtime and _is_private(Path(runtime)):
        return os.path.join(runtime, "obnotify-instance")
    for folder in (Path(tempfile.gettempdir()) / f"obnotify-{os.getuid()}", _fallback_folder()):
        name = str(folder / "instance")
        if len(name) < SOCKET_PATH_MAX and _private_folder(folder):
            return name
    return None


def _peer_is_user(sock: QLocalSocket) -> bool:
    """Whether the other end runs as this user (Linux); elsewhere the private folder decides."""
    option = getattr(socket, "SO_PEERCRED", None)
    descriptor = int(sock.socketDescriptor())
    if option is None or descriptor < 0:
        return True
    with socket.fromfd(descriptor, socket.AF_UNIX, socket.SOCK_STREAM) as peer:
        credentials = peer.getsockopt(socket.SOL_SOCKET, option, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", credentials)
    return bool(uid == os.getuid())


def node_request(fields: Mapping[str, str]) -> bytes:
    """The line that hands a node (its settings fields) to the running app."""
    return NODE + json.dumps(dict(fields)).encode() + b"\n"


def _node_fields(line: bytes) -> dict[str, str] | None:
    """The fields of a node request, or None for a line that is not one."""
    try:
        fields = json.loads(line[len(NODE) :])
    except ValueError:
        return None
    if not isinstance(fields, dict) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in fields.items()
    ):
        return None
    return fields


def _starting(_fields: Mapping[str, str]) -> str:
    return _STARTING


class SingleInstance(QObject):
    """The running app's end of the socket: ``activated`` once a later start asks to be shown,
    :attr:`on_node` for a node it was given."""

    activated = Signal()

    def __init__(self, server: QLocalServer, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._server = server
        server.setParent(self)
        server.newConnection.connect(self._accept)
        self.on_node: NodeHandler = _starting
        """Set by the app once its nodes are open; until then a node is turned away."""

    @property
    def server_name(self) -> str:
        """Where the socket is (a path on Unix); for logs."""
        return self._server.fullServerName()

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
        """Whatever else may come on the socket is ignored: it is answered with nothing."""
        if not conn.canReadLine():
            if conn.bytesAvailable() > MAX_REQUEST:
                conn.abort()
            return
        answer = self._answer(bytes(conn.readLine(MAX_REQUEST).data()))
        if answer:
            conn.write(answer.encode() + b"\n")
            conn.flush()
        conn.disconnectFromServer()

    def _answer(self, line: bytes) -> str:
        if line == SHOW:
            self.activated.emit()
            return _SHOWN
        if line.startswith(NODE) and line.endswith(b"\n"):
            fields = _node_fields(line)
            if fields is not None:
                return self.on_node(fields)
        return ""

    def close(self) -> None:
        """Stop listening and remove the socket, so the next start is the first again."""
        self._server.close()


def ask_running(name: str, request: bytes | None) -> str | None:
    """Hand ``request`` to the app listening on ``name``; returns its answer ("" for none),
    or None when no app of this user's listens there.

    A ``request`` of None only asks whether one runs.
    """
    sock = QLocalSocket()
    sock.connectToServer(name)
    if not sock.waitForConnected(CONNECT_TIMEOUT_MS):
        return None
    if not _peer_is_user(sock):
        sock.abort()
        return None
    answer = b""
    if request is not None:
        sock.write(request)
        sock.waitForBytesWritten(CONNECT_TIMEOUT_MS)
        while not sock.canReadLine() and sock.waitForReadyRead(CONNECT_TIMEOUT_MS):
            pass
        if sock.canReadLine():
            answer = bytes(sock.readLine(MAX_REQUEST).data())
    sock.disconnectFromServer()
    if sock.state() != QLocalSocket.LocalSocketState.UnconnectedState:
        sock.waitForDisconnected(CONNECT_TIMEOUT_MS)
    return answer.decode("utf-8", "replace").strip()


def claim(
    name: str, request: bytes | None = SHOW, parent: QObject | None = None
) -> SingleInstance | str:
    """Become the one app under ``name``, or hand ``request`` to the one running.

    Returns the running app's end of the socket, or the answer of the app already running
    (then this start is to exit). If the socket cannot be made at all, this app runs alone
    without it rather than not at all (a second start would then run too).
    """
    answer = ask_running(name, request)
    if answer is not None:
        return answer
    server = QLocalServer()
    server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
    if not server.listen(name):
        # Another start may have begun listening since; else the socket is one left behind.
        answer = ask_running(name, request)
        if answer is not None:
            return answer
        QLocalServer.removeServer(name)
        server.listen(name)
    return SingleInstance(server, parent)
