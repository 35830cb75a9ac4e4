"""Starting with the desktop session: an XDG autostart entry, on Linux and the BSDs."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

import platformdirs

from obnotify import APP_ID

__all__ = ["autostart_path", "is_enabled", "set_enabled", "supported"]


def supported(platform: str = sys.platform) -> bool:
    """Whether this platform reads XDG autostart entries."""
    return platform.startswith(("linux", "freebsd", "openbsd", "netbsd"))


def autostart_path() -> Path:
    """``$XDG_CONFIG_HOME/autostart/<app id>.desktop``."""
    return (
        Path(platformdirs.user_config_dir(appauthor=False, roaming=False))
        / "autostart"
        / (f"{APP_ID}.desktop")
    )


def _quoted(arg: str) -> str:
    """One Exec argument, quoted as the Desktop Entry spec says (and ``%`` doubled)."""
    for char in ("\\", '"', "`", "$"):
        arg = arg.replace(char, "\\" + char)
    return '"' + arg.replace("%", "%%") + '"'


def _exec_line(args: Sequence[str] = ()) -> str:
    """This very interpreter, so a virtualenv install starts the same way at login.

    ``args`` are the options the app runs with now (e.g. ``--config PATH``), so the
    login start watches the same nodes; none means the settings file's nodes.
    """
    return " ".join([_quoted(sys.executable), "-m", "obnotify", *map(_quoted, args)])


def _entry(args: Sequence[str] = ()) -> str:
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Name=obnotify\n"
        "Comment=Desktop notifications for your OpenBazaar node\n"
        f"Exec={_exec_line(args)}\n"
        f"Icon={APP_ID}\n"
        "Terminal=false\n"
        "X-GNOME-Autostart-enabled=true\n"
        "X-GNOME-UsesNotifications=true\n"
    )


def is_enabled() -> bool:
    return autostart_path().is_file()


def set_enabled(enabled: bool, args: Sequence[str] = ()) -> None:
    """Write or remove the autostart entry; the file is replaced atomically.

    Args:
        enabled: Start at login, or not.
        args: Command-line options to start with, after ``-m obnotify``.
    """
    path = autostart_path()
    if not enabled:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".desktop.part")
    partial.write_text(_entry(args), encoding="utf-8")
    os.replace(partial, path)
