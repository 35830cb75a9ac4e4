"""The single-instance channel on Linux and macOS: a Unix-domain socket, watched by Qt's loop.

Python's own socket module does the talking and a QtCore ``QSocketNotifier`` wakes the
running app when a later start connects or writes, so the app never loads QtNetwork (2 MiB
of library pages it would keep for the life of the process only to hear "show").

The socket's folder is private (see :func:`obnotify.ui.single_instance.instance_name`), the
socket itself is the user's alone, and on Linux each end checks that the other runs as the
same user (``SO_PEERCRED``).
"""

from __future__ import annotations

import contextlib
import os
import socket
import struct
from collections.abc import Callable
from typing import Final

from PySide6.QtCore import QObject, QSocketNotifier

__all__ = ["TIMEOUT", "Listener", "ask", "listen", "peer_is_user", "remove"]

TIMEOUT: Final = 1.0
"""Seconds a later start waits for the running app at each step; a live one answers at once."""
MAX_LINE: Final = 16 * 1024
"""A request or an answer is one short line; a longer one is no line of obnotify's."""
SOCKET_MODE: Final = 0o600
"""Only the user may connect to the socket (its folder is private too)."""
_CHUNK: Final = 4096


def peer_is_user(sock: socket.socket) -> bool:
    """Whether the other end runs as this user (Linux); elsewhere the private folder decides."""
    option = getattr(socket, "SO_PEERCRED", None)
    if option is None:
        return True
    credentials = sock.getsockopt(socket.SOL_SOCKET, option, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", credentials)
    return bool(uid == os.getuid())


def _line_of(data: bytes) -> bytes | None:
    """The first whole line of ``data`` with its newline, None while there is none yet."""
    end = data.find(b"\n", 0, MAX_LINE)
    return None if end < 0 else data[: end + 1]


def ask(name: str, request: bytes | None) -> bytes | None:
    """Hand ``request`` to the app listening at ``name``; returns its one-line answer (b"" for
    none), or None when no app of this user's listens there. None only asks whether one runs."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(TIMEOUT)
        try:
            sock.connect(name)
        except OSError:
            return None
        if not peer_is_user(sock):
            return None
        if request is None:
            return b""
        received = b""
        try:
            sock.sendall(request)
            while _line_of(received) is None and len(received) <= MAX_LINE:
                chunk = sock.recv(_CHUNK)
                if not chunk:
                    break
                received += chunk
        except OSError:
            pass
        return _line_of(received) or b""


class _Talk:
    """One connection of a later start: its bytes until the first line, then the answer."""

    def __init__(self, conn: socket.socket, notifier: QSocketNotifier) -> None:
        self.conn = conn
        self.notifier = notifier
        self.received = b""


class Listener(QObject):
    """The running app's end: each line a later start writes is handed to ``answer``, whose
    reply ("" for none) is written back before the connection is closed.

    A connection from another user is closed unread; one that writes more than a line's
    worth without a newline is closed unanswered.
    """

    def __init__(
        self,
        sock: socket.socket,
        name: str,
        answer: Callable[[bytes], str],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._sock = sock
        self.name = name
        """Where the socket is; for logs."""
        self._inode = os.stat(name).st_ino
        """The socket file this app made: closing removes it only while it is still this one."""
        self._answer = answer
        self._talks: set[_Talk] = set()
        self._notifier = QSocketNotifier(sock.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._accept)

    def _accept(self) -> None:
        while True:
            try:
                conn, _address = self._sock.accept()
            except OSError:  # none waiting (BlockingIOError), or the peer gave up already
                return
            if not peer_is_user(conn):
                conn.close()
                continue
            conn.setblocking(False)
            talk = _Talk(conn, QSocketNotifier(conn.fileno(), QSocketNotifier.Type.Read, self))
            talk.notifier.activated.connect(lambda *_args, talk=talk: self._read(talk))
            self._talks.add(talk)

    def _read(self, talk: _Talk) -> None:
        try:
            chunk = talk.conn.recv(_CHUNK)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        talk.received += chunk
        line = _line_of(talk.received)
        if line is not None:
            self._reply(talk, self._answer(line))
        elif not chunk or len(talk.received) > MAX_LINE:
            self._end(talk)

    def _reply(self, talk: _Talk, answer: str) -> None:
        if answer:
            talk.conn.settimeout(TIMEOUT)
            with contextlib.suppress(OSError):
                talk.conn.sendall(answer.encode() + b"\n")
        self._end(talk)

    def _end(self, talk: _Talk) -> None:
        talk.notifier.setEnabled(False)
        talk.notifier.deleteLater()
        talk.conn.close()
        self._talks.discard(talk)

    def close(self) -> None:
        """Stop listening and remove the socket, so the next start is the first again."""
        for talk in list(self._talks):
            self._end(talk)
        self._notifier.setEnabled(False)
        self._sock.close()
        with contextlib.suppress(OSError):
            if os.stat(self.name).st_ino == self._inode:
                os.unlink(self.name)


def listen(
    name: str, answer: Callable[[bytes], str], parent: QObject | None = None
) -> Listener | None:
    """Listen at ``name``, or None when the name is taken (or cannot be made)."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.bind(name)
        os.chmod(name, SOCKET_MODE)
        sock.listen()
        sock.setblocking(False)
        return Listener(sock, name, answer, parent)
    except OSError:
        sock.close()
        return None


def remove(name: str) -> None:
    """Remove a socket left at ``name`` by an app that is gone."""
    with contextlib.suppress(OSError):
        os.unlink(name)
