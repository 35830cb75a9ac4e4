"""Write obnotify's icon files: tray states, activity categories and the app icon.

The icons are committed files, loaded once at run time; this script is how they
were made and how to remake them after a change of shape or colour:

    QT_QPA_PLATFORM=offscreen python resources/make_icons.py
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from PySide6.QtGui import QImage

ROOT: Final = Path(__file__).resolve().parent.parent
PACKAGE_ICONS: Final = ROOT / "obnotify" / "resources" / "icons"
HICOLOR: Final = ROOT / "resources" / "icons" / "hicolor"
APP_ID: Final = "org.obnotify.ObNotify"
HICOLOR_SIZES: Final = (16, 22, 24, 32, 48, 64, 128, 256)

GREEN: Final = "#2bad72"
GREEN_DARK: Final = "#1b7a4f"
AMBER: Final = "#e0a526"
AMBER_DARK: Final = "#a8780f"
GREY: Final = "#8a929c"
GREY_DARK: Final = "#5b626b"
RED: Final = "#d64541"
RED_DARK: Final = "#9c2a27"
ORANGE: Final = "#e8590c"
ORANGE_DARK: Final = "#a63e06"
SLATE: Final = "#5f7a94"
SLATE_DARK: Final = "#3f556b"

BELL: Final = (
    "M16 4.2c-4.9 0-8.3 3.7-8.3 8.8v5.2L5 22.6v1.6h22v-1.6l-2.7-4.4V13c0-5.1-3.4-8.8-8.3-8.8z"
)
"""A bell in a 32×32 box; the clapper and the knob are drawn apart."""


def _svg(body: str, size: int = 32) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="0 0 {size} {size}">\n{body}\n</svg>\n'
    )


def _bell(fill: str, stroke: str, *, outline: bool = False) -> str:
    if outline:
        return (
            f'<path d="{BELL}" fill="none" stroke="{fill}" stroke-width="2.4" '
            'stroke-linejoin="round"/>\n'
            f'<circle cx="16" cy="27" r="2.4" fill="{fill}"/>\n'
            f'<circle cx="16" cy="3.6" r="1.5" fill="{fill}"/>'
        )
    return (
        f'<path d="{BELL}" fill="{fill}" stroke="{stroke}" stroke-width="1.2" '
        'stroke-linejoin="round"/>\n'
        f'<circle cx="16" cy="27" r="2.6" fill="{fill}" stroke="{stroke}" stroke-width="1.2"/>\n'
        f'<circle cx="16" cy="3.6" r="1.6" fill="{stroke}"/>'
    )


def _corner_badge(inner: str, fill: str) -> str:
    """A disc at the lower right with a glyph, ringed in white to stand off the bell."""
    return (
        f'<circle cx="24.5" cy="24.5" r="7" fill="{fill}" stroke="#ffffff" stroke-width="1.6"/>\n'
        + inner
    )


def tray_icons() -> dict[str, str]:
    """SVG text by file name for each tray state."""
    dots = "".join(
        f'<circle cx="{x}" cy="16.5" r="1.5" fill="{AMBER_DARK}"/>' for x in (12, 16, 20)
    )
    slash = (
        '<line x1="5" y1="5" x2="27" y2="28" stroke="#ffffff" stroke-width="5" '
        'stroke-linecap="round"/>\n'
        f'<line x1="5" y1="5" x2="27" y2="28" stroke="{GREY_DARK}" stroke-width="2.6" '
        'stroke-linecap="round"/>'
    )
    bang = (
        '<rect x="23.4" y="19.6" width="2.2" height="6" rx="1.1" fill="#ffffff"/>\n'
        '<circle cx="24.5" cy="28.2" r="1.2" fill="#ffffff"/>'
    )
    lock = (
        '<path d="M22 23.5v-1.6a2.5 2.5 0 0 1 5 0v1.6" fill="none" stroke="#ffffff" '
        'stroke-width="1.5"/>\n'
        '<rect x="20.8" y="23.2" width="7.4" height="5.6" rx="1.1" fill="#ffffff"/>'
    )
    pause = (
        '<rect x="21.6" y="21" width="2.2" height="7" rx="0.8" fill="#ffffff"/>\n'
        '<rect x="25.2" y="21" width="2.2" height="7" rx="0.8" fill="#ffffff"/>'
    )
    unread_dot = (
        f'<circle cx="25" cy="7" r="5" fill="{ORANGE}" stroke="#ffffff" stroke-width="1.6"/>'
    )
    return {
        "tray-connected.svg": _svg(_bell(GREEN, GREEN_DARK)),
        "tray-unread.svg": _svg(_bell(GREEN, GREEN_DARK) + "\n" + unread_dot),
        "tray-connecting.svg": _svg(_bell(AMBER, AMBER_DARK, outline=True) + "\n" + dots),
        "tray-unreachable.svg": _svg(_bell(GREY, GREY_DARK) + "\n" + slash),
        "tray-auth-failed.svg": _svg(_bell(RED, RED_DARK) + "\n" + _corner_badge(bang, RED_DARK)),
        "tray-tls-failed.svg": _svg(
            _bell(ORANGE, ORANGE_DARK) + "\n" + _corner_badge(lock, ORANGE_DARK)
        ),
        "tray-paused.svg": _svg(_bell(SLATE, SLATE_DARK) + "\n" + _corner_badge(pause, SLATE_DARK)),
    }


def _tile(colour: str, glyph: str) -> str:
    return _svg(f'<rect x="1" y="1" width="30" height="30" rx="7" fill="{colour}"/>\n{glyph}')


def category_icons() -> dict[str, str]:
    """SVG text by file name for each activity category: a coloured tile, a white glyph."""
    white = "#ffffff"
    bag = (
        f'<path d="M9 12h14l-1.2 12.5a1.6 1.6 0 0 1-1.6 1.5h-8.4a1.6 1.6 0 0 1-1.6-1.5z" '
        f'fill="{white}"/>\n'
        f'<path d="M12.5 13v-2.5a3.5 3.5 0 0 1 7 0V13" fill="none" stroke="{white}" '
        'stroke-width="2" stroke-linecap="round"/>'
    )
    warning = (
        f'<path d="M16 6.5l10 17.5H6z" fill="{white}" stroke="{white}" stroke-width="2" '
        'stroke-linejoin="round"/>\n'
        '<rect x="14.9" y="12" width="2.2" height="7" rx="1.1" fill="#d64541"/>\n'
        '<circle cx="16" cy="21.6" r="1.3" fill="#d64541"/>'
    )
    bubble = (
        f'<path d="M8 9.5a2.5 2.5 0 0 1 2.5-2.5h11a2.5 2.5 0 0 1 2.5 2.5v8a2.5 2.5 0 0 1-2.5 '
        f'2.5H15l-4.5 4v-4a2.5 2.5 0 0 1-2.5-2.5z" fill="{white}"/>\n'
        + "".join(f'<circle cx="{x}" cy="13.6" r="1.3" fill="#8e5bd6"/>' for x in (12, 16, 20))
    )
    person = (
        f'<circle cx="16" cy="11.5" r="4.3" fill="{white}"/>\n'
        f'<path d="M7.5 25c0-4.6 3.8-7.6 8.5-7.6s8.5 3 8.5 7.6z" fill="{white}"/>'
    )
    coin = (
        f'<circle cx="16" cy="16" r="9" fill="{white}"/>\n'
        '<circle cx="16" cy="16" r="6.3" fill="none" stroke="#e0a526" stroke-width="1.6"/>\n'
        '<rect x="14.9" y="12" width="2.2" height="8" rx="1" fill="#e0a526"/>'
    )
    info = (
        f'<circle cx="16" cy="9.5" r="1.9" fill="{white}"/>\n'
        f'<rect x="14.2" y="13.2" width="3.6" height="10.5" rx="1.6" fill="{white}"/>'
    )
    return {
        "category-orders.svg": _tile("#3b7ddd", bag),
        "category-disputes.svg": _tile("#d64541", warning),
        "category-chat.svg": _tile("#8e5bd6", bubble),
        "category-order-chat.svg": _tile("#8e5bd6", bubble),
        "category-followers.svg": _tile("#1fa2a8", person),
        "category-funds.svg": _tile("#e0a526", coin),
        "category-other.svg": _tile("#7a8594", info),
    }


def app_icon() -> str:
    """The application icon: a white bell with an orange dot on a green rounded square."""
    return _svg(
        '<defs><linearGradient id="bg" x1="0" y1="0" x2="0" y2="1">'
        f'<stop offset="0" stop-color="#34c283"/><stop offset="1" stop-color="{GREEN_DARK}"/>'
        "</linearGradient></defs>\n"
        '<rect x="6" y="6" width="116" height="116" rx="26" fill="url(#bg)"/>\n'
        '<g transform="translate(22 20) scale(2.6)">'
        f'<path d="{BELL}" fill="#ffffff"/>'
        '<circle cx="16" cy="27" r="2.6" fill="#ffffff"/>'
        '<circle cx="16" cy="3.6" r="1.6" fill="#ffffff"/></g>\n'
        f'<circle cx="95" cy="33" r="14" fill="{ORANGE}" stroke="#ffffff" stroke-width="5"/>',
        size=128,
    )


def render(svg: Path, size: int) -> QImage:
    """``svg`` drawn ``size`` pixels wide and high."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def _save(image: QImage, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(out)):
        raise OSError(f"could not write {out}")


def _render_png(svg: Path, out: Path, size: int) -> None:
    _save(render(svg, size), out)


def tray_strip(svg: Path) -> QImage:
    """A tray icon drawn at each of the tray's sides, smallest first, left to right, top-aligned:
    the app reads it without loading Qt's SVG engine (see ``obnotify/ui/tray_icons.py``)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter

    from obnotify.ui.tray_icons import TRAY_SIDES

    strip = QImage(sum(TRAY_SIDES), max(TRAY_SIDES), QImage.Format.Format_ARGB32_Premultiplied)
    strip.fill(Qt.GlobalColor.transparent)
    painter = QPainter(strip)
    left = 0
    for side in TRAY_SIDES:
        painter.drawImage(left, 0, render(svg, side))
        left += side
    painter.end()
    return strip


def main() -> int:
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication(sys.argv[:1])
    PACKAGE_ICONS.mkdir(parents=True, exist_ok=True)
    files = {**tray_icons(), **category_icons(), "obnotify.svg": app_icon()}
    for name, text in files.items():
        (PACKAGE_ICONS / name).write_text(text, encoding="utf-8")
    for name in tray_icons():
        _save(tray_strip(PACKAGE_ICONS / name), (PACKAGE_ICONS / name).with_suffix(".png"))
    app_svg = PACKAGE_ICONS / "obnotify.svg"
    _render_png(app_svg, PACKAGE_ICONS / "obnotify-128.png", 128)
    scalable = HICOLOR / "scalable" / "apps" / f"{APP_ID}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    scalable.write_text(files["obnotify.svg"], encoding="utf-8")
    for size in HICOLOR_SIZES:
        _render_png(app_svg, HICOLOR / f"{size}x{size}" / "apps" / f"{APP_ID}.png", size)
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
