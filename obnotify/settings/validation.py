"""Checks of what a user types, in the settings file or the settings window, with messages
that say what to fix.

The window and the file take the same rules from here, so a value the window refuses is
refused with the same words in the file, and the window's widgets hold no rule of their own.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from datetime import time
from pathlib import Path
from typing import Final

from obnotify.core.policy import QuietHours
from obnotify.node.config import ConfigError, NodeConfig, parse_node_url
from obnotify.settings.values import NodeEntry

__all__ = [
    "EntryField",
    "EntryProblems",
    "entry_config",
    "format_quiet_hours",
    "parse_quiet_hours",
    "shown",
]

_QUIET_HOURS: Final = re.compile(r"(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})")
_PROXY_SCHEMES: Final = ("socks5://", "socks5h://")
_SHOWN_CHARS: Final = 60


def shown(value: object) -> str:
    """A value as the file spells it, cut short: a wrong one may be a whole nested list."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 3] + "..."


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
            f'{where}: give the start and the end as "22:00-07:00" (local time, no time zone), '
            f"not {shown(value)}."
        ) from exc


def format_quiet_hours(hours: QuietHours | None) -> str:
    """Quiet hours as the file and the window spell them; none is empty."""
    return f"{hours.start:%H:%M}-{hours.end:%H:%M}" if hours is not None else ""


class EntryField(enum.StrEnum):
    """The part of a node's settings a problem is about: the window shows it there."""

    URL = "url"
    AUTH = "auth"
    TLS = "tls"
    PROXY = "proxy"


class EntryProblems(ConfigError):
    """What to fix in a node's settings, one message for each part that is wrong."""

    def __init__(self, problems: Mapping[EntryField, str]) -> None:
        super().__init__(" ".join(problems.values()))
        self.problems: Final = dict(problems)
        """Each part that is wrong and what to do about it."""


def _problems(entry: NodeEntry) -> dict[EntryField, str]:
    """Each part of ``entry`` (as it is used) that cannot work, and what to do about it."""
    problems: dict[EntryField, str] = {}
    try:
        parse_node_url(entry.url)
    except ConfigError as exc:
        problems[EntryField.URL] = str(exc)
    if entry.auth == "basic" and not entry.user:
        problems[EntryField.AUTH] = "Give the user name of the node's API (its config: Username)."
    if entry.auth == "cookie" and not Path(entry.cookie_file).expanduser().is_file():
        problems[EntryField.AUTH] = "Choose the node's .cookie file (in its data folder)."
    if entry.tls == "ca" and not Path(entry.ca).expanduser().is_file():
        problems[EntryField.TLS] = "Choose the CA certificate file; this one does not exist."
    if entry.tls == "pin" and not entry.pin:
        problems[EntryField.TLS] = (
            "Press Fetch certificate, and compare the SHA-256 with the node's."
        )
    if entry.proxy and not entry.proxy.startswith(_PROXY_SCHEMES):
        problems[EntryField.PROXY] = "A proxy looks like socks5://127.0.0.1:9050."
    return problems


def entry_config(entry: NodeEntry, password: str, token: str = "") -> NodeConfig:
    """The connection settings of a node typed in the settings window.

    Only the auth and TLS the entry chose count; ``token`` only for a node that is not an
    OB Go server.

    Raises:
        EntryProblems: What to fix, by the part of the form it concerns.
    """
    entry = entry.in_use()
    problems = _problems(entry)
    if problems:
        raise EntryProblems(problems)
    try:
        return entry.node_config(password, token if entry.kind != "ob" else "")
    except ConfigError as exc:
        if "proxy" in str(exc).lower():
            part = EntryField.PROXY
        else:
            part = EntryField.AUTH if entry.auth == "cookie" else EntryField.TLS
        raise EntryProblems({part: str(exc)}) from exc
