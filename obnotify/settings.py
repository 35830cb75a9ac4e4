"""The user's settings file: which nodes to watch and how to be notified.

``config.toml`` in the platform's config dir (``$XDG_CONFIG_HOME/obnotify`` on
Linux). User choices live here; machine state (cursors, seen ids, balances)
lives in the store. Passwords are never here: they are in the OS keyring.

The settings window and the file hold the same things: :func:`save_settings`
writes what the window shows back into the same document, keeping the user's
comments and order (tomlkit round-trips them).
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import time
from pathlib import Path
from typing import Any, Final

import tomlkit
import tomlkit.exceptions
from tomlkit.items import AoT, Table

from obnotify.core.policy import BURST_LIMIT, Delivery, NotificationSettings, QuietHours
from obnotify.core.render import Category
from obnotify.node.config import KINDS, ConfigError, NodeConfig, make_config
from obnotify.settings_file import default_config_path

__all__ = [
    "AUTH_KINDS",
    "EXAMPLE",
    "TLS_KINDS",
    "TRAY_STYLES",
    "NodeEntry",
    "Settings",
    "default_config_path",
    "load_settings",
    "parse_quiet_hours",
    "save_settings",
]

HISTORY_LIMIT = 100_000
AUTH_KINDS: Final = ("none", "basic", "cookie")
TLS_KINDS: Final = ("system", "ca", "pin")
TRAY_STYLES: Final = ("colour", "mono-light", "mono-dark")

EXAMPLE = """\
# obnotify settings. Passwords are kept in the OS keyring, never here.
# Nothing is watched until a [[node]] below is uncommented (or added in Settings).

# [[node]]
# name = "My store"               # shown in the tray menu and the window
# url = "http://127.0.0.1:4002"   # http(s)://host:port of the node's API
# enabled = true
# kind = "ob"                     # "ob", "mobazha" (its API token: keyring or --token-env) or "auto"
# auth = "basic"                  # "none", "basic" (user; password in the keyring) or "cookie"
# user = "alice"
# cookie_file = "~/.openbazaar/.cookie"
# tls = "system"                  # "system", "ca" (ca = file) or "pin" (pin = SHA-256 hex)
# ca = "~/.openbazaar/ssl/rootCA.crt"
# pin = "ab12..."
# proxy = "socks5://127.0.0.1:9050"   # e.g. Tor, for a .onion node

[notifications]
# privacy = false                 # toasts say who and what, never message text or amounts
# quiet_hours = "22:00-07:00"     # only critical toasts during these hours
# burst_limit = 3                 # more toasts than this within 10 s fold into a summary
# critical_sticky = false         # critical toasts stay until dismissed

[notifications.delivery]
# orders, disputes, chat, order-chat, followers, funds, other: "toast", "history" or "off"
# followers = "history"

[notifications.sound]
# chat = false

[general]
# start_at_login = false
# history_limit = 100000          # events kept per node; the oldest go first
# tray_style = "colour"           # "colour", "mono-light" or "mono-dark"
"""

_NODE_KEYS: Final = (
    "name",
    "url",
    "enabled",
    "auth",
    "user",
    "cookie_file",
    "tls",
    "ca",
    "pin",
    "proxy",
    "allow_insecure_auth",
    "kind",
)
_NOTIFICATION_KEYS: Final = (
    "privacy",
    "quiet_hours",
    "burst_limit",
    "critical_sticky",
    "delivery",
    "sound",
    "muted",
)
_GENERAL_KEYS: Final = ("start_at_login", "history_limit", "tray_style")
_TOP_KEYS: Final = ("node", "notifications", "general", "history")
_CATEGORIES: Final = tuple(c.value for c in Category)


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
    tray_style: str = "colour"
    warnings: tuple[str, ...] = ()
    """Unknown keys, each with the nearest known one: for the app to show."""
    path: Path | None = None

    @property
    def enabled_nodes(self) -> tuple[NodeEntry, ...]:
        return tuple(node for node in self.nodes if node.enabled)


def _text(table: Mapping[str, Any], key: str, where: str) -> str:
    value = table.get(key, "")
    if not isinstance(value, str):
        raise ConfigError(f"{where}: '{key}' must be a string in quotes.")
    return value


def _flag(table: Mapping[str, Any], key: str, default: bool, where: str) -> bool:
    value = table.get(key, default)
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: '{key}' must be true or false, not {value!r}.")
    return value


def _choice(value: str, choices: Iterable[str], key: str, where: str) -> str:
    options = tuple(choices)
    if value not in options:
        raise ConfigError(
            f"{where}: '{key}' must be one of {', '.join(repr(c) for c in options)}, not {value!r}."
        )
    return value


def parse_quiet_hours(value: object, where: str) -> QuietHours | None:
    """``"22:00-07:00"`` as :class:`QuietHours`; empty is none. Raises ConfigError."""
    if value in (None, ""):
        return None
    try:
        start, end = str(value).split("-")
        return QuietHours(time.fromisoformat(start.strip()), time.fromisoformat(end.strip()))
    except ValueError as exc:
        raise ConfigError(
            f'{where}: quiet_hours must look like "22:00-07:00", not {value!r}.'
        ) from exc


def _whole(table: Mapping[str, Any], key: str, default: int, where: str) -> int:
    value = table.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ConfigError(f"{where}: {key} must be a whole number of at least 1, not {value!r}.")
    return value


def _unknown(table: Mapping[str, Any], known: Iterable[str], where: str) -> list[str]:
    """A warning for each key not in ``known``, naming the nearest known one."""
    names = tuple(known)
    out = []
    for key in table:
        if key in names:
            continue
        near = difflib.get_close_matches(key, names, n=1, cutoff=0.6)
        hint = f"; did you mean '{near[0]}'?" if near else f"; known keys: {', '.join(names)}."
        out.append(f"{where}: unknown key '{key}' is ignored{hint}")
    return out


def _node(table: Mapping[str, Any], where: str) -> NodeEntry:
    if not isinstance(table, Mapping) or not table.get("url"):
        raise ConfigError(
            f'{where}: every [[node]] needs a url, e.g. url = "http://127.0.0.1:4002".'
        )
    user = _text(table, "user", where)
    cookie_file = _text(table, "cookie_file", where)
    ca = _text(table, "ca", where)
    pin = _text(table, "pin", where)
    entry = NodeEntry(
        url=_text(table, "url", where),
        name=_text(table, "name", where),
        enabled=_flag(table, "enabled", True, where),
        auth=_text(table, "auth", where),
        user=user,
        cookie_file=cookie_file,
        tls=_text(table, "tls", where),
        ca=ca,
        pin=pin,
        proxy=_text(table, "proxy", where),
        allow_insecure_auth=_flag(table, "allow_insecure_auth", False, where),
        kind=_text(table, "kind", where) or "ob",
    )
    _choice(entry.kind, KINDS, "kind", where)
    _choice(entry.auth, AUTH_KINDS, "auth", where)
    _choice(entry.tls, TLS_KINDS, "tls", where)
    return entry


def _category(name: object, where: str) -> Category:
    try:
        return Category(str(name))
    except ValueError as exc:
        raise ConfigError(
            f"{where}: unknown category {name!r}; use {', '.join(_CATEGORIES)}."
        ) from exc


def _notifications(table: Mapping[str, Any], where: str) -> NotificationSettings:
    muted = {_category(name, f"{where}, muted") for name in table.get("muted", []) or []}
    off = set()
    for name, mode in (table.get("delivery", {}) or {}).items():
        if name not in _CATEGORIES:
            continue  # warned about by load_settings
        category = Category(name)
        choice = _choice(
            str(mode), (d.value for d in Delivery), name, f"{where}, [notifications.delivery]"
        )
        muted.discard(category)
        if choice == Delivery.HISTORY:
            muted.add(category)
        elif choice == Delivery.OFF:
            off.add(category)
    silent = set()
    for name, on in (table.get("sound", {}) or {}).items():
        if name in _CATEGORIES and not _flag(
            {name: on}, name, True, f"{where}, [notifications.sound]"
        ):
            silent.add(Category(name))
    return NotificationSettings(
        muted=frozenset(muted),
        off=frozenset(off),
        silent=frozenset(silent),
        privacy=_flag(table, "privacy", False, where),
        critical_sticky=_flag(table, "critical_sticky", False, where),
        quiet_hours=parse_quiet_hours(table.get("quiet_hours"), where),
        burst_limit=_whole(table, "burst_limit", BURST_LIMIT, where),
    )


def load_settings(path: Path | None = None) -> Settings:
    """Read the settings file; a missing file is no nodes and default notifications.

    A mistake in a value raises :class:`ConfigError` saying what to fix; an unknown
    key is a warning in :attr:`Settings.warnings`, with the nearest known key.
    """
    path = path or default_config_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Settings(path=path)
    except OSError as exc:
        raise ConfigError(f"Cannot read {path}: {exc.strerror}.") from exc
    try:
        data: dict[str, Any] = tomlkit.parse(raw.decode("utf-8")).unwrap()
    except (tomlkit.exceptions.ParseError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}.") from exc
    warnings = _unknown(data, _TOP_KEYS, str(path))
    nodes_value = data.get("node", []) or []
    if isinstance(nodes_value, Mapping):
        warnings.append(
            f"{path}: [node] is one table; write [[node]] (two brackets) for each node."
        )
        nodes_value = [nodes_value]
    nodes = []
    for i, table in enumerate(nodes_value):
        where = f"{path}, node {i + 1}"
        nodes.append(_node(table, where))
        warnings += _unknown(table, _NODE_KEYS, where)
    notifications = data.get("notifications", {}) or {}
    warnings += _unknown(notifications, _NOTIFICATION_KEYS, f"{path}, [notifications]")
    for sub in ("delivery", "sound"):
        warnings += _unknown(
            notifications.get(sub, {}) or {}, _CATEGORIES, f"{path}, [notifications.{sub}]"
        )
    general = data.get("general", {}) or {}
    warnings += _unknown(general, _GENERAL_KEYS, f"{path}, [general]")
    old_limit = _whole(data.get("history", {}) or {}, "limit", HISTORY_LIMIT, str(path))
    return Settings(
        nodes=tuple(nodes),
        notifications=_notifications(notifications, str(path)),
        history_limit=_whole(general, "history_limit", old_limit, str(path)),
        start_at_login=_flag(general, "start_at_login", False, str(path)),
        tray_style=_choice(
            _text(general, "tray_style", str(path)) or "colour",
            TRAY_STYLES,
            "tray_style",
            str(path),
        ),
        warnings=tuple(warnings),
        path=path,
    )


def _put(table: Any, key: str, value: object, default: object) -> None:
    """Set ``key``, or drop it when it is at its default and was not written before."""
    if value == default and key not in table:
        return
    table[key] = value


def _node_table(table: Table, entry: NodeEntry) -> None:
    table["name"] = entry.name
    table["url"] = entry.url
    _put(table, "enabled", entry.enabled, True)
    _put(table, "auth", entry.auth, "none")
    for key, value, used in (
        ("user", entry.user, entry.auth == "basic"),
        ("cookie_file", entry.cookie_file, entry.auth == "cookie"),
        ("ca", entry.ca, entry.tls == "ca"),
        ("pin", entry.pin, entry.tls == "pin"),
        ("proxy", entry.proxy, bool(entry.proxy)),
    ):
        if used and value:
            table[key] = value
        elif key in table:
            del table[key]
    _put(table, "tls", entry.tls, "system")
    _put(table, "allow_insecure_auth", entry.allow_insecure_auth, False)
    _put(table, "kind", entry.kind, "ob")


def _section(doc: Any, key: str) -> Any:
    if key not in doc or not isinstance(doc[key], Table):
        doc[key] = tomlkit.table()
    return doc[key]


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    """Write ``settings`` into the file, keeping its comments, order and unknown keys.

    The file is replaced atomically, so a crash never leaves half a file.
    """
    path = path or settings.path or default_config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = EXAMPLE
    doc = tomlkit.parse(text)
    old = doc.get("node")
    if isinstance(old, AoT):
        tables = list(old.body)
    else:
        if "node" in doc:
            del doc["node"]
        tables = []
    aot = tomlkit.aot()
    for i, entry in enumerate(settings.nodes):
        table = tables[i] if i < len(tables) else tomlkit.table()
        _node_table(table, entry)
        aot.append(table)
    if isinstance(old, AoT):
        old.body[:] = aot.body
    elif settings.nodes:
        doc.add("node", aot)
    notifications = _section(doc, "notifications")
    n = settings.notifications
    _put(notifications, "privacy", n.privacy, False)
    hours = n.quiet_hours
    quiet = f"{hours.start:%H:%M}-{hours.end:%H:%M}" if hours is not None else ""
    _put(notifications, "quiet_hours", quiet, "")
    _put(notifications, "burst_limit", n.burst_limit, BURST_LIMIT)
    _put(notifications, "critical_sticky", n.critical_sticky, False)
    if "muted" in notifications:
        del notifications["muted"]
    delivery = _section(notifications, "delivery")
    sound = _section(notifications, "sound")
    for category in Category:
        mode = (
            Delivery.OFF
            if category in n.off
            else Delivery.HISTORY
            if category in n.muted
            else Delivery.TOAST
        )
        _put(delivery, category.value, mode.value, Delivery.TOAST.value)
        _put(sound, category.value, category not in n.silent, True)
    general = _section(doc, "general")
    _put(general, "start_at_login", settings.start_at_login, False)
    _put(general, "history_limit", settings.history_limit, HISTORY_LIMIT)
    _put(general, "tray_style", settings.tray_style, "colour")
    if "history" in doc:
        del doc["history"]
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    partial.write_text(tomlkit.dumps(doc), encoding="utf-8")
    os.replace(partial, path)
    return path
