"""The running app's tray menu, entry by entry, as a click on each of its actions runs it:
About shows its box, Help shows the guide the app ships, Start at login writes an entry that
starts this installation on the same nodes."""

from __future__ import annotations

import asyncio
import gc
import sys
from pathlib import Path

import pytest
from desktop_entry import exec_argv
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot
from waiting import until

from obnotify import app
from obnotify.demo.threaded import ThreadedSimNode
from obnotify.desktop import autostart
from obnotify.ui.help import HelpWindow, load_guide
from obnotify.ui.tray import Tray

from .loop import in_loop
from .running_app import app_options


def _shown(qapp: QApplication, title: str) -> list[QMessageBox]:
    """The message boxes on screen with this title, once nothing holds what was dropped."""
    gc.collect()
    return [
        w
        for w in qapp.topLevelWidgets()
        if isinstance(w, QMessageBox) and w.isVisible() and w.windowTitle() == title
    ]


def _first_heading(markdown: str) -> str:
    return next(line[2:].strip() for line in markdown.splitlines() if line.startswith("# "))


# A tray icon and raising a window are what the offscreen platform cannot do.
@pytest.mark.qt_log_ignore(
    r"systemTrayWindowChanged", r"does not support raise\(\)", r"propagateSizeHints"
)
def test_about_help_and_start_at_login_from_the_tray_menu(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    config = tmp_path / "config.toml"
    guide = load_guide()
    assert guide is not None, "the app ships a guide"
    with ThreadedSimNode(wallet_interval=None) as shop:
        config.write_text(f'[[node]]\nname = "Shop"\nurl = "{shop.url}"\n', encoding="utf-8")
        options = app_options(qapp, tmp_path, config)
        tray = Tray()

        async def body() -> int:
            quit_event = asyncio.Event()
            run = asyncio.ensure_future(app.watch_nodes(qapp, options, tray, "", quit_event))
            await until(lambda: tray.autostart_action.isVisible(), message="the tray menu")

            tray.about_action.trigger()
            await until(lambda: bool(_shown(qapp, "About obnotify")), message="the About box")
            [box] = _shown(qapp, "About obnotify")
            assert str(config) in box.text()
            box.close()
            tray.about_action.trigger()
            await until(
                lambda: _shown(qapp, "About obnotify") == [box], message="the same box again"
            )
            box.close()

            tray.help_action.trigger()
            [help_window] = [
                w for w in qapp.topLevelWidgets() if isinstance(w, HelpWindow) and w.isVisible()
            ]
            shows = help_window.browser.document().firstBlock().text()
            assert shows == _first_heading(guide.text)
            help_window.close()

            assert not tray.autostart_action.isChecked()
            tray.autostart_action.trigger()
            assert tray.autostart_action.isChecked() and autostart.is_enabled()
            quit_event.set()
            return await run

        assert in_loop(qapp, body, timeout=30) == 0
    entry = autostart.autostart_path().read_text(encoding="utf-8")
    assert exec_argv(entry) == [
        sys.executable,
        "-m",
        "obnotify",
        "--config",
        str(config),
        "--data-dir",
        str(tmp_path / "data"),
    ], "this interpreter, on the same settings file and history"
