from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from obnotify import __version__
from obnotify.ui.about import show_about


# Raising a window is what the offscreen platform cannot do.
@pytest.mark.qt_log_ignore(r"does not support raise\(\)", r"propagateSizeHints")
def test_about_says_the_version_and_where_settings_history_and_log_are(qtbot: QtBot) -> None:
    box = show_about(Path("/c/config.toml"), Path("/d/obnotify"), Path("/s/obnotify.log"))
    qtbot.addWidget(box)
    text = box.text()
    assert __version__ in text
    for place in ("/c/config.toml", "/d/obnotify", "/s/obnotify.log"):
        assert place in text
    box.close()
    again = show_about(Path("/c/config.toml"), Path("/d/obnotify"), Path("/s/obnotify.log"), box)
    assert again is box and box.isVisible(), "one box, shown again"
