"""Writing the settings file: what the window shows, merged into the file the user keeps.

:func:`save_settings` writes the settings back into the same document, keeping the user's
comments, order and unknown keys (tomlkit round-trips them). tomlkit is loaded only here:
the app writes the file only when the user changes something.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path
from typing import Any

import tomlkit
import tomlkit.exceptions
from tomlkit.items import AoT, Table

from obnotify.core.policy import BURST_LIMIT, Delivery
from obnotify.core.policy import delivery as delivery_of
from obnotify.core.render import Category
from obnotify.core.tray_state import TrayStyle
from obnotify.node.config import ConfigError
from obnotify.settings.example import EXAMPLE
from obnotify.settings.location import default_config_path
from obnotify.settings.reading import read_text, syntax_problem, too_deep
from obnotify.settings.validation import format_quiet_hours
from obnotify.settings.values import HISTORY_LIMIT, NodeEntry, Settings

__all__ = ["save_settings"]


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
    text = read_text(path)
    doc = _document(path, EXAMPLE if text is None else text)
    _fill(doc, settings)
    _replace(path, tomlkit.dumps(doc))
    return path


def _document(path: Path, text: str) -> tomlkit.TOMLDocument:
    """The file's text as a document that writes back as it was read.

    Raises:
        ConfigError: It is not TOML, or nests too deep to read; the message says where.
    """
    try:
        return tomlkit.parse(text)
    except tomlkit.exceptions.ParseError as exc:
        reason = str(exc).rsplit(" at line ", 1)[0]
        raise ConfigError(syntax_problem(path, text, exc.line, reason)) from exc
    except RecursionError as exc:
        raise ConfigError(too_deep(path, text)) from exc


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
    used = entry.in_use()
    for key in ("user", "cookie_file", "ca", "pin", "proxy"):
        value = getattr(used, key)
        if value:
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
    _put(notifications, "quiet_hours", format_quiet_hours(n.quiet_hours), "")
    _put(notifications, "burst_limit", n.burst_limit, BURST_LIMIT)
    _put(notifications, "critical_sticky", n.critical_sticky, False)
    if "muted" in notifications:
        del notifications["muted"]
    delivery = _section(notifications, "delivery")
    sound = _section(notifications, "sound")
    for category in Category:
        _put(delivery, category.value, delivery_of(n, category).value, Delivery.TOAST.value)
        _put(sound, category.value, category not in n.silent, True)
    general = _section(doc, "general")
    _put(general, "start_at_login", settings.start_at_login, False)
    _put(general, "history_limit", settings.history_limit, HISTORY_LIMIT)
    _put(general, "tray_style", str(settings.tray_style), str(TrayStyle.COLOUR))
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
