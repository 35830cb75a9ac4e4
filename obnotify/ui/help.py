"""The user guide in a window of its own, rendered from markdown with its pictures.

The guide is ``docs/user-guide.md`` beside the package: in the source tree, in
an editable install (which runs from it) and in the bundle (packaging/obnotify.spec
copies it with its screenshots). A package installed from a wheel has only the
README, as its long description: then that is shown, without its pictures. The
text is ours and never holds a node's words, so it may be rendered.
"""

from __future__ import annotations

import importlib.metadata
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from PySide6.QtCore import QUrl
from PySide6.QtGui import (
    QDesktopServices,
    QImage,
    QPixmap,
    QTextCursor,
    QTextDocument,
    QTextImageFormat,
)
from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

__all__ = [
    "GUIDE_FILE",
    "NO_GUIDE",
    "USER_GUIDE",
    "Guide",
    "HelpWindow",
    "heading_anchor",
    "link_target",
    "load_guide",
    "show_help",
    "without_pictures",
]

DISTRIBUTION: Final = "obnotify"
"""The installed package whose metadata carries the README."""

GUIDE_FILE: Final = Path(__file__).resolve().parents[2] / "README.md"
"""The README beside the package: the source tree's, or the bundle's copy."""
USER_GUIDE: Final = Path(__file__).resolve().parents[2] / "docs" / "user-guide.md"
"""The user guide beside the package, its pictures in ``screenshots/`` next to it."""

NO_GUIDE: Final = """# obnotify

This installation carries no guide. It is the file `docs/user-guide.md` that comes with
obnotify's source, and an installed package holds the README as its description
(`pip show --verbose obnotify`).

`obnotify --help` lists the commands, and `obnotify doctor` checks each node and the desktop.
"""
"""Shown when neither the package metadata nor the file holds the guide."""

EXTERNAL_SCHEMES: Final = frozenset({"http", "https", "mailto"})
"""Links handed to the desktop as they are."""

WINDOW_SIZE: Final = (800, 680)
"""Wide enough for the guide's tables and code blocks at the default font."""
PICTURE_WIDTH: Final = 640
"""The widest a picture is shown: screenshots are scaled down to fit the window."""

_PICTURE: Final = re.compile(r"!\[([^\]]*)\]\([^)]*\)")


@dataclass(frozen=True, slots=True)
class Guide:
    """The guide's markdown and where it came from."""

    text: str
    folder: Path | None
    """The guide's folder, which its pictures and relative links point into; None when the
    text came from the package metadata, where those files are not."""


def load_guide(
    distribution: str = DISTRIBUTION, readme: Path = GUIDE_FILE, guide: Path = USER_GUIDE
) -> Guide | None:
    """The user guide beside the package, else the README from the installed package's
    metadata, else from the README file.

    Args:
        distribution: The installed package to ask.
        readme: The file to read when the package is not installed or has no description.
        guide: The user guide's file.

    Returns:
        The guide, or None when none of them has it.
    """
    try:
        return Guide(guide.read_text(encoding="utf-8"), guide.parent)
    except (OSError, UnicodeDecodeError):
        pass
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


def heading_anchor(heading: str) -> str:
    """The anchor a markdown heading is linked by, as GitHub makes it: "What each toast
    means" is ``what-each-toast-means``."""
    folded = unicodedata.normalize("NFKC", heading).strip().lower()
    kept = "".join(c for c in folded if c.isalnum() or c in " -_")
    return kept.replace(" ", "-")


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
        if guide is None:
            self.browser.setMarkdown(NO_GUIDE)
        elif guide.folder is None:
            self.browser.setMarkdown(without_pictures(guide.text))
        else:
            # The pictures' paths are relative to the guide's folder.
            self.browser.document().setBaseUrl(QUrl.fromLocalFile(f"{guide.folder}/"))
            self.browser.setMarkdown(guide.text)
            _fit_pictures(self.browser.document(), PICTURE_WIDTH)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.browser)
        self.resize(*WINDOW_SIZE)

    def on_anchor_clicked(self, url: QUrl) -> None:
        if url.hasFragment() and not url.path() and not url.scheme():
            self.scroll_to_heading(url.fragment())
            return
        target = link_target(url, self._folder)
        if target is not None:
            self._open_url(target)

    def scroll_to_heading(self, anchor: str) -> bool:
        """Put the heading that ``anchor`` names at the top of the view.

        Returns:
            Whether the guide has that heading.
        """
        document = self.browser.document()
        block = document.begin()
        while block.isValid():
            if block.blockFormat().headingLevel() and heading_anchor(block.text()) == anchor:
                top = document.documentLayout().blockBoundingRect(block).top()
                self.browser.verticalScrollBar().setValue(round(top))
                return True
            block = block.next()
        return False


def _fit_pictures(document: QTextDocument, width: int) -> None:
    """Scale each picture wider than ``width`` down to it, keeping its proportions."""
    block = document.begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            fragment = iterator.fragment()
            form = fragment.charFormat()
            if form.isImageFormat():
                picture = form.toImageFormat()
                image = document.resource(
                    QTextDocument.ResourceType.ImageResource, QUrl(picture.name())
                )
                if isinstance(image, QImage | QPixmap) and image.width() > width:
                    scaled = QTextImageFormat(picture)
                    scaled.setWidth(width)
                    scaled.setHeight(image.height() * width / image.width())
                    cursor = QTextCursor(document)
                    cursor.setPosition(fragment.position())
                    cursor.setPosition(
                        fragment.position() + fragment.length(), QTextCursor.MoveMode.KeepAnchor
                    )
                    cursor.setCharFormat(scaled)
            iterator += 1
        block = block.next()


def show_help(window: HelpWindow | None = None) -> HelpWindow:
    """Bring the help window forward, making it the first time; keep what it returns."""
    if window is None:
        window = HelpWindow(load_guide())
    window.show()
    window.raise_()
    window.activateWindow()
    return window
