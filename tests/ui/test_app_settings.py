"""Settings saved in the settings window apply to the running app at once."""

from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from obnotify import app
from obnotify.demo.threaded import ThreadedSimNode
from obnotify.desktop import autostart
from obnotify.ui.tray import Tray
from obnotify.ui.window import MainWindow

from .loop import in_loop, until
from .running_app import APP_ON_OFFSCREEN, app_options, shown_settings_window


def _asked_for_notifications(node: ThreadedSimNode) -> bool:
    return any(path.startswith("/ob/notifications") for _, path in node.requests)


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
            run = asyncio.ensure_future(app._watch_nodes(qapp, options, tray, "", quit_event))
            await until(lambda: _asked_for_notifications(shop), "the first node watched")
            assert not _asked_for_notifications(home)
            tray.open_requested.emit()
            tray.settings_requested.emit()
            window = shown_settings_window(qapp)
            editor = window.edit_node(new=True)
            assert editor is not None
            editor.name.setText("Home")
            editor.url.setText(home.url)
            editor._accept()
            window.start_at_login.setChecked(True)
            assert window.save() is not None
            await until(lambda: _asked_for_notifications(home), "the added node watched")
            await until(
                lambda: any(
                    isinstance(w, MainWindow) and w.isVisible() and w.node_list.count() == 3
                    for w in qapp.topLevelWidgets()
                ),
                "the window that was open, back with both nodes",
            )
            window.close()
            quit_event.set()
            return await run

        assert in_loop(qapp, body, timeout=30) == 0
    login_entry = autostart.autostart_path().read_text(encoding="utf-8")
    assert f'"--config" "{config}"' in login_entry, "the login start reads the same settings"
    text = config.read_text(encoding="utf-8")
    assert "# my nodes" in text and home.url in text
