"""The controller between a node's session and the screen: policy, notifier, window, tray.

A real store and a real (not running) session; the notifier records instead of showing.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import pytest
import qasync
from PySide6.QtWidgets import QApplication

from obnotify.core.decode import decode_frame
from obnotify.core.events import Event
from obnotify.core.policy import Source, ToastPolicy
from obnotify.core.render import describe, render
from obnotify.desktop.notifier import RecordingNotifier
from obnotify.node.config import make_config
from obnotify.node.session import NewEvent, NodeSession
from obnotify.store import Store
from obnotify.ui.node_controller import MAX_ROWS_WHILE_HIDDEN, NodeController
from obnotify.ui.window import MainWindow

T = TypeVar("T")
PEER = "QmVQzkdi3Fq6LRFG9UNqDZfSry67weCZV6ZL26QVx64UFy"


def in_loop(qapp: QApplication, body: Callable[[], Awaitable[T]]) -> T:
    """Run ``body`` on a qasync loop over the test's QApplication, as the app runs."""
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(qapp)) as runner:
        return runner.run(asyncio.wait_for(body(), 20))  # type: ignore[arg-type]


class Rig:
    def __init__(self, tmp_path: Path, policy: ToastPolicy | None = None) -> None:
        self.store = Store(tmp_path / "node.sqlite3")
        self.session = NodeSession(make_config("http://127.0.0.1:9"), self.store)
        self.window = MainWindow(self.store, node_name="Shop")
        self.notifier = RecordingNotifier()
        self.controller = NodeController(
            self.session, self.window, None, self.notifier, policy or ToastPolicy()
        )
        self.session.listener = self.controller
        self.count = 0

    def event(self, source: Source = Source.SOCKET, text: str | None = None) -> NewEvent:
        """Record a chat message the way the session does, and hand it on."""
        self.count += 1
        message = text or f"message {self.count}"
        frame = json.dumps(
            {"message": {"message": message, "messageId": f"Qm{self.count:044d}", "peerId": PEER}}
        )
        event: Event = decode_frame(frame)  # type: ignore[assignment]
        entry = describe(event)
        assert entry is not None
        rowid = self.store.record(
            f"m:{self.count}",
            kind="message",
            event_id=f"Qm{self.count:044d}",
            category="chat",
            title=entry.title,
            body=entry.body,
            image="",
            route=entry.route,
            urgency=entry.urgency.value,
            raw=frame,
            received_at=1_800_000_000.0 + self.count,
            pending=True,
        )
        assert rowid is not None
        row = self.store.row(rowid)
        assert row is not None
        new = NewEvent(row=row, event=event, toast=render(event), image_path=None, source=source)
        self.controller.on_new_event(new)
        return new


async def until(predicate: Callable[[], bool], what: str) -> None:
    async def poll() -> None:
        while not predicate():
            await asyncio.sleep(0.01)

    try:
        await asyncio.wait_for(poll(), 5)
    except TimeoutError:
        raise AssertionError(f"timed out waiting for {what}") from None


def test_toasts_go_out_in_order_and_are_marked_delivered(
    qapp: QApplication, tmp_path: Path
) -> None:
    rig = Rig(tmp_path)

    async def body() -> None:
        rig.controller.start()
        news = [rig.event() for _ in range(3)]
        await until(lambda: len(rig.notifier.shown) == 3, "three toasts")
        assert [s.toast.body for s in rig.notifier.shown] == ["message 1", "message 2", "message 3"]
        await until(lambda: rig.store.pending_rows() == [], "all marked delivered")
        assert all(not rig.store.row(n.row.rowid).pending for n in news)  # type: ignore[union-attr]
        rig.controller.stop()

    in_loop(qapp, body)


def test_a_burst_becomes_one_summary(qapp: QApplication, tmp_path: Path) -> None:
    rig = Rig(tmp_path, ToastPolicy(burst_limit=2, burst_window=0.3))

    async def body() -> None:
        rig.controller.start()
        for _ in range(6):
            rig.event()
        await until(lambda: len(rig.notifier.shown) == 3, "two toasts and a summary")
        assert rig.notifier.shown[-1].toast.title == "4 new events"
        rig.controller.stop()

    in_loop(qapp, body)


def test_missed_events_fold_after_three(qapp: QApplication, tmp_path: Path) -> None:
    rig = Rig(tmp_path)

    async def body() -> None:
        rig.controller.start()
        for _ in range(10):
            rig.event(Source.CATCH_UP)
        rig.controller.on_catch_up_done(10)
        await until(lambda: len(rig.notifier.shown) == 4, "three toasts and a summary")
        assert rig.notifier.shown[-1].toast.title == "7 events while you were away"
        rig.controller.stop()

    in_loop(qapp, body)


@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_clicking_a_toast_shows_its_event(qapp: QApplication, tmp_path: Path) -> None:
    rig = Rig(tmp_path)

    async def body() -> None:
        rig.controller.start()
        new = rig.event(text="where is my order?")
        await until(lambda: rig.notifier.shown, "the toast")
        rig.notifier.shown[0].on_clicked()
        assert rig.window.isVisible()
        current = rig.window.view.currentIndex()
        assert rig.window.model.row_at(current).rowid == new.row.rowid  # type: ignore[union-attr]
        rig.controller.stop()

    in_loop(qapp, body)


@pytest.mark.parametrize("visible", [False, True])
def test_a_hidden_window_does_not_hoard_rows(
    qapp: QApplication, tmp_path: Path, visible: bool
) -> None:
    rig = Rig(tmp_path, ToastPolicy(muted_categories=set()))
    if visible:
        rig.window.show()
    for _ in range(MAX_ROWS_WHILE_HIDDEN + 5):
        rig.event(Source.HISTORY)
    rows = rig.window.model.rowCount()
    if visible:
        assert rows == MAX_ROWS_WHILE_HIDDEN + 5
    else:
        assert rows <= MAX_ROWS_WHILE_HIDDEN
    rig.window.hide()
