"""The running app's window: room for the list and for a chat, and a list that holds still."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from waiting import until

from obnotify.demo.store import ChatRow
from obnotify.demo.threaded import ThreadedSimNode
from obnotify.ui.activity_model import ROW_ROLE
from obnotify.ui.tray import Tray
from obnotify.ui.window import MainWindow

from .loop import from_the_loop, in_loop
from .running_app import APP_ON_OFFSCREEN, run_app, write_one_node

ROOT = Path(__file__).resolve().parents[2]
BUYER = "QmBuyerPeer00000000000000000000000000000000000"
FRIEND = "QmFriendPeer0000000000000000000000000000000000"
EARLIER_MESSAGES = 8


def _window(qapp: QApplication) -> MainWindow | None:
    shown = [w for w in qapp.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
    return shown[0] if shown else None


def _rowid(window: MainWindow, position: int) -> int:
    return int(window.model.index(position, 0).data(ROW_ROLE).rowid)


def _selected(window: MainWindow) -> int | None:
    rows = window.view.selectionModel().selectedRows()
    return _rowid(window, rows[0].row()) if rows else None


def _point_at(window: MainWindow, position: int) -> QPoint:
    return window.view.visualRect(window.model.index(position, 1)).center()


def _catch_ups(node: ThreadedSimNode) -> int:
    return sum(path.startswith("/ob/notifications") for _, path in node.journal.requests)


@APP_ON_OFFSCREEN
def test_the_window_gives_the_list_and_a_chat_room_and_the_row_aimed_at_stays_put(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path, settings_file: Path
) -> None:
    with ThreadedSimNode(wallet_interval=None) as shop:
        write_one_node(settings_file, shop.url)
        tray = Tray()

        async def body() -> int:
            quit_event = asyncio.Event()
            run = run_app(qapp, tmp_path, settings_file, tray, quit_event)
            await until(lambda: _catch_ups(shop) >= 1, message="the node watched")
            tray.open_requested.emit()
            await until(lambda: _window(qapp) is not None, message="the window")
            window = _window(qapp)
            assert window is not None
            # Read long ago: a catch-up that runs late has nothing of them to list.
            for number in range(EARLIER_MESSAGES):
                shop.add_chat_message(
                    ChatRow(
                        peer_id=FRIEND,
                        message=f"Message {number}",
                        outgoing=number % 2 == 1,
                        read=True,
                    )
                )
            shop.deliver(shop.frames.message(peer_id=FRIEND, text="Is the mug still for sale?"))
            for number in range(12):
                shop.notify(shop.frames.order(buyer_id=BUYER, title=f"Mug {number}", price=5))
            await until(lambda: window.model.rowCount() == 13, message="every event listed")

            # Nothing selected: the hint under the list is one line, the list has the room.
            detail, view = window.detail, window.view
            assert detail.height() < 3 * detail.fontMetrics().lineSpacing(), "an empty pane"
            assert view.height() > 6 * detail.height()
            assert view.geometry().bottom() + detail.height() + 8 >= window.splitter.height(), (
                "room left empty under the hint"
            )

            # A click on the chat (the first event, at the bottom): the conversation shows its messages whole.
            chat = window.model.rowCount() - 1
            await from_the_loop(
                lambda: qtbot.mouseClick(
                    view.viewport(), Qt.MouseButton.LeftButton, pos=_point_at(window, chat)
                )
            )
            conversation = detail.conversation
            await until(
                lambda: len(detail.conversation_texts()) == EARLIER_MESSAGES + 1,
                message="the conversation",
            )
            await from_the_loop(qapp.processEvents)
            room = conversation.viewport().rect()
            whole = [
                i
                for i in range(conversation.count())
                if room.contains(conversation.visualItemRect(conversation.item(i)))
            ]
            cut = [
                i
                for i in range(conversation.count())
                if room.intersects(conversation.visualItemRect(conversation.item(i)))
                and i not in whole
            ]
            assert len(whole) >= 6 and not cut, (whole, cut)
            assert whole[-1] == conversation.count() - 1, "the newest message in view"
            if os.environ.get("OBNOTIFY_SCREENSHOTS"):
                assert window.grab().save(str(ROOT / "docs" / "screenshots" / "window-chat.png"))

            # The pointer on a row; an event arrives; the click selects the row aimed at.
            view.scrollToTop()
            aimed = view.indexAt(QPoint(4, view.viewport().height() // 2)).row()
            wanted = _rowid(window, aimed)
            QCursor.setPos(view.viewport().mapToGlobal(_point_at(window, aimed)))
            shop.notify(shop.frames.order(buyer_id=BUYER, title="Mug late", price=5))
            await until(
                lambda: window.model.rowCount() == 14,
                message=lambda: f"the new event listed ({window.model.rowCount()} rows)",
            )
            await from_the_loop(qapp.processEvents)
            target = view.viewport().mapFromGlobal(QCursor.pos())
            await from_the_loop(
                lambda: qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=target)
            )
            assert _selected(window) == wanted, "the click selected another row"

            # A reconnect reads the list again: the row stays selected, the view in place.
            top = view.indexAt(QPoint(4, 4))
            read_again: list[bool] = []
            window.model.modelReset.connect(lambda: read_again.append(True))
            shop.drop_connections()
            await until(lambda: bool(read_again), message="the list read again after the catch-up")
            await from_the_loop(qapp.processEvents)
            assert _selected(window) == wanted and detail.row is not None
            assert detail.row.rowid == wanted
            assert view.indexAt(QPoint(4, 4)).row() == top.row()
            assert view.indexAt(QPoint(4, 4)) != QModelIndex()
            quit_event.set()
            return await run

        assert in_loop(qapp, body, timeout=40) == 0
