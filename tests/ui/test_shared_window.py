"""One window for every node: the node list, merged rows that name their node, requests
handed back to the right node, and the detail pane fed by that node's controller."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from waiting import until

from obnotify.core.connection import ConnState
from obnotify.core.details import Detail
from obnotify.core.node_colours import colour_for
from obnotify.core.policy import NotificationSettings
from obnotify.core.tray_state import NodeStatus
from obnotify.demo.cid import random_cid
from obnotify.demo.node import SimNode
from obnotify.desktop.notifier import RecordingNotifier
from obnotify.node.config import make_config
from obnotify.node.session import NodeSession
from obnotify.store.database import Store
from obnotify.store.row import HistoryRow
from obnotify.ui.activity_model import ROW_ROLE, Column
from obnotify.ui.balances import BalanceColumn
from obnotify.ui.listing import ListedRow, Listing, RowKey, listed_order
from obnotify.ui.node_controller import NodeController
from obnotify.ui.shared_window import SharedWindow
from obnotify.ui.store_listing import MergedListing
from obnotify.ui.toasts import ToastRouter
from obnotify.ui.window import MainWindow

from .loop import in_loop
from .samples import NOW, PEER, find_row, record_many, record_samples, sample_balances

SHOP, HOME = "Walnut shop", "Home node"
SHOWN_OFFSCREEN = pytest.mark.qt_log_ignore(r"does not support raise\(\)", r"propagateSizeHints")
"""The window is shown raised; the offscreen platform says it cannot raise windows."""


@pytest.fixture
def two_stores(tmp_path: Path) -> Iterator[tuple[Store, Store]]:
    with Store(tmp_path / "shop.sqlite3") as shop, Store(tmp_path / "home.sqlite3") as home:
        yield shop, home


def shared_window(
    qtbot: QtBot, stores: tuple[Store, ...], names: tuple[str, ...], clock: Callable[[], float]
) -> SharedWindow:
    def make(listing: Listing) -> MainWindow:
        window = MainWindow(listing, now=clock)
        qtbot.addWidget(window)
        return window

    return SharedWindow(stores, names, make=make)


def two_nodes(
    qtbot: QtBot, stores: tuple[Store, Store], clock: Callable[[], float]
) -> tuple[SharedWindow, list[int], list[int]]:
    """The sample rows in each store, a second apart, and the window of both."""
    shop_ids = record_samples(stores[0], now=NOW)
    home_ids = record_samples(stores[1], now=NOW - 1)
    return shared_window(qtbot, stores, (SHOP, HOME), clock), shop_ids, home_ids


def texts(window: MainWindow, column: Column) -> list[str]:
    model = window.model
    return [model.index(r, column).data() for r in range(model.rowCount())]


def row_at(window: MainWindow, position: int) -> ListedRow:
    found = window.model.row_at(window.model.index(position, 0))
    assert found is not None
    return found


class RecordingNode:
    """A node as the window sees it, writing down what the user asked of its rows."""

    def __init__(self, place: int, heard: list[tuple[str, int, object]]) -> None:
        self.place = place
        self.heard = heard

    def retry_at(self) -> float | None:
        return None

    def describe(self, row: HistoryRow) -> tuple[Detail | None, Path | None]:
        self.heard.append(("describe", self.place, row))
        return None, None

    def open_row(self, row: HistoryRow) -> None:
        self.heard.append(("open", self.place, row))

    def mark_read(self, row: HistoryRow) -> None:
        self.heard.append(("read", self.place, row))

    def on_window_reply_requested(self, peer_id: str, subject: str, text: str) -> None:
        self.heard.append(("reply", self.place, (peer_id, subject, text)))

    def on_conversation_requested(self, peer_id: str, subject: str) -> None:
        self.heard.append(("conversation", self.place, (peer_id, subject)))


@SHOWN_OFFSCREEN
def test_every_node_in_one_list_and_each_node_on_its_own(
    qtbot: QtBot, two_stores: tuple[Store, Store], clock: Callable[[], float]
) -> None:
    shared, shop_ids, home_ids = two_nodes(qtbot, two_stores, clock)
    shared.report(0, NodeStatus(SHOP, ConnState.CONNECTED, 3))
    shared.report(1, NodeStatus(HOME, ConnState.UNREACHABLE, 0, "", "connection refused"))
    shared.set_balances(0, sample_balances())
    shared.set_balances(1, sample_balances())
    assert shared.window is None, "nothing is built before the window is opened"

    shared.show()
    window = shared.window
    assert window is not None
    qtbot.waitExposed(window)
    listed = [window.node_list.item(i).text() for i in range(window.node_list.count())]
    assert listed == ["All nodes (3)", f"{SHOP} (3)", HOME]
    assert window.windowTitle() == "obnotify — All nodes"
    assert window.status_line.connection.text() == (
        f"Can't reach the node — {HOME}: connection refused"
    ), "All nodes shows the node that needs the user"
    balances = window.balances
    assert balances.amount_text(0, BalanceColumn.CONFIRMED) == "0.00005314", "added up"
    assert balances.amount_text(0, BalanceColumn.UNCONFIRMED) == "0.003"

    # Both nodes' rows, newest first, each naming its node in its colour.
    assert window.model.rowCount() == 2 * len(shop_ids)
    assert not window.view.isColumnHidden(Column.NODE)
    assert texts(window, Column.NODE)[:4] == [SHOP, HOME, SHOP, HOME]
    marker = window.model.index(1, Column.NODE).data(1).pixmap(12, 12).toImage()
    assert marker.pixelColor(6, 6).name() == colour_for(1), "the node's colour beside its name"

    window.node_list.pick(1)
    assert window.windowTitle() == f"obnotify — {HOME}"
    assert window.status_line.connection.text() == "Can't reach the node — connection refused"
    assert window.model.rowCount() == len(home_ids)
    assert window.view.isColumnHidden(Column.NODE), "one node: its name would say nothing"
    keys = [row_at(window, r).key for r in range(window.model.rowCount())]
    assert keys == [RowKey(1, rowid) for rowid in home_ids]

    # A row of the node not shown: the window goes back to every node to show it.
    assert shared.show(0, shop_ids[2])
    assert window.picked_node() is None
    selected = window.model.row_at(window.view.currentIndex())
    assert selected is not None and selected.key == RowKey(0, shop_ids[2])
    assert not shared.show(1, 10**9), "a row no store has is not found"


@SHOWN_OFFSCREEN
def test_requests_reach_the_rows_node_with_its_own_row(
    qtbot: QtBot, two_stores: tuple[Store, Store], clock: Callable[[], float]
) -> None:
    shop, home = two_stores
    shared, shop_ids, home_ids = two_nodes(qtbot, two_stores, clock)
    heard: list[tuple[str, int, object]] = []
    for place in range(2):
        shared.attach(place, RecordingNode(place, heard))
    shared.show()
    window = shared.window
    assert window is not None

    # Shop and home rows alternate, a second apart and with the same store ids.
    home_row = find_row(home, home_ids[0])
    assert row_at(window, 0).key == RowKey(0, shop_ids[0]) and shop_ids[0] == home_ids[0]
    window.view.selectRow(1)
    assert heard[0] == ("describe", 1, home_row), "the detail comes from the row's node"
    assert [(what, place) for what, place, _ in heard[1:]] == [("conversation", 1)]
    heard.clear()
    window.detail.open_requested.emit(home_row)
    window.detail.mark_read_requested.emit(home_row)
    window.detail.reply_requested.emit(PEER, "", "Thanks")
    window.detail.conversation_requested.emit(PEER, "")
    window.on_view_activated(window.model.index(2, 0))
    assert heard == [
        ("open", 1, home_row),
        ("read", 1, home_row),
        ("reply", 1, (PEER, "", "Thanks")),
        ("conversation", 1, (PEER, "")),
        ("open", 0, find_row(shop, shop_ids[1])),
    ]

    # Marking one node's rows read leaves the other node's bold, even under the same store id.
    shared.mark_read(1, home_ids[0])
    assert not window.model.is_unread(row_at(window, 1))
    assert window.model.is_unread(row_at(window, 0)), "the shop's row with the same id"
    shared.mark_all_read(0)
    unread = [row_at(window, r).node for r in range(8) if window.model.is_unread(row_at(window, r))]
    assert unread and set(unread) == {1}
    assert window.model.is_unread(row_at(window, 3))

    # A live row of one node lands among the others, under its window id.
    live = HistoryRow(
        key="live", kind="message", event_id="live", category="chat", title="Live",
        urgency="normal", received_at=NOW + 5,
    )  # fmt: skip
    rowid = shop.record(live, raw="{}")
    assert rowid is not None
    shared.add_event(0, find_row(shop, rowid))
    top = row_at(window, 0)
    assert top.row.title == "Live" and top.key == RowKey(0, rowid)
    assert window.model.index(0, 0).data(ROW_ROLE) == top.row
    assert len(shop_ids) == len(home_ids)


@SHOWN_OFFSCREEN
def test_one_node_shows_no_node_list_and_no_node_column(
    qtbot: QtBot, store: Store, clock: Callable[[], float]
) -> None:
    record_samples(store)
    shared = shared_window(qtbot, (store,), (SHOP,), clock)
    shared.report(0, NodeStatus(SHOP, ConnState.CONNECTED, 0))
    shared.show()
    window = shared.window
    assert window is not None
    qtbot.waitExposed(window)
    assert not window.node_list.isVisible()
    assert window.view.isColumnHidden(Column.NODE)
    assert window.windowTitle() == f"obnotify — {SHOP}"
    assert window.status_line.connection.text() == "Connected"
    assert (window.width(), window.height()) == (760, 660)


def test_pages_merge_in_order_without_gaps_or_repeats(two_stores: tuple[Store, Store]) -> None:
    shop, home = two_stores
    record_many(shop, 450, now=NOW)
    record_many(home, 300, now=NOW + 0.5)
    history = MergedListing(two_stores)
    every = sorted(
        [ListedRow(0, row) for row in shop.recent(limit=1000)]
        + [ListedRow(1, row) for row in home.recent(limit=1000)],
        key=listed_order,
    )
    for categories in (None, ["chat", "orders"]):
        expected = [i for i in every if categories is None or i.row.category in categories]
        paged: list[ListedRow] = []
        while page := history.recent(limit=100, offset=len(paged), categories=categories):
            paged.extend(page)
        assert paged == expected
        assert history.count(categories=categories) == len(expected)
        # A page asked for out of turn is still the right one.
        assert history.recent(limit=50, offset=333, categories=categories) == expected[333:383]
    history.show_only([1])
    assert history.recent(limit=1000) == [i for i in every if i.node == 1]
    assert history.row(every[0].key) == every[0], "a row is found whatever is listed"
    assert history.row(RowKey(2, every[0].row.rowid)) is None


@SHOWN_OFFSCREEN
def test_the_detail_pane_gets_the_conversation_from_the_rows_node(
    qapp: QApplication, tmp_path: Path
) -> None:
    order = random_cid()

    async def body() -> list[str]:
        node = SimNode(wallet_interval=None)
        node.add_chat_message(
            {
                "peerId": PEER,
                "subject": order,
                "messageId": random_cid(),
                "message": "Hi <b>you</b>",
            }
        )
        await node.start()
        store = Store(tmp_path / "history.sqlite3")
        session = NodeSession(make_config(node.url, name=SHOP), store)
        shared = SharedWindow([store], [SHOP])
        toasts = ToastRouter(NotificationSettings(), RecordingNotifier())
        controller = NodeController(session, shared, None, toasts)
        try:
            frame = {"message": {"message": "Hi", "messageId": random_cid(), "peerId": PEER,
                                 "subject": order}}  # fmt: skip
            chat = HistoryRow(
                key="m:1", kind="message", event_id="m1", category="order-chat", title="Chat",
                body="Hi", route=f"ob://chat/{PEER}?subject={order}", urgency="normal",
                received_at=NOW, peer_id=PEER, order_id=order,
            )  # fmt: skip
            store.record(chat, raw=json.dumps(frame))
            shared.show()
            window = shared.window
            assert window is not None
            window.view.selectRow(0)
            await until(
                lambda: len(window.detail.conversation_texts()) >= 1, message="the conversation"
            )
            window.detail.reply.setText("Ships Friday")
            window.detail.send_button.click()
            await until(
                lambda: any("Ships Friday" in t for t in window.detail.conversation_texts()),
                message="the reply in the conversation",
            )
            return window.detail.conversation_texts()
        finally:
            controller.stop()
            shared.close()
            await session.api.aclose()
            store.close()
            await node.stop()

    lines = in_loop(qapp, body)
    assert any("Hi <b>you</b>" in line or "Hi you" in line for line in lines)
