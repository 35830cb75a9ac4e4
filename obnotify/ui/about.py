"""The About box: which version runs, and where its settings, history and log are.

Those places are what a user is asked for when something goes wrong, so the box
shows them as selectable text rather than leaving them to the documentation.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from obnotify import __version__

__all__ = ["about_text", "show_about"]


def about_text(config: Path, data: Path, log: Path) -> str:
    """The box's text, plain: the version and the three places."""
    return (
        f"obnotify {__version__}\n"
        "Desktop notifications for your OpenBazaar node.\n\n"
        f"Settings: {config}\n"
        f"History: {data}\n"
        f"Log: {log}\n\n"
        "When something does not work, `obnotify doctor` checks each node and the desktop."
    )


def show_about(config: Path, data: Path, log: Path, box: QMessageBox | None = None) -> QMessageBox:
    """Bring the box forward without blocking the loop, making it the first time.

    Keep what it returns: a box nothing holds is collected, and vanishes, at once.
    Closing only hides it, so asking again shows the same box.
    """
    if box is None:
        box = QMessageBox(
            QMessageBox.Icon.Information, "About obnotify", about_text(config, data, log)
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.open()
    box.raise_()
    box.activateWindow()
    return box
