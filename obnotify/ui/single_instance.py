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

This runs before the tray icon is shown, so it loads as little as it can: on Linux and
macOS a Unix-domain socket of Python's own, watched by Qt's loop
(:mod:`obnotify.ui.local_socket`); only where Python has none (Windows), QtNetwork's local
socket (:mod:`obnotify.ui.local_pipe`).
"""

from __future__ import annotations

import json
import os
import socket
import stat
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Final, Protocol

from PySide6.QtCore import QObject, Signal

__all__ = [
    "SHOW",
    "Channel",
    "NodeHandler",
    "SingleInstance",
    "ask_running",
    "claim",
    "instance_name",
    "node_request",
]

SHOW: Final = b"show\n"
NODE: Final = b"node "
"""A node to add: ``node`` and the node's settings fields as a JSON object, on one line."""
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
        import getpass

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


class Listening(Protocol):
    """A channel's running end, from :meth:`Channel.listen`."""

    def close(self) -> None:
        """Stop listening and remove the name, so the next start is the first again."""
        ...


class Channel(Protocol):
    """How a later start reaches the running app: a module, one per kind of local socket."""

    def ask(self, name: str, request: bytes | None) -> bytes | None:
        """The running app's one-line answer to ``request``, or None when none listens."""
        ...

    def listen(
        self, name: str, answer: Callable[[bytes], str], parent: QObject | None = None
    ) -> Listening | None:
        """Listen at ``name``, each line handed to ``answer``; None when the name is taken."""
        ...

    def remove(self, name: str) -> None:
        """Remove what an app that is gone left at ``name``."""
        ...


def local_channel() -> Channel:
    """A Unix-domain socket where Python has one; QtNetwork's named pipe elsewhere (Windows)."""
    if hasattr(socket, "AF_UNIX"):
        from obnotify.ui import local_socket

        return local_socket
    from obnotify.ui import local_pipe

    return local_pipe


class SingleInstance(QObject):
    """The running app's end of the channel: ``activated`` once a later start asks to be shown,
    :attr:`on_node` for a node it was given."""

    activated = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.on_node: NodeHandler = _starting
        """Set by the app once its nodes are open; until then a node is turned away."""
        self._listening: Listening | None = None

    def listen_on(self, listening: Listening | None) -> None:
        """Answer what comes on ``listening`` (None: the channel could not be made)."""
        self._listening = listening

    def answer(self, line: bytes) -> str:
        """What to say to a later start's line; whatever is no request is answered with nothing."""
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
        if self._listening is not None:
            self._listening.close()


def ask_running(name: str, request: bytes | None, channel: Channel | None = None) -> str | None:
    """Hand ``request`` to the app listening on ``name``; returns its answer ("" for none),
    or None when no app of this user's listens there.

    A ``request`` of None only asks whether one runs.
    """
    answer = (channel or local_channel()).ask(name, request)
    return None if answer is None else answer.decode("utf-8", "replace").strip()


def claim(
    name: str,
    request: bytes | None = SHOW,
    parent: QObject | None = None,
    channel: Channel | None = None,
) -> SingleInstance | str:
    """Become the one app under ``name``, or hand ``request`` to the one running.

    Returns the running app's end of the channel, or the answer of the app already running
    (then this start is to exit). If the socket cannot be made at all, this app runs alone
    without it rather than not at all (a second start would then run too).
    """
    channel = channel or local_channel()
    answer = ask_running(name, request, channel)
    if answer is not None:
        return answer
    instance = SingleInstance(parent)
    listening = channel.listen(name, instance.answer, instance)
    if listening is None:
        # Another start may have begun listening since; else the socket is one left behind.
        answer = ask_running(name, request, channel)
        if answer is not None:
            instance.deleteLater()
            return answer
        channel.remove(name)
        listening = channel.listen(name, instance.answer, instance)
    instance.listen_on(listening)
    return instance
