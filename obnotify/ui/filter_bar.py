"""Category chips and a search box above the activity list.

Typing in the search box waits for a short pause before it filters, so a
search over a long history runs once per word rather than once per key.

The chips and the search box share one line while there is room for both;
narrower than that (the window near its minimum size), the search box moves to a
line of its own, so no chip is ever cut off.
"""

from __future__ import annotations

from typing import Final

from PySide6.QtCore import QSize, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLineEdit,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from obnotify.core.render import Category

__all__ = ["CHIPS", "SEARCH_DEBOUNCE_MS", "SEARCH_MIN_WIDTH", "FilterBar"]

SEARCH_DEBOUNCE_MS: Final = 150
SEARCH_MIN_WIDTH: Final = 160
"""Narrowest the search box gets beside the chips; with less room it takes a line of its own."""
SEARCH_MAX_WIDTH: Final = 360
SPACING: Final = 6
NO_LIMIT: Final = 16_777_215
"""Qt's QWIDGETSIZE_MAX: no maximum width."""

CHIPS: Final[tuple[tuple[str, frozenset[Category] | None], ...]] = (
    ("All", None),
    ("Orders", frozenset({Category.ORDERS})),
    ("Disputes", frozenset({Category.DISPUTES})),
    ("Chat", frozenset({Category.CHAT, Category.ORDER_CHAT})),
    ("Followers", frozenset({Category.FOLLOWERS})),
    ("Funds", frozenset({Category.FUNDS})),
)
"""Each chip's label and the categories it shows (None: all, "other" included)."""

_CHIP_STYLE: Final = """
QToolButton {
    border: 1px solid palette(mid);
    border-radius: 11px;
    padding: 2px 11px;
    min-height: 18px;
}
QToolButton:hover { border-color: palette(highlight); }
QToolButton:checked {
    background: palette(highlight);
    color: palette(highlighted-text);
    border-color: palette(highlight);
}
"""


class FilterBar(QWidget):
    """Exclusive category chips and a debounced search box.

    Args:
        parent: The owning widget.
    """

    filter_changed = Signal(object, str)
    """The categories to show (a frozenset, or None for all) and the search text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chips: list[QToolButton] = []
        """The chip buttons, in the order of ``CHIPS``."""
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        self._rows = QVBoxLayout(self)
        self._rows.setContentsMargins(0, 0, 0, 0)
        self._rows.setSpacing(SPACING)
        layout = QHBoxLayout()
        layout.setSpacing(SPACING)
        self._rows.addLayout(layout)
        self._chip_row = layout
        for position, (label, _categories) in enumerate(CHIPS):
            chip = QToolButton(self)
            chip.setText(label)
            chip.setCheckable(True)
            chip.setAutoRaise(False)
            chip.setStyleSheet(_CHIP_STYLE)
            self._group.addButton(chip, position)
            self.chips.append(chip)
            layout.addWidget(chip)
        self.chips[0].setChecked(True)
        self._group.idToggled.connect(self.on_chip_toggled)
        layout.addStretch(1)
        self.search = QLineEdit(self)
        """The search box; filtering waits ``SEARCH_DEBOUNCE_MS`` after the last key."""
        self.search.setPlaceholderText("Search activity")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(SEARCH_MIN_WIDTH)
        self.search.setMaximumWidth(SEARCH_MAX_WIDTH)
        self.search.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.search.textChanged.connect(self.on_search_text_changed)
        layout.addWidget(self.search)
        self._one_line = True
        self.debounce = QTimer(self)
        """Restarted by each key in the search box."""
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self.debounce.timeout.connect(self.on_debounce_timeout)

    @property
    def one_line(self) -> bool:
        """Whether the search box is on the chips' line (else on a line below them)."""
        return self._one_line

    def minimumSizeHint(self) -> QSize:
        """As narrow as the chips: the search box can always go below them."""
        return QSize(self._chips_width(), super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange(event.size().width())

    def _chips_width(self) -> int:
        return sum(chip.sizeHint().width() for chip in self.chips) + SPACING * (len(self.chips) - 1)

    def _arrange(self, width: int) -> None:
        """Put the search box beside the chips when both fit, else on its own line."""
        one_line = width >= self._chips_width() + SPACING + SEARCH_MIN_WIDTH
        if one_line == self._one_line:
            return
        self._one_line = one_line
        if one_line:
            self._rows.removeWidget(self.search)
            self.search.setMaximumWidth(SEARCH_MAX_WIDTH)
            self._chip_row.addWidget(self.search)
        else:
            self._chip_row.removeWidget(self.search)
            self.search.setMaximumWidth(NO_LIMIT)
            self._rows.addWidget(self.search)
        self.updateGeometry()

    @property
    def categories(self) -> frozenset[Category] | None:
        """The categories of the checked chip."""
        checked = self._group.checkedId()
        return CHIPS[checked][1] if checked >= 0 else None

    def select_chip(self, label: str) -> None:
        """Check the chip with this label (``All``, ``Orders``...)."""
        for chip in self.chips:
            if chip.text() == label:
                chip.setChecked(True)
                return
        raise ValueError(f"no chip {label!r}")

    def reset(self) -> None:
        """Back to all categories and no search, filtering at once."""
        blocked = self.blockSignals(True)
        self.chips[0].setChecked(True)
        self.search.clear()
        self.blockSignals(blocked)
        self.debounce.stop()
        self.filter_changed.emit(None, "")

    def on_chip_toggled(self, _position: int, checked: bool) -> None:
        if checked:
            self.debounce.stop()
            self.filter_changed.emit(self.categories, self.search.text())

    def on_search_text_changed(self, _text: str) -> None:
        self.debounce.start()

    def on_debounce_timeout(self) -> None:
        self.filter_changed.emit(self.categories, self.search.text())
