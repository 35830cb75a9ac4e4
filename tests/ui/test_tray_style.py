"""The tray icon in each style: monochrome has no colour but still tells every state apart."""

from __future__ import annotations

import itertools

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QImage

from obnotify.core.tray_state import TrayState, TrayStyle
from obnotify.ui.tray import Tray
from obnotify.ui.tray_icons import BADGE_COLOUR, MONO_ICON_FILES, tray_icon

pytestmark = pytest.mark.usefixtures("qapp")
"""A QIcon needs a QGuiApplication."""

MONO = (TrayStyle.MONO_LIGHT, TrayStyle.MONO_DARK)
SIZES = (16, 22, 32)
RATIOS = (1.0, 2.0)
GREY_SATURATION = 8
"""Of 255: what rounding at an antialiased edge may leave; a colour is far above it."""
SHAPE_DIFFERENCE = {16: 5, 22: 12}
"""Pixels whose opacity must differ between any two states, by icon size: at 16 pixels the
corner disc that marks a failure or a pause is 6 pixels across."""


def _image(state: TrayState, style: TrayStyle, size: int = 22, ratio: float = 1.0) -> QImage:
    return tray_icon(state, 0, style).pixmap(QSize(size, size), ratio).toImage()


def _pixels(image: QImage) -> list[tuple[int, int]]:
    return [(x, y) for x in range(image.width()) for y in range(image.height())]


def _drawn(image: QImage) -> list[tuple[int, int]]:
    return [(x, y) for x, y in _pixels(image) if image.pixelColor(x, y).alpha() > 0]


def test_every_style_draws_its_own_icon_of_every_state() -> None:
    for state in TrayState:
        assert MONO_ICON_FILES[state] == f"tray-mono-{state.value}.svg"
        images = [_image(state, style) for style in TrayStyle]
        for image in images:
            assert not image.isNull() and len(_drawn(image)) > 22 * 22 // 5
        for one, other in itertools.combinations(images, 2):
            assert one != other, state


@pytest.mark.parametrize("style", MONO)
def test_monochrome_icons_have_no_colour(style: TrayStyle) -> None:
    dark_glyph = style is TrayStyle.MONO_LIGHT
    for state, size, ratio in itertools.product(TrayState, SIZES, RATIOS):
        image = _image(state, style, size, ratio)
        assert image.width() == round(size * ratio), "rendered for the screen's ratio"
        colours = [image.pixelColor(x, y) for x, y in _drawn(image)]
        assert max(colour.hsvSaturation() for colour in colours) <= GREY_SATURATION, state
        solid = [colour.lightness() for colour in colours if colour.alpha() == 255]
        assert solid, state
        if dark_glyph:
            assert max(solid) < 64, f"{state}: a dark glyph for a light panel"
        else:
            assert min(solid) > 192, f"{state}: a light glyph for a dark panel"


def test_the_coloured_icons_are_coloured() -> None:
    """The saturation check above can fail: it does on the coloured icons."""
    for state in TrayState:
        image = _image(state, TrayStyle.COLOUR)
        saturation = max(image.pixelColor(x, y).hsvSaturation() for x, y in _drawn(image))
        assert saturation > 60, state


@pytest.mark.parametrize("size", sorted(SHAPE_DIFFERENCE))
@pytest.mark.parametrize("style", MONO)
def test_monochrome_states_differ_in_shape(style: TrayStyle, size: int) -> None:
    """Only opacity is compared, so no state is told apart by colour."""
    images = {state: _image(state, style, size) for state in TrayState}
    for one, other in itertools.combinations(TrayState, 2):
        a, b = images[one], images[other]
        differing = sum(
            abs(a.pixelColor(x, y).alpha() - b.pixelColor(x, y).alpha()) > 96 for x, y in _pixels(a)
        )
        assert differing >= SHAPE_DIFFERENCE[size], f"{one} and {other} look alike in {style}"


@pytest.mark.parametrize("style", list(TrayStyle))
def test_the_badge_fills_the_corner_in_every_style_at_ratio_two(style: TrayStyle) -> None:
    badged = tray_icon(TrayState.CONNECTED, 5, style).pixmap(QSize(32, 32), 2.0).toImage()
    plain = _image(TrayState.CONNECTED, style, 32, 2.0)
    assert (badged.width(), badged.height()) == (64, 64)
    changed = [
        (x, y) for x, y in _pixels(badged) if badged.pixelColor(x, y) != plain.pixelColor(x, y)
    ]
    assert max(x for x, _ in changed) >= 60 and max(y for _, y in changed) >= 30
    assert min(x for x, _ in changed) >= 20, "only the corner changes"
    near = badged.pixelColor(52, 14)
    assert abs(near.red() - BADGE_COLOUR.red()) < 40
    assert abs(near.green() - BADGE_COLOUR.green()) < 40


def test_set_style_redraws_the_icon_at_once_and_keeps_it_for_later_states() -> None:
    tray = Tray()
    tray.set_state(TrayState.PAUSED, "obnotify", 3)
    assert tray.style is TrayStyle.COLOUR
    tray.set_style("mono-dark")
    assert tray.style is TrayStyle.MONO_DARK
    assert (
        tray.icon.icon().cacheKey()
        == tray_icon(TrayState.PAUSED, 3, TrayStyle.MONO_DARK).cacheKey()
    )
    tray.set_state(TrayState.UNREACHABLE, "obnotify", 0)
    assert (
        tray.icon.icon().cacheKey()
        == tray_icon(TrayState.UNREACHABLE, 0, TrayStyle.MONO_DARK).cacheKey()
    )
    tray.set_style(TrayStyle.COLOUR)
    assert tray.icon.icon().cacheKey() == tray_icon(TrayState.UNREACHABLE).cacheKey()
    with pytest.raises(ValueError, match="pink"):
        tray.set_style("pink")
