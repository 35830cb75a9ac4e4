"""The controllers between nodes' sessions and the screen: toasts, deliveries, the shared pause.

Real stores, real (not running) sessions, real trays and windows, one router for
every node as the app has; the notifier records instead of showing, and the
router's clock is a fake the tests move, firing its timer by hand.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TypeVar

import pytest
from PySide6.QtWidgets import QApplication
from waiting import until

from obnotify.core.backoff import Backoff
from obnotify.core.connection import ConnState
from obnotify.core.decode import decode_frame
from obnotify.core.dispatch import SUMMARY_DELAY, Moment
from obnotify.core.events import Event
from obnotify.core.policy import NotificationSettings, Source
from obnotify.core.render import Category, Toast, describe, render
from obnotify.core.tray_state import TrayState
from obnotify.demo.node import SimNode
from obnotify.desktop.notifier import RecordingNotifier
from obnotify.node.config import make_config
from obnotify.node.session import NewEvent, NodeSession
from obnotify.store.database import Store
from obnotify.store.row import HistoryRow
from obnotify.ui.listing import ListedRow, RowKey
from obnotify.ui.node_controller import NodeController
from obnotify.ui.shared_window import MAX_ROWS_WHILE_HIDDEN, SharedWindow
from obnotify.ui.toast_sender import MAX_IN_FLIGHT
from obnotify.ui.toasts import MAX_TIMER_MS, ToastRouter
from obnotify.ui.tray import Tray
from obnotify.ui.tray_board import TrayBoard

from .loop import in_loop

T = TypeVar("T")
PEER = "QmVQzkdi3Fq6LRFG9UNqDZfSry67weCZV6ZL26QVx64UFy"
ZONE = timezone(timedelta(hours=1))
NOON = datetime(2026, 11, 24, 12, 0, tzinfo=ZONE)
UNLIMITED = NotificationSettings(burst_limit=10**9)


class FakeClock:
    """Both clocks, moved by hand."""

    def __init__(self) -> None:
        self.wall = NOON
        self.mono = 1000.0

    def __call__(self) -> Moment:
        return Moment(self.wall, self.mono)

    def advance(self, seconds: float) -> None:
        self.wall += timedelta(seconds=seconds)
        self.mono += seconds


class Session(NodeSession):
    """The real session, also noting each row it is told is delivered, and in which call."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.delivered: list[int] = []
        self.deliveries: list[tuple[int, ...]] = []

    def mark_delivered(self, *rowids: int) -> None:
        self.delivered.extend(rowids)
        self.deliveries.append(rowids)
        super().mark_delivered(*rowids)


class Desk:
    """The app's shared parts: one clock, one router, one notifier, one tray icon."""

    def __init__(
        self,
        settings: NotificationSettings | None = None,
        notifier: RecordingNotifier | None = None,
    ) -> None:
        self.clock = FakeClock()
        self.notifier = notifier or RecordingNotifier()
        self.router = ToastRouter(
            settings or NotificationSettings(), self.notifier, clock=self.clock
        )
        self._board: TrayBoard | None = None

    def board(self) -> TrayBoard:
        """The one tray icon every node with a tray reports to, made when first asked for."""
        if self._board is None:
            self._board = TrayBoard(Tray(now=lambda: self.clock.wall), self.router)
        return self._board

    def tick(self, seconds: float) -> None:
        """Let time pass and fire the router's timer, as Qt would once it is due."""
        self.clock.advance(seconds)
        assert self.router.timer.isActive(), "the router armed its timer"
        self.router.on_timer_timeout()

    def bodies(self) -> list[str]:
        return [s.toast.body for s in self.notifier.shown]


class Node:
    """One node as the app builds it: store, session, window, controller, on the shared tray.

    Alone in its window, or at ``place`` in a window ``shared`` with others over ``store``.
    """

    def __init__(
        self,
        tmp_path: Path,
        desk: Desk,
        name: str,
        port: int,
        *,
        tray: bool,
        shared: tuple[SharedWindow, Store, int] | None = None,
    ) -> None:
        if shared is None:
            self.store = Store(tmp_path / f"{name}.sqlite3")
            self.shared, place = SharedWindow([self.store], [name]), 0
        else:
            self.shared, self.store, place = shared
        self.session = Session(make_config(f"http://127.0.0.1:{port}", name=name), self.store)
        self.window = self.shared
        board = desk.board() if tray else None
        self.tray = board.tray if board is not None else None
        self.controller = NodeController(self.session, self.window, board, desk.router, place=place)
        self.session.listener = self.controller
        self.count = 0
        self.name = name

    def event(self, source: Source = Source.SOCKET) -> NewEvent:
        """Record a chat message the way the session does, and hand it on."""
        self.count += 1
        message = f"{self.name} {self.count}"
        event_id = f"Qm{self.count:044d}"
        frame = json.dumps({"message": {"message": message, "messageId": event_id, "peerId": PEER}})
        event: Event = decode_frame(frame)  # type: ignore[assignment]
        entry = describe(event)
        assert entry is not None
        rowid = self.store.record(
            HistoryRow(
                key=f"m:{self.count}",
                kind="message",
                event_id=event_id,
                category="chat",
                title=entry.title,
                body=entry.body,
                image="",
                route=entry.route,
                urgency=entry.urgency.value,
                received_at=1_800_000_000.0 + self.count,
                pending=True,
            ),
            raw=frame,
        )
        assert rowid is not None
        row = self.store.row(rowid)
        assert row is not None
        new = NewEvent(row=row, event=event, toast=render(event), image_path=None, source=source)
        self.controller.on_new_event(new)
        return new


def one_node(tmp_path: Path, desk: Desk | None = None, *, tray: bool = False) -> tuple[Desk, Node]:
    desk = desk or Desk()
    return desk, Node(tmp_path, desk, "shop", 4002, tray=tray)


def test_toasts_go_out_in_order_and_each_row_is_delivered_once(
    qapp: QApplication, tmp_path: Path
) -> None:
    desk, node = one_node(tmp_path)

    async def body() -> None:
        node.controller.start()
        news = [node.event() for _ in range(3)]
        await until(lambda: len(node.session.delivered) == 3, message="three deliveries")
        assert desk.notifier.prepared, "the notifier got ready before the first toast"
        assert desk.bodies() == ["shop 1", "shop 2", "shop 3"]
        assert node.session.delivered == [n.row.rowid for n in news]
        assert desk.router.toast_sender.shown == 3
        await until(lambda: node.store.pending_rows() == [], message="the store has them delivered")
        node.controller.stop()

    in_loop(qapp, body)


def test_settings_saved_while_running_apply_to_the_next_toast(
    qapp: QApplication, tmp_path: Path
) -> None:
    desk, node = one_node(tmp_path)

    async def body() -> None:
        node.controller.start()
        node.event()
        await until(lambda: len(node.session.delivered) == 1, message="the first delivered")
        desk.router.apply(NotificationSettings(muted=frozenset({Category.CHAT})))
        muted = node.event()
        await until(lambda: len(node.session.delivered) == 2, message="the second delivered")
        assert desk.bodies() == ["shop 1"], "chat turned off: history only"
        assert node.session.delivered[-1] == muted.row.rowid
        node.controller.stop()

    in_loop(qapp, body)


@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_a_burst_becomes_a_summary_on_the_routers_timer(qapp: QApplication, tmp_path: Path) -> None:
    desk, node = one_node(tmp_path)

    async def body() -> None:
        node.controller.start()
        news = [node.event() for _ in range(10)]
        await until(lambda: len(desk.notifier.shown) == 3, message="three toasts")
        assert desk.router.timer.remainingTime() <= SUMMARY_DELAY * 1000
        desk.tick(SUMMARY_DELAY)
        await until(lambda: len(desk.notifier.shown) == 4, message="the summary")
        assert desk.notifier.shown[-1].toast.title == "7 new events"
        await until(lambda: len(node.session.delivered) == 10, message="every row delivered")
        assert sorted(node.session.delivered) == [n.row.rowid for n in news]
        assert node.session.deliveries[-1] == tuple(n.row.rowid for n in news[3:]), (
            "the summary's rows are written delivered at once, not one commit each"
        )
        desk.notifier.shown[-1].click()
        assert node.window.is_visible(), "a summary opens its node's window"
        node.window.close()
        node.controller.stop()

    in_loop(qapp, body)


def test_missed_events_fold_after_three_per_node(qapp: QApplication, tmp_path: Path) -> None:
    desk = Desk()
    shop = Node(tmp_path, desk, "shop", 4002, tray=False)
    home = Node(tmp_path, desk, "home", 4003, tray=False)

    async def body() -> None:
        for node in (shop, home):
            node.controller.start()
        for _ in range(10):
            shop.event(Source.CATCH_UP)
            home.event(Source.CATCH_UP)
        home.event(Source.CATCH_UP)
        shop.controller.on_catch_up_done(10)
        home.controller.on_catch_up_done(11)
        await until(
            lambda: len(desk.notifier.shown) == 8, message="three toasts and a summary each"
        )
        summaries = [s.toast.title for s in desk.notifier.shown if "away" in s.toast.title]
        assert summaries == [
            "shop · 7 events while you were away",
            "home · 8 events while you were away",
        ], "each summary says which node it is about"
        await until(lambda: len(shop.session.delivered) == 10, message="shop's rows delivered")
        await until(lambda: len(home.session.delivered) == 11, message="home's rows delivered")
        for node in (shop, home):
            node.controller.stop()

    in_loop(qapp, body)


def test_a_slow_server_never_holds_the_next_toast_back(qapp: QApplication, tmp_path: Path) -> None:
    async def body() -> None:
        answer = asyncio.Event()
        desk, node = one_node(tmp_path, Desk(UNLIMITED, RecordingNotifier(answer=answer)))
        node.controller.start()
        for _ in range(MAX_IN_FLIGHT + 8):
            node.event()
        await until(lambda: len(desk.notifier.shown) == MAX_IN_FLIGHT, message="toasts handed on")
        assert node.session.delivered == [], "delivered once the server has answered"
        assert desk.router.toast_sender.shown == 0
        answer.set()
        await until(
            lambda: len(node.session.delivered) == MAX_IN_FLIGHT + 8, message="all delivered"
        )
        assert desk.bodies() == [f"shop {n + 1}" for n in range(MAX_IN_FLIGHT + 8)]
        assert desk.router.toast_sender.shown == MAX_IN_FLIGHT + 8
        node.controller.stop()

    in_loop(qapp, body)


@dataclass
class RefusingNotifier(RecordingNotifier):
    """A server that shows nothing, counting the toasts it was asked to show.

    It answers without a pause, so once it has been asked, the failure has been reported.
    """

    fail: bool = True
    asked: int = 0

    async def show(
        self, toast: Toast, *, image_path: Path | None, inline_reply: bool = False
    ) -> str | None:
        self.asked += 1
        return await super().show(toast, image_path=image_path, inline_reply=inline_reply)


def test_a_toast_that_failed_leaves_its_row_pending(qapp: QApplication, tmp_path: Path) -> None:
    notifier = RefusingNotifier()
    desk, node = one_node(tmp_path, Desk(notifier=notifier))

    async def body() -> None:
        node.controller.start()
        node.event()
        history = node.event(Source.HISTORY)
        await until(lambda: notifier.asked == 1, message="the toast tried")
        assert node.session.delivered == [history.row.rowid]
        assert desk.router.toast_sender.shown == 0
        node.controller.stop()

    in_loop(qapp, body)


@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_clicking_a_toast_shows_its_event(qapp: QApplication, tmp_path: Path) -> None:
    desk, node = one_node(tmp_path)

    async def body() -> None:
        node.controller.start()
        new = node.event()
        await until(lambda: bool(desk.notifier.shown), message="the toast")
        desk.notifier.shown[0].click()
        assert node.window.is_visible()
        window = node.shared.window
        assert window is not None
        current = window.view.currentIndex()
        shown = window.model.row_at(current)
        assert shown is not None and shown.key == RowKey(0, new.row.rowid)
        node.window.close()
        node.controller.stop()

    in_loop(qapp, body)


@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_a_toast_of_the_second_node_opens_its_row_in_the_one_window(
    qapp: QApplication, tmp_path: Path
) -> None:
    """Both stores number their rows from 1: the click names the row by its node too."""
    desk = Desk()
    stores = [Store(tmp_path / "shop.sqlite3"), Store(tmp_path / "home.sqlite3")]
    shared = SharedWindow(stores, ["shop", "home"])
    shop = Node(tmp_path, desk, "shop", 4002, tray=False, shared=(shared, stores[0], 0))
    home = Node(tmp_path, desk, "home", 4003, tray=False, shared=(shared, stores[1], 1))

    async def body() -> None:
        for node in (shop, home):
            node.controller.start()
        shop.event()
        new = home.event()
        shop.event()
        await until(lambda: len(desk.notifier.shown) == 3, message="three toasts")
        [toast] = [shown for shown in desk.notifier.shown if shown.toast.body == "home 1"]
        toast.click()
        window = shared.window
        assert window is not None and window.isVisible()
        shown = window.model.row_at(window.view.currentIndex())
        assert shown is not None and shown.key == RowKey(1, new.row.rowid) == RowKey(1, 1)
        assert window.detail.row is not None and window.detail.row.body == "home 1"
        window.hide()
        for node in (shop, home):
            node.controller.stop()

    in_loop(qapp, body)
    for store in stores:
        store.close()


def test_a_toast_whose_row_is_read_in_the_window_is_taken_down(
    qapp: QApplication, tmp_path: Path
) -> None:
    desk, node = one_node(tmp_path)

    async def body() -> None:
        node.controller.start()
        first, second = node.event(), node.event()
        await until(lambda: len(desk.notifier.shown) == 2, message="two toasts")
        node.shared.window_built().mark_read_requested.emit(ListedRow(0, first.row))
        await until(
            lambda: desk.notifier.cleared == ["toast-1"], message="the first toast taken down"
        )
        assert not desk.notifier.shown[1].cleared
        node.controller.on_tray_mark_all_read_requested()
        await until(
            lambda: desk.notifier.cleared == ["toast-1", "toast-2"], message="and the other"
        )
        assert second.row.rowid in node.session.delivered
        node.controller.stop()

    in_loop(qapp, body)


def test_an_answer_read_before_the_servers_reply_still_reaches_the_node(
    qapp: QApplication, tmp_path: Path
) -> None:
    """A bus can deliver the server's action signal before its reply to the Notify call."""
    answer = asyncio.Event()
    desk, node = one_node(tmp_path, Desk(notifier=RecordingNotifier(answer=answer)))

    async def body() -> None:
        node.controller.start()
        node.event()
        await until(lambda: bool(desk.notifier.shown), message="the toast on screen, unanswered")
        desk.notifier.shown[0].press("mark-read")
        assert node.store.unread_count() == 1, "not known yet"
        answer.set()
        await until(lambda: node.store.unread_count() == 0, message="the button's answer handed on")
        node.controller.stop()

    in_loop(qapp, body)


def test_answers_to_toasts_that_are_not_ours_are_ignored(
    qapp: QApplication, tmp_path: Path
) -> None:
    """Some servers report every app's clicks: only the ids the notifier gave us count."""
    desk, node = one_node(tmp_path)

    async def body() -> None:
        node.controller.start()
        node.event()
        await until(lambda: bool(desk.notifier.shown), message="the toast")
        desk.router.toast_sender.clicked("another-apps-toast")
        desk.router.toast_sender.pressed("another-apps-toast", "mark-read")
        assert not node.window.is_visible()
        assert node.store.unread_count() == 1
        node.controller.stop()

    in_loop(qapp, body)


@pytest.mark.qt_log_ignore("This plugin does not support raise")
@pytest.mark.parametrize("visible", [False, True])
def test_a_hidden_window_does_not_hoard_rows(
    qapp: QApplication, tmp_path: Path, visible: bool
) -> None:
    _desk, node = one_node(tmp_path)
    window = node.shared.window_built()
    if visible:
        node.window.show()
    for _ in range(MAX_ROWS_WHILE_HIDDEN + 5):
        node.event(Source.HISTORY)
    rows = window.rows_held()
    if visible:
        assert rows == MAX_ROWS_WHILE_HIDDEN + 5
    else:
        assert rows <= MAX_ROWS_WHILE_HIDDEN
    node.window.close()


# One tray icon and one pause for every node ---------------------------------------------


def two_trays(tmp_path: Path) -> tuple[Desk, Node, Node]:
    desk = Desk()
    shop = Node(tmp_path, desk, "shop", 4002, tray=True)
    home = Node(tmp_path, desk, "home", 4003, tray=True)
    for node in (shop, home):
        node.controller.start()
        node.controller.on_state(ConnState.CONNECTED, "")
    return desk, shop, home


def paused(node: Node) -> bool:
    assert node.tray is not None
    shows = node.tray.state is TrayState.PAUSED
    offers_resume = node.tray.resume_action.isEnabled()
    says = "Notifications paused until" in node.tray.icon.toolTip()
    assert shows == offers_resume == says, "the icon, the menu and the tooltip agree"
    return shows


def test_pausing_from_the_tray_pauses_every_node_and_ends_on_time(
    qapp: QApplication, tmp_path: Path
) -> None:
    async def body() -> None:
        desk, shop, home = two_trays(tmp_path)
        assert not paused(shop) and not paused(home)
        assert shop.tray is not None and home.tray is not None
        shop.tray.pause_hour_action.trigger()
        assert paused(shop) and paused(home)
        assert "paused until 13:00" in home.tray.icon.toolTip()
        quiet = home.event()
        await until(lambda: home.session.delivered == [quiet.row.rowid], message="muted, delivered")
        assert desk.notifier.shown == []
        assert desk.router.timer.remainingTime() <= MAX_TIMER_MS
        desk.tick(3599)
        assert paused(shop) and paused(home), "not a second early"
        desk.tick(1)
        assert not paused(shop) and not paused(home), "ended with no event to show it"
        assert not desk.router.timer.isActive()
        home.event()
        await until(lambda: len(desk.notifier.shown) == 1, message="toasts again")
        for node in (shop, home):
            node.controller.stop()

    in_loop(qapp, body)


def test_one_icon_shows_the_worst_node_and_every_unread_event(
    qapp: QApplication, tmp_path: Path
) -> None:
    async def body() -> None:
        _, shop, home = two_trays(tmp_path)
        assert shop.tray is home.tray and shop.tray is not None
        tray = shop.tray
        shop.event()
        home.event()
        home.event()
        await until(lambda: tray.unread == 3, message="both nodes' unread on the one badge")
        assert tray.state is TrayState.UNREAD
        home.controller.on_state(ConnState.UNREACHABLE, "connection refused")
        assert tray.state is TrayState.UNREACHABLE, "the node that is down decides"
        assert tray.icon.toolTip().split("\n")[1:] == [
            "shop: Connected, 1 unread",
            "home: Can't reach the node, 2 unread",
            "3 unread in all",
        ]
        titles = [menu.title() for menu in tray.node_menus]
        assert titles == ["shop: Connected, 1 unread", "home: Can't reach the node, 2 unread"]
        assert tray.mark_all_read_action.text() == "&Mark all as read (all nodes)"
        home.controller.stop()
        assert tray.node_menus == [], "a lone node needs no submenu"
        assert tray.state is TrayState.UNREAD
        shop.controller.stop()

    in_loop(qapp, body)


def test_one_node_paused_from_its_submenu_keeps_quiet_while_the_other_speaks(
    qapp: QApplication, tmp_path: Path
) -> None:
    async def body() -> None:
        desk, shop, home = two_trays(tmp_path)
        assert shop.tray is not None
        tray = shop.tray
        [pause_home] = [a for a in tray.node_menus[1].actions() if a.text() == "&Pause for 1 hour"]
        pause_home.trigger()
        home.event()
        shop.event()
        await until(lambda: len(desk.notifier.shown) == 1, message="the other node's toast")
        assert desk.bodies() == ["shop 1"], "the paused node's event makes no toast"
        assert home.session.delivered == [home.store.row(1).rowid], "but it is in the history"
        until_text = desk.router.node_pause_end_text(home.controller.node)
        assert until_text is not None
        assert tray.node_menus[1].title() == f"home: Connected, 1 unread, paused until {until_text}"
        assert tray.state is not TrayState.PAUSED, "the app is not paused, one node is"
        desk.clock.advance(3600 + 1)
        desk.router.on_timer_timeout()
        assert tray.node_menus[1].title() == "home: Connected, 1 unread", "ended on time"
        home.event()
        await until(lambda: len(desk.notifier.shown) == 2, message="the node speaks again")
        for node in (shop, home):
            node.controller.stop()

    in_loop(qapp, body)


@pytest.mark.qt_log_ignore(r"does not support raise\(\)")
def test_a_node_submenu_acts_on_that_node_and_mark_all_read_reaches_every_node(
    qapp: QApplication, tmp_path: Path
) -> None:
    async def body() -> None:
        _, shop, home = two_trays(tmp_path)
        assert shop.tray is not None
        tray = shop.tray
        open_home = tray.node_menus[1].actions()[0]
        assert open_home.text() == "&Open"
        open_home.trigger()
        assert home.window.is_visible() and not shop.window.is_visible()
        home.window.close()
        for node in (shop, home):
            node.session.link.backoff.attempt = 3  # a few attempts failed: the next waits
        tray.node_menus[0].actions()[1].trigger()
        await until(
            lambda: shop.session.link.backoff.attempt == 0, message="shop told to retry at once"
        )
        assert home.session.link.backoff.attempt == 3, "only the node picked reconnects"
        shop.event()
        home.event()
        await until(lambda: tray.unread == 2, message="two unread on the tray")
        tray.mark_all_read_action.trigger()
        await until(
            lambda: shop.store.unread_count() == home.store.unread_count() == 0,
            message="both stores marked",
        )
        await until(lambda: tray.unread == 0, message="the tray counted again after the writes")
        for node in (shop, home):
            node.controller.stop()

    in_loop(qapp, body)


def test_the_unread_count_drops_once_mark_all_read_is_written(
    qapp: QApplication, tmp_path: Path
) -> None:
    _, node = one_node(tmp_path, tray=True)
    assert node.tray is not None
    tray = node.tray

    async def body() -> None:
        node.controller.start()
        node.event()
        node.event()
        await until(lambda: tray.unread == 2, message="two unread on the tray")
        tray.mark_all_read_requested.emit()
        await until(lambda: node.store.unread_count() == 0, message="the store marked them")
        await until(lambda: tray.unread == 0, message="the tray counted again after the write")
        node.controller.stop()

    in_loop(qapp, body)


def test_a_node_down_for_minutes_says_so_once_and_once_more_when_back(
    qapp: QApplication, tmp_path: Path
) -> None:
    desk, node = one_node(tmp_path)

    def titles() -> list[str]:
        return [s.toast.title for s in desk.notifier.shown]

    async def body() -> None:
        node.controller.on_state(ConnState.CONNECTED, "")
        node.controller.on_state(ConnState.UNREACHABLE, "connection refused")
        desk.clock.advance(60)
        node.controller.on_state(ConnState.CONNECTING, "")
        node.controller.on_outage_tick()
        assert titles() == [], "a minute down is a blip"
        assert node.controller.outage_timer.isActive()
        desk.clock.advance(150)
        node.controller.on_outage_tick()
        node.controller.on_outage_tick()
        await until(lambda: len(titles()) == 1, message="the outage toast")
        assert titles() == ["shop has been unreachable for 3 minutes"]
        node.controller.on_state(ConnState.CONNECTED, "")
        await until(lambda: len(titles()) == 2, message="the return toast")
        assert titles()[1] == "shop is back"
        assert not node.controller.outage_timer.isActive()
        node.controller.on_state(ConnState.UNREACHABLE, "")
        node.controller.on_state(ConnState.CONNECTED, "")
        assert len(titles()) == 2, "a blip after the return says nothing"
        node.controller.stop()

    in_loop(qapp, body)


class CatchingUp(NodeController):
    """The real controller, also noting when its node's catch-up is done."""

    caught_up = False

    def on_catch_up_done(self, missed: int) -> None:
        self.caught_up = True
        super().on_catch_up_done(missed)


@pytest.mark.qt_log_ignore("This plugin does not support raise")
@pytest.mark.parametrize("payment_first", [False, True], ids=["order first", "payment first"])
def test_a_sale_from_the_node_is_one_toast_and_both_rows_are_delivered(
    qapp: QApplication, tmp_path: Path, payment_first: bool
) -> None:
    """The node sends the order and the wallet frame of its payment: the user sees one toast,
    the order's, the moment the order is in; "Mark as read" on it marks both."""
    desk = Desk()
    store = Store(tmp_path / "shop.sqlite3")
    window = SharedWindow([store], ["shop"])
    order_id = "QmbMY8sGFeZ4cF9LGFmDRgT6Ao3sVRtGcYW5vuJ9ckWFAZ"

    async def body() -> None:
        # On the app's own loop: a node on a thread of its own could let that thread
        # collect Qt objects of earlier tests.
        sim = SimNode(wallet_interval=None)
        await sim.start()
        session = Session(
            make_config(sim.url, name="shop"),
            store,
            link_options={"backoff": Backoff(initial=0.05, maximum=0.3)},
        )
        controller = CatchingUp(session, window, None, desk.router)
        session.listener = controller
        controller.start()
        task = asyncio.create_task(session.run())
        await until(lambda: controller.caught_up, message="the first catch-up")
        order = sim.frames.order(
            buyer_id=PEER, buyer_handle="ann", title="Mug", price=5000, order_id=order_id
        )
        payment = sim.frames.wallet(code="BTC", value=5000, memo="Mug", order_id=order_id)
        if payment_first:
            await sim.deliver(payment)
            await until(lambda: store.count() == 1, message="the payment recorded")
            assert desk.notifier.shown == [], "a payment waits for its order"
            await sim.notify(order)
        else:
            await sim.notify(order)
            await until(lambda: desk.notifier.shown, message="the order's toast, not waiting")
            await sim.deliver(payment)
        await until(lambda: len(session.delivered) == 2, message="both rows delivered")
        [shown] = desk.notifier.shown
        assert shown.toast.title == "New order from @ann"
        assert shown.toast.body == (
            "Mug is paid: 0.00005 BTC received (unconfirmed). Fulfil it from your sales."
            if payment_first
            else "Mug: 0.00005 BTC paid. Fulfil it from your sales."
        )
        assert not desk.router.timer.isActive(), "nothing left waiting"
        await until(lambda: store.pending_rows() == [], message="the store has both delivered")
        assert store.count() == 2
        shown.click()
        assert window.is_visible(), "a click opens the order"
        window.close()
        assert store.unread_count() == 2
        shown.press("mark-read")
        await until(
            lambda: store.unread_count() == 0, message="the order and its payment both read"
        )
        controller.stop()
        session.stop()
        await asyncio.wait_for(task, 10)
        await sim.stop()

    in_loop(qapp, body)
    store.close()
