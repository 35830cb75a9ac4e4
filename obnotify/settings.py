"""The user's settings file: which nodes to watch and how to be notified.

``config.toml`` in the platform's config dir (``$XDG_CONFIG_HOME/obnotify`` on
Linux). User choices live here; machine state (cursors, seen ids, balances)
lives in the store. Passwords are never here: they are in the OS keyring.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Any

import platformdirs

from obnotify import APP_NAME
from obnotify.core.policy import BURST_LIMIT, NotificationSettings, QuietHours
from obnotify.core.render import Category
from obnotify.node.config import ConfigError

__all__ = ["NodeEntry", "Settings", "default_config_path", "load_settings"]

HISTORY_LIMIT = 100_000

EXAMPLE = """\
# obnotify settings. Passwords are kept in the OS keyring, never here.

[[node]]
name = "My store"                 # shown in the tray tooltip and window title
url = "http://127.0.0.1:4002"     # http(s)://host:port of the node's API
# user = "alice"                  # basic auth; the password is asked once and kept in the keyring
# cookie_file = "~/.openbazaar/.cookie"   # cookie auth instead
# ca = "~/.openbazaar/ssl/rootCA.crt"     # a TLS node's own CA
# pin = "ab12..."                 # or the SHA-256 fingerprint of its certificate

[notifications]
# muted = ["followers"]           # orders, disputes, chat, followers, funds, other
# quiet_hours = "22:00-07:00"     # only critical toasts during these hours
# burst_limit = 3                 # more toasts than this within 10 s fold into a summary

[history]
# limit = 100000                  # events kept per node; the oldest go first
"""


@dataclass(frozen=True)
class NodeEntry:
    """One ``[[node]]`` table, before credentials are looked up."""

    url: str
    name: str = ""
    user: str = ""
    cookie_file: str = ""
    ca: str = ""
    pin: str = ""
    allow_insecure_auth: bool = False


@dataclass(frozen=True)
class Settings:
    """The whole file, read once at start."""

    nodes: tuple[NodeEntry, ...] = ()
    notifications: NotificationSettings = field(default_factory=NotificationSettings)
    """The ``[notifications]`` table: one value every node's toasts follow."""
    history_limit: int = HISTORY_LIMIT
    path: Path | None = None


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def _text(table: dict[str, Any], key: str, where: str) -> str:
    value = table.get(key, "")
    if not isinstance(value, str):
        raise ConfigError(f"{where}: '{key}' must be a string in quotes.")
    return value


def _quiet_hours(value: object, path: Path) -> QuietHours | None:
    if value in (None, ""):
        return None
    try:
        start, end = str(value).split("-")
        return QuietHours(time.fromisoformat(start.strip()), time.fromisoformat(end.strip()))
    except ValueError as exc:
        raise ConfigError(
            f'{path}: quiet_hours must look like "22:00-07:00", not {value!r}.'
        ) from exc


def _whole(table: dict[str, Any], key: str, default: int, path: Path) -> int:
    value = table.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ConfigError(f"{path}: {key} must be a whole number of at least 1, not {value!r}.")
    return value


def load_settings(path: Path | None = None) -> Settings:
    """Read the settings file; a missing file is no nodes and default notifications."""
    path = path or default_config_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Settings(path=path)
    except OSError as exc:
        raise ConfigError(f"Cannot read {path}: {exc.strerror}.") from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}.") from exc
    nodes = []
    for i, table in enumerate(data.get("node", []) or []):
        where = f"{path}, node {i + 1}"
        if not isinstance(table, dict) or not table.get("url"):
            raise ConfigError(
                f'{where}: every [[node]] needs a url, e.g. url = "http://127.0.0.1:4002".'
            )
        nodes.append(
            NodeEntry(
                url=_text(table, "url", where),
                name=_text(table, "name", where),
                user=_text(table, "user", where),
                cookie_file=_text(table, "cookie_file", where),
                ca=_text(table, "ca", where),
                pin=_text(table, "pin", where),
                allow_insecure_auth=bool(table.get("allow_insecure_auth", False)),
            )
        )
    notifications = data.get("notifications", {}) or {}
    muted = set()
    for name in notifications.get("muted", []) or []:
        try:
            muted.add(Category(name))
        except ValueError as exc:
            choices = ", ".join(c.value for c in Category)
            raise ConfigError(
                f"{path}: unknown category {name!r} in muted; use {choices}."
            ) from exc
    history = data.get("history", {}) or {}
    return Settings(
        nodes=tuple(nodes),
        notifications=NotificationSettings(
            muted=frozenset(muted),
            quiet_hours=_quiet_hours(notifications.get("quiet_hours"), path),
            burst_limit=_whole(notifications, "burst_limit", BURST_LIMIT, path),
        ),
        history_limit=_whole(history, "limit", HISTORY_LIMIT, path),
        path=path,
    )
