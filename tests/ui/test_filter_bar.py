"""The filter bar fits the window at its minimum size: every chip whole, the search box usable."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QListWidget, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from obnotify.core.render import Category
from obnotify.ui.filter_bar import CHIPS, SEARCH_MIN_WIDTH, FilterBar

MIN_WIDTH = 520
"""The window's minimum width; its layout keeps 12 px margins either side."""
WINDOW_MARGINS = 24


def _bar_in_window(qtbot: QtBot, width: int) -> tuple[QWidget, FilterBar]:
    host = QWidget()
    qtbot.addWidget(host)
    layout = QVBoxLayout(host)
    layout.setContentsMargins(WINDOW_MARGINS // 2, 12, WINDOW_MARGINS // 2, 10)
    bar = FilterBar(host)
    layout.addWidget(bar)
    layout.addWidget(QListWidget(host), 1)
    host.resize(width, 420)
    host.show()
    qtbot.waitExposed(host)
    QGuiApplication.processEvents()
    return host, bar


def _on_bar(bar: FilterBar, widget: QWidget) -> QRect:
    return QRect(widget.mapTo(bar, widget.rect().topLeft()), widget.size())


@pytest.mark.parametrize("width", [MIN_WIDTH, 600, 720, 1200])
def test_every_chip_whole_and_the_search_box_usable(qtbot: QtBot, width: int) -> None:
    _host, bar = _bar_in_window(qtbot, width)
    assert bar.width() == width - WINDOW_MARGINS
    placed = []
    for chip in bar.chips:
        rect = _on_bar(bar, chip)
        assert chip.isVisible()
        assert bar.rect().contains(rect), f"{chip.text()} is cut off at {width} px"
        assert chip.width() >= chip.sizeHint().width(), f"{chip.text()} is squeezed"
        placed.append(rect)
    search = _on_bar(bar, bar.search)
    assert bar.search.isVisible() and bar.rect().contains(search)
    assert bar.search.width() >= SEARCH_MIN_WIDTH
    assert not any(search.intersects(rect) for rect in placed)
    assert [chip.text() for chip in bar.chips] == [label for label, _ in CHIPS]


def test_the_search_box_shares_the_chips_line_when_there_is_room(qtbot: QtBot) -> None:
    host, bar = _bar_in_window(qtbot, 1000)
    assert bar.one_line
    assert bar.search.y() == pytest.approx(bar.chips[0].y(), abs=6)
    host.resize(MIN_WIDTH, 420)
    qtbot.waitUntil(lambda: not bar.one_line)
    QGuiApplication.processEvents()
    assert bar.search.y() > bar.chips[0].y() + bar.chips[0].height() - 1
    host.resize(1000, 420)
    qtbot.waitUntil(lambda: bar.one_line)


def test_the_search_box_still_filters_on_its_own_line(qtbot: QtBot) -> None:
    _host, bar = _bar_in_window(qtbot, MIN_WIDTH)
    bar.select_chip("Chat")
    with qtbot.waitSignal(bar.filter_changed) as changed:
        qtbot.keyClicks(bar.search, "walnut")
    assert changed.args == [frozenset({Category.CHAT, Category.ORDER_CHAT}), "walnut"]
