"""Reading the settings file, with the standard library's ``tomllib``.

The app reads the file at every start and writes it only when the user changes something,
so reading needs nothing the writer does (tomlkit stays unloaded until then). A file that is
not TOML gets a message saying where it stops being TOML and the likely cause, not the
parser's own words; a value of the wrong kind, one naming the key and what it should be.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any, Final

import msgspec

from obnotify.core.plain_text import printable
from obnotify.core.policy import Delivery, NotificationSettings
from obnotify.core.render import Category
from obnotify.local_file import read_small_file
from obnotify.node.config import ConfigError, parse_node_url
from obnotify.settings.location import default_config_path
from obnotify.settings.schema import (
    CATEGORIES,
    NodeTable,
    NotificationsTable,
    SettingsFile,
    schema_problem,
    unknown_keys,
)
from obnotify.settings.validation import parse_quiet_hours
from obnotify.settings.values import NodeEntry, Settings

__all__ = [
    "UNCHANGED",
    "load_settings",
    "parse_toml",
    "read_text",
    "syntax_problem",
    "too_deep",
]

UNCHANGED: Final = "obnotify has not changed the file: correct it, then try again."
"""The end of every message about a file that cannot be read: nothing was written over it."""
_EXCERPT_CHARS: Final = 60
_WHERE: Final = re.compile(r" \(at line (\d+), column \d+\)$")
"""Where tomllib's message says the file stops being TOML (3.11 has no attribute for it)."""


def read_text(path: Path) -> str | None:
    """The file's text, or None when there is none.

    Raises:
        ConfigError: It cannot be read (a FIFO, a huge file, no permission) or is not UTF-8.
    """
    try:
        raw = read_small_file(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ConfigError(f"Cannot read {path}: {exc.strerror}. {UNCHANGED}") from exc
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path} is not UTF-8 text (byte {exc.start}): save it as UTF-8. {UNCHANGED}"
        ) from exc


def parse_toml(path: Path, text: str) -> dict[str, Any]:
    """The file's tables as plain values.

    Raises:
        ConfigError: It is not TOML, or nests too deep to read; the message says where.
    """
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        where = _WHERE.search(message)
        line = int(where.group(1)) if where else len(text.splitlines())
        reason = message[: where.start()] if where else message.split(" (at ", 1)[0]
        raise ConfigError(syntax_problem(path, text, line, reason)) from exc
    except RecursionError as exc:
        raise ConfigError(too_deep(path, text)) from exc


def too_deep(path: Path, text: str) -> str:
    """The message for lists or tables nested past what a parser can follow.

    The parser gives no place for it; the line that opens the most brackets and braces is
    where such nesting is written (a list of lists of lists is one line, as a rule).
    """
    lines = text.splitlines() or [""]
    at = max(range(len(lines)), key=lambda i: lines[i].count("[") + lines[i].count("{"))
    return (
        f"{path}, line {at + 1} ({_excerpt(lines[at])}): lists or tables are nested far too "
        f"deep to read; write the value flat. {UNCHANGED}"
    )


def syntax_problem(path: Path, text: str, line: int, reason: str) -> str:
    """Where the file stops being TOML and the likely cause, not the parser's own words.

    Args:
        path: The file, to name it.
        text: Its text, to quote the line.
        line: Where the parser stopped (1 is the first line).
        reason: The parser's words, given when no likely cause is found.
    """
    lines = text.splitlines() or [""]
    number = min(max(line, 1), len(lines))
    for at in (number, number - 1):
        if at < 1:
            continue
        quoted = lines[at - 1]
        if quoted.count('"') % 2 or quoted.count("'") % 2:
            cause = "a quote is not closed: a text value needs a quote at each end"
        elif quoted.count("[") != quoted.count("]"):
            cause = "a bracket is not closed: [[node]], [general] and lists need both brackets"
        elif quoted.count("{") != quoted.count("}"):
            cause = "a brace is not closed"
        else:
            continue
        return f"{path}, line {at} ({_excerpt(quoted)}): {cause}. {UNCHANGED}"
    return (
        f"{path}, line {number} ({_excerpt(lines[number - 1])}): this is not valid TOML "
        f"({reason}); settings are written key = value. {UNCHANGED}"
    )


def _excerpt(line: str) -> str:
    text = printable(line.strip())
    return text if len(text) <= _EXCERPT_CHARS else text[: _EXCERPT_CHARS - 3] + "..."


def _category(name: str, where: str) -> Category:
    try:
        return Category(name)
    except ValueError as exc:
        raise ConfigError(
            f"{where}: unknown category {name!r}; use {', '.join(CATEGORIES)}."
        ) from exc


def _entry(table: NodeTable, where: str) -> NodeEntry:
    if not table.url:
        raise ConfigError(
            f'{where}: every [[node]] needs a url, e.g. url = "http://127.0.0.1:4002".'
        )
    try:
        parse_node_url(table.url)
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}") from exc
    return NodeEntry(**msgspec.structs.asdict(table))


def _notifications(table: NotificationsTable, where: str) -> NotificationSettings:
    muted = {_category(name, f"{where}, [notifications] muted") for name in table.muted}
    off = set()
    for name, mode in table.delivery.items():
        if name not in CATEGORIES:
            continue  # an unknown key: a warning
        category = Category(name)
        muted.discard(category)
        if mode is Delivery.HISTORY:
            muted.add(category)
        elif mode is Delivery.OFF:
            off.add(category)
    silent = {Category(name) for name, on in table.sound.items() if name in CATEGORIES and not on}
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
    text = read_text(path)
    if text is None:
        return Settings(path=path)
    data = parse_toml(path, text)
    try:
        file = msgspec.convert(data, SettingsFile)
    except msgspec.ValidationError as exc:
        raise ConfigError(schema_problem(path, data, exc)) from exc
    warnings = [str(key) for key in unknown_keys(data)]
    tables = file.node
    if isinstance(tables, NodeTable):
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
