"""Icons from the shipped files: one per tray state and per category, loaded once.

Loading waits for the first call, since a QIcon needs a QGuiApplication and
importing this module must not.
"""

from __future__ import annotations

from functools import cache
from typing import Final

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPainterPath, QPixmap

from obnotify.core.render import Category
from obnotify.core.tray_state import TrayState
from obnotify.resources import APP_ICON_SVG, icon_path

__all__ = [
    "CATEGORY_ICON_FILES",
    "TRAY_ICON_FILES",
    "app_icon",
    "badge_text",
    "category_icon",
    "tray_icon",
]

TRAY_ICON_FILES: Final[dict[TrayState, str]] = {
    state: f"tray-{state.value}.svg" for state in TrayState
}
"""The icon file of each tray state."""

CATEGORY_ICON_FILES: Final[dict[Category, str]] = {
    category: f"category-{category.value}.svg" for category in Category
}
"""The icon file of each activity category."""

TRAY_SIZES: Final = (16, 22, 24, 32, 48, 64)
"""Sizes rendered for the tray; hosts pick the nearest."""

BADGE_COLOUR: Final = QColor("#e8590c")
BADGE_LIMIT: Final = 99


@cache
def app_icon() -> QIcon:
    """The application icon, for windows and the tray fallback."""
    return QIcon(str(APP_ICON_SVG))


@cache
def _tray_base(state: TrayState) -> QIcon:
    return QIcon(str(icon_path(TRAY_ICON_FILES[state])))


@cache
def category_icon(category: Category | str) -> QIcon:
    """The tile for a category; an unknown category name gets the "other" tile."""
    try:
        known = Category(category)
    except ValueError:
        known = Category.OTHER
    return QIcon(str(icon_path(CATEGORY_ICON_FILES[known])))


def badge_text(unread: int) -> str:
    """The count as drawn on the badge: ``7``, ``99+``."""
    return f"{BADGE_LIMIT}+" if unread > BADGE_LIMIT else str(unread)


def _badged(base: QIcon, size: int, text: str) -> QPixmap:
    pixmap = base.pixmap(size, size)
    pixmap.setDevicePixelRatio(1.0)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(max(7, round(size * (0.42 if len(text) == 1 else 0.36))))
    painter.setFont(font)
    text_width = painter.fontMetrics().horizontalAdvance(text)
    height = size * 0.56
    width = max(height, text_width + size * 0.18)
    rect = QRectF(size - width, 0, width, height)
    path = QPainterPath()
    path.addRoundedRect(rect, height / 2, height / 2)
    painter.fillPath(path, QColor("#ffffff"))
    inner = rect.adjusted(1, 1, -1, -1)
    inner_path = QPainterPath()
    inner_path.addRoundedRect(inner, inner.height() / 2, inner.height() / 2)
    painter.fillPath(inner_path, BADGE_COLOUR)
    painter.setPen(QColor("#ffffff"))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
    painter.end()
    return pixmap


@cache
def tray_icon(state: TrayState, unread: int = 0) -> QIcon:
    """The tray icon of a state, with the unread count drawn on it when there is one.

    Cached per (state, count): a tray that flips between a few counts draws
    each once. Counts above 99 share the ``99+`` badge.
    """
    base = _tray_base(state)
    if unread <= 0:
        return base
    capped = min(unread, BADGE_LIMIT + 1)
    if capped != unread:
        return tray_icon(state, capped)
    icon = QIcon()
    for size in TRAY_SIZES:
        icon.addPixmap(_badged(base, size, badge_text(capped)))
    return icon
