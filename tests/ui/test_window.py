"""The main window: close hides, status news, filters, opening rows, replying to chat."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from obnotify.core.connection import ConnState
from obnotify.store.database import Store
from obnotify.store.row import HistoryRow
from obnotify.ui.activity_model import ROW_ROLE, Column
from obnotify.ui.listing import ListedRow, RowKey
from obnotify.ui.store_listing import StoreListing
from obnotify.ui.window import MainWindow

from .samples import NOW, ORDER, PEER, PEER_2, record_many, record_samples, sample_balances

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


def make_window(qtbot: QtBot, store: Store, clock: Callable[[], float]) -> MainWindow:
    window = MainWindow(StoreListing(store), node_name="Alice's walnut shop", now=clock)
    qtbot.addWidget(window)
    return window


def select_title(window: MainWindow, title: str) -> int:
    for position in range(window.model.rowCount()):
        if window.model.index(position, 0).data(ROW_ROLE).title == title:
            window.view.selectRow(position)
            return position
    raise AssertionError(f"no row {title!r}")


def test_title_size_and_close_hides(
    qtbot: QtBot, sample_store: Store, clock: Callable[[], float]
) -> None:
    window = make_window(qtbot, sample_store, clock)
    assert window.windowTitle() == "obnotify — Alice's walnut shop"
    assert (window.width(), window.height()) == (760, 660)
    window.show()
    qtbot.waitExposed(window)
    window.close()
    assert not window.isVisible()
    window.show()
    assert window.isVisible() and window.model.rowCount() == 8


def test_connection_publishing_and_typing_news(
    qtbot: QtBot, sample_store: Store, clock: Callable[[], float]
) -> None:
    window = make_window(qtbot, sample_store, clock)
    window.show()
    line = window.status_line
    window.set_connection(ConnState.UNREACHABLE, "connection refused by 127.0.0.1:4002")
    assert line.connection.text() == ("Can't reach the node — connection refused by 127.0.0.1:4002")
    window.set_publishing("publishing")
    assert line.publishing.isVisible() and line.publishing.text() == "Publishing your store…"
    assert not line.publishing.timer.isActive()

    window.show_typing("Alice <i>Smith</i>")
    assert line.typing.isVisible()
    assert line.typing.text() == "Alice <i>Smith</i> is typing…"
    assert line.typing.textFormat() is Qt.TextFormat.PlainText
    assert line.typing.timer.isActive() and line.typing.timer.interval() == 5000
    line.typing.timer.setInterval(20)
    window.show_typing("Alice")
    line.typing.timer.setInterval(20)
    line.typing.timer.start()
    qtbot.waitUntil(lambda: not line.typing.isVisible(), timeout=3000)


def test_every_label_shows_plain_text(
    qtbot: QtBot, sample_store: Store, clock: Callable[[], float]
) -> None:
    window = make_window(qtbot, sample_store, clock)
    select_title(window, "New follower")
    assert window.detail.body.text() == "Carol <b>the</b> collector followed you."
    labels = window.findChildren(QLabel)
    texty = [label for label in labels if label.pixmap().isNull()]
    assert texty and all(label.textFormat() is Qt.TextFormat.PlainText for label in texty)


def test_activating_a_row_opens_its_route(
    qtbot: QtBot, sample_store: Store, clock: Callable[[], float]
) -> None:
    window = make_window(qtbot, sample_store, clock)
    window.show()
    qtbot.waitExposed(window)
    position = select_title(window, "New order from Alice")
    window.view.setCurrentIndex(window.model.index(position, Column.EVENT))
    with qtbot.waitSignal(window.open_route) as opened:
        qtbot.keyClick(window.view, Qt.Key.Key_Return)
    assert opened.args[0].row.route == f"ob://transactions/sales?orderId={ORDER}"
    rect = window.view.visualRect(window.model.index(0, Column.DETAILS))
    qtbot.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(window.open_route) as clicked:
        qtbot.mouseDClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert clicked.args[0].row.title == "Alice · order QmYhUkWH…dTJnk"


def test_reply_box_sends_to_the_peer_and_order_of_the_route(
    qtbot: QtBot, sample_store: Store, clock: Callable[[], float]
) -> None:
    window = make_window(qtbot, sample_store, clock)
    window.show()
    select_title(window, "New order from Alice")
    assert not window.detail.reply_row.isVisible()

    select_title(window, "Alice · order QmYhUkWH…dTJnk")
    assert window.detail.reply_row.isVisible()
    assert not window.detail.send_button.isEnabled()
    qtbot.keyClicks(window.detail.reply, "Yes, it ships tomorrow")
    with qtbot.waitSignal(window.reply_requested) as sent:
        qtbot.mouseClick(window.detail.send_button, Qt.MouseButton.LeftButton)
    assert sent.args[1:] == [PEER, ORDER, "Yes, it ships tomorrow"]
    assert sent.args[0].row.title == "Alice · order QmYhUkWH…dTJnk", "the row replied from"
    assert window.detail.reply.text() == ""

    select_title(window, "Bob")
    qtbot.keyClicks(window.detail.reply, "You're welcome")
    with qtbot.waitSignal(window.reply_requested) as direct:
        qtbot.keyClick(window.detail.reply, Qt.Key.Key_Return)
    assert direct.args[1:] == [PEER_2, "", "You're welcome"]


def test_mark_read_from_the_detail_pane(
    qtbot: QtBot, sample_store: Store, clock: Callable[[], float]
) -> None:
    window = make_window(qtbot, sample_store, clock)
    window.show()
    position = select_title(window, "Payment received")
    assert window.detail.mark_read_button.isVisible()
    with qtbot.waitSignal(window.mark_read_requested) as asked:
        qtbot.mouseClick(window.detail.mark_read_button, Qt.MouseButton.LeftButton)
    listed = asked.args[0]
    assert listed == ListedRow(0, window.model.index(position, 0).data(ROW_ROLE))
    window.mark_read(listed.key)
    assert not window.detail.mark_read_button.isVisible()
    assert window.model.index(position, 0).data(Qt.ItemDataRole.FontRole) is None


def test_chips_and_debounced_search_filter_the_list(
    qtbot: QtBot, sample_store: Store, clock: Callable[[], float]
) -> None:
    window = make_window(qtbot, sample_store, clock)
    window.filter_bar.select_chip("Chat")
    assert window.model.rowCount() == 2
    qtbot.keyClicks(window.filter_bar.search, "friday")
    assert window.model.rowCount() == 2
    assert window.filter_bar.debounce.isActive()
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=2000)
    window.filter_bar.select_chip("All")
    assert window.model.rowCount() == 1
    window.filter_bar.search.clear()
    qtbot.waitUntil(lambda: window.model.rowCount() == 8, timeout=2000)


def test_live_event_and_show_event(qtbot: QtBot, store: Store, clock: Callable[[], float]) -> None:
    record_many(store, 1000)
    window = make_window(qtbot, store, clock)
    window.show()
    rowid = store.record(
        HistoryRow(
            key="live",
            kind="message",
            event_id="m1",
            category="chat",
            title="Zoe",
            body="Is it still available?",
            image="",
            route=f"ob://chat/{PEER}",
            urgency="normal",
            received_at=NOW + 1,
        ),
        raw="{}",
    )
    assert rowid is not None
    live = store.row(rowid)
    assert live is not None
    window.add_event(ListedRow(0, live))
    assert window.model.index(0, 0).data(Qt.ItemDataRole.DisplayRole) == "Zoe"

    oldest = store.recent(limit=1, offset=1000)[0]
    window.filter_bar.select_chip("Funds")
    assert oldest.category != "funds"
    assert window.show_event(RowKey(0, oldest.rowid))
    assert window.model.categories is None
    assert window.filter_bar.chips[0].isChecked()
    selected = window.view.selectionModel().selectedRows()
    assert [window.model.index(i.row(), 0).data(ROW_ROLE).rowid for i in selected] == [oldest.rowid]
    assert window.detail.row is not None and window.detail.row.rowid == oldest.rowid
    assert not window.show_event(RowKey(0, 10**9))


def test_switching_filters_with_a_view_on_a_hundred_thousand_rows(
    qtbot: QtBot, clock: Callable[[], float]
) -> None:
    """Reports (not asserts) how long a filter switch takes with the view painting it."""
    with Store(":memory:", history_cap=200_000) as big:
        record_many(big, 100_000)
        started = time.perf_counter()
        window = make_window(qtbot, big, clock)
        window.show()
        qtbot.waitExposed(window)
        window.repaint()
        opened = time.perf_counter() - started
        timings = []
        for chip in ("Orders", "Chat", "Funds", "All"):
            started = time.perf_counter()
            window.filter_bar.select_chip(chip)
            window.view.viewport().repaint()
            timings.append((chip, time.perf_counter() - started))
        started = time.perf_counter()
        bar = window.view.verticalScrollBar()
        for _ in range(20):
            bar.setValue(bar.maximum())
            QApplication.processEvents()
            window.view.viewport().repaint()
        scrolled = time.perf_counter() - started
        assert window.model.rowCount() >= 4000
        window.close()
        del window
    print(
        f"\nwindow open with 100,000 rows: {opened * 1000:.1f} ms"
        + "".join(f"\nchip {chip} + repaint: {seconds * 1000:.1f} ms" for chip, seconds in timings)
        + f"\n20 scrolls to the bottom (each loads a page) + repaint: {scrolled * 1000:.0f} ms"
    )


def test_screenshot_with_sample_data(
    qtbot: QtBot, sample_store: Store, clock: Callable[[], float]
) -> None:
    window = make_window(qtbot, sample_store, clock)
    window.set_balances(sample_balances())
    window.set_connection(ConnState.CONNECTED, "127.0.0.1:4002 · OpenBazaar 0.14.5")
    window.set_publishing("publish complete")
    window.show_typing("Alice")
    window.show()
    qtbot.waitExposed(window)
    select_title(window, "Alice · order QmYhUkWH…dTJnk")
    window.view.setFocus()
    qtbot.wait(10)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTIFACTS / "window-offscreen.png"
    assert window.grab().save(str(target))
    assert target.stat().st_size > 10_000
    assert not window.model.index(0, 0).data(ROW_ROLE) is None
    assert window.model.canFetchMore(QModelIndex()) is False


def test_sample_rows_are_newest_first(store: Store) -> None:
    ids = record_samples(store)
    assert [row.rowid for row in store.recent()] == ids


def test_the_status_line_counts_down_to_the_next_attempt(qtbot: QtBot, store: Store) -> None:
    clock = [NOW]
    retry: list[float | None] = [None]
    window = MainWindow(StoreListing(store), node_name="Shop", now=lambda: clock[0])
    qtbot.addWidget(window)
    line = window.status_line
    window.set_retry_source(lambda: retry[0])
    window.set_connection(ConnState.UNREACHABLE, "connection refused")
    assert line.connection.text() == "Can't reach the node — connection refused"
    assert line.countdown.isActive(), "the link picks its next attempt just after"
    retry[0] = NOW + 42
    line.countdown.timeout.emit()
    assert line.connection.text() == (
        "Can't reach the node — connection refused · next attempt in 42 s"
    )
    clock[0] = NOW + 41.7
    line.countdown.timeout.emit()
    assert line.connection.text().endswith("· trying again now")
    window.set_connection(ConnState.CONNECTED, "")
    assert line.connection.text() == "Connected" and not line.countdown.isActive()
