"""The running app draws the tray icon in the settings' style and opens Help from the menu."""

from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from waiting import until

from obnotify import app
from obnotify.core.tray_state import TrayStyle
from obnotify.demo.threaded import ThreadedSimNode
from obnotify.ui.help import HelpWindow
from obnotify.ui.tray import Tray

from .loop import in_loop
from .running_app import APP_ON_OFFSCREEN, app_options, shown_settings_window


@APP_ON_OFFSCREEN
def test_the_tray_style_applies_at_start_and_when_saved_and_help_opens(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path, settings_file: Path
) -> None:
    config = settings_file
    with ThreadedSimNode(wallet_interval=None) as shop:
        config.write_text(
            f'[general]\ntray_style = "mono-dark"\n\n[[node]]\nname = "Shop"\nurl = "{shop.url}"\n',
            encoding="utf-8",
        )
        options = app_options(qapp, tmp_path, config)
        tray = Tray()

        async def body() -> int:
            quit_event = asyncio.Event()
            run = asyncio.ensure_future(app.watch_nodes(qapp, options, tray, "", quit_event))
            await until(
                lambda: tray.style is TrayStyle.MONO_DARK, message="the style of the settings"
            )
            tray.help_requested.emit()
            [help_window] = [w for w in qapp.topLevelWidgets() if isinstance(w, HelpWindow)]
            assert help_window.isVisible()
            help_window.close()
            tray.settings_requested.emit()
            window = shown_settings_window(qapp)
            window.tray_style.setCurrentIndex(window.tray_style.findData("mono-light"))
            assert window.save() is not None
            await until(lambda: tray.style is TrayStyle.MONO_LIGHT, message="the style just saved")
            window.close()
            tray.help_requested.emit()
            again = [w for w in qapp.topLevelWidgets() if isinstance(w, HelpWindow)]
            assert again == [help_window] and help_window.isVisible(), "one window, shown again"
            help_window.close()
            quit_event.set()
            return await run

        assert in_loop(qapp, body, timeout=30) == 0
    assert 'tray_style = "mono-light"' in config.read_text(encoding="utf-8")
