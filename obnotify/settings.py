"""The user's settings file: which nodes to watch and how to be notified.

``config.toml`` in the platform's config dir (``$XDG_CONFIG_HOME/obnotify`` on
Linux). User choices live here; machine state (cursors, seen ids, balances)
lives in the store. Passwords are never here: they are in the OS keyring.

The settings window and the file hold the same things: :func:`save_settings`
writes what the window shows back into the same document, keeping the user's
comments and order (tomlkit round-trips them).

What the file may hold is described once, as msgspec structs (:class:`_File`): a
value of the wrong kind or out of range is refused at load with a message naming
the key and what it should be, both read from that description; the settings
window takes its ranges from the same constants.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import re
import secrets
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import time
from pathlib import Path
from typing import Annotated, Any, Final, Literal, get_args

import msgspec
import tomlkit
import tomlkit.exceptions
from tomlkit.items import AoT, Table

from obnotify.core.plain_text import printable
from obnotify.core.policy import BURST_LIMIT, Delivery, NotificationSettings, QuietHours
from obnotify.core.render import Category
from obnotify.local_file import read_small_file
from obnotify.node.config import ConfigError, NodeConfig, make_config, parse_node_url
from obnotify.settings_file import default_config_path

__all__ = [
    "AUTH_KINDS",
    "BURST_LIMITS",
    "EXAMPLE",
    "HISTORY_LIMITS",
    "TLS_KINDS",
    "TRAY_STYLES",
    "NodeEntry",
    "Settings",
    "UnknownKey",
    "default_config_path",
    "load_settings",
    "parse_quiet_hours",
    "save_settings",
    "unknown_keys",
]

HISTORY_LIMIT = 100_000
HISTORY_LIMITS: Final = (1, 10_000_000)
"""The least and most events kept per node: the file and the settings window take these."""
BURST_LIMITS: Final = (1, 100_000)
"""The least and most toasts shown one by one within the burst window, in the file and window;
the most is a way to turn summaries off (the benchmarks measure each toast that way)."""
AuthKind = Literal["none", "basic", "cookie"]
TlsKind = Literal["system", "ca", "pin"]
NodeKind = Literal["ob", "mobazha", "auto"]
"""The protocol a node speaks (:data:`obnotify.node.config.KINDS`); "auto" asks the node."""
TrayStyleName = Literal["colour", "mono-light", "mono-dark"]
AUTH_KINDS: Final = get_args(AuthKind)
TLS_KINDS: Final = get_args(TlsKind)
TRAY_STYLES: Final = get_args(TrayStyleName)
_QUIET_HOURS: Final = re.compile(r"(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})")
_UNCHANGED: Final = "obnotify has not changed the file: correct it, then try again."

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
# quiet_hours = "22:00-07:00"     # only critical toasts then (local time, no time zone)
# burst_limit = 3                 # 1 to 100000; more within 10 s make a summary
# critical_sticky = false         # critical toasts stay until dismissed

[notifications.delivery]
# orders, disputes, chat, order-chat, followers, funds, other: "toast", "history" or "off"
# followers = "history"

[notifications.sound]
# chat = false

[general]
# start_at_login = false
# history_limit = 100000          # 1 to 10000000 events kept per node; the oldest go first
# tray_style = "colour"           # "colour", "mono-light" or "mono-dark"
"""


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


HistoryLimit = Annotated[int, msgspec.Meta(ge=HISTORY_LIMITS[0], le=HISTORY_LIMITS[1])]
BurstLimit = Annotated[int, msgspec.Meta(ge=BURST_LIMITS[0], le=BURST_LIMITS[1])]


class _NodeTable(msgspec.Struct):
    """One ``[[node]]`` as the file may hold it."""

    url: str = ""
    name: str = ""
    enabled: bool = True
    auth: AuthKind | Literal[""] = ""
    user: str = ""
    cookie_file: str = ""
    tls: TlsKind | Literal[""] = ""
    ca: str = ""
    pin: str = ""
    proxy: str = ""
    allow_insecure_auth: bool = False
    kind: NodeKind = "ob"


class _NotificationsTable(msgspec.Struct):
    """``[notifications]``, with its ``delivery`` and ``sound`` tables by category."""

    privacy: bool = False
    quiet_hours: str = ""
    burst_limit: BurstLimit = BURST_LIMIT
    critical_sticky: bool = False
    delivery: dict[str, Delivery] = msgspec.field(default_factory=dict)
    sound: dict[str, bool] = msgspec.field(default_factory=dict)
    muted: list[str] = msgspec.field(default_factory=list)
    """The categories ``history`` stood for before ``delivery`` existed."""


class _GeneralTable(msgspec.Struct):
    start_at_login: bool = False
    history_limit: HistoryLimit | None = None
    tray_style: TrayStyleName = "colour"


class _OldHistoryTable(msgspec.Struct):
    """``[history] limit``, which ``[general] history_limit`` replaced."""

    limit: HistoryLimit = HISTORY_LIMIT


class _File(msgspec.Struct):
    """The whole settings file: the one description its values are checked against."""

    node: list[_NodeTable] | _NodeTable = msgspec.field(default_factory=list)
    notifications: _NotificationsTable = msgspec.field(default_factory=_NotificationsTable)
    general: _GeneralTable = msgspec.field(default_factory=_GeneralTable)
    history: _OldHistoryTable = msgspec.field(default_factory=_OldHistoryTable)


_CATEGORIES: Final = tuple(c.value for c in Category)
_TABLES: Final[dict[str, tuple[str, ...]]] = {
    "": tuple(f.name for f in msgspec.structs.fields(_File)),
    "node": tuple(f.name for f in msgspec.structs.fields(_NodeTable)),
    "notifications": tuple(f.name for f in msgspec.structs.fields(_NotificationsTable)),
    "notifications.delivery": _CATEGORIES,
    "notifications.sound": _CATEGORIES,
    "general": tuple(f.name for f in msgspec.structs.fields(_GeneralTable)),
    "history": tuple(f.name for f in msgspec.structs.fields(_OldHistoryTable)),
}
"""The keys each table knows, read from the description above."""


@dataclass(frozen=True)
class UnknownKey:
    """A key of the settings file that obnotify does not know, and so ignores."""

    place: str
    """Where it is: ``the top level``, ``[notifications]``, ``node 2``, ..."""
    key: str
    hint: str
    """The nearest known key (``did you mean 'url'?``) or the keys known there."""

    def __str__(self) -> str:
        return f"{self.place}: unknown key '{self.key}' is ignored; {self.hint}"


def _unknown(table: object, known: tuple[str, ...], place: str) -> list[UnknownKey]:
    """Each key of ``table`` not in ``known``, with the nearest known one."""
    if not isinstance(table, Mapping):
        return []
    out = []
    for key in table:
        if key in known:
            continue
        near = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
        hint = f"did you mean '{near[0]}'?" if near else f"known keys: {', '.join(known)}."
        out.append(UnknownKey(place, str(key), hint))
    return out


def _unknown_keys(data: Mapping[str, Any]) -> list[UnknownKey]:
    found = _unknown(data, _TABLES[""], "the top level")
    nodes = data.get("node")
    for i, table in enumerate(nodes if isinstance(nodes, list) else [nodes]):
        found += _unknown(table, _TABLES["node"], f"node {i + 1}")
    for name in ("notifications", "general", "history"):
        table = data.get(name)
        found += _unknown(table, _TABLES[name], f"[{name}]")
        if name == "notifications" and isinstance(table, Mapping):
            for sub in ("delivery", "sound"):
                place = f"notifications.{sub}"
                found += _unknown(table.get(sub), _TABLES[place], f"[{place}]")
    return found


def unknown_keys(path: Path | None = None) -> tuple[UnknownKey, ...]:
    """The keys of the settings file obnotify ignores, each with its place and a hint.

    Raises:
        ConfigError: The file cannot be read or is not TOML; the message says what to fix.
    """
    path = path or default_config_path()
    document = _read_document(path)
    return () if document is None else tuple(_unknown_keys(_plain(document, path)))


def _should_be(kind: msgspec.inspect.Type) -> str:
    """What a value of this declared type is, in the words of someone editing the file."""
    mi = msgspec.inspect
    if isinstance(kind, mi.UnionType):
        kinds = [k for k in kind.types if not isinstance(k, mi.NoneType)]
        if len(kinds) == 1:
            return _should_be(kinds[0])
        if all(isinstance(k, mi.LiteralType) for k in kinds):
            return _should_be(mi.LiteralType(tuple(v for k in kinds for v in k.values)))  # type: ignore[attr-defined]
        return "one or more [[node]] tables (two brackets each)"
    if isinstance(kind, mi.BoolType):
        return "true or false"
    if isinstance(kind, mi.StrType):
        return 'text in quotes, e.g. "value"'
    if isinstance(kind, mi.IntType):
        return f"a whole number from {kind.ge} to {kind.le}"
    if isinstance(kind, mi.LiteralType):
        return "one of " + ", ".join(repr(v) for v in kind.values if v != "")
    if isinstance(kind, mi.EnumType):
        return "one of " + ", ".join(repr(member.value) for member in kind.cls)
    if isinstance(kind, mi.ListType):
        return 'a list in brackets, e.g. ["chat", "funds"]'
    if isinstance(kind, mi.DictType):
        return f"a table whose values are each {_should_be(kind.value_type)}"
    return "a table"


def _schema_problem(path: Path, data: Mapping[str, Any], error: msgspec.ValidationError) -> str:
    """The message for a value of the wrong type or out of range: where, and what it should be.

    msgspec names where the value is (``$.node[0].url``); what it should be is read from
    :class:`_File`, so the message and the check cannot disagree.
    """
    mi = msgspec.inspect
    match = re.search(r" - at `\$(.*)`$", str(error))
    steps = re.findall(r"\.([^.\[]+)|\[(\d+|\.\.\.)\]", match.group(1)) if match else []
    kind: mi.Type = mi.type_info(_File)
    value: object = data
    names: list[str] = []
    node = ""
    for field_name, index in steps:
        if isinstance(kind, mi.UnionType):
            # ``node`` is a list of tables or a single one: follow what the file has.
            want = mi.ListType if isinstance(value, list) else mi.StructType
            kind = next(k for k in kind.types if isinstance(k, want))
        if field_name and isinstance(kind, mi.StructType):
            kind = next(f.type for f in kind.fields if f.encode_name == field_name)
            value = value.get(field_name) if isinstance(value, Mapping) else None
            names.append(field_name)
        elif index == "..." and isinstance(kind, mi.DictType):
            inner = kind.value_type
            bad = [
                k
                for k, v in (value.items() if isinstance(value, Mapping) else ())
                if not _fits(v, inner)
            ]
            names.append(str(bad[0]) if bad else "...")
            value = value.get(bad[0]) if bad and isinstance(value, Mapping) else None
            kind = inner
        elif index.isdigit() and isinstance(kind, mi.ListType):
            kind = kind.item_type
            value = (
                value[int(index)] if isinstance(value, list) and int(index) < len(value) else None
            )
            if names == ["node"]:
                node, names = f"node {int(index) + 1}", []
            else:
                names[-1] += f"[{index}]"
    table, key = ".".join(names[:-1]), (names[-1] if names else "")
    if node:
        where = f"{node}, {key}" if key else node
    elif table:
        where = f"[{table}] {key}"
    else:
        where = f"[{key}]" if isinstance(kind, (mi.StructType, mi.UnionType)) else key
    return f"{path}: {where} must be {_should_be(kind)}, not {_shown(value)}."


def _fits(value: object, kind: msgspec.inspect.Type) -> bool:
    """Whether one value passes its declared type (to name the bad key of a table)."""
    if isinstance(kind, msgspec.inspect.LiteralType):
        return value in kind.values
    if isinstance(kind, msgspec.inspect.EnumType):
        return value in {member.value for member in kind.cls}
    if isinstance(kind, msgspec.inspect.BoolType):
        return isinstance(value, bool)
    return True


def _shown(value: object) -> str:
    """A value as the file spells it, cut short: a wrong one may be a whole nested list."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def parse_quiet_hours(value: object, where: str) -> QuietHours | None:
    """``"22:00-07:00"``, local time on the 24-hour clock, as :class:`QuietHours`; empty is none.

    A time zone (``22:00Z``, ``+05:00``) is refused: quiet hours follow the clock on this
    computer, and a time with a zone cannot be compared with it.

    Raises:
        ConfigError: ``value`` is not such a span; the message starts with ``where``.
    """
    if value in (None, ""):
        return None
    match = _QUIET_HOURS.fullmatch(str(value).strip())
    try:
        if match is None:
            raise ValueError(value)
        sh, sm, eh, em = (int(part) for part in match.groups())
        return QuietHours(time(sh, sm), time(eh, em))
    except ValueError as exc:
        raise ConfigError(
            f'{where} must look like "22:00-07:00" (from-to, local time, no time zone), '
            f"not {_shown(value)}."
        ) from exc


def _read_document(path: Path) -> tomlkit.TOMLDocument | None:
    """The parsed file, or None when there is none.

    Raises:
        ConfigError: It cannot be read (a FIFO, a huge file, no permission) or is not TOML.
    """
    try:
        raw = read_small_file(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ConfigError(f"Cannot read {path}: {exc.strerror}. {_UNCHANGED}") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path} is not UTF-8 text (byte {exc.start}): save it as UTF-8. {_UNCHANGED}"
        ) from exc
    try:
        return tomlkit.parse(text)
    except tomlkit.exceptions.ParseError as exc:
        raise ConfigError(_syntax_problem(path, text, exc)) from exc
    except RecursionError as exc:
        raise ConfigError(f"{path} nests lists or tables far too deep. {_UNCHANGED}") from exc


def _syntax_problem(path: Path, text: str, error: tomlkit.exceptions.ParseError) -> str:
    """Where the file stops being TOML and the likely cause, not the parser's own words."""
    lines = text.splitlines() or [""]
    number = min(max(error.line, 1), len(lines))
    for at in (number, number - 1):
        if at < 1:
            continue
        line = lines[at - 1]
        if line.count('"') % 2 or line.count("'") % 2:
            cause = "a quote is not closed: a text value needs a quote at each end"
        elif line.count("[") != line.count("]"):
            cause = "a bracket is not closed: [[node]], [general] and lists need both brackets"
        elif line.count("{") != line.count("}"):
            cause = "a brace is not closed"
        else:
            continue
        return f"{path}, line {at} ({_excerpt(line)}): {cause}. {_UNCHANGED}"
    reason = str(error).rsplit(" at line ", 1)[0]
    return (
        f"{path}, line {number} ({_excerpt(lines[number - 1])}): this is not valid TOML "
        f"({reason}); settings are written key = value. {_UNCHANGED}"
    )


def _excerpt(line: str) -> str:
    text = printable(line.strip())
    return text if len(text) <= 60 else text[:57] + "..."


def _plain(document: tomlkit.TOMLDocument, path: Path) -> dict[str, Any]:
    try:
        return document.unwrap()
    except RecursionError as exc:
        raise ConfigError(f"{path} nests lists or tables far too deep. {_UNCHANGED}") from exc


def _category(name: str, where: str) -> Category:
    try:
        return Category(name)
    except ValueError as exc:
        raise ConfigError(
            f"{where}: unknown category {name!r}; use {', '.join(_CATEGORIES)}."
        ) from exc


def _entry(table: _NodeTable, where: str) -> NodeEntry:
    if not table.url:
        raise ConfigError(
            f'{where}: every [[node]] needs a url, e.g. url = "http://127.0.0.1:4002".'
        )
    try:
        parse_node_url(table.url)
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}") from exc
    return NodeEntry(**msgspec.structs.asdict(table))


def _notifications(table: _NotificationsTable, where: str) -> NotificationSettings:
    muted = {_category(name, f"{where}, [notifications] muted") for name in table.muted}
    off = set()
    for name, mode in table.delivery.items():
        if name not in _CATEGORIES:
            continue  # an unknown key: a warning
        category = Category(name)
        muted.discard(category)
        if mode is Delivery.HISTORY:
            muted.add(category)
        elif mode is Delivery.OFF:
            off.add(category)
    silent = {Category(name) for name, on in table.sound.items() if name in _CATEGORIES and not on}
    return NotificationSettings(
        muted=frozenset(muted),
        off=frozenset(off),
        silent=frozenset(silent),
        privacy=table.privacy,
        critical_sticky=table.critical_sticky,
        quiet_hours=parse_quiet_hours(table.quiet_hours, f"{where}: [notifications] quiet_hours"),
        burst_limit=table.burst_limit,
    )


def load_settings(path: Path | None = None) -> Settings:
    """Read the settings file; a missing file is no nodes and default notifications.

    A mistake in a value raises :class:`ConfigError` saying where it is and what it
    should be; an unknown key is a warning in :attr:`Settings.warnings`, with the
    nearest known key.
    """
    path = path or default_config_path()
    document = _read_document(path)
    if document is None:
        return Settings(path=path)
    data = _plain(document, path)
    try:
        file = msgspec.convert(data, _File)
    except msgspec.ValidationError as exc:
        raise ConfigError(_schema_problem(path, data, exc)) from exc
    warnings = [str(key) for key in _unknown_keys(data)]
    tables = file.node
    if isinstance(tables, _NodeTable):
        warnings.append(
            f"{path}: [node] is one table; write [[node]] (two brackets) for each node."
        )
        tables = [tables]
    nodes = tuple(_entry(table, f"{path}, node {i + 1}") for i, table in enumerate(tables))
    limit = file.general.history_limit
    return Settings(
        nodes=nodes,
        notifications=_notifications(file.notifications, str(path)),
        history_limit=file.history.limit if limit is None else limit,
        start_at_login=file.general.start_at_login,
        tray_style=file.general.tray_style,
        warnings=tuple(w if w.startswith(str(path)) else f"{path}, {w}" for w in warnings),
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

    The file is replaced atomically, so a crash never leaves half a file; a settings file
    that is a symbolic link (kept with the user's dotfiles) is written where it points and
    stays a link, and the file keeps its permissions.

    Raises:
        ConfigError: The file on disk cannot be read or is no longer TOML (edited by hand
            since it was loaded); it is left as it is and the message says what to fix.
        OSError: The file could not be written; nothing is left behind.
    """
    path = path or settings.path or default_config_path()
    doc = _read_document(path)
    if doc is None:
        doc = tomlkit.parse(EXAMPLE)
    _fill(doc, settings)
    _replace(path, tomlkit.dumps(doc))
    return path


def _fill(doc: tomlkit.TOMLDocument, settings: Settings) -> None:
    """Put ``settings`` into ``doc``, leaving what obnotify does not know alone."""
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


def _replace(path: Path, text: str) -> None:
    """Write ``text`` as the file at ``path`` (where it points, if it is a link), atomically,
    keeping its permissions; on failure nothing is left beside it."""
    target = path.resolve() if path.is_symlink() else path
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode: int | None = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = None  # a new file: what the user's umask gives
    partial = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666 if mode is None else 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        if mode is not None:
            os.chmod(partial, mode)
        os.replace(partial, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(partial)
        raise
