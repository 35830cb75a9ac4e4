"""A node's connection state, as every part of the app names it.

The socket link sets it, the tray, the window and ``obnotify watch`` show it.
It lives in the core so that the pure rules deriving what the tray draws can
take the enum itself rather than its display string.
"""

from __future__ import annotations

import enum

__all__ = ["ConnState"]


class ConnState(enum.StrEnum):
    """What the rest of the app shows about a node's connection.

    The values are the wire names ``obnotify watch`` prints.
    """

    CONNECTING = "connecting"
    CONNECTED = "connected"
    UNREACHABLE = "unreachable"
    AUTH_FAILED = "auth-failed"
    TLS_FAILED = "tls-failed"
    STOPPED = "stopped"
