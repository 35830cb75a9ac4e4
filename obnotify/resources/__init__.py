"""Files shipped with the package: icons. Paths only, so Qt-free code can use them too."""

from __future__ import annotations

from pathlib import Path
from typing import Final

__all__ = ["APP_ICON_PNG", "APP_ICON_SVG", "ICONS_DIR", "icon_path"]

ICONS_DIR: Final = Path(__file__).resolve().parent / "icons"

APP_ICON_SVG: Final = ICONS_DIR / "obnotify.svg"

APP_ICON_PNG: Final = ICONS_DIR / "obnotify-128.png"
"""A bitmap of the app icon, for notification servers that cannot read SVG."""


def icon_path(name: str) -> Path:
    """The path of a shipped icon file such as ``tray-connected.svg``."""
    return ICONS_DIR / name
