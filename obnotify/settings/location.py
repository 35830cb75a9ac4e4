"""Where the settings file is, and the one setting the tray icon needs before the rest loads.

The icon is shown before the settings are parsed (:mod:`obnotify.app`); drawn in
colour first, a monochrome choice would flash. So its style is read here, with
the standard library's TOML reader and nothing of the rest of the app, before the
icon shows; anything it cannot read is left to the full load
(:func:`obnotify.settings.reading.load_settings`), which says what to fix.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import platformdirs

from obnotify import APP_NAME
from obnotify.core.tray_state import TrayStyle
from obnotify.local_file import read_small_file

__all__ = ["default_config_path", "tray_style_of"]


def default_config_path() -> Path:
    """``config.toml`` in the user's config folder (``~/.config/obnotify`` on Linux)."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def tray_style_of(path: Path | None) -> TrayStyle:
    """The ``[general] tray_style`` of the settings file; colour when unset or unreadable."""
    try:
        text = read_small_file(path or default_config_path()).decode("utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
        # A FIFO, a huge file or lists nested thousands deep included: the full load
        # says what is wrong with it.
        return TrayStyle.COLOUR
    general = data.get("general")
    style = general.get("tray_style") if isinstance(general, dict) else None
    try:
        return TrayStyle(style) if isinstance(style, str) else TrayStyle.COLOUR
    except ValueError:
        return TrayStyle.COLOUR
