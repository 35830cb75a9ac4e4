"""The welcome window: a node found here in one click, a typed node tested inline, the demo."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from waiting import until

from obnotify.app import EXIT_NO_NODE
from obnotify.demo.node import SimNode
from obnotify.node.discover import Candidate
from obnotify.ui.tray import Tray
from obnotify.ui.welcome import WelcomeWindow

from .loop import from_the_loop, in_loop
from .running_app import APP_ON_OFFSCREEN, run_app

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
            await until(
                lambda: "credentials" in window.results.text(), message="the refused result"
            )
            refused = window.results.text()
            window.password.setText("right")
            window.test_button.click()
            await until(
                lambda: (
                    "✗" not in window.results.text()
                    and "✓ notifications API" in window.results.text()
                ),
                message="all passed",
            )
            return refused, window.results.text()

    refused, accepted = in_loop(qapp, body)
    assert (
        "✗ credentials: the node refused user u (HTTP 403)\n    Fix: check the user name" in refused
    )
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


def _welcome(qapp: QApplication) -> WelcomeWindow | None:
    shown = [w for w in qapp.topLevelWidgets() if isinstance(w, WelcomeWindow) and w.isVisible()]
    return shown[0] if shown else None


@APP_ON_OFFSCREEN
def test_the_apps_welcome_shows_a_failed_test_whole_and_escape_or_quit_leave(
    qtbot: QtBot,
    qapp: QApplication,
    tmp_path: Path,
    settings_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """As a new user meets it: no node yet, an address typed that nothing answers, Test."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    settings_file.write_text("# no node yet\n", encoding="utf-8")
    seen: list[str] = []

    async def body(leave: Callable[[WelcomeWindow], None]) -> int:
        run = run_app(qapp, tmp_path, settings_file, Tray(), asyncio.Event())
        await until(lambda: _welcome(qapp) is not None, message="the welcome window")
        window = _welcome(qapp)
        assert window is not None
        await from_the_loop(lambda: qtbot.keyClicks(window.url, "http://127.0.0.1:1"))
        await from_the_loop(lambda: qtbot.mouseClick(window.test_button, Qt.MouseButton.LeftButton))
        await until(lambda: "host answers" in window.results.text(), message="the test's results")
        seen.append(window.results.text())
        results = window.results
        assert results.isVisible()
        assert results.height() >= results.heightForWidth(results.width()), "lines cut off"
        assert window.rect().contains(results.geometry()), "results outside the window"
        if os.environ.get("OBNOTIFY_SCREENSHOTS"):
            assert window.grab().save(str(ROOT / "docs" / "screenshots" / "welcome-test.png"))
        await from_the_loop(lambda: leave(window))
        return await run

    escape = in_loop(qapp, lambda: body(lambda w: qtbot.keyClick(w, Qt.Key.Key_Escape)))
    quit_ = in_loop(qapp, lambda: body(lambda w: w.quit_button.click()))
    assert escape == quit_ == EXIT_NO_NODE
    text = seen[0]
    assert "✗ host answers: nothing listens on 127.0.0.1:1\n    Fix: start the node" in text
    assert "Errno" not in text and "Connect call failed" not in text
    assert "settings" not in text, "nothing to correct in a settings file here"


def test_a_bad_address_or_tls_choice_is_said_by_its_field(qtbot: QtBot, tmp_path: Path) -> None:
    window = WelcomeWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.keyClicks(window.url, "ftp://mynode")
    window.watch_typed.click()
    assert window.url_error.isVisible() and "ftp://mynode" in window.url_error.text()
    window.url.setText("https://127.0.0.1:4002")
    window.cookie_file.setText(str(tmp_path / "no.cookie"))
    window.watch_typed.click()
    assert ".cookie file" in window.cookie_error.text() and not window.url_error.isVisible()
    window.cookie_file.clear()
    window.tls.setCurrentIndex(window.tls.findData("ca"))
    assert window.ca.isVisible() and not window.pin.isVisible()
    qtbot.keyClicks(window.ca, str(tmp_path / "missing.crt"))
    window.watch_typed.click()
    assert "CA certificate file" in window.tls_error.text()
    ca = tmp_path / "rootCA.crt"
    ca.write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
    window.ca.setText(str(ca))
    with qtbot.waitSignal(window.chosen) as signal:
        window.watch_typed.click()
    assert signal.args[0].ca == str(ca) and not signal.args[0].pin
    window.tls.setCurrentIndex(window.tls.findData("pin"))
    assert window.pin.isVisible() and not window.ca.isVisible()
    window.watch_typed.click()
    assert "Fetch certificate" in window.tls_error.text()
    window.pin.setText("ab" * 32)
    with qtbot.waitSignal(window.chosen) as signal:
        window.watch_typed.click()
    assert signal.args[0].pin == "ab" * 32 and not signal.args[0].ca
