"""Starting with the desktop session: an XDG autostart entry, on Linux and the BSDs."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from obnotify import APP_ID

if TYPE_CHECKING:
    from obnotify.cli.options import AppOptions

__all__ = [
    "autostart_path",
    "is_enabled",
    "launch_command",
    "login_args",
    "set_enabled",
    "supported",
]


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


def launch_command(executable: str | None = None, frozen: bool | None = None) -> list[str]:
    """How to start this very installation again.

    A frozen bundle (PyInstaller) is its own program and takes the app's options
    directly; anywhere else the program is a Python interpreter, the virtualenv's or
    pipx's own, which must be told to run obnotify.

    Args:
        executable: The running program; ``sys.executable`` when None.
        frozen: Whether it is a bundle; ``sys.frozen`` when None.
    """
    program = sys.executable if executable is None else executable
    bundled = getattr(sys, "frozen", False) if frozen is None else frozen
    return [program] if bundled else [program, "-m", "obnotify"]


def login_args(options: AppOptions) -> list[str]:
    """The options that make a login start watch what this start watches, the same way.

    Paths are made absolute: a login start runs from another folder.
    """
    connection = options.connection
    args: list[str] = []
    if options.demo:
        args += ["--demo", "--demo-delay", f"{options.demo_delay:g}"]
    if options.node:
        args += ["--node", options.node]
    for flag, value, is_path in (
        ("--config", options.config, True),
        ("--user", connection.user, False),
        ("--password-env", connection.password_env, False),
        ("--cookie-file", connection.cookie_file, True),
        ("--ca", connection.ca, True),
        ("--pin", connection.pin, False),
        ("--proxy", connection.proxy, False),
        ("--data-dir", connection.data_dir, True),
    ):
        if value:
            args += [flag, str(Path(value).expanduser().absolute()) if is_path else value]
    if connection.allow_insecure_auth:
        args.append("--allow-insecure-auth")
    return args


def _quoted(arg: str) -> str:
    """One Exec argument as a desktop entry holds it.

    The Desktop Entry spec quotes an argument (a backslash before ``"``, `````, ``$`` and
    ``\\``; ``%`` doubled), then escapes the value as every string (``\\`` doubled).
    systemd's autostart generator rejects an entry that skips the second step.
    """
    for char in ("\\", '"', "`", "$"):
        arg = arg.replace(char, "\\" + char)
    return ('"' + arg.replace("%", "%%") + '"').replace("\\", "\\\\")


def _entry(command: Sequence[str]) -> str:
    """The entry; ``TryExec`` makes the desktop ignore it once the program is removed
    (an uninstalled package or a deleted virtualenv), as the autostart spec says."""
    program = command[0].replace("\\", "\\\\")
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Name=obnotify\n"
        "Comment=Desktop notifications for your OpenBazaar node\n"
        f"Exec={' '.join(map(_quoted, command))}\n"
        f"TryExec={program}\n"
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
        args: The app's options to start with (:func:`login_args`), after the program
            (:func:`launch_command`).
    """
    path = autostart_path()
    if not enabled:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".desktop.part")
    partial.write_text(_entry([*launch_command(), *args]), encoding="utf-8")
    os.replace(partial, path)
