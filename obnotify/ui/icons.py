"""Icons from the shipped files: the app's and one per activity category, loaded once.

Loading waits for the first call, since a QIcon needs a QGuiApplication and
importing this module must not. The tray's icons are in :mod:`obnotify.ui.tray_icons`.
"""

from __future__ import annotations

from functools import cache
from typing import Final

from PySide6.QtGui import QIcon

from obnotify.core.render import Category
from obnotify.resources import APP_ICON_SVG, icon_path

__all__ = ["CATEGORY_ICON_FILES", "app_icon", "category_icon"]

CATEGORY_ICON_FILES: Final[dict[Category, str]] = {
    category: f"category-{category.value}.svg" for category in Category
}
"""The icon file of each activity category."""


@cache
def app_icon() -> QIcon:
    """The application icon, for windows and the tray fallback."""
    return QIcon(str(APP_ICON_SVG))


@cache
def category_icon(category: Category) -> QIcon:
    """The tile for a category."""
    return QIcon(str(icon_path(CATEGORY_ICON_FILES[category])))
