"""The Help window shows the user guide with its pictures, follows its links inside, and opens
the others outside; without the guide, the README as the package carries it."""

from __future__ import annotations

import importlib.metadata
import re
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QImage, QPixmap, QTextCursor, QTextDocument
from pytestqt.qtbot import QtBot

from obnotify.ui.help import (
    GUIDE_FILE,
    NO_GUIDE,
    PICTURE_WIDTH,
    USER_GUIDE,
    Guide,
    HelpWindow,
    heading_anchor,
    link_target,
    load_guide,
    show_help,
    without_pictures,
)

NOT_INSTALLED = "obnotify-not-installed-anywhere"
NO_FILE = Path("/nonexistent/user-guide.md")


def _first_heading(window: HelpWindow) -> tuple[str, int]:
    block = window.browser.document().firstBlock()
    return block.text(), block.blockFormat().headingLevel()


def test_without_the_user_guide_it_is_the_installed_packages_description() -> None:
    guide = load_guide(guide=NO_FILE)
    assert guide is not None and guide.folder is None, "from the metadata, not a file"
    [description] = importlib.metadata.metadata("obnotify").get_all("Description") or []
    assert guide.text == description
    assert guide.text.splitlines()[0] == "# obnotify"


def test_without_the_package_the_readme_beside_it_is_read(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# A guide\n\nRead me.\n", encoding="utf-8")
    assert load_guide(NOT_INSTALLED, readme, NO_FILE) == Guide("# A guide\n\nRead me.\n", tmp_path)
    assert load_guide(NOT_INSTALLED, tmp_path / "missing.md", NO_FILE) is None
    assert GUIDE_FILE.read_text(encoding="utf-8").startswith("# obnotify\n"), (
        "the source tree's README, which the bundle copies to the same place"
    )


def test_the_window_shows_the_readme_from_either_source(qtbot: QtBot) -> None:
    for guide in (load_guide(guide=NO_FILE), load_guide(NOT_INSTALLED, guide=NO_FILE)):
        window = HelpWindow(guide, open_url=lambda _url: None)
        qtbot.addWidget(window)
        assert _first_heading(window) == ("obnotify", 1)
        text = window.browser.toPlainText()
        assert "Install and run" in text
        if guide is not None and guide.folder is None:
            assert "The obnotify window with balances" in text, "a picture's words, no picture"
        assert window.windowTitle() == "obnotify help"
        assert window.windowModality() is Qt.WindowModality.NonModal


def test_with_no_guide_the_window_says_where_it_lives(qtbot: QtBot) -> None:
    window = HelpWindow(None)
    qtbot.addWidget(window)
    assert _first_heading(window) == ("obnotify", 1)
    assert "docs/user-guide.md" in window.browser.toPlainText()
    assert NO_GUIDE.startswith("# obnotify\n")


def test_pictures_become_their_descriptions() -> None:
    markdown = "| ![The window](shots/window.png) | ![](a.png) |\nSee [the notes](notes.md)."
    assert without_pictures(markdown) == "| *The window* |  |\nSee [the notes](notes.md)."


def test_links_open_outside_the_app_where_they_lead_somewhere(tmp_path: Path) -> None:
    (tmp_path / "packaging").mkdir()
    notes = tmp_path / "packaging" / "README.md"
    notes.write_text("# Packaging\n", encoding="utf-8")
    web = QUrl("https://example.org/ob")
    assert link_target(web, None) == web
    assert link_target(QUrl("packaging/README.md"), tmp_path) == QUrl.fromLocalFile(str(notes))
    assert link_target(QUrl("packaging/README.md"), None) is None, "no files beside the metadata"
    assert link_target(QUrl("LICENSE"), tmp_path) is None, "a file that is not there"
    assert link_target(QUrl("javascript:alert(1)"), tmp_path) is None


def test_clicking_a_link_hands_it_to_the_desktop(qtbot: QtBot, tmp_path: Path) -> None:
    (tmp_path / "LICENSE").write_text("MIT\n", encoding="utf-8")
    opened: list[QUrl] = []
    window = HelpWindow(
        Guide("# Guide\n\n[site](https://example.org/) [LICENSE](LICENSE)\n", tmp_path),
        open_url=opened.append,
    )
    qtbot.addWidget(window)
    window.browser.anchorClicked.emit(QUrl("https://example.org/"))
    window.browser.anchorClicked.emit(QUrl("LICENSE"))
    window.browser.anchorClicked.emit(QUrl("docs/performance.md"))
    assert opened == [QUrl("https://example.org/"), QUrl.fromLocalFile(str(tmp_path / "LICENSE"))]
    assert window.browser.toPlainText().startswith("Guide"), "the guide stays on screen"


# Raising a window is what the offscreen platform cannot do.
@pytest.mark.qt_log_ignore(r"does not support raise\(\)", r"propagateSizeHints")
def test_help_is_one_window_brought_forward_again(qtbot: QtBot) -> None:
    window = show_help()
    qtbot.addWidget(window)
    assert window.isVisible()
    window.close()
    assert show_help(window) is window and window.isVisible()


def _link_point(window: HelpWindow, text: str) -> QPoint:
    """Where the link with these words is on screen, for a real click."""
    found = window.browser.document().find(text)
    assert not found.isNull(), text
    cursor = QTextCursor(found)
    cursor.setPosition(found.selectionStart() + 1)
    return window.browser.cursorRect(cursor).center()


# Raising a window is what the offscreen platform cannot do.
@pytest.mark.qt_log_ignore(r"does not support raise\(\)", r"propagateSizeHints")
def test_help_shows_the_user_guide_with_its_pictures_and_its_links_work(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", opened.append)
    window = show_help()
    qtbot.addWidget(window)
    qtbot.waitExposed(window)
    assert _first_heading(window) == ("obnotify user guide", 1)
    document = window.browser.document()
    pictures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", USER_GUIDE.read_text(encoding="utf-8"))
    assert len(pictures) >= 4
    for name in pictures:
        image = document.resource(QTextDocument.ResourceType.ImageResource, QUrl(name))
        assert isinstance(image, QImage | QPixmap) and not image.isNull(), f"{name} not shown"
        assert (USER_GUIDE.parent / name).is_file()
    assert document.idealWidth() <= PICTURE_WIDTH + 200, "a picture wider than the window"

    # A link to a heading of the guide scrolls to it; nothing leaves the app.
    bar = window.browser.verticalScrollBar()
    assert bar.value() == 0
    viewport = window.browser.viewport()
    qtbot.mouseClick(
        viewport, Qt.MouseButton.LeftButton, pos=_link_point(window, "Troubleshooting")
    )
    assert bar.value() > 0 and opened == []
    top = window.browser.cursorForPosition(QPoint(4, 4)).block()
    assert "Troubleshooting" in top.text() or "Troubleshooting" in top.previous().text()

    # Every link to a heading leads to one.
    for anchor in re.findall(r"\]\(#([^)]+)\)", USER_GUIDE.read_text(encoding="utf-8")):
        assert window.scroll_to_heading(anchor), anchor
    assert heading_anchor("What each toast means") == "what-each-toast-means"
