"""The detail pane: an order in full with copy buttons and its picture, a chat with its
conversation and reply box, and one height whatever is selected."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QRadialGradient
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from obnotify.core.conversation import ChatLine, conversation
from obnotify.core.decode import decode_frame, encode_event
from obnotify.core.details import Detail, detail_of, recorded_event
from obnotify.core.events import ChatMessage, Notification, Profile
from obnotify.core.render import category, render
from obnotify.demo.frames import FrameFactory, Thumbnail
from obnotify.desktop.thumbnails import ThumbnailCache
from obnotify.store.database import Store
from obnotify.store.row import HistoryRow
from obnotify.ui.detail import LOADING_TEXT, OPEN_TEXT, DetailPane

from .samples import NOW, ORDER

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
ALICE = "QmVQzkdi3Fq6LRFG9UNqDZfSry67weCZV6ZL26QVx64UFy"
BUYER = "Qmdy44rwpPQ2opSJi9LjKSzChMgHXgdC5vPq5zfVUGNYbh"
PICTURE = "zb2rhdmv4SqzsxFzZK6tPeYkant6rRyFHDfJx3saUZLQsf6VT"
LISTING = "Handmade walnut bowl <b>oiled</b>"
FRAMES = FrameFactory()
MIN_SIZE = (520, 420)
"""The window's minimum size."""
SCREENSHOT_WIDTH = 640
WINDOW_MARGINS = 24


def _record(store: Store, key: str, event: Notification | ChatMessage) -> HistoryRow:
    """Record an event as a session does: its toast's words, its decoded value as the raw text."""
    toast = render(event)
    assert toast is not None
    rowid = store.record(
        HistoryRow(
            key=key,
            kind="message" if isinstance(event, ChatMessage) else "notification",
            event_id=event.id,
            category=category(event).value,
            title=toast.title,
            body=toast.body,
            image=toast.image,
            route=toast.route,
            urgency=toast.urgency.value,
            received_at=NOW - 60,
        ),
        raw=encode_event(event),
    )
    assert rowid is not None
    row = store.row(rowid)
    assert row is not None
    return row


@pytest.fixture
def order_row(store: Store) -> HistoryRow:
    frame = FRAMES.order(
        buyer_id=BUYER,
        buyer_handle="mugfan",
        title=LISTING,
        price=2657,
        order_id=ORDER,
        thumbnail=Thumbnail(small=PICTURE),
    )
    event = decode_frame(json.dumps({"notification": frame}))
    assert isinstance(event, Notification)
    return _record(store, "n:order", event)


@pytest.fixture
def chat_row(store: Store) -> HistoryRow:
    message = ChatMessage(
        id="QmChat1",
        peer_id=ALICE,
        subject=ORDER,
        text='Photos of the mug: <a href="http://x" rel="nofollow">link</a>',
        timestamp="2025-10-09T08:26:40Z",
    )
    return _record(store, "m:chat", message)


@pytest.fixture
def follow_row(store: Store) -> HistoryRow:
    event = decode_frame(json.dumps({"notification": FRAMES.follow(peer_id=ALICE)}))
    assert isinstance(event, Notification)
    return _record(store, "n:follow", event)


@pytest.fixture
def cache(tmp_path: Path, order_row: HistoryRow) -> Iterator[ThumbnailCache]:
    """The real thumbnail cache, holding the order's listing picture."""
    client = httpx.AsyncClient()
    thumbnails = ThumbnailCache(tmp_path / "thumbnails", client)
    image = QImage(240, 240, QImage.Format.Format_RGB32)
    image.fill(QColor("#f3ead8"))
    painter = QPainter(image)
    gradient = QRadialGradient(120, 110, 100)
    gradient.setColorAt(0, QColor("#4f7fb8"))
    gradient.setColorAt(1, QColor("#1d3557"))
    painter.setBrush(gradient)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(QPoint(120, 120), 92, 80)
    painter.end()
    assert image.save(str(thumbnails.directory / f"{order_row.image}.png"))
    yield thumbnails
    asyncio.run(client.aclose())


def _detail(store: Store, row: HistoryRow, peers: Mapping[str, Profile] | None = None) -> Detail:
    """What the window shows of a row: its event from the history, with the known profiles."""
    return detail_of(row, recorded_event(row.kind, store.raw(row.rowid)), peers=peers)


def make_pane(qtbot: QtBot) -> DetailPane:
    """A pane as wide as the window's at its minimum size (less the window's margins)."""
    pane = DetailPane(now=lambda: NOW)
    qtbot.addWidget(pane)
    pane.resize(MIN_SIZE[0] - WINDOW_MARGINS, pane.height())
    return pane


def test_an_order_in_full_with_its_picture_and_ids_to_copy(
    qtbot: QtBot, store: Store, order_row: HistoryRow, cache: ThumbnailCache
) -> None:
    pane = make_pane(qtbot)
    detail = _detail(store, order_row)
    pane.show_row(order_row, unread=True, detail=detail, picture=cache.cached(detail.picture))
    pane.show()
    qtbot.waitExposed(pane)
    assert pane.title.text() == "New order from @mugfan"
    assert pane.fields.values["Order"] == ORDER
    assert pane.fields.values["Buyer id"] == BUYER
    assert pane.fields.values["Price"] == "0.00002657 BTC"
    assert pane.fields.values["Listing"] == LISTING
    assert not pane.picture.pixmap().isNull()
    assert pane.picture.pixmap().toImage().pixelColor(28, 28) != QColor("#f3ead8")
    assert pane.mark_read_button.isVisible()
    assert not pane.reply_row.isVisible()
    for label, box in pane.fields.id_boxes.items():
        room = box.contentsRect().width()
        assert box.fontMetrics().horizontalAdvance(box.text()) <= room, f"{label} clipped"

    clipboard = QGuiApplication.clipboard()
    qtbot.mouseClick(pane.fields.copy_buttons["Order"], Qt.MouseButton.LeftButton)
    assert clipboard.text() == ORDER
    qtbot.mouseClick(pane.fields.copy_buttons["Buyer id"], Qt.MouseButton.LeftButton)
    assert clipboard.text() == BUYER

    if os.environ.get("OBNOTIFY_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        pane.resize(SCREENSHOT_WIDTH, pane.height())
        QGuiApplication.processEvents()
        target = SCREENSHOTS / "detail.png"
        assert pane.grab().save(str(target))
        assert target.stat().st_size > 5_000


def test_node_text_is_shown_as_typed_never_as_markup(
    qtbot: QtBot, store: Store, order_row: HistoryRow
) -> None:
    pane = make_pane(qtbot)
    pane.show_row(order_row, detail=_detail(store, order_row))
    labels = [label for label in pane.findChildren(QLabel) if label.pixmap().isNull()]
    assert labels and all(label.textFormat() is Qt.TextFormat.PlainText for label in labels)
    shown = [label.text() for label in labels]
    assert LISTING in shown


def test_open_in_openbazaar_only_with_an_ob_handler(
    qtbot: QtBot, store: Store, order_row: HistoryRow
) -> None:
    pane = make_pane(qtbot)
    pane.show()
    pane.show_row(order_row)
    assert pane.open_button.text() == OPEN_TEXT
    assert not pane.open_button.isVisible()
    pane.set_ob_handler(True)
    assert pane.open_button.isVisible()
    with qtbot.waitSignal(pane.open_requested) as opened:
        qtbot.mouseClick(pane.open_button, Qt.MouseButton.LeftButton)
    assert opened.args == [order_row]
    pane.set_ob_handler(False)
    assert not pane.open_button.isVisible()


def test_a_row_without_its_event_shows_the_ids_it_kept(qtbot: QtBot, store: Store) -> None:
    rowid = store.record(
        HistoryRow(
            key="n:bare",
            kind="notification",
            event_id="x",
            category="orders",
            title="Order completed",
            body="Done.",
            image="",
            route="",
            urgency="normal",
            received_at=NOW,
            peer_id=ALICE,
            order_id=ORDER,
        ),
        raw="",
    )
    row = store.row(rowid or 0)
    assert row is not None
    pane = make_pane(qtbot)
    pane.set_ob_handler(True)
    pane.show()
    pane.show_row(row)
    assert pane.fields.values == {"Order": ORDER, "Peer id": ALICE}
    assert not pane.open_button.isVisible(), "a row without a route has nothing to open"


def test_a_chat_row_asks_for_its_conversation_and_shows_it_as_plain_text(
    qtbot: QtBot, store: Store, chat_row: HistoryRow
) -> None:
    pane = make_pane(qtbot)
    pane.show()
    peers = {ALICE: Profile(peer_id=ALICE, name="Alice")}
    with qtbot.waitSignal(pane.conversation_requested) as asked:
        pane.show_row(chat_row, detail=_detail(store, chat_row, peers=peers))
    assert asked.args == [ALICE, ORDER]
    assert pane.reply_row.isVisible()
    assert pane.chat_fields.values == {"Chat with": "Alice", "Peer id": ALICE, "Order": ORDER}
    # Until the node answers: the message itself, tags gone, and a note.
    assert pane.conversation_texts()[-1] == LOADING_TEXT
    assert pane.conversation_texts()[0].endswith("\nPhotos of the mug: link")

    node_lines = conversation(
        [
            ChatMessage(id="2", peer_id=ALICE, text="Sure, <b>here</b>", outgoing=True),
            ChatMessage(id="1", peer_id=ALICE, text='<a href="http://x" rel="nofollow">a</a>'),
        ]
    )
    pane.show_conversation(ALICE, "", [ChatLine(False, "another chat", None)])
    assert pane.conversation_texts()[-1] == LOADING_TEXT, "direct chat is not the order's"
    pane.show_conversation(ALICE, ORDER, node_lines)
    assert pane.conversation_texts() == ["Alice\na", "You\nSure, here"]

    pane.show_sent(ALICE, ORDER, "Ships Friday")
    assert pane.conversation_texts()[-1].startswith("You · ")
    assert pane.conversation_texts()[-1].endswith("\nShips Friday")
    pane.show_conversation_failed(ALICE, ORDER, "HTTP 500")
    assert pane.conversation_texts()[-1] == "The conversation could not be loaded: HTTP 500"


def test_reselecting_the_same_chat_row_does_not_ask_again(
    qtbot: QtBot, chat_row: HistoryRow
) -> None:
    pane = make_pane(qtbot)
    asked: list[tuple[str, str]] = []
    pane.conversation_requested.connect(lambda peer, subject: asked.append((peer, subject)))
    pane.show_row(chat_row)
    pane.show_row(chat_row, unread=True)
    assert asked == [(ALICE, ORDER)]


def test_reply_focuses_the_reply_box_of_a_chat_only(
    qtbot: QtBot, order_row: HistoryRow, chat_row: HistoryRow
) -> None:
    pane = make_pane(qtbot)
    pane.show()
    qtbot.waitExposed(pane)
    pane.activateWindow()
    pane.show_row(order_row)
    assert not pane.focus_reply()
    pane.show_row(chat_row)
    assert pane.focus_reply()
    qtbot.waitUntil(pane.reply.hasFocus, timeout=2000)
    qtbot.keyClicks(pane.reply, "On its way")
    with qtbot.waitSignal(pane.reply_requested) as sent:
        qtbot.keyClick(pane.reply, Qt.Key.Key_Return)
    assert sent.args == [ALICE, ORDER, "On its way"]


def test_an_event_asks_for_room_and_nothing_selected_asks_for_one_line(
    qtbot: QtBot, store: Store, order_row: HistoryRow, chat_row: HistoryRow
) -> None:
    pane = make_pane(qtbot)
    line = pane.fontMetrics().lineSpacing()
    assert pane.wanted_height() < 3 * line and pane.maximumHeight() == pane.wanted_height()
    pane.show_row(order_row, detail=_detail(store, order_row))
    order_height = pane.wanted_height()
    assert order_height >= 15 * line and pane.maximumHeight() > order_height
    pane.show_row(chat_row, detail=_detail(store, chat_row))
    assert pane.wanted_height() > order_height, "a conversation asks for more"
