"""The running app's unread badge counts only what the user has not turned off."""

from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from waiting import until

from obnotify.core.render import Category
from obnotify.demo.threaded import ThreadedSimNode
from obnotify.ui.tray import Tray
from obnotify.ui.window import MainWindow

from .loop import in_loop
from .running_app import APP_ON_OFFSCREEN, run_app, shown_settings_window, write_one_node

PEER = "QmFollowerPeer000000000000000000000000000000000"


def _window_rows(qapp: QApplication) -> int:
    windows = [w for w in qapp.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
    return windows[0].model.rowCount() if windows else 0


@APP_ON_OFFSCREEN
def test_a_category_turned_off_is_not_in_the_unread_badge(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path, settings_file: Path
) -> None:
    with ThreadedSimNode(wallet_interval=None) as shop:
        write_one_node(settings_file, shop.url, '[notifications.delivery]\nfollowers = "off"\n')
        tray = Tray()

        async def body() -> int:
            quit_event = asyncio.Event()
            run = run_app(qapp, tmp_path, settings_file, tray, quit_event)
            await until(lambda: shop.clients >= 1, message="the node watched")
            tray.open_requested.emit()
            shop.notify(shop.frames.order(buyer_id=PEER, title="Mug", price=5))
            shop.notify(shop.frames.follow(peer_id=PEER))
            await until(lambda: _window_rows(qapp) == 2, message="both events in the window")
            await until(lambda: tray.unread == 1, message="the order alone counted")

            tray.settings_requested.emit()
            window = shown_settings_window(qapp)
            followers = window.delivery[Category.FOLLOWERS]
            for mode, unread in (("toast", 2), ("off", 1)):
                followers.setCurrentIndex(followers.findData(mode))
                assert window.save() is not None
                await until(
                    lambda n=unread: tray.unread == n, message=f"followers {mode}: {unread} unread"
                )
            window.close()
            quit_event.set()
            return await run

        assert in_loop(qapp, body, timeout=30) == 0
