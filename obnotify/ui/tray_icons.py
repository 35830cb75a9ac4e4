"""The tray's icons: one per tray state from the shipped files, with the unread badge drawn on,
and the coloured disc that tells the nodes apart in its menu and in the window.

Apart from :mod:`obnotify.ui.icons` because the tray is shown before anything
else is loaded: this module needs nothing of the core but the tray states.
Loading waits for the first call, since a QIcon needs a QGuiApplication.
"""

from __future__ import annotations

from functools import cache
from typing import Final

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPainterPath, QPixmap

from obnotify.core.tray_state import TrayState
from obnotify.resources import icon_path

__all__ = ["TRAY_ICON_FILES", "badge_text", "node_marker", "tray_icon"]

TRAY_ICON_FILES: Final[dict[TrayState, str]] = {
    state: f"tray-{state.value}.svg" for state in TrayState
}
"""The icon file of each tray state."""

TRAY_SIZES: Final = (16, 22, 24, 32, 48, 64)
"""Sizes rendered for the tray; hosts pick the nearest."""

TRAY_RATIOS: Final = (1.0, 2.0)
"""Device pixel ratios rendered, so a scaled panel gets a sharp badge of the right size."""

BADGE_COLOUR: Final = QColor("#e8590c")
BADGE_LIMIT: Final = 99


@cache
def _tray_base(state: TrayState) -> QIcon:
    return QIcon(str(icon_path(TRAY_ICON_FILES[state])))


def badge_text(unread: int) -> str:
    """The count as drawn on the badge: ``7``, ``99+``."""
    return f"{BADGE_LIMIT}+" if unread > BADGE_LIMIT else str(unread)


def _badged(base: QIcon, size: int, text: str, ratio: float = 1.0) -> QPixmap:
    """The icon at ``size`` logical pixels for a screen of ``ratio``, badge drawn on.

    The pixmap keeps its ratio so the painter works in logical pixels: the badge
    covers the same corner at every scale."""
    # Qt's namespace costs more to load than the tray icon does; only a badge needs it.
    from PySide6.QtCore import QSize, Qt

    pixmap = base.pixmap(QSize(size, size), ratio)
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
        for ratio in TRAY_RATIOS:
            icon.addPixmap(_badged(base, size, badge_text(capped), ratio))
    return icon


@cache
def node_marker(colour: str, size: int) -> QIcon:
    """A node's colour as a disc, for the tray menu and the window's node list."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(colour))
    margin = max(1, size // 8)
    painter.drawEllipse(margin, margin, size - 2 * margin, size - 2 * margin)
    painter.end()
    return QIcon(pixmap)
