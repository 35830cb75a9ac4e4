"""The settings as typed values: what the app runs with and the settings window edits.

The ranges here are the one source for the file's checks (:mod:`.schema`) and the
settings window's spin boxes.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Final

from obnotify.core.policy import NotificationSettings
from obnotify.core.tray_state import TrayStyle
from obnotify.node.config import NodeConfig, make_config

__all__ = [
    "BURST_LIMITS",
    "HISTORY_LIMIT",
    "HISTORY_LIMITS",
    "NodeEntry",
    "Settings",
]

HISTORY_LIMIT: Final = 100_000
"""Events kept per node unless the file says otherwise."""
HISTORY_LIMITS: Final = (1, 10_000_000)
"""The least and most events kept per node: the file and the settings window take these."""
BURST_LIMITS: Final = (1, 100_000)
"""The least and most toasts shown one by one within the burst window, in the file and window;
the most is a way to turn summaries off (the benchmarks measure each toast that way)."""


@dataclass(frozen=True)
class NodeEntry:
    """One ``[[node]]`` table, before credentials are looked up.

    ``auth`` and ``tls`` say which of the other fields are in use: a file written
    before they existed is read by what it has (a ``user`` is basic auth, a ``pin``
    is pinning).
    """

    url: str
    name: str = ""
    enabled: bool = True
    auth: str = ""
    """``none``, ``basic`` or ``cookie``; left empty, it follows from ``user`` and ``cookie_file``."""
    user: str = ""
    cookie_file: str = ""
    tls: str = ""
    """``system``, ``ca`` or ``pin``; left empty, it follows from ``ca`` and ``pin``."""
    ca: str = ""
    pin: str = ""
    proxy: str = ""
    allow_insecure_auth: bool = False
    kind: str = "ob"
    """``ob``, ``mobazha`` or ``auto`` (asked at connect); a Mobazha token is kept in the keyring."""

    def __post_init__(self) -> None:
        if not self.auth:
            auth = "basic" if self.user else "cookie" if self.cookie_file else "none"
            object.__setattr__(self, "auth", auth)
        if not self.tls:
            object.__setattr__(self, "tls", "pin" if self.pin else "ca" if self.ca else "system")

    def in_use(self) -> NodeEntry:
        """The entry with the fields its ``auth`` and ``tls`` do not use blanked.

        A user may switch from basic auth to a cookie and back in the window: the
        other choice's value is kept in the entry but never reaches the connection.
        """
        return replace(
            self,
            user=self.user if self.auth == "basic" else "",
            cookie_file=self.cookie_file if self.auth == "cookie" else "",
            ca=self.ca if self.tls == "ca" else "",
            pin=self.pin if self.tls == "pin" else "",
        )

    def node_config(self, password: str, token: str = "") -> NodeConfig:
        """The node to open for this entry, with only its chosen auth and TLS, and ``password``.

        The app, and the settings window's checks, open a node the same way.

        Raises:
            ConfigError: The entry cannot be used as it is; the message says what to fix.
        """
        entry = self.in_use()
        return make_config(
            entry.url,
            username=entry.user,
            password=password,
            cookie_file=entry.cookie_file,
            ca_file=entry.ca,
            pin=entry.pin,
            allow_insecure_auth=entry.allow_insecure_auth,
            name=entry.name,
            proxy=entry.proxy,
            kind=entry.kind,
            token=token,
        )


@dataclass(frozen=True)
class Settings:
    """The whole file: what the app runs with and the settings window edits."""

    nodes: tuple[NodeEntry, ...] = ()
    notifications: NotificationSettings = field(default_factory=NotificationSettings)
    """The ``[notifications]`` table: one value every node's toasts follow."""
    history_limit: int = HISTORY_LIMIT
    start_at_login: bool = False
    tray_style: TrayStyle = TrayStyle.COLOUR
    warnings: tuple[str, ...] = ()
    """Unknown keys, each with the nearest known one: for the app to show."""
    path: Path | None = None

    @property
    def enabled_nodes(self) -> tuple[NodeEntry, ...]:
        return tuple(node for node in self.nodes if node.enabled)
