"""The welcome window: a node found here in one click, a typed node tested inline, the demo."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TypeVar

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from obnotify.demo.node import SimNode
from obnotify.node.discover import Candidate
from obnotify.ui.welcome import WelcomeWindow

from .loop import in_loop, until

T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[2]
FOUND = Candidate(
    url="http://127.0.0.1:4002",
    name="OpenBazaar",
    source="/home/alice/.openbazaar",
    cookie_file="/home/alice/.openbazaar/.cookie",
)


def test_one_click_watches_the_node_found_here(qtbot: QtBot) -> None:
    window = WelcomeWindow([FOUND])
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.chosen) as signal:
        window.watch_found.click()
    assert signal.args == [FOUND, ""]


def test_the_demo_is_one_click_away(qtbot: QtBot) -> None:
    window = WelcomeWindow()
    qtbot.addWidget(window)
    assert not window.watch_found.isVisibleTo(window)
    with qtbot.waitSignal(window.demo_requested):
        window.demo_button.click()


def test_test_connection_shows_a_line_per_check_with_the_fix(
    qtbot: QtBot, qapp: QApplication
) -> None:
    window = WelcomeWindow()
    qtbot.addWidget(window)

    async def body() -> tuple[str, str]:
        async with SimNode(
            auth="basic", username="u", password="right", wallet_interval=None
        ) as node:
            window.url.setText(node.url)
            window.user.setText("u")
            window.password.setText("wrong")
            window.test_button.click()
            await until(lambda: "credentials" in window.results.text(), "the refused result")
            refused = window.results.text()
            window.password.setText("right")
            window.test_button.click()
            await until(
                lambda: (
                    "✗" not in window.results.text()
                    and "✓ notifications API" in window.results.text()
                ),
                "all passed",
            )
            return refused, window.results.text()

    refused, accepted = in_loop(qapp, body)
    assert "✗ credentials: the node refused user u (HTTP 403) — check the user name" in refused
    assert accepted.count("✓") == 4 and "wrong" not in accepted
    with qtbot.waitSignal(window.chosen) as signal:
        window.watch_typed.click()
    assert signal.args[0].user == "u" and signal.args[1] == "right"


def test_screenshot(qtbot: QtBot) -> None:
    window = WelcomeWindow([FOUND])
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    image = window.grab()
    assert image.width() > 200
    if os.environ.get("OBNOTIFY_SCREENSHOTS"):
        target = ROOT / "docs" / "screenshots" / "welcome.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        assert image.save(str(target))
