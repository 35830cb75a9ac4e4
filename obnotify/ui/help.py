"""The guide in a window of its own: the README, rendered as markdown.

obnotify has no website, so the README is the guide. An installed package
carries it as its long description (pyproject.toml's ``readme``), for a pip
and an editable install alike; the bundle and the source tree have the file
beside the package (packaging/obnotify.spec copies it). The text is ours and
never holds a node's words, so it may be rendered.
"""

from __future__ import annotations

import importlib.metadata
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

__all__ = [
    "GUIDE_FILE",
    "NO_GUIDE",
    "Guide",
    "HelpWindow",
    "link_target",
    "load_guide",
    "show_help",
    "without_pictures",
]

DISTRIBUTION: Final = "obnotify"
"""The installed package whose metadata carries the README."""

GUIDE_FILE: Final = Path(__file__).resolve().parents[2] / "README.md"
"""The README beside the package: the source tree's, or the bundle's copy."""

NO_GUIDE: Final = """# obnotify

This installation carries no guide. It is the file `README.md` that comes with obnotify's
source, and an installed package holds it as its description (`pip show --verbose obnotify`).

`obnotify --help` lists the commands, and `obnotify doctor` checks each node and the desktop.
"""
"""Shown when neither the package metadata nor the file holds the guide."""

EXTERNAL_SCHEMES: Final = frozenset({"http", "https", "mailto"})
"""Links handed to the desktop as they are."""

WINDOW_SIZE: Final = (760, 640)
"""Wide enough for the README's code blocks at the default font."""

_PICTURE: Final = re.compile(r"!\[([^\]]*)\]\([^)]*\)")


@dataclass(frozen=True, slots=True)
class Guide:
    """The guide's markdown and where it came from."""

    text: str
    folder: Path | None
    """The README's folder, which its relative links point into; None when the text came
    from the package metadata, where those files are not."""


def load_guide(distribution: str = DISTRIBUTION, readme: Path = GUIDE_FILE) -> Guide | None:
    """The guide from the installed package's metadata, else from the README file.

    Args:
        distribution: The installed package to ask.
        readme: The file to read when the package is not installed or has no description.

    Returns:
        The guide, or None when neither has it.
    """
    try:
        descriptions = importlib.metadata.metadata(distribution).get_all("Description") or []
    except importlib.metadata.PackageNotFoundError:
        descriptions = []
    text = next((str(text) for text in descriptions if str(text).strip()), "")
    if text:
        return Guide(text, None)
    try:
        return Guide(readme.read_text(encoding="utf-8"), readme.parent)
    except (OSError, UnicodeDecodeError):
        return None


def without_pictures(markdown: str) -> str:
    """The markdown with each picture replaced by its description in italics.

    The screenshots are not installed, and where they are they are wider than the window.
    """
    return _PICTURE.sub(lambda match: f"*{match.group(1)}*" if match.group(1) else "", markdown)


def link_target(url: QUrl, folder: Path | None) -> QUrl | None:
    """Where a clicked link goes outside the app, or None when it leads nowhere.

    Web and mail links go to the desktop; a relative link goes to the file it names
    in the README's folder, when the README came from a file and that file exists.
    """
    if url.scheme() in EXTERNAL_SCHEMES:
        return url
    if url.isRelative() and url.path() and folder is not None:
        path = folder / url.path()
        if path.exists():
            return QUrl.fromLocalFile(str(path))
    return None


class HelpWindow(QWidget):
    """The guide, non-modal, so it stays open beside the app while the user follows it.

    Args:
        guide: What to show; None shows where the guide lives instead.
        open_url: Opens a link outside the app: the browser, the file's own program.
        parent: The owning widget.
    """

    def __init__(
        self,
        guide: Guide | None,
        *,
        open_url: Callable[[QUrl], object] = QDesktopServices.openUrl,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._folder = guide.folder if guide is not None else None
        self._open_url = open_url
        self.setWindowTitle("obnotify help")
        self.browser = QTextBrowser(self)
        """The rendered guide; its links are followed by :meth:`on_anchor_clicked`."""
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self.on_anchor_clicked)
        self.browser.setMarkdown(without_pictures(guide.text) if guide is not None else NO_GUIDE)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.browser)
        self.resize(*WINDOW_SIZE)

    def on_anchor_clicked(self, url: QUrl) -> None:
        target = link_target(url, self._folder)
        if target is not None:
            self._open_url(target)


def show_help(window: HelpWindow | None = None) -> HelpWindow:
    """Bring the help window forward, making it the first time; keep what it returns."""
    if window is None:
        window = HelpWindow(load_guide())
    window.show()
    window.raise_()
    window.activateWindow()
    return window
