"""What a start of the tray app hands to the one already running, and back.

A later start is checked as a start alone would be (a wrong ``--node`` is the same
message and exit status 2), then hands on what it was given: a node to add, or only
"show your window". The node goes as its settings fields, never with a password: the
running app asks for one when the node refuses, as for any node.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Final

from obnotify.cli.options import DEMO_DELAY, AppOptions

if TYPE_CHECKING:
    from obnotify.settings.values import NodeEntry

__all__ = ["entry_of", "node_fields", "not_handed_on", "option_problem"]

_FLAG_ON: Final = "yes"


def option_problem(options: AppOptions) -> str:
    """What is wrong with ``--node`` and its options, "" for nothing.

    Checked without a password (none is looked up here): what a password would change is
    the node's to say, once the running app has it.
    """
    if not options.node:
        return ""
    from obnotify.node.config import ConfigError

    try:
        options.connection.node_config(options.node, "")
    except ConfigError as exc:
        return str(exc)
    return ""


def not_handed_on(options: AppOptions) -> list[str]:
    """The options given that the running app cannot take from a later start."""
    conn = options.connection
    given = {
        "--demo": options.demo,
        "--demo-delay": options.demo_delay != DEMO_DELAY,
        "--config": bool(options.config),
        "--data-dir": bool(conn.data_dir),
        # The password stays with the one who typed it; the app asks once the node refuses.
        "--password-env": bool(conn.password_env),
    }
    return [name for name, there in given.items() if there]


def node_fields(options: AppOptions) -> dict[str, str]:
    """``--node`` and its connection options as the fields of a settings entry (no secret)."""
    conn = options.connection
    fields = {
        "url": options.node,
        "user": conn.user,
        # The running app has another working folder: files go by their full path.
        "cookie_file": _full_path(conn.cookie_file),
        "ca": _full_path(conn.ca),
        "pin": conn.pin,
        "proxy": conn.proxy,
        "allow_insecure_auth": _FLAG_ON if conn.allow_insecure_auth else "",
    }
    return {key: value for key, value in fields.items() if value}


def _full_path(path: str) -> str:
    return str(Path(path).expanduser().resolve()) if path else ""


def entry_of(fields: Mapping[str, str]) -> NodeEntry:
    """The settings entry of the fields a later start handed on; unknown fields are ignored."""
    from obnotify.settings.values import NodeEntry

    return NodeEntry(
        url=fields.get("url", ""),
        user=fields.get("user", ""),
        cookie_file=fields.get("cookie_file", ""),
        ca=fields.get("ca", ""),
        pin=fields.get("pin", ""),
        proxy=fields.get("proxy", ""),
        allow_insecure_auth=fields.get("allow_insecure_auth") == _FLAG_ON,
    )
