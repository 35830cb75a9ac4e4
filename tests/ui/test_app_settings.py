"""Settings saved in the settings window apply to the running app at once."""

from __future__ import annotations

import asyncio
import gc
import os
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot
from waiting import until

from obnotify import app
from obnotify.demo.threaded import ThreadedSimNode
from obnotify.desktop import autostart
from obnotify.ui.tray import Tray
from obnotify.ui.window import MainWindow

from .loop import in_loop
from .running_app import APP_ON_OFFSCREEN, app_options, shown_settings_window


def _asked_for_notifications(node: ThreadedSimNode) -> bool:
    return any(path.startswith("/ob/notifications") for _, path in node.journal.requests)


@APP_ON_OFFSCREEN
def test_a_node_added_in_the_settings_window_is_watched_without_a_restart(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path, settings_file: Path
) -> None:
    config = settings_file
    with (
        ThreadedSimNode(wallet_interval=None) as shop,
        ThreadedSimNode(wallet_interval=None) as home,
    ):
        config.write_text(
            f'# my nodes\n[[node]]\nname = "Shop"\nurl = "{shop.url}"\n', encoding="utf-8"
        )
        options = app_options(qapp, tmp_path, config)
        tray = Tray()

        async def body() -> int:
            quit_event = asyncio.Event()
            run = asyncio.ensure_future(app.watch_nodes(qapp, options, tray, "", quit_event))
            await until(lambda: _asked_for_notifications(shop), message="the first node watched")
            assert not _asked_for_notifications(home)
            tray.open_requested.emit()
            tray.settings_requested.emit()
            window = shown_settings_window(qapp)
            editor = window.edit_node(new=True)
            assert editor is not None
            editor.name.setText("Home")
            editor.url.setText(home.url)
            qtbot.keyClick(editor.url, Qt.Key.Key_Return)  # Enter presses OK
            window.start_at_login.setChecked(True)
            assert window.save() is not None
            await until(lambda: _asked_for_notifications(home), message="the added node watched")
            await until(
                lambda: any(
                    isinstance(w, MainWindow) and w.isVisible() and w.node_list.count() == 3
                    for w in qapp.topLevelWidgets()
                ),
                message="the window that was open, back with both nodes",
            )
            window.close()
            quit_event.set()
            return await run

        assert in_loop(qapp, body, timeout=30) == 0
    login_entry = autostart.autostart_path().read_text(encoding="utf-8")
    assert f'"--config" "{config}"' in login_entry, "the login start reads the same settings"
    text = config.read_text(encoding="utf-8")
    assert "# my nodes" in text and home.url in text


def _message_boxes(qapp: QApplication, says: str) -> list[QMessageBox]:
    return [
        w
        for w in qapp.topLevelWidgets()
        if isinstance(w, QMessageBox) and w.isVisible() and says in w.text()
    ]


def _over_a_node(
    qapp: QApplication, tmp_path: Path, settings: str, then: Callable[[Tray, Path], Awaitable[None]]
) -> None:
    """Start the app over a settings file with one node and ``settings``; once the node is
    watched, do ``then`` with the tray icon and the file, and quit from the tray."""
    config = tmp_path / "config.toml"
    with ThreadedSimNode(wallet_interval=None) as shop:
        config.write_text(f'[[node]]\nurl = "{shop.url}"\n{settings}', encoding="utf-8")
        options = app_options(qapp, tmp_path, config)
        tray = Tray()

        async def body() -> int:
            run = asyncio.ensure_future(app.watch_nodes(qapp, options, tray, "", asyncio.Event()))
            await until(lambda: _asked_for_notifications(shop), message="the node watched")
            await then(tray, config)
            tray.quit_requested.emit()
            return await run

        assert in_loop(qapp, body, timeout=30) == 0


async def _still_shown_after_a_collection(qapp: QApplication, says: str) -> QMessageBox:
    """The one message box saying ``says``, after what time does to a task nobody holds."""
    for _ in range(3):
        gc.collect()
        await asyncio.sleep(0)
    (box,) = _message_boxes(qapp, says)
    return box


@pytest.mark.qt_log_ignore(r"systemTrayWindowChanged", r"propagateSizeHints")
def test_the_unknown_key_warning_stays_until_closed_and_is_logged_once(
    qtbot: QtBot,
    qapp: QApplication,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))

    async def then(_tray: Tray, _config: Path) -> None:
        await until(lambda: bool(_message_boxes(qapp, "colour_hint")), message="the warning shown")
        box = await _still_shown_after_a_collection(qapp, "colour_hint")
        box.close()

    _over_a_node(qapp, tmp_path, 'colour_hint = "blue"\n', then)
    logged = [r for r in caplog.records if "colour_hint" in r.getMessage()]
    assert len(logged) == 1, [r.getMessage() for r in logged]
    assert "Task was destroyed" not in caplog.text


@pytest.mark.qt_log_ignore(r"systemTrayWindowChanged", r"propagateSizeHints")
def test_settings_opened_over_a_file_broken_since_the_start_says_what_to_fix(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Out of range since the start: Settings… says so, where it opened nothing before."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))

    async def then(tray: Tray, config: Path) -> None:
        with config.open("a", encoding="utf-8") as file:
            file.write("[general]\nhistory_limit = 1000000000000\n")
        tray.settings_requested.emit()
        await until(lambda: bool(_message_boxes(qapp, "from 1 to 10000000")), message="the message")
        box = await _still_shown_after_a_collection(qapp, "history_limit")
        box.close()

    _over_a_node(qapp, tmp_path, "", then)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[notifications]\nquiet_hours = '22:00Z-07:00Z'\n", "no time zone"),
        ("[notifications]\nquiet_hours = '22:00+05:00-07:00+05:00'\n", "no time zone"),
        ("notifications = 5\n", "[notifications] must be a table, not 5"),
        ("general = 'x'\n", "[general] must be a table"),
        ("[notifications]\ndelivery = 'x'\n", "[notifications] delivery must be a table"),
        ("[notifications]\nsound = 5\n", "[notifications] sound must be a table"),
        ("[notifications]\nmuted = 5\n", "[notifications] muted must be a list"),
        ("history = 5\n", "[history] must be a table"),
        ("node = 5\n", "[node] must be one or more [[node]] tables"),
        ("[general]\ntray_style = " + "[" * 5000 + "]" * 5000 + "\n", "nested far too deep"),
        ("[general]\nhistory_limit = 1000000000000\n", "from 1 to 10000000"),
        ("[notifications]\nburst_limit = 3e9\n", "from 1 to 100000"),
        ('[[node]]\nname = "Shop\nurl = "http://n"\n', 'line 2 (name = "Shop): a quote'),
        ("[[node]]\nurl = 'http://u:secret@127.0.0.1:4002'\n", "password is asked for"),
        ("#" * 2_000_000 + "\n", "larger than 1024 KiB"),
        ("fifo", "not a regular file (a named pipe)"),
    ],
    ids=lambda value: value[:30],
)
def test_a_bad_settings_file_gets_a_message_that_says_what_to_fix(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path, text: str, says: str
) -> None:
    """As the app starts over the file: a message, then the bad-settings exit, never a crash."""
    config = tmp_path / "config.toml"
    if text == "fifo":
        os.mkfifo(config)
    else:
        config.write_text(text, encoding="utf-8")
    options = app_options(qapp, tmp_path, config)

    async def body() -> tuple[int, str]:
        run = asyncio.ensure_future(app.watch_nodes(qapp, options, None, "", asyncio.Event()))
        await until(
            lambda: bool(_message_boxes(qapp, str(config))) or run.done(), message="a message"
        )
        (box,) = _message_boxes(qapp, str(config))
        shown = box.text()
        box.close()
        return await run, shown

    result, shown = in_loop(qapp, body, timeout=30)
    assert says in shown and result == app.EXIT_BAD_SETTINGS
    if text != "fifo":
        assert config.read_text(encoding="utf-8") == text, "the file is left as it was"
