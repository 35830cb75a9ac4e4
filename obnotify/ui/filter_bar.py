"""Category chips and a search box above the activity list.

Typing in the search box waits for a short pause before it filters, so a
search over a long history runs once per word rather than once per key.
"""

from __future__ import annotations

from typing import Final

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLineEdit, QToolButton, QWidget

from obnotify.core.render import Category

__all__ = ["CHIPS", "SEARCH_DEBOUNCE_MS", "FilterBar"]

SEARCH_DEBOUNCE_MS: Final = 150

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
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
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
        self.search.setMinimumWidth(200)
        self.search.textChanged.connect(self.on_search_text_changed)
        layout.addWidget(self.search)
        self.debounce = QTimer(self)
        """Restarted by each key in the search box."""
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self.debounce.timeout.connect(self.on_debounce_timeout)

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
