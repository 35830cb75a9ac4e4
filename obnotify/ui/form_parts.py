"""Pieces the forms that take a node share: the welcome window and the node editor."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from obnotify.core.plain_text import printable
from obnotify.node.checks import Check

__all__ = ["TLS_CHOICES", "check_lines", "choose", "combo", "error_label", "grow_to_fit", "say"]

TLS_CHOICES: Final = (
    ("system", "The system's certificates"),
    ("ca", "A CA file"),
    ("pin", "Trust this certificate"),
)
"""How a node's certificate is trusted: the settings file's ``tls`` values and their words."""
ERROR_STYLE: Final = "color: #c0392b;"


def check_lines(checks: Sequence[Check]) -> list[str]:
    """One line per check; a failed one is followed by a line that says what to do."""
    lines = []
    for check in checks:
        mark = "–" if check.skipped else "✓" if check.ok else "✗"
        lines.append(f"{mark} {check.name}: {printable(check.message, 300)}")
        if not check.ok and check.fix:
            lines.append(f"    Fix: {printable(check.fix, 300)}")
    return lines


def error_label() -> QLabel:
    """A hidden red line under a field, shown by :func:`say` with what to fix there."""
    label = QLabel()
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.hide()
    return label


def say(label: QLabel, text: str) -> None:
    """Show ``text`` in ``label``, or hide it when there is nothing to say."""
    label.setText(text)
    label.setVisible(bool(text))


def combo(choices: tuple[tuple[str, str], ...]) -> QComboBox:
    """A drop-down of ``(value, words)``: the words shown, the value kept as its data."""
    box = QComboBox()
    for value, text in choices:
        box.addItem(text, value)
    return box


def choose(box: QComboBox, value: str) -> None:
    """Select ``value`` in a :func:`combo` (the first choice when it is not one)."""
    box.setCurrentIndex(max(0, box.findData(value)))


def grow_to_fit(window: QWidget) -> None:
    """Make ``window`` tall enough for its wrapped lines (errors, results) at its width.

    A window's minimum height does not follow what its wrapped labels need once text
    is put in them; without this they are squeezed and their lines cut.
    """
    layout = window.layout()
    if layout is None:
        return
    layout.activate()
    needed = layout.totalHeightForWidth(window.width())
    if needed > window.height():
        window.resize(window.width(), needed)
