"""The tray's icons: one per tray state and style from the shipped files, with the unread badge,
and the coloured disc that tells the nodes apart in its menu and in the window.

Apart from :mod:`obnotify.ui.icons` because the tray is shown before anything
else is loaded: this module needs nothing of the core but the tray states.
Loading waits for the first call, since a QIcon needs a QGuiApplication.

The coloured icons, the ones nearly every app shows all its life, are shipped
drawn at the tray's sizes, side by side in one PNG strip per state
(``resources/make_icons.py`` draws them from the SVG files): reading a PNG
needs nothing more, while an SVG would load Qt's SVG engine and keep it, over
a megabyte, for the life of the app. The monochrome ones come from one SVG
file per state drawn in ``currentColor``; the glyph colour of the style is
written into it and it is rendered at the tray's sizes, as the badged icons
are, when that style is first chosen.
"""

from __future__ import annotations

from functools import cache
from typing import Final

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPainterPath, QPixmap

from obnotify.core.tray_state import TrayState, TrayStyle
from obnotify.resources import icon_path

__all__ = [
    "MONO_ICON_FILES",
    "TRAY_ICON_FILES",
    "TRAY_SIDES",
    "TRAY_STRIP_FILES",
    "badge_text",
    "cut",
    "node_marker",
    "tray_icon",
]

TRAY_ICON_FILES: Final[dict[TrayState, str]] = {
    state: f"tray-{state.value}.svg" for state in TrayState
}
"""The coloured icon file of each tray state: what its strip is drawn from."""

TRAY_STRIP_FILES: Final[dict[TrayState, str]] = {
    state: f"tray-{state.value}.png" for state in TrayState
}
"""The coloured icon of each tray state drawn at each of :data:`TRAY_SIDES`, smallest first,
left to right, top-aligned."""

MONO_ICON_FILES: Final[dict[TrayState, str]] = {
    state: f"tray-mono-{state.value}.svg" for state in TrayState
}
"""The monochrome icon file of each tray state, drawn in ``currentColor``."""

GLYPH_COLOURS: Final[dict[TrayStyle, str]] = {
    TrayStyle.MONO_LIGHT: "#202020",
    TrayStyle.MONO_DARK: "#f0f0f0",
}
"""The one colour of each monochrome style: pure greys, near the panels' own text colours."""

TRAY_SIZES: Final = (16, 22, 24, 32, 48, 64)
"""Sizes rendered for the tray; hosts pick the nearest."""

TRAY_RATIOS: Final = (1.0, 2.0)
"""Device pixel ratios rendered, so a scaled panel gets a sharp badge of the right size."""

TRAY_SIDES: Final = tuple(
    sorted({round(size * ratio) for size in TRAY_SIZES for ratio in TRAY_RATIOS})
)
"""The sides in pixels the tray's icons are drawn at."""

BADGE_COLOUR: Final = QColor("#e8590c")
BADGE_LIMIT: Final = 99


def _rendered(svg: bytes, side: int) -> QPixmap:
    """An SVG drawn ``side`` pixels wide and high."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize
    from PySide6.QtGui import QImageReader

    buffer = QBuffer()
    buffer.setData(QByteArray(svg))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer, b"svg")
    reader.setScaledSize(QSize(side, side))
    return QPixmap.fromImage(reader.read())


def cut(strip: QPixmap, side: int) -> QPixmap:
    """The icon drawn ``side`` pixels wide out of a strip of :data:`TRAY_STRIP_FILES`."""
    return strip.copy(sum(other for other in TRAY_SIDES if other < side), 0, side, side)


@cache
def _tray_base(state: TrayState, style: TrayStyle = TrayStyle.COLOUR) -> QIcon:
    if style is TrayStyle.COLOUR:
        strip = QPixmap(str(icon_path(TRAY_STRIP_FILES[state])))
        drawn = {side: cut(strip, side) for side in TRAY_SIDES}
    else:
        template = icon_path(MONO_ICON_FILES[state]).read_bytes()
        svg = template.replace(b"currentColor", GLYPH_COLOURS[style].encode("ascii"))
        drawn = {side: _rendered(svg, side) for side in TRAY_SIDES}
    icon = QIcon()
    for size in TRAY_SIZES:
        for ratio in TRAY_RATIOS:
            # A copy each: the ratio belongs to the pixmap, and 32 at 2.0 is 64 at 1.0.
            pixmap = drawn[round(size * ratio)].copy()
            pixmap.setDevicePixelRatio(ratio)
            icon.addPixmap(pixmap)
    return icon


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


def tray_icon(state: TrayState, unread: int = 0, style: str = TrayStyle.COLOUR) -> QIcon:
    """The tray icon of a state in a style, with the unread count drawn on it when there is one.

    Cached per (state, count, style): a tray that flips between a few counts
    draws each once. Counts above 99 share the ``99+`` badge. The badge keeps
    its colour in every style: it is the one thing on the icon that asks to be read.

    Args:
        state: What the icon shows.
        unread: The count on the badge; none at 0.
        style: A :class:`TrayStyle` or its value; anything else raises ValueError.
    """
    return _tray_icon(state, max(0, min(unread, BADGE_LIMIT + 1)), TrayStyle(style))


@cache
def _tray_icon(state: TrayState, unread: int, style: TrayStyle) -> QIcon:
    base = _tray_base(state, style)
    if unread == 0:
        return base
    icon = QIcon()
    for size in TRAY_SIZES:
        for ratio in TRAY_RATIOS:
            icon.addPixmap(_badged(base, size, badge_text(unread), ratio))
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
